"""Recognised layouts of customer-ledger and aged-balance exports, described as data.

A :class:`Layout` lists, for each field of an open item (see :data:`FIELDS`), the headers the
tool writes (French and English, compared without accents, case or punctuation), its sign
convention (signed amounts, or a debit and a credit column) and the words of the lines that are
not items (subtotals per customer, grand totals, customer group headings). No code per tool:
:func:`detect_layout` scores every layout against the first rows of a file.

Each layout cites the public page its columns come from. Where the page only shows a screen or
lists the report's options, the comment says so: those headers are the report's usual ones, to
be confirmed on a real export (a profile saved after one import fixes any difference).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field

__all__ = ["FIELDS", "SIGNS", "Layout", "LAYOUTS", "LayoutGuess", "detect_layout", "normalise_header", "find_header"]

#: Fields of an open item: field -> (French label, required). ``amount`` or ``debit`` + ``credit``.
FIELDS: dict[str, tuple[str, bool]] = {
    "customer_id": ("code client", True),
    "customer_name": ("nom du client", False),
    "document_id": ("n° de pièce", True),
    "document_date": ("date de pièce", False),
    "due_date": ("échéance", True),
    "amount": ("montant restant dû (signé)", False),
    "debit": ("débit", False),
    "credit": ("crédit", False),
    "currency": ("devise", False),
}

#: Sign conventions: one signed column (a credit note is negative), the same with the sign
#: inverted (the balance shown from the supplier's side: a debit balance written « - »), or a
#: debit and a credit column.
SIGNED, INVERTED, DEBIT_CREDIT = "signe", "signe_inverse", "debit_credit"
SIGNS = {SIGNED: "montant signé (avoir négatif)", INVERTED: "montant signé inversé (facture négative)",
         DEBIT_CREDIT: "colonnes débit et crédit"}

_COMMON_SKIP = (r"^total\b", r"\btotal\b", r"^sous[ -]?total", r"^cumul", r"^solde (general|du compte|client)",
                r"^report\b", r"^a reporter", r"^grand total", r"^subtotal", r"^balance total")


def normalise_header(text) -> str:
    """A header as compared: no accents, lower case, punctuation as single spaces."""
    return _normalised(str(text))


@functools.lru_cache(maxsize=8192)
def _normalised(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


@dataclass(frozen=True)
class Layout:
    """One tool's export: headers by field, sign convention, words of the lines to set aside."""

    key: str
    label: str
    source: str
    headers: dict[str, tuple[str, ...]]
    sign: str = SIGNED
    skip: tuple[str, ...] = _COMMON_SKIP
    #: a line naming the customer above its items (« Client : C001 Dupont ») and no document
    group: str = r"^(?:client|compte|tiers|customer|account)\s*:?\s*(\S+)(?:\s+[-:]?\s*(.*))?$"

    def synonyms(self) -> dict[str, tuple[str, ...]]:
        """Field -> its headers normalised, in the layout's order of preference."""
        return _synonyms(self)

    def own_headers(self) -> frozenset:
        """Headers this tool writes that a plain French export does not (they tell the tool apart)."""
        return _own_headers(self)

    def __hash__(self):
        return hash(self.key)


@functools.lru_cache(maxsize=64)
def _synonyms(layout: Layout) -> dict[str, tuple[str, ...]]:
    return {f: tuple(dict.fromkeys(normalise_header(h) for h in hs)) for f, hs in layout.headers.items()}


@functools.lru_cache(maxsize=64)
def _own_headers(layout: Layout) -> frozenset:
    common = {normalise_header(h) for hs in _FR.values() for h in hs}
    return frozenset(h for hs in _synonyms(layout).values() for h in hs) - common


# Headers shared by every French export (the course's own reader knows them too).
_FR = {
    "customer_id": ("code client", "n client", "numero client", "compte client", "compte", "code tiers",
                    "tiers", "compte auxiliaire", "client"),
    "customer_name": ("nom", "nom client", "raison sociale", "nom du client", "libelle client", "intitule",
                      "intitule du compte", "intitule compte"),
    "document_id": ("n facture", "numero facture", "numero de facture", "facture", "piece", "n piece",
                    "numero de piece", "n de piece", "reference", "document", "n document"),
    "document_date": ("date", "date facture", "date piece", "date de piece", "date de facture", "date document",
                      "date d emission", "date ecriture"),
    "due_date": ("echeance", "date echeance", "date d echeance", "date de l echeance"),
    "amount": ("solde", "reste du", "restant du", "montant restant", "solde ttc", "reste a payer",
               "montant du", "solde restant", "montant ouvert"),
    "debit": ("debit", "montant debit"),
    "credit": ("credit", "montant credit"),
    "currency": ("devise", "dev", "monnaie"),
}


def _with(base: dict, **extra) -> dict[str, tuple[str, ...]]:
    return {f: tuple(extra.get(f, ())) + tuple(base.get(f, ())) for f in set(base) | set(extra)}


LAYOUTS: tuple[Layout, ...] = (
    # Sage 100 Comptabilité, « Échéancier » / « Balance âgée » exported to Excel. Reference manual
    # (Ergonomie & fonctions communes v8.50), https://fdocuments.pl/document/ergonomie-fonctions-communes-sage-100-comptabilitpdf-a-accder-aux.html
    # — the public manual describes the report's options, not the column titles of the export:
    # the headers below are the report's usual ones (« N° compte tiers », « N° pièce »). Sage's
    # aged balance of the Financier module writes a debit balance with a « - » sign
    # (https://documentation.sage.fr/bupe/DOCS/Sage%20Comptabilit%C3%A9%20i7/Extra-comptable/Financier/Balance_agee.htm):
    # such a file is read with the sign convention « signe_inverse » (chosen in the mapping).
    Layout("sage100", "Sage 100 (échéancier / balance âgée)",
           "https://fdocuments.pl/document/ergonomie-fonctions-communes-sage-100-comptabilitpdf-a-accder-aux.html",
           _with(_FR, customer_id=("n compte tiers", "compte tiers", "n tiers"), document_id=("n piece",),
                 document_date=("date piece",), due_date=("date echeance",), amount=("montant echeance", "solde"),
                 customer_name=("intitule tiers",))),
    # Sage 50 / Ciel Compta, balance âgée: same French report vocabulary; public help lists the
    # report's filters only (https://help.sage300.com/2016/fr-ca/web/Subsystems/AR/Content/Reports/Printing/Transactions/PrintingAgedTrialBalanceReport.htm
    # describes the Sage family's aged trial balance: detail per document, subtotal per customer).
    Layout("sage50", "Sage 50 / Ciel (balance âgée détaillée)",
           "https://help.sage300.com/2016/fr-ca/web/Subsystems/AR/Content/Reports/Printing/Transactions/PrintingAgedTrialBalanceReport.htm",
           _with(_FR, customer_id=("n client", "code client"), document_id=("n document", "n facture"),
                 document_date=("date document",), amount=("solde", "montant du"))),
    # Cegid (Loop / Quadra) « Balance âgée » et « Échéancier clients »: no public page lists the
    # export's columns (searched: none found). Headers per Cegid's accounting vocabulary
    # (« Auxiliaire », « Libellé », « Référence »), to be confirmed on a real export.
    Layout("cegid", "Cegid (balance âgée / échéancier)", "",
           _with(_FR, customer_id=("auxiliaire", "compte auxiliaire", "code auxiliaire"),
                 customer_name=("libelle", "libelle auxiliaire"), document_id=("reference", "n piece"),
                 amount=("solde", "montant"))),
    # EBP Comptabilité, Trésorerie > Balance âgée (https://support.ebp.com/hc/fr/articles/25566353276445-Imprimer-une-balance-ag%C3%A9e-dans-EBP-Comptabilit%C3%A9-Hubbix):
    # the page shows the table by third party; column names of the detailed export are EBP's
    # usual ones (« Code tiers », « N° de pièce », « Reste dû »).
    Layout("ebp", "EBP Comptabilité (balance âgée)",
           "https://support.ebp.com/hc/fr/articles/25566353276445-Imprimer-une-balance-ag%C3%A9e-dans-EBP-Comptabilit%C3%A9-Hubbix",
           _with(_FR, customer_id=("code tiers", "tiers"), customer_name=("nom du tiers", "intitule tiers"),
                 document_id=("n de piece", "piece"), amount=("reste du",))),
    # SAP FBL5N « Customer Line Item Display », list exported to a spreadsheet. Field names of
    # the standard layout (https://paspas.io/extractor/0FI_AR_3 lists the line-item fields:
    # DMSHB « Amount in local currency with +/- signs », WAERS currency, BELNR document number;
    # https://inassoceps.vscocorp.com/content/atp.08_fbl5_bpp/wi/html/index.htm: the layout is
    # user-defined, 11 default fields). English and French column titles.
    Layout("sap_fbl5n", "SAP (FBL5N, postes individuels clients)",
           "https://paspas.io/extractor/0FI_AR_3",
           {"customer_id": ("account", "customer", "compte", "client", "kunnr"),
            "customer_name": ("name 1", "name", "nom 1", "customer name"),
            "document_id": ("document number", "documentno", "n piece", "belnr", "reference", "n document"),
            "document_date": ("document date", "doc date", "date piece", "bldat"),
            "due_date": ("net due date", "due date", "echeance nette", "date d echeance nette", "faedt"),
            "amount": ("amount in local currency", "amt in loc cur", "amount in doc curr", "montant en dev int",
                       "montant devise interne", "dmshb", "montant en devise pce", "amount"),
            "currency": ("local currency", "lcurr", "currency", "document currency", "devise", "waers", "devise int")}),
    # Odoo « Aged Receivable » / « Partner Ledger » exported to xlsx; the OCA report module
    # (https://github.com/OCA/account-financial-reporting) names its columns Date, Entry,
    # Journal, Account, Partner, Ref - Label, Due date, Residual, Current, Age ≤ 30 d. …
    Layout("odoo", "Odoo (balance âgée clients, détail)",
           "https://github.com/OCA/account-financial-reporting",
           {"customer_id": ("partner", "partenaire", "customer", "client"),
            "document_id": ("entry", "piece comptable", "ecriture", "ref label", "reference", "number", "numero"),
            "document_date": ("date", "invoice date", "date de facturation"),
            "due_date": ("due date", "date d echeance", "echeance"),
            "amount": ("residual", "amount residual", "montant du", "residuel", "total", "amount currency"),
            "currency": ("currency", "devise")}),
    # Pennylane, Ventes > Factures clients > export: the help centre
    # (https://help.pennylane.com/fr/articles/18862-creer-une-facture-client) describes the
    # invoice fields (client, dates d'émission et d'échéance); the export's column titles are not
    # listed publicly: « Numéro de facture », « Client », « Date d'échéance », « Reste à payer ».
    Layout("pennylane", "Pennylane (factures clients)",
           "https://help.pennylane.com/fr/articles/18862-creer-une-facture-client",
           _with(_FR, customer_id=("client", "tiers", "identifiant client"), customer_name=("client",),
                 document_id=("numero de facture", "numero", "facture"), document_date=("date d emission", "date"),
                 due_date=("date d echeance", "echeance"), amount=("reste a payer", "montant restant du",
                                                                    "restant du ttc"),
                 currency=("devise",))),
    # QuickBooks « A/R Aging Detail » report (Date, Transaction Type, Num, Customer / Name,
    # Due Date, Past Due, Amount, Open Balance), subtotal per customer, grand TOTAL:
    # http://support.quickbooks.intuit.com/support/pages/inproducthelp/Core/QB2K12/ContentPackage/Core/Reports_Description_AR/rpt_ar_aging_summary.html
    Layout("quickbooks", "QuickBooks (A/R Aging Detail)",
           "http://support.quickbooks.intuit.com/support/pages/inproducthelp/Core/QB2K12/ContentPackage/Core/Reports_Description_AR/rpt_ar_aging_summary.html",
           {"customer_id": ("customer", "name", "customer full name", "client"),
            "document_id": ("num", "no", "invoice no", "n"),
            "document_date": ("date", "transaction date"),
            "due_date": ("due date", "echeance"),
            "amount": ("open balance", "solde ouvert", "balance"),
            "currency": ("currency",)}),
    # Upflow (collection tool). Its help centre lists the customer import columns (« Identifiant
    # Client », « Nom du client »: https://help.upflow.io/fr/articles/3339564-comment-importer-mes-clients-et-contacts-dans-upflow)
    # and the payment import fields in camelCase (invoiceReference, currency ISO 4217, dates
    # AAAA-MM-JJ: https://support.upflow.io/hc/en-us/articles/22462241318161-Import-payments-into-Upflow).
    # The invoice export's own column list is not published: the English titles below follow
    # the same vocabulary (vague, to confirm on a real export).
    Layout("upflow", "Upflow (outil de recouvrement)",
           "https://support.upflow.io/hc/en-us/articles/22462241318161-Import-payments-into-Upflow",
           {"customer_id": ("customer id", "identifiant client", "customer external id", "customer", "customer name",
                            "client"),
            "customer_name": ("customer name", "nom du client", "company name"),
            "document_id": ("invoice number", "invoicereference", "invoice reference", "custom id", "customid",
                            "invoice id", "numero de facture"),
            "document_date": ("issue date", "issued at", "issuedat", "date d emission"),
            "due_date": ("due date", "duedate", "date d echeance"),
            "amount": ("amount due", "due amount", "dueamount", "amountdue", "outstanding amount",
                       "montant restant du"),
            "currency": ("currency", "devise")}),
    # The course's own CSV and any French list not matching a tool: the generic French layout.
    Layout("generique_fr", "Export générique (en-têtes français)", "", dict(_FR)),
)


def _layout_keys() -> dict[str, Layout]:
    return {layout.key: layout for layout in LAYOUTS}


@dataclass(frozen=True)
class LayoutGuess:
    """The best layout for a file: ``layout``, ``confidence`` (0–1), ``why`` (French), the header
    rows found (0-based index of the first and how many: 2 for a two-row header) and the
    header as read (two-row headers joined)."""

    layout: Layout
    confidence: float
    why: str
    header_index: int
    header_rows: int
    header: tuple[str, ...]
    columns: dict[str, int] = field(default_factory=dict)
    scores: dict[str, float] = field(default_factory=dict)


_SCAN_ROWS = 30


def _two_row(top: list, bottom: list) -> list[str]:
    """A two-row header as one: a merged cell of the top row spans the empty cells to its right."""
    out, carried = [], ""
    for j in range(max(len(top), len(bottom))):
        t = str(top[j]).strip() if j < len(top) and top[j] is not None else ""
        b = str(bottom[j]).strip() if j < len(bottom) and bottom[j] is not None else ""
        if t:
            carried = t
        elif not b:
            carried = ""
        out.append(" ".join(x for x in ((t or (carried if b else "")), b) if x))
    return out


def _match(header: list[str], layout: Layout) -> tuple[dict[str, int], float]:
    """Column of each field (exact synonym, first free column) and the share of required found."""
    names = [normalise_header(h) for h in header]
    syn = layout.synonyms()
    columns: dict[str, int] = {}
    # fields with few synonyms first (a header naming one field only wins over a generic « client »);
    # within a field, the synonyms in the layout's order (« Solde » before « Montant »)
    for f in sorted(syn, key=lambda f: len(syn[f])):
        for wanted in syn[f]:
            j = next((j for j, n in enumerate(names) if n == wanted and j not in columns.values()), None)
            if j is not None:
                columns[f] = j
                break
    # a two-row header « Montant / Débit »: its last words may name the field
    for f in syn:
        if f in columns:
            continue
        for j, n in enumerate(names):
            if n and j not in columns.values() and any(n.endswith(" " + s) for s in syn[f] if s):
                columns[f] = j
                break
    has_amount = "amount" in columns or {"debit", "credit"} <= set(columns)
    required = ["customer_id", "document_id", "due_date"]
    found = sum(f in columns for f in required) + has_amount
    return columns, found / (len(required) + 1)


def _specific(header: list[str], columns: dict[str, int], layout: Layout) -> int:
    own = layout.own_headers()
    return sum(1 for j in columns.values() if normalise_header(header[j]) in own)


def find_header(rows: list[list]) -> LayoutGuess | None:
    """The best (layout, header row(s)) among the first rows; None when nothing looks like one."""
    best = None
    scan = rows[:_SCAN_ROWS]
    for i, cells in enumerate(scan):
        if sum(1 for c in cells if str(c).strip()) < 2:
            continue
        candidates = [(1, [str(c).strip() if c is not None else "" for c in cells])]
        if i + 1 < len(rows):
            candidates.append((2, _two_row(cells, rows[i + 1])))
        for n_rows, header in candidates:
            for layout in LAYOUTS:
                columns, share = _match(header, layout)
                mapped = len(columns)
                used = sum(1 for h in header if h)
                # required fields first, then headers explained (a two-row header explains more),
                # then headers only this tool writes;
                # without any such header the generic layout wins (no tool named without a clue)
                score = (share, mapped / max(used, 1), mapped, _specific(header, columns, layout),
                         layout.key == "generique_fr", -n_rows)
                if best is None or score > best[0]:
                    best = (score, layout, i, n_rows, header, columns)
        if best is not None and best[0][0] == 1.0:
            break  # every required field found: the rows below are data
    if best is None or best[0][0] < 0.5:
        return None
    (share, explained, *_), layout, i, n_rows, header, columns = best
    confidence = round(0.7 * share + 0.3 * explained, 2)
    found = ", ".join(f"« {header[j]} » → {FIELDS[f][0]}" for f, j in sorted(columns.items(), key=lambda x: x[1]))
    why = (f"en-tête ligne {i + 1}" + (f" sur deux lignes ({i + 1}-{i + 2})" if n_rows == 2 else "")
           + f" ; colonnes reconnues : {found}")
    missing = [FIELDS[f][0] for f in ("customer_id", "document_id", "due_date") if f not in columns]
    if "amount" not in columns and not {"debit", "credit"} <= set(columns):
        missing.append("montant (ou débit et crédit)")
    if missing:
        why += " ; à indiquer : " + ", ".join(missing)
    return LayoutGuess(layout, confidence, why, i, n_rows, tuple(header), columns)


def detect_layout(frame_or_rows) -> LayoutGuess:
    """The layout of an export, from a DataFrame (its columns and first rows) or a list of rows.

    The confidence is 1.0 when every required field (customer, document, due date, amount or
    debit + credit) is found and every non-empty header is explained. Raises
    :class:`~o2c_lab.errors.DataFileError` when no row of the first 30 looks like a header.
    """
    from ..errors import DataFileError

    rows = _rows_of(frame_or_rows)
    guess = find_header(rows)
    if guess is None:
        raise DataFileError(
            "aucune ligne d'en-tête reconnue dans les 30 premières lignes.",
            valid="des en-têtes comme « Code client », « N° de pièce », « Échéance », « Solde » "
                  "(ou leurs équivalents anglais)",
            todo="indiquez la correspondance des colonnes (ColumnMapping) ou vérifiez que le fichier "
                 "est bien une balance âgée ou une liste de pièces ouvertes")
    others = []
    for layout in LAYOUTS:
        if layout.key != guess.layout.key:
            _, share = _match(list(guess.header), layout)
            others.append((layout.key, share))
    scores = {guess.layout.key: guess.confidence, **{k: round(0.7 * s, 2) for k, s in others}}
    return LayoutGuess(guess.layout, guess.confidence, f"{guess.layout.label} : {guess.why}", guess.header_index,
                       guess.header_rows, guess.header, guess.columns, scores)


def _rows_of(frame_or_rows) -> list[list]:
    import pandas as pd

    if isinstance(frame_or_rows, pd.DataFrame):
        df = frame_or_rows
        head = [] if all(isinstance(c, int) for c in df.columns) else [[str(c) for c in df.columns]]
        return head + df.head(_SCAN_ROWS).astype(object).where(df.head(_SCAN_ROWS).notna(), "").values.tolist()
    return [list(r) for r in frame_or_rows]
