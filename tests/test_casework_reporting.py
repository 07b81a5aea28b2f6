"""The reporting texts (internal alert, weekly synthesis, plain summary) and their scorer, on 20
seeds: the reference scores 100 %, and each planted fault is caught."""

from __future__ import annotations

import re

from o2c_lab.casework import (internal_alert_text, plain_summary_text, score_reporting_answer,
                              weekly_synthesis_text)
from o2c_lab.money import format_eur

SEEDS = range(20)
AMOUNT = re.compile(r"\d[\d\u202f\u00a0 ]*,\d{2}\u00a0€")


def _wrong_amount(text: str) -> str:
    """Change the first amount by +10 % (a subtle error a model makes)."""
    m = AMOUNT.search(text)
    cents = int(re.sub(r"\D", "", m.group(0)))
    return text[:m.start()] + format_eur(cents + max(1000, cents // 10)) + text[m.end():]


def test_reporting_references_score_full_and_faults_are_caught(many_companies):
    caught, planted = 0, 0
    for seed in SEEDS:
        company = many_companies[seed]
        drifting = company.role("drifting_customer")
        name = company.customer(drifting)["name"]
        texts = {"alerte_interne": internal_alert_text(company, drifting),
                 "resume_non_financier": plain_summary_text(company, drifting),
                 "synthese_hebdomadaire": weekly_synthesis_text(company)}
        for kind, text in texts.items():
            customer = None if kind == "synthese_hebdomadaire" else drifting
            result = score_reporting_answer(company, text, kind, customer)
            assert result["score"] == 1.0, (seed, kind, result["feedback"])
            faults = [_wrong_amount(text), text + "\nVoir aussi la facture FA-2026-99999."]
            if kind != "synthese_hebdomadaire":
                faults.append(text.replace(name, "ce client"))
            if kind == "resume_non_financier":
                faults.append(text + " Son DSO et le lettrage du compte 411 sont à revoir.")
            for fault in faults:
                planted += 1
                caught += score_reporting_answer(company, fault, kind, customer)["score"] < 1.0
    print(f"fautes plantées détectées : {caught}/{planted}")
    assert caught == planted
