"""Multi-level reminders (relances): plan, templates for every level and channel, and the
quality control before sending.

Levels by days past due: 1 amiable (from 5 days), 2 ferme (from 15 days, penalties and the
40 € indemnity recalled), 3 mise en demeure (from 30 days, registered letter, amounts of
penalties computed, 8 days to pay). Never chased: invoices in an open dispute, customers under
collective proceedings (BODACC: declare the claim instead), invoices a pending bank credit or
the customer's e-mail says are paid, invoices with a promise still running.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from ..analytics.aging import company_open_items
from ..errors import InvalidParameterError
from ..law import (LEGAL_INTEREST_RATE_PROFESSIONALS, PENALTY_FLOOR_MULTIPLE, collective_claim,
                   judgment_date_in_notice, letter_terms, penalty_to_date, rate_in_force,
                   recovery_indemnity_cents)
from ..errors import MissingLegalRateError
from ..money import format_date, format_eur, format_number

__all__ = ["LEVELS", "CHANNELS", "dunning_plan", "reminder_text", "quality_check", "score_reminder",
           "leftover_problems", "reminder_batch"]

#: Level -> (first day past due, French name, tone).
LEVELS = {
    1: (5, "relance amiable", "courtois"),
    2: (15, "relance ferme", "ferme"),
    3: (30, "mise en demeure", "formel"),
}
CHANNELS = ("email", "courrier", "sms")
_PAYMENT_DAYS = 8  # delay granted by the formal notice


def _level(days_late: int) -> int:
    return max((lvl for lvl, (start, _, _) in LEVELS.items() if days_late >= start), default=0)


def _paid_per_bank(company, items) -> dict[str, str]:
    """Open invoices that a pending payment most likely settles: invoice -> French reason.

    A credit on the bank statement not yet booked in the ledger (or booked but applied to
    nothing) with exactly an open invoice's amount; and invoices the customer says are paid.
    """
    reasons = {}
    booked = set(company.ar_ledger["bank_tx_id"])
    bank = company.bank_transactions
    pending = bank[(bank["amount_cents"] > 0) & ~bank["bank_tx_id"].isin(booked)]
    unapplied = items[items["unapplied"]]
    debits = items[items["residual_cents"] > 0]
    for r in pending.itertuples():
        hit = debits[debits["residual_cents"] == r.amount_cents]
        if len(hit) == 1:
            reasons[hit["document_id"].iloc[0]] = (f"virement de {format_eur(r.amount_cents)} reçu le "
                                                  f"{format_date(r.booking_date)} (« {r.label} ») non affecté")
    for r in unapplied.itertuples():
        hit = debits[(debits["customer_id"] == r.customer_id) & (debits["residual_cents"] == -r.residual_cents)]
        if len(hit):
            reasons.setdefault(hit["document_id"].iloc[0], f"règlement non affecté de {format_eur(-r.residual_cents)}")
    from .emails import extract_thread

    for tid in company.emails["thread_id"].unique():
        sheet = extract_thread(company, tid)
        if sheet["category"] == "deja_paye":
            for inv in sheet["invoice_ids"]:
                reasons.setdefault(inv, f"le client indique l'avoir payé (fil {tid})")
    return reasons


def dunning_plan(company) -> pd.DataFrame:
    """One row per open invoice: level, channel, tone, action (« relancer » or why not)."""
    items = company_open_items(company)
    debits = items[(items["residual_cents"] > 0) & (items["document_type"] == "facture")].copy()
    as_of = pd.Timestamp(company.as_of)
    debits["days_late"] = (as_of - pd.to_datetime(debits["due_date"])).dt.days
    cust = company.customers.set_index("customer_id")
    disputed = set(company.disputes.loc[company.disputes["status"] == "en litige", "invoice_id"])
    signals = company.external_signals
    notices = signals[signals["source"] == "BODACC"].sort_values("published_on").groupby("customer_id").first()
    promises = company.promises[(company.promises["status"] == "en cours")
                                & (company.promises["promised_date"] >= as_of)]
    promised = {i.strip(): p.promised_date for p in promises.itertuples() for i in p.invoice_ids.split(",")}
    paid = _paid_per_bank(company, items)
    rows = []
    for r in debits.itertuples():
        level = _level(int(r.days_late))
        c = cust.loc[r.customer_id]
        action = "relancer" if level else "attendre"
        reason = "" if level else "pas encore assez en retard"
        if r.document_id in disputed:
            action, reason = "ne pas relancer", "facture en litige ouvert"
        elif r.customer_id in notices.index:
            # The opening judgment, not the BODACC publication, splits declared and post-judgment claims.
            notice = notices.loc[r.customer_id]
            published = pd.Timestamp(notice["published_on"]).date()
            judgment = judgment_date_in_notice(notice["text"]) or published
            claim = collective_claim(pd.Timestamp(r.entry_date).date(), pd.Timestamp(r.due_date).date(),
                                     judgment, published, abroad=c["country"] != "FR")
            if claim["action"] == "déclarer la créance":
                action, reason = "ne pas relancer", "procédure collective : " + claim["reason"]
            elif level:
                action, reason = "relancer", "procédure collective : " + claim["reason"]
            else:
                reason = "procédure collective : " + claim["reason"]
        elif r.document_id in paid:
            action, reason = "ne pas relancer", "déjà payée selon la banque ou le client : " + paid[r.document_id]
        elif r.document_id in promised:
            action, reason = "attendre", f"promesse de paiement en cours jusqu'au {format_date(promised[r.document_id])}"
        channel = "courrier" if level == 3 else (c["preferred_channel"] if c["preferred_channel"] in CHANNELS else "email")
        rows.append({"customer_id": r.customer_id, "invoice_id": r.document_id, "due_date": r.due_date,
                     "days_late": int(r.days_late), "residual_cents": int(r.residual_cents), "level": level,
                     "channel": channel, "tone": LEVELS[level][2] if level else "", "segment": c["segment"],
                     "action": action, "reason": reason})
    return pd.DataFrame(rows)


def _penalty_cents(company, customer_id, amount, due, day) -> tuple[int, str, set, tuple]:
    """Penalties to ``day`` (public buyers: moratorium interest), the French words of the rate, the
    rates applied, and the semesters whose rate is not in the law table (left out, « à confirmer »)."""
    public = company.customer(customer_id)["segment"] == "secteur_public"
    terms = letter_terms(public)
    clause = company.contracts.set_index("customer_id")["penalty_clause"].get(customer_id, "")
    contractual, rate_words = None, terms["rate"]
    if not public and clause.startswith("trois fois"):
        try:
            contractual = PENALTY_FLOOR_MULTIPLE * rate_in_force(LEGAL_INTEREST_RATE_PROFESSIONALS, day)
        except MissingLegalRateError:
            contractual = None  # the floor of the semester is unknown: default rate, said « à confirmer »
        else:
            rate_words = "à trois fois le taux d'intérêt légal"
    result = penalty_to_date(amount, due, day, public=public, contractual_rate_pct=contractual)
    return result.cents, f"{terms['owed']} {rate_words}", {(p.first_day, p.rate_pct) for p in result.periods}, \
        result.to_confirm


def _to_confirm(semesters) -> str:
    """« le taux du 2d semestre 2026 » style words for semesters whose rate is to be confirmed."""
    return ", ".join(f"{'1er' if s.month == 1 else '2d'} semestre {s.year}" for s in sorted(semesters))


_TONE_OPENING = {
    "grand_compte": "Nous savons pouvoir compter sur la qualité de notre relation",
    "tpe": "Nous comprenons que la gestion quotidienne soit chargée",
}


def reminder_text(company, customer_id: str, level: int, channel: str = "email",
                  invoice_ids: list[str] | None = None, *, plan: pd.DataFrame | None = None) -> str:
    """The French reminder of ``level`` (1 to 3) for ``channel`` (email, courrier, sms).

    By default it chases the customer's invoices the plan says to chase at that level
    (``plan``: a :func:`dunning_plan` already computed, to write many letters fast).
    """
    if level not in LEVELS:
        raise InvalidParameterError(f"Niveau de relance inconnu : {level!r}.", valid="1, 2 ou 3")
    if channel not in CHANNELS:
        raise InvalidParameterError(f"Canal inconnu : « {channel} ».", valid=", ".join(CHANNELS))
    plan = dunning_plan(company) if plan is None else plan
    mine = plan[(plan["customer_id"] == customer_id)]
    if invoice_ids is None:
        mine = mine[(mine["action"] == "relancer") & (mine["level"] == level)]
    else:
        mine = mine[mine["invoice_id"].isin(invoice_ids)]
    if mine.empty:
        raise InvalidParameterError(f"Aucune facture à relancer au niveau {level} pour le client {customer_id}.",
                                    todo="consultez dunning_plan(company) pour choisir un client et un niveau")
    cust = company.customer(customer_id)
    me = company.scenario.get("staff", {}).get("collector", {}).get("name", "Le service recouvrement")
    day = company.as_of
    total = int(mine["residual_cents"].sum())
    items = [f"- Facture {r.invoice_id}, échéance du {format_date(r.due_date)} : "
             f"{format_eur(r.residual_cents)} restant dû." for r in mine.itertuples()]
    if channel == "sms":
        texts = {1: f"{company.name} : sauf erreur, {len(mine)} facture(s) pour {format_eur(total)} restent "
                    f"impayées. Merci de régulariser ou de nous appeler.",
                 2: f"{company.name} : relance ferme, {format_eur(total)} échus et impayés. Pénalités de retard et "
                    f"indemnité forfaitaire de 40 € exigibles. Merci de payer sous 8 jours.",
                 3: f"{company.name} : une mise en demeure de payer {format_eur(total)} vous est adressée ce jour "
                    f"par lettre recommandée."}
        return texts[level]
    public = cust["segment"] == "secteur_public"
    terms = letter_terms(public)
    penalties, wording, rates, to_confirm = 0, "", set(), set()
    for r in mine.itertuples():
        cents, wording, applied, missing = _penalty_cents(company, customer_id, r.residual_cents,
                                                          pd.Timestamp(r.due_date).date(), day)
        penalties += cents
        rates.update(applied)
        to_confirm.update(missing)
    if rates:  # in the order the semesters came, each rate once
        shown = list(dict.fromkeys(f"{format_number(rate)}\u00a0%" for _, rate in sorted(rates)))
        wording += " (" + " puis ".join(shown) + ")"
    if not to_confirm:
        amount_words = f"soit {format_eur(penalties)} au {format_date(day)}."
    elif penalties:
        amount_words = (f"soit {format_eur(penalties)} sur les périodes dont le taux est publié ; le taux du "
                        f"{_to_confirm(to_confirm)} est à confirmer avant de chiffrer le reste.")
    else:
        amount_words = f"à chiffrer dès confirmation du taux du {_to_confirm(to_confirm)} (taux à confirmer)."
    indemnity = recovery_indemnity_cents(len(mine))
    greeting = "Madame, Monsieur," if channel == "courrier" or level == 3 else "Bonjour,"
    opening = _TONE_OPENING.get(cust["segment"], "Sauf erreur de notre part")
    body = {
        1: [f"{opening}, les factures suivantes restent impayées à ce jour :", *items,
            f"Montant total : {format_eur(total)}.",
            "Il s'agit peut-être d'un simple oubli : pouvez-vous nous indiquer la date de règlement prévue ? "
            "Si le paiement est déjà parti, merci de ne pas tenir compte de ce message."],
        2: ["Malgré notre précédente relance, les factures suivantes restent impayées :", *items,
            f"Montant total : {format_eur(total)}.",
            f"Nous vous rappelons que tout retard de paiement rend exigibles, de plein droit, {wording} "
            f"({terms['basis']}) et une indemnité forfaitaire pour frais de recouvrement "
            f"de 40 € par facture ({terms['indemnity_basis']}).",
            f"Merci de procéder au règlement sous {_PAYMENT_DAYS} jours."],
        3: ["Objet : mise en demeure de payer", "",
            "Malgré nos relances, les factures suivantes restent impayées :", *items,
            f"Principal : {format_eur(total)}.",
            f"En application {terms['under']}, {wording} {terms['are_owed']} de plein droit depuis le "
            f"lendemain de chaque échéance, {amount_words}",
            f"S'y ajoute l'indemnité forfaitaire pour frais de recouvrement de 40 € par facture "
            f"({terms['indemnity_basis']}), soit {format_eur(indemnity)}.",
            f"Par la présente, nous vous mettons en demeure de régler la somme de {format_eur(total)} au plus "
            f"tard le {format_date(day + dt.timedelta(days=_PAYMENT_DAYS))}.",
            terms["route"]],
    }[level]
    return "\n".join([f"{company.name} – {LEVELS[level][1]}", f"À l'attention de {cust['name']}", "",
                      greeting, "", *body, "", "Cordialement,", "", me, f"Service recouvrement – {company.name}"])


_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{[A-Za-z_]+\}|\[[A-Z][A-Z _]+\]|<[A-Z_]{3,}>|\bX{3,}\b|\bTODO\b")
_RAW_NUMBER = re.compile(r"(?<![\w/,.\-])\d{4,}(?:\.\d{1,2})?(?![\w/,\-]|,\d)|\b\d+\.\d{2}\b")
_ENGLISH = re.compile(r"\b(?:invoice|amount|due date|dear|regards|payment|customer|overdue|reminder|"
                      r"please|none|null|nan|true|false)\b", re.I)


def leftover_problems(text: str) -> list[str]:
    """Template syntax, English words or unformatted numbers left in a French text."""
    out = []
    for rx, what in ((_PLACEHOLDER, "marqueur de modèle non remplacé"), (_ENGLISH, "mot anglais ou valeur brute"),
                     (_RAW_NUMBER, "nombre non formaté à la française")):
        found = sorted({m.group(0) for m in rx.finditer(text.replace("\u202f", " "))
                        if not re.fullmatch(r"\d{4}", m.group(0)) or rx is not _RAW_NUMBER})
        out += [f"{what} : « {f} »" for f in found]
    return out


_FORTY = re.compile(r"(?<![\d,\u202f])40(?:,00)?[ \u00a0]?€")  # not the end of 1 240,00 €
_REQUIRED = {
    2: [(re.compile(r"pénalités de retard|intérêts moratoires", re.I), "le rappel des pénalités de retard"),
        (_FORTY, "l'indemnité forfaitaire de 40 €")],
    3: [(re.compile(r"mise en demeure", re.I), "la mention « mise en demeure »"),
        (re.compile(r"pénalités de retard|intérêts moratoires", re.I), "le montant des pénalités de retard"),
        (_FORTY, "l'indemnité forfaitaire de 40 €"),
        (re.compile(r"au plus tard le|sous \d+ jours", re.I), "le délai de paiement accordé")],
}
# An SMS only announces: the legal wording travels in the e-mail or the registered letter.
_REQUIRED_SMS = {
    2: _REQUIRED[2],
    3: [(re.compile(r"mise en demeure", re.I), "la mention « mise en demeure »"),
        (re.compile(r"recommandée", re.I), "l'annonce de la lettre recommandée")],
}
_TOO_HARSH_FOR_1 = re.compile(r"mise en demeure|injonction|tribunal|contentieux|huissier|commissaire de justice", re.I)


def quality_check(company, text: str, customer_id: str, level: int, *, channel: str = "email",
                  plan: pd.DataFrame | None = None, checker=None) -> list[str]:
    """Problems (French) that should stop ``text`` from being sent; an empty list means « envoyable »."""
    from ..ai import FactChecker

    plan = dunning_plan(company) if plan is None else plan
    checker = checker or FactChecker(company)
    problems = []
    cited = set(re.findall(r"\b[A-Z]{2}-\d{4}-\d{3,6}\b", text))
    mine = plan[plan["customer_id"] == customer_id].set_index("invoice_id")
    invoices = set(company.invoices["invoice_id"])
    for inv in sorted(cited):
        if inv not in invoices:
            problems.append(f"La facture {inv} n'existe pas (numéro inventé).")
        elif inv not in mine.index:
            problems.append(f"La facture {inv} n'est pas due par ce client, ou elle est déjà soldée : "
                            "ne pas la relancer.")
        elif mine.loc[inv, "action"] == "ne pas relancer":
            problems.append(f"La facture {inv} ne doit pas être relancée : {mine.loc[inv, 'reason']}.")
    if len(mine) and (mine["reason"].str.startswith("procédure collective")).any():
        problems.append("Client en procédure collective : aucune relance, déclarer la créance au mandataire.")
    chased = mine.loc[[i for i in cited if i in mine.index]]
    if chased.empty:  # a text without invoice numbers (SMS) chases what the plan chases
        chased = mine[(mine["action"] == "relancer") & (mine["level"] == level)]
    allowed = {int(v) for v in chased["residual_cents"]} | {int(chased["residual_cents"].sum()), 4_000}
    allowed.add(recovery_indemnity_cents(len(chased)))
    total_pen = 0
    for r in chased.itertuples():
        cents = _penalty_cents(company, customer_id, r.residual_cents, pd.Timestamp(r.due_date).date(), company.as_of)[0]
        total_pen += cents
    allowed.add(total_pen)
    report = checker.check(text, customer_id=customer_id)
    for v in report.problems:
        if v.fact.kind == "montant" and v.fact.value in allowed:
            continue
        if v.fact.kind in ("montant", "pièce", "date") and not (v.fact.kind == "pièce" and v.fact.value not in invoices):
            if v.fact.kind == "date" and v.fact.value >= company.as_of:
                continue  # a payment deadline in the future is ours to set
            problems.append(f"Fait inexact : « {v.fact.text} » ({v.verdict} : {v.explanation}).")
    for rx, what in (_REQUIRED_SMS if channel == "sms" else _REQUIRED).get(level, []):
        if not rx.search(text):
            problems.append(f"Mention obligatoire absente au niveau {level} : {what}.")
    if level == 1 and _TOO_HARSH_FOR_1.search(text):
        problems.append("Ton incohérent : une relance amiable (niveau 1) ne menace pas de poursuites.")
    if level == 2 and re.search(r"mise en demeure", text, re.I):
        problems.append("Ton incohérent : « mise en demeure » réservée au niveau 3.")
    problems += [p[0].upper() + p[1:] + "." for p in leftover_problems(text)]
    return problems


def score_reminder(company, text: str, customer_id: str, level: int, **kwargs) -> dict:
    """Score (1 if ready to send, else 0) with the French feedback of :func:`quality_check`."""
    problems = quality_check(company, text, customer_id, level, **kwargs)
    return {"score": 0.0 if problems else 1.0, "problems": problems,
            "feedback": problems or ["Relance conforme : faits vérifiés, ton et mentions adaptés au niveau."]}


def reminder_batch(company, n: int = 5) -> pd.DataFrame:
    """« 5 relances en 10 minutes »: the ``n`` customers with the most to chase, one letter each
    (highest level reached, customer's channel), with its quality control and the time it took."""
    import time

    from ..ai import FactChecker

    start = time.perf_counter()
    plan = dunning_plan(company)
    checker = FactChecker(company)
    chase = plan[plan["action"] == "relancer"]
    top = chase.groupby("customer_id").agg(level=("level", "max"), total=("residual_cents", "sum"))
    rows = []
    for cid, r in top.sort_values("total", ascending=False).head(n).iterrows():
        level = int(r["level"])
        channel = "courrier" if level == 3 else chase.loc[chase["customer_id"] == cid, "channel"].iloc[0]
        text = reminder_text(company, cid, level, channel, plan=plan)
        rows.append({"customer_id": cid, "level": level, "channel": channel, "text": text,
                     "problems": quality_check(company, text, cid, level, channel=channel, plan=plan,
                                               checker=checker)})
    out = pd.DataFrame(rows)
    out.attrs["seconds"] = time.perf_counter() - start
    return out
