"""Prompt library, RCOTF builder, tokens and cost."""

from __future__ import annotations

import hashlib
import os
import socket
from decimal import Decimal
from importlib.resources import files

import pytest
import yaml

from o2c_lab.ai import Assistant
from o2c_lab.ai.library import SOURCES, USE_CASES, fill, get_prompt, load_library, run_assertions
from o2c_lab.ai.pricing import course_day_cost, estimate_cost, price_for
from o2c_lab.ai.rcotf import DEFAULT_FIELDS, RcotfPrompt, iterate
from o2c_lab.ai.tokens import CHARS_PER_TOKEN_ESTIMATE, count_chat_tokens, count_tokens, seed_tiktoken_cache
from o2c_lab.errors import InvalidParameterError

LIB = load_library()


def test_library_size_and_use_case_coverage():
    assert len(LIB) >= 40
    assert {p.use_case for p in LIB.values()} == set(USE_CASES)
    folder = files("o2c_lab.ai") / "prompts"
    names = sorted(p.name for p in folder.iterdir() if p.name.endswith(".yaml"))
    assert len(names) == len(LIB)
    for name in names:  # one file per prompt, named after its id
        raw = yaml.safe_load((folder / name).read_text(encoding="utf-8"))
        assert raw["id"] + ".yaml" == name
        assert set(raw["rcotf"]) == {f[0] for f in DEFAULT_FIELDS}


@pytest.mark.parametrize("pid", sorted(LIB))
def test_prompt_schema_and_variables_resolvable(pid):
    p = LIB[pid]
    builtins = {"date_arrete", "entreprise", "client", "facture_principale"}
    assert p.variable_names() <= set(p.variables) | builtins, p.variable_names() - set(p.variables) - builtins
    for name, spec in p.variables.items():
        assert "source" in spec or "defaut" in spec, name
        if "source" in spec:
            assert spec["source"] in SOURCES, spec["source"]
    assert all(t["type"].removeprefix("not-") in (
        "contains", "icontains", "contains-all", "icontains-all", "contains-any", "icontains-any",
        "regex", "word-count", "is-json") for t in p.tests)
    assert p.tests and 100 <= p.token_budget <= 4000


def test_every_prompt_fills_within_budget_and_its_offline_checks_pass(company):
    sizes = {}
    for pid, p in LIB.items():
        filled = fill(p, company)
        n = count_tokens(filled.text, "gpt-4o-mini")
        assert n.exact and n.tokens <= p.token_budget, (pid, n.tokens, p.token_budget)
        assert "{{" not in filled.text and "{{" not in filled.reference
        results = run_assertions(p, filled.reference, filled.values)
        assert all(r.passed for r in results), (pid, [r.detail for r in results if not r.passed])
        assert filled.rcotf.complete, (pid, [i.message for i in filled.rcotf.check()])
        sizes[pid] = n.tokens
    print(f"\n[bibliothèque] {len(sizes)} prompts remplis : {sum(sizes.values())} jetons au total, "
          f"min {min(sizes.values())}, max {max(sizes.values())} (o200k_base)")


def test_offline_checks_can_fail(company):
    p = get_prompt("relance_niveau1_courtoise")
    filled = fill(p, company)
    bad = "Mise en demeure : payez."
    results = run_assertions(p, bad, filled.values)
    assert not all(r.passed for r in results)
    assert [r.passed for r in results if r.type == "not-icontains"] == [False]


def test_filled_prompt_uses_a_few_rows_and_the_right_customer(company):
    filled = fill("relance_niveau2_ferme", company)
    cid = company.role("chronic_late_payer")
    assert filled.context["customer_id"] == cid
    assert company.customer(cid)["name"] in filled.text
    assert filled.text.count("\n- FA-") <= 6
    other = fill("relance_niveau2_ferme", company, customer_id=company.role("public_buyer"))
    assert other.context["customer_id"] != cid


def test_offline_answer_from_library_is_labelled(company):
    filled = fill("analyse_fil_emails", company)
    answer = Assistant().ask(filled.task())
    assert answer.text == filled.reference and not answer.is_ai
    assert answer.label == "Référence générée sans IA"


def test_unknown_prompt_is_a_french_error():
    with pytest.raises(InvalidParameterError, match="Prompt inconnu"):
        get_prompt("n_existe_pas")


# --- RCOTF ------------------------------------------------------------------------------------

def test_rcotf_check_names_missing_and_vague_parts():
    p = RcotfPrompt({"role": "Tu es chargé de recouvrement B2B expérimenté.",
                     "contexte": "Client Dupuis, facture FA-2026-00001 de 1 200 € échue depuis 40 jours.",
                     "objectif": "Rédige quelque chose pour ce client", "ton": "", "format": "bien"})
    issues = {i.field: i for i in p.check()}
    assert set(issues) == {"objectif", "ton", "format"}
    assert issues["ton"].kind == "manquant" and "Ton manquant" in issues["ton"].message
    assert issues["objectif"].kind == "vague" and "quelque chose" in issues["objectif"].message
    good = RcotfPrompt({**p.parts, "objectif": "Rédige une relance qui obtient une date de paiement.",
                        "ton": "courtois", "format": "Un e-mail de 120 mots maximum."})
    assert good.complete
    assert good.render().index("## Rôle") < good.render().index("## Format")


def test_rcotf_field_names_are_configurable():
    fields = (("role", "Rôle", "qui"), ("contexte", "Contexte", "quoi"), ("tache", "Tâche", "faire"),
              ("format", "Format", "forme"))
    p = RcotfPrompt({"role": "Tu es comptable clients senior.", "tache": "Analyse"}, fields=fields)
    assert {i.field for i in p.check()} == {"contexte", "tache", "format"}
    assert "## Tâche\nAnalyse" in p.render()
    with pytest.raises(InvalidParameterError):
        RcotfPrompt({"objectif": "x"}, fields=fields)


def test_iterate_helpers():
    assert "80 mots" in iterate("raccourcir")
    assert "plus ferme" in iterate("reformuler", "plus ferme") and "montants" in iterate("reformuler")
    with pytest.raises(InvalidParameterError):
        iterate("traduire")


# --- tokens and cost ----------------------------------------------------------------------------

def test_tiktoken_cache_seeded_offline_and_known_counts(tmp_path, monkeypatch):
    monkeypatch.delenv("TIKTOKEN_CACHE_DIR", raising=False)
    folder = seed_tiktoken_cache(tmp_path / "cache")
    data = (folder / hashlib.sha1(b"https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken")
            .hexdigest()).read_bytes()
    assert hashlib.sha256(data).hexdigest() == "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d"
    assert os.environ["TIKTOKEN_CACHE_DIR"] == str(folder)
    phrase = ("Bonjour Madame Dupont, votre facture n° FA-2024-0153 de 1 250,00 € est échue "
              "depuis le 15 mars ; merci de régulariser.")
    assert count_tokens(phrase, "gpt-4o") == count_tokens(phrase, "gpt-4o-mini")
    assert count_tokens(phrase, "gpt-4o").tokens == 39  # value published with the offline recipe
    assert count_tokens("Relance de paiement", "gpt-4o").tokens == 4
    assert count_tokens(phrase, "gpt-4").encoding == "cl100k_base"
    chat = count_chat_tokens([{"role": "user", "content": phrase}], "gpt-4o")
    assert chat.tokens == 39 + 3 + 3


def test_tokens_fall_back_to_a_labelled_estimate(monkeypatch):
    from o2c_lab.ai import tokens

    def broken(name):
        raise OSError("cache illisible")

    monkeypatch.setattr(tokens, "_encoding", broken)
    n = count_tokens("x" * 300, "gpt-4o")
    assert not n.exact and n.tokens == round(300 / CHARS_PER_TOKEN_ESTIMATE) and "estimation" in str(n)


def test_import_and_counting_open_no_socket(monkeypatch, tmp_path):
    seed_tiktoken_cache(tmp_path)
    calls = []
    monkeypatch.setattr(socket.socket, "connect", lambda *a: calls.append(a))
    count_tokens("Bonjour", "gpt-4o")
    assert calls == []


def test_costs_are_exact_and_dated():
    price = price_for("gpt-4o-mini-2024-07-18")  # a dated snapshot uses its family's price
    assert price is not None and price.model == "gpt-4o-mini"
    cost = estimate_cost("gpt-4o-mini", 1_000_000, 1_000_000)
    assert cost.usd == price.input_usd + price.output_usd
    assert cost.eur == (cost.usd * price.eur_per_usd).quantize(Decimal("0.000001"))
    assert cost.read_on and "tarifs relevés" in str(cost)
    unknown = estimate_cost("llama3.1:8b", 1000, 1000)
    assert unknown.eur is None and "inconnu" in str(unknown)


def test_course_day_cost_from_the_library(company):
    exchanges = [(count_tokens(fill(p, company).text, "gpt-4o-mini").tokens, 400) for p in LIB.values()]
    day = course_day_cost(exchanges, "gpt-4o-mini", participants=12, runs_per_prompt=3)
    inp, out = sum(i for i, _ in exchanges) * 36, 400 * len(exchanges) * 36
    assert day == estimate_cost("gpt-4o-mini", inp, out, basis=day.basis)
    print(f"\n[coût] journée de formation, 12 participants × {len(exchanges)} prompts × 3 essais : "
          f"{inp} jetons d'entrée, {out} de sortie ; {day}")


def test_prompts_never_read_the_ground_truth(company):
    from o2c_lab.company.model import Company

    blind = Company(company.tables, {}, company.scenario)  # no truth tables at all
    for pid in LIB:
        assert fill(pid, blind).text == fill(pid, company).text
