"""Hosting the course for a cohort on one JupyterHub server (see ``hosting/jupyterhub_config.py``).

Each participant has a real Unix account. Before their server starts, the hub (running as root)
copies the course notebooks and exercises into ``~/formation/`` — only the files that are absent,
never over the participant's work — links ``~/formation/datasets`` to the cohort's shared,
read-only data, and makes the home folder private. The participant's journal goes to
``~/formation/journal/`` (visible in JupyterLab's file browser, so the personal kit can be
downloaded).

The copy runs as root inside a folder the participant owns, so it never follows a link the
participant may have planted: every step goes through directory descriptors with ``O_NOFOLLOW``
and files are created with ``O_EXCL`` (written under a temporary name, then hard-linked into place:
a file is either absent or complete).
"""

from __future__ import annotations

import os
import re
import secrets
import stat
from pathlib import Path

from .coaching.journal import JOURNAL_DIR_ENV
from .errors import DataFileError, InvalidParameterError, O2CLabError, OutputFolderError

__all__ = ["COURSE_FOLDER", "COURSE_PARTS", "JOURNAL_DIR_ENV", "check_accounts", "check_readable_by_all",
           "copy_course", "course_pre_spawn_hook", "journal_folder", "participant_account", "read_participants"]

#: The course folder in each participant's home.
COURSE_FOLDER = "formation"

#: What is copied from the project folder (never ``solutions/``: those are the trainer's).
COURSE_PARTS = ("notebooks", "exercises")

#: Unix account names JupyterHub can use as they are (it lowercases what people type).
_ACCOUNT = re.compile(r"[a-z_][a-z0-9_-]{0,31}")


def read_participants(path: Path | str) -> list[str]:
    """Account names listed in ``path`` (UTF-8, one a line; ``#`` starts a comment), in file order."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(f"liste des participants illisible ({type(exc).__name__}).", path=path,
                            todo="créez ce fichier en UTF-8, un identifiant de compte par ligne") from exc
    names: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        name = line.split("#", 1)[0].strip()
        if not name:
            continue
        if not _ACCOUNT.fullmatch(name):
            raise DataFileError(f"identifiant de compte invalide : « {name} ».", path=path, row=number,
                                valid="minuscules sans accent, chiffres, « _ » ou « - », 32 caractères au plus, "
                                      "sans chiffre ni « - » en premier (par exemple camille_martin)",
                                todo="corrigez la ligne ; le nom complet peut suivre en commentaire après « # »")
        if name in names:
            raise DataFileError(f"« {name} » figure deux fois.", path=path, row=number,
                                todo="gardez une seule ligne par participant")
        names.append(name)
    if not names:
        raise DataFileError("aucun participant.", path=path, valid="un identifiant de compte par ligne",
                            todo="ajoutez les participants de la session")
    return names


def check_accounts(names: list[str]) -> None:
    """Refuse names without a Unix account (the hub could not start their server)."""
    import pwd  # Unix only, like JupyterHub's local spawners

    missing = []
    for name in names:
        try:
            pwd.getpwnam(name)
        except KeyError:
            missing.append(name)
    if missing:
        raise InvalidParameterError(
            f"Compte Unix absent pour : {', '.join(missing)}.",
            valid="un compte Unix par participant de la liste",
            todo=f"créez-les (par exemple : useradd --create-home {missing[0]}) ou retirez-les de la liste")


def check_readable_by_all(path: Path | str) -> None:
    """Refuse a shared file or folder that other accounts cannot read, or that they could change.

    Every folder above ``path`` must be traversable by all; in ``path`` itself, every folder must be
    readable and traversable by all, every file readable by all, and nothing writable by anyone but
    its owner (``chmod -R u=rwX,go=rX`` gives exactly that).
    """
    path = Path(path).resolve()
    if not path.exists():
        raise DataFileError("introuvable.", path=path, todo="vérifiez le chemin")
    fix = f"chmod -R u=rwX,go=rX '{path}'"
    for parent in path.parents:
        if not parent.stat().st_mode & stat.S_IXOTH:
            raise O2CLabError(f"Les autres comptes ne peuvent pas traverser « {parent} », "
                              f"donc pas atteindre « {path} ».",
                              todo=f"chmod o+x '{parent}', ou placez « {path.name} » ailleurs (/srv, /opt)")
    entries = [path] if path.is_file() else [path, *path.rglob("*")]
    for entry in entries:
        mode = entry.lstat().st_mode
        if stat.S_ISLNK(mode):
            continue
        needed = stat.S_IROTH | (stat.S_IXOTH if stat.S_ISDIR(mode) or mode & stat.S_IXUSR else 0)
        if mode & needed != needed:
            raise O2CLabError(f"« {entry} » n'est pas lisible par les autres comptes.", todo=fix)
        if mode & (stat.S_IWGRP | stat.S_IWOTH):
            raise O2CLabError(f"« {entry} » est modifiable par d'autres comptes que son propriétaire.", todo=fix)


def participant_account(spawner) -> tuple[Path, tuple[int, int] | None]:
    """(home folder, (uid, gid) to give the copied files or None) of a JupyterHub spawner's user.

    ``SimpleLocalProcessSpawner`` (one shared account, for trials) has its own ``home_dir``; real
    accounts take their home from the system, and their files are handed over when the hub is root.
    """
    home = getattr(spawner, "home_dir", "")
    if home:
        return Path(home), None
    import pwd

    account = pwd.getpwnam(spawner.user.name)
    owner = (account.pw_uid, account.pw_gid) if os.geteuid() == 0 else None
    return Path(account.pw_dir), owner


def journal_folder(spawner) -> str:
    """The participant's journal folder, for ``c.Spawner.environment[JOURNAL_DIR_ENV]``."""
    home, _ = participant_account(spawner)
    return str(home / COURSE_FOLDER / "journal")


def copy_course(course_root: Path | str, home: Path | str, datasets: Path | str,
                owner: tuple[int, int] | None = None) -> list[Path]:
    """Copy :data:`COURSE_PARTS` of ``course_root`` into ``home/formation``, skipping what exists.

    ``home/formation/datasets`` becomes a link to ``datasets`` (the folder holding ``fil_rouge``),
    so the notebooks' default ``../datasets/fil_rouge`` finds the shared data. ``owner`` (uid, gid)
    receives what is created. Returns the paths created, folders and the link included.
    """
    course_root, home = Path(course_root), Path(home)
    created: list[Path] = []
    try:
        home_fd = os.open(home, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        raise OutputFolderError(f"Dossier personnel inutilisable : « {home} » ({exc.strerror}).",
                                todo="créez le compte avec son dossier (useradd --create-home)") from exc
    try:
        top_fd = _open_dir(home_fd, COURSE_FOLDER, home / COURSE_FOLDER, owner, created)
        try:
            for part in COURSE_PARTS:
                _copy_tree(course_root / part, top_fd, home / COURSE_FOLDER / part, owner, created)
            try:
                os.symlink(Path(datasets).absolute(), "datasets", dir_fd=top_fd)
            except FileExistsError:
                pass
            else:
                if owner:
                    os.chown("datasets", *owner, dir_fd=top_fd, follow_symlinks=False)
                created.append(home / COURSE_FOLDER / "datasets")
        finally:
            os.close(top_fd)
    finally:
        os.close(home_fd)
    return created


def _open_dir(parent_fd: int, name: str, path: Path, owner, created: list[Path]) -> int:
    """Descriptor of the folder ``name`` under ``parent_fd``, created if absent; never a link."""
    try:
        os.mkdir(name, 0o755, dir_fd=parent_fd)
        made = True
    except FileExistsError:
        made = False
    try:
        fd = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=parent_fd)
    except OSError as exc:
        raise OutputFolderError(f"« {path} » existe mais n'est pas un dossier (fichier ou lien).",
                                todo="renommez-le ou supprimez-le, puis redémarrez le serveur du participant") from exc
    if made:
        if owner:
            os.fchown(fd, *owner)
        created.append(path)
    return fd


def _copy_tree(source: Path, parent_fd: int, dest: Path, owner, created: list[Path]) -> None:
    fd = _open_dir(parent_fd, dest.name, dest, owner, created)
    try:
        for entry in sorted(source.iterdir()):
            if entry.name.startswith(".") or entry.name == "__pycache__":
                continue
            if entry.is_dir():
                _copy_tree(entry, fd, dest / entry.name, owner, created)
            elif entry.is_file() and _copy_file(entry, fd, owner):
                created.append(dest / entry.name)
    finally:
        os.close(fd)


def _copy_file(source: Path, dir_fd: int, owner) -> bool:
    """Create ``source.name`` in ``dir_fd`` with ``source``'s bytes unless the name exists; True if created."""
    try:
        os.stat(source.name, dir_fd=dir_fd, follow_symlinks=False)
        return False
    except FileNotFoundError:
        pass
    tmp = f".{source.name}.{secrets.token_hex(4)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644, dir_fd=dir_fd)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(source.read_bytes())
            if owner:
                os.fchown(out.fileno(), *owner)
        try:
            os.link(tmp, source.name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd, follow_symlinks=False)
        except FileExistsError:  # written meanwhile: theirs wins
            return False
    finally:
        os.unlink(tmp, dir_fd=dir_fd)
    return True


def course_pre_spawn_hook(course_root: Path | str, datasets: Path | str):
    """A ``c.Spawner.pre_spawn_hook``: copy the course (:func:`copy_course`), make the home private.

    The home is made private (no access for group and others) only for real accounts when the hub
    is root: Debian's ``useradd`` creates homes readable by everybody.
    """
    course_root, datasets = Path(course_root), Path(datasets)

    def pre_spawn_hook(spawner) -> None:
        home, owner = participant_account(spawner)
        created = copy_course(course_root, home, datasets, owner)
        if owner:
            mode = stat.S_IMODE(home.stat().st_mode)
            if mode & 0o077:
                os.chmod(home, mode & 0o700)
        spawner.log.info("o2c_lab : %d élément(s) du cours copié(s) pour %s", len(created), spawner.user.name)

    return pre_spawn_hook
