"""The fact model the fact-checker reads: every figure an answer may cite, indexed once per company.

A :class:`LedgerFact` is one value (an amount in cents, a date, a number of days or a percentage)
with its *role* (« échéance », « reste dû », « total échu »…), the entity it belongs to (an invoice,
a customer, the company, the law) and where it comes from, in French. :class:`FactBook` indexes
them by entity and by value so that checking one answer costs a few dictionary look-ups.

Every ledger figure is read in :func:`position_facts`, the one adapter between the company's
receivable position and the fact model.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

import pandas as pd

from .. import law
from ..analytics.aging import DEFAULT_BUCKETS, bucket_labels
from ..errors import MissingLegalRateError
from ..money import format_date, format_eur, format_number

__all__ = ["LedgerFact", "FactBook", "position_facts", "build_factbook", "show_value", "short_names", "quote_key",
           "COMPANY", "LAW"]

#: Entity keys of the company-wide and legal facts (customers use their id, documents theirs).
COMPANY, LAW = "entreprise", "loi"
_LEGAL_FORMS = re.compile(r"[\s,]+(?:S\.?A\.?S\.?U?|S\.?A\.?R\.?L\.?|E\.?U\.?R\.?L\.?|S\.?A\.?|S\.?N\.?C\.?|"
                          r"SCOP|GIE|et Fils|& Fils|Frères)$", re.I)


@dataclass(frozen=True)
class LedgerFact:
    """One checkable value: ``kind`` montant/date/jours/pourcentage, ``role`` what it is, ``entity``
    who it belongs to, ``label`` and ``source`` in French for the verdict."""

    kind: str
    role: str
    value: object
    entity: str
    label: str
    source: str
    about: str | None = None  # the invoice a document's fact is about (promise, credit note, delivery…)


def show_value(kind: str, value) -> str:
    """``value`` written the French way for a verdict."""
    if kind == "montant":
        return format_eur(int(value))
    if kind == "date":
        return format_date(value)
    if kind == "jours":
        return f"{value} jours"
    if kind == "pourcentage":
        return f"{format_number(value, 2).rstrip('0').rstrip(',')}\u00a0%"
    return str(value)


@dataclass
class FactBook:
    """Facts of one company, by entity and by value; ``owner`` maps a document to its customer."""

    as_of: dt.date
    company_name: str
    by_entity: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(list)))
    by_role: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(list)))
    owners_of_value: dict = field(default_factory=lambda: defaultdict(set))
    owner: dict = field(default_factory=dict)
    invoice_ids: set = field(default_factory=set)
    document_ids: set = field(default_factory=set)
    customer_names: dict = field(default_factory=dict)   # written name → customer id
    customer_label: dict = field(default_factory=dict)   # customer id → name
    person_names: set = field(default_factory=set)        # contacts, staff, senders: never customers
    quotes: set = field(default_factory=set)              # openings of lines of e-mails and signals
    quoted_titles: dict = field(default_factory=lambda: defaultdict(list))

    def add(self, kind: str, role: str, value, entity: str, label: str, source: str, about: str | None = None) -> None:
        if value is None:
            return
        f = LedgerFact(kind, role, value, entity, label, source, about)
        self.by_entity[entity][(kind, value)].append(f)
        self.by_role[entity][(kind, role)].append(f)
        customer = self.owner.get(entity, entity)
        self.owners_of_value[(kind, value)].add(customer)
        if customer != entity:  # a customer's pool holds the facts of its documents too
            self.by_entity[customer][(kind, value)].append(f)
            self.by_role[customer][(kind, role)].append(f)

    def find(self, entity: str, kind: str, value) -> list[LedgerFact]:
        return self.by_entity.get(entity, {}).get((kind, value), [])

    def expected(self, entity: str, kind: str, roles) -> list[LedgerFact]:
        """The facts of ``entity`` of the given roles (what a claim of that role should say)."""
        table = self.by_role.get(entity, {})
        return [f for r in roles for f in table.get((kind, r), [])]


def _day(value) -> dt.date | None:
    if value is None or (isinstance(value, str) and not value) or pd.isna(value):
        return None
    return pd.Timestamp(value).date()


def _share(part: int, total: int) -> list[Decimal]:
    """A share written as a whole or one-decimal percentage, rounded or truncated."""
    if not total:
        return []
    exact = Decimal(part) * 100 / Decimal(total)
    return sorted({exact.quantize(q, rounding=r) for q in (Decimal(1), Decimal("0.1"))
                   for r in (ROUND_HALF_UP, ROUND_DOWN)})


def short_names(name: str) -> list[str]:
    """``name`` and, when it carries a legal form, the name without it (« Moulin SA » → « Moulin »)."""
    short = _LEGAL_FORMS.sub("", name).strip()
    return [name] + ([short] if short != name and len(short) >= 3 else [])


def _penalties(amount: int, due: dt.date, as_of: dt.date) -> set[int]:
    """Penalties to the case date under each legal basis a letter may use (L441-10: ECB + 10
    points; a contract's three times the legal rate; public buyers' moratorium interest). A
    semester whose rate is not in the law table counts for nothing, as in the letters."""
    if as_of <= due or amount <= 0:
        return set()
    out = {law.penalty_to_date(amount, due, as_of).cents, law.penalty_to_date(amount, due, as_of, public=True).cents}
    try:
        floor = law.PENALTY_FLOOR_MULTIPLE * law.rate_in_force(law.LEGAL_INTEREST_RATE_PROFESSIONALS, as_of)
    except MissingLegalRateError:
        return out
    return out | {law.penalty_to_date(amount, due, as_of, contractual_rate_pct=floor).cents}


def position_facts(company) -> dict:
    """The one adapter to the company's receivable position: every ledger figure the checker uses.

    Everything is read from :func:`o2c_lab.analytics.receivable_position`; the plain tables only
    add what the position does not carry (invoice amounts and dates, payment dates from the
    lettering). Returns ``invoices`` (one row per invoice: remaining, paid, credited, escompte,
    days late, status and its French label, payment date), ``by_customer`` and ``totals`` (the position's tables),
    ``headline`` (:meth:`Company.summary`, the position's headline figures), ``kpis`` and
    ``falling_due`` (what falls due in each of the next twelve weeks).
    """
    from ..analytics.position import receivable_position

    position = receivable_position(company)
    lines = position.lines.loc[position.lines["document_type"] == "facture"]
    read = lines.set_index("document_id")[["remaining_cents", "paid_cents", "credited_cents", "escompte_cents",
                                           "days_late", "status", "statut"]]
    inv = company.tables["invoices"].join(read, on="invoice_id")
    for col in ("remaining_cents", "paid_cents", "credited_cents", "escompte_cents"):
        inv[col] = inv[col].fillna(0).astype("int64")  # an invoice issued after the case date owes nothing yet
    led = company.tables["ar_ledger"]
    paid = led[(led["document_type"] == "facture") & (led["lettering"] != "")]
    inv["payment_date"] = inv["invoice_id"].map(paid.groupby("document_id")["lettering_date"].max())
    return {"invoices": inv, "by_customer": position.by_customer, "totals": position.totals,
            "headline": company.summary(), "kpis": position.kpis, "falling_due": position.falling_due(12)}


def _add_invoices(book: FactBook, pos: dict, company) -> None:
    lettering_source = "grand livre (lettrage du relevé bancaire)"
    for r in pos["invoices"].itertuples(index=False):
        iid, cid = r.invoice_id, r.customer_id
        book.owner[iid] = cid
        book.invoice_ids.add(iid)
        what = f"de la facture {iid}"
        # a duplicate, a disputed or a declared claim says so wherever its open amount is quoted
        flag = f" – {r.statut}" if r.remaining_cents > 0 and r.status not in ("overdue", "not_due") else ""
        for role, cents, name in (("ttc", r.total_ttc_cents, "montant TTC"), ("ht", r.total_ht_cents, "montant HT"),
                                  ("tva", r.total_vat_cents, "TVA"), ("reste_du", r.remaining_cents, "reste dû"),
                                  ("paye", r.paid_cents, "montant réglé"),
                                  ("avoir", r.credited_cents, "montant des avoirs"),
                                  ("escompte", r.escompte_cents, "escompte accordé")):
            if role in ("ttc", "ht", "tva", "reste_du") or cents:
                billed = role in ("ttc", "ht", "tva")
                book.add("montant", role, int(cents), iid, f"{name} {what}{flag if role == 'reste_du' else ''}",
                         "factures" if billed else "position clients")
        issued, due = _day(r.invoice_date), _day(r.due_date)
        book.add("date", "emission", issued, iid, f"date d'émission {what}", "factures")
        book.add("date", "echeance", due, iid, f"échéance {what}", "factures")
        payment = _day(r.payment_date)
        if payment is not None:
            book.add("date", "paiement", payment, iid, f"date de règlement {what}", lettering_source)
            book.add("jours", "retard_paiement", (payment - due).days, iid, f"retard de règlement {what}",
                     lettering_source)
        if r.remaining_cents > 0 and r.days_late > 0:
            book.add("jours", "retard", int(r.days_late), iid, f"jours de retard {what} au {format_date(book.as_of)}",
                     "position clients")
            for cents in _penalties(int(r.remaining_cents), due, book.as_of):
                book.add("montant", "penalite", cents, iid, f"pénalités de retard {what} au {format_date(book.as_of)}",
                         "calcul (art. L441-10 du Code de commerce)")
        book.add("jours", "delai", (due - issued).days, iid, f"délai de paiement {what}", "factures")
        digits = re.match(r"\d+", str(r.payment_terms))
        if digits:
            book.add("jours", "delai", int(digits.group()), iid, f"conditions {r.payment_terms} {what}", "factures")
    for row in company.invoice_lines.itertuples(index=False):
        iid = row.invoice_id
        book.add("montant", "ligne", int(row.unit_price_cents), iid, f"prix unitaire HT d'une ligne de {iid}", "factures")
        book.add("montant", "ligne", int(row.net_cents), iid, f"montant HT d'une ligne de {iid}", "factures")
        book.add("montant", "ligne", int(row.net_cents + row.vat_cents), iid, f"montant TTC d'une ligne de {iid}",
                 "factures")


#: Totals of a customer (and of the company) the checker knows: role, position column, French name.
_TOTALS = (("total_du", "encours_brut", "encours brut (factures ouvertes)"),
           ("total_du", "encours_net", "encours net des avoirs et encaissements non affectés"),
           ("total_du", "du", "montant dû (hors doublons)"),
           ("echu", "echu", "total échu"),
           ("echu", "echu_du", "échu dû (hors doublons)"),
           ("echu", "echu_a_relancer", "échu à relancer (hors litiges, doublons et procédures collectives)"),
           ("litige", "litige", "montant des factures en litige"),
           ("doublon", "doublons", "doublons à annuler par avoir (non dus)"))


def _add_totals(book: FactBook, entity: str, row: pd.Series, at: str) -> None:
    """The position's totals of one customer or of the company (``row``: a row of ``by_customer``
    or ``totals``), each value once per role."""
    seen = set()
    for role, col, name in _TOTALS:
        cents = int(row[col])
        if (role, cents) not in seen and (cents or role in ("total_du", "echu")):  # « dont 0,00 € échus » too
            seen.add((role, cents))
            book.add("montant", role, cents, entity, f"{name} {at}", "position clients")
    for label in bucket_labels(DEFAULT_BUCKETS):
        if row[label]:
            book.add("montant", "tranche", int(row[label]), entity, f"tranche « {label} » {at}", "balance âgée")
    if row["retard_max"]:
        book.add("jours", "retard_max", int(row["retard_max"]), entity, f"plus grand retard {at}", "balance âgée")


def _add_customers(book: FactBook, pos: dict, company) -> None:
    t = company.tables
    table = pos["by_customer"]
    for c in t["customers"].itertuples(index=False):
        cid = c.customer_id
        book.customer_label[cid] = str(c.name)
        book.customer_names[str(c.name)] = cid
        book.add("montant", "limite", int(c.credit_limit_cents), cid, f"limite de crédit de {c.name}", "fiche client")
        book.add("date", "client_depuis", _day(c.customer_since), cid, f"date d'entrée en relation de {c.name}",
                 "fiche client")
        digits = re.match(r"\d+", str(c.payment_terms))
        if digits:
            book.add("jours", "delai", int(digits.group()), cid, f"conditions {c.payment_terms} de {c.name}", "fiche client")
        if c.sales_rep:
            book.person_names.update(str(c.sales_rep).split())
        if cid not in table.index:
            continue
        _add_totals(book, cid, table.loc[cid], f"de {c.name} au {format_date(book.as_of)}")
    # « Moulin » for « Moulin SA », unless it is another customer's name or two customers share it
    shorts = [(short_names(str(n))[-1], cid) for cid, n in zip(t["customers"]["customer_id"], t["customers"]["name"])]
    counts = pd.Series([n for n, _ in shorts]).value_counts()
    for name, cid in shorts:
        if counts[name] == 1:
            book.customer_names.setdefault(name, cid)
    for c in t["contacts"].itertuples(index=False):
        book.person_names.update({str(c.last_name), str(c.first_name)})


def _add_documents(book: FactBook, company) -> None:
    """Credit notes, promises, disputes, reminders, contracts, deliveries, bank lines, messages."""
    t = company.tables
    for r in t["credit_notes"].itertuples(index=False):
        book.owner[r.credit_note_id] = r.customer_id
        for kind, role, value, what in (("montant", "avoir", int(r.total_ttc_cents), "montant TTC"),
                                        ("montant", "avoir", int(r.total_ht_cents), "montant HT"),
                                        ("date", "avoir", _day(r.credit_date), "date")):
            book.add(kind, role, value, r.credit_note_id, f"{what} de l'avoir {r.credit_note_id}", "avoirs", r.invoice_id)
    for r in t["promises"].itertuples(index=False):
        entity = f"promesse {r.promise_id}"
        book.owner[entity] = r.customer_id
        about = str(r.invoice_ids).split(",")[0].strip() if "," not in str(r.invoice_ids) else None
        book.add("montant", "promesse", int(r.amount_cents), entity, f"montant promis ({r.invoice_ids})", "promesses", about)
        book.add("date", "promesse", _day(r.promised_date), entity, f"date promise ({r.invoice_ids})", "promesses", about)
        book.add("date", "promesse_obtenue", _day(r.made_on), entity, f"date de la promesse ({r.invoice_ids})", "promesses",
                 about)
    for r in t["disputes"].itertuples(index=False):
        book.owner[r.dispute_id] = r.customer_id
        book.add("montant", "litige", int(r.amount_cents), r.dispute_id, f"montant contesté ({r.dispute_id})", "litiges",
                 r.invoice_id)
        book.add("date", "litige", _day(r.opened_on), r.dispute_id, f"ouverture du litige {r.dispute_id}", "litiges",
                 r.invoice_id)
    for r in t["dunning"].itertuples(index=False):
        book.add("date", "relance", _day(r.sent_on), r.invoice_id, f"relance de niveau {r.level} de {r.invoice_id}",
                 "historique des relances")
    for r in t["contracts"].itertuples(index=False):
        book.owner[r.contract_id] = r.customer_id
        book.add("date", "contrat", _day(r.signed_on), r.contract_id, f"signature du contrat {r.contract_id}", "contrats")
        for role, pct, name in (("remise", r.price_discount_pct, "remise"),
                                ("escompte", r.early_payment_discount_pct, "escompte")):
            book.add("pourcentage", role, Decimal(str(pct)).normalize(), r.contract_id,
                     f"{name} du contrat {r.contract_id}", "contrats")
        book.add("jours", "escompte", int(r.early_payment_days), r.contract_id,
                 f"délai d'escompte du contrat {r.contract_id}", "contrats")
    for name in ("orders", "deliveries"):
        key, col = ("order_id", "order_date") if name == "orders" else ("delivery_id", "delivery_date")
        invoice_of = dict(zip(t["invoices"][key], t["invoices"]["invoice_id"]))
        for r in t[name][[key, "customer_id", col]].itertuples(index=False):
            book.owner[r[0]] = r[1]
            book.document_ids.add(r[0])
            book.add("date", "livraison" if name == "deliveries" else "commande", _day(r[2]), r[0],
                     f"date {'de livraison' if name == 'deliveries' else 'de commande'} {r[0]}", name, invoice_of.get(r[0]))
    for r in t["bank_transactions"].itertuples(index=False):
        book.add("montant", "virement", int(r.amount_cents), r.bank_tx_id, f"opération {r.bank_tx_id}", "relevé bancaire")
        book.add("date", "virement", _day(r.booking_date), r.bank_tx_id, f"date de l'opération {r.bank_tx_id}",
                 "relevé bancaire")
    for r in t["remittance_advices"].itertuples(index=False):
        book.add("montant", "avis", int(r.amount_cents), r.customer_id, f"avis de paiement {r.advice_id}",
                 "avis de paiement", r.document_id)
    for r in t["emails"].itertuples(index=False):
        book.add("date", "message", _day(str(r.sent_at)[:10]), r.customer_id, f"e-mail du {str(r.sent_at)[:10]}", "e-mails")
        book.quoted_titles[r.customer_id].append(str(r.subject))
        sender = re.match(r"\s*([^<]+?)\s*<", str(r.sender))
        if sender:
            book.person_names.update(sender.group(1).split())
        _add_quotes(book, str(r.body))
    for r in t["external_signals"].itertuples(index=False):
        book.add("date", "signal", _day(r.published_on), r.customer_id, f"signal du {format_date(_day(r.published_on))}",
                 str(r.source))
        book.quoted_titles[r.customer_id].append(str(r.title))
        _add_quotes(book, str(r.text))
    book.document_ids |= set(book.owner) | set(t["bank_transactions"]["bank_tx_id"])


_QUOTE_KEY = 32


def quote_key(line: str) -> str | None:
    """The opening used to recognise a line copied from a message or a signal."""
    s = re.sub(r"\s+", " ", line).strip(" -–>*")
    return s[:_QUOTE_KEY] if len(s) >= 20 else None


def _add_quotes(book: FactBook, body: str) -> None:
    for line in body.splitlines():
        key = quote_key(line)
        if key:
            book.quotes.add(key)


def _add_company(book: FactBook, pos: dict) -> None:
    m, totals = pos["headline"], pos["totals"]
    at = f"au {format_date(book.as_of)}"
    _add_totals(book, COMPANY, totals, f"de l'entreprise {at}")
    gross = int(totals["encours_brut"])
    for label in bucket_labels(DEFAULT_BUCKETS):
        for pct in _share(int(totals[label]), gross):
            book.add("pourcentage", "part", pct, COMPANY, f"part de la tranche « {label} » de l'encours brut",
                     "balance âgée")
    for key, name in (("overdue_share", "part de l'échu"), ("over_90_share", "part de plus de 90 jours"),
                      ("top10_overdue_share", "part des 10 premiers clients dans l'échu")):
        for pct in _share(round(m[key] * 10**6), 10**6):
            book.add("pourcentage", "part", pct, COMPANY, f"{name} {at}", "indicateurs")
    for days in (30, 60, 90, 120, 180):
        book.add("jours", "tranche", days, COMPANY, f"borne de tranche de la balance âgée ({days} jours)",
                 "balance âgée")
    for r in pos["falling_due"].itertuples(index=False):  # the cash-in schedule of the next weeks
        book.add("date", "prevision", r.week_start, COMPANY, f"début de la semaine du {format_date(r.week_start)} "
                 "de la prévision", "échéancier")
        book.add("montant", "prevision", int(r.due_cents), COMPANY, f"montant à échoir la semaine du "
                 f"{format_date(r.week_start)}", "échéancier des factures ouvertes")
    for key, kpi in pos["kpis"].items():  # DSO (both methods), best possible DSO, ADD, CEI, shares, rates
        if kpi.value is None:
            continue
        if kpi.unit == "jours":
            for n in {round(kpi.value), int(kpi.value)}:
                book.add("jours", "dso" if key.startswith("dso") else "kpi", n, COMPANY, f"{kpi.name} {at}",
                         "indicateurs")
        elif kpi.unit == "%":
            for pct in _share(round(kpi.value * 10**4), 10**6):
                book.add("pourcentage", "part", pct, COMPANY, f"{kpi.name} {at}", "indicateurs")
    for n in {round(m["weighted_terms_days"]), int(m["weighted_terms_days"])}:
        book.add("jours", "dso", n, COMPANY, f"délai contractuel moyen {at}", "indicateurs")
    book.add("jours", "periode", int(m["period_days"]), COMPANY, f"période de calcul du DSO {at}", "indicateurs")


def _add_law(book: FactBook) -> None:
    book.add("montant", "indemnite", law.FIXED_RECOVERY_INDEMNITY_CENTS, LAW,
             "indemnité forfaitaire pour frais de recouvrement", "art. D441-5 du Code de commerce")
    for days, name in ((30, "délai légal supplétif (art. L441-10)"), (45, "plafond légal de 45 jours fin de mois"),
                       (60, "plafond légal de 60 jours (art. L441-10)"), (8, "délai de la mise en demeure")):
        book.add("jours", "legal", days, LAW, name, "Code de commerce")
    for pct, name in ((20, "taux normal de TVA"), (10, "taux intermédiaire de TVA"),
                      (Decimal("5.5"), "taux réduit de TVA"),
                      (law.MAX_LOGISTICS_PENALTY_PCT, "plafond des pénalités logistiques (art. L441-17)")):
        book.add("pourcentage", "legal", Decimal(str(pct)).normalize(), LAW, name,
                 "Code général des impôts / Code de commerce")
    for day in sorted({law.semester_start(book.as_of), law.semester_start(book.as_of - dt.timedelta(days=183)),
                       law.semester_start(book.as_of - dt.timedelta(days=366))}):
        sem = f"au {format_date(day)}"
        rates = []
        try:  # a semester missing from the law table gives no fact: it is never guessed
            ecb = law.rate_in_force(law.ECB_MAIN_RATE, day)
            rates += [("taux_penalite", ecb + law.PENALTY_MARGIN_POINTS, "taux des pénalités de retard (BCE + 10 points)"),
                      ("taux_moratoire", ecb + law.MORATORIUM_MARGIN_POINTS,
                       "taux des intérêts moratoires (BCE + 8 points)"),
                      ("taux_bce", ecb, "taux de la BCE")]
        except MissingLegalRateError:
            pass
        try:
            legal = law.rate_in_force(law.LEGAL_INTEREST_RATE_PROFESSIONALS, day)
            rates += [("taux_legal", legal, "taux d'intérêt légal"),
                      ("taux_penalite", law.PENALTY_FLOOR_MULTIPLE * legal,
                       "pénalités contractuelles à trois fois le taux d'intérêt légal")]
        except MissingLegalRateError:
            pass
        for role, rate, name in rates:
            book.add("pourcentage", role, Decimal(rate).normalize(), LAW, f"{name} {sem}",
                     "art. L441-10 du Code de commerce")


def build_factbook(company) -> FactBook:
    """Every fact of ``company`` (build it once, then check many answers)."""
    book = FactBook(company.as_of, str(company.name))
    book.add("date", "arrete", company.as_of, COMPANY, "date d'arrêté", "cas")
    pos = position_facts(company)
    _add_invoices(book, pos, company)
    _add_customers(book, pos, company)
    _add_documents(book, company)
    _add_company(book, pos)
    _add_law(book)
    for part in str(company.name).split():
        book.person_names.discard(part)
    for person in company.scenario.get("staff", {}).values():
        book.person_names.update(str(person.get("name", "")).split())
    return book
