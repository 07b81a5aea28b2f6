"""Hostile files for the amount and date readers: right values or a French refusal, nothing else.

The corpus is written by ``tests/data/hostile/make_tabular_corpus.py`` with each file's expected outcome
in ``cases.json``. Every file is read by its real reader and classified: right values, refused
with the expected French key words, refused wrongly, raw traceback, silently wrong, or hang
(over 30 s). The counts are printed per family; only the first two are accepted.
"""

from __future__ import annotations

import json
import signal
import time
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from o2c_lab.analytics.importers import read_invoice_history, read_open_items
from o2c_lab.cashapp import read_remittance_file
from o2c_lab.errors import O2CLabError
from o2c_lab.formats.bank_csv import read_bank_csv

HOSTILE = Path(__file__).parent / "data" / "hostile"
HANG_SECONDS = 30


def _open_items(path, **kw):
    data = read_open_items(path, **kw).data
    return data["amount_cents"].tolist(), data["due_date"].tolist()


def _history(path, **kw):
    data = read_invoice_history(path, **kw).data
    return data["amount_cents"].tolist(), data["invoice_date"].tolist()


def _bank(path, **kw):
    _, lines = read_bank_csv(path, **kw)
    return lines["amount_cents"].tolist(), lines["booking_date"].tolist()


def _remittance(path, **kw):
    data = read_remittance_file(path, **kw)
    return data["amount_cents"].tolist(), data["advice_date"].tolist()


READERS = {"open_items": _open_items, "invoice_history": _history, "bank_csv": _bank, "remittances": _remittance}


class _Hang(Exception):
    pass


def _alarm(signum, frame):
    raise _Hang()


def _outcome(reader, path: Path, case: dict) -> tuple[str, str]:
    """(outcome, detail) of reading one file."""
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(HANG_SECONDS)
    start = time.monotonic()
    try:
        cents, dates = reader(path, **case["kwargs"])
    except _Hang:
        return "hang", f"plus de {HANG_SECONDS} s"
    except O2CLabError as err:
        text = str(err).lower()
        if "refused" not in case:
            return "refused wrongly", str(err)
        words = [w.lower() for w in case["refused"]]
        found = any if case.get("any_word") else all
        if not found(w in text for w in words):
            return "wrong message", str(err)
        return "refused right", ""
    except Exception as exc:  # noqa: BLE001 — the very thing this test counts
        return "raw traceback", f"{type(exc).__name__}: {exc}"
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
        elapsed = time.monotonic() - start
    if elapsed > HANG_SECONDS:
        return "hang", f"{elapsed:.0f} s"
    if "refused" in case:
        return "silently wrong", f"lu {cents} au lieu d'un refus"
    days = [pd.Timestamp(d).date().isoformat() for d in dates]
    if cents != case["cents"] or days != case["dates"]:
        return "silently wrong", f"lu {cents} {days}, attendu {case['cents']} {case['dates']}"
    return "right", ""


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory) -> dict[str, dict[str, tuple[str, str]]]:
    folder_case = tmp_path_factory.mktemp("hostile") / "a_folder.csv"
    folder_case.mkdir()
    result = {}
    for family, reader in READERS.items():
        cases = json.loads((HOSTILE / family / "cases.json").read_text(encoding="utf-8"))
        result[family] = {name: _outcome(reader, folder_case if case.get("folder") else HOSTILE / family / name, case)
                          for name, case in cases.items()}
    return result


def test_corpus_is_complete_and_large_enough():
    for family in READERS:
        cases = json.loads((HOSTILE / family / "cases.json").read_text(encoding="utf-8"))
        files = {p.name for p in (HOSTILE / family).iterdir() if p.name != "cases.json"}
        assert files == {n for n, c in cases.items() if not c.get("folder")}
        assert len(cases) >= 30
        assert sum("refused" in c for c in cases.values()) >= 10 and sum("cents" in c for c in cases.values()) >= 10


def test_every_hostile_file_is_read_right_or_refused_in_french(outcomes):
    print()
    bad = []
    for family, by_file in outcomes.items():
        counts = Counter(outcome for outcome, _ in by_file.values())
        print(f"{family:16} {len(by_file):3} fichiers : " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
              + "".join(f" ; {k} 0" for k in ("raw traceback", "silently wrong", "hang") if k not in counts))
        bad += [(family, name, outcome, detail) for name, (outcome, detail) in by_file.items()
                if outcome not in ("right", "refused right")]
    assert bad == []


@pytest.mark.parametrize("name, words", [("export.xls", "97-2003"), ("export.csv", "97-2003"),
                                         ("protege.xlsx", "mot de passe")])
def test_old_excel_and_password_protected_workbooks_are_named(tmp_path, name, words):
    # Excel 97-2003 and password-encrypted .xlsx files are both OLE compound files (magic D0 CF 11 E0).
    path = tmp_path / name
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + b"\x00" * 1024)
    with pytest.raises(O2CLabError) as refused:
        read_open_items(path)
    assert words in str(refused.value) and "xlsx" in str(refused.value)
