"""French law as dated data: worked examples with their source, the generated company's plausibility
against its data dictionary, and a style check of the legal texts the course writes."""

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
import pytest

from o2c_lab import law
from o2c_lab.casework.audit import audit_invoices
from o2c_lab.casework.contracts import synthesis_text
from o2c_lab.casework.disputes import customer_reply
from o2c_lab.casework.dunning import dunning_plan, reminder_text
from o2c_lab.casework.facturx import facturx_xml
from o2c_lab.company.portfolio import SERVICE_LABELS
from o2c_lab.company.scenario import COUNTRIES, ESCOMPTE_DAYS, TERMS_BY_SEGMENT
from o2c_lab.errors import MissingLegalRateError

D = dt.date
SEEDS = range(4)


def _cents(euros: Decimal) -> int:
    return int((euros * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


# --- Worked examples ------------------------------------------------------------------------------

def test_public_hospital_invoice_50_days_one_rate_and_40_eur():
    # Code de la commande publique R2192-11 (50 days for a public health establishment), L2192-13 and
    # R2192-31 (ECB rate in force on the first day of the semester in which interest starts + 8
    # points, one rate for the whole period), D2192-35 (40 €).
    assert law.public_payment_days("Centre hospitalier de Vienne") == 50
    assert law.public_payment_days("Commune de Bron") == 30
    invoice = D(2026, 3, 2)
    due = law.due_date(invoice, "50J")
    assert due == D(2026, 4, 21)
    paid = D(2026, 7, 20)  # interest runs from 22/04 (H1 2026, ECB 2,15 %) into H2 2026
    days = (paid - due).days
    assert days == 90
    hand = Decimal("12000") * (Decimal("2.15") + 8) / 100 * days / 365
    assert law.public_interest_rate(due) == Decimal("10.15")
    assert law.moratorium_interest_cents(1_200_000, due, paid) == _cents(hand)  # 300,33 €
    # The H2 2026 ECB rate is not in the table, yet nothing is missing: one rate, the start semester's.
    result = law.penalty_to_date(1_200_000, due, paid, public=True)
    assert result.complete and result.cents == _cents(hand)
    assert law.rule("public_indemnity").value["cents"] == 4_000
    assert "D2192-35" in law.letter_terms(public=True)["indemnity_basis"]


def test_code_de_commerce_penalty_across_a_semester_change():
    # Code de commerce L441-10 II: ECB rate of 1 January for H1, of 1 July for H2, + 10 points.
    # ECB: 3,15 % on 01/01/2025, 2,15 % on 01/07/2025 (rows of law_rules.yaml with their source).
    periods = law.late_penalty(1_000_000, D(2025, 6, 15), D(2025, 7, 15))
    assert [(p.first_day, p.days, p.rate_pct) for p in periods] == [
        (D(2025, 6, 16), 15, Decimal("13.15")), (D(2025, 7, 1), 15, Decimal("12.15"))]
    hand = Decimal(10_000) * (Decimal("0.1315") * 15 + Decimal("0.1215") * 15) / 365
    assert law.late_penalty_cents(1_000_000, D(2025, 6, 15), D(2025, 7, 15)) == _cents(hand)  # 103,97 €


def test_missing_semester_is_never_filled_silently():
    # The H2 2026 rows are flagged « à confirmer »: an exact computation refuses, a letter computes
    # what it can and names the semester; the trainer is told which row to update.
    assert law.ECB_MAIN_RATE[D(2026, 7, 1)] is None
    with pytest.raises(MissingLegalRateError, match="law_rules.yaml") as err:
        law.late_penalty_cents(1_000_000, D(2026, 6, 15), D(2026, 7, 15))
    assert err.value.semester == D(2026, 7, 1)
    partial = law.penalty_to_date(1_000_000, D(2026, 6, 15), D(2026, 7, 15))
    assert partial.to_confirm == (D(2026, 7, 1),)
    assert partial.cents == _cents(Decimal(10_000) * Decimal("0.1215") * 15 / 365)
    assert any("ecb_main_rate" in m and "2026-07-01" in m for m in law.missing_rates(D(2026, 12, 14)))
    assert law.missing_rates(D(2026, 6, 30)) == []
    assert "à confirmer" in law.reference_card(D(2026, 12, 14))


def test_collective_proceeding_invoices_before_and_after_the_judgment():
    # Code de commerce L622-24 / R622-24 (declare within 2 months of the BODACC publication, + 2 months
    # abroad), L622-17 (post-judgment claims payable at their due date), D441-5 (40 € for an invoice
    # already late on the judgment date).
    judgment, publication = D(2026, 12, 2), D(2026, 12, 9)
    late_before = law.collective_claim(D(2026, 10, 1), D(2026, 11, 30), judgment, publication)
    assert (late_before["action"], late_before["deadline"], late_before["indemnity_cents"]) == \
        ("déclarer la créance", D(2027, 2, 9), 4_000)
    not_yet_due = law.collective_claim(D(2026, 11, 20), D(2027, 1, 5), judgment, publication)
    assert not_yet_due["action"] == "déclarer la créance" and not_yet_due["indemnity_cents"] == 0
    after = law.collective_claim(D(2026, 12, 5), D(2027, 1, 4), judgment, publication)
    assert after["action"] == "réclamer à l'échéance" and after["deadline"] == D(2027, 1, 4)
    assert "L622-17" in after["reason"]
    abroad = law.collective_claim(D(2026, 10, 1), D(2026, 11, 30), judgment, publication, abroad=True)
    assert abroad["deadline"] == D(2027, 4, 9)
    notice = "Jugement du 02/12/2026 prononçant l'ouverture d'une procédure de redressement judiciaire"
    assert law.judgment_date_in_notice(notice) == judgment


def test_collective_proceeding_in_the_generated_plan(many_companies):
    for seed in SEEDS:
        company = many_companies[seed]
        cid = company.role("insolvent_customer")
        notice = company.external_signals.query("source == 'BODACC' and customer_id == @cid").iloc[0]
        judgment = law.judgment_date_in_notice(notice["text"])
        assert judgment < notice["published_on"].date()
        plan = dunning_plan(company)
        mine = plan[plan["customer_id"] == cid]
        before = pd.to_datetime(mine["invoice_date"]).dt.date <= judgment
        assert (mine.loc[before, "action"] == "ne pas relancer").all(), seed
        assert mine.loc[~before, "reason"].str.contains("L622-17").all(), seed


def test_escompte_on_day_10_and_day_11():
    # Code de commerce L441-9 I and Cass. com. 3 February 2009: payment is made when the funds reach
    # the creditor; an escompte « sous 10 jours » is due on day 10, not on day 11.
    invoice = D(2026, 3, 2)
    assert law.escompte_applies(invoice, D(2026, 3, 12), 10)
    assert not law.escompte_applies(invoice, D(2026, 3, 13), 10)
    # CGI 267 II 1°: the escompte reduces the base and the VAT. 1 % of 1 200 € TTC at 20 %:
    assert law.escompte_split(1_200, 100_000, 20_000) == (1_000, 200)
    assert law.escompte_split(1_000, 100_000, 0) == (1_000, 0)  # intra-EU supply: no VAT to reverse


def test_generated_escomptes_are_received_within_contract_days(many_companies):
    taken = 0
    for seed in SEEDS:
        company = many_companies[seed]
        ledger = company.ar_ledger
        esc = ledger[ledger["document_type"] == "escompte"]
        bank = company.bank_transactions.set_index("bank_tx_id")
        invoices = company.invoices.set_index("invoice_id")
        days = company.contracts.set_index("customer_id")["early_payment_days"]
        for row in esc.itertuples():
            invoice_id = row.document_id.removeprefix("ESC-")
            received = bank.loc[row.bank_tx_id, "booking_date"].date()
            issued = invoices.loc[invoice_id, "invoice_date"].date()
            assert law.escompte_applies(issued, received, days[row.customer_id]), (seed, invoice_id)
            taken += 1
    assert taken > 0


def test_sme_invoice_without_customer_siren_2026_is_not_a_fault_2027_is(many_companies):
    # Loi de finances pour 2024 art. 91 and décret 2022-1299: an SME issues e-invoices with the
    # customer's SIREN from 1 September 2027 (large and mid-size companies: 1 September 2026).
    assert not law.reform_mentions_required("PME", D(2026, 10, 15))
    assert law.reform_mentions_required("PME", D(2027, 10, 15))
    assert law.reform_mentions_required("ETI", D(2026, 9, 1))
    company = many_companies[0]
    inv = company.invoices[(company.invoices["customer_id"].map(company.customers.set_index("customer_id")["country"])
                            == "FR")].head(1).copy()
    lines = company.invoice_lines[company.invoice_lines["invoice_id"].isin(inv["invoice_id"])]
    inv["customer_siren_shown"] = False
    findings = audit_invoices(company, inv, lines)
    assert "missing_customer_siren" not in set(findings["anomaly"])
    inv["invoice_date"] = pd.Timestamp("2027-10-15")
    findings = audit_invoices(company, inv, lines)
    assert "missing_customer_siren" in set(findings["anomaly"])


def test_sanctions_and_limitation_periods():
    # L441-9 II (incomplete invoice: 75 000 € / 375 000 €), L441-16 (terms: 75 000 € / 2 M€),
    # L110-4 (5 years between traders), L133-6 (1 year for carriage).
    assert law.INVOICE_MENTION_FINE_MAX_CENTS == {"personne_physique": 7_500_000, "personne_morale": 37_500_000}
    assert law.ADMIN_FINE_MAX_CENTS["personne_morale"] == 200_000_000
    assert law.limitation_date(D(2026, 3, 31)) == D(2031, 3, 31)
    assert law.limitation_date(D(2026, 3, 31), "transport") == D(2027, 3, 31)


def test_every_rule_has_article_statement_source_and_dates():
    for r in law.RULES.values():
        assert r.article and r.statement and r.source.startswith("http") and isinstance(r.valid_from, dt.date), r.id
    for table in (law.ECB_MAIN_RATE, law.LEGAL_INTEREST_RATE_PROFESSIONALS):
        assert all(table.sources[s] for s in table)
        starts = sorted(table)
        assert all(b == law.add_months(a, 6) for a, b in zip(starts, starts[1:]))  # no semester skipped


# --- The generated company agrees with its data dictionary ----------------------------------------

def test_generated_data_agrees_with_the_dictionary(many_companies):
    legal_form = re.compile(r"\b(?:SAS|S\.A\.S\.|SARL|S\.A\.R\.L\.|SA|S\.A\.|EURL|SNC|GmbH|AG|KG|KGaA|OHG|e\.G\.|NV|BV|VOF|"
                            r"CommV|CV|GbR|S\.à r\.l\.)(?=\s|$|,)")
    for seed in SEEDS:
        company = many_companies[seed]
        cust = company.customers
        assert set(cust["country"]) <= set(COUNTRIES), seed
        fr = cust[cust["country"] == "FR"]
        assert not fr["postal_code"].str[:2].isin(["97", "98"]).any(), seed
        assert cust.loc[cust["country"] == "LU", "postal_code"].str.fullmatch(r"L-\d{4}").all(), seed
        terms = cust.set_index("customer_id")["payment_terms"]
        off = [c for c, s in zip(cust["customer_id"], cust["segment"]) if terms[c] not in TERMS_BY_SEGMENT[s]]
        assert len(off) == 1 and terms[off[0]] == "90J", (seed, off)
        public = cust[cust["segment"] == "secteur_public"]
        assert (public["payment_terms"] == public["name"].map(lambda n: f"{law.public_payment_days(n)}J")).all()
        private = cust[cust["segment"] != "secteur_public"]
        assert private["name"].str.contains(legal_form).all(), private.loc[~private["name"].str.contains(legal_form), "name"]
        # VAT: 20 % or 5,5 % in France, 0 % for EU goods; 10 % only as a planted audit anomaly.
        lines = company.invoice_lines.merge(company.invoices[["invoice_id", "customer_id"]], on="invoice_id")
        lines = lines.merge(cust[["customer_id", "segment"]], on="customer_id")
        eu = lines["segment"] == "export_ue"
        assert (lines.loc[eu, "vat_rate"] == 0).all() and not lines.loc[eu, "label"].isin(SERVICE_LABELS).any()
        anomalies = company.truth["invoice_anomalies"]
        planted = set(anomalies.loc[anomalies["anomaly"] == "wrong_vat_rate", "invoice_id"])
        assert set(lines.loc[lines["vat_rate"] == 10.0, "invoice_id"]) <= planted, seed
        assert set(lines.loc[~eu, "vat_rate"]) <= {20.0, 5.5, 10.0}
        # Contract truth: lawful clauses labelled lawful, unlawful ones with the rule they break.
        truth = company.truth["contract_truth"]
        lawful = dict(zip(truth["issue"], truth["lawful"]))
        assert lawful == {"delai_illegal": False, "sans_clause_penalites": False, "escompte": True,
                          "reserve_propriete": True}
        assert truth["rule"].str.contains(r"art\.").all()
        assert (company.contracts["early_payment_days"].isin([0, ESCOMPTE_DAYS])).all()


# --- Style check of the legal texts ---------------------------------------------------------------

_FEMININE_INTEREST = re.compile(r"intérêts[^.]{0,120}\bsont dues\b", re.I)


def _letters(company, plan):
    for (cid, level), _ in plan[plan["action"] == "relancer"].groupby(["customer_id", "level"]):
        yield cid, level, reminder_text(company, cid, int(level), "courrier", plan=plan)


def test_legal_texts_style(many_companies):
    checked = 0
    for seed in range(20):  # the invariant sweep's companies, already built for the audit tests
        company = many_companies[seed]
        plan = dunning_plan(company)
        segment = company.customers.set_index("customer_id")["segment"]
        for cid, level, text in _letters(company, plan):
            checked += 1
            assert not _FEMININE_INTEREST.search(text), text
            if segment[cid] == "secteur_public":
                assert "Code de commerce" not in text and "injonction" not in text.lower(), text
                if level >= 2:
                    assert "Code de la commande publique" in text and "D2192-35" in text, text
                if level == 3:
                    assert "référé-provision" in text and "tribunal administratif" in text, text
            elif level >= 2:
                assert "L441-10" in text and "D441-5" in text, text
            if re.search(r"2d semestre 2026", text):
                assert "à confirmer" in text, text
        for dispute_id in ("LIT-A", "LIT-B"):
            reply = customer_reply(company, dispute_id)
            assert reply.index("À l'attention de") < reply.index("Objet :") < reply.index("Cordialement")
            if dispute_id == "LIT-B":
                assert "L441-17" not in reply and "1347-1" in reply
                assert re.search(r"reste dû|solde la facture|nous vous devons", reply), reply
        truth = company.truth["contract_truth"]
        for issue, contract_id in truth.groupby("issue")["contract_id"].first().items():
            text = synthesis_text(company, contract_id)
            if issue in ("escompte", "reserve_propriete"):
                assert "clause licite" in text, text
            if issue == "sans_clause_penalites":
                assert "aucune clause ; les pénalités de l'article L441-10 II" in text, text
        # Factur-X: the escompte note repeats the contract's terms.
        contracts = company.contracts.set_index("customer_id")
        for with_escompte in (True, False):
            cids = contracts.index[(contracts["early_payment_discount_pct"] > 0) == with_escompte]
            invoice_id = company.invoices.loc[company.invoices["customer_id"].isin(cids), "invoice_id"].iloc[0]
            xml = facturx_xml(company, invoice_id).decode("utf-8")
            assert ("pour paiement reçu dans les 10 jours" in xml) == with_escompte
            assert ("Pas d'escompte" in xml) != with_escompte
    assert checked >= 20
