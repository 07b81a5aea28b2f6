"""Generator benchmark: default classroom company and a large ledger, time and peak memory.

Each size runs in a fresh subprocess so its peak memory (max RSS) is its own.
Targets: default company ≤ 3 s to generate; large company (≥ 20 000 customers,
≥ 1 000 000 invoice lines) ≤ 90 s and ≤ 6 GiB on a 2-core machine.

    python benchmarks/bench_generator.py            # default + large
    python benchmarks/bench_generator.py --quick    # default only, 3 runs
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

_CHILD = r"""
import json, resource, sys, tempfile, time
from pathlib import Path
import o2c_lab
customers, write = int(sys.argv[1]), sys.argv[2] == "1"
t0 = time.perf_counter()
company = o2c_lab.generate_company(customers=customers, progress=customers > 1000)
t1 = time.perf_counter()
out = {"generate_s": t1 - t0, "customers": customers, "invoices": len(company.invoices),
       "invoice_lines": len(company.invoice_lines), "bank_lines": len(company.bank_transactions),
       "draw": company.scenario["payment_draw"], "tense": bool(company.summary()["is_tense"])}
if write:
    folder = Path(tempfile.mkdtemp()) / "jeu"
    o2c_lab.write_dataset(company, folder)
    out["write_s"] = time.perf_counter() - t1
out["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print("RESULT " + json.dumps(out))
"""


def _run(customers: int, write: bool) -> dict:
    proc = subprocess.run([sys.executable, "-c", _CHILD, str(customers), "1" if write else "0"],
                          capture_output=True, text=True, check=True)
    sys.stderr.write(proc.stdout.replace("RESULT", "#"))
    line = [l for l in proc.stdout.splitlines() if l.startswith("RESULT ")][-1]
    return json.loads(line[len("RESULT "):])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="default company only")
    parser.add_argument("--large", type=int, default=20_000, help="customers of the large company")
    args = parser.parse_args()
    default = [_run(150, write=True) for _ in range(3)]
    rows = [("entreprise du cours (150 clients), génération", statistics.median(r["generate_s"] for r in default),
             default[0], "≤ 3 s"),
            ("entreprise du cours, écriture de tous les fichiers", statistics.median(r["write_s"] for r in default),
             default[0], "")]
    if not args.quick:
        large = _run(args.large, write=False)
        rows.append((f"grande entreprise ({args.large} clients), génération", large["generate_s"], large,
                     "≤ 90 s, ≤ 6 Gio"))
    print(f"\n{'mesure':58} {'secondes':>9} {'lignes fact.':>13} {'op. banque':>11} {'tirage':>7} {'mémoire max':>12}  cible")
    for label, seconds, r, target in rows:
        print(f"{label:58} {seconds:9.2f} {r['invoice_lines']:13,d} {r['bank_lines']:11,d} {r['draw'] + 1:7d} "
              f"{r['peak_rss_mib']:9,.0f} Mio  {target}".replace(",", " "))
    print("(médiane de 3 exécutions pour l'entreprise du cours ; une exécution pour la grande)")


if __name__ == "__main__":
    main()
