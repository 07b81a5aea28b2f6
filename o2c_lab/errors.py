"""One exception family whose messages teach, in French.

Every message answers three questions: what went wrong, what is valid, what to do.

>>> err = InvalidParameterError("Nombre de clients négatif : -5.",
...                             valid="un entier entre 10 et 100 000",
...                             todo="relancez avec --customers 150 par exemple")
>>> print(err)
Nombre de clients négatif : -5.
Valeurs acceptées : un entier entre 10 et 100 000.
Que faire : relancez avec --customers 150 par exemple.
"""

from __future__ import annotations

__all__ = [
    "O2CLabError",
    "InvalidParameterError",
    "DataFileError",
    "OutputFolderError",
    "AmbiguousFormatError",
    "MissingLegalRateError",
]


class O2CLabError(Exception):
    """Base class of every error that o2c_lab raises on purpose.

    Args:
        what: what went wrong, in French, with the offending value.
        valid: what would have been accepted.
        todo: what the user should do next.
    """

    def __init__(self, what: str, *, valid: str | None = None, todo: str | None = None):
        self.what = what
        self.valid = valid
        self.todo = todo
        super().__init__(self.message)

    @property
    def message(self) -> str:
        lines = [self.what]
        if self.valid:
            lines.append(f"Valeurs acceptées : {self.valid.rstrip('.')}.")
        if self.todo:
            lines.append(f"Que faire : {self.todo.rstrip('.')}.")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.message


class InvalidParameterError(O2CLabError, ValueError):
    """A parameter given to a function or a command is outside what is valid."""


class DataFileError(O2CLabError):
    """A data file cannot be read as expected; names the file, and the row and column if known."""

    def __init__(self, what: str, *, path=None, row: int | None = None, column: str | None = None,
                 valid: str | None = None, todo: str | None = None):
        self.path, self.row, self.column = path, row, column
        where = []
        if path is not None:
            where.append(f"fichier « {path} »")
        if row is not None:
            where.append(f"ligne {row}")
        if column is not None:
            where.append(f"colonne « {column} »")
        text = ", ".join(where)
        prefix = (text[:1].upper() + text[1:] + " : ") if where else ""
        super().__init__(prefix + what, valid=valid, todo=todo)


class OutputFolderError(O2CLabError, OSError):
    """The output folder cannot be created or written to."""


class AmbiguousFormatError(DataFileError, InvalidParameterError):
    """A column reads two ways (``1.481``: 1 481 or 1,481; ``3/4/2026``: 3 April or 4 March) and
    nothing in it says which: the caller must name the convention."""


class MissingLegalRateError(InvalidParameterError):
    """A semester's legal rate (ECB, legal interest) is not in the law table: never guessed."""

    def __init__(self, what: str, *, table: str, semester, valid: str | None = None, todo: str | None = None):
        self.table, self.semester = table, semester
        super().__init__(what, valid=valid, todo=todo)
