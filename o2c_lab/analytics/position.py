"""The receivable position: what each customer owes at a date, computed once.

Every figure the course shows about receivables (company card, KPIs, aged balance, prompts,
letters, alerts, the fact-checker's ledger) reads from :func:`receivable_position`.

How the 411 ledger is read (see :func:`o2c_lab.analytics.aging.open_items_at` for lettering):

- a credit note settles the invoice it was issued for, by its lettering *or*, while it is not
  lettered, by its original-invoice link (``credit_notes.invoice_id``); an escompte settles the
  invoice it was granted on (``ESC-<invoice>``); only what exceeds that invoice's open amount stays
  an unapplied credit (« avoir non imputé », « encaissement non affecté »);
- a duplicate invoice (the same delivery billed a second time) is a billing error to cancel by a
  credit note, never a debt to chase: it stays in the books (« encours brut ») but is not owed;
- an invoice in an open dispute is owed but not chased; under collective proceedings an invoice
  issued up to the judgment date is a claim to declare, one issued after it is a post-judgment
  claim payable at its due date (article L622-17 du Code de commerce).

Two totals are named apart: « encours brut » (open invoices, as the ledger carries them) and
« encours net des avoirs » (brut minus unapplied credit notes and receipts: the 411 balance).
"""

from __future__ import annotations

import datetime as dt
import weakref
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from ..errors import InvalidParameterError
from ..law import judgment_date_in_notice
from .aging import (DEFAULT_BUCKETS, UNAPPLIED_COLUMN, _day, _days, _open_dispute, bucket_labels,
                    open_items_at, with_due_dates)

__all__ = ["STATUS_LABELS", "OWED_STATUSES", "ReceivablePosition", "receivable_position", "linked_ledger"]

#: Status of a position line -> French label.
STATUS_LABELS = {
    "settled": "soldée",
    "credited": "annulée par avoir",
    "duplicate": "doublon (à annuler par avoir, non dû)",
    "disputed": "en litige",
    "to_declare": "procédure collective : créance à déclarer",
    "post_judgment": "procédure collective : créance postérieure au jugement",
    "not_due": "non échue",
    "overdue": "échue",
    "unapplied_credit_note": "avoir non imputé",
    "unapplied_receipt": "encaissement non affecté",
}
#: Statuses of open invoices the customer owes (a duplicate is not owed).
OWED_STATUSES = ("disputed", "to_declare", "post_judgment", "not_due", "overdue")



def linked_ledger(ledger: pd.DataFrame, credit_notes: pd.DataFrame) -> pd.DataFrame:
    """The 411 ledger where every credit note and escompte without ``applied_to`` names the
    invoice it was issued for (lettered rows are unaffected: their group settles them)."""
    out = ledger.copy()
    target = out["applied_to"].fillna("").astype(str)
    kind = out["document_type"].astype(str)
    origin = credit_notes.drop_duplicates("credit_note_id").set_index("credit_note_id")["invoice_id"]
    note = (kind == "avoir") & (target == "")
    target = target.mask(note, out["document_id"].map(origin).fillna(""))
    esc = (kind == "escompte") & (target == "") & out["document_id"].astype(str).str.startswith("ESC-")
    target = target.mask(esc, out["document_id"].astype(str).str[4:])
    out["applied_to"] = target
    return out


def _judgment_dates(signals: pd.DataFrame, day: np.datetime64) -> dict[str, dt.date]:
    """customer -> opening judgment date of a collective proceeding published by ``day``
    (read from the BODACC notice; its publication date when the notice gives none)."""
    bodacc = signals.loc[(signals["source"].astype(str).str.upper() == "BODACC")
                         & (_days(signals["published_on"]) <= day)]
    out = {}
    for r in bodacc.sort_values("published_on").itertuples():
        when = judgment_date_in_notice(str(r.text)) or pd.Timestamp(r.published_on).date()
        out.setdefault(str(r.customer_id), when)
    return out


@dataclass
class ReceivablePosition:
    """The position at ``as_of``.

    ``lines``: one row per invoice issued by ``as_of`` and per unapplied credit —
    ``customer_id``, ``document_id``, ``document_type``, ``invoice_date``, ``due_date``,
    ``amount_cents`` (TTC; negative for a credit), ``credited_cents``, ``escompte_cents``,
    ``paid_cents``, ``remaining_cents`` (negative for an unapplied credit), ``days_late``,
    ``bucket``, ``status`` (a key of :data:`STATUS_LABELS`), ``statut`` (its French label),
    ``duplicate_of`` and ``judgment_date``. ``kpis``: :func:`o2c_lab.analytics.receivable_kpis`
    on the same reading of the ledger.
    """

    as_of: dt.date
    lines: pd.DataFrame
    kpis: dict
    bounds: tuple[int, ...] = DEFAULT_BUCKETS

    @property
    def open_lines(self) -> pd.DataFrame:
        """Open invoices (remaining > 0) and unapplied credits."""
        return self.lines.loc[self.lines["remaining_cents"] != 0]

    @property
    def owed_lines(self) -> pd.DataFrame:
        """Open invoices the customer owes (duplicates excluded)."""
        return self.lines.loc[self.lines["status"].isin(OWED_STATUSES) & (self.lines["remaining_cents"] > 0)]

    @cached_property
    def by_customer(self) -> pd.DataFrame:
        """Per-customer totals (int cents), French column names, customers with an open line:
        ``encours_brut``, ``avoirs_non_imputes``, ``encaissements_non_affectes``, ``encours_net``,
        one column per bucket, ``echu`` (all open invoices past due), ``doublons``, ``litige``,
        ``procedure_collective``, ``du`` (owed: duplicates excluded), ``echu_a_relancer`` (status
        overdue), ``echu_du`` (owed and past due), ``factures_ouvertes`` (count) and ``retard_max``
        (days late of the oldest open invoice past due)."""
        open_ = self.open_lines
        inv = open_.loc[open_["remaining_cents"] > 0]
        cred = open_.loc[open_["remaining_cents"] < 0]
        g = inv.groupby("customer_id")["remaining_cents"]
        table = pd.DataFrame({"encours_brut": g.sum()})
        table = table.reindex(table.index.union(pd.Index(cred["customer_id"].unique())), fill_value=0)
        table.index.name = "customer_id"

        def add(name, frame):
            table[name] = frame.groupby("customer_id")["remaining_cents"].sum().reindex(table.index, fill_value=0)

        add("avoirs_non_imputes", cred.loc[cred["status"] == "unapplied_credit_note"])
        add("encaissements_non_affectes", cred.loc[cred["status"] == "unapplied_receipt"])
        table["encours_net"] = table["encours_brut"] + table["avoirs_non_imputes"] + table["encaissements_non_affectes"]
        for label in bucket_labels(self.bounds):
            add(label, inv.loc[inv["bucket"] == label])
        add("echu", inv.loc[inv["days_late"] > 0])
        add("doublons", inv.loc[inv["status"] == "duplicate"])
        add("litige", inv.loc[inv["status"] == "disputed"])
        add("procedure_collective", inv.loc[inv["status"].isin(["to_declare", "post_judgment"])])
        add("du", inv.loc[inv["status"].isin(OWED_STATUSES)])
        add("echu_a_relancer", inv.loc[inv["status"] == "overdue"])
        add("echu_du", inv.loc[inv["status"].isin(OWED_STATUSES) & (inv["days_late"] > 0)])
        table["factures_ouvertes"] = inv.groupby("customer_id").size().reindex(table.index, fill_value=0)
        late = inv.loc[inv["days_late"] > 0]
        table["retard_max"] = late.groupby("customer_id")["days_late"].max().reindex(table.index, fill_value=0)
        return table.astype(np.int64)

    @cached_property
    def totals(self) -> pd.Series:
        """Company totals: the column sums of :attr:`by_customer` (``retard_max``: the largest)."""
        table = self.by_customer
        out = table.drop(columns="retard_max").sum()
        out["retard_max"] = table["retard_max"].max() if len(table) else 0
        return out.astype(np.int64)

    def falling_due(self, weeks: int = 12) -> pd.DataFrame:
        """Cash to come by week: what the open invoices (duplicates excluded: they are cancelled,
        not paid) leave due in each of the ``weeks`` weeks after ``as_of`` — ``week_start``,
        ``week_end`` (dates) and ``due_cents``."""
        if not isinstance(weeks, (int, np.integer)) or isinstance(weeks, bool) or weeks < 1:
            raise InvalidParameterError(f"Nombre de semaines invalide : {weeks!r}.", valid="un entier ≥ 1",
                                        todo="indiquez par exemple weeks=12")
        o = self.open_lines
        o = o.loc[(o["remaining_cents"] > 0) & (o["status"] != "duplicate")]
        start = pd.Timestamp(self.as_of) + pd.to_timedelta(np.arange(weeks) * 7 + 1, unit="D")
        week = (o["due_date"] - pd.Timestamp(self.as_of) - pd.Timedelta(days=1)).dt.days // 7
        due = o["remaining_cents"].groupby(week).sum().reindex(range(weeks), fill_value=0)
        return pd.DataFrame({"week_start": start.date, "week_end": (start + pd.Timedelta(days=6)).date,
                             "due_cents": due.to_numpy(dtype=np.int64)})

    @property
    def dso(self):
        """The one DSO the course shows: simple method over the KPIs' months, on the encours brut."""
        return self.kpis["dso_simple"]

    def headline(self) -> dict:
        """Headline figures (the keys of ``Company.summary()``)."""
        t = self.totals
        gross, overdue = int(t["encours_brut"]), int(t["echu"])
        invoices = self.open_lines.loc[self.open_lines["remaining_cents"] > 0]
        over_90 = int(invoices.loc[invoices["days_late"] > 90, "remaining_cents"].sum())
        late = self.by_customer["echu"].sort_values(ascending=False)
        return {
            "receivables_cents": gross,
            "gross_receivables_cents": gross,
            "net_receivables_cents": int(t["encours_net"]),
            "unapplied_credit_notes_cents": int(-t["avoirs_non_imputes"]),
            "unapplied_receipts_cents": int(-t["encaissements_non_affectes"]),
            "owed_cents": int(t["du"]),
            "duplicates_cents": int(t["doublons"]),
            "disputed_cents": int(t["litige"]),
            "open_invoices_cents": gross,
            "overdue_cents": overdue,
            "over_90_cents": over_90,
            "overdue_share": overdue / gross if gross else 0.0,
            "over_90_share": over_90 / gross if gross else 0.0,
            "dso_days": self.dso.value,
            "dso_name": self.dso.name,
            "sales_cents": int(self.dso.inputs["Ventes TTC de la période (€)"]),
            "period_days": int(self.dso.inputs["Jours de la période"]),
            "top10_overdue_share": float(late.head(10).sum() / overdue) if overdue else 0.0,
            "customers_with_open_items": int((self.by_customer["encours_brut"] > 0).sum()),
        }

    def open_items(self) -> pd.DataFrame:
        """The open lines in the format of :func:`o2c_lab.analytics.open_items_at` (plus ``status``)."""
        o = self.open_lines
        out = pd.DataFrame({
            "customer_id": o["customer_id"].to_numpy(), "document_id": o["document_id"].to_numpy(),
            "document_type": o["document_type"].to_numpy(), "entry_date": o["invoice_date"].to_numpy(),
            "amount_cents": o["amount_cents"].to_numpy(), "residual_cents": o["remaining_cents"].to_numpy(),
            "due_date": o["due_date"].to_numpy(), "unapplied": (o["remaining_cents"] < 0).to_numpy(),
            "status": o["status"].to_numpy()})
        return out.reset_index(drop=True)


_CACHE: dict[tuple[int, dt.date], tuple] = {}


def receivable_position(company, as_of=None, *, months: int = 3) -> ReceivablePosition:
    """The receivable position of a generated (or loaded) company at ``as_of`` (default: its case
    date). Computed once per company object and date."""
    day = _day(company.as_of if as_of is None else as_of)
    when = pd.Timestamp(day).date()
    key = (id(company), when, months)
    hit = _CACHE.get(key)
    if hit is not None and hit[0]() is company:
        return hit[1]
    position = _compute(company, day, months)
    _CACHE[key] = (weakref.ref(company), position)
    return position


def _compute(company, day: np.datetime64, months: int) -> ReceivablePosition:
    t = company.tables
    for name in ("ar_ledger", "invoices", "credit_notes"):
        if name not in t:
            raise InvalidParameterError(f"Table « {name} » absente : impossible d'établir la position clients.",
                                        todo="chargez une entreprise complète (generate_company ou load_company)")
    from .kpis import receivable_kpis

    invoices = t["invoices"]
    due = invoices[["invoice_id", "due_date"]].rename(columns={"invoice_id": "document_id"})
    ledger = with_due_dates(linked_ledger(t["ar_ledger"], t["credit_notes"]), due)
    items = open_items_at(ledger, day)
    kpis = receivable_kpis(ledger, day, months=months, items=items, invoices=invoices,
                           disputes=t.get("disputes"), promises=t.get("promises"))

    inv = invoices.loc[_days(invoices["invoice_date"]) <= day]
    ids = inv["invoice_id"].astype(str)
    debit = items.loc[~items["unapplied"]]
    remaining = debit.groupby("document_id")["residual_cents"].sum().reindex(ids, fill_value=0).to_numpy()
    amount = inv["total_ttc_cents"].to_numpy(dtype=np.int64)
    notes = t["credit_notes"].loc[_days(t["credit_notes"]["credit_date"]) <= day]
    credited = notes.groupby("invoice_id")["total_ttc_cents"].sum().reindex(ids, fill_value=0).to_numpy()
    led = ledger.loc[(_days(ledger["entry_date"]) <= day) & (ledger["document_type"] == "escompte")]
    escompte = led.groupby("applied_to")["credit_cents"].sum().reindex(ids, fill_value=0).to_numpy()
    credited = np.minimum(credited, amount - remaining).astype(np.int64)
    escompte = np.minimum(escompte, amount - remaining - credited).astype(np.int64)
    paid = np.maximum(amount - remaining - credited - escompte, 0)

    # a duplicate: the same customer's delivery already billed by an earlier invoice
    delivery = inv["delivery_id"].fillna("").astype(str)
    order = inv.assign(_d=delivery).sort_values(["invoice_date", "invoice_id"])
    first = order.loc[order["_d"] != ""].drop_duplicates(["customer_id", "_d"])
    original = dict(zip(zip(first["customer_id"], first["_d"]), first["invoice_id"]))
    dup_of = np.array([original.get((c, d), i) if d else i
                       for c, d, i in zip(inv["customer_id"], delivery, ids)], dtype=object)
    dup_of = np.where(dup_of == ids.to_numpy(), "", dup_of)

    due_days = _days(inv["due_date"])
    days_late = (day - due_days).astype(np.int64)
    disputes = t.get("disputes")
    disputed = np.zeros(len(inv), dtype=bool)
    if disputes is not None and len(disputes):
        live = disputes.loc[(_days(disputes["opened_on"]) <= day) & _open_dispute(disputes["status"]).to_numpy()]
        disputed = ids.isin(set(live["invoice_id"].astype(str))).to_numpy()
    judged = _judgment_dates(t["external_signals"], day) if "external_signals" in t else {}
    judgment = inv["customer_id"].map(judged)
    in_proc = judgment.notna().to_numpy()
    after = in_proc & (_days(inv["invoice_date"]) > _days(judgment.where(judgment.notna(), None)))

    status = np.select(
        [remaining <= 0, dup_of != "", disputed, after, in_proc, days_late <= 0],
        ["settled", "duplicate", "disputed", "post_judgment", "to_declare", "not_due"], "overdue").astype(object)
    status[(remaining <= 0) & (credited >= amount)] = "credited"

    lines = pd.DataFrame({
        "customer_id": inv["customer_id"].astype(str).to_numpy(), "document_id": ids.to_numpy(),
        "document_type": "facture", "invoice_date": _days(inv["invoice_date"]), "due_date": due_days,
        "amount_cents": amount, "credited_cents": credited, "escompte_cents": escompte, "paid_cents": paid,
        "remaining_cents": remaining.astype(np.int64), "days_late": days_late, "status": status,
        "duplicate_of": dup_of, "judgment_date": judgment.to_numpy()})
    cred = items.loc[items["unapplied"]]
    credits = pd.DataFrame({
        "customer_id": cred["customer_id"].to_numpy(), "document_id": cred["document_id"].to_numpy(),
        "document_type": cred["document_type"].to_numpy(), "invoice_date": _days(cred["entry_date"]),
        "due_date": _days(cred["entry_date"]), "amount_cents": cred["amount_cents"].to_numpy(),
        "credited_cents": 0, "escompte_cents": 0, "paid_cents": 0,
        "remaining_cents": cred["residual_cents"].to_numpy(), "days_late": 0,
        "status": np.where(cred["document_type"].to_numpy() == "avoir", "unapplied_credit_note",
                           "unapplied_receipt"), "duplicate_of": "", "judgment_date": None})
    lines = pd.concat([lines, credits], ignore_index=True)
    labels = bucket_labels(DEFAULT_BUCKETS)
    idx = np.searchsorted(np.asarray(DEFAULT_BUCKETS), lines["days_late"].to_numpy(), side="left")
    bucket = np.array(labels, dtype=object)[idx]
    bucket[lines["remaining_cents"].to_numpy() < 0] = UNAPPLIED_COLUMN
    lines["bucket"] = bucket
    lines["statut"] = lines["status"].map(STATUS_LABELS)
    for col in ("invoice_date", "due_date"):
        lines[col] = pd.to_datetime(lines[col]).astype("datetime64[s]")
    for col in ("amount_cents", "credited_cents", "escompte_cents", "paid_cents", "remaining_cents", "days_late"):
        lines[col] = lines[col].astype(np.int64)
    return ReceivablePosition(pd.Timestamp(day).date(), lines, kpis)
