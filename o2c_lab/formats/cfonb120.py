"""French CFONB 120 bank statements (« relevé de compte 120 caractères »).

Written here because no maintained Python package reads this format (PyPI only has Odoo add-ons,
which need a running Odoo; the other public parsers are Ruby or PHP).

Records are 120 characters: ``01`` opening balance, ``04`` movement, ``05`` complement of the
previous ``04`` (payer name ``NPY``, free text ``LIB``, end-to-end reference ``RCN``…), ``07``
closing balance. The amount's last character carries the sign and the last digit ("overpunch":
``{`` and ``A``–``I`` positive, ``}`` and ``J``–``R`` negative); the number of decimals is in
column 20; dates are ``JJMMAA``. Blank lines occur and are skipped; a file without line breaks is
cut every 120 characters.

>>> _overpunch_cents("0000000001904}", 2)
-19040
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from ..company.schema import table
from ._files import MAX_ABS_CENTS, decode_unicode, read_file_bytes, refuse_binary, split_lines
from ..errors import DataFileError
from .tabular import conform_table

__all__ = ["read_cfonb120", "bank_frames", "RECORD_LENGTH"]

RECORD_LENGTH = 120

_POSITIVE = {"{": 0, **{chr(ord("A") + i): i + 1 for i in range(9)}}
_NEGATIVE = {"}": 0, **{chr(ord("J") + i): i + 1 for i in range(9)}}
#: Complement codes whose text is the payer's (or payee's) name.
_NAME_CODES = ("NPY", "NBE", "NPO", "NBU")
#: Complement codes whose text is remittance information given by the payer.
_REMITTANCE_CODES = ("LIB", "LCC", "LC2", "RCN", "MMO")
_STATEMENT_EXTRA = ["currency", "transaction_count", "bank_code", "branch_code", "account_number"]


def _decode(raw: bytes, path) -> str:
    # The norm allows ASCII capitals only; real files carry accents in UTF-8 or Latin-1.
    refuse_binary(raw, path, "un relevé CFONB 120 (texte, lignes de 120 caractères)")
    decoded = decode_unicode(raw)
    return decoded[0] if decoded else raw.decode("latin-1")


def _records(text: str, path) -> list[tuple[int, str]]:
    """(line number, record) pairs; blank lines skipped, lengths checked."""
    lines = split_lines(text)
    if len(lines) == 1 and len(lines[0]) > RECORD_LENGTH and len(lines[0]) % RECORD_LENGTH == 0:
        lines = [lines[0][i:i + RECORD_LENGTH] for i in range(0, len(lines[0]), RECORD_LENGTH)]
    out = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if len(line) != RECORD_LENGTH:
            raise DataFileError(
                f"enregistrement de {len(line)} caractères au lieu de {RECORD_LENGTH} "
                f"(début : « {line[:20]} »).",
                path=path, row=number,
                valid="des lignes de exactement 120 caractères (format CFONB 120)",
                todo="vérifiez que le fichier n'a pas été tronqué ou modifié dans un éditeur "
                     "qui supprime les espaces de fin de ligne",
            )
        if line[:2] not in ("01", "04", "05", "07"):
            raise DataFileError(
                f"code d'enregistrement « {line[:2]} » inconnu.", path=path, row=number,
                valid="01 (ancien solde), 04 (opération), 05 (complément), 07 (nouveau solde)",
                todo="vérifiez qu'il s'agit bien d'un relevé CFONB 120 et non d'un autre format",
            )
        out.append((number, line))
    return out


def _overpunch_cents(field: str, decimals: int) -> int:
    """Signed amount in cents from a 14-character overpunched field."""
    field = field.replace(" ", "0")  # some banks pad with spaces instead of zeros
    last = field[-1]
    if last in _POSITIVE:
        sign, digit = 1, _POSITIVE[last]
    elif last in _NEGATIVE:
        sign, digit = -1, _NEGATIVE[last]
    else:
        raise ValueError(f"caractère de signe « {last} » invalide")
    body = field[:-1]
    if not body.isdigit():
        raise ValueError(f"montant « {field} » non numérique")
    units = int(body) * 10 + digit
    if decimals > 2 and units % 10 ** (decimals - 2):
        raise ValueError(f"montant « {field} » avec des millièmes, que des centimes ne peuvent pas porter")
    # Cents: scale from the declared number of decimals to 2.
    cents = units * 10 ** (2 - decimals) if decimals <= 2 else units // 10 ** (decimals - 2)
    if cents > MAX_ABS_CENTS:
        raise ValueError(f"montant « {field} » démesuré (plus de 1 000 milliards d'euros)")
    return sign * cents


def _decimals(digit: str, path, number: int) -> int:
    """Number of decimals of the amounts (column 20): 0 to 3 by the norm; blank means 2."""
    if digit == " ":
        return 2
    if digit not in ("0", "1", "2", "3"):
        raise DataFileError(f"nombre de décimales « {digit} » impossible (colonne 20).", path=path,
                            row=number, column="décimales",
                            valid="0, 1, 2 ou 3 (2 pour l'euro)",
                            todo="le fichier est abîmé ou mal produit : redemandez-le à la banque")
    return int(digit)


def _date(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%d%m%y").date()


def _fail(what: str, path, number: int) -> DataFileError:
    return DataFileError(what, path=path, row=number,
                         valid="montant sur 14 positions (colonnes 91 à 104) terminé par un "
                               "caractère de signe, dates JJMMAA",
                         todo="le fichier est probablement abîmé : redemandez-le à la banque")


def read_cfonb120(path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read a CFONB 120 statement file into ``(statements, transactions)``.

    ``statements`` has the columns of the ``bank_statements`` table plus currency, transaction
    count and the French account identifiers (bank, branch, account number); ``transactions``
    has the columns of ``bank_transactions`` plus ``currency``. Amounts are signed cents
    (positive = money received). ``bank_tx_id`` is built from the statement and the line rank,
    because the bank's entry number is often zeros and is not unique.
    """
    path = Path(path)
    records = _records(_decode(read_file_bytes(path), path), path)
    if not records:
        raise DataFileError("le fichier est vide : aucun enregistrement, donc aucun relevé.", path=path,
                            valid="des lignes de 120 caractères : 01 ancien solde, 04 opérations, "
                                  "05 compléments, 07 nouveau solde",
                            todo="redemandez le relevé à la banque (export vide ou interrompu)")
    statements, transactions = [], []
    current, movement = None, None
    used_ids: dict[str, int] = {}
    for number, rec in records:
        kind = rec[:2]
        currency = rec[16:19].strip() or "EUR"
        decimals = _decimals(rec[19], path, number)
        try:
            if kind == "01":
                if current is not None:
                    raise _fail("nouvel ancien solde (01) avant le nouveau solde (07) du relevé "
                                "précédent.", path, number)
                opening_date = _date(rec[34:40])
                account = rec[21:32].strip()
                statement_id = f"{rec[2:7]}{rec[11:16]}{account}-{opening_date:%Y%m%d}"
                used_ids[statement_id] = used_ids.get(statement_id, 0) + 1
                if used_ids[statement_id] > 1:  # same account and day again: keep ids unique
                    statement_id += f"-{used_ids[statement_id]}"
                current = {
                    "statement_id": statement_id,
                    "account_iban": "", "from_date": opening_date, "to_date": opening_date,
                    "opening_balance_cents": _overpunch_cents(rec[90:104], decimals),
                    "closing_balance_cents": None, "currency": currency, "transaction_count": 0,
                    "bank_code": rec[2:7], "branch_code": rec[11:16], "account_number": account,
                }
            elif current is None:
                raise _fail(f"enregistrement {kind} hors d'un relevé (pas d'ancien solde 01 "
                            "avant).", path, number)
            elif kind == "04":
                current["transaction_count"] += 1
                movement = {
                    "bank_tx_id": f"{current['statement_id']}-{current['transaction_count']:04d}",
                    "statement_id": current["statement_id"],
                    "booking_date": _date(rec[34:40]),
                    "value_date": _date(rec[42:48]) if rec[42:48].strip() else _date(rec[34:40]),
                    "amount_cents": _overpunch_cents(rec[90:104], decimals),
                    "label": rec[48:79].strip(),
                    "_names": [], "_remittance": [], "_rcn": "",
                    "bank_code": rec[32:34].strip(),
                    "currency": currency,
                    "_free_reference": rec[104:120].strip(),
                }
                transactions.append(movement)
            elif kind == "05":
                if movement is None or movement["statement_id"] != current["statement_id"]:
                    raise _fail("complément 05 sans opération 04 avant lui.", path, number)
                code, info = rec[45:48], " ".join(rec[48:118].split())
                if code in _NAME_CODES:
                    movement["_names"].append(info)
                elif code in _REMITTANCE_CODES or code.strip() == "":
                    movement["_remittance"].append(info)
                else:
                    movement["_remittance"].append(f"{code.strip()} {info}")
                if code == "RCN" and not movement["_rcn"]:
                    movement["_rcn"] = rec[48:83].strip()
            else:  # 07
                current["to_date"] = _date(rec[34:40])
                current["closing_balance_cents"] = _overpunch_cents(rec[90:104], decimals)
                statements.append(current)
                current, movement = None, None
        except ValueError as exc:
            raise _fail(f"valeur illisible ({exc}).", path, number) from None
    if current is not None:
        raise DataFileError("le dernier relevé n'a pas de nouveau solde (enregistrement 07) : "
                            "fichier tronqué.", path=path,
                            todo="redemandez le fichier complet à la banque")
    rows = []
    for m in transactions:
        remittance = [t for t in m.pop("_remittance") if t]
        free = m.pop("_free_reference")
        if free:
            remittance.append(free)
        names = [n for n in m.pop("_names") if n]
        rows.append({**m, "counterparty_name": names[0] if names else "", "counterparty_iban": "",
                     "remittance_info": " ".join(remittance), "end_to_end_id": m.pop("_rcn")})
    return bank_frames(statements, rows, _STATEMENT_EXTRA)


def _drop_repeated(statements: list[dict], rows: list[dict]) -> tuple[list[dict], list[dict], list[str]]:
    """Statements (and their rows) without exact repeats, and a French warning for each repeat.

    A bank file sometimes carries the same statement twice (a resent message, two exports pasted
    together): counting it twice would double the cash and still reconcile. A statement equal to
    an earlier one in account, period, balances and every operation is dropped and reported; two
    different statements for the same account and period are kept and reported.
    """
    by_statement: dict[str, list[dict]] = {}
    for row in rows:
        by_statement.setdefault(row["statement_id"], []).append(row)

    def ops(statement_id: str) -> tuple:
        return tuple((r["booking_date"], r["value_date"], r["amount_cents"], r["label"],
                      r["remittance_info"], r["end_to_end_id"]) for r in by_statement.get(statement_id, []))

    seen: dict[tuple, str] = {}
    periods: dict[tuple, str] = {}
    kept, dropped, warnings = [], set(), []
    for st in statements:
        account = st["account_iban"] or st.get("account_number", "")
        period = (account, st["from_date"], st["to_date"], st.get("statement_number", ""))
        key = (*period, st["opening_balance_cents"], st["closing_balance_cents"], ops(st["statement_id"]))
        if key in seen:
            dropped.add(st["statement_id"])
            warnings.append(f"relevé « {st['statement_id']} » identique au relevé « {seen[key]} » "
                            f"(même compte, même période, mêmes {len(key[-1])} opérations) : copie "
                            "ignorée, rien n'est compté deux fois")
            continue
        if period in periods:
            warnings.append(f"relevés « {periods[period]} » et « {st['statement_id']} » : même compte "
                            "et même période mais contenus différents ; les deux sont gardés, "
                            "vérifiez auprès de la banque lequel fait foi")
        seen[key], periods[period] = st["statement_id"], st["statement_id"]
        kept.append(st)
    return kept, [r for r in rows if r["statement_id"] not in dropped], warnings


def bank_frames(statements: list[dict], rows: list[dict],
                statement_extra: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The two normalised tables every bank reader returns, typed like the company tables.

    ``statements`` rows carry the ``bank_statements`` columns plus ``statement_extra``;
    transaction rows carry the ``bank_transactions`` columns plus ``currency``. Exact repeats of
    a statement are dropped; the French warnings (repeats, same period twice) are in
    ``statements.attrs["warnings"]``.
    """
    statements, rows, warnings = _drop_repeated(statements, rows)
    st = pd.DataFrame(statements, columns=table("bank_statements").names + statement_extra)
    st = pd.concat([conform_table(st, "bank_statements"), st[statement_extra]], axis=1)
    tx = pd.DataFrame(rows, columns=table("bank_transactions").names + ["currency"])
    tx = pd.concat([conform_table(tx, "bank_transactions"),
                    tx[["currency"]].astype(str)], axis=1)
    st.attrs["warnings"] = warnings
    return st, tx
