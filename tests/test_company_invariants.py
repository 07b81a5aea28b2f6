"""Invariants of the simulated company, checked over many seeds with independent computations."""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd
import pytest
from schwifty import IBAN
from stdnum.eu import vat as eu_vat
from stdnum.fr import siren as fr_siren
from stdnum.fr import siret as fr_siret

from o2c_lab.company.scenario import ANOMALY_TYPES, ROLES, TENSION_THRESHOLDS
from o2c_lab.company.schema import OBSERVABLE_TABLES, TRUTH_TABLES
from o2c_lab.company.tension import open_invoices, tension_metrics

SEEDS = range(50)


@pytest.fixture(scope="module", params=SEEDS, ids=lambda s: f"graine{s}")
def seeded(request, many_companies):
    return many_companies[request.param]


def _due(invoice_date: dt.date, term: str) -> dt.date:
    """Independent reading of the payment-term codes (45 FDM: +45 days, then end of month)."""
    if term == "45FDM":
        d = invoice_date + dt.timedelta(days=45)
        return d.replace(day=calendar.monthrange(d.year, d.month)[1])
    return invoice_date + dt.timedelta(days=int(term[:-1]))


def test_invoice_totals_tie_to_lines_to_the_cent(seeded):
    lines = seeded.invoice_lines
    expected_vat = [int((Decimal(int(n)) * Decimal(str(r)) / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
                    for n, r in zip(lines["net_cents"], lines["vat_rate"])]
    assert (lines["vat_cents"].to_numpy() == np.array(expected_vat)).all()
    assert (lines["net_cents"] == lines["quantity"] * lines["unit_price_cents"]).all()
    sums = lines.groupby("invoice_id")[["net_cents", "vat_cents"]].sum()
    inv = seeded.invoices.set_index("invoice_id")
    assert (inv["total_ht_cents"] == sums["net_cents"].reindex(inv.index)).all()
    assert (inv["total_vat_cents"] == sums["vat_cents"].reindex(inv.index)).all()
    assert (inv["total_ttc_cents"] == inv["total_ht_cents"] + inv["total_vat_cents"]).all()
    assert inv.index.is_unique


def test_due_dates_follow_terms_and_legal_cap(seeded):
    inv = seeded.invoices
    flagged = set(seeded.truth["invoice_anomalies"].query("anomaly == 'due_date_beyond_cap'")["invoice_id"])
    terms = seeded.contracts.set_index("customer_id")["payment_terms"]
    for r in inv.itertuples():
        issued = r.invoice_date.date()
        assert r.payment_terms == terms[r.customer_id]
        assert r.due_date.date() == _due(issued, r.payment_terms)
        cap = max(issued + dt.timedelta(days=60), _due(issued, "45FDM"))
        assert (r.due_date.date() <= cap) or (r.invoice_id in flagged), r.invoice_id
    assert flagged, "the illegal 90-day contract must produce labelled invoices"


def test_identifiers_are_valid(seeded):
    customers = seeded.customers
    french = customers[customers["country"] == "FR"]
    assert all(fr_siren.is_valid(s) for s in french["siren"])
    assert all(fr_siret.is_valid(s) and s.startswith(n) for s, n in zip(french["siret"], french["siren"]))
    assert all(eu_vat.is_valid(v) for v in customers["vat_number"])
    for iban in customers["iban"]:
        IBAN(iban).validate(validate_bban=True)
    assert customers["siren"][customers["country"] == "FR"].is_unique
    company = seeded.tables["company"].iloc[0]
    assert fr_siren.is_valid(company["siren"]) and eu_vat.is_valid(company["vat_number"])


def test_no_payment_before_its_invoice_and_allocations_sum_to_amounts(seeded):
    alloc = seeded.truth["payment_allocations"]
    bank = seeded.bank_transactions.set_index("bank_tx_id")
    sums = alloc.groupby("bank_tx_id")["amount_cents"].sum()
    customer_lines = seeded.truth["bank_truth"].query("kind in ['reglement_client', 'doublon']")["bank_tx_id"]
    assert set(customer_lines) == set(sums.index)
    assert (sums == bank.loc[sums.index, "amount_cents"]).all()
    issued = pd.concat([seeded.invoices.set_index("invoice_id")["invoice_date"],
                        seeded.credit_notes.set_index("credit_note_id")["credit_date"]])
    docs = alloc[alloc["document_id"] != ""]
    assert (bank.loc[docs["bank_tx_id"], "booking_date"].to_numpy() >=
            issued.loc[docs["document_id"]].to_numpy()).all()
    non_customer = seeded.truth["bank_truth"].query("kind not in ['reglement_client', 'doublon']")
    assert not set(non_customer["bank_tx_id"]) & set(alloc["bank_tx_id"])


def test_exactly_two_open_disputes_with_truth(seeded):
    disputes = seeded.disputes
    open_ = disputes[disputes["status"] == "en litige"]
    assert len(open_) == 2
    truth = seeded.truth["dispute_truth"]
    assert set(truth["dispute_id"]) == set(open_["dispute_id"])
    threads = set(seeded.emails["thread_id"])
    assert set(open_["thread_id"]) <= threads
    a_thread = seeded.emails[seeded.emails["thread_id"] == open_.iloc[0]["thread_id"]]
    assert 6 <= len(a_thread) <= 10
    assert (a_thread["kind"] == "note_appel").sum() >= 1


def test_aged_balance_is_tense(seeded):
    m = tension_metrics(seeded)
    t = TENSION_THRESHOLDS
    assert m["overdue_share"] >= t["overdue_share_min"], m
    assert m["over_90_share"] >= t["over_90_share_min"], m
    assert m["dso_days"] - m["weighted_terms_days"] >= t["dso_over_terms_min_days"], m
    # Second method: the 411 net balance equals open invoices less the credits not applied to
    # any invoice (unapplied receipts, orphan credit notes) and less overpayments.
    ledger = seeded.ar_ledger
    unlettered = ledger[ledger["lettering"] == ""]
    open_invoice_ids = set(unlettered.loc[unlettered["document_type"] == "facture", "document_id"])
    cn_invoice = seeded.credit_notes.set_index("credit_note_id")["invoice_id"]
    free = unlettered[(unlettered["document_type"] != "facture") & (unlettered["applied_to"] == "")]
    on_open_invoice = free["document_id"].map(cn_invoice).isin(open_invoice_ids)
    free_credits = int(free.loc[~on_open_invoice, "credit_cents"].sum())
    assert m["receivables_cents"] == m["open_invoices_cents"] - free_credits - _over_applied(seeded)


def _over_applied(company) -> int:
    """Receipts applied to an invoice beyond its amount (overpayments) are credits too."""
    ledger = company.ar_ledger
    inv = company.invoices.set_index("invoice_id")["total_ttc_cents"]
    applied = ledger[(ledger["applied_to"] != "") & (ledger["lettering"] == "")]
    per = applied.groupby("applied_to")["credit_cents"].sum()
    cn = company.credit_notes.groupby("invoice_id")["total_ttc_cents"].sum()
    lettered_inv = set(ledger.loc[(ledger["lettering"] != "") & (ledger["document_type"] == "facture"), "document_id"])
    excess = 0
    for invoice_id, amount in per.items():
        if invoice_id in lettered_inv:
            excess += amount
            continue
        room = inv[invoice_id] - cn.get(invoice_id, 0)
        excess += max(0, amount - room)
    return int(excess)


def test_roles_present_and_behaving(seeded):
    roles = seeded.scenario["roles"]
    assert set(roles) == set(ROLES) and len(set(roles.values())) == len(ROLES)
    truth = seeded.truth["customer_truth"].set_index("customer_id")
    assert truth.loc[roles["insolvent_customer"], "defaults"]
    inv = seeded.invoices
    it = seeded.truth["invoice_truth"].set_index("invoice_id")
    paid = inv[inv["invoice_id"].map(it["outcome"]).isin(["payee", "payee_apres_arrete"])].copy()
    paid["days"] = (paid["invoice_id"].map(it["paid_on"]) - paid["invoice_date"]).dt.days
    chronic = paid[paid["customer_id"] == roles["chronic_late_payer"]]
    assert 38 <= chronic["days"].mean() <= 52, chronic["days"].mean()
    drift = paid[paid["customer_id"] == roles["drifting_customer"]].copy()
    drift["late"] = (drift["invoice_id"].map(it["paid_on"]) - drift["due_date"]).dt.days
    as_of = pd.Timestamp(seeded.as_of)
    recent = drift[drift["due_date"] > as_of - pd.Timedelta(days=75)]["late"].mean()
    early = drift[drift["due_date"] < as_of - pd.Timedelta(days=200)]["late"].mean()
    assert recent - early >= 12, (early, recent)
    signals = seeded.external_signals
    bodacc = signals[signals["source"] == "BODACC"]
    assert list(bodacc["customer_id"]) == [roles["insolvent_customer"]]
    assert 0 < (as_of - bodacc["published_on"].iloc[0]).days <= 10
    assert set(signals.loc[signals["source"] != "BODACC", "customer_id"]) == {roles["drifting_customer"]}
    customers = seeded.customers.set_index("customer_id")
    assert customers.loc[roles["public_buyer"], "chorus_pro"]
    eu_inv = inv[inv["customer_id"] == roles["eu_customer"]]
    assert (eu_inv["total_vat_cents"] == 0).all() and (eu_inv["vat_mention"] != "").all()
    noises = seeded.truth["payment_allocations"]
    assert (noises[noises["customer_id"] == roles["unilateral_deducter"]]["noise"] == "deduction").any()
    assert (noises[noises["customer_id"] == roles["plan_negotiator"]]["noise"] == "partial").any()
    # The customer who already paid: a bank line the ledger never posted, paying an invoice still open.
    posted = set(seeded.ar_ledger["bank_tx_id"])
    mine = noises[(noises["customer_id"] == roles["already_paid_customer"]) & ~noises["bank_tx_id"].isin(posted)]
    still_open = set(open_invoices(seeded)["invoice_id"])
    assert mine["document_id"].isin(still_open).any()
    # The reliable key account: a big invoice more than 90 days past due, blocked by a missing PO.
    items = open_invoices(seeded)
    key = items[(items["customer_id"] == roles["reliable_key_account"]) & (items["days_past_due"] > 90)]
    missing_po = set(seeded.truth["invoice_anomalies"].query("anomaly == 'missing_po'")["invoice_id"])
    assert set(key["invoice_id"]) & missing_po


def test_every_anomaly_type_is_planted(seeded):
    found = set(seeded.truth["invoice_anomalies"]["anomaly"])
    # A missing customer SIREN is a fault only from the SME's e-invoicing date (1 September 2027).
    expected = set(ANOMALY_TYPES) - {"missing_customer_siren"}
    assert found - {"missing_customer_siren"} == expected
    assert set(seeded.truth["invoice_anomalies"]["invoice_id"]) <= set(seeded.invoices["invoice_id"])


def test_no_truth_leaks_into_observable_tables(seeded):
    truth_only = {c.name for t in TRUTH_TABLES for c in t.columns} - {c.name for t in OBSERVABLE_TABLES for c in t.columns}
    for t in OBSERVABLE_TABLES:
        assert not set(seeded.tables[t.name].columns) & truth_only, t.name
        assert list(seeded.tables[t.name].columns) == t.names
    words = {"drifting_customer", "ponctuel", "mauvais_payeur", "defaillant", "obscure_label", "unilateral_deducter"}
    text = " ".join(seeded.emails["body"]) + " ".join(seeded.bank_transactions["label"])
    assert not any(w in text for w in words)


def test_future_payments_are_after_the_case_date_and_within_13_weeks(seeded):
    fut = seeded.truth["future_payments"]
    as_of = pd.Timestamp(seeded.as_of)
    assert ((fut["paid_on"] > as_of) & (fut["paid_on"] <= as_of + pd.Timedelta(weeks=13))).all()
    assert len(fut) > 0 and (fut["amount_cents"] > 0).all()
    assert (seeded.bank_transactions["booking_date"] <= as_of).all()


def test_same_seed_same_company_other_seed_other_company(many_companies):
    from o2c_lab import generate_company

    again = generate_company(seed=0, customers=many_companies[0].scenario["customers"])
    for name, df in many_companies[0].tables.items():
        pd.testing.assert_frame_equal(df, again.tables[name], check_dtype=True)
    assert set(many_companies[0].customers["name"]) != set(many_companies[1].customers["name"])
    assert many_companies[0].invoices["total_ttc_cents"].sum() != many_companies[1].invoices["total_ttc_cents"].sum()
