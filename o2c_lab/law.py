"""French rules on payment terms, penalties and collective proceedings (Code de commerce).

Every rule here cites its article; rates that change over time are parameters, not constants.

Payment terms (L441-10 I): 30 days after delivery by default; at most 60 days from the invoice
date, or 45 days end of month if expressly agreed. "45 jours fin de mois" has two accepted
readings: (a) invoice date + 45 days, then end of that month; (b) end of the invoice's month,
then + 45 days.

Late-payment penalties (L441-10 II) run by semester at the ECB rate in force on 1 January / 1 July
plus 10 points (public buyers: moratorium interest, + 8 points), never below 3 × the legal
interest rate for a contractual rate; the rate tables are parameters. Also: the 40 € indemnity
(D441-5), the claim deadlines of collective proceedings (R622-24, L622-26, L624-9) and the CGI
1737 mention fine.

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
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

from .errors import InvalidParameterError

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
]

#: Payment-term codes used in the company data, with their French label.
PAYMENT_TERMS = {
    "30J": "30 jours date de facture",
    "45FDM": "45 jours fin de mois",
    "60J": "60 jours date de facture",
    "90J": "90 jours date de facture",  # illegal between businesses: planted in one contract
}

#: D441-5: fixed indemnity for recovery costs, per late invoice, 40 €.
FIXED_RECOVERY_INDEMNITY_CENTS = 4_000
#: L441-17: logistics penalties capped at 2 % of the value of the goods concerned.
MAX_LOGISTICS_PENALTY_PCT = 2.0
#: L622-24 / R622-24: a creditor files its claim within 2 months of the BODACC publication.
CLAIM_DECLARATION_MONTHS = 2

_TERM_DAYS = {"30J": 30, "60J": 60, "90J": 90}


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

    ``abroad``: a creditor established outside metropolitan France gets the period doubled.
    """
    return add_months(bodacc_publication, CLAIM_DECLARATION_MONTHS * (2 if abroad else 1))


# --- Late-payment penalties, indemnity, moratorium interest, sanctions --------------------------

#: Code de la commande publique R2192-10: a public buyer pays within 30 days.
PUBLIC_BUYER_MAX_DAYS = 30
#: L441-10 II: default penalty rate = ECB main refinancing rate + 10 points.
PENALTY_MARGIN_POINTS = Decimal("10")
#: Public procurement (R2192-31): moratorium interest = ECB rate + 8 points.
MORATORIUM_MARGIN_POINTS = Decimal("8")
#: L441-10 II: a contractual rate may not be lower than 3 × the legal interest rate.
PENALTY_FLOOR_MULTIPLE = 3
#: L622-26: a late creditor may ask to be relieved of foreclusion within 6 months of the BODACC.
FORECLOSURE_RELIEF_MONTHS = 6
#: L624-9: goods under retention of title are claimed back within 3 months of the BODACC.
REVENDICATION_MONTHS = 3
#: L441-16: administrative fine cap for payment-term breaches (natural person, legal person).
ADMIN_FINE_MAX_CENTS = {"personne_physique": 7_500_000, "personne_morale": 200_000_000}
#: CGI 1737 II: 15 € per missing or wrong invoice mention, capped at 25 % of the invoice amount.
MENTION_FINE_CENTS = 1_500
MENTION_FINE_CAP_SHARE = Decimal("0.25")

#: ECB main refinancing operations rate (%), by date of change. A course parameter: complete it
#: with each new ECB decision before teaching (only the rate in force on 1 January / 1 July counts).
ECB_MAIN_RATE: dict[dt.date, Decimal] = {
    dt.date(2023, 9, 20): Decimal("4.50"),
    dt.date(2024, 6, 12): Decimal("4.25"),
    dt.date(2024, 9, 18): Decimal("3.65"),
    dt.date(2024, 10, 23): Decimal("3.40"),
    dt.date(2024, 12, 18): Decimal("3.15"),
    dt.date(2025, 2, 5): Decimal("2.90"),
    dt.date(2025, 3, 12): Decimal("2.65"),
    dt.date(2025, 4, 23): Decimal("2.40"),
    dt.date(2025, 6, 11): Decimal("2.15"),
}
#: Legal interest rate for creditors who are professionals (%), by semester start (arrêtés).
LEGAL_INTEREST_RATE_PROFESSIONALS: dict[dt.date, Decimal] = {
    dt.date(2025, 7, 1): Decimal("2.76"),
    dt.date(2026, 1, 1): Decimal("2.62"),
}


def semester_start(day: dt.date) -> dt.date:
    """1 January or 1 July of ``day``'s half-year (the date whose rate applies, L441-10 II)."""
    return dt.date(day.year, 1 if day.month <= 6 else 7, 1)


def rate_in_force(rates: dict, day: dt.date) -> Decimal:
    """The rate of ``rates`` (date of change -> %) in force on ``day``."""
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


@dataclass(frozen=True)
class PenaltyPeriod:
    """One semester slice of a late period: first and last day late, days, rate (%), amount."""

    first_day: dt.date
    last_day: dt.date
    days: int
    rate_pct: Decimal
    amount: Decimal


def late_penalty(amount_cents: int, due: dt.date, paid: dt.date, *, ecb_rates: dict | None = None,
                 margin_points: Decimal = PENALTY_MARGIN_POINTS,
                 contractual_rate_pct: Decimal | None = None,
                 legal_rates: dict | None = None) -> list[PenaltyPeriod]:
    """Late-payment penalties split by semester (exact Decimal euros, not yet rounded).

    Days late run from the day after ``due`` to ``paid`` included (simple interest, 365-day year).
    Each semester uses the rate in force on its 1 January / 1 July. A ``contractual_rate_pct``
    replaces ECB + margin but is raised to 3 × the legal interest rate when lower (L441-10 II).
    """
    if paid <= due:
        return []
    legal = LEGAL_INTEREST_RATE_PROFESSIONALS if legal_rates is None else legal_rates
    periods, start = [], due + dt.timedelta(days=1)
    while start <= paid:
        half_end = add_months(semester_start(start), 6) - dt.timedelta(days=1)
        end = min(paid, half_end)
        if contractual_rate_pct is None:
            rate = penalty_rate(start, ecb_rates, margin_points)
        else:
            floor = PENALTY_FLOOR_MULTIPLE * rate_in_force(legal, semester_start(start))
            rate = max(Decimal(str(contractual_rate_pct)), floor)
        days = (end - start).days + 1
        amount = Decimal(int(amount_cents)) / 100 * rate / 100 * days / 365
        periods.append(PenaltyPeriod(start, end, days, rate, amount))
        start = end + dt.timedelta(days=1)
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
    """Moratorium interest owed by a public buyer (ECB + 8 points, same semester rule)."""
    return late_penalty_cents(amount_cents, due, paid, ecb_rates=ecb_rates,
                              margin_points=MORATORIUM_MARGIN_POINTS)


def recovery_indemnity_cents(late_invoices: int, collective_proceedings: bool = False) -> int:
    """D441-5: 40 € per late invoice; nothing on claims frozen by collective proceedings."""
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
