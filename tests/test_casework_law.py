"""Legal computations on the worked examples of the domain notes (section 4), rates as parameters."""

import datetime as dt
from decimal import Decimal

import pytest

from o2c_lab import law
from o2c_lab.errors import InvalidParameterError

D = dt.date


def test_due_dates_worked_example():
    inv = D(2026, 1, 10)
    assert law.due_date(inv, "30J") == D(2026, 2, 9)
    assert law.due_date(inv, "60J") == D(2026, 3, 11)
    assert law.due_date(inv, "45FDM", fdm_method="a") == D(2026, 2, 28)
    assert law.due_date(inv, "45FDM", fdm_method="b") == D(2026, 3, 17)
    # Reading (b) lands after the 60-day cap: the exercise of the notes.
    assert law.due_date(inv, "45FDM", fdm_method="b") > law.legal_cap_date(inv)


def test_penalty_worked_example_12000_eur():
    # 12 000 € TTC due 15/01/2026 paid 16/03/2026: 60 days at 12,15 % -> 239,67 € (+ 40 €).
    rates = {D(2025, 6, 11): Decimal("2.15")}
    periods = law.late_penalty(1_200_000, D(2026, 1, 15), D(2026, 3, 16), ecb_rates=rates)
    assert [p.days for p in periods] == [60]
    assert periods[0].rate_pct == Decimal("12.15")
    hand = Decimal("12000") * Decimal("0.1215") * 60 / 365
    assert law.late_penalty_cents(1_200_000, D(2026, 1, 15), D(2026, 3, 16), ecb_rates=rates) == 23_967
    assert abs(hand - Decimal("239.67")) < Decimal("0.005")
    assert law.recovery_indemnity_cents(1) == 4_000


def test_penalty_rate_changes_only_on_semester_start():
    # A rate change in March does not apply before 1 July; the July rate governs H2.
    rates = {D(2025, 1, 1): Decimal("3.00"), D(2026, 3, 1): Decimal("1.00")}
    assert law.penalty_rate(D(2026, 5, 31), rates) == Decimal("13.00")
    assert law.penalty_rate(D(2026, 7, 1), rates) == Decimal("11.00")
    periods = law.late_penalty(1_000_000, D(2026, 6, 20), D(2026, 7, 10), ecb_rates=rates)
    assert [(p.first_day, p.last_day, p.days, p.rate_pct) for p in periods] == [
        (D(2026, 6, 21), D(2026, 6, 30), 10, Decimal("13.00")),
        (D(2026, 7, 1), D(2026, 7, 10), 10, Decimal("11.00"))]
    expected = (Decimal(10_000) * Decimal("0.13") * 10 + Decimal(10_000) * Decimal("0.11") * 10) / 365
    assert law.late_penalty_cents(1_000_000, D(2026, 6, 20), D(2026, 7, 10), ecb_rates=rates) == \
        int((expected * 100).quantize(Decimal(1), rounding="ROUND_HALF_UP"))


def test_contractual_rate_floor_three_times_legal_rate():
    legal = {D(2026, 1, 1): Decimal("2.62")}
    periods = law.late_penalty(100_000, D(2026, 2, 1), D(2026, 2, 11), contractual_rate_pct=Decimal("5"),
                               legal_rates=legal)
    assert periods[0].rate_pct == Decimal("7.86")  # 3 × 2,62 %
    periods = law.late_penalty(100_000, D(2026, 2, 1), D(2026, 2, 11), contractual_rate_pct=Decimal("15"),
                               legal_rates=legal)
    assert periods[0].rate_pct == Decimal("15")


def test_no_penalty_when_paid_on_time_and_moratorium_interest():
    assert law.late_penalty_cents(500_000, D(2026, 3, 1), D(2026, 3, 1)) == 0
    rates = {D(2025, 6, 11): Decimal("2.15")}
    # Public buyer: ECB + 8 = 10,15 % over 30 days on 10 000 €.
    hand = Decimal(10_000) * Decimal("0.1015") * 30 / 365
    assert law.moratorium_interest_cents(1_000_000, D(2026, 2, 1), D(2026, 3, 3), ecb_rates=rates) == \
        int((hand * 100).quantize(Decimal(1), rounding="ROUND_HALF_UP"))


def test_indemnity_and_collective_proceedings():
    assert law.recovery_indemnity_cents(3) == 12_000
    assert law.recovery_indemnity_cents(3, collective_proceedings=True) == 0
    with pytest.raises(InvalidParameterError):
        law.recovery_indemnity_cents(-1)


def test_claim_deadlines():
    bodacc = D(2026, 12, 9)
    assert law.claim_declaration_deadline(bodacc) == D(2027, 2, 9)
    assert law.claim_declaration_deadline(bodacc, abroad=True) == D(2027, 4, 9)
    assert law.foreclosure_relief_deadline(bodacc) == D(2027, 6, 9)
    assert law.claim_declaration_deadline(D(2026, 12, 31)) == D(2027, 2, 28)  # clipped month end


def test_rate_table_must_cover_the_date():
    with pytest.raises(InvalidParameterError, match="Aucun taux"):
        law.penalty_rate(D(2020, 1, 10))


def test_mention_fine_cap():
    assert law.mention_fine_cents(1, 1_000_000) == 1_500
    assert law.mention_fine_cents(4, 10_000) == 2_500  # 25 % of 100 € caps 4 × 15 €
