"""Customer file, external alert (BODACC) with exposure and dated actions, internal alert,
weekly at-risk synthesis and a plain-language summary — from the data, with a scorer.
"""

from __future__ import annotations

import re

import pandas as pd

from ..analytics import company_behaviour, receivable_position
from ..company.scenario import SEGMENTS
from ..errors import InvalidParameterError
from ..law import (PAYMENT_TERMS, claim_declaration_deadline, foreclosure_relief_deadline,
                   revendication_deadline)
from ..money import format_date, format_eur, format_number
from ._scoring import add_facts_criterion, scored, unverified_facts

__all__ = ["customer_exposure", "customer_file_text", "bodacc_alert", "bodacc_alert_text", "internal_alert_text",
           "weekly_synthesis_text", "plain_summary_text", "score_alert_answer", "score_reporting_answer",
           "at_risk_customers"]


def _open(company) -> pd.DataFrame:
    """Open invoices of the receivable position (the aged balance's debit lines)."""
    lines = receivable_position(company).open_lines
    return lines.loc[lines["remaining_cents"] > 0]


def customer_exposure(company, customer_id: str) -> dict:
    """Receivables (encours brut, with the part of duplicates to cancel), overdue part, orders not
    yet delivered, deliveries not yet invoiced (cents)."""
    company.customer(customer_id)
    items = _open(company)
    mine = items[items["customer_id"] == customer_id]
    overdue = mine[mine["days_late"] > 0]
    orders = company.orders[company.orders["customer_id"] == customer_id]
    delivered_orders = set(company.deliveries["order_id"])
    pending = orders[~orders["order_id"].isin(delivered_orders)]
    lines = company.order_lines[company.order_lines["order_id"].isin(pending["order_id"])]
    invoiced = set(company.invoices["delivery_id"])
    dl = company.deliveries[(company.deliveries["customer_id"] == customer_id)
                            & ~company.deliveries["delivery_id"].isin(invoiced)]
    dlines = company.delivery_lines[company.delivery_lines["delivery_id"].isin(dl["delivery_id"])]
    prices = company.order_lines.merge(company.deliveries[["delivery_id", "order_id"]], on="order_id")
    not_invoiced = dlines.merge(prices[["delivery_id", "line_no", "unit_price_cents"]], on=["delivery_id", "line_no"])
    duplicates = int(mine.loc[mine["status"] == "duplicate", "remaining_cents"].sum())
    return {"open_cents": int(mine["remaining_cents"].sum()), "open_invoices": sorted(mine["document_id"]),
            "duplicates_cents": duplicates,
            "overdue_cents": int(overdue["remaining_cents"].sum()), "n_overdue": len(overdue),
            "pending_orders": sorted(pending["order_id"]),
            "pending_orders_ht_cents": int((lines["quantity"] * lines["unit_price_cents"]).sum()),
            "not_invoiced_ht_cents": int((not_invoiced["quantity"] * not_invoiced["unit_price_cents"]).sum())}


def bodacc_alert(company, customer_id: str | None = None) -> dict:
    """The BODACC case: publication, judgment, mandataire, exposure and the dated actions."""
    signals = company.external_signals
    bodacc = signals[signals["source"] == "BODACC"]
    if customer_id is not None:
        bodacc = bodacc[bodacc["customer_id"] == customer_id]
    if bodacc.empty:
        raise InvalidParameterError("Aucune annonce BODACC pour ce client.",
                                    todo="choisissez un client dont un signal externe a pour source BODACC")
    sig = bodacc.sort_values("published_on").iloc[0]
    customer_id = sig["customer_id"]
    published = pd.Timestamp(sig["published_on"]).date()
    judgment = re.search(r"Jugement du (\d{2}/\d{2}/\d{4})", sig["text"])
    mandataire = re.search(r"mandataire judiciaire : ([^;]+);", sig["text"])
    exposure = customer_exposure(company, customer_id)
    # Claims born before the judgment are declared; later ones are paid at their due date (L622-17).
    items = _open(company)
    declared = int(items.loc[(items["customer_id"] == customer_id) & (items["status"] == "to_declare"),
                             "remaining_cents"].sum())
    retention = bool(company.contracts.set_index("customer_id")["retention_of_title"].get(customer_id, False))
    actions = [
        (company.as_of, "Arrêter immédiatement relances, mises en demeure et pénalités sur les factures "
                        "antérieures au jugement (arrêt des poursuites individuelles, article L622-21 du Code de "
                        "commerce)."),
        (company.as_of, "Suspendre la commande en préparation ; ne livrer qu'avec l'accord de l'administrateur "
                        "judiciaire et contre paiement à la livraison."),
        (claim_declaration_deadline(published),
         f"Déclarer la créance de {format_eur(declared)} (factures antérieures au jugement) au mandataire judiciaire"
         + (f" {mandataire.group(1).strip()}" if mandataire else "") + " (articles L622-24 et R622-24)."),
    ]
    if retention:
        actions.append((revendication_deadline(published),
                        "Revendiquer les marchandises livrées sous réserve de propriété encore en stock "
                        "(article L624-9)."))
    actions.append((foreclosure_relief_deadline(published),
                    "En cas d'oubli : demander un relevé de forclusion au juge-commissaire (article L622-26)."))
    return {"customer_id": customer_id, "customer": company.customer(customer_id)["name"],
            "published_on": published, "judgment_on": judgment.group(1) if judgment else "",
            "mandataire": mandataire.group(1).strip() if mandataire else "", "retention_of_title": retention,
            "declared_cents": declared,
            **exposure, "claim_deadline": claim_declaration_deadline(published),
            "actions": sorted(actions, key=lambda a: a[0])}


def bodacc_alert_text(company, customer_id: str | None = None) -> str:
    """The French external alert: exposure and immediate actions with their deadlines."""
    a = bodacc_alert(company, customer_id)
    lines = [f"Alerte externe – {a['customer']} – redressement judiciaire", "",
             f"Annonce BODACC publiée le {format_date(a['published_on'])} (jugement du {a['judgment_on']}).", "",
             "Exposition :",
             f"- Créances ouvertes : {format_eur(a['open_cents'])} sur {len(a['open_invoices'])} facture(s) "
             f"({', '.join(a['open_invoices'])}).",
             f"- Commandes non livrées : {format_eur(a['pending_orders_ht_cents'])} HT"
             + (f" ({', '.join(a['pending_orders'])})." if a["pending_orders"] else "."),
             f"- Livraisons non facturées : {format_eur(a['not_invoiced_ht_cents'])} HT.",
             "- Marchandises sous réserve de propriété : " + ("oui, à revendiquer." if a["retention_of_title"]
                                                               else "aucune clause au contrat."), "",
             "Actions immédiates :"]
    lines += [f"- Au plus tard le {format_date(day)} : {what}" for day, what in a["actions"]]
    return "\n".join(lines)


def _score_change(company, customer_id, months=6) -> tuple[int, int]:
    scores = company.credit_scores[company.credit_scores["customer_id"] == customer_id].sort_values("month")
    if scores.empty:
        return 0, 0
    last = int(scores["score"].iloc[-1])
    return last, last - int(scores["score"].iloc[max(0, len(scores) - 1 - months)])


def customer_file_text(company, customer_id: str, behaviour: pd.DataFrame | None = None) -> str:
    """The one-page French customer file: identity, terms, behaviour, exposure, disputes, signals."""
    cust = company.customer(customer_id)
    beh = (company_behaviour(company) if behaviour is None else behaviour)
    b = beh.loc[customer_id] if customer_id in beh.index else None
    exp = customer_exposure(company, customer_id)
    contract = company.contracts.set_index("customer_id").loc[customer_id]
    disputes = company.disputes[(company.disputes["customer_id"] == customer_id)
                                & (company.disputes["status"] == "en litige")]
    signals = company.external_signals[company.external_signals["customer_id"] == customer_id]
    score, change = _score_change(company, customer_id)
    days = lambda v: format_number(v, 0) + " jours"  # noqa: E731
    lines = [f"Fiche client – {cust['name']} ({customer_id})", "",
             f"Segment : {SEGMENTS.get(cust['segment'], cust['segment'])} ; secteur : {cust['sector']} ; "
             f"commercial : {cust['sales_rep']}.",
             f"Conditions : {PAYMENT_TERMS.get(contract['payment_terms'], contract['payment_terms'])} ; "
             f"limite de crédit {format_eur(cust['credit_limit_cents'])} ; réserve de propriété : "
             + ("oui" if contract["retention_of_title"] else "non") + ".", "", "Comportement de paiement :"]
    if b is not None and b["n_paid"] > 0:
        lines += [f"- Retard moyen : {days(b['mean_delay'])} ; retard récent : {days(b['recent_delay'])}"
                  + (" (en dérive)." if b["drift"] else "."),
                  f"- Part des factures payées en retard : {format_number(100 * b['share_late'], 0)}\u00a0%."]
    else:
        lines.append("- Pas d'historique de paiement sur la période.")
    lines += ["", "Exposition :", f"- Encours brut : {format_eur(exp['open_cents'])}, dont échu "
              f"{format_eur(exp['overdue_cents'])} ({exp['n_overdue']} facture(s))"
              + (f", dont {format_eur(exp['duplicates_cents'])} de doublons à annuler par avoir (non dus)."
                 if exp["duplicates_cents"] else ".")]
    lines += ["", "Litiges ouverts :"] + ([f"- {d.dispute_id} : facture {d.invoice_id}, {format_eur(d.amount_cents)}."
                                            for d in disputes.itertuples()] or ["- aucun."])
    lines += ["", f"Score de crédit : {score}/20 (variation sur 6 mois : {change:+d}).", "Signaux externes :"]
    lines += [f"- {format_date(s.published_on)} ({s.source}) : {s.title}." for s in signals.itertuples()] or ["- aucun."]
    return "\n".join(lines)


def at_risk_customers(company, n: int = 5, behaviour: pd.DataFrame | None = None) -> pd.DataFrame:
    """The ``n`` customers at risk: overdue amount weighted by signals, drift and score drop."""
    beh = company_behaviour(company) if behaviour is None else behaviour
    signals = company.external_signals.groupby("customer_id")["source"].agg(lambda s: ", ".join(sorted(set(s))))
    owed = _open(company)
    late = owed.loc[owed["days_late"] > 0].groupby("customer_id")["remaining_cents"].sum()
    rows = []
    for cid in company.customers["customer_id"]:
        overdue = int(late.get(cid, 0))
        drift = bool(beh.loc[cid, "drift"]) if cid in beh.index else False
        _, change = _score_change(company, cid, 3)
        weight = 1 + 2 * ("BODACC" in signals.get(cid, "")) + drift + (change <= -4) + ("presse" in signals.get(cid, ""))
        rows.append({"customer_id": cid, "overdue_cents": overdue, "drift": drift, "score_change": change,
                     "signals": signals.get(cid, ""), "risk_weight": weight, "priority_cents": overdue * weight})
    table = pd.DataFrame(rows).sort_values(["risk_weight", "priority_cents"], ascending=False)
    return table.head(n).reset_index(drop=True)


def internal_alert_text(company, customer_id: str, behaviour: pd.DataFrame | None = None) -> str:
    """French internal alert on a risky customer for the credit manager and the sales rep."""
    cust = company.customer(customer_id)
    beh = company_behaviour(company) if behaviour is None else behaviour
    exp = customer_exposure(company, customer_id)
    score, change = _score_change(company, customer_id, 3)
    signals = company.external_signals[company.external_signals["customer_id"] == customer_id]
    reasons = []
    if customer_id in beh.index and beh.loc[customer_id, "drift"]:
        reasons.append(f"retards en hausse : {format_number(beh.loc[customer_id, 'earlier_delay'], 0)} jours en "
                       f"moyenne auparavant, {format_number(beh.loc[customer_id, 'recent_delay'], 0)} jours récemment")
    if change <= -4:
        reasons.append(f"score de crédit passé à {score}/20 ({change:+d} points en 3 mois)")
    reasons += [f"{s.source} du {format_date(s.published_on)} : {s.title}" for s in signals.itertuples()]
    reasons = reasons or ["aucun signal fort ; surveillance de routine"]
    limit = int(cust["credit_limit_cents"])
    lines = [f"Alerte interne – {cust['name']} ({customer_id})", "",
             f"Destinataires : credit manager, {cust['sales_rep']} (commercial).", "", "Pourquoi :",
             *[f"- {r}." for r in reasons], "",
             f"Exposition : encours brut {format_eur(exp['open_cents'])}, dont échu {format_eur(exp['overdue_cents'])} ; "
             f"limite de crédit {format_eur(limit)}.", "", "Actions proposées :",
             "- Appeler le directeur financier du client cette semaine pour comprendre la situation.",
             "- Soumettre toute nouvelle commande à l'accord du credit manager"
             + (" : l'encours dépasse la limite." if exp["open_cents"] > limit else "."),
             "- Demander un paiement à la commande ou une garantie si les retards continuent."]
    return "\n".join(lines)


def weekly_synthesis_text(company, n: int = 5) -> str:
    """French weekly synthesis of the customers at risk, for stakeholders."""
    beh = company_behaviour(company)
    table = at_risk_customers(company, n, beh)
    names = company.customers.set_index("customer_id")["name"]
    lines = [f"Synthèse hebdomadaire des clients à risque – semaine du {format_date(company.as_of)}", ""]
    for k, r in enumerate(table.itertuples(), start=1):
        why = [x for x in (r.signals and f"signaux : {r.signals}", r.drift and "retards en dérive",
                           r.score_change <= -4 and f"score {r.score_change:+d} en 3 mois") if x]
        lines.append(f"{k}. {names[r.customer_id]} ({r.customer_id}) : échu {format_eur(r.overdue_cents)}"
                     + (f" ; {', '.join(why)}." if why else "."))
    lines += ["", "Actions de la semaine :"]
    for r in table.itertuples():
        if "BODACC" in (r.signals or ""):
            action = "déclarer la créance au mandataire judiciaire, sans relance ni pénalité"
        elif r.drift or r.score_change <= -4:
            action = "appeler le client et soumettre toute nouvelle commande à l'accord du credit manager"
        else:
            action = "relancer au niveau prévu par le plan de relance"
        lines.append(f"- {names[r.customer_id]} : {action}.")
    return "\n".join(lines)


def plain_summary_text(company, customer_id: str) -> str:
    """A plain-language summary for colleagues outside finance (drivers, technicians, sales)."""
    cust = company.customer(customer_id)
    exp = customer_exposure(company, customer_id)
    signals = set(company.external_signals.loc[company.external_signals["customer_id"] == customer_id, "source"])
    if "BODACC" in signals:
        do = ("L'entreprise est en redressement judiciaire : ne livrez rien et n'acceptez aucune commande "
              "sans l'accord du service crédit. Ne récupérez pas de marchandise vous-même : le service crédit "
              "s'en charge dans les règles.")
    elif exp["overdue_cents"] > 0:
        do = ("Le client a des factures en retard. Restez courtois ; si on vous parle de paiement, orientez "
              "vers le service crédit, sans promettre de délai.")
    else:
        do = ("Le client paie normalement : rien de particulier à signaler. Si l'on vous parle de paiement, "
              "orientez vers le service crédit.")
    return (f"{cust['name']} en bref : le client a {format_eur(exp['open_cents'])} de factures ouvertes, dont "
            f"{format_eur(exp['overdue_cents'])} déjà en retard. {do}")


_CHASE = re.compile(r"mise en demeure|relancer le client|envoyer une relance|injonction de payer|pénalités de retard "
                    r"(?:sont )?(?:dues|exigibles)", re.I)


_STOP = re.compile(r"arrêter|aucune|ne pas|n'envoyez|suspendre|stopper", re.I)


def score_alert_answer(company, text: str, customer_id: str | None = None, *, checker=None,
                       alert: dict | None = None) -> dict:
    """Rate a French BODACC alert: exposure, claim deadline, legal actions, no reminder; feedback.

    ``alert``: the :func:`bodacc_alert` already computed (to score many answers fast).
    """
    from .emails import parse_amounts, parse_dates

    a = bodacc_alert(company, customer_id) if alert is None else alert
    criteria, feedback = {}, []
    criteria["exposition"] = a["declared_cents"] in parse_amounts(text)
    if not criteria["exposition"]:
        feedback.append(f"Montant à déclarer absent ou faux : {format_eur(a['declared_cents'])}.")
    criteria["delai_declaration"] = a["claim_deadline"] in parse_dates(text)
    if not criteria["delai_declaration"]:
        feedback.append(f"Date limite de déclaration de créance absente ou fausse : {format_date(a['claim_deadline'])} "
                        "(deux mois après la publication au BODACC).")
    criteria["declaration"] = bool(re.search(r"déclarer la créance|déclaration de créance", text, re.I))
    if not criteria["declaration"]:
        feedback.append("L'action principale manque : déclarer la créance au mandataire judiciaire.")
    if a["retention_of_title"]:
        criteria["revendication"] = bool(re.search(r"revendi", text, re.I))
        if not criteria["revendication"]:
            feedback.append("Le contrat prévoit une réserve de propriété : revendiquer les marchandises.")
    criteria["pas_de_relance"] = not any(_CHASE.search(line) and not _STOP.search(line)
                                         for line in re.split(r"\n|(?<=[.!?])\s", text))
    if not criteria["pas_de_relance"]:
        feedback.append("Aucune relance ni pénalité sur un client en procédure collective.")
    allowed = {a["open_cents"], a["declared_cents"], a["pending_orders_ht_cents"], a["not_invoiced_ht_cents"]}
    add_facts_criterion(criteria, feedback, unverified_facts(company, text, a["customer_id"], allowed_amounts=allowed,
                                                             checker=checker))
    return scored(criteria, feedback, "Alerte exacte : exposition, délais et actions conformes.")


_JARGON = re.compile(r"\b(DSO|lettrage|lettr[ée]|411|balance âgée|encours échu|imputation|CEI|L441-\d+)\b", re.I)
_ACTION = re.compile(r"\b(appeler|bloquer|soumettre|suspendre|garantie|paiement à la commande|accord du credit"
                     r"|orientez|prévenir|relancer|déclarer)\b", re.I)


def score_reporting_answer(company, text: str, kind: str, customer_id: str | None = None, *,
                           checker=None) -> dict:
    """Rate an internal alert (``kind="alerte_interne"``), a weekly synthesis
    (``"synthese_hebdomadaire"``) or a plain-language summary (``"resume_non_financier"``).

    Criteria: the right customers named, their figures present and exact (amounts checked against
    the exposure computed from the ledger, invoice numbers against the invoices), an action, and
    for the plain summary no finance jargon and at most 120 words. Returns score and French feedback.
    """
    from .emails import parse_amounts

    kinds = ("alerte_interne", "synthese_hebdomadaire", "resume_non_financier")
    if kind not in kinds:
        raise InvalidParameterError(f"Type de texte inconnu : « {kind} ».", valid=", ".join(kinds))
    criteria, feedback = {}, []
    amounts = set(parse_amounts(text))
    if kind == "synthese_hebdomadaire":
        table = at_risk_customers(company)
        expected = {cid: company.customer(cid)["name"] for cid in table["customer_id"]}
        named = [cid for cid, name in expected.items() if name in text]
        criteria["clients_a_risque"] = len(named) >= max(1, round(0.8 * len(expected)))
        if not criteria["clients_a_risque"]:
            missing = [expected[c] for c in expected if c not in named]
            feedback.append("Clients à risque absents : " + ", ".join(missing) + ".")
        allowed = {int(v) for v in table["overdue_cents"]}
        criteria["montants"] = bool(allowed & amounts) and amounts <= allowed | {0}
        if not criteria["montants"]:
            feedback.append("Les montants échus des clients cités doivent être ceux du grand livre.")
        scope = None
    else:
        if customer_id is None:
            raise InvalidParameterError("Ce type de texte porte sur un client : customer_id manque.",
                                        todo="passez customer_id, par exemple company.role('drifting_customer')")
        name = company.customer(customer_id)["name"]
        exposure = customer_exposure(company, customer_id)
        criteria["client"] = name in text
        if not criteria["client"]:
            feedback.append(f"Le client concerné n'est pas nommé : {name}.")
        allowed = {exposure["open_cents"], exposure["overdue_cents"], exposure["pending_orders_ht_cents"],
                   int(company.customer(customer_id)["credit_limit_cents"])}
        criteria["exposition"] = bool(amounts & {exposure["open_cents"], exposure["overdue_cents"]})
        if not criteria["exposition"]:
            feedback.append(f"Exposition absente ou fausse : encours {format_eur(exposure['open_cents'])}, "
                            f"dont échu {format_eur(exposure['overdue_cents'])}.")
        criteria["montants"] = amounts <= allowed
        if not criteria["montants"]:
            wrong = sorted(amounts - allowed)
            feedback.append("Montant(s) non conforme(s) au grand livre : " + ", ".join(format_eur(v) for v in wrong) + ".")
        scope = customer_id
    criteria["action"] = bool(_ACTION.search(text))
    if not criteria["action"]:
        feedback.append("Aucune action demandée : dites qui fait quoi.")
    if kind == "resume_non_financier":
        criteria["sans_jargon"] = not _JARGON.search(text) and len(text.split()) <= 120
        if not criteria["sans_jargon"]:
            feedback.append("Pour des collègues non financiers : pas de jargon comptable, 120 mots au plus.")
    add_facts_criterion(criteria, feedback, unverified_facts(company, text, scope, checker=checker), "pieces_exactes")
    return scored(criteria, feedback, "Texte exact et utile : clients, montants et action conformes.")
