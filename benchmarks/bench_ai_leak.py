"""Leak sweep: every prompt that leaves the machine, for 11 seeds, through the local
OpenAI-protocol test server (tests/openai_server.py); counts the identifiers of each company's
tables and truth found in the request bodies (tests/leaks.py).

Per seed: the library prompts (through the assistant in API mode) and, with ``--notebooks``, the
prompts the course notebooks send (a cohort is created and recorded: the notebooks are executed
headless, which takes a few minutes per seed).

    python benchmarks/bench_ai_leak.py
    python benchmarks/bench_ai_leak.py --notebooks --customers 40
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from leaks import identifiers, leaks  # noqa: E402
from openai_server import FakeOpenAIServer  # noqa: E402

from o2c_lab import generate_company  # noqa: E402
from o2c_lab.ai import AIConfig, Assistant, library_tasks  # noqa: E402
from o2c_lab.ai.anonymize import Anonymizer  # noqa: E402

SEEDS = [2026, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]


def _sent(requests) -> list[str]:
    return ["\n".join(m["content"] for m in json.loads(r["body"])["messages"])
            for r in requests if r["path"].endswith("/chat/completions")]


def _notebook_prompts(seed: int, customers: int, server) -> list[str]:
    from o2c_lab.cohort import create_cohort, record_cohort

    out = Path(tempfile.mkdtemp(prefix="fuite-"))
    create_cohort(f"fuite-{seed}", seed, customers=customers, out=out)
    start = len(server.requests)
    record_cohort(f"fuite-{seed}", out, config=AIConfig(base_url=server.base_url, api_key="sk-bench",
                                                         model="modele-test", timeout_s=30, max_retries=0))
    return _sent(server.requests[start:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=SEEDS)
    parser.add_argument("--customers", type=int, default=60)
    parser.add_argument("--notebooks", action="store_true", help="also the prompts of the course notebooks")
    args = parser.parse_args()
    os.chdir(tempfile.mkdtemp(prefix="fuite-"))  # no stray .env
    rows, total = [], Counter()
    with FakeOpenAIServer(models=("modele-test",)) as server:
        cfg = AIConfig(base_url=server.base_url, api_key="sk-bench", model="modele-test", timeout_s=30, max_retries=0)
        for seed in args.seeds:
            started = time.perf_counter()
            company = generate_company(seed=seed, customers=args.customers)
            ids = identifiers(company)
            keep = [company.name] + list(company.products["label"])
            assistant = Assistant("api", config=cfg, anonymizer=Anonymizer.from_company(company))
            tasks = library_tasks(company)
            before = sum(bool(leaks(f"{t.system or ''}\n{t.prompt}", ids, keep)) for t in tasks)
            start = len(server.requests)
            for task in tasks:
                assistant.ask(task)
            texts = _sent(server.requests[start:])
            if args.notebooks:
                texts += _notebook_prompts(seed, args.customers, server)
            found = [hit for text in texts for hit in leaks(text, ids, keep)]
            total.update(kind for _, kind in found)
            rows.append((seed, len(texts), len(ids), before, len(found), time.perf_counter() - started,
                         sorted({v for v, _ in found})[:3]))
    print(f"\n{'graine':>6} {'requêtes':>8} {'identifiants':>12} {'prompts bruts avec id.':>22} {'fuites':>6} {'durée':>7}")
    for seed, count, n_ids, before, found, seconds, examples in rows:
        print(f"{seed:>6} {count:>8} {n_ids:>12} {before:>22} {found:>6} {seconds:>6.1f}s  {', '.join(examples)}")
    print(f"total : {sum(r[1] for r in rows)} requêtes, {sum(r[4] for r in rows)} fuite(s) "
          + (f"({dict(total)})" if total else ""))


if __name__ == "__main__":
    main()
