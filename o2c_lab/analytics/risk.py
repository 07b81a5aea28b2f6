"""Customer risk levels (normal / élevé / critique) with the reasons, and credit-limit suggestions.

No black box: each customer gets the list of French reasons that set its level, each reason
from one rule of :data:`RISK_RULES` (a trainee can say why). The level is the highest one any
reason carries; an "élevé" reason from payment behaviour together with an external one make
"critique" (e.g. a drift of delays *and* a credit-score drop or a press rumour).

Rules read only observable data: payment behaviour (:func:`~o2c_lab.analytics.payment_behaviour`),
exposure vs credit limit and overdue > 90 days (the aged balance), credit scores, external
signals (press, BODACC, rating agency) and open disputes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..law import claim_declaration_deadline
from ..money import format_date, format_eur, format_pct
from .aging import AgedBalance, _day, _days, _open_dispute

__all__ = ["RISK_LEVELS", "RISK_RULES", "risk_levels", "credit_limit_suggestions"]

RISK_LEVELS = ("normal", "élevé", "critique")

#: Thresholds of the rules (shown to trainees with the result).
RISK_RULES = {
    "score_drop_points": 5,        # fall of the credit score over the look-back window
    "score_lookback_months": 6,
    "low_score": 6,                # score (1–20) at or below which the score alone is a signal
    "press_lookback_days": 180,
    "late_mean_days": 60.0,        # average lateness above this is a risk, below it a habit
    "over_90_share": 0.5,          # share of the customer's open debits more than 90 days overdue
    "over_90_min_cents": 100_000,  # … and at least this amount (1 000 €)
    "broken_promises": 3,          # at least this many broken promises …
    "max_kept_rate": 0.6,          # … and fewer than this share kept
    "punctual_mean_days": 7.0,     # a customer paying within this on average is "punctual"
}

#: Kinds of reasons: behaviour and external ones; one of each together make a customer critical.
_BEHAVIOUR_KINDS = {"derive", "retard", "promesses", "plus_90"}
_EXTERNAL_KINDS = {"presse", "notation", "score"}


def _reason(rows: list, customer: str, level: str, kind: str, text: str) -> None:
    rows.append((customer, RISK_LEVELS.index(level), kind, text))


def risk_levels(behaviour: pd.DataFrame, aged: AgedBalance, as_of, *, customers: pd.DataFrame | None = None,
                credit_scores: pd.DataFrame | None = None, signals: pd.DataFrame | None = None,
                disputes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Risk level and reasons per customer at ``as_of``.

    Returns a frame indexed by ``customer_id`` with ``level`` (normal, élevé, critique),
    ``reasons`` (list of French sentences, most serious first), ``signals`` (kinds of the
    reasons, e.g. ``derive``, ``score``, ``bodacc``), ``exposure_cents`` and
    ``overdue_90_cents``.
    """
    day = _day(as_of)
    ids = pd.Index(sorted(set(behaviour.index) | set(aged.by_customer.index)), name="customer_id")
    rows: list = []
    table = aged.by_customer.reindex(ids)
    gross_cols = [c for c in aged.columns if c != aged.columns[-1]]
    exposure = table[gross_cols].fillna(0).sum(axis=1).astype(np.int64)
    over_90 = table[gross_cols[-1]].fillna(0).astype(np.int64)

    # 1. collective proceedings (BODACC) — critical whatever else
    if signals is not None and len(signals):
        sig = signals.loc[_days(signals["published_on"]) <= day]
        src = sig["source"].astype(str).str.lower()
        for r in sig.loc[src == "bodacc"].itertuples(index=False):
            deadline = claim_declaration_deadline(pd.Timestamp(r.published_on).date())
            _reason(rows, str(r.customer_id), "critique", "bodacc",
                    f"Procédure collective publiée au BODACC le {format_date(r.published_on)} : cesser les "
                    f"relances, déclarer la créance au mandataire avant le {format_date(deadline)}")
        recent = _days(sig["published_on"]) >= day - np.timedelta64(RISK_RULES["press_lookback_days"], "D")
        for r in sig.loc[(src == "presse") & recent].itertuples(index=False):
            _reason(rows, str(r.customer_id), "élevé", "presse",
                    f"Signal de presse du {format_date(r.published_on)} : « {r.title} »")
        for r in sig.loc[src.str.contains("notation") & recent].itertuples(index=False):
            _reason(rows, str(r.customer_id), "élevé", "notation",
                    f"Alerte d'une agence de notation le {format_date(r.published_on)} : « {r.title} »")

    # 2. payment behaviour
    b = behaviour.reindex(ids)
    for cid, r in b.loc[b["drift"].fillna(False).astype(bool)].iterrows():
        _reason(rows, cid, "élevé", "derive",
                f"Retards en hausse : {r['recent_delay']:.0f} jours en moyenne sur les derniers mois contre "
                f"{r['earlier_delay']:.0f} avant (+{r['slope_days_per_month']:.1f} j/mois)")
    late = (b["mean_delay"] > RISK_RULES["late_mean_days"]) & ~b["drift"].fillna(False)
    for cid, r in b.loc[late.fillna(False)].iterrows():
        _reason(rows, cid, "élevé", "retard", f"Retard de paiement important : {r['mean_delay']:.0f} jours après "
                                               f"l'échéance en moyenne sur {int(r['n_paid'])} factures payées")
    steady = (b["mean_delay"] > 7) & ~late.fillna(False) & ~b["drift"].fillna(False)
    for cid, r in b.loc[steady.fillna(False)].iterrows():
        habit = f", paie à environ {r['habit_days']:.0f} jours de la facture" if pd.notna(r["habit_days"]) else ""
        _reason(rows, cid, "normal", "habitude",
                f"Retard chronique stable d'environ {r['mean_delay']:.0f} jours{habit} : à relancer, "
                "sans hausse du risque")
    broken = b["promises_due"].fillna(0) - b["promises_kept"].fillna(0)
    unreliable = (broken >= RISK_RULES["broken_promises"]) & (b["promise_kept_rate"] < RISK_RULES["max_kept_rate"])
    for cid in b.index[unreliable.fillna(False)]:
        _reason(rows, cid, "élevé", "promesses",
                f"{int(broken[cid])} promesses de paiement non tenues sur {int(b.loc[cid, 'promises_due'])}")

    # 3. exposure
    share_90 = (over_90 / exposure.where(exposure > 0)).fillna(0)
    punctual = b["mean_delay"].fillna(0) <= RISK_RULES["punctual_mean_days"]
    for cid in ids[(share_90 >= RISK_RULES["over_90_share"]) & (over_90 >= RISK_RULES["over_90_min_cents"])]:
        if punctual[cid]:
            _reason(rows, cid, "normal", "lettrage",
                    f"{format_eur(int(over_90[cid]))} à plus de 90 jours chez un client qui paie d'habitude à "
                    "l'heure : vérifier le lettrage (règlement probablement reçu mais non affecté)")
        else:
            _reason(rows, cid, "élevé", "plus_90",
                    f"{format_eur(int(over_90[cid]))} échus depuis plus de 90 jours ({format_pct(share_90[cid])} "
                    "de l'encours)")
    if customers is not None and "credit_limit_cents" in customers:
        limit = customers.drop_duplicates("customer_id").set_index("customer_id")["credit_limit_cents"].reindex(ids)
        ratio = (exposure / limit.where(limit > 0)).fillna(0)
        for cid in ids[ratio > 1]:
            # exposure over the limit raises what is at stake, not the probability of loss
            _reason(rows, cid, "normal", "limite",
                    f"Encours {format_eur(int(exposure[cid]))} au-dessus de la limite de crédit "
                    f"{format_eur(int(limit[cid]))} ({format_pct(ratio[cid])}) : bloquer les nouvelles commandes "
                    "ou revoir la limite")

    # 4. credit scores
    if credit_scores is not None and len(credit_scores):
        cs = credit_scores.loc[_days(credit_scores["month"]) <= day].sort_values("month")
        window = day - np.timedelta64(int(RISK_RULES["score_lookback_months"] * 30.44), "D")
        recent = cs.loc[_days(cs["month"]) >= window]
        last = cs.groupby("customer_id")["score"].last()
        peak = recent.groupby("customer_id")["score"].max()
        drop = (peak - last.reindex(peak.index)).fillna(0)
        for cid in drop.index[drop >= RISK_RULES["score_drop_points"]]:
            _reason(rows, str(cid), "élevé", "score",
                    f"Score de crédit en baisse : de {int(peak[cid])} à {int(last[cid])} sur 20 en "
                    f"{RISK_RULES['score_lookback_months']} mois")
        for cid in last.index[(last <= RISK_RULES["low_score"])
                              & ~last.index.isin(drop.index[drop >= RISK_RULES["score_drop_points"]])]:
            _reason(rows, str(cid), "élevé", "score", f"Score de crédit faible : {int(last[cid])} sur 20")

    # 5. disputes: a reason to act, not a credit risk by themselves
    if disputes is not None and len(disputes):
        d = disputes.loc[(_days(disputes["opened_on"]) <= day) & _open_dispute(disputes["status"]).to_numpy()]
        for r in d.itertuples(index=False):
            _reason(rows, str(r.customer_id), "normal", "litige",
                    f"Litige ouvert sur {r.invoice_id} ({format_eur(int(r.amount_cents))}) : à résoudre, "
                    "ce n'est pas en soi un risque de crédit")

    reasons = pd.DataFrame(rows, columns=["customer_id", "rank", "kind", "text"])
    reasons = reasons.loc[reasons["customer_id"].isin(ids)].sort_values(["customer_id", "rank"], ascending=[True, False])
    grouped = reasons.groupby("customer_id")
    top = grouped["rank"].max().reindex(ids).fillna(0).astype(int)
    kinds = reasons.loc[reasons["rank"] >= 1].groupby("customer_id")["kind"].agg(set).reindex(ids)
    both = np.array([isinstance(k, set) and bool(k & _BEHAVIOUR_KINDS) and bool(k & _EXTERNAL_KINDS)
                     for k in kinds])
    top = np.where((top == 1) & both, 2, top)
    out = pd.DataFrame(index=ids)
    out["level"] = [RISK_LEVELS[k] for k in top]
    out["reasons"] = grouped["text"].agg(list).reindex(ids)
    out["reasons"] = [r if isinstance(r, list) else ["Aucun signal d'alerte"] for r in out["reasons"]]
    combined = (top == 2) & (reasons.groupby("customer_id")["rank"].max().reindex(ids).fillna(0) < 2)
    for cid in ids[combined]:
        out.at[cid, "reasons"] = ["Retards de paiement et signal externe réunis : niveau critique"] + \
            out.at[cid, "reasons"]
    out["signals"] = grouped["kind"].agg(lambda s: sorted(set(s))).reindex(ids)
    out["signals"] = [s if isinstance(s, list) else [] for s in out["signals"]]
    out["exposure_cents"] = exposure
    out["overdue_90_cents"] = over_90
    return out


def credit_limit_suggestions(risk: pd.DataFrame, behaviour: pd.DataFrame, invoices: pd.DataFrame,
                             customers: pd.DataFrame, as_of, *, months: int = 6) -> pd.DataFrame:
    """A suggested credit limit per customer with its justification (French).

    Need = average monthly sales incl. VAT over ``months`` × (contract days + usual delay) / 30,
    plus 20 % headroom, rounded up to 1 000 €. Critical customers: 0 (cash before delivery).
    High risk: never above the current limit, and capped at the need.
    """
    day = _day(as_of)
    start = day - np.timedelta64(int(months * 30.44), "D")
    when = _days(invoices["invoice_date"])
    recent = invoices.loc[(when > start) & (when <= day)]
    monthly = recent.groupby("customer_id")["total_ttc_cents"].sum() / months
    info = customers.drop_duplicates("customer_id").set_index("customer_id")
    term_days = info["payment_terms"].map({"30J": 30, "45FDM": 60, "60J": 60, "90J": 90}).fillna(30)
    ids = risk.index
    delay = behaviour.reindex(ids)["mean_delay"].fillna(0).clip(lower=0)
    need = monthly.reindex(ids).fillna(0) * (term_days.reindex(ids).fillna(30) + delay) / 30 * 1.2
    need = (np.ceil(need / 100_000) * 100_000).astype(np.int64)
    current = info["credit_limit_cents"].reindex(ids).fillna(0).astype(np.int64)
    rows = []
    for cid in ids:
        level = risk.at[cid, "level"]
        m = int(monthly.get(cid, 0))
        basis = (f"ventes mensuelles moyennes {format_eur(m)} × ({int(term_days.get(cid, 30))} j de délai + "
                 f"{delay[cid]:.0f} j de retard habituel) ÷ 30 + 20 % de marge")
        if level == "critique":
            value, why = 0, "risque critique : plus de crédit, paiement avant livraison ; " + risk.at[cid, "reasons"][0]
        elif level == "élevé":
            value = int(min(current[cid], need[cid]))
            why = f"risque élevé : pas de hausse, limite ramenée au besoin si plus bas ({basis})"
        else:
            value, why = int(need[cid]), f"besoin calculé : {basis}"
        rows.append((cid, int(current[cid]), value, why))
    out = pd.DataFrame(rows, columns=["customer_id", "current_limit_cents", "suggested_limit_cents",
                                      "justification"]).set_index("customer_id")
    return out
