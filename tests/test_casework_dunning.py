"""Reminders: the plan skips what must not be chased, the reference letters pass the quality
control, and the quality control catches planted faults (20 seeds)."""

import re

import pandas as pd
import pytest

from o2c_lab.ai import FactChecker
from o2c_lab.casework.dunning import (CHANNELS, LEVELS, dunning_plan, leftover_problems, quality_check,
                                      reminder_text)

SEEDS = range(20)


def test_plan_never_chases_disputed_insolvent_or_paid(many_companies):
    for seed in SEEDS:
        company = many_companies[seed]
        plan = dunning_plan(company)
        chased = plan[plan["action"] == "relancer"]
        disputed = set(company.disputes.query("status == 'en litige'")["invoice_id"])
        assert not disputed & set(chased["invoice_id"])
        insolvent = company.role("insolvent_customer")
        assert insolvent not in set(chased["customer_id"])
        already = company.role("already_paid_customer")
        truth = company.truth["invoice_truth"].set_index("invoice_id")
        paid_before = truth["paid_on"].notna() & (truth["paid_on"] <= pd.Timestamp(company.as_of))
        # The already-paid customer's transfer sits unapplied: none of its paid invoices is chased.
        mine = chased[chased["customer_id"] == already]
        assert not paid_before.reindex(mine["invoice_id"]).fillna(False).any(), seed
        assert (chased["days_late"] >= LEVELS[1][0]).all()


def _cases(plan, limit=1):
    chase = plan[plan["action"] == "relancer"]
    for level in LEVELS:
        for cid in chase.loc[chase["level"] == level, "customer_id"].drop_duplicates().head(limit):
            yield cid, level


def _degrade(company, plan, cid, level, text):
    """Deliberately wrong versions of a reference reminder: (fault name, text, level claimed)."""
    ids = re.findall(r"FA-\d{4}-\d{5}", text)
    out = []
    amounts = re.findall(r"(\d{1,3}(?:\u202f\d{3})*,\d{2}\u00a0€) restant dû", text)
    if amounts:
        out.append(("montant faux", text.replace(amounts[0], "9\u202f999,99\u00a0€", 1), level))
    out.append(("facture inventée", text.replace(ids[0], "FA-2026-99999", 1), level))
    if level == 1:
        out.append(("ton trop dur", text + "\nÀ défaut, nous saisirons le tribunal compétent.", 1))
    else:
        out.append(("ton trop doux", reminder_text(company, cid, 1, invoice_ids=ids, plan=plan), level))
        out.append(("mention légale absente", re.sub(r"[^\n]*(?<![\d,\u202f])40(?:,00)?[ \u00a0]€[^\n]*\n", "", text), level))
    invoices = company.invoices
    paid = invoices[(invoices["customer_id"] == cid) & ~invoices["invoice_id"].isin(plan["invoice_id"])]
    if len(paid):
        out.append(("facture payée relancée", text.replace(ids[0], paid["invoice_id"].iloc[0], 1), level))
    return out


def test_reference_passes_and_faults_are_caught(many_companies):
    ok = total = 0
    caught, planted = {}, {}
    for seed in SEEDS:
        company = many_companies[seed]
        plan = dunning_plan(company)
        checker = FactChecker(company)
        for cid, level in _cases(plan):
            for channel in CHANNELS if seed % 2 == 0 else ("email",):  # every channel on even seeds
                text = reminder_text(company, cid, level, channel, plan=plan)
                assert leftover_problems(text) == [], text
                problems = quality_check(company, text, cid, level, channel=channel, plan=plan, checker=checker)
                total += 1
                ok += not problems
            if level != seed % 3 + 1:  # faults are planted on one level per seed, in rotation
                continue
            text = reminder_text(company, cid, level, "email", plan=plan)
            for fault, bad, claimed in _degrade(company, plan, cid, level, text):
                planted[fault] = planted.get(fault, 0) + 1
                caught[fault] = caught.get(fault, 0) + bool(
                    quality_check(company, bad, cid, claimed, plan=plan, checker=checker))
        # Disputed and already-paid invoices forced into a letter.
        for role, fault in (("dispute_a_customer", "facture en litige relancée"),
                            ("already_paid_customer", "facture déjà payée (banque) relancée")):
            cid = company.role(role)
            blocked = plan[(plan["customer_id"] == cid) & (plan["action"] == "ne pas relancer")]
            if blocked.empty:
                continue
            bad = reminder_text(company, cid, 2, invoice_ids=list(blocked["invoice_id"]), plan=plan)
            planted[fault] = planted.get(fault, 0) + 1
            caught[fault] = caught.get(fault, 0) + bool(quality_check(company, bad, cid, 2, plan=plan, checker=checker))
    rate = {k: f"{caught[k]}/{planted[k]}" for k in planted}
    print(f"\nrelances de référence envoyables : {ok}/{total} ; fautes détectées : {rate}")
    assert ok / total >= 0.9
    assert caught == planted
    assert planted.get("facture en litige relancée", 0) >= 15


def test_bodacc_customer_is_never_chased(company):
    cid = company.role("insolvent_customer")
    plan = dunning_plan(company)
    mine = plan[plan["customer_id"] == cid]
    # Code de commerce L622-24 / L622-17: the opening judgment splits claims to declare (never
    # chased) from post-judgment claims, payable at their due date.
    before = mine["reason"].str.contains("antérieure au jugement")
    assert len(mine) and before.any()
    assert (mine.loc[before, "action"] == "ne pas relancer").all()
    assert mine.loc[before, "reason"].str.contains("la déclarer au mandataire judiciaire avant le").all()
    assert mine.loc[~before, "reason"].str.contains("L622-17").all()
    if not (mine["action"] == "relancer").any():
        with pytest.raises(Exception):
            reminder_text(company, cid, 1)


def test_five_reminders_batch(company):
    from o2c_lab.casework.dunning import reminder_batch

    batch = reminder_batch(company, 5)
    assert len(batch) == 5 and batch["customer_id"].is_unique
    assert (batch["problems"].map(len) == 0).all(), batch["problems"].tolist()
    assert batch.attrs["seconds"] < 60  # the exercise: 5 reminders in 10 minutes, checked before sending
    print(f"\n5 relances rédigées et contrôlées en {batch.attrs['seconds']:.1f} s")


def test_an_sms_names_what_it_chases_not_the_whole_overdue(company):
    # A firm SMS announces the invoices chased at level 2 and their total — read from the plan
    # here — never a figure that could pass for the customer's whole overdue balance.
    plan = dunning_plan(company)
    chased = plan[(plan["action"] == "relancer") & (plan["level"] == 2)]
    checked = 0
    for cid, mine in chased.groupby("customer_id"):
        text = reminder_text(company, cid, 2, "sms", plan=plan)
        total = int(mine["residual_cents"].sum())
        euros = f"{total // 100:,}".replace(",", "\u202f") + f",{total % 100:02d}\u00a0€"
        many = len(mine) > 1
        assert (f"{len(mine)} factures échues pour {euros} restent impayées" if many else
                f"1 facture échue pour {euros} reste impayée") in text, text
        assert "40 € par facture" in text
        checked += 1
    assert checked
