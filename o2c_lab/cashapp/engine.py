"""The explainable multi-pass matching engine (lettrage).

Each bank line goes through passes ordered from the most certain to the least:

1. the payer is identified first: IBAN, « pour compte de » mention (factor, parent company),
   learned rule, payer name (exact, then fuzzy with an ambiguity guard), acronym; only when it
   stays unknown do the invoice references name it;
2. the same transfer seen again within days (same documents, amount, payer) is a duplicate;
3. a remittance advice announcing this payment is followed line by line: lines naming the
   payer's open documents (in any numbering) are applied, a line naming an order or nothing
   known is matched by its amount when one open item of the customer has it, else kept
   « non identifiée » with its amount as unapplied cash; a gap between the advice and the
   transfer within the user's fee tolerance is bank or FX charges (an invoice announced net of
   its credit note settles both);
4. invoice / credit-note references found in the label, the remittance text or the end-to-end
   id — in the company's numbering learned from its documents or as customers write them
   (« INV-412 », « Rechnung Nr. 26/00412 », ISO 11649 ``RF`` references, letters scanned for
   digits), among the payer's own documents; a number one typo away from one of them (see
   :func:`~o2c_lab.cashapp.references.typo`) is trusted only when the amount settles it
   (a surplus of at most 50 € left unapplied, or with a transfer of the payer left unapplied,
   to the cent), and another customer's document is only a
   suggestion — are paid: exact amount, credit notes netted (or with a surplus of at most 50 €
   left unapplied), early-payment discount within the contract's terms, short payment (a
   penalty deducted is a dispute to open, French law
   L441-17, never a write-off), partial payment named
   by the customer, equal instalments of a payment plan (the other cited documents settled),
   several cited documents paid short when only one of them has a balance larger than the gap
   (the others settled; not while a transfer of the payer waits unapplied: it may have paid
   part of one), invoices cited
   « … ET 3 AUTRES » completed from the customer's open items (or from its payment run: items
   falling due within 5 days of those cited, as many as announced, a surplus of at most 50 €
   left unapplied), overpayment;
5. without a usable reference, the identified customer's open items: one item of the exact
   amount, an invoice net of its credit note, a discount within terms, a group of items whose
   sum is the amount — kept only when that group is the only one;
6. otherwise the readings of a payment that names nothing, ranked for a human: one equal
   instalment of an item (payment plan in 2, 3 or 4 parts), a penalty withheld, a small
   overpayment, the legal order of Code civil art. 1342-10 (oldest due debt first), two to four
   items some paid by an instalment or net of the discount, a part payment of an old item —
   suggestions, because the customer may still say otherwise; applied only when the payer is
   identified with certainty, names no document, did not send the same amount days before, and
   the reading is the only one: a penalty label and only one item the amount can be less
   10 % at most (the gap contested), the rest of the only item whose balance is this amount plus a
   transfer of the same payer left unapplied, or of a payer unknown then (that one applied
   too), the next instalment of a single item to the cent — these two, to the cent, also
   confirm a payer read from its acronym or a learned rule, or pick among the customers an
   acronym may be the only one they fit —, two or three items some paid by their next equal
   instalment (rounded down) when that combination is the only one to the cent, the amount
   distinctive and the customer already paying an item by instalments, or a surplus of at
   most 50 € over
   the only item just below the amount (none larger open, or no older item still awaited: an
   item the customer has paid past is held back), over the oldest items in full (the line may
   name some of them), or over the only item net of its escompte, paid within its days — the
   surplus waits as unapplied cash;
7. payer unknown: the only open item of that exact, non-round amount; otherwise hypotheses
   (items of that amount, an equal instalment of one invoice of the ledger);
8. a transfer to a customer refunds the credit note it names, or its only open credit note
   of that amount; other debits are out of scope.

Every proposal carries its pass, a confidence and a French explanation. At or above
``auto_threshold`` it is applied automatically; between the thresholds it is a suggestion for a
human; below, the line stays unmatched with its hypotheses. Two candidates of similar strength
make the line ambiguous: it is never applied automatically.
"""

from __future__ import annotations

import datetime as dt
import gc
import itertools
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from ..errors import InvalidParameterError
from ..money import format_date, format_eur
from .references import Numbering, extract_references, typo

__all__ = [
    "EngineConfig", "PASSES", "STATUS_AUTO", "STATUS_SUGGESTION", "STATUS_UNMATCHED",
    "STATUS_OUT_OF_SCOPE", "Candidate", "LineResult", "MatchResult", "CashMatcher",
    "match_bank_lines", "extract_references", "normalise_name", "normalise_iban", "ITEM_COLUMNS",
]

STATUS_AUTO = "automatique"
STATUS_SUGGESTION = "suggestion"
STATUS_UNMATCHED = "non rapproché"
STATUS_OUT_OF_SCOPE = "hors périmètre"

#: Pass identifier -> (French name, base confidence).
PASSES = {
    "avis": ("avis de paiement", 0.99),
    "reference": ("référence exacte", 0.99),
    "reference_deformee": ("référence déformée", 0.97),
    "escompte": ("escompte contractuel", 0.96),
    "deduction": ("déduction unilatérale à contester", 0.95),
    "partiel_designe": ("paiement partiel d'une pièce désignée", 0.94),
    "trop_percu": ("trop-perçu", 0.94),
    "montant_client": ("montant exact d'une pièce du client", 0.96),
    "escompte_client": ("escompte sur une pièce du client", 0.94),
    "groupe": ("paiement groupé (somme exacte de pièces)", 0.95),
    "echeance_client": ("échéance égale d'une pièce du client", 0.80),
    "solde_client": ("solde d'une pièce après un virement non imputé", 0.93),
    "imputation_legale": ("imputation légale (art. 1342-10 Code civil)", 0.60),
    "acompte": ("acompte possible sur une pièce du client", 0.40),
    "montant_seul": ("montant identique, payeur non identifié", 0.55),
    "doublon": ("doublon probable", 0.30),
    "payeur_ressemblant": ("nom de payeur proche d'un client", 0.30),
    "autre_client": ("facture d'un autre client", 0.60),
    "remboursement": ("remboursement d'avoir", 0.95),
}

#: Columns of the open-items table the engine reads (``net_cents`` optional).
ITEM_COLUMNS = ["document_id", "customer_id", "doc_date", "due_date", "open_cents"]

_PENALTY = re.compile(r"P[EÉ]NALIT|PENALTY|RETENUE|D[EÉ]DUCTION|DEDUIT|D[EÉ]DUIT|LOGISTIQ|"
                      r"REFACTURATION|NON[ -]?CONFORMIT|AVARIE|LITIGE")
#: Days a transfer left unapplied is kept: a part payment and its rest come within weeks.
_UNAPPLIED_DAYS = 120
_MORE = re.compile(r"\b(\d{1,2}) (?:AUTRES?|MORE|WEITERE)\b")  # « FA-… ET 3 AUTRES »
_ACRONYM_SKIP_SHORT = {"SA", "SAS", "SARL", "ET", "DE", "LA", "LE"}
_ACRONYM_SKIP = _ACRONYM_SKIP_SHORT | {"DU", "DES", "LES", "D", "L"}
_LEGAL_FORMS = {"SA", "SAS", "SASU", "SARL", "EURL", "SNC", "SCI", "SCOP", "SCA", "GMBH", "AG",
                "SPA", "SRL", "BV", "NV", "SL", "LTD", "STE", "SOCIETE", "ETS", "ETABLISSEMENTS",
                "CIE", "ET", "DE", "DU", "DES", "LA", "LE", "LES", "L", "D"}


@dataclass(frozen=True)
class EngineConfig:
    """Thresholds of the engine (defaults measured on the fil-rouge companies)."""

    auto_threshold: float = 0.90
    suggestion_threshold: float = 0.50
    name_score_min: float = 90.0       # rapidfuzz score (0-100) to accept a payer name
    name_margin: float = 5.0           # best must beat the second customer by this much
    hypothesis_name_min: float = 75.0  # below name_score_min: only a hypothesis
    discount_grace_days: int = 0       # days accepted after the escompte deadline: none (L441-9 I)
    subset_max_items: int = 22         # customer's oldest open items tried for grouped payments
    subset_node_budget: int = 6000     # search nodes per line (keeps the engine linear)
    max_hypotheses: int = 10          # candidates shown to the reviewer of a line
    amount_only_confidence: float = 0.91  # unique, distinctive amount, payer unknown
    amount_only_min_cents: int = 10000
    fee_tolerance_cents: int = 0       # bank or FX charges a payer may deduct (set by the user)
    currency: str = "EUR"

    def __post_init__(self):
        if not isinstance(self.fee_tolerance_cents, int) or self.fee_tolerance_cents < 0:
            raise InvalidParameterError(
                f"Tolérance de frais invalide : {self.fee_tolerance_cents!r}.",
                valid="un nombre entier de centimes, 0 ou plus",
                todo="par exemple EngineConfig(fee_tolerance_cents=2500) pour 25 € de frais")
        if not 0 < self.suggestion_threshold <= self.auto_threshold <= 1:
            raise InvalidParameterError(
                f"Seuils incohérents : suggestion {self.suggestion_threshold}, "
                f"automatique {self.auto_threshold}.",
                valid="0 < seuil de suggestion ≤ seuil automatique ≤ 1",
                todo="par exemple EngineConfig(auto_threshold=0.9, suggestion_threshold=0.5)")


@dataclass
class Candidate:
    """One possible allocation of a bank line."""

    pass_id: str
    customer_id: str
    allocations: list[tuple[str, int]]       # (document_id, cents)
    confidence: float
    explanation: str
    dispute: tuple[str, int] | None = None   # (document_id, cents) to contest
    unapplied_cents: int = 0
    discount: tuple[str, int] | None = None  # (document_id, cents) granted as early-payment discount
    fee: tuple[str, int] | None = None       # (document_id, cents) of bank / FX charges written off
    # An earlier bank line left unapplied that this one proves: (its result, document, cents).
    completes: tuple[LineResult, str, int] | None = None


@dataclass
class LineResult:
    bank_tx_id: str
    amount_cents: int
    status: str
    customer_id: str = ""
    customer_method: str = ""
    chosen: Candidate | None = None
    hypotheses: list[Candidate] = field(default_factory=list)
    explanation: str = ""
    booking_date: dt.date | None = None
    settled: list[str] = field(default_factory=list)  # documents the chosen proposal closes


# ----------------------------------------------------------------------------- text helpers

def _ascii_upper(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text or "")).upper()
    return "".join(c for c in text if not unicodedata.combining(c))


def normalise_name(name: str) -> str:
    """Payer or customer name reduced for comparison: capitals, no accents, no legal form.

    >>> normalise_name("Société Dupont & Fils S.A.S.")
    'DUPONT FILS'
    """
    text = re.sub(r"[^A-Z0-9 ]+", " ", _ascii_upper(name).replace(".", ""))
    words = [w for w in text.split() if w not in _LEGAL_FORMS]
    return " ".join(words)


def normalise_iban(iban: str) -> str:
    """IBAN without spaces, in capitals."""
    return re.sub(r"[^A-Z0-9]", "", _ascii_upper(iban))


def _dates(column: pd.Series) -> list[dt.date]:
    days = pd.to_datetime(column).to_numpy().astype("datetime64[D]")
    return days.astype(object).tolist()


# ----------------------------------------------------------------------------- the matcher

class CashMatcher:
    """Indexes of open items, customers, contracts, advices and rules; matches one line at a time.

    Open amounts are state: :meth:`apply` books an automatic result, :meth:`adjust` lets a
    caller replay what the ledger recorded. Items are looked up per customer and by reference
    key (dictionaries), never by scanning every open item, so the cost per line does not grow
    with the size of the ledger.
    """

    def __init__(self, items: pd.DataFrame, customers: pd.DataFrame,
                 contracts: pd.DataFrame | None = None, remittances: pd.DataFrame | None = None,
                 rules=None, config: EngineConfig | None = None):
        self.config = config or EngineConfig()
        missing = [c for c in ITEM_COLUMNS if c not in items.columns]
        if missing:
            raise InvalidParameterError(
                f"Table des pièces ouvertes : colonne(s) absente(s) : {', '.join(missing)}.",
                valid=", ".join(ITEM_COLUMNS))
        self.rules = rules
        # Building millions of small objects: the cyclic garbage collector only slows it down.
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            self._index(items, customers, contracts, remittances)
        finally:
            if gc_was_enabled:
                gc.enable()

    def _index(self, items, customers, contracts, remittances) -> None:
        ids = items["document_id"].astype(str).tolist()
        # Python lists first: iterating pandas columns element by element is slow.
        self.doc_customer = dict(zip(ids, items["customer_id"].astype(str).tolist()))
        self.doc_date = dict(zip(ids, _dates(items["doc_date"])))
        self.doc_due = dict(zip(ids, _dates(items["due_date"])))
        self.open = dict(zip(ids, items["open_cents"].astype("int64").tolist()))
        # Amount of each document when first seen (its total when the ledger starts empty).
        self.total = (dict(zip(ids, items["total_cents"].astype("int64").tolist()))
                      if "total_cents" in items.columns else dict(self.open))
        self.net = (dict(zip(ids, items["net_cents"].astype("int64").tolist()))
                    if "net_cents" in items.columns else {})
        # Credit notes issued against an invoice (column ``linked_document``, optional).
        self.credits_of: dict[str, list[str]] = defaultdict(list)
        self._linked: dict[str, str] = {}
        if "linked_document" in items.columns:
            for doc, inv in zip(ids, items["linked_document"].astype(str).tolist()):
                if inv and inv != doc:
                    self.credits_of[inv].append(doc)
                    self._linked[doc] = inv
        order = np.lexsort((np.array(ids), pd.to_datetime(items["due_date"]).to_numpy()))
        self.by_customer: dict[str, list[str]] = defaultdict(list)
        for i in order:
            self.by_customer[self.doc_customer[ids[i]]].append(ids[i])
        # The company's numbering, learned from its documents: references are read in it.
        self.numbering = Numbering(ids, [self.total[d] for d in ids])
        self.by_key: dict[tuple, list[str]] = defaultdict(list)
        self.doc_number: dict[str, tuple[str, int, str]] = {}  # kind, year, number as written
        for doc in ids:
            key = self.numbering.key(doc)
            if key:
                kind = key[0] or ("AV" if self.total[doc] < 0 else "FA")
                year, number = key[1], key[2]
                self.doc_number[doc] = (kind, year, str(number))
                for k in {(kind, year, number), ("", year, number), (kind, 0, number),
                          ("", 0, number)}:
                    self.by_key[k].append(doc)
        self.by_total: dict[int, list[str]] = defaultdict(list)
        for doc, cents in self.total.items():
            if cents > 0:
                self.by_total[cents].append(doc)
        self.by_amount: dict[int, list[str]] = defaultdict(list)
        for doc, cents in self.open.items():
            if cents > 0:
                self.by_amount[cents].append(doc)
        self._customers(customers)
        self._contracts(contracts)
        # Amounts after the contractual early-payment discount, for payers not identified.
        self.by_discount_amount: dict[int, list[str]] = defaultdict(list)
        for doc, cid in self.doc_customer.items():
            if cid in self.discount and self.open[doc] > 0:
                for paid in self._discounted(doc, self.doc_date[doc]):
                    self.by_discount_amount[paid].append(doc)
        self._advices(remittances)
        self._seen: dict[tuple, dt.date] = {}  # (documents, amount, payer) -> last booking day
        # Transfers of each identified payer left unapplied: (booking day, amount, bank line).
        self._unapplied: dict[str, list[tuple[dt.date, int, LineResult]]] = defaultdict(list)
        # Transfers left unapplied whose payer was not surely known, by amount.
        self._unplaced: dict[int, list[tuple[dt.date, int, LineResult]]] = defaultdict(list)
        self._payer = ""  # the customer the line being matched is surely from, if any
        self._known = False  # that payer identified with certainty (IBAN, exact name…)

    # -- set-up ------------------------------------------------------------------------
    def _customers(self, customers: pd.DataFrame) -> None:
        self.customer_name = dict(zip(customers["customer_id"].astype(str),
                                      customers["name"].astype(str)))
        self.iban_customers: dict[str, list[str]] = defaultdict(list)
        for cid, iban in zip(customers["customer_id"].astype(str),
                             customers.get("iban", pd.Series([""] * len(customers))).astype(str)):
            if iban.strip():
                self.iban_customers[normalise_iban(iban)].append(cid)
        self.name_customers: dict[str, list[str]] = defaultdict(list)
        for cid, name in self.customer_name.items():
            # Banks cut the payer's name at 35 characters (SEPA limit is 70, many use 35).
            for key in {normalise_name(name), normalise_name(_ascii_upper(name)[:35])}:
                if cid not in self.name_customers[key]:
                    self.name_customers[key].append(cid)
        self._name_choices = list(self.name_customers)
        # Acronyms (« STE DMI », « DMI GESTION » for Dupont Mécanique Industrie): a hint only.
        self.acronyms: dict[str, dict[str, None]] = defaultdict(dict)
        for cid, name in self.customer_name.items():
            upper = _ascii_upper(name)
            # Whole name or cut at 35 characters as banks print it; articles such as « DES »
            # or « DU » left out or kept by the one who wrote the acronym.
            for variant in (upper.replace(".", " "), upper.replace(".", ""),
                            upper.replace(".", " ")[:35]):
                for skip in (_ACRONYM_SKIP, _ACRONYM_SKIP_SHORT):
                    words = [w for w in re.split(r"[^A-Z0-9]+", variant) if w and w not in skip]
                    acro = "".join(w[0] for w in words[:4])
                    if acro:
                        self.acronyms[acro][cid] = None
        # « POUR COMPTE DE <client> » written by a factor or a parent company: banks keep only
        # the first characters, so index the start of each name as a bank prints it.
        self.on_behalf: dict[str, list[str]] = defaultdict(list)
        for cid, name in self.customer_name.items():
            key = " ".join(re.sub(r"[.,]", " ", _ascii_upper(name)).split())
            for width in (20, 35):
                if cid not in self.on_behalf[key[:width].strip()]:
                    self.on_behalf[key[:width].strip()].append(cid)
        self._name_cache: dict[str, tuple] = {}

    def _contracts(self, contracts: pd.DataFrame | None) -> None:
        self.discount: dict[str, tuple[float, int]] = {}
        if contracts is None or contracts.empty:
            return
        for row in contracts.itertuples(index=False):
            pct = float(getattr(row, "early_payment_discount_pct", 0) or 0)
            if pct > 0:
                self.discount[str(row.customer_id)] = (pct, int(row.early_payment_days or 0))

    def _advices(self, remittances: pd.DataFrame | None) -> None:
        self.advices: dict[str, dict] = {}
        self.advice_by_ref: dict[str, list[str]] = defaultdict(list)
        self.advice_by_customer: dict[str, list[str]] = defaultdict(list)
        self.advice_by_total: dict[int, list[str]] = defaultdict(list)
        if remittances is None or remittances.empty:
            return
        for aid, grp in remittances.groupby("advice_id", sort=False):
            first = grp.iloc[0]
            advice = {
                "advice_id": str(aid), "customer_id": str(first["customer_id"]),
                "date": (pd.Timestamp(first["advice_date"]).date()
                         if pd.notna(first["advice_date"]) else None),
                "reference": str(first["payment_reference"]),
                "lines": list(zip(grp["document_id"].astype(str),
                                  grp["amount_cents"].astype("int64").tolist())),
            }
            advice["total"] = sum(c for _, c in advice["lines"])
            self.advices[str(aid)] = advice
            key = re.sub(r"[^A-Z0-9]", "", _ascii_upper(advice["reference"]))
            if len(key) >= 6:
                self.advice_by_ref[key].append(str(aid))
            self.advice_by_customer[advice["customer_id"]].append(str(aid))
            self.advice_by_total[advice["total"]].append(str(aid))

    # -- state ---------------------------------------------------------------------------
    def open_at(self, doc: str, day: dt.date) -> int:
        """Open amount of ``doc`` for a payment booked on ``day`` (0 if not yet issued)."""
        if self.doc_date.get(doc) is None or self.doc_date[doc] > day:
            return 0
        return self.open.get(doc, 0)

    def adjust(self, doc: str, delta_cents: int) -> None:
        """Change the open amount of ``doc`` (a payment recorded elsewhere: ``-amount``)."""
        if doc not in self.open:
            return
        old = self.open[doc]
        new = old + int(delta_cents)
        self.open[doc] = new
        if old != new and old > 0:
            bucket = self.by_amount.get(old)
            if bucket and doc in bucket:
                bucket.remove(doc)
        if new > 0 and old != new:
            self.by_amount[new].append(doc)

    def set_open(self, doc: str, cents: int) -> None:
        """Set the open amount of ``doc``."""
        if doc in self.open:
            self.adjust(doc, int(cents) - self.open[doc])

    def apply(self, result: LineResult) -> None:
        """Book an automatic result: its allocations reduce the open amounts (and those of the
        earlier line it proves, see :meth:`_prove`)."""
        if result.status != STATUS_AUTO or result.chosen is None:
            return
        for doc, cents in result.chosen.allocations:
            self.adjust(doc, -cents)
        if result.chosen.completes:
            _, doc, cents = result.chosen.completes
            self.adjust(doc, -cents)

    def _prove(self, result: LineResult) -> None:
        """The earlier transfer left unapplied that ``result`` pays the rest after is applied as
        well: a part payment of the same item, the two transfers making its balance."""
        prior, doc, cents = result.chosen.completes
        self._unapplied[result.chosen.customer_id] = [
            x for x in self._unapplied[result.chosen.customer_id] if x[2] is not prior]
        self._unplaced[cents] = [x for x in self._unplaced.get(cents, ()) if x[2] is not prior]
        chosen = Candidate("solde_client", result.chosen.customer_id, [(doc, cents)],
                           result.chosen.confidence,
                           f"acompte de {format_eur(cents)} sur {doc} du client "
                           f"{result.chosen.customer_id} : le virement suivant "
                           f"(ligne {result.bank_tx_id} du {format_date(result.booking_date)}, "
                           f"{format_eur(result.amount_cents)}) en a payé le reste, les deux font "
                           f"exactement son solde")
        prior.hypotheses = ([prior.chosen] if prior.chosen else []) + prior.hypotheses
        prior.status, prior.chosen, prior.explanation = STATUS_AUTO, chosen, chosen.explanation
        prior.customer_id, prior.settled = chosen.customer_id, []

    # -- payer identification -----------------------------------------------------------------
    def _rule_customer(self, line) -> str | None:
        if self.rules is None:
            return None
        return self.rules.customer_for(line.get("counterparty_name", ""),
                                       line.get("counterparty_iban", ""))

    def _name_match(self, name: str) -> tuple[list[str], float, list[tuple[str, float]]]:
        """(customers accepted, score, near misses) for a payer name."""
        key = normalise_name(name)
        if not key:
            return [], 0.0, []
        if key in self._name_cache:
            return self._name_cache[key]
        if key in self.name_customers:
            out = (self.name_customers[key], 100.0, [])
        else:
            best = process.extract(key, self._name_choices, scorer=fuzz.token_sort_ratio,
                                   limit=3, score_cutoff=self.config.hypothesis_name_min)
            accepted, near = [], []
            if best:
                top_name, top, _ = best[0]
                second = best[1][1] if len(best) > 1 else 0.0
                if top >= self.config.name_score_min and top - second >= self.config.name_margin:
                    accepted = list(self.name_customers[top_name])
                near = [(cid, s) for n, s, _ in best for cid in self.name_customers[n]]
            out = (accepted, best[0][1] if best else 0.0, near)
        self._name_cache[key] = out
        return out

    def identify_payer(self, line, use_rules: bool = True) -> list[str]:
        """Customers the payer of ``line`` is identified as, without looking at documents."""
        customers, _, strength, _ = self._identify(line, set(), use_rules)
        return customers if strength > 0 else []

    def _identify(self, line, ref_customers: set[str], use_rules: bool = True):
        """(customer candidates, method, strength, name near misses)."""
        iban = normalise_iban(line.get("counterparty_iban", ""))
        by_iban = self.iban_customers.get(iban, []) if iban else []
        if len(by_iban) == 1:
            return by_iban, "IBAN du client", 0.99, []
        behalf = self._on_behalf(line)
        if len(behalf) == 1:
            return behalf, "mention « pour compte de »", 0.95, []
        rule = self._rule_customer(line) if use_rules else None
        if rule:
            return [rule], "règle apprise", 0.98, []
        names, score, near = self._name_match(line.get("counterparty_name", ""))
        if by_iban:  # an IBAN shared by several customers (a group's treasury)
            inter = [c for c in by_iban if c in names] or by_iban
            return inter, "IBAN partagé", 0.9 if len(inter) == 1 else 0.0, near
        if len(names) == 1:
            return names, ("nom exact" if score >= 100 else f"nom proche ({score:.0f} %)"), \
                (0.98 if score >= 100 else 0.93), near
        if len(names) > 1 or len(behalf) > 1:
            return names or behalf, "nom porté par plusieurs clients", 0.0, near
        if len(ref_customers) == 1:
            return list(ref_customers), "référence de pièce", 0.97, near
        acro = self._acronym(line.get("counterparty_name", ""))
        if acro:
            return acro, "sigle du nom", 0.85 if len(acro) == 1 else 0.0, near
        return [], "", 0.0, near

    def _acronym(self, name: str) -> list[str]:
        hits = []
        for token in re.split(r"[^A-Z0-9]+", _ascii_upper(name)):
            if 1 <= len(token) <= 5 and 0 < len(self.acronyms.get(token, ())) <= 6:
                hits += [c for c in self.acronyms[token] if c not in hits]
        return hits if len(hits) <= 6 else []

    def _on_behalf(self, line) -> list[str]:
        """Customers named after « POUR COMPTE DE » in the remittance text (then the label)."""
        for field_ in ("remittance_info", "label"):
            text = " ".join(_ascii_upper(line.get(field_, "") or "").split())
            m = re.search(r"(?:POUR (?:LE )?COMPTE|P/C|POUR ORDRE)(?: DE| D')?\s+(.+)", text)
            if not m:
                continue
            words = m.group(1)
            # The longest customer name (as banks cut it) that the text starts with, whole words.
            best = ""
            for key in self.on_behalf:
                if len(key) > len(best) and words.startswith(key) and \
                        (len(words) == len(key) or words[len(key)] == " " or len(key) >= 20):
                    best = key
            if best:
                return self.on_behalf[best]
        return []

    # -- passes ----------------------------------------------------------------------------
    def match_line_exact_reference(self, line) -> LineResult:
        """The rule many ERPs apply alone: document ids written exactly, amount identical."""
        amount, tx = int(line["amount_cents"]), str(line["bank_tx_id"])
        day = pd.Timestamp(line["booking_date"]).date()
        if amount <= 0:
            return LineResult(tx, amount, STATUS_OUT_OF_SCOPE)
        text = " ".join(str(line.get(k, "") or "") for k in
                        ("label", "remittance_info", "end_to_end_id"))
        docs = [d for d, exact in self._resolve_refs(text, day)[0] if exact]
        opens = [(d, self.open_at(d, day)) for d in docs]
        if docs and all(o > 0 for _, o in opens) and sum(o for _, o in opens) == amount:
            c = Candidate("reference", self.doc_customer[docs[0]], opens, 1.0,
                          "référence exacte et montant identique")
            return LineResult(tx, amount, STATUS_AUTO, c.customer_id, "référence", c,
                              explanation=c.explanation, booking_date=day)
        return LineResult(tx, amount, STATUS_UNMATCHED, explanation="pas de référence exacte "
                                                                    "au bon montant")

    def match_line(self, line) -> LineResult:
        """Match one bank line (a mapping with the ``bank_transactions`` columns)."""
        self._payer, self._known = "", False
        result = self._match(line)
        day = pd.Timestamp(line["booking_date"]).date()
        result.booking_date = day
        if self._payer and result.status != STATUS_AUTO and result.amount_cents > 0:
            # Kept 120 days: a part payment and its rest come within weeks of each other.
            self._unapplied[self._payer] = [
                x for x in self._unapplied[self._payer] if (day - x[0]).days <= _UNAPPLIED_DAYS
            ] + [(day, result.amount_cents, result)]
        elif result.status in (STATUS_SUGGESTION, STATUS_UNMATCHED) and result.amount_cents > 0:
            self._unplaced[result.amount_cents] = [
                x for x in self._unplaced[result.amount_cents] if (day - x[0]).days <= _UNAPPLIED_DAYS
            ] + [(day, result.amount_cents, result)]
        if result.status == STATUS_AUTO and result.chosen.completes:
            self._prove(result)
        if result.chosen is not None:
            granted = dict(x for x in (result.chosen.discount, result.chosen.fee) if x)
            result.settled = [d for d, c in result.chosen.allocations
                              if self.open_at(d, day) == c + granted.get(d, 0)]
        return result

    def _match(self, line) -> LineResult:
        cfg = self.config
        amount = int(line["amount_cents"])
        tx = str(line["bank_tx_id"])
        day = pd.Timestamp(line["booking_date"]).date()
        currency = str(line.get("currency", "") or cfg.currency)
        if currency != cfg.currency:
            return LineResult(tx, amount, STATUS_UNMATCHED,
                              explanation=f"devise {currency} : seuls les encaissements en "
                                          f"{cfg.currency} sont rapprochés ; à traiter à la main")
        text = " ".join(str(line.get(k, "") or "") for k in
                        ("label", "remittance_info", "end_to_end_id"))
        # The payer first: references are read among its own documents, so that a garbled
        # number that happens to be another customer's invoice is not applied to it.
        customers, method, strength, near = self._identify(line, set())
        # A learned rule may be a group's treasury paying for several customers: not a payer
        # whose own documents alone may be named.
        payers = customers if method != "règle apprise" and (
            strength > 0 or method in ("IBAN partagé", "nom porté par plusieurs clients")) else []
        if amount <= 0:
            refund = self._pass_refund(text, payers, amount, day) if amount < 0 else []
            if refund:
                return self._decide(tx, amount, payers, method, refund)
            return LineResult(tx, amount, STATUS_OUT_OF_SCOPE,
                              explanation="débit (frais, prélèvement, virement émis) : "
                                          "pas un règlement client")
        refs, typos, others = self._resolve_refs(text, day,
                                                 payers + self._paid_for(line) if payers else [])
        if not payers:
            ref_customers = {self.doc_customer[d] for d, _ in refs}
            customers, method, strength, near = self._identify(line, ref_customers)
        if len(customers) == 1 and strength > 0:
            self._payer = customers[0]
            self._known = strength >= 0.95 and method != "règle apprise"
        # The same transfer again (same documents, amount and payer within a few days): an
        # accounts-payable department paying twice, not a new payment to apply.
        payer = normalise_iban(line.get("counterparty_iban", "")) or \
            normalise_name(line.get("counterparty_name", ""))
        key = (frozenset(d for d, _ in refs), amount, payer)
        previous = self._seen.get(key)
        self._seen[key] = day
        again = previous if payer and previous is not None and 0 <= (day - previous).days <= 5 \
            else None
        if refs and again is not None:
            return self._decide(tx, amount, customers, method,
                                self._pass_duplicate(refs, amount, day, again))
        if refs and all(self.open_at(d, day) == 0 for d, _ in refs):
            # Everything the customer names is already settled: a second payment, not a
            # reason to take other items of the customer.
            return self._decide(tx, amount, customers, method,
                                self._pass_duplicate(refs, amount, day))
        candidates: list[Candidate] = []
        candidates += self._pass_advice(text, customers, amount, day)
        candidates += self._pass_references(refs, amount, day, text, typos)
        if others and not any(c.confidence >= cfg.auto_threshold for c in candidates):
            candidates += self._pass_other_customer(others, customers, amount, day)
        if any(c.pass_id == "avis" and c.confidence >= 0.95 for c in candidates):
            # The customer's own advice, every line followed, the total reconciled: it says
            # what the transfer pays better than a reference read in the label.
            candidates = [c for c in candidates if c.pass_id == "avis"]
        if any(c.confidence >= cfg.auto_threshold for c in candidates):
            pass  # a reference or an advice decides; the customer's other items are no rivals
        elif len(customers) == 1 and strength > 0:
            candidates += self._pass_customer(customers[0], strength, method, amount, day, text,
                                              again=again, named=bool(refs or others),
                                              sure=strength >= 0.95 and not (refs or others)
                                              and method != "règle apprise",
                                              cited=[d for d, _ in refs]
                                              if strength >= 0.95 and not (others or typos)
                                              and method != "règle apprise" else [])
        elif len(customers) > 1:
            # Among the customers the payer may be, the only one with an item whose balance this
            # amount makes with an earlier transfer left unapplied, to the cent: that one.
            items_of = {cid: self._customer_items(cid, day) for cid in customers}
            fits = {cid: self._balance_fits(cid, items, amount, day) for cid, items in items_of.items()}
            alone = sum(map(len, fits.values())) == 1 and again is None and not (refs or others)
            # Or the only one with an item whose next equal instalment is this amount, to the
            # cent, when none has an item of that amount: a payment plan followed.
            steps = {cid: [d for d, o in items
                           if o > amount and amount in self._next_instalments(d, o)]
                     for cid, items in items_of.items()}
            one_step = sum(map(len, steps.values())) == 1 and again is None \
                and self._distinctive(amount) and not (refs or others) \
                and not any(o == amount for items in items_of.values() for _, o in items)
            for cid in customers:
                candidates += self._pass_customer(cid, 0.85, method, amount, day, text,
                                                  sole=False, rest_of=alone and bool(fits[cid]),
                                                  step_of=one_step and bool(steps[cid]))
        strong = strength >= 0.98 and method != "règle apprise"
        best = max((c.confidence for c in candidates), default=0.0)
        if (not strong and best < cfg.auto_threshold) or best < cfg.suggestion_threshold * 1.5:
            # Look at the same amount elsewhere. A payer identified by IBAN or exact name keeps
            # its customer: other customers' items are then only hypotheses. A weak
            # identification (acronym, learned rule) confirmed by a unique amount is strong.
            found = self._pass_amount_only(amount, day, near if not candidates else [])
            if strong:
                for c in found:
                    c.confidence = min(c.confidence, 0.45)
            candidates += found
        if not candidates and refs:
            candidates += self._pass_duplicate(refs, amount, day)
        if self.rules is not None:
            payer = line.get("counterparty_name", "")
            candidates = [c for c in candidates
                          if not any(self.rules.rejected(payer, d) for d, _ in c.allocations)]
        return self._decide(tx, amount, customers, method, candidates)

    def _paid_for(self, line) -> list[str]:
        """Customers this payer is known to pay for (learned rules: a factor, a parent)."""
        if self.rules is None:
            return []
        return self.rules.customers_of(line.get("counterparty_name", ""),
                                       line.get("counterparty_iban", ""))

    def _resolve_refs(self, text: str, day: dt.date, payers=()):
        """Documents referenced in ``text``: ``(refs, typos, others)``.

        ``refs`` lists (doc id, exact) without duplicates. With ``payers`` known, a number is
        looked up among their documents only; when none has it, one of their open documents
        whose number is one plausible typo away is taken instead (``typos`` says how it was
        read) and the documents of other customers with that number go to ``others``.
        """
        own = set(payers)
        out, typos, others, seen = [], {}, [], set()
        for ref in self.numbering.read(text):
            docs = [d for d in self.by_key.get((ref.kind, ref.year, ref.number), ())
                    if self.doc_date[d] <= day]
            if own:
                mine = [d for d in docs if self.doc_customer[d] in own]
                if not mine:
                    others += [d for d in docs if d not in others]
                    near = self._typo_of(ref, own, day)
                    if len(near) == 1:
                        (doc, how), = near.items()
                        typos[doc] = f"« {ref.text} » lu comme {doc} ({how})"
                        mine = [doc]
                docs = mine
            if len(docs) > 1:  # mangled without year: keep the most recent one issued
                docs = [max(docs, key=lambda d: self.doc_date[d])]
            for d in docs:
                if d not in seen:
                    seen.add(d)
                    out.append((d, ref.exact and ref.text == d))
                    if ref.ocr and d not in typos:
                        typos[d] = f"« {ref.text} » lu comme {d} (lettre lue pour un chiffre)"
        others = [d for d in others if d not in seen]
        return out, typos, others

    def _typo_of(self, ref, customers, day) -> dict[str, str]:
        """Open documents of ``customers`` whose number the reference misspells (one typo)."""
        found = {}
        for cid in customers:
            for d in self.by_customer.get(cid, ()):
                kind, year, number = self.doc_number.get(d, ("", 0, ""))
                if not number or (ref.kind and ref.kind != kind) or \
                        (ref.year and year and ref.year != year) or self.open_at(d, day) == 0:
                    continue
                how = typo(ref.digits, number)
                if how and how != "zéros de tête":
                    found[d] = how
        return found

    def _pass_other_customer(self, others, customers, amount, day) -> list[Candidate]:
        """A reference to another customer's invoice: a suggestion only, never automatic (a
        garbled number often is someone else's document)."""
        payer = ", ".join(customers) or "inconnu"
        out = []
        for d in others[:3]:
            open_ = self.open_at(d, day)
            if open_ <= 0:
                continue
            cid = self.doc_customer[d]
            out.append(Candidate(
                "autre_client", cid, [(d, min(open_, amount))],
                PASSES["autre_client"][1] if open_ == amount else 0.4,
                f"référence {d} citée, mais c'est une facture d'un autre client : {cid} "
                f"({self.customer_name.get(cid, '')}), payeur identifié {payer} ; "
                + ("montant identique, " if open_ == amount else "")
                + "à vérifier avant d'imputer (numéro mal saisi ou paiement pour un tiers ?)",
                unapplied_cents=max(amount - open_, 0)))
        return out

    def _pass_refund(self, text, payers, amount, day) -> list[Candidate]:
        """A transfer to a customer refunding a credit note: the credit note it names, or the
        only open credit note of that amount of the identified customer."""
        refs, _, _ = self._resolve_refs(text, day, payers)
        named = [d for d, _ in refs if self.open_at(d, day) == amount]
        if named:
            d = named[0]
            return [Candidate("remboursement", self.doc_customer[d], [(d, amount)],
                              PASSES["remboursement"][1],
                              f"remboursement de l'avoir {d} cité dans le libellé, montant "
                              f"identique ({format_eur(-amount)})")]
        same = [d for cid in payers for d in self.by_customer.get(cid, ())
                if self.open_at(d, day) == amount]
        return [Candidate("remboursement", self.doc_customer[d], [(d, amount)],
                          0.92 if len(same) == 1 else 0.6,
                          f"virement de {format_eur(-amount)} au client "
                          f"{self.doc_customer[d]} : {'seul ' if len(same) == 1 else ''}avoir "
                          f"ouvert de ce montant ({d}), remboursement"
                          + ("" if len(same) == 1 else " possible, à confirmer"))
                for d in same[:3]] if len(payers) == 1 else []

    def _pass_advice(self, text, customers, amount, day) -> list[Candidate]:
        if not self.advices:
            return []
        tol = self.config.fee_tolerance_cents
        tokens = {re.sub(r"[^A-Z0-9]", "", t) for t in _ascii_upper(text).split()}
        ids = [a for t in tokens for a in self.advice_by_ref.get(t, ())]
        for cid in customers:
            ids += [a for a in self.advice_by_customer.get(cid, ())
                    if 0 <= self.advices[a]["total"] - amount <= tol]
        # Payer not identified: an advice of exactly this total names the customer itself.
        by_total = [a for a in self.advice_by_total.get(amount, ())
                    if self.advices[a]["date"] is None or abs((self.advices[a]["date"] - day).days) <= 20]
        if not customers and len(by_total) == 1:
            ids += by_total
        out = []
        for aid in dict.fromkeys(ids):
            adv = self.advices[aid]
            gap = adv["total"] - amount
            if not 0 <= gap <= tol or (adv["date"] is not None
                                       and abs((adv["date"] - day).days) > 20):
                continue
            found = self._advice_allocations(adv, day)
            if found is None:
                continue
            lines, notes, unknown = found
            if gap:  # bank or FX charges deducted by the payer, under the user's tolerance
                last = max(range(len(lines)), key=lambda i: lines[i][1])
                doc, cents = lines[last]
                lines[last] = (doc, cents - gap)
                notes.append(f"écart de {format_eur(gap)} entre l'avis et le virement : frais "
                             f"bancaires ou de change sous la tolérance, passés en charge sur {doc}")
            docs = ", ".join(d for d, _ in lines)
            when = f" du {format_date(adv['date'])}" if adv["date"] else ""
            left = sum(c for _, c in unknown)
            conf = PASSES["avis"][1] if not notes and not unknown else 0.95 if not unknown else 0.93
            explanation = (f"avis de paiement {aid}{when} : {len(lines)} pièce(s) ({docs})"
                           + (f", total identique {format_eur(amount)}" if not gap and not unknown else "")
                           + "".join(f" ; {n}" for n in notes)
                           + "".join(f" ; ligne « {t} » ({format_eur(c)}) non identifiée : "
                                     "montant laissé en attente d'affectation" for t, c in unknown))
            out.append(Candidate("avis", adv["customer_id"], lines, conf, explanation,
                                 unapplied_cents=left,
                                 fee=(lines[last][0], gap) if gap else None))
        return out

    def _advice_allocations(self, advice, day):
        """An advice followed line by line: ``(allocations, notes, unknown lines)``, or None
        when no line can be followed or a line names a settled or wrong-amount document.

        A line names an open document of the advice's customer (its id, or a reference in any
        numbering, one typo allowed when the amount is the document's); a line that names
        nothing known is identified by its amount when exactly one open item of the customer
        has it; otherwise it stays « non identifié ». An advice often gives an invoice's amount
        net of its credit note: the allocation then settles the invoice and the credit note,
        as the ledger will letter them.
        """
        cid = advice["customer_id"]
        out, notes, unknown, used = [], [], [], set()
        for text, c in advice["lines"]:
            d = text if text in self.open else None
            if d is None:
                refs, typos, _ = self._resolve_refs(text, day, [cid])
                refs = [x for x, _ in refs if x not in used]
                if len(refs) == 1 and (refs[0] not in typos or self.open_at(refs[0], day) == c):
                    d = refs[0]
                    if d in typos:
                        notes.append(typos[d])
            if d is None:
                unknown.append((text, c))
                continue
            open_ = self.open_at(d, day)
            credits = [(cn, self.open_at(cn, day)) for cn in self.credits_of.get(d, ())
                       if self.open_at(cn, day) < 0]
            if open_ == 0:
                return None
            if open_ == c or c < 0:
                out.append((d, c))
            elif credits and open_ + sum(v for _, v in credits) == c:
                out += [(d, open_)] + credits
            elif 0 < c < open_:
                out.append((d, c))  # partial or discounted, as the customer announces it
            else:
                return None
            used.update(x for x, _ in out)
        for text, c in list(unknown):
            same = [d for d, o in self._customer_items(cid, day) if o == c and d not in used]
            if len(same) == 1:
                unknown.remove((text, c))
                out.append((same[0], c))
                used.add(same[0])
                notes.append(f"ligne « {text} » sans numéro de facture connu : {same[0]} est la "
                             f"seule pièce ouverte du client de ce montant ({format_eur(c)})")
        return (out, notes, unknown) if out else None

    def _net_of_credits(self, doc: str, day: dt.date) -> list[tuple[str, int]]:
        """The invoice and its open credit notes, when it has any."""
        credits = [(cn, self.open_at(cn, day)) for cn in self.credits_of.get(doc, ())
                   if self.open_at(cn, day) < 0]
        return [(doc, self.open_at(doc, day))] + credits if credits else []

    def _discounted(self, doc: str, day: dt.date) -> list[int]:
        """Amounts the customer may pay for ``doc`` with the contractual early-payment discount."""
        cid = self.doc_customer[doc]
        if cid not in self.discount:
            return []
        pct, days = self.discount[cid]
        if (day - self.doc_date[doc]).days > days + self.config.discount_grace_days:
            return []
        open_ = self.open_at(doc, day)
        bases = {open_} | ({self.net[doc]} if doc in self.net else set())
        # pct % of the base rounded to the cent; ERPs round half up or half to even.
        rate = round(pct * 100)  # in 1/10 000
        amounts = set()
        for b in bases:
            q, r = divmod(b * rate, 10000)
            amounts.add(open_ - (q + (r >= 5000)))
            amounts.add(open_ - (q + (r > 5000 or (r == 5000 and q % 2 == 1))))
        return sorted(amounts)

    def _pass_references(self, refs, amount, day, text, typos) -> list[Candidate]:
        """Readings of the documents the text names; a number read through a typo is only
        trusted when the amount settles exactly what it names."""
        found = self._reference_readings(refs, amount, day, text)
        for c in found:
            misread = [typos[d] for d, _ in c.allocations if d in typos]
            if misread:
                # Every document named settled in full by the amount paid (a surplus of a few
                # euros at most, left unapplied), or by this amount and an earlier transfer of
                # the payer left unapplied, to the cent.
                settles = c.unapplied_cents <= 5000 and not (c.dispute or c.discount) and \
                    (all(self.open_at(d, day) == v for d, v in c.allocations)
                     or c.completes is not None)
                c.confidence = min(c.confidence, 0.93 if settles else 0.7)
                c.explanation += " ; " + " ; ".join(misread)
        return found

    def _reference_readings(self, refs, amount, day, text) -> list[Candidate]:
        # Invoices still due (> 0) and credit notes not yet used (< 0).
        open_refs = [(d, e) for d, e in refs
                     if self.open_at(d, day) * (-1 if d in self._linked else 1) > 0]
        if not open_refs:
            return []
        docs = [d for d, _ in open_refs]
        cust = self.doc_customer[docs[0]]
        if len({self.doc_customer[d] for d in docs}) > 1:
            return []  # references of several customers: leave it to the other passes
        exact = all(e for _, e in open_refs)
        pid = "reference" if exact else "reference_deformee"
        base = PASSES[pid][1]
        plural = "s" if len(docs) > 1 else ""
        label = (f"référence{plural} {', '.join(docs)} "
                 f"{'trouvée' if exact else 'déformée trouvée'}{plural} dans le libellé")
        opens = {d: self.open_at(d, day) for d in docs}
        # Credit notes issued against the named invoices are netted by the customer.
        credits = {c: self.open_at(c, day) for d in docs for c in self.credits_of.get(d, ())
                   if c not in opens and self.open_at(c, day) < 0}
        total = sum(opens.values())
        if total == amount:
            return [Candidate(pid, cust, list(opens.items()), base,
                              f"{label}, montant identique ({format_eur(amount)})")]
        net = total + sum(credits.values())
        many = "s" if len(credits) > 1 else ""
        netted = (f"{label} ; avoir{many} {', '.join(credits)} déduit{many} : {format_eur(total)} − "
                  f"{format_eur(total - net)} = {format_eur(net)}")
        if credits and net == amount:
            return [Candidate(pid, cust, list(opens.items()) + list(credits.items()), base - 0.01,
                              netted)]
        if credits and len(docs) > 1 and 100 <= amount - net <= 5000:
            # The cited invoices net of their credit notes and a few euros too many.
            return [Candidate("trop_percu", cust, list(opens.items()) + list(credits.items()),
                              min(base, PASSES["trop_percu"][1]) - 0.01,
                              f"{netted} ; trop-perçu de {format_eur(amount - net)} à rembourser "
                              "ou à imputer avec l'accord du client", unapplied_cents=amount - net)]
        if len(docs) > 1 and amount < total:
            subset = self._subsets(list(opens.items()), amount, limit=2)
            if len(subset) == 1:
                alloc = [(d, opens[d]) for d in subset[0]]
                return [Candidate(pid, cust, alloc, base - 0.02,
                                  f"{label} ; {len(alloc)} d'entre elles font exactement "
                                  f"{format_eur(amount)}")]
        if len(docs) == 1 and amount < total:
            doc = docs[0]
            if total - amount <= self.config.fee_tolerance_cents:
                return [Candidate(pid, cust, [(doc, amount)], base - 0.02,
                                  f"{label} ; écart de {format_eur(total - amount)} : frais "
                                  "bancaires ou de change sous la tolérance choisie, passés en charge",
                                  fee=(doc, total - amount))]
            if amount in self._discounted(doc, day):
                pct = self.discount[cust][0]
                return [Candidate("escompte", cust, [(doc, amount)], min(base, PASSES["escompte"][1]),
                                  f"{label} ; escompte de {pct:g} % déduit "
                                  f"({format_eur(opens[doc] - amount)}), payé dans le délai "
                                  "d'escompte du contrat", discount=(doc, opens[doc] - amount))]
            if credits and net < amount:
                alloc = list(opens.items()) + list(credits.items())
                return [Candidate("trop_percu", cust, alloc, min(base, PASSES["trop_percu"][1]),
                                  f"{label} ; avoir {', '.join(credits)} déduit ({format_eur(net)} dus) et trop-perçu "
                                  f"de {format_eur(amount - net)} à rembourser ou à imputer",
                                  unapplied_cents=amount - net)]
            discounted = [p for p in self._discounted(doc, day) if p < amount]
            if discounted:
                # The escompte lowers the price and its VAT alike: the discount on the amount
                # incl. VAT first; on the amount excl. VAT only (VAT kept) is the other reading.
                return [self._discount_and_surplus(cust, label, doc, opens[doc], amount, paid,
                                                   0.92 if paid == min(discounted) else 0.5)
                        for paid in sorted(discounted)]
            gap = opens[doc] - amount
            if _PENALTY.search(_ascii_upper(text)):
                return [Candidate("deduction", cust, [(doc, amount)],
                                  min(base, PASSES["deduction"][1]),
                                  f"{label} ; {format_eur(gap)} déduits comme pénalité : "
                                  "déduction d'office interdite (art. L441-17 C. com.), "
                                  "litige à ouvrir, pas de passage en perte",
                                  dispute=(doc, gap))]
            # The rest of the document after a transfer of this payer left unapplied: that one
            # was a part payment of it, applied as well.
            earlier = self._earlier_parts(cust, opens[doc], amount, day) \
                if self._payer == cust else []
            when, cents, prior = earlier[0] if len(earlier) == 1 else (None, 0, None)
            partial = Candidate("partiel_designe", cust, [(doc, amount)],
                                min(base, PASSES["partiel_designe"][1]),
                                f"{label} ; paiement partiel de {format_eur(amount)} sur "
                                f"{format_eur(opens[doc])} : imputé sur la pièce désignée par "
                                f"le client (art. 1342-10 C. civ.), reste dû {format_eur(gap)}"
                                + (f" ; avec {format_eur(cents)} reçus le {format_date(when)} "
                                   f"(ligne {prior.bank_tx_id}, non imputée"
                                   f"{self._unknown_then(cust, prior)}), il fait exactement le "
                                   f"solde : ce premier virement est un acompte sur {doc}, "
                                   "imputé aussi" if prior else ""),
                                completes=(prior, doc, cents) if prior else None)
            # A few euros above one equal instalment of the document: another reading, the
            # instalment and an overpayment, shown to whoever checks the line.
            return [partial] + [
                Candidate("trop_percu", cust, [(doc, p)], 0.5,
                          f"{label} ; échéance égale de {format_eur(p)} et trop-perçu de "
                          f"{format_eur(amount - p)}, à confirmer", unapplied_cents=amount - p)
                for p in sorted(self._next_instalments(doc, opens[doc]))
                if 100 <= amount - p <= min(5000, p // 20)]  # below 1 €: rounding
        if amount > total:
            # The label may cite only some of the invoices paid (« FA-… ET 3 AUTRES »):
            # look for the rest among the customer's other open items.
            others = [(d, o) for d, o in self._customer_items(cust, day) if d not in opens]
            rest = amount - total
            fills = [[d] for d, o in others if o == rest] or \
                self._subsets(others[: self.config.subset_max_items], rest, limit=2)
            fills = fills[:2]
            if fills and all(fills):
                od = dict(others)
                conf = base - 0.03 if len(fills) == 1 else 0.7
                return [Candidate("groupe", cust, list(opens.items()) + [(d, od[d]) for d in f],
                                  conf, f"{label} ; complétée{plural} par {', '.join(f)} du même "
                                  f"client pour faire exactement {format_eur(amount)}"
                                  + ("" if len(fills) == 1 else " ; autre combinaison possible"))
                        for f in fills]
            # A few euros too many (at most 50 €), not an uncited invoice.
            small = rest <= 5000 and rest * 2 <= total
            # Paid within the escompte's days: the discount taken as well, with a larger
            # surplus, is as likely.
            discounted = [(d, o, p) for d, o in opens.items() for p in self._discounted(d, day)
                          if len(opens) == 1 and p < o]
            over = [Candidate("trop_percu", cust, list(opens.items()),
                              min(base, PASSES["trop_percu"][1]) if small and not discounted
                              else 0.7,
                              f"{label} ; trop-perçu de {format_eur(rest)} à rembourser ou à "
                              "imputer avec l'accord du client"
                              + (" ; payé dans le délai d'escompte : escompte pris et "
                                 "trop-perçu plus grand possible, à confirmer"
                                 if small and discounted else ""), unapplied_cents=rest)]
            if not small:
                return self._run_and_surplus(cust, label, opens, others, amount, day, text) + \
                    over + self._reduced_fills(cust, label, opens, others, amount, day)
            return over + [self._discount_and_surplus(cust, label, d, o, amount, p, 0.5)
                           for d, o, p in discounted]
        taken = self._discount_combinations([(d, opens[d]) for d in docs], amount, day)
        if taken:
            return [Candidate("escompte", cust, alloc, 0.85 if len(taken) == 1 else 0.7,
                              f"{label} ; escompte contractuel déduit sur "
                              f"{', '.join(d for d, c in alloc if c != opens[d])}, somme exacte "
                              f"{format_eur(amount)} : à confirmer")
                    for alloc in taken]
        plan = self._instalments(docs, opens, amount)
        if plan:
            conf = base - 0.05 if len(plan) == 1 else 0.7
            return [Candidate("partiel_designe", cust, alloc, conf,
                              f"{label} ; échéancier : chaque pièce citée payée par une part "
                              "égale ou soldée ("
                              + ", ".join(f"{d} {format_eur(c)}"
                                          + (" soldée" if c == opens[d] else
                                             f" sur {format_eur(opens[d])}") for d, c in alloc)
                              + ")" + ("" if len(plan) == 1 else " ; autre découpage possible"))
                    for alloc in plan]
        # Several references, amount below their total: when only one cited document has a
        # balance larger than the gap, it is the one left partly unpaid (the others settled).
        penalty = bool(_PENALTY.search(_ascii_upper(text)))
        gap = total - amount
        carriers = [d for d in docs if opens[d] > gap]
        # A transfer of this customer left unapplied may have paid part of a cited document
        # that the ledger still shows in full: then the gap proves nothing.
        if len(carriers) == 1 and not self._transfer_waiting(cust, day):
            short = carriers[0]
            reading = [(x, opens[x] - gap if x == short else opens[x]) for x in docs]
            return [Candidate(
                "deduction" if penalty else "partiel_designe", cust, reading,
                min(base, PASSES["deduction" if penalty else "partiel_designe"][1]),
                f"{label} ; {format_eur(gap)} de moins que leur total : seule {short} a un solde "
                "plus grand que cet écart, les autres pièces citées sont soldées ; "
                + (f"{format_eur(gap)} retenus sur {short}, déduction d'office interdite "
                   "(art. L441-17 C. com.), litige à ouvrir" if penalty else
                   f"paiement partiel de {short} (art. 1342-10 C. civ.), reste dû {format_eur(gap)}"),
                dispute=(short, gap) if penalty else None)]
        # Otherwise follow the customer's order.
        alloc, rest = [], amount
        for d in docs:
            if rest <= 0:
                break
            part = min(rest, opens[d])
            alloc.append((d, part))
            rest -= part
        in_order = Candidate("partiel_designe", cust, alloc, 0.75,
                             f"{label} ; montant inférieur au total des pièces : imputé dans "
                             "l'ordre cité, à confirmer")
        # Other readings: every cited document paid in full but one, short paid (a penalty
        # withheld when the label says so, a partial payment otherwise).
        others = []
        for d in reversed(docs):
            part = amount - (total - opens[d])
            reading = [(x, part if x == d else opens[x]) for x in docs]
            if 0 < part < opens[d] and reading != alloc:
                others.append(Candidate(
                    "deduction" if penalty else "partiel_designe", cust, reading, 0.6,
                    f"{label} ; toutes payées sauf {d} : {format_eur(part)} sur "
                    f"{format_eur(opens[d])}" + (", litige à ouvrir (art. L441-17 C. com.)"
                                                 if penalty else "") + ", à confirmer",
                    dispute=(d, opens[d] - part) if penalty else None))
        return [in_order] + others

    def _transfer_waiting(self, cid: str, day: dt.date) -> bool:
        """Whether a transfer of ``cid`` was left unapplied in the last 120 days: it may have
        paid part of an item the ledger still shows in full."""
        return any(0 <= (day - when).days <= _UNAPPLIED_DAYS for when, _, _ in self._unapplied.get(cid, ()))

    def _rounded_down(self, doc: str, open_: int, part: int) -> bool:
        """Whether ``part`` is an equal instalment of ``doc`` rounded down to the cent (or the
        next one of a plan already started, which follows its own rounding)."""
        total = self.total.get(doc, open_)
        return total > open_ or any(part == total // k for k in (2, 3, 4))

    def _next_instalments(self, doc: str, open_: int, parts=(2, 3, 4),
                          last: bool = False) -> set[int]:
        """The next instalment of ``doc`` if it is paid in 2, 3 or 4 equal parts (rounded down
        or up to the cent), given what is already paid; the last one is the open amount
        (included with ``last``)."""
        total = self.total.get(doc, open_)
        paid = total - open_
        out = set()
        for k in parts:
            for part in {total // k, -(-total // k)}:
                if 0 < part < open_ and paid % part == 0 and paid // part < k - 1:
                    out.add(part)
                elif last and 0 < part and open_ > 0 and paid == (k - 1) * part:
                    out.add(open_)
        return out

    @staticmethod
    def _discount_and_surplus(cust, label, doc, open_, amount, paid, conf) -> Candidate:
        """``doc`` paid net of its early-payment discount, the rest of ``amount`` unapplied."""
        return Candidate("escompte", cust, [(doc, paid)], conf,
                         f"{label} ; escompte contractuel pris ({format_eur(open_ - paid)}) "
                         f"et trop-perçu de {format_eur(amount - paid)} à rembourser",
                         unapplied_cents=amount - paid, discount=(doc, open_ - paid))

    def _run_and_surplus(self, cust, label, opens, others, amount, day, text) -> list[Candidate]:
        """The cited invoices in full, the rest of the customer's payment run — open items
        falling due within 5 days of those cited, as many as the label announces (« ET 3
        AUTRES ») — and a surplus of 1 to 50 €: applied when one set of items only fits, and no
        set of the customer's items makes the amount to the cent."""
        dues = [self.doc_due[d] for d in opens]
        lo, hi = min(dues) - dt.timedelta(days=5), max(dues) + dt.timedelta(days=5)
        run = [(d, o) for d, o in others if o > 0 and lo <= self.doc_due[d] <= hi]
        announced = _MORE.search(_ascii_upper(text))
        count = int(announced.group(1)) if announced else 0
        rest = amount - sum(opens.values())
        sizes = (count or 1, count)
        exact = self._subsets(run, rest, limit=2, sizes=sizes)
        fills = exact or self._subsets(run, rest - 5000, limit=2, upper=rest - 100, sizes=sizes)
        if not exact and self._subsets(list(opens.items()) + others[: self.config.subset_max_items],
                                       amount, limit=1):
            return []  # a set of the customer's items makes the amount to the cent
        full = dict(run)
        out = []
        for f in filter(None, fills):
            surplus = rest - sum(full[d] for d in f)
            out.append(Candidate(
                "groupe" if exact else "trop_percu", cust,
                list(opens.items()) + [(d, full[d]) for d in f],
                PASSES["groupe" if exact else "trop_percu"][1] - 0.01 if len(fills) == 1 else 0.7,
                f"{label} ; complétée{'s' if len(opens) > 1 else ''} par {', '.join(f)}, du même "
                f"client et échue{'s' if len(f) > 1 else ''} à quelques jours d'elles (même "
                "campagne de paiement)" + ("" if len(fills) == 1 else ", à confirmer")
                + (f", pour faire exactement {format_eur(amount)}" if exact else
                   f" ; trop-perçu de {format_eur(surplus)} à rembourser ou à imputer avec "
                   "l'accord du client"), unapplied_cents=surplus))
        return out

    def _reduced_fills(self, cust, label, opens, others, amount, day) -> list[Candidate]:
        """The cited documents in full completed by one to four other items of the customer,
        some paid by their next instalment or net of the early-payment discount."""
        pool = [(d, o) for d, o in others[: self.config.subset_max_items] if o > 0]
        full = dict(pool)
        choices = [(d, (o, *sorted(self._next_instalments(d, o)
                                   | {c for c in self._discounted(d, day) if 0 < c < o})))
                   for d, o in pool]
        rest = amount - sum(opens.values())
        fills = [[(d, c)] for d, values in choices for c in values[1:] if c == rest]
        fills += self._small_groups(choices, rest, limit=2)
        fills = [f for f in fills if any(c != full[d] for d, c in f)][:2]
        return [Candidate("groupe", cust, list(opens.items()) + f,
                          0.8 if len(fills) == 1 else 0.6,
                          f"{label} ; complétée(s) par {', '.join(d for d, _ in f)} du même "
                          f"client (dont {', '.join(d for d, c in f if c != full[d])} en partie : "
                          f"échéance ou escompte) pour faire exactement {format_eur(amount)}, "
                          "à confirmer")
                for f in fills]

    def _discount_combinations(self, items, amount, day) -> list[list[tuple[str, int]]]:
        """Up to two allocations of all ``items`` (2 to 6 documents), each paid in full or net of
        its contractual early-payment discount, at least one discounted, summing to ``amount``."""
        if not 2 <= len(items) <= 6:
            return []
        options = [[(d, o)] + [(d, p) for p in self._discounted(d, day) if 0 < p < o]
                   for d, o in items]
        found = []
        for combo in itertools.product(*options):
            if sum(c for _, c in combo) == amount and list(combo) != items:
                found.append(list(combo))
                if len(found) == 2:
                    break
        return found

    def _instalments(self, docs, opens, amount) -> list[list[tuple[str, int]]]:
        """Allocations where each cited document receives one instalment of a plan in 2, 3 or 4
        equal parts (the last part takes the rounding) or its whole balance, at least one an
        instalment, summing exactly to ``amount``."""
        if not 2 <= len(docs) <= 6:
            return []
        found = []
        for k in (2, 3, 4):
            options = []
            for d in docs:
                total = self.total.get(d, opens[d])
                part = total // k
                # In full as well: a small invoice is not paid by instalments.
                choices = {part, total - (k - 1) * part, opens[d]}
                options.append(sorted(c for c in choices if 0 < c <= opens[d]))
            for combo in itertools.product(*options):
                if sum(combo) == amount and combo != tuple(opens[d] for d in docs):
                    alloc = list(zip(docs, combo))
                    if alloc not in found:
                        found.append(alloc)
        # Readings that differ by a rounding cent: what each document has already received
        # tells which instalment comes next.
        follow = [alloc for alloc in found
                  if all(c in self._next_instalments(d, opens[d], last=True) for d, c in alloc)]
        return follow if len(found) > 1 and len(follow) == 1 else found[:2]

    def _customer_items(self, cid: str, day: dt.date) -> list[tuple[str, int]]:
        items = []
        for d in self.by_customer.get(cid, ()):
            o = self.open_at(d, day)
            if o != 0:
                items.append((d, o))
        return items

    def _pass_customer(self, cid, strength, method, amount, day, text,
                       sole=True, again: dt.date | None = None,
                       sure: bool = False, named: bool = False,
                       cited: list[str] = (), rest_of: bool = False,
                       step_of: bool = False) -> list[Candidate]:
        """Readings among the open items of customer ``cid`` (``again``: the day the payer
        already sent this amount, naming nothing, a few days ago; ``sure``: the payer is
        identified with certainty, not by a learned rule that a group's treasury may share, and
        the line names no document — only then may a reading without exact amount be applied,
        or, for the only customer the payer may be (``sole``) naming no document (``named``),
        a reading to the cent that confirms it; ``cited``: the documents the line names, read
        exactly, its payer identified with the same certainty; ``rest_of``: of the customers the
        payer may be, the only one whose item this amount pays the rest of, see
        :meth:`_balance_after_unapplied`; ``step_of``: the only one with an item whose next
        equal instalment this amount is, none having an item of that amount)."""
        items = self._customer_items(cid, day)
        if not items:
            return []
        who = f"client {cid} ({self.customer_name.get(cid, '')}) identifié par {method}"
        found = self._customer_exact(cid, items, who, strength, amount, day, sole)
        if any(c.confidence >= self.config.auto_threshold for c in found):
            return found
        # No reading proven: the other readings of a payment that names nothing are ranked
        # for the reviewer, the most specific first.
        return found + self._customer_readings(cid, items, who, strength, amount, day, text,
                                               exact_found=bool(found), again=again,
                                               sure=sure, sole=sole and not named, cited=cited,
                                               rest_of=rest_of, step_of=step_of)

    def _customer_exact(self, cid, items, who, strength, amount, day,
                        sole=True) -> list[Candidate]:
        """Readings where the amount is exactly that of the customer's items: one item, an
        invoice net of its credit note, a discount within terms, a group of items (``sole``:
        the only customer the payer may be)."""
        same = [(d, o) for d, o in items if o == amount]
        if same:
            conf = PASSES["montant_client"][1] * strength
            if len(same) > 1:
                conf = min(conf, 0.7)  # several items of that amount: the oldest is a guess
            d = same[0][0]
            extra = (f" ; {len(same)} pièces de ce montant, la plus ancienne échéance proposée"
                     if len(same) > 1 else "")
            return [Candidate("montant_client", cid, [(d, amount)], conf,
                              f"{who} ; {d} de montant identique ({format_eur(amount)}){extra}")]
        netted = [n for n in (self._net_of_credits(d, day) for d, o in items if o > 0) if n
                  and sum(v for _, v in n) == amount]
        if netted:
            conf = PASSES["montant_client"][1] * strength
            return [Candidate("montant_client", cid, n, conf if len(netted) == 1 else min(conf, 0.7),
                              f"{who} ; {n[0][0]} ({format_eur(n[0][1])}) moins "
                              f"l'avoir {', '.join(d for d, _ in n[1:])} = {format_eur(amount)}")
                    for n in netted]
        out = []
        for d, o in items:
            if amount in self._discounted(d, day):
                out.append(Candidate("escompte_client", cid, [(d, amount)],
                                     PASSES["escompte_client"][1] * strength,
                                     f"{who} ; {d} ({format_eur(o)}) moins l'escompte "
                                     f"contractuel de {self.discount[cid][0]:g} %",
                                     discount=(d, o - amount)))
        if len(out) == 1:
            return out
        if len(out) > 1:
            for c in out:
                c.confidence = min(c.confidence, 0.7)
            return out
        pool = items[: self.config.subset_max_items]
        found = self._subsets(pool, amount, limit=3)
        unproven = [] in found  # search cut short before proving the group is the only one
        solutions = [sol for sol in found if sol]
        coherent = [sol for sol in solutions if self._coherent(sol)]
        if len(coherent) == 1 and len(solutions) > 1 and not unproven:
            solutions = coherent  # a credit note goes with the invoice it corrects
        if not solutions:
            return []
        opens = dict(pool)
        conf = PASSES["groupe"][1] * strength
        if len(solutions) > 1 or unproven:
            conf = min(conf, 0.7)
        elif sole and strength >= 0.85:
            # Several items summing to the cent, and no other group of them: this confirms a
            # payer read from its acronym or a close name, when no other customer is possible.
            conf = max(conf, self.config.auto_threshold + 0.01)
        return [Candidate("groupe", cid, [(d, opens[d]) for d in sol], conf,
                          f"{who} ; {len(sol)} pièces ({', '.join(sol)}) dont la somme "
                          f"fait exactement {format_eur(amount)}"
                          + ("" if len(solutions) == 1 else
                             " ; une autre combinaison existe : à confirmer"))
                for sol in solutions]

    def _customer_readings(self, cid, items, who, strength, amount, day, text,
                           exact_found=False, again=None, sure=False,
                           sole=True, cited=(), rest_of=False, step_of=False) -> list[Candidate]:
        """Hypotheses for a payment of the customer that matches no item exactly, ranked: an
        equal instalment of one item (payment plan), a penalty withheld, a small overpayment,
        the legal imputation (art. 1342-10), items paid partly by an instalment or net of the
        discount, then a part payment of one of the oldest items."""
        # Two transfers making a balance to the cent confirm a payer read from its acronym or a
        # learned rule, as an exact amount does.
        out = self._balance_after_unapplied(cid, items, who, amount, day,
                                            (sure or sole or rest_of) and again is None)
        bigger = [(d, o) for d, o in items if o > amount]  # legal order: oldest due first
        plan = [(d, o) for d, o in bigger if amount in self._next_instalments(d, o)]
        # The next equal instalment of one item to the cent, and of no other, from a payer
        # identified with certainty: the customer is following a payment plan.
        # Applied only for a payer sure (see _pass_customer), not sending the same amount again,
        # without a penalty in the label; an instalment to the cent confirms a payer read from
        # its acronym or a learned rule when no item has the exact amount.
        plain = again is None and not _PENALTY.search(_ascii_upper(text))
        payer_sure, sure = sure, sure and plain
        certain = len(plan) == 1 and (sure or ((sole or step_of) and plain and not exact_found))
        if again is not None:
            out.append(Candidate("doublon", cid, [], PASSES["doublon"][1],
                                 f"{who} ; même montant déjà reçu de ce payeur le "
                                 f"{format_date(again)} : paiement en double possible, à "
                                 "vérifier avant d'imputer", unapplied_cents=amount))
        for d, o in plan:
            out.append(Candidate("echeance_client", cid, [(d, amount)],
                                 0.92 if certain else
                                 (PASSES["echeance_client"][1] if len(plan) == 1 else 0.65)
                                 * strength,
                                 f"{who} ; {format_eur(amount)} est exactement une échéance "
                                 f"égale de {d} ({format_eur(self.total.get(d, o))}), reste dû "
                                 f"{format_eur(o - amount)}"
                                 + (" ; seule pièce du client dont c'est l'échéance suivante"
                                    if certain else " : à confirmer")))
        if not plan and not exact_found:  # a reading of exact amounts exists already
            out += self._reduced_groups(cid, items, who, strength, amount, day, sure)
        if _PENALTY.search(_ascii_upper(text)):
            # A penalty withheld is a few % of the invoice excl. VAT (up to 10 % here): the
            # invoice whose gap is closest to 4,5 % of it first.
            base = {d: self.net.get(d) or o for d, o in bigger}
            deducted = sorted(((d, o) for d, o in bigger if o - amount <= 0.1 * base[d]),
                              key=lambda x: abs((x[1] - amount) / base[x[0]] - 0.045))
            # Only one item the amount can be that item less 10 % at most, the payer surely
            # identified, not an amount already received: that item, the gap contested.
            alone = len(deducted) == 1 and again is None and payer_sure and not exact_found
            for rank, (d, o) in enumerate(deducted[:3]):
                out.append(Candidate("deduction", cid, [(d, amount)],
                                     0.92 if alone else (0.62 - 0.02 * rank) * strength,
                                     f"{who} ; libellé de pénalité : {d} ({format_eur(o)}) payée "
                                     f"moins {format_eur(o - amount)}"
                                     + (" (seule pièce ouverte dont le montant moins 10 % au plus "
                                        "fait ce virement)" if alone else "")
                                     + ", litige à ouvrir (art. L441-17 C. com.)",
                                     dispute=(d, o - amount)))
        over = sorted(((d, o) for d, o in items if 0 < o < amount <= o + max(5000, o // 50)),
                      key=lambda x: amount - x[1])
        # One item only a few euros below the amount (at most 50 €), the payer surely
        # identified, not within the escompte's days (the discount taken with a larger surplus
        # is as likely), and either no item above the amount (so not a part payment of a
        # larger one) or no older item still awaited (the legal order, art. 1342-10, points to
        # it too): that item is paid and the surplus waits in unapplied cash.
        close = [(d, o) for d, o in over if amount - o <= 5000]
        # A reading to the cent (an instalment, items net of the discount) beats a surplus.
        to_the_cent = exact_found or any(sum(c for _, c in x.allocations) == amount for x in out)
        single = len(close) == 1 and not to_the_cent and sure \
            and self.total.get(close[0][0]) == close[0][1] \
            and not self._discounted(close[0][0], day) \
            and not (bigger and self._awaited_before(cid, items, close[0][0], day))
        for d, o in over[:2]:
            certain = single and d == close[0][0]
            out.append(Candidate("trop_percu", cid, [(d, o)], 0.91 if certain else 0.6 * strength,
                                 f"{who} ; {d} ({format_eur(o)}) payée avec un trop-perçu de "
                                 f"{format_eur(amount - o)}"
                                 + (" (seule pièce ouverte juste en dessous du montant"
                                    + (", aucune pièce échue avant elle encore attendue" if bigger
                                       else "")
                                    + "), laissé en compte d'attente pour remboursement ou "
                                    "imputation" if certain else ", à confirmer"),
                                 unapplied_cents=amount - o))
        # Paid within the escompte's days, a few euros (at most 50 €) above one item net of its
        # discount and below its full amount (not that item in full with a surplus), no item
        # just below the amount: the discount taken, the surplus unapplied — for a payer surely
        # identified.
        netted = [(d, o, min(ps)) for d, o in items if o > amount
                  for ps in [[p for p in self._discounted(d, day) if 0 < amount - p <= 5000]]
                  if ps]
        if len(netted) == 1 and not close and not to_the_cent:
            d, o, p = netted[0]
            found = self._discount_and_surplus(cid, f"{who} ; {d} ({format_eur(o)})", d, o,
                                               amount, p, 0.91 if sure else 0.55 * strength)
            found.explanation += (" ; payé dans le délai d'escompte, seule pièce dont le montant "
                                  "net d'escompte est juste en dessous du montant reçu"
                                  + ("" if sure else ", à confirmer"))
            out.append(found)
        # The oldest items paid in full and a few euros more (at most 50 €): the legal order
        # and a small overpayment read together, for a payer surely identified — naming
        # nothing, or naming only some of those items (a label cut, a factor citing the first).
        owed = [(d, o) for d, o in items if o > 0]
        cumulated = list(itertools.accumulate(o for _, o in owed))
        firsts = [k for k, c in enumerate(cumulated, start=1) if k >= 2 and 0 < amount - c <= 5000]
        if len(firsts) == 1:
            paid = owed[: firsts[0]]
            surplus = amount - cumulated[firsts[0] - 1]
            among = bool(cited) and plain and set(cited) <= {d for d, _ in paid}
            certain = (sure or among) and not to_the_cent and \
                all(self.total.get(d) == o for d, o in paid)
            out.append(Candidate("trop_percu", cid, paid, 0.91 if certain else 0.6 * strength,
                                 f"{who} ; les {len(paid)} pièces les plus anciennes "
                                 f"({', '.join(d for d, _ in paid)}"
                                 + (f", dont {', '.join(cited)} citée{'s' if len(cited) > 1 else ''}"
                                    " dans le libellé" if among else "")
                                 + ") payées en totalité "
                                 f"(art. 1342-10 C. civ.) et trop-perçu de {format_eur(surplus)}"
                                 + (", laissé en compte d'attente pour remboursement ou imputation"
                                    if certain else ", à confirmer"),
                                 unapplied_cents=surplus))
        total = sum(o for _, o in items if o > 0)
        if amount >= total:
            alloc = [(d, o) for d, o in items if o > 0]
            return out + [Candidate("trop_percu", cid, alloc, 0.6 * strength,
                                    f"{who} ; montant supérieur à tout l'encours "
                                    f"({format_eur(total)}) : trop-perçu de "
                                    f"{format_eur(amount - total)}", unapplied_cents=amount - total)]
        alloc, rest = [], amount
        for d, o in items:  # sorted by due date: art. 1342-10, oldest due debt first
            if o <= 0 or rest <= 0:
                continue
            part = min(rest, o)
            alloc.append((d, part))
            rest -= part
        out.append(Candidate("imputation_legale", cid, alloc,
                             PASSES["imputation_legale"][1] * strength,
                             f"{who} ; aucune pièce désignée : imputation sur les dettes échues "
                             "les plus anciennes (art. 1342-10 C. civ.), à confirmer"))
        # Other readings a human will check: a part payment of one of the oldest items.
        named = {d for d, _ in plan}
        out += [Candidate("acompte", cid, [(d, amount)], PASSES["acompte"][1],
                          f"{who} ; peut-être un acompte sur {d} ({format_eur(o)}, "
                          f"échéance {format_date(self.doc_due[d])})")
                for d, o in bigger if d not in named][: self.config.max_hypotheses]
        return out

    def _awaited_before(self, cid, items, doc, day) -> bool:
        """Whether an open item of ``cid`` fell due before ``doc`` and is still awaited: due
        already, and not left behind by the customer (an item due after it already settled
        means the customer held it back — a dispute, a lost invoice)."""
        settled = [self.doc_due[d] for d in self.by_customer.get(cid, ())
                   if self.open.get(d) == 0 and self.total.get(d, 0) > 0
                   and self.doc_due[d] <= day and self.doc_date[d] <= day]
        latest = max(settled, default=None)
        return any(self.doc_due[d] < self.doc_due[doc] and self.doc_due[d] <= day
                   and (latest is None or self.doc_due[d] >= latest)
                   for d, o in items if o > 0)

    def _balance_after_unapplied(self, cid, items, who, amount, day,
                                 confirmed) -> list[Candidate]:
        """An item whose balance is exactly this amount plus a transfer of the same payer left
        unapplied in the last 120 days: that transfer paid part of it, this one the rest —
        applied (both) when only one item and transfer fit and the payer is ``confirmed``
        (identified with certainty, or the only customer it may be, naming no document)."""
        fits = self._balance_fits(cid, items, amount, day)
        certain = confirmed and len(fits) == 1
        return [Candidate("solde_client", cid, [(d, amount)],
                          PASSES["solde_client"][1] if certain else 0.75,
                          f"{who} ; {format_eur(cents)} reçus le {format_date(when)} (ligne "
                          f"{prior.bank_tx_id}, non imputée{self._unknown_then(cid, prior)}) + "
                          f"{format_eur(amount)} = solde de {d} "
                          f"({format_eur(o)}) : ce virement en paie le reste, le premier est "
                          f"un acompte sur {d}" + (", imputé aussi" if certain else ", à confirmer"),
                          completes=(prior, d, cents) if certain else None)
                for d, o, when, cents, prior in fits[:2]]

    def _balance_fits(self, cid, items, amount, day) -> list[tuple]:
        """(item, balance, booking day, amount, result) of each earlier transfer left unapplied
        that makes an item's balance of ``cid`` with ``amount``."""
        if not (self._unapplied.get(cid) or
                (self._unplaced and self._known and self._payer == cid)):
            return []
        return [(d, o, *x) for d, o in items if o > amount
                for x in self._earlier_parts(cid, o, amount, day)]

    def _earlier_parts(self, cid, balance, amount, day) -> list[tuple[dt.date, int, LineResult]]:
        """Transfers of payer ``cid`` left unapplied in the last 120 days that make ``balance``
        with ``amount``: (booking day, amount, result of that line)."""
        own = [(when, cents, prior) for when, cents, prior in self._unapplied.get(cid, ())
               if 0 <= (day - when).days <= _UNAPPLIED_DAYS and cents + amount == balance]
        # A transfer whose payer was not known then (a cut name, no IBAN): to the cent too,
        # when this one's payer is identified with certainty.
        if not (self._known and self._payer == cid):
            return own
        return own + [(when, cents, prior) for when, cents, prior
                      in self._unplaced.get(balance - amount, ())
                      if 0 <= (day - when).days <= _UNAPPLIED_DAYS and prior.status != STATUS_AUTO]

    def _unknown_then(self, cid, prior) -> str:
        """Note for an earlier transfer whose payer was not surely identified."""
        return "" if any(x[2] is prior for x in self._unapplied.get(cid, ())) else \
            ", payeur alors non identifié"

    def _reduced_groups(self, cid, items, who, strength, amount, day,
                        sure=False) -> list[Candidate]:
        """Two to four items paid in one transfer, some of them by their next instalment or net
        of the contractual early-payment discount — applied when the payer is ``sure``, the
        amount distinctive, the combination of two or three items the only one, and the
        customer already paying one of its items by equal instalments (a plan it follows)."""
        pool = [(d, o) for d, o in items[: self.config.subset_max_items] if o > 0]
        opens = dict(pool)
        reduced = {d: {**{c: "échéance égale" for c in self._next_instalments(d, o)},
                       **{c: "escompte" for c in self._discounted(d, day) if 0 < c < o}}
                   for d, o in pool}
        choices = [(d, (o, *sorted(reduced[d]))) for d, o in pool]
        found = [sol for sol in self._small_groups(choices, amount, limit=2)
                 if any(c != opens[d] for d, c in sol)]  # all items in full: a plain group
        # Less specific than one instalment: ranked after the legal imputation.
        conf = (0.55 if len(found) == 1 else 0.5) * strength
        on_plan = any(o < self.total.get(d, o) and self._next_instalments(d, o) for d, o in pool)
        # Four items make too many sums: a match to the cent there may be chance.
        followed = len(found) == 1 and len(found[0]) <= 3 and sure and on_plan \
            and self._distinctive(amount) and all(
                reduced[d][c] == "échéance égale" for d, c in found[0] if c != opens[d])
        if followed:
            # Two instalments in one sum may trade a rounding cent: read with the usual rule
            # (each part rounded down, the last one takes the rest), one combination only.
            cuts = [[v for v in (c, *reduced[d]) if self._rounded_down(d, opens[d], v)]
                    if c != opens[d] else [c] for d, c in found[0]]
            followed = sum(sum(x) == amount for x in itertools.product(*map(set, cuts))) == 1 \
                and all(self._rounded_down(d, opens[d], c) for d, c in found[0] if c != opens[d])
        if followed:
            conf = 0.91
        out = []
        for sol in found:
            how = ", ".join(f"{d} ({reduced[d][c]})" for d, c in sol if c != opens[d])
            discount_only = all(reduced[d][c] == "escompte" for d, c in sol if c != opens[d])
            out.append(Candidate("escompte_client" if discount_only else "echeance_client", cid,
                                 sol, conf, f"{who} ; {len(sol)} pièces "
                                 f"({', '.join(d for d, _ in sol)}) dont {how}, somme exacte "
                                 f"{format_eur(amount)}" + (
                                     " ; seule combinaison, et le client règle déjà une pièce "
                                     "par échéances égales" if followed else " : à confirmer")))
        return out

    @staticmethod
    def _small_groups(choices: list[tuple[str, tuple[int, ...]]], target: int,
                      limit: int) -> list[list[tuple[str, int]]]:
        """Up to ``limit`` + 1 selections of 2 to 4 items, each taking one of its amounts (all
        positive), that sum to ``target``, items in the order given.

        Every pair of amounts is summed and sorted once; three items are one amount plus a pair,
        four are two pairs, found by binary search. The search is exhaustive (no budget to run
        out) at a cost quadratic in the number of amounts.
        """
        entries = [(i, v) for i, (_, values) in enumerate(choices) for v in values if v < target]
        if len(entries) < 2:
            return []
        item = np.array([i for i, _ in entries])
        value = np.array([v for _, v in entries], dtype=np.int64)
        first, second = np.triu_indices(len(entries), 1)
        keep = (item[first] != item[second]) & (value[first] + value[second] <= target)
        first, second = first[keep], second[keep]
        sums = value[first] + value[second]
        order = np.argsort(sums, kind="stable")
        first, second, sums = first[order], second[order], sums[order]
        found: list[list[tuple[str, int]]] = []

        def add(*picked) -> bool:
            sol = [(choices[item[e]][0], int(value[e])) for e in picked]
            if sol not in found:
                found.append(sol)
            return len(found) > limit

        def pairs_of(totals):
            return (np.searchsorted(sums, totals, "left"), np.searchsorted(sums, totals, "right"))

        lo, hi = pairs_of(np.array([target]))
        for p in range(lo[0], hi[0]):
            if add(first[p], second[p]):
                return found
        lo, hi = pairs_of(target - value)
        for e in np.flatnonzero(hi > lo):
            for p in range(lo[e], hi[e]):
                if item[e] < item[first[p]] and add(e, first[p], second[p]):
                    return found
        half = np.flatnonzero(2 * sums <= target)
        lo, hi = pairs_of(target - sums[half])
        for n in np.flatnonzero(hi > lo):
            p = half[n]
            for q in range(lo[n], hi[n]):
                if item[second[p]] < item[first[q]]:
                    picked = (first[p], second[p], first[q], second[q])
                elif item[second[q]] < item[first[p]]:
                    picked = (first[q], second[q], first[p], second[p])
                else:
                    continue  # the two pairs share or interleave items
                if add(*picked):
                    return found
        return found

    def _coherent(self, docs: list[str]) -> bool:
        """No credit note in ``docs`` without the invoice it corrects."""
        chosen = set(docs)
        return all(self._linked.get(d, d) in chosen for d in docs)

    def _pass_amount_only(self, amount, day, near) -> list[Candidate]:
        """Payer unknown: open items of exactly this amount (or this amount after discount)."""
        out = []
        docs = [(d, amount) for d in self.by_amount.get(amount, ())
                if self.open_at(d, day) == amount]
        docs += [(d, amount) for d in self.by_discount_amount.get(amount, ())
                 if amount in self._discounted(d, day) and (d, amount) not in docs]
        # One item in the whole ledger with this exact amount, to the cent, and not a round
        # figure: strong evidence even without the payer's name (a round amount is not).
        conf = (self.config.amount_only_confidence if len(docs) == 1 and self._distinctive(amount)
                else PASSES["montant_seul"][1] if len(docs) == 1 else 0.35)
        for d, paid in docs[: self.config.max_hypotheses]:
            cid = self.doc_customer[d]
            disc = "" if self.open_at(d, day) == paid else " après escompte contractuel"
            out.append(Candidate("montant_seul", cid, [(d, paid)], conf,
                                 f"{d} du client {cid} ({self.customer_name.get(cid, '')}) est "
                                 f"la seule pièce ouverte de ce montant{disc} "
                                 f"({format_eur(amount)}) ; payeur non identifié "
                                 "(maison mère, affactureur, libellé tronqué ?)"
                                 if len(docs) == 1 else
                                 f"{d} du client {cid} ({self.customer_name.get(cid, '')}) a ce "
                                 f"montant{disc}, comme {len(docs) - 1} autre(s) pièce(s)"))
        # An equal instalment (2, 3 or 4 parts) of a single invoice of the ledger: a hypothesis.
        plan = list(dict.fromkeys(
            d for k in (2, 3, 4) for t in range(k * amount - k + 1, k * amount + k)
            for d in self.by_total.get(t, ())
            if amount in self._next_instalments(d, self.open_at(d, day))))
        for d in plan[:3]:
            cid = self.doc_customer[d]
            out.append(Candidate("echeance_client", cid, [(d, amount)], 0.6 if len(plan) == 1 else 0.4,
                                 f"{format_eur(amount)} est exactement une échéance égale de {d} "
                                 f"({format_eur(self.total[d])}) du client {cid} "
                                 f"({self.customer_name.get(cid, '')}) ; payeur non identifié, "
                                 "à confirmer"))
        for cid, score in near[:2]:
            items = self._customer_items(cid, day)
            if items:
                out.append(Candidate("payeur_ressemblant", cid, [], PASSES["payeur_ressemblant"][1],
                                     f"nom du payeur proche de {self.customer_name.get(cid, '')} "
                                     f"({score:.0f} %) : {len(items)} pièce(s) ouvertes"))
        return out

    def _distinctive(self, amount: int) -> bool:
        """Not a round figure (whole hundreds of euros), nor a small one: an amount that points
        to one document to the cent rather than by chance."""
        return amount % 10000 != 0 and amount >= self.config.amount_only_min_cents

    def _pass_duplicate(self, refs, amount, day, previous=None) -> list[Candidate]:
        docs = ", ".join(d for d, _ in refs)
        cid = self.doc_customer[refs[0][0]]
        why = (f"même virement déjà reçu le {format_date(previous)}" if previous is not None
               else f"{docs} déjà soldée(s)")
        return [Candidate("doublon", cid, [], PASSES["doublon"][1],
                          f"{why} : paiement en double probable de {format_eur(amount)} "
                          f"({docs}), à rembourser ou à imputer avec l'accord du client",
                          unapplied_cents=amount)]

    # -- subset sums ------------------------------------------------------------------------
    def _subsets(self, items: list[tuple[str, int]], target: int, limit: int,
                 upper: int | None = None, sizes: tuple[int, int] = (2, 0)) -> list[list[str]]:
        """Up to ``limit`` sets of items (``sizes``: fewest and most, 0 for any number, at
        least 2 by default) whose open amounts sum to ``target`` (or, given ``upper``, fall
        between ``target`` and ``upper``).

        Depth-first with bounds (credit notes are negative) and a node budget. When the budget
        runs out after one solution, an empty second solution is returned: the search could not
        prove that the first one is the only one.
        """
        upper = target if upper is None else upper
        fewest, most = sizes[0], sizes[1] or len(items)
        if len(items) < fewest:
            return []
        values = [o for _, o in items]
        n = len(values)
        pos_rest, neg_rest = [0] * (n + 1), [0] * (n + 1)
        for i in range(n - 1, -1, -1):
            pos_rest[i] = pos_rest[i + 1] + max(values[i], 0)
            neg_rest[i] = neg_rest[i + 1] + min(values[i], 0)
        found: list[list[str]] = []
        budget = [self.config.subset_node_budget]
        chosen: list[int] = []

        def dfs(i: int, total: int) -> None:
            if len(found) >= limit or budget[0] <= 0:
                return
            budget[0] -= 1
            if i == n or total + pos_rest[i] < target or total + neg_rest[i] > upper \
                    or len(chosen) >= most:
                return
            chosen.append(i)
            # A set is recorded when its last item is taken, not again on every branch that
            # skips the items after it (the same set twice would read as an ambiguity).
            if target <= total + values[i] <= upper and len(chosen) >= fewest:
                found.append([items[k][0] for k in chosen])
            dfs(i + 1, total + values[i])
            chosen.pop()
            dfs(i + 1, total)

        dfs(0, 0)
        if budget[0] <= 0 and len(found) == 1:
            found.append([])
        return found

    # -- decision ----------------------------------------------------------------------------
    def _decide(self, tx, amount, customers, method, candidates) -> LineResult:
        cfg = self.config
        real = [c for c in candidates if c.allocations or c.unapplied_cents]
        kept: dict[tuple, Candidate] = {}
        for c in sorted(real, key=lambda c: -c.confidence):
            key = tuple(sorted(c.allocations))
            if key not in kept:
                kept[key] = c
            elif c.pass_id != kept[key].pass_id and c.allocations:
                # Two passes reach the same allocation: say both, it is more convincing.
                kept[key].explanation += f" ; confirmé par : {c.explanation}"
        unique = list(kept.values())
        hyps = unique + [c for c in candidates if not (c.allocations or c.unapplied_cents)]
        cid = customers[0] if len(customers) == 1 else ""
        if not unique:
            reason = ("plusieurs clients possibles ; " if len(customers) > 1 else "") + \
                ("aucune pièce ouverte ne correspond" if customers else "payeur non identifié")
            return LineResult(tx, amount, STATUS_UNMATCHED, cid, method, None,
                              hyps[: cfg.max_hypotheses], reason)
        best = unique[0]
        rival = unique[1] if len(unique) > 1 else None
        status = (STATUS_AUTO if best.confidence >= cfg.auto_threshold else
                  STATUS_SUGGESTION if best.confidence >= cfg.suggestion_threshold else
                  STATUS_UNMATCHED)
        explanation = best.explanation
        if rival is not None and (rival.confidence >= cfg.auto_threshold
                                  or rival.confidence >= best.confidence - 0.05):
            if status == STATUS_AUTO:
                status = STATUS_SUGGESTION
            explanation = "ambigu : " + explanation + f" ; autre possibilité : {rival.explanation}"
        if status == STATUS_UNMATCHED:
            return LineResult(tx, amount, status, best.customer_id or cid, method, None,
                              unique[: cfg.max_hypotheses], "hypothèses seulement : " + explanation)
        return LineResult(tx, amount, status, best.customer_id, method, best,
                          hyps[1: cfg.max_hypotheses + 1], explanation)


# ----------------------------------------------------------------------------- batch API

@dataclass
class MatchResult:
    """What the engine proposes for a batch of bank lines."""

    results: list[LineResult]

    @property
    def lines(self) -> pd.DataFrame:
        """One row per bank line: status, pass, confidence, applied / unapplied, explanation."""
        rows = []
        for r in self.results:
            c = r.chosen
            applied = sum(a for _, a in c.allocations) if c else 0
            rows.append({
                "bank_tx_id": r.bank_tx_id, "amount_cents": r.amount_cents, "status": r.status,
                "customer_id": r.customer_id, "customer_method": r.customer_method,
                "pass": c.pass_id if c else "", "confidence": round(c.confidence, 3) if c else 0.0,
                "documents": ", ".join(d for d, _ in c.allocations) if c else "",
                "applied_cents": applied if r.status == STATUS_AUTO else 0,
                "unapplied_cents": (r.amount_cents - applied if r.status == STATUS_AUTO
                                    else max(r.amount_cents, 0)),
                "dispute_document": c.dispute[0] if c and c.dispute else "",
                "dispute_cents": c.dispute[1] if c and c.dispute else 0,
                "explanation": r.explanation,
                "hypotheses": " | ".join(h.explanation for h in r.hypotheses),
            })
        return pd.DataFrame(rows)

    @property
    def proposals(self) -> pd.DataFrame:
        """One row per (line, document) of every proposal; rank 1 is the retained one."""
        rows = []
        for r in self.results:
            ranked = ([r.chosen] if r.chosen else []) + r.hypotheses
            for rank, c in enumerate(ranked, start=1):
                for doc, cents in c.allocations:
                    rows.append({"bank_tx_id": r.bank_tx_id, "rank": rank, "document_id": doc,
                                 "customer_id": c.customer_id, "amount_cents": cents,
                                 "pass": c.pass_id, "pass_label": PASSES[c.pass_id][0],
                                 "confidence": round(c.confidence, 3),
                                 "status": r.status if rank == 1 and r.chosen else "hypothèse",
                                 "explanation": c.explanation})
        return pd.DataFrame(rows, columns=["bank_tx_id", "rank", "document_id", "customer_id",
                                           "amount_cents", "pass", "pass_label", "confidence",
                                           "status", "explanation"])

    @property
    def disputes(self) -> pd.DataFrame:
        """Short payments to contest (L441-17), one row per line."""
        rows = [{"bank_tx_id": r.bank_tx_id, "customer_id": r.chosen.customer_id,
                 "document_id": r.chosen.dispute[0], "amount_cents": r.chosen.dispute[1],
                 "status": r.status, "explanation": r.chosen.explanation}
                for r in self.results if r.chosen and r.chosen.dispute]
        return pd.DataFrame(rows, columns=["bank_tx_id", "customer_id", "document_id",
                                           "amount_cents", "status", "explanation"])


def match_bank_lines(lines: pd.DataFrame, items: pd.DataFrame, customers: pd.DataFrame,
                     contracts: pd.DataFrame | None = None,
                     remittances: pd.DataFrame | None = None, rules=None,
                     config: EngineConfig | None = None) -> MatchResult:
    """Match a batch of bank lines against open items (the statement of one day or one month).

    Lines are taken in booking-date order; each automatic result reduces the open amounts seen
    by the next lines, as an ERP posting them one by one would.
    """
    matcher = CashMatcher(items, customers, contracts, remittances, rules, config)
    ordered = lines.sort_values(["booking_date", "bank_tx_id"], kind="stable")
    results = []
    for line in ordered.to_dict("records"):
        res = matcher.match_line(line)
        matcher.apply(res)
        results.append(res)
    return MatchResult(results)
