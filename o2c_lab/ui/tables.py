"""French display of DataFrames: 1 234,56 € for amounts, 31/12/2026 for dates, 35,4 % for ratios."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ..money import format_date, format_eur, format_number, format_pct

__all__ = ["french_table"]


def _cell(value, formatter):
    if value is None or (not isinstance(value, (list, tuple, dict)) and pd.isna(value)):
        return ""
    return formatter(value)


def french_table(df: pd.DataFrame, *, money=(), dates=(), percent=(), numbers=(), decimals: int = 2,
                 money_decimals: int = 2,
                 rename: dict | None = None, index: bool = False) -> pd.DataFrame:
    """A copy of ``df`` with every listed column turned into French display strings.

    Columns whose name ends in ``_cents`` are amounts and date/datetime columns are dates even
    when not listed. ``decimals`` applies to ``numbers``, ``money_decimals`` to amounts; ``rename`` gives the French headers; ``index=False`` drops the index.
    """
    out = df.copy() if index else df.reset_index(drop=True).copy()
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
    return out.rename(columns=rename or {})
