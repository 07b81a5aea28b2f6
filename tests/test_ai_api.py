"""API mode against a real loopback HTTP server speaking the OpenAI protocol, with faults."""

from __future__ import annotations

import json
import socket
import time

import pytest
from openai_server import FakeOpenAIServer, closed_port
from pydantic import BaseModel

from o2c_lab.ai import (OFFLINE_LABEL, AIConfig, Assistant, OpenAIBackend, RecordingStore, Task,
                        check_connection, load_config)
from o2c_lab.ai.backends import BackendError
from o2c_lab.errors import InvalidParameterError

KEY = "sk-test-0123456789-SECRET"


class Priority(BaseModel):
    customer: str
    priority: int
    reasons: list[str]


@pytest.fixture
def server():
    with FakeOpenAIServer(models=("modele-test", "gpt-4o-mini"), expected_key=KEY) as srv:
        yield srv


def _config(srv, **kw):
    base = dict(base_url=srv.base_url, api_key=KEY, model="modele-test", timeout_s=1.0, max_retries=0)
    return AIConfig(**{**base, **kw})


TASK = Task("Rédige une relance pour la facture FA-2026-00001.", system="Tu es chargé de recouvrement.",
            reference="Relance type (gabarit).", title="relance")


def test_plain_answer_has_provenance_and_real_usage(server):
    server.reply_text = "Bonjour, merci de régler la facture FA-2026-00001."
    answer = Assistant("api", config=_config(server)).ask(TASK)
    assert answer.is_ai and answer.text == server.reply_text
    p = answer.provenance
    assert (p.mode, p.model, p.usage.source) == ("api", "modele-test", "réel")
    body = json.loads(server.requests[-1]["body"])
    # the server computed usage from the body length: the client must report exactly that
    assert p.usage.prompt_tokens == max(1, len(server.requests[-1]["body"]) // 4)
    assert [m["role"] for m in body["messages"]] == ["system", "user"]  # never "developer"
    assert "max_tokens" in body and "max_completion_tokens" not in body
    assert p.prompt_hash and len(p.prompt_hash) == 16
    assert p.cost is not None and p.cost.eur is None  # unknown model: cost unknown, never 0


def test_max_tokens_parameter_is_configurable(server):
    Assistant("api", config=_config(server, max_tokens_param="max_completion_tokens")).ask(TASK)
    body = json.loads(server.requests[-1]["body"])
    assert body["max_completion_tokens"] == 800 and "max_tokens" not in body


@pytest.mark.parametrize("role", ["developer", "user"])
def test_system_role_quirk(server, role):
    Assistant("api", config=_config(server, system_role=role)).ask(TASK)
    messages = json.loads(server.requests[-1]["body"])["messages"]
    if role == "developer":
        assert [m["role"] for m in messages] == ["developer", "user"]
    else:
        assert [m["role"] for m in messages] == ["user"]
        assert messages[0]["content"] == TASK.system + "\n\n" + TASK.prompt


def test_json_schema_output_is_validated_client_side(server):
    server.json_reply = {"customer": "C0001", "priority": 2, "reasons": ["retard 45 j"]}
    task = Task("Priorise.", output_model=Priority, reference=Priority(customer="C0001", priority=1, reasons=[]))
    answer = Assistant("api", config=_config(server)).ask(task)
    assert answer.parsed == Priority(**server.json_reply)
    fmt = json.loads(server.requests[-1]["body"])["response_format"]
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["schema"]["additionalProperties"] is False


def test_server_ignoring_the_schema_gets_one_corrective_retry(server):
    server.reply_text = "Voici ma réponse, sans JSON."
    server.script = ["ignore_schema"]  # then the retry is answered with a valid object
    server.json_reply = {"customer": "C0002", "priority": 1, "reasons": []}
    task = Task("Priorise.", output_model=Priority, reference=Priority(customer="C0001", priority=1, reasons=[]))
    answer = Assistant("api", config=_config(server)).ask(task)
    assert answer.is_ai and answer.parsed == Priority(**server.json_reply)
    assert len(server.requests) == 2
    assert "JSON" in json.loads(server.requests[-1]["body"])["messages"][-1]["content"]


def test_server_ignoring_the_schema_twice_falls_back(server):
    server.reply_text = "Toujours pas de JSON."
    server.behaviour = "ignore_schema"
    ref = Priority(customer="C0001", priority=1, reasons=[])
    answer = Assistant("api", config=_config(server)).ask(Task("Priorise.", output_model=Priority, reference=ref))
    assert not answer.is_ai and answer.parsed == ref and "format attendu" in answer.notices[0]


def test_streaming_with_final_usage_chunk(server):
    server.reply_text = "Texte diffusé morceau par morceau, avec des accents éèà."
    pieces = []
    answer = Assistant("api", config=_config(server)).ask(TASK, stream=True, on_text=pieces.append)
    assert answer.text == server.reply_text and "".join(pieces) == server.reply_text and len(pieces) > 3
    assert answer.provenance.usage.source == "réel"
    assert json.loads(server.requests[-1]["body"])["stream_options"] == {"include_usage": True}


def test_streaming_without_usage_support_estimates(server):
    server.reply_text = "Réponse courte."
    answer = Assistant("api", config=_config(server, stream_usage=False)).ask(TASK, stream=True)
    assert "stream_options" not in json.loads(server.requests[-1]["body"])
    assert answer.provenance.usage.source == "estimé" and answer.provenance.usage.completion_tokens > 0


def test_missing_usage_is_estimated_and_labelled(server):
    server.behaviour = "no_usage"
    answer = Assistant("api", config=_config(server, model="gpt-4o-mini")).ask(TASK)
    usage, cost = answer.provenance.usage, answer.provenance.cost
    assert answer.is_ai and usage.source == "estimé" and usage.prompt_tokens > 0
    assert cost.basis == "usage estimé" and cost.eur is not None and cost.eur > 0


FAULTS = {
    "slow": ("timeout", "délai"),
    "429": ("limite_debit", "429"),
    "500": ("erreur_serveur", "500"),
    "bad_json": ("reponse_illisible", "JSON"),
    "404_model": ("modele_introuvable", "introuvable"),
    "401": ("cle_refusee", "Clé"),
    "quota": ("quota", "Quota"),
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_each_fault_ends_in_french_message_and_offline_fallback(server, fault):
    server.behaviour = fault
    server.delay = 2.0
    started = time.monotonic()
    answer = Assistant("api", config=_config(server, timeout_s=0.5)).ask(TASK)
    assert time.monotonic() - started < 5
    assert not answer.is_ai and answer.label.startswith(OFFLINE_LABEL)
    assert answer.text == TASK.reference
    reason_word = FAULTS[fault][1]
    assert len(answer.notices) == 1 and reason_word in answer.notices[0]
    assert "Que faire" in answer.notices[0]
    with pytest.raises(BackendError) as err:
        OpenAIBackend(_config(server, timeout_s=0.5)).chat([{"role": "user", "content": "x"}])
    assert err.value.reason == FAULTS[fault][0]


def test_429_retry_after_is_honoured_by_the_client_retries(server):
    server.script = ["429_retryable"]  # first call rate-limited with Retry-After: 1, then fine
    server.reply_text = "ok"
    started = time.monotonic()
    answer = Assistant("api", config=_config(server, max_retries=1, timeout_s=5)).ask(TASK)
    assert answer.is_ai and answer.text == "ok"
    assert time.monotonic() - started >= 0.9  # the client waited as the server asked
    assert [r["headers"].get("x-stainless-retry-count") for r in server.requests] == ["0", "1"]


def test_429_when_retries_are_exhausted_falls_back(server):
    server.behaviour = "429"
    answer = Assistant("api", config=_config(server, max_retries=2)).ask(TASK)
    assert not answer.is_ai and "1 s" in answer.notices[0] and len(server.requests) == 1


def test_untrusted_certificate_is_diagnosed_as_a_tls_proxy():
    with FakeOpenAIServer(tls=True) as srv:
        cfg = AIConfig(base_url=srv.base_url, api_key=KEY, model="modele-test", timeout_s=2, max_retries=0)
        diag = check_connection(cfg)
        answer = Assistant("api", config=cfg).ask(TASK)
    assert not diag.ok and diag.reason == "tls" and "SSL_CERT_FILE" in diag.message
    assert not answer.is_ai and "certificat" in answer.notices[0]


def test_connection_refused(server):
    cfg = AIConfig(base_url=f"http://127.0.0.1:{closed_port()}/v1", api_key=KEY, model="m",
                   timeout_s=1.0, max_retries=0)
    answer = Assistant("api", config=cfg).ask(TASK)
    assert not answer.is_ai and "Serveur injoignable" in answer.notices[0]


def test_no_key_never_builds_a_client():
    answer = Assistant("api", config=AIConfig(base_url="http://127.0.0.1:9/v1")).ask(TASK)
    assert not answer.is_ai and "Aucune clé" in answer.notices[0]


@pytest.mark.parametrize("case,expected", [
    ("ok", "Connexion réussie"), ("bad_model", "n'est pas proposé"), ("bad_key", "Clé d'API refusée"),
    ("quota", "Quota du compte épuisé"),
    ("wrong_url", "Adresse introuvable"), ("refused", "Serveur injoignable"), ("no_key", "Aucune clé"),
])
def test_connectivity_check_french_diagnosis(server, case, expected):
    if case == "quota":
        server.behaviour = "quota"  # models are listed, the probe request hits the quota
    cfg = {
        "ok": _config(server), "bad_model": _config(server, model="inconnu"), "quota": _config(server),
        "bad_key": _config(server, api_key="faux"),
        "wrong_url": _config(server, base_url=server.base_url[:-3] + "/api"),
        "refused": _config(server, base_url=f"http://127.0.0.1:{closed_port()}/v1"),
        "no_key": _config(server, api_key=""),
    }[case]
    diag = check_connection(cfg)
    assert diag.ok == (case == "ok") and expected in diag.message


def test_key_never_printed(server, tmp_path, capsys, caplog):
    import logging

    caplog.set_level(logging.DEBUG)  # even the SDK's and the HTTP client's debug logs
    (tmp_path / ".env").write_text(f"O2C_AI_API_KEY={KEY}\nO2C_AI_BASE_URL={server.base_url}\n"
                                   "O2C_AI_MODEL=modele-test\n", encoding="utf-8")
    cfg = load_config(tmp_path / ".env", environ={})
    assert cfg.api_key.reveal() == KEY and cfg.base_url == server.base_url
    assistant = Assistant("api", config=cfg)
    answer = assistant.ask(TASK)
    server.behaviour = "401"
    failed = assistant.ask(TASK)
    print(cfg, assistant, answer, failed, cfg.describe(), check_connection(cfg))
    store = RecordingStore(tmp_path / "rec.json")
    server.behaviour = "plain"
    assistant.record([TASK], store)
    import copy
    import pickle
    texts = [repr(cfg), str(cfg), repr(assistant), str(answer), repr(answer), str(failed),
             repr(failed.provenance), capsys.readouterr().out, caplog.text,
             (tmp_path / "rec.json").read_text(encoding="utf-8"), repr(copy.deepcopy(cfg)),
             repr(pickle.loads(pickle.dumps(cfg)))]
    assert all(KEY not in t and KEY[:12] not in t for t in texts)
    # the key did reach the server, in the Authorization header only
    assert server.requests[0]["headers"]["authorization"] == f"Bearer {KEY}"
    assert all(KEY not in r["body"] for r in server.requests)


def test_env_precedence_and_bad_values(tmp_path):
    (tmp_path / ".env").write_text("O2C_AI_MODEL=depuis-fichier\nO2C_AI_TIMEOUT=12,5\n", encoding="utf-8")
    cfg = load_config(tmp_path / ".env", environ={"O2C_AI_MODEL": "depuis-env"})
    assert cfg.model == "depuis-env" and cfg.timeout_s == 12.5
    assert load_config(tmp_path / ".env", environ={}, model="explicite").model == "explicite"
    with pytest.raises(InvalidParameterError):
        load_config(None, environ={"O2C_AI_TIMEOUT": "abc"})
    with pytest.raises(InvalidParameterError):
        AIConfig(max_tokens_param="max_length")


def test_replay_mode_records_then_replays_offline(server, tmp_path):
    server.reply_text = "Réponse enregistrée pour la cohorte."
    store = RecordingStore(tmp_path / "enregistrements.json")
    assert Assistant("api", config=_config(server)).record([TASK], store) == 1
    n_requests = len(server.requests)
    replay = Assistant("rejeu", store=RecordingStore(tmp_path / "enregistrements.json"))
    answer = replay.ask(TASK)
    assert len(server.requests) == n_requests  # replay never calls the server
    assert answer.text == server.reply_text and answer.provenance.mode == "rejeu"
    assert answer.provenance.model == "modele-test" and answer.provenance.usage.source == "réel"
    missing = replay.ask(Task("Autre prompt", reference="réf"))
    assert not missing.is_ai and "Aucune réponse enregistrée" in missing.notices[0]


def test_offline_mode_opens_no_socket(monkeypatch):
    opened = []
    real_socket = socket.socket

    class Spy(real_socket):
        def __init__(self, *a, **k):
            opened.append(a)
            super().__init__(*a, **k)

    monkeypatch.setattr(socket, "socket", Spy)
    monkeypatch.setattr(socket.socket, "connect", lambda *a: opened.append(a))
    answer = Assistant().ask(TASK)
    assert opened == [] and answer.text == TASK.reference and not answer.is_ai
    assert answer.label == OFFLINE_LABEL and answer.provenance.model is None
    assert Assistant()._backend is None


def test_copy_paste_mode_goes_through_the_same_pipeline():
    assistant = Assistant("copier_coller")
    pending = assistant.ask(TASK)
    assert pending.pending and TASK.prompt in pending.prompt_sent and not pending.is_ai
    answer = assistant.paste(TASK, "Merci de régler FA-2026-00001.")
    assert answer.provenance.mode == "copier_coller" and answer.provenance.usage.source == "estimé"
    with pytest.raises(InvalidParameterError):
        assistant.paste(TASK, "  ")


def test_unknown_mode_is_a_french_error():
    with pytest.raises(InvalidParameterError, match="Mode d'IA inconnu"):
        Assistant("magique")
    assert Assistant("hors ligne").mode == "hors_ligne"


def test_trainer_records_the_whole_library_then_the_cohort_replays_offline(server, tmp_path, company):
    from o2c_lab.ai import Anonymizer, library_tasks

    store = RecordingStore(tmp_path / "cohorte.json")
    anon = Anonymizer.from_company(company)
    tasks = library_tasks(company)
    assert Assistant("api", config=_config(server), anonymizer=anon).record(tasks, store) == len(tasks)
    from leaks import identifiers, leaks

    saved = json.loads((tmp_path / "cohorte.json").read_text(encoding="utf-8"))
    answers_text = "\n".join(r["answer"] for r in saved["enregistrements"])
    assert "<CLIENT_1>" in answers_text  # the echo server repeated the (pseudonymised) prompt
    keep = [company.name] + list(company.products["label"])
    assert leaks(answers_text, identifiers(company), keep) == []
    n_requests = len(server.requests)
    replay = Assistant("rejeu", store=RecordingStore(tmp_path / "cohorte.json"), anonymizer=anon)
    answers = [replay.ask(t) for t in library_tasks(company)]
    assert len(server.requests) == n_requests
    assert all(a.is_ai and a.provenance.mode == "rejeu" for a in answers)
    assert all("<CLIENT_" not in a.text for a in answers)  # re-identified with the replayed prompt's mapping
