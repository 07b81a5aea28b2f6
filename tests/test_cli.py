"""The ``o2c-lab`` command: French help and errors, exit codes, and the real good paths."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import nbformat
import pytest
from conftest import free_port, jupyter_server

import o2c_lab
from o2c_lab import cli, labsetup
from o2c_lab.cli import main, parse_date
from o2c_lab.errors import InvalidParameterError, O2CLabError
from o2c_lab.labsetup import LAB_OVERRIDES, environment_diagnosis, jupyter_lab_command, write_lab_settings

ROOT = Path(__file__).resolve().parents[1]
ENGLISH_ARGPARSE = ("usage:", "invalid choice", "invalid int", "required", "unrecognized", "choose from",
                    "show this help", "positional arguments")


def _generator_available() -> bool:
    try:
        from o2c_lab.company.generator import generate_company  # noqa: F401
    except ImportError:
        return False
    return True


needs_generator = pytest.mark.skipif(not _generator_available(),
                                     reason="générateur d'entreprise pas encore disponible")


# ----------------------------------------------------------------------------- help

@pytest.mark.parametrize("argv", [["--help"], ["generate", "--help"], ["run", "-h"], ["lab", "--help"]])
def test_help_is_french(argv, capsys):
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.startswith("utilisation : o2c-lab")
    assert "afficher cette aide et quitter" in out
    assert not [w for w in ENGLISH_ARGPARSE if w in out]


def test_main_help_lists_every_command(capsys):
    main(["--help"])
    out = capsys.readouterr().out
    for command in ("generate", "lab", "run", "test"):
        assert f"    {command} " in out


# ----------------------------------------------------------------------------- bad input

@pytest.mark.parametrize("args, french", [
    (["--customers", "-5"], "trop petit"),
    (["--customers", "cent"], "n'est pas un nombre entier"),
    (["--seed", "-1"], "trop petit"),
    (["--as-of", "2026-02-30"], "Date impossible"),
    (["--as-of", "30/02/2026"], "Date impossible"),
    (["--as-of", "14-12-2026"], "Date illisible"),
    (["--noise", "extreme"], "choix invalide"),
    (["--frobnicate"], "arguments non reconnus"),
])
def test_generate_rejects_bad_arguments_in_french(args, french, tmp_path, capsys):
    assert main(["generate", "--out", str(tmp_path / "x"), *args]) == 2
    err = capsys.readouterr().err
    assert french in err
    assert err.startswith("utilisation : o2c-lab")
    assert "Traceback" not in err
    assert not [w for w in ENGLISH_ARGPARSE if w in err]
    assert not (tmp_path / "x").exists()


def test_missing_out_and_unknown_command_are_french(capsys):
    assert main(["generate"]) == 2
    assert "arguments obligatoires manquants : --out" in capsys.readouterr().err
    assert main(["generer"]) == 2
    err = capsys.readouterr().err
    assert "choix invalide : 'generer'" in err and "generate" in err
    assert main([]) == 2
    assert "arguments obligatoires manquants : COMMANDE" in capsys.readouterr().err


def test_output_under_a_regular_file_is_refused(tmp_path, capsys):
    blocker = tmp_path / "fichier.txt"
    blocker.write_text("pas un dossier", encoding="utf-8")
    assert main(["generate", "--out", str(blocker / "sous_dossier"), "--customers", "30"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Erreur : ")
    assert "est un fichier, pas un dossier" in err and "Que faire" in err
    assert "Traceback" not in err
    assert blocker.read_text(encoding="utf-8") == "pas un dossier"


def test_non_empty_output_is_refused_without_force(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("à garder", encoding="utf-8")
    assert main(["generate", "--out", str(tmp_path), "--customers", "30"]) == 2
    err = capsys.readouterr().err
    assert "n'est pas vide" in err and "--force" in err
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_errors_in_a_real_process_have_no_traceback(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "o2c_lab", "generate", "--as-of", "2026-02-30",
                           "--out", str(tmp_path / "x")], capture_output=True, text=True, encoding="utf-8")
    assert proc.returncode == 2
    assert "Date impossible" in proc.stderr and "Traceback" not in proc.stderr


# ----------------------------------------------------------------------------- dates

def test_both_date_formats_give_the_same_day():
    assert parse_date("2026-12-14") == parse_date("14/12/2026") == dt.date(2026, 12, 14)
    assert parse_date(" 2028-02-29 ") == dt.date(2028, 2, 29)  # leap year


@pytest.mark.parametrize("text", ["2027-02-29", "31/04/2026", "2026-13-01", "12/14/2026"])
def test_impossible_dates_are_refused(text):
    with pytest.raises(InvalidParameterError, match="Date impossible"):
        parse_date(text)


@pytest.mark.parametrize("text", ["14.12.2026", "20261214", "demain", ""])
def test_unreadable_dates_list_the_valid_formats(text):
    with pytest.raises(InvalidParameterError, match="AAAA-MM-JJ .* ou JJ/MM/AAAA") as info:
        parse_date(text)
    assert "Date illisible" in str(info.value)


# ----------------------------------------------------------------------------- lab

def test_lab_settings_are_written_as_json(tmp_path):
    path = write_lab_settings(tmp_path / "a" / "b")
    assert path == tmp_path / "a" / "b" / "overrides.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["@jupyterlab/translation-extension:plugin"]["locale"] == "fr_FR"
    assert data["@jupyterlab/apputils-extension:notification"] == {"checkForUpdates": False,
                                                                    "fetchNews": "false"}


def test_lab_settings_error_is_french(tmp_path):
    (tmp_path / "f").write_text("", encoding="utf-8")
    with pytest.raises(O2CLabError, match="Impossible d'écrire les réglages de JupyterLab"):
        write_lab_settings(tmp_path / "f" / "settings")


@pytest.mark.parametrize("as_root", [True, False])
def test_jupyter_lab_command(as_root, tmp_path):
    (tmp_path / "notebooks").mkdir()
    argv = jupyter_lab_command(tmp_path, tmp_path / "s", port=9999, open_browser=False, as_root=as_root)
    assert argv[:4] == [sys.executable, "-m", "jupyter", "lab"]
    assert f"--LabApp.app_settings_dir={tmp_path / 's'}" in argv
    assert f"--ServerApp.root_dir={tmp_path}" in argv
    assert "--LabApp.default_url=/lab/tree/notebooks" in argv  # no welcome notebook: the folder
    assert "--ServerApp.port=9999" in argv and "--no-browser" in argv
    assert ("--allow-root" in argv) is as_root


@pytest.fixture
def lab_root(tmp_path, monkeypatch):
    """A project folder with the welcome notebook and a dataset, and Jupyter dirs inside tmp_path."""
    root = tmp_path / "projet"
    (root / "notebooks").mkdir(parents=True)
    shutil.copyfile(ROOT / labsetup.WELCOME_NOTEBOOK, root / labsetup.WELCOME_NOTEBOOK)
    (root / labsetup.DEFAULT_DATASET).mkdir(parents=True)
    (root / labsetup.DEFAULT_DATASET / "present.txt").write_text("x", encoding="utf-8")
    for var, sub in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
                     ("JUPYTER_RUNTIME_DIR", "runtime"), ("JUPYTERLAB_SETTINGS_DIR", "user-settings"),
                     ("JUPYTERLAB_WORKSPACES_DIR", "workspaces"), ("IPYTHONDIR", "ipython")):
        monkeypatch.setenv(var, str(tmp_path / sub))
    monkeypatch.setattr(cli, "repo_root", lambda: root)
    return root


def _lab_argv(lab_root, monkeypatch, capsys, *args) -> list[str]:
    launched = []
    monkeypatch.setattr(cli, "_exec", lambda argv: launched.append(argv) or 0)
    assert main(["lab", *args]) == 0
    out = capsys.readouterr().out
    (argv,) = launched
    token = next(a for a in argv if a.startswith("--IdentityProvider.token=")).split("=", 1)[1]
    port = next(a for a in argv if a.startswith("--ServerApp.port=")).split("=", 1)[1]
    # The address to open is printed in French, before the server's own (English) messages.
    assert "JupyterLab en français" in out and "copiez cette adresse dans votre navigateur" in out
    assert f"http://127.0.0.1:{port}/lab/tree/notebooks/00_bienvenue.ipynb?token={token}" in out
    return argv


def test_lab_writes_french_settings_and_opens_the_welcome_notebook(lab_root, monkeypatch, capsys, tmp_path):
    argv = _lab_argv(lab_root, monkeypatch, capsys, "--port", "8765", "--no-browser")
    settings = Path(next(a for a in argv if a.startswith("--LabApp.app_settings_dir=")).split("=", 1)[1])
    assert settings.is_relative_to(tmp_path / "data")  # the user's Jupyter data dir, not the project
    assert json.loads((settings / "overrides.json").read_text(encoding="utf-8")) == LAB_OVERRIDES
    assert "--LabApp.default_url=/lab/tree/notebooks/00_bienvenue.ipynb" in argv
    assert f"--ServerApp.root_dir={lab_root}" in argv
    assert "--ServerApp.port=8765" in argv and "--no-browser" in argv
    assert ("--allow-root" in argv) is (os.name == "posix" and os.geteuid() == 0)
    assert [p.name for p in (lab_root / labsetup.DEFAULT_DATASET).iterdir()] == ["present.txt"]


@pytest.mark.slow
def test_lab_command_starts_a_french_jupyterlab(lab_root, monkeypatch, capsys, tmp_path):
    """Start the very command line ``o2c-lab lab`` builds; the server's settings say fr_FR."""
    port = free_port()
    argv = _lab_argv(lab_root, monkeypatch, capsys, "--port", str(port), "--no-browser")
    token = next(a for a in argv if a.startswith("--IdentityProvider.token=")).split("=", 1)[1]
    with jupyter_server([*argv, "--ServerApp.ip=127.0.0.1", "--ServerApp.port_retries=0"],
                        port, token, tmp_path / "jupyter.log") as base:
        url = f"{base}/lab/api/settings/@jupyterlab/translation-extension:plugin?token={token}"
        with urllib.request.urlopen(url, timeout=10) as resp:
            setting = json.load(resp)
        assert setting["schema"]["properties"]["locale"]["default"] == "fr_FR"  # the override applied
        url = f"{base}/lab/api/settings/@jupyterlab/apputils-extension:notification?token={token}"
        with urllib.request.urlopen(url, timeout=10) as resp:
            assert json.load(resp)["schema"]["properties"]["fetchNews"]["default"] == "false"
        with urllib.request.urlopen(f"{base}/lab/api/translations/fr_FR?token={token}", timeout=10) as resp:
            pack = json.load(resp)
        assert pack["data"]["jupyterlab"]["Run All Cells"] == ["Exécuter toutes les cellules"]


# ----------------------------------------------------------------------------- run, test

def test_run_refuses_an_unknown_notebook(capsys):
    assert main(["run", "--notebooks", "99_inexistant.ipynb"]) == 2
    err = capsys.readouterr().err
    assert "Carnet(s) introuvable(s) : 99_inexistant.ipynb" in err and "00_bienvenue.ipynb" in err


def test_test_command_passes_its_arguments_to_pytest(capfd):
    # options before and after a path: every argument reaches pytest, in order
    assert main(["test", "-q", "--co", "tests/test_cli.py", "-k", "both_date_formats"]) == 0
    assert "test_cli.py::test_both_date_formats_give_the_same_day" in capfd.readouterr().out


def test_test_command_help_is_ours(capsys):
    assert main(["test", "--help"]) == 0
    assert "transmis à pytest" in capsys.readouterr().out


def test_environment_diagnosis_reports_this_interpreter():
    report = environment_diagnosis()
    assert f"✔ Python {platform.python_version()}" in report
    assert f"✔ bibliothèque du cours (o2c-lab {o2c_lab.__version__})" in report
    assert "✘" not in report and report.endswith("Tout est prêt : vous pouvez continuer.")


# ----------------------------------------------------------------------------- good paths

@needs_generator
def test_generate_writes_a_dataset_that_loads_back(tmp_path, capsys):
    out = tmp_path / "cohorte"
    assert main(["generate", "--seed", "7", "--customers", "40", "--as-of", "14/12/2026",
                 "--out", str(out)]) == 0
    summary = capsys.readouterr().out
    assert str(out) in summary and "fichiers" in summary and "graine 7" in summary
    company = o2c_lab.load_company(out)
    assert company.seed == 7
    assert company.as_of == dt.date(2026, 12, 14)
    assert len(company.customers) == 40

    assert main(["generate", "--seed", "7", "--customers", "40", "--out", str(out)]) == 2
    assert "--force" in capsys.readouterr().err
    again = tmp_path / "encore"
    assert main(["generate", "--seed", "7", "--customers", "40", "--as-of", "2026-12-14",
                 "--out", str(again)]) == 0
    files = sorted(p.relative_to(out) for p in out.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    assert all((out / f).read_bytes() == (again / f).read_bytes() for f in files)  # same seed, same bytes


@needs_generator
@pytest.mark.slow
def test_run_executes_the_welcome_notebook(tmp_path, capsys):
    out = tmp_path / "sortie"
    assert main(["run", "--seed", "2026", "--notebooks", "00_bienvenue.ipynb", "--out", str(out)]) == 0
    table = capsys.readouterr().out
    assert "00_bienvenue.ipynb  réussi" in table and "1 réussi(s), 0 échec(s)" in table
    nb = nbformat.read(out / "00_bienvenue.ipynb", as_version=4)
    injected = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
    assert "ai_mode = \"hors_ligne\"" in injected.source and "data_folder = None" in injected.source
    texts = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "Tout est prêt" in texts
    assert any("text/html" in o.get("data", {}) for c in nb.cells if c.cell_type == "code" for o in c.outputs)
