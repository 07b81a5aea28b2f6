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

from ._files import read_file_bytes
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


def _prepare(text: str) -> str:
    """Text the package can read: no envelope, no header lines, intermediate balances as final."""
    text = _ENVELOPE_TAIL.sub("\n", _ENVELOPE_HEAD.sub("\n", text.replace("\r\n", "\n")))
    start = re.search(r"^:20:", text, flags=re.M)
    if start is None:
        return ""
    text = text[start.start():]
    return re.sub(r"^:(60|62)M:", r":\g<1>F:", text, flags=re.M)


def _check_lines(text: str, path) -> None:
    """Raise a French error on the first ``:61:`` line the package would not understand."""
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.startswith(":61:"):
            continue
        match = _mt940.TRANSACTION_RE.match(line[4:])
        ok = match is not None
        if ok:
            try:
                _mt940._parse_date(match.group("date"))
                _mt940._parse_amount(match.group("amount"))
            except (ValueError, ArithmeticError):
                ok = False
        if not ok:
            raise DataFileError(
                f"ligne d'opération :61: illisible : « {line[:60]} ».", path=path, row=number,
                valid="« :61: » puis date AAMMJJ, date comptable MMJJ facultative, sens D, C, RD "
                      "ou RC, montant avec virgule décimale (ex. 1234,56), code opération",
                todo="le fichier est probablement abîmé ou retouché : redemandez-le à la banque")


def _split_86(text: str) -> dict[str, str]:
    """Counterparty and remittance fields from a ``:86:`` text."""
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
        out["label"] = parts[0].strip()
        out["counterparty_name"] = tags.get("NAME", "")
        out["counterparty_iban"] = tags.get("IBAN", "")
        out["end_to_end_id"] = tags.get("EREF", "")
        out["remittance_info"] = tags.get("REMI", "")
        return out
    out["label"] = " ".join(text.split())
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
    if encoding is None:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")  # SWIFT character set; older exports are Latin-1
    else:
        text = raw.decode(encoding)
    prepared = _prepare(text)
    if not prepared:
        raise DataFileError("aucune balise « :20: » : ce n'est pas un relevé MT940.", path=path,
                            valid="un fichier MT940 (balises :20:, :25:, :28C:, :60F:, :61:, :86:, "
                                  ":62F:)",
                            todo="vérifiez le format choisi à l'export de la banque")
    _check_lines(prepared, path)
    parsed = _mt940.MT940(io.StringIO(prepared))
    statements, rows = [], []
    for rank, st in enumerate(parsed.statements, start=1):
        if st.start_balance is None or st.end_balance is None:
            raise DataFileError(f"relevé n° {rank} (« {st.statement.strip()} ») sans solde "
                                "d'ouverture :60: ou de clôture :62:.", path=path,
                                todo="redemandez le fichier complet à la banque")
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
                "amount_cents": _cents(tr.amount),
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
            "opening_balance_cents": _cents(st.start_balance.amount),
            "closing_balance_cents": _cents(st.end_balance.amount),
            "currency": currency, "transaction_count": len(st.transactions),
            "statement_number": st.information.strip(),
        })
    return bank_frames(statements, rows, _STATEMENT_EXTRA)


def _cents(amount) -> int:
    # Decimal from the package: exact.
    return int((amount * 100).to_integral_value())
