"""Fact-checker: extraction formats, reading in context, verdicts, and the measured corpora."""

from __future__ import annotations

import datetime as dt
import statistics
import time
from decimal import Decimal

import pandas as pd
import pytest

from o2c_lab.ai.answer_corpus import (ERROR_KINDS, FORMS, CorpusScore, ReferenceScore, correct_answers, planted_answers,
                                      score_corpus, score_references)
from o2c_lab.ai.factcheck import VERDICTS, FactChecker, check_answer, extract_facts, render_html, render_text
from o2c_lab.errors import InvalidParameterError
from o2c_lab.money import format_date, format_eur

MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre"]


@pytest.mark.parametrize("text,cents", [
    ("1 234,56 €", 123456), ("1\u00a0234,56\u00a0€", 123456), ("1\u202f234,56\u202f€", 123456),
    ("1.234,56 €", 123456), ("1234.56 EUR", 123456), ("1,234.56 €", 123456), ("12 345 €", 1234500),
    ("€ 99,5", 9950), ("1 000 000,01 euros", 100000001), ("0,07 €", 7),
])
def test_amount_formats(text, cents):
    facts = extract_facts(f"Montant : {text}.")
    assert [(f.kind, f.value) for f in facts] == [("montant", cents)]


@pytest.mark.parametrize("text,day", [
    ("31/12/2026", dt.date(2026, 12, 31)), ("31 décembre 2026", dt.date(2026, 12, 31)),
    ("1er mars 2026", dt.date(2026, 3, 1)), ("2026-02-28", dt.date(2026, 2, 28)),
    ("5\u00a0août\u00a02026", dt.date(2026, 8, 5)),
])
def test_date_formats(text, day):
    assert [(f.kind, f.value) for f in extract_facts(f"le {text} ")] == [("date", day)]


def test_other_facts_and_no_double_counting():
    facts = extract_facts("FA-2026-00042 : 45 jours de retard, pénalités de 12,5 %, 31/02/2026 invalide, "
                          "Dupuis et Dupuis SA", customer_names=["Dupuis", "Dupuis SA"])
    kinds = [(f.kind, f.value) for f in facts]
    assert kinds == [("pièce", "FA-2026-00042"), ("jours", 45), ("pourcentage", Decimal("12.5")),
                     ("client", "Dupuis"), ("client", "Dupuis SA")]
    assert extract_facts("Réglé en 2 fois sur 1 500,00 €")[0].kind == "montant"


def test_a_list_with_one_invoice_per_line_is_checked_line_by_line(company):
    """Each line of a reminder's invoice list is checked against its own invoice, and the customer's
    totals (open invoices, of which overdue) are recognised."""
    from o2c_lab.ai import fill
    from o2c_lab.coaching.drills import wrong_amount_drill

    letter = fill("relance_niveau1_courtoise", company).reference
    assert letter.count("\n- FA-") >= 2
    report = check_answer(letter, company)
    assert report.problems == [] and report.counts["confirmé"] >= 10, str(report)

    drill = wrong_amount_drill(company)
    assert drill.shown_cents != drill.true_cents and drill.letter != letter
    problems = check_answer(drill.letter, company).problems
    assert {v.fact.value for v in problems} == {drill.shown_cents}
    assert all(drill.invoice_id in v.explanation for v in problems)


def test_the_legal_recovery_indemnity_is_a_known_amount(company):
    text = "Une indemnité forfaitaire de 40 € pour frais de recouvrement est due par facture payée en retard."
    (verdict,) = check_answer(text, company).verdicts
    assert verdict.verdict == "confirmé" and "D441-5" in verdict.explanation


# --- reading in context: the cases a trainee meets ----------------------------------------------

@pytest.fixture(scope="module")
def checker(company):
    return FactChecker(company)


def _paid_invoice(company):
    led = company.ar_ledger
    paid = led[(led["document_type"] == "facture") & (led["lettering"] != "")]
    row = paid.sort_values("lettering_date").iloc[-1]
    inv = company.invoices.set_index("invoice_id").loc[row["document_id"]]
    return row["document_id"], pd.Timestamp(row["lettering_date"]).date(), pd.Timestamp(inv["due_date"]).date()


def test_a_payment_date_is_checked_as_a_payment_date(company, checker):
    """« soldée le » is the invoice's payment date (not its issue or due date); a wrong one shows the
    right date and where it comes from."""
    invoice_id, paid_on, due = _paid_invoice(company)
    right = checker.check(f"- {invoice_id} : échéance {format_date(due)}, soldée le {format_date(paid_on)}")
    assert right.ok and right.counts["confirmé"] == 3, str(right)
    wrong_day = paid_on + dt.timedelta(days=3)
    wrong = checker.check(f"La facture {invoice_id} a été soldée le {format_date(wrong_day)}.")
    (gap,) = wrong.problems
    assert gap.fact.value == wrong_day and format_date(paid_on) in gap.explanation
    assert "relevé bancaire" in gap.explanation and invoice_id in gap.explanation


def _customer_with_overdue(company):
    from o2c_lab.analytics.aging import company_open_items

    items = company_open_items(company)
    debit = items[(items["residual_cents"] > 0) & (pd.to_datetime(items["due_date"]).dt.date < company.as_of)]
    totals = debit.groupby("customer_id")["residual_cents"].sum().sort_values()
    return totals.index[-1], int(totals.iloc[-1])


def test_a_customer_overdue_total_is_recognised_and_a_wrong_one_is_an_ecart(company, checker):
    cid, overdue = _customer_with_overdue(company)
    name = company.customer(cid)["name"]
    ok = checker.check(f"Le client {name} nous doit {format_eur(overdue)} échus à ce jour.", customer_id=cid)
    assert ok.ok and ok.counts["confirmé"] == 2, str(ok)
    bad = checker.check(f"Total échu : {format_eur(overdue + 12_345)}.", customer_id=cid)
    (gap,) = bad.problems
    assert format_eur(overdue).replace("\u202f", " ") in gap.explanation.replace("\u202f", " ")


def test_signatures_salutations_and_staff_are_not_customers(company, checker):
    cid, _ = _customer_with_overdue(company)
    other = company.customers.loc[company.customers["customer_id"] != cid, "name"].iloc[0]
    letter = (f"Bonjour {other},\n\nNous vous remercions de votre confiance.\n\nCordialement,\n{other}\n"
              f"Service comptabilité clients – {company.name}")
    report = checker.check(letter, customer_id=cid)
    assert not [v for v in report.verdicts if v.fact.kind == "client"], str(report)
    named = checker.check(f"Objet : relance – client {other}", customer_id=cid)
    assert [v.verdict for v in named.verdicts] == ["écart"] and company.customer(cid)["name"] in str(named)


def test_french_writing_variants(company, checker):
    invoice = company.invoices.loc[company.invoices["total_ttc_cents"] % 100 != 0].iloc[-1]
    cents, iid = int(invoice["total_ttc_cents"]), invoice["invoice_id"]
    euros, cent = divmod(cents, 100)
    due = pd.Timestamp(invoice["due_date"]).date()
    months = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
              "novembre", "décembre"]
    for written in (f"{euros:,}".replace(",", " ") + f",{cent:02d} €", f"{euros},{cent:02d} EUR",
                    f"{euros:,}".replace(",", ".") + f",{cent:02d} €"):
        assert checker.check(f"La facture {iid} s'élève à {written} TTC.").ok, written
    rounded = checker.check(f"La facture {iid} s'élève à environ {round(cents / 100):,} €.".replace(",", " "))
    assert rounded.ok and "arrondi" in rounded.verdicts[-1].explanation
    long_date = f"{due.day} {months[due.month - 1]} {due.year}"
    assert checker.check(f"La facture {iid} est arrivée à échéance le {long_date}.").ok
    vague = checker.check(f"Nous attendons votre règlement de la facture {iid} pour la mi-décembre.")
    assert [v.fact.kind for v in vague.verdicts] == ["pièce"]
    from o2c_lab.law import penalty_rate

    # the case date's semester may have no published rate yet (never guessed): use the one before
    rate = f"{penalty_rate(company.as_of - dt.timedelta(days=183)):g}".replace(".", ",")
    for text in (f"pénalités de retard au taux de {rate} %", f"pénalités de retard au taux de {rate} pour cent"):
        assert checker.check(text).ok, text
    assert not checker.check("pénalités de retard au taux de 17,5 pour cent").ok


def test_days_late_are_read_with_their_words(company, checker):
    row = company.invoices.loc[company.invoices["invoice_id"] == _customer_open_invoice(company)].iloc[0]
    days = (company.as_of - pd.Timestamp(row["due_date"]).date()).days
    assert checker.check(f"La facture {row['invoice_id']} a {days} jours de retard.").ok
    gap = checker.check(f"La facture {row['invoice_id']} a {days + 5} jours de retard.").problems
    assert len(gap) == 1 and f"{days} jours" in gap[0].explanation


def _customer_open_invoice(company):
    from o2c_lab.analytics.aging import company_open_items

    items = company_open_items(company)
    late = items[(items["document_type"] == "facture") & (items["residual_cents"] > 0)
                 & (pd.to_datetime(items["due_date"]).dt.date < company.as_of)]
    return late.sort_values("due_date")["document_id"].iloc[-1]


def test_score_headline_and_rendering_never_contradict(company, checker):
    iid = _customer_open_invoice(company)
    ttc = int(company.invoices.set_index("invoice_id").loc[iid, "total_ttc_cents"])
    good = checker.check(f"La facture {iid} s'élève à {format_eur(ttc)} TTC.")
    bad = checker.check(f"La facture {iid} s'élève à {format_eur(ttc + 100)} TTC <b>.")
    assert good.ok and good.score == 1.0 and "exacte" in good.headline
    assert not bad.ok and bad.score < 1 and "écart" in bad.headline and "exacte" not in render_text(bad)
    html = render_html(bad)
    assert "o2c-verdict-écart" in html and format_eur(ttc).replace("\u202f", " ") in html.replace("\u202f", " ")
    assert "✘" in html and "✔" in render_html(good)
    unknown = checker.check("Le fournisseur nous a accordé 37,3 % de remise exceptionnelle.")
    assert unknown.counts["non vérifiable"] == 1 and unknown.ok and unknown.score is None
    assert list(bad.to_frame()["Verdict"]) == ["confirmé", "écart"]


def test_an_invented_invoice_and_another_customers_invoice_are_ecarts(company, checker):
    cid, _ = _customer_with_overdue(company)
    other = company.invoices.loc[company.invoices["customer_id"] != cid, "invoice_id"].iloc[0]
    report = checker.check(f"Factures à régler : {other} et FA-2026-99999.", customer_id=cid)
    assert [v.verdict for v in report.verdicts] == ["écart", "écart"], str(report)
    assert "inventé" in report.verdicts[1].explanation


def test_the_drill_letter_has_exactly_its_planted_error(company, checker):
    from o2c_lab.coaching.drills import wrong_amount_drill

    drill = wrong_amount_drill(company)
    report = checker.check(drill.letter)
    # the drill changes the invoice's amount wherever its line shows it (TTC and remaining)
    assert {v.fact.value for v in report.problems} == {drill.shown_cents}, str(report)
    assert all(format_eur(drill.true_cents) in v.explanation for v in report.problems)


# --- the measured corpora (the full sweep is benchmarks/bench_factcheck.py) ----------------------

@pytest.fixture(scope="module")
def measured(company, many_companies):
    """References, correct and planted-error answers on the course company and two small seeds."""
    refs, corpus, times = ReferenceScore(), CorpusScore(), []
    for co in (company, many_companies[7], many_companies[11]):
        checker = FactChecker(co)
        score_references(checker, co, refs)
        answers = correct_answers(co, 40) + planted_answers(co, 4)
        score_corpus(checker, answers, corpus)
        if co is company:
            for a in answers[:60]:
                t = time.perf_counter()
                checker.check(a.text, customer_id=a.customer_id)
                times.append(time.perf_counter() - t)
    return refs, corpus, times


def test_the_course_references_pass_their_own_check(measured):
    """The library's references and the dunning plan's e-mails and formal notices (whose penalties
    of a semester without a published rate are « à confirmer ») get no écart."""
    refs, _, _ = measured
    assert refs.references == 3 * 44 and refs.letters >= 100
    assert refs.counts["écart"] == 0, [(p, v.fact.text, v.explanation) for p, v in refs.gaps]
    assert refs.unverifiable_rate <= 0.02 and sum(refs.counts.values()) > 2000


def test_generated_answers_no_false_alarm_and_planted_errors_caught(measured):
    _, corpus, _ = measured
    assert corpus.correct >= 110 and corpus.false_alarm_rate <= 0.01, [str(r) for a, r in corpus.misses[:3]]
    assert all(n >= 12 for n, _ in corpus.planted.values())
    assert corpus.caught_rate >= 0.97
    assert all(corpus.kind_rate(k) >= 0.90 for k in ERROR_KINDS), corpus.planted


def test_one_answer_is_checked_in_under_100_ms(measured):
    _, _, times = measured
    assert len(times) == 60 and statistics.median(times) <= 0.100


def test_a_model_style_answer_in_markdown(company, checker):
    """A hand-written answer in the way chat models write (markdown, bullets, bold), right then wrong."""
    cid, _ = _customer_with_overdue(company)
    from o2c_lab.analytics.aging import company_open_items

    items = company_open_items(company)
    mine = items[(items["customer_id"] == cid) & (items["document_type"] == "facture") & (items["residual_cents"] > 0)
                 & (pd.to_datetime(items["due_date"]).dt.date < company.as_of)].sort_values("due_date").head(2)
    name = company.customer(cid)["name"]
    bullets = "\n".join(f"• **{r.document_id}** — échéance : {format_date(pd.Timestamp(r.due_date).date())} — "
                        f"reste dû : {format_eur(int(r.residual_cents))} "
                        f"({(company.as_of - pd.Timestamp(r.due_date).date()).days} jours de retard)"
                        for r in mine.itertuples())
    total = int(mine["residual_cents"].sum())
    answer = (f"Voici une proposition de relance pour **{name}** :\n\n{bullets}\n\n**Total à régler : "
              f"{format_eur(total)}**\n\nN'hésitez pas à me demander une version plus ferme.")
    report = checker.check(answer, customer_id=cid)
    assert report.ok and report.counts["confirmé"] >= 8, str(report)
    wrong = answer.replace(f"Total à régler : {format_eur(total)}", f"Total à régler : {format_eur(total + 5_000)}")
    assert [v.fact.value for v in checker.check(wrong, customer_id=cid).problems] == [total + 5_000]


def test_the_corpus_covers_every_form_and_plants_one_error_each(many_companies):
    co = many_companies[7]
    correct = correct_answers(co, 40)
    assert {a.form for a in correct} == set(FORMS) and all(a.planted is None for a in correct)
    assert len({a.text for a in correct}) == len(correct)  # varied, no duplicates
    wrong = planted_answers(co, 2)
    assert sorted({a.planted for a in wrong}) == sorted(ERROR_KINDS)
    for a in wrong:
        assert a.planted_line in a.text and a.text not in {c.text for c in correct}


# --- the fact model reads the one receivable position --------------------------------------------

_BUCKETS = ["Non échu", "1-30 j", "31-60 j", "61-90 j", "> 90 j"]


def _own(book, entity, kind, role) -> list:
    """Values of ``entity``'s own facts of one role (not those of its documents)."""
    return sorted(f.value for f in book.expected(entity, kind, (role,)) if f.entity == entity)


def test_every_figure_of_the_fact_model_is_the_positions(company, checker):
    """Per invoice, per customer and for the company, the checker's figures are those of
    receivable_position (the one source), each figure the position shows and no other."""
    from o2c_lab.ai.facts import COMPANY
    from o2c_lab.analytics import receivable_position

    position, book = receivable_position(company), checker.book
    nonzero = lambda *values: sorted({int(v) for v in values} - {0})  # noqa: E731
    for entity, row in [*position.by_customer.iterrows(), (COMPANY, position.totals)]:
        assert _own(book, entity, "montant", "total_du") == sorted({row["encours_brut"], row["encours_net"],
                                                                   row["du"]}), entity
        assert _own(book, entity, "montant", "echu") == sorted({row["echu"], row["echu_du"],
                                                               row["echu_a_relancer"]}), entity
        assert _own(book, entity, "montant", "litige") == nonzero(row["litige"]), entity
        assert _own(book, entity, "montant", "doublon") == nonzero(row["doublons"]), entity
        assert _own(book, entity, "montant", "tranche") == sorted(int(row[b]) for b in _BUCKETS if row[b]), entity
        assert _own(book, entity, "jours", "retard_max") == nonzero(row["retard_max"]), entity
    owing = position.by_customer.index
    assert not [c for c in company.customers["customer_id"] if c not in owing and _own(book, c, "montant", "echu")]
    kpis = [position.dso.value, position.kpis["dso_countback"].value, company.summary()["weighted_terms_days"]]
    assert set(_own(book, COMPANY, "jours", "dso")) == {n for v in kpis for n in (round(v), int(v))}
    assert _own(book, COMPANY, "montant", "prevision") == sorted(position.falling_due(12)["due_cents"])
    others = [k.value for key, k in position.kpis.items() if k.unit == "jours" and not key.startswith("dso")]
    assert set(_own(book, COMPANY, "jours", "kpi")) == {n for v in others for n in (round(v), int(v))}
    assert Decimal(int(position.kpis["cei"].value)) in _own(book, COMPANY, "pourcentage", "part")
    with pytest.raises(InvalidParameterError, match="semaines"):
        position.falling_due(0)
    lines = position.lines[position.lines["document_type"] == "facture"]
    assert len(lines) == len(company.invoices)
    for r in lines.itertuples():
        assert _own(book, r.document_id, "montant", "reste_du") == [r.remaining_cents]
        for role, cents in (("paye", r.paid_cents), ("avoir", r.credited_cents), ("escompte", r.escompte_cents)):
            assert _own(book, r.document_id, "montant", role) == nonzero(cents), (r.document_id, role)
        late = [r.days_late] if r.remaining_cents > 0 and r.days_late > 0 else []
        assert _own(book, r.document_id, "jours", "retard") == late


def test_the_checkers_ledger_against_a_plain_pandas_reading(many_companies):
    """On one seed, the figures the checker holds are recomputed from the tables in plain pandas:
    open amount (TTC less the credits that name the invoice, for an unlettered invoice), credit
    notes, escompte and payment of each invoice, days late; per customer the overdue total, the
    amount in open dispute and the oldest lateness; the amounts falling due week by week."""
    from o2c_lab.ai.facts import COMPANY

    co = many_companies[11]
    book = FactChecker(co).book
    t, as_of = co.tables, pd.Timestamp(co.as_of)
    led, inv = t["ar_ledger"], t["invoices"].set_index("invoice_id")
    credits = led[(led["lettering"] == "") & (led["document_type"] != "facture")]
    origin = t["credit_notes"].set_index("credit_note_id")["invoice_id"]
    named = credits["applied_to"].mask(credits["applied_to"] == "", credits["document_id"].map(origin))
    named = named.fillna(credits["document_id"].str.removeprefix("ESC-"))
    unlettered = led.loc[(led["document_type"] == "facture") & (led["lettering"] == ""), "document_id"]
    remaining = (inv["total_ttc_cents"] - credits["credit_cents"].groupby(named).sum().reindex(inv.index, fill_value=0))
    remaining = remaining.where(inv.index.isin(unlettered), 0).clip(lower=0)
    settled = inv["total_ttc_cents"] - remaining
    notes = t["credit_notes"].groupby("invoice_id")["total_ttc_cents"].sum().reindex(inv.index, fill_value=0)
    credited = notes.clip(upper=settled)
    escs = led[led["document_type"] == "escompte"]
    esc = escs.groupby(escs["document_id"].str.removeprefix("ESC-"))["credit_cents"].sum()
    escompte = esc.reindex(inv.index, fill_value=0).clip(upper=settled - credited)
    late = (as_of - inv["due_date"]).dt.days
    frame = pd.DataFrame({"customer_id": inv["customer_id"], "remaining": remaining, "late": late,
                          "due": inv["due_date"]})
    first = inv.reset_index().sort_values(["invoice_date", "invoice_id"]).drop_duplicates(["customer_id", "delivery_id"])
    frame["duplicate"] = ~frame.index.isin(first["invoice_id"]) & (inv["delivery_id"].fillna("") != "")
    open_ = frame[frame["remaining"] > 0]
    overdue = open_[open_["late"] > 0]
    live = t["disputes"][(t["disputes"]["status"] == "en litige") & (t["disputes"]["opened_on"] <= as_of)]
    disputed = open_[open_.index.isin(live["invoice_id"]) & ~open_["duplicate"]]
    checked = 0
    for iid in inv.index:
        assert _own(book, iid, "montant", "reste_du") == [remaining[iid]], iid
        for role, cents in (("avoir", credited[iid]), ("escompte", escompte[iid]),
                            ("paye", settled[iid] - credited[iid] - escompte[iid])):
            assert _own(book, iid, "montant", role) == ([cents] if cents else []), (iid, role)
        assert _own(book, iid, "jours", "retard") == ([late[iid]] if iid in overdue.index else []), iid
        checked += bool(credited[iid] or escompte[iid])
    assert checked >= 10  # the seed does exercise credit notes and escomptes
    for cid, group in overdue.groupby("customer_id"):
        owed = int(group.loc[~group["duplicate"], "remaining"].sum())
        assert {int(group["remaining"].sum()), owed} <= set(_own(book, cid, "montant", "echu")), cid
        assert _own(book, cid, "jours", "retard_max") == [group["late"].max()], cid
    for cid in set(open_["customer_id"]):
        in_dispute = int(disputed.loc[disputed["customer_id"] == cid, "remaining"].sum())
        assert _own(book, cid, "montant", "litige") == ([in_dispute] if in_dispute else []), cid
    cash = open_[~open_["duplicate"]]
    weeks = [int(cash.loc[cash["due"].between(as_of + pd.Timedelta(days=7 * w + 1),
                                              as_of + pd.Timedelta(days=7 * w + 7)), "remaining"].sum())
             for w in range(12)]
    assert _own(book, COMPANY, "montant", "prevision") == sorted(weeks) and sum(weeks) > 0


def test_rates_with_their_margin_and_duplicates_are_read_as_such(company, checker):
    """« BCE majoré de 10 (8) points (x %) » is the penalty (moratorium) rate, not the ECB rate; « dont
    x € de doublons » is the customer's duplicates to cancel (figures of the course's letters)."""
    from o2c_lab import law
    from o2c_lab.analytics import receivable_position

    day = company.as_of - dt.timedelta(days=183)  # a semester whose rate is published
    for margin, words in ((law.PENALTY_MARGIN_POINTS, "des pénalités de retard"),
                          (law.MORATORIUM_MARGIN_POINTS, "des intérêts moratoires")):
        rate = law.penalty_rate(day, margin_points=margin)
        text = (f"{words} au taux de la BCE en vigueur au premier jour du semestre, majoré de {margin} points "
                f"({format(rate, 'g').replace('.', ',')} %)")
        assert checker.check(text).ok, text
        assert not checker.check(text.replace(format(rate, "g").replace(".", ","), format(rate + 1, "g"))).ok
    table = receivable_position(company).by_customer
    cid, dup = table["doublons"].idxmax(), int(table["doublons"].max())
    assert dup > 0
    for cents, ok in ((dup, True), (dup + 1_000, False)):
        report = checker.check(f"Encours : dont {format_eur(cents)} de doublons à annuler par avoir.", customer_id=cid)
        assert report.ok is ok, str(report)
