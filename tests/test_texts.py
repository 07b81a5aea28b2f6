"""French texts of the simulated company: facts present, calendar realistic, French only."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import pytest

from o2c_lab.company import texts as T
from o2c_lab.errors import InvalidParameterError
from o2c_lab.money import format_eur

SEEDS = [0, 1, 7, 2026]

NNBSP, NBSP = "\u202f", "\u00a0"


def _person(name, role, company, email):
    return {"name": name, "email": email, "role": role, "company": company}


US, CUST_A, CUST_B, CUST_C = ("Outillages Verdier SAS", "Mécanique Roche SARL",
                              "Groupe Altéa Industrie SA", "Chaudronnerie Blanc")
COLLECTOR = _person("Inès Morel", "Chargée de recouvrement", US, "i.morel@verdier.example")
REP = _person("Hugo Lambert", "Commercial Rhône-Alpes", US, "h.lambert@verdier.example")
WAREHOUSE = _person("Karim Benali", "Responsable logistique", US, "k.benali@verdier.example")
CONTACT = _person("Marc Blanc", "Gérant", CUST_C, "m.blanc@blanc.example")
BACKUP = _person("Julie Caron", "Assistante comptable", CUST_C, "j.caron@blanc.example")

FACTS_A = dict(
    company=US, customer=CUST_A, sales_rep=REP, collector=COLLECTOR, warehouse=WAREHOUSE,
    ap_clerk=_person("Claire Dupré", "Comptable fournisseurs", CUST_A, "c.dupre@roche.example"),
    buyer=_person("Paul Martin", "Acheteur", CUST_A, "p.martin@roche.example"),
    invoice_id="FA-2026-01234", invoice_date=dt.date(2026, 10, 2), due_date=dt.date(2026, 11, 30),
    order_id="CDE-000456", customer_po="PO-88231", delivery_id="BL-2026-000777",
    delivery_date=dt.date(2026, 10, 1), product_label="Roulement à billes 6204-2RS",
    qty_ordered=1400, qty_delivered=250, unit_price_cents=840,
    # 1 400 × 8,40 € = 11 760,00 € HT, TVA 20 % → 14 112,00 € TTC; 1 150 missing → 11 592,00 € TTC
    invoice_ttc_cents=1_411_200, missing_ttc_cents=1_159_200,
    start=dt.datetime(2026, 12, 2, 9, 12),
)

FACTS_B = dict(
    company=US, customer=CUST_B, sales_rep=REP, collector=COLLECTOR,
    ap_clerk=_person("Léa Fontaine", "Responsable comptabilité fournisseurs", CUST_B,
                     "l.fontaine@altea.example"),
    buyer=_person("Thomas Girard", "Responsable des achats", CUST_B, "t.girard@altea.example"),
    quality_manager=_person("Sandrine Petit", "Responsable qualité", CUST_B, "s.petit@altea.example"),
    invoice_id="FA-2026-01500", invoice_date=dt.date(2026, 9, 15), due_date=dt.date(2026, 11, 14),
    contract_id="CT-00042", contract_discount_pct=8.0, billed_unit_price_cents=18_900,
    contract_unit_price_cents=17_388, discounted_product_label="Perceuse-visseuse 18 V sans fil",
    discount_gap_ttc_cents=72_576, damaged_product_label="Meuleuse d'angle 125 mm", damaged_qty=6,
    delivery_id="BL-2026-000901", delivery_date=dt.date(2026, 9, 14), invoice_ttc_cents=2_468_160,
    paid_cents=2_344_752, deduction_cents=123_408, deduction_pct=5.0,
    payment_date=dt.date(2026, 11, 16), start=dt.datetime(2026, 11, 19, 10, 5),
)

BASE = dict(company=US, customer=CUST_C, collector=COLLECTOR, contact=CONTACT,
            start=dt.datetime(2026, 12, 5, 11, 0))  # a Saturday: must move to Monday

SHORT = {
    "promise_thread": dict(BASE, invoice_ids=["FA-2026-00981", "FA-2026-01022"],
                           amount_cents=356_040, promised_date=dt.date(2026, 12, 18)),
    "invoice_not_received_thread": dict(BASE, invoice_id="FA-2026-01101", invoice_date=dt.date(2026, 10, 20),
                                        amount_cents=98_760, ap_email="compta@blanc.example"),
    "already_paid_thread": dict(BASE, invoice_ids=["FA-2026-01120"], amount_cents=45_600,
                                paid_on=dt.date(2026, 12, 3), payer_label="VIR SEPA HOLDING BLC FINANCES"),
    "contact_change_thread": dict(company=US, customer=CUST_C, collector=COLLECTOR, old_contact=CONTACT,
                                  new_contact=BACKUP, effective_date=dt.date(2027, 1, 4),
                                  start=dt.datetime(2026, 12, 7, 8, 40)),
    "out_of_office_thread": dict(BASE, return_date=dt.date(2027, 1, 4), backup_contact=BACKUP,
                                 invoice_ids=["FA-2026-01130"], amount_cents=120_000),
    "delivery_note_request_thread": dict(BASE, delivery_id="BL-2026-000950", invoice_id="FA-2026-01140",
                                         delivery_date=dt.date(2026, 11, 2)),
    "payment_plan_thread": dict(BASE, total_cents=1_500_001, accepted=True,
                                schedule=[(dt.date(2026, 12, 31), 500_001), (dt.date(2027, 1, 29), 500_000),
                                          (dt.date(2027, 2, 26), 500_000)]),
    "tuesday_reply_thread": dict(BASE, amount_cents=230_450, promised_date=dt.date(2026, 12, 23),
                                 invoice_ids=["FA-2026-01150"]),
}

# Strings each thread must contain (built from the facts, independently of the renderer).
EXPECTED = {
    "promise_thread": ["FA-2026-00981", "FA-2026-01022", f"3{NNBSP}560,40{NBSP}€", "18/12/2026"],
    "invoice_not_received_thread": ["FA-2026-01101", "20/10/2026", f"987,60{NBSP}€", "compta@blanc.example"],
    "already_paid_thread": ["FA-2026-01120", "03/12/2026", f"456,00{NBSP}€", "VIR SEPA HOLDING BLC FINANCES"],
    "contact_change_thread": ["Marc Blanc", "Julie Caron", "j.caron@blanc.example", "04/01/2027"],
    "out_of_office_thread": ["04/01/2027", "Julie Caron", "j.caron@blanc.example", "FA-2026-01130"],
    "delivery_note_request_thread": ["BL-2026-000950", "FA-2026-01140", "02/11/2026"],
    "payment_plan_thread": [f"15{NNBSP}000,01{NBSP}€", "31/12/2026", f"5{NNBSP}000,01{NBSP}€",
                            "29/01/2027", "26/02/2027", f"5{NNBSP}000,00{NBSP}€"],
    "tuesday_reply_thread": ["FA-2026-01150", f"2{NNBSP}304,50{NBSP}€", "23/12/2026"],
}

_ENGLISH = re.compile(r"\b(the|and|invoice|payment|dear|regards|please|thanks|thank you|hello|"
                      r"attached|delivery|order|credit note|best|sincerely|due date|from)\b", re.I)
_LEFTOVER = re.compile(r"[{}]|%s|%d|\bNone\b|\bnan\b|\bNaT\b|\bTrue\b|\bFalse\b")
_HOLIDAYS = {dt.date(2026, 11, 11), dt.date(2026, 12, 25), dt.date(2027, 1, 1)}


def _text(messages) -> str:
    return "\n".join(m["subject"] + "\n" + m["body"] for m in messages)


def _check_clean(text: str) -> None:
    assert not _LEFTOVER.search(text), _LEFTOVER.search(text).group(0)
    assert not _ENGLISH.search(text), _ENGLISH.search(text).group(0)
    assert "  " not in text.replace("  \n", "\n")  # no double spaces (Markdown line breaks aside)


def _check_thread(messages, n_min, n_max) -> None:
    assert n_min <= len(messages) <= n_max
    for previous, message in zip(messages, messages[1:], strict=False):
        assert message["sent_at"] > previous["sent_at"]
    for m in messages:
        assert set(m) == {"sent_at", "sender", "to", "cc", "subject", "body", "kind"}
        assert m["kind"] in ("email", "note_appel")
        automatic = m["subject"].startswith("Réponse automatique")
        if not automatic:
            assert m["sent_at"].weekday() < 5, m["sent_at"]
            assert dt.time(8, 0) <= m["sent_at"].time() <= dt.time(19, 0), m["sent_at"]
        assert m["sent_at"].date() not in _HOLIDAYS
        if m["kind"] == "email":
            assert m["to"], "an e-mail needs a recipient"
            assert m["sender"]["name"] in m["body"]  # signed (or named in the automatic reply)
    for m in messages[1:]:
        if m["kind"] == "email":
            prefixes = ("RE: ", "TR: ", "Réponse automatique : ", "Nouvelle relance")
            assert m["subject"].startswith(prefixes), m["subject"]
    _check_clean(_text(messages))


@pytest.mark.parametrize("seed", SEEDS)
def test_dispute_quantity_thread(seed):
    messages = T.dispute_quantity_thread(FACTS_A, np.random.default_rng(seed))
    _check_thread(messages, 6, 10)
    text = _text(messages)
    for fact in ["FA-2026-01234", "CDE-000456", "PO-88231", "BL-2026-000777", "02/10/2026",
                 "30/11/2026", "01/10/2026", "Roulement à billes 6204-2RS",
                 f"14{NNBSP}112,00{NBSP}€", f"11{NNBSP}592,00{NBSP}€", f"8,40{NBSP}€", f"1{NNBSP}400", "250",
                 "Claire Dupré", "Paul Martin", "Hugo Lambert", "Inès Morel", "Karim Benali", US, CUST_A]:
        assert fact in text, fact
    assert text.count(format_eur(FACTS_A["invoice_ttc_cents"])) >= 2
    notes = [m for m in messages if m["kind"] == "note_appel"]
    assert len(notes) == 1 and notes[0]["sender"] == COLLECTOR
    assert any(len(m["cc"]) >= 2 for m in messages)
    span = messages[-1]["sent_at"] - messages[0]["sent_at"]
    assert dt.timedelta(days=14) <= span <= dt.timedelta(days=35)
    # The matter stays open: nothing says a credit note or corrected invoice was issued.
    assert not re.search(r"avoir (n°|FA|AV)|avons émis|ci-joint l'avoir|facture rectificative ci-jointe",
                         text)


def test_dispute_quantity_backorder_date_and_holidays():
    facts = dict(FACTS_A, backorder_date=dt.date(2027, 1, 12), start=dt.datetime(2026, 12, 21, 10, 0))
    for seed in SEEDS:
        messages = T.dispute_quantity_thread(facts, np.random.default_rng(seed))
        _check_thread(messages, 6, 10)
        assert any("12/01/2027" in m["body"] for m in messages)


@pytest.mark.parametrize("seed", SEEDS)
def test_dispute_price_thread(seed):
    messages = T.dispute_price_thread(FACTS_B, np.random.default_rng(seed))
    _check_thread(messages, 5, 8)
    text = _text(messages)
    for fact in ["FA-2026-01500", "CT-00042", "BL-2026-000901", "14/09/2026", "16/11/2026",
                 "15/09/2026", f"8{NBSP}%", f"5{NBSP}%", f"1{NNBSP}234,08{NBSP}€",
                 f"23{NNBSP}447,52{NBSP}€", f"24{NNBSP}681,60{NBSP}€", f"189,00{NBSP}€",
                 f"173,88{NBSP}€", f"725,76{NBSP}€", "Perceuse-visseuse 18 V sans fil",
                 "Meuleuse d'angle 125 mm", "6 unités", "pénalité logistique", "Léa Fontaine",
                 "Thomas Girard", "Sandrine Petit", "Hugo Lambert", "Inès Morel"]:
        assert fact in text, fact
    assert re.search(r"(aucune|sans aucune|sans) réserve", text)
    assert re.search(r"contrat ne prévoit aucune pénalité|rien de tel dans le contrat|aucune clause de "
                     r"pénalité|aucune trace dans le contrat", text)
    assert not re.search(r"avons émis|ci-joint l'avoir|nous acceptons la pénalité", text)


@pytest.mark.parametrize("name", sorted(SHORT))
@pytest.mark.parametrize("seed", SEEDS)
def test_short_threads(name, seed):
    messages = getattr(T, name)(SHORT[name], np.random.default_rng(seed))
    _check_thread(messages, 2, 4)
    text = _text(messages)
    for fact in EXPECTED[name] + [US, CUST_C, "Inès Morel"]:
        assert fact in text, fact


@pytest.mark.parametrize("name", sorted(SHORT) + ["A", "B"])
def test_deterministic_and_varied(name):
    def render(seed):
        if name == "A":
            return T.dispute_quantity_thread(FACTS_A, np.random.default_rng(seed))
        if name == "B":
            return T.dispute_price_thread(FACTS_B, np.random.default_rng(seed))
        return getattr(T, name)(SHORT[name], np.random.default_rng(seed))

    assert render(3) == render(3)
    assert len({_text(render(s)) for s in range(6)}) > 1


def test_pandas_values_holidays_and_invoice_list_as_text():
    """Rows read from DataFrames carry Timestamps, numpy ints, NaT and « F1, F2 » strings."""
    facts = dict(SHORT["promise_thread"], start=pd.Timestamp("2026-12-24 17:30"),
                 invoice_ids="FA-2026-00981, FA-2026-01022", amount_cents=np.int64(356_040),
                 promised_date=pd.Timestamp("2026-12-30"), overdue_cents=pd.NA)
    for seed in SEEDS:
        messages = T.promise_thread(facts, np.random.default_rng(seed))
        _check_thread(messages, 2, 3)  # never on 25/12
        text = _text(messages)
        assert "les factures FA-2026-00981 et FA-2026-01022" in text and "30/12/2026" in text
    facts_a = dict(FACTS_A, backorder_date=pd.NaT, delivery_date=pd.Timestamp("2026-10-01"),
                   start=pd.Timestamp("2026-12-02 09:12"), qty_ordered=np.int64(1400))
    text = _text(T.dispute_quantity_thread(facts_a, np.random.default_rng(0)))
    assert "01/10/2026" in text and "pas de date ferme" in text


def test_until_drops_late_optional_messages_only():
    until = dt.date(2026, 12, 21)  # 19 days after the start: the follow-up may not fit
    for seed in range(6):
        messages = T.dispute_quantity_thread(dict(FACTS_A, until=until), np.random.default_rng(seed))
        assert messages[-1]["sent_at"] < dt.datetime(2026, 12, 21)
        assert 6 <= len(messages) and any(m["kind"] == "note_appel" for m in messages)
        assert "BL-2026-000777" in _text(messages)
    with pytest.raises(InvalidParameterError, match="trop tard"):
        T.dispute_quantity_thread(dict(FACTS_A, until=dt.date(2026, 12, 4)), np.random.default_rng(0))
    with pytest.raises(InvalidParameterError, match="trop tard"):
        T.promise_thread(dict(SHORT["promise_thread"], until=dt.datetime(2026, 12, 7, 9, 0)),
                         np.random.default_rng(0))


def test_tuesday_reply_fits_before_until():
    # Start Wednesday 02/12/2026: the reply must come on Tuesday 08/12 to precede Wednesday 09/12.
    facts = dict(SHORT["tuesday_reply_thread"], start=dt.datetime(2026, 12, 2, 10, 0),
                 until=dt.date(2026, 12, 9))
    for seed in range(8):
        messages = T.tuesday_reply_thread(facts, np.random.default_rng(seed))
        assert messages[-1]["sent_at"].date() == dt.date(2026, 12, 8)
        assert messages[-1]["sender"] == CONTACT


def test_weekend_start_moves_to_monday():
    messages = T.promise_thread(SHORT["promise_thread"], np.random.default_rng(0))
    assert messages[0]["sent_at"].date() == dt.date(2026, 12, 7)


def test_out_of_office_is_immediate():
    for seed in SEEDS:
        first, auto = T.out_of_office_thread(SHORT["out_of_office_thread"], np.random.default_rng(seed))[:2]
        assert auto["subject"].startswith("Réponse automatique")
        assert auto["sender"] == CONTACT
        assert dt.timedelta(0) < auto["sent_at"] - first["sent_at"] < dt.timedelta(minutes=5)


def test_tuesday_reply_only_on_tuesday_morning():
    for seed in range(8):
        messages = T.tuesday_reply_thread(SHORT["tuesday_reply_thread"], np.random.default_rng(seed))
        reply = messages[-1]
        assert reply["sender"] == CONTACT
        assert reply["sent_at"].weekday() == 1 and 8 <= reply["sent_at"].hour < 10
        assert all(m["sender"] == COLLECTOR and m["sent_at"].weekday() != 1 for m in messages[:-1])


def test_payment_plan_counter_offer():
    facts = dict(SHORT["payment_plan_thread"], accepted=False)
    for seed in SEEDS:
        text = _text(T.payment_plan_thread(facts, np.random.default_rng(seed)))
        # 15 000,01 € over two instalments: 7 500,01 € then 7 500,00 €
        assert f"7{NNBSP}500,01{NBSP}€" in text and f"7{NNBSP}500,00{NBSP}€" in text
        assert "Nous acceptons" not in text
    accepted = _text(T.payment_plan_thread(SHORT["payment_plan_thread"], np.random.default_rng(0)))
    assert "Nous acceptons l'échéancier" in accepted


def test_payment_plan_rejects_inconsistent_schedule():
    facts = dict(SHORT["payment_plan_thread"], total_cents=1_500_000)
    with pytest.raises(InvalidParameterError, match="Échéancier incohérent"):
        T.payment_plan_thread(facts, np.random.default_rng(0))


def test_missing_fact_is_named():
    facts = {k: v for k, v in FACTS_A.items() if k != "delivery_id"}
    with pytest.raises(InvalidParameterError, match="delivery_id"):
        T.dispute_quantity_thread(facts, np.random.default_rng(0))
    with pytest.raises(InvalidParameterError, match="amount_cents"):
        T.promise_thread(dict(SHORT["promise_thread"], amount_cents=None), np.random.default_rng(0))


# --- documents -----------------------------------------------------------------------------------

COMPANY = {"name": US, "siren": "732829320", "vat_number": "FR44732829320",
           "iban": "FR7630004000031234567890143", "bic": "BNPAFRPP",
           "address": "12 rue des Forges, 69007 Lyon"}
CUSTOMER = pd.Series({"customer_id": "C0042", "name": CUST_A, "siren": "552100554",
                      "vat_number": "FR12552100554", "address": "4 avenue Jean Jaurès",
                      "postal_code": "42000", "city": "Saint-Étienne", "country": "FR"})
CONTRACT = pd.Series({"contract_id": "CT-00042", "customer_id": "C0042",
                      "signed_on": pd.Timestamp("2023-03-14"),
                      "payment_terms": "45FDM", "price_discount_pct": 8.0,
                      "penalty_clause": "taux BCE majoré de 10 points", "indemnity_clause": np.True_,
                      "early_payment_discount_pct": 1.0, "early_payment_days": 10,
                      "retention_of_title": True, "jurisdiction": "Tribunal de commerce de Lyon",
                      "document": "CT-00042.md"})


def test_contract_full():
    text = T.contract_document(CONTRACT, CUSTOMER, COMPANY)
    for fact in ["CT-00042", "14/03/2023", US, "732829320", CUST_A, "552100554", "Saint-Étienne",
                 f"remise de 8{NBSP}%", "45 jours fin de mois", "taux BCE majoré de 10 points",
                 f"40{NBSP}€", f"escompte de 1{NBSP}%", "10 jours", "réserve de propriété".capitalize(),
                 "Tribunal de commerce de Lyon", "FR7630004000031234567890143"]:
        assert fact in text, fact
    assert text.startswith("# ")
    _check_clean(text)


def test_contract_missing_clauses_are_absent():
    contract = CONTRACT.copy()
    contract[["payment_terms", "price_discount_pct", "penalty_clause", "indemnity_clause",
              "early_payment_discount_pct", "early_payment_days", "retention_of_title"]] = \
        ["90J", 0.0, np.nan, False, 0.0, 0, False]
    customer = CUSTOMER.copy()
    customer[["siren", "vat_number", "country", "city", "postal_code"]] = \
        ["", "BE0403170701", "BE", "Liège", "4000"]
    text = T.contract_document(contract, customer, COMPANY)
    assert "90 jours date de facture" in text
    assert "Pas d'escompte" in text and "sans remise" in text
    for absent in ["pénalités de retard", "Retard de paiement", "indemnité forfaitaire",
                   "Réserve de propriété", "SIREN 552100554", "SIREN ,", ", ,"]:
        assert absent not in text, absent
    assert "BE0403170701" in text and "Belgique" in text
    _check_clean(text)


def test_contract_unknown_term():
    contract = CONTRACT.copy()
    contract["payment_terms"] = "120J"
    with pytest.raises(InvalidParameterError, match="120J"):
        T.contract_document(contract, CUSTOMER, COMPANY)


def test_contract_missing_company_fact():
    company = {k: v for k, v in COMPANY.items() if k != "iban"}
    with pytest.raises(InvalidParameterError, match="iban"):
        T.contract_document(CONTRACT, CUSTOMER, company)


def test_press_rumour():
    facts = {"customer": CUST_A, "main_client": "Valmont Automotive", "city": "Roanne",
             "published_on": dt.date(2026, 11, 20)}
    for seed in SEEDS:
        title, text = T.press_rumour(facts, np.random.default_rng(seed))
        assert title and ("Valmont Automotive" in title or "Roanne" in title)
        for fact in [CUST_A, "Valmont Automotive", "Roanne", "20/11/2026"]:
            assert fact in text
        _check_clean(title + "\n" + text)
    assert T.press_rumour(facts, np.random.default_rng(5)) == T.press_rumour(facts, np.random.default_rng(5))


def test_bodacc_notice():
    facts = {"customer": "Forges du Lyonnais SAS", "siren": "552100554",
             "address": "8 rue de la Villette, 69003 Lyon", "court": "Tribunal de commerce de Lyon",
             "judgment_date": dt.date(2026, 12, 3), "publication_date": dt.date(2026, 12, 9),
             "mandataire": "SELARL Perrin et Associés, Maître Anne Perrin",
             "administrator": "Maître Louis Garnier"}
    title, text = T.bodacc_notice(facts)
    assert "redressement judiciaire" in title
    for fact in ["Forges du Lyonnais SAS", "552100554", "8 rue de la Villette, 69003 Lyon",
                 "Tribunal de commerce de Lyon", "03/12/2026", "09/12/2026", "Maître Anne Perrin",
                 "Maître Louis Garnier", "jugement d'ouverture"]:
        assert fact in text, fact
    assert re.search(r"déclarer auprès du mandataire judiciaire dans le délai de deux mois à compter "
                     r"de la publication", text)
    _check_clean(title + "\n" + text)


def test_score_drop():
    facts = {"customer": CUST_A, "old_score": 13, "new_score": 7, "date": dt.date(2026, 11, 2),
             "reasons": ["retards de paiement fournisseurs en hausse", "baisse du chiffre d'affaires"]}
    title, text = T.score_drop(facts)
    for fact in [CUST_A, "13/20", "7/20", "02/11/2026", "retards de paiement fournisseurs en hausse",
                 "baisse de 6 points"]:
        assert fact in title + text, fact
    _check_clean(title + "\n" + text)
    with pytest.raises(InvalidParameterError):
        T.score_drop(dict(facts, new_score=15))



@pytest.mark.slow
def test_generated_company_texts(company):
    """The generator's own facts render cleanly, and nothing is dated after the case date."""
    emails = company.emails
    sent = pd.to_datetime(emails["sent_at"])
    late = emails.loc[sent.dt.date >= company.as_of, "thread_id"].unique()
    assert not len(late), f"threads {list(late)} go past the case date: pass until=as_of in their facts"
    for _, group in emails.assign(sent=sent).groupby("thread_id"):
        assert group["sent"].is_monotonic_increasing
        automatic = group["subject"].str.startswith("Réponse automatique")
        assert (group.loc[~automatic, "sent"].dt.day_of_week < 5).all()
    for text in emails["subject"] + "\n" + emails["body"]:
        _check_clean(text)
    for text in list(company.documents.values()) + list(company.external_signals["text"]):
        _check_clean(text)
    disputes = company.disputes.set_index("dispute_id")
    for dispute_id in ("LIT-A", "LIT-B"):
        thread = emails[emails["thread_id"] == disputes.loc[dispute_id, "thread_id"]]
        assert disputes.loc[dispute_id, "invoice_id"] in "\n".join(thread["body"])
