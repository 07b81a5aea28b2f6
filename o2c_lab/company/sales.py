"""Orders → deliveries → invoices (with lines and VAT) → credit notes, vectorised with numpy.

The story's special documents (the key account's blocked invoice, the two disputes) are planted
here, and so are the audit anomalies, each recorded in the truth table ``invoice_anomalies``.
"""

from __future__ import annotations


import numpy as np
import pandas as pd

from ..law import due_dates, reform_mentions_required
from .portfolio import SERVICE_LABELS
from .scenario import ISSUER_SIZE
from ..money import vat_cents

__all__ = ["make_sales", "EU_VAT_MENTION"]

EU_VAT_MENTION = "Exonération de TVA, article 262 ter I du CGI (livraison intracommunautaire)"
_LINE_VALUE_CENTS = 80_000  # typical line value (HT) for an order of size 1


def _day(ts) -> np.datetime64:
    return np.datetime64(pd.Timestamp(ts).date(), "D")


def _orders(customers, activity, roles, as_of, history_start, rng):
    n_days = (as_of - history_start).days
    months = n_days / 30.44
    since = customers["customer_since"].to_numpy().astype("datetime64[D]")
    start = np.maximum(since, _day(history_start))
    active_days = (_day(as_of) - start).astype(int)
    counts = rng.poisson(activity["orders_per_month"].to_numpy() * months * active_days / n_days)
    cust_idx = np.repeat(np.arange(len(customers)), counts)
    offsets = (rng.random(len(cust_idx)) * active_days[cust_idx]).astype(int)
    dates = np.busday_offset(start[cust_idx] + offsets.astype("timedelta64[D]"), 0, roll="forward")
    keep = dates < _day(as_of)
    orders = pd.DataFrame({"cust": cust_idx[keep], "order_date": dates[keep], "special": ""})
    # The insolvent customer stopped being served a few days after the BODACC publication; the
    # last order was taken just before the case date and is still being prepared.
    ins = customers.index[customers["customer_id"] == roles["insolvent_customer"]][0]
    extra = pd.DataFrame({"cust": [ins], "order_date": [np.busday_offset(_day(as_of) - 3, 0, roll="backward")],
                          "special": ["insolvent_pending"]})
    by = {r: customers.index[customers["customer_id"] == c][0] for r, c in roles.items()}
    specials = pd.DataFrame({
        "cust": [by["reliable_key_account"], by["dispute_a_customer"], by["unilateral_deducter"]],
        "order_date": [np.busday_offset(_day(as_of) - int(rng.integers(160, 185)), 0, roll="forward"),
                       np.busday_offset(_day(as_of) - int(rng.integers(58, 66)), 0, roll="forward"),
                       np.busday_offset(_day(as_of) - int(rng.integers(100, 112)), 0, roll="forward")],
        "special": ["key_blocked", "dispute_a", "dispute_b"],
    })
    orders = pd.concat([orders, extra, specials], ignore_index=True)
    orders = orders.sort_values(["order_date", "cust"], kind="stable").reset_index(drop=True)
    return orders


def _lines(orders, customers, contracts, catalog, activity, rng):
    n_lines = 1 + np.minimum(rng.poisson(1.6, len(orders)), 7)
    special = orders["special"].to_numpy()
    n_lines[special == "dispute_a"] = 1
    n_lines[special == "dispute_b"] = 3
    n_lines[special == "key_blocked"] = 4
    order_idx = np.repeat(np.arange(len(orders)), n_lines)
    starts = np.repeat(np.cumsum(n_lines) - n_lines, n_lines)
    line_no = np.arange(len(order_idx)) - starts + 1
    prices = catalog["unit_price_cents"].to_numpy()
    popularity = 1.0 / np.sqrt(prices)
    product = rng.choice(len(catalog), size=len(order_idx), p=popularity / popularity.sum())
    cust = orders["cust"].to_numpy()[order_idx]
    # EU customers buy goods only (intra-EU supplies, CGI 262 ter I): a service line becomes the
    # next catalogue article, a good.
    service = catalog["label"].isin(SERVICE_LABELS).to_numpy()
    eu = (customers["segment"].to_numpy() == "export_ue")[cust]
    while (swap := eu & service[product]).any():
        product[swap] = (product[swap] + 1) % len(catalog)
    size = activity["size"].to_numpy()[cust]
    target = _LINE_VALUE_CENTS * size * rng.lognormal(0, 0.6, len(order_idx))
    sp = special[order_idx]
    target[sp == "key_blocked"] *= 6.0
    target[sp == "dispute_b"] *= 3.0
    target[sp == "dispute_a"] *= 4.0
    quantity = np.maximum(1, np.rint(target / prices[product])).astype(np.int64)
    # Dispute A: a mid-priced article ordered in a round quantity, so a shortfall is visible.
    mid = int(np.argsort(prices)[len(prices) // 2])
    a = sp == "dispute_a"
    product[a] = mid
    quantity[a] = np.maximum(40, np.rint(quantity[a] / 10) * 10)
    discount = contracts["price_discount_pct"].to_numpy()[cust]
    unit = np.rint(prices[product] * (100.0 - discount) / 100.0).astype(np.int64)
    return pd.DataFrame({"order": order_idx, "line_no": line_no, "product": product,
                         "quantity": quantity, "unit_price_cents": unit, "cust": cust, "special": sp})


def _deliveries(orders, lines, as_of, rng):
    n = len(orders)
    special = orders["special"].to_numpy()
    lead = 1 + rng.poisson(2.5, n)
    late = rng.random(n) < 0.05
    lead[late] += rng.integers(10, 25, late.sum())
    first = np.busday_offset(orders["order_date"].to_numpy().astype("datetime64[D]"), lead, roll="forward")
    first[special == "insolvent_pending"] = np.datetime64("2999-12-31")
    partial = (rng.random(n) < 0.07) & (special == "")
    partial[special == "dispute_a"] = True
    line_order = lines["order"].to_numpy()
    first_line = np.r_[True, line_order[1:] != line_order[:-1]] if len(lines) else np.array([], bool)
    short = partial[line_order] & first_line & (lines["quantity"].to_numpy() >= 2)
    frac = rng.uniform(0.4, 0.8, len(lines))
    delivered_first = lines["quantity"].to_numpy().copy()
    delivered_first[short] = np.maximum(1, np.floor(delivered_first[short] * frac[short])).astype(np.int64)
    a_lines = (lines["special"].to_numpy() == "dispute_a")
    delivered_first[a_lines] = (lines["quantity"].to_numpy()[a_lines] * 3) // 5
    remainder = lines["quantity"].to_numpy() - delivered_first
    second = np.busday_offset(first, rng.integers(7, 25, n), roll="forward")
    second[special == "dispute_a"] = np.datetime64("2999-12-31")  # back-ordered, not yet delivered
    has_second = np.zeros(n, bool)
    np.logical_or.at(has_second, line_order, remainder > 0)
    dl = [pd.DataFrame({"order": line_order, "line_no": lines["line_no"], "product": lines["product"],
                        "quantity": delivered_first, "wave": 1}),
          pd.DataFrame({"order": line_order[remainder > 0], "line_no": lines["line_no"][remainder > 0],
                        "product": lines["product"][remainder > 0], "quantity": remainder[remainder > 0],
                        "wave": 2})]
    dlines = pd.concat(dl, ignore_index=True)
    waves = pd.DataFrame({"order": np.r_[np.arange(n), np.flatnonzero(has_second)],
                          "wave": np.r_[np.ones(n, int), np.full(has_second.sum(), 2)],
                          "delivery_date": np.r_[first, second[has_second]]})
    waves["complete"] = ~((waves["wave"] == 1) & has_second[waves["order"]])
    waves = waves[waves["delivery_date"] <= _day(as_of)]
    waves = waves.sort_values(["delivery_date", "order", "wave"], kind="stable").reset_index(drop=True)
    years = pd.to_datetime(waves["delivery_date"]).dt.year.astype(str)
    waves["delivery_id"] = "BL-" + years + "-" + pd.Series(np.arange(1, len(waves) + 1)).map("{:06d}".format)
    dlines = dlines.merge(waves[["order", "wave", "delivery_id"]], on=["order", "wave"])
    return waves, dlines


def make_sales(customers, contracts, catalog, activity, roles, as_of, history_start, rng):
    """Build orders, deliveries, invoices and credit notes; returns ``(tables, invoice_anomalies)``."""
    orders = _orders(customers, activity, roles, as_of, history_start, rng)
    lines = _lines(orders, customers, contracts, catalog, activity, rng)
    waves, dlines = _deliveries(orders, lines, as_of, rng)

    cust_ids = customers["customer_id"].to_numpy()
    seg = customers["segment"].to_numpy()
    has_po = np.isin(seg[orders["cust"]], ["grand_compte", "eti_pme", "secteur_public", "export_ue"])
    has_po |= rng.random(len(orders)) < 0.2
    orders["order_id"] = [f"CDE-{i + 1:06d}" for i in range(len(orders))]
    po_numbers = rng.integers(100_000, 999_999, len(orders))
    orders["customer_po"] = np.where(has_po, [f"PO{p}" for p in po_numbers], "")
    orders["customer_id"] = cust_ids[orders["cust"]]

    # One invoice per delivery wave, dated the delivery day.
    inv = waves.copy()
    inv["cust"] = orders["cust"].to_numpy()[inv["order"]]
    inv["special"] = orders["special"].to_numpy()[inv["order"]]
    inv["invoice_date"] = inv["delivery_date"]
    ilines = dlines.merge(lines[["order", "line_no", "unit_price_cents", "quantity"]].rename(
        columns={"quantity": "ordered"}), on=["order", "line_no"])
    # Dispute A: the invoice bills the full order although part is back-ordered.
    a = orders["special"].to_numpy()[ilines["order"]] == "dispute_a"
    ilines.loc[a, "quantity"] = ilines.loc[a, "ordered"]

    anomalies = []  # (delivery_id of the invoice, anomaly, detail)
    inv["customer_po"] = orders["customer_po"].to_numpy()[inv["order"]]
    terms = contracts.set_index("customer_id")["payment_terms"]
    inv["payment_terms"] = terms.reindex(cust_ids[inv["cust"]]).to_numpy()
    pool = np.flatnonzero((inv["special"].to_numpy() == "") & (inv["invoice_date"] < _day(as_of) - 20))
    pool = rng.permutation(pool)
    n_each = max(2, int(round(len(inv) * 0.0012)))
    used: set[int] = set()

    def take(k, mask=None):
        chosen = []
        for i in pool:
            if len(chosen) == k:
                break
            if i not in used and (mask is None or mask[i]):
                chosen.append(int(i))
        used.update(chosen)
        return chosen

    deliveries_of = inv["delivery_id"].to_numpy()
    discount_of_inv = contracts["price_discount_pct"].to_numpy()[inv["cust"]]
    french = customers["country"].to_numpy()[inv["cust"]] == "FR"
    first_line_of = pd.Series(np.arange(len(ilines)), index=ilines["delivery_id"].to_numpy())
    first_line_of = first_line_of[~first_line_of.index.duplicated()]
    prices = catalog["unit_price_cents"].to_numpy()
    # Work on plain arrays: writing cell by cell into large frames copies whole columns.
    unit = ilines["unit_price_cents"].to_numpy().copy()
    qty = ilines["quantity"].to_numpy().copy()
    rate = catalog["vat_rate"].to_numpy()[ilines["product"]].astype(float)
    product = ilines["product"].to_numpy()
    siren_shown = np.ones(len(inv), bool)
    penalty_shown = np.ones(len(inv), bool)
    indemnity_shown = np.ones(len(inv), bool)
    po = inv["customer_po"].to_numpy().copy()

    def plant(i, kind, detail):
        anomalies.append((deliveries_of[i], kind, detail))

    for i in take(n_each, discount_of_inv > 0):
        li = first_line_of[deliveries_of[i]]
        unit[li] = prices[product[li]]
        plant(i, "price_vs_contract", f"ligne 1 : prix catalogue facturé, remise contractuelle de "
                                      f"{discount_of_inv[i]:g} % non appliquée".replace(".", ","))
    for i in take(n_each):
        li = first_line_of[deliveries_of[i]]
        extra = int(rng.integers(1, 6))
        qty[li] += extra
        plant(i, "quantity_vs_delivery", f"ligne 1 : {extra} unité(s) facturée(s) en plus de la quantité livrée")
    for i in take(n_each, french):
        li = first_line_of[deliveries_of[i]]
        right = rate[li]
        wrong = 10.0 if right == 20.0 else 20.0
        rate[li] = wrong
        plant(i, "wrong_vat_rate", f"ligne 1 : TVA à {wrong:g} % au lieu de {right:g} %".replace(".", ","))
    # Customer SIREN left out: a fault only once the issuer is in the e-invoicing reform.
    invoice_days = inv["invoice_date"].dt.date.to_numpy()
    for i in take(n_each, french):
        siren_shown[i] = False
        if reform_mentions_required(ISSUER_SIZE, invoice_days[i]):
            plant(i, "missing_customer_siren", "SIREN du client absent de la facture")
    for i in take(n_each):
        penalty_shown[i] = False
        plant(i, "missing_penalty_mention", "taux des pénalités de retard non mentionné")
    for i in take(n_each):
        indemnity_shown[i] = False
        plant(i, "missing_indemnity_mention", "indemnité forfaitaire de 40 € non mentionnée")
    for i in take(n_each, po != ""):
        plant(i, "missing_po", f"bon de commande {po[i]} du client non reporté")
        po[i] = ""
    # The story's documents.
    special = inv["special"].to_numpy()
    kb = int(np.flatnonzero(special == "key_blocked")[0])
    plant(kb, "missing_po", f"bon de commande {po[kb]} du client non reporté")
    po[kb] = ""
    da = int(np.flatnonzero(special == "dispute_a")[0])
    plant(da, "quantity_vs_delivery", "commande facturée en totalité alors qu'une partie est en reliquat")
    db = int(np.flatnonzero(special == "dispute_b")[0])
    li = first_line_of[deliveries_of[db]]
    unit[li] = prices[product[li]]
    plant(db, "price_vs_contract", f"ligne 1 : prix catalogue facturé, remise contractuelle de "
                                   f"{discount_of_inv[db]:g} % non appliquée".replace(".", ","))
    ilines["unit_price_cents"] = unit
    ilines["quantity"] = qty
    ilines["vat_rate"] = rate
    inv["customer_siren_shown"] = siren_shown
    inv["penalty_mention"] = penalty_shown
    inv["indemnity_mention"] = indemnity_shown
    inv["customer_po"] = po

    # EU customers: intra-EU supply of goods, exempt, reverse charge.
    eu_line = seg[orders["cust"].to_numpy()[ilines["order"]]] == "export_ue"
    ilines.loc[eu_line, "vat_rate"] = 0.0
    inv["vat_mention"] = np.where(seg[inv["cust"]] == "export_ue", EU_VAT_MENTION, "")

    # Duplicates: the same delivery billed a second time a few days later.
    inv["dup_of"] = ""
    dups = inv.loc[take(n_each)].copy()
    dups["invoice_date"] = np.busday_offset(dups["invoice_date"].to_numpy().astype("datetime64[D]"),
                                            rng.integers(1, 4, len(dups)), roll="forward")
    dups = dups[dups["invoice_date"] < _day(as_of)]
    dups["dup_of"] = dups["delivery_id"]
    inv = pd.concat([inv, dups], ignore_index=True)

    # Numbering: one chronological sequence per year, with one planted gap.
    inv = inv.sort_values(["invoice_date", "dup_of", "delivery_id"], kind="stable").reset_index(drop=True)
    years = pd.to_datetime(inv["invoice_date"]).dt.year.to_numpy()
    seq = np.zeros(len(inv), dtype=np.int64)
    for y in np.unique(years):
        m = years == y
        seq[m] = np.arange(1, m.sum() + 1)
    eligible = np.flatnonzero((inv["special"].to_numpy() == "") & (inv["dup_of"].to_numpy() == "")
                              & (inv["invoice_date"].to_numpy() < _day(as_of) - 20))
    gap_at = int(rng.choice(eligible[len(eligible) // 4: 3 * len(eligible) // 4]))
    seq[(years == years[gap_at]) & (np.arange(len(inv)) >= gap_at)] += 1
    inv["invoice_id"] = [f"FA-{y}-{s:05d}" for y, s in zip(years, seq)]
    original = inv["dup_of"] == ""
    id_of_delivery = dict(zip(inv.loc[original, "delivery_id"], inv.loc[original, "invoice_id"]))
    anomaly_rows = [{"invoice_id": id_of_delivery[d], "anomaly": k, "detail": t} for d, k, t in anomalies]
    for _, row in inv.loc[~original].iterrows():
        anomaly_rows.append({"invoice_id": row["invoice_id"], "anomaly": "duplicate_invoice",
                             "detail": f"doublon de la facture {id_of_delivery[row['dup_of']]} (même livraison)"})
    for invoice_id in inv.loc[inv["payment_terms"] == "90J", "invoice_id"]:
        anomaly_rows.append({"invoice_id": invoice_id, "anomaly": "due_date_beyond_cap",
                             "detail": "échéance à 90 jours : au-delà du plafond légal de 60 jours"})
    anomaly_rows.append({"invoice_id": inv["invoice_id"].iloc[gap_at], "anomaly": "numbering_gap",
                         "detail": f"le numéro {years[gap_at]}-{seq[gap_at] - 1:05d} n'a jamais été émis"})

    # Invoice lines: one set per invoice (duplicates repeat their original's lines).
    lines_out = inv[["invoice_id", "delivery_id"]].merge(ilines, on="delivery_id")
    lines_out = lines_out.sort_values(["invoice_id", "line_no"], kind="stable").reset_index(drop=True)
    lines_out["net_cents"] = lines_out["quantity"].to_numpy() * lines_out["unit_price_cents"].to_numpy()
    lines_out["vat_cents"] = vat_cents(lines_out["net_cents"].to_numpy(), lines_out["vat_rate"].to_numpy())
    lines_out["label"] = catalog["label"].to_numpy()[lines_out["product"]]
    lines_out["product_id"] = catalog["product_id"].to_numpy()[lines_out["product"]]
    totals = lines_out.groupby("invoice_id")[["net_cents", "vat_cents"]].sum()
    inv["total_ht_cents"] = totals["net_cents"].reindex(inv["invoice_id"]).to_numpy()
    inv["total_vat_cents"] = totals["vat_cents"].reindex(inv["invoice_id"]).to_numpy()
    inv["total_ttc_cents"] = inv["total_ht_cents"] + inv["total_vat_cents"]
    inv["due_date"] = due_dates(inv["invoice_date"].to_numpy(), inv["payment_terms"].to_numpy())
    inv["customer_id"] = cust_ids[inv["cust"]]
    inv["order_id"] = orders["order_id"].to_numpy()[inv["order"]]

    credit_notes = _credit_notes(inv, as_of, rng)
    tables = {
        "orders": orders[["order_id", "customer_id", "order_date", "customer_po"]],
        "order_lines": pd.DataFrame({
            "order_id": orders["order_id"].to_numpy()[lines["order"]], "line_no": lines["line_no"],
            "product_id": catalog["product_id"].to_numpy()[lines["product"]],
            "quantity": lines["quantity"], "unit_price_cents": lines["unit_price_cents"]}),
        "deliveries": pd.DataFrame({
            "delivery_id": waves["delivery_id"], "order_id": orders["order_id"].to_numpy()[waves["order"]],
            "customer_id": cust_ids[orders["cust"].to_numpy()[waves["order"]]],
            "delivery_date": waves["delivery_date"], "complete": waves["complete"].to_numpy(),
            "signed": True, "reservation": ""}),
        "delivery_lines": pd.DataFrame({
            "delivery_id": dlines["delivery_id"], "line_no": dlines["line_no"],
            "product_id": catalog["product_id"].to_numpy()[dlines["product"]],
            "quantity": dlines["quantity"]}).sort_values(["delivery_id", "line_no"]).reset_index(drop=True),
        "invoices": inv,
        "invoice_lines": lines_out,
        "credit_notes": credit_notes,
    }
    return tables, pd.DataFrame(anomaly_rows)


def _credit_notes(inv, as_of, rng):
    """Credit notes for returns and commercial gestures on ~1.5 % of ordinary invoices."""
    ordinary = np.flatnonzero((inv["special"].to_numpy() == "") & (inv["dup_of"].to_numpy() == "")
                              & (inv["invoice_date"].to_numpy() < _day(as_of) - 30))
    picked = np.sort(rng.choice(ordinary, size=max(2, len(ordinary) * 15 // 1000), replace=False))
    reasons = np.array(["retour de marchandise", "geste commercial", "erreur de prix", "article défectueux"])
    share = rng.uniform(0.05, 0.3, len(picked))
    ht = np.rint(inv["total_ht_cents"].to_numpy()[picked] * share).astype(np.int64)
    ratio = np.where(inv["total_ht_cents"].to_numpy()[picked] > 0,
                     inv["total_vat_cents"].to_numpy()[picked] / inv["total_ht_cents"].to_numpy()[picked], 0)
    vat = np.rint(ht * ratio).astype(np.int64)
    dates = np.busday_offset(inv["invoice_date"].to_numpy().astype("datetime64[D]")[picked],
                             rng.integers(2, 12, len(picked)), roll="forward")
    years = pd.to_datetime(dates).year
    cn = pd.DataFrame({"credit_date": dates, "invoice_id": inv["invoice_id"].to_numpy()[picked],
                       "customer_id": inv["customer_id"].to_numpy()[picked],
                       "reason": reasons[rng.integers(0, len(reasons), len(picked))],
                       "total_ht_cents": ht, "total_vat_cents": vat, "total_ttc_cents": ht + vat,
                       "year": years})
    cn = cn.sort_values(["credit_date", "invoice_id"], kind="stable").reset_index(drop=True)
    cn["credit_note_id"] = [f"AV-{y}-{k:05d}" for y, k in
                            zip(cn["year"], cn.groupby("year").cumcount() + 1)]
    return cn.drop(columns="year")
