"""Exports of open items written the way each AR tool writes them, for the « vos données »
tests; and a fixture that keeps the saved mapping profiles of the tests in a temporary folder."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from o2c_lab.owndata import PROFILE_DIR_ENV


@pytest.fixture(autouse=True)
def isolated_profiles(tmp_path, monkeypatch):
    """Profiles saved or looked up by a test live in its own folder, never the user's."""
    monkeypatch.setenv(PROFILE_DIR_ENV, str(tmp_path / "profils"))
    return tmp_path / "profils"


# The column titles each tool writes, as its public documentation shows them (see the layout
# comments); written here independently of the layouts' synonym lists.
TOOLS = {
    "sage100": dict(customer_id="N° compte tiers", customer_name="Intitulé tiers", document_id="N° pièce",
                    document_date="Date pièce", due_date="Date échéance", amount="Montant échéance",
                    debit="Débit", credit="Crédit", lang="fr"),
    "sage50": dict(customer_id="N° client", customer_name="Nom", document_id="N° document",
                   document_date="Date document", due_date="Échéance", amount="Solde", debit="Débit",
                   credit="Crédit", lang="fr"),
    "cegid": dict(customer_id="Auxiliaire", customer_name="Libellé auxiliaire", document_id="Référence",
                  document_date="Date pièce", due_date="Échéance", amount="Solde", debit="Débit", credit="Crédit",
                  lang="fr"),
    "ebp": dict(customer_id="Code tiers", customer_name="Nom du tiers", document_id="N° de pièce",
                document_date="Date", due_date="Échéance", amount="Reste dû", debit="Débit", credit="Crédit",
                lang="fr"),
    "sap_fbl5n": dict(customer_id="Account", customer_name="Name 1", document_id="DocumentNo",
                      document_date="Doc. Date", due_date="Net due date", amount="Amount in local currency",
                      currency="Local Currency", lang="en"),
    "odoo": dict(customer_id="Partner", document_id="Entry", document_date="Date", due_date="Due Date",
                 amount="Residual", currency="Currency", lang="en"),
    "pennylane": dict(customer_id="Identifiant client", customer_name="Client", document_id="Numéro de facture",
                      document_date="Date d'émission", due_date="Date d'échéance", amount="Reste à payer",
                      currency="Devise", lang="fr"),
    "quickbooks": dict(customer_id="Customer", document_id="Num", document_date="Date", due_date="Due Date",
                       amount="Open Balance", lang="en"),
    "upflow": dict(customer_id="Customer ID", customer_name="Customer name", document_id="Invoice number",
                   document_date="Issue date", due_date="Due date", amount="Amount due", currency="Currency",
                   lang="en"),
}


def _amount(cents: int, lang: str) -> str:
    sign = "-" if cents < 0 else ""
    whole, frac = divmod(abs(int(cents)), 100)
    return f"{sign}{whole}{',' if lang == 'fr' else '.'}{frac:02d}"


def _day(value, lang: str) -> str:
    return pd.Timestamp(value).strftime("%d/%m/%Y" if lang == "fr" else "%m/%d/%Y")


def build_export(items: pd.DataFrame, tool: str, *, debit_credit=False, subtotals=False, titles=0, two_rows=False,
                 group_headings=False, currencies=None, excel=False, native=False):
    """An export of ``items`` as ``tool`` writes it; returns (bytes, filename, lines that are not items).
    ``native``: a workbook with real date cells and number cells (as Excel writes them)."""
    spec = dict(TOOLS[tool])
    lang = spec.pop("lang")
    fields = ["customer_id", "customer_name", "document_id", "document_date", "due_date"]
    fields = [f for f in fields if f in spec]
    money = ["debit", "credit"] if debit_credit else ["amount"]
    if currencies and "currency" not in spec:
        spec["currency"] = "Devise" if lang == "fr" else "Currency"
    extra = ["currency"] if currencies else []
    header = [spec[f] for f in fields + money + extra]
    rows, not_items = [], 0  # title rows above the header are not data rows: not counted
    for k in range(titles):
        rows.append([f"Balance âgée clients — page {k + 1}"] + [""] * (len(header) - 1))
    if two_rows:
        top = [spec[f] for f in fields] + ["Montant", ""] + [""] * len(extra)
        bottom = [""] * len(fields) + [spec["debit"], spec["credit"]] + [""] * len(extra)
        rows += [top, bottom]
    else:
        rows.append(header)
    for cid, group in items.sort_values(["customer_id", "document_id"]).groupby("customer_id", sort=True):
        if group_headings:
            rows.append([f"Client : {cid} Société {cid}"] + [""] * (len(header) - 1))
            not_items += 1
        for r in group.itertuples():
            day = (lambda v: pd.Timestamp(v).to_pydatetime()) if native else (lambda v: _day(v, lang))
            values = {"customer_id": "" if group_headings else cid, "customer_name": f"Société {cid}",
                      "document_id": r.document_id, "document_date": day(r.entry_date), "due_date": day(r.due_date)}
            line = [values[f] for f in fields]
            cents = int(r.residual_cents)
            if native:
                line.append(cents / 100)
            elif debit_credit:
                line += [_amount(cents, lang) if cents > 0 else "", _amount(-cents, lang) if cents < 0 else ""]
            else:
                line.append(_amount(cents, lang))
            if currencies:
                line.append(currencies[cid])
            rows.append(line)
        if subtotals:
            rows.append([f"Total {cid}"] + [""] * (len(header) - 2) + [_amount(int(group.residual_cents.sum()), lang)])
            not_items += 1
    if subtotals:
        rows.append(["Total général"] + [""] * (len(header) - 1))
        not_items += 1
    if excel:
        from openpyxl import Workbook

        book = Workbook()
        for line in rows:
            book.active.append(line)
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue(), f"{tool}.xlsx", not_items
    sep = ";" if lang == "fr" else ","
    text = "\r\n".join(sep.join(f'"{c}"' if sep in str(c) else str(c) for c in line) for line in rows)
    return ("\ufeff" + text).encode("utf-8"), f"{tool}.csv", not_items
