"""The e-learning modules' material, computed from the course company, and their scored quizzes.

The quiz texts are data (``elearning_quiz.yaml``); the questions whose answer depends on the
company (how many tokens in its reminder, which fact of the n-gram model's draft is false, which
part of a prompt is missing) are filled here from the company, never written in the data.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass

import pandas as pd

from ..errors import InvalidParameterError

__all__ = ["QUIZZES", "QuizItem", "Draft", "quiz_sections", "section_items", "sample_letter", "customer_email", "letter_model",
           "ngram_drafts", "token_question_values", "rcotf_exercise", "quiz_scores"]

#: Quizzes of the two modules (journal name → French title).
QUIZZES = {"essentiels_ia": "IA : les essentiels de l'IA générative", "prompting": "IA : maîtriser le prompting"}
#: Order of the n-gram model (it predicts a token from the 3 before it).
NGRAM_ORDER = 4
#: Drafts the model writes for the lesson, and the most it may draw to get them.
DRAFTS = 3
MAX_DRAFTS = 60


@dataclass(frozen=True)
class QuizItem:
    """One single-choice question: ``choices`` shown in order, ``correct`` the index of the right
    one, ``feedback`` one French explanation per choice (why right, why wrong)."""

    id: str
    question: str
    choices: tuple[str, ...]
    correct: int
    feedback: tuple[str, ...]

    def __post_init__(self):
        if len(self.choices) < 2 or len(self.feedback) != len(self.choices) \
                or not 0 <= self.correct < len(self.choices) or len(set(self.choices)) != len(self.choices):
            raise InvalidParameterError(f"Question « {self.id} » mal formée.",
                                        valid="au moins deux choix distincts, un retour par choix, une bonne réponse")


@functools.lru_cache(maxsize=1)
def _data() -> dict:
    from importlib.resources import files

    import yaml

    return yaml.safe_load((files(__package__) / "elearning_quiz.yaml").read_text(encoding="utf-8"))


def quiz_sections(quiz: str) -> dict[str, dict]:
    """The sections of ``quiz`` (key → {"titre", "minutes", "questions"}), in order."""
    if quiz not in QUIZZES:
        raise InvalidParameterError(f"Quiz inconnu : « {quiz} ».", valid=", ".join(QUIZZES))
    return _data()[quiz]["sections"]


def section_items(company, quiz: str, section: str) -> list[QuizItem]:
    """The questions of ``section`` of ``quiz``, the company-dependent ones computed for ``company``."""
    sections = quiz_sections(quiz)
    if section not in sections:
        raise InvalidParameterError(f"Section inconnue : « {section} ».", valid=", ".join(sections))
    items = []
    for q in sections[section]["questions"]:
        if "calculee" in q:
            items.append(_COMPUTED[q["calculee"]](company, q))
        else:  # the data list the right answer first: each question gets its own fixed order
            order = list(range(len(q["choix"])))
            random.Random(q["id"]).shuffle(order)
            items.append(QuizItem(q["id"], q["question"], tuple(q["choix"][i][0] for i in order),
                                  order.index(int(q["correcte"])), tuple(q["choix"][i][1] for i in order)))
    return items


# ----------------------------------------------------------------------------- material
def sample_letter(company) -> tuple[str, str]:
    """(customer id, text) of the company's first reminder e-mail (first customer id, lowest level)."""
    from ..ai.ngram import company_letters

    letters = company_letters(company)
    if not letters:
        raise InvalidParameterError("Aucune relance envoyée par cette entreprise.",
                                    todo="générez l'entreprise avec plus de clients")
    key = min(letters)
    return key[0], letters[key]


def customer_email(company) -> str:
    """The first e-mail a customer sent the company (sender, subject and body), as pasted into a tool."""
    from ..casework.emails import _our_domain

    emails = company.emails
    received = emails[~emails["sender"].str.contains("@" + _our_domain(company), regex=False)]
    if received.empty:
        raise InvalidParameterError("Aucun e-mail reçu d'un client dans cette entreprise.")
    message = received.iloc[0]
    return f"De : {message['sender']}\nObjet : {message['subject']}\n\n{message['body']}"


def letter_model(company):
    """The n-gram model trained on the company's reminder e-mails."""
    from ..ai.ngram import NgramModel, company_letters

    return NgramModel.train(list(company_letters(company).values()), order=NGRAM_ORDER)


@dataclass(frozen=True)
class Draft:
    """A reminder written by the n-gram model (``number`` from 1), and its fact check."""

    number: int
    text: str
    report: object


def ngram_drafts(company, n: int = DRAFTS, checker=None) -> list[Draft]:
    """``n`` drafts of the sample customer's reminder, written by the n-gram model from the first
    two lines of the real letter (drawn with the company's seed), each fact-checked for that customer.

    Only drafts that cite an invoice or an amount are kept (the model sometimes jumps straight to
    the closing formula); if none of the first ``n`` has a wrong fact, the next draft that has one
    takes the last place, so that the lesson always shows what the checker catches (within
    :data:`MAX_DRAFTS` draws)."""
    from ..ai import FactChecker, check_answer

    cid, letter = sample_letter(company)
    model = letter_model(company)
    checker = checker or FactChecker(company)
    start = "\n".join(letter.splitlines()[:2])
    kept: list = []
    for k in range(MAX_DRAFTS):
        text = model.generate(seed=company.seed * 1000 + k, prompt=start, max_tokens=300)
        report = check_answer(text, checker, customer_id=cid)
        if not any(v.fact.kind in ("montant", "pièce") for v in report.verdicts):
            continue
        if len(kept) < n:
            kept.append((text, report))
        elif report.problems:
            kept[-1] = (text, report)
        if len(kept) == n and any(r.problems for _, r in kept):
            break
    return [Draft(i, text, report) for i, (text, report) in enumerate(kept, 1)]


def token_question_values(text: str) -> dict[str, int]:
    """The four counts the token question offers: tokens, words, characters, lines of ``text``."""
    from ..ai import count_tokens

    return {"jetons": count_tokens(text).tokens, "mots": len(text.split()), "caracteres": len(text),
            "lignes": len(text.splitlines())}


def rcotf_exercise(company) -> tuple[dict, list]:
    """(parts, issues): a prompt about the sample customer with one part left out or too vague
    (chosen with the company's seed), and what :class:`~o2c_lab.ai.RcotfPrompt` says of it."""
    from ..ai import RcotfPrompt

    cid, _ = sample_letter(company)
    name = company.customer(cid)["name"]
    parts = {"role": "Tu es chargé(e) de recouvrement B2B dans une PME industrielle.",
             "contexte": f"Le client {name} a des factures échues et impayées ; la relance précédente est restée "
                         "sans réponse. Les montants et les dates sont dans le tableau joint.",
             "objectif": "Rédige une relance qui obtient une date de paiement ferme.",
             "ton": "ferme et courtois",
             "format": "un e-mail de 120 mots au maximum, avec un objet"}
    weak = random.Random(company.seed).choice(sorted(parts))
    parts[weak] = "" if weak in ("ton", "role") else "quelque chose de bien fait"
    return parts, RcotfPrompt(parts).check()


# ----------------------------------------------------------------------------- computed questions
def _token_item(company, q) -> QuizItem:
    cid, text = sample_letter(company)
    values = token_question_values(text)
    kinds = sorted(dict((v, k) for k, v in reversed(values.items())).items())  # one choice per distinct value
    from ..money import format_number

    choices = tuple(format_number(v, 0) for v, _ in kinds)
    feedback = tuple(q["retours"][k].format(valeur=format_number(v, 0)) for v, k in kinds)
    correct = [k for _, k in kinds].index("jetons")
    return QuizItem(q["id"], q["question"].format(client=company.customer(cid)["name"]), choices, correct, feedback)


def _invented_item(company, q) -> QuizItem:
    drafts = ngram_drafts(company)
    flagged = [d for d in drafts if d.report.problems]
    if not flagged:
        raise InvalidParameterError("Le modèle n'a écrit aucun fait faux dans ses brouillons : question impossible.",
                                    todo="relancez avec une autre entreprise du cours")
    draft = flagged[0]
    problems = sorted(draft.report.problems, key=lambda v: v.fact.kind not in ("montant", "pièce"))
    wrong = problems[0]
    right = [v for v in draft.report.verdicts if v.verdict == "confirmé" and v.fact.text != wrong.fact.text]
    why = wrong.explanation[:1].upper() + wrong.explanation[1:]
    choices = {wrong.fact.text: q["retours"]["faux"].format(valeur=wrong.fact.text, explication=why)}
    for v in right:
        if len(choices) < 3 and v.fact.text not in choices:
            choices[v.fact.text] = q["retours"]["juste"].format(valeur=v.fact.text, explication=v.explanation,
                                                                faux=wrong.fact.text)
    from ..casework.emails import AMOUNT_RE

    _, letter = sample_letter(company)
    for m in AMOUNT_RE.finditer(letter):  # real amounts of the real letter, absent from the draft
        if len(choices) < 4 and m.group() not in choices and m.group() not in draft.text:
            choices[m.group()] = q["retours"]["absent"].format(valeur=m.group(), faux=wrong.fact.text)
    order = sorted(choices)
    random.Random(company.seed).shuffle(order)
    return QuizItem(q["id"], q["question"].format(brouillon=draft.number), tuple(order),
                    order.index(wrong.fact.text), tuple(choices[c] for c in order))


def _rcotf_item(company, q) -> QuizItem:
    from ..ai.rcotf import DEFAULT_FIELDS

    _, issues = rcotf_exercise(company)
    flagged = issues[0]
    titles = [(key, title) for key, title, _ in DEFAULT_FIELDS]
    feedback = tuple(q["retours"]["juste" if key == flagged.field else "faux"].format(valeur=title,
                                                                                      message=flagged.message)
                     for key, title in titles)
    return QuizItem(q["id"], q["question"], tuple(t for _, t in titles),
                    [k for k, _ in titles].index(flagged.field), feedback)


_COMPUTED = {"nombre_de_jetons": _token_item, "fait_invente": _invented_item, "partie_manquante": _rcotf_item}


# ----------------------------------------------------------------------------- scores
def quiz_scores(journal_data: dict, quiz: str) -> pd.DataFrame:
    """Per section of ``quiz``: questions, answered, right answers and the score (right / questions),
    read from the journal's recorded answers (a question id is « section.name »)."""
    answers = journal_data.get("quizzes", {}).get(quiz, {})
    rows = []
    for key, section in quiz_sections(quiz).items():
        ids = [q["id"] for q in section["questions"]]
        given = [answers[i] for i in ids if i in answers]
        right = sum(bool(a["correct"]) for a in given)
        rows.append({"section": section["titre"], "questions": len(ids), "répondues": len(given),
                     "bonnes réponses": right, "score": f"{right}/{len(ids)}"})
    total = {"section": "Total", "questions": sum(r["questions"] for r in rows),
             "répondues": sum(r["répondues"] for r in rows), "bonnes réponses": sum(r["bonnes réponses"] for r in rows)}
    total["score"] = f"{total['bonnes réponses']}/{total['questions']}"
    return pd.DataFrame(rows + [total])
