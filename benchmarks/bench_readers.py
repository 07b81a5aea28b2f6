"""Benchmark of the readers at scale: a camt.053 of 10 000 to 100 000 entries, a ``To:`` header of
60 000 and 120 000 addresses.

Run: ``python benchmarks/bench_readers.py`` (``--quick`` stops at 20 000 entries). Each reading
runs in its own process so that its peak memory (maximum resident size) is its own. The camt.053
is streamed, so memory beyond the returned rows must not grow with the file (the XML tree is
freed entry by entry); the header time must grow linearly (twice the addresses, about twice the
time).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_CAMT = """
import resource, sys, time
from o2c_lab.formats.camt053 import read_camt053
n, path = int(sys.argv[1]), sys.argv[2]
entry = ('<Ntry><NtryRef>R{i}</NtryRef><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd>'
         '</Sts><BookgDt><Dt>2026-11-02</Dt></BookgDt><ValDt><Dt>2026-11-02</Dt></ValDt><NtryDtls><TxDtls><Refs>'
         '<EndToEndId>E{i}</EndToEndId></Refs><RmtInf><Ustrd>FA-{i}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>\\n')
balance = ('<Bal><Tp><CdOrPrtry><Cd>{code}</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{amount}.00</Amt>'
           '<CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-30</Dt></Dt></Bal>')
with open(path, "w", encoding="utf-8") as f:
    f.write('<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">'
            '<BkToCstmrStmt><GrpHdr><MsgId>M</MsgId></GrpHdr><Stmt><Id>S1</Id><Acct><Id><IBAN>'
            'FR7630006000011234567890189</IBAN></Id></Acct>' + balance.format(code="OPBD", amount=0)
            + balance.format(code="CLBD", amount=n) + "\\n")
    for i in range(n):
        f.write(entry.format(i=i))
    f.write("</Stmt></BkToCstmrStmt></Document>")
started, cpu = time.perf_counter(), time.process_time()
statements, lines = read_camt053(path)
seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
assert len(lines) == n and statements["balance_ok"].all()
print(seconds, cpu, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""

_EML = """
import sys, time
from o2c_lab.formats.eml import read_eml
n, encoded, path = int(sys.argv[1]), sys.argv[2] == "1", sys.argv[3]
name = "=?utf-8?q?Cl=C3=A9ment_{i}?=" if encoded else "Client {i}"
to = ", ".join(f"{name.format(i=i)} <c{i}@exemple.fr>" for i in range(n))
with open(path, "w", encoding="ascii") as f:
    f.write(f"From: a@b.fr\\r\\nTo: {to}\\r\\nMessage-ID: <1@b.fr>\\r\\n\\r\\nx\\r\\n")
started = time.perf_counter()
mail = read_eml(path)
assert mail["to"].count("@") == n
print(time.perf_counter() - started)
"""


def _run(code: str, *args) -> list[float]:
    done = subprocess.run([sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, env={"PYTHONPATH": str(ROOT)}, check=True)
    return [float(x) for x in done.stdout.split()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    quick = parser.parse_args().quick
    with tempfile.TemporaryDirectory() as folder:
        # CPU time too: on a shared machine the wall time says more about the neighbours
        print(f"{'camt.053 : écritures':>24} {'durée (s)':>10} {'CPU (s)':>8} {'mémoire max (Mo)':>18}")
        for n in (10_000, 20_000) if quick else (10_000, 20_000, 50_000, 100_000):
            seconds, cpu, megabytes = _run(_CAMT, n, Path(folder) / "camt.xml")
            print(f"{n:>24,} {seconds:>10.2f} {cpu:>8.2f} {megabytes:>18,.0f}".replace(",", " "))
        print(f"\n{'To: adresses':>24} {'noms':>10} {'durée (s)':>10}")
        for n in (60_000, 120_000):
            for encoded in (0, 1):
                (seconds,) = _run(_EML, n, encoded, Path(folder) / "mail.eml")
                print(f"{n:>24,} {'encodés' if encoded else 'ASCII':>10} {seconds:>10.2f}".replace(",", " "))


if __name__ == "__main__":
    main()
