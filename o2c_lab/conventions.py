"""Number and date conventions of a column, inferred from all its values, never from one cell.

``1.481`` is 1 481 € in a French export and 1,481 € in an English one; ``3/4/2026`` is 3 April in
France and 4 March in the United States. One cell cannot say which. A column usually can: one
``1.481,47`` or one ``25/02/2026`` settles it for every other cell. When nothing in the column
settles it, the column is refused with the examples and the parameter that says which
(``decimal=","`` or ``date_order="JMA"``): a silent 1000× error or a swapped day and month is
worse than a question.

Supported amounts: decimal comma or point; thousands separated by a space, a no-break space
(U+00A0), a narrow no-break space (U+202F), a point, a comma or an apostrophe (``'`` or the Swiss
``’``); a sign in front (``-``, ``+``, ``−``), behind (``1 234,56-``) or parentheses; ``€``,
``EUR`` or ``CHF`` around. Supported dates: ``JJ/MM/AAAA`` or ``MM/JJ/AAAA`` (separators ``/``,
``.``, ``-``; years on 2 or 4 digits), ``AAAA-MM-JJ`` (with an optional midnight time),
``AAAAMMJJ`` and real date cells.

>>> read_amounts(["1.481", "2.500,10"])[0]
[148100, 250010]
>>> read_amounts(["1,481.47"])[0]
[148147]
>>> read_dates(["3/4/2026", "2/25/2026"])[0]
[datetime.date(2026, 3, 4), datetime.date(2026, 2, 25)]
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from .errors import AmbiguousFormatError, InvalidParameterError

__all__ = ["DECIMALS", "DATE_ORDERS", "ColumnReading", "amount_readings", "read_amounts",
           "amounts_in_text", "read_dates"]

#: Decimal separators a caller can name: comma (French, German) or point (English, Swiss).
DECIMALS = (",", ".")
#: Date orders a caller can name (French initials, and the English ones as synonyms).
DATE_ORDERS = {"JMA": "JMA", "DMY": "JMA", "MJA": "MJA", "MDY": "MJA", "AMJ": "AMJ", "YMD": "AMJ"}

_SPACES = " \u00a0\u202f"
_THOUSANDS = _SPACES + ".,'’"
_MINUS = "-\u2212"
_UNITS = re.compile(r"€|\bEUR\b|\bCHF\b", re.I)
_VALID_AMOUNT = "un montant comme 1 234,56, -50,00, 1234.56 ou 1’234.56 (au plus 2 décimales)"
_MAX_DIGITS = 15  # 10^13 € and more is a corrupted cell, not an amount
_DECIMAL_NAMES = {",": "une virgule décimale", ".": "un point décimal"}


def _shown(value) -> str:
    """A cell as quoted in a message: at most 40 characters (a 200 KiB cell is not shown whole)."""
    text = str(value).strip()
    return text if len(text) <= 40 else text[:40] + "…"


def _split_sign(text: str) -> tuple[bool, str]:
    text = _UNITS.sub("", text).strip(_SPACES)
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1].strip(_SPACES)
    if text and text[-1] in _MINUS:
        negative, text = not negative, text[:-1].strip(_SPACES)
    if text and text[0] in _MINUS:
        negative, text = not negative, text[1:].strip(_SPACES)
    elif text.startswith("+"):
        text = text[1:].strip(_SPACES)
    return negative, _UNITS.sub("", text).strip(_SPACES)


def _read_under(body: str, decimal: str) -> Decimal | None:
    """The value of an unsigned ``body`` when ``decimal`` is the decimal separator, else None."""
    whole, sep, frac = body.partition(decimal)
    if decimal in frac or (sep and not frac.isdigit()) or not whole:
        return None
    if not whole.isdigit():
        marks = {c for c in whole if not c.isdigit()}
        if len(marks) != 1 or not marks <= set(_THOUSANDS) - {decimal}:
            return None
        groups = whole.split(marks.pop())
        if not (1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])
                and all(g.isdigit() for g in groups)):
            return None
        whole = "".join(groups)
    if not whole.isascii() or not frac.isascii() or len(whole) > _MAX_DIGITS:
        return None
    return Decimal(whole + "." + (frac or "0"))


def amount_readings(text: str) -> dict[str, Decimal]:
    """Every reading of one cell: decimal separator -> value (empty when unreadable).

    >>> amount_readings("1.481")
    {',': Decimal('1481.0'), '.': Decimal('1.481')}
    """
    negative, body = _split_sign(str(text))
    out = {}
    for decimal in DECIMALS:
        value = _read_under(body, decimal)
        if value is not None:
            out[decimal] = -value if negative else value
    return out


def _check_decimal(decimal):
    if decimal not in (None, *DECIMALS):
        raise InvalidParameterError(f"Séparateur décimal inconnu : « {decimal} ».",
                                    valid='decimal="," (1 234,56) ou decimal="." (1,234.56)')


def _to_cents(value: Decimal, round_extra: bool) -> int | None:
    cents = value.scaleb(2)
    if cents != cents.to_integral_value() and not round_extra:
        return None
    return int(cents.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _number_cell(value, round_extra: bool):
    """Cents of a real number cell (Excel), None for text, or raise for NaN and infinities."""
    if isinstance(value, bool):
        raise InvalidParameterError(f"Montant illisible : « {_shown(value)} ».", valid=_VALID_AMOUNT)
    if isinstance(value, int) or type(value).__name__.startswith("int"):
        if abs(int(value)) >= 10 ** _MAX_DIGITS:
            raise InvalidParameterError(f"Montant hors limites : « {_shown(value)} ».", valid=_VALID_AMOUNT)
        return int(value) * 100
    if isinstance(value, (float, Decimal)) or type(value).__name__.startswith("float"):
        number = Decimal(repr(float(value))) if not isinstance(value, Decimal) else value
        if not number.is_finite() or abs(number) >= 10 ** _MAX_DIGITS:
            raise InvalidParameterError(f"Montant illisible : « {_shown(value)} ».", valid=_VALID_AMOUNT)
        cents = _to_cents(number, True)
        if not round_extra and abs(number.scaleb(2) - cents) > Decimal("0.0001"):  # binary noise of 0.1 + 0.2 is not a 3rd decimal
            raise InvalidParameterError(f"Montant à plus de 2 décimales : « {_shown(value)} ».",
                                        valid=_VALID_AMOUNT)
        return cents
    return None


def _ambiguity(examples: list[str], what: str, parameter: str, todo: str, column,
               path) -> AmbiguousFormatError:
    shown = ", ".join(f"« {_shown(e)} »" for e in examples[:3])
    return AmbiguousFormatError(
        f"{what} : {shown} se lisent de deux façons et rien dans la colonne ne permet de "
        "choisir.", path=path, column=column, valid=parameter, todo=todo)


class ColumnReading(NamedTuple):
    """A column read: one value per cell (None when empty or unreadable), the reason for each
    unreadable cell by index, and the convention used (decimal separator or date order)."""

    values: list
    errors: dict[int, str]
    convention: str


def read_amounts(values, *, decimal: str | None = None, column=None, path=None,
                 round_extra: bool = False) -> ColumnReading:
    """Cents of every cell of a column, the convention inferred from all cells.

    Returns a :class:`ColumnReading` of cents. Raises
    :class:`~o2c_lab.errors.AmbiguousFormatError` when the column reads differently under a
    decimal comma and a decimal point and no cell settles it (pass ``decimal``).
    """
    _check_decimal(decimal)
    cells, errors, texts = [], {}, {}
    for k, value in enumerate(values):
        if value is None or (isinstance(value, float) and math.isnan(value)):  # an empty cell
            cells.append(None)
            continue
        try:
            number = _number_cell(value, round_extra)
        except InvalidParameterError as exc:
            errors[k] = exc.what
            number = None
        if number is not None or k in errors:
            cells.append(number)
            continue
        text = str(value).strip()
        if text == "":
            cells.append(None)
            continue
        texts[k] = (text, amount_readings(text))
        cells.append(None)
    inferred, mixed = decimal is None, False
    if inferred:
        possible = set(DECIMALS)
        for text, readings in texts.values():
            if readings:
                possible &= set(readings)
        differ = [t for t, r in texts.values() if len(set(r.values())) > 1]
        if len(possible) == 2 and differ:
            raise _ambiguity(differ, "Montants ambigus", 'decimal="," (virgule décimale : 1.481 vaut '
                             '1 481,00) ou decimal="." (point décimal : 1.481 vaut 1,481)',
                             'relancez en indiquant la convention du fichier, decimal="," pour un '
                             'export français', column, path)
        mixed = not possible  # both conventions in one column: only cells with one reading are sure
        count = {d: sum(d in r for _, r in texts.values()) for d in DECIMALS}
        decimal = possible.pop() if len(possible) == 1 else max(DECIMALS, key=lambda d: count[d])
    for k, (text, readings) in texts.items():
        if inferred and len(set(readings.values())) == 1:  # one value whatever the convention
            value = next(iter(readings.values()))
        elif mixed and readings:
            errors[k] = (f"montant ambigu « {_shown(text)} » dans une colonne où les deux conventions se "
                         'mélangent : indiquez decimal="," ou decimal="."')
            continue
        else:
            value = readings.get(decimal)
        cents = None if value is None else _to_cents(value, round_extra)
        if cents is None:
            reason = ("plus de 2 décimales" if value is not None else
                      f"autre convention que le reste de la colonne, écrite avec {_DECIMAL_NAMES[decimal]}"
                      if readings else "nombre trop grand" if sum(c.isdigit() for c in text) > _MAX_DIGITS
                      else "pas un nombre")
            errors[k] = f"montant illisible « {_shown(text)} » ({reason})"
        cells[k] = cents
    return ColumnReading(cells, errors, decimal)


_TEXT_AMOUNT = re.compile(
    r"(?<![\w.,'’])(?:[-\u2212+]\s?)?\d{1,3}(?:[ \u00a0\u202f.,'’]\d{3})*(?:[.,]\d{1,2})?"
    r"(?![\w'’]|[.,]\d)(?=\s?(?:€|EUR\b))|(?<=€)\s?-?\d[\d \u00a0\u202f.,'’]*\d", re.I)


def amounts_in_text(text: str, *, decimal: str | None = None) -> list[int]:
    """Cents of every euro amount written in a text (``1 234,56 €``, ``€1,234.56``, ``12 EUR``).

    The amounts of one text are one column: their convention is inferred from all of them, and
    a text where ``1.481 €`` could be either is refused unless ``decimal`` is given.

    >>> amounts_in_text("Solde : 1 481,47 € dont 40,00 € d'indemnité")
    [148147, 4000]
    """
    found = [m.group(0).strip() for m in _TEXT_AMOUNT.finditer(text)]
    cents, errors, _ = read_amounts(found, decimal=decimal, column="montants du texte")
    return [c for k, c in enumerate(cents) if k not in errors and c is not None]


# ------------------------------------------------------------------------------------ dates

_DMY_LIKE = re.compile(r"(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_VALID_DATE = "une date JJ/MM/AAAA comme 31/12/2026, AAAA-MM-JJ ou une cellule date"


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if len(text) == 2 else year  # 2-digit years of exports are this century


def _day(y, m, d) -> dt.date | None:
    try:
        return dt.date(y, m, d) if y >= 1900 else None
    except ValueError:
        return None


def _date_cell(value):
    """(family, {order: date}) of one cell; family None for an empty cell; raise if unreadable."""
    if hasattr(value, "year") and hasattr(value, "month"):
        if value != value:  # NaT
            return None, {}
        day = value.date() if isinstance(value, dt.datetime) else value
        return "date", {"*": dt.date(day.year, day.month, day.day)}
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None, {}
    text = str(value).strip()
    if text == "" or text in ("NaT", "nan"):
        return None, {}
    if m := _ISO.fullmatch(text):
        return "aaaa-mm-jj", {"*": _day(int(m.group(1)), int(m.group(2)), int(m.group(3)))}
    if m := _COMPACT.fullmatch(text):
        return "aaaammjj", {"*": _day(int(m.group(1)), int(m.group(2)), int(m.group(3)))}
    if m := _DMY_LIKE.fullmatch(text):
        a, b, y = int(m.group(1)), int(m.group(3)), _year(m.group(4))
        family = {"/": "jj/mm/aaaa", ".": "jj.mm.aaaa", "-": "jj-mm-aaaa"}[m.group(2)]
        # an order is possible when its month is 1-12 and its day 1-31; 31/02 still says « day first »
        plausible = {"JMA": (a, b), "MJA": (b, a)}
        return family, {o: _day(y, month, day) for o, (day, month) in plausible.items()
                        if 1 <= month <= 12 and 1 <= day <= 31}
    raise ValueError(text)


def read_dates(values, *, date_order: str | None = None, column=None, path=None) -> ColumnReading:
    """Dates of every cell of a column (or of every date column of a file, pooled).

    Returns a :class:`ColumnReading` of dates. The day/month order of ``3/4/2026``
    comes from the cells that settle it (a part above 12); when none does and the two orders
    give different dates, raises :class:`~o2c_lab.errors.AmbiguousFormatError` (pass
    ``date_order="JMA"`` or ``"MJA"``). Cells written in another format than most of the
    column (``2026-03-04`` among ``04/03/2026``) are errors: a mixed column makes every date
    doubtful.
    """
    order = None
    if date_order is not None:
        order = DATE_ORDERS.get(str(date_order).upper())
        if order is None:
            raise InvalidParameterError(f"Ordre des dates inconnu : « {date_order} ».",
                                        valid='date_order="JMA" (jour/mois/année, 31/12/2026), '
                                              '"MJA" (mois/jour/année, 12/31/2026) ou "AMJ"')
    dates, errors, cells, families = [], {}, {}, {}
    for k, value in enumerate(values):
        dates.append(None)
        try:
            family, readings = _date_cell(value)
        except ValueError:
            errors[k] = f"date illisible « {_shown(value)} »"
            continue
        if family is None:
            continue
        if not readings or readings.get("*", True) is None:
            errors[k] = f"date illisible « {_shown(value)} » (jour ou mois impossible)"
            continue
        cells[k] = (str(value).strip(), readings)
        families.setdefault(family, []).append(k)
    if len(families) > 1:
        main = max(families, key=lambda f: len(families[f]))
        for family, ks in families.items():
            if family not in (main, "date"):
                for k in ks:
                    errors[k] = (f"format de date « {family} » mélangé avec le format « {main} » "
                                 f"du reste de la colonne (« {_shown(cells.pop(k)[0])} »)")
    if order is None:
        possible = {"JMA", "MJA"}
        for _, readings in cells.values():
            if "*" not in readings:
                possible &= set(readings)
        if len(possible) == 2:
            differ = [t for t, r in cells.values() if len(set(r.values())) > 1]
            if differ:
                raise _ambiguity(differ, "Dates ambiguës", 'date_order="JMA" (jour/mois/année, '
                                 'français) ou date_order="MJA" (mois/jour/année, américain)',
                                 'relancez en indiquant l\'ordre des dates du fichier, '
                                 'date_order="JMA" pour un export français', column, path)
        if not possible:  # day first on some rows, month first on others: no date can be trusted
            first = {o: next(t for t, r in cells.values() if set(r) == {o}) for o in ("JMA", "MJA")}
            raise AmbiguousFormatError(
                f"Dates ambiguës : jour et mois inversés selon les lignes (« {first['JMA']} » "
                f"jour/mois, « {first['MJA']} » mois/jour).", path=path, column=column,
                valid="un seul ordre jour/mois dans tout le fichier",
                todo="réexportez les dates au format JJ/MM/AAAA, ou indiquez date_order=\"JMA\" "
                     "pour refuser les autres lignes une à une")
        order = min(possible)
    for k, (text, readings) in cells.items():
        day = readings.get("*", readings.get(order))
        if day is None:
            errors[k] = f"date illisible « {_shown(text)} » : impossible en {_ORDER_NAMES[order]}"
        dates[k] = day
    return ColumnReading(dates, errors, order)


_ORDER_NAMES = {"JMA": "jour/mois/année", "MJA": "mois/jour/année", "AMJ": "année-mois-jour"}
