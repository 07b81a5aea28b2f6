"""Exact money and French display formats.

Amounts are integer cents everywhere in o2c_lab; floats never carry a sum.

>>> to_cents("1 234,56")
123456
>>> format_eur(123456)
'1\u202f234,56\u00a0€'
>>> format_date(datetime.date(2026, 12, 31))
'31/12/2026'
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from .conventions import read_amounts
from .errors import InvalidParameterError

__all__ = ["to_cents", "cents_to_decimal", "format_eur", "format_number", "format_date",
           "format_pct", "vat_cents"]

_THOUSANDS = "\u202f"  # narrow no-break space, as French typography and Excel's fr-FR format use
_BEFORE_UNIT = "\u00a0"  # no-break space between a number and its unit


def to_cents(value, decimal: str | None = None) -> int:
    """Convert an amount (str, int, Decimal) to integer cents, rounding extra decimals half up.

    French, English and Swiss writings are read (``1 234,56``, ``1,234.56``, ``1’234.56``); one
    that reads two ways (``1.481``) is refused unless ``decimal`` names the separator (see
    :mod:`o2c_lab.conventions`, which reads whole columns).

    >>> to_cents("1,481.47"), to_cents("1.481", decimal=",")
    (148147, 148100)
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return value * 100
    cents, errors, _ = read_amounts([value], decimal=decimal, round_extra=True)
    if errors or cents[0] is None:
        what = errors.get(0, "montant vide")
        raise InvalidParameterError(
            what[0].upper() + what[1:] + ".",
            valid="un nombre comme 1 234,56 ou 1234.56",
            todo="corrigez la valeur (pas de texte dans une colonne de montants)",
        )
    return cents[0]


def cents_to_decimal(cents: int) -> Decimal:
    """Integer cents to a Decimal in euros (exact)."""
    return Decimal(int(cents)).scaleb(-2)


def format_number(value, decimals: int = 2) -> str:
    """French number format: narrow no-break space for thousands, decimal comma."""
    quant = Decimal(1).scaleb(-decimals)
    d = Decimal(str(value)).quantize(quant, rounding=ROUND_HALF_UP)
    sign = "-" if d < 0 else ""
    whole, _, frac = f"{abs(d):f}".partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = _THOUSANDS.join(groups)
    return sign + (text + "," + frac if decimals else text)


def format_eur(cents: int, decimals: int = 2) -> str:
    """Integer cents to a French euro amount: ``1 234,56 €``."""
    return format_number(cents_to_decimal(cents), decimals) + _BEFORE_UNIT + "€"


def format_pct(ratio: float, decimals: int = 1) -> str:
    """A ratio (0.354) as a French percentage: ``35,4 %``."""
    return format_number(Decimal(str(ratio)) * 100, decimals) + _BEFORE_UNIT + "%"


def format_date(day) -> str:
    """A date as ``JJ/MM/AAAA``."""
    if isinstance(day, datetime.datetime):  # also pandas.Timestamp
        day = day.date()
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def vat_cents(net_cents, rate_pct):
    """VAT in cents for a net amount and a rate in percent, rounded half up to the cent.

    Works on ints and on numpy arrays (rates 20, 10, 5.5, 0).

    >>> vat_cents(10_005, 5.5)
    550
    """
    import numpy as np

    rate_tenths = np.rint(np.asarray(rate_pct, dtype=float) * 10).astype(np.int64)
    net = np.asarray(net_cents, dtype=np.int64)
    product = net * rate_tenths  # in 1/1000 of a cent
    result = np.where(product >= 0, (product + 500) // 1000, -((-product + 500) // 1000))
    return int(result) if np.ndim(result) == 0 else result
