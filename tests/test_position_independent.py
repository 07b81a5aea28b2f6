"""The receivable position checked against an independent recomputation, on 20 seeds.

The reference figures are recomputed here with plain pandas from the dataset files the generator
writes (``csv/*.csv``, « ; » and BOM), without the library's analytics: an invoice is settled
when its 411 line is lettered; otherwise its open amount is its TTC minus what names it (receipts
imputed on it, its credit notes by their original-invoice column, its escompte); what exceeds it
is unapplied. A duplicate is a delivery billed a second time. Then the library's position,
dunning plan, letters, forecast, card and filled prompts must agree with these figures.
"""

from __future__ import annotations

import re
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

SEEDS = range(20)
CUSTOMERS = 32
BUCKETS = ["Non échu", "1-30 j", "31-60 j", "61-90 j", "> 90 j"]


# --- independent reading of the files --------------------------------------------------------

def _read(folder, name, columns):
    """A CSV of the dataset as plain pandas reads it, columns renamed in file order."""
    frame = pd.read_csv(folder / "csv" / f"{name}.csv", sep=";", encoding="utf-8-sig", dtype=str,
                        keep_default_na=False)
    assert len(frame.columns) == len(columns), name
    frame.columns = columns
    return frame


def _cents(col: pd.Series) -> pd.Series:
    return col.map(lambda v: int(Decimal(v.replace("\u202f", "").replace(" ", "").replace(",", ".") or "0") * 100))


def _date(col: pd.Series) -> pd.Series:
    return pd.to_datetime(col, format="%d/%m/%Y", errors="coerce")


def _load(folder) -> dict:
    led = _read(folder, "ar_ledger", ["entry_id", "journal", "entry_date", "customer_id", "document_id", "type",
                                      "label", "debit", "credit", "applied_to", "lettering", "lettering_date",
                                      "bank_tx_id"])
    led["debit"], led["credit"] = _cents(led["debit"]), _cents(led["credit"])
    inv = _read(folder, "invoices", ["invoice_id", "customer_id", "order_id", "delivery_id", "invoice_date",
                                     "due_date", "terms", "po", "siren_shown", "pen", "ind", "vat_mention",
                                     "ht", "vat", "ttc"])
    inv["ttc"] = _cents(inv["ttc"])
    inv["invoice_date"], inv["due_date"] = _date(inv["invoice_date"]), _date(inv["due_date"])
    notes = _read(folder, "credit_notes", ["credit_note_id", "customer_id", "invoice_id", "credit_date", "reason",
                                           "ht", "vat", "ttc"])
    disputes = _read(folder, "disputes", ["dispute_id", "customer_id", "invoice_id", "opened_on", "reason",
                                          "status", "amount", "summary", "thread_id"])
    dunning = _read(folder, "dunning", ["dunning_id", "customer_id", "invoice_id", "sent_on", "level", "channel"])
    dunning["sent_on"], dunning["level"] = _date(dunning["sent_on"]), dunning["level"].astype(int)
    signals = _read(folder, "external_signals", ["signal_id", "customer_id", "published_on", "source", "title",
                                                 "text"])
    company = _read(folder, "company", ["name", "siren", "vat", "iban", "bic", "address", "as_of", "start", "seed"])
    return {"ledger": led, "invoices": inv, "notes": notes, "disputes": disputes, "dunning": dunning,
            "signals": signals, "as_of": pd.Timestamp(_date(company["as_of"]).iloc[0])}


def _reference(d: dict) -> dict:
    """Open amount of every invoice, unapplied credits, duplicates — from the files alone."""
    led, inv, as_of = d["ledger"], d["invoices"], d["as_of"]
    open_led = led[led["lettering"] == ""]
    inv_rows = open_led[open_led["type"] == "facture"]
    credits = open_led[open_led["type"] != "facture"].copy()
    origin = d["notes"].set_index("credit_note_id")["invoice_id"]
    target = credits["applied_to"].copy()
    is_note = (credits["type"] == "avoir") & (target == "")
    target[is_note] = credits.loc[is_note, "document_id"].map(origin)
    is_esc = (credits["type"] == "escompte") & (target == "")
    target[is_esc] = credits.loc[is_esc, "document_id"].str.removeprefix("ESC-")
    credits["target"] = target.fillna("")
    open_inv = inv.set_index("invoice_id").loc[inv_rows["document_id"]]
    named = credits.groupby("target")["credit"].sum()
    gross = open_inv["ttc"] - named.reindex(open_inv.index, fill_value=0)
    remaining = gross.clip(lower=0)
    # what a credit brings beyond its invoice's open amount, and credits naming no open invoice
    excess = (-gross.clip(upper=0)).groupby(open_inv["customer_id"]).sum()
    orphan = credits[~credits["target"].isin(open_inv.index)].groupby("customer_id")["credit"].sum()
    unapplied = excess.add(orphan, fill_value=0)
    frame = open_inv.assign(remaining=remaining)[["customer_id", "due_date", "invoice_date", "delivery_id",
                                                  "remaining"]]
    frame = frame[frame["remaining"] > 0]
    late = (as_of - frame["due_date"]).dt.days
    frame["days_late"] = late
    frame["bucket"] = pd.cut(late, [-10**6, 0, 30, 60, 90, 10**6], labels=BUCKETS)
    first = inv.sort_values(["invoice_date", "invoice_id"]).drop_duplicates(["customer_id", "delivery_id"])
    duplicates = set(inv["invoice_id"]) - set(first["invoice_id"])
    balance = (led["debit"] - led["credit"]).groupby(led["customer_id"]).sum()
    return {"open": frame, "unapplied": unapplied, "duplicates": duplicates, "balance": balance}


@pytest.fixture(scope="session")
def sweep(tmp_path_factory):
    """20 small companies, each written to disk, with its independent reference."""
    from o2c_lab import generate_company
    from o2c_lab.company.dataset import write_dataset

    root = tmp_path_factory.mktemp("positions")
    out = []
    for seed in SEEDS:
        company = generate_company(seed=seed, customers=CUSTOMERS)
        folder = write_dataset(company, root / f"s{seed}", formats=("csv",))
        data = _load(folder)
        out.append((company, data, _reference(data)))
    return out


# --- the position against the reference -------------------------------------------------------

def test_buckets_per_customer_net_of_credit_notes(sweep):
    from o2c_lab.analytics import receivable_position

    moved = 0
    for company, data, ref in sweep:
        position = receivable_position(company)
        table = position.by_customer
        mine = ref["open"].pivot_table(index="customer_id", columns="bucket", values="remaining", aggfunc="sum",
                                       observed=False).reindex(columns=BUCKETS).fillna(0).astype(np.int64)
        ours = table[BUCKETS].loc[table["encours_brut"] > 0]
        mine = mine.loc[mine.sum(axis=1) > 0]
        pd.testing.assert_frame_equal(ours.sort_index(), mine.sort_index(), check_names=False,
                                      obj=f"graine {company.seed}")
        unapplied = -(table["avoirs_non_imputes"] + table["encaissements_non_affectes"])
        assert unapplied[unapplied != 0].sort_index().to_dict() == \
            ref["unapplied"][ref["unapplied"] != 0].astype(np.int64).sort_index().to_dict()
        # net receivables are the 411 balance, customer by customer
        net = table["encours_net"]
        assert (net == ref["balance"].reindex(net.index)).all()
        assert int(position.totals["encours_net"]) == int(ref["balance"].sum())
        # the old reading (credit notes applied only when imputed) put them in « non affecté »
        moved += int(data["ledger"].query("type == 'avoir' and lettering == '' and applied_to == ''").shape[0])
    assert moved > 0  # the sweep does exercise credit notes linked only by their original invoice


def test_duplicates_and_statuses(sweep):
    from o2c_lab.analytics import receivable_position

    for company, data, ref in sweep:
        lines = receivable_position(company).lines
        flagged = set(lines.loc[lines["duplicate_of"] != "", "document_id"])
        assert flagged == ref["duplicates"]
        planted = company.truth["invoice_anomalies"].query("anomaly == 'duplicate_invoice'")["invoice_id"]
        assert set(planted) == ref["duplicates"]
        inv = lines[lines["document_type"] == "facture"]
        assert (inv["amount_cents"] == inv["credited_cents"] + inv["escompte_cents"] + inv["paid_cents"]
                + inv["remaining_cents"]).all()


def test_every_chased_invoice_is_owed_overdue_and_not_excluded(sweep):
    from o2c_lab.casework.dunning import LEVELS, dunning_plan

    chased_total = levels_capped = 0
    for company, data, ref in sweep:
        plan = dunning_plan(company)
        chased = plan[plan["action"] == "relancer"]
        chased_total += len(chased)
        open_ = ref["open"]
        assert set(chased["invoice_id"]) <= set(open_.index)
        assert (chased["residual_cents"].to_numpy() == open_.loc[chased["invoice_id"], "remaining"].to_numpy()).all()
        assert (open_.loc[chased["invoice_id"], "days_late"] >= LEVELS[1][0]).all()
        disputed = set(data["disputes"].query("status == 'en litige'")["invoice_id"])
        assert not set(chased["invoice_id"]) & (disputed | ref["duplicates"])
        bodacc = set(data["signals"].query("source == 'BODACC'")["customer_id"])
        assert not set(chased["customer_id"]) & bodacc
        # a level is reached only after the previous one was sent
        sent = data["dunning"][data["dunning"]["sent_on"] <= data["as_of"]].groupby("invoice_id")["level"].max()
        before = sent.reindex(chased["invoice_id"]).fillna(0).to_numpy()
        assert (chased["level"].to_numpy() <= before + 1).all()
        assert (chased["level"].to_numpy() > before).all()
        levels_capped += int((chased["level"].to_numpy() < chased["days_late"].map(
            lambda d: max(k for k, (start, _, _) in LEVELS.items() if d >= start)).to_numpy()).sum())
        # every excluded open invoice says why
        assert (plan.loc[plan["action"] != "relancer", "reason"].str.len() > 0).all()
    print(f"\n[position] factures relancées sur {len(SEEDS)} graines : {chased_total}, "
          f"dont {levels_capped} ramenées au niveau suivant la dernière relance envoyée")
    assert chased_total > 0


_EUR = r"(\d{1,3}(?:\u202f\d{3})*,\d{2})\u00a0€"


def _eur(text: str) -> int:
    return int(text.replace("\u202f", "").replace(",", ""))


def test_each_formal_notice_total_equals_its_lines(sweep):
    from o2c_lab.casework.dunning import dunning_plan, reminder_text

    letters = 0
    for company, data, ref in sweep:
        plan = dunning_plan(company)
        chased = plan[plan["action"] == "relancer"]
        for cid in chased.loc[chased["level"] == 3, "customer_id"].unique()[:3]:
            text = reminder_text(company, cid, 3, "courrier", plan=plan)
            lines = re.findall(r"^- Facture (\S+) .*principal " + _EUR + r" \+ pénalités au \S+ " + _EUR
                               + r" \+ indemnité forfaitaire " + _EUR + " = " + _EUR + r"\.$", text, re.M)
            assert lines, text
            for _, principal, penalty, indemnity, total in lines:
                assert _eur(principal) + _eur(penalty) + _eur(indemnity) == _eur(total)
                assert _eur(indemnity) == 4_000
            ids = [line[0] for line in lines]
            assert (ref["open"].loc[ids, "days_late"] > 0).all()
            assert sum(_eur(line[1]) for line in lines) == int(ref["open"].loc[ids, "remaining"].sum())
            demanded = re.search(r"la somme de " + _EUR, text).group(1)
            assert _eur(demanded) == sum(_eur(line[4]) for line in lines)
            head = text.split("Madame, Monsieur,")[0]
            assert "Objet : Mise en demeure de payer" in head and "Lettre recommandée avec accusé de réception" in head
            assert "Bonjour" not in text and "sauf erreur" not in text.lower()
            sent = data["dunning"].query("invoice_id in @ids and sent_on <= @data['as_of']")
            assert ("Malgré" in text) == (len(sent) > 0)
            letters += 1
    print(f"\n[position] mises en demeure vérifiées : {letters}")
    assert letters >= 10


def test_forecast_bands_are_ordered(sweep):
    from o2c_lab.coaching.scores import Analysis

    for company, _, _ in sweep[:8]:
        weekly = Analysis(company).forecast.weekly
        assert (weekly["low_cents"] <= weekly["expected_cents"]).all()
        assert (weekly["expected_cents"] <= weekly["high_cents"]).all()


def _dso_reference(data, ref) -> float:
    """DSO, simple method, over the last three months: gross open invoices / sales TTC × days."""
    as_of = data["as_of"]
    start = as_of - pd.DateOffset(months=3)
    inv = data["invoices"]
    sales = int(inv.loc[(inv["invoice_date"] > start) & (inv["invoice_date"] <= as_of), "ttc"].sum())
    return int(ref["open"]["remaining"].sum()) / sales * (as_of - start).days


def test_one_value_of_outstanding_and_dso_everywhere(sweep):
    """The card, the summary, the KPIs and every filled prompt show the position's figures."""
    from o2c_lab.ai.library import fill, load_library
    from o2c_lab.analytics import receivable_position
    from o2c_lab.coaching.scores import Analysis
    from o2c_lab.money import format_eur, format_number

    library = load_library()
    scanned = 0
    for company, data, ref in sweep[:5]:
        position = receivable_position(company)
        gross = int(ref["open"]["remaining"].sum())
        assert int(position.totals["encours_brut"]) == gross
        dso = _dso_reference(data, ref)
        assert position.dso.value == pytest.approx(dso, abs=1e-9)
        assert Analysis(company).kpis["dso_simple"].value == position.dso.value
        summary = company.summary()
        assert summary["gross_receivables_cents"] == gross and summary["dso_days"] == position.dso.value
        card = company._repr_html_()
        assert format_eur(gross) in card and format_number(dso, 1) in card
        for pid, prompt in library.items():
            filled = fill(prompt, company)
            for text in (filled.text, filled.reference):
                for shown in re.findall(r"DSO(?: \([^)]*\))?(?: de| :)? (\d+(?:,\d+)?) (?:j\b|jours)", text):
                    assert abs(float(shown.replace(",", ".")) - dso) < 0.51, (pid, shown, dso)
                    scanned += 1
                for shown in re.findall(r"[Ee]ncours brut (?:total )?" + _EUR, text):
                    cid = filled.context.get("customer_id")
                    expected = {gross} | ({int(position.by_customer["encours_brut"].get(cid, 0))} if cid else set())
                    assert _eur(shown) in expected, (pid, shown)
                    scanned += 1
    print(f"\n[position] valeurs d'encours et de DSO relevées dans les prompts : {scanned}")
    assert scanned >= 10
