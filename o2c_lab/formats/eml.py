"""E-mails of the company's threads as RFC 5322 ``.eml`` files (open in Outlook or Thunderbird).

Files are pure ASCII on the wire: accented display names and subjects are RFC 2047 encoded words,
the UTF-8 body is quoted-printable, lines end with CRLF (``email.policy.SMTP``). So any mail tool,
archive or transfer keeps them intact. The ``Date`` header is the ``sent_at`` time in Europe/Paris
(a naive ``sent_at`` is Paris time). ``X-O2C-*`` headers keep the thread, customer and kind
(``email`` or ``note_appel``) so that :func:`read_eml` gives back an ``emails`` row.
"""

from __future__ import annotations

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


def read_eml(path) -> dict:
    """Read an ``.eml`` file: decoded headers (``emails`` columns), body text and threading.

    ``sent_at`` comes back as a naive ISO time in Paris, ``message_id`` without angle brackets,
    ``body`` without its final line breaks (MIME always ends a text part with one).
    """
    path = Path(path)
    try:
        with path.open("rb") as handle:
            msg = email.message_from_binary_file(handle, policy=email.policy.default)
    except OSError as exc:
        raise DataFileError(f"lecture impossible ({exc.strerror}).", path=path) from None
    if msg["Message-ID"] is None and msg["From"] is None:
        raise DataFileError("ce fichier n'est pas un e-mail (ni Message-ID ni From).", path=path,
                            valid="un fichier .eml (RFC 5322)")
    date = msg["Date"].datetime if msg["Date"] is not None else None
    body_part = msg.get_body(preferencelist=("plain", "html"))
    body = body_part.get_content() if body_part is not None else ""
    return {
        "message_id": str(msg["Message-ID"] or "").strip().strip("<>"),
        "thread_id": str(msg["X-O2C-Thread-Id"] or ""),
        "customer_id": str(msg["X-O2C-Customer-Id"] or ""),
        "sent_at": (date.astimezone(PARIS).replace(tzinfo=None).isoformat(timespec="seconds")
                    if date is not None and date.tzinfo else date.isoformat() if date else ""),
        "sender": str(msg["From"] or ""),
        "to": str(msg["To"] or ""),
        "cc": str(msg["Cc"] or ""),
        "subject": str(msg["Subject"] or ""),
        "body": body.replace("\r\n", "\n").rstrip("\n"),
        "kind": str(msg["X-O2C-Kind"] or "email"),
        "in_reply_to": str(msg["In-Reply-To"] or "").strip(),
        "references": str(msg["References"] or "").split(),
    }
