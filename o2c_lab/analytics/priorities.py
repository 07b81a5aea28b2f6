"""Priority matrix (matrice de priorisation): a ranked worklist of actions, real urgency vs noise.

Each customer with open items gets at most one collection action, ranked by
``amount at stake × probability of late payment or loss``. What is not a collection problem is
set apart as *noise for collection* with the action it does need, by the team that can act:

- an item under an open dispute → dispute handling (no reminder while it is open);
- an item whose invoice lacks the customer's PO number → billing re-issues the invoice;
- unapplied cash that covers the overdue → cash application first (do not chase a payer);
- a customer under collective proceedings → declare the claim, stop reminders (an urgency, but
  a legal one, not a reminder).

:func:`coverage` measures the before/after of the course: the share of the cash that truly ends
up late or lost (from the truth) covered by the first N actions, sorting by amount (before) vs by
priority (after).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..law import claim_declaration_deadline
from ..money import format_date, format_eur
from .aging import AgedBalance, _day, _days, _open_dispute

__all__ = ["PRIORITY_RULES", "reminder_action", "worklist", "worklist_documents", "amount_ranking", "at_risk_cash", "coverage"]

#: Probability of late payment or loss by risk level, and reminder levels by days past due.
PRIORITY_RULES = {
    "p_by_level": {"normal": 0.15, "élevé": 0.6, "critique": 0.9},
    "p_per_delay_day": 0.01,      # normal customers: + 1 point per day of usual delay (max 0.5)
    "reminder_days": (15, 45),    # ≤ 15 days: level 1, ≤ 45: level 2, beyond: level 3
    # noise for collection still holds cash back until another team acts
    "p_dispute": 0.8,             # an open dispute: paid late (after resolution) or credited
    "p_missing_po": 0.9,          # an invoice without the customer's PO: blocked until re-issued
}

_CATEGORY_URGENT = "urgence réelle"
_CATEGORY_NOISE = "bruit pour le recouvrement"


def reminder_action(days: int) -> str:
    """The reminder level the course's rules give an item ``days`` past due (French action text)."""
    first, second = PRIORITY_RULES["reminder_days"]
    if days <= first:
        return "Relance niveau 1 (amiable, par e-mail)"
    if days <= second:
        return "Relance niveau 2 (ferme, appel téléphonique)"
    return "Relance niveau 3 (mise en demeure)"


def worklist(aged: AgedBalance, risk: pd.DataFrame, behaviour: pd.DataFrame, as_of, *,
             invoices: pd.DataFrame | None = None, disputes: pd.DataFrame | None = None,
             signals: pd.DataFrame | None = None) -> pd.DataFrame:
    """The ranked worklist at ``as_of``.

    Returns one row per action, ranked by ``priority_cents`` = amount at stake × probability of
    late payment or loss: ``rank``, ``customer_id``, ``category`` (urgence réelle / bruit pour le
    recouvrement), ``action``, ``team`` (who acts: recouvrement, crédit / juridique, litiges,
    facturation, lettrage), ``amount_cents``, ``probability``, ``priority_cents``, ``why``
    (French), ``documents`` (items concerned). Noise keeps its rank — a blocked invoice is an
    urgency for billing — but is never a reminder; filter on ``team`` for each team's list.
    """
    day = _day(as_of)
    items = aged.items.loc[~aged.items["unapplied"]].copy()
    items["overdue"] = items["days_past_due"] > 0
    disputed_ids: set = set()
    if disputes is not None and len(disputes):
        d = disputes.loc[(_days(disputes["opened_on"]) <= day) & _open_dispute(disputes["status"]).to_numpy()]
        disputed_ids = set(d["invoice_id"].astype(str))
    no_po: set = set()
    if invoices is not None and "customer_po" in invoices:
        no_po = set(invoices.loc[invoices["customer_po"].fillna("").astype(str).str.strip() == "", "invoice_id"])
    items["disputed"] = items["document_id"].isin(disputed_ids)
    items["no_po"] = items["document_id"].isin(no_po) & ~items["disputed"] & items["overdue"]
    bodacc = {}
    if signals is not None and len(signals):
        s = signals.loc[(signals["source"].astype(str).str.upper() == "BODACC") & (_days(signals["published_on"]) <= day)]
        bodacc = dict(zip(s["customer_id"].astype(str), s["published_on"]))
    unapplied = (-aged.items.loc[aged.items["unapplied"]].groupby("customer_id")["residual_cents"].sum())
    rows = []
    level = risk["level"] if len(risk) else pd.Series(dtype=str)
    for cid, g in items.groupby("customer_id", sort=True):
        lvl = level.get(cid, "normal")
        reasons = risk["reasons"].get(cid, []) if len(risk) else []
        for kind, mask, action, team, p in (
                ("litige", g["disputed"], "Traiter le litige : analyser, répondre, émettre l'avoir si dû ; "
                                          "pas de relance tant qu'il est ouvert", "litiges", PRIORITY_RULES["p_dispute"]),
                ("bon de commande", g["no_po"], "Rééditer la facture avec le n° de bon de commande du client, "
                                                "puis la renvoyer", "facturation", PRIORITY_RULES["p_missing_po"])):
            if mask.any():
                sel = g.loc[mask]
                rows.append(dict(customer_id=cid, category=_CATEGORY_NOISE, action=action, team=team,
                                 amount_cents=int(sel["residual_cents"].sum()), probability=p,
                                 why=f"{kind} : bloqué par une cause à traiter, pas par un mauvais payeur",
                                 documents=", ".join(sel["document_id"])))
        rest = g.loc[~g["disputed"] & ~g["no_po"]]
        overdue = int(rest.loc[rest["overdue"], "residual_cents"].sum())
        open_total = int(rest["residual_cents"].sum())
        if cid in bodacc:
            deadline = claim_declaration_deadline(pd.Timestamp(bodacc[cid]).date())
            rows.append(dict(customer_id=cid, category=_CATEGORY_URGENT, team="crédit / juridique",
                             action=f"Déclarer la créance au mandataire avant le {format_date(deadline)} ; "
                                    "cesser relances et pénalités ; bloquer les commandes ; revendiquer les "
                                    "marchandises sous réserve de propriété",
                             amount_cents=int(g["residual_cents"].sum()), probability=0.95,
                             why=f"procédure collective publiée au BODACC le {format_date(bodacc[cid])}",
                             documents=", ".join(g["document_id"])))
            continue
        cash = int(unapplied.get(cid, 0))
        if cash > 0 and overdue > 0 and cash >= overdue:
            rows.append(dict(customer_id=cid, category=_CATEGORY_NOISE, team="lettrage",
                             action=f"Ne pas relancer : affecter l'encaissement non affecté de {format_eur(cash)}",
                             amount_cents=overdue, probability=0.0,
                             why="le client a probablement déjà payé : encaissement non affecté supérieur à l'échu",
                             documents=", ".join(rest.loc[rest["overdue"], "document_id"])))
            continue
        at_stake = open_total if lvl != "normal" else overdue
        if at_stake <= 0:
            continue
        b = behaviour.loc[cid] if cid in behaviour.index else None
        p = PRIORITY_RULES["p_by_level"][lvl]
        if lvl == "normal" and b is not None:
            usual = b["recent_delay"] if pd.notna(b["recent_delay"]) else b["mean_delay"]
            if pd.notna(usual):
                p = float(np.clip(p + PRIORITY_RULES["p_per_delay_day"] * max(usual, 0), p, 0.5))
        oldest = int(rest.loc[rest["overdue"], "days_past_due"].max()) if overdue else 0
        if lvl == "critique":
            action = "Escalade : appel du responsable crédit, blocage des commandes, mise en demeure"
        elif lvl == "élevé":
            action = "Appel du client avec plan d'action (échéancier ou garantie) ; " + reminder_action(oldest).lower()
        else:
            action = reminder_action(oldest)
        why = "; ".join(reasons[:2]) if lvl != "normal" else (
            f"{format_eur(overdue)} échus, plus ancien à {oldest} jours")
        rows.append(dict(customer_id=cid, category=_CATEGORY_URGENT, team="recouvrement", action=action,
                         amount_cents=at_stake, probability=p, why=why,
                         documents=", ".join(rest.loc[rest["overdue"] | (lvl != "normal"), "document_id"])))
    out = pd.DataFrame(rows, columns=["customer_id", "category", "action", "team", "amount_cents", "probability",
                                      "why", "documents"])
    out["priority_cents"] = (out["amount_cents"] * out["probability"]).round().astype(np.int64)
    out = out.sort_values(["priority_cents", "amount_cents"], ascending=[False, False]).reset_index(drop=True)
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    return out


def amount_ranking(aged: AgedBalance) -> list[list[str]]:
    """The "before" worklist: one action per customer holding overdue items, largest overdue
    amount first; each action is the list of its overdue documents."""
    items = aged.items.loc[~aged.items["unapplied"] & (aged.items["days_past_due"] > 0)]
    overdue = items.groupby("customer_id")["residual_cents"].sum().sort_values(ascending=False, kind="stable")
    docs = items.groupby("customer_id")["document_id"].agg(list)
    return [docs[c] for c in overdue.index]


def worklist_documents(actions: pd.DataFrame) -> list[list[str]]:
    """The documents of each action of a :func:`worklist`, in rank order."""
    return [[d for d in str(text).split(", ") if d] for text in actions.sort_values("rank")["documents"]]


def at_risk_cash(aged: AgedBalance, invoice_truth: pd.DataFrame, *, grace_days: int = 30) -> pd.Series:
    """Per open document at the as-of date, the residual cash that truly ends up late or lost:
    not paid within ``grace_days`` after the later of its due date and the as-of date, or never
    paid. Uses the truth: for scoring only."""
    day = np.datetime64(aged.as_of, "D")
    items = aged.items.loc[~aged.items["unapplied"]]
    truth = invoice_truth.drop_duplicates("invoice_id").set_index("invoice_id")
    paid = pd.to_datetime(items["document_id"].map(truth["paid_on"])).to_numpy().astype("datetime64[D]")
    due = items["due_date"].to_numpy().astype("datetime64[D]")
    limit = np.maximum(due, day) + np.timedelta64(grace_days, "D")
    late = np.isnat(paid) | (paid > limit)
    return items.loc[late].groupby("document_id")["residual_cents"].sum()


def coverage(actions: list[list[str]], at_risk: pd.Series, n: int = 20) -> float:
    """Share of the at-risk cash (per document) named by the first ``n`` actions."""
    total = int(at_risk.sum())
    if total == 0:
        return 1.0
    named = {d for docs in actions[:n] for d in docs}
    return int(at_risk[at_risk.index.isin(list(named))].sum()) / total
