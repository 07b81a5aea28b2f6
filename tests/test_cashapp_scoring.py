"""The engine scored on generated companies' truth (12 + 6 seeds; the full sweep is
``benchmarks/bench_cashapp.py --qualite``), against the exact-reference rule.

Every bank line of each company's history is matched against the items open at its booking
date. Figures are printed (``pytest -s``) and asserted against the issue's targets.
"""

from __future__ import annotations

import time

import pandas as pd
import pytest

from o2c_lab.cashapp import EngineConfig, compare_with_baseline, replay_history, score
from o2c_lab.cashapp.scoring import score_seeds

SEEDS_DEFAULT = range(12)
SEEDS_HARD = range(100, 106)
CUSTOMERS = 60


def _summary(per_seed: pd.DataFrame) -> dict:
    tot = per_seed.sum(numeric_only=True)
    return {"precision": tot["auto_pairs_correct"] / tot["auto_pairs"],
            "auto_rate": tot["fully_applied"] / tot["customer_payments"],
            "coverage": tot["rest_covered"] / tot["rest"],
            **{f"coverage_top{k}": tot[f"rest_covered_top{k}"] / tot["rest"] for k in (1, 3, 5)},
            "document_coverage": tot["rest_documents_covered"] / tot["rest"],
            # Over every customer payment: applied automatically, or proposed (within five).
            "applied_or_proposed": (tot["fully_applied"] + tot["rest_covered"])
            / tot["customer_payments"],
            "applied_or_top5": (tot["fully_applied"] + tot["rest_covered_top5"])
            / tot["customer_payments"],
            "baseline_auto_rate": tot["baseline_fully_applied"] / tot["customer_payments"],
            "payments": int(tot["customer_payments"])}


def _run(seeds, noise):
    start = time.perf_counter()
    per_seed, per_noise = score_seeds(seeds, customers=CUSTOMERS, noise=noise,
                                      skip_unbuildable=True)
    skipped = per_seed.attrs["skipped"]
    # A seed the generator refuses is its bug, reported here; too many would make the score moot.
    assert len(skipped) <= len(seeds) // 10, f"générateur en échec sur les graines {skipped}"
    summary = _summary(per_seed)
    print(f"\n=== bruit « {noise} », {len(per_seed)} graines, {CUSTOMERS} clients, "
          f"{summary['payments']} règlements clients, {time.perf_counter() - start:.0f} s"
          + (f" ; graines refusées par le générateur : {skipped}" if skipped else ""))
    print({k: round(v, 4) for k, v in summary.items()})
    print(per_noise.to_string(index=False))
    print(per_seed[["seed", "customer_payments", "precision", "auto_rate", "suggestion_coverage",
                    "baseline_auto_rate"]].describe().loc[["min", "mean", "max"]].to_string())
    return per_seed, summary


@pytest.fixture(scope="module")
def default_run():
    return _run(SEEDS_DEFAULT, "defaut")


@pytest.fixture(scope="module")
def hard_run():
    return _run(SEEDS_HARD, "difficile")


def test_precision_of_automatic_matches(default_run):
    per_seed, summary = default_run
    assert summary["precision"] >= 0.995
    assert per_seed["precision"].min() >= 0.99
    # Duplicates, supplier refunds and fees are never applied to a customer's invoices.
    assert per_seed["non_customer_auto_lines"].sum() <= 1


def test_payments_fully_applied_automatically(default_run):
    per_seed, summary = default_run
    assert summary["auto_rate"] >= 0.95
    assert per_seed["auto_rate"].min() >= 0.90


def test_engine_beats_the_exact_reference_rule(default_run):
    per_seed, summary = default_run
    assert (per_seed["auto_rate"] > per_seed["baseline_auto_rate"] + 0.3).all()
    assert (per_seed["baseline_precision"] >= 0.995).all()


def test_suggestions_regression_floor(default_run):
    _, summary = default_run
    assert summary["coverage"] >= 0.40


def test_the_truth_is_applied_or_proposed_for_99_percent_of_payments(default_run):
    # Counted over every payment: a share of the rest alone drops each time a right
    # suggestion becomes automatic (the rest keeps only the hardest lines).
    _, summary = default_run
    assert summary["applied_or_proposed"] >= 0.99
    # Not by listing every open item: within the first five proposals as often.
    assert summary["applied_or_top5"] >= 0.99
    # Of the payments left to a human (221 of 19 849 here, 254 before the last readings were
    # applied), the truth is proposed for about three in five: each time a right suggestion
    # becomes automatic (part payments whose rest proves them, cited documents paid short with
    # one balance only larger than the gap, penalties withheld on the only item they can be,
    # payment runs, plans followed), the rest keeps only the harder lines.
    assert summary["coverage"] >= 0.58 and summary["coverage_top5"] >= 0.57


def test_hard_noise_keeps_the_precision_floor(hard_run):
    per_seed, summary = hard_run
    assert summary["precision"] >= 0.995
    assert summary["auto_rate"] > summary["baseline_auto_rate"]


def test_story_lines_of_the_classroom_company(company):
    result = replay_history(company)
    by_tx = {r.bank_tx_id: r for r in result.results}
    truth = company.truth["payment_allocations"]
    lines = company.bank_transactions.set_index("bank_tx_id")
    # The EU customer pays with an ISO 11649 structured reference: matched automatically.
    eu = company.role("eu_customer")
    eu_txs = truth.loc[truth["customer_id"] == eu, "bank_tx_id"].unique()
    assert len(eu_txs) and all(by_tx[t].status == "automatique" for t in eu_txs
                               if lines.loc[t, "remittance_info"].startswith("RF"))
    # The unilateral deducter's short payments become disputes to open, never write-offs.
    deducter = company.role("unilateral_deducter")
    disputes = result.disputes
    assert (disputes["customer_id"] == deducter).any()
    assert "L441-17" in disputes.loc[disputes["customer_id"] == deducter, "explanation"].iloc[0]
    scores = score(company, result)
    assert scores["precision"] >= 0.99
    # Ranks are given for exactly the lines covered by a suggestion, within the list shown.
    ranks = scores["suggestion_ranks"]
    assert set(ranks) == {tx for tx, o in scores["per_line"].items() if o == "suggestion"}
    assert all(1 <= k <= 1 + EngineConfig().max_hypotheses for k in ranks.values())


def test_before_after_table(company):
    table = compare_with_baseline(company)
    assert list(table["Méthode"]) == ["référence exacte + montant exact", "moteur multi-passes"]
    assert table["Taux automatique"].iloc[1] > table["Taux automatique"].iloc[0]
