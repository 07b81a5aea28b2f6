"""Document references in any shape: the company's numbering learned from its documents, read
in bank labels and remittance advices as customers write them, with the typos a human or a
scanner makes, and a distance that tells a plausible typo from another document.

>>> book = Numbering(["INV-000251", "INV-000252", "CN-000107"], [1, 1, -1])
>>> book.key("INV-000251")
('FA', 0, 251)
>>> [(r.kind, r.number) for r in book.read("Invoice #251 and credit note CN 107")]
[('FA', 251), ('AV', 107)]
>>> typo("1134", "1143"), typo("143", "1043"), typo("1143", "2278")
('deux chiffres inversés', 'zéro manquant', None)
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

__all__ = ["Reference", "Numbering", "extract_references", "typo"]

#: Words customers put before an invoice or a credit-note number, in French, English, German.
_INVOICE_WORDS = ["FACTURES", "FACTURE", "FACTURA", "FACT", "FAC", "FA", "F", "INVOICES", "INVOICE",
                  "INV", "RECHNUNGS", "RECHNUNG", "RG", "RE", "BILL"]
_CREDIT_WORDS = ["AVOIRS", "AVOIR", "AV", "GUTSCHRIFT", "CREDITNOTE", "CREDIT NOTE", "CN"]
# « n° », « Nr. », « No. », « # »: a number follows, nothing more.
_NUMBER_WORD = re.compile(r"(?<![A-Z0-9])(?:NR|NO|NUMMER|NUMBER|NUMERO|NUM)(?![A-Z])\.?")
# Letters a scanner or a hurried typist puts for digits, inside a token that is otherwise digits.
_OCR = str.maketrans("OISBZ", "01582")
_OCR_TOKEN = re.compile(r"(?<![A-Z0-9])([A-Z]*?)([0-9OISBZ]*[0-9][0-9OISBZ]*)(?![A-Z0-9])")
_DOC = re.compile(r"([A-Z]*)[\s\-_/.]*(?:(\d{4})[\s\-_/.]+)?(\d+)")


def _ascii_upper(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text or "")).upper()
    return "".join(c for c in text if not unicodedata.combining(c))


@dataclass(frozen=True)
class Reference:
    """A document number read in a text: ``kind`` FA (invoice), AV (credit note) or "" (no
    word before it), ``year`` 0 when absent, the ``digits`` as written, ``exact`` when written
    exactly as a document id, ``ocr`` when letters were read as digits, ``text`` as found;
    ``joined`` for the second reading of « 202600412 » as one number (pure-digit numberings)."""

    kind: str
    year: int
    number: int
    digits: str
    exact: bool
    ocr: bool
    text: str
    joined: bool = False


class Numbering:
    """The numbering of a set of documents: prefixes, year parts and padding, learned from ids.

    ``signs`` tells invoices (> 0) from credit notes (< 0); a prefix takes the kind of most of
    its documents. References are then read with the words customers use and those prefixes.
    """

    def __init__(self, document_ids=(), signs=()):
        kinds: dict[str, Counter] = {}
        self.pure_digits: set[int] = set()  # lengths of ids made of digits only
        for doc, sign in zip(document_ids, signs):
            m = _DOC.fullmatch(_ascii_upper(doc))
            if not m:
                continue
            if m.group(1):
                kinds.setdefault(m.group(1), Counter())["AV" if sign < 0 else "FA"] += 1
            elif not m.group(2):
                self.pure_digits.add(len(m.group(3)))
        self.prefix_kind = {p: c.most_common(1)[0][0] for p, c in kinds.items()}
        words = {w: "FA" for w in _INVOICE_WORDS} | {w: "AV" for w in _CREDIT_WORDS}
        self.word_kind = {**words, **self.prefix_kind}
        alternatives = "|".join(re.escape(w).replace(r"\ ", r"\s?")
                                for w in sorted(self.word_kind, key=len, reverse=True))
        self._pattern = re.compile(
            rf"(?<![A-Z0-9])({alternatives})?[\s\-_/.:#°N]{{0,3}}"
            r"(20\d\d|\d\d)?([\s\-_/.]{0,2})(\d{1,9})(?!\d)")

    def key(self, document_id: str) -> tuple[str, int, int] | None:
        """``(kind, year, number)`` of a document id, None if it carries no number."""
        m = _DOC.fullmatch(_ascii_upper(document_id))
        if not m:
            return None
        kind = self.prefix_kind.get(m.group(1), "FA") if m.group(1) else ""
        return kind, int(m.group(2) or 0), int(m.group(3))

    def read(self, text: str) -> list[Reference]:
        """Every document number ``text`` may cite, in order."""
        # ISO 11649 creditor references (RF + 2 check digits + reference): read the reference.
        upper = re.sub(r"(?<![A-Z0-9])RF\d\d(?=[A-Z0-9])", "RF ", _ascii_upper(text))
        upper = _NUMBER_WORD.sub(" ", upper)
        fixed = _OCR_TOKEN.sub(lambda m: m.group(1) + m.group(2).translate(_OCR), upper)
        out = []
        for m in self._pattern.finditer(fixed):
            prefix, year, gap, number = m.group(1), m.group(2), m.group(3), m.group(4)
            raw = upper[m.start():m.end()]
            if year and len(year) == 2 and not gap:
                number, year = year + number, None  # « INV 1143 » is not year 11
            if not year and len(number) < 3:
                continue  # « F 12 », « RE 3 »: too short to be a document number
            if not prefix and not (year and len(year) == 4) and len(number) not in self.pure_digits:
                continue  # a bare number is an amount, a date or anything
            kind = self.word_kind.get(re.sub(r"\s", "", prefix), "FA") if prefix else ""
            y = 0 if not year else (int(year) if len(year) == 4 else 2000 + int(year))
            exact = bool(re.fullmatch(r"[A-Z]+-(?:\d{4}-)?\d{4,}", raw.strip()))
            out.append(Reference(kind, y, int(number), number, exact, raw != fixed[m.start():m.end()],
                                 raw.strip()))
            if year and not gap and len(year) == 4:
                # « 202600412 » is year 2026, number 412 — or number 202600412 of a pure-digit
                # numbering: both readings are kept.
                out.append(Reference(kind, 0, int(year + number), year + number, False,
                                     out[-1].ocr, raw.strip(), joined=True))
        return out


_DEFAULT = Numbering()


def extract_references(text: str) -> list[tuple[str, int, int, bool]]:
    """Document keys in a bank text: ``(kind, year, number, exact)``.

    ``kind`` is ``FA`` (invoice), ``AV`` (credit note) or ``""`` (unknown); ``year`` 0 when
    absent; ``exact`` when written exactly as the document id (``FA-2026-00412``).

    >>> extract_references("VIR FA-2026-00412 ET FACT 2026 413")
    [('FA', 2026, 412, True), ('FA', 2026, 413, False)]
    """
    return [(r.kind, r.year, r.number, r.exact) for r in _DEFAULT.read(text) if not r.joined]


def typo(read: str, actual: str) -> str | None:
    """How the number ``read`` differs from ``actual`` if it is one plausible typo of it (in
    French), else None: one zero missing or too many, two adjacent digits swapped, one digit
    different. Leading zeros do not count."""
    a, b = read.lstrip("0"), actual.lstrip("0")
    if a == b:
        return "zéros de tête"
    if len(a) < 3 and len(b) < 3:
        return None  # too short: every small number is one typo away from another
    if abs(len(a) - len(b)) == 1:
        short, long_ = sorted((a, b), key=len)
        for i in range(len(long_)):
            if long_[:i] + long_[i + 1:] == short:
                missing = len(a) < len(b)
                if long_[i] == "0":
                    return "zéro manquant" if missing else "zéro en trop"
                return "chiffre manquant" if missing else "chiffre en trop"
        return None
    if len(a) != len(b):
        return None
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    if len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] \
            and a[diff[1]] == b[diff[0]]:
        return "deux chiffres inversés"
    if len(diff) == 1:
        return "un chiffre différent"
    return None
