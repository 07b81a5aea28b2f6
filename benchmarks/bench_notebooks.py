"""Course benchmark: every notebook executed headless in offline mode, as `make run` does.

Targets: each notebook ≤ 60 s, all of them ≤ 4 minutes on a 2-core machine.

    python benchmarks/bench_notebooks.py            # the course company
    python benchmarks/bench_notebooks.py --seed 7   # another company
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import papermill

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, help="generate another company with this seed")
    args = parser.parse_args()
    out = Path(tempfile.mkdtemp(prefix="carnets-"))
    os.environ["O2C_LAB_JOURNAL_DIR"] = str(out / "journal")  # never the user's own journal
    data = None if args.seed is not None else str(ROOT / "datasets" / "fil_rouge")
    parameters = {"data_folder": data, "ai_mode": "hors_ligne", "participant": ""}
    if args.seed is not None:
        parameters["seed"] = args.seed
    rows = []
    for nb in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        started = time.perf_counter()
        papermill.execute_notebook(str(nb), str(out / nb.name), parameters=parameters, kernel_name="python3",
                                   cwd=str(nb.parent), progress_bar=False, log_output=False)
        rows.append((nb.name, time.perf_counter() - started))
    total = sum(s for _, s in rows)
    print(f"\n{'carnet':34} {'secondes':>9}  cible")
    for name, seconds in rows:
        print(f"{name:34} {seconds:9.1f}  ≤ 60 s {'✓' if seconds <= 60 else '✗'}")
    print(f"{'total':34} {total:9.1f}  ≤ 240 s {'✓' if total <= 240 else '✗'}")
    print("(une exécution de chaque carnet, noyau démarré à chaque fois, comme « make run »)")


if __name__ == "__main__":
    main()
