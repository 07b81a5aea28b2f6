"""French rules on payment terms, penalties and collective proceedings (Code de commerce).

Every rule here cites its article; rates that change over time are parameters, not constants.

Payment terms (L441-10 I): 30 days after delivery by default; at most 60 days from the invoice
date, or 45 days end of month if expressly agreed. "45 jours fin de mois" has two accepted
readings: (a) invoice date + 45 days, then end of that month; (b) end of the invoice's month,
then + 45 days.

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


def claim_declaration_deadline(bodacc_publication: dt.date) -> dt.date:
    """Last day to file a claim with the mandataire judiciaire (2 months after BODACC, R622-24)."""
    return add_months(bodacc_publication, CLAIM_DECLARATION_MONTHS)
