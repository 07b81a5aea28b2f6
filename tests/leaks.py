"""What must never leave the machine, read from a generated company and its ground truth, and a
whole-word scan for it. Written independently of the anonymiser (no shared code) so a leak test
measures it instead of repeating it."""

from __future__ import annotations

import re

__all__ = ["identifiers", "leaks"]


def _split_name(full: str) -> list[str]:
    parts = str(full).split()
    return [full] + ([parts[0], " ".join(parts[1:])] if len(parts) >= 2 else [])


def identifiers(company) -> dict[str, str]:
    """{identifier: kind} for customers, contacts, staff, sales reps, third parties, addresses,
    postcode + city, SIREN/SIRET/VAT, IBAN/BIC, e-mails and phones."""
    found: dict[str, str] = {}

    def add(kind, *values):
        for v in values:
            if isinstance(v, str) and len(v.strip()) >= 3:
                found.setdefault(v.strip(), kind)

    cust = company.customers
    for col in ("name", "siren", "siret", "vat_number", "iban", "address"):
        add(col, *cust[col])
    add("code postal + ville", *(f"{p} {c}" for p, c in zip(cust["postal_code"], cust["city"])))
    for r in company.contacts.itertuples():
        add("contact", f"{r.first_name} {r.last_name}", r.first_name, r.last_name, r.email, r.phone)
    staff = [p["name"] for p in company.scenario["staff"].values()] + list(cust["sales_rep"])
    for person in staff:
        add("collaborateur", *_split_name(person))
    add("e-mail collaborateur", *(p["email"] for p in company.scenario["staff"].values()))
    own = company.company.iloc[0]
    add("identifiant de l'entreprise", own["siren"], own["iban"], own["bic"], own["address"], own["vat_number"])
    for text in company.external_signals["text"]:  # court officers named in BODACC notices
        for m in re.finditer(r"Maître ((?:[A-ZÉ][\w'-]+ ?){1,3})", text):
            add("tiers", *_split_name(m.group(1).strip()))
    return found


def leaks(text: str, ids: dict[str, str], keep: list[str]) -> list[tuple[str, str]]:
    """(identifier, kind) present as whole words in ``text``, the ``keep`` texts (the company's own
    name, product labels) blanked first."""
    for k in keep:
        text = text.replace(k, " ")
    return [(v, kind) for v, kind in ids.items()
            if v in text and re.search(rf"(?<![\w@.-]){re.escape(v)}(?![\w@-])", text)]
