"""Hosting a cohort on JupyterHub: o2c_lab.hosting, then a real hub with real Unix accounts.

The hub test (root only) loads ``hosting/jupyterhub_config.py`` itself, overriding only the ports
and adding a test-driver token. It creates three throw-away accounts with private homes
(one made readable by all on purpose: the pre-spawn hook must close it), logs one participant in
through the login form like a browser and the two others through the admin API, runs the welcome
notebook in each one's own copy of the course (through the single-user server's REST API and kernel
websocket), records a self-assessment as the notebook's button does, then checks who can read what.

Everything listens on 127.0.0.1. The proxy comes from npm into ``.hub-node/`` (``make test`` and
``make hub-proxy`` install it), where the production configuration finds it. The participants'
accounts cannot run an interpreter kept under a private folder (such as /root), so the servers run
under a small virtual environment, in the test's own temporary folder, built on a Python they can
run and seeing this project's packages.
"""

from __future__ import annotations

import concurrent.futures
import json
import logging
import os
import re
import secrets
import shutil
import signal
import stat
import subprocess
import sys
import sysconfig
import tempfile
import time
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import free_port

from o2c_lab.coaching.journal import OBJECTIVES
from o2c_lab.errors import DataFileError, InvalidParameterError, O2CLabError, OutputFolderError
from o2c_lab.hosting import (COURSE_FOLDER, COURSE_PARTS, JOURNAL_DIR_ENV, check_accounts, check_readable_by_all,
                             copy_course, course_pre_spawn_hook, journal_folder, read_participants)

pwd = pytest.importorskip("pwd", reason="comptes Unix : Linux seulement")

ROOT = Path(__file__).resolve().parents[1]
CHP = ROOT / ".hub-node" / "node_modules" / ".bin" / "configurable-http-proxy"
PASSWORD = "formation-ar-" + secrets.token_hex(4)
WELCOME = f"{COURSE_FOLDER}/notebooks/00_bienvenue.ipynb"


def _course_files(root: Path) -> dict[str, bytes]:
    """{relative path: bytes} of what a participant must receive, listed independently of the code."""
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for part in COURSE_PARTS for p in (root / part).rglob("*")
            if p.is_file() and not any(x.startswith(".") or x == "__pycache__" for x in p.relative_to(root).parts)}


# ------------------------------------------------------------------------------- participants list
def test_participants_list_keeps_order_and_skips_comments(tmp_path):
    path = tmp_path / "participants.txt"
    path.write_text("# session du 12 mars\n\ncamille_martin   # Camille Martin\nlea-b\n  _tom \n", encoding="utf-8")
    assert read_participants(path) == ["camille_martin", "lea-b", "_tom"]


@pytest.mark.parametrize("text, row", [("alice\nAlice\n", 2), ("alice\n\nalice\n", 3), ("léa\n", 1),
                                       ("1bob\n", 1), ("-x\n", 1), ("a" * 33 + "\n", 1)])
def test_participants_list_refuses_names_the_hub_cannot_use(tmp_path, text, row):
    path = tmp_path / "participants.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        read_participants(path)
    assert err.value.row == row and "Que faire" in str(err.value)


def test_participants_list_missing_or_empty(tmp_path):
    with pytest.raises(DataFileError):
        read_participants(tmp_path / "absent.txt")
    (tmp_path / "vide.txt").write_text("# personne\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="aucun participant"):
        read_participants(tmp_path / "vide.txt")


def test_accounts_must_exist():
    check_accounts([pwd.getpwuid(os.getuid()).pw_name])
    ghost = "o2c" + secrets.token_hex(6)
    with pytest.raises(InvalidParameterError, match=ghost):
        check_accounts([pwd.getpwuid(os.getuid()).pw_name, ghost])


# ------------------------------------------------------------------------------- shared folders
@pytest.fixture
def open_tmp():
    """A temporary folder other accounts can reach (pytest's own sits in a private folder when root)."""
    folder = Path(tempfile.mkdtemp(prefix="o2c-partage-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder)


def test_readable_by_all_accepts_exactly_chmod_u_rwX_go_rX(open_tmp):
    shared = open_tmp / "partage"
    (shared / "fil_rouge" / "csv").mkdir(parents=True)
    (shared / "fil_rouge" / "csv" / "clients.csv").write_text("id\n", encoding="utf-8")
    subprocess.run(["chmod", "-R", "u=rwX,go=rX", str(shared)], check=True)
    check_readable_by_all(shared)
    for target, mode in [(shared / "fil_rouge", 0o700), (shared / "fil_rouge" / "csv" / "clients.csv", 0o600),
                         (shared / "fil_rouge" / "csv" / "clients.csv", 0o664), (shared / "fil_rouge", 0o777)]:
        before = target.stat().st_mode
        target.chmod(mode)
        with pytest.raises(O2CLabError, match="chmod -R u=rwX,go=rX"):
            check_readable_by_all(shared)
        target.chmod(before)
    open_tmp.chmod(0o700)  # a parent nobody else can cross
    with pytest.raises(O2CLabError, match="traverser"):
        check_readable_by_all(shared)


# ------------------------------------------------------------------------------- course copy
def test_copy_course_gives_every_file_once_and_never_overwrites(tmp_path):
    home, shared = tmp_path / "home", tmp_path / "partage"
    home.mkdir()
    (shared / "fil_rouge").mkdir(parents=True)
    expected = _course_files(ROOT)
    assert any(k.startswith("notebooks/") for k in expected) and any(k.startswith("exercises/") for k in expected)

    created = copy_course(ROOT, home, shared)
    course = home / COURSE_FOLDER
    assert _course_files(course) == expected
    assert {course / k for k in expected} <= set(created)
    assert (course / "datasets").is_symlink() and (course / "datasets" / "fil_rouge").resolve() == shared / "fil_rouge"
    assert not (course / "solutions").exists()
    assert [p for p in course.rglob("*") if p.name.endswith(".tmp")] == []

    mine = course / "notebooks" / "00_bienvenue.ipynb"
    mine.write_text("mon travail", encoding="utf-8")
    (course / "notebooks" / "03_balance_agee.ipynb").unlink()
    assert copy_course(ROOT, home, shared) == [course / "notebooks" / "03_balance_agee.ipynb"]
    assert mine.read_text(encoding="utf-8") == "mon travail"
    assert _course_files(course)["notebooks/03_balance_agee.ipynb"] == expected["notebooks/03_balance_agee.ipynb"]


def test_copy_course_never_follows_a_planted_link(tmp_path):
    home, elsewhere = tmp_path / "home", tmp_path / "ailleurs"
    (home / COURSE_FOLDER).mkdir(parents=True)
    elsewhere.mkdir()
    (home / COURSE_FOLDER / "notebooks").symlink_to(elsewhere)
    with pytest.raises(OutputFolderError, match="n'est pas un dossier"):
        copy_course(ROOT, home, tmp_path)
    assert list(elsewhere.iterdir()) == []


def test_copy_course_without_home_explains(tmp_path):
    with pytest.raises(OutputFolderError, match="useradd"):
        copy_course(ROOT, tmp_path / "absent", tmp_path)


def test_hook_and_journal_follow_the_spawner_home(tmp_path):
    """SimpleLocalProcessSpawner (one shared account) names its home itself; nothing is chowned."""
    spawner = SimpleNamespace(home_dir=str(tmp_path / "camille"), user=SimpleNamespace(name="camille"),
                              log=logging.getLogger("test"))
    (tmp_path / "camille").mkdir(mode=0o755)
    course_pre_spawn_hook(ROOT, tmp_path)(spawner)
    assert (tmp_path / "camille" / WELCOME).read_bytes() == (ROOT / "notebooks" / "00_bienvenue.ipynb").read_bytes()
    assert journal_folder(spawner) == str(tmp_path / "camille" / COURSE_FOLDER / "journal")
    assert stat.S_IMODE((tmp_path / "camille").stat().st_mode) == 0o755  # not a real account: left alone


# ------------------------------------------------------------------------------- the real hub
def _participant_python(folder: Path) -> Path:
    """A virtual environment the participants' accounts can run, seeing this project's packages."""
    site_packages = Path(sysconfig.get_paths()["purelib"])
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    for base in (Path(sys._base_executable).resolve(), Path("/usr/bin") / version):
        try:
            check_readable_by_all(base)
            check_readable_by_all(site_packages)
            check_readable_by_all(ROOT / "o2c_lab")
            break
        except O2CLabError:
            continue
    else:
        pytest.skip(f"aucun Python {version} ni dossier du projet utilisable par d'autres comptes")
    subprocess.run([str(base), "-m", "venv", "--without-pip", str(folder)], check=True)
    (folder / "lib" / version / "site-packages" / "o2c_lab_project.pth").write_text(
        f"import site; site.addsitedir({str(site_packages)!r})\n", encoding="utf-8")
    for shared in ("etc", "share"):  # Jupyter's server extensions (JupyterLab), assets, kernels
        (folder / shared).symlink_to(Path(sys.prefix) / shared)
    return folder / "bin" / "python"


def _own_processes(uids: set[int]) -> list[int]:
    """PIDs run by the throw-away accounts (the servers and kernels this test started)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid in uids:
                    pids.append(int(entry.name))
            except FileNotFoundError:
                pass
    return pids


@pytest.fixture(scope="module")
def hub():
    if os.geteuid() != 0:
        pytest.skip("réservé à root : le test crée de vrais comptes Unix ; le hub lance chaque serveur "
                    "sous le compte de son participant")
    if not (shutil.which("useradd") and shutil.which("userdel")):
        pytest.skip("useradd / userdel absents")
    if not CHP.exists() or not shutil.which("node"):
        pytest.skip("configurable-http-proxy absent : lancez make hub-proxy (npm, dans .hub-node/)")
    requests = pytest.importorskip("requests")
    pytest.importorskip("websocket")
    started = time.monotonic()
    root = Path(tempfile.mkdtemp(prefix="o2c-hub-"))
    root.chmod(0o755)
    suffix = secrets.token_hex(3)
    names = {role: f"{role}_{suffix}" for role in ("alice", "bob", "carol")}
    accounts, proc, log = {}, None, None
    try:
        python = _participant_python(root / "python")
        session = root / "session"
        shutil.copytree(ROOT / "datasets" / "fil_rouge", session / "datasets" / "fil_rouge")
        subprocess.run(["chmod", "-R", "u=rwX,go=rX", str(session / "datasets")], check=True)
        (session / "participants.txt").write_text(
            "# participants de la session de test\n" + "".join(f"{n}\n" for n in names.values()), encoding="utf-8")
        for role, name in names.items():
            home = root / "homes" / name
            subprocess.run(["useradd", "--no-create-home", "--home-dir", str(home), "--shell", "/bin/sh",
                            "--user-group", name], check=True)
            account = pwd.getpwnam(name)
            accounts[role] = account
            home.mkdir(parents=True)
            os.chown(home, account.pw_uid, account.pw_gid)
            home.chmod(0o755 if role == "carol" else 0o700)  # carol's as Debian's useradd makes it

        hub_url, admin_token = f"http://127.0.0.1:{free_port()}", secrets.token_hex(32)
        config = root / "test_config.py"
        config.write_text(f"""\
c = get_config()  # noqa
load_subconfig({str(ROOT / "hosting" / "jupyterhub_config.py")!r})
c.JupyterHub.hub_port = {free_port()}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{free_port()}"
c.JupyterHub.services = [{{"name": "test-driver", "api_token": {admin_token!r}}}]
c.JupyterHub.load_roles = [{{"name": "test-driver", "services": ["test-driver"],
                            "scopes": ["admin:users", "admin:servers", "tokens", "list:users", "read:users"]}}]
""", encoding="utf-8")
        env = {**os.environ, "O2C_HUB_DIR": str(session), "O2C_HUB_PASSWORD": PASSWORD,
               "O2C_HUB_BIND_URL": hub_url, "O2C_HUB_PYTHON": str(python)}
        env.pop(JOURNAL_DIR_ENV, None)
        log = (root / "hub.log").open("w", encoding="utf-8")
        proc = subprocess.Popen([str(Path(sys.executable).parent / "jupyterhub"), "-f", str(config)],
                                cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{hub_url}/hub/api/", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("le hub n'a pas démarré :\n" + (root / "hub.log").read_text(encoding="utf-8")[-4000:])
            time.sleep(0.2)
        timings = {"préparation + démarrage du hub": time.monotonic() - started}
        yield SimpleNamespace(url=hub_url, admin=admin_token, root=root, session=session, names=names,
                              accounts=accounts, timings=timings, requests=requests)
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if log is not None:
            log.close()
        for pid in _own_processes({a.pw_uid for a in accounts.values()}):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        for account in accounts.values():
            subprocess.run(["userdel", account.pw_name], check=False)
        if os.environ.get("O2C_LAB_TEST_ARTEFACTS") and (root / "hub.log").exists():
            shutil.copy(root / "hub.log", Path(os.environ["O2C_LAB_TEST_ARTEFACTS"]) / "jupyterhub.log")
        shutil.rmtree(root, ignore_errors=True)


class SingleUser:
    """One participant's server, reached with a token or with a browser's cookies and _xsrf."""

    def __init__(self, hub, name: str, http, headers: dict):
        self.hub, self.name, self.http, self.headers = hub, name, http, headers
        self.base = f"{hub.url}/user/{name}/"

    def api(self, method: str, path: str, **kw):
        r = self.http.request(method, self.base + path, headers=self.headers, timeout=60, **kw)
        r.raise_for_status()
        return r.json() if r.content else None

    def run_notebook(self, path: str, after_parameters: str, extra: list[str]) -> list[str]:
        """Open ``path`` as JupyterLab does (a session: the kernel starts in the notebook's folder),
        run its code cells, ``after_parameters`` right after the parameters cell, then ``extra``;
        return the printed text of each cell run."""
        import websocket

        nb = self.api("GET", f"api/contents/{path}?content=1")["content"]
        sources = []
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                sources.append(cell["source"])
                if "parameters" in cell["metadata"].get("tags", []):
                    sources.append(after_parameters)
        session = self.api("POST", "api/sessions", json={"path": path, "name": path.rsplit("/", 1)[-1],
                                                         "type": "notebook", "kernel": {"name": "python3"}})
        kernel, client = session["kernel"]["id"], uuid.uuid4().hex
        cookies = "; ".join(f"{c.name}={c.value}" for c in self.http.cookies)
        ws = websocket.create_connection(
            self.base.replace("http", "ws", 1) + f"api/kernels/{kernel}/channels?session_id={client}",
            header=[f"{k}: {v}" for k, v in self.headers.items()], cookie=cookies or None, timeout=120)
        outputs = []
        try:
            for source in sources + extra:
                outputs.append(_execute(ws, client, source))
        finally:
            ws.close()
            self.api("DELETE", f"api/sessions/{session['id']}")
        return outputs


def _execute(ws, client: str, source: str) -> str:
    msg_id = uuid.uuid4().hex
    ws.send(json.dumps({
        "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": "", "session": client,
                   "version": "5.3"},
        "parent_header": {}, "metadata": {}, "channel": "shell",
        "content": {"code": source, "silent": False, "store_history": True, "user_expressions": {},
                    "allow_stdin": False, "stop_on_error": True}}))
    text, replied, idle = "", False, False
    while not (replied and idle):
        msg = json.loads(ws.recv())
        if msg.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        kind = msg["msg_type"]
        if kind == "stream":
            text += msg["content"]["text"]
        elif kind == "error":
            raise AssertionError(f"erreur dans la cellule :\n{source}\n" + "\n".join(msg["content"]["traceback"]))
        elif kind == "execute_reply":
            replied = True
        elif kind == "status" and msg["content"]["execution_state"] == "idle":
            idle = True
    return text


def _hub_api(hub, method: str, path: str, **kw):
    """The hub's REST API with the test driver's (admin) token."""
    r = hub.requests.request(method, f"{hub.url}/hub/api{path}", timeout=60,
                             headers={"Authorization": f"token {hub.admin}"}, **kw)
    r.raise_for_status()
    return r.json() if r.content else None


def _wait_ready(hub, name: str) -> None:
    deadline = time.monotonic() + 90
    while True:
        if _hub_api(hub, "GET", f"/users/{name}")["servers"].get("", {}).get("ready"):
            return
        assert time.monotonic() < deadline, f"le serveur de {name} n'a pas démarré"
        time.sleep(0.2)


def _browser_login(hub, name: str) -> SingleUser:
    """The login form (with its _xsrf), the start button, then JupyterLab's OAuth redirects."""
    http = hub.requests.Session()
    page = http.get(f"{hub.url}/hub/login", timeout=30)
    xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page.text).group(1)
    r = http.post(f"{hub.url}/hub/login?next=", allow_redirects=False, timeout=30,
                  data={"username": name, "password": PASSWORD, "_xsrf": xsrf})
    assert r.status_code == 302, r.text[-500:]
    r = http.post(f"{hub.url}/hub/api/users/{name}/server", timeout=60,
                  headers={"X-XSRFToken": http.cookies.get("_xsrf", path="/hub/")})
    assert r.status_code in (201, 202), r.text
    _wait_ready(hub, name)
    assert http.get(f"{hub.url}/user/{name}/lab", timeout=60).status_code == 200
    return SingleUser(hub, name, http, {"X-XSRFToken": http.cookies.get("_xsrf", path=f"/user/{name}/")})


def _token_login(hub, name: str) -> SingleUser:
    token = _hub_api(hub, "POST", f"/users/{name}/tokens", json={"note": "test", "expires_in": 3600})["token"]
    r = hub.requests.post(f"{hub.url}/hub/api/users/{name}/server", timeout=60,
                          headers={"Authorization": f"token {hub.admin}"})
    assert r.status_code in (201, 202), r.text
    _wait_ready(hub, name)
    return SingleUser(hub, name, hub.requests.Session(), {"Authorization": f"token {token}"})


#: The self-assessment each participant gives, as clicks on the welcome notebook's form.
SCORES = {"alice": 1, "bob": 4, "carol": 5}
#: Cells run after the notebook, in the same kernel: where the data and the journal are, the form
#: the notebook displayed (kept in ``Out``), an attempt to write into the shared data.
WHERE = "import os\nprint(os.path.realpath(data_folder)); print(course.journal.path)"
FIND_FORM = ("from o2c_lab.ui import SelfAssessment\n"
             "form = next(v for v in Out.values() if isinstance(v, SelfAssessment))")
WRITE_SHARED = ("try:\n    open(os.path.join(data_folder, 'essai.txt'), 'w')\n    print('écrit')\n"
                "except PermissionError:\n    print('refusé')")


def _participant_day(hub, role: str) -> dict:
    """Log in, start the server, run the welcome notebook, click a self-assessment; with timings."""
    name, t0 = hub.names[role], time.monotonic()
    server = (_browser_login if role == "alice" else _token_login)(hub, name)
    spawned = time.monotonic()
    objective = next(iter(OBJECTIVES))
    click = (f"{FIND_FORM}\nform.ratings[{objective!r}].value = '{SCORES[role]}'\n"
             "form.button.click()\nprint(form.status.value)")
    outputs = server.run_notebook(WELCOME, f'participant = "{name}"\nai_mode = "hors_ligne"',
                                  [WHERE, click, WRITE_SHARED])
    return {"server": server, "outputs": outputs, "objective": objective,
            "spawn": spawned - t0, "notebook": time.monotonic() - spawned}


@pytest.fixture(scope="module")
def cohort(hub):
    t0 = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(3) as pool:  # the whole class arrives at once
        days = dict(zip(hub.names, pool.map(lambda role: _participant_day(hub, role), hub.names)))
    hub.timings["3 participants en parallèle (connexion, serveur, carnet 00)"] = time.monotonic() - t0
    for role, day in days.items():
        hub.timings[f"{role} : démarrage du serveur"] = day["spawn"]
        hub.timings[f"{role} : carnet 00"] = day["notebook"]
    yield days
    print("\n".join(f"{k} : {v:.1f} s" for k, v in hub.timings.items()))


def _journal(account) -> Path:
    """Where the participant's journal must be: ~/formation/journal, named after the account."""
    return Path(account.pw_dir) / COURSE_FOLDER / "journal" / f"journal-{account.pw_name.replace('_', '-')}.json"


@pytest.mark.slow
def test_each_participant_runs_the_welcome_notebook_in_their_own_copy(hub, cohort):
    notebook = (ROOT / "notebooks" / "00_bienvenue.ipynb").read_bytes()
    shared = (hub.session / "datasets" / "fil_rouge").resolve()
    for role, day in cohort.items():
        account = hub.accounts[role]
        home = Path(account.pw_dir)
        copy = home / WELCOME
        assert copy.read_bytes() == notebook and copy.stat().st_uid == account.pw_uid
        assert stat.S_IMODE(home.stat().st_mode) == 0o700, f"dossier de {role} lisible par d'autres"
        *cells, data, status, write = day["outputs"]
        assert "Tout est prêt" in next(c for c in cells if c.startswith("Diagnostic de l'environnement"))
        folder, journal_file = data.split()
        assert Path(folder) == shared  # the shared company, not one generated on the spot
        assert write.strip() == "refusé"  # the shared data is read-only for participants
        assert status.startswith("✔ 1 note(s) enregistrée(s)")

        expected = _journal(account)
        assert Path(journal_file) == expected
        assert expected.stat().st_uid == account.pw_uid and not expected.stat().st_mode & 0o077
        saved = json.loads(expected.read_text(encoding="utf-8"))
        assert saved["participant"] == account.pw_name
        assert [(s["objective"], s["score"]) for s in saved["self_assessments"]] == [(day["objective"], SCORES[role])]


@pytest.mark.slow
def test_the_lab_opens_in_french(cohort):
    server = cohort["bob"]["server"]
    settings = server.api("GET", "lab/api/settings/@jupyterlab/translation-extension:plugin")
    assert settings["schema"]["properties"]["locale"]["default"] == "fr_FR"  # the hub's override applied


@pytest.mark.slow
def test_no_participant_reads_another_ones_work(hub, cohort):
    alice, bob = hub.accounts["alice"], hub.accounts["bob"]
    targets = []
    for role in ("alice", "carol"):  # carol's home was readable by all before her server started
        account = hub.accounts[role]
        journal = _journal(account)
        assert journal.is_file()
        targets += [f"lambda: open({str(journal)!r}).read()", f"lambda: os.listdir({account.pw_dir!r})"]
    probe = (f"for action in ({', '.join(targets)}):\n"
             "    try:\n        action()\n        print('lu')\n    except PermissionError:\n        print('refusé')")
    bob_server = cohort["bob"]["server"]
    assert _probe(bob_server, probe).split() == ["refusé"] * 4  # the system refuses
    # the hub refuses too: bob's token, or alice's own browser cookies, on the other one's server
    for server, other in [(bob_server, alice.pw_name), (cohort["alice"]["server"], bob.pw_name)]:
        r = server.http.get(f"{hub.url}/user/{other}/api/contents", headers=server.headers, timeout=30)
        assert r.status_code == 403, (server.name, other)


@pytest.mark.slow
def test_login_needs_the_password_and_a_listed_name(hub):
    http = hub.requests.Session()
    xsrf = re.search(r'name="_xsrf" value="([^"]+)"', http.get(f"{hub.url}/hub/login", timeout=30).text).group(1)
    for user, password in [(hub.names["alice"], "mauvais-mot-de-passe"), ("intrus", PASSWORD)]:
        r = http.post(f"{hub.url}/hub/login?next=", allow_redirects=False, timeout=30,
                      data={"username": user, "password": password, "_xsrf": xsrf})
        assert r.status_code == 403, user


def _probe(server: SingleUser, source: str) -> str:
    """Run ``source`` in a fresh kernel of ``server`` (in its home), return what it printed."""
    import websocket

    kernel, client = server.api("POST", "api/kernels", json={"name": "python3"})["id"], uuid.uuid4().hex
    ws = websocket.create_connection(
        server.base.replace("http", "ws", 1) + f"api/kernels/{kernel}/channels?session_id={client}",
        header=[f"{k}: {v}" for k, v in server.headers.items()], timeout=60)
    try:
        return _execute(ws, client, "import os\n" + source)
    finally:
        ws.close()
        server.api("DELETE", f"api/kernels/{kernel}")
