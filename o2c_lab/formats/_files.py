"""Reading a user's file, with a French message when it cannot be read.

Shared by the bank, FEC and e-mail readers: the bytes (or a clear refusal), the kind of container
when the file is not text at all (old ``.xls``, password-protected workbook, ZIP, PDF), Unicode
BOM and UTF-16 detection, line splitting that accepts CR-only files (old Mac exports), and the
bound on amounts that keeps every total exact in ``int64``.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from ..errors import DataFileError

__all__ = ["read_file_bytes", "read_file_head", "refuse_binary", "refuse_binary_file", "decode_unicode",
           "split_lines", "check_cents", "MAX_ABS_CENTS"]

#: Largest amount accepted in any file, in cents (1 000 milliards d'euros): far above any real
#: invoice or statement, low enough that the sum of millions of such lines stays exact in int64.
MAX_ABS_CENTS = 10**14

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Compound File: .xls, .doc, encrypted .xlsx
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))
_LINE_END = re.compile(r"\r\n|\r|\n")


def read_file_bytes(path) -> bytes:
    """The bytes of ``path``; a :class:`DataFileError` in French if it is missing or unreadable."""
    path = Path(path)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise _unreadable(path, exc) from None


def read_file_head(path, size: int = 8) -> bytes:
    """The first ``size`` bytes of ``path`` (to recognise its kind before streaming it)."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            return handle.read(size)
    except OSError as exc:
        raise _unreadable(path, exc) from None


def refuse_binary_file(path, expected: str) -> None:
    """:func:`refuse_binary` on a file without reading all of it (only a Compound File is read
    whole, to tell an old ``.xls`` from a password-protected workbook)."""
    head = read_file_head(path)
    refuse_binary(read_file_bytes(path) if head.startswith(_OLE) else head, path, expected)


def _unreadable(path: Path, exc: OSError) -> DataFileError:
    if isinstance(exc, FileNotFoundError):
        return DataFileError("fichier introuvable.", path=path, todo="vérifiez le nom et le dossier du fichier")
    if isinstance(exc, IsADirectoryError):
        return DataFileError("c'est un dossier, pas un fichier.", path=path, todo="indiquez le fichier lui-même")
    if isinstance(exc, PermissionError):
        return DataFileError("lecture refusée (droits insuffisants).", path=path,
                             todo="copiez le fichier dans un dossier à vous, ou demandez l'accès")
    return DataFileError(f"lecture impossible ({exc.strerror or exc}).", path=path,
                         todo="vérifiez le fichier et réessayez")


def refuse_binary(raw: bytes, path, expected: str) -> None:
    """Raise a French error when ``raw`` is a workbook, an archive or a PDF instead of ``expected``.

    The message names what the file really is, so that the user fixes the right thing (save a
    text export, remove a password) instead of chasing an encoding.
    """
    if raw.startswith(_OLE):
        if _ENCRYPTED in raw:
            raise DataFileError("classeur protégé par mot de passe (chiffré) : il ne peut pas être lu.",
                                path=path, valid=expected,
                                todo="ouvrez-le dans Excel, retirez le mot de passe (Fichier > Informations "
                                     "> Protéger le classeur), enregistrez, puis réessayez")
        raise DataFileError("ancien classeur Excel (.xls, format binaire) et non un fichier texte.",
                            path=path, valid=expected,
                            todo="enregistrez-le en .xlsx ou CSV depuis Excel, ou demandez l'export "
                                 "d'origine au format attendu")
    kinds = ((b"PK\x03\x04", "une archive ZIP ou un classeur .xlsx", "exportez le fichier au format attendu"),
             (b"%PDF", "un PDF", "demandez le fichier au format attendu, pas son impression"))
    for magic, kind, todo in kinds:
        if raw.startswith(magic):
            raise DataFileError(f"ce fichier est {kind}, pas un fichier texte.", path=path,
                                valid=expected, todo=todo)


def decode_unicode(raw: bytes) -> tuple[str, str] | None:
    """``(text, encoding)`` when ``raw`` is UTF-8, or UTF-16/32 shown by a BOM or by NUL bytes.

    ``None`` when the bytes are not valid UTF-8: the caller then chooses a single-byte code page.
    """
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(encoding), encoding.replace("-sig", "")
            except UnicodeDecodeError:
                return None
    sample = raw[:4000]
    if sample and sample.count(0) > len(sample) // 4:  # UTF-16 without BOM: every other byte 0
        encoding = "utf-16-le" if sample[1::2].count(0) > sample[::2].count(0) else "utf-16-be"
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            return None
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return None


def split_lines(text: str) -> list[str]:
    """Lines of ``text`` whatever their ends: CRLF (Windows), LF (Unix) or CR alone (old Mac)."""
    return _LINE_END.split(text)


def check_cents(cents: int, what: str, path=None, row: int | None = None) -> int:
    """``cents`` if within :data:`MAX_ABS_CENTS`, else a French :class:`DataFileError`."""
    if abs(cents) > MAX_ABS_CENTS:
        raise DataFileError(f"montant démesuré dans {what} ({cents // 100} €).", path=path, row=row,
                            valid="un montant inférieur à 1 000 milliards d'euros",
                            todo="le fichier est probablement abîmé ou retouché : vérifiez cette ligne")
    return cents
