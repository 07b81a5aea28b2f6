"""Reading a user's file, with a French message when it cannot be read."""

from __future__ import annotations

from pathlib import Path

from ..errors import DataFileError

__all__ = ["read_file_bytes"]


def read_file_bytes(path) -> bytes:
    """The bytes of ``path``; a :class:`DataFileError` in French if it is missing or unreadable."""
    path = Path(path)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise DataFileError("fichier introuvable.", path=path, todo="vérifiez le nom et le dossier du fichier") from None
    except IsADirectoryError:
        raise DataFileError("c'est un dossier, pas un fichier.", path=path,
                            todo="indiquez le fichier lui-même") from None
    except PermissionError:
        raise DataFileError("lecture refusée (droits insuffisants).", path=path,
                            todo="copiez le fichier dans un dossier à vous, ou demandez l'accès") from None
    except OSError:
        raise DataFileError("lecture impossible.", path=path, todo="vérifiez le fichier et réessayez") from None
