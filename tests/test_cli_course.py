"""The course commands of ``o2c-lab``: rebuild/check the generated copies, export a participant's kit."""

from __future__ import annotations

import zipfile

from o2c_lab.cli import main
from o2c_lab.coaching import Journal


def test_build_check_says_the_committed_copies_are_in_sync(capsys):
    assert main(["build", "--check"]) == 0
    assert "Tout est à jour" in capsys.readouterr().out


def test_deliverables_command_exports_a_participant_kit(tmp_path, capsys):
    journal = Journal.open("Camille Martin", folder=tmp_path / "journaux")
    journal.record_prompt("relance_niveau2_ferme", "ma version du prompt")
    assert main(["deliverables", "--out", str(tmp_path / "kit"), "--participant", "Camille Martin",
                 "--journal-folder", str(tmp_path / "journaux")]) == 0
    archive = tmp_path / "kit" / "livrables_Camille_Martin.zip"
    with zipfile.ZipFile(archive) as zf:
        names = zf.namelist()
    assert len([n for n in names if n.endswith(".docx")]) == 11 and "09_plan_action_30_jours.xlsx" in names
    assert "fichiers écrits" in capsys.readouterr().out
