"""Multi-level reminders (relances): plan, templates for every level and channel, and the
quality control before sending.

Levels: 1 amiable (from 5 days past due), 2 ferme (from 15 days, penalties and the 40 €
indemnity recalled), 3 mise en demeure (from 30 days, registered letter with the amounts due:
principal + penalties to date + 40 € per invoice, 8 days to pay). A level is reached only once
the previous one was sent (the reminder history is the source) and long enough ago. The plan
reads the receivable position (:func:`o2c_lab.analytics.receivable_position`): never chased,
with the reason shown, are duplicates (to cancel by a credit note), invoices settled by a credit
note, invoices in an open dispute, invoices not yet due, claims under collective proceedings
(to declare, or post-judgment claims payable at their due date), invoices a pending bank credit
or the customer's e-mail says are paid, invoices with a promise still running.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from ..analytics.position import receivable_position
from ..errors import InvalidParameterError, MissingLegalRateError
from ..law import (FIXED_RECOVERY_INDEMNITY_CENTS, LEGAL_INTEREST_RATE_PROFESSIONALS, PENALTY_FLOOR_MULTIPLE,
                   collective_claim, letter_terms, penalty_to_date, rate_in_force, recovery_indemnity_cents)
from ..money import format_date, format_eur, format_number

__all__ = ["LEVELS", "CHANNELS", "dunning_plan", "claim_lines", "reminder_text", "quality_check", "score_reminder",
           "leftover_problems", "reminder_batch"]

#: Level -> (first day past due, French name, tone).
LEVELS = {
    1: (5, "relance amiable", "courtois"),
    2: (15, "relance ferme", "ferme"),
    3: (30, "mise en demeure", "formel"),
}
CHANNELS = ("email", "courrier", "sms")
_PAYMENT_DAYS = 8  # delay granted by the formal notice
_INDEMNITY = f"{FIXED_RECOVERY_INDEMNITY_CENTS // 100} €"  # D441-5, read from the law table


def _level(days_late: int) -> int:
    return max((lvl for lvl, (start, _, _) in LEVELS.items() if days_late >= start), default=0)


def _history(company, day) -> pd.DataFrame:
    """Reminders sent by ``day``, per invoice: highest ``level_sent`` and its date ``sent_on``."""
    sent = company.dunning
    sent = sent.loc[pd.to_datetime(sent["sent_on"]) <= pd.Timestamp(day)]
    last = sent.sort_values(["level", "sent_on"]).groupby("invoice_id").tail(1)
    return last.set_index("invoice_id")[["level", "sent_on"]].rename(columns={"level": "level_sent"})


def _exclusion(r) -> tuple[str, str]:
    """(action, reason) for an open invoice the position does not count as overdue and owed."""
    if r.status == "duplicate":
        return "ne pas relancer", (f"doublon de la facture {r.duplicate_of} (même livraison) : erreur de "
                                   "facturation à annuler par un avoir, rien n'est dû")
    if r.status == "disputed":
        return "ne pas relancer", "facture en litige ouvert"
    return "attendre", "facture non échue"


def _collective(r, level, publication, abroad) -> tuple[str, str]:
    """(action, reason) for an invoice of a customer under collective proceedings: declared if
    issued up to the opening judgment, else a post-judgment claim chased from its due date."""
    claim = collective_claim(pd.Timestamp(r.invoice_date).date(), pd.Timestamp(r.due_date).date(),
                             r.judgment_date, publication, abroad=abroad)
    reason = "procédure collective : " + claim["reason"]
    if claim["action"] == "déclarer la créance":
        return "ne pas relancer", reason
    return ("relancer" if level else "attendre"), reason


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


def _chase(invoice_id, level, due_level, sent, sent_on, paid, promised, day) -> tuple[str, str]:
    """(action, reason) for an overdue invoice owed and not disputed, from its reminder history."""
    if sent >= 3:
        return "ne pas relancer", f"mise en demeure envoyée le {format_date(sent_on)} : décider de la suite contentieuse"
    if invoice_id in paid:
        return "ne pas relancer", "déjà payée selon la banque ou le client : " + paid[invoice_id]
    if invoice_id in promised:
        return "attendre", f"promesse de paiement en cours jusqu'au {format_date(promised[invoice_id])}"
    if not level:
        return "attendre", "pas encore assez en retard"
    if level <= sent:
        return "attendre", f"{LEVELS[sent][1]} déjà envoyée le {format_date(sent_on)}"
    if sent:  # the next level waits as long after the last reminder as the levels' thresholds differ
        wait_until = pd.Timestamp(sent_on) + pd.Timedelta(days=LEVELS[level][0] - LEVELS[sent][0])
        if wait_until > pd.Timestamp(day):
            return "attendre", (f"{LEVELS[sent][1]} envoyée le {format_date(sent_on)} : "
                                f"{LEVELS[level][1]} à partir du {format_date(wait_until)}")
    return "relancer", (f"{LEVELS[level][1]} : le niveau précédent seul a été envoyé" if level < due_level else "")


def dunning_plan(company) -> pd.DataFrame:
    """One row per open invoice of the receivable position: level, channel, tone, action
    (« relancer », « attendre » or « ne pas relancer ») and its reason, the position's ``status``,
    and the last reminder sent (``level_sent``, ``sent_on``)."""
    position = receivable_position(company)
    lines = position.lines
    open_ = lines.loc[(lines["document_type"] == "facture") & (lines["remaining_cents"] > 0)].copy()
    day = company.as_of
    cust = company.customers.set_index("customer_id")
    signals = company.external_signals
    published = signals[signals["source"] == "BODACC"].groupby("customer_id")["published_on"].min()
    history = _history(company, day)
    promises = company.promises[(company.promises["status"] == "en cours")
                                & (company.promises["promised_date"] >= pd.Timestamp(day))]
    promised = {i.strip(): p.promised_date for p in promises.itertuples() for i in p.invoice_ids.split(",")}
    paid = _paid_per_bank(company, position.open_items())
    rows = []
    for r in open_.itertuples():
        sent = int(history["level_sent"].get(r.document_id, 0))
        sent_on = history["sent_on"].get(r.document_id)
        due_level = _level(int(r.days_late))
        level = min(due_level, sent + 1)
        c = cust.loc[r.customer_id]
        if r.status in ("to_declare", "post_judgment"):
            action, reason = _collective(r, level, pd.Timestamp(published[r.customer_id]).date(),
                                         abroad=c["country"] != "FR")
        elif r.status == "overdue":
            action, reason = _chase(r.document_id, level, due_level, sent, sent_on, paid, promised, day)
        else:
            action, reason = _exclusion(r)
        channel = "courrier" if level == 3 else (c["preferred_channel"] if c["preferred_channel"] in CHANNELS else "email")
        rows.append({"customer_id": r.customer_id, "invoice_id": r.document_id, "invoice_date": r.invoice_date,
                     "due_date": r.due_date, "days_late": int(r.days_late), "amount_cents": int(r.amount_cents),
                     "residual_cents": int(r.remaining_cents), "status": r.status, "level": level,
                     "level_sent": sent, "sent_on": sent_on, "channel": channel,
                     "tone": LEVELS[level][2] if level else "", "segment": c["segment"],
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


def claim_lines(company, customer_id: str, rows: pd.DataFrame) -> tuple[pd.DataFrame, str, set]:
    """The amounts a letter claims per invoice at the case date — ``principal_cents``,
    ``penalty_cents``, ``indemnity_cents`` (40 € per late invoice), ``total_cents`` —, the
    French wording of the penalty rate (with the rates applied) and the semesters whose rate is
    not in the law table (their penalties are left out: « à confirmer »)."""
    day = company.as_of
    out = rows.copy()
    wording, penalties, rates, to_confirm = "", [], set(), set()
    for r in rows.itertuples():
        cents, wording, applied, missing = _penalty_cents(company, customer_id, int(r.residual_cents),
                                                          pd.Timestamp(r.due_date).date(), day)
        penalties.append(cents if r.days_late > 0 else 0)
        rates.update(applied)
        to_confirm.update(missing)
    if rates:  # in the order the semesters came, each rate once
        shown = list(dict.fromkeys(f"{format_number(rate)}\u00a0%" for _, rate in sorted(rates)))
        wording += " (" + " puis ".join(shown) + ")"
    out["principal_cents"] = rows["residual_cents"].astype(int)
    out["penalty_cents"] = penalties
    out["indemnity_cents"] = [recovery_indemnity_cents(1) if d > 0 else 0 for d in rows["days_late"]]
    out["total_cents"] = out["principal_cents"] + out["penalty_cents"] + out["indemnity_cents"]
    return out, wording, to_confirm


def _reminders_sent(company, invoice_ids) -> str:
    """« nos relances du … et du … » from the history of the listed invoices ("" if none was sent)."""
    sent = company.dunning
    sent = sent.loc[sent["invoice_id"].isin(list(invoice_ids)) & (pd.to_datetime(sent["sent_on"]) <= pd.Timestamp(company.as_of))]
    if sent.empty:
        return ""
    last = sent.sort_values("sent_on").groupby("level").tail(1).sort_values("level")
    dates = [f"du {format_date(r.sent_on)} ({LEVELS[int(r.level)][1]})" for r in last.itertuples()]
    listed = dates[0] if len(dates) == 1 else ", ".join(dates[:-1]) + " et " + dates[-1]
    return ("notre relance " if len(dates) == 1 else "nos relances ") + listed


def _address_block(name: str, street: str, postal_code: str, city: str, country: str = "FR") -> list[str]:
    block = [name, street, f"{postal_code} {city}".strip()]
    return block + ([] if country in ("", "FR") else [country])


def reminder_text(company, customer_id: str, level: int, channel: str = "email",
                  invoice_ids: list[str] | None = None, *, plan: pd.DataFrame | None = None) -> str:
    """The French reminder of ``level`` (1 to 3) for ``channel`` (email, courrier, sms).

    By default it chases the customer's invoices the plan says to chase at that level
    (``plan``: a :func:`dunning_plan` already computed, to write many letters fast); given
    ``invoice_ids``, it writes about those (to train the quality control on faulty letters).
    A formal notice (level 3) is a registered letter: sender and recipient blocks, place and
    date, « Objet : Mise en demeure de payer », one line per invoice (principal, penalties to
    date, 40 € indemnity) whose sum is the amount demanded, the deadline and the consequence.
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
    lines, wording, to_confirm = claim_lines(company, customer_id, mine)
    terms = letter_terms(cust["segment"] == "secteur_public")
    total = int(lines["principal_cents"].sum())
    penalties = int(lines["penalty_cents"].sum())
    indemnity = int(lines["indemnity_cents"].sum())
    claimed = int(lines["total_cents"].sum())
    deadline = format_date(day + dt.timedelta(days=_PAYMENT_DAYS))
    items = [f"- Facture {r.invoice_id}, échéance du {format_date(r.due_date)} : "
             f"{format_eur(r.residual_cents)} restant dû." for r in mine.itertuples()]
    if channel == "sms":
        # What this message chases, named as such: never a figure read as the whole overdue.
        s, nt = ("s", "nt") if len(mine) > 1 else ("", "")
        texts = {1: f"{company.name} : sauf erreur, {len(mine)} facture{s} pour {format_eur(total)} reste{nt} "
                    f"impayée{s}. Merci de régulariser ou de nous appeler.",
                 2: f"{company.name} : relance ferme, {len(mine)} facture{s} échue{s} pour {format_eur(total)} "
                    f"reste{nt} impayée{s}. Pénalités de retard et indemnité forfaitaire de {_INDEMNITY} "
                    f"par facture exigibles. Merci de payer sous {_PAYMENT_DAYS} jours.",
                 3: f"{company.name} : une mise en demeure de payer {format_eur(claimed)} vous est adressée ce jour "
                    f"par lettre recommandée avec accusé de réception."}
        return texts[level]
    history = _reminders_sent(company, mine["invoice_id"])
    greeting = "Madame, Monsieur," if channel == "courrier" or level > 1 else "Bonjour,"
    opening = _TONE_OPENING.get(cust["segment"], "Sauf erreur de notre part")
    signature = ["", me, f"Service recouvrement – {company.name}"]
    if level == 1:
        return "\n".join([f"{company.name} – {LEVELS[1][1]}", f"À l'attention de {cust['name']}", "", greeting, "",
                          f"{opening}, les factures suivantes restent impayées à ce jour :", *items,
                          f"Montant total : {format_eur(total)}.",
                          "Il s'agit peut-être d'un simple oubli : pouvez-vous nous indiquer la date de règlement "
                          "prévue ? Si le paiement est déjà parti, merci de ne pas tenir compte de ce message.",
                          "", "Cordialement,", *signature])
    if level == 2:
        lead = (f"Malgré {history}, les factures suivantes restent impayées :" if history
                else "Les factures suivantes restent impayées à ce jour :")
        return "\n".join([f"{company.name} – {LEVELS[2][1]}", f"À l'attention de {cust['name']}", "",
                          "Objet : relance – factures échues impayées", "", greeting, "", lead, *items,
                          f"Montant total : {format_eur(total)}.",
                          f"Nous vous rappelons que tout retard de paiement rend exigibles, de plein droit, {wording} "
                          f"({terms['basis']}) et une indemnité forfaitaire pour frais de recouvrement "
                          f"de {_INDEMNITY} par facture ({terms['indemnity_basis']}).",
                          f"Merci de procéder au règlement sous {_PAYMENT_DAYS} jours.",
                          "", "Nous vous prions d'agréer, Madame, Monsieur, nos salutations distinguées.", *signature])
    me_row = company.tables["company"].iloc[0]
    street, _, town = str(me_row["address"]).rpartition(", ")
    place = town.split(" ", 1)[-1] if " " in town else town
    sender = [company.name, street, town]
    recipient = _address_block(str(cust["name"]), str(cust.get("address", "")), str(cust.get("postal_code", "")),
                               str(cust.get("city", "")), str(cust.get("country", "FR")))
    interest = "intérêts moratoires" if cust["segment"] == "secteur_public" else "pénalités"
    claim = [f"- Facture {r.invoice_id} du {format_date(r.invoice_date)}, échéance du {format_date(r.due_date)} : "
             f"principal {format_eur(r.principal_cents)} + {interest} au {format_date(day)} {format_eur(r.penalty_cents)} "
             f"+ indemnité forfaitaire {format_eur(r.indemnity_cents)} = {format_eur(r.total_cents)}."
             for r in lines.itertuples()]
    lead = (f"Malgré {history}, les factures suivantes restent impayées :" if history
            else "Les factures suivantes restent impayées à ce jour :")
    return "\n".join([
        *sender, "", *recipient, "", f"{place}, le {format_date(day)}", "",
        "Lettre recommandée avec accusé de réception", "Objet : Mise en demeure de payer",
        f"Référence client : {customer_id}", "", "Madame, Monsieur,", "", lead, *claim, "",
        f"Principal : {format_eur(total)} ; {interest} au {format_date(day)} : {format_eur(penalties)} ; "
        f"indemnités forfaitaires : {format_eur(indemnity)} ; total : {format_eur(claimed)}.",
        f"En application {terms['under']}, {wording} {terms['are_owed']} de plein droit depuis le lendemain "
        "de chaque échéance jusqu'au paiement complet.",
        *([f"Le taux du {_to_confirm(to_confirm)} n'est pas encore publié : les {interest} de cette période, à "
           "confirmer, ne sont pas comprises dans le total ci-dessus."] if to_confirm else []),
        f"L'indemnité forfaitaire pour frais de recouvrement est de {_INDEMNITY} par facture payée en "
        f"retard ({terms['indemnity_basis']}).",
        f"Par la présente, nous vous mettons en demeure de nous régler la somme de {format_eur(claimed)} sous "
        f"{_PAYMENT_DAYS} jours, soit au plus tard le {deadline}.",
        terms["route"],
        "", "Veuillez agréer, Madame, Monsieur, l'expression de nos salutations distinguées.", *signature])


_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{[A-Za-z_]+\}|\[[A-Z][A-Z _]+\]|<[A-Z_]{3,}>|\bX{3,}\b|\bTODO\b")
_RAW_NUMBER = re.compile(r"(?<![\w/,.\-])\d{4,}(?:\.\d{1,2})?(?![\w/,\-]|,\d)|\b\d+\.\d{2}\b")
_POSTCODE = re.compile(r"(?m)^\d{5}(?= \w)")  # the postcode line of an address block
_ENGLISH = re.compile(r"\b(?:invoice|amount|due date|dear|regards|payment|customer|overdue|reminder|"
                      r"please|none|null|nan|true|false)\b", re.I)


def leftover_problems(text: str) -> list[str]:
    """Template syntax, English words or unformatted numbers left in a French text."""
    out = []
    for rx, what in ((_PLACEHOLDER, "marqueur de modèle non remplacé"), (_ENGLISH, "mot anglais ou valeur brute"),
                     (_RAW_NUMBER, "nombre non formaté à la française")):
        found = sorted({m.group(0) for m in rx.finditer(_POSTCODE.sub("", text.replace("\u202f", " ")))
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
    lines = claim_lines(company, customer_id, chased)[0]
    allowed = {4_000, recovery_indemnity_cents(len(chased))}
    for col in ("principal_cents", "penalty_cents", "indemnity_cents", "total_cents"):
        allowed |= {int(v) for v in lines[col]} | {int(lines[col].sum())}
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
