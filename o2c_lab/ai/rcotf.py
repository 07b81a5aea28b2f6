"""The RCOTF prompt framework: a structured prompt, a completeness check, and iteration helpers.

The course names the framework RCOTF; the expansion used here (Rôle, Contexte, Objectif, Ton,
Format) is the most plausible one and is data: pass other ``fields`` to rename or reorder parts.

>>> p = RcotfPrompt({"role": "Tu es chargé(e) de recouvrement B2B.", "contexte": "", "objectif": "Relancer",
...                  "ton": "courtois", "format": "un e-mail"})
>>> [i.field for i in p.check()]
['contexte', 'objectif', 'format']
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import InvalidParameterError

__all__ = ["DEFAULT_FIELDS", "Issue", "RcotfPrompt", "ITERATIONS", "iterate"]

#: (key, French title, what the part must say) — change this to rename the framework's parts.
DEFAULT_FIELDS = (
    ("role", "Rôle", "qui l'IA doit être (métier, expérience, point de vue)"),
    ("contexte", "Contexte", "la situation et les données utiles (client, factures, historique)"),
    ("objectif", "Objectif", "le résultat attendu, avec un verbe d'action"),
    ("ton", "Ton", "le registre (courtois, ferme, pédagogique…) adapté au destinataire"),
    ("format", "Format", "la forme de la réponse (e-mail, tableau, liste, longueur maximale)"),
)
_MIN_WORDS = {"role": 4, "contexte": 8, "objectif": 4, "ton": 1, "format": 3}
_VAGUE = re.compile(r"(?i)\b(quelque chose|un truc|des trucs|etc\.?|bien fait|comme d'habitude|"
                    r"le mieux possible|n'importe quoi|correctement)\b")
_ACTION = re.compile(r"(?i)\b(rédige|rédiger|analyse|analyser|identifie|identifier|propose|proposer|"
                     r"résume|résumer|classe|classer|liste|lister|vérifie|vérifier|obtenir|prépare|"
                     r"préparer|estime|estimer|compare|comparer|extrais|extraire|priorise|prioriser|"
                     r"synthétise|synthétiser|évalue|évaluer|explique|expliquer|contrôle|contrôler|"
                     r"relance|relancer|formule|formuler|décide|décider|calcule|calculer|répondre|réponds|écris|écrire|"
                     r"repère|repérer|distingue|distinguer|transforme|transformer|conçois|concevoir|"
                     r"décris|décrire|vérifie|rédigez|analysez|identifiez|proposez)\b")
_MEASURABLE = re.compile(r"(?i)(\d|tableau|liste|checklist|puces|e-mail|email|courriel|json|colonnes|lignes|"
                         r"paragraphe|note|script|objet)")


@dataclass(frozen=True)
class Issue:
    """One problem in a prompt part, said in French."""

    field: str
    kind: str  # "manquant" or "vague"
    message: str


@dataclass(frozen=True)
class RcotfPrompt:
    """A prompt split into parts; ``render()`` gives the text to send or paste."""

    parts: dict
    fields: tuple = field(default=DEFAULT_FIELDS)

    def __post_init__(self):
        unknown = set(self.parts) - {f[0] for f in self.fields}
        if unknown:
            raise InvalidParameterError(f"Partie(s) inconnue(s) : {', '.join(sorted(unknown))}.",
                                        valid=", ".join(f[0] for f in self.fields))

    def render(self) -> str:
        blocks = [f"## {title}\n{self.parts[key].strip()}" for key, title, _ in self.fields
                  if str(self.parts.get(key) or "").strip()]
        return "\n\n".join(blocks)

    def check(self) -> list[Issue]:
        """Missing or vague parts, each with a French explanation and what to add."""
        issues = []
        for key, title, expects in self.fields:
            text = str(self.parts.get(key) or "").strip()
            if not text:
                issues.append(Issue(key, "manquant", f"{title} manquant : précisez {expects}."))
                continue
            words = len(re.findall(r"\w+", text))
            if words < _MIN_WORDS.get(key, 3):
                issues.append(Issue(key, "vague", f"{title} trop court ({words} mot(s)) : précisez {expects}."))
            elif _VAGUE.search(text):
                issues.append(Issue(key, "vague", f"{title} vague (« {_VAGUE.search(text).group()} ») : "
                                                  f"remplacez par {expects}."))
            elif key == "objectif" and not _ACTION.search(text):
                issues.append(Issue(key, "vague", f"{title} sans verbe d'action : commencez par "
                                                  "« Rédige », « Analyse », « Identifie »…"))
            elif key == "format" and not _MEASURABLE.search(text):
                issues.append(Issue(key, "vague", f"{title} imprécis : dites la forme (e-mail, tableau, "
                                                  "liste) et une longueur maximale."))
        return issues

    @property
    def complete(self) -> bool:
        return not self.check()


#: Follow-up instructions of the « techniques d'itération ».
ITERATIONS = {
    "affiner": "Affine ta réponse précédente : {note}. Garde le même format et ne change pas les faits.",
    "reformuler": "Reformule ta réponse précédente avec un ton {note}, sans changer les faits, "
                  "les montants ni les dates.",
    "raccourcir": "Raccourcis ta réponse précédente à {note} au maximum, en gardant les montants, "
                  "les dates, les numéros de facture et la demande d'action.",
}
_DEFAULT_NOTES = {"affiner": "sois plus précis sur la prochaine action", "reformuler": "plus cordial",
                  "raccourcir": "80 mots"}


def iterate(action: str, note: str = "") -> str:
    """The follow-up message for ``action`` (affiner, reformuler, raccourcir)."""
    if action not in ITERATIONS:
        raise InvalidParameterError(f"Itération inconnue : « {action} ».", valid=", ".join(ITERATIONS))
    return ITERATIONS[action].format(note=note.strip() or _DEFAULT_NOTES[action])
