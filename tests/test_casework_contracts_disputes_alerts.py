"""Contracts, disputes and alerts: references scored against the truth on 20 seeds, planted
faults caught by the scorers, generated French texts clean."""

import re

from o2c_lab.ai import FactChecker
from o2c_lab.casework.alerts import (bodacc_alert, bodacc_alert_text, customer_file_text, internal_alert_text,
                                     plain_summary_text, score_alert_answer, weekly_synthesis_text)
from o2c_lab.casework.contracts import score_contract_answer, score_syntheses, synthesis_text
from o2c_lab.casework.disputes import (customer_reply, dispute_framework, internal_note, score_dispute_answer,
                                       score_frameworks)
from o2c_lab.casework.dunning import leftover_problems
from o2c_lab.law import claim_declaration_deadline
from o2c_lab.money import format_date, format_eur

SEEDS = range(20)


def _count(stats, fault, caught):
    hit, total = stats.get(fault, (0, 0))
    stats[fault] = (hit + bool(caught), total + 1)


def test_contract_syntheses_match_table_and_truth(many_companies):
    stats, scores = {}, []
    for seed in SEEDS:
        company = many_companies[seed]
        result = score_syntheses(company)
        assert result["field_mismatches"] == [], result["field_mismatches"][:3]
        assert result["issue_recall"] == 1.0 and result["issue_precision"] == 1.0, (result["missed"], result["extra"])
        truth = company.truth["contract_truth"]
        for issue in ("delai_illegal", "sans_clause_penalites", "escompte"):
            cid = truth.loc[truth["issue"] == issue, "contract_id"].iloc[0]
            text = synthesis_text(company, cid)
            assert leftover_problems(text) == []
            scores.append(score_contract_answer(company, cid, text)["score"])
            lines = text.splitlines()
            # The attention point and the clause line that carries it are both left out.
            without = "\n".join(line for line in lines if not (line.startswith("- ") and line[2:3].islower())
                                 and not line.startswith("- Escompte"))
            _count(stats, "point d'attention manquant", score_contract_answer(company, cid, without)["score"] < 1)
            wrong = re.sub(r"Délai de paiement : [^.]+\.", "Délai de paiement : 30 jours date de facture.", text) \
                if "30 jours" not in text else text.replace("30 jours date de facture", "60 jours date de facture")
            _count(stats, "délai faux", score_contract_answer(company, cid, wrong)["score"] < 1)
    print(f"\ncontrats : score moyen de la référence {sum(scores) / len(scores):.1%} ; fautes détectées "
          f"{ {k: f'{a}/{b}' for k, (a, b) in stats.items()} }")
    assert min(scores) == 1.0
    assert all(a == b for a, b in stats.values())


def test_dispute_frameworks_match_truth_and_faults_are_caught(many_companies):
    stats, scores = {}, []
    for seed in SEEDS:
        company = many_companies[seed]
        assert score_frameworks(company)["accuracy"] == 1.0, seed
        truth = company.truth["dispute_truth"].set_index("dispute_id")
        checker = FactChecker(company)
        for dispute_id in ("LIT-A", "LIT-B"):
            f = dispute_framework(company, dispute_id)
            assert f["credit_note_due_cents"] == truth.loc[dispute_id, "credit_note_due_cents"]
            for text in (customer_reply(company, dispute_id), internal_note(company, dispute_id)):
                assert leftover_problems(text) == [], leftover_problems(text)
                scores.append(score_dispute_answer(company, dispute_id, text, checker=checker)["score"])
            reply = customer_reply(company, dispute_id)
            credit = format_eur(f["credit_note_due_cents"])
            wrong = reply.replace(credit, format_eur(f["credit_note_due_cents"] + 5_000))
            _count(stats, "montant faux", score_dispute_answer(company, dispute_id, wrong, checker=checker)["score"] < 1)
            invented = reply + "\nLa facture FA-2026-99999 est également concernée."
            _count(stats, "facture inventée",
                   score_dispute_answer(company, dispute_id, invented, checker=checker)["score"] < 1)
            if dispute_id == "LIT-B":
                no_law = re.sub(r"elle n'est pas prévue au contrat[^.]*\)", "elle n'est pas justifiée", reply)
                _count(stats, "mention légale absente",
                       score_dispute_answer(company, dispute_id, no_law, checker=checker)["score"] < 1)
    print(f"\nlitiges : score moyen de la référence {sum(scores) / len(scores):.1%} ; fautes détectées "
          f"{ {k: f'{a}/{b}' for k, (a, b) in stats.items()} }")
    assert min(scores) >= 0.9
    assert all(a == b for a, b in stats.values())


def test_bodacc_alert_and_reports(many_companies):
    stats, scores = {}, []
    for seed in SEEDS:
        company = many_companies[seed]
        cid = company.role("insolvent_customer")
        alert = bodacc_alert(company)
        assert alert["customer_id"] == cid
        published = company.external_signals.query("source == 'BODACC'")["published_on"].iloc[0].date()
        assert alert["claim_deadline"] == claim_declaration_deadline(published)
        text = bodacc_alert_text(company)
        checker = FactChecker(company)

        def _alert_score(answer):
            return score_alert_answer(company, answer, checker=checker, alert=alert)

        scores.append(_alert_score(text)["score"])
        deadline = format_date(alert["claim_deadline"])
        wrong_date = text.replace(deadline, format_date(alert["claim_deadline"].replace(day=1)))
        _count(stats, "échéance fausse", _alert_score(wrong_date)["score"] < 1)
        wrong_amount = text.replace(format_eur(alert["declared_cents"]), format_eur(alert["declared_cents"] + 123_400))
        _count(stats, "montant faux", _alert_score(wrong_amount)["score"] < 1)
        no_claim = re.sub(r"[^\n]*Déclarer la créance[^\n]*\n", "", text)
        _count(stats, "mention légale absente", _alert_score(no_claim)["score"] < 1)
        chased = text + "\n- Envoyer une mise en demeure au client pour les factures échues."
        _count(stats, "client en procédure relancé", _alert_score(chased)["score"] < 1)
        weekly = weekly_synthesis_text(company)
        assert company.role("drifting_customer") in weekly
        if seed % 5 == 0:  # the other reports are slower to build: their wording is checked on 4 seeds
            for report in (text, customer_file_text(company, cid), weekly, plain_summary_text(company, cid),
                           internal_alert_text(company, company.role("drifting_customer"))):
                assert leftover_problems(report) == [], leftover_problems(report)
    print(f"\nalerte BODACC : score moyen de la référence {sum(scores) / len(scores):.1%} ; fautes détectées "
          f"{ {k: f'{a}/{b}' for k, (a, b) in stats.items()} }")
    assert min(scores) >= 0.9
    assert all(a == b for a, b in stats.values())
