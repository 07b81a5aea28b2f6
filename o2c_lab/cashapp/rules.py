"""Rules learned from a user's corrections, kept as JSON in the user's folder.

When a user accepts a suggestion or corrects it (« ce payeur est le client C0042 »), the payer's
name and IBAN are mapped to the customer; the next statements use the mapping. A payer mapped to
two different customers (a factor, a group's treasury) is ambiguous and no longer used on its
own: that is the guard against the classic error of an ERP that maps every later payment of a
shared payer to the first customer it saw. A rejected proposal is remembered too and never
proposed again for that payer.

>>> book = RuleBook()
>>> book.learn({"counterparty_name": "STE ABC", "counterparty_iban": ""}, "C0042")
>>> book.customer_for("Sté ABC", "")
'C0042'
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from ..errors import DataFileError, OutputFolderError
from .engine import normalise_iban, normalise_name

__all__ = ["RuleBook", "RULES_FILE"]

RULES_FILE = "regles_lettrage.json"


def _keys(name: str, iban: str) -> list[str]:
    keys = []
    if normalise_name(name):
        keys.append("nom:" + normalise_name(name))
    if normalise_iban(iban):
        keys.append("iban:" + normalise_iban(iban))
    return keys


class RuleBook:
    """Payer → customer mappings and rejected (payer, document) pairs.

    ``folder`` is where ``regles_lettrage.json`` lives (created by :meth:`save`); without a
    folder the book stays in memory.
    """

    def __init__(self, folder=None):
        self.folder = Path(folder) if folder is not None else None
        self.payers: dict[str, dict[str, int]] = {}
        self.rejections: set[tuple[str, str]] = set()
        if self.folder is not None and (self.folder / RULES_FILE).exists():
            self._load(self.folder / RULES_FILE)

    # -- persistence --------------------------------------------------------------------
    def _load(self, path: Path) -> None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            self.payers = {k: {c: int(n) for c, n in v.items()} for k, v in data["payers"].items()}
            self.rejections = {(p, d) for p, d in data["rejections"]}
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise DataFileError(f"fichier de règles illisible ({exc}).", path=path,
                                todo="supprimez-le ou restaurez une sauvegarde : les règles "
                                     "seront réapprises") from None

    def save(self) -> Path:
        """Write the rules to ``folder/regles_lettrage.json`` (UTF-8) and return the path."""
        if self.folder is None:
            raise OutputFolderError("Aucun dossier choisi pour enregistrer les règles.",
                                    todo="créez le carnet avec RuleBook(dossier)")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            path = self.folder / RULES_FILE
            data = {"payers": self.payers, "rejections": sorted(self.rejections)}
            path.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True),
                            encoding="utf-8")
        except OSError as exc:
            raise OutputFolderError(f"Écriture impossible dans « {self.folder} » ({exc.strerror}).",
                                    todo="choisissez un dossier où vous avez le droit d'écrire") \
                from None
        return path

    # -- learning -------------------------------------------------------------------------
    def learn(self, line: Mapping, customer_id: str, rejected_documents=()) -> None:
        """Remember that the payer of ``line`` is ``customer_id`` (an accepted or corrected
        proposal); ``rejected_documents`` were proposed wrongly and are never proposed again."""
        for key in _keys(line.get("counterparty_name", ""), line.get("counterparty_iban", "")):
            if customer_id:
                counts = self.payers.setdefault(key, {})
                counts[customer_id] = counts.get(customer_id, 0) + 1
            for doc in rejected_documents:
                self.rejections.add((key, str(doc)))

    def reject(self, line: Mapping, document_ids) -> None:
        """Remember that these documents are not what this payer paid."""
        self.learn(line, "", rejected_documents=document_ids)

    # -- use --------------------------------------------------------------------------------
    def customer_for(self, name: str, iban: str) -> str | None:
        """The customer this payer was mapped to, or None (unknown, or mapped to several)."""
        found = set()
        for key in _keys(name, iban):
            found |= set(self.payers.get(key, {}))
        return found.pop() if len(found) == 1 else None

    def customers_of(self, name: str, iban: str) -> list[str]:
        """Every customer this payer was mapped to (a factor or a parent pays for several)."""
        found: dict[str, None] = {}
        for key in _keys(name, iban):
            found.update(dict.fromkeys(sorted(self.payers.get(key, {}))))
        return list(found)

    def rejected(self, name: str, document_id: str) -> bool:
        return bool(self.rejections) and any((key, document_id) in self.rejections for key in _keys(name, ""))

    def __len__(self) -> int:
        return len(self.payers)

    def to_frame(self) -> pd.DataFrame:
        """The rules in French, one row per payer."""
        rows = [{"Payeur": k.split(":", 1)[1], "Type": "IBAN" if k.startswith("iban:") else "nom",
                 "Client": ", ".join(sorted(v)),
                 "État": "ambiguë (plusieurs clients) : non appliquée" if len(v) > 1 else "appliquée",
                 "Confirmations": sum(v.values())} for k, v in sorted(self.payers.items())]
        return pd.DataFrame(rows, columns=["Payeur", "Type", "Client", "État", "Confirmations"])
