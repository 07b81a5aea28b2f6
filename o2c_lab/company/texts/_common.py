"""Shared helpers of the French text renderers: working calendar, people, wording, validation.

Every random choice goes through the caller's ``numpy.random.Generator`` in a fixed order, so a
thread is the same for the same facts and the same generator state.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import lru_cache

import numpy as np
import pandas as pd
from dateutil.easter import easter

from ...errors import InvalidParameterError
from ...money import format_date, format_eur, format_number

__all__ = [
    "NEUTRAL", "FIRM", "Thread", "add_workdays", "at", "chance", "clock_start", "days_later",
    "first_name", "format_date", "format_eur", "hhmm", "invoices_phrase", "is_missing", "later",
    "limit_of", "next_workday", "opt", "pct", "pick", "plural", "qty", "reply_subject", "require",
    "units", "units_of",
]

_DAY_OPEN = dt.time(8, 0)
_DAY_CLOSE = dt.time(18, 45)


# --- wording -------------------------------------------------------------------------------------

def pick(rng: np.random.Generator, options):
    """One of ``options``, drawn with ``rng``."""
    return options[int(rng.integers(len(options)))]


def chance(rng: np.random.Generator, p: float) -> bool:
    """True with probability ``p`` (always one draw, so later draws do not depend on ``p``)."""
    return bool(rng.random() < p)


def join_fr(items) -> str:
    """``a``, ``a et b``, ``a, b et c``."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " et " + items[-1]


def invoices_phrase(invoice_ids) -> tuple[str, bool]:
    """(« la facture F1 » or « les factures F1 et F2 », plural?)."""
    if isinstance(invoice_ids, str):  # the promises table keeps « F1, F2 »
        invoice_ids = invoice_ids.split(",")
    ids = [str(i).strip() for i in invoice_ids if str(i).strip()]
    if len(ids) == 1:
        return f"la facture {ids[0]}", False
    return f"les factures {join_fr(ids)}", True


def pct(value) -> str:
    """A percentage written as people write it: ``8 %``, ``2,5 %`` (no trailing zeros)."""
    d = Decimal(str(value)).normalize()
    decimals = max(0, -d.as_tuple().exponent)
    return format_number(d, min(decimals, 2)) + "\u00a0%"


def qty(n) -> str:
    """A count of units in French format (``1 200``)."""
    return format_number(int(n), 0)


def units(n) -> str:
    """``1 unité``, ``1 150 unités``."""
    return f"{qty(n)} unité{plural(n)}"


def plural(n) -> str:
    """The plural ``s`` for a count (French: 0 and 1 are singular)."""
    return "s" if int(n) > 1 else ""


def units_of(n, label: str) -> str:
    """``250 unités de l'article « Roulement à billes 6204-2RS »`` (label kept verbatim)."""
    return f"{units(n)} de l'article « {label} »"


def hhmm(moment: dt.datetime) -> str:
    return f"{moment.hour:02d}:{moment.minute:02d}"


def reply_subject(subject: str, prefix: str = "RE: ") -> str:
    """``RE: subject`` without stacking prefixes."""
    return subject if subject.startswith(prefix) else prefix + subject


# --- validation ----------------------------------------------------------------------------------

def is_missing(value) -> bool:
    """None, NaN, NaT, pandas NA, a blank string or an empty list."""
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple)):
        return len(value) == 0
    return bool(pd.api.types.is_scalar(value) and pd.isna(value))


def opt(f: dict, key: str):
    """An optional fact, or None when absent or empty."""
    value = f.get(key)
    return None if is_missing(value) else value


def require(f: dict, keys, where: str) -> None:
    """Raise a teaching error when a required fact is absent or empty."""
    missing = [k for k in keys if k not in f or is_missing(f[k])]
    if missing:
        raise InvalidParameterError(
            f"Faits manquants pour {where} : {', '.join(missing)}.",
            valid="un dictionnaire de faits contenant : " + ", ".join(keys),
            todo="complétez les faits avant de rédiger les textes",
        )


# --- working calendar ----------------------------------------------------------------------------

@lru_cache(maxsize=64)
def _public_holidays(year: int) -> frozenset:
    """French public holidays (metropolitan France)."""
    fixed = [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)]
    sunday = easter(year)
    movable = [sunday + dt.timedelta(days=d) for d in (1, 39, 50)]  # Easter Monday, Ascension, Whit Monday
    return frozenset([dt.date(year, m, d) for m, d in fixed] + movable)


def as_date(day) -> dt.date:
    """A plain date from a date, a datetime or a pandas Timestamp."""
    return dt.date(day.year, day.month, day.day)


def is_workday(day: dt.date) -> bool:
    day = as_date(day)
    return day.weekday() < 5 and day not in _public_holidays(day.year)


def next_workday(day: dt.date) -> dt.date:
    day = as_date(day) + dt.timedelta(days=1)
    while not is_workday(day):
        day += dt.timedelta(days=1)
    return day


def limit_of(until) -> dt.datetime | None:
    """``until`` as a datetime: a date means the start of that day (nothing sent that day)."""
    if is_missing(until):
        return None
    if isinstance(until, dt.datetime):
        return dt.datetime(until.year, until.month, until.day, until.hour, until.minute)
    return dt.datetime(until.year, until.month, until.day)


def add_workdays(day: dt.date, n: int) -> dt.date:
    day = as_date(day)
    for _ in range(n):
        day = next_workday(day)
    return day


def at(day: dt.date, rng: np.random.Generator, start=(8, 30), end=(18, 0)) -> dt.datetime:
    """A random minute on ``day`` between ``start`` and ``end`` (hour, minute)."""
    lo, hi = start[0] * 60 + start[1], end[0] * 60 + end[1]
    minute = int(rng.integers(lo, hi + 1))
    return dt.datetime(day.year, day.month, day.day, minute // 60, minute % 60)


def clock_start(start, rng: np.random.Generator) -> dt.datetime:
    """The first message time: ``start`` itself when it falls in office hours on a working day,
    else the next working morning. Accepts a date, a datetime or a pandas Timestamp."""
    if not isinstance(start, dt.datetime):
        start = as_date(start)
        return at(start if is_workday(start) else next_workday(start), rng, (8, 45), (11, 30))
    moment = dt.datetime(start.year, start.month, start.day, start.hour, start.minute)
    if is_workday(moment.date()) and _DAY_OPEN <= moment.time() <= _DAY_CLOSE:
        return moment
    if is_workday(moment.date()) and moment.time() < _DAY_OPEN:
        return at(moment.date(), rng, (8, 15), (9, 30))
    return at(next_workday(moment.date()), rng, (8, 15), (9, 30))


def later(moment: dt.datetime, rng: np.random.Generator, lo_min: int, hi_min: int) -> dt.datetime:
    """A few minutes or hours later the same day, else the next working morning."""
    candidate = moment + dt.timedelta(minutes=int(rng.integers(lo_min, hi_min + 1)))
    if candidate.date() == moment.date() and candidate.time() <= _DAY_CLOSE:
        return candidate
    return at(next_workday(moment.date()), rng, (8, 20), (10, 30))


def days_later(moment: dt.datetime, rng: np.random.Generator, lo: int, hi: int,
               start=(8, 30), end=(18, 0)) -> dt.datetime:
    """``lo``..``hi`` working days later at a random office time (0 = later the same day)."""
    n = int(rng.integers(lo, hi + 1))
    if n == 0:
        return later(moment, rng, 25, 300)
    return at(add_workdays(moment.date(), n), rng, start, end)


# --- people --------------------------------------------------------------------------------------

def first_name(person: dict) -> str:
    return person["name"].split()[0]


def _last_name(person: dict) -> str:
    parts = person["name"].split(maxsplit=1)
    return parts[-1]


def greet(rng: np.random.Generator, recipients: list, internal: bool = False) -> str:
    """Opening line for ``recipients``; uses ``civility`` (« Madame ») when a person has one."""
    if len(recipients) > 1:
        return pick(rng, ["Bonjour à tous,", "Bonjour,",
                          "Bonjour " + join_fr(first_name(p) for p in recipients) + ","])
    person = recipients[0]
    if internal:
        return pick(rng, [f"Bonjour {first_name(person)},", f"{first_name(person)},",
                          f"Bonjour {first_name(person)},"])
    if person.get("civility"):
        return pick(rng, [f"Bonjour {person['civility']} {_last_name(person)},",
                          f"{person['civility']},"])
    return pick(rng, ["Bonjour,", f"Bonjour {first_name(person)},", "Bonjour,"])


_EXTERNAL_CLOSINGS = [
    "Cordialement,",
    "Bien cordialement,",
    "Bien à vous,",
    "Je vous remercie par avance.\n\nCordialement,",
    "Je vous en remercie par avance et vous souhaite une bonne journée.\n\nBien cordialement,",
    "Dans l'attente de votre retour,\n\nCordialement,",
]
#: Closings for a message that asks for nothing (a promise, an acknowledgement).
NEUTRAL = ["Cordialement,", "Bien cordialement,", "Bien à vous,"]
#: Closings for a complaint or a refusal.
FIRM = ["Cordialement,", "Bien cordialement,", "Dans l'attente de votre retour,\n\nCordialement,"]
_INTERNAL_CLOSINGS = ["Merci,", "Merci d'avance,", "Bonne journée,", "Cordialement,", "Merci à vous,"]


class Voices:
    """Keeps each person's signature layout stable within a thread (chosen at first use)."""

    def __init__(self, rng: np.random.Generator):
        self._rng = rng
        self._layout: dict[str, int] = {}

    def signature(self, person: dict) -> str:
        key = person["email"]
        if key not in self._layout:
            self._layout[key] = int(self._rng.integers(3))
        layout = self._layout[key]
        if layout == 0:
            lines = [person["name"], person["role"], person["company"]]
        elif layout == 1:
            lines = [person["name"], f"{person['role']} – {person['company']}"]
        else:
            lines = [f"{person['name']} | {person['role']}", person["company"]]
        if person.get("phone"):
            lines.append(f"Tél. : {person['phone']}")
        return "\n".join(lines)

    def sign_off(self, person: dict, internal: bool = False, closing=None) -> str:
        """Closing formula (given, drawn from a given list, or from the defaults) and signature."""
        if closing is None:
            closing = _INTERNAL_CLOSINGS if internal else _EXTERNAL_CLOSINGS
        if not isinstance(closing, str):
            closing = pick(self._rng, closing)
        return f"{closing}\n\n{self.signature(person)}"


# --- threads -------------------------------------------------------------------------------------

class Thread:
    """Builds a chronological list of messages; can quote the previous message in a reply."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self.voices = Voices(rng)
        self.messages: list[dict] = []
        self._own_bodies: list[str] = []
        self._essential = 0

    def mark_essential(self) -> None:
        """The messages so far carry the required facts: :meth:`finish` never drops them."""
        self._essential = len(self.messages)

    def finish(self, until, where: str, essential: int | None = None) -> list[dict]:
        """The messages sent before ``until`` (see :func:`limit_of`); later optional ones are
        dropped, and a required one (the first ``essential``, default: up to the last
        :meth:`mark_essential`) falling after ``until`` is an error."""
        limit = limit_of(until)
        if limit is None:
            return self.messages
        kept = [m for m in self.messages if m["sent_at"] < limit]
        if len(kept) < (self._essential if essential is None else essential):
            late = self.messages[len(kept)]["sent_at"]
            raise InvalidParameterError(
                f"Le fil « {where} » commence trop tard : un message indispensable tomberait le "
                f"{format_date(late)} à {hhmm(late)}, après la limite du {format_date(limit)}.",
                valid="une date de début laissant au fil le temps de se dérouler avant la limite",
                todo="avancez la date de début (start) ou reculez la limite (until)")
        return kept

    def _last_received(self, person: dict) -> int | None:
        """Index of the latest e-mail ``person`` received (only those can be quoted)."""
        for i in range(len(self.messages) - 1, -1, -1):
            m = self.messages[i]
            if m["kind"] == "email" and any(p["email"] == person["email"] for p in m["to"] + m["cc"]):
                return i
        return None

    @property
    def last(self) -> dt.datetime:
        return self.messages[-1]["sent_at"]

    def add(self, sent_at: dt.datetime, sender: dict, to: list, cc: list, subject: str,
            paragraphs: list, *, internal: bool = False, closing=None,
            greeting: str | None = None, kind: str = "email", quote_p: float = 0.0,
            signed: bool = True) -> dict:
        """Append a message built from ``paragraphs`` (empty ones dropped).

        A greeting and a signature are added unless ``greeting=""`` / ``signed=False``; with
        probability ``quote_p`` the previous message is quoted below (« Le … a écrit : »).
        """
        if self.messages and sent_at <= self.last:
            sent_at = later(self.last, self.rng, 3, 40)
        if greeting is None:
            greeting = greet(self.rng, to, internal) if to else ""
        parts = ([greeting] if greeting else []) + [p for p in paragraphs if p]
        if signed:
            parts.append(self.voices.sign_off(sender, internal, closing))
        body = "\n\n".join(parts)
        full = body
        received = self._last_received(sender)
        if received is not None and chance(self.rng, quote_p):
            previous = self.messages[received]
            quoted = "\n".join(("> " + line) if line else ">"
                               for line in self._own_bodies[received].splitlines())
            who = previous["sender"]
            full += (f"\n\nLe {format_date(previous['sent_at'])} à {hhmm(previous['sent_at'])}, "
                     f"{who['name']} <{who['email']}> a écrit :\n{quoted}")
        message = {"sent_at": sent_at, "sender": sender, "to": list(to), "cc": list(cc),
                   "subject": subject, "body": full, "kind": kind}
        self.messages.append(message)
        self._own_bodies.append(body)
        return message
