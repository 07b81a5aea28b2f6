"""Fact-checking any answer (AI, pasted or template) against the company data.

Extracts amounts (``1 234,56 €`` with ordinary, no-break or narrow no-break spaces, ``1.234,56 €``,
``1234.56 EUR``), dates (``31/12/2026``, ``31 décembre 2026``, ``2026-12-31``), document numbers
(``FA-2026-00042``), customer names, day counts and percentages, then gives each a verdict with
the source row: « confirmé », « écart », « introuvable » or « ambigu ». Facts the task required
but the answer omitted are listed too.

A fact is checked against the document it is written next to (the invoice number in the same
sentence) when there is one, otherwise against the customer in scope, otherwise the whole ledger.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import pandas as pd

from ..law import FIXED_RECOVERY_INDEMNITY_CENTS
from ..money import format_date, format_eur

__all__ = ["Fact", "Verdict", "FactCheckReport", "VERDICTS", "FactChecker", "extract_facts", "check_answer"]

VERDICTS = ("confirmé", "écart", "introuvable", "ambigu")
_MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
           "octobre", "novembre", "décembre"]
_SP = "[ \u00a0\u202f]"
_AMOUNT = re.compile(
    rf"(?<![\w.,])(?:(?P<cur1>€|EUR){_SP}?)?"
    rf"(?P<num>\d{{1,3}}(?:(?:{_SP}|\.|,)\d{{3}})+(?:[.,]\d{{1,2}})?|\d+(?:[.,]\d{{1,2}})?)"
    rf"(?(cur1)|{_SP}?(?P<cur2>€|EUR\b|euros?\b))", re.I)
_DATE_NUM = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{4})(?![\d/])")
_DATE_ISO = re.compile(r"(?<![\d-])(\d{4})-(\d{2})-(\d{2})(?![\d-])")
_DATE_TXT = re.compile(rf"(?i)\b(1er|\d{{1,2}}){_SP}+({'|'.join(_MONTHS)}|fevrier|aout|decembre){_SP}+(\d{{4}})\b")
_DOC = re.compile(r"\b[A-Z]{2,4}-\d{4}-\d{3,6}\b")
_DAYS = re.compile(rf"(?<![\d,.])(\d{{1,4}}){_SP}?(?:jours?|j\b)", re.I)
_PCT = re.compile(rf"(?<![\d,.])(\d{{1,3}}(?:[.,]\d{{1,2}})?){_SP}?(?:%|pour{_SP}?cent)", re.I)


@dataclass(frozen=True)
class Fact:
    """A fact found in a text: ``kind`` is montant, date, pièce, client, jours or pourcentage."""

    kind: str
    text: str
    value: object
    start: int
    end: int


@dataclass(frozen=True)
class Verdict:
    """The verdict on one fact, the row that supports it and a French explanation."""

    fact: Fact
    verdict: str
    explanation: str
    source_table: str | None = None
    source_row: dict | None = None


@dataclass
class FactCheckReport:
    """All verdicts, plus the required facts the answer left out."""

    verdicts: list[Verdict]
    omitted: list[str] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        counts = {v: 0 for v in VERDICTS}
        for v in self.verdicts:
            counts[v.verdict] += 1
        return counts

    @property
    def problems(self) -> list[Verdict]:
        return [v for v in self.verdicts if v.verdict in ("écart", "introuvable")]

    @property
    def ok(self) -> bool:
        return not self.problems and not self.omitted

    def to_frame(self) -> pd.DataFrame:
        rows = [{"Type": v.fact.kind, "Dans la réponse": v.fact.text, "Verdict": v.verdict,
                 "Explication": v.explanation, "Table source": v.source_table or ""}
                for v in self.verdicts]
        rows += [{"Type": "omission", "Dans la réponse": "", "Verdict": "omis", "Explication": o,
                  "Table source": ""} for o in self.omitted]
        return pd.DataFrame(rows, columns=["Type", "Dans la réponse", "Verdict", "Explication", "Table source"])

    def __str__(self) -> str:
        c = self.counts
        head = (f"{len(self.verdicts)} faits vérifiés : {c['confirmé']} confirmé(s), {c['écart']} écart(s), "
                f"{c['introuvable']} introuvable(s), {c['ambigu']} ambigu(s) ; {len(self.omitted)} omission(s).")
        lines = [head] + [f"- {v.verdict.upper()} « {v.fact.text} » : {v.explanation}"
                          for v in self.verdicts if v.verdict != "confirmé"]
        return "\n".join(lines + [f"- OMIS : {o}" for o in self.omitted])


# --- extraction -----------------------------------------------------------------------------

def _amount_values(num: str) -> int | None:
    """Cents of a number written in French or English style (« 1.234 » reads as thousands)."""
    compact = re.sub(_SP, " ", num)
    m = re.fullmatch(r"(.*?)([.,])(\d{1,2})", compact)
    if m and re.fullmatch(r"\d{1,3}(?:[ .,]\d{3})*|\d+", m.group(1)):
        whole, frac = m.group(1), m.group(3)
    else:
        whole, frac = compact, ""
    try:
        cents = int((Decimal(re.sub(r"[ .,]", "", whole) + "." + (frac or "0"))) * 100)
    except InvalidOperation:
        return None
    return cents


def _parse_day(day: str) -> int:
    return 1 if day.lower() == "1er" else int(day)


def extract_facts(text: str, customer_names=()) -> list[Fact]:
    """Every checkable fact of ``text``, in order of appearance."""
    facts: list[Fact] = []
    for m in _AMOUNT.finditer(text):
        cents = _amount_values(m.group("num"))
        if cents is not None:
            facts.append(Fact("montant", m.group().strip(), cents, m.start(), m.end()))
    for regex, order in ((_DATE_NUM, "dmy"), (_DATE_ISO, "ymd"), (_DATE_TXT, "dty")):
        for m in regex.finditer(text):
            a, b, c = m.groups()
            try:
                if order == "dmy":
                    day = dt.date(int(c), int(b), int(a))
                elif order == "ymd":
                    day = dt.date(int(a), int(b), int(c))
                else:
                    month = b.lower().replace("fevrier", "février").replace("aout", "août")
                    month = month.replace("decembre", "décembre")
                    day = dt.date(int(c), _MONTHS.index(month) + 1, _parse_day(a))
            except ValueError:
                continue
            facts.append(Fact("date", m.group(), day, m.start(), m.end()))
    for m in _DOC.finditer(text):
        facts.append(Fact("pièce", m.group(), m.group(), m.start(), m.end()))
    for name in sorted(set(customer_names), key=len, reverse=True):
        for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text):
            if not any(f.kind == "client" and f.start <= m.start() < f.end for f in facts):
                facts.append(Fact("client", m.group(), name, m.start(), m.end()))
    for m in _DAYS.finditer(text):
        facts.append(Fact("jours", m.group(), int(m.group(1)), m.start(), m.end()))
    for m in _PCT.finditer(text):
        facts.append(Fact("pourcentage", m.group(), Decimal(m.group(1).replace(",", ".")), m.start(), m.end()))
    # an amount's digits must not also count as a day count or a date piece
    facts = [f for f in facts if not (f.kind in ("jours", "pourcentage") and any(
        g.kind in ("montant", "date") and g.start <= f.start < g.end for g in facts))]
    return sorted(facts, key=lambda f: f.start)


# --- the data the facts are checked against --------------------------------------------------

@dataclass
class _Ledger:
    invoices: pd.DataFrame
    customers: pd.DataFrame
    open_by_invoice: dict
    balance_by_customer: dict
    open_totals: dict  # customer → {label: cents}: open invoices, of which overdue
    doc_tables: dict
    extra_amounts: pd.DataFrame
    extra_dates: pd.DataFrame
    as_of: dt.date


def _as_date(value):
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return pd.Timestamp(value).date()


def _ledger(company) -> _Ledger:
    from ..analytics.aging import company_open_items

    t = company.tables
    inv = t["invoices"]
    items = company_open_items(company)
    debit = items[items["residual_cents"] > 0]
    open_by_invoice = dict(zip(debit["document_id"], debit["residual_cents"].astype(int)))
    balance = items.groupby("customer_id")["residual_cents"].sum().astype(int).to_dict()
    overdue = debit[pd.to_datetime(debit["due_date"]).dt.date < company.as_of]
    open_totals = {c: {"total des factures ouvertes": int(v)}
                   for c, v in debit.groupby("customer_id")["residual_cents"].sum().items()}
    for c, v in overdue.groupby("customer_id")["residual_cents"].sum().items():
        open_totals[c]["total échu"] = int(v)
    doc_tables = {"invoices": ("invoice_id", inv)}
    for name, key in (("credit_notes", "credit_note_id"), ("orders", "order_id"),
                      ("deliveries", "delivery_id"), ("contracts", "contract_id")):
        if name in t:
            doc_tables[name] = (key, t[name])
    amounts, dates = [], []
    for name, cols in (("promises", ["amount_cents"]), ("disputes", ["amount_cents"]),
                       ("credit_notes", ["total_ttc_cents", "total_ht_cents"]),
                       ("remittance_advices", ["amount_cents"])):
        if name in t:
            for col in cols:
                part = t[name].assign(_table=name, _value=t[name][col].astype("int64"))
                amounts.append(part)
    for name, cols in (("promises", ["made_on", "promised_date"]), ("disputes", ["opened_on"]),
                       ("dunning", ["sent_on"]), ("credit_notes", ["credit_date"]),
                       ("external_signals", ["published_on"]), ("orders", ["order_date"]),
                       ("deliveries", ["delivery_date"]), ("contracts", ["signed_on"])):
        if name in t:
            for col in cols:
                dates.append(t[name].assign(_table=name, _value=t[name][col].map(_as_date)))
    return _Ledger(inv, t["customers"], open_by_invoice, balance, open_totals, doc_tables,
                   pd.concat(amounts, ignore_index=True) if amounts else pd.DataFrame(),
                   pd.concat(dates, ignore_index=True) if dates else pd.DataFrame(), company.as_of)


def _row(series: pd.Series) -> dict:
    out = {}
    for k, v in series.items():
        if str(k).startswith("_"):
            continue
        if isinstance(v, pd.Timestamp):
            v = v.date()
        out[k] = None if (not isinstance(v, (str, dt.date)) and pd.isna(v)) else v
    return out


def _sentence_bounds(text: str, pos: int) -> tuple[int, int]:
    """Bounds of the sentence around ``pos``; a line break always ends one (lists, tables)."""
    starts = [m.end() for m in re.finditer(r"[.!?;]\s|\n", text[:pos])]
    start = starts[-1] if starts else 0
    end_m = re.search(r"[.!?;](\s|$)|\n", text[pos:])
    return start, (pos + end_m.start()) if end_m else len(text)


# --- checking --------------------------------------------------------------------------------

class FactChecker:
    """Checks answers against one company; prepares the open items once (reuse it for many answers)."""

    def __init__(self, company):
        self._led = _ledger(company)
        self._names = self._led.customers["name"].astype(str).tolist()

    def check(self, text: str, *, customer_id: str | None = None, required=()) -> FactCheckReport:
        """See :func:`check_answer`."""
        led = self._led
        facts = extract_facts(text, self._names)
        docs = [f for f in facts if f.kind == "pièce"]
        scope = customer_id or _infer_scope(facts, led)
        verdicts = [_check(f, text, docs, led, customer_id, scope) for f in facts]
        omitted = [f"{kind} attendu(e) mais absent(e) de la réponse : {_show(kind, value)}"
                   for kind, value in required
                   if not any(f.kind == kind and f.value == value for f in facts)]
        return FactCheckReport(verdicts, omitted)


def check_answer(text: str, company, *, customer_id: str | None = None, required=()) -> FactCheckReport:
    """Check every fact of ``text`` against ``company`` (a Company or a :class:`FactChecker`).

    ``customer_id`` limits the search to one customer (a fact of another customer is an
    « écart »); ``required`` lists facts the answer must contain, as (kind, value) pairs, e.g.
    ``("pièce", "FA-2026-00042")``, ``("montant", 123456)``, ``("date", date(2026, 12, 31))``.
    """
    checker = company if isinstance(company, FactChecker) else FactChecker(company)
    return checker.check(text, customer_id=customer_id, required=required)


def _show(kind: str, value) -> str:
    if kind == "montant":
        return format_eur(value)
    if kind == "date":
        return format_date(value)
    return str(value)


def _anchor(fact: Fact, text: str, docs: list[Fact], led: _Ledger):
    """The invoice written in the same sentence as ``fact`` (the nearest one), or None."""
    invoices = set(led.invoices["invoice_id"])
    s, e = _sentence_bounds(text, fact.start)
    near = [d for d in docs if s <= d.start <= e and d.value in invoices]
    if not near:
        return None
    nearest = min(near, key=lambda d: abs(d.start - fact.start)).value
    return led.invoices.loc[led.invoices["invoice_id"] == nearest].iloc[0]


def _infer_scope(facts: list[Fact], led: _Ledger) -> str | None:
    """The one customer the answer is about (from its invoices, else its customer names)."""
    inv = led.invoices.set_index("invoice_id")["customer_id"]
    owners = {inv[f.value] for f in facts if f.kind == "pièce" and f.value in inv.index}
    if not owners:
        ids = led.customers.set_index("name")["customer_id"]
        owners = {ids[f.value] for f in facts if f.kind == "client" and f.value in ids.index}
    return owners.pop() if len(owners) == 1 else None


def _check(fact: Fact, text: str, docs, led: _Ledger, customer_id, scope) -> Verdict:
    kind = fact.kind
    if kind == "pièce":
        return _check_doc(fact, led, customer_id)
    if kind == "client":
        row = led.customers.loc[led.customers["name"] == fact.value].iloc[0]
        if customer_id and row["customer_id"] != customer_id:
            right = led.customers.loc[led.customers["customer_id"] == customer_id]
            name = right["name"].iloc[0] if len(right) else customer_id
            return Verdict(fact, "écart", f"le client concerné est « {name} », pas « {fact.value} »",
                           "customers", _row(right.iloc[0]) if len(right) else None)
        return Verdict(fact, "confirmé", f"client {row['customer_id']}", "customers", _row(row))
    anchor = _anchor(fact, text, docs, led)
    if kind == "montant":
        return _check_amount(fact, anchor, led, scope)
    if kind == "date":
        return _check_date(fact, anchor, led, scope)
    if kind == "jours":
        return _check_days(fact, anchor, led, scope)
    return _check_pct(fact, led, scope)


def _check_doc(fact: Fact, led: _Ledger, customer_id) -> Verdict:
    for table, (key, frame) in led.doc_tables.items():
        rows = frame.loc[frame[key] == fact.value]
        if len(rows):
            row = rows.iloc[0]
            owner = row.get("customer_id")
            if customer_id and owner is not None and owner != customer_id:
                return Verdict(fact, "écart", f"{fact.value} appartient au client {owner}, pas à {customer_id}",
                               table, _row(row))
            return Verdict(fact, "confirmé", f"pièce trouvée dans {table}", table, _row(row))
    return Verdict(fact, "introuvable", f"aucune pièce {fact.value} dans les données (numéro inventé ?)")


def _invoice_amounts(inv: pd.Series, led: _Ledger) -> dict[str, int]:
    amounts = {"total TTC": int(inv["total_ttc_cents"]), "total HT": int(inv["total_ht_cents"]),
               "TVA": int(inv["total_vat_cents"])}
    if inv["invoice_id"] in led.open_by_invoice:
        amounts["reste dû"] = led.open_by_invoice[inv["invoice_id"]]
    return amounts


def _scoped(frame: pd.DataFrame, customer_id) -> pd.DataFrame:
    if customer_id and "customer_id" in frame.columns:
        return frame.loc[frame["customer_id"] == customer_id]
    return frame


def _check_amount(fact: Fact, anchor, led: _Ledger, customer_id) -> Verdict:
    if fact.value == FIXED_RECOVERY_INDEMNITY_CENTS:
        return Verdict(fact, "confirmé", "indemnité forfaitaire pour frais de recouvrement (art. D441-5)", "law")
    if anchor is not None:
        amounts = _invoice_amounts(anchor, led)
        extra = led.extra_amounts
        if len(extra) and "invoice_id" in extra.columns:
            for _, r in extra.loc[extra["invoice_id"] == anchor["invoice_id"]].iterrows():
                amounts[f"{r['_table']}"] = int(r["_value"])
        for label, cents in amounts.items():
            if cents == fact.value:
                return Verdict(fact, "confirmé", f"{label} de {anchor['invoice_id']}", "invoices", _row(anchor))
        shown = ", ".join(f"{k} {format_eur(v)}" for k, v in amounts.items())
        return Verdict(fact, "écart", f"{anchor['invoice_id']} : {shown}", "invoices", _row(anchor))
    candidates = []  # (cents, table, row, label)
    inv = _scoped(led.invoices, customer_id)
    for _, r in inv.iterrows():
        for label, cents in _invoice_amounts(r, led).items():
            candidates.append((cents, "invoices", r, f"{label} de {r['invoice_id']}"))
    extra = _scoped(led.extra_amounts, customer_id) if len(led.extra_amounts) else led.extra_amounts
    for _, r in extra.iterrows():
        candidates.append((int(r["_value"]), r["_table"], r, f"montant de {r['_table']}"))
    custs = _scoped(led.customers, customer_id)
    for _, r in custs.iterrows():
        if r["customer_id"] in led.balance_by_customer:
            candidates.append((led.balance_by_customer[r["customer_id"]], "customers", r,
                               f"solde du client {r['customer_id']}"))
        candidates.append((int(r["credit_limit_cents"]), "customers", r, "limite de crédit"))
        for label, cents in led.open_totals.get(r["customer_id"], {}).items():
            candidates.append((cents, "customers", r, f"{label} du client {r['customer_id']}"))
    exact = [c for c in candidates if c[0] == fact.value]
    owners = {c[2].get("customer_id") for c in exact}
    if len(owners) > 1:
        return Verdict(fact, "ambigu", f"montant présent chez {len(owners)} clients ; précisez la pièce",
                       exact[0][1], _row(exact[0][2]))
    if exact:
        c = exact[0]
        return Verdict(fact, "confirmé", c[3], c[1], _row(c[2]))
    close = [c for c in candidates if c[0] and abs(c[0] - fact.value) <= abs(c[0]) * 0.2]
    if close:
        c = min(close, key=lambda c: abs(c[0] - fact.value))
        return Verdict(fact, "écart", f"le plus proche : {c[3]} = {format_eur(c[0])}", c[1], _row(c[2]))
    return Verdict(fact, "introuvable", "aucun montant correspondant dans les données")


def _check_date(fact: Fact, anchor, led: _Ledger, customer_id) -> Verdict:
    if fact.value == led.as_of:
        return Verdict(fact, "confirmé", "date d'arrêté du cas", "company")
    if anchor is not None:
        dates = {"date de facture": _as_date(anchor["invoice_date"]), "échéance": _as_date(anchor["due_date"])}
        extra = led.extra_dates
        if len(extra) and "invoice_id" in extra.columns:
            for _, r in extra.loc[extra["invoice_id"] == anchor["invoice_id"]].iterrows():
                dates[r["_table"]] = r["_value"]
        for label, day in dates.items():
            if day == fact.value:
                return Verdict(fact, "confirmé", f"{label} de {anchor['invoice_id']}", "invoices", _row(anchor))
        shown = ", ".join(f"{k} {format_date(v)}" for k, v in dates.items() if v)
        return Verdict(fact, "écart", f"{anchor['invoice_id']} : {shown}", "invoices", _row(anchor))
    inv = _scoped(led.invoices, customer_id)
    for col, label in (("invoice_date", "date de facture"), ("due_date", "échéance")):
        hit = inv.loc[inv[col].map(_as_date) == fact.value]
        if len(hit):
            return Verdict(fact, "confirmé", f"{label} de {hit['invoice_id'].iloc[0]}", "invoices", _row(hit.iloc[0]))
    extra = _scoped(led.extra_dates, customer_id) if len(led.extra_dates) else led.extra_dates
    if len(extra):
        hit = extra.loc[extra["_value"] == fact.value]
        if len(hit):
            return Verdict(fact, "confirmé", f"date trouvée dans {hit['_table'].iloc[0]}", hit["_table"].iloc[0],
                           _row(hit.iloc[0]))
    return Verdict(fact, "introuvable", "aucune date correspondante dans les données")


def _term_days(code: str) -> set[int]:
    digits = re.match(r"\d+", str(code or ""))
    return {int(digits.group())} if digits else set()


def _check_days(fact: Fact, anchor, led: _Ledger, customer_id) -> Verdict:
    if anchor is not None:
        due, issued = _as_date(anchor["due_date"]), _as_date(anchor["invoice_date"])
        known = {"jours de retard à la date d'arrêté": (led.as_of - due).days,
                 "délai de la facture": (due - issued).days}
        for n in _term_days(anchor["payment_terms"]):
            known[f"délai contractuel {anchor['payment_terms']}"] = n
        for label, n in known.items():
            if n == fact.value:
                return Verdict(fact, "confirmé", f"{label} ({anchor['invoice_id']})", "invoices", _row(anchor))
        shown = ", ".join(f"{k} : {v}" for k, v in known.items())
        return Verdict(fact, "écart", f"{anchor['invoice_id']} — {shown}", "invoices", _row(anchor))
    legal = {30: "délai légal par défaut", 45: "45 jours fin de mois (plafond légal)",
             60: "plafond légal de 60 jours"}
    if fact.value in legal:
        return Verdict(fact, "confirmé", legal[fact.value], None)
    custs = _scoped(led.customers, customer_id)
    for _, r in custs.iterrows():
        if fact.value in _term_days(r["payment_terms"]):
            return Verdict(fact, "confirmé", f"conditions de paiement {r['payment_terms']}", "customers", _row(r))
    if customer_id:
        inv = _scoped(led.invoices, customer_id)
        late = inv.loc[inv["invoice_id"].isin(led.open_by_invoice)]
        for _, r in late.iterrows():
            if (led.as_of - _as_date(r["due_date"])).days == fact.value:
                return Verdict(fact, "confirmé", f"retard de {r['invoice_id']}", "invoices", _row(r))
    return Verdict(fact, "introuvable", "durée non vérifiable dans les données")


def _check_pct(fact: Fact, led: _Ledger, customer_id) -> Verdict:
    from ..law import MAX_LOGISTICS_PENALTY_PCT

    known = {Decimal("20"): "taux normal de TVA", Decimal("10"): "taux intermédiaire de TVA",
             Decimal("5.5"): "taux réduit de TVA",
             Decimal(str(MAX_LOGISTICS_PENALTY_PCT)): "plafond des pénalités logistiques"}
    if fact.value in known:
        return Verdict(fact, "confirmé", known[fact.value], None)
    if "contracts" in led.doc_tables:
        contracts = _scoped(led.doc_tables["contracts"][1], customer_id)
        for col, label in (("price_discount_pct", "remise contractuelle"),
                           ("early_payment_discount_pct", "escompte contractuel")):
            hit = contracts.loc[contracts[col].map(lambda v: Decimal(str(v))) == fact.value]
            if len(hit):
                return Verdict(fact, "confirmé", f"{label} ({hit['contract_id'].iloc[0]})", "contracts",
                               _row(hit.iloc[0]))
    return Verdict(fact, "introuvable", "pourcentage non vérifiable dans les données (calcul à refaire)")
