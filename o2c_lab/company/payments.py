"""Payments: when each invoice is really paid (truth), the bank lines that carry the money
(with the noise of real cash application), the ERP's 411 sub-ledger with its lettering, the
dunning history and the promises to pay.
"""

from __future__ import annotations


import numpy as np
import pandas as pd

from ..formats.fec import lettering_code
from . import foreign as foreign_noise
from . import identities

__all__ = ["draw_payments", "timeline_tension", "build_payment_tables", "NOISE_LEVELS"]

#: Share of customer payments per label noise, for each noise level.
NOISE_LEVELS = {
    "defaut": {"labels": {"clean": 0.56, "mangled_reference": 0.14, "no_reference": 0.15,
                          "obscure_label": 0.08, "third_party": 0.07},
               "partial": 0.03, "group_share": 0.35, "overpayment": 0.01, "duplicate": 0.005},
    "difficile": {"labels": {"clean": 0.30, "mangled_reference": 0.20, "no_reference": 0.25,
                             "obscure_label": 0.13, "third_party": 0.12},
                  "partial": 0.08, "group_share": 0.60, "overpayment": 0.02, "duplicate": 0.01},
    # « difficile » plus customers writing references their own way (see company/foreign.py).
    "etranger": {"labels": {"clean": 0.30, "mangled_reference": 0.20, "no_reference": 0.25,
                            "obscure_label": 0.13, "third_party": 0.12},
                 "partial": 0.08, "group_share": 0.60, "overpayment": 0.05, "duplicate": 0.01,
                 "foreign": True},
}
_FACTORS = ["HEXAFACTOR SA", "CREDIT COMMERCIAL FACTORING", "UNIFACT AFFACTURAGE"]
_SUPPLIERS = ["ROULEMENTS DU RHONE SA", "OUTILLAGE PRO DISTRIBUTION", "TRANSPORTS MOREL ET FILS"]
_BUSDAY = np.busday_offset


def _d(x) -> np.datetime64:
    return np.datetime64(pd.Timestamp(x).date(), "D")


def _bus(dates, offset=0, roll="forward"):
    return _BUSDAY(np.asarray(dates, dtype="datetime64[D]"), offset, roll=roll)


def _payment_parts(inv, credit_notes, customers, contracts, truth, roles, as_of, rng, level, lost_factor):
    # ``truth`` already carries the delays of this draw (see simulate_payments' ``lateness``).
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
    esc_days = esc["early_payment_days"].to_numpy()
    takes = (esc_pct > 0) & (rng.random(n) < 0.5) & (special == "")
    # The funds must be received within the contract's days (L441-9 I): a day 3-7 transfer that a
    # weekend pushes past the deadline is sent on the last business day before it instead.
    deadline = issued[takes] + esc_days[takes].astype("timedelta64[D]")
    pay[takes] = np.minimum(_bus(issued[takes], rng.integers(3, 8, takes.sum())),
                            _bus(deadline, 0, "backward"))
    # Duplicated invoices are not owed; lost invoices of bad payers are never paid.
    paid[inv["dup_of"].to_numpy() != ""] = False
    lost_rate = np.select([profile == "mauvais_payeur", profile == "retard_chronique"], [0.14, 0.02], 0.0) * lost_factor
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
    roles_arr = inv["customer_id"].map(role_of).fillna("").to_numpy()
    plan = (roles_arr == "plan_negotiator") & (ttc > 300_000) & (special == "")
    deduct = (roles_arr == "unilateral_deducter") & (rng.random(n) < 0.3) & (special == "") & ~has_cn
    partial = (rng.random(n) < level["partial"]) & (special == "") & ~plan & ~deduct & ~has_cn & ~takes
    simple = paid & ~plan & ~deduct & ~partial & (special == "")
    simple_pos = np.flatnonzero(simple)
    simple_amount = due_amount[simple_pos] - np.where(kinds[simple_pos] == "discount", discount_amount[simple_pos], 0)
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
    parts = pd.concat([pd.DataFrame({"pos": simple_pos, "pay_date": pay[simple_pos], "amount": simple_amount,
                                     "structure": kinds[simple_pos]}),
                       pd.DataFrame(parts, columns=["pos", "pay_date", "amount", "structure"])],
                      ignore_index=True)
    parts["amount"] = parts["amount"].astype(np.int64)
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
    paid_b = min(paid_b, _bus(a - 26, 0, "backward"))  # leaves room for the dispute thread
    parts.append((db, paid_b, due_amount[db] - deduction, "deduction"))
    story.update(dispute_b_pos=db, dispute_b_deduction=deduction, dispute_b_paid_on=paid_b,
                 key_blocked_pos=kb)
    return story


def _split_by(keys: np.ndarray, values: np.ndarray, wanted: np.ndarray) -> list[list]:
    """Values grouped by key (in their original order), listed in the order of ``wanted``."""
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    uniq, first = np.unique(sorted_keys, return_index=True)
    chunks = np.split(values[order], first[1:])
    position = {k: i for i, k in enumerate(uniq)}
    return [list(chunks[position[k]]) for k in wanted]


def _label_noise(n, customers_pos, segments, roles_arr, level, rng):
    names = list(level["labels"])
    p = np.array([level["labels"][k] for k in names])
    noise = np.array(names, dtype=object)[rng.choice(len(names), size=n, p=p)]
    noise[segments[customers_pos] == "export_ue"] = "clean"
    noise[roles_arr == "eu_customer"] = "clean"
    return noise


def _mangle(invoice_id: str, pick: int) -> str:
    _, year, number = invoice_id.split("-")
    short = str(int(number))
    variants = [f"FA{year}{number}", f"FACT {year}/{number}", f"F{year}{short}",
                f"REGL FA {year} {short}", f"FA-{year[2:]}-{number}", f"FA {year}-{number}"]
    return variants[pick % len(variants)]


def _bank_name(name: str) -> str:
    import unicodedata

    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().upper()
    return " ".join(plain.replace(".", " ").replace(",", " ").split())[:35]


def _obscure(bank_name: str, pick: int) -> str:
    words = [w for w in bank_name.split() if w not in {"SA", "SAS", "SARL", "ET", "DE", "LA", "LE"}]
    initials = "".join(w[0] for w in words[:4]) or "X"
    suffix = ("GESTION", "HOLDING", "SERVICES", "DIST", "FINANCES")[pick % 5]
    return f"{initials} {suffix}" if pick % 10 < 6 else f"STE {initials}"


def draw_payments(inv, credit_notes, customers, contracts, truth, roles, as_of, rng,
                  noise="defaut", lost_factor=1.0):
    """Draw when each invoice is really paid (the payment timeline, truth only).

    Cheap compared with :func:`build_payment_tables`: the generator draws timelines until the
    balance they imply at the case date is tense, then builds the bank and ledger tables once.
    Returns ``(parts, story)``: one row per payment instalment, and the story's facts.
    """
    level = NOISE_LEVELS[noise]
    parts, story = _payment_parts(inv, credit_notes, customers, contracts, truth, roles, as_of, rng, level,
                                  lost_factor)
    a = _d(as_of)
    cust_ids = inv["customer_id"].to_numpy()
    # The customer who already paid: their latest due invoice was paid with an obscure label.
    ap_cust = roles["already_paid_customer"]
    cand = np.flatnonzero((cust_ids == ap_cust) & (inv["dup_of"].to_numpy() == "") &
                          (inv["due_date"].to_numpy().astype("datetime64[D]") <= a - 3) &
                          (inv["due_date"].to_numpy().astype("datetime64[D]") >= a - 40) &
                          (inv["special"].to_numpy() == ""))
    ap_date = _bus(a - int(rng.integers(6, 10)), 0, "backward")
    if len(cand) == 0:  # no invoice fell due recently: take the latest one issued before the payment
        cand = np.flatnonzero((cust_ids == ap_cust) & (inv["dup_of"].to_numpy() == "") &
                              (inv["invoice_date"].to_numpy().astype("datetime64[D]") < ap_date))[-1:]
    ap_pos = int(cand[-1])
    parts = parts[parts["pos"] != ap_pos]
    ap_amount = int(inv["total_ttc_cents"].iloc[ap_pos]
                    - credit_notes.loc[credit_notes["invoice_id"] == inv["invoice_id"].iloc[ap_pos],
                                       "total_ttc_cents"].sum())
    parts = pd.concat([parts, pd.DataFrame([{"pos": ap_pos, "pay_date": ap_date, "amount": ap_amount,
                                             "structure": "already_paid"}])], ignore_index=True)
    story.update(already_paid_pos=ap_pos, already_paid_on=ap_date)
    return parts, story


def timeline_tension(inv, credit_notes, parts, as_of) -> dict:
    """Tension figures implied by a payment timeline (before posting lags and unapplied cash).

    Same keys as :func:`o2c_lab.company.tension.tension_metrics` for the ratios it needs.
    """
    a = pd.Timestamp(as_of)
    issued = inv["invoice_date"] <= a
    paid = parts[parts["pay_date"] <= a].groupby("pos")["amount"].sum()
    cn = credit_notes[credit_notes["credit_date"] <= a].groupby("invoice_id")["total_ttc_cents"].sum()
    owed = inv["total_ttc_cents"].to_numpy() - cn.reindex(inv["invoice_id"]).fillna(0).to_numpy()
    open_ = np.where(issued, owed - paid.reindex(np.arange(len(inv))).fillna(0).to_numpy(), 0)
    open_ = np.maximum(open_, 0)
    late = (a - inv["due_date"]).dt.days.to_numpy()
    gross = open_.sum()
    recent = (inv["invoice_date"] > a - pd.Timedelta(days=91)) & issued
    sales = inv.loc[recent, "total_ttc_cents"].sum()
    terms = ((inv.loc[recent, "due_date"] - inv.loc[recent, "invoice_date"]).dt.days
             * inv.loc[recent, "total_ttc_cents"]).sum() / max(sales, 1)
    return {"overdue_share": open_[late > 0].sum() / max(gross, 1),
            "over_90_share": open_[late > 90].sum() / max(gross, 1),
            "dso_days": gross / max(sales, 1) * 91, "weighted_terms_days": float(terms)}


def build_payment_tables(parts, story, inv, credit_notes, customers, roles, company_iban,
                         as_of, history_start, rng, noise="defaut"):
    """Bank transfers, statements, the 411 ledger, dunning, promises and their truth, from a
    payment timeline drawn by :func:`draw_payments`.

    Returns ``(tables, truth_tables, story)``.
    """
    level = NOISE_LEVELS[noise]
    a = _d(as_of)
    cust_ids = inv["customer_id"].to_numpy()
    cust_index = pd.Index(customers["customer_id"])
    segments = customers["segment"].to_numpy()
    role_of = {c: r for r, c in roles.items()}

    # Group parts into bank transfers: payment runs for some customers (weekly, by due week).
    parts["cust"] = cust_index.get_indexer(cust_ids[parts["pos"]])
    groups_customer = (np.isin(segments, ["grand_compte", "secteur_public"]) |
                       (rng.random(len(customers)) < level["group_share"] * 0.6))
    for r in ("already_paid_customer", "unilateral_deducter", "eu_customer"):
        groups_customer[cust_index.get_loc(roles[r])] = r == "unilateral_deducter"
    # An escompte is paid by its own prompt transfer, never held for the weekly payment run.
    grouped = groups_customer[parts["cust"]] & ~np.isin(parts["structure"].to_numpy(), ["already_paid", "discount"])
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
    foreign, refunds = {}, None
    if level.get("foreign"):
        # A stream of its own: the other levels never draw it, so their output does not move.
        xrng = np.random.default_rng(rng.integers(1 << 62))
        foreign = foreign_noise.foreign_customers(customers, roles, xrng)
        refunds = foreign_noise.gross_then_refund(past, inv, credit_notes, foreign, as_of, xrng)
        parts.loc[past.index, ["amount", "structure"]] = past[["amount", "structure"]]

    txs = past.groupby("tx", sort=True).agg(customer_id=("customer_id", "first"), date=("tx_date", "first"),
                                            amount=("amount", "sum"), n=("pos", "size"))
    txs["deduction"] = (past["structure"] == "deduction").groupby(past["tx"]).any().to_numpy()
    txs["already_paid"] = (past["structure"] == "already_paid").groupby(past["tx"]).any().to_numpy()
    txs = txs.reset_index()
    roles_arr = txs["customer_id"].map(role_of).fillna("").to_numpy()
    tpos = cust_index.get_indexer(txs["customer_id"])
    label_noise = _label_noise(len(txs), tpos, segments, roles_arr, level, rng)
    label_noise[txs["already_paid"].to_numpy()] = "obscure_label"
    over = (rng.random(len(txs)) < level["overpayment"]) & (label_noise != "obscure_label")
    if noise != "defaut":
        # A surplus on top of a part payment or a discount cannot be told from them (530 € paid
        # on 1 000 € owed is a part payment to anyone): an overpayment is an invoice paid in
        # full plus a surplus, as a benchmark sets it. The default level keeps its first draw
        # so that the course's companies do not move.
        short = past["structure"].isin(["partial", "deduction", "discount"]).groupby(past["tx"]).any()
        over &= ~short.reindex(txs["tx"]).fillna(False).to_numpy()
    txs["extra"] = np.where(over, rng.integers(100, 5_000, len(txs)), 0)
    txs["label_noise"] = label_noise
    bank_names = np.array([_bank_name(n) for n in customers["name"]], dtype=object)
    refs = _split_by(past["tx"].to_numpy(), past["invoice_id"].to_numpy(), txs["tx"].to_numpy())
    payer = bank_names[tpos].copy()
    iban = customers["iban"].to_numpy()[tpos].copy()
    motif = np.empty(len(txs), dtype=object)
    pick = rng.integers(0, 1 << 30, len(txs))
    for k, (noise_k, r) in enumerate(zip(label_noise, refs)):
        if noise_k == "clean":
            motif[k] = " ".join(r) if len(r) <= 4 else f"{r[0]} ET {len(r) - 1} AUTRES"
        elif noise_k == "mangled_reference":
            motif[k] = " ".join(_mangle(x, pick[k] + j) for j, x in enumerate(r[:3]))
        elif noise_k == "no_reference":
            motif[k] = ("REGLEMENT FACTURES", "PAIEMENT FOURNISSEUR", "", "VIREMENT")[pick[k] % 4]
        elif noise_k == "obscure_label":
            payer[k] = _obscure(payer[k], pick[k])
            iban[k] = "" if pick[k] % 2 or txs["already_paid"].iat[k] else \
                identities.fr_iban("30004", f"{pick[k] % 99991:05d}", f"{pick[k] * 7919 % 10**11:011d}")
            motif[k] = ("", "PAIEMENT", "REGLT", "FACTURES")[pick[k] % 4]
        else:  # third party: a factor or a parent company pays on the customer's behalf
            payer[k] = _FACTORS[pick[k] % len(_FACTORS)] if pick[k] % 5 < 3 else f"{payer[k].split()[0]} HOLDING"
            iban[k] = identities.fr_iban("30003", f"{pick[k] % 99989:05d}", f"{pick[k] * 104729 % 10**11:011d}")
            motif[k] = f"POUR COMPTE {bank_names[tpos[k]][:20]} " + (r[0] if pick[k] % 2 else "")
    remittance = pd.Series(motif).str.strip().to_numpy(dtype=object)
    eu = roles_arr == "eu_customer"
    remittance[eu] = [identities.rf_reference(r[0].replace("-", "")) for r, e in zip(refs, eu) if e]
    ded = txs["deduction"].to_numpy()
    remittance[ded] = [(x + " DEDUCTION PENALITE LOGISTIQUE").strip() for x in remittance[ded]]
    if foreign:
        foreign_noise.rewrite_references(remittance, label_noise, refs, txs["customer_id"].to_numpy(),
                                         foreign, xrng)
        txs["label_noise"] = label_noise
    bank = pd.DataFrame({"date": txs["date"], "amount": (txs["amount"] + txs["extra"]).astype(np.int64),
                         "payer": payer, "iban": iban, "remittance": remittance,
                         "customer_id": txs["customer_id"], "tx": txs["tx"], "kind": "reglement_client"})
    # Duplicated transfers (the customer's AP department paid twice).
    dup = bank[(rng.random(len(bank)) < level["duplicate"]) & ~txs["already_paid"].to_numpy()].copy()
    dup["date"] = _bus(dup["date"].to_numpy().astype("datetime64[D]"), 1)
    dup = dup[dup["date"] <= a]
    dup["kind"] = "doublon"
    others = _non_customer_lines(history_start, as_of, bank, rng)
    extra_lines = [_refund_lines(refunds, bank_names[cust_index.get_indexer(refunds["customer_id"])],
                                 customers["iban"].to_numpy()[cust_index.get_indexer(refunds["customer_id"])],
                                 xrng)] if refunds is not None and len(refunds) else []
    bank = pd.concat([bank, dup, others, *extra_lines], ignore_index=True)
    bank["date"] = pd.to_datetime(bank["date"])
    bank = bank.sort_values(["date", "kind", "amount"], kind="stable").reset_index(drop=True)
    day_text = bank["date"].dt.strftime("%y%m%d")
    bank["bank_tx_id"] = "TX" + day_text + pd.Series(np.arange(len(bank))).map("{:06d}".format)
    bank["statement_id"] = "REL-" + bank["date"].dt.strftime("%Y-%m")
    customer_line = bank["kind"].isin(["reglement_client", "doublon"]).to_numpy()
    e2e = pd.Series(rng.integers(10**9, 10**10, len(bank))).map("E2E{}".format)
    bank["end_to_end_id"] = np.where(customer_line, e2e, "")
    bank.loc[customer_line & (bank["remittance"] == "").to_numpy(), "end_to_end_id"] = "NOTPROVIDED"
    bank["bank_code"] = np.select([bank["amount"] > 0, bank["kind"] == "frais_bancaires"],
                                  ["PMNT-RCDT-ESCT", "ACMT-MDOP-CHRG"], "PMNT-ICDT-ESCT")
    received = ("VIR SEPA RECU /DE " + bank["payer"].fillna("") + " /MOTIF " + bank["remittance"].fillna(""))
    bank["label"] = np.where(bank["amount"] > 0, received.str.replace(" /MOTIF $", "", regex=True),
                             bank["label"].fillna(""))
    for column in ("payer", "iban", "remittance", "customer_id"):
        bank[column] = bank[column].fillna("")
    transactions = pd.DataFrame({
        "bank_tx_id": bank["bank_tx_id"], "statement_id": bank["statement_id"],
        "booking_date": bank["date"], "value_date": bank["date"],
        "amount_cents": bank["amount"].astype(np.int64), "label": bank["label"],
        "counterparty_name": bank["payer"], "counterparty_iban": bank["iban"],
        "remittance_info": bank["remittance"], "end_to_end_id": bank["end_to_end_id"],
        "bank_code": bank["bank_code"],
    })
    statements = _statements(transactions, company_iban, history_start, as_of)

    # Truth: allocation of every bank line.
    original = bank[bank["kind"] == "reglement_client"]
    tx_id_of = pd.Series(original["bank_tx_id"].to_numpy(), index=original["tx"].to_numpy())
    txs["bank_tx_id"] = txs["tx"].map(tx_id_of).to_numpy()
    alloc = past.assign(bank_tx_id=past["tx"].map(tx_id_of).to_numpy())
    n_in_tx = alloc.groupby("bank_tx_id")["invoice_id"].transform("size").to_numpy()
    label_of = txs.set_index("bank_tx_id")["label_noise"]
    structure = alloc["structure"].replace("already_paid", "").to_numpy()
    noise_col = np.where(structure != "", structure,
                         np.where(n_in_tx > 1, "grouped", alloc["bank_tx_id"].map(label_of).to_numpy()))
    cn_sum = credit_notes.groupby("invoice_id")["total_ttc_cents"].sum()
    is_cn = structure == "credit_note"
    inv_amount = alloc["amount"].to_numpy() + np.where(
        is_cn, cn_sum.reindex(alloc["invoice_id"]).fillna(0).to_numpy().astype(np.int64), 0)
    pieces = [pd.DataFrame({"bank_tx_id": alloc["bank_tx_id"], "document_id": alloc["invoice_id"],
                            "customer_id": alloc["customer_id"], "amount_cents": inv_amount, "noise": noise_col})]
    cn_alloc = alloc[is_cn][["bank_tx_id", "invoice_id", "customer_id"]].merge(
        credit_notes[["invoice_id", "credit_note_id", "total_ttc_cents"]], on="invoice_id")
    pieces.append(pd.DataFrame({"bank_tx_id": cn_alloc["bank_tx_id"], "document_id": cn_alloc["credit_note_id"],
                                "customer_id": cn_alloc["customer_id"],
                                "amount_cents": -cn_alloc["total_ttc_cents"], "noise": "credit_note"}))
    extra = txs[txs["extra"] > 0]
    pieces.append(pd.DataFrame({"bank_tx_id": extra["bank_tx_id"], "document_id": "",
                                "customer_id": extra["customer_id"], "amount_cents": extra["extra"],
                                "noise": "overpayment"}))
    dups = bank[bank["kind"] == "doublon"]
    pieces.append(pd.DataFrame({"bank_tx_id": dups["bank_tx_id"], "document_id": "",
                                "customer_id": dups["customer_id"], "amount_cents": dups["amount"],
                                "noise": "duplicate"}))
    if extra_lines:
        rf = bank[bank["kind"] == foreign_noise.REFUND_KIND]
        pieces.append(pd.DataFrame({"bank_tx_id": rf["bank_tx_id"], "document_id": rf["refund_doc"],
                                    "customer_id": rf["customer_id"], "amount_cents": rf["amount"],
                                    "noise": "refund"}))
    allocations = pd.concat(pieces, ignore_index=True)
    allocations["amount_cents"] = allocations["amount_cents"].astype(np.int64)
    allocations = allocations.sort_values(["bank_tx_id", "document_id"], kind="stable").reset_index(drop=True)
    tags = pd.concat([allocations[["bank_tx_id", "noise"]],
                      pd.DataFrame({"bank_tx_id": txs["bank_tx_id"], "noise": txs["label_noise"]})])
    tags = tags.drop_duplicates().sort_values(["bank_tx_id", "noise"], kind="stable")
    keys, first = np.unique(tags["bank_tx_id"].to_numpy(), return_index=True)
    noises = pd.Series([",".join(chunk) for chunk in np.split(tags["noise"].to_numpy(), first[1:])], index=keys)
    bank_truth = pd.DataFrame({"bank_tx_id": bank["bank_tx_id"], "kind": bank["kind"],
                               "customer_id": bank["customer_id"]})
    bank_truth["noises"] = bank_truth["bank_tx_id"].map(noises).fillna("")
    bank_truth.loc[bank_truth["kind"] == "frais_bancaires", "noises"] = "bank_fee"
    bank_truth.loc[bank_truth["kind"] == "remboursement_fournisseur", "noises"] = "supplier_refund"

    # Per-invoice truth.
    all_parts = parts.groupby("invoice_id").agg(paid_on=("tx_date", "max"), paid_cents=("amount", "sum"))
    it = pd.DataFrame({"invoice_id": inv_ids, "customer_id": cust_ids}).join(all_parts, on="invoice_id")
    owed = inv["total_ttc_cents"].to_numpy() - cn_sum.reindex(inv_ids).fillna(0).to_numpy()
    paid_cents = it["paid_cents"].fillna(0).to_numpy().astype(np.int64)
    paid_on = it["paid_on"].to_numpy().astype("datetime64[D]")
    outcome = np.select(
        [inv["dup_of"].to_numpy() != "", paid_cents == 0, paid_cents < owed, paid_on > a],
        ["doublon", "impayee", "payee_partiellement", "payee_apres_arrete"], "payee")
    invoice_truth = pd.DataFrame({"invoice_id": inv_ids, "customer_id": cust_ids,
                                  "paid_on": pd.to_datetime(np.where(paid_cents > 0, paid_on, np.datetime64("NaT"))),
                                  "paid_cents": paid_cents, "outcome": outcome})

    ledger = _ledger(inv, credit_notes, bank, txs, allocations, as_of, rng, role_of)
    dunning, promises = _dunning_and_promises(inv, parts, as_of, rng)
    advices = _remittances(allocations, bank, customers)
    if foreign:  # foreign customers send their own advices, in their numbering
        own = foreign_noise.foreign_advices(allocations, bank, foreign, xrng, len(advices) + 1)
        advices = pd.concat([advices[~advices["customer_id"].isin(list(foreign))], own],
                            ignore_index=True)
    tables = {"bank_statements": statements, "bank_transactions": transactions, "ar_ledger": ledger,
              "dunning": dunning, "promises": promises, "remittance_advices": advices}
    truth_tables = {"invoice_truth": invoice_truth, "payment_allocations": allocations,
                    "bank_truth": bank_truth, "future_payments": future_payments.reset_index(drop=True)}
    story["bank"] = bank
    return tables, truth_tables, story


def _refund_lines(refunds, payers, ibans, rng):
    """Transfers refunding a credit note to a customer who had paid the invoice in full."""
    wording = ("REMBOURSEMENT AVOIR {}", "REFUND CREDIT NOTE {}", "GUTSCHRIFT {}", "REMBOURSEMENT")
    motif = [wording[int(rng.integers(len(wording)))].format(d) for d in refunds["credit_note_id"]]
    return pd.DataFrame({"date": refunds["date"].to_numpy(), "amount": refunds["amount"].to_numpy(),
                         "payer": payers, "iban": ibans, "remittance": motif,
                         "customer_id": refunds["customer_id"].to_numpy(), "kind": foreign_noise.REFUND_KIND,
                         "label": [f"VIR SEPA EMIS /A {p} /MOTIF {m}" for p, m in zip(payers, motif)],
                         "refund_doc": refunds["credit_note_id"].to_numpy()})


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


def _ledger(inv, credit_notes, bank, txs, allocations, as_of, rng, role_of):
    """The 411 sub-ledger as the AR team keeps it: receipts posted once the payer is identified,
    lettering where a group of documents and receipts nets to zero."""
    a = _d(as_of)
    invoices = pd.DataFrame({"journal": "VE", "entry_date": inv["invoice_date"], "customer_id": inv["customer_id"],
                             "document_id": inv["invoice_id"], "document_type": "facture",
                             "label": "Facture " + inv["invoice_id"], "debit_cents": inv["total_ttc_cents"],
                             "credit_cents": 0, "bank_tx_id": ""})
    notes = pd.DataFrame({"journal": "VE", "entry_date": credit_notes["credit_date"],
                          "customer_id": credit_notes["customer_id"], "document_id": credit_notes["credit_note_id"],
                          "document_type": "avoir",
                          "label": "Avoir " + credit_notes["credit_note_id"] + " sur " + credit_notes["invoice_id"],
                          "debit_cents": 0, "credit_cents": credit_notes["total_ttc_cents"], "bank_tx_id": ""})
    # Which receipts did the AR team post to a customer account, and when?
    cb = bank[bank["kind"].isin(["reglement_client", "doublon", foreign_noise.REFUND_KIND])]
    days = cb["date"].to_numpy().astype("datetime64[D]")
    post = _bus(days, rng.integers(0, 3, len(cb)))
    noise = cb["tx"].map(txs.set_index("tx")["label_noise"]).fillna("clean").to_numpy()
    hard = np.isin(noise, ["obscure_label", "third_party"]) | ((cb["remittance"] == "") & (cb["iban"] == "")).to_numpy()
    # Hard-to-identify receipts wait in the suspense account; the team clears it within about six
    # weeks, so only recent ones are still unposted at the case date.
    post = np.where(hard, _bus(post, rng.integers(3, 30, len(cb))), post)
    already_paid = (cb["customer_id"].map(role_of) == "already_paid_customer").to_numpy() & \
        (cb["iban"] == "").to_numpy() & (days >= a - 15)
    posted_mask = (post <= a) & ~already_paid
    pc = cb[posted_mask]
    receipts = pd.DataFrame({"journal": "BQ", "entry_date": post[posted_mask], "customer_id": pc["customer_id"],
                             "document_id": pc["bank_tx_id"], "document_type": "reglement",
                             "label": (np.where(pc["amount"] < 0, "Remboursement ", "Règlement ")
                                       + pc["payer"]).str.strip(),
                             # A refund of a credit note is money paid back to the customer: a debit.
                             "debit_cents": (-pc["amount"]).clip(lower=0),
                             "credit_cents": pc["amount"].clip(lower=0), "bank_tx_id": pc["bank_tx_id"]})
    posted = set(pc["bank_tx_id"])
    # Discounts taken: the AR team books the difference as an "escompte accordé" entry.
    disc = allocations[(allocations["noise"] == "discount") & allocations["bank_tx_id"].isin(posted)]
    gap = disc["document_id"].map(inv.set_index("invoice_id")["total_ttc_cents"]).to_numpy() - disc["amount_cents"].to_numpy()
    disc = disc.assign(gap=gap)[gap > 0]
    escomptes = pd.DataFrame({"journal": "OD", "entry_date": disc["bank_tx_id"].map(bank.set_index("bank_tx_id")["date"]),
                              "customer_id": disc["customer_id"], "document_id": "ESC-" + disc["document_id"],
                              "document_type": "escompte", "label": "Escompte accordé " + disc["document_id"],
                              "debit_cents": 0, "credit_cents": disc["gap"], "bank_tx_id": disc["bank_tx_id"]})
    ledger = pd.concat([invoices, notes, receipts, escomptes], ignore_index=True)
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

    links = [zip(edges["bank_tx_id"].to_numpy(), edges["document_id"].to_numpy()),
             zip(escomptes["document_id"].to_numpy(), escomptes["document_id"].str[4:].to_numpy()),
             # A credit note is lettered together with the invoice it corrects.
             zip(credit_notes["credit_note_id"].to_numpy(), credit_notes["invoice_id"].to_numpy())]
    for pairs in links:
        for x, y in pairs:
            parent[find(x)] = find(y)
    ledger["group"] = [find(d) if d in parent else "" for d in ledger["document_id"].to_numpy()]
    net = (ledger["debit_cents"] - ledger["credit_cents"]).groupby(ledger["group"]).transform("sum")
    lettered = (ledger["group"] != "") & (net == 0)
    ledger["lettering"] = ""
    ledger["lettering_date"] = pd.NaT
    if lettered.any():
        lg = ledger[lettered]
        ledger.loc[lettered, "lettering_date"] = lg.groupby("group")["entry_date"].transform("max")
        firsts = lg.groupby("group")["entry_date"].max().sort_values(kind="stable")
        cust_of_group = lg.groupby("group")["customer_id"].first().reindex(firsts.index)
        counter = cust_of_group.groupby(cust_of_group).cumcount().to_numpy()
        codes = pd.Series([lettering_code(k) for k in counter], index=firsts.index)
        ledger.loc[lettered, "lettering"] = ledger.loc[lettered, "group"].map(codes)
    # Unlettered receipts: the AR clerk noted which document a partial payment was applied to.
    main_doc = (edges.sort_values("amount_cents", ascending=False, kind="stable").drop_duplicates("bank_tx_id")
                .set_index("bank_tx_id")["document_id"])
    ledger["applied_to"] = ""
    open_receipts = (ledger["document_type"] == "reglement") & (ledger["lettering"] == "")
    ledger.loc[open_receipts, "applied_to"] = ledger.loc[open_receipts, "bank_tx_id"].map(main_doc).fillna("")
    ledger["entry_id"] = pd.Series(np.arange(1, len(ledger) + 1)).map("E{:07d}".format)
    ledger["lettering_date"] = pd.to_datetime(ledger["lettering_date"])
    return ledger[["entry_id", "journal", "entry_date", "customer_id", "document_id", "document_type",
                   "label", "debit_cents", "credit_cents", "applied_to", "lettering", "lettering_date",
                   "bank_tx_id"]]


def _remittances(allocations, bank, customers):
    """Payment advices: key accounts and public buyers announce their grouped transfers."""
    seg = customers.set_index("customer_id")["segment"]
    docs = allocations[allocations["document_id"] != ""]
    size = docs.groupby("bank_tx_id")["document_id"].transform("size")
    grouped = docs[(size > 1) & docs["customer_id"].map(seg).isin(["grand_compte", "secteur_public"])]
    number = pd.Series(pd.factorize(grouped["bank_tx_id"], sort=True)[0] + 1, index=grouped.index)
    date_of = bank.set_index("bank_tx_id")["date"]
    advice_date = _bus(grouped["bank_tx_id"].map(date_of).to_numpy().astype("datetime64[D]"), -1)
    return pd.DataFrame({"advice_id": number.map("AVIS-{:05d}".format), "customer_id": grouped["customer_id"],
                         "advice_date": pd.to_datetime(advice_date),
                         "payment_reference": number.map("PAIEMENT-{:05d}".format),
                         "document_id": grouped["document_id"], "amount_cents": grouped["amount_cents"]}
                        ).reset_index(drop=True)


def _dunning_and_promises(inv, parts, as_of, rng):
    a = _d(as_of)
    settle = parts.groupby("invoice_id")["tx_date"].max()
    settled = settle.reindex(inv["invoice_id"]).to_numpy().astype("datetime64[D]")
    settled = np.where(np.isnat(settled), np.datetime64("2999-12-31"), settled)
    due = inv["due_date"].to_numpy().astype("datetime64[D]")
    stop = np.minimum(settled - 1, a)
    pieces = []
    for level, offset, channel in ((1, 7, "email"), (2, 21, "email"), (3, 45, "courrier")):
        sent = _bus(due + offset)
        mask = (sent <= stop) & (inv["dup_of"].to_numpy() == "")
        pieces.append(pd.DataFrame({"customer_id": inv["customer_id"].to_numpy()[mask],
                                    "invoice_id": inv["invoice_id"].to_numpy()[mask],
                                    "sent_on": sent[mask], "level": level, "channel": channel}))
    dunning = pd.concat(pieces, ignore_index=True)
    dunning["sent_on"] = pd.to_datetime(dunning["sent_on"])
    dunning = dunning.sort_values(["sent_on", "invoice_id", "level"], kind="stable").reset_index(drop=True)
    dunning["dunning_id"] = pd.Series(np.arange(1, len(dunning) + 1)).map("REL-{:06d}".format)
    # Promises obtained after a level-2 reminder (about a third of the time).
    lvl2 = dunning[(dunning["level"] == 2).to_numpy() & (rng.random(len(dunning)) < 0.35)]
    made = _bus(lvl2["sent_on"].to_numpy().astype("datetime64[D]"), rng.integers(1, 5, len(lvl2)))
    actual = lvl2["invoice_id"].map(settle).to_numpy().astype("datetime64[D]")
    honest = ~np.isnat(actual) & (rng.random(len(lvl2)) < 0.7) & (actual > made)
    promised = np.where(honest, _bus(np.where(honest, actual, made) - rng.integers(0, 3, len(lvl2))),
                        _bus(made + rng.integers(5, 15, len(lvl2))))
    kept = ~np.isnat(actual) & (actual <= promised + 3)
    status = np.select([promised > a, kept], ["en cours", "tenue"], "non tenue")
    amount = lvl2["invoice_id"].map(inv.set_index("invoice_id")["total_ttc_cents"]).to_numpy()
    channel = np.where(rng.random(len(lvl2)) < 0.6, "téléphone", "email")
    promises = pd.DataFrame({"customer_id": lvl2["customer_id"].to_numpy(), "made_on": pd.to_datetime(made),
                             "promised_date": pd.to_datetime(promised), "amount_cents": amount,
                             "invoice_ids": lvl2["invoice_id"].to_numpy(), "channel": channel, "status": status})
    promises = promises[promises["made_on"] <= pd.Timestamp(a)]
    promises = promises.sort_values(["made_on", "customer_id"], kind="stable").reset_index(drop=True)
    promises["promise_id"] = pd.Series(np.arange(1, len(promises) + 1)).map("PRO-{:05d}".format)
    return dunning, promises
