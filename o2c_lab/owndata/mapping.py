"""Column mappings (which column holds which field, and the file's conventions) and the saved
profiles that reuse them next time.

A mapping never decides an ambiguous convention: when every date of the file reads two ways
(``03/04/2026``) or every amount does (``1.481``), the convention is « à choisir »
(:attr:`ColumnMapping.pending`) and reading refuses until :meth:`ColumnMapping.choose` is called.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import unicodedata
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from ..conventions import DATE_ORDERS, DECIMALS, read_amounts, read_dates
from ..errors import AmbiguousFormatError, InvalidParameterError, OutputFolderError
from .layouts import DEBIT_CREDIT, FIELDS, LAYOUTS, SIGNED, SIGNS, Layout, _match, normalise_header

__all__ = ["PROFILE_DIR_ENV", "TO_CHOOSE", "ColumnMapping", "guess_mapping", "pending_conventions", "default_profile_folder", "save_profile",
           "load_profile", "list_profiles"]

#: Environment variable that moves the saved profiles elsewhere (a shared folder, a test).
PROFILE_DIR_ENV = "O2C_LAB_PROFILE_DIR"
#: What a convention the file does not settle says until the user chooses.
TO_CHOOSE = "à choisir"

_DATE_FIELDS = ("document_date", "due_date")
_AMOUNT_FIELDS = ("amount", "debit", "credit")


@dataclass
class ColumnMapping:
    """Field -> header of the file, with the file's conventions.

    ``date_order`` (``"JMA"``, ``"MJA"``) and ``decimal`` (``","``, ``"."``) are None when they
    are read from the file; ``pending`` names the conventions « à choisir » (ambiguous in the
    whole file) with a French explanation; ``confidence`` is 0–1 per field.
    """

    columns: dict[str, str]
    sign: str = SIGNED
    date_order: str | None = None
    decimal: str | None = None
    layout: str = ""
    header_rows: int = 1
    confidence: dict[str, float] = field(default_factory=dict)
    pending: dict[str, str] = field(default_factory=dict)

    def __post_init__(self):
        unknown = [f for f in self.columns if f not in FIELDS]
        if unknown:
            raise InvalidParameterError(f"Champ(s) inconnu(s) dans la correspondance : {', '.join(unknown)}.",
                                        valid=", ".join(FIELDS))
        if self.sign not in SIGNS:
            raise InvalidParameterError(f"Convention de signe inconnue : « {self.sign} ».",
                                        valid=" ; ".join(f"« {k} » ({v})" for k, v in SIGNS.items()))
        if self.decimal not in (None, *DECIMALS):
            raise InvalidParameterError(f"Séparateur décimal inconnu : « {self.decimal} ».", valid='"," ou "."')
        if self.date_order is not None and str(self.date_order).upper() not in DATE_ORDERS:
            raise InvalidParameterError(f"Ordre des dates inconnu : « {self.date_order} ».", valid='"JMA" ou "MJA"')

    def missing(self) -> list[str]:
        """French labels of the required fields without a column."""
        out = [FIELDS[f][0] for f in ("customer_id", "document_id", "due_date") if f not in self.columns]
        if self.sign != DEBIT_CREDIT and "amount" not in self.columns:
            out.append(FIELDS["amount"][0])
        if self.sign == DEBIT_CREDIT and not {"debit", "credit"} <= set(self.columns):
            out.append("débit et crédit")
        return out

    def choose(self, *, date_order: str | None = None, decimal: str | None = None) -> ColumnMapping:
        """A copy with the conventions the user chose (clears what was « à choisir »)."""
        pending = dict(self.pending)
        if date_order is not None:
            pending.pop("date_order", None)
        if decimal is not None:
            pending.pop("decimal", None)
        return replace(self, date_order=date_order or self.date_order, decimal=decimal or self.decimal,
                       pending=pending)

    def matches(self, header) -> bool:
        """Whether every mapped column is present in ``header`` (a file this profile fits)."""
        names = {normalise_header(h) for h in header if str(h).strip()}
        return bool(self.columns) and all(normalise_header(h) in names for h in self.columns.values())

    def to_frame(self):
        """One row per field: French label, column of the file, confidence, required."""
        import pandas as pd

        rows = [{"Champ": label, "Colonne du fichier": self.columns.get(f, ""),
                 "Confiance": self.confidence.get(f, 1.0 if f in self.columns else 0.0),
                 "Obligatoire": "oui" if required else "non"} for f, (label, required) in FIELDS.items()]
        rows += [{"Champ": "ordre des dates", "Colonne du fichier": self.pending.get("date_order", self.date_order or
                  "déduit du fichier"), "Confiance": 0.0 if "date_order" in self.pending else 1.0, "Obligatoire": "oui"},
                 {"Champ": "séparateur décimal", "Colonne du fichier": self.pending.get("decimal", self.decimal or
                  "déduit du fichier"), "Confiance": 0.0 if "decimal" in self.pending else 1.0, "Obligatoire": "oui"}]
        return pd.DataFrame(rows)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ColumnMapping:
        known = {k: data[k] for k in ("columns", "sign", "date_order", "decimal", "layout", "header_rows",
                                      "confidence", "pending") if k in data}
        return cls(**known)


def _pool(sample_rows, columns: dict[str, int], fields) -> list:
    return [row[columns[f]] for f in fields if f in columns for row in sample_rows if columns[f] < len(row)]


def _conventions(sample_rows, columns) -> tuple[dict, dict]:
    """(pending conventions with their explanation, share of readable cells per field)."""
    pending, readable = {}, {}
    for convention, reader, fields in (("date_order", read_dates, _DATE_FIELDS),
                                       ("decimal", read_amounts, _AMOUNT_FIELDS)):
        cells = _pool(sample_rows, columns, fields)
        try:
            reader(cells)
        except AmbiguousFormatError as exc:
            pending[convention] = f"{TO_CHOOSE} : {exc.what}"
    for f, j in columns.items():
        values = [row[j] for row in sample_rows if j < len(row) and str(row[j]).strip()]
        if not values or f not in _DATE_FIELDS + _AMOUNT_FIELDS:
            continue
        try:
            got = read_dates(values) if f in _DATE_FIELDS else read_amounts(values)
            readable[f] = 1 - len(got.errors) / len(values)
        except AmbiguousFormatError:
            readable[f] = 1.0  # readable both ways: the convention is pending, not the column
    return pending, readable


def pending_conventions(sample_rows, columns: dict[str, int]) -> dict[str, str]:
    """The conventions (``date_order``, ``decimal``) that the cells of ``columns`` (field → column
    index) read two ways, with their French explanation: they are « à choisir »."""
    return _conventions(sample_rows, columns)[0]


def guess_mapping(header, sample_rows=(), *, layout: Layout | str | None = None) -> ColumnMapping:
    """The best mapping for a file whose header is ``header`` (list of cells) and whose first
    data rows are ``sample_rows``: columns by the best layout's synonyms (or ``layout``'s), sign
    convention (debit + credit columns when there is no signed amount), and the conventions the
    sample settles; the others are « à choisir » (never guessed).

    The confidence of a field is 1 for an exact header, 0.7 for a header ending with a known
    one (two-row headers « Montant Débit »), times the share of the sample's cells it reads.
    """
    header = [str(h).strip() if h is not None else "" for h in header]
    sample_rows = [list(r) for r in sample_rows]
    candidates = LAYOUTS if layout is None else [
        layout if isinstance(layout, Layout) else {lay.key: lay for lay in LAYOUTS}[layout]]
    best = max(candidates, key=lambda lay: (_match(header, lay)[1], len(_match(header, lay)[0]),
                                            lay.key == "generique_fr"))
    columns, _ = _match(header, best)
    sign = SIGNED if "amount" in columns else DEBIT_CREDIT if {"debit", "credit"} <= set(columns) else SIGNED
    if sign == SIGNED:
        columns.pop("debit", None), columns.pop("credit", None)
    else:
        columns.pop("amount", None)
    pending, readable = _conventions(sample_rows, columns)
    syn = best.synonyms()
    confidence = {}
    for f, j in columns.items():
        exact = normalise_header(header[j]) in syn.get(f, ())
        confidence[f] = round((1.0 if exact else 0.7) * readable.get(f, 1.0), 2)
    # conventions the sample settles stay None (read from the whole file); only the pending are named
    return ColumnMapping({f: header[j] for f, j in columns.items()}, sign, None, None, best.key, 1, confidence,
                         pending)


# ----------------------------------------------------------------------------------- profiles

def default_profile_folder() -> Path:
    """Folder of the saved profiles: ``$O2C_LAB_PROFILE_DIR`` if set, else the user-data folder."""
    env = os.environ.get(PROFILE_DIR_ENV)
    if env:
        return Path(env)
    from platformdirs import user_data_path

    return user_data_path("o2c_lab", appauthor=False) / "profils"


def _slug(name: str) -> str:
    text = unicodedata.normalize("NFKD", str(name).strip()).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()
    if not slug:
        raise InvalidParameterError(f"Nom de profil invalide : « {name} ».",
                                    valid="un nom avec des lettres ou des chiffres, par exemple « Sage compta »")
    return slug


def save_profile(name: str, mapping: ColumnMapping, folder=None) -> Path:
    """Save ``mapping`` as the profile ``name`` (JSON, UTF-8, written atomically); returns its path."""
    folder = Path(folder) if folder is not None else default_profile_folder()
    path = folder / f"{_slug(name)}.json"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        data = {"name": str(name).strip(), "version": 1, **mapping.to_dict()}
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=folder, suffix=".tmp", delete=False) as handle:
            json.dump(data, handle, ensure_ascii=False, indent=1)
        os.replace(handle.name, path)
    except OSError as exc:
        raise OutputFolderError(f"Impossible d'enregistrer le profil dans « {folder} » ({exc.strerror}).",
                                todo="choisissez un dossier où vous pouvez écrire") from None
    return path


def load_profile(name: str, folder=None) -> ColumnMapping:
    """The profile ``name`` saved by :func:`save_profile`."""
    folder = Path(folder) if folder is not None else default_profile_folder()
    path = folder / f"{_slug(name)}.json"
    if not path.is_file():
        known = ", ".join(list_profiles(folder)) or "aucun profil enregistré"
        raise InvalidParameterError(f"Profil « {name} » introuvable.", valid=known,
                                    todo="enregistrez d'abord la correspondance avec save_profile")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return ColumnMapping.from_dict(data)
    except (ValueError, TypeError, KeyError):
        raise InvalidParameterError(f"Profil « {name} » illisible ({path.name}).",
                                    todo="enregistrez-le de nouveau") from None


def list_profiles(folder=None) -> list[str]:
    """Names of the saved profiles, sorted."""
    folder = Path(folder) if folder is not None else default_profile_folder()
    names = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else ():
        try:
            names.append(str(json.loads(path.read_text(encoding="utf-8"))["name"]))
        except (ValueError, KeyError, TypeError, OSError):
            continue
    return sorted(names)
