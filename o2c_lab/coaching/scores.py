"""Objective before/after figures of the course, computed from the library on the company's truth.

Each figure compares the usual manual method with the library's engine on the same company, and
names what made the difference (a business rule, statistics on the history, the matching engine,
generative AI): nothing is hard-coded, a new seed gives new figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from .summary import NOT_MEASURED, fact_accuracy

__all__ = ["MEASURES", "Analysis", "Measure", "TOP_N", "measure", "scoreboard"]

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
    def measured(self, key: str) -> tuple[float, float]:
        """The before/after pair of measure ``key`` (an :class:`Analysis` method), computed once: the
        live scoreboard asks again after every save of the journal."""
        cache = self.__dict__.setdefault("_measured", {})
        if key not in cache:
            cache[key] = getattr(self, key)()
        return cache[key]

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


#: What made the difference in a before/after: the programme tells ERP automation and collection
#: tools (rules, statistics, matching engines) apart from generative AI.
RULE, STATISTICS, MATCHING, GENERATIVE = ("règle métier", "statistique sur l'historique", "moteur de lettrage",
                                          "IA générative (votre outil)")


@dataclass(frozen=True)
class Measure:
    """One before/after measure of the scoreboard (``key``: the :class:`Analysis` method computing it)."""

    key: str
    label: str
    before: str
    after: str
    better: str
    kind: str


#: The objective measures, in the order of the day; the last row comes from the participant's letters.
MEASURES = (
    Measure("risk_detection", "Vrais clients à risque parmi les clients mis sous surveillance",
            "les plus gros retards", "niveaux de risque avec raisons", "plus haut", STATISTICS),
    Measure("audit_recall", "Anomalies de facture trouvées (audit)", "contrôle manuel de 10 % des factures",
            "audit systématique", "plus haut", RULE),
    Measure("priority_coverage", f"Cash à risque couvert par les {TOP_N} premières actions", "tri par montant échu",
            "liste priorisée par le risque", "plus haut", RULE),
    Measure("auto_match", "Règlements affectés automatiquement", "référence et montant exacts",
            "moteur de rapprochement", "plus haut", MATCHING),
    Measure("forecast_error", "Erreur de prévision d'encaissement à 13 semaines", "paiement à l'échéance",
            "comportement de paiement", "plus bas", STATISTICS),
)
_FACTS = Measure("facts", "Faits confirmés dans vos relances (vos lettres vérifiées)", "relance rédigée à la main",
                 "relance rédigée avec l'IA", "plus haut", GENERATIVE)


def measure(key: str) -> Measure:
    """The measure ``key`` of :data:`MEASURES`."""
    return next(m for m in (*MEASURES, _FACTS) if m.key == key)


def scoreboard(analysis: Analysis, journal_data: dict | None = None) -> pd.DataFrame:
    """The closing scoreboard: one row per before/after measure (« sans IA », « avec IA » columns).

    Ratios are between 0 and 1; ``mieux`` says which direction is better and ``ce qui fait la
    différence`` names the kind of tool (rule, statistics, matching engine, generative AI). The first
    rows are computed on the company's truth; the last one, the facts confirmed in a reminder letter,
    comes from the participant's own checked letters (``journal_data``): a side not measured is NaN
    and the row's ``état`` is « non mesuré ».
    """
    rows = []

    def add(m: Measure, values):
        before, after = (np.nan if v is None else v for v in values)
        rows.append({"mesure": m.label, "méthode sans IA": m.before, "méthode avec IA": m.after,
                     "sans IA": before, "avec IA": after, "mieux": m.better, "ce qui fait la différence": m.kind,
                     "état": "mesuré" if not (np.isnan(before) or np.isnan(after)) else NOT_MEASURED})

    for m in MEASURES:
        add(m, analysis.measured(m.key))
    shares = fact_accuracy(journal_data or {})
    add(_FACTS, (shares["manuel"], shares["avec_ia"]))
    return pd.DataFrame(rows)
