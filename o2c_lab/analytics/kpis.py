"""Receivables KPIs, each returned with its French formula, its inputs and the method used.

French convention: receivables are carried incl. VAT (TTC), so sales are taken incl. VAT too.
Definitions follow the Credit Research Foundation and the usual French practice:

- DSO simple (« méthode comptable ») = encours TTC / ventes TTC de la période × jours ;
- DSO par épuisement (countback) : on retranche du solde les ventes des mois les plus récents ;
- Best Possible DSO : même méthode, encours non échu au numérateur ;
- ADD (retard moyen) = DSO − Best Possible DSO (même méthode) ;
- CEI, variante nommée (« période » : ventes de la période ; « CRF » : ventes / nombre de mois).

>>> print(dso_simple(480_000_00, 700_000_00, 90).display())
DSO (méthode simple) : 61,7 jours
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import InvalidParameterError
from ..law import add_months
from ..money import format_eur, format_number
from .aging import _day, _days, _is, open_items_at, with_due_dates

__all__ = [
    "KpiResult",
    "dso_simple",
    "dso_countback",
    "best_possible_dso",
    "average_days_delinquent",
    "collection_effectiveness_index",
    "share_of_receivables",
    "dispute_rate",
    "promise_kept_rate",
    "monthly_sales",
    "receivable_kpis",
]


@dataclass(frozen=True)
class KpiResult:
    """One KPI: ``value`` (None when undefined), ``unit``, the French ``formula``, the ``inputs``
    (French label → value; amounts in cents) and the ``method`` in words."""

    name: str
    value: float | None
    unit: str
    formula: str
    inputs: dict = field(default_factory=dict)
    method: str = ""

    def display(self) -> str:
        """One French line: name, value and unit."""
        if self.value is None:
            return f"{self.name} : non calculable"
        decimals = 1
        return f"{self.name} : {format_number(self.value, decimals)} {self.unit}".replace(" %", "\u00a0%")

    def explain(self) -> str:
        """Several French lines: value, formula, method and inputs (amounts as euros)."""
        lines = [self.display(), f"Formule : {self.formula}"]
        if self.method:
            lines.append(f"Méthode : {self.method}")
        for label, value in self.inputs.items():
            shown = format_eur(value) if label.endswith("(€)") else (
                format_number(value, 2 if isinstance(value, float) else 0)
                if isinstance(value, (int, float, np.integer, np.floating)) else str(value))
            lines.append(f"  {label.replace(' (€)', '')} : {shown}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.explain()


def _positive(value, what: str) -> None:
    if value is None or value <= 0:
        raise InvalidParameterError(f"{what} doit être strictement positif (reçu : {value}).",
                                    valid="un nombre > 0", todo="vérifiez la période choisie")


def dso_simple(receivables_cents: int, sales_cents: int, days: int) -> KpiResult:
    """DSO by the simple (accounting) method: receivables / sales × days."""
    _positive(days, "Le nombre de jours de la période")
    value = None if sales_cents <= 0 else receivables_cents / sales_cents * days
    return KpiResult(
        "DSO (méthode simple)", value, "jours",
        "encours clients TTC ÷ ventes TTC de la période × nombre de jours de la période",
        {"Encours clients TTC (€)": int(receivables_cents), "Ventes TTC de la période (€)": int(sales_cents),
         "Jours de la période": int(days)},
        "méthode comptable (simple) ; encours et ventes toutes taxes comprises (convention française)")


def dso_countback(receivables_cents: int, periods) -> KpiResult:
    """DSO by the countback (exhaustion) method.

    ``periods`` lists ``(sales_cents, days)`` from the most recent month backwards. Each month
    whose sales the balance covers adds its days; the month that exhausts it adds
    remaining / sales × days. A balance larger than all listed sales is extrapolated at the
    oldest month's pace (said in ``method``).
    """
    periods = [(int(s), int(d)) for s, d in periods]
    if not periods:
        raise InvalidParameterError("Aucun mois de ventes pour le DSO par épuisement.",
                                    valid="au moins un mois (ventes TTC, nombre de jours)")
    remaining, total_days, steps = int(receivables_cents), 0.0, []
    note = "par épuisement (countback) : le solde est imputé sur les ventes les plus récentes"
    for i, (sales, days) in enumerate(periods):
        if remaining <= 0:
            break
        if sales > 0 and remaining > sales:
            remaining -= sales
            total_days += days
            steps.append(f"mois {i + 1} : ventes entièrement couvertes, +{days} j")
        elif sales > 0:
            part = remaining / sales * days
            total_days += part
            steps.append(f"mois {i + 1} : {format_number(part, 2)} j (solde restant ÷ ventes × {days})")
            remaining = 0
        else:
            total_days += days
            steps.append(f"mois {i + 1} : aucune vente, +{days} j")
    if remaining > 0:
        sales, days = periods[-1]
        if sales <= 0:
            return KpiResult("DSO (par épuisement)", None, "jours", _COUNTBACK_FORMULA,
                             {"Encours clients TTC (€)": int(receivables_cents)},
                             note + " ; solde non épuisé et aucune vente pour extrapoler")
        total_days += remaining / sales * days
        note += " ; solde supérieur aux ventes listées, extrapolé au rythme du mois le plus ancien"
    inputs = {"Encours clients TTC (€)": int(receivables_cents)}
    for i, (sales, days) in enumerate(periods):
        inputs[f"Ventes TTC du mois {i + 1} (€)"] = sales
        inputs[f"Jours du mois {i + 1}"] = days
    inputs["Étapes"] = " ; ".join(steps)
    return KpiResult("DSO (par épuisement)", total_days, "jours", _COUNTBACK_FORMULA, inputs, note)


_COUNTBACK_FORMULA = ("on retranche de l'encours TTC les ventes TTC du mois le plus récent (+ ses jours), "
                      "puis du mois précédent, etc. ; pour le mois qui épuise le solde : "
                      "solde restant ÷ ventes du mois × jours du mois")


def best_possible_dso(current_cents: int, *, sales_cents: int | None = None, days: int | None = None,
                      periods=None) -> KpiResult:
    """Best Possible DSO: the DSO of the not-yet-due receivables, by the same method as the DSO
    (countback when ``periods`` is given, simple otherwise)."""
    if periods is not None:
        base = dso_countback(current_cents, periods)
        method = "par épuisement"
    elif sales_cents is not None and days is not None:
        base = dso_simple(current_cents, sales_cents, days)
        method = "méthode simple"
    else:
        raise InvalidParameterError("Best Possible DSO : ni ventes de la période ni mois de ventes fournis.",
                                    valid="sales_cents et days (méthode simple) ou periods (par épuisement)")
    inputs = dict(base.inputs)
    inputs["Encours non échu TTC (€)"] = inputs.pop("Encours clients TTC (€)")
    return KpiResult(f"Best Possible DSO ({method})", base.value, "jours",
                     "même calcul que le DSO avec l'encours non échu à la place de l'encours total",
                     inputs, base.method)


def average_days_delinquent(dso: KpiResult, bpdso: KpiResult) -> KpiResult:
    """ADD (average days delinquent) = DSO − Best Possible DSO, both by the same method."""
    method = dso.name[dso.name.find("("):]
    if not bpdso.name.endswith(method):
        raise InvalidParameterError(
            f"ADD : le DSO « {dso.name} » et le Best Possible DSO « {bpdso.name} » n'utilisent pas la même méthode.",
            valid="deux indicateurs calculés par la même méthode (simple ou par épuisement)")
    value = None if dso.value is None or bpdso.value is None else dso.value - bpdso.value
    return KpiResult(f"Retard moyen ADD {method}", value, "jours", "DSO − Best Possible DSO",
                     {"DSO (jours)": dso.value, "Best Possible DSO (jours)": bpdso.value},
                     f"même méthode pour les deux termes {method}")


def collection_effectiveness_index(beginning_cents: int, sales_cents: int, ending_cents: int,
                                   ending_current_cents: int, *, months: int = 1,
                                   variant: str = "periode") -> KpiResult:
    """CEI in percent. ``variant`` "periode": sales of the whole period; "crf": sales / months
    (Credit Research Foundation monthly-average form)."""
    if variant not in ("periode", "crf"):
        raise InvalidParameterError(f"Variante de CEI inconnue : « {variant} ».",
                                    valid="« periode » (ventes de la période) ou « crf » (ventes ÷ nombre de mois)")
    _positive(months, "Le nombre de mois")
    sales = sales_cents / months if variant == "crf" else sales_cents
    num = beginning_cents + sales - ending_cents
    den = beginning_cents + sales - ending_current_cents
    value = None if den <= 0 else num / den * 100
    sales_label = "ventes TTC ÷ nombre de mois" if variant == "crf" else "ventes TTC de la période"
    return KpiResult(
        f"CEI (variante {'CRF' if variant == 'crf' else 'période'})", value, "%",
        f"(encours début + {sales_label} − encours fin) ÷ (encours début + {sales_label} − encours "
        "non échu fin) × 100",
        {"Encours début TTC (€)": int(beginning_cents), "Ventes TTC de la période (€)": int(sales_cents),
         "Nombre de mois": int(months), "Encours fin TTC (€)": int(ending_cents),
         "Encours non échu fin TTC (€)": int(ending_current_cents)},
        "les deux variantes publiées donnent des valeurs très différentes : la variante est nommée")


def share_of_receivables(part_cents: int, total_cents: int, name: str, part_label: str) -> KpiResult:
    """A share of receivables in percent (e.g. % non échu, % > 90 jours)."""
    value = None if total_cents <= 0 else part_cents / total_cents * 100
    return KpiResult(name, value, "%", f"{part_label} ÷ encours brut (postes débiteurs ouverts) × 100",
                     {f"{part_label[0].upper() + part_label[1:]} (€)": int(part_cents),
                      "Encours brut (€)": int(total_cents)},
                     "encours brut = factures ouvertes, hors encaissements non affectés")


def dispute_rate(invoices: pd.DataFrame, disputes: pd.DataFrame, start, end) -> KpiResult:
    """Disputed invoices among the invoices issued in [start, end], by count (value in inputs)."""
    lo, hi = _day(start), _day(end)
    when = _days(invoices["invoice_date"])
    issued = invoices.loc[(when >= lo) & (when <= hi)]
    disputed_ids = set(disputes.loc[_days(disputes["opened_on"]) <= hi, "invoice_id"].astype(str))
    hit = issued["invoice_id"].astype(str).isin(disputed_ids)
    n, k = len(issued), int(hit.sum())
    amount = int(issued["total_ttc_cents"].sum())
    disputed_amount = int(issued.loc[hit, "total_ttc_cents"].sum())
    return KpiResult(
        "Taux de litige", None if n == 0 else k / n * 100, "%",
        "nombre de factures émises sur la période ayant un litige ÷ nombre de factures émises × 100",
        {"Factures émises": n, "Factures en litige": k, "Montant émis TTC (€)": amount,
         "Montant en litige TTC (€)": disputed_amount,
         "Taux en valeur (%)": (disputed_amount / amount * 100) if amount else 0.0},
        f"factures émises du {pd.Timestamp(lo):%d/%m/%Y} au {pd.Timestamp(hi):%d/%m/%Y}, "
        "litige ouvert au plus tard en fin de période")


def promise_kept_rate(promises: pd.DataFrame, start, end) -> KpiResult:
    """Promises to pay falling due in [start, end] that were kept, by count (amounts in inputs).

    Statuses are read as the register states them: « tenue », « non tenue »; promises still
    « en cours » are not counted."""
    lo, hi = _day(start), _day(end)
    due = _days(promises["promised_date"])
    status = promises["status"].fillna("").astype(str).str.lower().str.strip()
    in_period = (due >= lo) & (due <= hi)
    broken = status.str.contains("non") & status.str.contains("tenu")
    kept = status.str.contains("tenu") & ~broken
    sel = in_period & (kept | broken).to_numpy()
    n, k = int(sel.sum()), int((sel & kept.to_numpy()).sum())
    amount = int(promises.loc[sel, "amount_cents"].sum())
    kept_amount = int(promises.loc[sel & kept.to_numpy(), "amount_cents"].sum())
    return KpiResult(
        "Taux de promesses tenues", None if n == 0 else k / n * 100, "%",
        "promesses tenues ÷ promesses arrivées à échéance sur la période (tenues + non tenues) × 100",
        {"Promesses échues": n, "Promesses tenues": k, "Montant promis (€)": amount,
         "Montant tenu (€)": kept_amount},
        "statut du registre des promesses ; les promesses « en cours » ne sont pas comptées")


def monthly_sales(ledger: pd.DataFrame, as_of, months: int) -> list[tuple[int, int]]:
    """Sales incl. VAT (invoice debits of the 411 ledger) over rolling months ending at ``as_of``,
    most recent first, as ``(sales_cents, days)``; at a month end these are calendar months."""
    day = pd.Timestamp(_day(as_of)).date()
    invoice = _is(ledger["document_type"], "facture")
    entry = _days(ledger["entry_date"])[invoice]
    debit = ledger["debit_cents"].to_numpy(dtype=np.int64)[invoice]
    # edges from the oldest to as_of; period k (most recent first) is (edge k+1, edge k]
    edges = np.array([_rolling_month_end(day, k) for k in range(months, -1, -1)], dtype="datetime64[D]")
    slot = np.searchsorted(edges, entry, side="left") - 1  # index of the period ending at edges[slot + 1]
    ok = (slot >= 0) & (slot < months) & (entry > edges[0])
    sums = np.bincount(slot[ok], weights=debit[ok], minlength=months)
    days = np.diff(edges).astype(np.int64)
    return [(int(round(sums[i])), int(days[i])) for i in range(months - 1, -1, -1)]


def _rolling_month_end(day: dt.date, k: int) -> dt.date:
    """``day`` moved back ``k`` months; a month-end date stays a month end."""
    moved = add_months(day, -k)
    if (day + dt.timedelta(days=1)).day == 1:  # month end
        nxt = add_months(moved.replace(day=1), 1)
        moved = nxt - dt.timedelta(days=1)
    return moved


def receivable_kpis(ledger: pd.DataFrame, as_of, *, months: int = 3, countback_months: int = 12,
                    due_dates: pd.DataFrame | None = None,
                    invoices: pd.DataFrame | None = None, disputes: pd.DataFrame | None = None,
                    promises: pd.DataFrame | None = None, items: pd.DataFrame | None = None
                    ) -> dict[str, KpiResult]:
    """All KPIs at ``as_of`` over the last ``months`` rolling months, from the 411 ledger; the
    countback DSO may go back ``countback_months`` months to exhaust the balance.

    The receivables are the aged balance's gross open debits at ``as_of`` (unapplied cash is
    not netted: it is shown apart in the aged balance). ``items``: the open items at ``as_of``
    when already computed (:func:`open_items_at`), to save one reconstruction. Dispute and
    promise rates need the registers and are left out when they are not given.
    """
    _positive(months, "Le nombre de mois")
    day = pd.Timestamp(_day(as_of)).date()
    start = _rolling_month_end(day, months)
    if due_dates is not None:
        ledger = with_due_dates(ledger, due_dates)  # one lookup for the two reconstructions
    if items is None:
        items = open_items_at(ledger, day)
    end_gross, end_current, over_90 = _gross_current_over_90(items, day)
    start_gross, _, _ = _gross_current_over_90(open_items_at(ledger, start), start)
    back = monthly_sales(ledger, day, max(countback_months, months))
    periods = back[:months]
    sales = sum(s for s, _ in periods)
    days = sum(d for _, d in periods)
    out = {}
    out["dso_simple"] = dso_simple(end_gross, sales, days)
    out["dso_countback"] = dso_countback(end_gross, back)
    out["bpdso_simple"] = best_possible_dso(end_current, sales_cents=sales, days=days)
    out["bpdso_countback"] = best_possible_dso(end_current, periods=back)
    out["add_simple"] = average_days_delinquent(out["dso_simple"], out["bpdso_simple"])
    out["add_countback"] = average_days_delinquent(out["dso_countback"], out["bpdso_countback"])
    out["cei"] = collection_effectiveness_index(start_gross, sales, end_gross, end_current,
                                                months=months, variant="periode")
    out["pct_current"] = share_of_receivables(end_current, end_gross, "Part non échue", "encours non échu")
    out["pct_over_90"] = share_of_receivables(over_90, end_gross, "Part à plus de 90 jours",
                                              "encours échu depuis plus de 90 jours")
    if invoices is not None and disputes is not None:
        out["dispute_rate"] = dispute_rate(invoices, disputes, start + dt.timedelta(days=1), day)
    if promises is not None:
        out["promise_kept_rate"] = promise_kept_rate(promises, start + dt.timedelta(days=1), day)
    return out


def _gross_current_over_90(items: pd.DataFrame, as_of) -> tuple[int, int, int]:
    """Gross open debits, the part not yet due and the part more than 90 days past due."""
    debit = ~items["unapplied"].to_numpy(dtype=bool)
    residual = items["residual_cents"].to_numpy(dtype=np.int64)[debit]
    past = (_day(as_of) - _days(items["due_date"])[debit]).astype(np.int64)
    return int(residual.sum()), int(residual[past <= 0].sum()), int(residual[past > 90].sum())
