"""Factur-X (CII XML, EN 16931 profile) for the company's invoices, and back into the audit.

Built on the ``factur-x`` package's data dictionary (keys are the EN 16931 business terms,
« BT-1 » invoice number…): :func:`facturx_xml` writes an invoice of the company, :func:`parse_facturx`
reads any CII invoice back into one-row ``invoices`` / ``invoice_lines`` frames, and
:func:`audit_facturx` runs the same audit rules as a table row.

French mentions travel as invoice notes with their subject codes, as French e-invoicing does:
``PMD`` late-payment penalties, ``PMT`` the 40 € indemnity, ``AAB`` early-payment discount.
"""

from __future__ import annotations

import re
from decimal import Decimal

import facturx
import pandas as pd
from lxml import etree

from ..errors import DataFileError, InvalidParameterError, O2CLabError
from ..formats._files import check_cents
from ..law import PAYMENT_TERMS
from ..money import cents_to_decimal, to_cents
from .audit import audit_invoices

__all__ = ["facturx_xml", "parse_facturx", "audit_facturx", "PENALTY_NOTE", "INDEMNITY_NOTE"]

PENALTY_NOTE = ("En cas de retard de paiement, pénalités exigibles dès le lendemain de l'échéance au "
                "taux de la BCE majoré de 10 points (article L441-10 du Code de commerce).")
INDEMNITY_NOTE = ("Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : 40 € "
                  "(article D441-5 du Code de commerce).")
_NO_DISCOUNT_NOTE = "Pas d'escompte pour paiement anticipé."
_PUBLIC_PENALTY_NOTE = ("En cas de retard de paiement, intérêts moratoires dus dès le lendemain de l'échéance "
                        "au taux de la BCE en vigueur au premier jour du semestre où ils commencent à courir, "
                        "majoré de 8 points (articles L2192-13 et R2192-31 du Code de la commande publique).")
_PUBLIC_INDEMNITY_NOTE = ("Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : 40 € "
                          "(article D2192-35 du Code de la commande publique).")


def _discount_note(contract) -> str:
    """The escompte terms of the customer's contract (L441-9 I), or that there are none."""
    pct = float(contract.get("early_payment_discount_pct", 0) or 0) if contract is not None else 0.0
    days = int(contract.get("early_payment_days", 0) or 0) if contract is not None else 0
    if pct <= 0 or days <= 0:
        return _NO_DISCOUNT_NOTE
    shown = f"{pct:g}".replace(".", ",")
    return (f"Escompte de {shown} % pour paiement reçu dans les {days} jours suivant la date de facture ; "
            "la TVA est réduite à proportion par un avoir.")


def _money(cents: int) -> str:
    return f"{cents_to_decimal(int(cents)):.2f}"


def _day(value):
    return pd.Timestamp(value).date()


def _party(name, siren, vat, address, postcode, city, country, show_siren=True) -> dict:
    party = {"name": name, "addr_l1": address, "postcode": postcode, "city": city, "country_code": country}
    if vat:
        party["vat_identifier"] = vat
    if siren and show_siren:
        party["legal_identifier"], party["legal_identifier_schemeid"] = siren, "0002"
    return party


def facturx_xml(company, invoice_id: str) -> bytes:
    """The CII XML (Factur-X, profile EN 16931) of one of ``company``'s invoices, XSD-checked."""
    invoices = company.invoices
    if invoice_id not in set(invoices["invoice_id"]):
        raise InvalidParameterError(f"Facture inconnue : « {invoice_id} ».", valid="un numéro comme FA-2026-00042")
    inv = invoices[invoices["invoice_id"] == invoice_id].iloc[0]
    lines = company.invoice_lines[company.invoice_lines["invoice_id"] == invoice_id]
    me = company.company.iloc[0]
    cust = company.customer(inv["customer_id"])
    delivery = company.deliveries[company.deliveries["delivery_id"] == inv["delivery_id"]]
    street, _, town = str(me["address"]).rpartition(", ")
    postcode, _, city = town.partition(" ")
    notes = []
    contracts = company.contracts.set_index("customer_id")
    contract = contracts.loc[inv["customer_id"]] if inv["customer_id"] in contracts.index else None
    public = cust["segment"] == "secteur_public"
    if inv["penalty_mention"]:
        clause = "" if contract is None else str(contract["penalty_clause"])
        notes.append({"BT-21": "PMD", "BT-22": _PUBLIC_PENALTY_NOTE if public else
                      PENALTY_NOTE if not clause or clause.startswith("taux BCE") else
                      PENALTY_NOTE.replace("au taux de la BCE majoré de 10 points", f"au taux de {clause}")})
    if inv["indemnity_mention"]:
        notes.append({"BT-21": "PMT", "BT-22": _PUBLIC_INDEMNITY_NOTE if public else INDEMNITY_NOTE})
    notes.append({"BT-21": "AAB", "BT-22": _discount_note(contract)})
    eu = bool(inv["vat_mention"])
    breakdown = (lines.assign(rate=lines["vat_rate"]).groupby("rate")[["net_cents", "vat_cents"]].sum())
    data = {
        "BT-1": invoice_id, "BT-2": _day(inv["invoice_date"]), "BT-3": "380", "BT-5": "EUR",
        "BT-9": _day(inv["due_date"]), "BT-14": inv["order_id"],
        "BT-20": PAYMENT_TERMS.get(inv["payment_terms"], inv["payment_terms"]),
        "BT-16": inv["delivery_id"],
        "BG-1": notes,
        "BG-4": _party(me["name"], me["siren"], me["vat_number"], street, postcode, city, "FR"),
        "BG-7": _party(cust["name"], cust["siren"], cust["vat_number"], cust["address"], cust["postal_code"],
                       cust["city"], cust["country"], show_siren=bool(inv["customer_siren_shown"])),
        "BT-81": "58", "BT-84": me["iban"],
        "BG-25": [{
            "BT-126": str(int(r["line_no"])), "BT-129": str(int(r["quantity"])), "BT-130": "C62",
            "BT-131": _money(r["net_cents"]), "BT-146": _money(r["unit_price_cents"]),
            "BT-151": "K" if eu else "S", "BT-152": f"{Decimal(str(r['vat_rate'])):.2f}",
            "BT-153": r["label"], "BT-155": r["product_id"],
        } for _, r in lines.iterrows()],
        "BG-23": [{
            "BT-116": _money(v["net_cents"]), "BT-117": _money(v["vat_cents"]),
            "BT-118": "K" if eu else "S", "BT-119": f"{Decimal(str(rate)):.2f}",
            **({"BT-120": inv["vat_mention"], "BT-121": "VATEX-EU-IC"} if eu else {}),
        } for rate, v in breakdown.iterrows()],
        "BT-106": _money(inv["total_ht_cents"]), "BT-109": _money(inv["total_ht_cents"]),
        "BT-110": _money(inv["total_vat_cents"]), "BT-112": _money(inv["total_ttc_cents"]),
        "BT-115": _money(inv["total_ttc_cents"]),
    }
    if inv["customer_po"]:
        data["BT-13"] = inv["customer_po"]
    if not delivery.empty:
        data["BT-72"] = _day(delivery["delivery_date"].iloc[0])
    return facturx.generate_cii_xml(data, level="en16931", check_schematron=False)


def _text(value) -> str:
    return "" if value is None else str(value).strip()


_XML_AMOUNT = re.compile(r"[+-]?\d{1,15}(\.\d{1,6})?")  # xs:decimal as CII writes it: no NaN, no exponent
_UNREADABLE = dict(valid="un XML CII (Cross Industry Invoice) au format Factur-X, ou le PDF qui le contient",
                   todo="vérifiez le fichier ou demandez-le de nouveau à l'émetteur")


def _cents(value, term: str, label: str) -> int:
    """Cents of a CII amount; a French error naming the business term when it is not a number."""
    text = _text(value) or "0"
    if not _XML_AMOUNT.fullmatch(text):
        raise DataFileError(f"montant illisible « {text[:30]} » ({label}).", column=term,
                            valid="un nombre avec un point décimal, comme 1234.56",
                            todo="la facture est abîmée ou mal produite : demandez-la de nouveau à l'émetteur")
    return check_cents(to_cents(text), f"{term} ({label})")


def _xml_of(document: bytes) -> bytes:
    """The CII XML of ``document`` (the XML itself or a Factur-X PDF), checked to be safe to parse."""
    if document.startswith(b"%PDF"):
        try:
            _, document = facturx.get_xml_from_pdf(document, check_xsd=False)
        except Exception:  # the package raises plain exceptions on any damaged PDF
            document = None
        if not document:
            raise DataFileError("PDF sans XML Factur-X lisible à l'intérieur.", **_UNREADABLE)
    try:
        tree = etree.fromstring(document, etree.XMLParser(resolve_entities=False, no_network=True,
                                                          load_dtd=False)).getroottree()
    except etree.XMLSyntaxError as exc:
        raise InvalidParameterError(f"Facture Factur-X illisible : XML mal formé ({exc.msg}).",
                                    **_UNREADABLE) from None
    if tree.docinfo.internalDTD is not None:  # entities could read local files or explode in size
        raise InvalidParameterError("Facture Factur-X refusée : elle contient une déclaration DOCTYPE "
                                    "(entités XML), ce qu'aucune facture Factur-X ne contient.",
                                    **_UNREADABLE)
    return document


def parse_facturx(xml: bytes | str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read a CII invoice (or the Factur-X PDF holding it) into one-row ``invoices`` and its
    ``invoice_lines`` (company schema).

    The customer is identified by SIREN or VAT number later (:func:`audit_facturx`); here
    ``customer_id`` is left empty. Amounts become integer cents. An invoice without number
    (BT-1) or date (BT-2), or with an amount that is not a number, raises a French error.
    """
    if isinstance(xml, str):
        xml = xml.encode("utf-8")
    try:
        data = facturx.parse_ubl_cii_xml(_xml_of(xml), check_xsd=False)
    except O2CLabError:
        raise
    except Exception as err:  # the parser raises plain exceptions on any malformed input
        raise InvalidParameterError(f"Facture Factur-X illisible : {err}", **_UNREADABLE) from None
    for term, label in (("BT-1", "numéro de facture"), ("BT-2", "date de facture")):
        if not _text(data.get(term)):
            raise DataFileError(f"{label} absent(e) : la facture n'a pas de {term}.", column=term,
                                valid="une facture Factur-X avec numéro (BT-1) et date d'émission (BT-2)",
                                todo="demandez une facture complète à l'émetteur")
    notes = {n.get("BT-21"): n.get("BT-22") for n in data.get("BG-1") or []}
    buyer = data.get("BG-7") or {}
    exemptions = "; ".join(_text(t.get("BT-120")) for t in data.get("BG-23") or [] if t.get("BT-120"))
    invoice = {
        "invoice_id": _text(data.get("BT-1")), "customer_id": "", "order_id": _text(data.get("BT-14")),
        "delivery_id": _text(data.get("BT-16")),
        "invoice_date": pd.Timestamp(data["BT-2"]), "due_date": pd.Timestamp(data.get("BT-9") or data["BT-2"]),
        "payment_terms": _text(data.get("BT-20")), "customer_po": _text(data.get("BT-13")),
        "customer_siren_shown": bool(_text(buyer.get("legal_identifier"))),
        "penalty_mention": bool(notes.get("PMD")), "indemnity_mention": bool(notes.get("PMT")),
        "vat_mention": exemptions,
        "total_ht_cents": _cents(data.get("BT-109"), "BT-109", "total HT"),
        "total_vat_cents": _cents(data.get("BT-110"), "BT-110", "total TVA"),
        "total_ttc_cents": _cents(data.get("BT-112"), "BT-112", "total TTC"),
        "buyer_siren": _text(buyer.get("legal_identifier")),
        "buyer_vat": _text(buyer.get("vat_identifier")).replace(" ", ""),
        "buyer_name": _text(buyer.get("name")),
    }
    lines = []
    for k, line in enumerate(data.get("BG-25") or [], start=1):
        quantity = _text(line.get("BT-129")) or "0"
        if not _XML_AMOUNT.fullmatch(quantity):
            raise DataFileError(f"quantité illisible « {quantity[:30]} » (ligne {k}).", column="BT-129",
                                valid="un nombre comme 3 ou 2.5")
        qty = Decimal(quantity)
        rate = _cents(line.get("BT-152"), "BT-152", f"taux de TVA, ligne {k}") / 100
        lines.append({
            "invoice_id": invoice["invoice_id"], "line_no": int(line.get("BT-126") or k) if
            _text(line.get("BT-126")).isdigit() else k,
            "product_id": _text(line.get("BT-155")), "label": _text(line.get("BT-153")),
            "quantity": int(qty) if qty == qty.to_integral_value() else float(qty),
            "unit_price_cents": _cents(line.get("BT-146"), "BT-146", f"prix unitaire, ligne {k}"),
            "vat_rate": rate,
            "net_cents": _cents(line.get("BT-131"), "BT-131", f"montant net, ligne {k}"), "vat_cents": None,
        })
    frame = pd.DataFrame(lines)
    if not frame.empty:
        from ..money import vat_cents
        frame["vat_cents"] = vat_cents(frame["net_cents"].to_numpy(), frame["vat_rate"].to_numpy())
    return pd.DataFrame([invoice]), frame


def _customer_of(company, invoice: pd.Series) -> str:
    customers = company.customers
    for column, value in (("siren", invoice["buyer_siren"]), ("vat_number", invoice["buyer_vat"])):
        if value:
            hit = customers.loc[customers[column].str.replace(" ", "") == value, "customer_id"]
            if len(hit):
                return str(hit.iloc[0])
    order = company.orders.loc[company.orders["order_id"] == invoice["order_id"], "customer_id"]
    return str(order.iloc[0]) if len(order) else ""


def audit_facturx(company, xml: bytes | str) -> pd.DataFrame:
    """Audit a Factur-X invoice with the same rules as a table row (see :func:`audit_invoices`)."""
    invoices, lines = parse_facturx(xml)
    invoices["customer_id"] = _customer_of(company, invoices.iloc[0])
    schema = list(company.invoices.columns)
    return audit_invoices(company, invoices[[c for c in schema if c in invoices.columns]],
                          lines if not lines.empty else company.invoice_lines.iloc[0:0])
