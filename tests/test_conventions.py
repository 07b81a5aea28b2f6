"""Amounts and dates read by column: any supported writing reads back exactly, or is refused."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from o2c_lab.analytics.importers import read_invoice_history, read_open_items
from o2c_lab.conventions import amount_readings, amounts_in_text, read_amounts, read_dates
from o2c_lab.errors import AmbiguousFormatError, InvalidParameterError
from o2c_lab.money import to_cents

# (decimal, thousands) of the writings a French finance team receives
CONVENTIONS = [
    (",", ""), (",", " "), (",", "\u00a0"), (",", "\u202f"), (",", "."),   # France, Germany
    (".", ""), (".", ","),                                                  # English
    (".", "'"), (".", "’"),                                                 # Switzerland
]


def _write_amount(cents: int, decimal: str, thousands: str, decimals: int, sign: str, unit: str) -> str:
    """An amount as a person or a spreadsheet writes it (independent of the reader)."""
    whole, frac = divmod(abs(cents), 100)
    digits = f"{whole:,}".replace(",", thousands)
    if decimals == 2 or frac % 10:
        text = f"{digits}{decimal}{frac:02d}"
    elif decimals == 1 or frac:
        text = f"{digits}{decimal}{frac // 10}"
    else:
        text = digits
    if cents < 0:
        text = {"-": f"-{text}", "−": f"−{text}", "()": f"({text})", "suffix": f"{text}-"}[sign]
    return {"": text, "€": f"{text} €", "EUR": f"{text} EUR", "pre€": f"€{text}"}[unit]


amount_columns = st.tuples(
    st.lists(st.integers(min_value=-10**12, max_value=10**12), min_size=1, max_size=8),
    st.sampled_from(CONVENTIONS), st.sampled_from([0, 1, 2]), st.sampled_from(["-", "−", "()", "suffix"]),
    st.sampled_from(["", "€", "EUR", "pre€"]))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(amount_columns)
def test_any_amount_column_reads_back_exactly_or_is_declared_ambiguous(column):
    cents, (decimal, thousands), decimals, sign, unit = column
    texts = [_write_amount(c, decimal, thousands, decimals, sign, unit) for c in cents]
    try:
        values, errors, used = read_amounts(texts)
    except AmbiguousFormatError as err:
        # refused only when a cell really reads two ways, and the message shows it
        assert any(len(set(amount_readings(t).values())) == 2 for t in texts)
        assert "decimal=" in str(err)
    else:
        assert (values, errors) == (cents, {})
    # naming the convention always reads the column exactly
    assert read_amounts(texts, decimal=decimal)[:2] == (cents, {})


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=-10**12, max_value=10**12), st.sampled_from(CONVENTIONS), st.sampled_from([0, 1, 2]))
def test_to_cents_of_one_writing_is_right_or_refused(cents, convention, decimals):
    text = _write_amount(cents, *convention, decimals, "-", "€")
    try:
        assert to_cents(text) == cents
    except InvalidParameterError:
        pass
    assert to_cents(text, decimal=convention[0]) == cents


@pytest.mark.parametrize("text, cents", [
    ("1,481.47", 148_147), ("1.481,47", 148_147), ("1 481,47", 148_147), ("1’481.47", 148_147),
    ("1'481.47", 148_147), ("1\u202f481,47 €", 148_147), ("-1 481,47", -148_147), ("(1,481.47)", -148_147),
    ("1 481,47-", -148_147), ("12,5", 1250), ("0.05", 5)])
def test_worked_amounts(text, cents):
    assert to_cents(text) == cents


@pytest.mark.parametrize("text", ["1.481", "1,481", "12.345", "999,999"])
def test_three_digits_after_one_separator_are_refused_not_guessed(text):
    with pytest.raises(AmbiguousFormatError, match="decimal="):
        to_cents(text)
    # the silent 1000x error: once the separator is named as the thousands one, exact
    thousands = "." if "." in text else ","
    assert to_cents(text, decimal="," if thousands == "." else ".") == int(text.replace(thousands, "")) * 100


def test_one_settling_cell_decides_the_column():
    assert read_amounts(["1.481", "2.000", "12,50"]).values == [148_100, 200_000, 1250]
    assert read_amounts(["1,481", "2,000", "12.50"]).values == [148_100, 200_000, 1250]
    # two conventions mixed: a cell that reads one way only is sure, a cell that reads two ways is refused
    assert read_amounts(["1.481,00", "1,481.00", "3,50"]).values == [148_100, 148_100, 350]
    reading = read_amounts(["1.481", "1,481.00", "3,50"])
    assert reading.values[1:] == [148_100, 350] and set(reading.errors) == {0} and "ambigu" in reading.errors[0]
    assert read_amounts(["1.481", "1,481.00"], decimal=",").errors.keys() == {1}  # the caller's word is final


def test_amounts_too_large_or_not_numbers_are_cell_errors_not_tracebacks():
    reading = read_amounts(["1e30", "10" * 12, "NaN", "Infinity", float("nan"), float("inf"), 10**20, "12,00"])
    assert reading.values[-1] == 1200
    assert set(reading.errors) == {0, 1, 2, 3, 5, 6} and reading.values[4] is None  # a NaN float is an empty cell


def test_amounts_in_text_for_the_fact_checker():
    assert amounts_in_text("Solde dû : 1 481,47 € (dont 40,00 € d'indemnité), soit 1 521,47 €.") == \
        [148_147, 4000, 152_147]
    assert amounts_in_text("Balance: €1,481.47 and 12.50 EUR") == [148_147, 1250]
    with pytest.raises(AmbiguousFormatError):
        amounts_in_text("Reste 1.481 € à payer")
    assert amounts_in_text("Reste 1.481 € à payer", decimal=",") == [148_100]


# ------------------------------------------------------------------------------------- dates

def _write_date(day: dt.date, order: str, sep: str, pad: bool, short_year: bool) -> str:
    d, m = (f"{day.day:02d}", f"{day.month:02d}") if pad else (str(day.day), str(day.month))
    y = f"{day.year % 100:02d}" if short_year else str(day.year)
    if order == "AMJ":
        return f"{day.year}-{day.month:02d}-{day.day:02d}"
    return sep.join([d, m, y] if order == "JMA" else [m, d, y])


date_columns = st.tuples(
    st.lists(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31)), min_size=1, max_size=8),
    st.sampled_from(["JMA", "MJA", "AMJ"]), st.sampled_from(["/", ".", "-"]), st.booleans(), st.booleans())


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(date_columns)
def test_any_date_column_reads_back_exactly_or_is_declared_ambiguous(column):
    days, order, sep, pad, short_year = column
    texts = [_write_date(d, order, sep, pad, short_year) for d in days]
    try:
        values, errors, _ = read_dates(texts)
    except AmbiguousFormatError as err:
        assert order != "AMJ" and all(d.day <= 12 for d in days) and "date_order=" in str(err)
    else:
        assert (values, errors) == (days, {})
    assert read_dates(texts, date_order=order)[:2] == (days, {})


def test_dates_swapped_between_rows_are_refused():
    with pytest.raises(AmbiguousFormatError, match="inversés"):
        read_dates(["25/02/2026", "02/25/2026"])
    reading = read_dates(["25/02/2026", "02/25/2026"], date_order="JMA")
    assert reading.values[0] == dt.date(2026, 2, 25) and set(reading.errors) == {1}


def _us_open_items(tmp_path, n=900):
    """The issue's case: an open-items file with US dates and amounts, read with a mapping."""
    rng = random.Random(14)
    lines, truth = ["Customer;Invoice;Due;Open amount"], []
    for k in range(n):
        due = dt.date(2013, 1, 1) + dt.timedelta(days=rng.randrange(365))
        cents = rng.randrange(1, 10**8)
        lines.append(f"C{k % 40};INV{k};{due.month}/{due.day}/{due.year};{cents // 100:,}.{cents % 100:02d}")
        truth.append((due, cents))
    path = tmp_path / "us_open_items.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, truth


def test_us_dates_in_open_items_are_read_right_never_swapped(tmp_path):
    path, truth = _us_open_items(tmp_path)
    mapping = {"customer_id": "Customer", "document_id": "Invoice", "due_date": "Due", "amount": "Open amount"}
    result = read_open_items(path, mapping=mapping, on_error="report")
    assert not result.rejected and len(result.data) == len(truth)
    assert [d.date() for d in result.data["due_date"]] == [d for d, _ in truth]
    assert result.data["amount_cents"].tolist() == [c for _, c in truth]
    assert any("américain" in n for n in result.notes)
    # saying the wrong order rejects the impossible rows one by one, never swaps them
    wrong = read_open_items(path, mapping=mapping, on_error="report", date_order="JMA")
    kept = {r: d for r, d in zip(wrong.data["source_row"], wrong.data["due_date"])}
    assert all(kept[r].date() == truth[r - 2][0] for r in kept if truth[r - 2][0].day == truth[r - 2][0].month)
    assert all(truth[r - 2][0].day <= 12 for r in kept)


def test_ambiguous_history_is_refused_until_the_order_is_given(tmp_path):
    path = tmp_path / "h.csv"
    path.write_text("Client;Facture;Date facture;Échéance;Montant;Date de règlement\n"
                    "C1;F1;03/04/2026;03/05/2026;1.481;\n", encoding="utf-8")
    with pytest.raises(AmbiguousFormatError) as err:
        read_invoice_history(path)
    assert "date_order=" in str(err.value) and "03/04/2026" in str(err.value)
    with pytest.raises(AmbiguousFormatError, match="decimal="):
        read_invoice_history(path, date_order="JMA")
    data = read_invoice_history(path, date_order="JMA", decimal=",").data
    assert data["amount_cents"].tolist() == [148_100]
    assert data["invoice_date"].iloc[0].date() == dt.date(2026, 4, 3)
