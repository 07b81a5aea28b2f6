"""Benchmark of the fact-checker on many seeds; prints a table.

For each seed: the course's own texts — offline references (every library prompt, with its customer
scope) and the reminders of the dunning plan (e-mail and letter) — must get 0 « écart » and ≤ 2 %
« non vérifiable »; generated correct answers ≤ 1 % false alarms;
answers with one planted error: the planted fact flagged « écart » ≥ 97 % overall and ≥ 90 % per
kind; checking one answer ≤ 100 ms median on the default company.

    python benchmarks/bench_factcheck.py [--seeds 23] [--correct 40] [--per-kind 4] [--customers N]
"""

from __future__ import annotations

import argparse
import statistics
import time

from o2c_lab import generate_company
from o2c_lab.ai.answer_corpus import (ERROR_KINDS, CorpusScore, ReferenceScore, correct_answers, planted_answers,
                                      score_corpus, score_references)
from o2c_lab.ai.factcheck import FactChecker

SEEDS = [2026, 7, 11, 1, 2, 3, 4, 5, 6, 8, 9, 10, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25]


def _tally(refs: ReferenceScore, corpus: CorpusScore) -> tuple:
    """The running counts one table row shows the increase of."""
    return (refs.references, refs.letters, refs.with_gap, sum(refs.counts.values()), refs.counts["non vérifiable"],
            corpus.correct, corpus.false_alarms, sum(a for a, _ in corpus.planted.values()),
            sum(c for _, c in corpus.planted.values()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=23)
    parser.add_argument("--correct", type=int, default=40, help="correct answers per seed")
    parser.add_argument("--per-kind", type=int, default=4, help="planted answers per error kind and seed")
    parser.add_argument("--customers", type=int, default=None, help="customers per company (default: the course's)")
    parser.add_argument("--verbose", action="store_true", help="print every miss")
    args = parser.parse_args()

    refs, corpus, times, build = ReferenceScore(), CorpusScore(), [], []
    print(f"{'graine':>6} {'index (s)':>9} {'réf.':>5} {'lettres':>7} {'réf. écart':>10} {'faits réf.':>10} "
          f"{'non vérif.':>10} {'justes':>6} {'fausses alertes':>15} {'erreurs':>7} {'trouvées':>8}")
    for seed in SEEDS[:args.seeds]:
        company = generate_company(seed=seed, **({"customers": args.customers} if args.customers else {}))
        t0 = time.perf_counter()
        checker = FactChecker(company)
        build.append(time.perf_counter() - t0)
        before = _tally(refs, corpus)
        score_references(checker, company, refs)
        answers = correct_answers(company, args.correct) + planted_answers(company, args.per_kind)
        for a in answers:
            t = time.perf_counter()
            checker.check(a.text, customer_id=a.customer_id)
            if seed == 2026:
                times.append(time.perf_counter() - t)
        score_corpus(checker, answers, corpus)
        after = _tally(refs, corpus)
        d = [a - b for a, b in zip(after, before)]
        print(f"{seed:>6} {build[-1]:>9.2f} {d[0]:>5} {d[1]:>7} {d[2]:>10} {d[3]:>10} {d[4]:>10} {d[5]:>6} "
              f"{d[6]:>15} {d[7]:>7} {d[8]:>8}", flush=True)

    print()
    print(f"Textes du cours : {refs.references} références et {refs.letters} relances, {refs.with_gap} avec un "
          f"écart, {refs.counts['écart']} écart(s) sur {sum(refs.counts.values())} faits, "
          f"{refs.unverifiable_rate:.2%} non vérifiables (cible 0 écart, ≤ 2 %)")
    print(f"Réponses justes : {corpus.correct}, fausses alertes {corpus.false_alarms} "
          f"({corpus.false_alarm_rate:.2%}, cible ≤ 1 %)")
    n_planted = sum(a for a, _ in corpus.planted.values())
    print(f"Erreurs plantées : {n_planted}, trouvées {corpus.caught_rate:.2%} (cible ≥ 97 %)")
    print(f"{'type d erreur':<22} {'réponses':>8} {'trouvées':>8} {'taux':>7}")
    for kind in ERROR_KINDS:
        n, c = corpus.planted[kind]
        print(f"{kind:<22} {n:>8} {c:>8} {corpus.kind_rate(kind):>7.1%}")
    if times:
        print(f"Temps par réponse (graine 2026) : médiane {statistics.median(times) * 1000:.1f} ms, "
              f"max {max(times) * 1000:.1f} ms (cible ≤ 100 ms) ; index {build[0]:.2f} s une fois par entreprise")
    if args.verbose:
        for prompt_id, v in refs.gaps:
            print(f"[{prompt_id}] « {v.fact.text} » : {v.explanation}")
        for a, report in corpus.misses:
            print(f"--- {a.form} {a.planted} {a.customer_id} | {a.planted_line}\n{a.text}\n{report}")
    ok = (refs.counts["écart"] == 0 and refs.unverifiable_rate <= 0.02 and corpus.false_alarm_rate <= 0.01
          and corpus.caught_rate >= 0.97 and all(corpus.kind_rate(k) >= 0.90 for k in ERROR_KINDS))
    print("Verdict :", "objectifs atteints" if ok else "objectifs NON atteints")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
