"""The eleven deliverables: generic versions committed in sync, a participant's own kit."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from docx import Document as WordDocument
from openpyxl import load_workbook

import o2c_lab
from o2c_lab.deliverables import DELIVERABLES, export_deliverables

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "deliverables"
LEFTOVERS = re.compile(r"\{\{|\}\}|\{[a-z_]+\}|\bNone\b|\bnan\b|\bNaT\b|\bTrue\b|\bFalse\b")
ENGLISH = re.compile(r"\b(the|and|invoice|payment|customer|reminder|Dear|Regards)\b")


@pytest.fixture(scope="module")
def default_company():
    return o2c_lab.load_company(ROOT / "datasets" / "fil_rouge")


@pytest.fixture(scope="module")
def generic(default_company, tmp_path_factory):
    out = tmp_path_factory.mktemp("livrables")
    export_deliverables(default_company, out)
    return out


# As the notebooks record it: task ids and modes of the journal, the use cases of notebook 06.
JOURNAL = {"participant": "Camille Martin",
           "timings": [{"task": "04_cinq_relances", "mode": "manuel", "seconds": 1500},
                       {"task": "04_cinq_relances", "mode": "manuel", "seconds": 1620},
                       {"task": "04_cinq_relances", "mode": "avec_ia", "seconds": 480}],
           "prompts": [{"id": "relance_niveau2_ferme", "text": "ma version"}],
           "answers": {"06_plan_cas_2": {"text": "Tâche : relances du lundi\nJe passe de 3 heures à 40 minutes."}}}


def test_eleven_deliverables_in_word_and_markdown(generic):
    assert len(DELIVERABLES) == 11
    for slug in DELIVERABLES:
        text = (generic / f"{slug}.md").read_text(encoding="utf-8")
        assert not LEFTOVERS.search(text), (slug, LEFTOVERS.search(text).group(0))
        assert not ENGLISH.search(text), (slug, ENGLISH.search(text).group(0))
        word = WordDocument(generic / f"{slug}.docx")
        assert word.paragraphs[0].text == text.splitlines()[0].lstrip("# ")


def test_committed_generic_versions_are_in_sync(generic):
    for slug in DELIVERABLES:
        committed = (COMMITTED / f"{slug}.md").read_text(encoding="utf-8")
        assert committed == (generic / f"{slug}.md").read_text(encoding="utf-8"), \
            f"deliverables/{slug}.md est périmé : lancez « o2c-lab deliverables --out deliverables »"
        assert (COMMITTED / f"{slug}.docx").exists()


def test_participant_kit_has_own_items_measured_gain_and_zip(default_company, tmp_path):
    paths = export_deliverables(default_company, tmp_path, JOURNAL)
    archive = tmp_path / "livrables_Camille_Martin.zip"
    assert archive in paths
    with zipfile.ZipFile(archive) as zf:
        assert len([n for n in zf.namelist() if n.endswith(".docx")]) == 11
    guide = WordDocument(tmp_path / "01_guide_bonnes_pratiques.docx")
    assert "Camille Martin" in "\n".join(p.text for p in guide.paragraphs)
    sheet = load_workbook(tmp_path / "02_bibliotheque_prompts.xlsx").active
    first = [c.value for c in sheet[2]]
    assert first[-1] == "oui"  # the chosen prompt comes first
    plan = load_workbook(tmp_path / "09_plan_action_30_jours.xlsx").active
    row = [c.value for c in plan[2]]
    # Median of the two manual timings (25 and 27 minutes) and the one with AI (8 minutes).
    assert row[0] == "Rédiger 5 relances" and row[3] == 26.0 and row[4] == 8.0
    assert row[1] == "Relance de niveau 2 (ferme)" or "_" not in row[1]  # a title, never an id
    plan_text = (tmp_path / "09_plan_action_30_jours.md").read_text(encoding="utf-8")
    assert "Mon cas d'usage 2" in plan_text and "Je passe de 3 heures à 40 minutes." in plan_text
    assert "04_cinq_relances" not in plan_text
    assert row[5] == '=IF(AND(ISNUMBER(D2),ISNUMBER(E2)),(D2-E2)*C2/60,"non mesuré")'
    unmeasured = [c.value for c in plan[3]]
    assert unmeasured[3] is None and unmeasured[4] is None  # never invented
    assert plan.cell(row=5, column=6).value == "=SUM(F2:F4)"


def test_generic_plan_says_unmeasured(generic):
    text = (generic / "09_plan_action_30_jours.md").read_text(encoding="utf-8")
    assert text.count("non mesuré") >= 6
