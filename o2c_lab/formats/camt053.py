"""ISO 20022 camt.053 bank-to-customer statements: write one statement, read any version.

Writing follows camt.053.001.08 by default (``001.02`` and ``001.04`` also available: they differ in
``Sts``, ``Dbtr``/``Cdtr`` and the BIC element). Reading matches elements by local name, so every
version from 001.02 to 001.08 and any namespace prefix parse the same way.

Sign convention (ISO 20022): amounts are positive in the file and ``CdtDbtInd`` gives the
direction of *this* entry, also for a reversal (``RvslInd`` true, which only says that the entry
cancels an earlier one). Rows read keep that booked sign, so opening + Σ entries = closing, and
carry ``reversal=True`` so that callers can set such entries apart.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from decimal import Decimal
from pathlib import Path

import pandas as pd
from lxml import etree

from ..errors import DataFileError, InvalidParameterError
from ._files import check_cents, refuse_binary_file
from .tabular import _ensure_folder

__all__ = ["CAMT053_VERSIONS", "write_camt053", "read_camt053", "TRANSACTION_COLUMNS",
           "STATEMENT_COLUMNS"]

CAMT053_VERSIONS = ("001.02", "001.04", "001.08")
_TX_SCHEMA = ("bank_tx_id", "statement_id", "booking_date", "value_date", "amount_cents", "label",
              "counterparty_name", "counterparty_iban", "remittance_info", "end_to_end_id",
              "bank_code")
#: Columns of the transactions table returned by :func:`read_camt053`.
TRANSACTION_COLUMNS = _TX_SCHEMA + ("currency", "status", "reversal", "entry_ref", "batch_size",
                                   "bank_code_proprietary")
#: Columns of the statements table returned by :func:`read_camt053`.
STATEMENT_COLUMNS = ("statement_id", "account_iban", "from_date", "to_date",
                     "opening_balance_cents", "closing_balance_cents", "currency", "entries",
                     "entries_total_cents", "balance_ok", "balance_note")
_ISO_BANK_CODE = re.compile(r"[A-Z]{4}-[A-Z]{4}-[A-Z]{4}")
_FEE_WORDS = ("frais", "commission", "cotisation", "agios", "fee", "charge")


# -------------------------------------------------------------------------------------- write

def _amount(cents: int) -> str:
    return f"{Decimal(abs(int(cents))).scaleb(-2):.2f}"


def _day(value) -> str:
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def _is_creditor_reference(text: str) -> bool:
    from stdnum import iso11649

    return bool(text) and text.upper().startswith("RF") and iso11649.is_valid(text)


def _bank_domain(amount: int, bank_code: str) -> tuple[str, str, str]:
    """ISO domain, family and sub-family: the code itself when it is one (``PMNT-RCDT-ESCT``)."""
    if _ISO_BANK_CODE.fullmatch(bank_code):
        return tuple(bank_code.split("-"))
    if amount >= 0:
        return "PMNT", "RCDT", "ESCT"  # received SEPA credit transfer
    if any(w in bank_code.lower() for w in _FEE_WORDS):
        return "ACMT", "MDOP", "CHRG"  # account management: charges
    return "PMNT", "ICDT", "ESCT"  # issued SEPA credit transfer


def write_camt053(statement_row, transactions_df: pd.DataFrame, account_owner: dict, path,
                  version: str = "001.08") -> Path:
    """Write one camt.053 file for ``statement_row`` (a ``bank_statements`` row) and its
    ``transactions_df`` (``bank_transactions`` rows). ``account_owner`` has ``name`` and
    optionally ``bic``. Raises :class:`InvalidParameterError` if the balances do not reconcile."""
    if version not in CAMT053_VERSIONS:
        raise InvalidParameterError(f"Version camt.053 inconnue : « {version} ».",
                                    valid=", ".join(CAMT053_VERSIONS))
    st = dict(statement_row)
    txs = transactions_df.sort_values(["booking_date", "bank_tx_id"], kind="stable")
    other = txs[txs["statement_id"] != st["statement_id"]]
    if len(other):
        raise InvalidParameterError(
            f"{len(other)} opération(s) n'appartiennent pas au relevé « {st['statement_id']} ».",
            todo="filtrez les opérations sur statement_id avant d'écrire le relevé")
    total = int(txs["amount_cents"].sum())
    opening, closing = int(st["opening_balance_cents"]), int(st["closing_balance_cents"])
    if opening + total != closing:
        raise InvalidParameterError(
            f"Relevé « {st['statement_id']} » incohérent : solde d'ouverture {opening} + "
            f"opérations {total} ≠ solde de clôture {closing} (centimes).",
            todo="vérifiez les opérations du relevé")
    v08 = version >= "001.08"
    ns = f"urn:iso:std:iso:20022:tech:xsd:camt.053.{version}"

    def sub(parent, tag, text=None, **attrib):
        el = etree.SubElement(parent, f"{{{ns}}}{tag}", attrib)
        if text is not None:
            el.text = str(text)
        return el

    def path_sub(parent, tags: str, text=None, **attrib):
        *outer, last = tags.split("/")
        for tag in outer:
            parent = sub(parent, tag)
        return sub(parent, last, text, **attrib)

    def party(parent, role: str, name: str, iban: str):
        if name:
            p = sub(sub(parent, role), "Pty") if v08 else sub(parent, role)
            sub(p, "Nm", name)
        if iban:
            path_sub(parent, f"{role}Acct/Id/IBAN", iban)

    created = dt.datetime.combine(pd.Timestamp(st["to_date"]).date(), dt.time(23, 0)).isoformat()
    root = etree.Element(f"{{{ns}}}Document", nsmap={None: ns})
    stmt_root = sub(root, "BkToCstmrStmt")
    header = sub(stmt_root, "GrpHdr")
    sub(header, "MsgId", f"MSG-{st['statement_id']}")
    sub(header, "CreDtTm", created)
    stmt = sub(stmt_root, "Stmt")
    sub(stmt, "Id", st["statement_id"])
    sub(stmt, "CreDtTm", created)
    period = sub(stmt, "FrToDt")
    sub(period, "FrDtTm", f"{_day(st['from_date'])}T00:00:00")
    sub(period, "ToDtTm", f"{_day(st['to_date'])}T23:59:59")
    acct = sub(stmt, "Acct")
    path_sub(acct, "Id/IBAN", st["account_iban"])
    sub(acct, "Ccy", "EUR")
    if account_owner.get("name"):
        path_sub(acct, "Ownr/Nm", account_owner["name"])
    if account_owner.get("bic"):
        path_sub(acct, "Svcr/FinInstnId/" + ("BICFI" if version >= "001.04" else "BIC"),
                 account_owner["bic"])
    for code, cents, day in (("OPBD", opening, st["from_date"]), ("CLBD", closing, st["to_date"])):
        bal = sub(stmt, "Bal")
        path_sub(bal, "Tp/CdOrPrtry/Cd", code)
        sub(bal, "Amt", _amount(cents), Ccy="EUR")
        sub(bal, "CdtDbtInd", "CRDT" if cents >= 0 else "DBIT")
        path_sub(bal, "Dt/Dt", _day(day))
    credits, debits = txs[txs["amount_cents"] >= 0], txs[txs["amount_cents"] < 0]
    summary = sub(stmt, "TxsSummry")
    for tag, part in (("TtlCdtNtries", credits), ("TtlDbtNtries", debits)):
        block = sub(summary, tag)
        sub(block, "NbOfNtries", len(part))
        sub(block, "Sum", _amount(int(part["amount_cents"].abs().sum())))
    for tx in txs.itertuples(index=False):
        amount = int(tx.amount_cents)
        credit = amount >= 0
        entry = sub(stmt, "Ntry")
        sub(entry, "NtryRef", tx.bank_tx_id)
        sub(entry, "Amt", _amount(amount), Ccy="EUR")
        sub(entry, "CdtDbtInd", "CRDT" if credit else "DBIT")
        if v08:
            path_sub(entry, "Sts/Cd", "BOOK")
        else:
            sub(entry, "Sts", "BOOK")
        path_sub(entry, "BookgDt/Dt", _day(tx.booking_date))
        path_sub(entry, "ValDt/Dt", _day(tx.value_date))
        sub(entry, "AcctSvcrRef", tx.bank_tx_id)
        domain, family, sub_family = _bank_domain(amount, tx.bank_code or "")
        codes = sub(entry, "BkTxCd")
        dom = sub(codes, "Domn")
        sub(dom, "Cd", domain)
        fam = sub(dom, "Fmly")
        sub(fam, "Cd", family)
        sub(fam, "SubFmlyCd", sub_family)
        if tx.bank_code and not _ISO_BANK_CODE.fullmatch(tx.bank_code):
            path_sub(codes, "Prtry/Cd", tx.bank_code)  # a bank's own code, kept as is
        details = sub(sub(entry, "NtryDtls"), "TxDtls")
        refs = sub(details, "Refs")
        sub(refs, "AcctSvcrRef", tx.bank_tx_id)
        sub(refs, "EndToEndId", tx.end_to_end_id or "NOTPROVIDED")
        sub(details, "Amt", _amount(amount), Ccy="EUR")
        sub(details, "CdtDbtInd", "CRDT" if credit else "DBIT")
        if tx.counterparty_name or tx.counterparty_iban:
            party(sub(details, "RltdPties"), "Dbtr" if credit else "Cdtr",
                  tx.counterparty_name, tx.counterparty_iban)
        if tx.remittance_info:
            remit = sub(details, "RmtInf")
            if _is_creditor_reference(tx.remittance_info):
                ref = path_sub(remit, "Strd/CdtrRefInf")
                path_sub(ref, "Tp/CdOrPrtry/Cd", "SCOR")
                sub(ref, "Ref", tx.remittance_info)
            else:
                sub(remit, "Ustrd", tx.remittance_info[:140])
        if tx.label:
            sub(entry, "AddtlNtryInf", tx.label)
    path = Path(path)
    _ensure_folder(path.parent)
    path.write_bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                    pretty_print=True))
    return path


# --------------------------------------------------------------------------------------- read

_AMOUNT = re.compile(r"\d{1,18}(\.\d{1,5})?")  # ISO 20022 ActiveOrHistoricCurrencyAndAmount
_VALID_FILE = "un relevé ISO 20022 camt.053 (XML)"


def _strip_namespaces(root) -> None:
    for el in root.iter(tag=etree.Element):  # elements only: no comments or entity references
        el.tag = el.tag.rpartition("}")[2]


def _text(el, path: str, default: str = "") -> str:
    text = el.findtext(path) if el is not None else None
    return text.strip() if text else default


def _signed_cents(amount_node, indicator: str, where: str, path) -> int:
    """Signed cents from an ``Amt`` element and its ``CdtDbtInd`` (CRDT or DBIT)."""
    text = amount_node.text.strip() if amount_node is not None and amount_node.text else ""
    if not _AMOUNT.fullmatch(text):  # also refuses NaN, Infinity, 1E+30, signs and commas
        raise DataFileError(f"montant illisible « {text[:40]} » dans {where}.", path=path,
                            valid="un nombre positif avec un point décimal, comme 1234.56 (le sens "
                                  "est donné par CdtDbtInd)",
                            todo="le fichier est abîmé ou mal produit : redemandez-le à la banque")
    value = Decimal(text) * 100
    if value != value.to_integral_value():
        raise DataFileError(f"montant « {text} » avec plus de 2 décimales dans {where}.", path=path,
                            valid="des centimes au plus, comme 1234.56")
    cents = check_cents(int(value), where, path)
    return -cents if indicator == "DBIT" else cents


def _cents(el, where: str, path) -> int:
    """Signed cents of an element holding ``Amt`` and ``CdtDbtInd``."""
    return _signed_cents(el.find("Amt"), _text(el, "CdtDbtInd"), where, path)


def _day_of(text: str, where: str, path):
    """A date from ``AAAA-MM-JJ`` (or the date part of a date-time); NaT when empty."""
    if not text:
        return pd.NaT
    try:
        return pd.Timestamp(dt.date.fromisoformat(text[:10]))
    except ValueError:
        raise DataFileError(f"date impossible « {text[:25]} » dans {where}.", path=path,
                            valid="une date réelle AAAA-MM-JJ, comme 2026-11-30",
                            todo="le fichier est abîmé ou mal produit : redemandez-le à la banque") from None


def _date(el, tag: str, where: str, path):
    return _day_of(_text(el, f"{tag}/Dt") or _text(el, f"{tag}/DtTm"), where, path)


def _bank_codes(el) -> tuple[str, str]:
    """The ISO code ``DOMN-FMLY-SUBF`` and the bank's proprietary code of an element."""
    parts = [_text(el, "BkTxCd/Domn/Cd"), _text(el, "BkTxCd/Domn/Fmly/Cd"),
             _text(el, "BkTxCd/Domn/Fmly/SubFmlyCd")]
    return "-".join(p for p in parts if p), _text(el, "BkTxCd/Prtry/Cd")


def _party(details, role: str) -> tuple[str, str]:
    parties = details.find("RltdPties") if details is not None else None
    if parties is None:
        return "", ""
    name = _text(parties, f"{role}/Pty/Nm") or _text(parties, f"{role}/Nm")
    iban = _text(parties, f"{role}Acct/Id/IBAN")
    return name, iban


def _remittance(details) -> str:
    if details is None:
        return ""
    refs = [r.text.strip() for r in details.findall("RmtInf/Strd/CdtrRefInf/Ref") if r.text]
    if refs:
        return " ".join(refs)
    return " ".join(u.text.strip() for u in details.findall("RmtInf/Ustrd") if u.text)


def _tx_amount(details):
    for path in ("AmtDtls/TxAmt/Amt", "Amt", "AmtDtls/InstdAmt/Amt"):
        node = details.find(path)
        if node is not None and node.text:
            return node
    return None


def _split_amounts(entry, details: list, amount: int, where: str, path) -> list[int] | None:
    """Signed amount of each TxDtls of a batch, or None when they cannot be trusted (missing, or
    not adding up to the entry): the batch then stays one row with the entry amount."""
    if len(details) < 2:
        return None
    nodes = [_tx_amount(d) for d in details]
    if any(n is None for n in nodes):
        return None
    amounts = [_signed_cents(n, _text(d, "CdtDbtInd") or _text(entry, "CdtDbtInd"),
                             f"{where}, détail {k}", path)
               for k, (n, d) in enumerate(zip(nodes, details), start=1)]
    return amounts if sum(amounts) == amount else None


def _entry_rows(entry, stmt_id: str, number: int, path) -> tuple[int, str, list[dict]]:
    """Signed amount, status and transaction rows (one per TxDtls of a split batch) of an Ntry."""
    where = f"l'écriture {number} du relevé {stmt_id}"
    amount = _cents(entry, where, path)
    status = _text(entry, "Sts/Cd") or _text(entry, "Sts")
    entry_ref = _text(entry, "AcctSvcrRef") or _text(entry, "NtryRef") or f"{stmt_id}-{number}"
    details = entry.findall("NtryDtls/TxDtls")
    split = _split_amounts(entry, details, amount, where, path)
    role = "Dbtr" if amount >= 0 else "Cdtr"  # the counterparty: who paid us, or whom we paid
    iso, proprietary = _bank_codes(entry)
    batch = _text(entry, "NtryDtls/Btch/NbOfTxs")
    common = {
        "statement_id": stmt_id, "booking_date": _date(entry, "BookgDt", where, path),
        "value_date": _date(entry, "ValDt", where, path), "label": _text(entry, "AddtlNtryInf"),
        "currency": entry.find("Amt").get("Ccy", ""),
        "status": status, "reversal": _text(entry, "RvslInd").lower() in ("true", "1"),
        "entry_ref": entry_ref,
        "batch_size": int(batch) if batch.isdigit() and int(batch) < 10**9 else len(details) or 1,
    }
    rows = []
    groups = [[d] for d in details] if split else [details]
    for k, group in enumerate(groups, start=1):
        parties = [_party(d, role) for d in group]
        first = group[0] if group else None
        # the entry's ISO code, else (some banks put it there) that of its first transaction
        first_iso, first_proprietary = _bank_codes(first) if first is not None and not iso else ("", "")
        rows.append({
            **common,
            "bank_tx_id": f"{entry_ref}/{k}" if split else entry_ref,
            "amount_cents": split[k - 1] if split else amount,
            "label": common["label"] or _text(first, "AddtlTxInf"),
            # ISO codes first (every bank means the same by them); the bank's own code kept aside
            "bank_code": iso or first_iso or proprietary or first_proprietary,
            "bank_code_proprietary": proprietary or first_proprietary,
            "counterparty_name": " | ".join(dict.fromkeys(n for n, _ in parties if n)),
            "counterparty_iban": " | ".join(dict.fromkeys(i for _, i in parties if i)),
            "remittance_info": " | ".join(r for r in map(_remittance, group) if r),
            "end_to_end_id": _text(first, "Refs/EndToEndId") if len(group) == 1 else "",
        })
    return amount, status, rows


def _open(path):
    """A binary handle on ``path`` after refusing what is not XML text (workbook, ZIP, PDF)."""
    refuse_binary_file(path, _VALID_FILE)
    return path.open("rb")


def _statement_row(stmt, entries: list[tuple], path) -> dict:
    """The statement's row: header, balances and the balance check over its booked entries
    (``entries``: amount, status, rows and signature of each ``Ntry``)."""
    stmt_id = _text(stmt, "Id")
    balances = {}
    for bal in stmt.findall("Bal"):
        code = _text(bal, "Tp/CdOrPrtry/Cd") or _text(bal, "Tp/CdOrPrtry/Prtry")
        where = f"le solde {code} du relevé {stmt_id}"
        amount = bal.find("Amt")
        balances.setdefault(code, (_cents(bal, where, path), _date(bal, "Dt", where, path),
                                   amount.get("Ccy", "") if amount is not None else ""))
    opening = balances.get("OPBD") or balances.get("PRCD")
    closing = balances.get("CLBD")
    booked_total = sum(entry[0] for entry in entries if entry[1] in ("BOOK", ""))
    currency = next((entry[2][0]["currency"] for entry in entries), "")
    note = ""
    if opening is None or closing is None:
        note = "solde d'ouverture (OPBD/PRCD) ou de clôture (CLBD) absent : contrôle impossible"
        ok = False
    else:
        gap = opening[0] + booked_total - closing[0]
        ok = gap == 0
        if not ok:
            note = f"ouverture + opérations − clôture = {gap} centimes"
    where = f"la période du relevé {stmt_id}"
    from_date = _day_of(_text(stmt, "FrToDt/FrDtTm"), where, path)
    to_date = _day_of(_text(stmt, "FrToDt/ToDtTm"), where, path)
    return {
        "statement_id": stmt_id,
        "account_iban": _text(stmt, "Acct/Id/IBAN") or _text(stmt, "Acct/Id/Othr/Id"),
        "from_date": opening[1] if pd.isna(from_date) and opening else from_date,
        "to_date": closing[1] if pd.isna(to_date) and closing else to_date,
        "opening_balance_cents": opening[0] if opening else pd.NA,
        "closing_balance_cents": closing[0] if closing else pd.NA,
        "currency": _text(stmt, "Acct/Ccy") or (closing[2] if closing else currency),
        "entries": len(entries), "entries_total_cents": booked_total,
        "balance_ok": ok, "balance_note": note,
    }


class _Reader:
    """State of one streaming read: statements and rows kept, entry refs seen, warnings."""

    def __init__(self, path):
        self.path = path
        self.statements: list[dict] = []
        self.rows: list[dict] = []
        self.warnings: list[str] = []
        self.seen_statements: dict[tuple, str] = {}
        #: entry reference -> statement where first seen, signatures seen, number of uses
        self.refs: dict[str, dict] = {}

    def add_statement(self, stmt, entries: list[tuple]) -> None:
        row = _statement_row(stmt, entries, self.path)
        key = (row["account_iban"], str(row["from_date"]), str(row["to_date"]),
               str(row["opening_balance_cents"]), str(row["closing_balance_cents"]),
               tuple(entry[3] for entry in entries))
        if key in self.seen_statements:
            self.warnings.append(
                f"relevé « {row['statement_id']} » identique au relevé « {self.seen_statements[key]} » "
                f"(même compte, même période, mêmes {len(entries)} écritures) : copie ignorée, "
                "rien n'est compté deux fois")
            return
        self.seen_statements[key] = row["statement_id"]
        kept, repeats, renamed = [], 0, 0
        for entry in entries:
            rows, signature = entry[2], entry[3]
            ref = rows[0]["entry_ref"]
            seen = self.refs.get(ref)
            if seen is None:
                self.refs[ref] = {"statement": row["statement_id"], "signatures": {signature}, "uses": 1}
            elif signature in seen["signatures"]:  # the very same entry again: count it once
                repeats += 1
                continue
            else:  # same reference, other content: keep both, ids made unique
                seen["uses"] += 1
                seen["signatures"].add(signature)
                for r in rows:
                    r["bank_tx_id"] = f"{r['bank_tx_id']}#{seen['uses']}"
                # Some banks number entries per statement (1, 2, 3…): only a reference reused
                # within one statement is suspicious.
                renamed += seen["statement"] == row["statement_id"]
            kept.append(entry)
        if repeats:
            self.warnings.append(
                f"relevé « {row['statement_id']} » : {repeats} écriture(s) répétée(s) à l'identique "
                "(même référence NtryRef/AcctSvcrRef) ignorée(s), non comptées deux fois")
            row = _statement_row(stmt, kept, self.path)
        if renamed:
            self.warnings.append(
                f"relevé « {row['statement_id']} » : {renamed} écriture(s) reprennent la référence "
                "d'une autre écriture du relevé avec un contenu différent ; gardées, identifiants "
                "suffixés « #2 »… ; demandez à la banque laquelle fait foi")
        self.statements.append(row)
        for _, _, rows, _ in kept:
            self.rows.extend(rows)


def _local(el) -> str:
    return el.tag.rpartition("}")[2]


def read_camt053(path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read a camt.053 file (any version 001.02–001.08, any number of ``Stmt``).

    Returns ``(statements, transactions)`` with :data:`STATEMENT_COLUMNS` and
    :data:`TRANSACTION_COLUMNS`. A batch entry gives one row per ``TxDtls``. Each statement's
    ``balance_ok`` says whether opening + Σ booked entries = closing (``balance_note`` says why
    not); nothing is dropped silently: a statement or an entry repeated identically (same
    ``NtryRef``/``AcctSvcrRef``) is counted once and reported in ``statements.attrs["warnings"]``.

    The XML is streamed (each ``Ntry`` is read then freed), so memory does not grow with the
    number of entries beyond the rows returned; entities are never expanded, no DTD or network
    access happens.
    """
    path = Path(path)
    reader = _Reader(path)
    current, entries, number = None, [], 0
    with _open(path) as handle:
        events = etree.iterparse(handle, events=("end",), tag=("{*}Ntry", "{*}Stmt"),
                                 resolve_entities=False, no_network=True, load_dtd=False,
                                 remove_comments=True, huge_tree=False)
        try:
            for _, el in events:
                parent = el.getparent()
                kind, above = _local(el), _local(parent) if parent is not None else ""
                if kind == "Ntry" and above == "Stmt":
                    if parent is not current:
                        current, entries, number = parent, [], 0
                    number += 1
                    # What the entry says, identifiers included: equal bytes = the same entry twice.
                    signature = hashlib.blake2b(etree.tostring(el, with_tail=False),
                                                digest_size=16).digest()
                    _strip_namespaces(el)
                    entries.append((*_entry_rows(el, _statement_id(parent), number, path),
                                    signature))
                elif kind == "Stmt" and above == "BkToCstmrStmt":  # not a camt.052/054 report
                    _strip_namespaces(el)
                    reader.add_statement(el, entries if el is current else [])
                    current, entries, number = None, [], 0
                el.clear(keep_tail=False)
                if parent is not None:
                    parent.remove(el)  # already read: free it
        except etree.XMLSyntaxError as exc:
            # libxml2's words are English; the one hostile case gets a French explanation
            what = ("XML mal formé : entités XML qui se démultiplient (« bombe XML »), refusées"
                    if "amplification" in exc.msg or "entity" in exc.msg.lower() and "loop" in exc.msg
                    else f"XML mal formé : {exc.msg}")
            raise DataFileError(what + ".", path=path, row=exc.lineno, valid=_VALID_FILE,
                                todo="redemandez le relevé à la banque, tel qu'elle l'a produit") from None
    if not reader.statements and not reader.seen_statements:
        raise DataFileError("aucun relevé (élément BkToCstmrStmt/Stmt) dans ce fichier.",
                            path=path, valid="un fichier camt.053 (relevé de fin de journée)",
                            todo="vérifiez qu'il ne s'agit pas d'un camt.052 ou camt.054")
    return _frames(reader)


def _statement_id(stmt) -> str:
    """The statement's ``Id``, read while its entries stream (its namespace not yet stripped)."""
    for child in stmt.iterchildren("{*}Id"):
        return (child.text or "").strip()
    return ""


def _frames(reader: _Reader) -> tuple[pd.DataFrame, pd.DataFrame]:
    statements_df = pd.DataFrame(reader.statements, columns=list(STATEMENT_COLUMNS))
    transactions_df = pd.DataFrame(reader.rows, columns=list(TRANSACTION_COLUMNS))
    for frame, cols in ((statements_df, ("from_date", "to_date")),
                        (transactions_df, ("booking_date", "value_date"))):
        for col in cols:
            frame[col] = pd.to_datetime(frame[col]).astype("datetime64[ns]")
    for col in ("opening_balance_cents", "closing_balance_cents"):
        has_na = statements_df[col].isna().any()
        statements_df[col] = statements_df[col].astype("Int64" if has_na else "int64")
    transactions_df["amount_cents"] = transactions_df["amount_cents"].astype("int64")
    transactions_df["batch_size"] = transactions_df["batch_size"].astype("int64")
    transactions_df["reversal"] = transactions_df["reversal"].astype(bool)
    for col in TRANSACTION_COLUMNS:
        if transactions_df[col].dtype == object:
            transactions_df[col] = transactions_df[col].fillna("").astype(str)
    statements_df.attrs["warnings"] = reader.warnings
    return statements_df, transactions_df
