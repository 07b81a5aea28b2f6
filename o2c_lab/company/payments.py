"""Payments: when each invoice is really paid (truth), the bank lines that carry the money
(with the noise of real cash application), the ERP's 411 sub-ledger with its lettering, the
dunning history and the promises to pay.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from . import identities

__all__ = ["simulate_payments", "NOISE_LEVELS"]

#: Share of customer payments per label noise, for each noise level.
NOISE_LEVELS = {
    "defaut": {"labels": {"clean": 0.56, "mangled_reference": 0.14, "no_reference": 0.15,
                          "obscure_label": 0.08, "third_party": 0.07},
               "partial": 0.03, "group_share": 0.35, "overpayment": 0.01, "duplicate": 0.005},
    "difficile": {"labels": {"clean": 0.30, "mangled_reference": 0.20, "no_reference": 0.25,
                             "obscure_label": 0.13, "third_party": 0.12},
                  "partial": 0.08, "group_share": 0.60, "overpayment": 0.02, "duplicate": 0.01},
}
_FACTORS = ["HEXAFACTOR SA", "CREDIT COMMERCIAL FACTORING", "UNIFACT AFFACTURAGE"]
_SUPPLIERS = ["ROULEMENTS DU RHONE SA", "OUTILLAGE PRO DISTRIBUTION", "TRANSPORTS MOREL ET FILS"]
_BUSDAY = np.busday_offset


def _d(x) -> np.datetime64:
    return np.datetime64(pd.Timestamp(x).date(), "D")


def _bus(dates, offset=0, roll="forward"):
    return _BUSDAY(np.asarray(dates, dtype="datetime64[D]"), offset, roll=roll)


def _payment_parts(inv, credit_notes, customers, contracts, truth, roles, as_of, rng, level):
    """One row per (invoice, instalment) actually paid in the simulation, before or after as_of."""
    n = len(inv)
    cust_pos = pd.Index(customers["customer_id"]).get_indexer(inv["customer_id"])
    t = truth.set_index("customer_id").reindex(customers["customer_id"])
    mean = t["mean_delay_days"].to_numpy()[cust_pos]
    sd = t["delay_sd_days"].to_numpy()[cust_pos]
    drift = t["drift_days_per_month"].to_numpy()[cust_pos]
    profile = t["profile"].to_numpy()[cust_pos]
    due = inv["due_date"].to_numpy().astype("datetime64[D]")
    issued = inv["invoice_date"].to_numpy().astype("datetime64[D]")
    drift_start = _d(as_of) - 150
    months_in = np.maximum(0, (due - drift_start).astype(int)) / 30.44
    delay = mean + drift * months_in + sd * rng.standard_normal(n)
    pay = _bus(due + np.rint(delay).astype(int).astype("timedelta64[D]"))
    pay = np.maximum(pay, _bus(issued, 2))
    ttc = inv["total_ttc_cents"].to_numpy()
    special = inv["special"].to_numpy()
    paid = np.ones(n, bool)
    # Customers with an early-payment discount take it on about half of their invoices.
    esc = contracts.set_index("customer_id").reindex(inv["customer_id"])
    esc_pct = esc["early_payment_discount_pct"].to_numpy()
    takes = (esc_pct > 0) & (rng.random(n) < 0.5) & (special == "")
    pay[takes] = _bus(issued[takes], rng.integers(3, 8, takes.sum()))
    # Duplicated invoices are not owed; lost invoices of bad payers are never paid.
    paid[inv["dup_of"].to_numpy() != ""] = False
    lost_rate = np.select([profile == "mauvais_payeur", profile == "retard_chronique"], [0.10, 0.02], 0.0)
    paid &= ~(rng.random(n) < lost_rate)
    defaults = t["defaults"].to_numpy()[cust_pos]
    default_from = t["default_from"].to_numpy().astype("datetime64[D]")[cust_pos]
    paid &= ~(defaults & (pay >= default_from))
    # Credit notes: the customer pays the net amount once the credit note is issued.
    cn_by_inv = credit_notes.groupby("invoice_id")["credit_date"].max()
    cn_date = cn_by_inv.reindex(inv["invoice_id"]).to_numpy().astype("datetime64[D]")
    has_cn = ~np.isnat(cn_date)
    pay[has_cn] = np.maximum(pay[has_cn], _bus(cn_date[has_cn], 1))

    parts = []  # invoice position, date, amount, structural noise
    kinds = np.full(n, "", dtype=object)
    kinds[takes] = "discount"
    discount_amount = np.rint(ttc * esc_pct / 100).astype(np.int64)
    cn_total = credit_notes.groupby("invoice_id")["total_ttc_cents"].sum().reindex(inv["invoice_id"]).fillna(0)
    due_amount = ttc - cn_total.to_numpy().astype(np.int64)
    kinds[has_cn] = "credit_note"
    role_of = {c: r for r, c in roles.items()}
    roles_arr = np.array([role_of.get(c, "") for c in inv["customer_id"]])
    plan = (roles_arr == "plan_negotiator") & (ttc > 300_000) & (special == "")
    deduct = (roles_arr == "unilateral_deducter") & (rng.random(n) < 0.3) & (special == "") & ~has_cn
    partial = (rng.random(n) < level["partial"]) & (special == "") & ~plan & ~deduct & ~has_cn & ~takes
    simple = paid & ~plan & ~deduct & ~partial & (special == "")
    for pos in np.flatnonzero(simple):
        amount = due_amount[pos] - (discount_amount[pos] if kinds[pos] == "discount" else 0)
        parts.append((pos, pay[pos], amount, kinds[pos]))
    for pos in np.flatnonzero(paid & plan):
        thirds = [due_amount[pos] // 3, due_amount[pos] // 3]
        thirds.append(due_amount[pos] - sum(thirds))
        for k, amount in enumerate(thirds):
            late = int(rng.integers(10, 25)) if rng.random() < 0.2 else 0
            parts.append((pos, _bus(pay[pos] + 30 * k + late), amount, "partial"))
    for pos in np.flatnonzero(paid & partial):
        first = int(due_amount[pos] * rng.uniform(0.3, 0.8))
        parts.append((pos, pay[pos], first, "partial"))
        parts.append((pos, _bus(pay[pos] + int(rng.integers(15, 45))), due_amount[pos] - first, "partial"))
    ht = inv["total_ht_cents"].to_numpy()
    for pos in np.flatnonzero(paid & deduct):
        penalty = int(ht[pos] * rng.uniform(0.03, 0.06))
        parts.append((pos, pay[pos], due_amount[pos] - penalty, "deduction"))
        parts.append((pos, _bus(pay[pos] + int(rng.integers(40, 80))), penalty, "partial"))
    story = _story_parts(inv, special, due_amount, pay, ht, as_of, rng, parts)
    parts = pd.DataFrame(parts, columns=["pos", "pay_date", "amount", "structure"])
    parts["pay_date"] = parts["pay_date"].to_numpy().astype("datetime64[D]").astype("datetime64[s]")
    return parts, story


def _story_parts(inv, special, due_amount, pay, ht, as_of, rng, parts):
    """Payments of the story's documents; returns facts the scenario needs."""
    story = {}
    a = _d(as_of)
    kb = int(np.flatnonzero(special == "key_blocked")[0])
    parts.append((kb, _bus(a + int(rng.integers(20, 35))), due_amount[kb], ""))
    da = int(np.flatnonzero(special == "dispute_a")[0])
    story["dispute_a_pos"] = da
    db = int(np.flatnonzero(special == "dispute_b")[0])
    deduction = int(round(ht[db] * float(rng.choice([0.04, 0.05, 0.06])) / 100)) * 100
    paid_b = _bus(max(pay[db], inv["due_date"].to_numpy().astype("datetime64[D]")[db] + 3))
    paid_b = min(paid_b, _bus(a - 12, 0, "backward"))
    parts.append((db, paid_b, due_amount[db] - deduction, "deduction"))
    story.update(dispute_b_pos=db, dispute_b_deduction=deduction, dispute_b_paid_on=paid_b,
                 key_blocked_pos=kb)
    return story


def _label_noise(n, customers_pos, segments, roles_arr, level, rng):
    names = list(level["labels"])
    p = np.array([level["labels"][k] for k in names])
    noise = np.array(names, dtype=object)[rng.choice(len(names), size=n, p=p)]
    noise[segments[customers_pos] == "export_ue"] = "clean"
    noise[roles_arr == "eu_customer"] = "clean"
    return noise


def _mangle(invoice_id: str, rng) -> str:
    _, year, number = invoice_id.split("-")
    short = str(int(number))
    variants = [f"FA{year}{number}", f"FACT {year}/{number}", f"F{year}{short}",
                f"REGL FA {year} {short}", f"FA-{year[2:]}-{number}", f"FA {year}-{number}"]
    return variants[int(rng.integers(len(variants)))]


def _bank_name(name: str) -> str:
    import unicodedata

    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().upper()
    return " ".join(plain.replace(".", " ").replace(",", " ").split())[:35]


def _obscure(name: str, rng) -> str:
    words = [w for w in _bank_name(name).split() if w not in {"SA", "SAS", "SARL", "ET", "DE", "LA", "LE"}]
    initials = "".join(w[0] for w in words[:4]) or "X"
    suffix = ["GESTION", "HOLDING", "SERVICES", "DIST", "FINANCES"][int(rng.integers(5))]
    return f"{initials} {suffix}" if rng.random() < 0.6 else f"STE {initials}"


def simulate_payments(inv, credit_notes, customers, contracts, truth, roles, company_iban,
                      as_of, history_start, rng, noise="defaut"):
    """Simulate payments and build the bank, ledger, dunning and promise tables.

    Returns ``(tables, truth_tables, story)``.
    """
    level = NOISE_LEVELS[noise]
    parts, story = _payment_parts(inv, credit_notes, customers, contracts, truth, roles, as_of, rng, level)
    a = _d(as_of)
    cust_ids = inv["customer_id"].to_numpy()
    cust_index = pd.Index(customers["customer_id"])
    segments = customers["segment"].to_numpy()
    role_of = {c: r for r, c in roles.items()}

    # The customer who already paid: their latest due invoice was paid with an obscure label.
    ap_cust = roles["already_paid_customer"]
    cand = np.flatnonzero((cust_ids == ap_cust) & (inv["dup_of"].to_numpy() == "") &
                          (inv["due_date"].to_numpy().astype("datetime64[D]") <= a - 3) &
                          (inv["due_date"].to_numpy().astype("datetime64[D]") >= a - 40) &
                          (inv["special"].to_numpy() == ""))
    if len(cand) == 0:
        cand = np.flatnonzero((cust_ids == ap_cust) & (inv["dup_of"].to_numpy() == ""))[-1:]
    ap_pos = int(cand[-1])
    ap_date = _bus(a - int(rng.integers(6, 10)), 0, "backward")
    parts = parts[parts["pos"] != ap_pos]
    ap_amount = int(inv["total_ttc_cents"].iloc[ap_pos]
                    - credit_notes.loc[credit_notes["invoice_id"] == inv["invoice_id"].iloc[ap_pos],
                                       "total_ttc_cents"].sum())
    parts = pd.concat([parts, pd.DataFrame([{"pos": ap_pos, "pay_date": ap_date, "amount": ap_amount,
                                             "structure": "already_paid"}])], ignore_index=True)
    story.update(already_paid_pos=ap_pos, already_paid_on=ap_date)

    # Group parts into bank transfers: payment runs for some customers (weekly, by due week).
    parts["cust"] = cust_index.get_indexer(cust_ids[parts["pos"]])
    groups_customer = (np.isin(segments, ["grand_compte", "secteur_public"]) |
                       (rng.random(len(customers)) < level["group_share"] * 0.6))
    for r in ("already_paid_customer", "unilateral_deducter", "eu_customer"):
        groups_customer[cust_index.get_loc(roles[r])] = r == "unilateral_deducter"
    grouped = groups_customer[parts["cust"]] & (parts["structure"].to_numpy() != "already_paid")
    week = parts["pay_date"].to_numpy().astype("datetime64[W]")
    run_day = _bus(week.astype("datetime64[D]") + 3)  # Thursday or later
    parts["tx_date"] = np.where(grouped, np.maximum(run_day, parts["pay_date"].to_numpy()),
                                parts["pay_date"].to_numpy())
    parts["group_key"] = np.where(grouped, parts["cust"].astype(str) + "|" + parts["tx_date"].astype(str),
                                  "single|" + parts.index.astype(str))
    parts = parts.sort_values(["tx_date", "group_key", "pos"], kind="stable").reset_index(drop=True)
    tx_codes, tx_index = np.unique(parts["group_key"].to_numpy(), return_inverse=True)
    parts["tx"] = tx_index

    # Split the transfers: before the case date they are in the bank; after, they are truth only.
    inv_ids = inv["invoice_id"].to_numpy()
    parts["invoice_id"] = inv_ids[parts["pos"]]
    parts["customer_id"] = cust_ids[parts["pos"]]
    future = parts[parts["tx_date"] > a]
    horizon = future[future["tx_date"] <= a + 91]
    future_payments = pd.DataFrame({"invoice_id": horizon["invoice_id"], "customer_id": horizon["customer_id"],
                                    "paid_on": horizon["tx_date"].astype("datetime64[ns]"),
                                    "amount_cents": horizon["amount"].astype(np.int64)})
    past = parts[parts["tx_date"] <= a].copy()

    txs = past.groupby("tx", sort=True).agg(customer_id=("customer_id", "first"), date=("tx_date", "first"),
                                            amount=("amount", "sum"), n=("pos", "size"),
                                            structures=("structure", lambda s: ",".join(sorted(set(s) - {""}))))
    txs = txs.reset_index()
    roles_arr = np.array([role_of.get(c, "") for c in txs["customer_id"]])
    tpos = cust_index.get_indexer(txs["customer_id"])
    label_noise = _label_noise(len(txs), tpos, segments, roles_arr, level, rng)
    ap_tx = past.loc[past["structure"] == "already_paid", "tx"]
    label_noise[np.isin(txs["tx"], ap_tx)] = "obscure_label"
    over = (rng.random(len(txs)) < level["overpayment"]) & (label_noise != "obscure_label")
    extra = np.where(over, rng.integers(100, 5_000, len(txs)), 0)
    txs["extra"] = extra
    txs["label_noise"] = label_noise
    names = customers["name"].to_numpy()
    ibans = customers["iban"].to_numpy()

    refs_by_tx = past.groupby("tx")["invoice_id"].apply(list)
    rows = []
    for k, tx in enumerate(txs.itertuples(index=False)):
        refs = refs_by_tx[tx.tx]
        name = names[tpos[k]]
        noise_k = tx.label_noise
        payer, iban = _bank_name(name), ibans[tpos[k]]
        if noise_k == "clean":
            motif = " ".join(refs) if len(refs) <= 4 else f"{refs[0]} ET {len(refs) - 1} AUTRES"
        elif noise_k == "mangled_reference":
            motif = " ".join(_mangle(r, rng) for r in refs[:3])
        elif noise_k == "no_reference":
            motif = ["REGLEMENT FACTURES", "PAIEMENT FOURNISSEUR", "", "VIREMENT"][int(rng.integers(4))]
        elif noise_k == "obscure_label":
            payer = _obscure(name, rng)
            iban = "" if rng.random() < 0.5 else identities.fr_iban("30004", f"{int(rng.integers(0, 99999)):05d}",
                                                                     f"{int(rng.integers(0, 10**11)):011d}")
            motif = ["", "PAIEMENT", "REGLT", "FACTURES"][int(rng.integers(4))]
        else:  # third party: a factor or a parent company pays on the customer's behalf
            payer = _FACTORS[int(rng.integers(len(_FACTORS)))] if rng.random() < 0.6 else \
                f"{_bank_name(name).split()[0]} HOLDING"
            iban = identities.fr_iban("30003", f"{int(rng.integers(0, 99999)):05d}",
                                      f"{int(rng.integers(0, 10**11)):011d}")
            motif = f"POUR COMPTE {_bank_name(name)[:20]} " + (refs[0] if rng.random() < 0.5 else "")
        remittance = motif.strip()
        if role_of.get(tx.customer_id) == "eu_customer":
            remittance = identities.rf_reference(refs[0].replace("-", ""))
        if "deduction" in tx.structures:
            remittance = (remittance + " DEDUCTION PENALITE LOGISTIQUE").strip()
        rows.append({"date": tx.date, "amount": int(tx.amount + tx.extra), "payer": payer, "iban": iban,
                     "remittance": remittance, "customer_id": tx.customer_id, "tx": tx.tx,
                     "kind": "reglement_client"})
    bank = pd.DataFrame(rows)
    # Duplicated transfers (the customer's AP department paid twice).
    dup = bank.sample(frac=level["duplicate"], random_state=np.random.RandomState(rng.integers(2**31))) \
        if len(bank) else bank
    dup = dup.copy()
    dup["date"] = _bus(dup["date"].to_numpy().astype("datetime64[D]"), 1)
    dup = dup[dup["date"] <= a]
    dup["kind"] = "doublon"
    others = _non_customer_lines(history_start, as_of, bank, rng)
    bank = pd.concat([bank, dup, others], ignore_index=True)
    bank["date"] = pd.to_datetime(bank["date"])
    bank = bank.sort_values(["date", "kind", "amount"], kind="stable").reset_index(drop=True)
    bank["bank_tx_id"] = [f"TX{d.strftime('%y%m%d')}{i:06d}" for i, d in enumerate(pd.to_datetime(bank["date"]))]
    bank["statement_id"] = [f"REL-{d.strftime('%Y-%m')}" for d in pd.to_datetime(bank["date"])]
    bank["value_date"] = bank["date"]
    bank["end_to_end_id"] = np.where(bank["kind"].isin(["reglement_client", "doublon"]),
                                     [f"E2E{rng.integers(10**9, 10**10)}" for _ in range(len(bank))], "")
    bank.loc[bank["remittance"] == "", "end_to_end_id"] = "NOTPROVIDED"
    bank["bank_code"] = np.select([bank["amount"] > 0, bank["kind"] == "frais_bancaires"],
                                  ["PMNT-RCDT-ESCT", "ACMT-MDOP-CHRG"], "PMNT-ICDT-ESCT")
    bank["label"] = np.where(bank["amount"] > 0,
                             "VIR SEPA RECU /DE " + bank["payer"] + " /MOTIF " + bank["remittance"],
                             bank["label"] if "label" in bank else "")
    bank["label"] = bank["label"].str.replace(" /MOTIF $", "", regex=True)
    transactions = pd.DataFrame({
        "bank_tx_id": bank["bank_tx_id"], "statement_id": bank["statement_id"],
        "booking_date": bank["date"].astype("datetime64[ns]"), "value_date": bank["value_date"].astype("datetime64[ns]"),
        "amount_cents": bank["amount"].astype(np.int64), "label": bank["label"],
        "counterparty_name": bank["payer"].fillna(""), "counterparty_iban": bank["iban"].fillna(""),
        "remittance_info": bank["remittance"].fillna(""), "end_to_end_id": bank["end_to_end_id"],
        "bank_code": bank["bank_code"],
    })
    statements = _statements(transactions, company_iban, history_start, as_of)

    # Truth: allocation of every bank line.
    tx_id_of = dict(zip(bank.loc[bank["kind"] == "reglement_client", "tx"],
                        bank.loc[bank["kind"] == "reglement_client", "bank_tx_id"]))
    alloc = past.assign(bank_tx_id=past["tx"].map(tx_id_of))
    txs["bank_tx_id"] = txs["tx"].map(tx_id_of)
    noise_of_tx = dict(zip(txs["bank_tx_id"], txs["label_noise"]))
    n_in_tx = alloc.groupby("bank_tx_id")["invoice_id"].transform("size")
    alloc_rows = []
    cn_of_invoice = credit_notes.groupby("invoice_id")
    for r, n_k in zip(alloc.itertuples(index=False), n_in_tx):
        structure = r.structure if r.structure not in ("", "already_paid") else ""
        noise_k = structure or ("grouped" if n_k > 1 else noise_of_tx[r.bank_tx_id])
        if r.structure == "credit_note":
            cns = cn_of_invoice.get_group(r.invoice_id)
            alloc_rows.append((r.bank_tx_id, r.invoice_id, r.customer_id,
                               int(r.amount + cns["total_ttc_cents"].sum()), noise_k))
            for c in cns.itertuples(index=False):
                alloc_rows.append((r.bank_tx_id, c.credit_note_id, r.customer_id, -int(c.total_ttc_cents), noise_k))
        else:
            alloc_rows.append((r.bank_tx_id, r.invoice_id, r.customer_id, int(r.amount), noise_k))
    for tx in txs.itertuples(index=False):
        if tx.extra:
            alloc_rows.append((tx.bank_tx_id, "", tx.customer_id, int(tx.extra), "overpayment"))
    dups = bank[bank["kind"] == "doublon"]
    for r in dups.itertuples(index=False):
        alloc_rows.append((r.bank_tx_id, "", r.customer_id, int(r.amount), "duplicate"))
    allocations = pd.DataFrame(alloc_rows, columns=["bank_tx_id", "document_id", "customer_id",
                                                    "amount_cents", "noise"])
    noises = allocations.groupby("bank_tx_id")["noise"].apply(lambda s: ",".join(sorted(set(s))))
    extra_noise = txs.set_index("bank_tx_id")["label_noise"]
    bank_truth = pd.DataFrame({"bank_tx_id": bank["bank_tx_id"], "kind": bank["kind"],
                               "customer_id": bank["customer_id"].fillna("")})
    merged = noises.reindex(bank_truth["bank_tx_id"]).fillna("")
    label_part = extra_noise.reindex(bank_truth["bank_tx_id"]).fillna("")
    bank_truth["noises"] = [",".join(sorted(set(filter(None, (m + "," + l).split(",")))))
                            for m, l in zip(merged, label_part)]
    bank_truth.loc[bank_truth["kind"] == "frais_bancaires", "noises"] = "bank_fee"
    bank_truth.loc[bank_truth["kind"] == "remboursement_fournisseur", "noises"] = "supplier_refund"

    # Per-invoice truth.
    all_parts = parts.groupby("invoice_id").agg(paid_on=("tx_date", "max"), paid_cents=("amount", "sum"))
    it = pd.DataFrame({"invoice_id": inv_ids, "customer_id": cust_ids})
    it = it.join(all_parts, on="invoice_id")
    cn_sum = credit_notes.groupby("invoice_id")["total_ttc_cents"].sum().reindex(inv_ids).fillna(0).to_numpy()
    owed = inv["total_ttc_cents"].to_numpy() - cn_sum
    paid_cents = it["paid_cents"].fillna(0).to_numpy().astype(np.int64)
    paid_on = it["paid_on"].to_numpy().astype("datetime64[D]")
    outcome = np.select(
        [inv["dup_of"].to_numpy() != "", paid_cents == 0, paid_cents < owed,
         paid_on > a],
        ["doublon", "impayee", "payee_partiellement", "payee_apres_arrete"], "payee")
    invoice_truth = pd.DataFrame({"invoice_id": inv_ids, "customer_id": cust_ids,
                                  "paid_on": pd.to_datetime(np.where(paid_cents > 0, paid_on, np.datetime64("NaT"))),
                                  "paid_cents": paid_cents, "outcome": outcome})

    ledger = _ledger(inv, credit_notes, bank, alloc, allocations, as_of, rng, role_of)
    dunning, promises = _dunning_and_promises(inv, parts, customers, truth, roles, as_of, rng)
    tables = {"bank_statements": statements, "bank_transactions": transactions, "ar_ledger": ledger,
              "dunning": dunning, "promises": promises,
              "remittance_advices": _remittances(alloc, bank, txs, customers, credit_notes)}
    truth_tables = {"invoice_truth": invoice_truth, "payment_allocations": allocations,
                    "bank_truth": bank_truth, "future_payments": future_payments.reset_index(drop=True)}
    story["bank"] = bank
    return tables, truth_tables, story


def _non_customer_lines(history_start, as_of, bank, rng):
    """Bank fees, supplier refunds and outgoing payments: lines that are not customer receipts."""
    months = pd.period_range(pd.Timestamp(history_start), pd.Timestamp(as_of), freq="M")
    received = bank.groupby(pd.to_datetime(bank["date"]).dt.to_period("M"))["amount"].sum() if len(bank) else {}
    rows = []
    for m in months:
        start = _d(m.start_time)
        for label, amount in (("COMMISSION TENUE DE COMPTE", -int(rng.integers(2_500, 4_500))),
                              ("FRAIS SUR VIREMENTS RECUS", -int(rng.integers(800, 9_000)))):
            day = _bus(start + int(rng.integers(0, 25)))
            rows.append({"date": day, "amount": amount, "payer": "", "iban": "", "remittance": "",
                         "customer_id": "", "kind": "frais_bancaires", "label": f"PRLV {label}"})
        inflow = int(received.get(m, 0)) if len(bank) else 0
        for label, share in (("VIR SEPA EMIS /A SALAIRES DU MOIS", 0.35), ("PRLV SEPA URSSAF", 0.12),
                             ("VIR SEPA EMIS /A FOURNISSEURS DIVERS", 0.48)):
            day = _bus(start + int(rng.integers(0, 27)))
            rows.append({"date": day, "amount": -int(inflow * share * rng.uniform(0.9, 1.1)), "payer": "",
                         "iban": "", "remittance": "", "customer_id": "", "kind": "decaissement", "label": label})
        if rng.random() < 0.4:
            supplier = _SUPPLIERS[int(rng.integers(len(_SUPPLIERS)))]
            rows.append({"date": _bus(start + int(rng.integers(0, 25))), "amount": int(rng.integers(20_000, 300_000)),
                         "payer": supplier, "iban": "", "remittance": "REMBOURSEMENT AVOIR FOURNISSEUR",
                         "customer_id": "", "kind": "remboursement_fournisseur", "label": ""})
    others = pd.DataFrame(rows)
    others = others[others["date"] <= _d(as_of)]
    return others


def _statements(transactions, company_iban, history_start, as_of):
    opening = 25_000_000
    rows = []
    for sid, group in transactions.groupby("statement_id", sort=True):
        month = pd.Period(sid[4:], freq="M")
        closing = opening + int(group["amount_cents"].sum())
        rows.append({"statement_id": sid, "account_iban": company_iban,
                     "from_date": max(month.start_time, pd.Timestamp(history_start)).normalize(),
                     "to_date": min(month.end_time, pd.Timestamp(as_of)).normalize(),
                     "opening_balance_cents": opening, "closing_balance_cents": closing})
        opening = closing
    return pd.DataFrame(rows)


def _ledger(inv, credit_notes, bank, alloc, allocations, as_of, rng, role_of):
    """The 411 sub-ledger as the AR team keeps it: receipts posted once the payer is identified,
    lettering where a group of documents and receipts nets to zero."""
    a = _d(as_of)
    rows = []
    live = inv
    for r in live.itertuples(index=False):
        rows.append({"journal": "VE", "entry_date": r.invoice_date, "customer_id": r.customer_id,
                     "document_id": r.invoice_id, "document_type": "facture",
                     "label": f"Facture {r.invoice_id}", "debit_cents": int(r.total_ttc_cents),
                     "credit_cents": 0, "bank_tx_id": ""})
    for r in credit_notes.itertuples(index=False):
        rows.append({"journal": "VE", "entry_date": r.credit_date, "customer_id": r.customer_id,
                     "document_id": r.credit_note_id, "document_type": "avoir",
                     "label": f"Avoir {r.credit_note_id} sur {r.invoice_id}", "debit_cents": 0,
                     "credit_cents": int(r.total_ttc_cents), "bank_tx_id": ""})
    # Which receipts did the AR team post to a customer account?
    cust_bank = bank[bank["kind"].isin(["reglement_client", "doublon"])]
    noise_of = allocations.groupby("bank_tx_id")["noise"].apply(set)
    labels_of = dict(zip(bank["bank_tx_id"], bank["payer"]))
    posted = []
    lag = rng.integers(0, 3, len(cust_bank))
    for (r, lg) in zip(cust_bank.itertuples(index=False), lag):
        post_date = _bus(np.datetime64(r.date, "D"), int(lg))
        noises = noise_of.get(r.bank_tx_id, set())
        identified = True
        if post_date > a:
            identified = False
        elif role_of.get(r.customer_id) == "already_paid_customer" and r.iban == "" and \
                r.date >= a - 15:
            identified = False
        elif "obscure_label" in noises or (r.remittance == "" and r.iban == ""):
            identified = rng.random() < 0.4
        elif "third_party" in noises:
            identified = rng.random() < 0.6
        if identified:
            posted.append(r.bank_tx_id)
            rows.append({"journal": "BQ", "entry_date": post_date, "customer_id": r.customer_id,
                         "document_id": r.bank_tx_id, "document_type": "reglement",
                         "label": f"Règlement {labels_of[r.bank_tx_id]}".strip(), "debit_cents": 0,
                         "credit_cents": int(r.amount), "bank_tx_id": r.bank_tx_id})
    posted = set(posted)
    # Discounts taken: the AR team books the difference as an "escompte accordé" entry.
    disc = allocations[(allocations["noise"] == "discount") & allocations["bank_tx_id"].isin(posted)]
    owed = inv.set_index("invoice_id")["total_ttc_cents"]
    for r in disc.itertuples(index=False):
        gap = int(owed[r.document_id] - r.amount_cents)
        if gap > 0:
            rows.append({"journal": "OD", "entry_date": np.datetime64(
                bank.loc[bank["bank_tx_id"] == r.bank_tx_id, "date"].iloc[0], "D"),
                "customer_id": r.customer_id, "document_id": f"ESC-{r.document_id}",
                "document_type": "escompte", "label": f"Escompte accordé {r.document_id}",
                "debit_cents": 0, "credit_cents": gap, "bank_tx_id": r.bank_tx_id})
    ledger = pd.DataFrame(rows)
    ledger["entry_date"] = pd.to_datetime(ledger["entry_date"])
    ledger = ledger.sort_values(["entry_date", "journal", "document_id"], kind="stable").reset_index(drop=True)

    # Lettering: connected groups of documents and posted receipts that net to zero.
    edges = allocations[allocations["bank_tx_id"].isin(posted) & (allocations["document_id"] != "")]
    parent: dict[str, str] = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for tx, doc in zip(edges["bank_tx_id"], edges["document_id"]):
        parent[find(tx)] = find(doc)
    for doc in ledger.loc[ledger["document_type"] == "escompte", "document_id"]:
        parent[find(doc)] = find(doc[4:])
    keys = [find(d) if d in parent else "" for d in ledger["document_id"]]
    ledger["group"] = keys
    net = (ledger["debit_cents"] - ledger["credit_cents"]).groupby(ledger["group"]).transform("sum")
    lettered = (ledger["group"] != "") & (net == 0)
    ledger["lettering"] = ""
    ledger["lettering_date"] = pd.NaT
    if lettered.any():
        lg = ledger[lettered]
        last = lg.groupby("group")["entry_date"].transform("max")
        ledger.loc[lettered, "lettering_date"] = last
        firsts = lg.groupby("group")["entry_date"].max().sort_values(kind="stable")
        cust_of_group = lg.groupby("group")["customer_id"].first().reindex(firsts.index)
        counter = cust_of_group.groupby(cust_of_group).cumcount().to_numpy()
        codes = dict(zip(firsts.index, [_letters(k) for k in counter]))
        ledger.loc[lettered, "lettering"] = ledger.loc[lettered, "group"].map(codes)
    # Unlettered receipts: the AR clerk noted which document a partial payment was applied to.
    main_doc = (edges.sort_values("amount_cents", ascending=False).drop_duplicates("bank_tx_id")
                .set_index("bank_tx_id")["document_id"])
    ledger["applied_to"] = ""
    open_receipts = (ledger["document_type"] == "reglement") & (ledger["lettering"] == "")
    ledger.loc[open_receipts, "applied_to"] = ledger.loc[open_receipts, "bank_tx_id"].map(main_doc).fillna("")
    ledger["entry_id"] = [f"E{i + 1:07d}" for i in range(len(ledger))]
    ledger["lettering_date"] = pd.to_datetime(ledger["lettering_date"])
    return ledger[["entry_id", "journal", "entry_date", "customer_id", "document_id", "document_type",
                   "label", "debit_cents", "credit_cents", "applied_to", "lettering", "lettering_date",
                   "bank_tx_id"]]


def _letters(k: int) -> str:
    """0 -> AA, 1 -> AB, … 675 -> ZZ, 676 -> AAA (lettering codes as French ERPs print them)."""
    width, base = 2, 0
    while k >= base + 26 ** width:
        base += 26 ** width
        width += 1
    k -= base
    out = ""
    for _ in range(width):
        out = chr(65 + k % 26) + out
        k //= 26
    return out


def _remittances(alloc, bank, txs, customers, credit_notes):
    """Payment advices: key accounts and public buyers announce their grouped transfers."""
    seg = customers.set_index("customer_id")["segment"]
    grouped = alloc.groupby("bank_tx_id").filter(lambda g: len(g) > 1)
    grouped = grouped[grouped["customer_id"].map(seg).isin(["grand_compte", "secteur_public"])]
    rows = []
    date_of = dict(zip(bank["bank_tx_id"], bank["date"]))
    for k, (tx, g) in enumerate(grouped.groupby("bank_tx_id", sort=True)):
        advice_date = _bus(np.datetime64(date_of[tx], "D"), -1)
        for r in g.itertuples(index=False):
            rows.append({"advice_id": f"AVIS-{k + 1:05d}", "customer_id": r.customer_id,
                         "advice_date": advice_date, "payment_reference": f"PAIEMENT-{k + 1:05d}",
                         "document_id": r.invoice_id, "amount_cents": int(r.amount)})
    out = pd.DataFrame(rows, columns=["advice_id", "customer_id", "advice_date", "payment_reference",
                                      "document_id", "amount_cents"])
    out["advice_date"] = pd.to_datetime(out["advice_date"])
    return out


def _dunning_and_promises(inv, parts, customers, truth, roles, as_of, rng):
    a = _d(as_of)
    settle = parts.groupby("invoice_id")["tx_date"].max()
    settled = settle.reindex(inv["invoice_id"]).to_numpy().astype("datetime64[D]")
    settled = np.where(np.isnat(settled), np.datetime64("2999-12-31"), settled)
    due = inv["due_date"].to_numpy().astype("datetime64[D]")
    stop = np.minimum(settled - 1, a)
    # Collections stop for customers under collective proceedings once the judgment is known.
    channel_for = {1: "email", 2: "email", 3: "courrier"}
    rows = []
    for level, offset in ((1, 7), (2, 21), (3, 45)):
        sent = _bus(due + offset)
        mask = (sent <= stop) & (inv["dup_of"].to_numpy() == "")
        for pos in np.flatnonzero(mask):
            rows.append({"customer_id": inv["customer_id"].iloc[pos], "invoice_id": inv["invoice_id"].iloc[pos],
                         "sent_on": sent[pos], "level": level, "channel": channel_for[level]})
    dunning = pd.DataFrame(rows).sort_values(["sent_on", "invoice_id", "level"], kind="stable").reset_index(drop=True)
    dunning["dunning_id"] = [f"REL-{i + 1:06d}" for i in range(len(dunning))]
    dunning["sent_on"] = pd.to_datetime(dunning["sent_on"])
    # Promises obtained after a level-2 reminder (about a third of the time).
    lvl2 = dunning[dunning["level"] == 2]
    pick = lvl2[rng.random(len(lvl2)) < 0.35]
    settle_map = settle.to_dict()
    prom = []
    for r in pick.itertuples(index=False):
        made = _bus(np.datetime64(r.sent_on, "D"), int(rng.integers(1, 5)))
        if made > a:
            continue
        actual = settle_map.get(r.invoice_id)
        actual = np.datetime64(actual, "D") if actual is not None and not pd.isna(actual) else None
        if actual is not None and rng.random() < 0.7 and actual > made:
            promised = _bus(actual - int(rng.integers(0, 3)))  # an honest promise
        else:
            promised = _bus(made + int(rng.integers(5, 15)))
        amount = int(inv.loc[inv["invoice_id"] == r.invoice_id, "total_ttc_cents"].iloc[0])
        if promised > a:
            status = "en cours"
        elif actual is not None and actual <= promised + 3:
            status = "tenue"
        else:
            status = "non tenue"
        prom.append({"customer_id": r.customer_id, "made_on": made, "promised_date": promised,
                     "amount_cents": amount, "invoice_ids": r.invoice_id,
                     "channel": "téléphone" if rng.random() < 0.6 else "email", "status": status})
    promises = pd.DataFrame(prom, columns=["customer_id", "made_on", "promised_date", "amount_cents",
                                           "invoice_ids", "channel", "status"])
    promises = promises.sort_values(["made_on", "customer_id"], kind="stable").reset_index(drop=True)
    promises["promise_id"] = [f"PRO-{i + 1:05d}" for i in range(len(promises))]
    for c in ("made_on", "promised_date"):
        promises[c] = pd.to_datetime(promises[c])
    return dunning, promises
