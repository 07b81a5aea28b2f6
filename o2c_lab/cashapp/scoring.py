"""Measure the engine on a simulated company's truth, and the exact-reference rule beside it.

:func:`replay_history` runs the engine over every bank line of the history, each against the
items open at its booking date as the ERP's ledger showed them (plus what the engine itself
applied earlier). With ``learn=True`` the receipts the AR team posted to a customer account
(ledger entries dated before the line) are the « corrections » the engine learns payer rules from.

:func:`score` compares with the truth tables ``payment_allocations`` and ``bank_truth``:

- precision of automatic matches at pair level (payment, document, amount to the cent);
- share of customer payments fully applied automatically (all their true pairs, nothing else);
- among the other customer payments, share whose suggestions or hypotheses contain the true
  allocation exactly (and its rank in the list; looser, share where the true documents are
  among those proposed);
- recall per noise type; automatic matches on lines that are not customer payments;
- recall of automatic pairs per kind of payment (one invoice, partial, several invoices,
  overpayment, credit note deducted, refund of a credit note);
- (payment, document) pairs scored as an outside benchmark does, amounts aside: precision,
  recall and F1 of the automatic pairs, and of the retained proposal (automatic or suggested).
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd

from .engine import STATUS_AUTO, CashMatcher, EngineConfig, LineResult, MatchResult
from .items import document_table, ledger_events
from .rules import RuleBook

__all__ = ["replay_history", "score", "noise_table", "compare_with_baseline", "score_seeds",
           "payment_kinds", "PAYMENT_KINDS", "CUSTOMER_KINDS"]

#: Bank lines that move money between a customer and the company (what the engine must apply).
CUSTOMER_KINDS = ("reglement_client", "remboursement_client")
#: Kind of payment -> French label, in the order a payment is classified (first that fits).
PAYMENT_KINDS = {"remboursement": "remboursement d'avoir", "trop_percu": "trop-perçu",
                 "avoir": "avoir déduit", "partiel": "paiement partiel",
                 "plusieurs": "plusieurs factures", "une_facture": "une facture"}


def payment_kinds(company) -> dict[str, str]:
    """Kind of every customer payment of the truth (a key of :data:`PAYMENT_KINDS`)."""
    alloc = company.truth["payment_allocations"]
    bt = company.truth["bank_truth"].set_index("bank_tx_id")["kind"]
    out = {}
    for tx, grp in alloc.groupby("bank_tx_id", sort=False):
        noises = set(grp["noise"])
        docs = grp.loc[grp["document_id"] != "", "document_id"]
        if bt.get(tx) == "remboursement_client":
            out[tx] = "remboursement"
        elif "overpayment" in noises:
            out[tx] = "trop_percu"
        elif "credit_note" in noises:
            out[tx] = "avoir"
        elif noises & {"partial", "deduction"}:
            out[tx] = "partiel"
        elif len(docs) > 1:
            out[tx] = "plusieurs"
        elif len(docs) == 1:
            out[tx] = "une_facture"
    return out


def _prf(found: set, truth: set) -> dict:
    right = len(found & truth)
    p = right / len(found) if found else 1.0
    r = right / len(truth) if truth else 1.0
    return {"found": len(found), "truth": len(truth), "right": right,
            "precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def _allocation_key(allocs) -> frozenset:
    return frozenset((d, int(c)) for d, c in allocs if d)


def replay_history(company, *, method: str = "engine", config: EngineConfig | None = None,
                   learn: bool = True, rules: RuleBook | None = None) -> MatchResult:
    """Run ``method`` (``engine`` or ``baseline``) over all bank lines of ``company``'s history."""
    t = company.tables
    docs = document_table(t["invoices"], t["credit_notes"])
    totals = dict(zip(docs["document_id"], docs["total_cents"].astype(int)))
    matcher = CashMatcher(docs.assign(open_cents=docs["total_cents"]), t["customers"],
                          t["contracts"], t["remittance_advices"],
                          rules if rules is not None else (RuleBook() if learn else None), config)
    events = ledger_events(t["ar_ledger"], docs)
    ev = list(zip(events["date"].dt.date, events["document_id"], events["applied_cents"],
                  events["kind"]))
    lines = t["bank_transactions"].sort_values(["booking_date", "bank_tx_id"], kind="stable")
    by_id = {r["bank_tx_id"]: r for r in lines.to_dict("records")}
    ledger = t["ar_ledger"]
    posts = ledger[(ledger["document_type"] == "reglement") & (ledger["bank_tx_id"] != "")]
    posts = sorted(zip(posts["entry_date"].dt.date, posts["bank_tx_id"], posts["customer_id"]))
    engine_applied: dict[str, int] = defaultdict(int)
    ledger_applied: dict[str, int] = defaultdict(int)

    def refresh(doc: str) -> None:
        # What the ERP shows: the larger of what the ledger and the engine have applied.
        e, g = engine_applied[doc], ledger_applied[doc]
        left = totals[doc] - (e if abs(e) > abs(g) else g)
        matcher.set_open(doc, left if left * totals[doc] > 0 else 0)  # never past zero

    results: list[LineResult] = []
    i_ev = i_post = 0
    for line in by_id.values():
        day = pd.Timestamp(line["booking_date"]).date()
        while i_ev < len(ev) and ev[i_ev][0] < day:
            _, doc, cents, kind = ev[i_ev]
            ledger_applied[doc] = cents if kind == "solde" else ledger_applied[doc] + cents
            refresh(doc)
            i_ev += 1
        while i_post < len(posts) and posts[i_post][0] < day:
            _, tx, cid = posts[i_post]
            if matcher.rules is not None and tx in by_id and \
                    cid not in matcher.identify_payer(by_id[tx], use_rules=False):
                matcher.rules.learn(by_id[tx], cid)  # the AR team had to say who paid
            i_post += 1
        if method == "baseline":
            res = matcher.match_line_exact_reference(line)
        else:
            res = matcher.match_line(line)
        if res.status == STATUS_AUTO and res.chosen is not None:
            # An earlier line the engine applies now, proved by this one, books its part too.
            proved = [res.chosen.completes[1:]] if res.chosen.completes else []
            for doc, cents in res.chosen.allocations + proved:
                engine_applied[doc] += cents
                refresh(doc)
        results.append(res)
    return MatchResult(results)


def score(company, result: MatchResult) -> dict:
    """Headline figures of ``result`` against ``company``'s truth (ratios between 0 and 1)."""
    alloc = company.truth["payment_allocations"]
    kinds = company.truth["bank_truth"].set_index("bank_tx_id")["kind"]
    truth_pairs = alloc[alloc["document_id"] != ""]
    truth_by_tx = {tx: _allocation_key(zip(g["document_id"], g["amount_cents"]))
                   for tx, g in truth_pairs.groupby("bank_tx_id")}
    all_truth = {(tx, d, int(c)) for tx, d, c in
                 zip(truth_pairs["bank_tx_id"], truth_pairs["document_id"], truth_pairs["amount_cents"])}
    auto_pairs, full, covered, docs_covered, wrong_lines = [], 0, 0, 0, 0
    customer_lines = 0
    per_line, ranks = {}, {}
    for r in result.results:
        kind = kinds.get(r.bank_tx_id, "")
        is_auto = r.status == STATUS_AUTO and r.chosen is not None
        if is_auto:
            auto_pairs += [(r.bank_tx_id, d, int(c)) for d, c in r.chosen.allocations if d]
            if kind not in CUSTOMER_KINDS and r.chosen.allocations:
                wrong_lines += 1
        if kind not in CUSTOMER_KINDS or r.bank_tx_id not in truth_by_tx:
            continue
        customer_lines += 1
        true = truth_by_tx[r.bank_tx_id]
        ok = is_auto and _allocation_key(r.chosen.allocations) == true
        candidates = ([r.chosen] if r.chosen else []) + r.hypotheses
        rank = next((k for k, c in enumerate(candidates, start=1)
                     if _allocation_key(c.allocations) == true), 0)
        in_suggestions = rank > 0
        proposed_docs = {d for c in candidates for d, _ in c.allocations}
        full += ok
        covered += (not ok) and in_suggestions
        docs_covered += (not ok) and {d for d, _ in true} <= proposed_docs
        per_line[r.bank_tx_id] = ("auto" if ok else "suggestion" if in_suggestions else "manque")
        if not ok and in_suggestions:
            ranks[r.bank_tx_id] = rank
    correct = sum(p in all_truth for p in auto_pairs)
    rest = customer_lines - full
    # Per kind of payment: true (payment, document, amount) pairs found automatically.
    kind_of = payment_kinds(company)
    auto_set = set(auto_pairs)
    by_kind = {k: [0, 0] for k in PAYMENT_KINDS}
    for pair in all_truth:
        k = kind_of.get(pair[0])
        if k:
            by_kind[k][0] += 1
            by_kind[k][1] += pair in auto_set
    # As an outside benchmark scores it: (payment, document) pairs, amounts aside.
    truth_docs = {(tx, d) for tx, d, _ in all_truth}
    retained = {(r.bank_tx_id, d) for r in result.results if r.chosen is not None
                for d, _ in r.chosen.allocations if d}
    return {
        "customer_payments": customer_lines,
        "auto_pairs": len(auto_pairs),
        "auto_pairs_correct": correct,
        "precision": correct / len(auto_pairs) if auto_pairs else 1.0,
        "fully_applied": full,
        "auto_rate": full / customer_lines if customer_lines else 0.0,
        "suggestion_coverage": covered / rest if rest else 1.0,
        # Looser reading: the right documents are among those proposed, amounts aside.
        "suggestion_document_coverage": docs_covered / rest if rest else 1.0,
        "non_customer_auto_lines": wrong_lines,
        "per_line": per_line,
        # Rank (1 = the retained proposal) of the true allocation, lines covered above.
        "suggestion_ranks": ranks,
        "truth_pairs": len(all_truth),
        "auto_pairs_recall": correct / len(all_truth) if all_truth else 1.0,
        # kind -> (true pairs, found automatically)
        "by_kind": {k: tuple(v) for k, v in by_kind.items()},
        "document_pairs_auto": _prf({(tx, d) for tx, d, _ in auto_set}, truth_docs),
        "document_pairs_retained": _prf(retained, truth_docs),
    }


def noise_table(company, scores: dict) -> pd.DataFrame:
    """Per noise type: customer payments carrying it, share applied automatically and share
    applied or correctly suggested (a payment can carry several noises)."""
    bt = company.truth["bank_truth"]
    rows = defaultdict(lambda: [0, 0, 0])
    for tx, noises in zip(bt["bank_tx_id"], bt["noises"]):
        outcome = scores["per_line"].get(tx)
        if outcome is None:
            continue
        for noise in (noises.split(",") if noises else ["clean"]):
            rows[noise][0] += 1
            rows[noise][1] += outcome == "auto"
            rows[noise][2] += outcome in ("auto", "suggestion")
    out = pd.DataFrame([(k, n, a, s) for k, (n, a, s) in sorted(rows.items())],
                       columns=["noise", "payments", "auto", "auto_or_suggested"])
    out["auto_recall"] = out["auto"] / out["payments"]
    out["with_suggestions"] = out["auto_or_suggested"] / out["payments"]
    return out


def compare_with_baseline(company, config: EngineConfig | None = None,
                          learn: bool = True) -> pd.DataFrame:
    """Before / after for the course: exact reference + exact amount only vs the engine."""
    rows = []
    for method, label in (("baseline", "référence exacte + montant exact"),
                          ("engine", "moteur multi-passes")):
        s = score(company, replay_history(company, method=method, config=config, learn=learn))
        rows.append({"Méthode": label, "Règlements clients": s["customer_payments"],
                     "Affectés automatiquement": s["fully_applied"],
                     "Taux automatique": s["auto_rate"], "Précision": s["precision"]})
    return pd.DataFrame(rows)


def score_seeds(seeds, *, customers: int = 60, noise: str = "defaut",
                config: EngineConfig | None = None,
                skip_unbuildable: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Engine and baseline scored on several generated companies.

    Returns ``(per_seed, per_noise)``: one row per seed (precision, auto rate, suggestion
    coverage, baseline auto rate and precision, counts, lines covered within the first 1, 3
    and 5 proposals) and the per-noise recall summed over all seeds. With
    ``skip_unbuildable``, a seed the generator refuses (an
    :class:`~o2c_lab.errors.O2CLabError` while generating) is left out and listed in
    ``per_seed.attrs["skipped"]`` instead of stopping the run.
    """
    from .. import generate_company
    from ..errors import O2CLabError

    rows, noise_rows, skipped = [], [], []
    for seed in seeds:
        try:
            company = generate_company(seed=seed, customers=customers, noise=noise)
        except O2CLabError:
            if not skip_unbuildable:
                raise
            skipped.append(seed)
            continue
        s = score(company, replay_history(company, config=config))
        b = score(company, replay_history(company, method="baseline"))
        ranks = list(s["suggestion_ranks"].values())
        rows.append({"seed": seed, "customer_payments": s["customer_payments"],
                     "auto_pairs": s["auto_pairs"], "auto_pairs_correct": s["auto_pairs_correct"],
                     "precision": s["precision"], "fully_applied": s["fully_applied"],
                     "auto_rate": s["auto_rate"], "suggestion_coverage": s["suggestion_coverage"],
                     "rest": s["customer_payments"] - s["fully_applied"],
                     "rest_covered": round(s["suggestion_coverage"]
                                           * (s["customer_payments"] - s["fully_applied"])),
                     "rest_documents_covered": round(s["suggestion_document_coverage"]
                                                     * (s["customer_payments"] - s["fully_applied"])),
                     **{f"rest_covered_top{k}": sum(rank <= k for rank in ranks) for k in (1, 3, 5)},
                     "non_customer_auto_lines": s["non_customer_auto_lines"],
                     "baseline_auto_rate": b["auto_rate"], "baseline_precision": b["precision"],
                     "baseline_fully_applied": b["fully_applied"],
                     "truth_pairs": s["truth_pairs"],
                     **{f"{what}_{k}": v[i] for k, v in s["by_kind"].items()
                        for i, what in enumerate(("pairs", "auto"))},
                     **{f"doc_{which}_{what}": s[f"document_pairs_{which}"][what]
                        for which in ("auto", "retained") for what in ("found", "right", "truth")}})
        noise_rows.append(noise_table(company, s))
    per_noise = pd.concat(noise_rows).groupby("noise")[["payments", "auto", "auto_or_suggested"]].sum()
    per_noise["auto_recall"] = per_noise["auto"] / per_noise["payments"]
    per_noise["with_suggestions"] = per_noise["auto_or_suggested"] / per_noise["payments"]
    per_seed = pd.DataFrame(rows)
    per_seed.attrs["skipped"] = skipped
    return per_seed, per_noise.reset_index()
