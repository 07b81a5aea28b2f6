"""Bad command lines: exit code 2, a French message naming what is valid, no traceback, no English.

Every case stops before any long work (argument types, or the first check of a command), so the
whole list runs in-process in a few seconds; one case runs in a real process to show the same.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
import zipfile

import pytest

from o2c_lab.cli import main

ENGLISH = re.compile(r"usage:|error:|\binvalid\b|\brequired\b|unrecognized|choose from|\bexpected\b|could match|"
                     r"not allowed|Traceback|must be")


def _xls(path):
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    return path


def _encrypted(path):
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "EncryptedPackage".encode("utf-16-le"))
    return path


def _workbook(path, entity: bool = False):
    """A real .xlsx; with ``entity``, its sheet declares an external entity (XXE)."""
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["Client", "Montant"])
    book.active.append(["Dupont SA", 12])
    buffer = io.BytesIO()
    book.save(buffer)
    if not entity:
        path.write_bytes(buffer.getvalue())
        return path
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(path, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"?>", b'?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>', 1)
                data = data.replace(b"Dupont SA", b"&e;")
            dst.writestr(item, data)
    return path


# (command line with {tmp} for a temporary folder, words the French message must hold)
CASES = [
    (["generate", "--out", "{tmp}/x", "--seed", "1e30"], ["n'est pas un nombre entier", "2026"]),
    (["generate", "--out", "{tmp}/x", "--seed", "2**63"], ["n'est pas un nombre entier"]),
    (["generate", "--out", "{tmp}/x", "--seed", "9223372036854775808"], ["trop grand", "9 223 372 036 854 775 807"]),
    (["generate", "--out", "{tmp}/x", "--seed", "-1"], ["trop petit"]),
    (["generate", "--out", "{tmp}/x", "--seed", ""], ["n'est pas un nombre entier"]),
    (["generate", "--out", "{tmp}/x", "--seed", "\u0663"], ["n'est pas un nombre entier"]),  # Arabic-Indic 3
    (["generate", "--out", "{tmp}/x", "--seed", "9" * 5000], ["n'est pas un nombre entier"]),
    (["generate", "--out", "{tmp}/x", "--customers", "0"], ["trop petit", "30"]),
    (["generate", "--out", "{tmp}/x", "--customers", "1000000"], ["trop grand", "100 000"]),
    (["generate", "--out", "{tmp}/x", "--customers", "10.5"], ["n'est pas un nombre entier"]),
    (["generate", "--out", "{tmp}/x", "--customers"], ["une valeur est attendue"]),
    (["generate", "--out", "{tmp}/x", "--as-of", "2026-13-45"], ["Date"]),
    (["generate", "--out", "{tmp}/x", "--noise", "extreme"], ["choix invalide"]),
    (["generate", "--seed", "3"], ["arguments obligatoires manquants", "--out"]),
    (["lab", "--port", "70000"], ["trop grand", "65 535"]),
    (["lab", "--port", "0"], ["trop petit"]),
    (["lab", "--port", "-1"], ["trop petit"]),
    (["lab", "--port", "http"], ["n'est pas un nombre entier", "8888"]),
    (["run", "--seed", "1e30"], ["n'est pas un nombre entier"]),
    (["run", "--notebooks"], ["au moins une valeur est attendue"]),
    (["anonymize", "{tmp}/in.xlsx", "--out", "{tmp}/o.xlsx", "--shift-days", "abc"], ["n'est pas un nombre entier"]),
    (["anonymize", "{tmp}/in.xlsx", "--out", "{tmp}/o.xlsx", "--shift-days", "100000000000"], ["trop grand"]),
    (["anonymize", "--out", "{tmp}/o.xlsx"], ["arguments obligatoires manquants", "FICHIER"]),
    (["anonymize", "{tmp}/absent.xlsx", "--out", "{tmp}/o.xlsx"], ["introuvable"]),
    (["anonymize", "{tmp}", "--out", "{tmp}/o.xlsx"], ["dossier"]),
    (["anonymize", "{tmp}/ancien.xls", "--out", "{tmp}/o.xlsx"], ["ancien classeur", "enregistrez-le en .xlsx ou CSV"]),
    (["anonymize", "{tmp}/protege.xlsx", "--out", "{tmp}/o.xlsx"], ["mot de passe", "retirez le mot de passe"]),
    (["anonymize", "{tmp}/texte.xlsx", "--out", "{tmp}/o.xlsx"], ["pas un classeur Excel"]),
    (["anonymize", "{tmp}/entite.xlsx", "--out", "{tmp}/o.xlsx"], ["classeur illisible"]),
    (["anonymize", "{tmp}/bon.xlsx", "--out", "{tmp}"], ["est un dossier", "nom de fichier"]),
    (["cohort", "create", "c" * 300, "--seed", "1"], ["trop long", "64"]),
    (["cohort", "create", "a b", "--seed", "1"], ["Nom de cohorte invalide"]),
    (["cohort", "create", "paris", "--seed", "1", "--size", "1"], ["trop petit", "30"]),
    (["cohort", "create", "paris"], ["arguments obligatoires manquants", "--seed"]),
    (["cohort"], ["arguments obligatoires manquants"]),
    (["cohort", "frobnicate"], ["choix invalide"]),
    (["deliverables"], ["arguments obligatoires manquants", "--out"]),
    (["generer"], ["choix invalide"]),
    (["generate", "--out", "{tmp}/x", "--frobnicate"], ["arguments non reconnus"]),
]


@pytest.fixture
def files(tmp_path):
    _xls(tmp_path / "ancien.xls")
    _encrypted(tmp_path / "protege.xlsx")
    (tmp_path / "texte.xlsx").write_text("Client;Montant\nDupont;12\n", encoding="utf-8")
    _workbook(tmp_path / "entite.xlsx", entity=True)
    _workbook(tmp_path / "bon.xlsx")
    return tmp_path


@pytest.mark.parametrize("argv, words", CASES, ids=[" ".join(a)[:60] for a, _ in CASES])
def test_bad_command_line_is_refused_in_french(argv, words, files, capsys):
    argv = [a.replace("{tmp}", str(files)) for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err
    missing = [w for w in words if w not in err]
    assert not missing, err
    assert not ENGLISH.search(err), err
    assert "--customers" not in err or argv[0] == "generate"  # cohort create says --size, not --customers


def test_retries_out_of_range_are_refused_in_french(monkeypatch, tmp_path, capsys):
    monkeypatch.chdir(tmp_path)  # no .env of the user's
    monkeypatch.setenv("O2C_AI_MAX_RETRIES", "-1")
    assert main(["ai-check"]) == 2
    err = capsys.readouterr().err
    assert "O2C_AI_MAX_RETRIES entre 0 et 10" in err and "Traceback" not in err


def test_a_real_process_prints_no_traceback(tmp_path):
    done = subprocess.run([sys.executable, "-m", "o2c_lab", "generate", "--out", str(tmp_path / "x"),
                           "--seed", "1e30"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "n'est pas un nombre entier" in done.stderr and "Traceback" not in done.stderr


def test_corrupt_journal_in_a_read_only_folder_is_a_french_error(monkeypatch, tmp_path, capsys):
    import os

    from o2c_lab.coaching.journal import journal_path

    path = journal_path("Camille Martin", tmp_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{ pas du json", encoding="utf-8")

    def read_only(src, dst):  # what a read-only folder does to the set-aside rename
        raise PermissionError(13, "Permission non accordée", str(src))

    monkeypatch.setattr(os, "replace", read_only)
    assert main(["deliverables", "--out", str(tmp_path / "kit"), "--participant", "Camille Martin",
                 "--journal-folder", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "journal de « Camille Martin »" in err and "--journal-folder" in err and "Traceback" not in err


def test_ai_check_against_a_plain_text_server_is_a_french_diagnosis(monkeypatch, tmp_path, capsys):
    import http.server
    import threading

    class PlainText(http.server.BaseHTTPRequestHandler):
        def _answer(self):
            body = "Bienvenue sur ce serveur".encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), PlainText)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.chdir(tmp_path)
        monkeypatch.setenv("O2C_AI_BASE_URL", f"http://127.0.0.1:{server.server_port}/v1")
        monkeypatch.setenv("O2C_AI_API_KEY", "sk-test-0123456789")
        monkeypatch.setenv("O2C_AI_MODEL", "modele-test")
        monkeypatch.setenv("O2C_AI_MAX_RETRIES", "0")  # the answer will not improve by asking again
        code = main(["ai-check"])
    finally:
        server.shutdown()
    out = capsys.readouterr()
    assert code == 1 and "Traceback" not in out.err
    assert "Réponse illisible" in out.out and "API compatible OpenAI" in out.out
