"""Where the course lives on disk, and how JupyterLab is started in French.

Used by the ``o2c-lab lab`` and ``o2c-lab run`` commands and by the welcome notebook's
environment check.
"""

from __future__ import annotations

import json
import os
import platform
import sys
from importlib import metadata
from pathlib import Path

from .errors import O2CLabError

__all__ = [
    "DEFAULT_DATASET",
    "LAB_OVERRIDES",
    "WELCOME_NOTEBOOK",
    "environment_diagnosis",
    "free_port",
    "jupyter_lab_command",
    "lab_settings_dir",
    "lab_url",
    "repo_root",
    "write_lab_settings",
]

#: The classroom company's folder, relative to the project root.
DEFAULT_DATASET = Path("datasets") / "fil_rouge"

#: The notebook JupyterLab opens first, relative to the project root.
WELCOME_NOTEBOOK = Path("notebooks") / "00_bienvenue.ipynb"

#: JupyterLab settings overrides: French UI, and no "news" toast asking to go online.
LAB_OVERRIDES = {
    "@jupyterlab/translation-extension:plugin": {"locale": "fr_FR"},
    "@jupyterlab/apputils-extension:notification": {"checkForUpdates": False, "fetchNews": "false"},
}


def repo_root() -> Path:
    """The project folder (holding ``notebooks/``) of an editable install.

    Raises:
        O2CLabError: the package is installed without its project folder.
    """
    root = Path(__file__).resolve().parents[1]
    if not (root / "notebooks").is_dir():
        raise O2CLabError(
            f"Dossier du projet introuvable : aucun dossier « notebooks » à côté de {root}.",
            valid="une installation depuis le dossier du projet (pip install -e .)",
            todo="placez-vous dans le dossier o2c_lab téléchargé et lancez make setup "
                 "(ou pip install -e \".[test]\")",
        )
    return root


def lab_settings_dir() -> Path:
    """Folder given to JupyterLab as ``--LabApp.app_settings_dir`` (in the user's Jupyter data dir)."""
    from jupyter_core.paths import jupyter_data_dir

    return Path(jupyter_data_dir()) / "o2c_lab" / "app-settings"


def write_lab_settings(folder: Path) -> Path:
    """Write :data:`LAB_OVERRIDES` as ``overrides.json`` into ``folder``; return the file."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "overrides.json"
        path.write_text(json.dumps(LAB_OVERRIDES, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as exc:
        raise O2CLabError(
            f"Impossible d'écrire les réglages de JupyterLab dans « {folder} » ({exc.strerror}).",
            todo="vérifiez les droits sur ce dossier ou définissez JUPYTER_DATA_DIR vers un dossier à vous",
        ) from exc
    return path


def free_port(start: int = 8888, tries: int = 50) -> int:
    """The first port from ``start`` free on the loopback interface (JupyterLab's own default first)."""
    import socket

    for port in range(start, start + tries):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise O2CLabError(f"Aucun port libre entre {start} et {start + tries - 1}.",
                      todo="fermez un autre JupyterLab, ou choisissez un port : make lab PORT=9000")


def lab_url(port: int, token: str) -> str:
    """The address that opens the welcome notebook (what to paste when no browser opens by itself)."""
    return f"http://127.0.0.1:{port}/lab/tree/{WELCOME_NOTEBOOK.as_posix()}?token={token}"


def jupyter_lab_command(root: Path, settings_dir: Path, *, port: int | None = None,
                        open_browser: bool = True, as_root: bool | None = None,
                        token: str | None = None) -> list[str]:
    """The ``python -m jupyter lab`` command line serving ``root`` and opening the welcome notebook.

    ``as_root`` defaults to whether the current user is root (JupyterLab refuses root
    without ``--allow-root``). With ``token`` the address is known in advance (see :func:`lab_url`).
    """
    if as_root is None:
        as_root = hasattr(os, "geteuid") and os.geteuid() == 0
    start = WELCOME_NOTEBOOK if (root / WELCOME_NOTEBOOK).is_file() else WELCOME_NOTEBOOK.parent
    argv = [sys.executable, "-m", "jupyter", "lab",
            f"--ServerApp.root_dir={root}",
            f"--LabApp.default_url=/lab/tree/{start.as_posix()}",
            f"--LabApp.app_settings_dir={settings_dir}"]
    if port is not None:
        argv.append(f"--ServerApp.port={port}")
    if token is not None:
        argv.append(f"--IdentityProvider.token={token}")
    if not open_browser:
        argv.append("--no-browser")
    if as_root:
        argv.append("--allow-root")
    return argv


def _version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def environment_diagnosis() -> str:
    """A short French report: Python, o2c_lab, pandas, interactive widgets; and a verdict."""
    from . import __version__

    checks = [(sys.version_info >= (3, 11), f"Python {platform.python_version()}",
               "Python 3.11 ou plus récent est nécessaire")]
    checks.append((True, f"bibliothèque du cours (o2c-lab {__version__})", ""))
    pandas_version = _version("pandas")
    checks.append((pandas_version is not None and int(pandas_version.split(".")[0]) >= 3,
                   f"pandas {pandas_version or 'absent'}", "pandas 3 est nécessaire"))
    try:
        import ipywidgets  # noqa: F401  (the import itself is the check)
        widgets_ok = _version("jupyterlab_widgets") is not None
    except ImportError:
        widgets_ok = False
    checks.append((widgets_ok, f"widgets interactifs (ipywidgets {_version('ipywidgets') or 'absent'})",
                   "les boutons et curseurs du cours ne s'afficheront pas"))

    lines = ["Diagnostic de l'environnement"]
    for ok, label, problem in checks:
        lines.append(f"  {'✔' if ok else '✘'} {label}" + ("" if ok else f" : {problem}"))
    if all(ok for ok, _, _ in checks):
        lines.append("Tout est prêt : vous pouvez continuer.")
    else:
        lines.append("À corriger : relancez « make setup » dans le dossier du cours "
                     "(ou pip install -e \".[test]\"), puis redémarrez le noyau.")
    return "\n".join(lines)
