"""Execute a cohort's notebooks headless with papermill, two at a time, and probe their AI prompts.

The probe is a cell appended to a temporary copy of a course notebook: it clicks « Voir la
référence » on every prompt workbench (:class:`~o2c_lab.ui.prompt_lab.PromptLab`) the notebook
built, exactly as a trainee would, and reports each prompt sent (text, hash) and where the answer
came from (a recording in « rejeu » mode, the offline reference otherwise).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import time
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

__all__ = ["PROBE_TAG", "Job", "Run", "add_probe", "execute", "feedback", "probed_prompts"]

PROBE_TAG = "sonde-ia"
_MARK = "O2C_SONDE_IA "
_PROBE = f'''\
import gc as _gc
import json as _json

from o2c_lab.ui.prompt_lab import PromptLab as _PromptLab

_sent = []
for _lab in [_o for _o in _gc.get_objects() if isinstance(_o, _PromptLab)]:
    _lab.reference_button.click()
    _answer = (_lab.result or {{}}).get("answer")
    _model = _lab.task.output_model
    _sent.append({{"prompt_id": _lab.prompt_id, "title": _lab.task.title, "prompt": _lab.task.prompt,
                  "system": _lab.task.system,
                  "output_model": f"{{_model.__module__}}:{{_model.__qualname__}}" if _model else None,
                  "hash": _answer.provenance.prompt_hash if _answer else None,
                  "mode": _answer.provenance.mode if _answer else "erreur"}})
print("{_MARK}" + _json.dumps(sorted(_sent, key=lambda s: (s["prompt_id"], str(s["hash"]))), ensure_ascii=False))'''


@dataclass(frozen=True)
class Job:
    """One notebook to execute in place (``path``, run in its own folder), its name in reports, and
    papermill parameters to inject (None: the defaults written in the notebook)."""

    path: Path
    label: str
    parameters: dict | None = None


@dataclass
class Run:
    """The outcome of one execution: ``ok``, duration, the first error in French, the executed notebook."""

    label: str
    ok: bool
    seconds: float
    error: str = ""
    notebook: object = field(default=None, repr=False)


def add_probe(path: Path) -> None:
    """Append the prompt probe to the notebook at ``path`` (a temporary copy, never a kit file)."""
    nb = nbformat.read(path, as_version=4)
    cell = nbformat.v4.new_code_cell(_PROBE, metadata={"tags": [PROBE_TAG]})
    nb.cells.append(cell)
    nbformat.write(nb, path)


def probed_prompts(nb) -> list[dict] | None:
    """What the probe reported in an executed notebook (None when it did not run)."""
    for cell in nb.cells:
        if PROBE_TAG in cell.metadata.get("tags", []):
            for output in cell.get("outputs", []):
                for line in str(output.get("text", "")).splitlines():
                    if line.startswith(_MARK):
                        return json.loads(line[len(_MARK):])
    return None


def feedback(nb) -> list[tuple[str, bool | None]]:
    """(question id, verdict) printed by each exercise check: True, False, None for « no answer yet »."""
    verdicts = {"ok=True": True, "ok=False": False, "ok=None": None}
    found = []
    for cell in nb.cells:
        question = re.search(r'verifier\("(\w+)"', cell.source)
        for output in cell.get("outputs", []):
            text = str(output.get("data", {}).get("text/plain", ""))
            if text.startswith("Feedback("):
                found.append((question[1] if question else "", next(v for k, v in verdicts.items() if k in text)))
    return found


def _run(job: Job) -> Run:
    import papermill

    started = time.monotonic()
    try:
        papermill.execute_notebook(str(job.path), str(job.path), parameters=job.parameters,
                                   kernel_name="python3", cwd=str(job.path.parent), progress_bar=False,
                                   log_output=False, execution_timeout=600)
        ok, error = True, ""
    except Exception as exc:  # a runner reports every notebook, whatever made one fail
        ok = False
        error = f"{getattr(exc, 'ename', type(exc).__name__)} : {getattr(exc, 'evalue', exc)}".splitlines()[0][:300]
    seconds = time.monotonic() - started
    notebook = nbformat.read(job.path, as_version=4) if job.path.is_file() else None
    return Run(job.label, ok, seconds, error, notebook)


@contextlib.contextmanager
def _environ(**values):
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def execute(jobs: list[Job], journal_folder: Path, workers: int = 2) -> list[Run]:
    """Execute ``jobs`` in place, ``workers`` kernels at a time; the kernels keep their journal in
    ``journal_folder`` (never the user's own). Results come back in the order of ``jobs``.

    Each job runs in its own worker process: papermill changes the process's working folder while
    it starts a kernel, which threads would share.
    """
    from ..coaching import JOURNAL_DIR_ENV

    if not jobs:
        return []
    context = multiprocessing.get_context("spawn")
    with _environ(**{JOURNAL_DIR_ENV: str(journal_folder)}), \
            ProcessPoolExecutor(min(max(1, workers), len(jobs)), mp_context=context) as pool:
        return list(pool.map(_run, jobs))
