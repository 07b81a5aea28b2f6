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
import re
from decimal import Decimal
from pathlib import Path

import pandas as pd
from lxml import etree

from ..errors import DataFileError, InvalidParameterError
from .tabular import _ensure_folder

__all__ = ["CAMT053_VERSIONS", "write_camt053", "read_camt053", "TRANSACTION_COLUMNS",
           "STATEMENT_COLUMNS"]

CAMT053_VERSIONS = ("001.02", "001.04", "001.08")
_TX_SCHEMA = ("bank_tx_id", "statement_id", "booking_date", "value_date", "amount_cents", "label",
              "counterparty_name", "counterparty_iban", "remittance_info", "end_to_end_id",
              "bank_code")
#: Columns of the transactions table returned by :func:`read_camt053`.
TRANSACTION_COLUMNS = _TX_SCHEMA + ("currency", "status", "reversal", "entry_ref", "batch_size")
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

def _strip_namespaces(root) -> None:
    for el in root.iter():
        if isinstance(el.tag, str):
            el.tag = etree.QName(el).localname


def _text(el, path: str, default: str = "") -> str:
    found = el.find(path) if el is not None else None
    return found.text.strip() if found is not None and found.text else default


def _signed_cents(amount_node, indicator: str, where: str, path) -> int:
    """Signed cents from an ``Amt`` element and its ``CdtDbtInd`` (CRDT or DBIT)."""
    text = amount_node.text.strip() if amount_node is not None and amount_node.text else ""
    try:
        value = Decimal(text) * 100
    except ArithmeticError:
        raise DataFileError(f"montant illisible « {text} » dans {where}.", path=path,
                            valid="un montant comme 1234.56") from None
    if value != value.to_integral_value():
        raise DataFileError(f"montant « {text} » avec plus de 2 décimales dans {where}.", path=path)
    return -int(value) if indicator == "DBIT" else int(value)


def _cents(el, where: str, path) -> int:
    """Signed cents of an element holding ``Amt`` and ``CdtDbtInd``."""
    return _signed_cents(el.find("Amt"), _text(el, "CdtDbtInd"), where, path)


def _date(el, path: str):
    text = _text(el, f"{path}/Dt") or _text(el, f"{path}/DtTm")[:10]
    return pd.Timestamp(text) if text else pd.NaT


def _bank_code(el) -> str:
    proprietary = _text(el, "BkTxCd/Prtry/Cd")
    if proprietary:
        return proprietary
    parts = [_text(el, "BkTxCd/Domn/Cd"), _text(el, "BkTxCd/Domn/Fmly/Cd"),
             _text(el, "BkTxCd/Domn/Fmly/SubFmlyCd")]
    return "-".join(p for p in parts if p)


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
    common = {
        "statement_id": stmt_id, "booking_date": _date(entry, "BookgDt"),
        "value_date": _date(entry, "ValDt"), "label": _text(entry, "AddtlNtryInf"),
        "bank_code": _bank_code(entry), "currency": entry.find("Amt").get("Ccy", ""),
        "status": status, "reversal": _text(entry, "RvslInd").lower() in ("true", "1"),
        "entry_ref": entry_ref,
        "batch_size": int(_text(entry, "NtryDtls/Btch/NbOfTxs") or len(details) or 1),
    }
    rows = []
    groups = [[d] for d in details] if split else [details]
    for k, group in enumerate(groups, start=1):
        parties = [_party(d, role) for d in group]
        first = group[0] if group else None
        rows.append({
            **common,
            "bank_tx_id": f"{entry_ref}/{k}" if split else entry_ref,
            "amount_cents": split[k - 1] if split else amount,
            "label": common["label"] or _text(first, "AddtlTxInf"),
            "bank_code": common["bank_code"] or (_bank_code(first) if first is not None else ""),
            "counterparty_name": " | ".join(dict.fromkeys(n for n, _ in parties if n)),
            "counterparty_iban": " | ".join(dict.fromkeys(i for _, i in parties if i)),
            "remittance_info": " | ".join(r for r in map(_remittance, group) if r),
            "end_to_end_id": _text(first, "Refs/EndToEndId") if len(group) == 1 else "",
        })
    return amount, status, rows


def read_camt053(path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read a camt.053 file (any version 001.02–001.08, any number of ``Stmt``).

    Returns ``(statements, transactions)`` with :data:`STATEMENT_COLUMNS` and
    :data:`TRANSACTION_COLUMNS`. A batch entry gives one row per ``TxDtls``. Each statement's
    ``balance_ok`` says whether opening + Σ booked entries = closing (``balance_note`` says why
    not); nothing is dropped silently.
    """
    path = Path(path)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    try:
        root = etree.parse(str(path), parser).getroot()
    except OSError as exc:
        raise DataFileError(f"lecture impossible ({exc}).", path=path) from None
    except etree.XMLSyntaxError as exc:
        raise DataFileError(f"XML mal formé : {exc.msg}.", path=path, row=exc.lineno,
                            valid="un relevé ISO 20022 camt.053 (XML)") from None
    _strip_namespaces(root)
    statements = root.findall(".//BkToCstmrStmt/Stmt")
    if not statements:
        raise DataFileError("aucun relevé (élément BkToCstmrStmt/Stmt) dans ce fichier.",
                            path=path, valid="un fichier camt.053 (relevé de fin de journée)",
                            todo="vérifiez qu'il ne s'agit pas d'un camt.052 ou camt.054")
    st_rows, tx_rows = [], []
    for stmt in statements:
        stmt_id = _text(stmt, "Id")
        balances = {}
        for bal in stmt.findall("Bal"):
            code = _text(bal, "Tp/CdOrPrtry/Cd") or _text(bal, "Tp/CdOrPrtry/Prtry")
            balances.setdefault(code, (_cents(bal, f"le solde {code} du relevé {stmt_id}", path),
                                       _date(bal, "Dt"), bal.find("Amt").get("Ccy", "")))
        opening = balances.get("OPBD") or balances.get("PRCD")
        closing = balances.get("CLBD")
        booked_total, n_entries, currency = 0, 0, ""
        for number, entry in enumerate(stmt.findall("Ntry"), start=1):
            amount, status, rows = _entry_rows(entry, stmt_id, number, path)
            n_entries += 1
            currency = currency or rows[0]["currency"]
            if status in ("BOOK", ""):  # pending or informative entries are not in the balance
                booked_total += amount
            tx_rows.extend(rows)
        note = ""
        if opening is None or closing is None:
            note = "solde d'ouverture (OPBD/PRCD) ou de clôture (CLBD) absent : contrôle impossible"
            ok = False
        else:
            gap = opening[0] + booked_total - closing[0]
            ok = gap == 0
            if not ok:
                note = f"ouverture + opérations − clôture = {gap} centimes"
        from_text, to_text = _text(stmt, "FrToDt/FrDtTm")[:10], _text(stmt, "FrToDt/ToDtTm")[:10]
        from_date = pd.Timestamp(from_text) if from_text else opening[1] if opening else pd.NaT
        to_date = pd.Timestamp(to_text) if to_text else closing[1] if closing else pd.NaT
        st_rows.append({
            "statement_id": stmt_id,
            "account_iban": _text(stmt, "Acct/Id/IBAN") or _text(stmt, "Acct/Id/Othr/Id"),
            "from_date": from_date, "to_date": to_date,
            "opening_balance_cents": opening[0] if opening else pd.NA,
            "closing_balance_cents": closing[0] if closing else pd.NA,
            "currency": _text(stmt, "Acct/Ccy") or (closing[2] if closing else currency),
            "entries": n_entries, "entries_total_cents": booked_total,
            "balance_ok": ok, "balance_note": note,
        })
    statements_df = pd.DataFrame(st_rows, columns=list(STATEMENT_COLUMNS))
    transactions_df = pd.DataFrame(tx_rows, columns=list(TRANSACTION_COLUMNS))
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
    return statements_df, transactions_df
