"""Pseudonymisation before anything reaches an AI, and re-identification of its answers.

Everything that leaves the machine (assistant, recordings, copy-paste prompts) goes through the
full engine, the default:

* known entities from the company (customers, contacts, the company's own staff and sales reps,
  third parties named in its texts such as court officers, addresses, postcode + city pairs,
  SIREN/SIRET/VAT, IBAN/BIC, e-mails, phones), also found in upper case;
* patterns that ignore case and spacing, validated by checksums (python-stdnum): IBAN (« fr76 3000
  … »), SIREN/SIRET with spaces, VAT, phones, e-mails, BIC after its label, street addresses,
  postcode + city;
* name rules: titles (M., Mme, Maître, Me…), greetings (« Bonjour Pierre »), signatures after a
  closing formula, upper-case names, and names built on a French first name (Faker's lists);
* Presidio with the French spaCy model for the names nothing else gave away. When that model is
  absent, a stricter rule takes its place (every run of capitalised words is hidden) and
  :attr:`Anonymizer.warning` says so in French.

The fast path (``use_nlp=False``) skips the language model; it is meant for tables.
Pseudonyms are consistent within a mapping (one conversation): the same text always gets the same
pseudonym, and re-identification gives back the exact original text, spacing included (« 443 061
841 » and « 443061841 » are therefore two pseudonyms). Amounts and dates are kept, or dates
shifted on request. The mapping never leaves the machine.
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
from ..formats.tabular import cell_text

__all__ = ["KINDS", "Span", "AnonymizedText", "Mangled", "Reidentified", "KnownEntities", "Anonymizer",
           "ExcelAnonymization", "anonymize_excel", "cell_text", "nlp_engine"]

#: Pseudonym kinds and what they stand for (French, shown in the mapping file).
KINDS = {
    "CLIENT": "raison sociale d'un client", "PRENOM": "prénom", "NOM": "nom de famille",
    "PERSONNE": "nom de personne détecté par le modèle de langue", "COLLABORATEUR": "collaborateur",
    "EMAIL": "adresse e-mail", "TEL": "numéro de téléphone", "ADRESSE": "adresse postale",
    "SIREN": "numéro SIREN", "SIRET": "numéro SIRET", "TVA": "numéro de TVA intracommunautaire",
    "IBAN": "IBAN", "BIC": "code BIC", "COMMUNE": "code postal et ville",
    "TIERS": "tiers nommé dans les textes (mandataire, administrateur, avocat)",
}
ENGINE_FAST = "entités connues + motifs validés"
ENGINE_FULL = "entités connues + motifs validés + Presidio/spaCy (fr_core_news_sm)"
ENGINE_STRICT = "entités connues + motifs validés + règle stricte sur les noms (modèle spaCy absent)"
#: French warning shown when the language model is missing.
NO_MODEL_WARNING = (
    "Reconnaissance des noms de personnes indisponible (Presidio ou le modèle spaCy fr_core_news_sm "
    "n'est pas installé) : l'anonymisation masque par précaution toute suite de mots à majuscule "
    "initiale. Que faire : réinstallez l'environnement du cours (make lab, ou pip install -e .).")

KEEP = "_GARDER"  # known text that must stay as it is (own company name, product labels)
_SEP = "[ \u00a0\u202f.]?"
_STREET = (r"rue|avenue|av\.|bd|boulevard|place|pl\.|chemin|allée|allee|impasse|route|rte|quai|cours|square"
           r"|rond-point|voie|passage|faubourg|lieu-dit|résidence|hameau|parvis|esplanade|promenade|sentier"
           r"|montée|villa|cité|domaine|zone|za|zi|zac|parc")
_CITY_WORD = r"[A-ZÀ-ÖØ-Þ][\w’'-]*"
_PATTERNS = [  # (kind, regex, validator name); validators drop look-alikes (e.g. a Luhn miss)
    ("EMAIL", r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", None),
    ("BIC", r"(?i:\b(?:bic|swift)\b[ \u00a0]*(?:code[ \u00a0]*)?:?[ \u00a0]*)(?P<value>(?i:[a-z]{6}[a-z0-9]{2}(?:[a-z0-9]{3})?))\b",
     "bic"),
    ("ADRESSE", rf"(?i)\b\d{{1,4}}(?:[ \u00a0]?(?:bis|ter|quater|[a-d]))?,?[ \u00a0]+(?:{_STREET})\b"
                r"(?:[ \u00a0]+[\w’'-]+){1,6}?(?=[ \u00a0]*(?:[,;.\n()]|\d{5}\b|$)|[ \u00a0]+(?:à|au|et|pour|avant|"
                r"depuis|est|sont|a|ont|ou|mais|dès|en|chez|puis|le|la|les)\b)", None),
    ("COMMUNE", rf"\b\d{{5}}[ \u00a0]+{_CITY_WORD}(?:[ \u00a0-](?:(?:sur|sous|en|lès|les|de|du|des|la|le|d[’'])"
                rf"[ \u00a0-])?{_CITY_WORD}){{0,3}}(?:[ \u00a0]+CEDEX(?:[ \u00a0]+\d{{1,2}})?)?", "city"),
    ("TVA", r"(?i)\b(?:FR[ \u00a0]?[0-9A-HJ-NP-Z]{2}[ \u00a0]?\d{3}[ \u00a0]?\d{3}[ \u00a0]?\d{3}"
            r"|BE[ \u00a0]?0?\d{3}[. \u00a0]?\d{3}[. \u00a0]?\d{3}|DE[ \u00a0]?\d{9}|LU[ \u00a0]?\d{8}"
            r"|IT[ \u00a0]?\d{11}|ES[ \u00a0]?[0-9A-Z]\d{7}[0-9A-Z]|NL[ \u00a0]?\d{9}B\d{2})\b", "vat"),
    ("SIRET", rf"(?<![\d-])\d{{3}}{_SEP}\d{{3}}{_SEP}\d{{3}}{_SEP}\d{{5}}(?![\d-])", "siret"),
    ("SIREN", rf"(?<![\d-])\d{{3}}{_SEP}\d{{3}}{_SEP}\d{{3}}(?![\d-]|{_SEP}\d)", "siren"),
    ("TEL", r"(?<![\w+])(?:(?:\+|00)\d{2,3}[ .\u00a0-]?(?:\(0\)[ .\u00a0-]?)?\d{1,4}"
            r"(?:[ .\u00a0-]?\d{2,4}){2,4}|0[1-9](?:[ .\u00a0-]?\d{2}){4})(?![\w]|[ .\u00a0-]\d)", "phone"),
]
_STRUCTURED = {"EMAIL", "IBAN", "BIC", "TVA", "SIRET", "SIREN", "TEL"}
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

    checks = {"iban": std_iban.is_valid, "vat": lambda t: std_vat.is_valid(t.upper()), "siret": std_siret.is_valid,
              "siren": std_siren.is_valid, "phone": lambda t: 10 <= len(_digits(t)) <= 13,
              "bic": lambda t: t.upper()[4:6] in _COUNTRIES,
              "city": lambda t: t.split()[1].casefold() not in {"euros", "euro", "eur", "ht", "ttc", "pièces"}}
    return True if kind_check is None else checks[kind_check](text)


_COUNTRIES = {"FR", "BE", "LU", "CH", "DE", "IT", "ES", "PT", "NL", "GB", "IE", "AT", "MC", "PL", "US", "MA", "TN",
              "SN", "CI", "CA", "DK", "SE", "FI", "NO", "CZ", "GR", "RO", "HU"}


def _ibans(text: str):
    """(start, end) of valid IBANs, whatever the case and the grouping (« fr76 3000 6000 … »,
    « FR76 30006 00001 … »): walk the characters, try every length from the longest."""
    from stdnum import iban as std_iban

    for m in re.finditer(r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}", text):
        pos, count, ends = m.end(), 4, []
        while pos < len(text) and count < 34:
            ch = text[pos]
            if ch.isascii() and ch.isalnum():
                count, pos = count + 1, pos + 1
                if count >= 14:
                    ends.append(pos)
            elif ch in " \u00a0-" and pos + 1 < len(text) and text[pos + 1].isascii() and text[pos + 1].isalnum():
                pos += 1
            else:
                break
        for end in reversed(ends):
            if end < len(text) and text[end].isascii() and text[end].isalnum():
                continue  # would cut a word in two
            if std_iban.is_valid(re.sub(r"[^0-9A-Za-z]", "", text[m.start():end]).upper()):
                yield m.start(), end
                break


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _compact(text: str) -> str:
    """Identity of a number whatever its spacing (SIREN, IBAN, phone…), for the known-value check."""
    return re.sub(r"[^0-9A-Z]", "", str(text).upper())


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
        """Customers and contacts, the staff and sales reps (full names, first and last names),
        third parties named in the texts (« Maître … »), postcode + city pairs, the company's own
        identifiers, and words to keep as they are (the company's own name and product labels,
        which contain surnames like « Barre »)."""
        tables = company.tables
        known = cls.from_tables(tables.get("customers"), tables.get("contacts"))
        staff = [p.get("name") for p in (getattr(company, "scenario", {}) or {}).get("staff", {}).values()]
        if "customers" in tables:
            staff += list(tables["customers"]["sales_rep"].dropna())
            for code, city in zip(tables["customers"].get("postal_code", ()), tables["customers"].get("city", ())):
                known.add("COMMUNE", f"{code} {city}")
        for name in staff:
            known.add("COLLABORATEUR", name)
            parts = str(name or "").split()
            if len(parts) >= 2:  # « Bonjour Laurence » names a colleague too
                known.add("PRENOM", parts[0])
                known.add("NOM", " ".join(parts[1:]))
        texts = []
        for table, columns in (("external_signals", ("text",)), ("emails", ("body",)), ("disputes", ("summary",))):
            if table in tables:
                texts += [t for col in columns for t in tables[table].get(col, ()) if isinstance(t, str)]
        for text in texts:
            for m in re.finditer(rf"\b(?:Maître|Me)[ \u00a0]+(?P<name>{_NAME})", text):
                known.add("TIERS", m.group("name"))
        if "company" in tables:
            own = tables["company"]
            for col, kind in (("siren", "SIREN"), ("vat_number", "TVA"), ("iban", "IBAN"), ("bic", "BIC"),
                              ("address", "ADRESSE")):
                for value in own.get(col, ()):
                    known.add(kind, value)
            for value in own["name"]:
                known.add(KEEP, value)
        if "products" in company.tables:
            for value in company.tables["products"]["label"]:
                known.add(KEEP, value)
        return known

    def index(self) -> tuple[dict[str, str], int]:
        """(value with single spaces -> kind, longest value in words), for the token scan.

        Upper-case keys (``casefold`` marked with a leading NUL) let « PIERRE MARCHAND » match a
        known « Pierre Marchand » without « un petit retard » matching « Petit »."""
        table = {}
        for kind, values in self.values.items():
            for value in values:
                spaced = " ".join(value.split())
                table.setdefault(spaced, kind)
                table.setdefault("\0" + spaced.casefold(), kind)
        return table, max((len(v.split()) for v in table), default=0)

    def compact_numbers(self) -> frozenset:
        """Known SIREN, SIRET, VAT numbers, IBANs, BICs and phones without their spacing."""
        return frozenset(_compact(v) for kind in ("SIREN", "SIRET", "TVA", "IBAN", "BIC", "TEL")
                         for v in self.values.get(kind, ()))

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
        if value.isupper() and "\0" + value.casefold() in table:
            return len(lead), cut, table["\0" + value.casefold()]
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
        # Only the entity recogniser is used: the tagger, parser and lemmatiser would triple the time.
        pipeline = nlp.nlp["fr"]
        pipeline.select_pipes(enable=[name for name in pipeline.pipe_names if name == "ner"])
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


_NAME_WORD = r"[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]+(?:[-’'][A-ZÀ-ÖØ-Þ]?[a-zà-öø-ÿ]+)*|[A-ZÀ-ÖØ-Þ]{2,}(?:[-’'][A-ZÀ-ÖØ-Þ]{2,})*"
_PARTICLE = r"(?:(?:de|du|des|d[’']|le|la|van|von|di|da)\s?)"
#: One to three name words, particles allowed inside (« de La Fontaine »); no line break inside.
_NAME = rf"(?:{_PARTICLE})?(?:{_NAME_WORD})(?:[ \u00a0]{_PARTICLE}?(?:{_NAME_WORD})){{0,2}}"
_TITLES = r"(?:M\.|MM\.|Mr\.?|Mme|Mmes|Mlle|Madame|Monsieur|Mademoiselle|Maître|Maitre|Me|Mᵉ|Dr\.?|Docteur|Pr\.?)"
_GREETING = r"(?:Bonjour|Bonsoir|Salut|Coucou|Hello|Cher|Chère|Chers|Merci(?: beaucoup)?|Bien reçu|À bientôt)"
_CLOSING = (r"(?:Bien (?:cordialement|à vous|amicalement)|Cordialement|Sincères salutations|Salutations"
            r"|Bonne (?:journée|soirée)|Belle journée|Merci d'avance|Merci par avance|Amicalement)")
_ROLES = ("commercial|commerciale|comptable|collègue|gérant|gérante|dirigeant|dirigeante|directeur|directrice"
          "|responsable|chargé|chargée|assistant|assistante|acheteur|acheteuse|technicien|technicienne|livreur"
          "|chauffeur|avocat|avocate|mandataire|administrateur|administratrice|huissier|commissaire de justice"
          "|président|présidente|interlocuteur|interlocutrice|correspondant|correspondante|contact|client|cliente"
          "|conseiller|conseillère|trésorier|trésorière|contrôleur|contrôleuse|magasinier|réceptionnaire")
_NAME_RULES = [  # regexes whose «name» group is a person
    rf"\b{_TITLES}[ \u00a0]+(?P<name>{_NAME})",  # M. Petit, Maître Benoît Gimenez
    rf"(?i:\b{_GREETING})[ \u00a0,]+(?:{_TITLES}[ \u00a0]+)?(?P<name>{_NAME}|[a-zà-ÿ]+(?=[ \u00a0]*[,!\n]))",
    rf"(?i:{_CLOSING})[ \u00a0]*[,.!]?[ \u00a0]*\n+[ \u00a0]*(?P<name>{_NAME})",  # the signature line
    rf"(?i:\b(?:de la part de|interlocut(?:eur|rice)|contact|signé|signataire|destinataire|expéditeur"
    rf"|expéditrice|[àa] l'attention de|attn|nom|représentée? par))[ \u00a0]*:?"
    rf"[ \u00a0]+(?:{_TITLES}[ \u00a0]+)?(?P<name>{_NAME_WORD}(?:[ \u00a0]{_PARTICLE}?(?:{_NAME_WORD})){{1,2}})",
    rf"\b(?:[Ll]e |[Ll]a |[Nn]otre |[Vv]otre |[Ll]eur |[Ss]on |[Ss]a )(?:{_ROLES})[ \u00a0]+(?P<name>{_NAME})",
]
#: Capitalised words that start names yet are ordinary words here (never a name on their own).
_NOT_NAMES = {
    "siren", "siret", "tva", "iban", "bic", "rib", "lcr", "bl", "rcs", "bodacc", "chorus", "pro", "ttc", "ht",
    "sepa", "daf", "adv", "erp", "sas", "sarl", "sa", "eurl", "snc", "sci", "btp", "pme", "eti", "dso", "ca",
    "pdf", "nb", "ps", "re", "tr", "fw", "cgv", "ar", "lrar", "rar", "ceo", "cfo", "fr", "eur", "ok", "sms", "api",
    "ia", "json", "urgent", "important", "rappel", "objet", "relance", "facture", "factures", "avoir", "client",
    "clients", "madame", "monsieur", "mesdames", "messieurs", "cordialement", "merci", "bonjour", "bonsoir",
    "tél", "tel", "mail", "e-mail", "email", "réf", "ref", "date", "montant", "total", "service", "société",
    "direction", "comptabilité", "recouvrement", "tribunal", "le", "la", "les", "un", "une", "des", "du", "de",
    "et", "ou", "en", "à", "au", "aux", "pour", "par", "sur", "vous", "nous", "je", "il", "elle", "ils", "on",
    "ce", "cette", "ces", "mon", "ma", "mes", "votre", "vos", "notre", "nos", "son", "sa", "ses", "leur", "tous",
    "tout", "toute", "toutes", "bien", "très", "pas", "ne", "plus", "jamais", "oui", "non", "si", "mais",
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "janvier", "février", "mars",
    "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre", "paris",
    "france", "euros", "euro", "cedex", "bp", "cs", "n°", "no", "sans", "avec", "chez", "selon", "suite",
    "président", "directeur", "directrice", "gérant", "gérante", "responsable", "chargé", "chargée",
}
_FUNCTION_WORDS = {"de", "du", "des", "d", "le", "la", "les", "l", "un", "une", "et", "ou", "à", "au", "aux",
                   "en", "pour", "par", "sur", "avec", "sans", "que", "qui", "est", "a", "se", "ne", "pas"}


#: Frequent first names in France that Faker's French lists lack.
_MORE_FIRST_NAMES = """
Blandine Charlène Clotilde Cyrielle Edgar Élisa Éloïse Émeline Faustine Gwenaël Gwenaëlle Ilan Lison Mahé Marceau
Marwan Ninon Priscille Ronan Samia Sidonie Wilfried Fatoumata Moussa Aminata Kader Farid Nabil Rachid Samir Hakim
Yacine Bilal Mehdi Amine Sami Nassim Leïla Samira Souad Malika Djamila Amadou Ousmane Awa Mariama Aïssatou
Ibrahima Cheikh João Fernando Linh Minh Tuan Enora Maïwenn Soizic Erwan Gwendal Yannig Loevan Maëlle Nolwenn
Bérangère Ségolène Domitille Apolline Anselme Barnabé Eudes Guénolé Ombeline Sixtine Théophile Tiphaine
""".split()


def _gazetteers() -> tuple[frozenset, frozenset]:
    """(first names, last names) in lower case, from Faker's French-speaking locales and a short
    list of frequent names they lack."""
    if "names" not in _NLP:
        import importlib

        first, last = {n.casefold() for n in _MORE_FIRST_NAMES}, set()
        for locale in ("fr_FR", "fr_CH", "fr_CA", "fr_BE", "fr_QC"):
            provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
            for attr in ("first_names", "first_names_male", "first_names_female"):
                first |= {n.casefold() for n in getattr(provider, attr, ()) if isinstance(n, str)}
            last |= {n.casefold() for n in getattr(provider, "last_names", ()) if isinstance(n, str)}
        _NLP["names"] = (frozenset(first - _NOT_NAMES), frozenset(last - _NOT_NAMES - _FUNCTION_WORDS))
    return _NLP["names"]


def _clean_name(text: str, start: int, end: int):
    """Trim a candidate name span to its name words; None when nothing name-like is left."""
    words = list(re.finditer(r"[\w’'-]+", text[start:end]))
    while words and words[-1].group().casefold() in _NOT_NAMES | _FUNCTION_WORDS:
        words.pop()
    while words and words[0].group().casefold().rstrip("’'") in _NOT_NAMES | _FUNCTION_WORDS:
        words.pop(0)
    if not words:
        return None
    return start + words[0].start(), start + words[-1].end()


def _rule_names(text: str):
    """Person names given away by their context: titles, greetings, signatures, « de la part de »."""
    first = _gazetteers()[0]
    for pattern in _NAME_RULES:
        for m in re.finditer(pattern, text):
            name = m.group("name")
            if name.islower() and name.casefold() not in first:
                continue  # « Merci encore, » : a lower-case word after a greeting only if it is a first name
            span = _clean_name(text, m.start("name"), m.end("name"))
            if span:
                yield span


_WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ][\w’'-]*")


def _gazetteer_names(text: str):
    """Names built on a known first name: « Pierre Marchand », « PIERRE MARCHAND », « MARCHAND Pierre »,
    « pierre marchand » (a lower-case first name only with a known surname after it), a capitalised
    first name alone; « pierre de taille » stays."""
    first, last = _gazetteers()
    words = list(_WORD.finditer(text))
    for i, w in enumerate(words):
        token = w.group()
        folded = token.casefold()
        if folded not in first:
            continue
        nxt = words[i + 1] if i + 1 < len(words) and text[w.end():words[i + 1].start()] in (" ", "\u00a0", "-") \
            else None
        prev = words[i - 1] if i > 0 and text[words[i - 1].end():w.start()] in (" ", "\u00a0") else None
        capital = token[:1].isupper()
        if nxt is not None and not capital and folded not in _COMMON_FIRST_NAMES:
            # « j'ai eu léon dos santos » : a lower-case first name, then a surname (particles included)
            end = _lower_surname_end(text, words, i + 1)
            if end is not None:
                yield w.start(), end
        elif nxt is not None and (nxt.group()[:1].isupper() if capital else nxt.group().casefold() in last) \
                and nxt.group().casefold() not in _NOT_NAMES | _FUNCTION_WORDS:
            yield w.start(), nxt.end()
        elif prev is not None and token.isupper() is False and capital and prev.group().isupper() \
                and len(prev.group()) > 1 and prev.group().casefold() not in _NOT_NAMES:
            yield prev.start(), w.end()  # « MARCHAND Pierre »
        elif capital:
            after = text[w.end():w.end() + 12]
            if not re.match(r"[ \u00a0]+(?:de|du|des|d[’'])[ \u00a0]*[a-zà-ÿ]", after):  # « Pierre de taille »
                yield w.start(), w.end()


#: First names that are also common nouns: in lower case, only with a known surname after them.
_COMMON_FIRST_NAMES = {"pierre", "rose", "olive", "marine", "claude", "france", "grâce", "victoire", "constance",
                       "prudence", "blanche", "violette", "ambre", "jade", "perle", "reine", "iris", "colombe",
                       "céleste", "modeste", "clément", "constant", "aimé", "désiré", "martin", "laurence", "ange"}
_SURNAME_PARTICLES = {"de", "du", "des", "dos", "da", "di", "le", "la", "van", "von", "del", "saint", "sainte"}


def _lower_surname_end(text: str, words: list, j: int):
    """End of a lower-case surname starting at ``words[j]`` (« dos santos », « saint-aubin »), or None."""
    first_names = _gazetteers()[0]
    k = j
    while k < len(words) - 1 and words[k].group() in _SURNAME_PARTICLES \
            and text[words[k].end():words[k + 1].start()] == " ":
        k += 1
    word = words[k].group()
    if not word.islower() or len(word) < 3 or word in _FUNCTION_WORDS | _NOT_NAMES or word in first_names:
        return None
    if k > j and words[j].group() in ("de", "du", "des", "la", "le") and k == j + 1:
        return None  # « pierre de taille », « rose des vents »: a particle alone is not a surname
    return words[k].end()


def _upper_names(text: str):
    """Two or three upper-case words, one of them a known first or last name (« DUPONT Marie » is
    covered by the gazetteer; this catches « MME DUBOIS » style blocks and « PIERRE MARCHAND »)."""
    first, last = _gazetteers()
    for m in re.finditer(r"\b[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ’'-]+(?:[ \u00a0][A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ’'-]+){1,2}\b", text):
        folded = [w.casefold() for w in m.group().split()]
        if any(w in first or w in last for w in folded) and not all(w in _NOT_NAMES for w in folded):
            span = _clean_name(text, m.start(), m.end())
            if span:
                yield span


def _strict_names(text: str):
    """Fallback without the language model: every run of two or three capitalised words (once the
    ordinary words at its edges are dropped) is taken for a name."""
    for m in re.finditer(rf"\b(?:{_NAME_WORD})(?:[ \u00a0](?:{_NAME_WORD})){{1,2}}", text):
        span = _clean_name(text, m.start(), m.end())
        if span and " " in text[span[0]:span[1]].replace("\u00a0", " "):
            yield span


class Anonymizer:
    """Pseudonymise texts and tables with one consistent mapping; re-identify answers.

    >>> anon = Anonymizer(KnownEntities({"CLIENT": {"Boulangerie Martin"}}))
    >>> anon.anonymize_text("Relance Boulangerie Martin, SIREN 732 829 320.").text
    'Relance <CLIENT_1>, SIREN <SIREN_1>.'
    """

    def __init__(self, known: KnownEntities | None = None, use_nlp: bool = True):
        self.known = known or KnownEntities()
        self.use_nlp = use_nlp
        self._index = self.known.index()
        self._numbers = self.known.compact_numbers()
        self._by_key: dict[tuple[str, str], str] = {}
        self._original: dict[str, str] = {}
        self._counter: dict[str, int] = {}

    @classmethod
    def from_company(cls, company, use_nlp: bool = True) -> Anonymizer:
        return cls(KnownEntities.from_company(company), use_nlp)

    def fresh(self) -> Anonymizer:
        """Same known entities and engine, empty mapping (one per AI request)."""
        clone = Anonymizer.__new__(Anonymizer)
        clone.known, clone.use_nlp, clone._index, clone._numbers = self.known, self.use_nlp, self._index, self._numbers
        clone._by_key, clone._original, clone._counter = {}, {}, {}
        return clone

    @property
    def engine(self) -> str:
        if self.use_nlp:
            return ENGINE_FULL if nlp_engine() is not None else ENGINE_STRICT
        return ENGINE_FAST

    @property
    def warning(self) -> str:
        """French warning when the full engine was asked for but the language model is missing, else ""."""
        return NO_MODEL_WARNING if self.engine == ENGINE_STRICT else ""

    @property
    def mapping(self) -> dict[str, str]:
        """pseudonym -> original value (keep it on this machine)."""
        return dict(self._original)

    def pseudonym(self, kind: str, value: str) -> str:
        """The pseudonym of ``value`` as written (exact text: re-identification gives it back)."""
        key = (kind, value)
        if key not in self._by_key:
            self._counter[kind] = self._counter.get(kind, 0) + 1
            pseudo = f"<{kind}_{self._counter[kind]}>"
            self._by_key[key] = pseudo
            self._original[pseudo] = value
        return self._by_key[key]

    # -- text -------------------------------------------------------------------------------
    def _candidates(self, text: str) -> list[tuple[int, int, str, int, str]]:
        """(start, end, kind, tier, source): tier 1 (structured identifiers, known companies, words
        to keep) wins over tier 0 (people, places), where the longest span wins."""
        found = []
        for start, end, kind in self.known.find(text, self._index):
            tier = 1 if kind in _STRUCTURED or kind in (KEEP, "CLIENT") else 0
            found.append((start, end, kind, tier, "entité connue"))
        for start, end in _ibans(text):
            found.append((start, end, "IBAN", 1, "motif"))
        for kind, pattern, check in _PATTERNS:
            for m in re.finditer(pattern, text):
                start, end = m.span("value") if "value" in m.re.groupindex else m.span()
                value = text[start:end]
                if not _validate(check, value):
                    continue
                if kind == "SIREN" and _compact(value) not in self._numbers \
                        and not _SIREN_CONTEXT.search(text[max(0, start - 40):start]):
                    continue  # ~1 random 9-digit number in 10 passes Luhn: require a context word
                found.append((start, end, kind, 1 if kind in _STRUCTURED else 0, "motif"))
        for start, end in (*_rule_names(text), *_gazetteer_names(text), *_upper_names(text)):
            found.append((start, end, "PERSONNE", 0, "règle"))
        if self.use_nlp:
            engine = nlp_engine()
            if engine is not None:
                for r in engine.analyze(text=text, language="fr", score_threshold=0.5,
                                        allow_list=sorted(_ALLOW)):
                    for line in re.finditer(r"[^\n]+", text[r.start:r.end]):  # no sentence splitter: cut at lines
                        trimmed = _trim_person(text, r.start + line.start(), r.start + line.end())
                        if trimmed:
                            found.append((*trimmed, "PERSONNE", 0, "Presidio"))
            else:
                found += [(start, end, "PERSONNE", 0, "règle stricte") for start, end in _strict_names(text)]
        return found

    def anonymize_text(self, text: str) -> AnonymizedText:
        """Replace every identifier in ``text`` by its pseudonym."""
        if not isinstance(text, str):
            raise InvalidParameterError(f"Texte attendu, reçu {type(text).__name__}.")
        candidates = self._candidates(text)
        known = [c for c in candidates if c[4] == "entité connue"]
        # A detected name made only of known values (« Catherine Dubois ») keeps their pseudonyms.
        candidates = [c for c in candidates
                      if c[2] != "PERSONNE" or c[4] == "entité connue" or not _covered(text, c[0], c[1], known)]
        accepted: list[tuple[int, int, str, int, str]] = []
        for cand in sorted(candidates, key=lambda c: (-c[3], -(c[1] - c[0]), c[0])):
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
    def anonymize_table(self, df: pd.DataFrame, shift_days: int | None = None,
                        kinds: dict | None = None) -> pd.DataFrame:
        """Column-aware copy of ``df``: identifier columns pseudonymised, free text scanned.

        ``kinds`` gives the kind of each column ({column: kind, ``"TEXTE"`` or None}); by default it
        is read from the column names of the course's tables. Amounts are kept; dates are kept, or
        moved by ``shift_days`` days (the same for all).
        """
        out = df.copy()
        for col in out.columns:
            kind = kinds.get(col) if kinds is not None else _column_kind(str(col))
            series = out[col]
            if kind == "TEXTE":
                out[col] = series.map(lambda v: self.anonymize_text(v).text if isinstance(v, str) and v else v)
            elif kind is not None:
                out[col] = series.map(lambda v, k=kind: self.pseudonym(k, cell_text(v)) if _filled(v) else v)
            elif shift_days and _is_date_column(series):
                out[col] = series.map(lambda v: _shift(v, shift_days))
        return out

    def mapping_frame(self) -> pd.DataFrame:
        """The correspondence table (pseudonym, kind, original) for the local mapping file."""
        rows = [{"Pseudonyme": p, "Type": KINDS.get(p[1:].rsplit("_", 1)[0], ""), "Valeur d'origine": v}
                for p, v in self._original.items()]
        return pd.DataFrame(rows, columns=["Pseudonyme", "Type", "Valeur d'origine"])


def _covered(text: str, start: int, end: int, spans) -> bool:
    """Whether every letter of ``text[start:end]`` lies inside one of ``spans``."""
    return all(any(s[0] <= i < s[1] for s in spans) for i in range(start, end) if text[i].isalnum())


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

    The columns to hide are found by :func:`o2c_lab.ai.workbook.detect_columns` (their header, or
    their values); names found in name columns are also searched in the free-text columns.
    """
    path_in, path_out = Path(path_in), Path(path_out)
    if path_out.resolve() == path_in.resolve():
        raise InvalidParameterError("Le fichier anonymisé écraserait l'original.",
                                    todo="choisissez un autre nom de fichier de sortie")
    try:
        data = path_in.read_bytes()
    except FileNotFoundError:
        raise DataFileError("fichier introuvable.", path=path_in,
                            todo="vérifiez le chemin et le nom du fichier") from None
    from .workbook import anonymize_sheets, read_workbook

    sheets = read_workbook(data, path_in.name)
    known = KnownEntities.from_company(company) if company is not None else KnownEntities()
    result = anonymize_sheets(sheets, known=known, use_nlp=use_nlp, shift_days=shift_days)
    mapping_path = path_out.with_name(path_out.stem + "_correspondances.xlsx")
    result.write(path_out, mapping_path)  # formula-safe: a name like « =cmd|… » stays text
    return ExcelAnonymization(path_out, mapping_path, tuple(result.sheets), result.replaced, result.anonymizer.engine)
