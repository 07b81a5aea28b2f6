"""SWIFT MT940 bank statements, read with the ``mt940`` package.

The package splits statements, ``:61:`` lines and balances; this module adds what it lacks:

- SWIFT envelopes (``{1:…}{2:…}{4:`` … ``-}``) and bank header lines before the first ``:20:``
  are removed;
- intermediate balances ``:60M:`` / ``:62M:`` (a statement split over several messages) are read
  like the final ones, so every page gets its balance check;
- a ``:61:`` line the package cannot read raises a French error naming the line, instead of a
  traceback;
- the ``:86:`` text is split into counterparty name, IBAN, end-to-end reference and remittance:
  German/Dutch SEPA sub-fields (``?20``…``?63`` with ``EREF+``, ``SVWZ+``…) and SWIFT tags
  (``/EREF/``, ``/REMI/``, ``/NAME/``…); any other text is kept whole as remittance.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import mt940 as _mt940
import pandas as pd
from stdnum import iban

from ._files import check_cents, decode_unicode, read_file_bytes, refuse_binary, split_lines
from ..errors import DataFileError
from .cfonb120 import bank_frames

__all__ = ["read_mt940"]

_ENVELOPE_HEAD = re.compile(r"\{1:[^}]*\}(\{2:[^}]*\})?(\{3:(\{[^}]*\})*\})?\{4:\s*")
_ENVELOPE_TAIL = re.compile(r"-\}(\{5:(\{[^}]*\})*\})?")
_SUBFIELD = re.compile(r"\?(\d\d)")
_SEPA_KEY = re.compile(r"(EREF|KREF|MREF|CRED|DEBT|SVWZ|ABWA|ABWE|COAM|OAMT|IBAN|BIC)\+")
_SWIFT_TAG = re.compile(r"/(EREF|REMI|NAME|ORDP|BENM|IBAN|BIC|TRCD|PREF|MARF|CSID|ADDR|ID|CNTP|"
                        r"PURP|RTRN|ULTC|ULTD)/")
_STATEMENT_EXTRA = ["currency", "transaction_count", "statement_number"]
_VALID = "un fichier MT940 (balises :20:, :25:, :28C:, :60F:, :61:, :86:, :62F:)"
_TAG = re.compile(r"^:(\d\d[A-Z]?):")
#: An IBAN written in one block (ISO 13616: country, 2 check digits, up to 30 letters or digits).
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}[A-Z0-9]{11,30}\b")
_BALANCE = re.compile(r"(?P<sign>[CD])(?P<date>\d{6})[A-Z]{3}\d{1,15}(,\d*)?")
_REQUIRED = {"25": "compte :25:", "28C": "numéro :28C:", "60F": "solde d'ouverture :60F:",
             "62F": "solde de clôture :62F:"}


def _prepare(text: str) -> str:
    """Text the package can read: LF line ends, no envelope, no header lines, intermediate
    balances as final."""
    text = "\n".join(split_lines(text))
    text = _ENVELOPE_TAIL.sub("\n", _ENVELOPE_HEAD.sub("\n", text))
    start = re.search(r"^:20:", text, flags=re.M)
    if start is None:
        return ""
    text = text[start.start():]
    return re.sub(r"^:(60|62)M:", r":\g<1>F:", text, flags=re.M)


def _bad_line(path, number: int, line: str, what: str, valid: str) -> DataFileError:
    return DataFileError(f"{what} : « {line[:60]} ».", path=path, row=number, valid=valid,
                         todo="le fichier est probablement abîmé ou retouché : redemandez-le à la banque")


def _check_balance(body: str) -> bool:
    match = _BALANCE.fullmatch(body.strip())
    if match is None:
        return False
    try:
        _mt940._parse_date(match.group("date"))
    except ValueError:
        return False
    return True


def _check_transaction(body: str) -> bool:
    match = _mt940.TRANSACTION_RE.match(body)
    if match is None:
        return False
    try:
        _mt940._parse_date(match.group("date"))
        if match.group("booking"):
            _mt940._parse_date(match.group("date")[:2] + match.group("booking"))
        amount = _mt940._parse_amount(match.group("amount"))
    except (ValueError, ArithmeticError):
        return False
    return amount.is_finite() and amount >= 0


def _check_lines(text: str, path) -> None:
    """Raise a French error on the first line the package would not understand: a statement
    without account, number or balances, a balance or ``:61:`` line it cannot read, an ``:86:``
    that follows no operation."""
    statement: dict | None = None

    def close() -> None:
        if statement is None:
            return
        missing = [label for tag, label in _REQUIRED.items() if tag not in statement["tags"]]
        if missing:
            raise DataFileError(
                f"le relevé qui commence ligne {statement['line']} n'a pas de {', '.join(missing)}.",
                path=path, row=statement["line"],
                valid="chaque relevé : :20: référence, :25: compte, :28C: numéro, :60F: solde "
                      "d'ouverture, :61:/:86: opérations, :62F: solde de clôture",
                todo="redemandez le fichier complet à la banque (relevé tronqué ou incomplet)")

    previous = ""
    for number, line in enumerate(text.split("\n"), start=1):
        tag = _TAG.match(line)
        if tag is None:
            if previous == "61" and line.strip() and not line.startswith("-"):
                previous = "61+"  # one line of supplementary details is allowed, not more
            elif previous == "61+" and line.strip() and not line.startswith("-"):
                raise _bad_line(path, number, line, "ligne de trop après une opération :61:",
                                "une seule ligne de détails sous « :61: », puis « :86: »")
            continue
        name, body = tag.group(1), line[tag.end():]
        if name == "20":
            close()
            statement = {"line": number, "tags": set()}
        elif statement is None:
            continue
        if name in ("60F", "62F"):
            if name in statement["tags"]:
                raise _bad_line(path, number, line, f"deuxième solde :{name}: dans le même relevé",
                                "un seul solde d'ouverture et un seul solde de clôture par relevé")
            if not _check_balance(body):
                raise _bad_line(path, number, line, f"solde :{name}: illisible",
                                "sens C ou D, date AAMMJJ, devise sur 3 lettres, montant avec "
                                "virgule décimale, ex. « :60F:C261201EUR1000,00 »")
        elif name == "61" and not _check_transaction(body):
            raise _bad_line(path, number, line, "ligne d'opération :61: illisible",
                            "« :61: » puis date AAMMJJ, date comptable MMJJ facultative, sens D, C, "
                            "RD ou RC, montant avec virgule décimale (ex. 1234,56), code opération")
        elif name == "86" and previous not in ("61", "61+", "62F", "86", "64", "65"):
            raise _bad_line(path, number, line, "information :86: sans opération :61: avant elle",
                            "chaque « :86: » suit la ligne « :61: » qu'elle complète")
        statement["tags"].add("28C" if name == "28" else name)
        previous = name
    close()


def _iban(text: str) -> str:
    """The first valid IBAN (checked with its MOD 97 key) written in ``text``, else ``""``."""
    for candidate in _IBAN.findall(text):
        if iban.is_valid(candidate):
            return candidate
    return ""


def _split_86(text: str) -> dict[str, str]:
    """Counterparty and remittance fields from a ``:86:`` text.

    Layouts: German/Dutch SEPA sub-fields (``?31`` IBAN, ``?32``/``?33`` name), SWIFT tags
    (``/IBAN/``, ``/CNTP/IBAN/BIC/NAME/`` of ING and ABN AMRO), and free text that starts with
    the counterparty's IBAN (ASN Bank, older ABN AMRO): any IBAN found there must pass its check
    digits, so a reference that merely looks like one is not taken.
    """
    flat = text.replace("\n", "")
    out = {"label": "", "counterparty_name": "", "counterparty_iban": "",
           "remittance_info": "", "end_to_end_id": ""}
    if _SUBFIELD.search(flat) and re.match(r"^\d{3}\?", flat):
        parts = _SUBFIELD.split(flat)[1:]
        fields: dict[int, str] = {}
        for key, value in zip(parts[::2], parts[1::2]):
            fields[int(key)] = fields.get(int(key), "") + value
        purpose = "".join(fields.get(k, "") for k in (*range(20, 30), *range(60, 64)))
        keyed = dict(_sepa_keys(purpose))
        out["label"] = fields.get(0, "").strip()
        out["counterparty_name"] = " ".join((fields.get(32, "") + fields.get(33, "")).split())
        out["counterparty_iban"] = fields.get(31, "").strip() if re.match(
            r"^[A-Z]{2}\d\d", fields.get(31, "").strip()) else ""
        out["end_to_end_id"] = keyed.get("EREF", "")
        out["remittance_info"] = keyed.get("SVWZ", "") if keyed else " ".join(purpose.split())
        if keyed and not out["remittance_info"]:
            out["remittance_info"] = " ".join(f"{k}+{v}" for k, v in keyed.items())
        return out
    if _SWIFT_TAG.search(flat):
        parts = _SWIFT_TAG.split(flat)
        tags = {k: v.strip(" /") for k, v in zip(parts[1::2], parts[2::2])}
        counterparty = tags.get("CNTP", "").split("/")  # IBAN/BIC/name/city
        out["label"] = parts[0].strip()
        out["counterparty_name"] = tags.get("NAME", "") or (counterparty[2].strip() if len(counterparty) > 2 else "")
        out["counterparty_iban"] = tags.get("IBAN", "") or _iban(counterparty[0]) or _iban(parts[0])
        out["end_to_end_id"] = tags.get("EREF", "")
        out["remittance_info"] = tags.get("REMI", "")
        return out
    out["label"] = " ".join(text.split())
    leading = _IBAN.match(flat.strip())
    if leading and iban.is_valid(leading.group(0)):  # ASN Bank: "NL..IBAN NAME remittance"
        out["counterparty_iban"] = leading.group(0)
        rest = flat.strip()[leading.end():].split(None)
        out["remittance_info"] = " ".join(rest)
    return out


def _sepa_keys(purpose: str):
    """(key, value) pairs of ``EREF+…SVWZ+…`` text; values run to the next key."""
    matches = list(_SEPA_KEY.finditer(purpose))
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(purpose)
        yield m.group(1), " ".join(purpose[m.end():end].split())


def read_mt940(path, encoding: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read an MT940 file into ``(statements, transactions)`` (one row per statement page).

    Columns as :func:`o2c_lab.formats.cfonb120.read_cfonb120`: the ``bank_statements`` and
    ``bank_transactions`` tables plus currency. The account of ``:25:`` goes in
    ``account_iban``; amounts are signed cents (``RC``, a reversed credit, is negative).
    """
    path = Path(path)
    raw = read_file_bytes(path)
    refuse_binary(raw, path, _VALID)
    if encoding is None:
        decoded = decode_unicode(raw)
        # SWIFT character set; older exports are Latin-1
        text = decoded[0] if decoded else raw.decode("latin-1")
    else:
        try:
            text = raw.decode(encoding)
        except (LookupError, UnicodeDecodeError) as exc:
            raise DataFileError(f"le fichier ne se lit pas avec l'encodage « {encoding} » ({exc}).",
                                path=path, valid="utf-8, latin-1, cp1252",
                                todo="laissez encoding=None : l'encodage est alors détecté") from None
    prepared = _prepare(text)
    if not prepared:
        raise DataFileError("aucune balise « :20: » : ce n'est pas un relevé MT940.", path=path,
                            valid=_VALID, todo="vérifiez le format choisi à l'export de la banque")
    _check_lines(prepared, path)
    try:
        parsed = _mt940.MT940(io.StringIO(prepared))
    except (ValueError, TypeError, IndexError, AttributeError, ArithmeticError) as exc:
        # Every line was checked above; this only guards against a layout nobody anticipated.
        raise DataFileError(f"structure MT940 inattendue ({type(exc).__name__}).", path=path,
                            valid=_VALID, todo="redemandez le fichier à la banque") from None
    statements, rows = [], []
    for rank, st in enumerate(parsed.statements, start=1):
        statement_id = f"{st.statement.strip()}-{rank:03d}"
        currency = st.start_balance.currency
        for n, tr in enumerate(st.transactions, start=1):
            details = _split_86(tr.description or "")
            reference = tr.reference.strip()
            rows.append({
                "bank_tx_id": f"{statement_id}-{n:04d}",
                "statement_id": statement_id,
                "booking_date": tr.booking or tr.date,
                "value_date": tr.date,
                "amount_cents": _cents(tr.amount, f"l'opération {n} du relevé {rank}", path),
                "label": details["label"] or reference,
                "counterparty_name": details["counterparty_name"],
                "counterparty_iban": details["counterparty_iban"],
                "remittance_info": details["remittance_info"],
                "end_to_end_id": details["end_to_end_id"]
                or ("" if reference.upper() == "NONREF" or reference.endswith("+") else reference),
                "bank_code": tr.id,
                "currency": currency,
            })
        statements.append({
            "statement_id": statement_id, "account_iban": st.account.strip(),
            "from_date": st.start_balance.date, "to_date": st.end_balance.date,
            "opening_balance_cents": _cents(st.start_balance.amount, f"le solde :60: du relevé {rank}", path),
            "closing_balance_cents": _cents(st.end_balance.amount, f"le solde :62: du relevé {rank}", path),
            "currency": currency, "transaction_count": len(st.transactions),
            "statement_number": st.information.strip(),
        })
    return bank_frames(statements, rows, _STATEMENT_EXTRA)


def _cents(amount, what: str, path) -> int:
    # Decimal from the package: exact.
    return check_cents(int((amount * 100).to_integral_value()), what, path)
