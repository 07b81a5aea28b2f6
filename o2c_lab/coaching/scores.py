"""Objective before/after figures of the course, computed from the library on the company's truth.

Each figure compares the usual manual method (« sans IA ») with the library's engine (« avec IA »),
on the same company: nothing is hard-coded, a new seed gives new figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from .summary import NOT_MEASURED, fact_accuracy

__all__ = ["Analysis", "TOP_N", "scoreboard"]

#: Number of first actions whose coverage of the at-risk cash is measured.
TOP_N = 20


@dataclass
class Analysis:
    """The analytics chain of one company at its case date, computed once and shared by the notebooks."""

    company: object

    @cached_property
    def aged(self):
        from ..analytics import aged_balance, company_open_items

        t, as_of = self.company.tables, self.company.as_of
        return aged_balance(company_open_items(self.company), as_of, customers=t["customers"],
                            disputes=t["disputes"], signals=t["external_signals"])

    @cached_property
    def behaviour(self) -> pd.DataFrame:
        from ..analytics import company_behaviour

        return company_behaviour(self.company)

    @cached_property
    def risk(self) -> pd.DataFrame:
        from ..analytics import risk_levels

        t = self.company.tables
        return risk_levels(self.behaviour, self.aged, self.company.as_of, customers=t["customers"],
                           credit_scores=t["credit_scores"], signals=t["external_signals"], disputes=t["disputes"])

    @cached_property
    def worklist(self) -> pd.DataFrame:
        from ..analytics import worklist

        t = self.company.tables
        return worklist(self.aged, self.risk, self.behaviour, self.company.as_of, invoices=t["invoices"],
                        disputes=t["disputes"], signals=t["external_signals"])

    @cached_property
    def forecast(self):
        from ..analytics import collection_forecast

        t = self.company.tables
        return collection_forecast(self.aged, self.behaviour, self.risk, promises=t["promises"],
                                   disputes=t["disputes"], invoices=t["invoices"])

    @cached_property
    def kpis(self) -> dict:
        """The KPIs of the receivable position (the one DSO the course shows)."""
        from ..analytics import receivable_position

        return receivable_position(self.company).kpis

    # ------------------------------------------------------------------ before / after
    def priority_coverage(self, n: int = TOP_N) -> tuple[float, float]:
        """Share of the truly at-risk cash named by the first ``n`` actions: by amount, by risk priority."""
        from ..analytics import amount_ranking, at_risk_cash, coverage, worklist_documents

        at_risk = at_risk_cash(self.aged, self.company.truth["invoice_truth"])
        return (coverage(amount_ranking(self.aged), at_risk, n),
                coverage(worklist_documents(self.worklist), at_risk, n))

    def risk_detection(self) -> tuple[float, float]:
        """Share of truly risky customers (defaulting, drifting or bad payers in the truth) among the
        customers put on the watch list: the same number taken by largest overdue amount, versus
        the customers the risk levels flag."""
        truth = self.company.truth["customer_truth"].set_index("customer_id")
        risky = set(truth.index[truth["defaults"] | truth["profile"].isin(["derive", "mauvais_payeur"])])
        flagged = set(self.risk.index[self.risk["level"] != "normal"])
        if not flagged:
            return (np.nan, np.nan)
        items = self.aged.items
        overdue = items[(items["days_past_due"] > 0) & ~items["unapplied"]]
        by_amount = overdue.groupby("customer_id")["residual_cents"].sum().sort_values(ascending=False, kind="stable")
        top = set(by_amount.index[:len(flagged)])
        return len(risky & top) / len(flagged), len(risky & flagged) / len(flagged)

    def forecast_error(self) -> tuple[float, float]:
        """WAPE of the 13-week forecast against what the truth says will be paid: due dates vs behaviour."""
        from ..analytics import wape, weekly_actuals

        actual = weekly_actuals(self.forecast, self.company.truth["future_payments"])
        return wape(actual, self.forecast.weekly["naive_cents"]), wape(actual, self.forecast.weekly["expected_cents"])

    def auto_match(self) -> tuple[float, float]:
        """Automatic cash-application rate: exact reference and amount vs the matching engine."""
        from ..cashapp import compare_with_baseline

        table = compare_with_baseline(self.company)
        rates = table["Taux automatique"].to_numpy(dtype=float)
        return float(rates[0]), float(rates[-1])

    def audit_recall(self) -> tuple[float, float]:
        """Share of the planted invoice anomalies found: a by-hand check of 10 % of the invoices vs
        the systematic audit."""
        from ..casework import audit_recall, sample_check

        return float(sample_check(self.company)["recall"]), float(audit_recall(self.company)["recall"])


def scoreboard(analysis: Analysis, journal_data: dict | None = None) -> pd.DataFrame:
    """The closing scoreboard: one row per before/after measure (« sans IA », « avec IA »).

    Ratios are between 0 and 1; ``mieux`` says which direction is better. The first rows are computed
    on the company's truth; the last one, the facts confirmed in a reminder letter, comes from the
    participant's own checked letters (``journal_data``): a side not measured is NaN and the row's
    ``état`` is « non mesuré ».
    """
    rows = []

    def add(label, method_before, method_after, better, values):
        before, after = (np.nan if v is None else v for v in values)
        rows.append({"mesure": label, "méthode sans IA": method_before, "méthode avec IA": method_after,
                     "sans IA": before, "avec IA": after, "mieux": better,
                     "état": "mesuré" if not (np.isnan(before) or np.isnan(after)) else NOT_MEASURED})

    add(f"Cash à risque couvert par les {TOP_N} premières actions", "tri par montant échu",
        "liste priorisée par le risque", "plus haut", analysis.priority_coverage())
    add("Vrais clients à risque parmi les clients mis sous surveillance", "les plus gros retards",
        "niveaux de risque avec raisons", "plus haut", analysis.risk_detection())
    add("Erreur de prévision d'encaissement à 13 semaines (WAPE)", "paiement à l'échéance",
        "comportement de paiement", "plus bas", analysis.forecast_error())
    add("Règlements affectés automatiquement", "référence et montant exacts", "moteur de rapprochement",
        "plus haut", analysis.auto_match())
    add("Anomalies de facture trouvées (audit)", "contrôle manuel de 10 % des factures", "audit systématique",
        "plus haut", analysis.audit_recall())
    shares = fact_accuracy(journal_data or {})
    add("Faits confirmés dans vos relances (vos lettres vérifiées)", "relance rédigée à la main",
        "relance rédigée avec l'IA", "plus haut", (shares["manuel"], shares["avec_ia"]))
    return pd.DataFrame(rows)
