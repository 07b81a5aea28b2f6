"""The « Humain ou IA ? » quiz: texts whose provenance is stored with them, never guessed.

A text is presented as written by an AI only when a model actually wrote it: a live answer (mode
``api``) or an answer recorded by the trainer with its model and date (mode ``rejeu``). Offline,
the quiz holds only the texts the course's program writes from fixed letter templates, and says so:
the lesson is that the look of a text proves nothing, only its recorded provenance does.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from ..errors import InvalidParameterError

__all__ = ["PROVENANCES", "QUIZ_PROMPTS", "QuizText", "quiz_texts", "score_quiz"]

#: Who can have written a text (key → French answer shown to the trainee).
PROVENANCES = {
    "personne": "une personne",
    "programme": "un programme à modèle de lettre (sans IA)",
    "ia": "une IA générative",
}

#: Library prompts whose texts the quiz shows: their template version and, when a model answered, its answer.
QUIZ_PROMPTS = ("relance_niveau1_courtoise", "relance_niveau2_ferme", "reponse_deja_paye", "script_appel_retard")


@dataclass(frozen=True)
class QuizText:
    """One text of the quiz, with its true provenance (a key of :data:`PROVENANCES`) and its origin."""

    text: str
    provenance: str
    origin: str


def _model_origin(answer) -> str | None:
    """French origin of an answer a model really wrote, or None (template, pasted, pending)."""
    prov = answer.provenance
    if not answer.is_ai or prov.mode not in ("api", "rejeu") or not prov.model:
        return None
    how = "réponse enregistrée par le formateur" if prov.mode == "rejeu" else "réponse obtenue en direct"
    return f"écrit par le modèle {prov.model} le {prov.produced_at[:10]} ({how})"


def quiz_texts(company, assistant, prompt_ids=QUIZ_PROMPTS) -> list[QuizText]:
    """The quiz for ``company``: for each prompt, the template text and, when ``assistant`` gets a
    real model's answer (api or rejeu mode), that answer; shuffled the same way for a given seed."""
    from ..ai import fill

    texts = []
    for prompt_id in prompt_ids:
        task = fill(prompt_id, company).task()
        texts.append(QuizText(str(task.reference), "programme",
                              "produit par le programme du cours, qui remplit un modèle de lettre fixe avec les "
                              "données de l'entreprise (aucune IA n'intervient)"))
        answer = assistant.ask(task)
        origin = _model_origin(answer)
        if origin:
            texts.append(QuizText(answer.text, "ia", origin))
    random.Random(company.seed).shuffle(texts)
    return texts


def score_quiz(texts: list[QuizText], guesses: list[str | None]) -> dict:
    """Compare ``guesses`` (keys of :data:`PROVENANCES`, None when unanswered) with the true provenances.

    Returns ``answered``, ``right``, ``ai_texts`` and ``wrongly_ai`` (texts taken for an AI that no
    AI wrote): the numbers the debrief is about.
    """
    if len(guesses) != len(texts):
        raise InvalidParameterError(f"{len(guesses)} réponse(s) pour {len(texts)} texte(s).",
                                    todo="répondez pour chaque texte (ou laissez-le sans réponse)")
    unknown = {g for g in guesses if g is not None and g not in PROVENANCES}
    if unknown:
        raise InvalidParameterError(f"Réponse inconnue : {', '.join(sorted(unknown))}.", valid=", ".join(PROVENANCES))
    pairs = [(t.provenance, g) for t, g in zip(texts, guesses) if g is not None]
    return {"answered": len(pairs), "right": sum(p == g for p, g in pairs),
            "ai_texts": sum(t.provenance == "ia" for t in texts),
            "wrongly_ai": sum(g == "ia" and p != "ia" for p, g in pairs)}
