"""Cash application on someone else's data: other invoice numberings, misspelt references,
partly readable advices, the payer first, refunds, overpayments, fees — on small hand-made
ledgers whose answer is known, then on generated « etranger » and « difficile » companies."""

from __future__ import annotations

import time

import pandas as pd
import pytest

from o2c_lab import generate_company
from o2c_lab.cashapp import (STATUS_AUTO, STATUS_OUT_OF_SCOPE, EngineConfig, lettering_extract,
                             match_bank_lines)
from o2c_lab.cashapp.references import Numbering, typo
from o2c_lab.cashapp.scoring import PAYMENT_KINDS, replay_history, score
from o2c_lab.cli import main
from o2c_lab.company.foreign import FOREIGN_NOISES, foreign_reference
from o2c_lab.company.scenario import PAYMENT_NOISES
from o2c_lab.errors import InvalidParameterError

IBAN_C1 = "FR7630001007941234567890185"
IBAN_C2 = "FR7630004000031234567890143"
CUSTOMERS = pd.DataFrame({"customer_id": ["C1", "C2"], "name": ["Dupont Industrie SAS", "Müller GmbH"],
                          "iban": [IBAN_C1, IBAN_C2]})
ITEMS = pd.DataFrame([
    ("FA-2026-00412", "C1", "2026-01-05", "2026-02-04", 120000, ""),
    ("FA-2026-00415", "C1", "2026-01-08", "2026-02-07", 35050, ""),
    ("FA-2026-00421", "C2", "2026-01-06", "2026-02-05", 87000, ""),
    ("FA-2026-00500", "C2", "2026-01-20", "2026-02-19", 64000, ""),
    ("AV-2026-00031", "C2", "2026-01-25", "2026-01-25", -12000, "FA-2026-00421"),
], columns=["document_id", "customer_id", "doc_date", "due_date", "open_cents", "linked_document"])


def _line(tx, amount, *, remittance="", iban="", name="", day="2026-02-10"):
    return {"bank_tx_id": tx, "booking_date": pd.Timestamp(day), "amount_cents": amount,
            "label": "", "counterparty_name": name, "counterparty_iban": iban,
            "remittance_info": remittance, "end_to_end_id": "", "currency": "EUR"}


def _run(*lines, items=ITEMS, remittances=None, config=None):
    result = match_bank_lines(pd.DataFrame(list(lines)), items, CUSTOMERS,
                              remittances=remittances, config=config)
    return {r.bank_tx_id: r for r in result.results}


# ----------------------------------------------------------------------------- references

@pytest.mark.parametrize("text", [
    "Invoice #2026-412", "Rechnung Nr. 26/00412", "INV 000412", "Facture n° 412", "Inv. 202600412",
    "PAYMENT INV-412", "RE 2026-00412", "FA2026OO412",  # the last one scanned: O for 0
])
def test_a_reference_in_the_customers_own_numbering_is_applied(text):
    r = _run(_line("T", 120000, remittance=text, iban=IBAN_C1))["T"]
    assert r.status == STATUS_AUTO
    assert r.chosen.allocations == [("FA-2026-00412", 120000)]


def test_the_numbering_is_learned_from_the_documents():
    items = ITEMS.assign(document_id=["INV-000251", "INV-000252", "INV-000253", "100254", "CN-000107"],
                         linked_document=["", "", "", "", "INV-000253"])
    book = Numbering(items["document_id"], items["open_cents"])
    assert book.prefix_kind == {"INV": "FA", "CN": "AV"}
    assert book.key("100254") == ("", 0, 100254)
    r = _run(_line("A", 120000, remittance="Invoice 251", iban=IBAN_C1),
             _line("B", 64000, remittance="BETALING 100254", iban=IBAN_C2), items=items)
    assert r["A"].chosen.allocations == [("INV-000251", 120000)]
    assert r["B"].status == STATUS_AUTO and r["B"].chosen.allocations == [("100254", 64000)]


@pytest.mark.parametrize("read, actual, how", [
    ("421", "412", "deux chiffres inversés"),
    ("4012", "412", "zéro en trop"),
    ("1043", "10043", "zéro manquant"),
    ("413", "412", "un chiffre différent"),
    ("00412", "412", "zéros de tête"),
    ("4312", "412", "chiffre en trop"),
    ("124", "412", None),       # two digits moved: another document
    ("12", "13", None),         # too short to tell a typo from another number
])
def test_typo_distance(read, actual, how):
    assert typo(read, actual) == how


def test_a_misspelt_number_goes_to_the_payers_own_invoice_never_to_the_other_customers():
    # « 421 » is C2's invoice; C1 pays 1 200,00 €, the amount of its own FA-2026-00412.
    r = _run(_line("T", 120000, remittance="INV-421", iban=IBAN_C1))["T"]
    assert r.status == STATUS_AUTO
    assert r.chosen.allocations == [("FA-2026-00412", 120000)]
    assert "deux chiffres inversés" in r.explanation


def test_another_customers_invoice_is_only_a_suggestion():
    # C1 pays exactly C2's FA-2026-00500 and names it: a garbled number or a payment for a
    # third party, a human decides.
    r = _run(_line("T", 64000, remittance="FA-2026-00500", iban=IBAN_C1))["T"]
    assert r.status != STATUS_AUTO
    proposed = [c for c in ([r.chosen] if r.chosen else []) + r.hypotheses if c.pass_id == "autre_client"]
    assert proposed and proposed[0].allocations == [("FA-2026-00500", 64000)]
    assert "facture d'un autre client" in proposed[0].explanation


def test_a_misspelt_number_with_a_wrong_amount_is_not_applied():
    r = _run(_line("T", 99900, remittance="INV-421", iban=IBAN_C1))["T"]
    assert r.status != STATUS_AUTO
    # Paid in full and a few euros more (at most 50 €): settled, the surplus left unapplied;
    # more than that is only proposed.
    r = _run(_line("T", 120000 + 1250, remittance="INV-421", iban=IBAN_C1))["T"]
    assert r.status == STATUS_AUTO and r.chosen.allocations == [("FA-2026-00412", 120000)]
    assert r.chosen.unapplied_cents == 1250 and "deux chiffres inversés" in r.explanation
    assert _run(_line("T", 120000 + 6000, remittance="INV-421", iban=IBAN_C1))["T"].status \
        != STATUS_AUTO
    # Part of it, after 999 € of the same payer left unapplied: the two make FA-412's balance
    # to the cent, which confirms the reading; both are applied.
    r = _run(_line("P", 99900, iban=IBAN_C1),
             _line("T", 20100, remittance="INV-421", iban=IBAN_C1, day="2026-03-05"))
    assert r["T"].status == r["P"].status == STATUS_AUTO
    assert r["T"].chosen.allocations == [("FA-2026-00412", 20100)]
    assert r["P"].chosen.allocations == [("FA-2026-00412", 99900)]
    assert "deux chiffres inversés" in r["T"].explanation


# ----------------------------------------------------------------------------- advices

def _advice(*lines):
    return pd.DataFrame([{"advice_id": "ADV-1", "customer_id": "C1",
                          "advice_date": pd.Timestamp("2026-02-09"), "payment_reference": "PAYMENT-77",
                          "document_id": d, "amount_cents": c} for d, c in lines])


def test_an_advice_is_followed_line_by_line():
    # One line in another numbering, one naming an order (its amount is C1's other invoice),
    # one naming nothing known: kept unidentified with its amount.
    advice = _advice(("Invoice #2026-412", 120000), ("PO-12345", 35050), ("Order 9981", 4500))
    r = _run(_line("T", 159550, remittance="PAYMENT-77", iban=IBAN_C1), remittances=advice)["T"]
    assert r.status == STATUS_AUTO
    assert sorted(r.chosen.allocations) == [("FA-2026-00412", 120000), ("FA-2026-00415", 35050)]
    assert r.chosen.unapplied_cents == 4500
    assert "« PO-12345 »" in r.explanation and "« Order 9981 »" in r.explanation
    assert "non identifiée" in r.explanation


def test_bank_charges_under_the_users_tolerance():
    advice = _advice(("INV 000412", 120000), ("INV 000415", 35050))
    line = _line("T", 155050 - 1500, iban=IBAN_C1)
    assert _run(line, remittances=advice)["T"].status != STATUS_AUTO
    r = _run(line, remittances=advice, config=EngineConfig(fee_tolerance_cents=2000))["T"]
    assert r.status == STATUS_AUTO
    assert "frais" in r.explanation and r.chosen.fee == ("FA-2026-00412", 1500)
    assert set(r.settled) == {"FA-2026-00412", "FA-2026-00415"}


def test_bank_charges_on_a_named_invoice():
    line = _line("T", 120000 - 800, remittance="Invoice 412", iban=IBAN_C1)
    assert _run(line)["T"].chosen.pass_id == "partiel_designe"  # no tolerance: a part payment
    r = _run(line, config=EngineConfig(fee_tolerance_cents=1000))["T"]
    assert r.status == STATUS_AUTO and r.chosen.fee == ("FA-2026-00412", 800)
    assert r.settled == ["FA-2026-00412"] and "frais bancaires" in r.explanation


def test_lettering_extract_balances_with_the_charges_written_off():
    lines = pd.DataFrame([_line("T", 120000 - 800, remittance="Invoice 412", iban=IBAN_C1)])
    result = match_bank_lines(lines, ITEMS, CUSTOMERS, config=EngineConfig(fee_tolerance_cents=1000))
    fec = lettering_extract(result, CUSTOMERS)
    assert fec["Debit"].sum() == fec["Credit"].sum() == 120000
    assert fec.loc[fec["PieceRef"] == "FRS-FA-2026-00412", "Credit"].tolist() == [800]


def test_fee_tolerance_is_checked_in_french():
    with pytest.raises(InvalidParameterError, match="Tolérance de frais invalide"):
        EngineConfig(fee_tolerance_cents=-1)


# ----------------------------------------------------------------------------- payment kinds

def test_refund_of_a_credit_note():
    r = _run(_line("A", -12000, remittance="REFUND CREDIT NOTE AV-2026-00031", iban=IBAN_C2),
             _line("B", -12000, remittance="REMBOURSEMENT", name="MULLER GMBH"),
             _line("C", -12000, remittance="PRLV SEPA URSSAF"))
    assert r["A"].status == STATUS_AUTO and r["A"].chosen.allocations == [("AV-2026-00031", -12000)]
    # Same amount to the same customer, no reference: the only open credit note of that amount.
    assert r["B"].status != STATUS_AUTO  # the first refund closed it
    assert r["C"].status == STATUS_OUT_OF_SCOPE
    alone = _run(_line("B", -12000, remittance="REMBOURSEMENT", name="MULLER GMBH"))["B"]
    assert alone.status == STATUS_AUTO and alone.chosen.pass_id == "remboursement"


def test_overpayment_without_reference_only_when_nothing_larger_is_open():
    # C1: 1 200,00 and 350,50 open. 350,50 + 12 € with 1 200,00 open could be a part payment
    # of it: a suggestion. 1 200,00 + 12 €: nothing larger, the invoice is paid, 12 € unapplied.
    r = _run(_line("A", 36250, iban=IBAN_C1), _line("B", 121200, iban=IBAN_C1, day="2026-02-11"))
    assert r["A"].status != STATUS_AUTO
    assert r["B"].status == STATUS_AUTO
    assert r["B"].chosen.allocations == [("FA-2026-00412", 120000)]
    assert r["B"].chosen.unapplied_cents == 1200


def test_a_payment_run_citing_its_first_invoice_with_a_surplus():
    # « FA-2026-00412 ET 1 AUTRE », 1 570,50 €: 1 200,00 cited, 350,50 of C1 due three days
    # later (the same payment run) and 20,00 € too much, left unapplied.
    r = _run(_line("A", 157050, iban=IBAN_C1, remittance="FA-2026-00412 ET 1 AUTRE"))
    assert r["A"].status == STATUS_AUTO
    assert sorted(r["A"].chosen.allocations) == [("FA-2026-00412", 120000), ("FA-2026-00415", 35050)]
    assert r["A"].chosen.unapplied_cents == 2000
    assert "campagne de paiement" in r["A"].explanation and "20,00" in r["A"].explanation
    # The same invoice falling due a month later is not of that run (and with an older one of
    # 200,00 open, not the oldest items in full either): a human decides.
    later = ITEMS.assign(due_date=ITEMS["due_date"].where(ITEMS["document_id"] != "FA-2026-00415",
                                                          "2026-03-09"))
    later = pd.concat([later, pd.DataFrame([("FA-2026-00401", "C1", "2025-12-20", "2026-01-19",
                                             20000, "")], columns=ITEMS.columns)])
    r = _run(_line("B", 157050, iban=IBAN_C1, remittance="FA-2026-00412 ET 1 AUTRE"), items=later)
    assert r["B"].status != STATUS_AUTO


def test_cited_invoices_net_of_their_credit_note_with_a_surplus():
    # C2 cites 870,00 (credit note of 120,00 on it) and 640,00: 1 390,00 due, 1 405,00 paid —
    # both invoices and the credit note settled, 15,00 € left unapplied.
    r = _run(_line("A", 140500, iban=IBAN_C2, remittance="FA-2026-00421 FA-2026-00500"))
    assert r["A"].status == STATUS_AUTO
    assert sorted(r["A"].chosen.allocations) == [
        ("AV-2026-00031", -12000), ("FA-2026-00421", 87000), ("FA-2026-00500", 64000)]
    assert r["A"].chosen.unapplied_cents == 1500 and "AV-2026-00031" in r["A"].explanation


def test_cited_invoices_paid_short_one_balance_only_larger_than_the_gap():
    # C1 cites 1 200,00 and 350,50 (1 550,50) and pays 1 150,50: 400,00 short. 350,50 cannot
    # carry a 400,00 gap, so it is settled and 1 200,00 is paid 800,00 (400,00 still due).
    r = _run(_line("A", 115050, iban=IBAN_C1, remittance="FA-2026-00412 FA-2026-00415"))
    assert r["A"].status == STATUS_AUTO
    assert sorted(r["A"].chosen.allocations) == [("FA-2026-00412", 80000), ("FA-2026-00415", 35050)]
    assert "reste dû 400,00" in r["A"].explanation
    # 100,00 short: either invoice may be the one paid in part — a human decides.
    r = _run(_line("B", 145050, iban=IBAN_C1, remittance="FA-2026-00412 FA-2026-00415"))
    assert r["B"].status != STATUS_AUTO


def test_cited_invoices_paid_short_after_a_transfer_left_unapplied_stay_a_suggestion():
    # 362,50 from C1 the day before, both invoices due, left unapplied (350,50 + 12 € or a part
    # of 1 200,00?): the ledger may show in full an invoice it paid in part, so the gap proves
    # nothing.
    r = _run(_line("A", 36250, iban=IBAN_C1, day="2026-02-09"),
             _line("B", 115050, iban=IBAN_C1, remittance="FA-2026-00412 FA-2026-00415"))
    assert r["A"].status != STATUS_AUTO
    assert r["B"].status != STATUS_AUTO


def test_a_penalty_withheld_on_the_only_item_it_can_be():
    # C2 owes 870,00 and 640,00; « déduction pénalité » with 610,00 from its IBAN: 870,00 less
    # 260,00 is more than 10 % off, 640,00 less 30,00 is not — that invoice, 30,00 contested.
    r = _run(_line("A", 61000, iban=IBAN_C2, remittance="REGLEMENT DEDUCTION PENALITE"))
    assert r["A"].status == STATUS_AUTO
    assert r["A"].chosen.allocations == [("FA-2026-00500", 61000)]
    assert r["A"].chosen.dispute == ("FA-2026-00500", 3000)
    assert "L441-17" in r["A"].explanation
    # With 650,00 open as well, 610,00 may be either invoice less a penalty: a suggestion.
    items = pd.concat([ITEMS, pd.DataFrame([("FA-2026-00510", "C2", "2026-01-21", "2026-02-20",
                                             65000, "")], columns=ITEMS.columns)])
    r = _run(_line("B", 61000, iban=IBAN_C2, remittance="REGLEMENT DEDUCTION PENALITE"),
             items=items)
    assert r["B"].status != STATUS_AUTO


# ----------------------------------------------------------------------------- generator

def test_etranger_noise_level():
    company = generate_company(seed=3, customers=40, noise="etranger")
    t, truth = company.tables, company.truth
    noises = set(truth["bank_truth"]["noises"].str.split(",").explode()) - {""}
    assert set(FOREIGN_NOISES) <= noises <= set(PAYMENT_NOISES) | set(FOREIGN_NOISES)
    advices = t["remittance_advices"]
    foreign = advices[advices["advice_id"].str.startswith("ADV-")]
    assert len(foreign) and not foreign["document_id"].str.fullmatch(r"(FA|AV)-\d{4}-\d{5}").all()
    # Every refund is a debit to the customer, allocated to a credit note of that customer
    # whose invoice was paid in full, and lettered in the ledger.
    refunds = truth["bank_truth"][truth["bank_truth"]["kind"] == "remboursement_client"]
    alloc = truth["payment_allocations"].set_index("bank_tx_id")
    tx = t["bank_transactions"].set_index("bank_tx_id")
    cn = t["credit_notes"].set_index("credit_note_id")
    ledger = t["ar_ledger"]
    for bank_tx_id in refunds["bank_tx_id"]:
        row = alloc.loc[[bank_tx_id]].iloc[0]
        credit = cn.at[row["document_id"], "total_ttc_cents"]
        assert tx.at[bank_tx_id, "amount_cents"] == row["amount_cents"] == -credit
        assert cn.at[row["document_id"], "customer_id"] == row["customer_id"]
        posted = ledger[ledger["bank_tx_id"] == bank_tx_id]
        assert (posted["debit_cents"] == -row["amount_cents"]).all()
    # Every automatic pair is explained in French, naming what it applies; every other
    # proposal carries its reason too.
    for r in replay_history(company).results:
        if r.status == STATUS_AUTO:
            assert all(d in r.explanation for d, _ in r.chosen.allocations), r.explanation
        assert all(h.explanation for h in r.hypotheses) and (r.chosen is None or r.explanation)
    # A sample of the customers' own numbering reads back to the invoice it stands for.
    book = Numbering(["FA-2026-00412"], [1])
    for style in range(8):
        text = foreign_reference("FA-2026-00412", style)
        assert any(r.number == 412 for r in book.read(text)), text


@pytest.mark.parametrize("noise", ["difficile", "etranger"])
def test_an_overpayment_is_drawn_only_on_top_of_a_payment_in_full(noise):
    # 530 € paid on 1 000 € owed is a part payment to anyone: a surplus is drawn only where
    # every invoice of the transfer is paid in full, and the transfer is its parts plus it.
    company = generate_company(seed=5, customers=40, noise=noise)
    alloc = company.truth["payment_allocations"]
    over = set(alloc.loc[alloc["noise"] == "overpayment", "bank_tx_id"])
    assert over
    parts = alloc[alloc["bank_tx_id"].isin(over)]
    assert not parts["noise"].isin(["partial", "deduction", "discount"]).any()
    amounts = company.tables["bank_transactions"].set_index("bank_tx_id")["amount_cents"]
    assert (parts.groupby("bank_tx_id")["amount_cents"].sum() == amounts[sorted(over)]).all()


def test_cli_offers_the_etranger_level(tmp_path, capsys):
    assert main(["generate", "--out", str(tmp_path / "x"), "--noise", "extreme"]) == 2
    assert "etranger" in capsys.readouterr().err


# ----------------------------------------------------------------------------- quality

SEEDS = (100, 101)


@pytest.fixture(scope="module", params=["etranger", "difficile"])
def quality(request):
    """Two 60-customer companies per level (the benchmark runs 30): engine only, no baseline."""
    start = time.perf_counter()
    scores = [score(c, replay_history(c)) for c in
              (generate_company(seed=seed, customers=60, noise=request.param) for seed in SEEDS)]
    tot = {k: sum(s[k] for s in scores) for k in ("auto_pairs", "auto_pairs_correct", "truth_pairs")}
    kinds = {k: sum(s["by_kind"][k][1] for s in scores) / n for k in PAYMENT_KINDS
             if (n := sum(s["by_kind"][k][0] for s in scores))}
    pairs = {}
    for w in ("auto", "retained"):
        right, found, truth = (sum(s[f"document_pairs_{w}"][x] for s in scores)
                               for x in ("right", "found", "truth"))
        pairs[w] = (right / found, right / truth)
    print(f"\n=== « {request.param} », graines {SEEDS}, {time.perf_counter() - start:.0f} s :",
          {k: round(v, 4) for k, v in kinds.items()}, pairs)
    return request.param, [s["precision"] for s in scores], tot, kinds, pairs


def test_precision_of_automatic_pairs(quality):
    _, per_seed, tot, _, pairs = quality
    assert tot["auto_pairs_correct"] / tot["auto_pairs"] >= 0.995
    assert min(per_seed) >= 0.99
    # Amounts aside, as an outside benchmark scores (payment, invoice) pairs.
    precision, recall = pairs["auto"]
    assert precision >= 0.998 and recall >= 0.93


def test_recall_per_kind_of_payment(quality):
    noise, _, tot, kinds, _ = quality
    # The issue's 93 % is met on the benchmark's 30 seeds per level; two seeds here.
    assert tot["auto_pairs_correct"] / tot["truth_pairs"] >= 0.93
    assert kinds["une_facture"] >= 0.98
    assert kinds["avoir"] >= 0.80
    assert kinds["plusieurs"] >= 0.85  # the issue's target for several invoices, met
    # Instalments of a plan, the rest of an item after a transfer left unapplied (both then
    # applied, even when the first one's payer was unknown then), small overpayments of the
    # oldest items or of the only item just below the amount, an escompte taken with a small
    # surplus: applied when certain; cited documents paid short when only one of them has a
    # balance larger than the gap; a penalty withheld on the only item it can be; the rest of a
    # payment run cited by its first invoices, with a surplus.
    assert kinds["partiel"] >= 0.80
    assert kinds["trop_percu"] >= (0.83 if noise == "etranger" else 0.88)
    if noise == "etranger":
        assert kinds["remboursement"] >= 0.9


def test_recall_targets_of_the_issue(quality):
    # Every kind at 85 % or more on the benchmark's 30 seeds per level (bench_cashapp.py
    # --qualite); a little lower is asserted on the two seeds here.
    _, _, _, kinds, _ = quality
    assert min(kinds.values()) >= 0.83, kinds
