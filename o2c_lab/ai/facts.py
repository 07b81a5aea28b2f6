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

    Returns plain frames and numbers: ``invoices`` (one row per invoice with remaining, paid,
    credited, payment date and source, days late), ``customer_totals`` (open gross, net of
    credits, overdue, buckets, disputed), ``company`` (outstanding gross/net, overdue, shares, DSO).
    """
    from ..analytics.aging import company_open_items
    from ..company.tension import open_invoices

    t = company.tables
    as_of = pd.Timestamp(company.as_of)
    inv = t["invoices"].copy()
    items = company_open_items(company)
    residual = items.loc[items["document_type"] == "facture"].set_index("document_id")["residual_cents"]
    inv["remaining_cents"] = inv["invoice_id"].map(residual).fillna(0).astype("int64")
    credited = t["credit_notes"].groupby("invoice_id")["total_ttc_cents"].sum() if "credit_notes" in t else {}
    inv["credited_cents"] = inv["invoice_id"].map(credited).fillna(0).astype("int64")
    inv["paid_cents"] = inv["total_ttc_cents"] - inv["remaining_cents"] - inv["credited_cents"]
    led = t["ar_ledger"]
    paid = led[(led["document_type"] == "facture") & (led["lettering"] != "")]
    inv["payment_date"] = inv["invoice_id"].map(paid.groupby("document_id")["lettering_date"].max())
    inv["days_late"] = (as_of - pd.to_datetime(inv["due_date"])).dt.days
    tension = open_invoices(company)
    tension = tension.assign(overdue=tension["days_past_due"] > 0)
    inv["remaining_net_cents"] = inv["invoice_id"].map(tension.set_index("invoice_id")["open_cents"]).fillna(0)
    gross = tension.groupby("customer_id")["open_cents"].sum()
    overdue = tension[tension["overdue"]].groupby("customer_id")["open_cents"].sum()
    net = items.groupby("customer_id")["residual_cents"].sum()
    debit = items[items["residual_cents"] > 0]
    debit_overdue = debit[pd.to_datetime(debit["due_date"]) < as_of]
    totals = pd.DataFrame({"open_gross_cents": gross, "overdue_cents": overdue, "open_net_cents": net,
                           "open_debit_cents": debit.groupby("customer_id")["residual_cents"].sum(),
                           "overdue_debit_cents": debit_overdue.groupby("customer_id")["residual_cents"].sum(),
                           "max_days_late": tension[tension["overdue"]].groupby("customer_id")["days_past_due"].max(),
                           "open_count": tension.groupby("customer_id")["invoice_id"].count()})
    if "disputes" in t:
        open_disputes = t["disputes"][t["disputes"]["status"] == "en litige"]
        totals["disputed_cents"] = open_disputes.groupby("customer_id")["amount_cents"].sum()
    buckets = {}
    for lo, hi, label in ((-10**6, 0, "non échu"), (1, 30, "1 à 30 j"), (31, 60, "31 à 60 j"),
                          (61, 90, "61 à 90 j"), (91, 10**6, "plus de 90 j")):
        part = tension[tension["days_past_due"].between(lo, hi)]
        buckets[label] = int(part["open_cents"].sum())
        totals[f"bucket {label}"] = part.groupby("customer_id")["open_cents"].sum()
    summary = company.summary()
    late = (as_of - pd.to_datetime(debit["due_date"])).dt.days
    debit_totals = {"open": int(debit["residual_cents"].sum()), "overdue": int(debit.loc[late > 0, "residual_cents"].sum()),
                    "over_90": int(debit.loc[late > 90, "residual_cents"].sum())}
    return {"invoices": inv, "customer_totals": totals.fillna(0), "buckets": buckets, "summary": summary,
            "open_gross_cents": int(tension["open_cents"].sum()), "tension": tension, "debit_totals": debit_totals}


def _add_invoices(book: FactBook, pos: dict, company) -> None:
    lettering_source = "grand livre (lettrage du relevé bancaire)"
    for r in pos["invoices"].itertuples(index=False):
        iid, cid = r.invoice_id, r.customer_id
        book.owner[iid] = cid
        book.invoice_ids.add(iid)
        what = f"de la facture {iid}"
        for role, cents, name in (("ttc", r.total_ttc_cents, "montant TTC"), ("ht", r.total_ht_cents, "montant HT"),
                                  ("tva", r.total_vat_cents, "TVA"), ("reste_du", r.remaining_cents, "reste dû"),
                                  ("paye", r.paid_cents, "montant réglé"),
                                  ("avoir", r.credited_cents, "montant des avoirs")):
            if role in ("ttc", "ht", "tva", "reste_du") or cents:
                book.add("montant", role, int(cents), iid, f"{name} {what}", "grand livre")
        if r.remaining_net_cents and r.remaining_net_cents != r.remaining_cents:
            book.add("montant", "reste_du", int(r.remaining_net_cents), iid, f"reste dû net des avoirs {what}",
                     "grand livre et avoirs")
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
                     "grand livre")
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


def _add_customers(book: FactBook, pos: dict, company) -> None:
    t = company.tables
    totals = pos["customer_totals"]
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
        if cid not in totals.index:
            continue
        row = totals.loc[cid]
        for role, col, name in (("total_du", "open_gross_cents", "total des factures ouvertes"),
                                ("total_du", "open_debit_cents", "total des factures ouvertes"),
                                ("total_du", "open_net_cents", "solde net des avoirs et paiements non affectés"),
                                ("echu", "overdue_cents", "total échu"), ("echu", "overdue_debit_cents", "total échu"),
                                ("litige", "disputed_cents", "montant en litige")):
            if col in row and (row[col] or role in ("total_du", "echu")):  # « dont 0,00 € échus » is a fact too
                book.add("montant", role, int(row[col]), cid, f"{name} de {c.name} au {format_date(book.as_of)}",
                         "grand livre")
        for col in [k for k in row.index if str(k).startswith("bucket ")]:
            if row[col]:
                book.add("montant", "tranche", int(row[col]), cid, f"tranche « {col[7:]} » de {c.name}", "balance âgée")
        if row["max_days_late"]:
            book.add("jours", "retard_max", int(row["max_days_late"]), cid, f"plus grand retard de {c.name}",
                     "balance âgée")
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
    m = pos["summary"]
    at = f"au {format_date(book.as_of)}"
    for role, cents, name in (("total_du", m["receivables_cents"], "encours clients (net)"),
                              ("total_du", m["open_invoices_cents"], "encours des factures ouvertes (brut)"),
                              ("total_du", pos["open_gross_cents"], "encours des factures ouvertes (brut)"),
                              ("echu", m["overdue_cents"], "encours échu"),
                              ("tranche", m["over_90_cents"], "échu de plus de 90 jours"),
                              ("total_du", pos["debit_totals"]["open"], "total des factures restant à payer"),
                              ("echu", pos["debit_totals"]["overdue"], "total échu des factures restant à payer"),
                              ("tranche", pos["debit_totals"]["over_90"], "échu de plus de 90 jours des factures "
                                                                          "restant à payer")):
        book.add("montant", role, int(cents), COMPANY, f"{name} {at}", "balance âgée")
    total = pos["open_gross_cents"]
    for label, cents in pos["buckets"].items():
        book.add("montant", "tranche", cents, COMPANY, f"tranche « {label} » de la balance âgée {at}", "balance âgée")
        for pct in _share(cents, total):
            book.add("pourcentage", "part", pct, COMPANY, f"part de la tranche « {label} »", "balance âgée")
    for key, name in (("overdue_share", "part de l'échu"), ("over_90_share", "part de plus de 90 jours"),
                      ("top10_overdue_share", "part des 10 premiers clients dans l'échu")):
        for pct in _share(round(m[key] * 10**6), 10**6):
            book.add("pourcentage", "part", pct, COMPANY, f"{name} {at}", "indicateurs")
    for days in (30, 60, 90, 120, 180):
        book.add("jours", "tranche", days, COMPANY, f"borne de tranche de la balance âgée ({days} jours)",
                 "balance âgée")
    tension = pos["tension"]
    for week in range(12):  # the cash-in forecast by week: what falls due in each of the next weeks
        lo = pd.Timestamp(book.as_of) + pd.Timedelta(days=7 * week + 1)
        due = tension.loc[pd.to_datetime(tension["due_date"]).between(lo, lo + pd.Timedelta(days=6)), "open_cents"]
        book.add("date", "prevision", lo.date(), COMPANY, f"début de la semaine {week + 1} de la prévision",
                 "échéancier")
        book.add("montant", "prevision", int(due.sum()), COMPANY, f"montant à échoir la semaine du "
                 f"{format_date(lo.date())}", "échéancier des factures ouvertes")
    for key, name in (("dso_days", "DSO"), ("weighted_terms_days", "délai contractuel moyen")):
        for n in {round(m[key]), int(m[key])}:
            book.add("jours", "dso", n, COMPANY, f"{name} {at}", "indicateurs")


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
