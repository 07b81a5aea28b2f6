"""Benchmark of « vos données » at scale: an aged-balance export of 20 000 to 200 000 lines (with a
subtotal every 25 lines) read, checked and analysed.

Run: ``python benchmarks/bench_owndata.py`` (``--quick`` stops at 50 000 lines, ``--runs 3`` by
default); the same rows as a workbook (.xlsx) are read at 20 000, 50 000 and 200 000 lines. Each run is its own process so that its peak memory (maximum resident size) is its
own. Prints a table of medians: lines, seconds to read the file, to check it (amounts, dates,
duplicates: the quality report), to analyse it (aged balance, indicators, priorities), the
processor time of the three (what the machine's load does not inflate) and the peak RSS. Target: 200 000 lines in ≤ 20 s in all, < 2 GiB, for a CSV and for a workbook.

Reading and checking are one pass of :func:`o2c_lab.owndata.read_export`; its progress callback
gives the split (the time when the « contrôle » step starts).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_RUN = """
import datetime as dt, resource, sys, time
from o2c_lab.owndata import analyse_open_items, read_export
n, path, kind = int(sys.argv[1]), sys.argv[2], sys.argv[3]
start = dt.date(2026, 1, 1)
def amount(k):
    euros = f"{(k * 37) % 900000 + 1:,}".replace(",", " ")  # French thousands: 123 456,07
    return f"{'-' if k % 17 == 0 else ''}{euros},{k % 100:02d}"
with open(path, "w", encoding="utf-8-sig", newline="") as f:
    f.write("Balance âgée clients au 31/12/2026\\r\\n\\r\\nCode client;Nom;N° pièce;Date pièce;Échéance;Solde\\r\\n")
    for k in range(n):
        day = start + dt.timedelta(days=k % 330)
        due = day + dt.timedelta(days=(30, 45, 60)[k % 3])
        f.write(f"C{k % 4000:05d};Client {k % 4000};F{k:07d};{day:%d/%m/%Y};{due:%d/%m/%Y};{amount(k)}\\r\\n")
        if k % 25 == 24:
            f.write(f"Total C{k % 4000:05d};;;;;\\r\\n")
if kind == "xlsx":  # the same rows as a workbook (text cells, as an export pasted from a report)
    import csv, openpyxl
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    with open(path, encoding="utf-8-sig", newline="") as f:
        for row in csv.reader(f, delimiter=";"):
            sheet.append(row)
    path = path + ".xlsx"
    book.save(path)
marks = {}
def progress(done, total, label):
    marks.setdefault(label, time.perf_counter())
raw = open(path, "rb").read()
began, cpu = time.perf_counter(), time.process_time()
data = read_export(raw, "balance." + kind, progress=progress, as_of=dt.date(2026, 12, 31))
read_done = time.perf_counter()
assert data.quality.kept == n and data.quality.balanced
result = analyse_open_items(data.items, dt.date(2026, 12, 31))
done = time.perf_counter()
check_start = marks["contrôle des montants et des dates"]
print(check_start - began, read_done - check_start, done - read_done,
      resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, time.process_time() - cpu)
"""


def _run(n: int, folder: str, kind: str) -> list[float]:
    out = subprocess.run([sys.executable, "-c", _RUN, str(n), str(Path(folder) / f"b{n}.csv"), kind],
                         capture_output=True, text=True, cwd=ROOT, check=True)
    return [float(x) for x in out.stdout.split()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="stop at 50 000 lines")
    parser.add_argument("--runs", type=int, default=3, help="runs per size (median shown)")
    args = parser.parse_args()
    sizes = [(n, "csv") for n in ((20_000, 50_000) if args.quick else (20_000, 50_000, 100_000, 200_000))]
    sizes += [(20_000, "xlsx")] if args.quick else [(20_000, "xlsx"), (50_000, "xlsx"), (200_000, "xlsx")]
    print(f"{'fichier':>7} | {'lignes':>8} | {'lecture s':>9} | {'contrôle s':>10} | {'analyse s':>9} | {'total s':>7} | "
          f"{'CPU s':>6} | {'RSS max Mio':>11}")
    with tempfile.TemporaryDirectory() as folder:
        for n, kind in sizes:
            runs = [_run(n, folder, kind) for _ in range(args.runs)]
            read, check, analyse = (statistics.median(r[i] for r in runs) for i in range(3))
            rss, cpu = max(r[3] for r in runs), statistics.median(r[4] for r in runs)
            print(f"{kind:>7} | {n:>8} | {read:>9.2f} | {check:>10.2f} | {analyse:>9.2f} | {read + check + analyse:>7.2f} | "
                  f"{cpu:>6.2f} | {rss:>11.0f}")


if __name__ == "__main__":
    main()
