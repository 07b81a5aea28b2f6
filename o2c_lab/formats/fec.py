"""FEC, the French audit file of accounting entries (article A47 A-1 of the LPF).

In memory a FEC is a DataFrame with the 18 mandatory columns in their legal order (:data:`FEC_COLUMNS`),
optional extra columns after them, and these dtypes: ``Debit``, ``Credit`` and ``Montantdevise`` in
integer cents (``int64``, empty = 0); ``EcritureDate``, ``PieceDate``, ``DateLet`` and ``ValidDate``
as ``datetime64[ns]`` (``NaT`` when empty); every other column a stripped string.

Written files: ``<SIREN>FEC<AAAAMMJJ>.txt``, TAB separator, header line, UTF-8 without BOM, CRLF
line ends (what most French accounting software produce; the text allows CR and/or LF), dates
``AAAAMMJJ``, amounts with a decimal comma and no thousands separator.

The reader accepts what real exports contain: a BOM or not, TAB or ``|``, UTF-8 or an old Windows
or DOS code page (CP1252, Latin-1, CP850: the choice and its reason are recorded), padded fields,
a trailing separator, extra columns, the ``Montant``/``Sens`` variant, decimal comma or point.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ._files import decode_unicode, read_file_bytes, refuse_binary, split_lines
from ..conventions import read_amounts
from ..errors import DataFileError, InvalidParameterError
from ..law import escompte_split
from .tabular import _ensure_folder, _format_cents, write_delimited

__all__ = ["FEC_COLUMNS", "lettering_code", "FecFile", "company_to_fec", "write_fec", "fec_filename", "read_fec",
           "check_balanced", "lettering_groups"]

FEC_COLUMNS = ("JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib",
               "CompAuxNum", "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit",
               "EcritureLet", "DateLet", "ValidDate", "Montantdevise", "Idevise")


def lettering_code(k: int) -> str:
    """The ``k``-th lettering code as French ERPs print them: 0 → AA, 25 → AZ, 675 → ZZ, 676 → AAA.

    >>> [lettering_code(k) for k in (0, 1, 26, 675, 676)]
    ['AA', 'AB', 'BA', 'ZZ', 'AAA']
    """
    width, base = 2, 0
    while k >= base + 26 ** width:
        base += 26 ** width
        width += 1
    k -= base
    return "".join(chr(65 + (k // 26 ** i) % 26) for i in reversed(range(width)))
_DATE_COLUMNS = ("EcritureDate", "PieceDate", "DateLet", "ValidDate")
_AMOUNT_COLUMNS = ("Debit", "Credit", "Montantdevise")
_DATE_DTYPE = "datetime64[ns]"

# Chart of accounts used by company_to_fec (plan comptable général).
_ACCOUNTS = {
    "411000": "Clients",
    "445710": "TVA collectée",
    "471000": "Compte d'attente",
    "512000": "Banque",
    "627000": "Services bancaires et assimilés",
    "665000": "Escomptes accordés",
    "706000": "Prestations de services",
    "707000": "Ventes de marchandises",
    "709000": "Rabais, remises et ristournes accordés",
}
_OD_ACCOUNTS = {"escompte": "665000"}  # ar_ledger document_type -> counterpart account
_JOURNALS = {"VE": "Ventes", "BQ": "Banque", "OD": "Opérations diverses"}
_SERVICE_WORDS = re.compile(r"prestation|service|maintenance|installation|formation|main d'", re.I)


# ------------------------------------------------------------------------------ company -> FEC

_LINE_COLUMNS = ["key", "journal", "date", "piece", "account", "aux", "label", "debit", "credit",
                 "let", "date_let"]


def _fmt_rate(rate: float) -> str:
    return f"{rate:g}".replace(".", ",") + " %"


def _lines(key, journal, date, piece, account, label, debit=0, credit=0, aux="", let="",
           date_let=pd.NaT) -> pd.DataFrame:
    """FEC lines in the builder's working layout (scalars broadcast over the Series given)."""
    frame = pd.DataFrame({"key": key, "journal": journal, "date": date, "piece": piece,
                          "account": account, "aux": aux, "label": label, "debit": debit,
                          "credit": credit, "let": let, "date_let": date_let})
    return frame[_LINE_COLUMNS]


def _balancing(lines: pd.DataFrame, keys: pd.DataFrame) -> pd.DataFrame:
    """One line per entry of ``keys`` (key, account) that brings the entry back to balance."""
    gap = (lines["credit"] - lines["debit"]).groupby(lines["key"]).sum()
    head = lines.drop_duplicates("key").set_index("key")
    k = keys.set_index("key")
    return _lines(k.index, head.loc[k.index, "journal"].to_numpy(),
                  head.loc[k.index, "date"].to_numpy(), head.loc[k.index, "piece"].to_numpy(),
                  k["account"].to_numpy(), head.loc[k.index, "label"].to_numpy(),
                  debit=gap.reindex(k.index, fill_value=0).to_numpy())


def _sales_account(labels: pd.Series) -> np.ndarray:
    return np.where(labels.str.contains(_SERVICE_WORDS), "706000", "707000")


def _is_bank_fee(bank: pd.DataFrame) -> pd.Series:
    code = bank["bank_code"].astype(str)
    words = bank["label"].astype(str).str.contains(r"\bFRAIS\b|\bCOMMISSION|\bAGIOS\b", case=False)
    return code.str.endswith("-CHRG") | (code.eq("") & words)


def company_to_fec(company) -> pd.DataFrame:
    """Build the FEC of the company's receivables cycle from its observable tables.

    Journals: VE (invoices: 411 TTC / 706-707 HT / 445710 VAT per rate; credit notes reversed
    on 709000), BQ (one entry per bank operation: receipts recorded in ``ar_ledger`` credit the
    customer's 411; bank charges go to 627000; every other operation, such as an unidentified
    receipt or a payment to a supplier, to 471000 suspense), OD (other ``ar_ledger`` lines:
    discounts taken against 665000, anything else against 471000 for review). 411 lines carry
    the ledger's lettering. Entries are chronological and numbered per journal; each one
    balances (an invoice whose lines do not add up raises :class:`InvalidParameterError`).
    """
    t = company.tables
    ledger = t["ar_ledger"]
    documents = ledger[ledger["document_type"].isin(["facture", "avoir"])].drop_duplicates("document_id")
    let_code = dict(zip(documents["document_id"], documents["lettering"]))
    let_date = dict(zip(documents["document_id"], documents["lettering_date"]))
    names = dict(zip(t["customers"]["customer_id"], t["customers"]["name"]))

    inv = t["invoices"]
    inv_key = "F:" + inv["invoice_id"]
    inv_label = ("Facture " + inv["invoice_id"] + " " + inv["customer_id"].map(names).fillna("")).str.strip()
    head = pd.DataFrame({"key": inv_key, "date": inv["invoice_date"], "label": inv_label,
                         "invoice_id": inv["invoice_id"]})
    il = t["invoice_lines"].assign(account=lambda d: _sales_account(d["label"].astype(str)))
    net = il.groupby(["invoice_id", "account"], as_index=False)["net_cents"].sum().merge(head, on="invoice_id")
    vat = il.groupby(["invoice_id", "vat_rate"], as_index=False)["vat_cents"].sum().merge(head, on="invoice_id")
    cn = t["credit_notes"]
    cn_key, cn_label = "A:" + cn["credit_note_id"], "Avoir " + cn["credit_note_id"] + " sur " + cn["invoice_id"]
    sales = pd.concat([
        _lines(inv_key, "VE", inv["invoice_date"], inv["invoice_id"], "411000", inv_label,
               debit=inv["total_ttc_cents"], aux=inv["customer_id"],
               let=inv["invoice_id"].map(let_code).fillna(""), date_let=inv["invoice_id"].map(let_date)),
        _lines(net["key"], "VE", net["date"], net["invoice_id"], net["account"], net["label"],
               credit=net["net_cents"]),
        _lines(vat["key"], "VE", vat["date"], vat["invoice_id"], "445710",
               vat["label"] + " TVA " + vat["vat_rate"].map(_fmt_rate), credit=vat["vat_cents"]),
        _lines(cn_key, "VE", cn["credit_date"], cn["credit_note_id"], "709000", cn_label,
               debit=cn["total_ht_cents"]),
        _lines(cn_key, "VE", cn["credit_date"], cn["credit_note_id"], "445710", cn_label,
               debit=cn["total_vat_cents"]),
        _lines(cn_key, "VE", cn["credit_date"], cn["credit_note_id"], "411000", cn_label,
               credit=cn["total_ttc_cents"], aux=cn["customer_id"],
               let=cn["credit_note_id"].map(let_code).fillna(""),
               date_let=cn["credit_note_id"].map(let_date)),
    ], ignore_index=True)
    gap = (sales["debit"] - sales["credit"]).groupby(sales["key"]).sum()
    if gap.any():
        wrong = gap[gap != 0]
        raise InvalidParameterError(
            f"{len(wrong)} pièce(s) de vente déséquilibrée(s), par exemple « {wrong.index[0][2:]} » "
            f"({int(wrong.iloc[0])} centimes d'écart entre le TTC et les lignes).",
            valid="des factures dont le TTC égale la somme des lignes HT et TVA",
            todo="vérifiez les tables invoices, invoice_lines et credit_notes")

    bank = t["bank_transactions"]
    bank_label = bank["label"].astype(str).str.slice(0, 100).str.rstrip().where(bank["label"] != "",
                                                                  "Opération " + bank["bank_tx_id"])
    bank_key = "B:" + bank["bank_tx_id"]
    posted = ledger[ledger["journal"] == "BQ"]
    in_bank = posted["bank_tx_id"].isin(set(bank["bank_tx_id"]))
    by_tx = posted[in_bank].merge(pd.DataFrame({"bank_tx_id": bank["bank_tx_id"], "key": bank_key,
                                                "date": bank["booking_date"], "label": bank_label}),
                                  on="bank_tx_id", suffixes=("_ledger", ""))
    others = pd.concat([posted[~in_bank], ledger[~ledger["journal"].isin(["VE", "BQ"])]])
    others_key = "L:" + others["entry_id"]
    customer_lines = pd.concat([
        _lines(by_tx["key"], "BQ", by_tx["date"], by_tx["bank_tx_id"], "411000", by_tx["label"],
               debit=by_tx["debit_cents"], credit=by_tx["credit_cents"], aux=by_tx["customer_id"],
               let=by_tx["lettering"], date_let=by_tx["lettering_date"]),
        _lines(others_key, others["journal"], others["entry_date"],
               others["document_id"].where(others["document_id"] != "", others["entry_id"]),
               "411000", others["label"], debit=others["debit_cents"],
               credit=others["credit_cents"], aux=others["customer_id"], let=others["lettering"],
               date_let=others["lettering_date"]),
    ], ignore_index=True)
    bank_lines = pd.concat([customer_lines, _lines(bank_key, "BQ", bank["booking_date"],
                                                   bank["bank_tx_id"], "512000", bank_label,
                                                   debit=bank["amount_cents"])], ignore_index=True)
    counter = np.where(bank["bank_tx_id"].isin(set(posted["bank_tx_id"])), "471000",
                       np.where(_is_bank_fee(bank), "627000", "471000"))
    other_counter = np.where(others["journal"] == "BQ", "512000",
                             others["document_type"].map(_OD_ACCOUNTS).fillna("471000"))
    # An escompte reduces the VAT collected as well as the sales (avoir d'escompte, CGI 267 II 1°):
    # its VAT share goes back to 445710, the balancing line puts the rest on 665000.
    esc = others[others["document_type"] == "escompte"]
    invoice_totals = t["invoices"].set_index("invoice_id")[["total_ht_cents", "total_vat_cents"]]
    esc_vat = [escompte_split(int(amount), *invoice_totals.loc[doc.removeprefix("ESC-")])[1]
               if doc.removeprefix("ESC-") in invoice_totals.index else 0
               for doc, amount in zip(esc["document_id"], esc["credit_cents"])]
    bank_lines = pd.concat([bank_lines, _lines("L:" + esc["entry_id"], esc["journal"], esc["entry_date"],
                                               esc["document_id"], "445710", esc["label"] + " TVA",
                                               debit=pd.Series(esc_vat, index=esc.index, dtype="int64"))],
                           ignore_index=True)
    keys = pd.concat([pd.DataFrame({"key": bank_key, "account": counter}),
                      pd.DataFrame({"key": others_key, "account": other_counter})
                      .drop_duplicates("key")], ignore_index=True)
    lines = pd.concat([sales, bank_lines, _balancing(bank_lines, keys)], ignore_index=True)
    return _to_fec(lines, names)


def _to_fec(lines: pd.DataFrame, names: dict) -> pd.DataFrame:
    """Working lines -> the FEC table: amounts made non-negative, entries ordered and numbered."""
    debit, credit = lines["debit"].astype("int64"), lines["credit"].astype("int64")
    lines = lines.assign(debit=debit.clip(lower=0) + (-credit).clip(lower=0),
                         credit=credit.clip(lower=0) + (-debit).clip(lower=0))
    lines = lines[(lines["debit"] != 0) | (lines["credit"] != 0)]
    lines = lines.assign(date=pd.to_datetime(lines["date"]).astype(_DATE_DTYPE), seq=np.arange(len(lines)))
    entries = lines.drop_duplicates("key").sort_values(["date", "journal", "piece", "key"], kind="stable")
    number = entries.groupby("journal").cumcount() + 1
    numbers = dict(zip(entries["key"], entries["journal"] + number.map("{:06d}".format)))
    order = dict(zip(entries["key"], range(len(entries))))
    lines = lines.assign(order=lines["key"].map(order)).sort_values(["order", "seq"], kind="stable")
    fec = pd.DataFrame({
        "JournalCode": lines["journal"], "JournalLib": lines["journal"].map(_JOURNALS).fillna(lines["journal"]),
        "EcritureNum": lines["key"].map(numbers), "EcritureDate": lines["date"],
        "CompteNum": lines["account"], "CompteLib": lines["account"].map(_ACCOUNTS),
        "CompAuxNum": lines["aux"], "CompAuxLib": lines["aux"].map(names).fillna(""),
        "PieceRef": lines["piece"], "PieceDate": lines["date"], "EcritureLib": lines["label"],
        "Debit": lines["debit"], "Credit": lines["credit"],
        "EcritureLet": lines["let"].fillna(""),
        "DateLet": pd.to_datetime(lines["date_let"]).where(lines["let"].fillna("") != ""),
        "ValidDate": lines["date"], "Montantdevise": 0, "Idevise": "",
    }).reset_index(drop=True)
    return _conform(fec)


def _conform(frame: pd.DataFrame) -> pd.DataFrame:
    for col in _DATE_COLUMNS:
        frame[col] = pd.to_datetime(frame[col]).astype(_DATE_DTYPE)
    for col in _AMOUNT_COLUMNS:
        frame[col] = frame[col].astype("int64")
    for col in frame.columns:
        if col not in _DATE_COLUMNS and col not in _AMOUNT_COLUMNS:
            frame[col] = frame[col].astype(str)
    return frame


# -------------------------------------------------------------------------------------- write

def fec_filename(siren: str, closing_date) -> str:
    """``<SIREN>FEC<AAAAMMJJ>.txt`` after checking the SIREN (9 digits, Luhn key)."""
    from stdnum.fr import siren as stdnum_siren

    text = str(siren).replace(" ", "")
    if not stdnum_siren.is_valid(text):
        raise InvalidParameterError(f"SIREN invalide : « {siren} ».",
                                    valid="9 chiffres dont le dernier est une clé de Luhn",
                                    todo="reprenez le SIREN de la table company")
    return f"{text}FEC{pd.Timestamp(closing_date):%Y%m%d}.txt"


def write_fec(fec_df: pd.DataFrame, folder, siren: str, closing_date) -> Path:
    """Write ``fec_df`` as ``<SIREN>FEC<AAAAMMJJ>.txt`` in ``folder`` and return the path."""
    missing = [c for c in FEC_COLUMNS if c not in fec_df.columns]
    if missing:
        raise InvalidParameterError(f"Colonnes FEC absentes : {', '.join(missing)}.",
                                    valid="les 18 colonnes : " + ", ".join(FEC_COLUMNS),
                                    todo="construisez le tableau avec company_to_fec")
    folder = Path(folder)
    _ensure_folder(folder)
    path = folder / fec_filename(siren, closing_date)
    out = pd.DataFrame(index=fec_df.index)
    for col in FEC_COLUMNS:
        s = fec_df[col]
        if col in _DATE_COLUMNS:
            out[col] = pd.to_datetime(s).dt.strftime("%Y%m%d").fillna("")
        elif col == "Montantdevise":
            out[col] = _format_cents(s.astype("int64")).where(fec_df["Idevise"] != "", "")
        elif col in _AMOUNT_COLUMNS:
            out[col] = _format_cents(s.astype("int64"))
        else:
            # A TAB or line break inside a label would break the record: replace by a space.
            out[col] = s.astype(str).str.replace(r"[\t\r\n]", " ", regex=True)
    # FEC fields are never quoted; labels starting with = + - @ are neutralised like every output
    return write_delimited([FEC_COLUMNS, *out.itertuples(index=False)], path, delimiter="\t",
                           encoding="utf-8", quoted=False)


# --------------------------------------------------------------------------------------- read

@dataclass
class FecFile:
    """A FEC as read: entries (18 columns + extras), how the file was decoded, its balance."""

    path: Path
    entries: pd.DataFrame
    encoding: str
    encoding_note: str
    separator: str
    extra_columns: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: French warnings on the file's structure (entry numbers, unbalanced entries), with counts.
    warnings: list[str] = field(default_factory=list)

    @property
    def total_debit_cents(self) -> int:
        return int(self.entries["Debit"].sum())

    @property
    def total_credit_cents(self) -> int:
        return int(self.entries["Credit"].sum())

    @property
    def difference_cents(self) -> int:
        """Σ Debit − Σ Credit (0 for a balanced file)."""
        return self.total_debit_cents - self.total_credit_cents

    @property
    def balanced(self) -> bool:
        return self.difference_cents == 0

    @property
    def unbalanced_entries(self) -> pd.DataFrame:
        """Entries (JournalCode, EcritureNum) whose debits and credits differ, with the difference."""
        e = self.entries
        g = e.groupby(["JournalCode", "EcritureNum"], sort=False)[["Debit", "Credit"]].sum()
        g["difference_cents"] = g["Debit"] - g["Credit"]
        return g[g["difference_cents"] != 0].reset_index()


#: Letters a French accounting label uses; a code page is judged by how many of its decodings
#: land here (« CRÉAT° » in CP850 reads « CRÉATø » in CP1252: ø is not French).
_FRENCH = set("àâäçéèêëîïôöùûüÿœæÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸŒÆ°€«»’")
_NEUTRAL = set("…–—‘“”•·²³µ§£¤¦¨´¸¹º¼½¾¿×÷ ")


def _french_score(text: str) -> int:
    return sum(2 if c in _FRENCH else 0 if c in _NEUTRAL else -1 for c in text if ord(c) > 127)


def _single_byte(raw: bytes) -> tuple[str, str, str]:
    """The Windows or DOS code page whose decoding of ``raw`` reads most like French labels."""
    high = bytes(b for b in raw if b > 127)
    candidates = []
    for encoding, name in (("cp1252", "Windows-1252 (CP1252)"), ("cp850", "DOS CP850"),
                           ("latin-1", "Latin-1 (ISO 8859-1)")):
        try:
            sample = high.decode(encoding)
        except UnicodeDecodeError:
            continue
        candidates.append((_french_score(sample), -len(candidates), encoding, name))
    _, _, encoding, name = max(candidates)
    return raw.decode(encoding), encoding, name


def _decode(raw: bytes) -> tuple[str, str, str]:
    """Text, encoding and a French note saying why that encoding was chosen.

    UTF-8 (with or without BOM) and UTF-16 are recognised first; otherwise the code page is the one
    whose accents read as French. A UTF-8 file with a few lines in a Windows code page (a label
    pasted from another tool) keeps its UTF-8 lines and decodes only those lines otherwise.
    """
    unicode = decode_unicode(raw)
    if unicode is not None:
        text, encoding = unicode
        bom = raw[:3] == b"\xef\xbb\xbf" or encoding.startswith("utf-16") and raw[:2] in (b"\xff\xfe", b"\xfe\xff")
        label = {"utf-8": "UTF-8", "utf-16": "UTF-16", "utf-16-le": "UTF-16", "utf-16-be": "UTF-16",
                 "utf-32": "UTF-32"}[encoding]
        encoding = "utf-16" if encoding.startswith("utf-16") else encoding
        return text.lstrip("\ufeff"), encoding, f"{label} avec BOM" if bom else f"{label} sans BOM"
    lines = raw.split(b"\n")
    decoded, bad = [], []
    for k, line in enumerate(lines):
        try:
            decoded.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            decoded.append(None)
            bad.append(k)
    utf8_accents = any(text is not None and not text.isascii() for text in decoded)
    first_bad = bad[0]
    reason = f"pas de l'UTF-8 (ligne {first_bad + 1})"
    if utf8_accents:  # mostly UTF-8: only the bad lines are in another code page
        _, encoding, name = _single_byte(b"\n".join(lines[k] for k in bad))
        for k in bad:
            decoded[k] = lines[k].decode(encoding)
        shown = ", ".join(str(k + 1) for k in bad[:5]) + ("…" if len(bad) > 5 else "")
        return "\n".join(decoded).lstrip("\ufeff"), "utf-8", (
            f"UTF-8, sauf {len(bad)} ligne(s) en {name} (ligne(s) {shown}) : décodées à part")
    text, encoding, name = _single_byte(raw)
    return text, encoding, f"{reason} ; décodé en {name}, la page de code dont les accents se lisent en français"


def read_fec(path) -> FecFile:
    """Read a real FEC file (see the module docstring for what is tolerated).

    Bad input raises :class:`DataFileError` naming the file, the line and the column. An
    unbalanced file is *not* an error here: read ``difference_cents`` / ``unbalanced_entries`` or
    call :func:`check_balanced`.
    """
    path = Path(path)
    raw = read_file_bytes(path)
    refuse_binary(raw, path, "un FEC : fichier texte, une ligne d'en-tête puis une ligne par écriture")
    text, encoding, note = _decode(raw)
    numbered = list(enumerate(split_lines(text), start=1))
    numbered = [(k, ln) for k, ln in numbered if ln.strip()]
    if not numbered:
        raise DataFileError("le fichier est vide.", path=path,
                            valid="une ligne d'en-tête puis une ligne par écriture")
    header_line = numbered[0][1]
    separator = "\t" if "\t" in header_line else "|" if "|" in header_line else None
    if separator is None:
        raise DataFileError("séparateur de champs introuvable dans la ligne d'en-tête.", path=path,
                            row=numbered[0][0], valid="tabulation ou barre verticale « | »",
                            todo="vérifiez qu'il s'agit bien d'un FEC")
    header = [h.strip() for h in header_line.split(separator)]
    while header and not header[-1]:
        header.pop()  # trailing separator
    canonical = {c.lower(): c for c in FEC_COLUMNS + ("Montant", "Sens")}
    header = [canonical.get(h.lower(), h) for h in header]
    amounts_as_sens = "Debit" not in header and "Credit" not in header and {"Montant", "Sens"} <= set(header)
    required = [c for c in FEC_COLUMNS if not (amounts_as_sens and c in ("Debit", "Credit"))]
    missing = [c for c in required if c not in header]
    if missing:
        raise DataFileError(
            f"colonne(s) obligatoire(s) absente(s) : {', '.join(missing)}.", path=path,
            row=numbered[0][0], valid="les 18 colonnes de l'article A47 A-1 : " + ", ".join(FEC_COLUMNS),
            todo=f"colonnes trouvées : {', '.join(header)} ; demandez un export FEC complet")
    width = len(header)
    rows, line_numbers = [], []
    for number, ln in numbered[1:]:
        fields = ln.split(separator)
        while len(fields) > width and not fields[-1].strip():
            fields.pop()
        if len(fields) != width:
            raise DataFileError(f"{len(fields)} champs au lieu de {width}.", path=path, row=number,
                                valid=f"{width} champs séparés par le même séparateur que l'en-tête",
                                todo="cherchez un séparateur en trop ou manquant dans un libellé")
        rows.append([f.strip() for f in fields])
        line_numbers.append(number)
    frame = pd.DataFrame(rows, columns=header, dtype=str) if rows else pd.DataFrame(columns=header, dtype=str)

    def fail(column, i, what, valid):
        raise DataFileError(f"{what} « {frame[column].iloc[i]} ».", path=path,
                            row=line_numbers[i], column=column, valid=valid,
                            todo="corrigez cette ligne ou demandez un nouvel export")

    amount_columns = ["Montant"] if amounts_as_sens else ["Debit", "Credit"]
    amount_columns.append("Montantdevise")
    # one convention for the whole file (« 1.000 » is 1 000 € when « 12,50 » is elsewhere): never per cell
    written = [v for v in pd.unique(pd.concat([frame[c] for c in amount_columns])) if v.strip()]
    reading = read_amounts(written, column=" / ".join(amount_columns), path=path)
    cache = {v: None if k in reading.errors else reading.values[k] for k, v in enumerate(written)}
    for col in amount_columns:
        values = frame[col].map(lambda v: cache.get(v, 0) if v.strip() else 0)
        if values.isna().any():
            fail(col, int(np.flatnonzero(values.isna().to_numpy())[0]), "montant illisible",
                 "un nombre comme 1234,56 ou -12.50 (vide = 0), au plus 2 décimales, "
                 "moins de 1 000 milliards")
        frame[col] = values.astype("int64")
    if amounts_as_sens:
        sens = frame["Sens"].str.upper().str[:1]
        bad = ~sens.isin(["D", "C", "+", "-"])
        if bad.any():
            fail("Sens", int(np.flatnonzero(bad.to_numpy())[0]), "sens illisible", "D ou C")
        debit_side = sens.isin(["D", "+"])
        frame["Debit"] = frame["Montant"].where(debit_side, 0)
        frame["Credit"] = frame["Montant"].where(~debit_side, 0)
    for col in _DATE_COLUMNS:
        values = pd.to_datetime(frame[col], format="%Y%m%d", errors="coerce")
        bad = (frame[col] != "") & values.isna()
        if col == "EcritureDate":
            bad |= frame[col] == ""
        if bad.any():
            fail(col, int(np.flatnonzero(bad.to_numpy())[0]), "date illisible",
                 "une date AAAAMMJJ comme 20261231")
        frame[col] = values.astype(_DATE_DTYPE)
    extras = [c for c in header if c not in FEC_COLUMNS]
    entries = frame[list(FEC_COLUMNS) + extras]
    notes = []
    if amounts_as_sens:
        notes.append("variante Montant + Sens : Debit et Credit reconstitués")
    if extras:
        notes.append("colonnes supplémentaires conservées : " + ", ".join(extras))
    fec = FecFile(path=path, entries=entries.reset_index(drop=True), encoding=encoding,
                  encoding_note=note, separator=separator, extra_columns=extras, notes=notes)
    fec.warnings = _structure_warnings(fec)
    return fec


def _structure_warnings(fec: FecFile) -> list[str]:
    """What makes entries unreliable: numbers that do not tell entries apart, unbalanced entries."""
    e = fec.entries
    out = []
    if len(e) < 2:
        return out
    numbers = e["EcritureNum"].str.lstrip("0")
    dated = e.groupby(["JournalCode", "EcritureNum"], sort=False)["EcritureDate"].nunique().gt(1)
    if numbers.eq("").all():
        out.append(f"EcritureNum vide ou 0 sur les {len(e)} lignes : les écritures ne peuvent pas "
                   "être distinguées (regroupement et contrôle d'équilibre par écriture impossibles) ; "
                   "demandez un export avec la numérotation des écritures")
    elif dated.any():
        out.append(f"{int(dated.sum())} numéro(s) d'écriture portent des dates différentes : numérotation "
                   "réutilisée ou non unique, regroupement par écriture douteux")
    unbalanced = fec.unbalanced_entries
    if len(unbalanced):
        entries = e.groupby(["JournalCode", "EcritureNum"], sort=False).ngroups
        first = unbalanced.iloc[0]
        out.append(f"{len(unbalanced)} écriture(s) déséquilibrée(s) sur {entries} (Σ Debit ≠ Σ Credit), "
                   f"par exemple {first['JournalCode']} {first['EcritureNum']} : écart de "
                   f"{int(first['difference_cents'])} centimes")
    return out


def check_balanced(fec: FecFile) -> FecFile:
    """Return ``fec`` if Σ Debit = Σ Credit, else raise :class:`DataFileError` with the gap."""
    if not fec.balanced:
        from ..money import format_eur

        raise DataFileError(
            f"le FEC n'est pas équilibré : débits {format_eur(fec.total_debit_cents)}, crédits "
            f"{format_eur(fec.total_credit_cents)}, écart {format_eur(fec.difference_cents)}.",
            path=fec.path, valid="un total des débits égal au total des crédits",
            todo="vérifiez que l'export est complet (toutes les écritures de l'exercice)")
    return fec


def lettering_groups(fec_df: pd.DataFrame, account_prefix: str = "411") -> pd.DataFrame:
    """Lettered lines of accounts starting with ``account_prefix``, grouped by account, auxiliary
    account and lettering code, with their debits, credits, net and ``settled`` (net = 0)."""
    lines = fec_df[fec_df["CompteNum"].str.startswith(account_prefix) & (fec_df["EcritureLet"] != "")]
    g = (lines.groupby(["CompteNum", "CompAuxNum", "EcritureLet"])
         .agg(lines=("Debit", "size"), debit_cents=("Debit", "sum"), credit_cents=("Credit", "sum"),
              first_date=("EcritureDate", "min"), last_date=("EcritureDate", "max"))
         .reset_index())
    g["net_cents"] = g["debit_cents"] - g["credit_cents"]
    g["settled"] = g["net_cents"] == 0
    return g
