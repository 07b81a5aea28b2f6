"""The fact-checking drill: a reminder letter in which one invoice amount was changed on purpose.

The letter is the library's reference reminder for the course's e-mail-only customer; the invoice and
the error (between 90 € and 990 €, up or down) are drawn from the company's seed, so every cohort
gets its own drill and the expected answer is known exactly.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from ..money import format_eur

__all__ = ["WrongAmountDrill", "wrong_amount_drill"]


@dataclass(frozen=True)
class WrongAmountDrill:
    """The letter shown, the invoice whose amount is wrong, its true and its shown amount (cents)."""

    letter: str
    invoice_id: str
    true_cents: int
    shown_cents: int


def wrong_amount_drill(company) -> WrongAmountDrill:
    """The drill of ``company``: same seed, same letter, same planted error."""
    from ..ai import fill

    letter = str(fill("relance_niveau1_courtoise", company).reference)
    listed = re.findall(r"^- (\S+) \|", letter, flags=re.MULTILINE)
    rng = random.Random(f"exercice-01-{company.seed}")
    invoice_id = rng.choice(listed)
    true_cents = int(company.invoices.set_index("invoice_id").loc[invoice_id, "total_ttc_cents"])
    shown_cents = true_cents + rng.choice((-1, 1)) * 100 * rng.randint(90, 990)
    line = next(line for line in letter.splitlines() if line.startswith(f"- {invoice_id} |"))
    wrong_line = line.replace(format_eur(true_cents), format_eur(shown_cents))
    return WrongAmountDrill(letter.replace(line, wrong_line), invoice_id, true_cents, shown_cents)
