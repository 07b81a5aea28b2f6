"""The « Humain ou IA ? » quiz: a text is shown as AI-written only when a model answered."""

from __future__ import annotations

import pytest
from openai_server import FakeOpenAIServer

from o2c_lab.ai import AIConfig, Anonymizer, Assistant, fill
from o2c_lab.coaching import PROVENANCES, Journal, QuizText, quiz_texts, score_quiz
from o2c_lab.coaching.quiz import QUIZ_PROMPTS
from o2c_lab.errors import InvalidParameterError
from o2c_lab.ui import ProvenanceQuiz

KEY = "sk-test-quiz-0123456789"


@pytest.fixture(scope="module")
def small_company():
    from o2c_lab import generate_company

    return generate_company(seed=11, customers=60)


def test_offline_quiz_holds_only_template_texts(small_company):
    texts = quiz_texts(small_company, Assistant("hors_ligne"))
    assert {t.provenance for t in texts} == {"programme"}
    references = {str(fill(pid, small_company).task().reference) for pid in QUIZ_PROMPTS}
    assert {t.text for t in texts} == references
    assert texts == quiz_texts(small_company, Assistant("hors_ligne"))  # same order for the whole cohort


def test_a_model_answer_joins_with_its_model_and_date(small_company):
    with FakeOpenAIServer(models=("modele-test",), expected_key=KEY) as server:
        config = AIConfig(base_url=server.base_url, api_key=KEY, model="modele-test", timeout_s=5.0, max_retries=0)
        assistant = Assistant("api", config=config, anonymizer=Anonymizer.from_company(small_company))
        texts = quiz_texts(small_company, assistant, prompt_ids=QUIZ_PROMPTS[:2])
        asked = len(server.requests)
    ai = [t for t in texts if t.provenance == "ia"]
    assert asked == 2 and len(ai) == 2 and len(texts) == 4
    assert all("modèle modele-test" in t.origin and "en direct" in t.origin for t in ai)


def test_a_failed_model_call_never_passes_for_an_ai_text(small_company):
    config = AIConfig(base_url="http://127.0.0.1:9/v1", api_key=KEY, model="modele-test", timeout_s=0.5,
                      max_retries=0)
    texts = quiz_texts(small_company, Assistant("api", config=config), prompt_ids=QUIZ_PROMPTS[:1])
    assert [t.provenance for t in texts] == ["programme"]


def test_score_counts_right_answers_and_texts_wrongly_given_to_an_ai():
    texts = [QuizText("a", "programme", "o"), QuizText("b", "ia", "o"), QuizText("c", "programme", "o")]
    score = score_quiz(texts, ["ia", "ia", None])
    assert score == {"answered": 2, "right": 1, "ai_texts": 1, "wrongly_ai": 1}
    with pytest.raises(InvalidParameterError):
        score_quiz(texts, ["ia"])
    with pytest.raises(InvalidParameterError, match="inconnue"):
        score_quiz(texts, ["robot", None, None])


def test_quiz_view_reveals_provenance_and_keeps_the_score(small_company, tmp_path):
    journal = Journal.open("Zoé", folder=tmp_path)
    texts = quiz_texts(small_company, Assistant("hors_ligne"))
    view = ProvenanceQuiz(journal, texts)
    view.choices[0].value = "ia"
    view.choices[1].value = "programme"
    view.button.click()
    assert view.panel.result == ""
    assert view.result == {"answered": 2, "right": 1, "ai_texts": 0, "wrongly_ai": 1}
    assert PROVENANCES["programme"] in view.reveals[0].value and "✘" in view.reveals[0].value
    assert "Aucun texte de ce quiz n'a été écrit par une IA" in view.summary.value
    assert journal.data["answers"]["01_quiz_humain_ou_ia"]["text"].startswith("1 bonne(s) réponse(s) sur 2")
