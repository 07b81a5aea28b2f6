"""Invoice audit: 100 % recall of planted anomalies, no false finding, on 20 seeds (the invariant
sweep of ``many_companies``); checklist and
Factur-X share the same rules."""

import re

from o2c_lab.casework.audit import (RULES, audit_invoices, audit_recall, checklist, checklist_markdown,
                                    invoice_checklist, sample_check)
from o2c_lab.casework.dunning import leftover_problems
from o2c_lab.casework.facturx import audit_facturx, facturx_xml, parse_facturx
from o2c_lab.company.scenario import ANOMALY_TYPES

SEEDS = range(20)


def test_recall_and_no_false_finding_on_20_seeds(many_companies):
    planted = found = sample_found = 0
    for seed in SEEDS:
        company = many_companies[seed]
        result = audit_recall(company)
        assert result["missed"] == [], f"graine {seed} : anomalies manquées {result['missed']}"
        assert result["false_findings"].empty, f"graine {seed} : {result['false_findings'].to_dict('records')}"
        assert result["extra_on_anomalous"] == [], f"graine {seed}"
        planted += result["planted"]
        found += result["found"]
        sample_found += sample_check(company, seed=seed)["found"]
    assert found == planted > 0
    baseline = sample_found / planted
    print(f"\naudit systématique : rappel {found}/{planted} = 100 % ; échantillon 10 % : "
          f"{sample_found}/{planted} = {baseline:.1%}")
    assert baseline < 0.3  # the point of the exercise: sampling misses most anomalies


def test_every_anomaly_type_has_a_rule_and_a_checklist_item():
    anomalies = {r.anomaly for r in RULES}
    assert set(ANOMALY_TYPES) <= anomalies
    table = checklist()
    assert sorted(table["rule_id"]) == sorted(r.rule_id for r in RULES)
    text = checklist_markdown()
    assert text.count("- [ ]") == len(RULES)
    assert leftover_problems(text) == []


def _clean_invoice(company):
    anomalous = set(company.truth["invoice_anomalies"]["invoice_id"])
    inv = company.invoices
    eligible = inv[~inv["invoice_id"].isin(anomalous) & (inv["customer_po"] != "") & (inv["vat_mention"] == "")]
    return eligible.iloc[len(eligible) // 2]["invoice_id"]


def test_faults_planted_by_hand_are_found(company):
    iid = _clean_invoice(company)
    inv = company.invoices[company.invoices["invoice_id"] == iid].copy()
    lines = company.invoice_lines[company.invoice_lines["invoice_id"] == iid].copy()
    assert audit_invoices(company, inv, lines).empty
    inv["indemnity_mention"] = False
    inv["customer_po"] = ""
    lines.loc[lines.index[0], "quantity"] += 2
    lines.loc[lines.index[0], "net_cents"] = lines["quantity"].iloc[0] * lines["unit_price_cents"].iloc[0]
    found = audit_invoices(company, inv, lines)
    assert {"missing_indemnity_mention", "missing_po", "quantity_vs_delivery"} <= set(found["anomaly"])
    # Code de commerce L441-9 II: an incomplete invoice costs up to 375 000 € for a legal person.
    assert (found.loc[found["anomaly"] == "missing_indemnity_mention", "admin_fine_max_cents"] == 37_500_000).all()
    for text in found["description"]:
        assert leftover_problems(text) == []


def test_invoice_checklist_status(company):
    iid = company.truth["invoice_anomalies"].query("anomaly == 'missing_po'")["invoice_id"].iloc[0]
    status = invoice_checklist(company, iid).set_index("rule_id")["statut"]
    po_rule = next(r.rule_id for r in RULES if r.anomaly == "missing_po")
    assert status[po_rule].startswith("non conforme")
    assert (status.drop(po_rule) == "conforme").sum() >= len(RULES) - 2


def test_facturx_round_trip_keeps_findings(company):
    anomalies = company.truth["invoice_anomalies"]
    picks = list(anomalies.drop_duplicates("anomaly")["invoice_id"]) + [_clean_invoice(company)]
    import facturx

    for iid in picks:
        xml = facturx_xml(company, iid)
        facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
        table = audit_invoices(company, company.invoices[company.invoices["invoice_id"] == iid],
                               company.invoice_lines[company.invoice_lines["invoice_id"] == iid])
        from_xml = audit_facturx(company, xml)
        assert sorted(from_xml["anomaly"]) == sorted(table["anomaly"]), iid
        assert set(anomalies.loc[anomalies["invoice_id"] == iid, "anomaly"]) == set(from_xml["anomaly"])
        parsed, lines = parse_facturx(xml)
        row = company.invoices.set_index("invoice_id").loc[iid]
        assert parsed["total_ttc_cents"].iloc[0] == row["total_ttc_cents"]
        assert lines["net_cents"].sum() == row["total_ht_cents"]


def test_real_facturx_sample(company, shared_fixtures):
    xml = (shared_fixtures / "facturx" / "factur-x-en16931.xml").read_bytes()
    inv, lines = parse_facturx(xml)
    assert inv["invoice_id"].iloc[0] == "F20260023"
    assert inv["total_ttc_cents"].iloc[0] == 10_490  # BT-112 104.90
    assert bool(inv["penalty_mention"].iloc[0]) and bool(inv["indemnity_mention"].iloc[0])
    assert inv["customer_po"].iloc[0] == "PO201925478"
    assert len(lines) == 3
    found = audit_facturx(company, xml)
    # Not one of our invoices: the audit says it cannot be matched, and does not invent mention faults.
    assert "unmatched_reference" in set(found["anomaly"])
    assert not {"missing_penalty_mention", "missing_indemnity_mention", "missing_po"} & set(found["anomaly"])


def test_audit_duration(many_companies):
    import time

    company = many_companies[0]
    start = time.perf_counter()
    audit_invoices(company)
    assert time.perf_counter() - start < 5


def test_audit_answer_scorer_on_10_seeds(many_companies):
    from o2c_lab.ai import FactChecker
    from o2c_lab.casework.audit import audit_answer_text, score_audit_answer

    scores, caught, planted = [], {}, {}

    def plant(fault, result):
        planted[fault] = planted.get(fault, 0) + 1
        caught[fault] = caught.get(fault, 0) + (result["score"] < 1)

    for seed in range(10):
        company = many_companies[seed]
        checker = FactChecker(company)
        findings = audit_invoices(company)
        anomalies = company.truth["invoice_anomalies"].drop_duplicates("anomaly")
        clean = _clean_invoice(company)
        for iid in list(anomalies["invoice_id"]) + [clean]:
            text = audit_answer_text(company, iid, findings)
            assert leftover_problems(text) == [], text
            scores.append(score_audit_answer(company, iid, text, checker=checker, findings=findings)["score"])
        for iid in anomalies["invoice_id"].head(3):
            plant("anomalie omise", score_audit_answer(company, iid, f"Facture {iid} : conforme, aucune anomalie.",
                                                       checker=checker, findings=findings))
            plant("facture inventée", score_audit_answer(
                company, iid, audit_answer_text(company, iid, findings) + "\nVoir aussi la facture FA-2026-99999.",
                checker=checker, findings=findings))
        price = anomalies.loc[anomalies["anomaly"] == "price_vs_contract", "invoice_id"].iloc[0]
        text = audit_answer_text(company, price, findings)
        wrong = re.sub(r"au lieu de [\d\u202f]+,\d{2}", "au lieu de 9\u202f999,99", text)
        plant("montant faux", score_audit_answer(company, price, wrong, checker=checker, findings=findings))
        plant("anomalie inventée", score_audit_answer(
            company, clean, f"Facture {clean} : 1 anomalie(s).\n- Taux des pénalités de retard non mentionné.",
            checker=checker, findings=findings))
    print(f"\naudit (réponse rédigée) : score moyen de la référence {sum(scores) / len(scores):.1%} ; fautes "
          f"détectées { {k: f'{caught[k]}/{planted[k]}' for k in planted} }")
    assert min(scores) >= 0.9
    assert caught == planted
