"""The Company: observable tables, ground truth kept apart, and a French summary card."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from ..errors import InvalidParameterError
from .schema import OBSERVABLE_TABLES

__all__ = ["Company"]


@dataclass
class Company:
    """A simulated company: what its staff can see (``tables``) and what really happened (``truth``).

    Tables are pandas DataFrames with the columns of :mod:`o2c_lab.company.schema`; observable
    tables are also attributes (``company.invoices``). ``truth`` is never shown to a model.
    ``scenario`` holds the roles (role -> customer_id), the two open disputes and the seed;
    ``documents`` maps a contract file name to its French text (Markdown).
    """

    tables: dict[str, pd.DataFrame]
    truth: dict[str, pd.DataFrame]
    scenario: dict = field(default_factory=dict)
    documents: dict[str, str] = field(default_factory=dict)

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(name)

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self.tables))

    @property
    def as_of(self) -> dt.date:
        return pd.Timestamp(self.tables["company"]["as_of"].iloc[0]).date()

    @property
    def seed(self) -> int:
        return int(self.tables["company"]["seed"].iloc[0])

    @property
    def name(self) -> str:
        return str(self.tables["company"]["name"].iloc[0])

    def role(self, role: str) -> str:
        """customer_id of the customer playing ``role`` (see :data:`scenario.ROLES`)."""
        roles = self.scenario.get("roles", {})
        if role not in roles:
            raise InvalidParameterError(f"Rôle inconnu : « {role} ».", valid=", ".join(roles))
        return roles[role]

    def customer(self, customer_id: str) -> pd.Series:
        """The customers row of ``customer_id``."""
        rows = self.tables["customers"].loc[self.tables["customers"]["customer_id"] == customer_id]
        if rows.empty:
            raise InvalidParameterError(f"Client inconnu : « {customer_id} ».",
                                        valid="un code client de la table customers (ex. C0001)")
        return rows.iloc[0]

    def summary(self) -> dict:
        """Headline figures at the case date, read from the receivable position
        (:func:`o2c_lab.analytics.receivable_position`), with the contractual terms and the
        generator's tension flag (:func:`o2c_lab.company.tension.tension_metrics`)."""
        from ..analytics.position import receivable_position
        from .tension import tension_metrics

        tension = tension_metrics(self)
        return {**receivable_position(self).headline(),
                "weighted_terms_days": tension["weighted_terms_days"], "is_tense": tension["is_tense"]}

    def _repr_html_(self) -> str:
        from .card import summary_card_html

        return summary_card_html(self)

    def __repr__(self) -> str:
        counts = ", ".join(f"{t.name}={len(self.tables.get(t.name, ()))}" for t in OBSERVABLE_TABLES[:10])
        return f"Company({self.name!r}, seed={self.seed}, as_of={self.as_of}, {counts})"
