"""Cohort benchmark: `o2c-lab cohort create`, `check`, `record` and `check` in replay mode, timed.

`record` talks to the local OpenAI-protocol test server (tests/openai_server.py), so the times are
the course's own work; a real model adds its answering time for each prompt.

    python benchmarks/bench_cohort.py                 # 40 and 150 customers
    python benchmarks/bench_cohort.py --sizes 150 500
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from openai_server import FakeOpenAIServer  # noqa: E402

from o2c_lab.cohort import check_cohort, create_cohort, record_cohort  # noqa: E402


def _timed(action):
    started = time.perf_counter()
    result = action()
    return result, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[40, 150], help="numbers of customers")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    out = Path(tempfile.mkdtemp(prefix="cohortes-"))
    os.chdir(out)  # no stray .env
    rows = []
    for size in args.sizes:
        name = f"bench-{size}"
        made, create_s = _timed(lambda: create_cohort(name, args.seed, customers=size, out=out))
        report, check_s = _timed(lambda: check_cohort(name, out))
        with FakeOpenAIServer(models=("modele-test",)) as server:
            os.environ.update(O2C_AI_BASE_URL=server.base_url, O2C_AI_API_KEY="sk-bench", O2C_AI_MODEL="modele-test")
            recorded, record_s = _timed(lambda: record_cohort(name, out))
        replay, replay_s = _timed(lambda: check_cohort(name, out))
        rows.append((size, made.files, made.bytes / 1e6, create_s, check_s, report.ready, record_s, recorded.count,
                     replay_s, replay.ready and not replay.missing))
    print(f"\n{'clients':>7} {'fichiers':>8} {'Mo':>6} {'create':>7} {'check':>7} {'record':>7} {'réponses':>8} "
          f"{'check rejeu':>11}  prête")
    for size, files, mb, create_s, check_s, ready, record_s, count, replay_s, replay_ready in rows:
        print(f"{size:>7} {files:>8} {mb:>6.1f} {create_s:>6.1f}s {check_s:>6.1f}s {record_s:>6.1f}s {count:>8} "
              f"{replay_s:>10.1f}s  {'oui' if ready and replay_ready else 'NON'}")
    print(f"(dossier : {out})")


if __name__ == "__main__":
    main()
