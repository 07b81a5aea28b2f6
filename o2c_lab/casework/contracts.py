"""Contract synthesis: the payment clauses read from each contract's text, weak signals and
unlawful clauses, scored against the contracts table and the generator's truth.
"""

from __future__ import annotations

import re

import pandas as pd

from ..errors import InvalidParameterError
from ..law import PAYMENT_TERMS
from ..money import format_number
from ._scoring import scored

__all__ = ["read_contract", "contract_syntheses", "score_syntheses", "synthesis_text", "score_contract_answer",
           "ISSUE_LABELS"]

#: Notable clauses the synthesis flags (same identifiers as the contract truth): unlawful ones
#: with the rule they break, lawful ones said lawful.
ISSUE_LABELS = {
    "delai_illegal": "clause illicite : délai de paiement au-delà du plafond légal de 60 jours (article L441-10 I "
                     "du Code de commerce)",
    "sans_clause_penalites": "clause manquante : aucune clause de pénalités de retard ni d'indemnité forfaitaire "
                             "de 40 € (article L441-10 II du Code de commerce) ; pénalités et indemnité restent "
                             "dues de plein droit",
    "reserve_propriete": "clause licite : réserve de propriété (revendication possible en cas de procédure "
                         "collective, article L624-16 du Code de commerce)",
    "escompte": "clause licite : escompte pour paiement anticipé, dû seulement pour un paiement reçu dans le délai",
}
_LABEL_TO_TERM = {label: code for code, label in PAYMENT_TERMS.items()}
_CAP_DAYS = 60


def _pct_value(text: str) -> float:
    return float(text.replace(",", ".").replace("\u00a0", "").replace(" ", ""))


def read_contract(text: str) -> dict:
    """The clauses of one contract's French text (as the generator writes it)."""
    contract_id = re.search(r"Contrat n° (\S+?)\*", text)
    terms = re.search(r"Délai de paiement : (.+?)\.\*\*", text)
    discount = re.search(r"diminués d'une remise de ([\d,]+)[\s\u00a0]?%", text)
    early = re.search(r"escompte de ([\d,]+)[\s\u00a0]?% est accordé .*? délai de (\d+) jours", text)
    penalty = re.search(r"au taux suivant : (.+?)\.\n", text + "\n")
    court = re.search(r"compétence exclusive du (.+?)\.\n", text + "\n")
    label = terms.group(1).strip() if terms else ""
    return {
        "contract_id": contract_id.group(1) if contract_id else "",
        "payment_terms": _LABEL_TO_TERM.get(label, ""),
        "price_discount_pct": _pct_value(discount.group(1)) if discount else 0.0,
        "penalty_clause": penalty.group(1).strip() if penalty else "",
        "indemnity_clause": "indemnité forfaitaire pour frais de recouvrement" in text,
        "early_payment_discount_pct": _pct_value(early.group(1)) if early else 0.0,
        "early_payment_days": int(early.group(2)) if early else 0,
        "retention_of_title": "Réserve de propriété" in text,
        "jurisdiction": court.group(1).strip() if court else "",
    }


def _issues(clauses: dict) -> list[str]:
    out = []
    days = re.match(r"(\d+)J$", clauses["payment_terms"] or "")
    if days and int(days.group(1)) > _CAP_DAYS:
        out.append("delai_illegal")
    if not clauses["penalty_clause"] and not clauses["indemnity_clause"]:
        out.append("sans_clause_penalites")
    if clauses["retention_of_title"]:
        out.append("reserve_propriete")
    if clauses["early_payment_discount_pct"] > 0:
        out.append("escompte")
    return out


def contract_syntheses(company) -> pd.DataFrame:
    """One row per contract document: its clauses and the issues found (``issues`` list)."""
    rows = []
    for name, text in sorted(company.documents.items()):
        if not name.startswith("CT-"):
            continue
        clauses = read_contract(text)
        rows.append({**clauses, "document": name, "issues": _issues(clauses)})
    return pd.DataFrame(rows)


_FIELDS = ["payment_terms", "price_discount_pct", "penalty_clause", "indemnity_clause",
           "early_payment_discount_pct", "early_payment_days", "retention_of_title", "jurisdiction"]


def score_syntheses(company, syntheses: pd.DataFrame | None = None) -> dict:
    """Field agreement with the contracts table and issue recall / precision against the truth."""
    syntheses = contract_syntheses(company) if syntheses is None else syntheses
    table = company.contracts.set_index("contract_id")
    mismatches = []
    for r in syntheses.itertuples():
        for f in _FIELDS:
            if getattr(r, f) != table.loc[r.contract_id, f]:
                mismatches.append(f"{r.contract_id} : {f} lu « {getattr(r, f)} », "
                                  f"attendu « {table.loc[r.contract_id, f]} »")
    truth = set(zip(company.truth["contract_truth"]["contract_id"], company.truth["contract_truth"]["issue"]))
    found = {(r.contract_id, i) for r in syntheses.itertuples() for i in r.issues}
    return {"contracts": len(syntheses), "field_mismatches": mismatches,
            "issue_recall": len(truth & found) / len(truth) if truth else 1.0,
            "issue_precision": len(truth & found) / len(found) if found else 1.0,
            "missed": sorted(truth - found), "extra": sorted(found - truth)}


def _synthesis(company, contract_id: str) -> dict:
    syn = contract_syntheses(company)
    row = syn[syn["contract_id"] == contract_id]
    if row.empty:
        raise InvalidParameterError(f"Contrat inconnu : « {contract_id} ».", valid="un numéro comme CT-00001")
    return row.iloc[0].to_dict()


def synthesis_text(company, contract_id: str) -> str:
    """The French synthesis of one contract: payment clauses, then weak signals and unlawful clauses."""
    c = _synthesis(company, contract_id)
    pct = lambda v: format_number(v, 0 if float(v).is_integer() else 1) + "\u00a0%"  # noqa: E731
    lines = [f"Synthèse du contrat {contract_id}", "",
             f"- Délai de paiement : {PAYMENT_TERMS.get(c['payment_terms'], 'non précisé')}.",
             f"- Remise contractuelle : {pct(c['price_discount_pct'])}." if c["price_discount_pct"] else
             "- Remise contractuelle : aucune.",
             f"- Pénalités de retard : {c['penalty_clause']}." if c["penalty_clause"] else
             "- Pénalités de retard : aucune clause ; les pénalités de l'article L441-10 II du Code de commerce "
             "s'appliquent de plein droit (taux BCE majoré de 10 points).",
             "- Indemnité forfaitaire de 40 € : prévue." if c["indemnity_clause"] else
             "- Indemnité forfaitaire de 40 € : non mentionnée (elle reste due de plein droit, article D441-5).",
             f"- Escompte : {pct(c['early_payment_discount_pct'])} sous {c['early_payment_days']} jours."
             if c["early_payment_discount_pct"] else "- Escompte : aucun.",
             "- Réserve de propriété : oui." if c["retention_of_title"] else "- Réserve de propriété : non.",
             f"- Juridiction : {c['jurisdiction']}.", "", "Points d'attention (clauses licites et illicites) :"]
    lines += [f"- {ISSUE_LABELS[i]}." for i in c["issues"]] or ["- aucun."]
    return "\n".join(lines)


_ISSUE_WORDS = {
    "delai_illegal": re.compile(r"illégal|au-delà du plafond|dépasse le plafond|L441-10", re.I),
    "sans_clause_penalites": re.compile(r"(aucune|pas de|sans) clause de pénalités", re.I),
    "reserve_propriete": re.compile(r"réserve de propriété : oui|clause de réserve de propriété", re.I),
    "escompte": re.compile(r"escompte\s*(?::|de)?\s*\d", re.I),
}


def score_contract_answer(company, contract_id: str, text: str) -> dict:
    """Rate a French contract synthesis: terms, discount, issues named; French feedback."""
    c = _synthesis(company, contract_id)
    truth = company.truth["contract_truth"]
    expected = set(truth.loc[truth["contract_id"] == contract_id, "issue"])
    criteria, feedback = {}, []
    criteria["délai"] = PAYMENT_TERMS[c["payment_terms"]] in text
    if not criteria["délai"]:
        feedback.append(f"Délai de paiement absent ou faux : {PAYMENT_TERMS[c['payment_terms']]}.")
    shown = {_pct_value(m) for m in re.findall(r"remise contractuelle : ([\d,]+)[\s\u00a0]?%", text, re.I)}
    criteria["remise"] = (shown == {c["price_discount_pct"]}) if c["price_discount_pct"] else not shown
    if not criteria["remise"]:
        feedback.append(f"Remise contractuelle fausse : {format_number(c['price_discount_pct'], 1)} %.")
    for issue in sorted(expected):
        criteria[issue] = bool(_ISSUE_WORDS[issue].search(text))
        if not criteria[issue]:
            feedback.append(f"Point d'attention manquant : {ISSUE_LABELS[issue]}.")
    if "delai_illegal" not in expected and re.search(r"illégal", text, re.I):
        criteria["pas_de_faux_signal"] = False
        feedback.append("Délai déclaré illégal à tort.")
    return scored(criteria, feedback, "Synthèse exacte.")
