"""A participant's own open-items export, built from a generated company in a layout the course
has never seen: odd headers, a contact column, an e-mail, an IBAN and a SIREN column under names
that say nothing, free-text follow-up notes naming people, amounts with a decimal comma and dates
written JJ/MM/AAAA. The course's ledger is the ground truth of its figures."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd

from o2c_lab.analytics import open_items_at
from o2c_lab.money import format_date

#: Our headers -> what they hold (the mapping a participant would choose).
HEADERS = {"Cpte": "customer_id", "Intitulé": "customer_name", "Réf. doc": "document_id",
           "Émise le": "document_date", "À payer le": "due_date", "Solde": "amount"}


def own_items(company, as_of: dt.date | None = None) -> pd.DataFrame:
    """The company's open items at ``as_of`` (the ground truth), unapplied credits included."""
    return open_items_at(company.ar_ledger, as_of or company.as_of, company.invoices.rename(
        columns={"invoice_id": "document_id"})[["document_id", "due_date"]])


def _amount(cents: int) -> str:
    sign, cents = ("-" if cents < 0 else ""), abs(int(cents))
    return f"{sign}{cents // 100},{cents % 100:02d}"


def own_export(company, rows: int | None = None, as_of: dt.date | None = None) -> pd.DataFrame:
    """The export as a table of text cells, one row per open item (``rows`` first ones if given)."""
    items = own_items(company, as_of)
    if rows is not None:
        items = items.head(rows)
    customers = company.customers.set_index("customer_id")
    contacts = company.contacts.drop_duplicates("customer_id").set_index("customer_id")
    out = []
    for r in items.itertuples():
        cust, contact = customers.loc[r.customer_id], contacts.loc[r.customer_id]
        person = f"{contact['first_name']} {contact['last_name']}"
        out.append({
            "Cpte": r.customer_id, "Intitulé": cust["name"], "Réf. doc": r.document_id,
            "Émise le": format_date(r.entry_date), "À payer le": format_date(r.due_date),
            "Solde": _amount(r.residual_cents), "Qui": person, "Adr. électronique": contact["email"],
            "Ligne directe": contact["phone"], "Coordonnées": cust["iban"], "Identifiant": cust["siren"],
            "Suivi": (f"Appel à {person} : promet un virement. Rappeler au {contact['phone']} "
                      f"ou écrire à {contact['email']}."),
        })
    return pd.DataFrame(out)


def xlsx_bytes(df: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    df.to_excel(buffer, index=False)
    return buffer.getvalue()


def csv_bytes(df: pd.DataFrame) -> bytes:
    return df.to_csv(sep=";", index=False).encode("utf-8-sig")


def original_identifiers(df: pd.DataFrame) -> set[str]:
    """Every identifier of the export, and each part of a person's name (independent of the anonymiser)."""
    found = set()
    for column in ("Intitulé", "Qui", "Adr. électronique", "Ligne directe", "Coordonnées", "Identifiant"):
        found |= {str(v) for v in df[column]}
    found |= {part for person in df["Qui"] for part in person.split() if len(part) >= 3}
    return found
