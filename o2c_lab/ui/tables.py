"""French display of DataFrames: 1 234,56 € for amounts, 31/12/2026 for dates, 35,4 % for ratios."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ..money import format_date, format_eur, format_number, format_pct
from .glossary import plain

__all__ = ["french_table", "table_html"]

_TABLE_CSS = ("<style>.o2c-table{border-collapse:collapse;max-width:100%}"
              ".o2c-table th,.o2c-table td{padding:3px 8px;border-bottom:1px solid #d9dee4;text-align:left;"
              "white-space:normal;overflow-wrap:break-word;vertical-align:top;min-width:4em}</style>")


def table_html(df: pd.DataFrame) -> str:
    """A table as HTML without its index, long cells wrapped at word boundaries rather than cut."""
    return _TABLE_CSS + df.to_html(index=False, classes="o2c-table", border=0, escape=True)


class _Shown(pd.DataFrame):
    """A French table that displays without its index; any operation gives back a plain DataFrame."""

    @property
    def _constructor(self):
        return pd.DataFrame

    def _repr_html_(self) -> str:
        return table_html(self)


def _cell(value, formatter):
    if value is None or (not isinstance(value, (list, tuple, dict)) and pd.isna(value)):
        return ""
    return formatter(value)


def french_table(df: pd.DataFrame, *, money=(), dates=(), percent=(), numbers=(), decimals: int = 2,
                 money_decimals: int = 2,
                 rename: dict | None = None, index: bool = False) -> pd.DataFrame:
    """A copy of ``df`` with every listed column turned into French display strings.

    Columns whose name ends in ``_cents`` are amounts and date/datetime columns are dates even
    when not listed; coded values (« grand_compte ») are written out. ``decimals`` applies to
    ``numbers``, ``money_decimals`` to amounts; ``rename`` gives the French headers; ``index=True``
    keeps the index as a first column. The table displays without pandas' index column.
    """
    out = df.reset_index() if index else df.reset_index(drop=True).copy()
    money = set(money) | {c for c in out.columns if str(c).endswith("_cents")}
    dates = set(dates) | {c for c in out.columns
                          if pd.api.types.is_datetime64_any_dtype(out[c])
                          or (out[c].dtype == object and out[c].map(lambda v: isinstance(v, dt.date)).any())}
    for col in money:
        out[col] = out[col].map(lambda v: _cell(v, lambda x: format_eur(int(x), money_decimals)))
    for col in dates - money:
        out[col] = out[col].map(lambda v: _cell(v, format_date))
    for col in percent:
        out[col] = out[col].map(lambda v: _cell(v, lambda x: format_pct(float(x))))
    for col in numbers:
        out[col] = out[col].map(lambda v: _cell(v, lambda x: format_number(x, decimals)))
    for col in set(out.columns) - money - dates - set(percent) - set(numbers):
        if not pd.api.types.is_numeric_dtype(out[col]):
            out[col] = out[col].map(plain)
    return _Shown(out.rename(columns=rename or {}))
