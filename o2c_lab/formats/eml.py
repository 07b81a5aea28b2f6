"""E-mails of the company's threads as RFC 5322 ``.eml`` files (open in Outlook or Thunderbird).

Files are pure ASCII on the wire: accented display names and subjects are RFC 2047 encoded words,
the UTF-8 body is quoted-printable, lines end with CRLF (``email.policy.SMTP``). So any mail tool,
archive or transfer keeps them intact. The ``Date`` header is the ``sent_at`` time in Europe/Paris
(a naive ``sent_at`` is Paris time). ``X-O2C-*`` headers keep the thread, customer and kind
(``email`` or ``note_appel``) so that :func:`read_eml` gives back an ``emails`` row.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import email
import email.policy
import email.utils
import re
from email.headerregistry import Address
from email.message import EmailMessage
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from ..errors import DataFileError, InvalidParameterError, OutputFolderError
from ._files import read_file_bytes

__all__ = ["write_eml", "write_thread", "read_eml", "message_id_header"]

PARIS = ZoneInfo("Europe/Paris")
_POLICY = email.policy.SMTP
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def _addresses(text: str, field: str) -> list[Address]:
    pairs = email.utils.getaddresses([text or ""])
    out = []
    for name, addr in pairs:
        if not addr:
            continue
        if "@" not in addr:
            raise InvalidParameterError(f"Adresse e-mail invalide dans « {field} » : « {addr} ».",
                                        valid="Prénom Nom <prenom.nom@exemple.fr>, séparées par des virgules")
        user, _, domain = addr.rpartition("@")
        out.append(Address(display_name=name, username=user, domain=domain))
    return out


def message_id_header(message_id: str, sender: str = "") -> str:
    """``<id@domain>`` for a Message-ID column value; the sender's domain completes a bare id."""
    text = str(message_id).strip().strip("<>")
    if "@" not in text:
        domain = email.utils.parseaddr(sender)[1].rpartition("@")[2] or "o2c-lab.invalid"
        text = f"{text}@{domain}"
    return f"<{text}>"


def _paris_time(sent_at: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(str(sent_at))
    except ValueError:
        raise InvalidParameterError(f"Horodatage illisible : « {sent_at} ».",
                                    valid="une date ISO comme 2026-11-03T09:15:00") from None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=PARIS)
    return moment.astimezone(PARIS)


def _build(message: dict, in_reply_to: str = "", references: tuple[str, ...] = ()) -> EmailMessage:
    msg = EmailMessage(policy=_POLICY)
    msg["Message-ID"] = message_id_header(message["message_id"], message.get("sender", ""))
    msg["Date"] = email.utils.format_datetime(_paris_time(message["sent_at"]))
    msg["From"] = _addresses(message.get("sender", ""), "De")
    msg["To"] = _addresses(message.get("to", ""), "À")
    cc = _addresses(message.get("cc", ""), "Cc")
    if cc:
        msg["Cc"] = cc
    msg["Subject"] = str(message.get("subject", "")).strip()  # a header keeps no outer spaces
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
    if references:
        msg["References"] = " ".join(references)
    for header, key in (("X-O2C-Thread-Id", "thread_id"), ("X-O2C-Customer-Id", "customer_id"),
                        ("X-O2C-Kind", "kind")):
        if message.get(key):
            msg[header] = str(message[key])
    msg.set_content(message.get("body", ""), charset="utf-8", cte="quoted-printable")
    return msg


def _write(msg: EmailMessage, path: Path) -> Path:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(msg.as_bytes(policy=_POLICY))
    except OSError as exc:
        raise OutputFolderError(f"Écriture impossible de « {path} » ({exc.strerror}).",
                                todo="choisissez un dossier où vous avez le droit d'écrire") from None
    return path


def write_eml(message: dict, path, in_reply_to: str = "", references: tuple[str, ...] = ()) -> Path:
    """Write one ``emails`` row (a dict) as an ``.eml`` file; threading headers are optional."""
    return _write(_build(dict(message), in_reply_to, tuple(references)), Path(path))


def write_thread(messages_df: pd.DataFrame, folder) -> list[Path]:
    """Write every message of ``messages_df`` as ``<thread>_<nn>_<message_id>.eml`` in ``folder``.

    Within a thread (ordered by ``sent_at``) each message answers the previous one: In-Reply-To
    is the previous Message-ID, References lists every earlier one.
    """
    folder = Path(folder)
    paths = []
    ordered = messages_df.assign(_when=messages_df["sent_at"].map(_paris_time))
    for thread_id, thread in ordered.sort_values(["thread_id", "_when"], kind="stable").groupby(
            "thread_id", sort=False):
        earlier: list[str] = []
        for n, row in enumerate(thread.drop(columns="_when").to_dict("records"), start=1):
            name = _SAFE_NAME.sub("_", f"{thread_id}_{n:02d}_{row['message_id']}")
            paths.append(write_eml(row, folder / f"{name}.eml",
                                   in_reply_to=earlier[-1] if earlier else "",
                                   references=tuple(earlier)))
            earlier.append(message_id_header(row["message_id"], row.get("sender", "")))
    return paths


def _unfold(raw: str) -> str:
    return re.sub(r"\r?\n(?=[ \t])", "", raw).strip()


_WORD = re.compile(r"=\?([^?\s*]+)(?:\*[^?\s]*)?\?([QqBb])\?([^?\s]*)\?=")
_ENCODED_RUN = re.compile(r"=\?[^?\s]+\?[QqBb]\?[^?\s]*\?=(?:\s*=\?[^?\s]+\?[QqBb]\?[^?\s]*\?=)*")
_ADDRESS = re.compile(r'(?:"(?:[^"\\]|\\.)*"|<[^>]*>|\([^)]*\)|[^,"<(])+')
_SPECIALS = re.compile(r'[()<>@,;:\\".\[\]]')


def _decode_run(run: str) -> str:
    """Text of adjacent RFC 2047 encoded words (the spaces between them do not count).

    Written with :mod:`binascii` rather than :func:`email.header.decode_header`, which costs
    tens of microseconds a word: a header of 60 000 encoded names must read in well under 1 s.
    Raises LookupError or UnicodeDecodeError on an unknown or wrong charset.
    """
    chunks: list[tuple[str, bytes]] = []
    for charset, kind, text in _WORD.findall(run):
        if kind in "Qq":
            data = binascii.a2b_qp(text.encode("ascii", "replace"), header=True)
        else:
            data = binascii.a2b_base64(text + "=" * (-len(text) % 4))
        if chunks and chunks[-1][0] == charset.lower():
            chunks[-1] = (chunks[-1][0], chunks[-1][1] + data)  # a character may span two words
        else:
            chunks.append((charset.lower(), data))
    return "".join(data.decode(charset) for charset, data in chunks)


def _header_text(name: str, raw: str, warnings: list[str], address: bool = False) -> str:
    """A header's text with its RFC 2047 encoded words decoded, in time linear in its length.

    The structured parsing of :mod:`email.headerregistry` is quadratic on long address lists (a
    ``To:`` of 60 000 addresses took 38 s) and raises on a lone ``"``: only the encoded words are
    decoded here. In an ``address`` header a decoded display name holding a comma or another
    special character is quoted, as it must be to stay one name. An unknown or broken charset
    keeps the raw text and says so.
    """
    raw = _unfold(raw)
    broken, special = [], []

    def decode(match: re.Match) -> str:
        try:
            text = _decode_run(match.group(0))
        except (LookupError, UnicodeError, binascii.Error):
            broken.append(match.group(0))
            return match.group(0)
        if _SPECIALS.search(text):
            special.append(text)
        return text

    text = _ENCODED_RUN.sub(decode, raw) if "=?" in raw else raw
    if address and special:  # rare: decode again name by name, quoting the names that need it
        parts = []
        for item in _ADDRESS.findall(raw):
            display, bracket, rest = item.strip().partition("<")
            if "=?" in display:
                display = _ENCODED_RUN.sub(decode, display.strip())
                if _SPECIALS.search(display) and not display.startswith('"'):
                    display = '"' + display.replace("\\", "\\\\").replace('"', '\\"') + '"'
                item = f"{display} {bracket}{rest}" if bracket else display
            parts.append(item.strip())
        text = ", ".join(p for p in parts if p)
    if broken:
        warnings.append(f"en-tête {name} : encodage de caractères inconnu ou abîmé, texte gardé tel quel")
    if address and text and "@" not in text:
        warnings.append(f"en-tête {name} sans adresse e-mail lisible « {text[:40]} » : gardé tel quel")
    return text


_YEAR = re.compile(r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\s+(\d+)", re.I)


def _sent_at(raw: str, warnings: list[str]) -> str:
    """The ``Date`` header as a naive ISO time in Paris; ``""`` (and a warning) if unreadable."""
    if not raw:
        return ""
    year = _YEAR.search(raw)
    try:
        date = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError, OverflowError):
        date = None
    # A two-digit year is legal (RFC 5322 obsolete syntax); a four-digit one must be read as written:
    # « 0000 » would otherwise become 2000.
    if date is None or (year and len(year.group(1)) >= 3 and int(year.group(1)) != date.year) \
            or date.year < 1970:
        warnings.append(f"date d'envoi illisible « {raw[:40]} » : laissée vide")
        return ""
    if date.tzinfo:
        return date.astimezone(PARIS).replace(tzinfo=None).isoformat(timespec="seconds")
    return date.isoformat(timespec="seconds")


def _body(msg, warnings: list[str]) -> str:
    """Text of the plain (else HTML) part; a truncated base64 body is decoded as far as it goes."""
    part = msg.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    charset = part.get_content_charset() or "utf-8"
    if part.get("Content-Transfer-Encoding", "").strip().lower() == "base64":
        raw = part.get_payload() or ""
        payload = re.sub(r"[^A-Za-z0-9+/]", "", raw)  # line breaks and stray characters
        padded = raw.rstrip().endswith("=")
        rest = len(payload) % 4
        if rest == 1 or (rest and not padded):  # the end of the body is missing
            warnings.append("corps base64 tronqué : le texte peut être incomplet")
        usable = payload[: len(payload) - 1] if rest == 1 else payload
        data = base64.b64decode(usable + "=" * (-len(usable) % 4))
    else:
        data = part.get_payload(decode=True) or b""
    try:
        return data.decode(charset)
    except LookupError:
        warnings.append(f"jeu de caractères « {charset} » inconnu : corps lu en UTF-8")
    except UnicodeDecodeError:
        warnings.append(f"corps qui n'est pas en « {charset} » comme annoncé : caractères illisibles remplacés")
    return data.decode("utf-8", errors="replace")


def read_eml(path) -> dict:
    """Read an ``.eml`` file: decoded headers (``emails`` columns), body text and threading.

    ``sent_at`` comes back as a naive ISO time in Paris, ``message_id`` without angle brackets,
    ``body`` without its final line breaks (MIME always ends a text part with one). What could
    not be read as announced (unknown charset, truncated base64, impossible date) is read as well
    as possible and said in ``warnings`` (French), never silently.
    """
    path = Path(path)
    msg = email.message_from_bytes(read_file_bytes(path), policy=email.policy.default)
    headers: dict[str, str] = {}
    for name, value in msg.raw_items():  # raw strings: no structured (quadratic) parsing
        headers.setdefault(name.lower(), str(value))
    if "message-id" not in headers and "from" not in headers:
        raise DataFileError("ce fichier n'est pas un e-mail (ni Message-ID ni From).", path=path,
                            valid="un fichier .eml (RFC 5322)",
                            todo="enregistrez le message depuis la messagerie (Fichier > Enregistrer sous)")
    warnings: list[str] = []

    def text(name: str) -> str:
        return _header_text(name, headers.get(name.lower(), ""), warnings)

    body = _body(msg, warnings)
    return {
        "message_id": text("Message-ID").strip("<>"),
        "thread_id": text("X-O2C-Thread-Id"),
        "customer_id": text("X-O2C-Customer-Id"),
        "sent_at": _sent_at(_unfold(headers.get("date", "")), warnings),
        "sender": _header_text("From", headers.get("from", ""), warnings, address=True),
        "to": _header_text("To", headers.get("to", ""), warnings, address=True),
        "cc": _header_text("Cc", headers.get("cc", ""), warnings, address=True),
        "subject": text("Subject"),
        "body": body.replace("\r\n", "\n").rstrip("\n"),
        "kind": text("X-O2C-Kind") or "email",
        "in_reply_to": text("In-Reply-To"),
        "references": text("References").split(),
        "warnings": warnings,
    }
