"""Hostile files for every reader: right values or a French message, never a traceback or a hang.

The corpus is written by ``tests/data/hostile/make_corpus.py`` with each file's expected outcome
in ``expected.json`` (values known from how the file was built). Every file is read under a 30 s
alarm and classified: correct, French error (o2c_lab error holding the expected words), silently
wrong, wrong message, raw traceback, hang. The table of counts is printed; all but the first two
must be 0.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pandas as pd

from o2c_lab.casework.facturx import parse_facturx
from o2c_lab.cashapp.statements import balance_report
from o2c_lab.errors import O2CLabError
from o2c_lab.formats import read_camt053, read_cfonb120, read_eml, read_fec, read_mt940

HOSTILE = Path(__file__).parent / "data" / "hostile"
FAMILIES = ("mt940", "cfonb120", "camt053", "fec", "facturx", "eml")
HANG_SECONDS = 30


def _int_or_none(column: pd.Series, at: int = 0):
    return None if column.empty or pd.isna(column.iloc[at]) else int(column.iloc[at])


def _bank(reader):
    def summary(path):
        statements, lines = reader(path)
        report = balance_report(statements, lines)
        strings = [str(v) for col in lines.columns if lines[col].dtype == object for v in lines[col]]
        return {
            "statements": len(statements), "transactions": len(lines),
            "total_cents": int(lines["amount_cents"].sum()),
            "opening_cents": _int_or_none(statements["opening_balance_cents"]),
            "closing_cents": _int_or_none(statements["closing_balance_cents"], -1),
            # camt.053 checks its own balances over booked entries only (pending ones are not in them)
            "balanced": bool(statements["balance_ok"].all() if "balance_ok" in statements
                             else (report["status"] == "équilibré").all()),
            "warnings": len(statements.attrs.get("warnings", [])),
            "unique_ids": bool(lines["bank_tx_id"].is_unique),
            "first_label": lines["label"].iloc[0] if len(lines) else None,
            "first_counterparty_iban": lines["counterparty_iban"].iloc[0] if len(lines) else None,
            "first_counterparty_name": lines["counterparty_name"].iloc[0] if len(lines) else None,
            "bank_codes": lines["bank_code"].tolist(),
            "proprietary_codes": lines.get("bank_code_proprietary", pd.Series(dtype=str)).tolist(),
            "_strings": strings,
        }
    return summary


def _fec(path):
    fec = read_fec(path)
    e = fec.entries
    return {"lines": len(e), "debit_cents": fec.total_debit_cents, "credit_cents": fec.total_credit_cents,
            "encoding": fec.encoding, "warnings": len(fec.warnings), "_warning_text": " | ".join(fec.warnings),
            "first_aux_name": e["CompAuxLib"].iloc[0] if len(e) else None,
            "first_label": e["EcritureLib"].iloc[0] if len(e) else None,
            "second_label": e["EcritureLib"].iloc[1] if len(e) > 1 else None}


def _facturx(path):
    invoice, lines = parse_facturx(Path(path).read_bytes())
    row = invoice.iloc[0]
    return {"invoice_id": row["invoice_id"], "invoice_date": f"{row['invoice_date']:%Y-%m-%d}",
            "due_date": f"{row['due_date']:%Y-%m-%d}", "total_ttc_cents": int(row["total_ttc_cents"]),
            "total_ht_cents": int(row["total_ht_cents"]), "lines": len(lines),
            "line_net_cents": [int(v) for v in lines["net_cents"]], "buyer_siren": row["buyer_siren"]}


def _eml(path):
    mail = read_eml(path)
    return {**{k: mail[k] for k in ("sender", "to", "subject", "sent_at", "body", "message_id")},
            "warnings": len(mail["warnings"]), "to_count": mail["to"].count("@"),
            "body_length": len(mail["body"]), "_mail": mail}


SUMMARIES = {"mt940": _bank(read_mt940), "cfonb120": _bank(read_cfonb120), "camt053": _bank(read_camt053),
             "fec": _fec, "facturx": _facturx, "eml": _eml}


def _matches(summary: dict, expected: dict) -> list[str]:
    """The expected values that the summary does not have (empty list: the reading is right)."""
    wrong = []
    for key, value in expected.items():
        if key == "no_text":
            if any(value in s for s in summary["_strings"]):
                wrong.append(key)
        elif key == "warning_words":
            wrong += [w for w in value if w not in summary["_warning_text"]]
        elif key == "body_starts":
            if not summary["body"].startswith(value):
                wrong.append(key)
        elif key == "subject_contains":
            if value not in summary["subject"]:
                wrong.append(key)
        elif summary.get(key) != value:
            wrong.append(f"{key}={summary.get(key)!r} (attendu {value!r})")
    return wrong


class _Hang(Exception):
    pass


def _alarm(signum, frame):
    raise _Hang


def _outcome(family: str, path: Path, expected: dict) -> tuple[str, str]:
    """(category, detail): correct, french_error, silently_wrong, wrong_message, traceback, hang."""
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(HANG_SECONDS)
    try:
        summary = SUMMARIES[family](path)
    except _Hang:
        return "hang", ""
    except O2CLabError as exc:
        if "error" not in expected:
            return "wrong_message", f"erreur inattendue : {exc}"
        missing = [w for w in expected["error"] if w.lower() not in str(exc).lower()]
        return ("french_error", "") if not missing else ("wrong_message", f"{missing} absent(s) de : {exc}")
    except Exception as exc:  # what this test hunts: any exception outside the family
        return "traceback", f"{type(exc).__name__}: {exc}"
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    if "error" in expected:
        return "silently_wrong", f"lu sans erreur alors qu'attendu : {expected['error']}"
    wrong = _matches(summary, expected["ok"])
    return ("correct", "") if not wrong else ("silently_wrong", "; ".join(wrong))


def _cases():
    for family in FAMILIES:
        for name, expected in json.loads((HOSTILE / family / "expected.json").read_text(encoding="utf-8")).items():
            yield family, name, expected


def test_hostile_corpus_gives_right_values_or_french_messages():
    outcomes: dict[str, Counter] = {f: Counter() for f in FAMILIES}
    problems = []
    for family, name, expected in _cases():
        category, detail = _outcome(family, HOSTILE / family / name, expected)
        outcomes[family][category] += 1
        if category not in ("correct", "french_error"):
            problems.append(f"{family}/{name}: {category} {detail}")
    columns = ("correct", "french_error", "silently_wrong", "wrong_message", "traceback", "hang")
    print("\n" + f"{'famille':10}" + "".join(f"{c:>16}" for c in columns) + f"{'total':>8}")
    for family, counts in outcomes.items():
        print(f"{family:10}" + "".join(f"{counts[c]:>16}" for c in columns) + f"{sum(counts.values()):>8}")
    assert not problems, "\n".join(problems)
    assert all(sum(c.values()) >= 30 for c in outcomes.values())


def test_corpus_script_is_reproducible(tmp_path):
    """The committed files are exactly what the script writes (nobody edited them by hand)."""
    code = (f"import sys; sys.path.insert(0, {str(HOSTILE)!r}); import make_corpus as m; "
            f"from pathlib import Path; m.HERE = Path({str(tmp_path)!r}); m.main()")
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, timeout=120)
    for family in FAMILIES:
        for path in (tmp_path / family).rglob("*"):
            committed = HOSTILE / family / path.relative_to(tmp_path / family)
            assert committed.exists(), committed
            if path.is_file():
                assert path.read_bytes() == committed.read_bytes(), committed


def test_long_address_header_reads_in_linear_time(tmp_path):
    addresses = ", ".join(f"Client {i} <client{i}@exemple.fr>" for i in range(60_000))
    path = tmp_path / "long.eml"
    path.write_bytes(f"From: a@b.fr\r\nTo: {addresses}\r\nMessage-ID: <1@b.fr>\r\n\r\nx\r\n".encode())
    started = time.perf_counter()
    mail = read_eml(path)
    seconds = time.perf_counter() - started
    print(f"\nTo: de 60 000 adresses lu en {seconds:.2f} s")
    assert mail["to"].count("@") == 60_000 and mail["warnings"] == []
    assert seconds < 1.0


def test_sigterm_during_writing_leaves_no_temporary_folder(tmp_path):
    code = ("import o2c_lab, sys; c = o2c_lab.generate_company(seed=3, customers=30); "
            "print('pret', flush=True); o2c_lab.write_dataset(c, sys.argv[1])")
    process = subprocess.Popen([sys.executable, "-c", code, str(tmp_path / "out")], stdout=subprocess.PIPE,
                               text=True)
    assert process.stdout.readline().strip() == "pret"
    deadline = time.monotonic() + 60
    while not any(p.name.startswith(".out.") for p in tmp_path.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.005)
    assert any(p.name.startswith(".out.") for p in tmp_path.iterdir()), "the writer never started"
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=60) == 128 + signal.SIGTERM
    assert list(tmp_path.iterdir()) == []
