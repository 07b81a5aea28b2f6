"""French rules on payment terms, penalties, public buyers, collective proceedings, invoice
mentions and sanctions, read from one reviewed data file (``law_rules.yaml``).

Every rule there has its article, a plain-French statement, its validity dates and its source;
this module only computes with it. A semester rate missing from the file is never guessed: the
computation raises :class:`~o2c_lab.errors.MissingLegalRateError`, or, for letters,
:func:`penalty_to_date` returns the part it can compute and names the semesters « à confirmer ».

Payment terms (L441-10 I): 30 days after delivery by default; at most 60 days from the invoice
date, or 45 days end of month if expressly agreed. "45 jours fin de mois" has two accepted
readings: (a) invoice date + 45 days, then end of that month; (b) end of the invoice's month,
then + 45 days.

Late-payment penalties (L441-10 II) run by semester at the ECB rate in force on 1 January / 1 July
plus 10 points, never below 3 × the legal interest rate for a contractual rate. Public buyers owe
moratorium interest (L2192-13, R2192-31): ONE rate, the ECB rate in force on the first day of the
semester in which interest starts, plus 8 points, for the whole period.

>>> import datetime as dt
>>> due_date(dt.date(2026, 1, 10), "60J")
datetime.date(2026, 3, 11)
>>> due_date(dt.date(2026, 1, 10), "45FDM")
datetime.date(2026, 2, 28)
>>> due_date(dt.date(2026, 1, 10), "45FDM", fdm_method="b")
datetime.date(2026, 3, 17)
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from importlib import resources

import numpy as np
import yaml

from .errors import InvalidParameterError, MissingLegalRateError

__all__ = [
    "PAYMENT_TERMS",
    "due_date",
    "due_dates",
    "legal_cap_date",
    "FIXED_RECOVERY_INDEMNITY_CENTS",
    "MAX_LOGISTICS_PENALTY_PCT",
    "CLAIM_DECLARATION_MONTHS",
    "claim_declaration_deadline",
    "add_months",
    "PUBLIC_BUYER_MAX_DAYS",
    "PENALTY_MARGIN_POINTS",
    "MORATORIUM_MARGIN_POINTS",
    "PENALTY_FLOOR_MULTIPLE",
    "FORECLOSURE_RELIEF_MONTHS",
    "ADMIN_FINE_MAX_CENTS",
    "MENTION_FINE_CENTS",
    "MENTION_FINE_CAP_SHARE",
    "ECB_MAIN_RATE",
    "LEGAL_INTEREST_RATE_PROFESSIONALS",
    "semester_start",
    "rate_in_force",
    "penalty_rate",
    "PenaltyPeriod",
    "late_penalty",
    "late_penalty_cents",
    "moratorium_interest_cents",
    "recovery_indemnity_cents",
    "foreclosure_relief_deadline",
    "mention_fine_cents",
    "REVENDICATION_MONTHS",
    "revendication_deadline",
    "Rule",
    "RULES",
    "rule",
    "PUBLIC_PAYMENT_DAYS",
    "public_buyer_category",
    "public_payment_days",
    "public_interest_rate",
    "PenaltyToDate",
    "penalty_to_date",
    "letter_terms",
    "INVOICE_MENTION_FINE_MAX_CENTS",
    "EINVOICING_START",
    "reform_mentions_required",
    "escompte_applies",
    "escompte_split",
    "judgment_date_in_notice",
    "collective_claim",
    "limitation_date",
    "AVERAGE_LATENESS_DAYS",
    "AVERAGE_LATENESS_LABEL",
    "AVERAGE_LATENESS_SOURCE",
    "missing_rates",
    "RATE_HEADERS",
    "rate_rows",
    "lateness_benchmark",
    "reference_card",
]


# --- The reviewed data file -----------------------------------------------------------------------

@dataclass(frozen=True)
class Rule:
    """One rule of ``law_rules.yaml``: article, plain-French statement, value, validity, source."""

    id: str
    topic: str
    article: str
    statement: str
    value: dict = field(default_factory=dict)
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    source: str = ""


@cache
def _data() -> dict:
    text = resources.files("o2c_lab").joinpath("law_rules.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def _load_rules() -> dict[str, Rule]:
    return {r["id"]: Rule(**r) for r in _data()["rules"]}


#: Every rule of the course, by identifier (see ``law_rules.yaml``).
RULES: dict[str, Rule] = _load_rules()


def rule(rule_id: str) -> Rule:
    """The rule ``rule_id`` of the law table (clear French error when unknown)."""
    if rule_id not in RULES:
        raise InvalidParameterError(f"Règle de droit inconnue : « {rule_id} ».", valid=", ".join(RULES))
    return RULES[rule_id]


class _SemesterRates(dict):
    """Official rates by semester start; a row with no rate (``None``) is « à confirmer »."""

    def __init__(self, name: str, rows: list[dict]):
        super().__init__({r["semester"]: (None if r["rate"] is None else Decimal(str(r["rate"])))
                          for r in rows})
        self.name = name
        self.sources = {r["semester"]: r["source"] for r in rows}


#: Payment-term codes used in the company data, with their French label.
PAYMENT_TERMS = {
    "30J": "30 jours date de facture",
    "45FDM": "45 jours fin de mois",
    "50J": "50 jours date de facture",  # public health establishments (R2192-11)
    "60J": "60 jours date de facture",
    "90J": "90 jours date de facture",  # illegal between businesses: planted in one contract
}

#: D441-5: fixed indemnity for recovery costs, per late invoice, 40 €.
FIXED_RECOVERY_INDEMNITY_CENTS = int(rule("recovery_indemnity").value["cents"])
#: L441-17: logistics penalties capped at 2 % of the value of the goods concerned.
MAX_LOGISTICS_PENALTY_PCT = float(rule("logistics_penalties").value["cap_pct"])
#: L622-24 / R622-24: a creditor files its claim within 2 months of the BODACC publication.
CLAIM_DECLARATION_MONTHS = int(rule("claim_declaration").value["months"])

_TERM_DAYS = {"30J": 30, "50J": 50, "60J": 60, "90J": 90}


def _check_term(term: str) -> None:
    if term not in PAYMENT_TERMS:
        raise InvalidParameterError(
            f"Condition de paiement inconnue : « {term} ».",
            valid=", ".join(f"{k} ({v})" for k, v in PAYMENT_TERMS.items()),
            todo="utilisez l'un de ces codes",
        )


def _end_of_month(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day ``months`` later, clipped to the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def due_date(invoice_date: dt.date, term: str, fdm_method: str = "a") -> dt.date:
    """Due date of an invoice under a payment-term code (see :data:`PAYMENT_TERMS`)."""
    _check_term(term)
    if term in _TERM_DAYS:
        return invoice_date + dt.timedelta(days=_TERM_DAYS[term])
    if fdm_method == "a":
        return _end_of_month(invoice_date + dt.timedelta(days=45))
    if fdm_method == "b":
        return _end_of_month(invoice_date) + dt.timedelta(days=45)
    raise InvalidParameterError(f"Méthode « fin de mois » inconnue : « {fdm_method} ».",
                                valid="« a » (date + 45 jours puis fin de mois) ou « b » "
                                      "(fin de mois puis + 45 jours)")


def due_dates(invoice_dates: np.ndarray, terms: np.ndarray) -> np.ndarray:
    """Vectorised :func:`due_date` (reading (a) of 45 FDM) over ``datetime64[D]`` arrays."""
    invoice_dates = np.asarray(invoice_dates, dtype="datetime64[D]")
    terms = np.asarray(terms)
    days = np.zeros(len(terms), dtype="timedelta64[D]")
    for code, n in _TERM_DAYS.items():
        days[terms == code] = np.timedelta64(n, "D")
    result = invoice_dates + days
    fdm = terms == "45FDM"
    plus45 = invoice_dates[fdm] + np.timedelta64(45, "D")
    next_month = plus45.astype("datetime64[M]") + np.timedelta64(1, "M")
    result[fdm] = next_month.astype("datetime64[D]") - np.timedelta64(1, "D")
    unknown = ~np.isin(terms, list(PAYMENT_TERMS))
    if unknown.any():
        _check_term(str(terms[unknown][0]))
    return result


def legal_cap_date(invoice_date: dt.date) -> dt.date:
    """Latest due date L441-10 I allows between businesses: the later of 60 days and 45 days EOM (a)."""
    return max(invoice_date + dt.timedelta(days=60), due_date(invoice_date, "45FDM"))


def claim_declaration_deadline(bodacc_publication: dt.date, abroad: bool = False) -> dt.date:
    """Last day to file a claim with the mandataire judiciaire (2 months after BODACC, R622-24).

    ``abroad``: a creditor established outside metropolitan France gets two more months.
    """
    months = rule("claim_declaration").value["months_abroad" if abroad else "months"]
    return add_months(bodacc_publication, int(months))




# --- Rates, penalties, indemnity, sanctions -------------------------------------------------------

_SEMESTER_NAMES = {1: "1er semestre", 7: "2d semestre"}
_TABLE_LABELS = {"ecb_main_rate": "taux BCE (opérations principales de refinancement)",
                 "legal_interest_rate": "taux de l'intérêt légal (professionnels)"}

#: Code de la commande publique R2192-10: the State and local authorities pay within 30 days.
PUBLIC_BUYER_MAX_DAYS = int(rule("public_term_default").value["days"])
#: R2192-10 / R2192-11: payment limit by category of public buyer.
PUBLIC_PAYMENT_DAYS = {"etat_collectivite": PUBLIC_BUYER_MAX_DAYS,
                       "etablissement_public_sante": int(rule("public_term_health").value["days"]),
                       "entreprise_publique": int(rule("public_term_company").value["days"])}
#: L441-10 II: default penalty rate = ECB main refinancing rate + 10 points.
PENALTY_MARGIN_POINTS = Decimal(rule("penalty_rate").value["margin_points"])
#: Public procurement (R2192-31): moratorium interest = ECB rate + 8 points.
MORATORIUM_MARGIN_POINTS = Decimal(rule("public_interest_rate").value["margin_points"])
#: L441-10 II: a contractual rate may not be lower than 3 × the legal interest rate.
PENALTY_FLOOR_MULTIPLE = int(rule("penalty_floor").value["multiple"])
#: L622-26: a late creditor may ask to be relieved of foreclusion within 6 months of the BODACC.
FORECLOSURE_RELIEF_MONTHS = int(rule("foreclosure_relief").value["months"])
#: L624-9: goods under retention of title are claimed back within 3 months of the BODACC.
REVENDICATION_MONTHS = int(rule("revendication").value["months"])
#: L441-16: administrative fine cap for payment-term breaches (natural person, legal person).
ADMIN_FINE_MAX_CENTS = {k: int(rule("payment_terms_fine").value[f"{k}_cents"])
                        for k in ("personne_physique", "personne_morale")}
#: L441-9 II: administrative fine cap for an incomplete invoice (natural person, legal person).
INVOICE_MENTION_FINE_MAX_CENTS = {k: int(rule("invoice_mentions_fine").value[f"{k}_cents"])
                                  for k in ("personne_physique", "personne_morale")}
#: CGI 1737 II: 15 € per missing or wrong invoice mention, capped at 25 % of the invoice amount.
MENTION_FINE_CENTS = int(rule("tax_mention_fine").value["cents"])
MENTION_FINE_CAP_SHARE = Decimal(rule("tax_mention_fine").value["cap_share"])
#: E-invoicing reform: first day an issuer of each size must issue e-invoices with the new
#: mentions (customer SIREN, delivery address, category of operation).
EINVOICING_START = {size: r.valid_from for r in (rule("einvoicing_large"), rule("einvoicing_sme"))
                    for size in r.value["issuer_sizes"]}

#: ECB main refinancing rate (%) in force on the first day of each semester; ``None`` = to confirm.
ECB_MAIN_RATE = _SemesterRates("ecb_main_rate", _data()["ecb_main_rate"])
#: Legal interest rate for creditors who are professionals (%), by semester; ``None`` = to confirm.
LEGAL_INTEREST_RATE_PROFESSIONALS = _SemesterRates("legal_interest_rate", _data()["legal_interest_rate"])

_BENCH = _data()["benchmarks"]["average_lateness_days"]
#: Published average lateness of French companies (days), what it measures and its source.
AVERAGE_LATENESS_DAYS = Decimal(_BENCH["value"])
AVERAGE_LATENESS_LABEL = _BENCH["label"]
AVERAGE_LATENESS_SOURCE = _BENCH["source"]


def semester_start(day: dt.date) -> dt.date:
    """1 January or 1 July of ``day``'s half-year (the date whose rate applies, L441-10 II)."""
    return dt.date(day.year, 1 if day.month <= 6 else 7, 1)


def _semester_label(semester: dt.date) -> str:
    return f"{_SEMESTER_NAMES[semester.month]} {semester.year}"


def _missing(rates: _SemesterRates, semester: dt.date) -> MissingLegalRateError:
    label = _TABLE_LABELS.get(rates.name, rates.name)
    return MissingLegalRateError(
        f"Le {label} du {_semester_label(semester)} (en vigueur le {semester:%d/%m/%Y}) n'est pas "
        "renseigné dans la table du droit : il n'est jamais deviné.",
        table=rates.name, semester=semester,
        valid="le taux publié pour ce semestre, avec sa source",
        todo=f"complétez la ligne « {rates.name} », semestre {semester:%Y-%m-%d}, du fichier "
             "law_rules.yaml (la commande « o2c-lab droit » liste les lignes à compléter)")


def rate_in_force(rates: dict, day: dt.date) -> Decimal:
    """The rate of ``rates`` in force on ``day``.

    The course's official tables are keyed by semester: the row of ``day``'s semester must exist
    and carry a rate. Any other table maps a date of change to a rate (the last change applies).
    """
    if isinstance(rates, _SemesterRates):
        semester = semester_start(day)
        if semester not in rates and rates and semester < min(rates):
            raise InvalidParameterError(f"Aucun taux connu au {day:%d/%m/%Y}.",
                                        valid=f"une date à partir du {min(rates):%d/%m/%Y}")
        if rates.get(semester) is None:
            raise _missing(rates, semester)
        return rates[semester]
    known = [d for d in rates if d <= day]
    if not known:
        raise InvalidParameterError(
            f"Aucun taux connu au {day:%d/%m/%Y}.",
            valid=f"une table de taux commençant au plus tard à cette date (première : "
                  f"{min(rates):%d/%m/%Y})" if rates else "une table de taux non vide",
            todo="complétez la table des taux (date de changement -> taux en %)")
    return Decimal(str(rates[max(known)]))


def penalty_rate(day: dt.date, ecb_rates: dict | None = None,
                 margin_points: Decimal = PENALTY_MARGIN_POINTS) -> Decimal:
    """Annual penalty rate (%) for a day of lateness: ECB rate on the semester's first day + margin.

    >>> penalty_rate(dt.date(2026, 3, 1))
    Decimal('12.15')
    """
    rates = ECB_MAIN_RATE if ecb_rates is None else ecb_rates
    return rate_in_force(rates, semester_start(day)) + Decimal(str(margin_points))


def public_interest_rate(due: dt.date, ecb_rates: dict | None = None) -> Decimal:
    """R2192-31: ECB rate in force on the first day of the semester in which interest starts + 8."""
    return penalty_rate(due + dt.timedelta(days=1), ecb_rates, MORATORIUM_MARGIN_POINTS)


@dataclass(frozen=True)
class PenaltyPeriod:
    """One slice of a late period: first and last day late, days, rate (%), amount."""

    first_day: dt.date
    last_day: dt.date
    days: int
    rate_pct: Decimal
    amount: Decimal


def _slices(due: dt.date, paid: dt.date) -> list[tuple[dt.date, dt.date]]:
    out, start = [], due + dt.timedelta(days=1)
    while start <= paid:
        end = min(paid, add_months(semester_start(start), 6) - dt.timedelta(days=1))
        out.append((start, end))
        start = end + dt.timedelta(days=1)
    return out


def _period(amount_cents: int, start: dt.date, end: dt.date, rate: Decimal) -> PenaltyPeriod:
    days = (end - start).days + 1
    return PenaltyPeriod(start, end, days, rate, Decimal(int(amount_cents)) / 100 * rate / 100 * days / 365)


def late_penalty(amount_cents: int, due: dt.date, paid: dt.date, *, ecb_rates: dict | None = None,
                 margin_points: Decimal = PENALTY_MARGIN_POINTS,
                 contractual_rate_pct: Decimal | None = None,
                 legal_rates: dict | None = None) -> list[PenaltyPeriod]:
    """Late-payment penalties split by semester (exact Decimal euros, not yet rounded).

    Days late run from the day after ``due`` to ``paid`` included (simple interest, 365-day year).
    Each semester uses the rate in force on its 1 January / 1 July. A ``contractual_rate_pct``
    replaces ECB + margin but is raised to 3 × the legal interest rate when lower (L441-10 II).
    """
    legal = LEGAL_INTEREST_RATE_PROFESSIONALS if legal_rates is None else legal_rates
    periods = []
    for start, end in _slices(due, paid):
        if contractual_rate_pct is None:
            rate = penalty_rate(start, ecb_rates, margin_points)
        else:
            floor = PENALTY_FLOOR_MULTIPLE * rate_in_force(legal, semester_start(start))
            rate = max(Decimal(str(contractual_rate_pct)), floor)
        periods.append(_period(amount_cents, start, end, rate))
    return periods


def _round_cents(euros: Decimal) -> int:
    return int((euros * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def late_penalty_cents(amount_cents: int, due: dt.date, paid: dt.date, **kwargs) -> int:
    """Total late-payment penalties in cents (see :func:`late_penalty`), rounded half up.

    >>> late_penalty_cents(1_200_000, dt.date(2026, 1, 15), dt.date(2026, 3, 16))
    23967
    """
    return _round_cents(sum((p.amount for p in late_penalty(amount_cents, due, paid, **kwargs)),
                            Decimal(0)))


def moratorium_interest_cents(amount_cents: int, due: dt.date, paid: dt.date, *,
                              ecb_rates: dict | None = None) -> int:
    """Moratorium interest owed by a public buyer: one rate (R2192-31) over the whole late period."""
    if paid <= due:
        return 0
    rate = public_interest_rate(due, ecb_rates)
    return _round_cents(_period(amount_cents, due + dt.timedelta(days=1), paid, rate).amount)


@dataclass(frozen=True)
class PenaltyToDate:
    """Penalties computable to a date, and the semesters whose rate is still to be confirmed."""

    cents: int
    periods: tuple[PenaltyPeriod, ...]
    to_confirm: tuple[dt.date, ...]

    @property
    def complete(self) -> bool:
        return not self.to_confirm


def penalty_to_date(amount_cents: int, due: dt.date, day: dt.date, *, public: bool = False,
                    contractual_rate_pct: Decimal | None = None) -> PenaltyToDate:
    """What a letter may state: penalties (or public moratorium interest) from ``due`` to ``day``.

    Semesters whose official rate is missing are left out of ``cents`` and listed in ``to_confirm``
    (the letter then says « taux à confirmer »); nothing is borrowed from another semester.
    """
    if public:
        slices = [(due + dt.timedelta(days=1), day)] if day > due else []
    else:
        slices = _slices(due, day)
    periods, to_confirm = [], []
    for start, end in slices:
        try:
            if public:
                rate = public_interest_rate(due)
            elif contractual_rate_pct is None:
                rate = penalty_rate(start)
            else:
                floor = PENALTY_FLOOR_MULTIPLE * rate_in_force(LEGAL_INTEREST_RATE_PROFESSIONALS, start)
                rate = max(Decimal(str(contractual_rate_pct)), floor)
        except MissingLegalRateError as missing:
            to_confirm.append(missing.semester)
            continue
        periods.append(_period(amount_cents, start, end, rate))
    cents = _round_cents(sum((p.amount for p in periods), Decimal(0)))
    return PenaltyToDate(cents, tuple(periods), tuple(sorted(set(to_confirm))))


def letter_terms(public: bool) -> dict[str, str]:
    """Legal wording of a reminder by regime: what is owed, the articles, and the recovery route.

    Public buyers: Code de la commande publique and the administrative route; companies: Code de
    commerce and the commercial court. ``owed`` agrees in gender with ``sont dus`` / ``sont dues``.
    """
    if public:
        return {"owed": "des intérêts moratoires", "are_owed": "sont dus",
                "rate": "au taux de la BCE en vigueur au premier jour du semestre où ils ont commencé "
                        "à courir, majoré de 8 points",
                "basis": "articles L2192-13 et R2192-31 du Code de la commande publique",
                "under": "des articles L2192-13 et R2192-31 du Code de la commande publique",
                "indemnity_basis": "article D2192-35 du Code de la commande publique",
                "route": "À défaut, nous saisirons le tribunal administratif d'une demande de "
                         "référé-provision."}
    return {"owed": "des pénalités de retard", "are_owed": "sont dues",
            "rate": "au taux de la BCE majoré de 10 points",
            "basis": "article L441-10 du Code de commerce",
            "under": "de l'article L441-10 du Code de commerce",
            "indemnity_basis": "article D441-5 du Code de commerce",
            "route": "À défaut, nous engagerons une procédure de recouvrement judiciaire "
                     "(injonction de payer devant le tribunal des activités économiques ou le "
                     "tribunal de commerce compétent)."}


def recovery_indemnity_cents(late_invoices: int, collective_proceedings: bool = False) -> int:
    """D441-5: 40 € per late invoice; nothing for invoices not yet late at an opening judgment."""
    if isinstance(late_invoices, bool) or int(late_invoices) != late_invoices or late_invoices < 0:
        raise InvalidParameterError(f"Nombre de factures en retard invalide : {late_invoices!r}.",
                                    valid="un entier positif ou nul")
    return 0 if collective_proceedings else FIXED_RECOVERY_INDEMNITY_CENTS * int(late_invoices)


def foreclosure_relief_deadline(bodacc_publication: dt.date) -> dt.date:
    """Last day to ask the juge-commissaire for a relevé de forclusion (6 months, L622-26)."""
    return add_months(bodacc_publication, FORECLOSURE_RELIEF_MONTHS)


def mention_fine_cents(omissions: int, invoice_amount_cents: int) -> int:
    """CGI 1737 II tax fine for one invoice: 15 € per missing or wrong mention, capped at 25 %.

    >>> mention_fine_cents(2, 100_000), mention_fine_cents(3, 10_000)
    (3000, 2500)
    """
    cap = _round_cents(Decimal(int(invoice_amount_cents)) / 100 * MENTION_FINE_CAP_SHARE)
    return min(MENTION_FINE_CENTS * int(omissions), cap)


def revendication_deadline(bodacc_publication: dt.date) -> dt.date:
    """Last day to claim back goods sold under retention of title (3 months, L624-9)."""
    return add_months(bodacc_publication, REVENDICATION_MONTHS)


# --- Public buyers, e-invoicing, escompte, collective proceedings, limitation --------------------

def public_buyer_category(name: str) -> str:
    """Category of a public buyer from its name (R2192-10/11): hospital, public company or other."""
    if re.search(r"\b(centre hospitalier|CHU|CHR|hôpital|établissement public de santé)\b", name, re.I):
        return "etablissement_public_sante"
    if re.search(r"\b(entreprise publique|EPIC|SNCF|RATP|La Poste)\b", name, re.I):
        return "entreprise_publique"
    return "etat_collectivite"


def public_payment_days(name: str) -> int:
    """Payment limit of a public buyer: 30 days, 50 for public health establishments, 60 for
    public companies (Code de la commande publique R2192-10 and R2192-11)."""
    return PUBLIC_PAYMENT_DAYS[public_buyer_category(name)]


def reform_mentions_required(issuer_size: str, invoice_date: dt.date) -> bool:
    """Whether the e-invoicing mentions (customer SIREN...) bind an issuer of ``issuer_size``
    (GE, ETI, PME, TPE) on ``invoice_date``: 1 Sept 2026 for GE/ETI, 1 Sept 2027 for PME/TPE."""
    if issuer_size not in EINVOICING_START:
        raise InvalidParameterError(f"Taille d'entreprise inconnue : « {issuer_size} ».",
                                    valid=", ".join(EINVOICING_START))
    return invoice_date >= EINVOICING_START[issuer_size]


def escompte_applies(invoice_date: dt.date, received_on: dt.date, days: int) -> bool:
    """An escompte « sous N jours » is due only if the funds are received by day N (no grace)."""
    return 0 <= (received_on - invoice_date).days <= int(days)


def escompte_split(discount_ttc_cents: int, invoice_ht_cents: int, invoice_vat_cents: int) -> tuple[int, int]:
    """(HT, VAT) parts of an escompte deducted from an amount incl. VAT: the avoir d'escompte reduces
    the taxable base (account 665) and the VAT collected (CGI 267 II 1°) in the invoice's proportion.

    >>> escompte_split(1_200, 100_000, 20_000)  # 1 % of 1 200 € TTC at 20 %
    (1000, 200)
    """
    ttc = int(invoice_ht_cents) + int(invoice_vat_cents)
    vat = _round_cents(Decimal(int(discount_ttc_cents)) * int(invoice_vat_cents) / ttc / 100) if ttc else 0
    return int(discount_ttc_cents) - vat, vat


_JUDGMENT = re.compile(r"jugement du (\d{2})/(\d{2})/(\d{4})", re.I)


def judgment_date_in_notice(text: str) -> dt.date | None:
    """Date of the opening judgment read from a BODACC notice (« Jugement du JJ/MM/AAAA »)."""
    m = _JUDGMENT.search(text or "")
    return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1))) if m else None


def collective_claim(invoice_date: dt.date, due: dt.date, judgment: dt.date, publication: dt.date,
                     abroad: bool = False) -> dict:
    """How to recover one invoice of a customer under collective proceedings.

    The opening judgment is the cut-off: an invoice issued before it is declared to the
    mandataire within 2 months of the BODACC publication (L622-24, R622-24), with the 40 €
    indemnity if it was already late on the judgment date; an invoice issued after it is a
    post-judgment claim payable at its due date (L622-17).
    """
    if invoice_date > judgment:
        return {"action": "réclamer à l'échéance", "deadline": due, "indemnity_cents": 0,
                "reason": f"créance postérieure au jugement d'ouverture du {judgment:%d/%m/%Y}, payable "
                          f"à son échéance du {due:%d/%m/%Y} (article L622-17 du Code de commerce)"}
    deadline = claim_declaration_deadline(publication, abroad)
    late = due < judgment
    return {"action": "déclarer la créance", "deadline": deadline,
            "indemnity_cents": FIXED_RECOVERY_INDEMNITY_CENTS if late else 0,
            "reason": f"créance antérieure au jugement d'ouverture du {judgment:%d/%m/%Y} : la déclarer "
                      f"au mandataire judiciaire avant le {deadline:%d/%m/%Y} (articles L622-24 et R622-24 "
                      "du Code de commerce)" + (", avec l'indemnité forfaitaire de 40 €" if late else "")}


def limitation_date(due: dt.date, kind: str = "commercial") -> dt.date:
    """Last day to sue: 5 years between traders (L110-4), 1 year for carriage (L133-6)."""
    rules = {"commercial": "limitation_commercial", "transport": "limitation_transport"}
    if kind not in rules:
        raise InvalidParameterError(f"Type de créance inconnu : « {kind} ».", valid=", ".join(rules))
    return add_months(due, 12 * int(rule(rules[kind]).value["years"]))


# --- For trainers: rows to complete and the reference card ---------------------------------------

def missing_rates(until: dt.date) -> list[str]:
    """French lines naming each semester row of the rate tables, up to ``until``, still to fill."""
    out = []
    for table in (ECB_MAIN_RATE, LEGAL_INTEREST_RATE_PROFESSIONALS):
        semester = min(table)
        while semester <= until:
            if table.get(semester) is None:
                out.append(f"{_TABLE_LABELS[table.name]}, {_semester_label(semester)} : ligne "
                           f"« {table.name} » semestre {semester:%Y-%m-%d} de law_rules.yaml à compléter ; "
                           f"source attendue : {table.sources.get(semester, 'à citer')}.")
            semester = add_months(semester, 6)
    return out


def _pct(rate: Decimal) -> str:
    return f"{rate:.2f}".replace(".", ",") + " %"


#: Column headers of :func:`rate_rows`.
RATE_HEADERS = ["Semestre", "Taux BCE", "Pénalités (BCE + 10)", "Intérêts moratoires (BCE + 8)",
                "Taux légal pro", "Plancher (3 ×)"]


def rate_rows() -> list[list[str]]:
    """The semester rates as French table rows (« à confirmer » where the table has no value)."""
    rows = []
    for semester in sorted(set(ECB_MAIN_RATE) | set(LEGAL_INTEREST_RATE_PROFESSIONALS)):
        ecb, legal = ECB_MAIN_RATE.get(semester), LEGAL_INTEREST_RATE_PROFESSIONALS.get(semester)
        shown = lambda v: "à confirmer" if v is None else _pct(v)  # noqa: E731
        rows.append([_semester_label(semester), shown(ecb),
                     shown(None if ecb is None else ecb + PENALTY_MARGIN_POINTS),
                     shown(None if ecb is None else ecb + MORATORIUM_MARGIN_POINTS), shown(legal),
                     shown(None if legal is None else legal * PENALTY_FLOOR_MULTIPLE)])
    return rows


def lateness_benchmark() -> str:
    """The published French lateness reference the course compares its company with (French)."""
    return (f"{AVERAGE_LATENESS_LABEL} : {str(AVERAGE_LATENESS_DAYS).replace('.', ',')} jours "
            f"({AVERAGE_LATENESS_SOURCE})")


def reference_card(as_of: dt.date | None = None) -> str:
    """The legal reference card (Markdown, French): each rule the course uses with its article and
    a one-line statement, then the rates by semester, all read from ``law_rules.yaml``."""
    lines = ["# Fiche de référence juridique", "",
             "Règles appliquées par le cours, avec leur article et leur source (table du droit datée).", ""]
    topic = None
    for r in RULES.values():
        if r.topic != topic:
            topic = r.topic
            lines += ["", f"## {topic}", "", "| Article | Règle |", "|---|---|"]
        lines.append(f"| {r.article} | {r.statement} |")
    lines += ["", "## Taux par semestre", "", "| " + " | ".join(RATE_HEADERS) + " |",
              "|" + "---|" * len(RATE_HEADERS)]
    lines += ["| " + " | ".join(row) + " |" for row in rate_rows()]
    missing = missing_rates(as_of or max(ECB_MAIN_RATE))
    if missing:
        lines += ["", "**Taux à confirmer avant la session :**", "", *[f"- {m}" for m in missing]]
    lines += ["", f"Repère : {lateness_benchmark()}.", ""]
    return "\n".join(lines)
