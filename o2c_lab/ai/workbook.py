"""Anonymise any workbook a participant brings (her own Excel or CSV export), not only the course's.

1. :func:`read_workbook` reads the uploaded bytes: every sheet of a ``.xlsx``, or a CSV (UTF-8,
   UTF-16 or Windows code page; ``;``, tab, ``|`` or ``,`` separator); cells of a CSV stay text, so
   « 0612345678 » keeps its leading zero.
2. :func:`detect_columns` says, per column, which kind of identifier it holds and why (French):
   its header (« E-mail », « IBAN », « Raison sociale »…) or, failing that, its values (e-mails,
   IBAN/SIREN/SIRET/VAT numbers passing their checksum, phones, street addresses, company names
   with a legal form, people's names, free text where names are searched). The participant ticks
   or unticks each column.
3. :func:`anonymize_sheets` pseudonymises the chosen columns with one consistent
   :class:`~o2c_lab.ai.anonymize.Anonymizer`: the values of the identifier columns are also
   searched in the free-text columns; amounts and dates are kept.
4. :meth:`AnonymizedWorkbook.write` writes the anonymised copy (same format, formula-safe) and the
   correspondence table, which stays on the participant's machine.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import ParseError

import pandas as pd

from ..errors import DataFileError, InvalidParameterError
from .anonymize import _PATTERNS, KINDS, Anonymizer, KnownEntities, _column_kind, _filled, _ibans, _validate, cell_text

__all__ = ["COLUMN_KINDS", "ColumnGuess", "AnonymizedWorkbook", "read_workbook", "detect_columns",
           "anonymize_sheets"]

#: What a column can be anonymised as (French labels of the choice offered to the participant).
COLUMN_KINDS = {
    "CLIENT": "raison sociale", "PERSONNE": "nom de personne", "PRENOM": "prénom", "NOM": "nom de famille",
    "COLLABORATEUR": "collaborateur", "EMAIL": "adresse e-mail", "TEL": "téléphone", "ADRESSE": "adresse postale",
    "COMMUNE": "code postal et ville", "SIREN": "SIREN", "SIRET": "SIRET", "TVA": "numéro de TVA", "IBAN": "IBAN",
    "BIC": "code BIC", "TEXTE": "texte libre (noms et numéros y sont recherchés)",
}
_SAMPLE = 200  # values looked at per column
_SHARE = 0.6  # share of the sampled values that must look alike to decide from the content
_PATTERN_OF = {kind: (re.compile(pattern), check) for kind, pattern, check in _PATTERNS}
_LEGAL_FORM = re.compile(r"(?i)(?:^|[\s(])(?:sa|sas|sasu|sarl|eurl|snc|sci|scop|scp|selarl|sca|gie|ei|eirl|"
                         r"gmbh|ltd|llc|inc|bv|nv|spa|srl|sl|ag|cie|et fils|groupe|société|ets|établissements)"
                         r"(?:$|[\s.),])")
#: Header words (accents and case ignored) that name an identifier column beyond the exact names
#: the course's own tables use.
_HEADER_WORDS = [
    ("EMAIL", ("mail", "courriel")), ("IBAN", ("iban",)), ("SIRET", ("siret",)), ("SIREN", ("siren",)),
    ("TVA", ("tva intra", "n tva", "numero de tva", "vat")), ("BIC", ("bic", "swift")),
    ("TEL", ("telephone", "tel", "portable", "mobile", "fax")),
    ("ADRESSE", ("adresse", "rue", "voie")),
    ("CLIENT", ("raison sociale", "nom client", "nom du client", "libelle client", "nom tiers", "debiteur",
                "societe", "entreprise", "denomination")),
    ("PERSONNE", ("contact", "interlocuteur", "nom et prenom", "prenom nom", "nom prenom", "signataire",
                  "destinataire", "gestionnaire", "responsable")),
    ("COLLABORATEUR", ("commercial", "charge de recouvrement", "vendeur", "representant")),
    ("PRENOM", ("prenom",)), ("NOM", ("nom",)),
    ("TEXTE", ("commentaire", "observation", "remarque", "note", "libelle", "motif", "historique", "texte",
               "objet", "memo")),
]


def _normalise(text) -> str:
    from ..analytics.importers import _normalise as normalise

    return normalise(text)


@dataclass(frozen=True)
class ColumnGuess:
    """The kind found for one column (None: nothing to hide), why, and an example value."""

    sheet: str
    column: str
    kind: str | None
    reason: str

    @property
    def label(self) -> str:
        return COLUMN_KINDS.get(self.kind, "rien à masquer") if self.kind else "rien à masquer"


def read_workbook(data: bytes, filename: str) -> dict[str, pd.DataFrame]:
    """Every sheet of an uploaded ``.xlsx`` or ``.xls``, or the one table of a CSV (its cells kept as text)."""
    from ..analytics.importers import _guess_separator
    from ..formats.tabular import OLE_MAGIC
    from ..formats.tabular import decode_text

    suffix = Path(filename).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        if bytes(data[:8]) == OLE_MAGIC:
            raise DataFileError("classeur protégé par un mot de passe (ou ancien format .xls renommé).",
                                path=filename, valid="un classeur .xlsx sans mot de passe d'ouverture",
                                todo="ouvrez-le dans Excel, retirez le mot de passe et enregistrez-le en .xlsx")
        try:
            sheets = pd.read_excel(io.BytesIO(bytes(data)), sheet_name=None)
        except Exception as exc:  # openpyxl raises many types for a damaged file
            # an XML that declares entities is refused by the reader (ParseError): maybe a trap
            what = "classeur illisible ou dangereux" if isinstance(exc, ParseError) else "classeur Excel illisible"
            raise DataFileError(f"{what} ({type(exc).__name__}).", path=filename,
                                valid="un classeur .xlsx enregistré par Excel ou LibreOffice",
                                todo="ouvrez-le dans Excel et enregistrez-le de nouveau au format .xlsx") from None
    elif suffix == ".xls":  # Excel 97-2003, still exported by accounting tools; the copy is written as .xlsx
        try:
            sheets = pd.read_excel(io.BytesIO(bytes(data)), sheet_name=None, engine="calamine")
        except Exception as exc:  # a damaged or encrypted workbook raises several types
            raise DataFileError(f"classeur Excel 97-2003 illisible ou protégé par un mot de passe ({type(exc).__name__}).",
                                path=filename, valid="un classeur .xls ou .xlsx sans mot de passe d'ouverture",
                                todo="ouvrez-le dans Excel, retirez le mot de passe s'il y en a un et enregistrez-le "
                                     "en .xlsx") from None
    elif suffix in (".csv", ".txt"):
        text = decode_text(bytes(data), filename)
        separator = _guess_separator(text.splitlines()[:30])
        try:
            sheets = {Path(filename).stem[:31] or "Feuille1": pd.read_csv(
                io.StringIO(text), sep=separator, dtype=str, keep_default_na=False, quotechar='"')}
        except (pd.errors.ParserError, ValueError) as exc:
            raise DataFileError(f"CSV illisible ({exc}).", path=filename,
                                valid="un CSV avec une ligne d'en-tête et le même nombre de colonnes par ligne",
                                todo="exportez-le à nouveau, ou enregistrez-le en .xlsx depuis Excel") from None
    else:
        raise DataFileError(f"format « {suffix or 'sans extension'} » non pris en charge.", path=filename,
                            valid="un classeur .xlsx ou .xls, ou un fichier .csv",
                            todo="enregistrez votre fichier au format .xlsx depuis Excel")
    sheets = {str(name): df for name, df in sheets.items() if not df.empty or len(df.columns)}
    if not sheets:
        raise DataFileError("le fichier ne contient aucune donnée.", path=filename,
                            todo="vérifiez que vous avez choisi le bon fichier")
    if suffix in (".xlsx", ".xlsm", ".xls"):
        sheets = {name: _below_titles(df) for name, df in sheets.items()}
    return sheets


def _below_titles(df: pd.DataFrame) -> pd.DataFrame:
    """The sheet from its real header when title rows sit above it (an export's « Balance âgée
    au … » line): the header is the first row of two filled cells or more. The title rows are not
    in the copy; ``attrs["title_rows"]`` says how many."""
    named = sum(not str(c).startswith("Unnamed:") for c in df.columns)
    if named >= 2 or len(df.columns) < 2:
        return df
    first = next((k for k, n in enumerate(df.notna().sum(axis=1).iloc[:30]) if n >= 2), None)
    if first is None:
        return df
    body = df.iloc[first + 1:].reset_index(drop=True).infer_objects()
    body.columns = [str(h) if pd.notna(h) else f"Unnamed: {j}" for j, h in enumerate(df.iloc[first])]
    body.attrs["title_rows"] = first + 1
    return body


def _value_kind(text: str) -> str | None:
    """The identifier a whole cell is, if any (e-mail, IBAN, SIRET, SIREN, VAT, phone, address)."""
    if any(start == 0 and end == len(text) for start, end in _ibans(text)):
        return "IBAN"
    for kind in ("EMAIL", "SIRET", "SIREN", "TVA", "TEL"):
        regex, check = _PATTERN_OF[kind]
        if regex.fullmatch(text) and _validate(check, text):
            return kind
    regex, _ = _PATTERN_OF["ADRESSE"]
    if regex.match(text):
        return "ADRESSE"
    return None


def _header_kind(column: str) -> str | None:
    kind = _column_kind(column)
    if kind is not None:
        return kind
    words = f" {_normalise(column)} "
    for kind, names in _HEADER_WORDS:
        if any(f" {name} " in words for name in names):
            return kind
    return None


def _is_person(text: str) -> bool:
    """Whether a short cell is a person's name (a known first or last name, in any case)."""
    from .anonymize import _gazetteer_names, _upper_names

    if not 1 <= len(text.split()) <= 4 or any(ch.isdigit() for ch in text):
        return False
    return any(True for _ in (*_gazetteer_names(text), *_upper_names(text)))


def _guess(sheet: str, column: str, series: pd.Series) -> ColumnGuess:
    header = _header_kind(str(column))
    if header is not None:
        return ColumnGuess(sheet, str(column), header, f"intitulé de colonne « {column} »")
    values = [cell_text(v) for v in series if _filled(v) and not isinstance(v, (pd.Timestamp, bool))]
    values = [v for v in values if v][:_SAMPLE]
    if not values:
        return ColumnGuess(sheet, str(column), None, "colonne vide")
    kinds = [_value_kind(v) for v in values]
    best = max(set(kinds) - {None}, key=kinds.count, default=None)
    if best is not None and kinds.count(best) >= _SHARE * len(values):
        return ColumnGuess(sheet, str(column), best, f"{kinds.count(best)} valeur(s) sur {len(values)} "
                                                      f"ressemblent à : {COLUMN_KINDS[best]}")
    texts = [v for v in values if re.search(r"[A-Za-zÀ-ÿ]{2}", v)]
    if len(texts) < _SHARE * len(values):
        return ColumnGuess(sheet, str(column), None, "nombres, dates ou codes")
    companies = sum(bool(_LEGAL_FORM.search(v.replace(".", ""))) for v in texts)
    if companies >= _SHARE * len(texts):
        return ColumnGuess(sheet, str(column), "CLIENT", f"{companies} valeur(s) sur {len(texts)} portent une "
                                                         "forme juridique (SA, SARL…)")
    people = sum(_is_person(v) for v in texts)
    if people >= _SHARE * len(texts):
        return ColumnGuess(sheet, str(column), "PERSONNE", f"{people} valeur(s) sur {len(texts)} sont des noms "
                                                           "de personnes")
    words = sum(len(v.split()) for v in texts) / len(texts)
    if words >= 3 or people:
        return ColumnGuess(sheet, str(column), "TEXTE", "texte libre : noms, e-mails et numéros y seront recherchés")
    return ColumnGuess(sheet, str(column), None, "codes ou libellés courts")


def detect_columns(sheets: dict[str, pd.DataFrame]) -> list[ColumnGuess]:
    """One guess per column of every sheet, in the file's order."""
    return [_guess(name, column, df[column]) for name, df in sheets.items() for column in df.columns]


@dataclass(frozen=True)
class AnonymizedWorkbook:
    """The anonymised sheets and the anonymiser that holds the correspondence table."""

    sheets: dict
    anonymizer: Anonymizer

    @property
    def replaced(self) -> dict[str, int]:
        """Values replaced, per kind of pseudonym."""
        counts: dict[str, int] = {}
        for pseudo in self.anonymizer.mapping:
            kind = pseudo[1:].rsplit("_", 1)[0]
            counts[kind] = counts.get(kind, 0) + 1
        return counts

    def summary(self) -> str:
        """French one-liner: how many values, of which kinds."""
        detail = ", ".join(f"{KINDS.get(k, k)} : {n}" for k, n in sorted(self.replaced.items()))
        return f"{sum(self.replaced.values())} valeur(s) remplacée(s) ({detail or 'aucune'})"

    def write(self, path_out, mapping_path) -> tuple[Path, Path]:
        """Write the copy (``.xlsx``, or ``.csv`` for ``;`` + BOM French Excel) and the correspondence
        table (``.xlsx``); both formula-safe."""
        from ..formats.tabular import write_delimited, write_frames_xlsx

        path_out, mapping_path = Path(path_out), Path(mapping_path)
        if path_out.suffix.lower() == ".csv":
            (df,) = self.sheets.values()
            write_delimited([list(map(str, df.columns)), *df.astype(object).where(df.notna(), "").values.tolist()],
                            path_out)
        else:
            write_frames_xlsx(self.sheets, path_out)
        write_frames_xlsx({"Correspondances": self.anonymizer.mapping_frame()}, mapping_path)
        return path_out, mapping_path


def _learn(known: KnownEntities, kind: str, value) -> None:
    """Remember a value of an identifier column, to find it in the free text too; a person's
    first and last names are remembered apart as well (« Bonjour Marie »)."""
    text = cell_text(value)
    known.add(kind, text)
    parts = text.split()
    if kind in ("PERSONNE", "COLLABORATEUR") and len(parts) >= 2:
        known.add("PRENOM", parts[0])
        known.add("NOM", " ".join(parts[1:]))


def anonymize_sheets(sheets: dict[str, pd.DataFrame], choices: dict[tuple[str, str], str | None] | None = None,
                     *, known: KnownEntities | None = None, use_nlp: bool = True,
                     shift_days: int | None = None) -> AnonymizedWorkbook:
    """Pseudonymise the columns ``choices`` names ({(sheet, column): kind or None}); columns left
    out keep their values. Without ``choices``, :func:`detect_columns` decides.

    ``use_nlp`` runs Presidio on the free-text columns only (identifier columns are replaced whole).
    """
    if choices is None:
        choices = {(g.sheet, g.column): g.kind for g in detect_columns(sheets)}
    unknown = sorted({k for k in choices.values() if k is not None} - set(COLUMN_KINDS))
    if unknown:
        raise InvalidParameterError(f"Type de colonne inconnu : {', '.join(unknown)}.", valid=", ".join(COLUMN_KINDS))
    known = known if known is not None else KnownEntities()
    for name, df in sheets.items():
        for column in df.columns:
            kind = choices.get((name, str(column)))
            if kind not in (None, "TEXTE"):
                for value in df[column]:
                    if _filled(value):
                        _learn(known, kind, value)
    anonymizer = Anonymizer(known, use_nlp)
    out = {}
    for name, df in sheets.items():
        kinds = {column: choices.get((name, str(column))) for column in df.columns}
        out[name] = anonymizer.anonymize_table(df, shift_days, kinds=kinds)
    return AnonymizedWorkbook(out, anonymizer)
