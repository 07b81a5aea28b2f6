"""E-mail ⇒ décision: the rule extractor against the thread truth on 20 seeds, its scorer, call scripts."""

import pandas as pd

from o2c_lab.ai import FactChecker

from o2c_lab.casework.dunning import leftover_problems
from o2c_lab.casework.emails import (call_script, extract_threads, parse_amounts, score_extraction,
                                     score_thread_answer)
from o2c_lab.money import format_date, format_eur

SEEDS = range(20)


def test_extractor_accuracy_on_20_seeds(many_companies):
    total = correct = 0
    misses = []
    for seed in SEEDS:
        result = score_extraction(many_companies[seed])
        total += result["threads"]
        correct += result["correct"]
        misses += [f"graine {seed} – {m}" for m in result["misses"]]
    print(f"\nextracteur e-mail ⇒ décision : {correct}/{total} fils exacts ({correct / total:.1%}) ; "
          f"manqués : {misses or 'aucun'}")
    assert correct / total >= 0.9, misses


def _reference_answer(sheet) -> str:
    text = (f"Problème réel : {sheet['real_issue']} Blocage : {sheet['blockers']} "
            f"Décision : {sheet['decision']} Action suivante : {sheet['next_action']}")
    if not pd.isna(sheet["promised_date"]):
        text += (f" Promesse : {format_eur(sheet['promised_amount_cents'])} le "
                 f"{format_date(sheet['promised_date'])}.")
    return text


def test_scorer_rates_reference_and_catches_faults(many_companies):
    ref_scores, caught, planted = [], 0, 0
    for seed in SEEDS:
        company = many_companies[seed]
        checker = FactChecker(company)
        for sheet in extract_threads(company).to_dict("records"):
            answer = _reference_answer(sheet)
            ref_scores.append(score_thread_answer(company, sheet["thread_id"], answer, checker=checker)["score"])
            invented = answer + " La facture FA-2026-99999 est aussi concernée."
            planted += 1
            caught += score_thread_answer(company, sheet["thread_id"], invented, checker=checker)["score"] < 1
            if not pd.isna(sheet["promised_date"]):
                wrong = answer.replace(format_eur(sheet["promised_amount_cents"]),
                                       format_eur(sheet["promised_amount_cents"] + 10_000))
                planted += 1
                result = score_thread_answer(company, sheet["thread_id"], wrong, checker=checker)
                caught += result["score"] < 1
                assert any("Montant promis" in f for f in result["feedback"])
    mean = sum(ref_scores) / len(ref_scores)
    print(f"\nscore moyen de la référence : {mean:.1%} ; fautes détectées : {caught}/{planted}")
    assert mean >= 0.9
    assert caught == planted


def test_call_scripts_are_clean_french(many_companies):
    company = many_companies[0]
    for thread_id in sorted(company.emails["thread_id"].unique()):
        script = call_script(company, thread_id)
        assert "Engagement à obtenir" in script and "Objection" in script
        assert leftover_problems(script) == [], (thread_id, leftover_problems(script))


def test_parse_amounts_french_spaces():
    assert parse_amounts("soit 34\u202f207,76\u00a0€ puis 12 000,00 €") == [3_420_776, 1_200_000]
