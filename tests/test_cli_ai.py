"""The AI commands of ``o2c-lab``: anonymise an Excel file, check the connection, record answers
from a real OpenAI-protocol server on loopback and replay them offline."""

from __future__ import annotations

import pandas as pd
import pytest
from openai_server import FakeOpenAIServer

import o2c_lab
from o2c_lab.ai import Anonymizer, Assistant, RecordingStore, library_tasks
from o2c_lab.cli import main

KEY = "sk-test-cle-secrete-0123456789"


@pytest.fixture
def ai_env(monkeypatch, tmp_path):
    """An empty working folder (no stray .env) and no AI variables from the machine."""
    monkeypatch.chdir(tmp_path)
    for name in ("O2C_AI_BASE_URL", "O2C_AI_API_KEY", "O2C_AI_MODEL", "OPENAI_BASE_URL", "OPENAI_API_KEY",
                 "OPENAI_MODEL"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_anonymize_command_replaces_customer_identifiers(company, tmp_path, capsys):
    customers = company.customers.head(8)
    source = tmp_path / "balance.xlsx"
    pd.DataFrame({"Client": customers["name"], "SIREN": customers["siren"], "IBAN": customers["iban"],
                  "Montant": range(1, 9)}).to_excel(source, index=False)
    assert main(["anonymize", str(source), "--out", str(tmp_path / "anonyme.xlsx")]) == 0
    out = pd.read_excel(tmp_path / "anonyme.xlsx", dtype=str)
    text = out.to_csv()
    for value in list(customers["name"]) + [s for s in customers["siren"] if s] + list(customers["iban"]):
        assert value not in text
    assert list(out["Montant"]) == [str(i) for i in range(1, 9)]
    assert "valeurs remplacées" in capsys.readouterr().out


def test_anonymize_command_refuses_to_overwrite_the_original(tmp_path, capsys):
    source = tmp_path / "balance.xlsx"
    pd.DataFrame({"Client": ["Dupont SA"]}).to_excel(source, index=False)
    assert main(["anonymize", str(source), "--out", str(source)]) == 2
    assert "écraserait l'original" in capsys.readouterr().err


def test_ai_check_without_key_explains_in_french(ai_env, capsys):
    assert main(["ai-check"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("❌") and "clé" in out.lower()


def test_ai_record_then_replay_offline(ai_env, company, tmp_path, capsys):
    folder = o2c_lab.write_dataset(company, tmp_path / "jeu", formats=("csv", "truth", "contracts"))
    store_path = tmp_path / "enregistrements.json"
    with FakeOpenAIServer(models=("modele-test",), expected_key=KEY) as server:
        server.reply_text = "Réponse enregistrée par un vrai serveur de test."
        ai_env.setenv("O2C_AI_BASE_URL", server.base_url)
        ai_env.setenv("O2C_AI_API_KEY", KEY)
        ai_env.setenv("O2C_AI_MODEL", "modele-test")
        assert main(["ai-record", "--out", str(store_path), "--data", str(folder)]) == 0
        sent = list(server.requests)
    loaded = o2c_lab.load_company(folder)
    tasks = library_tasks(loaded)
    assert len(sent) == len(tasks) and "réponses enregistrées" in capsys.readouterr().out
    assert KEY not in store_path.read_text(encoding="utf-8")
    # The replay anonymises the same way, so each prompt has the hash it was recorded under.
    replay = Assistant("rejeu", store=RecordingStore(store_path), anonymizer=Anonymizer.from_company(loaded))
    answer = replay.ask(tasks[0])
    assert answer.text == "Réponse enregistrée par un vrai serveur de test."
    assert answer.provenance.model == "modele-test"
