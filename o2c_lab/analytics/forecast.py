"""Probable collections over the next weeks (13 by default), with a low / expected / high band.

Each open item gets an expected payment date from what the ledger shows:

- the customer's usual delay (recent delay if known, else the average; drift extrapolated to the
  item's due date) added to the due date; an item already later than that is expected soon
  (within a week or the customer's spread);
- a promise to pay still running sets the date (pushed back in the low scenario when the
  customer keeps few promises);
- an overdue invoice without the customer's PO number: paid about a month after re-issue;
- an open dispute: nothing expected (high scenario: paid after about 45 days of resolution);
- a customer under collective proceedings or at critical risk: nothing expected (high scenario:
  critical customers without proceedings pay late);
- unapplied cash of the customer is taken as already paid: its oldest items bring no new cash.

Low / high scenarios move each date by one spread of the customer's delays (and drop élevé-risk
customers from the low scenario); a week's band « bas » / « haut » is the lowest / highest of the
three scenarios that week, so bas ≤ attendu ≤ haut. A duplicate invoice brings nothing. :func:`wape` scores a forecast against actual weekly cash:
Σ |actual − forecast| / Σ actual, per week (not a net error where weeks offset each other).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .aging import AgedBalance, _days, _open_dispute

__all__ = ["FORECAST_RULES", "CollectionForecast", "collection_forecast", "weekly_actuals", "wape"]

FORECAST_RULES = {
    "weeks": 13,
    "overdue_wait_days": 7,        # an item later than usual is expected within this many days
    "dispute_resolution_days": 45,
    "min_spread_days": 5.0,
    "max_drift_months": 3.0,       # drift extrapolated at most this far
    "reissue_days": 30,            # an overdue invoice without the customer's PO: paid after re-issue
}


@dataclass
class CollectionForecast:
    """Per-item expected dates (``items``) and weekly totals (``weekly``: low, expected, high and
    the naive "paid at due date" forecast, int cents)."""

    as_of: dt.date
    items: pd.DataFrame
    weekly: pd.DataFrame


def _week_index(dates: np.ndarray, day: np.datetime64, weeks: int) -> np.ndarray:
    """Week number 0..weeks-1 of each date (week k covers days 7k+1 .. 7k+7 after ``day``), -1 outside."""
    delta = (dates - day).astype("timedelta64[D]").astype(np.int64)
    idx = (delta - 1) // 7
    idx[np.isnat(dates)] = -1
    return np.where((delta >= 1) & (idx < weeks), idx, -1)


def _weekly(amount: np.ndarray, week: np.ndarray, weeks: int) -> np.ndarray:
    ok = week >= 0
    return np.bincount(week[ok], weights=amount[ok], minlength=weeks).round().astype(np.int64)


def collection_forecast(aged: AgedBalance, behaviour: pd.DataFrame, risk: pd.DataFrame, *,
                        promises: pd.DataFrame | None = None, disputes: pd.DataFrame | None = None,
                        invoices: pd.DataFrame | None = None,
                        weeks: int = FORECAST_RULES["weeks"]) -> CollectionForecast:
    """Forecast the cash to come from the open items of ``aged`` (see the module docstring)."""
    day = np.datetime64(aged.as_of, "D")
    all_items = aged.items
    items = all_items.loc[~all_items["unapplied"]].copy().sort_values(["customer_id", "due_date"])
    # unapplied cash: the customer's oldest items are taken as already paid
    cash = (-all_items.loc[all_items["unapplied"]].groupby("customer_id")["residual_cents"].sum())
    before = items.groupby("customer_id")["residual_cents"].cumsum() - items["residual_cents"]
    avail = items["customer_id"].map(cash).fillna(0).to_numpy()
    covered = np.clip(avail - before.to_numpy(), 0, items["residual_cents"].to_numpy())
    items["to_collect_cents"] = items["residual_cents"].to_numpy() - covered.astype(np.int64)

    b = behaviour.reindex(items["customer_id"])
    usual = b["recent_delay"].fillna(b["mean_delay"])
    fallback = float(behaviour["mean_delay"].median()) if behaviour["mean_delay"].notna().any() else 0.0
    usual = usual.fillna(fallback).to_numpy()
    spread = np.maximum(b["sd_delay"].fillna(FORECAST_RULES["min_spread_days"]).to_numpy(),
                        FORECAST_RULES["min_spread_days"])
    due = items["due_date"].to_numpy().astype("datetime64[D]")
    months_ahead = np.clip((due - day).astype(np.int64) / 30.44, 0, FORECAST_RULES["max_drift_months"])
    drift = np.where(b["drift"].fillna(False).to_numpy(dtype=bool),
                     b["slope_days_per_month"].fillna(0).clip(lower=0).to_numpy() * months_ahead, 0)
    delay = np.maximum(usual + drift, 0)

    def expected_date(shift_days, wait):
        date = due + np.round(delay + shift_days).astype("timedelta64[D]")
        return np.where(date <= day, day + np.round(wait).astype("timedelta64[D]"), date)

    wait = FORECAST_RULES["overdue_wait_days"]
    exp = expected_date(0, np.full(len(items), wait))
    low = expected_date(spread, np.maximum(spread, 2 * wait))
    high = expected_date(-np.minimum(spread, delay), np.ones(len(items)))
    note = np.array(["comportement du client"] * len(items), dtype=object)

    level = risk["level"].reindex(items["customer_id"]).fillna("normal").to_numpy()
    signals = risk["signals"].reindex(items["customer_id"]).to_numpy()
    proceedings = np.array([isinstance(s, list) and "bodacc" in s for s in signals])
    amount = items["to_collect_cents"].to_numpy().astype(float)
    exp_amt, low_amt, high_amt = amount.copy(), amount.copy(), amount.copy()

    if promises is not None and len(promises):
        status = promises["status"].fillna("").astype(str).str.lower()
        running = promises.loc[status.str.contains("cours") & (_days(promises["promised_date"]) > day)]
        promised = {}
        for r in running.itertuples(index=False):
            for inv in str(r.invoice_ids).split(","):
                if inv.strip():
                    promised[inv.strip()] = np.datetime64(pd.Timestamp(r.promised_date).date(), "D")
        hit = items["document_id"].map(promised).to_numpy()
        has = pd.notna(hit)
        if has.any():
            kept = b["promise_kept_rate"].fillna(0.7).to_numpy()
            pdate = hit[has].astype("datetime64[D]")
            exp[has], high[has] = pdate, pdate
            low[has] = pdate + np.where(kept[has] < 0.5, 14, 0).astype("timedelta64[D]")
            note[has] = "promesse de paiement en cours"
    if invoices is not None and "customer_po" in invoices:
        no_po = set(invoices.loc[invoices["customer_po"].fillna("").astype(str).str.strip() == "", "invoice_id"])
        blocked = items["document_id"].isin(no_po).to_numpy() & (due < day)
        reissued = day + np.timedelta64(FORECAST_RULES["reissue_days"], "D")
        exp[blocked] = low[blocked] = reissued
        note[blocked] = "facture sans n° de commande : payée après réédition"
    if disputes is not None and len(disputes):
        d = disputes.loc[(_days(disputes["opened_on"]) <= day) & _open_dispute(disputes["status"]).to_numpy()]
        disputed = items["document_id"].isin(set(d["invoice_id"].astype(str))).to_numpy()
        exp_amt[disputed] = low_amt[disputed] = 0
        high[disputed] = day + np.timedelta64(FORECAST_RULES["dispute_resolution_days"], "D")
        note[disputed] = "litige ouvert : rien d'attendu avant sa résolution"
    critical = level == "critique"
    exp_amt[critical] = low_amt[critical] = 0
    high_amt[proceedings] = 0
    note[critical] = "risque critique : rien d'attendu"
    note[proceedings] = "procédure collective : rien d'attendu hors déclaration de créance"
    low_amt[level == "élevé"] = 0
    if "status" in items:  # a duplicate is cancelled by a credit note: no cash in any scenario
        dup = items["status"].to_numpy() == "duplicate"
        exp_amt[dup] = low_amt[dup] = high_amt[dup] = 0
        note[dup] = "doublon à annuler par avoir : rien d'attendu"

    naive_date = np.maximum(due, day + np.timedelta64(1, "D"))
    items["expected_date"] = exp.astype("datetime64[s]")
    items["low_date"] = low.astype("datetime64[s]")
    items["high_date"] = high.astype("datetime64[s]")
    items["expected_cents"] = exp_amt.astype(np.int64)
    items["basis"] = note
    wk = {name: _week_index(dates, day, weeks) for name, dates in
          (("exp", exp), ("low", low), ("high", high), ("naive", naive_date))}
    start = [pd.Timestamp(day + np.timedelta64(7 * k + 1, "D")) for k in range(weeks)]
    # The band of a week spans its three scenarios: bas ≤ attendu ≤ haut by construction (a
    # scenario moves cash between weeks, so its own weekly sum may fall on either side).
    scenarios = np.vstack([_weekly(low_amt, wk["low"], weeks), _weekly(exp_amt, wk["exp"], weeks),
                           _weekly(high_amt, wk["high"], weeks)])
    weekly = pd.DataFrame({
        "week": np.arange(1, weeks + 1),
        "from": start,
        "to": [s + pd.Timedelta(days=6) for s in start],
        "low_cents": scenarios.min(axis=0),
        "expected_cents": scenarios[1],
        "high_cents": scenarios.max(axis=0),
        "naive_cents": _weekly(items["residual_cents"].to_numpy().astype(float), wk["naive"], weeks),
    })
    return CollectionForecast(aged.as_of, items.reset_index(drop=True), weekly)


def weekly_actuals(forecast: CollectionForecast, payments: pd.DataFrame) -> np.ndarray:
    """Actual cash per forecast week from a payments table (``invoice_id``, ``paid_on``,
    ``amount_cents``), counting only the items open at the forecast date."""
    day = np.datetime64(forecast.as_of, "D")
    weeks = len(forecast.weekly)
    sel = payments.loc[payments["invoice_id"].isin(set(forecast.items["document_id"]))]
    week = _week_index(sel["paid_on"].to_numpy().astype("datetime64[D]"), day, weeks)
    return _weekly(sel["amount_cents"].to_numpy().astype(float), week, weeks)


def wape(actual, forecast) -> float:
    """Weighted absolute percentage error: Σ |actual − forecast| / Σ actual (per period)."""
    actual = np.asarray(actual, dtype=np.int64)
    forecast = np.asarray(forecast, dtype=np.int64)
    total = int(actual.sum())
    if total <= 0:
        return float("nan")
    return float(np.abs(actual - forecast).sum() / total)
