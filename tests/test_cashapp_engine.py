"""The matching engine on small hand-made ledgers whose right answer is known."""

from __future__ import annotations

import itertools
import random

import pandas as pd
import pytest

from o2c_lab.cashapp import (STATUS_AUTO, STATUS_OUT_OF_SCOPE, STATUS_SUGGESTION,
                             STATUS_UNMATCHED, EngineConfig, RuleBook, extract_references,
                             match_bank_lines)
from o2c_lab.cashapp.engine import CashMatcher
from o2c_lab.errors import InvalidParameterError

IBAN_C1 = "FR7630001007941234567890185"

CUSTOMERS = pd.DataFrame({
    "customer_id": ["C1", "C2", "C3", "C4", "C5"],
    "name": ["Dupont Industrie SAS", "Martin Outillage", "Bernard et Fils SA",
             "Garnier Maintenance", "Garnier Maintenance"],
    "iban": [IBAN_C1, "FR7630004000031234567890143", "", "", ""],
})
ITEMS = pd.DataFrame([
    # document, customer, issued, due, open (cents), credit note of
    ("FA-2026-00001", "C1", "2026-01-05", "2026-02-04", 120000, ""),
    ("FA-2026-00002", "C1", "2026-01-10", "2026-02-09", 50000, ""),
    ("FA-2026-00003", "C1", "2026-01-15", "2026-02-14", 30000, ""),
    ("AV-2026-00001", "C1", "2026-01-20", "2026-01-20", -10000, "FA-2026-00003"),
    ("FA-2026-00004", "C2", "2026-01-05", "2026-02-04", 99900, ""),
    ("FA-2026-00005", "C3", "2026-01-05", "2026-02-04", 45617, ""),
    ("FA-2026-00006", "C4", "2026-01-05", "2026-02-04", 70000, ""),
    ("FA-2026-00007", "C5", "2026-01-06", "2026-02-05", 70000, ""),
], columns=["document_id", "customer_id", "doc_date", "due_date", "open_cents", "linked_document"])
CONTRACTS = pd.DataFrame({"customer_id": ["C2"], "early_payment_discount_pct": [1.0],
                          "early_payment_days": [10]})


def _line(tx, amount, *, label="", name="", iban="", remittance="", day="2026-02-10",
          currency="EUR"):
    return {"bank_tx_id": tx, "booking_date": pd.Timestamp(day), "amount_cents": amount,
            "label": label, "counterparty_name": name, "counterparty_iban": iban,
            "remittance_info": remittance, "end_to_end_id": "", "currency": currency}


def _match(*lines, items=ITEMS, customers=CUSTOMERS, rules=None, config=None):
    result = match_bank_lines(pd.DataFrame(list(lines)), items, customers, CONTRACTS,
                              rules=rules, config=config)
    return {r.bank_tx_id: r for r in result.results}, result


def _ledger(*rows):
    """Open items (document, customer, issued, due, open cents[, net cents])."""
    frame = pd.DataFrame([r if len(r) == 6 else (*r, 0) for r in rows],
                         columns=["document_id", "customer_id", "doc_date", "due_date",
                                  "open_cents", "net_cents"])
    return frame if frame["net_cents"].any() else frame.drop(columns="net_cents")


def _proposed(r):
    """Every allocation offered for a line, best first, as sets (the order within is free)."""
    return [frozenset(c.allocations) for c in ([r.chosen] if r.chosen else []) + r.hypotheses]


@pytest.mark.parametrize("text, expected", [
    ("FA-2026-00412", [("FA", 2026, 412, True)]),
    ("FA202600412", [("FA", 2026, 412, False)]),
    ("FACT 2026/00412", [("FA", 2026, 412, False)]),
    ("F2026412", [("FA", 2026, 412, False)]),
    ("REGL FA 2026 412", [("FA", 2026, 412, False)]),
    ("REGL FA 2025 20", [("FA", 2025, 20, False)]),
    ("F202585", [("FA", 2025, 85, False)]),
    ("FA-26-00412", [("FA", 2026, 412, False)]),
    ("RF18FA202600412", [("FA", 2026, 412, False)]),     # ISO 11649 creditor reference
    ("AVOIR AV-2026-00012", [("AV", 2026, 12, True)]),
    ("VIREMENT 1234,56 DU 12/03/2026", []),               # amounts and dates are no references
])
def test_reference_extraction(text, expected):
    assert extract_references(text) == expected


def test_exact_reference_and_amount_is_automatic_with_explanation():
    res, _ = _match(_line("T1", 120000, remittance="FA-2026-00001"))
    r = res["T1"]
    assert r.status == STATUS_AUTO and r.chosen.allocations == [("FA-2026-00001", 120000)]
    assert r.chosen.pass_id == "reference" and r.chosen.confidence >= 0.9
    assert "FA-2026-00001 trouvée dans le libellé, montant identique" in r.explanation


def test_mangled_reference_with_contractual_discount():
    # 999,00 € - 1 % (9,99 €) = 989,01 €, paid 7 days after the invoice (within 10 days).
    res, _ = _match(_line("T2", 98901, remittance="FACT 2026/00004", day="2026-01-12"))
    r = res["T2"]
    assert r.status == STATUS_AUTO and r.chosen.pass_id == "escompte"
    assert r.chosen.allocations == [("FA-2026-00004", 98901)]
    assert r.chosen.discount == ("FA-2026-00004", 999)


def test_discount_outside_the_contract_window_is_not_a_discount():
    res, _ = _match(_line("T2", 98901, remittance="FACT 2026/00004", day="2026-03-30"))
    assert res["T2"].chosen.pass_id == "partiel_designe"
    assert res["T2"].chosen.discount is None


def test_credit_note_netted_with_its_invoice():
    res, _ = _match(_line("T3", 20000, name="DUPONT INDUSTRIE", remittance="FA2026 00003"))
    r = res["T3"]
    assert r.status == STATUS_AUTO
    assert sorted(r.chosen.allocations) == [("AV-2026-00001", -10000), ("FA-2026-00003", 30000)]


def test_iban_then_exact_amount_of_the_customer():
    res, _ = _match(_line("T4", 50000, iban="FR76 3000 1007 9412 3456 7890 185"))
    assert res["T4"].status == STATUS_AUTO
    assert res["T4"].chosen.allocations == [("FA-2026-00002", 50000)]
    assert "IBAN" in res["T4"].explanation


def test_grouped_payment_by_subset_sum():
    # 1 200 + 300 - 100 = 1 400 € : the only combination of C1's open items.
    res, _ = _match(_line("T5", 140000, iban=IBAN_C1))
    assert res["T5"].status == STATUS_AUTO
    assert sorted(res["T5"].chosen.allocations) == [
        ("AV-2026-00001", -10000), ("FA-2026-00001", 120000), ("FA-2026-00003", 30000)]


def test_unique_group_not_ending_on_the_last_open_item_is_automatic():
    # 1 200 + 500 = 1 700 € : C1's only combination, though 300 € and the credit note follow.
    res, _ = _match(_line("T5b", 170000, iban=IBAN_C1))
    assert res["T5b"].status == STATUS_AUTO
    assert sorted(res["T5b"].chosen.allocations) == [("FA-2026-00001", 120000),
                                                     ("FA-2026-00002", 50000)]
    assert "autre combinaison" not in res["T5b"].explanation


def test_penalty_deduction_opens_a_dispute_not_a_write_off():
    res, result = _match(_line("T6", 40000, name="BERNARD ET FILS",
                               remittance="FA-2026-00005 DEDUCTION PENALITE LOGISTIQUE"))
    r = res["T6"]
    assert r.status == STATUS_AUTO and r.chosen.allocations == [("FA-2026-00005", 40000)]
    assert r.chosen.dispute == ("FA-2026-00005", 5617)
    assert "L441-17" in r.explanation
    assert result.disputes["amount_cents"].tolist() == [5617]


def test_unallocated_partial_follows_article_1342_10_as_a_suggestion():
    # C1 pays 1 300 € naming nothing: oldest due first = FA-1 (1 200 €) then 100 € on FA-2.
    res, _ = _match(_line("T7", 130000, iban=IBAN_C1))
    r = res["T7"]
    assert r.status == STATUS_SUGGESTION and r.chosen.pass_id == "imputation_legale"
    assert r.chosen.allocations == [("FA-2026-00001", 120000), ("FA-2026-00002", 10000)]
    assert "1342-10" in r.explanation


def test_partial_naming_an_invoice_is_applied_to_it():
    res, _ = _match(_line("T8", 20000, iban=IBAN_C1, remittance="ACOMPTE FA-2026-00002"))
    assert res["T8"].status == STATUS_AUTO
    assert res["T8"].chosen.allocations == [("FA-2026-00002", 20000)]


def test_two_customers_with_the_same_name_are_never_guessed():
    res, _ = _match(_line("T9", 70000, name="GARNIER MAINTENANCE"))
    r = res["T9"]
    assert r.status != STATUS_AUTO
    proposed = {c.customer_id for c in ([r.chosen] if r.chosen else []) + r.hypotheses}
    assert {"C4", "C5"} <= proposed


def test_unknown_payer_unique_distinctive_amount_and_round_amount():
    res, _ = _match(_line("U1", 45617, name="XYZ HOLDING"), _line("U2", 70000, name="XYZ"))
    assert res["U1"].status == STATUS_AUTO          # the only 456,17 € in the ledger
    assert res["U1"].chosen.pass_id == "montant_seul"
    assert res["U2"].status != STATUS_AUTO          # 700,00 € twice: hypotheses only


def test_duplicate_payment_is_left_unapplied():
    res, _ = _match(_line("D1", 120000, remittance="FA-2026-00001"),
                    _line("D2", 120000, remittance="FA-2026-00001", day="2026-02-11"))
    assert res["D1"].status == STATUS_AUTO
    assert res["D2"].status != STATUS_AUTO
    assert any(h.pass_id == "doublon" for h in res["D2"].hypotheses)


def test_overpayment_leaves_the_excess_unapplied():
    res, result = _match(_line("O1", 120500, remittance="FA-2026-00001"))
    assert res["O1"].status == STATUS_AUTO
    assert res["O1"].chosen.allocations == [("FA-2026-00001", 120000)]
    row = result.lines.set_index("bank_tx_id").loc["O1"]
    assert row["unapplied_cents"] == 500


def test_debits_and_other_currencies_are_not_matched():
    res, _ = _match(_line("F1", -3500, label="FRAIS"),
                    _line("X1", 120000, remittance="FA-2026-00001", currency="CHF"))
    assert res["F1"].status == STATUS_OUT_OF_SCOPE
    assert res["X1"].status == STATUS_UNMATCHED and "CHF" in res["X1"].explanation


def test_learned_rule_identifies_an_obscure_payer(tmp_path):
    line = _line("R1", 50000, name="ZQW GESTION")
    before, _ = _match(line)
    assert before["R1"].status != STATUS_AUTO     # 500,00 € is a round amount: no proof
    book = RuleBook(tmp_path)
    book.learn(line, "C1")
    book.save()
    after, _ = _match(line, rules=RuleBook(tmp_path))
    assert after["R1"].status == STATUS_AUTO and after["R1"].customer_method == "règle apprise"
    assert after["R1"].chosen.allocations == [("FA-2026-00002", 50000)]


def test_rejected_proposal_is_not_proposed_again():
    line = _line("R2", 45617, name="XYZ HOLDING")
    book = RuleBook()
    book.reject(line, ["FA-2026-00005"])
    res, _ = _match(line, rules=book)
    assert res["R2"].status == STATUS_UNMATCHED


def test_thresholds_change_the_status_not_the_proposal():
    strict = EngineConfig(auto_threshold=0.999, suggestion_threshold=0.5)
    res, _ = _match(_line("T1", 120000, remittance="FA-2026-00001"), config=strict)
    assert res["T1"].status == STATUS_SUGGESTION
    assert res["T1"].chosen.allocations == [("FA-2026-00001", 120000)]
    with pytest.raises(InvalidParameterError):
        EngineConfig(auto_threshold=0.4, suggestion_threshold=0.6)


def test_open_amounts_decrease_as_lines_are_applied():
    # The second payment of the same amount cannot take the already-settled invoice.
    res, _ = _match(_line("A1", 50000, iban=IBAN_C1), _line("A2", 50000, iban=IBAN_C1,
                                                             day="2026-02-11"))
    assert res["A1"].chosen.allocations == [("FA-2026-00002", 50000)]
    assert res["A2"].status != STATUS_AUTO or \
        res["A2"].chosen.allocations != [("FA-2026-00002", 50000)]


def test_same_partial_transfer_twice_is_a_duplicate():
    first = _line("P1", 20000, iban=IBAN_C1, remittance="FA-2026-00002")
    again = _line("P2", 20000, iban=IBAN_C1, remittance="FA-2026-00002", day="2026-02-11")
    res, _ = _match(first, again)
    assert res["P1"].status == STATUS_AUTO
    assert res["P2"].status != STATUS_AUTO
    assert "double" in " ".join(h.explanation for h in res["P2"].hypotheses) + res["P2"].explanation


# -- payments that name nothing and match no item exactly: ranked readings for a human ----------

def test_exact_instalment_of_one_invoice_from_a_certain_payer_is_applied():
    items = _ledger(("FA-2026-00010", "C1", "2026-01-05", "2026-02-04", 123456),
                    ("FA-2026-00011", "C1", "2026-01-08", "2026-02-07", 360001))
    third = -(-360001 // 3)  # 1 200,01 € rounded up to the cent
    # Paid by IBAN: the next equal instalment of one invoice only, to the cent.
    res, _ = _match(_line("P1", third, iban=IBAN_C1), items=items)
    r = res["P1"]
    assert r.status == STATUS_AUTO
    assert r.chosen.pass_id == "echeance_client"
    assert r.chosen.allocations == [("FA-2026-00011", third)]
    assert "échéance suivante" in r.explanation and "FA-2026-00011" in r.explanation
    # The legal order (oldest due debt first) stays on the list for the reviewer.
    legal = [h for h in r.hypotheses if h.pass_id == "imputation_legale"]
    assert legal and legal[0].allocations == [("FA-2026-00010", third)]
    # Two invoices of the same total: which plan is followed, a human says.
    twin = pd.concat([items, _ledger(("FA-2026-00012", "C1", "2026-01-09", "2026-02-08", 360001))])
    r = _match(_line("P1", third, iban=IBAN_C1), items=twin)[0]["P1"]
    assert r.status == STATUS_SUGGESTION and r.chosen.pass_id == "echeance_client"
    # The same amount again the next day from the same payer: a possible duplicate, not the
    # second instalment.
    res, _ = _match(_line("P1", third, iban=IBAN_C1),
                    _line("P2", third, iban=IBAN_C1, day="2026-02-11"), items=items)
    assert res["P1"].status == STATUS_AUTO and res["P2"].status != STATUS_AUTO
    assert any(c.pass_id == "doublon" for c in res["P2"].hypotheses)
    # Named only by an acronym, the payer is not certain: the instalment to the cent of its
    # only plan confirms it, unless an item has that exact amount (read first).
    r = _match(_line("P1", third, name="DI GESTION"), items=items)[0]["P1"]
    assert r.customer_method == "sigle du nom" and r.status == STATUS_AUTO
    assert r.chosen.allocations == [("FA-2026-00011", third)]
    exact = pd.concat([items, _ledger(("FA-2026-00013", "C1", "2026-01-10", "2026-02-09", third))])
    r = _match(_line("P1", third, name="DI GESTION"), items=exact)[0]["P1"]
    assert r.chosen.allocations == [("FA-2026-00013", third)]
    # The payer names a document, here another customer's invoice: it says something else.
    other = pd.concat([items, _ledger(("FA-2026-00004", "C2", "2026-01-05", "2026-02-04", 99900))])
    r = _match(_line("P1", third, iban=IBAN_C1, remittance="FA-2026-00004"), items=other)[0]["P1"]
    assert r.status != STATUS_AUTO


def test_instalments_differing_by_a_rounding_cent_follow_what_each_invoice_received():
    # 5 559,55 € in thirds: 1 853,18 ; 1 853,18 ; 1 853,19 (the last takes the rounding).
    # FA-20 has received two thirds, FA-21 nothing: the next parts are 1 853,19 and 1 853,18,
    # and not the other way round, though both sum to the amount paid.
    items = _ledger(("FA-2026-00020", "C1", "2026-01-05", "2026-02-04", 555955),
                    ("FA-2026-00021", "C1", "2026-01-08", "2026-02-07", 555955))
    line = _line("P1", 185319 + 185318, iban=IBAN_C1, remittance="FA-2026-00020 FA-2026-00021")
    matcher = CashMatcher(items, CUSTOMERS)
    matcher.adjust("FA-2026-00020", -2 * 185318)
    r = matcher.match_line(line)
    assert r.status == STATUS_AUTO
    assert sorted(r.chosen.allocations) == [("FA-2026-00020", 185319), ("FA-2026-00021", 185318)]


def test_instalment_of_one_invoice_inside_a_grouped_transfer():
    items = _ledger(("FA-2026-00012", "C1", "2026-01-02", "2026-01-20", 77777),
                    ("FA-2026-00013", "C1", "2026-01-05", "2026-02-04", 123456),
                    ("FA-2026-00014", "C1", "2026-01-08", "2026-02-07", 240000))
    amount = 123456 + 240000 // 3
    res, _ = _match(_line("P2", amount, iban=IBAN_C1), items=items)
    r = res["P2"]
    assert r.status != STATUS_AUTO
    assert frozenset({("FA-2026-00013", 123456), ("FA-2026-00014", 80000)}) in _proposed(r)


def test_cited_invoices_one_paid_in_full_another_by_its_first_third():
    # The label cites FA-70 (456,78 €) and FA-71 (3 600,09 €); 1 656,81 € is FA-70 in full and
    # the first third of FA-71 (1 200,03 €, rounded down), the only such split to the cent.
    items = _ledger(("FA-2026-00070", "C1", "2026-01-05", "2026-02-04", 45678),
                    ("FA-2026-00071", "C1", "2026-01-06", "2026-02-05", 360009))
    r = _match(_line("Q1", 165681, iban=IBAN_C1, remittance="FA-2026-00070 FA-2026-00071"),
               items=items)[0]["Q1"]
    assert r.status == STATUS_AUTO
    assert sorted(r.chosen.allocations) == [("FA-2026-00070", 45678), ("FA-2026-00071", 120003)]
    assert "échéancier" in r.explanation


def test_instalments_inside_a_grouped_transfer_of_a_customer_following_a_plan():
    # The same transfer when C1 already pays FA-15 by thirds (1 000,00 of 3 000,00 received):
    # FA-13 in full and the first third of FA-14 (rounded down) is the only combination of two
    # or three items to the cent — C1 follows a plan, applied.
    items = _ledger(("FA-2026-00012", "C1", "2026-01-02", "2026-01-20", 77777),
                    ("FA-2026-00013", "C1", "2026-01-05", "2026-02-04", 123456),
                    ("FA-2026-00014", "C1", "2026-01-08", "2026-02-07", 240000),
                    ("FA-2026-00015", "C1", "2025-12-01", "2025-12-31", 300000))
    matcher = CashMatcher(items, CUSTOMERS)
    matcher.adjust("FA-2026-00015", -100000)
    r = matcher.match_line(_line("P2", 123456 + 240000 // 3, iban=IBAN_C1))
    assert r.status == STATUS_AUTO
    assert sorted(r.chosen.allocations) == [("FA-2026-00013", 123456), ("FA-2026-00014", 80000)]
    assert "échéances égales" in r.explanation
    # A round amount proves nothing: 2 000,00 € is FA-13 + FA-14's third only by chance here.
    items = _ledger(("FA-2026-00013", "C1", "2026-01-05", "2026-02-04", 120000),
                    ("FA-2026-00014", "C1", "2026-01-08", "2026-02-07", 240000),
                    ("FA-2026-00015", "C1", "2025-12-01", "2025-12-31", 330000))
    matcher = CashMatcher(items, CUSTOMERS)
    matcher.adjust("FA-2026-00015", -110000)
    assert matcher.match_line(_line("P3", 200000, iban=IBAN_C1)).status != STATUS_AUTO


def test_small_overpayment_does_not_hide_the_other_readings():
    # 1 210 € from C1: FA-1 (1 200 €) and 10 € too many, or the legal order. No open item is
    # larger than the amount (no part payment), FA-1 is the only one a few euros below it:
    # FA-1 is paid automatically, the 10 € wait as unapplied cash, the legal order stays shown.
    res, _ = _match(_line("P3", 121000, iban=IBAN_C1))
    r = res["P3"]
    assert r.status == STATUS_AUTO
    over = [c for c in [r.chosen] + r.hypotheses if c.pass_id == "trop_percu"]
    assert over and over[0].allocations == [("FA-2026-00001", 120000)]
    assert over[0].unapplied_cents == 1000
    assert any(c.pass_id == "imputation_legale" for c in [r.chosen] + r.hypotheses)


def test_small_overpayment_of_the_oldest_items_when_none_older_is_due():
    # C1 owes FA-30 (due 04/02) and FA-31, FA-32 (due in March), 1 200 € paid on 10/02 with no
    # reference: 1 212,50 € is FA-30 and 12,50 € too many. A larger item is open (a part payment
    # of it is possible) but no older item is due: the legal order points to FA-30 as well.
    items = _ledger(("FA-2026-00030", "C1", "2026-01-05", "2026-02-04", 120000),
                    ("FA-2026-00031", "C1", "2026-02-01", "2026-03-03", 80000),
                    ("FA-2026-00032", "C1", "2026-02-02", "2026-03-04", 900000))
    r = _match(_line("P1", 121250, iban=IBAN_C1), items=items)[0]["P1"]
    assert r.status == STATUS_AUTO and r.chosen.pass_id == "trop_percu"
    assert r.chosen.allocations == [("FA-2026-00030", 120000)]
    assert r.chosen.unapplied_cents == 1250
    assert "aucune pièce échue avant elle encore attendue" in r.explanation
    # The two oldest items and 30 € more: both paid, the 30 € unapplied.
    r = _match(_line("P2", 203000, iban=IBAN_C1), items=items)[0]["P2"]
    assert r.status == STATUS_AUTO
    assert sorted(r.chosen.allocations) == [("FA-2026-00030", 120000), ("FA-2026-00031", 80000)]
    assert r.chosen.unapplied_cents == 3000 and "1342-10" in r.explanation
    # An older item still due and unpaid: FA-31 + 12,50 € could as well be a part payment
    # of FA-32, a human decides.
    r = _match(_line("P3", 81250, iban=IBAN_C1), items=items)[0]["P3"]
    assert r.status != STATUS_AUTO
    assert frozenset({("FA-2026-00031", 80000)}) in _proposed(r)
    # An item already partly paid is no base for a surplus either.
    matcher = CashMatcher(items, CUSTOMERS)
    matcher.adjust("FA-2026-00030", -20000)
    assert matcher.match_line(_line("P4", 101250, iban=IBAN_C1)).status != STATUS_AUTO


def test_small_overpayment_of_the_oldest_items_naming_only_the_first():
    # C1 names FA-1 only and pays 1 720 €: FA-1 and FA-2, the two oldest items (1 700 €), and
    # 20 € too many — the label cut after the first invoice, as a factor writes it.
    line = _line("N1", 172000, iban=IBAN_C1, remittance="FA-2026-00001")
    r = _match(line)[0]["N1"]
    assert r.status == STATUS_AUTO
    assert sorted(r.chosen.allocations) == [("FA-2026-00001", 120000), ("FA-2026-00002", 50000)]
    # Read as the rest of its payment run (FA-2 falls due five days after FA-1).
    assert r.chosen.unapplied_cents == 2000 and "FA-2026-00001" in r.explanation
    assert "trop-perçu de 20,00" in r.explanation
    # Naming an item outside the oldest ones: the label contradicts the legal order.
    r = _match(dict(line, remittance_info="FA-2026-00003"))[0]["N1"]
    assert r.status != STATUS_AUTO


def test_escompte_taken_and_a_small_surplus_without_reference():
    # C2 may deduct 1 % within 10 days. 9 920 € from C2's IBAN on 12/01, naming nothing:
    # FA-60 (10 000 €) net of its escompte is 9 900 €, 20 € below — the escompte taken and
    # 20 € too many, left unapplied (not FA-60 in full: the amount is below it).
    items = _ledger(("FA-2026-00060", "C2", "2026-01-05", "2026-02-04", 1000000),
                    ("FA-2026-00061", "C2", "2026-01-06", "2026-02-05", 2000000))
    line = _line("E1", 992000, iban="FR7630004000031234567890143", day="2026-01-12")
    r = _match(line, items=items)[0]["E1"]
    assert r.status == STATUS_AUTO and r.chosen.pass_id == "escompte"
    assert r.chosen.allocations == [("FA-2026-00060", 990000)]
    assert r.chosen.discount == ("FA-2026-00060", 10000) and r.chosen.unapplied_cents == 2000
    assert "FA-2026-00060" in r.explanation and "délai d'escompte" in r.explanation
    # After the escompte's days, 9 920 € is no discounted amount: a human decides.
    r = _match(dict(line, booking_date=pd.Timestamp("2026-02-10")), items=items)[0]["E1"]
    assert r.status != STATUS_AUTO


def test_small_overpayment_past_an_older_item_the_customer_held_back():
    # FA-27 (5 000 €, due 01/01) is still open, but C1 has since settled FA-28, due after it:
    # FA-27 is held back (a dispute, a lost invoice), not awaited. 1 212,50 € on 10/02 is then
    # FA-30 and 12,50 € too many, as when no older item is due.
    items = _ledger(("FA-2026-00027", "C1", "2025-12-01", "2026-01-01", 500000),
                    ("FA-2026-00028", "C1", "2025-12-20", "2026-01-20", 100000),
                    ("FA-2026-00030", "C1", "2026-01-05", "2026-02-04", 120000),
                    ("FA-2026-00032", "C1", "2026-02-02", "2026-03-04", 900000))
    line = _line("P1", 121250, iban=IBAN_C1)
    matcher = CashMatcher(items, CUSTOMERS)
    # FA-28 still open: FA-27 is awaited, 1 212,50 € may be a part payment of it.
    assert matcher.match_line(line).status != STATUS_AUTO
    matcher = CashMatcher(items, CUSTOMERS)
    matcher.adjust("FA-2026-00028", -100000)  # FA-28 settled, FA-27 left behind
    r = matcher.match_line(line)
    assert r.status == STATUS_AUTO and r.chosen.allocations == [("FA-2026-00030", 120000)]
    assert r.chosen.unapplied_cents == 1250
    assert "aucune pièce échue avant elle encore attendue" in r.explanation


def test_small_overpayment_within_the_discount_days_is_only_proposed():
    # C2 may deduct 1 % within 10 days: 1 009 € on 12/01 for FA-4 (999 €) is 10 € too many,
    # or the escompte taken (989,01 €) and 19,99 € too many. A human decides.
    r = _match(_line("D1", 100900, iban="FR7630004000031234567890143", day="2026-01-12"))[0]["D1"]
    assert r.status != STATUS_AUTO
    assert frozenset({("FA-2026-00004", 99900)}) in _proposed(r)
    # After the escompte's days, the surplus reading is the only one left.
    r = _match(_line("D2", 100900, iban="FR7630004000031234567890143", day="2026-02-10"))[0]["D2"]
    assert r.status == STATUS_AUTO and r.chosen.allocations == [("FA-2026-00004", 99900)]


def test_rest_of_an_item_after_a_transfer_left_unapplied():
    # C1 sends 700 € naming nothing (a part payment: which item is a guess, left to a human),
    # then 500 €: 700 + 500 is FA-40's balance, so the second transfer pays its rest and
    # proves the first one was a part payment of FA-40: both are applied.
    items = _ledger(("FA-2026-00040", "C1", "2026-01-05", "2026-02-04", 120000),
                    ("FA-2026-00041", "C1", "2026-01-20", "2026-03-03", 90000))
    first = _line("R1", 70000, iban=IBAN_C1)
    second = _line("R2", 50000, iban=IBAN_C1, day="2026-03-10")
    matcher = CashMatcher(items, CUSTOMERS)
    r1 = matcher.match_line(first)
    assert r1.status != STATUS_AUTO
    matcher.apply(r1)
    r2 = matcher.match_line(second)
    matcher.apply(r2)
    assert r2.status == STATUS_AUTO and r2.chosen.pass_id == "solde_client"
    assert r2.chosen.allocations == [("FA-2026-00040", 50000)]
    assert "R1" in r2.explanation and "FA-2026-00040" in r2.explanation
    assert r1.status == STATUS_AUTO and r1.chosen.allocations == [("FA-2026-00040", 70000)]
    assert "R2" in r1.explanation and r1.hypotheses
    assert matcher.open["FA-2026-00040"] == 0 and matcher.open["FA-2026-00041"] == 90000
    # The rest named by its invoice proves the first transfer the same way.
    res, _ = _match(first, dict(second, remittance_info="SOLDE FA-2026-00040"), items=items)
    assert res["R2"].status == STATUS_AUTO and res["R2"].chosen.pass_id == "partiel_designe"
    assert res["R1"].status == STATUS_AUTO
    assert res["R1"].chosen.allocations == [("FA-2026-00040", 70000)]
    # A payer read from its acronym only: the two transfers making the balance confirm it.
    res, _ = _match(dict(first, counterparty_iban="", counterparty_name="DI GESTION"),
                    dict(second, counterparty_iban="", counterparty_name="DI GESTION"),
                    items=items)
    assert res["R2"].customer_method == "sigle du nom"
    assert res["R2"].status == res["R1"].status == STATUS_AUTO
    assert res["R1"].chosen.allocations == [("FA-2026-00040", 70000)]
    # The first transfer from a payer unknown then (no IBAN, a name no customer bears): the
    # second, from C1's IBAN, makes FA-40's balance with it to the cent and proves it too.
    res, _ = _match(dict(first, counterparty_iban="", counterparty_name="STE XQZ"), second,
                    items=items)
    assert res["R1"].customer_method == ""
    assert res["R2"].status == res["R1"].status == STATUS_AUTO
    assert res["R1"].chosen.allocations == [("FA-2026-00040", 70000)]
    assert res["R1"].customer_id == "C1" and "payeur alors non identifié" in res["R2"].explanation
    # Two items of that balance: the rest of which one is for a human to say.
    twins = _ledger(("FA-2026-00040", "C1", "2026-01-05", "2026-02-04", 120000),
                    ("FA-2026-00042", "C1", "2026-01-20", "2026-03-03", 120000))
    res, _ = _match(first, second, items=twins)
    assert res["R1"].status != STATUS_AUTO and res["R2"].status != STATUS_AUTO
    assert frozenset({("FA-2026-00042", 50000)}) in _proposed(res["R2"])


def test_instalment_from_a_payer_read_from_an_acronym_two_customers_share():
    # « DMI » is C6 or C7. 1 200,03 € is a third of C6's FA-60 (3 600,09 € : 1 200,03 × 3) to
    # the cent; no item of C7 is paid by it, and no item has that amount: C6 follows its plan.
    customers = pd.DataFrame({"customer_id": ["C6", "C7"],
                              "name": ["Dupont Mécanique Industrie", "Durand Maçonnerie Isolation"],
                              "iban": [IBAN_C1, ""]})
    items = _ledger(("FA-2026-00060", "C6", "2026-01-05", "2026-02-04", 360009),
                    ("FA-2026-00061", "C7", "2026-01-20", "2026-03-03", 250000))
    r = _match(_line("S1", 120003, name="DMI GESTION"), items=items, customers=customers)[0]["S1"]
    assert r.customer_method == "sigle du nom" and r.status == STATUS_AUTO
    assert r.chosen.allocations == [("FA-2026-00060", 120003)]
    # C7 owes 1 200,03 € exactly: the item of that amount is read first, not the instalment.
    both = pd.concat([items, _ledger(("FA-2026-00062", "C7", "2026-01-21", "2026-03-04", 120003))])
    r = _match(_line("S1", 120003, name="DMI GESTION"), items=both, customers=customers)[0]["S1"]
    assert r.chosen.allocations == [("FA-2026-00062", 120003)]
    # A third of an item of C7 as well: two plans fit, a human says which.
    two = pd.concat([items, _ledger(("FA-2026-00063", "C7", "2026-01-22", "2026-03-05", 360009))])
    r = _match(_line("S1", 120003, name="DMI GESTION"), items=two, customers=customers)[0]["S1"]
    assert r.status != STATUS_AUTO


def test_rest_of_an_item_from_a_payer_read_from_an_acronym_two_customers_share():
    # « DMI » is Dupont Mécanique Industrie (C6) or Durand Maçonnerie Isolation (C7). C6 sent
    # 300 € from its IBAN, left unapplied; 700 € from « DMI GESTION » makes FA-50's balance
    # with it to the cent, and no item of C7 fits: C6 paid the rest of FA-50, both applied.
    customers = pd.DataFrame({"customer_id": ["C6", "C7"],
                              "name": ["Dupont Mécanique Industrie", "Durand Maçonnerie Isolation"],
                              "iban": [IBAN_C1, ""]})
    items = _ledger(("FA-2026-00050", "C6", "2026-01-05", "2026-02-04", 100000),
                    ("FA-2026-00051", "C6", "2026-01-20", "2026-03-03", 65000),
                    ("FA-2026-00052", "C7", "2026-01-20", "2026-03-03", 90000))
    first = _line("R1", 30000, iban=IBAN_C1, day="2026-02-10")
    second = _line("R2", 70000, name="DMI GESTION", day="2026-03-02")
    res, _ = _match(first, second, items=items, customers=customers)
    assert res["R2"].customer_method == "sigle du nom"
    assert res["R2"].status == res["R1"].status == STATUS_AUTO
    assert res["R2"].chosen.allocations == [("FA-2026-00050", 70000)]
    assert res["R1"].chosen.allocations == [("FA-2026-00050", 30000)]
    # Neither transfer's payer surely known: the sum to the cent alone is not enough.
    res, _ = _match(dict(first, counterparty_iban="", counterparty_name="DMI GESTION"), second,
                    items=items, customers=customers)
    assert res["R1"].status != STATUS_AUTO and res["R2"].status != STATUS_AUTO


def test_penalty_without_reference_goes_to_the_invoice_it_is_a_few_percent_of():
    # 9 850 € paid « déduction pénalité » : 150 € is 1,8 % of the first invoice excl. VAT,
    # 450 € is 5,2 % of the second; penalties withheld are a few % of an invoice.
    items = _ledger(("FA-2026-00015", "C1", "2026-01-05", "2026-02-04", 1000000, 833333),
                    ("FA-2026-00016", "C1", "2026-01-08", "2026-02-07", 1030000, 858333))
    res, _ = _match(_line("P4", 985000, iban=IBAN_C1, remittance="DEDUCTION PENALITE"),
                    items=items)
    r = res["P4"]
    assert r.status != STATUS_AUTO
    assert r.chosen.pass_id == "deduction"
    assert r.chosen.allocations == [("FA-2026-00016", 985000)]
    assert r.chosen.dispute == ("FA-2026-00016", 45000)


def test_cited_invoices_each_net_of_the_contractual_discount():
    # C2: 1 % if paid within 10 days. 999,00 - 9,99 and 500,00 - 5,00, paid 7 days later.
    items = _ledger(("FA-2026-00004", "C2", "2026-01-05", "2026-02-04", 99900),
                    ("FA-2026-00017", "C2", "2026-01-05", "2026-02-04", 50000))
    res, _ = _match(_line("P5", 98901 + 49500, remittance="FA-2026-00004 FA-2026-00017",
                          day="2026-01-12"), items=items)
    r = res["P5"]
    assert r.status == STATUS_SUGGESTION
    assert frozenset(r.chosen.allocations) == {("FA-2026-00004", 98901), ("FA-2026-00017", 49500)}


def test_cited_invoices_all_paid_but_one_short_paid_for_a_penalty():
    res, _ = _match(_line("P6", 120000 - 6000 + 50000, iban=IBAN_C1,
                          remittance="FA-2026-00001 FA-2026-00002 DEDUCTION PENALITE"))
    r = res["P6"]
    assert r.status != STATUS_AUTO
    short = [c for c in [r.chosen] + r.hypotheses
             if frozenset(c.allocations) == {("FA-2026-00001", 114000), ("FA-2026-00002", 50000)}]
    assert short and short[0].pass_id == "deduction"
    assert short[0].dispute == ("FA-2026-00001", 6000)


def test_a_large_surplus_or_one_paid_within_the_discount_days_is_only_proposed():
    # 80 € above the cited invoice: more than a few euros, perhaps another invoice.
    r = _match(_line("S2", 128000, iban=IBAN_C1, remittance="FA-2026-00001"))[0]["S2"]
    assert r.status != STATUS_AUTO
    assert frozenset({("FA-2026-00001", 120000)}) in _proposed(r)
    # C2 (1 % within 10 days) pays 1 003 € for FA-4 (999 €) on day 7: 4 € too many, or the
    # discount taken and 13,99 € too many.
    r = _match(_line("S3", 100300, remittance="FA-2026-00004", day="2026-01-12"))[0]["S3"]
    assert r.status != STATUS_AUTO
    assert {frozenset({("FA-2026-00004", 99900)}),
            frozenset({("FA-2026-00004", 99900 - 999)})} <= set(_proposed(r))


def test_discount_on_the_amount_excl_vat_is_the_other_reading_of_a_surplus():
    # 999,00 € incl. VAT (832,50 € excl.) paid 991,00 € within the discount window: 1 % of
    # the amount incl. VAT (the escompte lowers the VAT too) leaves 0,99 € too many (applied),
    # 1 % of the amount excl. VAT only leaves 2,32 €.
    items = _ledger(("FA-2026-00004", "C2", "2026-01-05", "2026-02-04", 99900, 83250))
    res, _ = _match(_line("P7", 99100, remittance="FA-2026-00004", day="2026-01-12"),
                    items=items)
    r = res["P7"]
    assert r.status == STATUS_AUTO and r.chosen.discount == ("FA-2026-00004", 999)
    assert r.chosen.unapplied_cents == 99100 - (99900 - 999)
    assert frozenset({("FA-2026-00004", 99900 - 832)}) in _proposed(r)


def test_unknown_payer_paying_one_instalment_of_an_invoice_of_the_ledger():
    third = 45617 // 3  # FA-2026-00005 (C3) in three parts, the first rounded down
    res, _ = _match(_line("P8", third, name="XYZ HOLDING"))
    r = res["P8"]
    assert r.status != STATUS_AUTO
    assert r.chosen.allocations == [("FA-2026-00005", third)] and r.chosen.customer_id == "C3"


def test_acronym_keeping_the_articles_of_the_name():
    customers = pd.concat([CUSTOMERS, pd.DataFrame({
        "customer_id": ["C6"], "name": ["Société des Établissements Marchal"], "iban": [""]})])
    items = pd.concat([ITEMS, _ledger(("FA-2026-00018", "C6", "2026-01-05", "2026-02-04",
                                       65432))])
    res, _ = _match(_line("P9", 65432, name="SDEM FINANCES"), items=items, customers=customers)
    assert res["P9"].customer_id == "C6" and res["P9"].customer_method == "sigle du nom"


def test_small_group_search_is_exhaustive():
    # Every selection of 2 to 4 items, each taking one of its amounts, against brute force.
    rng = random.Random(7)
    for _ in range(200):
        choices = [(f"D{i}", tuple(sorted({rng.randint(1, 30) for _ in range(rng.randint(1, 3))})))
                   for i in range(rng.randint(2, 8))]
        target = rng.randint(5, 80)
        expected = {tuple((choices[i][0], v) for i, v in zip(picked, values))
                    for size in (2, 3, 4)
                    for picked in itertools.combinations(range(len(choices)), size)
                    for values in itertools.product(*(choices[i][1] for i in picked))
                    if sum(values) == target}
        found = CashMatcher._small_groups(choices, target, limit=10**6)
        assert len(found) == len(expected) and {tuple(f) for f in found} == expected


def test_subset_search_finds_each_set_once():
    # Sets of at least 2 items (credit notes negative) summing to the target, against brute force.
    matcher = CashMatcher(ITEMS, CUSTOMERS, config=EngineConfig(subset_node_budget=10**7))
    rng = random.Random(11)
    for _ in range(200):
        items = [(f"D{i}", rng.choice((-1, 1, 1, 1)) * rng.randint(1, 30))
                 for i in range(rng.randint(2, 9))]
        target = rng.randint(1, 60)
        expected = {frozenset(d for d, _ in picked)
                    for size in range(2, len(items) + 1)
                    for picked in itertools.combinations(items, size)
                    if sum(v for _, v in picked) == target}
        found = matcher._subsets(items, target, limit=10**6)
        assert len(found) == len(expected) and {frozenset(f) for f in found} == expected


def test_unique_group_confirms_a_payer_read_from_its_acronym_only_if_alone():
    # « STE DI » : Dupont Industrie SAS, whose 1 200 + 500 € are the only group making 1 700 €.
    res, _ = _match(_line("T40", 170000, name="STE DI"))
    assert res["T40"].status == STATUS_AUTO and "sigle" in res["T40"].explanation
    assert sorted(res["T40"].chosen.allocations) == [("FA-2026-00001", 120000),
                                                     ("FA-2026-00002", 50000)]
    # « STE GM » : two customers bear that acronym; a group of one of them stays a suggestion.
    items = _ledger(("FA-2026-00101", "C4", "2026-01-05", "2026-02-04", 30000),
                    ("FA-2026-00102", "C4", "2026-01-06", "2026-02-05", 40000),
                    ("FA-2026-00103", "C5", "2026-01-06", "2026-02-05", 10000))
    res, _ = _match(_line("T41", 70000, name="STE GM"), items=items)
    assert res["T41"].status != STATUS_AUTO
    assert frozenset({("FA-2026-00101", 30000), ("FA-2026-00102", 40000)}) in _proposed(res["T41"])
