"""A tiny next-token model trained on the company's own letters, to show how a text generator works.

Pure Python, seeded, deterministic. The text is cut into tokens that carry their leading spaces
(« Bonjour », « ,», « \\n\\nNous », « 252 », « ,», « 69 »…), so joining tokens gives the text back.
The model counts, in the training letters, which token follows each run of ``order - 1`` tokens,
then writes by drawing each next token in proportion to those counts: every sequence of ``order``
tokens it writes exists somewhere in its training texts, and yet it stitches pieces of different
letters together — plausible sentences citing invoice numbers and amounts of other customers.
That is the lesson: a fluent text is not a true text, facts are checked against the data.
"""

from __future__ import annotations

import random
import re
import weakref
from collections import Counter
from dataclasses import dataclass, field

from ..errors import InvalidParameterError

__all__ = ["BOUNDARY", "NgramModel", "company_letters", "tokenize"]

#: Marks the start and the end of a training text (never written out).
BOUNDARY = "\u241e"
_TOKEN = re.compile(r"\s*(?:\w+|[^\w\s])|\s+$", re.S)


def tokenize(text: str) -> list[str]:
    """Tokens of ``text``, each with its leading white space; ``"".join(tokenize(t)) == t``."""
    return _TOKEN.findall(text)


@dataclass
class NgramModel:
    """Counts of « next token after these ``order - 1`` tokens », learnt from ``texts``.

    >>> m = NgramModel.train(["Bonjour Madame.", "Bonjour Monsieur."], order=2)
    >>> m.generate(seed=1, max_tokens=5) in ("Bonjour Madame.", "Bonjour Monsieur.")
    True
    """

    order: int
    table: dict = field(default_factory=dict)  # context tuple -> Counter of next tokens (training order)
    documents: int = 0

    @classmethod
    def train(cls, texts, order: int = 3) -> "NgramModel":
        """Learn from ``texts`` (strings); ``order`` 2 (bigrams) to 6."""
        if not isinstance(order, int) or not 2 <= order <= 6:
            raise InvalidParameterError(f"Ordre du modèle impossible : {order!r}.", valid="un entier de 2 à 6")
        texts = [t for t in texts if isinstance(t, str) and t.strip()]
        if not texts:
            raise InvalidParameterError("Aucun texte pour entraîner le modèle.",
                                        todo="donnez au moins une lettre non vide")
        model = cls(order, {}, len(texts))
        for text in texts:
            tokens = model.padded(text)
            for i in range(order - 1, len(tokens)):
                model.table.setdefault(tuple(tokens[i - order + 1:i]), Counter())[tokens[i]] += 1
        return model

    def padded(self, text: str) -> list[str]:
        """The tokens of ``text`` between start and end marks, as the model sees a training text."""
        return [BOUNDARY] * (self.order - 1) + tokenize(text) + [BOUNDARY]

    def candidates(self, context) -> list[tuple[str, float]]:
        """The possible next tokens after ``context`` (its last ``order - 1`` tokens) with their
        probabilities, most likely first: what a language model computes at every step."""
        counts = self.table.get(tuple(context)[-(self.order - 1):], Counter())
        total = sum(counts.values())
        return [(token, n / total) for token, n in sorted(counts.items(), key=lambda kv: -kv[1])]

    def generate_tokens(self, *, seed: int, prompt: str = "", max_tokens: int = 400) -> list[str]:
        """The tokens written after ``prompt`` (start of a training text if empty), drawn with ``seed``.

        Stops at the end mark or after ``max_tokens``. Returns the padded sequence (start marks,
        prompt tokens, written tokens): each of its n-grams is one of the training texts'.

        Raises:
            InvalidParameterError: the end of ``prompt`` never occurs in the training texts.
        """
        rng = random.Random(seed)
        tokens = [BOUNDARY] * (self.order - 1) + tokenize(prompt)
        for _ in range(max_tokens):
            counts = self.table.get(tuple(tokens[len(tokens) - self.order + 1:]))
            if not counts:
                raise InvalidParameterError("Le début de texte donné n'apparaît pas dans les lettres "
                                            "d'entraînement : le modèle ne sait pas le prolonger.",
                                            todo="partez d'un début de lettre réelle")
            nxt = rng.choices(list(counts), weights=list(counts.values()))[0]
            tokens.append(nxt)
            if nxt == BOUNDARY:
                break
        return tokens

    def generate(self, *, seed: int, prompt: str = "", max_tokens: int = 400) -> str:
        """The text written after ``prompt`` (included), drawn with ``seed``."""
        return "".join(t for t in self.generate_tokens(seed=seed, prompt=prompt, max_tokens=max_tokens)
                       if t != BOUNDARY)


def company_letters(company, limit: int = 40) -> dict[tuple[str, int], str]:
    """The company's own reminder e-mails, by (customer id, level): the first and second reminders
    the dunning plan sends today or has sent (and awaits an answer), about the invoices concerned;
    the first ``limit`` by customer id (written once per company)."""
    from ..casework.dunning import dunning_plan, reminder_text

    hit = _LETTERS.get(id(company))
    if hit is None or hit[0]() is not company:
        plan = dunning_plan(company)
        sent = plan[plan["action"].isin(["relancer", "attendre"]) & plan["level"].isin([1, 2])]
        groups = sorted(sent.groupby(["customer_id", "level"])["invoice_id"])[:limit]
        letters = {(cid, int(level)): reminder_text(company, cid, int(level), "email", list(ids), plan=plan)
                   for (cid, level), ids in groups}
        hit = _LETTERS[id(company)] = (weakref.ref(company), letters)
    return dict(hit[1])


_LETTERS: dict[int, tuple] = {}
