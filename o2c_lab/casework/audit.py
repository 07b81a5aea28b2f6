"""Invoice audit: every invoice against its order, delivery note, contract price and French law.

One rule table drives three things, so they cannot drift apart: the systematic audit
(:func:`audit_invoices`), the « facture sans litige » checklist (:func:`checklist`) and the
per-invoice checklist status (:func:`invoice_checklist`). Each finding carries its rule, its
legal reference and its consequence (dispute risk, fine under CGI 1737 II, L441-9 II or L441-16).
Mentions of the e-invoicing reform (customer SIREN) bind the issuer only from its reform date
(1 September 2027 for an SME such as the course company, see :mod:`o2c_lab.law`).

The before/after figure compares a simulated by-hand check of a random sample
(:func:`sample_check`) with the systematic audit, as recall of the planted anomalies
(:func:`audit_recall`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

from ..errors import InvalidParameterError
from ..company.scenario import ANOMALY_TYPES as ANOMALY_LABELS
from ..company.scenario import ISSUER_SIZE
from ..law import (ADMIN_FINE_MAX_CENTS, FIXED_RECOVERY_INDEMNITY_CENTS as FIXED_RECOVERY,
                   INVOICE_MENTION_FINE_MAX_CENTS, MENTION_FINE_CENTS, due_dates, mention_fine_cents,
                   public_payment_days, reform_mentions_required)
from ..money import format_date, format_eur, format_number, vat_cents
from ._scoring import add_facts_criterion, scored, unverified_facts

__all__ = ["Rule", "RULES", "FINDING_COLUMNS", "audit_invoices", "audit_recall", "sample_check",
           "checklist", "checklist_markdown", "invoice_checklist", "audit_answer_text", "score_audit_answer"]

# L441-9 II omissions: administrative fine up to 75 000 € (natural person) / 375 000 € (legal person).
_L441_9_FINE_CENTS = INVOICE_MENTION_FINE_MAX_CENTS["personne_morale"]


@dataclass(frozen=True)
class Rule:
    """One audit rule: what it checks, its legal basis and what a breach costs."""

    rule_id: str
    anomaly: str  # key of scenario.ANOMALY_TYPES, or a rule-specific key for unplanted checks
    group: str  # checklist section: commande, livraison, facture, mentions, échéance, séquence
    check: str  # the checklist item, imperative French
    legal_ref: str
    consequence: str
    tax_mention: bool = False  # CGI 1737 II fine (15 € per mention, capped at 25 %)
    admin_fine_cents: int = 0  # maximum administrative fine (legal person)


RULES: tuple[Rule, ...] = (
    Rule("AUD-01", "unmatched_reference", "commande",
         "Rattacher la facture à une commande, un bon de livraison et un client connus",
         "Code de commerce L441-9 (date de la vente, références de la commande)",
         "Facture impossible à justifier : le client peut la refuser (statut « Refusée »)."),
    Rule("AUD-02", "price_vs_contract", "commande",
         "Facturer le prix du contrat : prix catalogue moins la remise contractuelle",
         "Code de commerce L441-9 (prix unitaire HT, rabais) ; CGI ann. II art. 242 nonies A 8° et 9°",
         "Litige prix : paiement bloqué ou réduit par le client, avoir à émettre.", tax_mention=True),
    Rule("AUD-03", "quantity_vs_delivery", "livraison",
         "Facturer la quantité livrée (bon de livraison signé), pas la quantité commandée",
         "Code de commerce L441-9 (quantité) ; CGI ann. II art. 242 nonies A 8°",
         "Litige quantité : le client refuse la facture, avoir pour les unités non livrées.",
         tax_mention=True),
    Rule("AUD-04", "wrong_vat_rate", "facture",
         "Appliquer le taux de TVA de l'article (0 % avec mention d'exonération pour un client UE)",
         "CGI art. 278 et suivants, 262 ter I ; CGI ann. II art. 242 nonies A 8°, 12° et 13°",
         "TVA facturée à tort due par le fournisseur (CGI 283-3) ; déduction refusée au client ; "
         "facture rectificative.", tax_mention=True),
    Rule("AUD-05", "calculation_error", "facture",
         "Vérifier les calculs : quantité × prix, TVA par ligne et totaux",
         "CGI ann. II art. 242 nonies A 11°",
         "Montant contestable : le client corrige ou refuse la facture.", tax_mention=True),
    Rule("AUD-06", "missing_customer_siren", "mentions",
         "Porter le SIREN du client (client français) dès l'entrée de l'émetteur dans la facturation "
         "électronique (1er septembre 2026 pour une grande entreprise ou une ETI, 1er septembre 2027 "
         "pour une PME)",
         "CGI ann. II art. 242 nonies A 1° (décret 2022-1299) ; loi de finances pour 2024, art. 91",
         "Amende fiscale de 15 € par mention manquante (CGI 1737 II) ; facture électronique rejetée "
         "par la plateforme agréée.", tax_mention=True),
    Rule("AUD-07", "missing_penalty_mention", "mentions",
         "Mentionner le taux des pénalités de retard",
         "Code de commerce L441-9 I et L441-10 II ; sanction L441-9 II",
         "Amende administrative jusqu'à 375 000 € pour une personne morale (L441-9 II) ; pénalités "
         "plus difficiles à réclamer.",
         admin_fine_cents=_L441_9_FINE_CENTS),
    Rule("AUD-08", "missing_indemnity_mention", "mentions",
         "Mentionner l'indemnité forfaitaire de 40 € pour frais de recouvrement",
         "Code de commerce L441-9 I et D441-5 ; sanction L441-9 II",
         "Amende administrative jusqu'à 375 000 € pour une personne morale (L441-9 II) ; indemnité "
         "de 40 € contestée par le client.",
         admin_fine_cents=_L441_9_FINE_CENTS),
    Rule("AUD-09", "missing_po", "commande",
         "Reporter le numéro de bon de commande du client quand il en a émis un",
         "Code de commerce L441-9 I (depuis le 01/10/2019)",
         "Facture bloquée par la comptabilité fournisseurs du client (rapprochement impossible) ; "
         "amende administrative.", admin_fine_cents=_L441_9_FINE_CENTS),
    Rule("AUD-10", "due_date_vs_terms", "échéance",
         "Calculer l'échéance selon le délai du contrat",
         "Code de commerce L441-10 I (délai convenu) ; L441-16 (mode de computation non respecté)",
         "Relance prématurée ou tardive ; litige sur l'échéance ; amende administrative.",
         admin_fine_cents=ADMIN_FINE_MAX_CENTS["personne_morale"]),
    Rule("AUD-11", "due_date_beyond_cap", "échéance",
         "Ne jamais dépasser le plafond légal : 60 jours date de facture ou 45 jours fin de mois "
         "(acheteur public : 30 jours, 50 pour un établissement public de santé, 60 pour une entreprise "
         "publique)",
         "Code de commerce L441-10 I ; Code de la commande publique R2192-10 et R2192-11 ; sanction L441-16",
         "Amende administrative jusqu'à 2 000 000 € (personne morale), doublée en cas de "
         "réitération ; clause réputée non écrite.",
         admin_fine_cents=ADMIN_FINE_MAX_CENTS["personne_morale"]),
    Rule("AUD-12", "duplicate_invoice", "séquence",
         "Ne facturer qu'une fois chaque livraison (pas de doublon)",
         "CGI ann. II art. 242 nonies A 7° ; CGI 283-3 (TVA facturée due)",
         "Double encaissement réclamé au client, litige et perte de confiance ; avoir d'annulation "
         "obligatoire."),
    Rule("AUD-13", "numbering_gap", "séquence",
         "Numéroter sans rupture, en séquence chronologique continue",
         "CGI ann. II art. 242 nonies A 7°",
         "Rupture de séquence : présomption de facture non déclarée en contrôle fiscal ; amende "
         "CGI 1737 II.", tax_mention=True),
)
_RULE = {r.anomaly: r for r in RULES}

FINDING_COLUMNS = ["invoice_id", "customer_id", "rule_id", "anomaly", "description", "legal_ref",
                   "consequence", "fine_cents", "admin_fine_max_cents"]
_INVOICE_ID = re.compile(r"^(?P<series>.*?)(?P<year>\d{4})-(?P<seq>\d+)$")


def _pct(value: float) -> str:
    return format_number(value, 0 if float(value).is_integer() else 1) + "\u00a0%"


def _contract_price(catalogue_cents: int, discount_pct: float) -> int:
    """Catalogue price × (1 − discount), rounded half up to the cent."""
    exact = Decimal(int(catalogue_cents)) * (Decimal(100) - Decimal(str(discount_pct))) / 100
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _frames(company, invoices, invoice_lines):
    inv = (company.invoices if invoices is None else invoices).copy()
    lines = (company.invoice_lines if invoice_lines is None else invoice_lines).copy()
    customers = company.customers[["customer_id", "name", "segment", "country", "siren", "chorus_pro"]].rename(
        columns={"name": "customer_name"})
    contracts = company.contracts[["customer_id", "payment_terms", "price_discount_pct"]].rename(
        columns={"payment_terms": "contract_terms"})
    inv = inv.merge(customers, on="customer_id", how="left").merge(contracts, on="customer_id", how="left")
    inv = inv.merge(company.orders[["order_id", "customer_po"]].rename(columns={"customer_po": "order_po"}),
                    on="order_id", how="left")
    inv = inv.merge(company.deliveries[["delivery_id", "order_id"]].rename(columns={"order_id": "delivery_order"}),
                    on="delivery_id", how="left")
    lines = lines.merge(inv[["invoice_id", "customer_id", "delivery_id", "segment", "country",
                             "price_discount_pct"]], on="invoice_id", how="left")
    lines = lines.merge(company.products[["product_id", "unit_price_cents", "vat_rate"]].rename(
        columns={"unit_price_cents": "catalogue_cents", "vat_rate": "catalogue_vat"}), on="product_id", how="left")
    lines = lines.merge(company.delivery_lines[["delivery_id", "line_no", "product_id", "quantity"]].rename(
        columns={"quantity": "delivered", "product_id": "delivered_product"}), on=["delivery_id", "line_no"], how="left")
    return inv, lines


def _finding(rule: Rule, row, description: str) -> dict:
    ttc = int(row.get("total_ttc_cents", 0) or 0)
    return {"invoice_id": row["invoice_id"], "customer_id": row.get("customer_id", ""),
            "rule_id": rule.rule_id, "anomaly": rule.anomaly, "description": description,
            "legal_ref": rule.legal_ref, "consequence": rule.consequence,
            "fine_cents": mention_fine_cents(1, ttc) if rule.tax_mention else 0,
            "admin_fine_max_cents": rule.admin_fine_cents}


def _is_eu(frame) -> pd.Series:
    return (frame["segment"] == "export_ue") | (frame["country"].fillna("FR") != "FR")


def _line_findings(inv, lines) -> list[dict]:
    out = []
    ttc = inv.set_index("invoice_id")["total_ttc_cents"]
    known = lines["catalogue_cents"].notna() & lines["price_discount_pct"].notna()
    contract = np.array([_contract_price(c, d) if k else 0 for c, d, k in
                         zip(lines["catalogue_cents"].fillna(0), lines["price_discount_pct"].fillna(0), known)])
    # One cent of tolerance: rounding conventions for catalogue × (1 − discount) differ.
    bad_price = known & (np.abs(lines["unit_price_cents"].to_numpy() - contract) > 1)
    for i in np.flatnonzero(bad_price):
        r = lines.iloc[i]
        out.append(_finding(_RULE["price_vs_contract"], {**r, "total_ttc_cents": ttc.get(r["invoice_id"], 0)},
                            f"Ligne {r['line_no']} ({r['product_id']}) : {format_eur(r['unit_price_cents'])} HT "
                            f"facturé au lieu de {format_eur(contract[i])} HT (prix catalogue "
                            f"{format_eur(int(r['catalogue_cents']))} moins la remise contractuelle de "
                            f"{_pct(r['price_discount_pct'])})."))
    matched = lines["delivered"].notna()
    bad_qty = matched & (lines["quantity"] != lines["delivered"].fillna(-1))
    for i in np.flatnonzero(bad_qty):
        r = lines.iloc[i]
        out.append(_finding(_RULE["quantity_vs_delivery"], {**r, "total_ttc_cents": ttc.get(r["invoice_id"], 0)},
                            f"Ligne {r['line_no']} ({r['product_id']}) : {int(r['quantity'])} unités facturées, "
                            f"{int(r['delivered'])} livrées selon le bon de livraison {r['delivery_id']}."))
    eu = _is_eu(lines)
    expected_vat = np.where(eu, 0.0, lines["catalogue_vat"].fillna(-1.0))
    bad_vat = lines["catalogue_vat"].notna() & (np.abs(lines["vat_rate"] - expected_vat) > 1e-9)
    for i in np.flatnonzero(bad_vat):
        r = lines.iloc[i]
        out.append(_finding(_RULE["wrong_vat_rate"], {**r, "total_ttc_cents": ttc.get(r["invoice_id"], 0)},
                            f"Ligne {r['line_no']} ({r['product_id']}) : TVA à {_pct(r['vat_rate'])} au lieu "
                            f"de {_pct(expected_vat[i])}."))
    bad_calc = (lines["net_cents"] != lines["quantity"] * lines["unit_price_cents"]) | \
               (lines["vat_cents"] != vat_cents(lines["net_cents"].to_numpy(), lines["vat_rate"].to_numpy()))
    for i in np.flatnonzero(bad_calc):
        r = lines.iloc[i]
        out.append(_finding(_RULE["calculation_error"], {**r, "total_ttc_cents": ttc.get(r["invoice_id"], 0)},
                            f"Ligne {r['line_no']} : montant HT ou TVA incohérent avec quantité × prix."))
    return out


def _invoice_findings(inv, lines, as_of_invoices) -> list[dict]:
    out = []
    rows = inv.to_dict("records")
    totals = lines.groupby("invoice_id")[["net_cents", "vat_cents"]].sum()
    unknown = inv["segment"].isna() | inv["delivery_order"].isna() | (inv["delivery_order"] != inv["order_id"])
    unknown_lines = set(lines.loc[lines["catalogue_cents"].isna() | lines["delivered"].isna(), "invoice_id"])
    dates = inv["invoice_date"].to_numpy().astype("datetime64[D]")
    due = inv["due_date"].to_numpy().astype("datetime64[D]")
    terms = inv["contract_terms"].fillna("").to_numpy()
    has_terms = terms != ""
    expected = np.full(len(inv), np.datetime64("NaT"), dtype="datetime64[D]")
    if has_terms.any():
        expected[has_terms] = due_dates(dates[has_terms], terms[has_terms])
    public = (inv["segment"] == "secteur_public").to_numpy() | inv["chorus_pro"].fillna(False).astype(bool).to_numpy()
    cap = np.maximum(dates + np.timedelta64(60, "D"), due_dates(dates, np.full(len(inv), "45FDM")))
    # R2192-10 / R2192-11: the public limit depends on the buyer's category.
    public_days = inv["customer_name"].fillna("").map(public_payment_days).to_numpy().astype("timedelta64[D]")
    cap[public] = dates[public] + public_days[public]
    eu = _is_eu(inv).to_numpy()
    for k, row in enumerate(rows):
        if unknown[k] or row["invoice_id"] in unknown_lines:
            what = []
            if pd.isna(row["segment"]):
                what.append(f"client {row['customer_id'] or '(absent)'} inconnu")
            if pd.isna(row["delivery_order"]) or row["delivery_order"] != row["order_id"]:
                what.append(f"bon de livraison {row['delivery_id'] or '(absent)'} non rattaché à la commande "
                            f"{row['order_id'] or '(absente)'}")
            if row["invoice_id"] in unknown_lines:
                what.append("ligne(s) sans article du catalogue ou sans ligne de livraison correspondante")
            out.append(_finding(_RULE["unmatched_reference"], row, "Rapprochement impossible : " + " ; ".join(what) + "."))
        if row["invoice_id"] in totals.index:
            net, vat = (int(v) for v in totals.loc[row["invoice_id"]])
            if (net, vat, net + vat) != (row["total_ht_cents"], row["total_vat_cents"], row["total_ttc_cents"]):
                out.append(_finding(_RULE["calculation_error"], row,
                                    f"Totaux imprimés ({format_eur(row['total_ttc_cents'])} TTC) différents de la "
                                    f"somme des lignes ({format_eur(net + vat)} TTC)."))
        if eu[k] and not str(row.get("vat_mention", "")).strip():
            out.append(_finding(_RULE["wrong_vat_rate"], row, "Client de l'Union européenne : mention "
                                "d'exonération (article 262 ter I du CGI, autoliquidation) absente."))
        if not row["customer_siren_shown"] and not eu[k] and \
                reform_mentions_required(ISSUER_SIZE, pd.Timestamp(row["invoice_date"]).date()):
            out.append(_finding(_RULE["missing_customer_siren"], row, "SIREN du client absent de la facture."))
        if not row["penalty_mention"]:
            out.append(_finding(_RULE["missing_penalty_mention"], row, "Taux des pénalités de retard non mentionné."))
        if not row["indemnity_mention"]:
            out.append(_finding(_RULE["missing_indemnity_mention"], row,
                                "Indemnité forfaitaire de 40 € pour frais de recouvrement non mentionnée."))
        order_po = row.get("order_po")
        if isinstance(order_po, str) and order_po and row["customer_po"] != order_po:
            out.append(_finding(_RULE["missing_po"], row, f"Bon de commande du client {order_po} non reporté "
                                f"(facture : « {row['customer_po'] or 'vide'} »)."))
        if has_terms[k] and due[k] != expected[k]:
            out.append(_finding(_RULE["due_date_vs_terms"], row,
                                f"Échéance imprimée {format_date(pd.Timestamp(due[k]))} au lieu de "
                                f"{format_date(pd.Timestamp(expected[k]))} (délai du contrat : {terms[k]})."))
        if due[k] > cap[k]:
            limit = (f"{public_days[k].astype(int)} jours (acheteur public)" if public[k] else
                     "60 jours date de facture / 45 jours fin de mois")
            out.append(_finding(_RULE["due_date_beyond_cap"], row,
                                f"Échéance {format_date(pd.Timestamp(due[k]))} au-delà du plafond légal "
                                f"({limit}) : au plus tard le {format_date(pd.Timestamp(cap[k]))}."))
    out += _sequence_findings(inv, as_of_invoices)
    return out


def _sequence_findings(inv, register) -> list[dict]:
    """Duplicates (same delivery billed twice) and numbering gaps, judged on the whole register."""
    out = []
    audited = set(inv["invoice_id"])
    allinv = pd.concat([register[["invoice_id", "delivery_id", "invoice_date"]],
                        inv[["invoice_id", "delivery_id", "invoice_date"]]]).drop_duplicates("invoice_id")
    allinv = allinv.sort_values(["invoice_date", "invoice_id"], kind="stable")
    first = allinv[allinv["delivery_id"] != ""].drop_duplicates("delivery_id").set_index("delivery_id")["invoice_id"]
    dup = allinv["delivery_id"].ne("") & allinv.duplicated("delivery_id") & allinv["invoice_id"].isin(audited)
    rows = inv.set_index("invoice_id")
    for _, r in allinv[dup].iterrows():
        row = {**rows.loc[r["invoice_id"]].to_dict(), "invoice_id": r["invoice_id"]}
        out.append(_finding(_RULE["duplicate_invoice"], row, f"Livraison {r['delivery_id']} déjà facturée "
                            f"par la facture {first[r['delivery_id']]} : doublon."))
    parts = allinv["invoice_id"].str.extract(_INVOICE_ID)
    seq = allinv.assign(series=parts["series"], year=parts["year"],
                        seq=pd.to_numeric(parts["seq"], errors="coerce")).dropna(subset=["seq"])
    seq = seq.sort_values(["series", "year", "seq"])
    step = seq.groupby(["series", "year"])["seq"].diff()
    for _, r in seq[(step > 1) & seq["invoice_id"].isin(audited)].iterrows():
        width = len(_INVOICE_ID.match(r["invoice_id"])["seq"])
        missing = int(step.loc[r.name]) - 1
        first_missing = f"{r['series']}{r['year']}-{int(r['seq']) - missing:0{width}d}"
        row = {**rows.loc[r["invoice_id"]].to_dict(), "invoice_id": r["invoice_id"]}
        out.append(_finding(_RULE["numbering_gap"], row,
                            f"Rupture de numérotation avant {r['invoice_id']} : {missing} numéro(s) jamais "
                            f"émis à partir de {first_missing}."))
    return out


def audit_invoices(company, invoices: pd.DataFrame | None = None,
                   invoice_lines: pd.DataFrame | None = None) -> pd.DataFrame:
    """Findings of every rule of :data:`RULES` (columns :data:`FINDING_COLUMNS`), one row each.

    By default audits all of ``company``'s invoices; pass ``invoices`` / ``invoice_lines`` (same
    columns as the company tables, e.g. from :func:`o2c_lab.casework.facturx.parse_facturx`) to
    audit other invoices against the company's orders, deliveries, contracts and register.
    """
    if invoices is not None and invoice_lines is None:
        raise InvalidParameterError("Lignes de facture manquantes pour l'audit.",
                                    valid="invoices et invoice_lines fournis ensemble")
    inv, lines = _frames(company, invoices, invoice_lines)
    findings = _line_findings(inv, lines) + _invoice_findings(inv, lines, company.invoices)
    out = pd.DataFrame(findings, columns=FINDING_COLUMNS)
    order = {r.rule_id: k for k, r in enumerate(RULES)}
    out["_o"] = out["rule_id"].map(order)
    return out.sort_values(["invoice_id", "_o"], kind="stable").drop(columns="_o").reset_index(drop=True)


def _pairs(frame) -> set[tuple[str, str]]:
    return set(zip(frame["invoice_id"], frame["anomaly"]))


def audit_recall(company, findings: pd.DataFrame | None = None) -> dict:
    """Recall of the planted anomalies and findings on invoices that carry none (false findings)."""
    findings = audit_invoices(company) if findings is None else findings
    planted = _pairs(company.truth["invoice_anomalies"])
    found = _pairs(findings)
    anomalous = {i for i, _ in planted}
    false = findings[~findings["invoice_id"].isin(anomalous)]
    extra = {p for p in found - planted if p[0] in anomalous}
    return {"planted": len(planted), "found": len(planted & found),
            "recall": len(planted & found) / len(planted) if planted else 1.0,
            "missed": sorted(planted - found), "false_findings": false, "extra_on_anomalous": sorted(extra)}


# A person checking a sample by hand looks at each invoice alone: duplicates and numbering gaps
# only show on the whole register.
_NEEDS_REGISTER = {"duplicate_invoice", "numbering_gap"}


def sample_check(company, share: float = 0.10, seed: int = 0) -> dict:
    """Simulated by-hand check of a random ``share`` of invoices: recall of the planted anomalies.

    The checker is assumed perfect on the invoices drawn (an optimistic baseline) but cannot see
    anomalies that need the whole register (duplicates, numbering gaps).
    """
    if not 0 < share <= 1:
        raise InvalidParameterError(f"Part de l'échantillon invalide : {share!r}.", valid="un nombre entre 0 et 1")
    ids = company.invoices["invoice_id"].to_numpy()
    rng = np.random.default_rng(seed)
    drawn = set(rng.choice(ids, size=max(1, int(round(len(ids) * share))), replace=False))
    planted = company.truth["invoice_anomalies"]
    seen = planted[planted["invoice_id"].isin(drawn) & ~planted["anomaly"].isin(_NEEDS_REGISTER)]
    return {"checked": len(drawn), "planted": len(planted), "found": len(seen),
            "recall": len(seen) / len(planted) if len(planted) else 1.0}


_GROUPS = ("commande", "livraison", "facture", "mentions", "échéance", "séquence")


def checklist() -> pd.DataFrame:
    """The « facture sans litige » checklist, one row per rule (same rules as the audit)."""
    return pd.DataFrame([{"rubrique": r.group, "controle": r.check, "reference": r.legal_ref,
                          "risque": r.consequence, "rule_id": r.rule_id} for r in
                         sorted(RULES, key=lambda r: _GROUPS.index(r.group))])


def invoice_checklist(company, invoice_id: str, findings: pd.DataFrame | None = None) -> pd.DataFrame:
    """The checklist with each item's status for one invoice: « conforme » or the finding."""
    if invoice_id not in set(company.invoices["invoice_id"]):
        raise InvalidParameterError(f"Facture inconnue : « {invoice_id} ».", valid="un numéro comme FA-2026-00042")
    if findings is None:
        inv = company.invoices[company.invoices["invoice_id"] == invoice_id]
        findings = audit_invoices(company, inv, company.invoice_lines[company.invoice_lines["invoice_id"] == invoice_id])
    mine = findings[findings["invoice_id"] == invoice_id].groupby("rule_id")["description"].agg(" ".join)
    out = checklist()
    out["statut"] = out["rule_id"].map(lambda r: "non conforme : " + mine[r] if r in mine.index else "conforme")
    return out


def checklist_markdown(company=None, invoice_id: str | None = None) -> str:
    """The checklist as French Markdown check-boxes (ticked per invoice when one is given)."""
    table = checklist() if invoice_id is None else invoice_checklist(company, invoice_id)
    title = "Checklist « facture sans litige »" + (f" – facture {invoice_id}" if invoice_id else "")
    lines = [f"# {title}", ""]
    for group in _GROUPS:
        part = table[table["rubrique"] == group]
        if part.empty:
            continue
        lines += [f"## {group.capitalize()}", ""]
        for _, r in part.iterrows():
            box = "[ ]" if invoice_id is None else ("[x]" if r["statut"] == "conforme" else "[!]")
            status = "" if invoice_id is None else f" — {r['statut']}"
            lines.append(f"- {box} {r['controle']} ({r['reference']}){status}")
        lines.append("")
    return "\n".join(lines)


# Words that show an answer names an anomaly (lower case, accents kept).
_ANOMALY_WORDS = {
    "unmatched_reference": ("rapprochement impossible", "introuvable", "inconnu"),
    "price_vs_contract": ("prix", "remise"),
    "quantity_vs_delivery": ("quantité", "livrée", "livré"),
    "wrong_vat_rate": ("tva",),
    "calculation_error": ("calcul", "incohérent"),
    "missing_customer_siren": ("siren",),
    "missing_penalty_mention": ("pénalités",),
    "missing_indemnity_mention": ("40 €", "40\u00a0€", "indemnité"),
    "missing_po": ("bon de commande",),
    "due_date_vs_terms": ("délai du contrat",),
    "due_date_beyond_cap": ("plafond",),
    "duplicate_invoice": ("doublon", "déjà facturée", "en double"),
    "numbering_gap": ("numérotation", "numéro"),
}


# Amounts of the law quoted in consequences (fines, indemnity).
_LEGAL_AMOUNTS = {FIXED_RECOVERY, MENTION_FINE_CENTS, _L441_9_FINE_CENTS, *ADMIN_FINE_MAX_CENTS.values()}


def audit_answer_text(company, invoice_id: str, findings: pd.DataFrame | None = None) -> str:
    """The reference French audit of one invoice: each finding with its rule and consequence."""
    if findings is None:
        findings = audit_invoices(company, company.invoices[company.invoices["invoice_id"] == invoice_id],
                                  company.invoice_lines[company.invoice_lines["invoice_id"] == invoice_id])
    mine = findings[findings["invoice_id"] == invoice_id]
    if mine.empty:
        return f"Facture {invoice_id} : conforme, aucune anomalie."
    lines = [f"Facture {invoice_id} : {len(mine)} anomalie(s)."]
    lines += [f"- {r.description} Référence : {r.legal_ref}. Conséquence : {r.consequence}" for r in mine.itertuples()]
    return "\n".join(lines)


def score_audit_answer(company, invoice_id: str, text: str, *, checker=None,
                       findings: pd.DataFrame | None = None) -> dict:
    """Rate a French audit of one invoice against the planted anomalies; French feedback.

    Criteria: each planted anomaly named; a clean invoice declared clean (no anomaly claimed);
    amounts and document numbers of the text true (fact-checker). Pass the company's
    ``findings`` (:func:`audit_invoices`) and a prepared ``checker`` to score many answers fast.
    """

    planted = set(company.truth["invoice_anomalies"].query("invoice_id == @invoice_id")["anomaly"])
    low = text.lower()
    criteria, feedback = {}, []
    for anomaly in sorted(planted):
        criteria[anomaly] = any(w in low for w in _ANOMALY_WORDS[anomaly])
        if not criteria[anomaly]:
            feedback.append(f"Anomalie non signalée : {ANOMALY_LABELS.get(anomaly, anomaly)}.")
    if not planted:
        criteria["facture_conforme"] = bool(re.search(r"conforme|aucune anomalie", low)) and \
            not re.search(r"non conforme|anomalie\(s\)|\banomalies? :", low)
        if not criteria["facture_conforme"]:
            feedback.append("Cette facture est conforme : aucune anomalie ne doit être signalée.")
    # Facts the systematic audit itself establishes from the documents (contract prices, a
    # number missing from the sequence) are true even though no ledger row holds them.
    from .emails import parse_amounts

    reference = audit_answer_text(company, invoice_id, findings)
    allowed = set(parse_amounts(reference)) | _LEGAL_AMOUNTS
    allowed_docs = set(re.findall(r"\b[A-Z]{2,4}-\d{4}-\d{3,6}\b", reference))
    owner = company.invoices.loc[company.invoices["invoice_id"] == invoice_id, "customer_id"]
    problems = unverified_facts(company, text, owner.iloc[0] if len(owner) else None, allowed_amounts=allowed,
                                allowed_documents=allowed_docs, checker=checker)
    add_facts_criterion(criteria, feedback, problems)
    return scored(criteria, feedback, "Audit exact et complet.")
