"""Import hygiene of the AI layer, and the anonymising pipeline of the assistant."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from openai_server import FakeOpenAIServer

from o2c_lab.ai import AIConfig, Anonymizer, Assistant, KnownEntities, Task, check_answer

ROOT = Path(__file__).resolve().parents[1]

_PROBE = """
import socket, sys
calls = []
def refuse(*a, **k):
    calls.append(a)
    raise OSError("réseau interdit")
socket.socket.connect = refuse
socket.getaddrinfo = refuse
import o2c_lab.ai
heavy = sorted(m for m in ("openai", "tiktoken", "presidio_analyzer", "spacy", "httpx2") if m in sys.modules)
print(repr((calls, heavy)))
"""


def test_import_opens_no_socket_and_loads_nothing_heavy(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "TIKTOKEN_CACHE_DIR"}
    env.update(PYTHONPATH=str(ROOT), XDG_CACHE_HOME=str(tmp_path / "cache"), HOME=str(tmp_path))
    out = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, env=env,
                         cwd=tmp_path, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "([], [])"
    assert not (tmp_path / "cache").exists()  # no tiktoken cache seeded at import


def test_api_answer_is_anonymised_out_and_reidentified_back():
    known = KnownEntities({"CLIENT": {"Dupuis"}, "PRENOM": {"Catherine"}, "NOM": {"Dubois"},
                           "EMAIL": {"c.dubois@dupuis.example"}})
    task = Task("Relance Dupuis : écrire à Catherine Dubois (c.dubois@dupuis.example) pour FA-2026-00001.",
                reference="réf")
    with FakeOpenAIServer() as srv:
        cfg = AIConfig(base_url=srv.base_url, api_key="k", model="modele-test", timeout_s=5, max_retries=0)
        srv.reply_text = "Bonjour <PRENOM_1> <NOM_1>, la société CLIENT_1 doit FA-2026-00001 ; voir <EMAIL_7>."
        answer = Assistant("api", config=cfg, anonymizer=Anonymizer(known)).ask(task)
        body = srv.requests[-1]["body"]
    for secret in ("Dupuis", "Catherine", "Dubois", "c.dubois@dupuis.example"):
        assert secret not in body
    assert "<CLIENT_1>" in body and "FA-2026-00001" in body
    assert answer.text == "Bonjour Catherine Dubois, la société Dupuis doit FA-2026-00001 ; voir <EMAIL_7>."
    assert [(m.found, m.repaired) for m in answer.mangled] == [("CLIENT_1", True), ("<EMAIL_7>", False)]
    assert "2 pseudonyme(s) déformé(s)" in answer.notices[0]
    assert answer.provenance.anonymisation.startswith("entités connues")


def test_copy_paste_prompt_is_anonymised_and_the_pasted_answer_fact_checked(company):
    row = company.invoices.iloc[-1]
    name = company.customer(row["customer_id"])["name"]
    anon = Anonymizer.from_company(company)
    task = Task(f"Relance {name} pour la facture {row['invoice_id']}.", reference="réf")
    assistant = Assistant("copier_coller", anonymizer=anon)
    prompt = assistant.ask(task).prompt_sent
    assert name not in prompt and "<CLIENT_1>" in prompt
    pasted = f"Madame, la facture {row['invoice_id']} de <CLIENT_1> reste due."
    answer = assistant.paste(task, pasted)
    assert name in answer.text and not answer.mangled
    report = check_answer(answer.text, company, customer_id=row["customer_id"])
    assert report.ok and report.counts["confirmé"] >= 2
