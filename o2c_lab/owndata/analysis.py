"""The course's analyses on the participant's own open items.

Nothing is recomputed here: the aged balance is :func:`o2c_lab.analytics.aged_balance`, the
indicators are :mod:`o2c_lab.analytics.kpis`, the ranked actions follow the rules of
:func:`o2c_lab.analytics.priorities.worklist` (:func:`open_items_worklist`, checked equal to it
by the tests) — each per currency (amounts in two currencies are
never added). What an open-items list cannot give is said, not invented: without the period's
sales there is no DSO (« non calculable : … »).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

from ..analytics.aging import AgedBalance, aged_balance, bucket_labels
from ..analytics.kpis import KpiResult, best_possible_dso, dso_simple, share_of_receivables
from ..analytics.priorities import PRIORITY_RULES, reminder_action
from ..errors import InvalidParameterError
from ..money import format_date, format_eur, format_number
from .quality import money as _money

__all__ = ["KpiLine", "OwnAnalysis", "analyse_open_items", "open_items_worklist", "anonymised_prompts", "PROMPT_IDS"]

#: The course's portfolio prompts that an open-items list can fill (no e-mails or contracts needed).
PROMPT_IDS = ("balance_agee_analyse", "priorisation_actions", "lecture_kpi")


@dataclass(frozen=True)
class KpiLine:
    """One indicator: its result when computable, else why not (French)."""

    name: str
    currency: str
    result: KpiResult | None
    reason: str = ""

    def display(self) -> str:
        if self.result is None or self.result.value is None:
            return f"{self.name} ({self.currency}) : non calculable : {self.reason or 'donnée absente'}"
        return f"{self.result.display()} ({self.currency})"


@dataclass
class OwnAnalysis:
    """The analyses of open items at ``as_of``, per currency."""

    as_of: dt.date
    aged: dict[str, AgedBalance]
    kpis: list[KpiLine]
    actions: dict[str, pd.DataFrame]
    chase: pd.DataFrame
    do_not_chase: pd.DataFrame
    names: dict[str, str] = field(default_factory=dict)

    @property
    def currencies(self) -> list[str]:
        return list(self.aged)

    def aged_frame(self) -> pd.DataFrame:
        """The aged balance by customer, in euros (Decimal), French headers, one block per currency."""
        frames = []
        for currency, aged in self.aged.items():
            cols = aged.columns + ["Total"]
            table = aged.by_customer[cols].copy()
            out = pd.DataFrame({"Devise": currency, "Code client": table.index,
                                "Client": [self.names.get(c, "") for c in table.index]})
            for c in cols:
                out[c] = [_euros(v) for v in table[c].to_numpy()]
            frames.append(out)
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    def kpi_frame(self) -> pd.DataFrame:
        rows = []
        for line in self.kpis:
            ok = line.result is not None and line.result.value is not None
            rows.append({"Indicateur": line.name, "Devise": line.currency,
                         "Valeur": round(line.result.value, 1) if ok else None,
                         "Unité": line.result.unit if ok else "",
                         "Formule ou raison": line.result.formula if ok else f"non calculable : {line.reason}"})
        return pd.DataFrame(rows, columns=["Indicateur", "Devise", "Valeur", "Unité", "Formule ou raison"])

    def frames(self) -> dict[str, pd.DataFrame]:
        """The results as French tables, one per sheet."""
        return {"Balance âgée": self.aged_frame(), "Indicateurs": self.kpi_frame(),
                "À relancer": _french_actions(self.chase, self.names),
                "Ne pas relancer": _french_actions(self.do_not_chase, self.names)}

    def to_excel(self, path_or_buffer) -> Path | None:
        """Write every result to a workbook (one sheet each, French headers, formula-safe)."""
        from ..formats.tabular import write_frames_xlsx

        if hasattr(path_or_buffer, "write"):
            with_tmp = _tmp_xlsx()
            write_frames_xlsx(self.frames(), with_tmp)
            path_or_buffer.write(with_tmp.read_bytes())
            with_tmp.unlink()
            return None
        return write_frames_xlsx(self.frames(), path_or_buffer)

    def to_csv(self, folder) -> list[Path]:
        """Write every result as a CSV for French Excel (``;``, UTF-8 with BOM), formula-safe."""
        from ..formats.tabular import write_delimited

        folder = Path(folder)
        out = []
        for name, frame in self.frames().items():
            rows = [list(frame.columns)] + [["" if _missing(v) else _cell(v) for v in row]
                                            for row in frame.itertuples(index=False)]
            out.append(write_delimited(rows, folder / f"{_file_name(name)}.csv"))
        return out


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))


def _cell(value):
    if isinstance(value, Decimal):
        return format_number(value, 2).replace("\u202f", "").replace("\u00a0", "").replace(" ", "")
    return value


def _file_name(sheet: str) -> str:
    import unicodedata

    text = unicodedata.normalize("NFKD", sheet).encode("ascii", "ignore").decode().lower()
    return "_".join(text.split())


def _tmp_xlsx() -> Path:
    import tempfile

    handle = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)
    handle.close()
    return Path(handle.name)


def _euros(cents) -> Decimal:
    return (Decimal(int(cents)) / 100).quantize(Decimal("0.01"))


_ACTION_COLUMNS = {"rank": "Rang", "customer_id": "Code client", "category": "Catégorie", "action": "Action",
                   "team": "Équipe", "amount_cents": "Montant", "why": "Pourquoi", "documents": "Pièces",
                   "currency": "Devise"}


def _french_actions(actions: pd.DataFrame, names: dict) -> pd.DataFrame:
    out = actions.reindex(columns=[c for c in _ACTION_COLUMNS if c in actions.columns]).copy()
    if "amount_cents" in out:
        out["amount_cents"] = [_euros(v) for v in out["amount_cents"]]
    out.insert(2 if "rank" in out else 1, "Client", [names.get(c, "") for c in out["customer_id"]])
    return out.rename(columns=_ACTION_COLUMNS)


def _check_items(items: pd.DataFrame) -> None:
    needed = ("customer_id", "document_id", "due_date", "residual_cents")
    missing = [c for c in needed if c not in items.columns]
    if missing:
        raise InvalidParameterError(f"Colonnes absentes des pièces ouvertes : {', '.join(missing)}.",
                                    valid=", ".join(needed), todo="passez OwnData.items (read_export)")


def analyse_open_items(items: pd.DataFrame, as_of, *, sales_cents: dict | int | None = None,
                       period_days: int | None = None) -> OwnAnalysis:
    """The aged balance, the indicators, the ranked actions and the lists of customers to chase
    and not to chase, at ``as_of``, per currency.

    ``sales_cents`` (the period's sales incl. VAT, an int for euros or ``{currency: cents}``) and
    ``period_days`` make the DSO computable; without them the DSO is « non calculable » with the
    reason. With only open items, the ranking is by overdue amount and age (no risk score, no
    payment history: said in each action's ``why``).
    """
    _check_items(items)
    if isinstance(sales_cents, (int, np.integer)):
        sales_cents = {"EUR": int(sales_cents)}
    sales_cents = sales_cents or {}
    if sales_cents and (not isinstance(period_days, int) or period_days <= 0):
        raise InvalidParameterError("Ventes fournies sans la durée de la période.",
                                    valid="une durée de période en jours, supérieure à 0 (par exemple 90)")
    day = pd.Timestamp(as_of).date()
    frame = items.copy()
    if "currency" not in frame:
        frame["currency"] = "EUR"
    if "unapplied" not in frame:
        frame["unapplied"] = frame["residual_cents"] < 0
    names = {}
    if "customer_name" in frame:
        named = frame.loc[frame["customer_name"].astype(str) != "", ["customer_id", "customer_name"]]
        names = dict(zip(named["customer_id"].astype(str), named["customer_name"].astype(str)))
    aged, kpis, actions, chase, calm = {}, [], {}, [], []
    for currency, part in frame.groupby("currency", sort=True):
        balance = aged_balance(part.drop(columns=["currency"]), day)
        aged[currency] = balance
        kpis += _kpis(balance, currency, sales_cents.get(currency), period_days)
        ranked = open_items_worklist(balance).assign(currency=currency)
        actions[currency] = ranked
        chase.append(ranked.loc[ranked["team"] == "recouvrement"])
        calm.append(ranked.loc[ranked["team"] != "recouvrement"])
        # customers who owe but have nothing overdue: nothing to chase yet
        labels = bucket_labels(balance.bounds)
        table = balance.by_customer
        overdue = table[labels[1:]].sum(axis=1)
        quiet = table.index[(overdue <= 0) & ~table.index.isin(ranked["customer_id"])]
        calm.append(pd.DataFrame({"customer_id": quiet, "category": "rien d'échu", "team": "aucune",
                                  "action": "Ne pas relancer : aucune pièce échue à cette date",
                                  "amount_cents": table.loc[quiet, "Total"].to_numpy(dtype=np.int64),
                                  "why": "toutes les pièces sont non échues (ou compensées par des avoirs)",
                                  "documents": "", "currency": currency}))
    chase_df = pd.concat(chase, ignore_index=True) if chase else pd.DataFrame(columns=list(_ACTION_COLUMNS))
    calm_df = pd.concat(calm, ignore_index=True) if calm else pd.DataFrame(columns=list(_ACTION_COLUMNS))
    return OwnAnalysis(day, aged, kpis, actions, chase_df, calm_df, names)


_WORKLIST_COLUMNS = ["rank", "customer_id", "category", "action", "team", "amount_cents", "probability", "why",
                     "documents", "priority_cents"]


def open_items_worklist(aged: AgedBalance) -> pd.DataFrame:
    """The course's worklist (:func:`o2c_lab.analytics.priorities.worklist`) for a portfolio
    known only by its open items — no risk level, no payment history, no dispute register — with
    the same rules (:data:`~o2c_lab.analytics.priorities.PRIORITY_RULES`, the same reminder
    levels), computed per column rather than per customer so that 10 000 customers take a
    second: a customer whose unapplied cash covers the overdue is not chased (cash application
    first); any other with overdue items gets the reminder of its oldest overdue item, at the
    probability of a normal-risk customer.
    """
    items = aged.items
    unapplied = items["unapplied"].to_numpy(dtype=bool)
    debits = items.loc[~unapplied]
    overdue_rows = debits.loc[debits["days_past_due"].to_numpy() > 0]
    cash = -items.loc[unapplied].groupby("customer_id")["residual_cents"].sum()
    late = overdue_rows.groupby("customer_id", sort=True).agg(
        amount_cents=("residual_cents", "sum"), oldest=("days_past_due", "max"),
        documents=("document_id", lambda d: ", ".join(d)))
    paid = cash.reindex(late.index, fill_value=0).to_numpy()
    covered = (paid > 0) & (late["amount_cents"].to_numpy() > 0) & (paid >= late["amount_cents"].to_numpy())
    p = PRIORITY_RULES["p_by_level"]["normal"]
    out = pd.DataFrame({
        "customer_id": late.index,
        "category": np.where(covered, "bruit pour le recouvrement", "urgence réelle"),
        "action": [f"Ne pas relancer : affecter l'encaissement non affecté de {format_eur(int(c))}" if cov
                   else reminder_action(int(o)) for c, o, cov in zip(paid, late["oldest"], covered)],
        "team": np.where(covered, "lettrage", "recouvrement"),
        "amount_cents": late["amount_cents"].to_numpy(dtype=np.int64),
        "probability": np.where(covered, 0.0, p),
        "why": ["le client a probablement déjà payé : encaissement non affecté supérieur à l'échu" if cov
                else f"{format_eur(int(a))} échus, plus ancien à {int(o)} jours"
                for a, o, cov in zip(late["amount_cents"], late["oldest"], covered)],
        "documents": late["documents"].to_numpy()})
    out = out.loc[out["amount_cents"] > 0]
    out["priority_cents"] = (out["amount_cents"] * out["probability"]).round().astype(np.int64)
    out = out.sort_values(["priority_cents", "amount_cents"], ascending=[False, False]).reset_index(drop=True)
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    return out[_WORKLIST_COLUMNS]


def _kpis(balance: AgedBalance, currency: str, sales, days) -> list[KpiLine]:
    # gross open debits, as the course's KPIs: unapplied credits are shown apart
    items = balance.items.loc[~balance.items["unapplied"].to_numpy(dtype=bool)]
    gross = int(items["residual_cents"].sum())
    current = int(items.loc[items["days_past_due"] <= 0, "residual_cents"].sum())
    over_90 = int(items.loc[items["days_past_due"] > 90, "residual_cents"].sum())
    out = [KpiLine("Part non échue", currency, share_of_receivables(current, gross, "Part non échue",
                                                                   "encours non échu") if gross else None,
                   "" if gross else "aucune pièce ouverte au débit"),
           KpiLine("Part à plus de 90 jours", currency,
                   share_of_receivables(over_90, gross, "Part à plus de 90 jours",
                                        "encours échu depuis plus de 90 jours") if gross else None,
                   "" if gross else "aucune pièce ouverte au débit")]
    no_sales = ("le fichier ne contient que les pièces ouvertes, pas le chiffre d'affaires de la période ; "
                "indiquez les ventes TTC de la période et sa durée en jours")
    if sales:
        out.append(KpiLine("DSO (méthode simple)", currency, dso_simple(gross, int(sales), days)))
        out.append(KpiLine("Best Possible DSO", currency, best_possible_dso(current, sales_cents=int(sales), days=days)))
    else:
        out.append(KpiLine("DSO", currency, None, no_sales))
        out.append(KpiLine("Best Possible DSO", currency, None, no_sales))
    out.append(KpiLine("CEI (efficacité du recouvrement)", currency, None,
                       "il faut l'encours d'ouverture de la période et ses ventes, absents d'une liste de "
                       "pièces ouvertes ; une seconde balance âgée (début de période) le permettrait"))
    return out


# ---------------------------------------------------------------------------------- prompts

class _Portfolio:
    """What :func:`o2c_lab.ai.library.fill` reads of a company for a portfolio prompt."""

    def __init__(self, as_of: dt.date, name: str):
        self.as_of, self.name = as_of, name


def _aged_text(balance: AgedBalance, currency: str) -> str:
    labels = bucket_labels(balance.bounds)
    words = ["non échu", "1 à 30 j", "31 à 60 j", "61 à 90 j", "plus de 90 j"]
    items = balance.items.loc[~balance.items["unapplied"].to_numpy(dtype=bool)]
    total = int(items["residual_cents"].sum())
    parts = items.groupby("bucket", observed=False)["residual_cents"].sum()
    lines = [f"Encours brut {_money(total, currency)} au {format_date(balance.as_of)}"]
    for label, word in zip(labels, words if len(labels) == len(words) else labels):
        part = int(parts.get(label, 0))
        lines.append(f"- {word} : {_money(part, currency)} ({round(part * 100 / max(total, 1))} %)")
    return "\n".join(lines)


def _late(balance: AgedBalance) -> pd.DataFrame:
    """Overdue debits by customer, largest first: ``echu``, ``retard`` (max days), ``factures``."""
    items = balance.items
    late = items.loc[(items["days_past_due"] > 0) & ~items["unapplied"].to_numpy(dtype=bool)]
    table = late.groupby("customer_id").agg(echu=("residual_cents", "sum"), retard=("days_past_due", "max"),
                                            factures=("document_id", "count"))
    return table.sort_values(["echu"], ascending=False, kind="stable")


def _late_text(balance: AgedBalance, currency: str, pseudo: dict, n: int) -> str:
    table = _late(balance).head(n)
    return "\n".join(f"- {pseudo[c]} : échu {_money(int(r.echu), currency)}, {r.factures} facture(s), "
                     f"retard max {r.retard} j" for c, r in table.iterrows()) or "(aucun client en retard)"


def anonymised_prompts(analysis: OwnAnalysis, *, currency: str | None = None, company_name: str = "notre entreprise"
                       ) -> list[tuple[str, str]]:
    """The course's portfolio prompts (:data:`PROMPT_IDS`) filled from the analysis, anonymised.

    Customers appear as pseudonyms (``<CLIENT_1>``…, numbered by overdue amount), never by code
    or name; the texts then go through the course's anonymiser
    (:class:`o2c_lab.ai.anonymize.Anonymizer`) with every customer code and name as known
    values, so that no identifier slips through a free text. Returns ``(title, text)`` pairs.
    """
    from ..ai.anonymize import Anonymizer, KnownEntities
    from ..ai.library import fill

    currency = currency or ("EUR" if "EUR" in analysis.aged else next(iter(analysis.aged), None))
    if currency is None:
        raise InvalidParameterError("Aucune pièce ouverte : pas de prompt à remplir.",
                                    todo="importez d'abord un fichier qui contient des pièces ouvertes")
    balance = analysis.aged[currency]
    late = _late(balance)
    order = list(late.index) + [c for c in balance.by_customer.index if c not in late.index]
    pseudo = {c: f"<CLIENT_{k}>" for k, c in enumerate(order, start=1)}
    known = KnownEntities()
    for c in order:
        known.add("CLIENT", c)
        known.add("CLIENT", analysis.names.get(c, ""))
    anon = Anonymizer(known, use_nlp=False)
    lines = [line for line in analysis.kpis if line.currency == currency]
    indicateurs = " ; ".join(line.display() for line in lines)
    values = {"date_arrete": format_date(analysis.as_of), "entreprise": company_name,
              "balance_agee": _aged_text(balance, currency), "indicateurs": indicateurs}
    out = []
    for prompt_id in PROMPT_IDS:
        n = 12 if prompt_id == "priorisation_actions" else 8
        filled = fill(prompt_id, _Portfolio(analysis.as_of, company_name),
                      top_retards=_late_text(balance, currency, pseudo, n), **values)
        out.append((filled.prompt.title, anon.anonymize_text(filled.text).text))
    return out
