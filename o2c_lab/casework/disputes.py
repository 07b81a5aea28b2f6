"""Dispute framework for the open disputes: facts from the documents, responsibilities, stakes,
options, recommendation, reason code and e-invoicing lifecycle state; the customer reply, the
internal note, and a scorer for any French answer about a dispute.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from ..errors import InvalidParameterError
from ..money import format_date, format_eur, format_number, vat_cents
from ._scoring import add_facts_criterion, scored, unverified_facts

__all__ = ["LIFECYCLE_STATES", "REASON_CODES", "dispute_framework", "customer_reply", "internal_note",
           "score_dispute_answer", "score_frameworks", "prevention_actions", "prevention_text"]

#: E-invoicing lifecycle statuses (mandatory and optional ones used for disputes).
LIFECYCLE_STATES = {
    "deposee": "Déposée", "rejetee": "Rejetée", "refusee": "Refusée", "en_litige": "En litige",
    "approuvee": "Approuvée", "approuvee_partiellement": "Approuvée partiellement",
    "mise_en_paiement": "Mise en paiement", "encaissee": "Encaissée",
}
#: Dispute reason codes of the register (French labels).
REASON_CODES = {"prix": "prix", "quantite": "quantité", "qualite": "qualité", "bon_de_commande": "bon de commande",
                "penalite_deduite": "pénalité déduite", "tva": "TVA"}


def _lines(company, invoice_id):
    lines = company.invoice_lines[company.invoice_lines["invoice_id"] == invoice_id]
    inv = company.invoices.set_index("invoice_id").loc[invoice_id]
    delivered = company.delivery_lines[company.delivery_lines["delivery_id"] == inv["delivery_id"]]
    lines = lines.merge(delivered[["line_no", "quantity"]].rename(columns={"quantity": "delivered"}),
                        on="line_no", how="left")
    discount = company.contracts.set_index("customer_id")["price_discount_pct"].get(inv["customer_id"], 0.0)
    catalogue = company.products.set_index("product_id")["unit_price_cents"]
    lines["contract_cents"] = [int((Decimal(int(catalogue[p])) * (100 - Decimal(str(discount))) / 100)
                                   .quantize(Decimal(1), rounding=ROUND_HALF_UP)) for p in lines["product_id"]]
    return inv, lines, discount


def _credit(net_by_line, rates) -> int:
    net = pd.Series(net_by_line).astype("int64").to_numpy()
    return int(net.sum() + vat_cents(net, pd.Series(rates).to_numpy()).sum())


# Why a unilateral penalty deduction is refused. L441-17 (logistics penalties) binds distributors
# only; for any customer, the contract's no-set-off clause and the Civil Code rule apply.
_DEDUCTION_REFUSAL = ("elle n'est pas prévue au contrat, qui exclut toute déduction ou compensation sans notre "
                      "accord écrit, et une pénalité contestée n'est ni certaine ni liquide : elle ne peut se "
                      "compenser avec notre facture (article 1347-1 du Code civil)")


def dispute_framework(company, dispute_id: str) -> dict:
    """The framework of one open dispute, computed from the documents (no truth read)."""
    disputes = company.disputes.set_index("dispute_id")
    if dispute_id not in disputes.index:
        raise InvalidParameterError(f"Litige inconnu : « {dispute_id} ».", valid=", ".join(disputes.index))
    d = disputes.loc[dispute_id]
    inv, lines, discount = _lines(company, d["invoice_id"])
    delivery = company.deliveries.set_index("delivery_id").loc[inv["delivery_id"]]
    ttc = int(inv["total_ttc_cents"])
    facts, ours, theirs, options = [], [], [], []
    credit = 0
    if d["reason_code"] == "quantite":
        short = lines[lines["quantity"] > lines["delivered"].fillna(0)]
        missing = short["quantity"] - short["delivered"].fillna(0)
        credit = _credit(missing * short["unit_price_cents"], short["vat_rate"])
        for r, m in zip(short.itertuples(), missing):
            facts.append(f"Facture {d['invoice_id']} : {int(r.quantity)} unités facturées ({r.label}), "
                         f"{int(r.delivered)} livrées selon le bon de livraison {inv['delivery_id']} signé ; "
                         f"{int(m)} unités en reliquat.")
        ours.append("facturation de la quantité commandée avant la livraison complète (notre erreur)")
        theirs.append("aucune faute")
        options = [f"Émettre un avoir de {format_eur(credit)} TTC pour les unités non livrées, puis obtenir le "
                   f"paiement du solde de {format_eur(ttc - credit)} ; facturer le reliquat à sa livraison.",
                   "Annuler la facture et la réémettre sur la quantité livrée."]
        state_now, state_next = "en_litige", "approuvee_partiellement"
    else:
        over = lines[lines["unit_price_cents"] > lines["contract_cents"] + 1]
        credit = _credit((over["unit_price_cents"] - over["contract_cents"]) * over["quantity"], over["vat_rate"])
        for r in over.itertuples():
            facts.append(f"Contrat : remise de {format_number(discount, 0)}\u00a0% ; ligne {r.line_no} ({r.label}) "
                         f"facturée {format_eur(r.unit_price_cents)} HT au lieu de {format_eur(r.contract_cents)} HT.")
        deducted = int(d["amount_cents"])
        share = Decimal(deducted) / Decimal(int(inv["total_ht_cents"])) * 100
        facts.append(f"Déduction d'office de {format_eur(deducted)} sur le règlement, soit "
                     f"{format_number(share, 1)}\u00a0% du montant hors taxes, non prévue au contrat.")
        facts.append(f"Bon de livraison {inv['delivery_id']} signé "
                     + ("sans réserve." if not delivery["reservation"] else f"avec réserve : {delivery['reservation']}."))
        ours.append("remise contractuelle non appliquée (notre erreur)")
        theirs.append(_DEDUCTION_REFUSAL)
        if not delivery["reservation"]:
            theirs.append("avarie non prouvée : aucune réserve sur le bon de livraison")
        options = [f"Émettre un avoir de {format_eur(credit)} TTC pour la remise ; demander les preuves de "
                   f"l'avarie ; refuser par écrit la pénalité de {format_eur(deducted)}.",
                   "Accepter la déduction pour préserver la relation (déconseillé : précédent, et illégal "
                   "sans accord)."]
        state_now, state_next = "en_litige", "approuvee_partiellement"
    paid = ttc - int(d["amount_cents"]) if d["reason_code"] == "penalite_deduite" else 0
    return {"dispute_id": dispute_id, "customer_id": d["customer_id"], "invoice_id": d["invoice_id"],
            "reason_code": d["reason_code"], "reason_label": REASON_CODES.get(d["reason_code"], d["reason_code"]),
            "facts": facts, "our_responsibility": ours, "their_responsibility": theirs,
            "amount_at_stake_cents": int(d["amount_cents"]), "credit_note_due_cents": credit,
            "balance_after_cents": ttc - paid - credit, "options": options, "recommendation": options[0],
            "state_now": LIFECYCLE_STATES[state_now], "state_next": LIFECYCLE_STATES[state_next],
            # Amounts read on the documents themselves (unit prices), for the scorer.
            "document_amounts": set(map(int, lines["unit_price_cents"])) | set(map(int, lines["contract_cents"]))}


def score_frameworks(company) -> dict:
    """Compare every open dispute's framework with the dispute truth (amounts to the cent)."""
    truth = company.truth["dispute_truth"].set_index("dispute_id")
    rows = []
    for dispute_id in truth.index:
        f = dispute_framework(company, dispute_id)
        rows.append({"dispute_id": dispute_id,
                     "credit_ok": f["credit_note_due_cents"] == int(truth.loc[dispute_id, "credit_note_due_cents"]),
                     "stake_ok": f["amount_at_stake_cents"] == int(truth.loc[dispute_id, "amount_at_stake_cents"])})
    table = pd.DataFrame(rows)
    return {"table": table, "accuracy": float(table[["credit_ok", "stake_ok"]].all(axis=1).mean())}


def customer_reply(company, dispute_id: str) -> str:
    """The French reply to the customer: acknowledge our part, credit note, refuse what is unjustified."""
    f = dispute_framework(company, dispute_id)
    cust = company.customer(f["customer_id"])
    me = company.scenario.get("staff", {}).get("collector", {}).get("name", "Le service recouvrement")
    # Recipient block first, then the subject, as in any French business letter.
    body = [f"{company.name} – Service recouvrement", f"À l'attention de {cust['name']}", "",
            f"Objet : facture {f['invoice_id']} – réponse à votre réclamation", "", "Madame, Monsieur,", ""]
    if f["reason_code"] == "quantite":
        body += [f"Après vérification du bon de livraison, vous avez raison : la facture {f['invoice_id']} reprend la "
                 "quantité commandée et non la quantité livrée. Nous vous prions de nous excuser pour cette erreur.",
                 f"Nous émettons un avoir de {format_eur(f['credit_note_due_cents'])} TTC pour les unités non "
                 f"livrées ; le solde de {format_eur(f['balance_after_cents'])} reste dû, et le reliquat sera "
                 "facturé à sa livraison."]
    else:
        body += [f"Vous avez raison sur le prix : la remise prévue par votre contrat n'a pas été appliquée sur la "
                 f"facture {f['invoice_id']}. Nous émettons un avoir de {format_eur(f['credit_note_due_cents'])} TTC.",
                 "Pour l'article endommagé, le bon de livraison ne porte aucune réserve : merci de nous adresser "
                 "le rapport de non-conformité et les photos afin que nous puissions l'examiner.",
                 f"En revanche, nous ne pouvons accepter la déduction de {format_eur(f['amount_at_stake_cents'])} au "
                 f"titre de pénalités logistiques : {_DEDUCTION_REFUSAL}.",
                 _balance_sentence(f)]
    body += ["", "Nous restons à votre disposition pour en parler.", "", "Cordialement,", "", me,
             f"Service recouvrement – {company.name}"]
    return "\n".join(body)


def _balance_sentence(f: dict) -> str:
    """What remains on the invoice once the credit note is issued: owed, nil, or owed to the customer."""
    balance = f["balance_after_cents"]
    if balance > 0:
        return (f"Après cet avoir, le solde de {format_eur(balance)} reste dû sur la facture {f['invoice_id']} : "
                "merci de le régler sous 8 jours.")
    if balance == 0:
        return f"Cet avoir solde la facture {f['invoice_id']}."
    return (f"Cet avoir dépasse le montant déduit : nous vous devons {format_eur(-balance)}, que nous vous "
            "remboursons par virement sauf si vous préférez l'imputer sur une prochaine facture.")


def internal_note(company, dispute_id: str) -> str:
    """The French internal synthesis note (facts, responsibilities, stake, options, recommendation)."""
    f = dispute_framework(company, dispute_id)
    cust = company.customer(f["customer_id"])
    lines = [f"Note de synthèse – litige {dispute_id} – {cust['name']}", "",
             f"Motif : {f['reason_label']} ; statut de la facture {f['invoice_id']} : {f['state_now']} "
             f"(cible : {f['state_next']}).", "", "Faits établis par les documents :",
             *[f"- {x}" for x in f["facts"]], "", "Responsabilités :",
             *[f"- Entreprise : {x}." for x in f["our_responsibility"]],
             *[f"- Client : {x}." for x in f["their_responsibility"]], "",
             f"Enjeu : {format_eur(f['amount_at_stake_cents'])} ; "
             f"avoir dû : {format_eur(f['credit_note_due_cents'])} TTC.",
             "", "Options :", *[f"- {o}" for o in f["options"]], "", f"Recommandation : {f['recommendation']}",
             f"Note arrêtée au {format_date(company.as_of)}."]
    return "\n".join(lines)


def score_dispute_answer(company, dispute_id: str, text: str, *, checker=None) -> dict:
    """Rate a French answer about a dispute: credit amount, invoice, legal basis, no invented fact."""
    from .emails import parse_amounts

    f = dispute_framework(company, dispute_id)
    criteria, feedback = {}, []
    amounts = parse_amounts(text)
    criteria["avoir"] = f["credit_note_due_cents"] in amounts
    if not criteria["avoir"]:
        feedback.append(f"Montant de l'avoir absent ou faux : {format_eur(f['credit_note_due_cents'])} TTC.")
    criteria["facture"] = f["invoice_id"] in text
    if not criteria["facture"]:
        feedback.append(f"La facture contestée {f['invoice_id']} n'est pas citée.")
    if f["reason_code"] != "quantite":
        criteria["base_legale"] = bool(re.search(r"1347|compensation", text, re.I))
        if not criteria["base_legale"]:
            feedback.append("Le refus de la déduction doit s'appuyer sur le contrat (aucune compensation sans "
                            "accord écrit) et l'article 1347-1 du Code civil.")
        criteria["refus_deduction"] = bool(re.search(r"ne pouvons accepter|refus", text, re.I))
        if not criteria["refus_deduction"]:
            feedback.append("La déduction d'office doit être refusée par écrit.")
    allowed = {f["credit_note_due_cents"], f["balance_after_cents"], -f["balance_after_cents"], f["amount_at_stake_cents"],
               *f["document_amounts"]}
    add_facts_criterion(criteria, feedback, unverified_facts(company, text, f["customer_id"], allowed_amounts=allowed,
                                                             checker=checker))
    return scored(criteria, feedback, "Réponse exacte : avoir, facture et base légale corrects.")


_PREVENTION = {
    "prix": "contrôler le prix facturé contre le contrat (remise) avant émission",
    "quantite": "facturer la quantité livrée figurant sur le bon de livraison signé, jamais la quantité commandée",
    "qualite": "faire porter les réserves sur le bon de livraison et traiter les retours sous 3 jours",
    "bon_de_commande": "bloquer l'émission d'une facture sans le numéro de bon de commande du client",
    "penalite_deduite": "refuser par écrit toute pénalité non contractuelle dès le premier règlement amputé",
    "tva": "paramétrer le taux de TVA par article et la mention d'exonération des clients de l'UE",
}


def prevention_actions(company) -> pd.DataFrame:
    """Root causes across the whole dispute register, most frequent first, with the prevention action."""
    counts = company.disputes.groupby("reason_code").agg(litiges=("dispute_id", "size"),
                                                         montant_cents=("amount_cents", "sum"))
    counts = counts.sort_values(["litiges", "montant_cents"], ascending=False).reset_index()
    counts["motif"] = counts["reason_code"].map(REASON_CODES).fillna(counts["reason_code"])
    counts["action"] = counts["reason_code"].map(_PREVENTION).fillna("analyser les cas un par un")
    return counts[["reason_code", "motif", "litiges", "montant_cents", "action"]]


def prevention_text(company) -> str:
    """French list of prevention actions ranked by how many disputes each root cause produced."""
    table = prevention_actions(company)
    lines = ["Prévention des litiges : causes racines de l'historique", ""]
    lines += [f"- {r.motif} : {r.litiges} litige(s), {format_eur(r.montant_cents)} contestés ; action : {r.action}."
              for r in table.itertuples()]
    return "\n".join(lines)
