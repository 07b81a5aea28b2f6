"""Aged balance (balance âgée) reconstructed from the 411 sub-ledger at any as-of date.

The ledger is read as the ERP keeps it: debit rows for invoices, credit rows for credit notes and
receipts, a lettering code on rows whose group nets to zero, ``applied_to`` on partial receipts.
At an as-of date:

- entries dated after the date are ignored;
- a lettering dated after the date is undone (its rows are open again), as the OCA aged partner
  balance adds back reconciliations whose date is after the as-of date;
- an unlettered credit with ``applied_to`` reduces that invoice's residual (any excess and any
  credit applied to nothing stays as *unapplied cash*, shown in its own column).

Every customer's buckets therefore sum to its ledger balance (Σ debit − Σ credit to the date),
which :meth:`AgedBalance.check` verifies to the cent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import InvalidParameterError

__all__ = [
    "company_open_items",
    "DEFAULT_BUCKETS",
    "UNAPPLIED_COLUMN",
    "AgedBalance",
    "bucket_labels",
    "open_items_at",
    "with_due_dates",
    "age_open_items",
    "aged_balance",
]

#: Upper bounds (days past due) of the default buckets: non échu, 1–30, 31–60, 61–90, > 90.
DEFAULT_BUCKETS: tuple[int, ...] = (0, 30, 60, 90)
#: Column of the aged balance holding unapplied credits (receipts or credit notes applied to nothing).
UNAPPLIED_COLUMN = "Non affecté"

_LEDGER_COLUMNS = ("customer_id", "entry_date", "document_id", "document_type",
                   "debit_cents", "credit_cents", "applied_to", "lettering", "lettering_date")


def bucket_labels(bounds=DEFAULT_BUCKETS) -> list[str]:
    """French labels of the buckets defined by ``bounds`` (first bound 0 = not yet due)."""
    bounds = _check_bounds(bounds)
    labels = ["Non échu"]
    for low, high in zip(bounds[:-1], bounds[1:]):
        labels.append(f"{low + 1}-{high} j")
    labels.append(f"> {bounds[-1]} j")
    return labels


def _check_bounds(bounds) -> tuple[int, ...]:
    bounds = tuple(int(b) for b in bounds)
    if not bounds or bounds[0] != 0 or any(b <= a for a, b in zip(bounds, bounds[1:])):
        raise InvalidParameterError(
            f"Tranches d'âge invalides : {bounds}.",
            valid="des bornes croissantes commençant par 0, par exemple (0, 30, 60, 90)",
            todo="la première borne sépare le non échu des retards ; corrigez la liste")
    return bounds


def _day(value) -> np.datetime64:
    try:
        return np.datetime64(pd.Timestamp(value).date(), "D")
    except (TypeError, ValueError):
        raise InvalidParameterError(f"Date d'arrêté illisible : « {value} ».",
                                    valid="une date, par exemple 14/12/2026 ou date(2026, 12, 14)") from None


def _require(frame: pd.DataFrame, columns, what: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InvalidParameterError(
            f"Colonnes absentes de la table {what} : {', '.join(missing)}.",
            valid=", ".join(columns),
            todo="passez la table du grand livre clients (compte 411) avec ces colonnes")


def _days(values) -> np.ndarray:
    return pd.to_datetime(pd.Series(values)).to_numpy().astype("datetime64[D]")


def company_open_items(company, as_of=None) -> pd.DataFrame:
    """Open items of a generated company at ``as_of`` (default: its case date): a view on
    :func:`o2c_lab.analytics.position.receivable_position` (credit notes and escomptes applied to
    their invoice, ``status`` of each line), in the format of :func:`open_items_at`."""
    from .position import receivable_position

    return receivable_position(company, as_of).open_items()


def open_items_at(ledger: pd.DataFrame, as_of, due_dates: pd.DataFrame | None = None) -> pd.DataFrame:
    """Open items of the 411 ledger as they stood at ``as_of``.

    Args:
        ledger: the ``ar_ledger`` table (schema columns).
        as_of: the as-of date; later entries are ignored and later letterings undone.
        due_dates: optional table ``document_id``/``due_date`` (for the company: the invoices'
            ``invoice_id``/``due_date``). Instead, the ledger may carry its own ``due_date``
            column (see :func:`with_due_dates`). A debit without a due date falls due on its
            entry date.

    Returns:
        One row per open debit (``residual_cents`` > 0) and per unapplied credit
        (``residual_cents`` < 0, ``unapplied`` True): ``customer_id``, ``document_id``,
        ``document_type``, ``entry_date``, ``due_date``, ``amount_cents``, ``residual_cents``,
        ``unapplied``.
    """
    _require(ledger, _LEDGER_COLUMNS, "ar_ledger")
    day = _day(as_of)
    entry = _days(ledger["entry_date"])
    booked = entry <= day
    carried = due_dates is None and "due_date" in ledger.columns
    book = ledger.loc[booked, list(_LEDGER_COLUMNS) + (["due_date"] if carried else [])]
    book["_entry"] = entry[booked]
    book["_debit"] = book["debit_cents"].to_numpy(dtype=np.int64)
    book["_credit"] = book["credit_cents"].to_numpy(dtype=np.int64)

    closed = _lettering(ledger, booked, day)[0][booked]
    live = book.loc[~closed]

    debits = live.loc[live["_debit"] > live["_credit"]]
    credits = live.loc[live["_debit"] <= live["_credit"]]
    items = pd.DataFrame({
        "customer_id": debits["customer_id"].astype(str).to_numpy(),
        "document_id": debits["document_id"].astype(str).to_numpy(),
        "document_type": debits["document_type"].astype(str).to_numpy(),
        "entry_date": debits["_entry"].to_numpy(),
        "amount_cents": (debits["_debit"] - debits["_credit"]).to_numpy(),
    })
    items["residual_cents"] = items["amount_cents"].to_numpy()
    if carried:
        items["_due"] = _days(debits["due_date"])

    # Apply unlettered credits to the debit they name (same customer), in booking order; what
    # exceeds the debit's residual, and any credit naming nothing open, is unapplied cash.
    credit_amount = (credits["_credit"] - credits["_debit"]).to_numpy()
    target = credits["applied_to"].fillna("").astype(str).to_numpy()
    unapplied_amount = credit_amount.copy()
    if len(credits) and len(items):
        item_key = items["customer_id"] + "\x1f" + items["document_id"]
        first = np.flatnonzero(~item_key.duplicated().to_numpy())  # a document booked twice: first debit
        pos = pd.Index(item_key.to_numpy()[first]).get_indexer(
            credits["customer_id"].astype(str).to_numpy() + "\x1f" + target)
        hit = (pos >= 0) & (target != "")
        rows = np.flatnonzero(hit)
        rows = rows[np.argsort(credits["_entry"].to_numpy()[rows], kind="stable")]
        where = first[pos[rows]]
        amount = credit_amount[rows]
        residual = items["residual_cents"].to_numpy().copy()
        cum_before = pd.Series(amount).groupby(where).cumsum().to_numpy() - amount
        applied = np.clip(residual[where] - cum_before, 0, amount)
        unapplied_amount[rows] = amount - applied
        np.subtract.at(residual, where, applied)
        items["residual_cents"] = residual

    keep = unapplied_amount > 0
    unapplied = pd.DataFrame({
        "customer_id": credits["customer_id"].astype(str).to_numpy()[keep],
        "document_id": credits["document_id"].astype(str).to_numpy()[keep],
        "document_type": credits["document_type"].astype(str).to_numpy()[keep],
        "entry_date": credits["_entry"].to_numpy()[keep],
        "amount_cents": -credit_amount[keep],
        "residual_cents": -unapplied_amount[keep],
    })
    items = items.loc[items["residual_cents"] > 0]
    if carried:
        due = items.pop("_due").to_numpy().astype("datetime64[D]")
    elif due_dates is not None and len(items):
        _require(due_dates, ("document_id", "due_date"), "des échéances")
        due = _lookup_dates(due_dates["document_id"], due_dates["due_date"], items["document_id"])
    else:
        due = np.full(len(items), np.datetime64("NaT"), dtype="datetime64[D]")
    items = items.assign(due_date=np.where(np.isnat(due), items["entry_date"].to_numpy(), due),
                         unapplied=False)
    unapplied = unapplied.assign(due_date=unapplied["entry_date"].to_numpy(), unapplied=True)
    out = pd.concat([items, unapplied], ignore_index=True)
    for col in ("entry_date", "due_date"):
        out[col] = pd.to_datetime(out[col]).astype("datetime64[s]")
    out["amount_cents"] = out["amount_cents"].astype(np.int64)
    out["residual_cents"] = out["residual_cents"].astype(np.int64)
    return out


def _lookup_dates(keys: pd.Series, dates: pd.Series, wanted: pd.Series) -> np.ndarray:
    """``dates`` of ``wanted`` keys (first occurrence of a duplicated key; NaT when absent).

    One factorisation of both key lists (a single hashing pass: millions of rows stay fast)."""
    n = len(keys)
    codes, uniques = pd.factorize(np.concatenate([keys.to_numpy(dtype=object), wanted.to_numpy(dtype=object)]))
    first = np.full(len(uniques), -1, dtype=np.int64)
    first[codes[:n][::-1]] = np.arange(n - 1, -1, -1)  # the last write is the first occurrence
    pos = first[codes[n:]]
    values = _days(dates)
    return np.where(pos >= 0, values[np.maximum(pos, 0)], np.datetime64("NaT"))


def with_due_dates(ledger: pd.DataFrame, due_dates: pd.DataFrame) -> pd.DataFrame:
    """The ledger with a ``due_date`` column looked up once from ``due_dates``
    (``document_id``/``due_date``): reconstructing at several dates then costs no lookup."""
    _require(due_dates, ("document_id", "due_date"), "des échéances")
    out = ledger.copy()
    debit = ledger["debit_cents"].to_numpy(dtype=np.int64) > ledger["credit_cents"].to_numpy(dtype=np.int64)
    due = np.full(len(ledger), np.datetime64("NaT"), dtype="datetime64[D]")
    due[debit] = _lookup_dates(due_dates["document_id"], due_dates["due_date"], ledger["document_id"][debit])
    out["due_date"] = due.astype("datetime64[s]")  # credits have no due date
    return out


def _is(values: pd.Series, value: str) -> np.ndarray:
    """Elementwise ``values == value`` on the raw objects (fast on millions of rows)."""
    return values.to_numpy(dtype=object) == value


def _lettering(ledger: pd.DataFrame, booked: np.ndarray, day: np.datetime64) -> tuple[np.ndarray, np.ndarray]:
    """Lettering of the whole ledger at ``day``: ``(closed, key)`` over all rows.

    ``key`` numbers each (customer, lettering code) group (-1: not lettered). A row is
    ``closed`` when it is booked by ``day`` and its group is closed then: lettered by then, every
    row of the group booked by then, netting to zero. Any other lettering is undone at that date.
    """
    letter = ledger["lettering"].fillna("").astype(str).to_numpy(dtype=object)
    lettered = letter != ""
    key = np.full(len(ledger), -1, dtype=np.int64)
    closed = np.zeros(len(ledger), dtype=bool)
    if not lettered.any():
        return closed, key
    cust_code = pd.factorize(ledger["customer_id"].to_numpy(dtype=object)[lettered])[0].astype(np.int64)
    letter_code = pd.factorize(letter[lettered])[0].astype(np.int64)
    group = np.unique(cust_code * (int(letter_code.max()) + 1) + letter_code, return_inverse=True)[1]
    key[lettered] = group
    inside = booked[lettered]
    let_day = _days(ledger["lettering_date"])[lettered]
    net = (ledger["debit_cents"].to_numpy(dtype=np.int64) - ledger["credit_cents"].to_numpy(dtype=np.int64))[lettered]
    n_groups = int(group.max()) + 1
    rows_all = np.bincount(group, minlength=n_groups)
    rows_booked = np.bincount(group, weights=inside, minlength=n_groups)
    # float sums of int cents are exact below 2**53 cents (90 000 billion euros)
    net_booked = np.bincount(group, weights=np.where(inside, net, 0), minlength=n_groups)
    late = np.bincount(group, weights=inside & ~(let_day <= day), minlength=n_groups)  # NaT: not lettered
    ok = (rows_all == rows_booked) & (net_booked == 0) & (late == 0)
    closed[lettered] = ok[group] & inside
    return closed, key


def age_open_items(items: pd.DataFrame, as_of, bounds=DEFAULT_BUCKETS) -> pd.DataFrame:
    """Add ``days_past_due`` and ``bucket`` (French label) to open items; unapplied credits get
    the bucket :data:`UNAPPLIED_COLUMN`."""
    _require(items, ("customer_id", "due_date", "residual_cents"), "des postes ouverts")
    bounds = _check_bounds(bounds)
    labels = bucket_labels(bounds)
    day = _day(as_of)
    due = pd.to_datetime(items["due_date"]).to_numpy().astype("datetime64[D]")
    past = (day - due).astype(np.int64)
    idx = np.searchsorted(np.asarray(bounds), past, side="left")
    unapplied = (items["unapplied"].to_numpy(dtype=bool) if "unapplied" in items
                 else items["residual_cents"].to_numpy() < 0)
    cats = list(labels) + [UNAPPLIED_COLUMN]
    codes = np.where(unapplied, len(labels), idx)
    out = items.copy()
    out["days_past_due"] = past
    out["bucket"] = pd.Categorical.from_codes(codes, categories=cats)
    return out


@dataclass
class AgedBalance:
    """An aged balance at ``as_of``: the aged open items and the tables built from them."""

    as_of: dt.date
    items: pd.DataFrame
    by_customer: pd.DataFrame
    bounds: tuple[int, ...]

    @property
    def columns(self) -> list[str]:
        return bucket_labels(self.bounds) + [UNAPPLIED_COLUMN]

    @property
    def total_cents(self) -> int:
        return int(self.by_customer["Total"].sum())

    def by(self, column: str) -> pd.DataFrame:
        """Buckets summed by a column of ``by_customer`` (e.g. ``segment``)."""
        if column not in self.by_customer.columns:
            raise InvalidParameterError(f"Colonne de regroupement inconnue : « {column} ».",
                                        valid=", ".join(map(str, self.by_customer.columns)))
        cols = self.columns + ["Total"]
        return self.by_customer.groupby(column, observed=True)[cols].sum().astype(np.int64)

    def shares(self) -> pd.Series:
        """Share of each bucket in the gross receivables (open debits, unapplied cash excluded)."""
        gross = self.by_customer[bucket_labels(self.bounds)].sum()
        return gross / gross.sum() if gross.sum() else gross.astype(float)

    def check(self, ledger: pd.DataFrame | None = None) -> None:
        """Verify buckets sum to each customer's outstanding to the cent.

        With ``ledger``, the outstanding is recomputed independently as Σ debit − Σ credit of
        the entries dated up to ``as_of``. Raises :class:`AssertionError` naming the customers.
        """
        table = self.by_customer
        row_sum = table[self.columns].sum(axis=1)
        bad = table.index[row_sum != table["Total"]]
        if ledger is not None:
            day = _day(self.as_of)
            booked = ledger.loc[_days(ledger["entry_date"]) <= day]
            bal = (booked["debit_cents"].astype(np.int64) - booked["credit_cents"].astype(np.int64)) \
                .groupby(booked["customer_id"].astype(str)).sum()
            bal = bal.reindex(bal.index.union(table.index), fill_value=0)
            got = table["Total"].reindex(bal.index, fill_value=0)
            bad = bad.union(bal.index[bal != got])
        if len(bad):
            raise AssertionError(
                f"Balance âgée incohérente au {self.as_of:%d/%m/%Y} : les tranches ne somment pas "
                f"au solde pour {len(bad)} client(s) : {', '.join(map(str, bad[:10]))}.")


def aged_balance(items: pd.DataFrame, as_of, bounds=DEFAULT_BUCKETS,
                 customers: pd.DataFrame | None = None,
                 disputes: pd.DataFrame | None = None,
                 signals: pd.DataFrame | None = None) -> AgedBalance:
    """Aged balance of open items (from :func:`open_items_at` or an importer) at ``as_of``.

    ``by_customer`` has one column per bucket plus :data:`UNAPPLIED_COLUMN` and ``Total`` (int
    cents), the customer's ``segment`` and ``name`` when ``customers`` is given, and two flags:
    ``litige_cents`` (open items with a dispute opened by the date) and ``procedure_collective``
    (a BODACC notice published by the date).
    """
    bounds = _check_bounds(bounds)
    day = _day(as_of)
    aged = age_open_items(items, as_of, bounds)
    cols = bucket_labels(bounds) + [UNAPPLIED_COLUMN]
    disputed = np.zeros(len(aged), dtype=bool)
    if disputes is not None and len(disputes) and "document_id" in aged:
        opened = _days(disputes["opened_on"]) <= day
        open_ids = set(disputes.loc[opened & _open_dispute(disputes["status"]), "invoice_id"].astype(str))
        disputed = aged["document_id"].astype(str).isin(open_ids).to_numpy() & \
            (aged["residual_cents"].to_numpy() > 0)
    aged["disputed"] = disputed
    # customer × bucket sums with integer codes (exact: float sums of int cents below 2**53)
    codes, customers_seen = pd.factorize(aged["customer_id"].to_numpy(dtype=object), sort=True)
    bucket = aged["bucket"].cat.codes.to_numpy().astype(np.int64)
    residual = aged["residual_cents"].to_numpy(dtype=np.int64)
    n = len(customers_seen)
    sums = np.bincount(codes * len(cols) + bucket, weights=residual, minlength=n * len(cols))
    table = pd.DataFrame(sums.reshape(n, len(cols)).round().astype(np.int64), columns=cols,
                         index=pd.Index(customers_seen, name="customer_id"))
    table["Total"] = table[cols].sum(axis=1)
    table["litige_cents"] = np.bincount(codes[disputed], weights=residual[disputed], minlength=n) \
        .round().astype(np.int64)
    table = table.loc[(table[cols] != 0).any(axis=1)]
    procedure = set()
    if signals is not None and len(signals):
        bodacc = (signals["source"].astype(str).str.upper() == "BODACC") & \
            (_days(signals["published_on"]) <= day)
        procedure = set(signals.loc[bodacc, "customer_id"].astype(str))
    table["procedure_collective"] = table.index.isin(list(procedure))
    if customers is not None:
        info = customers.drop_duplicates("customer_id").set_index("customer_id")
        for col in ("name", "segment"):
            if col in info:
                table[col] = table.index.map(info[col])
    table.index.name = "customer_id"
    return AgedBalance(pd.Timestamp(day).date(), aged, table, bounds)


def _open_dispute(status: pd.Series) -> pd.Series:
    """True for a dispute still open (the register's status, whatever its exact spelling)."""
    text = status.fillna("").astype(str).str.lower()
    closed = text.str.contains("résolu|resolu|avoir|clos|ferm", regex=True)
    return ~closed
