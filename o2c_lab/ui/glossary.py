"""Plain French for what a trainee reads: indicator names with a one-line definition (shown on
hover and in the glossary of notebook 00), and the data's coded values written out."""

from __future__ import annotations

import re
from html import escape

import pandas as pd

__all__ = ["GLOSSARY", "VALUE_LABELS", "glossary_html", "kpi_table", "plain", "plain_text"]

#: Term → (French name, one-line definition). The acronyms stay: they are the trade's words.
GLOSSARY = {
    "DSO": ("délai moyen de paiement (DSO)",
            "nombre de jours de chiffre d'affaires que représente l'encours clients"),
    "Best Possible DSO": ("délai de paiement sans aucun retard",
                          "le délai moyen si tous les clients payaient exactement à l'échéance : la part "
                          "du délai qui vient des conditions accordées"),
    "ADD": ("retard moyen de paiement (ADD)",
            "délai moyen de paiement moins délai sans retard : les jours perdus à cause des retards"),
    "CEI": ("taux d'efficacité du recouvrement (CEI)",
            "part de ce qui était encaissable sur la période qui a réellement été encaissée"),
    "WAPE": ("erreur moyenne de prévision",
             "somme des écarts entre prévu et encaissé, rapportée au total encaissé"),
    "balance âgée": ("balance âgée", "l'encours clients réparti par ancienneté de retard"),
    "lettrage": ("lettrage", "rapprochement d'un règlement avec la ou les factures qu'il paie"),
    "encours": ("encours clients", "ce que les clients doivent à une date donnée, échu ou non"),
}

#: KPI name prefixes of the analytics → the glossary term that explains them.
_KPI_TERMS = (("Best Possible DSO", "Best Possible DSO"), ("Retard moyen ADD", "ADD"), ("DSO", "DSO"),
              ("CEI", "CEI"))

#: Coded values of the data → what a trainee reads.
VALUE_LABELS = {
    "grand_compte": "grand compte", "eti_pme": "ETI ou PME", "tpe": "très petite entreprise",
    "secteur_public": "acheteur public", "export_ue": "client européen",
    "email": "e-mail", "note_appel": "note d'appel",
    "quantite": "quantité", "prix": "prix", "penalite_deduite": "pénalité déduite",
}


def plain(value):
    """``value`` written for a reader when it is a coded value of the data, else unchanged."""
    return VALUE_LABELS.get(value, value) if isinstance(value, str) else value


def plain_text(text: str) -> str:
    """``text`` with every coded value of the data written out (a prompt shown to copy)."""
    return _CODED.sub(lambda m: VALUE_LABELS[m.group(0)], text)


_CODED = re.compile(r"\b(" + "|".join(k for k in VALUE_LABELS if "_" in k) + r")\b")


def _kpi_french(name: str) -> tuple[str, str]:
    for prefix, term in _KPI_TERMS:
        if name.startswith(prefix):
            french, definition = GLOSSARY[term]
            method = name[len(prefix):].strip()
            return f"{french[0].upper()}{french[1:]} {method}".strip(), definition
    return name, ""


def kpi_table(kpis: dict, keys) -> pd.DataFrame:
    """The indicators ``keys`` of ``kpis`` (the analytics' KPI objects): French name, value, meaning."""
    rows = []
    for key in keys:
        kpi = kpis[key]
        name, definition = _kpi_french(kpi.name)
        rows.append({"indicateur": name, "valeur": kpi.display().split(" : ")[-1], "ce qu'il mesure": definition})
    return pd.DataFrame(rows)


def glossary_html() -> str:
    """The glossary: each term with its definition (also shown on hover)."""
    items = "".join(f"<li><abbr title='{escape(d)}'><b>{escape(f)}</b></abbr> : {escape(d)}</li>"
                    for f, d in GLOSSARY.values())
    return f"<ul>{items}</ul>"
