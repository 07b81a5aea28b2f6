"""Cost of tokens from a dated price table (``prices.yaml``), exact with ``Decimal``.

Prices are per million tokens, in US dollars, with the date they were read and a conversion rate;
a model missing from the table (a local server, a new model) has an unknown cost, never zero.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

__all__ = ["Price", "Cost", "price_table", "price_for", "estimate_cost", "course_day_cost"]

_MILLION = Decimal(1_000_000)


@dataclass(frozen=True)
class Price:
    """Per-million-token prices of one model, in USD, as read on ``read_on``."""

    model: str
    input_usd: Decimal
    cached_input_usd: Decimal
    output_usd: Decimal
    read_on: str
    eur_per_usd: Decimal


@dataclass(frozen=True)
class Cost:
    """A cost in USD and EUR (``None`` when the model has no known price) and how it was obtained."""

    usd: Decimal | None
    eur: Decimal | None
    basis: str
    read_on: str | None

    def __str__(self) -> str:
        from ..money import format_number

        if self.eur is None:
            return f"coût inconnu ({self.basis})"
        return (f"{format_number(self.eur, 4)}\u00a0€ (≈ {format_number(self.usd, 4)}\u00a0$, "
                f"{self.basis}, tarifs relevés le {self.read_on})")


@functools.lru_cache(maxsize=1)
def price_table() -> dict[str, Price]:
    """The dated price table shipped with the package."""
    from importlib.resources import files

    import yaml

    raw = yaml.safe_load((files(__package__) / "prices.yaml").read_text(encoding="utf-8"))
    rate = Decimal(str(raw["eur_par_usd"]))
    return {name: Price(name, Decimal(p["entree"]), Decimal(p["entree_cache"]), Decimal(p["sortie"]),
                        str(raw["releve_le"]), rate)
            for name, p in raw["modeles"].items()}


def price_for(model: str | None) -> Price | None:
    """Price of ``model``; a dated snapshot name (``gpt-4o-2024-08-06``) uses its family's price."""
    table = price_table()
    if not model:
        return None
    if model in table:
        return table[model]
    family = max((name for name in table if model.startswith(name + "-")), key=len, default=None)
    return table.get(family)


def estimate_cost(model: str | None, prompt_tokens: int, completion_tokens: int,
                  cached_tokens: int = 0, basis: str = "usage réel") -> Cost:
    """Cost of one exchange; ``basis`` says whether the token counts are real or estimated."""
    price = price_for(model)
    if price is None:
        return Cost(None, None, f"modèle « {model} » absent de la table des prix", None)
    fresh = prompt_tokens - cached_tokens
    usd = (Decimal(fresh) * price.input_usd + Decimal(cached_tokens) * price.cached_input_usd
           + Decimal(completion_tokens) * price.output_usd) / _MILLION
    eur = (usd * price.eur_per_usd).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)
    return Cost(usd.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP), eur, basis, price.read_on)


def course_day_cost(exchanges: list[tuple[int, int]], model: str, participants: int = 12,
                    runs_per_prompt: int = 3) -> Cost:
    """Estimated cost of a course day: each participant runs each exchange ``runs_per_prompt`` times.

    ``exchanges`` lists (input tokens, output tokens) per prompt, e.g. from the prompt library.
    """
    times = participants * runs_per_prompt
    inp = sum(i for i, _ in exchanges) * times
    out = sum(o for _, o in exchanges) * times
    return estimate_cost(model, inp, out, basis=f"estimation : {participants} participants × "
                                                 f"{len(exchanges)} prompts × {runs_per_prompt} essais")
