"""Several kernels on one journal: two processes writing as fast as they can lose nothing, and a
process killed (SIGKILL) at a random moment loses no acknowledged entry and leaves no temporary
file once the journal is reopened."""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import sys
import time

import pytest

from o2c_lab.coaching.journal import Journal

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="fork et SIGKILL : POSIX seulement")
FORK = multiprocessing.get_context("fork") if sys.platform != "win32" else None


def _writer(folder, tag: str, count: int, ack_fd: int) -> None:
    """Child process: ``count`` timings (endless if 0), each acknowledged on ``ack_fd`` once saved."""
    journal = Journal.open("Ana", folder=folder)
    i = 0
    while count == 0 or i < count:
        journal.record_timing(f"{tag}-{i}", "manuel", 1)
        os.write(ack_fd, f"{tag}-{i}\n".encode())
        i += 1
    os._exit(0)


def _spawn(folder, tag, count):
    read_fd, write_fd = os.pipe()
    proc = FORK.Process(target=_writer, args=(folder, tag, count, write_fd), daemon=True)
    proc.start()
    os.close(write_fd)
    return proc, read_fd


def _acknowledged(read_fd) -> set[str]:
    chunks = []
    while chunk := os.read(read_fd, 65536):
        chunks.append(chunk)
    os.close(read_fd)
    return set(b"".join(chunks).decode().split())


def _tasks(folder) -> list[str]:
    return [t["task"] for t in Journal.open("Ana", folder=folder).data["timings"]]


def test_two_processes_300_rapid_writes_each_lose_nothing(tmp_path):
    started = time.monotonic()
    runs = [_spawn(tmp_path, tag, 300) for tag in ("a", "b")]
    acked = set()
    for proc, fd in runs:
        acked |= _acknowledged(fd)
        proc.join(60)
        assert proc.exitcode == 0
    tasks = _tasks(tmp_path)
    assert len(acked) == 600 and sorted(tasks) == sorted(acked)  # every write, once
    # each writer's own entries keep their order
    assert [t for t in tasks if t.startswith("a-")] == [f"a-{i}" for i in range(300)]
    print(f"\n[journal] 2 × 300 écritures concurrentes en {time.monotonic() - started:.1f} s, 600/600 présentes")


def test_kill_9_never_loses_an_acknowledged_entry_nor_leaves_a_temp_file(tmp_path):
    rng = random.Random(15)
    acked, orphans_seen = set(), 0
    for trial in range(15):
        proc, fd = _spawn(tmp_path, f"k{trial}", 0)
        time.sleep(rng.uniform(0.05, 0.4))
        os.kill(proc.pid, signal.SIGKILL)
        proc.join(10)
        acked |= _acknowledged(fd)
        orphans_seen += len(list(tmp_path.glob(".*.tmp")))
        tasks = set(_tasks(tmp_path))  # reopening cleans up
        assert acked <= tasks, sorted(acked - tasks)[:5]
        assert list(tmp_path.glob(".*.tmp")) == []
    assert len(acked) > 15  # the children did write before being killed
    print(f"\n[journal] 15 kill -9 : {len(acked)} écritures acquittées toutes présentes, "
          f"{orphans_seen} fichier(s) temporaire(s) orphelin(s) nettoyé(s) à la réouverture")
