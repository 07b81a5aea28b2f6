"""Casework package surface: exports, prompt mapping, prevention list."""

import o2c_lab.casework as casework
from o2c_lab.ai import get_prompt
from o2c_lab.casework.dunning import leftover_problems


def test_all_exports_exist():
    for name in casework.__all__:
        assert hasattr(casework, name), name


def test_prompt_mapping_points_to_the_library():
    for area, ids in casework.PROMPTS.items():
        for prompt_id in ids:
            assert get_prompt(prompt_id).id == prompt_id, (area, prompt_id)


def test_prevention_actions_cover_the_register(company):
    table = casework.prevention_actions(company)
    assert table["litiges"].sum() == len(company.disputes)
    assert table["montant_cents"].sum() == company.disputes["amount_cents"].sum()
    assert list(table["litiges"]) == sorted(table["litiges"], reverse=True)
    assert leftover_problems(casework.prevention_text(company)) == []


def test_leftover_scanner_catches_template_debris():
    assert leftover_problems("Bonjour {{ client }}, total 1234.56 € due date") != []
    assert len(leftover_problems("Bonjour {client}")) == 1
    assert leftover_problems("Facture FA-2026-00042 du 31/12/2026 : 1\u202f234,56\u00a0€.") == []
