"""The e-learning modules: the n-gram model, the scored quiz widget, the company-computed questions,
and the two notebooks executed by papermill (seed 12 here; seed 2026 in test_notebooks)."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from o2c_lab.ai.ngram import BOUNDARY, NgramModel, company_letters, tokenize
from o2c_lab.coaching import Journal
from o2c_lab.coaching import elearning
from o2c_lab.errors import InvalidParameterError

SEEDS = (11, 12)


def _corpus_ngrams(texts, order):
    """Every run of ``order`` tokens of the padded training texts, computed here on its own."""
    grams = set()
    for text in texts:
        tokens = [BOUNDARY] * (order - 1) + tokenize(text) + [BOUNDARY]
        grams |= {tuple(tokens[i:i + order]) for i in range(len(tokens) - order + 1)}
    return grams


# ----------------------------------------------------------------------------- n-gram model

@pytest.mark.parametrize("text", ["Bonjour,\n\nMontant : 1\u202f234,56\u00a0€.\n", "  a  b ", "", "FA-2026-00042"])
def test_tokens_give_the_text_back(text):
    assert "".join(tokenize(text)) == text


def test_toy_model_counts_and_probabilities():
    model = NgramModel.train(["le chat dort", "le chat mange", "le chien dort"], order=2)
    # after « le »: « chat » twice, « chien » once
    assert model.candidates(["le"]) == [(" chat", 2 / 3), (" chien", 1 / 3)]
    assert model.candidates(["inconnu"]) == []
    with pytest.raises(InvalidParameterError):
        NgramModel.train([" ", ""])
    with pytest.raises(InvalidParameterError):
        NgramModel.train(["a b"], order=1)
    with pytest.raises(InvalidParameterError, match="n'apparaît pas"):
        model.generate(seed=1, prompt="un oiseau")


@pytest.mark.parametrize("seed", SEEDS)
def test_model_is_deterministic_and_writes_only_what_it_read(many_companies, seed):
    company = many_companies[seed]
    texts = list(company_letters(company).values())
    assert len(texts) >= 3
    first, again = NgramModel.train(texts, order=4), NgramModel.train(texts, order=4)
    start = "\n".join(texts[0].splitlines()[:2])
    drafts = [first.generate(seed=s, prompt=start) for s in range(8)]
    assert drafts == [again.generate(seed=s, prompt=start) for s in range(8)]  # same seed, same text
    assert len(set(drafts)) > 1  # and the seed matters
    grams, bigrams = _corpus_ngrams(texts, 4), _corpus_ngrams(texts, 2)
    words = {t for text in texts for t in tokenize(text)}
    for s in range(8):
        tokens = first.generate_tokens(seed=s, prompt=start)
        assert all(tuple(tokens[i:i + 4]) in grams for i in range(len(tokens) - 3))
        assert set(tokens) - {BOUNDARY} <= words
        # the bigrams too: a 4-gram of the corpus has its bigrams in the corpus
        bare = tokens[2:]  # one start mark, as a bigram model pads
        assert all(g in bigrams for g in zip(bare, bare[1:]))
    # a model trained on other texts cannot write these words
    other = NgramModel.train(["Bonjour Madame, votre commande est partie."], order=2)
    assert set(tokenize(other.generate(seed=1))) <= set(tokenize("Bonjour Madame, votre commande est partie."))


@pytest.mark.parametrize("seed", SEEDS)
def test_fact_checker_catches_what_the_model_invented(many_companies, seed):
    company = many_companies[seed]
    cid, letter = elearning.sample_letter(company)
    drafts = elearning.ngram_drafts(company)
    assert len(drafts) == elearning.DRAFTS
    invoices = company.invoices.set_index("invoice_id")["customer_id"]
    mine = set(company.invoices.loc[company.invoices["customer_id"] == cid, "invoice_id"])
    caught = 0
    for draft in drafts:
        # independent check: an invoice number of the draft not this customer's is an invention
        cited = set(re.findall(r"FA-\d{4}-\d{5}", draft.text))
        foreign = {i for i in cited if i in invoices.index and invoices[i] != cid}
        flagged = {v.fact.text for v in draft.report.problems if v.fact.kind == "pièce"}
        assert foreign <= flagged
        assert not (flagged & mine)
        caught += len(draft.report.problems)
        for v in draft.report.problems:
            assert v.fact.text in draft.text
    assert caught >= 1


# ----------------------------------------------------------------------------- quiz widget

def _items():
    return [elearning.QuizItem("s1.a", "Deux et deux ?", ("3", "4", "5"), 1, ("non, 3", "oui, 4", "non, 5")),
            elearning.QuizItem("s1.b", "Capitale ?", ("Paris", "Lyon"), 0, ("oui, Paris", "non, Lyon")),
            elearning.QuizItem("s2.a", "Couleur ?", ("bleu", "vert"), 1, ("non, bleu", "oui, vert"))]


def test_scored_quiz_records_right_and_wrong_in_the_journal(tmp_path):
    from o2c_lab.ui.elearning import ScoredQuiz

    journal = Journal.open("Camille", folder=tmp_path)
    view = ScoredQuiz(_items(), journal, "prompting", title="Essai")
    view.button.click()  # nothing chosen: a French message, nothing recorded
    assert "Aucune réponse choisie" in view.panel.widget.value
    assert journal.data["quizzes"] == {}
    view.answers[0].value, view.answers[1].value = 1, 1  # right, wrong; third left blank
    view.button.click()
    saved = Journal.open("Camille", folder=tmp_path).data["quizzes"]["prompting"]  # re-read from the file
    assert {k: (v["answer"], v["correct"]) for k, v in saved.items()} == {"s1.a": ("4", True),
                                                                          "s1.b": ("Lyon", False)}
    assert "oui, 4" in view.feedbacks[0].value and "✔" in view.feedbacks[0].value
    assert "non, Lyon" in view.feedbacks[1].value and "✘" in view.feedbacks[1].value
    assert "Sans réponse" in view.feedbacks[2].value
    assert view.result == {"questions": 3, "answered": 2, "right": 1}
    assert "Score : 1/3" in view.score.value
    view.answers[1].value = 0  # a new answer replaces the old one
    view.button.click()
    assert Journal.open("Camille", folder=tmp_path).data["quizzes"]["prompting"]["s1.b"]["correct"] is True


def test_score_summary_equals_an_independent_count(tmp_path, many_companies):
    from o2c_lab.ui.elearning import ScoredQuiz, quiz_summary

    company = many_companies[SEEDS[0]]
    journal = Journal.open("Dominique", folder=tmp_path)
    summary = quiz_summary(journal, "prompting")
    chosen = {}
    for section in elearning.quiz_sections("prompting"):
        items = elearning.section_items(company, "prompting", section)
        view = ScoredQuiz(items, journal, "prompting")
        for n, (item, answer) in enumerate(zip(items, view.answers)):
            if n == 1:
                continue  # one question per section left unanswered
            answer.value = (item.correct + n) % len(item.choices)  # right for n = 0, wrong for n = 2
            chosen[item.id] = answer.value == item.correct
        view.button.click()
    table = elearning.quiz_scores(Journal.open("Dominique", folder=tmp_path).data, "prompting")
    per_section = Counter(k.split(".")[0] for k, ok in chosen.items() if ok)
    sections = elearning.quiz_sections("prompting")
    for (_, row), key in zip(table.iterrows(), sections):
        assert row["section"] == sections[key]["titre"]
        assert row["bonnes réponses"] == per_section[key]
        assert row["score"] == f"{per_section[key]}/{len(sections[key]['questions'])}"
    assert table.iloc[-1]["bonnes réponses"] == sum(chosen.values()) == len(sections)
    assert table.iloc[-1]["répondues"] == len(chosen)
    assert f"{sum(chosen.values())}/" in summary.result  # the live view followed the journal


def test_quiz_data_is_well_formed():
    for quiz in elearning.QUIZZES:
        sections = elearning.quiz_sections(quiz)
        for key, section in sections.items():
            assert 3 <= len(section["questions"]) <= 5 and section["minutes"] > 0
            assert all(q["id"].startswith(key + ".") for q in section["questions"])
    assert sum(s["minutes"] for s in elearning.quiz_sections("essentiels_ia").values()) == 45
    assert sum(s["minutes"] for s in elearning.quiz_sections("prompting").values()) == 25
    with pytest.raises(InvalidParameterError):
        elearning.quiz_sections("inconnu")
    with pytest.raises(InvalidParameterError):
        elearning.QuizItem("x", "?", ("a", "a"), 0, ("1", "2"))


# ----------------------------------------------------------------------------- company-computed questions

def _item(company, quiz, section, item_id):
    return next(i for i in elearning.section_items(company, quiz, section) if i.id == item_id)


def test_token_question_is_computed_from_the_company(many_companies):
    import tiktoken

    from o2c_lab.ai import seed_tiktoken_cache
    from o2c_lab.casework.dunning import dunning_plan, reminder_text
    from o2c_lab.money import format_number

    seed_tiktoken_cache()
    encoding = tiktoken.get_encoding("o200k_base")
    answers = {}
    for seed in SEEDS:
        company = many_companies[seed]
        plan = dunning_plan(company)
        sent = plan[plan["action"].isin(["relancer", "attendre"]) & plan["level"].isin([1, 2])]
        cid = sent["customer_id"].min()
        level = sent.loc[sent["customer_id"] == cid, "level"].min()
        ids = sent.loc[(sent["customer_id"] == cid) & (sent["level"] == level), "invoice_id"].tolist()
        letter = reminder_text(company, cid, int(level), "email", ids)
        item = _item(company, "essentiels_ia", "jetons", "jetons.compte")
        assert company.customer(cid)["name"] in item.question
        answers[seed] = item.choices[item.correct]
        assert answers[seed] == format_number(len(encoding.encode(letter)), 0)
        assert format_number(len(letter), 0) in item.choices  # the characters, a wrong answer
        assert "Exact" in item.feedback[item.correct]
    assert answers[SEEDS[0]] != answers[SEEDS[1]]


def test_invented_fact_question_is_computed_from_the_drafts(many_companies):
    answers = {}
    for seed in SEEDS:
        company = many_companies[seed]
        cid, letter = elearning.sample_letter(company)
        item = _item(company, "essentiels_ia", "prediction", "prediction.faux")
        draft = elearning.ngram_drafts(company)[int(re.search(r"n° (\d)", item.question).group(1)) - 1]
        wrong = item.choices[item.correct]
        assert wrong in draft.text and wrong not in letter  # the model wrote it, the real letter does not say it
        for n, choice in enumerate(item.choices):
            if n != item.correct:  # every other choice is true: in the real letter or confirmed in the draft
                confirmed = {v.fact.text for v in draft.report.verdicts if v.verdict == "confirmé"}
                assert choice in letter or choice in confirmed
        answers[seed] = wrong
    assert answers[SEEDS[0]] != answers[SEEDS[1]]


def test_missing_part_question_is_computed_from_the_prompt(many_companies):
    from o2c_lab.ai import RcotfPrompt
    from o2c_lab.ai.rcotf import DEFAULT_FIELDS

    answers = {}
    for seed in (11, 2026):  # two seeds whose draws differ
        company = many_companies[seed]
        parts, _ = elearning.rcotf_exercise(company)
        weak = [k for k, v in parts.items() if not v or "quelque chose" in v]
        assert len(weak) == 1
        item = _item(company, "prompting", "role_contexte", "role_contexte.rcotf")
        title = {k: t for k, t, _ in DEFAULT_FIELDS}[weak[0]]
        assert item.choices[item.correct] == title
        assert weak[0] in {i.field for i in RcotfPrompt(parts).check()}
        answers[seed] = title
    assert answers[11] != answers[2026]


# ----------------------------------------------------------------------------- notebooks

ELEARNING = ("avant_2_essentiels_ia.ipynb", "avant_3_prompting.ipynb")


def test_notebooks_record_the_visit_and_speak_french():
    import nbformat

    from o2c_lab.authoring import course_notebooks, render_notebook
    from o2c_lab.authoring.language import leftovers
    from o2c_lab.ui import MODULES

    assert len(MODULES) == 7
    for name in ELEARNING:
        assert name in course_notebooks()
        cells = nbformat.reads(render_notebook(name), as_version=4).cells
        assert any(f'module="{name}"' in c.source for c in cells)  # Course.start notes the visit
        assert any("Partie du programme couverte" in c.source for c in cells)
        assert [leftovers(c.source) for c in cells if c.cell_type == "markdown" and leftovers(c.source)] == []


@pytest.fixture(scope="module")
def executed_seed12(tmp_path_factory):
    papermill = pytest.importorskip("papermill")
    from pathlib import Path

    import nbformat

    folder = Path(__file__).resolve().parents[1] / "notebooks"
    out = tmp_path_factory.mktemp("elearning12")
    results = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("O2C_LAB_JOURNAL_DIR", str(out / "journal"))
        for name in ELEARNING:
            papermill.execute_notebook(str(folder / name), str(out / name), kernel_name="python3", cwd=str(folder),
                                       parameters={"seed": 12, "data_folder": None, "ai_mode": "hors_ligne",
                                                   "participant": ""}, progress_bar=False, execution_timeout=120)
            results[name] = nbformat.read(out / name, as_version=4)
    return out, results


def test_notebooks_run_headless_for_a_second_seed(executed_seed12):
    import json

    from o2c_lab import generate_company
    from o2c_lab.authoring.language import visible_problems
    from test_notebooks import _outputs, _visible_texts

    out, results = executed_seed12
    for name, nb in results.items():
        outputs = _outputs(nb)
        assert not [o for o in outputs if o.output_type == "error"], name
        assert not [o for o in outputs if o.output_type == "stream" and o.name == "stderr"], name
        assert sorted({p for t in _visible_texts(nb) for p in visible_problems(t)}) == [], name
    journal = json.loads(next((out / "journal").glob("journal-*.json")).read_text(encoding="utf-8"))
    assert set(journal["visits"]) == set(ELEARNING)
    assert journal["quizzes"] == {}  # nothing clicked, nothing scored
    # the token count shown is this seed's
    company = generate_company(seed=12)
    _, letter = elearning.sample_letter(company)
    from o2c_lab.ai import count_tokens

    shown = " ".join(_visible_texts(results[ELEARNING[0]]))
    assert f"{count_tokens(letter)}".replace("\u202f", " ") in shown.replace("\u202f", " ")


def test_customer_email_is_anonymised_before_and_after(many_companies):
    from o2c_lab.ai import Anonymizer
    from o2c_lab.ui.elearning import side_by_side_html

    company = many_companies[SEEDS[0]]
    text = elearning.customer_email(company)
    sender = text.splitlines()[0].removeprefix("De : ")
    address = re.search(r"<([^>]+)>", sender).group(1)
    assert sender in set(company.emails["sender"])  # a real message of the company's threads
    staff = {p["email"] for p in company.scenario["staff"].values() if "@" in p.get("email", "")}
    assert address not in staff  # a customer wrote it
    result = Anonymizer.from_company(company, use_nlp=False).anonymize_text(text)
    assert address not in result.text and "<EMAIL_1>" in result.text
    html = side_by_side_html(text, result.text)
    assert "Avant" in html and "Après" in html and "&lt;EMAIL_1&gt;" in html


def test_quiz_widget_texts_are_french(tmp_path, many_companies):
    from o2c_lab.authoring.language import visible_problems
    from o2c_lab.ui.elearning import ScoredQuiz
    from test_notebooks import _widget_texts

    company = many_companies[SEEDS[0]]
    journal = Journal.open("x", folder=tmp_path)
    views = [ScoredQuiz(elearning.section_items(company, quiz, section), journal, quiz)
             for quiz in elearning.QUIZZES for section in elearning.quiz_sections(quiz)]
    for view in views:
        for answer in view.answers:
            answer.value = 0
        view.button.click()  # the feedback texts too
    texts = [t for v in views for t in _widget_texts(v.widget)]
    texts += [label for v in views for a in v.answers for label in a._options_labels]
    assert len(texts) > 100
    assert [(t, visible_problems(t)) for t in texts if visible_problems(t)] == []


def test_token_pieces_give_the_text_back_and_follow_the_count(many_companies):
    from o2c_lab.ai import count_tokens
    from o2c_lab.ai.tokens import token_pieces
    from o2c_lab.ui.elearning import tokens_html

    _, letter = elearning.sample_letter(many_companies[SEEDS[0]])
    pieces = token_pieces(letter)
    assert "".join(pieces) == letter
    # a character split over two tokens stays whole in one piece: never more pieces than tokens
    assert 0.9 * count_tokens(letter).tokens <= len(pieces) <= count_tokens(letter).tokens
    import tiktoken

    encoding = tiktoken.get_encoding("o200k_base")  # its cache was seeded by the count above
    ascii_text = "Facture FA-2026-01333 : 5 252,69 EUR"  # one character per byte: pieces are tokens
    assert token_pieces(ascii_text) == [encoding.decode([t]) for t in encoding.encode(ascii_text)]
    assert tokens_html(pieces).count("<span") == len(pieces)
