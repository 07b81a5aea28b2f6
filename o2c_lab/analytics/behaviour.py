"""Payment behaviour per customer, read from the 411 ledger as it stood at a date.

- :func:`settled_invoices`: each invoice paid by the date, with its payment date (the last
  receipt of its lettering group, or the receipt that completed it when receipts name it) and its
  delay after the due date;
- :func:`payment_behaviour`: per customer, average and spread of the delay, days from invoice
  to payment (habit: "pays at N days whatever the terms"), trend and drift, lateness of the items
  still open, and reliability of promises.

Drift is detected on the delays of the last months against the customer's earlier delays. Items
still open and already later than usual count as observations at their current lateness (a lower
bound of their final delay): without them a customer who stops paying would look punctual.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .aging import _day, _days, _is, _lettering, _lookup_dates, _require, open_items_at

__all__ = ["DRIFT_RULES", "settled_invoices", "payment_behaviour", "company_behaviour"]

#: Thresholds of the drift detection (days, months) — shown to trainees with the result.
DRIFT_RULES = {
    "recent_months": 5,         # the "recent" window
    "min_increase_days": 10.0,  # recent mean delay − earlier mean delay
    "min_slope_days_per_month": 1.5,
    "min_recent_payments": 3,   # invoices paid within the recent window
    "min_increase_spreads": 1.5,  # increase ≥ this many spreads of the earlier delays (at least 4 days)
}


def settled_invoices(ledger: pd.DataFrame, as_of, due_dates: pd.DataFrame | None = None) -> pd.DataFrame:
    """Invoices fully settled by receipts at ``as_of``: ``customer_id``, ``document_id``,
    ``invoice_date``, ``due_date``, ``paid_on``, ``amount_cents``, ``delay_days`` (paid − due),
    ``days_to_pay`` (paid − invoice date), ``discount`` (settled with an early-payment discount,
    an ``escompte`` line in its lettering group). Invoices cancelled by a credit note alone are
    left out (no payment behaviour in them)."""
    _require(ledger, ("customer_id", "entry_date", "document_id", "document_type", "debit_cents",
                      "credit_cents", "applied_to", "lettering", "lettering_date"), "ar_ledger")
    day = _day(as_of)
    entry = _days(ledger["entry_date"])
    booked = entry <= day
    closed_all, key_all = _lettering(ledger, booked, day)
    book = ledger.loc[booked].reset_index(drop=True)
    closed, key = closed_all[booked], key_all[booked]
    when = entry[booked]
    if due_dates is None and "due_date" in ledger.columns:
        row_due = _days(book["due_date"])
    else:
        _require(due_dates, ("document_id", "due_date"), "des échéances")
        row_due = _lookup_dates(due_dates["document_id"], due_dates["due_date"], book["document_id"])
    debit = book["debit_cents"].to_numpy(dtype=np.int64)
    credit = book["credit_cents"].to_numpy(dtype=np.int64)
    cust = book["customer_id"].to_numpy(dtype=object)
    doc = book["document_id"].to_numpy(dtype=object)
    is_invoice = (debit > credit) & _is(book["document_type"], "facture")
    is_receipt = (credit > debit) & _is(book["document_type"], "reglement")
    frames = []
    # 1. invoices in a closed lettering group: paid on the group's last receipt
    rec = pd.Series(when[closed & is_receipt]).groupby(key[closed & is_receipt]).max()
    discounted = np.unique(key[closed & _is(book["document_type"], "escompte")])
    inv = closed & is_invoice
    frames.append(pd.DataFrame({"customer_id": cust[inv], "document_id": doc[inv], "invoice_date": when[inv],
                                "amount_cents": debit[inv] - credit[inv], "due": row_due[inv],
                                "paid_on": rec.reindex(key[inv]).to_numpy(),
                                "discount": np.isin(key[inv], discounted)}))
    # 2. unlettered invoices completed by receipts that name them
    open_inv = ~closed & is_invoice
    target = book["applied_to"].fillna("").astype(str).to_numpy(dtype=object)
    applied = ~closed & is_receipt & (target != "")
    if applied.any() and open_inv.any():
        got = pd.DataFrame({"c": cust[applied], "t": target[applied], "amt": credit[applied] - debit[applied],
                            "d": when[applied]}).groupby(["c", "t"]).agg(amt=("amt", "sum"), d=("d", "max"))
        look = pd.MultiIndex.from_arrays([cust[open_inv], doc[open_inv]])
        amount = debit[open_inv] - credit[open_inv]
        paid = got["amt"].reindex(look).to_numpy()
        done = np.nan_to_num(paid, nan=0) >= amount
        frames.append(pd.DataFrame({"customer_id": cust[open_inv][done], "document_id": doc[open_inv][done],
                                    "invoice_date": when[open_inv][done], "amount_cents": amount[done],
                                    "due": row_due[open_inv][done],
                                    "paid_on": got["d"].reindex(look).to_numpy()[done], "discount": False}))
    out = pd.concat(frames, ignore_index=True)
    out = out.loc[pd.notna(out["paid_on"])].reset_index(drop=True)
    due = out.pop("due").to_numpy().astype("datetime64[D]")
    inv_day = out["invoice_date"].to_numpy().astype("datetime64[D]")
    out["due_date"] = np.where(np.isnat(due), inv_day, due)
    paid_day = out["paid_on"].to_numpy().astype("datetime64[D]")
    out["delay_days"] = (paid_day - out["due_date"].to_numpy().astype("datetime64[D]")).astype(np.int64)
    out["days_to_pay"] = (paid_day - inv_day).astype(np.int64)
    for col in ("invoice_date", "due_date", "paid_on"):
        out[col] = pd.to_datetime(out[col]).astype("datetime64[s]")
    return out


def payment_behaviour(ledger: pd.DataFrame, as_of, due_dates: pd.DataFrame | None = None, *,
                      promises: pd.DataFrame | None = None, history_months: int = 15) -> pd.DataFrame:
    """Per customer behaviour at ``as_of`` (one row per customer seen in the ledger).

    Columns: ``n_paid`` (invoices paid without discount), ``n_discount`` (paid early with a
    discount, left out of the delay figures), ``mean_delay``, ``sd_delay``, ``median_delay``, ``share_late`` (paid
    more than 5 days after due), ``mean_days_to_pay``, ``sd_days_to_pay``, ``habit_days`` (the
    usual days-to-pay when it is steady, else NaN), ``earlier_delay`` and ``recent_delay`` (mean
    delay before / within the recent window, open late items included at their current
    lateness), ``slope_days_per_month``, ``drift`` (bool), ``max_open_days_past_due``,
    ``open_overdue_cents``, ``promises_due``, ``promises_kept``, ``promise_kept_rate``.
    """
    day = _day(as_of)
    paid = settled_invoices(ledger, day, due_dates)
    start = day - np.timedelta64(int(history_months * 30.4), "D")
    paid = paid.loc[paid["paid_on"].to_numpy().astype("datetime64[D]") >= start]
    # payments made early to earn a discount are another habit, not a delay: counted apart
    n_discount = paid.loc[paid["discount"]].groupby("customer_id").size()
    paid = paid.loc[~paid["discount"]]
    items = open_items_at(ledger, day, due_dates)
    items = items.loc[~items["unapplied"]]
    past = (day - items["due_date"].to_numpy().astype("datetime64[D]")).astype(np.int64)

    g = paid.groupby("customer_id")
    beh = pd.DataFrame({
        "n_paid": g.size(),
        "mean_delay": g["delay_days"].mean(),
        "sd_delay": g["delay_days"].std(ddof=0),
        "median_delay": g["delay_days"].median(),
        "share_late": g["delay_days"].apply(lambda s: float((s > 5).mean())),
        "mean_days_to_pay": g["days_to_pay"].mean(),
        "sd_days_to_pay": g["days_to_pay"].std(ddof=0),
    })
    customers = pd.Index(sorted(set(ledger["customer_id"].astype(str))), name="customer_id")
    beh = beh.reindex(customers)
    beh["n_paid"] = beh["n_paid"].fillna(0).astype(np.int64)
    beh["n_discount"] = n_discount.reindex(customers).fillna(0).astype(np.int64)
    steady = (beh["n_paid"] >= 4) & (beh["sd_days_to_pay"] <= 5)
    beh["habit_days"] = beh["mean_days_to_pay"].round().where(steady)

    # Observations for the trend: paid delays at their payment date, plus items that fell due in
    # the recent window and are still open later than the customer's usual delay, at their
    # current lateness (older open items say nothing about a recent change: often unmatched cash).
    recent_start = day - np.timedelta64(int(DRIFT_RULES["recent_months"] * 30.44), "D")
    usual = beh["mean_delay"].fillna(0) + beh["sd_delay"].fillna(0)
    item_due = items["due_date"].to_numpy().astype("datetime64[D]")
    late_open = (past > usual.reindex(items["customer_id"]).to_numpy() + 5) & (item_due >= recent_start)
    obs = pd.concat([
        pd.DataFrame({"customer_id": paid["customer_id"].to_numpy(),
                      "t": paid["paid_on"].to_numpy().astype("datetime64[D]"),
                      "delay": paid["delay_days"].to_numpy(dtype=float)}),
        pd.DataFrame({"customer_id": items["customer_id"].to_numpy()[late_open],
                      "t": np.full(int(late_open.sum()), day), "delay": past[late_open].astype(float)}),
    ], ignore_index=True)
    months = (obs["t"].to_numpy().astype("datetime64[D]") - day).astype(np.int64) / 30.44  # ≤ 0
    recent = months > -DRIFT_RULES["recent_months"]
    obs["x"], obs["recent"] = months, recent
    obs["paid"] = np.arange(len(obs)) < len(paid)
    go = obs.groupby("customer_id")
    n = go.size()
    sx, sy = go["x"].sum(), go["delay"].sum()
    sxx = (obs["x"] ** 2).groupby(obs["customer_id"]).sum()
    sxy = (obs["x"] * obs["delay"]).groupby(obs["customer_id"]).sum()
    den = n * sxx - sx ** 2
    slope = ((n * sxy - sx * sy) / den.where(den > 1e-9)).reindex(customers)
    rec = obs.loc[obs["recent"]].groupby("customer_id")["delay"]
    old = obs.loc[~obs["recent"]].groupby("customer_id")["delay"]
    # medians: one stray item must not make a customer look late
    beh["earlier_delay"] = old.median().reindex(customers)
    beh["recent_delay"] = rec.median().reindex(customers)
    beh["earlier_spread"] = old.std(ddof=0).reindex(customers)
    beh["n_recent"] = rec.size().reindex(customers).fillna(0).astype(np.int64)
    beh["n_recent_paid"] = obs.loc[obs["recent"] & obs["paid"]].groupby("customer_id").size() \
        .reindex(customers).fillna(0).astype(np.int64)
    beh["slope_days_per_month"] = slope
    increase = beh["recent_delay"] - beh["earlier_delay"]
    spread = beh["earlier_spread"].clip(lower=4.0)
    beh["drift"] = ((increase >= DRIFT_RULES["min_increase_days"])
                    & (increase >= DRIFT_RULES["min_increase_spreads"] * spread)
                    & (beh["slope_days_per_month"] >= DRIFT_RULES["min_slope_days_per_month"])
                    & (beh["n_recent_paid"] >= DRIFT_RULES["min_recent_payments"])).fillna(False).astype(bool)

    overdue = past > 0
    beh["max_open_days_past_due"] = pd.Series(past, index=items.index).groupby(items["customer_id"]).max() \
        .reindex(customers).fillna(0).clip(lower=0).astype(np.int64)
    beh["open_overdue_cents"] = items.loc[overdue].groupby("customer_id")["residual_cents"].sum() \
        .reindex(customers).fillna(0).astype(np.int64)
    beh["promises_due"] = 0
    beh["promises_kept"] = 0
    if promises is not None and len(promises):
        status = promises["status"].fillna("").astype(str).str.lower()
        broken = status.str.contains("non") & status.str.contains("tenu")
        kept = status.str.contains("tenu") & ~broken
        due = (_days(promises["promised_date"]) <= day) & (kept | broken).to_numpy()
        pc = promises["customer_id"].astype(str)
        beh["promises_due"] = pc[due].value_counts().reindex(customers).fillna(0).astype(np.int64)
        beh["promises_kept"] = pc[due & kept.to_numpy()].value_counts().reindex(customers).fillna(0).astype(np.int64)
    beh["promise_kept_rate"] = (beh["promises_kept"] / beh["promises_due"]).where(beh["promises_due"] > 0)
    return beh


def company_behaviour(company) -> pd.DataFrame:
    """:func:`payment_behaviour` of a generated company at its case date, on the ledger as the
    receivable position reads it (credit notes and escomptes applied to their invoice)."""
    from .position import linked_ledger

    due = company.invoices[["invoice_id", "due_date"]].rename(columns={"invoice_id": "document_id"})
    return payment_behaviour(linked_ledger(company.ar_ledger, company.credit_notes), company.as_of, due,
                             promises=company.promises)
