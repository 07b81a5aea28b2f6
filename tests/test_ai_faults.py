"""Every way an answer can go wrong, against the real loopback OpenAI-protocol server: no empty or
truncated text is ever shown as an AI answer, no traceback, and the call gives up within the
stated total deadline (+ 2 s)."""

from __future__ import annotations

import time

import pytest
from openai_server import FakeOpenAIServer

from o2c_lab.ai import OFFLINE_LABEL, AIConfig, Assistant, Task, check_connection

KEY = "sk-test-faults"
DEADLINE = 1.5
TASK = Task("Rédige une relance pour la facture FA-2026-00001.", system="Tu es chargé de recouvrement.",
            reference="Relance type (gabarit).", title="relance")

# fault -> (streamed?, the category the message must name)
CASES = {
    ("slow", False): "Délai dépassé", ("slow", True): "Délai dépassé",
    ("trickle", False): "Délai dépassé", ("trickle", True): "Délai dépassé",
    ("cut_stream", True): "Réponse interrompue", ("no_finish", True): "Réponse interrompue",
    ("close", False): "Réponse interrompue", ("close", True): "Réponse interrompue",
    ("hang_up", False): "Réponse interrompue", ("hang_up", True): "Réponse interrompue",
    ("length", False): "Réponse interrompue", ("length", True): "Réponse interrompue",
    ("bad_json", False): "Réponse illisible", ("bad_json_stream", True): "Réponse illisible",
    ("text_plain", False): "Réponse illisible", ("text_plain", True): "Réponse illisible",
    ("empty", False): "Réponse illisible", ("empty", True): "Réponse illisible",
    ("huge", False): "Réponse illisible", ("huge", True): "Réponse illisible",
}


@pytest.fixture(scope="module")
def server():
    # the anonymiser's language model and the client library are loaded beforehand: the timings
    # below are the call's own
    import openai  # noqa: F401

    Assistant("hors_ligne").ask(TASK)
    with FakeOpenAIServer(models=("modele-test",), expected_key=KEY) as srv:
        yield srv


def _config(srv, **kw):
    return AIConfig(**{**dict(base_url=srv.base_url, api_key=KEY, model="modele-test", timeout_s=DEADLINE,
                              max_retries=1, max_reply_kb=256), **kw})


@pytest.mark.parametrize("fault, stream", sorted(CASES), ids=[f"{f}-{'flux' if s else 'bloc'}" for f, s in sorted(CASES)])
def test_a_broken_answer_is_never_shown_as_an_answer(server, fault, stream):
    server.behaviour, server.delay, server.huge_mb = fault, 4.0 if fault == "slow" else 0.4, 3
    shown = []
    started = time.monotonic()
    answer = Assistant("api", config=_config(server)).ask(TASK, stream=stream, on_text=shown.append)
    elapsed = time.monotonic() - started
    assert elapsed <= DEADLINE + 2, elapsed
    assert not answer.is_ai and answer.label.startswith(OFFLINE_LABEL)
    assert answer.text == TASK.reference
    assert len(answer.notices) == 1 and answer.notices[0].startswith(CASES[fault, stream]), answer.notices
    assert "Que faire" in answer.notices[0] and "Traceback" not in answer.notices[0]
    if CASES[fault, stream] == "Délai dépassé":  # the message states the deadline actually applied
        assert f"en {DEADLINE:g} s" in answer.notices[0]


def test_a_complete_stream_is_accepted_and_pieces_reach_the_caller(server):
    server.behaviour, server.reply_text = "plain", "Bonjour, merci de régler la facture FA-2026-00001."
    shown = []
    answer = Assistant("api", config=_config(server)).ask(TASK, stream=True, on_text=shown.append)
    assert answer.is_ai and answer.text == server.reply_text == "".join(shown)
    server.reply_text = None


def test_total_deadline_covers_the_retries(server):
    # each attempt answers at once (429, Retry-After: 1 s), but four of them do not fit in 2 s
    server.behaviour = "429_retryable"
    started = time.monotonic()
    answer = Assistant("api", config=_config(server, max_retries=3, timeout_s=2)).ask(TASK)
    assert not answer.is_ai and time.monotonic() - started <= 2 + 2
    assert answer.notices[0].startswith("Délai dépassé")


def test_reply_size_cap_is_configurable(server):
    server.behaviour, server.huge_mb = "huge", 1  # about 1 MB
    assert not Assistant("api", config=_config(server, max_reply_kb=512)).ask(TASK).is_ai
    answer = Assistant("api", config=_config(server, max_reply_kb=4096, timeout_s=10)).ask(TASK)
    assert answer.is_ai and len(answer.text) > 1_000_000


@pytest.mark.parametrize("fault, expected", [("text_plain", "Réponse illisible"), ("slow", "Délai dépassé")])
def test_connection_check_reports_in_french(server, fault, expected):
    server.behaviour, server.delay = fault, 4.0
    started = time.monotonic()
    diagnosis = check_connection(_config(server))
    assert time.monotonic() - started <= DEADLINE + 2
    assert not diagnosis.ok and diagnosis.message.startswith(expected)
