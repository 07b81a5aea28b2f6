"""Pseudonymisation before anything reaches an AI, and re-identification of its answers.

Two engines share one mapping:

* the fast path (default): known entities from the company tables (customer names, contact first
  and last names, e-mails, phones, addresses, SIREN, SIRET, VAT numbers, IBANs) plus validated
  patterns (python-stdnum checksums for SIREN/SIRET/VAT/IBAN, e-mail and phone shapes);
* the full engine (``use_nlp=True``): the same plus Presidio with the French spaCy model for
  person names nobody listed (staff, a new contact). Built once per process, lazily (~5 s).

Pseudonyms are consistent (``<CLIENT_7>`` is always the same customer for one mapping); amounts
and dates are kept, or dates shifted on request. The mapping never leaves the machine.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..errors import DataFileError, InvalidParameterError

__all__ = ["KINDS", "Span", "AnonymizedText", "Mangled", "Reidentified", "KnownEntities", "Anonymizer",
           "ExcelAnonymization", "anonymize_excel", "nlp_engine"]

#: Pseudonym kinds and what they stand for (French, shown in the mapping file).
KINDS = {
    "CLIENT": "raison sociale d'un client", "PRENOM": "prénom", "NOM": "nom de famille",
    "PERSONNE": "nom de personne détecté par le modèle de langue", "COLLABORATEUR": "collaborateur",
    "EMAIL": "adresse e-mail", "TEL": "numéro de téléphone", "ADRESSE": "adresse postale",
    "SIREN": "numéro SIREN", "SIRET": "numéro SIRET", "TVA": "numéro de TVA intracommunautaire",
    "IBAN": "IBAN",
}
ENGINE_FAST = "entités connues + motifs validés"
ENGINE_FULL = "entités connues + motifs validés + Presidio/spaCy (fr_core_news_sm)"

KEEP = "_GARDER"  # known text that must stay as it is (own company name, product labels)
_SEP = "[ \u00a0\u202f.]?"
_PATTERNS = [  # (kind, regex, validator name); validators drop look-alikes (e.g. a Luhn miss)
    ("EMAIL", r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", None),
    ("IBAN", r"\b[A-Z]{2}\d{2}(?:[ \u00a0]?[A-Z0-9]{4}){2,7}(?:[ \u00a0]?[A-Z0-9]{1,4})?\b", "iban"),
    ("TVA", r"\b(?:FR[ \u00a0]?[0-9A-HJ-NP-Z]{2}[ \u00a0]?\d{3}[ \u00a0]?\d{3}[ \u00a0]?\d{3}"
            r"|BE[ \u00a0]?0?\d{3}[. \u00a0]?\d{3}[. \u00a0]?\d{3}|DE[ \u00a0]?\d{9}|LU[ \u00a0]?\d{8}"
            r"|IT[ \u00a0]?\d{11}|ES[ \u00a0]?[0-9A-Z]\d{7}[0-9A-Z]|NL[ \u00a0]?\d{9}B\d{2})\b", "vat"),
    ("SIRET", rf"(?<![\d-])\d{{3}}{_SEP}\d{{3}}{_SEP}\d{{3}}{_SEP}\d{{5}}(?![\d-])", "siret"),
    ("SIREN", rf"(?<![\d-])\d{{3}}{_SEP}\d{{3}}{_SEP}\d{{3}}(?![\d-]|{_SEP}\d)", "siren"),
    ("TEL", r"(?<![\w+])(?:(?:\+|00)\d{2,3}[ .\u00a0-]?(?:\(0\)[ .\u00a0-]?)?\d{1,4}"
            r"(?:[ .\u00a0-]?\d{2,4}){2,4}|0[1-9](?:[ .\u00a0-]?\d{2}){4})(?![\w]|[ .\u00a0-]\d)", "phone"),
]
_SIREN_CONTEXT = re.compile(r"(?i)(siren|rcs|immatricul|siret|n°\s*d'identification)")
_GREETINGS = {"bonjour", "bonsoir", "madame", "monsieur", "mme", "m", "mlle", "cher", "chère", "salut",
              "cordialement", "merci", "objet", "de", "à", "cc", "re", "tr", "le", "la", "les"}
_ALLOW = {"siren", "siret", "tva", "iban", "bic", "rib", "lcr", "bl", "rcs", "bodacc", "chorus", "pro",
          "ttc", "ht", "sepa", "daf", "adv", "erp"}


def _validate(kind_check: str | None, text: str) -> bool:
    from stdnum import iban as std_iban
    from stdnum.eu import vat as std_vat
    from stdnum.fr import siren as std_siren
    from stdnum.fr import siret as std_siret

    checks = {"iban": std_iban.is_valid, "vat": std_vat.is_valid, "siret": std_siret.is_valid,
              "siren": std_siren.is_valid, "phone": lambda t: 10 <= len(_digits(t)) <= 13}
    return True if kind_check is None else checks[kind_check](text)


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _key(kind: str, text: str) -> str:
    """Normalised identity of a value, so formatting variants share one pseudonym."""
    if kind in ("IBAN", "TVA", "SIREN", "SIRET"):
        return re.sub(r"[^0-9A-Z]", "", text.upper())
    if kind == "TEL":
        digits = _digits(text)
        return "0" + digits[2:] if digits.startswith("33") and len(digits) == 11 else digits
    return re.sub(r"\s+", " ", text.strip()).casefold()


@dataclass(frozen=True)
class Span:
    """One replaced piece of text."""

    start: int
    end: int
    kind: str
    original: str
    pseudonym: str
    source: str


@dataclass(frozen=True)
class AnonymizedText:
    """Anonymised text, the spans replaced, and the engine that ran."""

    text: str
    spans: tuple[Span, ...]
    engine: str


@dataclass(frozen=True)
class Mangled:
    """A pseudonym the model altered (``repaired`` when it could still be resolved) or invented."""

    found: str
    pseudonym: str | None
    repaired: bool


@dataclass(frozen=True)
class Reidentified:
    text: str
    mangled: tuple[Mangled, ...]


@dataclass
class KnownEntities:
    """Values to hide wherever they appear, from the company tables: {kind: set of surfaces}."""

    values: dict[str, set] = field(default_factory=dict)

    def add(self, kind: str, value) -> None:
        if value is None or (isinstance(value, float) and pd.isna(value)):
            return
        text = re.sub(r"\s+", " ", str(value)).strip()
        if len(text) >= 2:
            self.values.setdefault(kind, set()).add(text)

    @classmethod
    def from_tables(cls, customers: pd.DataFrame | None = None, contacts: pd.DataFrame | None = None
                    ) -> KnownEntities:
        known = cls()
        if customers is not None:
            for col, kind in (("name", "CLIENT"), ("siren", "SIREN"), ("siret", "SIRET"),
                              ("vat_number", "TVA"), ("iban", "IBAN"), ("address", "ADRESSE"),
                              ("sales_rep", "COLLABORATEUR")):
                for value in customers.get(col, ()):
                    known.add(kind, value)
        if contacts is not None:
            for col, kind in (("first_name", "PRENOM"), ("last_name", "NOM"), ("email", "EMAIL"),
                              ("phone", "TEL")):
                for value in contacts.get(col, ()):
                    known.add(kind, value)
        return known

    @classmethod
    def from_company(cls, company) -> KnownEntities:
        """Customers and contacts, the staff as COLLABORATEUR, and words to keep as they are
        (the company's own name and product labels, which contain surnames like « Barre »)."""
        known = cls.from_tables(company.tables.get("customers"), company.tables.get("contacts"))
        for person in (getattr(company, "scenario", {}) or {}).get("staff", {}).values():
            known.add("COLLABORATEUR", person.get("name"))
        if "company" in company.tables:
            for value in company.tables["company"]["name"]:
                known.add(KEEP, value)
        if "products" in company.tables:
            for value in company.tables["products"]["label"]:
                known.add(KEEP, value)
        return known

    def index(self) -> tuple[dict[str, str], int]:
        """(value with single spaces -> kind, longest value in words), for the token scan."""
        table = {}
        for kind, values in self.values.items():
            for value in values:
                table.setdefault(" ".join(value.split()), kind)
        return table, max((len(v.split()) for v in table), default=0)

    def find(self, text: str, index=None):
        """Yield (start, end, kind) of known values, longest match first, left to right.

        A token scan with dictionary look-ups: a regex alternation of thousands of names is
        about a thousand times slower on a 2-core machine.
        """
        table, longest = index or self.index()
        tokens = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
        i = 0
        while i < len(tokens):
            hit = None
            for n in range(min(longest, len(tokens) - i), 0, -1):
                start, end = tokens[i][0], tokens[i + n - 1][1]
                chunk = " ".join(text[a:b] for a, b in tokens[i:i + n])
                hit = _lookup(chunk, table)
                if hit:
                    lead, trail, kind = hit
                    yield start + lead, end - trail, kind
                    i += n
                    break
            if not hit:
                i += 1


_EDGES = re.compile(r"^((?:[dlDL][’']|[<«(\[\"'])*)(.*?)([>»)\]\"'.,;:!?…]*)$", re.S)


def _lookup(chunk: str, table: dict):
    """(chars cut at the start, chars cut at the end, kind) if ``chunk`` is a known value."""
    if chunk in table:
        return 0, 0, table[chunk]
    m = _EDGES.match(chunk)
    lead, core, trail = m.group(1), m.group(2), m.group(3)
    if not core:
        return None
    candidates = [(core, len(trail))]
    if trail.startswith("."):
        candidates.append((core + ".", len(trail) - 1))  # « S.A.S. » keeps its final dot
    for value, cut in candidates:
        if value in table:
            return len(lead), cut, table[value]
    return None


_NLP_LOCK = threading.Lock()
_NLP = {}


def nlp_engine():
    """Presidio analyser with the French spaCy model, built once per process (None if absent)."""
    with _NLP_LOCK:
        if "engine" in _NLP:
            return _NLP["engine"]
        # tldextract (imported by presidio) must not fetch the Public Suffix List.
        os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
        import spacy.util

        if not spacy.util.is_package("fr_core_news_sm"):
            _NLP["engine"] = None  # presidio would try to download it: never do that
            return None
        from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
        from presidio_analyzer.nlp_engine import NlpEngineProvider
        from presidio_analyzer.predefined_recognizers import SpacyRecognizer

        nlp = NlpEngineProvider(nlp_configuration={
            "nlp_engine_name": "spacy",
            "models": [{"lang_code": "fr", "model_name": "fr_core_news_sm"}],
            "ner_model_configuration": {
                "model_to_presidio_entity_mapping": {"PER": "PERSON"},
                "labels_to_ignore": ["MISC", "LOC", "ORG"],
            },
        }).create_engine()
        registry = RecognizerRegistry(supported_languages=["fr"])
        registry.add_recognizer(SpacyRecognizer(supported_language="fr", supported_entities=["PERSON"]))
        _NLP["engine"] = AnalyzerEngine(nlp_engine=nlp, registry=registry, supported_languages=["fr"])
        return _NLP["engine"]


_INTRO = {"bonjour", "bonsoir", "madame", "monsieur", "mme", "m", "mlle", "maître", "me", "merci",
          "cher", "chère", "salut"}


def _trim_person(text: str, start: int, end: int):
    """Clean a spaCy PERSON hit, or drop it (None).

    spaCy glues greetings to names (« Bonjour Mme Dubois ») and tags capitalised verbs at the start
    of a sentence (« Pourriez ») as people: keep a one-word name only after a greeting or a
    civility, and a longer one only when every word is capitalised.
    """
    words = list(re.finditer(r"[\w'’-]+", text[start:end]))
    while words and words[0].group().lower().rstrip(".") in _GREETINGS:
        words.pop(0)
    if not words:
        return None
    s, e = start + words[0].start(), start + words[-1].end()
    span = text[s:e]
    if any(ch.isdigit() for ch in span) or "<" in span or "@" in span:
        return None
    if not all(w.group()[:1].isupper() for w in words):
        return None
    if all(w.group().lower() in _ALLOW | _GREETINGS for w in words):
        return None
    if len(words) == 1:
        before = re.findall(r"[\w]+", text[max(0, s - 20):s])
        if not before or before[-1].lower() not in _INTRO:
            return None
    return s, e


class Anonymizer:
    """Pseudonymise texts and tables with one consistent mapping; re-identify answers.

    >>> anon = Anonymizer(KnownEntities({"CLIENT": {"Boulangerie Martin"}}))
    >>> anon.anonymize_text("Relance Boulangerie Martin, SIREN 732 829 320.").text
    'Relance <CLIENT_1>, SIREN <SIREN_1>.'
    """

    def __init__(self, known: KnownEntities | None = None, use_nlp: bool = False):
        self.known = known or KnownEntities()
        self.use_nlp = use_nlp
        self._index = self.known.index()
        self._by_key: dict[tuple[str, str], str] = {}
        self._original: dict[str, str] = {}
        self._counter: dict[str, int] = {}

    @classmethod
    def from_company(cls, company, use_nlp: bool = False) -> Anonymizer:
        return cls(KnownEntities.from_company(company), use_nlp)

    def fresh(self) -> Anonymizer:
        """Same known entities and engine, empty mapping (one per AI request)."""
        clone = Anonymizer.__new__(Anonymizer)
        clone.known, clone.use_nlp, clone._index = self.known, self.use_nlp, self._index
        clone._by_key, clone._original, clone._counter = {}, {}, {}
        return clone

    @property
    def engine(self) -> str:
        if self.use_nlp:
            return ENGINE_FULL if nlp_engine() is not None else ENGINE_FAST + " (modèle spaCy absent)"
        return ENGINE_FAST

    @property
    def mapping(self) -> dict[str, str]:
        """pseudonym -> original value (keep it on this machine)."""
        return dict(self._original)

    def pseudonym(self, kind: str, value: str) -> str:
        key = (kind, _key(kind, value))
        if key not in self._by_key:
            self._counter[kind] = self._counter.get(kind, 0) + 1
            pseudo = f"<{kind}_{self._counter[kind]}>"
            self._by_key[key] = pseudo
            self._original[pseudo] = value
        return self._by_key[key]

    # -- text -------------------------------------------------------------------------------
    def _candidates(self, text: str) -> list[tuple[int, int, str, int, str]]:
        found = []  # (start, end, kind, priority, source)
        for start, end, kind in self.known.find(text, self._index):
            found.append((start, end, kind, 3, "entité connue"))
        for kind, pattern, check in _PATTERNS:
            for m in re.finditer(pattern, text):
                value = m.group()
                if not _validate(check, value):
                    continue
                if kind == "SIREN" and not _SIREN_CONTEXT.search(text[max(0, m.start() - 40):m.start()]):
                    continue  # ~1 random 9-digit number in 10 passes Luhn: require a context word
                found.append((m.start(), m.end(), kind, 2, "motif"))
        if self.use_nlp:
            engine = nlp_engine()
            if engine is not None:
                for r in engine.analyze(text=text, language="fr", score_threshold=0.5,
                                        allow_list=sorted(_ALLOW)):
                    trimmed = _trim_person(text, r.start, r.end)
                    if trimmed:
                        found.append((*trimmed, "PERSONNE", 1, "Presidio"))
        return found

    def anonymize_text(self, text: str) -> AnonymizedText:
        """Replace every identifier in ``text`` by its pseudonym."""
        if not isinstance(text, str):
            raise InvalidParameterError(f"Texte attendu, reçu {type(text).__name__}.")
        accepted: list[tuple[int, int, str, int, str]] = []
        for cand in sorted(self._candidates(text), key=lambda c: (-c[3], -(c[1] - c[0]), c[0])):
            if all(cand[1] <= a[0] or cand[0] >= a[1] for a in accepted):
                accepted.append(cand)
        accepted.sort()
        out, spans, pos = [], [], 0
        for start, end, kind, _, source in accepted:
            if kind == KEEP:
                continue
            original = text[start:end]
            pseudo = self.pseudonym(kind, original)
            out += [text[pos:start], pseudo]
            spans.append(Span(start, end, kind, original, pseudo, source))
            pos = end
        out.append(text[pos:])
        return AnonymizedText("".join(out), tuple(spans), self.engine)

    def reidentify(self, text: str) -> Reidentified:
        """Put the original values back; report pseudonyms the model altered or invented."""
        kinds = "|".join(sorted(KINDS, key=len, reverse=True))
        pattern = re.compile(rf"[<\[{{«]\s*(?i:({kinds}))[\s_-]*(\d+)\s*[>\]}}»]?"
                             rf"|\b(?i:({kinds}))_(\d+)\b|\b({kinds}) (\d+)\b")
        mangled = []

        def repl(m):
            kind = (m.group(1) or m.group(3) or m.group(5)).upper()
            number = m.group(2) or m.group(4) or m.group(6)
            pseudo = f"<{kind}_{int(number)}>"
            original = self._original.get(pseudo)
            if m.group() == pseudo and original is not None:
                return original
            mangled.append(Mangled(m.group(), pseudo if original is not None else None, original is not None))
            return original if original is not None else m.group()

        return Reidentified(pattern.sub(repl, text), tuple(mangled))

    # -- tables -----------------------------------------------------------------------------
    def anonymize_table(self, df: pd.DataFrame, shift_days: int | None = None) -> pd.DataFrame:
        """Column-aware copy of ``df``: identifier columns pseudonymised, free text scanned.

        Amounts are kept; dates are kept, or moved by ``shift_days`` days (the same for all).
        """
        out = df.copy()
        for col in out.columns:
            kind = _column_kind(str(col))
            series = out[col]
            if kind == "TEXTE":
                out[col] = series.map(lambda v: self.anonymize_text(v).text if isinstance(v, str) and v else v)
            elif kind is not None:
                out[col] = series.map(lambda v, k=kind: self.pseudonym(k, str(v)) if _filled(v) else v)
            elif shift_days and _is_date_column(series):
                out[col] = series.map(lambda v: _shift(v, shift_days))
        return out

    def mapping_frame(self) -> pd.DataFrame:
        """The correspondence table (pseudonym, kind, original) for the local mapping file."""
        rows = [{"Pseudonyme": p, "Type": KINDS.get(p[1:].rsplit("_", 1)[0], ""), "Valeur d'origine": v}
                for p, v in self._original.items()]
        return pd.DataFrame(rows, columns=["Pseudonyme", "Type", "Valeur d'origine"])


def _filled(value) -> bool:
    return value is not None and not (isinstance(value, float) and pd.isna(value)) and str(value).strip() != ""


# Column name (schema name or French header, lower case) -> kind; TEXTE = free text to scan.
_COLUMN_KINDS = {
    "CLIENT": ("name", "raison sociale", "counterparty_name", "nom du donneur d'ordre", "client",
               "nom du client"),
    "PRENOM": ("first_name", "prénom", "prenom"),
    "NOM": ("last_name", "nom", "nom de famille"),
    "EMAIL": ("email", "e-mail", "mail", "courriel", "adresse e-mail"),
    "TEL": ("phone", "téléphone", "telephone", "tél", "tel", "portable", "mobile"),
    "ADRESSE": ("address", "adresse", "rue"),
    "SIREN": ("siren",), "SIRET": ("siret",),
    "TVA": ("vat_number", "n° tva", "tva intracommunautaire", "numéro de tva"),
    "IBAN": ("iban", "counterparty_iban", "iban du donneur d'ordre"),
    "COLLABORATEUR": ("sales_rep", "commercial"),
    "TEXTE": ("body", "texte", "summary", "résumé", "text", "label", "libellé", "remittance_info",
              "référence de paiement", "sender", "de", "to", "à", "cc", "subject", "objet", "commentaire",
              "note", "notes", "reservation", "réserves", "title", "titre"),
}
_COLUMN_LOOKUP = {name: kind for kind, names in _COLUMN_KINDS.items() for name in names}


def _column_kind(column: str) -> str | None:
    return _COLUMN_LOOKUP.get(column.strip().lower())


def _is_date_column(series: pd.Series) -> bool:
    if pd.api.types.is_datetime64_any_dtype(series):
        return True
    sample = series.dropna().head(20)
    return len(sample) > 0 and all(isinstance(v, (dt.date, pd.Timestamp)) for v in sample)


def _shift(value, days: int):
    if isinstance(value, (dt.date, pd.Timestamp)) and not pd.isna(value):
        return value + dt.timedelta(days=days)
    return value


@dataclass(frozen=True)
class ExcelAnonymization:
    """What :func:`anonymize_excel` wrote, and how many values it replaced per kind."""

    path_out: Path
    mapping_path: Path
    sheets: tuple[str, ...]
    replaced: dict
    engine: str

    def __str__(self) -> str:
        total = sum(self.replaced.values())
        detail = ", ".join(f"{k} : {v}" for k, v in sorted(self.replaced.items()))
        return (f"Fichier anonymisé : {self.path_out.name} ({total} valeurs remplacées ; {detail}).\n"
                f"Table de correspondance gardée sur ce poste : {self.mapping_path.name} "
                "(ne la transmettez jamais à l'IA).")


def anonymize_excel(path_in, path_out, *, company=None, use_nlp: bool = False,
                    shift_days: int | None = None) -> ExcelAnonymization:
    """Anonymise every sheet of an Excel file; write the result and a separate local mapping file.

    Names found in name columns are also searched in the free-text columns of the same file.
    """
    path_in, path_out = Path(path_in), Path(path_out)
    if path_out.resolve() == path_in.resolve():
        raise InvalidParameterError("Le fichier anonymisé écraserait l'original.",
                                    todo="choisissez un autre nom de fichier de sortie")
    try:
        sheets = pd.read_excel(path_in, sheet_name=None)
    except FileNotFoundError:
        raise DataFileError("fichier introuvable.", path=path_in,
                            todo="vérifiez le chemin et le nom du fichier") from None
    except (ValueError, OSError) as exc:
        raise DataFileError(f"ce n'est pas un classeur Excel lisible ({type(exc).__name__}).", path=path_in,
                            todo="enregistrez-le au format .xlsx depuis Excel") from None
    known = KnownEntities.from_company(company) if company is not None else KnownEntities()
    for df in sheets.values():  # learn the names written in this very file
        for col in df.columns:
            kind = _column_kind(str(col))
            if kind not in (None, "TEXTE"):
                for value in df[col].dropna():
                    known.add(kind, value)
    anon = Anonymizer(known, use_nlp)
    result = {name: anon.anonymize_table(df, shift_days) for name, df in sheets.items()}
    from ..formats.tabular import write_frames_xlsx

    write_frames_xlsx(result, path_out)  # formula-safe: a name like « =cmd|… » stays text
    mapping_path = path_out.with_name(path_out.stem + "_correspondances.xlsx")
    write_frames_xlsx({"Correspondances": anon.mapping_frame()}, mapping_path)
    replaced = {}
    for pseudo in anon.mapping:
        kind = pseudo[1:].rsplit("_", 1)[0]
        replaced[kind] = replaced.get(kind, 0) + 1
    return ExcelAnonymization(path_out, mapping_path, tuple(result), replaced, anon.engine)
