"""Fact-checking any answer (AI, pasted or template) against the company data.

Reads amounts (``1 481,47 €``, ``1481,47 EUR``, ``1.481,47 €``, ``1 481 €`` when the cents are
dropped), dates (``31/12/2026``, ``14 décembre 2026``, ``2026-12-31``), document numbers, customer
names, day counts (``75 jours de retard``, ``+28 j``) and percentages (``%``, ``pour cent``), then
reads each in context: the entity it is about (the invoice or customer written in the same
sentence or table row, else the one the answer is about) and the kind of value its words imply
(« soldée le » a payment date, « échéance » a due date, « total dû » a customer total). Each gets
one verdict: « confirmé », « écart » (with the right value and its source) or « non vérifiable »
(not an error). Facts the task required but the answer omitted are listed too.
"""

from __future__ import annotations

import datetime as dt
import re
import weakref
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from html import escape

import pandas as pd

from .facts import COMPANY, LAW, FactBook, LedgerFact, build_factbook, quote_key, short_names, show_value

__all__ = ["Fact", "Verdict", "FactCheckReport", "VERDICTS", "FactChecker", "extract_facts", "check_answer",
           "render_text", "render_html"]

VERDICTS = ("confirmé", "écart", "non vérifiable")
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
_DOC = re.compile(r"\b(?:[A-Z]{2,4}-\d{4}-\d{3,6}|[A-Z]{2,4}-\d{5}|TX\d{8,})\b")
_BANK_LINE = re.compile(r"\bTX\d{8,}|virement|VIR SEPA", re.I)
_INVOICE = re.compile(r"FA-\d{4}-\d{3,6}")
_CUSTOMER_ID = re.compile(r"\bC\d{4}\b")
_DAYS = re.compile(rf"(?<![\d,./])(?P<sign>[+\-−])?(\d{{1,4}}){_SP}?(?:jours?\b|j\b)", re.I)
_PCT = re.compile(rf"(?<![\d,.])(\d{{1,3}}(?:[.,]\d{{1,2}})?){_SP}?(?:%|pour{_SP}?cent\b)", re.I)
_CUSTOMER_CUE = re.compile(r"\b(?:client|cliente|société|entreprise|merci à|chez|compte|objet|débiteur|"
                           r"attention de|raison sociale|de la part de|destinataire|concerne|relance)\b[^.;:\n]{0,25}"
                           rf"[:\s]*$", re.I)
_UNIT_END = re.compile(r"\n|(?<=[!?;])\s|(?<=[a-zéèû)\]»0-9€])\.(?:\s|$)")
_GREETING = re.compile(r"^\W*(bonjour|bonsoir|madame|monsieur|cher|chère|cordialement|bien cordialement|"
                       r"salutations|bien à vous|merci|le service|service|comptabilité)\b", re.I)
_PERSON_BEFORE = re.compile(r"(?:\b(?:M\.|Mme|Mlle|Madame|Monsieur|Me|Dr)|"
                            r"\b[A-ZÉÈ][a-zéèëïîôç]+(?:-[A-Z][a-zé]+)?)"
                            rf"(?:{_SP}+(?:de la|de|du|des|d'|le|la))?{_SP}*$")


@dataclass(frozen=True)
class Fact:
    """A fact found in a text: ``kind`` is montant, date, pièce, client, jours or pourcentage;
    ``rounded`` marks an amount written without its cents."""

    kind: str
    text: str
    value: object
    start: int
    end: int
    rounded: bool = False


@dataclass(frozen=True)
class Verdict:
    """The verdict on one fact, its explanation in French, and the source of the right value;
    ``expected``: for an « écart » on a value, what the data say instead, one line per candidate."""

    fact: Fact
    verdict: str
    explanation: str
    source_table: str | None = None
    source_row: dict | None = None
    expected: tuple[str, ...] = ()


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
        """The « écart » verdicts (a « non vérifiable » fact is not an error)."""
        return [v for v in self.verdicts if v.verdict == "écart"]

    @property
    def ok(self) -> bool:
        return not self.problems and not self.omitted

    @property
    def score(self) -> float | None:
        """Share of checked facts confirmed, omissions counting as errors; 1.0 only when :attr:`ok`."""
        c = self.counts
        judged = c["confirmé"] + c["écart"] + len(self.omitted)
        return c["confirmé"] / judged if judged else None

    @property
    def headline(self) -> str:
        """The one-line French verdict on the whole answer."""
        if not self.verdicts and not self.omitted:
            return "Aucun fait vérifiable dans ce texte."
        if self.ok:
            return "Réponse exacte sur tous les faits vérifiables."
        n, o = len(self.problems), len(self.omitted)
        parts = ([_count(n, "écart")] if n else []) + ([_count(o, "oubli")] if o else [])
        return f"À corriger avant envoi : {' et '.join(parts)}."

    def to_frame(self) -> pd.DataFrame:
        rows = [{"Type": v.fact.kind, "Dans la réponse": v.fact.text, "Verdict": v.verdict,
                 "Explication": v.explanation, "Source": v.source_table or ""}
                for v in self.verdicts]
        rows += [{"Type": "oubli", "Dans la réponse": "", "Verdict": "omis", "Explication": o,
                  "Source": ""} for o in self.omitted]
        return pd.DataFrame(rows, columns=["Type", "Dans la réponse", "Verdict", "Explication", "Source"])

    def __str__(self) -> str:
        return render_text(self)

    def _repr_html_(self) -> str:
        return render_html(self)

    def _repr_pretty_(self, printer, cycle) -> None:  # IPython's plain-text view: the French report
        printer.text(render_text(self))


def render_text(report: FactCheckReport) -> str:
    """French text of ``report``: the counts, the verdict, then every écart, unverifiable fact and omission."""
    c = report.counts
    head = (f"{len(report.verdicts)} faits vérifiés : {c['confirmé']} confirmé(s), {c['écart']} écart(s), "
            f"{c['non vérifiable']} non vérifiable(s) ; {len(report.omitted)} oubli(s). {report.headline}")
    order = sorted((v for v in report.verdicts if v.verdict != "confirmé"), key=lambda v: v.verdict != "écart")
    lines = [head] + [f"- {v.verdict.upper()} « {v.fact.text} » : {v.explanation}" for v in order]
    return "\n".join(lines + [f"- OUBLI : {o}" for o in report.omitted])


_COLOURS = {"confirmé": "#2f9e44", "écart": "#c0392b", "non vérifiable": "#52606d", "omis": "#b7791f"}
_MARKS = {"confirmé": "✔", "écart": "✘", "non vérifiable": "–"}


def _count(n: int, noun: str) -> str:
    """« 0 écart », « 1 écart », « 2 écarts » (French: 0 and 1 are singular)."""
    return f"{n} {noun}{'s' if n > 1 else ''}"


def _css_class(verdict: str) -> str:
    return "o2c-verdict-" + verdict.replace(" ", "-")


def _section(title: str, verdict: str, body: str) -> str:
    return (f"<div style='margin-top:6px;font-weight:600;color:{_COLOURS[verdict]}'>{title}</div>{body}")


def _items(verdict: str, rows) -> str:
    """A list of (fact text, explanation) rows, each marked with its verdict's class."""
    items = "".join(f"<li class='{_css_class(verdict)}'>{'« ' + escape(t) + ' » : ' if t else ''}{escape(e)}</li>"
                    for t, e in rows)
    return f"<ul style='margin:2px 0'>{items}</ul>"


def render_html(report: FactCheckReport, *, show_confirmed: bool = True) -> str:
    """HTML of ``report`` for a notebook or a widget, readable without knowing the checker: the
    verdict, each écart as what the text says against what the data say, the facts that could not
    be checked (not errors), the omissions, then the confirmed facts folded (``show_confirmed``)."""
    c = report.counts
    # nothing to check is neither a pass nor a failure
    state = "non vérifiable" if not report.verdicts and not report.omitted else "confirmé" if report.ok else "écart"
    colour = _COLOURS[state]
    head = (f"<div style='font-weight:600;color:{colour}'>{_MARKS[state]} Vérification des faits : "
            f"{escape(report.headline)}</div>")
    parts = [head]
    if report.verdicts:
        parts.append(f"<div>Faits relevés dans le texte : {len(report.verdicts)} ({_count(c['confirmé'], 'confirmé')}, "
                     f"{_count(c['écart'], 'écart')}, {_count(c['non vérifiable'], 'non vérifiable')})"
                     f"{' ; ' + _count(len(report.omitted), 'oubli') if report.omitted else ''}.</div>")
    if report.problems:
        cell = "border:1px solid #d9dee5;padding:3px 6px;text-align:left;vertical-align:top"
        rows = "".join(f"<tr class='{_css_class('écart')}'><td style='{cell};white-space:nowrap'>"
                       f"« {escape(v.fact.text)} »</td><td style='{cell}'>"
                       f"{'<br>'.join(map(escape, v.expected or (v.explanation,)))}</td></tr>"
                       for v in report.problems)
        parts.append(_section(
            f"{'Écart' if len(report.problems) == 1 else 'Écarts'} : le texte diffère des données", "écart",
            f"<table style='border-collapse:collapse;margin:2px 0'><tr><th style='{cell}'>Le texte indique</th>"
            f"<th style='{cell}'>Les données de l'entreprise indiquent</th></tr>{rows}</table>"))
    unverifiable = [(v.fact.text, v.explanation) for v in report.verdicts if v.verdict == "non vérifiable"]
    if unverifiable:
        parts.append(_section("Non vérifiable : rien à comparer dans les données (ce n'est pas une erreur ; "
                              "contrôlez-le vous-même si besoin)", "non vérifiable",
                              _items("non vérifiable", unverifiable)))
    if report.omitted:
        parts.append(_section("Oublis : faits attendus mais absents de la réponse", "omis",
                              _items("omis", [("", o) for o in report.omitted])))
    confirmed = [(v.fact.text, v.explanation) for v in report.verdicts if v.verdict == "confirmé"]
    if confirmed and show_confirmed:
        parts.append(f"<details style='margin-top:6px'><summary style='cursor:pointer;color:{_COLOURS['confirmé']}'>"
                     f"Voir {'le fait confirmé' if len(confirmed) == 1 else f'les {len(confirmed)} faits confirmés'}"
                     f"</summary>{_items('confirmé', confirmed)}</details>")
    return (f"<div class='o2c-factcheck' style='border-left:4px solid {colour};padding:2px 0 2px 10px;"
            f"margin:4px 0'>{''.join(parts)}</div>")


# --- extraction -----------------------------------------------------------------------------

def _amount_cents(num: str) -> tuple[int, bool] | None:
    """Cents of a number written in French or English style (« 1.234 » reads as thousands), and
    whether the cents were left out."""
    compact = re.sub(_SP, " ", num)
    m = re.fullmatch(r"(.*?)([.,])(\d{1,2})", compact)
    if m and re.fullmatch(r"\d{1,3}(?:[ .,]\d{3})*|\d+", m.group(1)):
        whole, frac = m.group(1), m.group(3)
    else:
        whole, frac = compact, ""
    try:
        cents = int((Decimal(re.sub(r"[ .,]", "", whole) + "." + (frac.ljust(2, "0") or "0"))) * 100)
    except InvalidOperation:
        return None
    return cents, not frac


def _parse_day(day: str) -> int:
    return 1 if day.lower() == "1er" else int(day)


def _line(text: str, pos: int) -> tuple[int, str]:
    """Start and text of the line holding ``pos``."""
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, text[start:end if end >= 0 else len(text)]


def _names_regex(names) -> re.Pattern | None:
    names = sorted(set(names), key=len, reverse=True)
    return re.compile(rf"(?<![\w-])(?:{'|'.join(map(re.escape, names))})(?![\w-])") if names else None


def extract_facts(text: str, customer_names=(), *, _names_rx=None) -> list[Fact]:
    """Every checkable fact of ``text``, in order of appearance."""
    facts: list[Fact] = []
    for m in _AMOUNT.finditer(text):
        read = _amount_cents(m.group("num"))
        if read is not None:
            facts.append(Fact("montant", m.group().strip(), read[0], m.start(), m.end(), read[1]))
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
    rx = _names_rx if _names_rx is not None else _names_regex(customer_names)
    if rx is not None:
        facts += [Fact("client", m.group(), m.group(), m.start(), m.end()) for m in rx.finditer(text)]
    for m in _DAYS.finditer(text):
        sign = -1 if m.group("sign") in ("-", "−") else 1
        facts.append(Fact("jours", m.group(), sign * int(m.group(2)), m.start(), m.end(), bool(m.group("sign"))))
    for m in _PCT.finditer(text):
        pct = Decimal(m.group(1).replace(",", ".")).normalize()
        facts.append(Fact("pourcentage", m.group(), pct, m.start(), m.end()))
    # digits already read as an amount, a date or a document are not also a day count or a percentage
    taken = [f for f in facts if f.kind in ("montant", "date", "pièce")]
    facts = [f for f in facts if f.kind not in ("jours", "pourcentage", "client")
             or not any(g.start <= f.start < g.end for g in taken)]
    return sorted(facts, key=lambda f: f.start)


# --- reading claims in context ---------------------------------------------------------------

_DATE_ROLES = [
    (r"sold[ée]+s?|pay[ée]+s?|r[ée]gl[ée]+s?|r[èe]glement|encaiss|vers[ée]+s?|virement|re[çc]u",
     ("paiement", "virement")),
    (r"[ée]ch[ée]ance|[ée]chue?s? (?:le|depuis)|exigible|[ée]choit|arriv[ée]e? à terme", ("echeance",)),
    (r"[ée]mise?s?|[ée]tablie?s?|factur[ée]e?s? le|dat[ée]e?s?", ("emission",)),
    (r"relanc", ("relance",)),
    (r"promi|promesse|engag|obtenue", ("promesse", "promesse_obtenue")),
    (r"livr", ("livraison",)),
]
_AMOUNT_ROLES = [
    (r"total d[ûu]|encours|doit au total|montant total d[ûu]|solde (?:du compte|client|d[ûu])|"
     r"total des factures|au total|\btotal\b", ("total_du",)),
    (r"\b[ée]chus?\b|total en retard", ("echu", "tranche")),
    (r"reste d[ûu]|restant d[ûu]|reste à (?:payer|régler)|solde restant|restant", ("reste_du",)),
    (r"\bttc\b", ("ttc",)), (r"\bht\b", ("ht", "ligne")), (r"\btva\b", ("tva",)),
    (r"p[ée]nalit[ée]s?|int[ée]r[êe]ts", ("penalite",)),
    (r"indemnit", ("indemnite",)),
    (r"limite|plafond", ("limite",)),
    (r"contest[ée]+|en litige|litigieux|r[ée]clam[ée]+", ("litige",)),
]
_DAY_ROLES = [
    (r"retard max|plus grand retard|retard maximal|retard le plus", ("retard_max",)),
    (r"retard", ("retard", "retard_paiement")),
    (r"\bdso\b", ("dso",)),
]
_PCT_ROLES = [
    (r"p[ée]nalit[ée]s? de retard|int[ée]r[êe]ts? de retard", ("taux_penalite",)),
    (r"moratoire", ("taux_moratoire",)),
    (r"\bbce\b|refinancement", ("taux_bce",)),
    (r"major[ée]+e?s? de \d+ points", ("taux_penalite", "taux_moratoire")),  # « BCE … majoré de 10 points (12,15 %) »
    (r"int[ée]r[êe]t l[ée]gal", ("taux_legal", "taux_penalite")),
    (r"remise", ("remise",)), (r"escompte", ("escompte",)),
]
_ROLE_TABLES = {k: [(re.compile(rx, re.I), roles) for rx, roles in table]
                for k, table in (("date", _DATE_ROLES), ("montant", _AMOUNT_ROLES), ("jours", _DAY_ROLES),
                                 ("pourcentage", _PCT_ROLES))}
_SUM_FAMILY = {"ttc": "dû", "reste_du": "dû", "echu": "dû", "total_du": "dû"}
_CUSTOMER_ROLES = {"total_du", "echu", "limite", "retard_max", "tranche"}
_AFTER = {"montant": re.compile(rf"^{_SP}*(TTC|HT|échus?|de doublons?)\b", re.I),
          "jours": re.compile(rf"^{_SP}*(de retard)", re.I)}


def _roles(kind: str, window: str, after: str) -> tuple[str, ...]:
    """The roles the words just before (or just after) a value give it; () when they say nothing."""
    m = _AFTER.get(kind)
    m = m.match(after) if m else None
    if m:
        word = m.group(1).lower().rstrip("s")
        return {"ttc": ("ttc",), "ht": ("ht", "ligne"), "échu": ("echu", "tranche"),
                "de retard": ("retard", "retard_paiement"), "de doublon": ("doublon",)}[word]
    best, roles = -1, ()
    for rx, rs in _ROLE_TABLES.get(kind, ()):
        for hit in rx.finditer(window):
            if hit.end() > best:
                best, roles = hit.end(), rs
    return roles


@dataclass
class _Unit:
    start: int
    end: int
    invoices: list            # (position, id)
    documents: list           # ids of other known documents
    customers: set            # customer ids named in the unit
    quoted: bool              # the line is copied from a message or a signal of the file
    line: str


def _units(text: str) -> list[tuple[int, int]]:
    out, start = [], 0
    for m in _UNIT_END.finditer(text):
        out.append((start, m.start() + 1))
        start = m.end()
    return out + [(start, len(text))]


_BOOKS: dict[int, tuple] = {}


# --- checking --------------------------------------------------------------------------------

class FactChecker:
    """Checks answers against one company; indexes its facts once (reuse it for many answers)."""

    def __init__(self, company):
        hit = _BOOKS.get(id(company))
        if hit is None or hit[0]() is not company:  # the facts are indexed once per company
            hit = (weakref.ref(company), build_factbook(company))
            _BOOKS[id(company)] = hit
        self.book: FactBook = hit[1]
        self._names_rx = _names_regex(self.book.customer_names)

    def check(self, text: str, *, customer_id: str | None = None, required=()) -> FactCheckReport:
        """See :func:`check_answer`."""
        facts = extract_facts(text, _names_rx=self._names_rx)
        names = [f for f in facts if f.kind == "client"]
        if customer_id is None:
            customer_id = self._infer_scope([f for f in facts if f.kind != "client"])
        facts = [f for f in facts if f.kind != "client"] + [f for f in names
                                                            if self._is_customer_mention(text, f, customer_id)]
        facts.sort(key=lambda f: f.start)
        units = [self._unit(text, s, e, facts) for s, e in _units(text)]
        unit_of = {id(f): next(u for u in units if u.start <= f.start <= u.end) for f in facts}
        scope = customer_id or self._infer_scope(facts)
        cited_invoices = list(dict.fromkeys(f.value for f in facts
                                            if f.kind == "pièce" and f.value in self.book.invoice_ids))
        state = _State(scope, cited_invoices[0] if len(cited_invoices) == 1 else None)
        verdicts, previous_end = [], {}
        for f in facts:
            u = unit_of[id(f)]
            if f.kind == "pièce" and f.value in self.book.invoice_ids:
                state.cited[f.value] = None
            window = text[max(u.start, previous_end.get(id(u), u.start)):f.start]
            previous_end[id(u)] = f.end
            after = text[f.end:f.end + 14]
            verdict = self._judge(f, u, window, after, state)
            if f.kind == "montant":  # a later total is recomputed from the amounts the text lists, by nature
                said = _roles("montant", window.lower(), after)
                role = said[0] if said else (verdict.source_row or {}).get("role")
                row = text.rfind("\n", 0, f.start)
                first = row not in state.rows_with_amount
                state.rows_with_amount.add(row)
                state.amounts.append((f.value, {_SUM_FAMILY.get(role, role)} | ({"1re colonne"} if first else set())))
            verdicts.append(verdict)
        omitted = [f"{kind} attendu(e) mais absent(e) de la réponse : {show_value(kind, value)}"
                   for kind, value in required
                   if not any(f.kind == kind and f.value == value for f in facts)]
        return FactCheckReport(verdicts, omitted)

    # -- context
    def _is_customer_mention(self, text: str, f: Fact, scope: str | None) -> bool:
        """A customer name, not a person's (« Jules Henry », « Mme Morin »), a salutation or a signature."""
        own = self.book.company_name
        if any(m.start() <= f.start < m.end() for m in re.finditer(re.escape(own), text)):
            return False  # the sender's own company (« Breton Fournitures Industrielles »)
        line_start, line = _line(text, f.start)
        before = text[line_start:f.start]
        cue = bool(_CUSTOMER_CUE.search(before))
        salutation = _GREETING.match(line) and len(before.split()) <= 3
        if not cue and (salutation or (len(line.split()) <= 4 and ":" not in line)):
            return False  # a salutation (« David, ») or a signature (« Jules Henry », « Dubois | Comptable »)
        if _PERSON_BEFORE.search(before) and not before.rstrip().endswith((":", "client", "société")):
            return False
        after = text[f.end:f.end + 20]
        if re.match(rf"{_SP}[A-ZÉ][a-zéèëïç]+", after) and f.value in self.book.person_names:
            return False
        # a surname-like name counts only where a customer is expected, or as the customer in scope
        return (f.value != short_names(f.value)[-1] or cue or bool(re.match(r"\s*\(?C\d{4}", after))
                or (scope is not None and self.book.customer_names[f.value] == scope))

    def _unit(self, text: str, start: int, end: int, facts: list[Fact]) -> _Unit:
        book = self.book
        body = text[start:end]
        inv, docs, custs = [], [], set(_CUSTOMER_ID.findall(body)) & set(book.customer_label)
        for f in facts:
            if start <= f.start < end:
                if f.kind == "pièce":
                    (inv if f.value in book.invoice_ids else docs).append((f.start, f.value))
                elif f.kind == "client":
                    custs.add(book.customer_names[f.value])
        line = _line(text, start)[1]
        key = quote_key(line)
        return _Unit(start, end, inv, [d for _, d in docs], custs, key is not None and key in book.quotes, line)

    def _infer_scope(self, facts: list[Fact]) -> str | None:
        """The one customer the answer is about (from its invoices, else its customer names)."""
        owners = {self.book.owner[f.value] for f in facts if f.kind == "pièce" and f.value in self.book.invoice_ids}
        if not owners:
            owners = {self.book.customer_names[f.value] for f in facts if f.kind == "client"}
        return owners.pop() if len(owners) == 1 else None

    # -- verdicts
    def _judge(self, f: Fact, u: _Unit, window: str, after: str, state: "_State") -> Verdict:
        if f.kind == "pièce":
            return self._judge_document(f, u, state)
        if f.kind == "client":
            return self._judge_customer(f, u, state)
        book = self.book
        inv = min(u.invoices, key=lambda p: abs(p[0] - f.start))[1] if u.invoices else None
        inv = inv or (state.single_invoice if not u.customers else None)
        cust = (next(iter(u.customers)) if len(u.customers) == 1 else None) or (book.owner.get(inv) if inv else None) \
            or state.scope
        pools = [e for e in (inv, *u.documents, cust, COMPANY, LAW) if e]
        listed = {i for _, i in u.invoices}
        # in a row about an invoice, a value of another invoice of the same customer does not count
        hits = [h for e in pools for h in book.find(e, f.kind, f.value)
                if not (listed and (h.about or h.entity) in book.invoice_ids and (h.about or h.entity) not in listed)]
        if u.quoted or self._in_title(u, cust, window):
            return _confirm(f, hits[0] if hits else None, "repris tel quel d'un message ou d'un signal du dossier")
        roles = _roles(f.kind, window.lower(), after)
        if roles:
            matching = [h for h in hits if h.role in roles]
            if matching:
                return _confirm(f, matching[0])
        recomputed = self._recomputed(f, hits, pools, state)
        if recomputed is not None:
            return recomputed
        if roles:
            target = inv if (inv and not set(roles) & _CUSTOMER_ROLES) else cust
            expected = next((found for e in (target, COMPANY, LAW) if e
                             for found in [book.expected(e, f.kind, roles)] if found), [])
            if expected and not (hits and target is None):
                return _gap(f, expected)
            if inv and "paiement" in roles and not book.expected(inv, "date", ("paiement",)):
                remaining = book.expected(inv, "montant", ("reste_du",))
                return _gap(f, remaining, f"la facture {inv} n'est pas soldée au grand livre")
        if hits:
            return _confirm(f, hits[0])
        if inv and f.kind in _MAIN_ROLES:
            return _gap(f, book.expected(inv, f.kind, _MAIN_ROLES[f.kind]))
        if f.kind == "montant" and cust and f.value >= 10_000:
            others = book.owners_of_value.get(("montant", f.value), set()) - {cust, COMPANY, LAW}
            others &= set(book.customer_label)
            if others:
                other = sorted(others)[0]
                return Verdict(f, "écart", f"ce montant est celui d'un autre client ({book.customer_label[other]}, "
                                           f"{other}), pas de {book.customer_label.get(cust, cust)}", "grand livre")
        if f.kind == "date" and f.value > book.as_of:
            return Verdict(f, "non vérifiable", "date à venir fixée par l'auteur (délai accordé, rendez-vous) : "
                                                "rien à comparer dans les données")
        return Verdict(f, "non vérifiable", _UNVERIFIABLE[f.kind])

    def _in_title(self, u: _Unit, cust, window: str) -> bool:
        return bool(cust) and any(t and t in window for t in self.book.quoted_titles.get(cust, ()))

    def _recomputed(self, f: Fact, hits, pools, state: "_State") -> Verdict | None:
        """An amount the text computes: a sum of amounts it cited, or a figure rounded to the euro."""
        if f.kind != "montant":
            return None
        if f.rounded and not hits:
            for e in pools:
                for (kind, value), found in self.book.by_entity.get(e, {}).items():
                    if kind == "montant" and abs(value - f.value) < 50 and value % 100:
                        return Verdict(f, "confirmé", f"{found[0].label} : {show_value('montant', value)}, arrondi à "
                                                      f"l'euro dans la réponse ({found[0].source})", found[0].source,
                                       _row(found[0]))
        for role in ("reste_du", "ttc"):
            owed = [e.value for i in state.cited for e in self.book.expected(i, "montant", (role,))]
            if owed and sum(owed) == f.value:  # one cited invoice: its total is its own amount
                what = "reste dû" if role == "reste_du" else "TTC"
                return Verdict(f, "confirmé", f"total des {len(owed)} facture(s) citée(s) ({what} d'après le grand "
                                              "livre), recalculé", "grand livre")
        seen = state.amounts
        values = [v for v, _ in seen]
        for i in range(len(values)):
            for j in range(i + 2, len(values) + 1):
                if sum(values[i:j]) == f.value:
                    return Verdict(f, "confirmé", f"somme de {j - i} montants cités plus haut, recalculée", "calcul")
        for family in set().union(*(fams for _, fams in seen)) if seen else ():
            same = [v for v, fams in seen if family in fams]
            if len(same) > 1 and sum(same) == f.value:
                return Verdict(f, "confirmé", f"somme des {len(same)} montants cités de même nature, recalculée",
                               "calcul")
        return None

    def _judge_document(self, f: Fact, u: _Unit, state: "_State") -> Verdict:
        book = self.book
        if f.value not in book.invoice_ids and f.value not in book.document_ids:
            if _INVOICE.fullmatch(f.value):
                return Verdict(f, "écart", f"aucune facture {f.value} au grand livre (numéro inventé ou mal recopié)",
                               "grand livre")
            return Verdict(f, "non vérifiable", f"aucune pièce {f.value} dans les données de l'exercice")
        owner = book.owner.get(f.value)
        if (f.value in book.invoice_ids and state.scope and owner != state.scope and owner not in u.customers
                and not u.quoted and not _BANK_LINE.search(u.line)
                and book.customer_label[owner].lower() not in u.line.lower()):
            return Verdict(f, "écart", f"la facture {f.value} est celle de {book.customer_label[owner]} ({owner}), "
                                       f"pas de {book.customer_label.get(state.scope, state.scope)}", "grand livre",
                           {"entity": f.value, "customer_id": owner})
        where = f"client {book.customer_label[owner]} ({owner})" if owner in book.customer_label else "données"
        return Verdict(f, "confirmé", f"pièce {f.value} du {where}", "grand livre",
                       {"entity": f.value, "customer_id": owner})

    def _judge_customer(self, f: Fact, u: _Unit, state: "_State") -> Verdict:
        book = self.book
        cid = book.customer_names[f.value]
        quoted = u.quoted or any(t and t in u.line for t in book.quoted_titles.get(state.scope, ()))
        if state.scope and cid != state.scope and not quoted:
            right = book.customer_label.get(state.scope, state.scope)
            return Verdict(f, "écart", f"la réponse porte sur le client {right} ({state.scope}), pas sur "
                                       f"{f.value} ({cid})", "fiche client", {"entity": state.scope})
        return Verdict(f, "confirmé", f"client {cid} ({book.customer_label[cid]})", "fiche client", {"entity": cid})


@dataclass
class _State:
    scope: str | None
    single_invoice: str | None
    amounts: list = field(default_factory=list)   # (cents, families it may be summed with)
    rows_with_amount: set = field(default_factory=set)
    cited: dict = field(default_factory=dict)     # invoices cited so far, in order


_MAIN_ROLES = {"montant": ("ttc", "reste_du"), "date": ("emission", "echeance", "paiement"),
               "jours": ("retard", "retard_paiement")}
_UNVERIFIABLE = {
    "montant": "montant absent des données et non recalculable (ni pièce, ni total, ni somme des montants cités)",
    "date": "date absente des données de ce client : impossible de la confirmer",
    "jours": "durée absente des données (ni retard, ni délai, ni plafond légal)",
    "pourcentage": "pourcentage absent des données : refaites le calcul pour le vérifier",
}


def _row(f: LedgerFact) -> dict:
    return {"entity": f.entity, "role": f.role, "value": f.value}


def _confirm(f: Fact, hit: LedgerFact | None, note: str | None = None) -> Verdict:
    if hit is None:
        return Verdict(f, "confirmé", note or "", "dossier")
    text = f"{hit.label} ({hit.source})" + (f" ; {note}" if note else "")
    return Verdict(f, "confirmé", text, hit.source, _row(hit))


def _gap(f: Fact, expected: list[LedgerFact], lead: str | None = None) -> Verdict:
    """« écart » with the right value(s) and where they come from."""
    shown = []
    for e in expected:
        item = f"{e.label} : {show_value(e.kind, e.value)} ({e.source})"
        if item not in shown:
            shown.append(item)
    more = f"(et {len(shown) - 3} autre(s))" if len(shown) > 3 else ""
    right = " ; ".join(shown[:3]) + (f" {more}" if more else "")
    said = f"la réponse indique {f.text}"
    text = "; ".join(p for p in (lead, said) if p) + (f" — attendu : {right}" if right else "")
    return Verdict(f, "écart", text, expected[0].source if expected else "grand livre",
                   _row(expected[0]) if expected else None, tuple(p for p in (lead, *shown[:3], more) if p))


def check_answer(text: str, company, *, customer_id: str | None = None, required=()) -> FactCheckReport:
    """Check every fact of ``text`` against ``company`` (a Company or a :class:`FactChecker`).

    ``customer_id`` is the customer the answer is about (another customer's invoice or name is an
    « écart »); ``required`` lists facts the answer must contain, as (kind, value) pairs, e.g.
    ``("pièce", "FA-2026-00042")``, ``("montant", 123456)``, ``("date", date(2026, 12, 31))``.
    """
    checker = company if isinstance(company, FactChecker) else FactChecker(company)
    return checker.check(text, customer_id=customer_id, required=required)
