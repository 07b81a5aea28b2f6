"""French documents: the customer contract and the external signals (press, BODACC, score alert)."""

from __future__ import annotations

import numpy as np

from ...errors import InvalidParameterError
from ...law import FIXED_RECOVERY_INDEMNITY_CENTS, PAYMENT_TERMS
from ._common import format_date, format_eur, is_missing, opt, pct, pick, require

__all__ = ["contract_document", "press_rumour", "bodacc_notice", "score_drop"]

_COUNTRIES = {"FR": "France", "BE": "Belgique", "DE": "Allemagne", "LU": "Luxembourg"}

# How each payment-term code is written in a contract; the article also states the label of
# law.PAYMENT_TERMS verbatim so the term can be searched for.
_TERM_SENTENCES = {
    "30J": "à trente jours à compter de la date d'émission de la facture",
    "45FDM": "à « 45 jours fin de mois » : l'échéance est obtenue en ajoutant 45 jours à la date "
             "d'émission de la facture, puis en retenant le dernier jour du mois ainsi atteint",
    "50J": "à cinquante jours à compter de la date de réception de la facture, délai de paiement "
           "d'un établissement public de santé (article R2192-11 du Code de la commande publique)",
    "60J": "à soixante jours à compter de la date d'émission de la facture",
    "90J": "à quatre-vingt-dix jours à compter de la date d'émission de la facture, délai "
           "expressément convenu entre les parties",
}


def _text(value) -> str:
    return "" if is_missing(value) else str(value).strip()


def _flag(value) -> bool:
    return False if is_missing(value) else bool(value)


def _number(value) -> float:
    return 0.0 if is_missing(value) else float(value)


def _customer_identity(customer) -> str:
    parts = []
    if _text(customer.get("siren")):
        parts.append(f"SIREN {customer['siren']}")
    if _text(customer.get("vat_number")):
        parts.append(f"TVA intracommunautaire {customer['vat_number']}")
    address = ", ".join(p for p in (_text(customer.get("address")),
                                    f"{_text(customer.get('postal_code'))} "
                                    f"{_text(customer.get('city'))}".strip())
                        if p)
    country = _text(customer.get("country"))
    if country and country != "FR":
        address += f", {_COUNTRIES.get(country, country)}"
    return f"**{customer['name']}**, " + ", ".join(parts) + f", dont le siège est situé {address}"


def contract_document(contract, customer, company) -> str:
    """The contract (« conditions particulières de vente ») in French Markdown.

    ``contract``, ``customer`` and ``company`` are rows (dict or pandas Series) with the columns
    of the schema's ``contracts``, ``customers`` and ``company`` tables. Clauses that the contract
    lacks (penalty rate, 40 € indemnity, retention of title) are absent from the text; payment
    terms are stated as agreed, even when unlawful (the audit must find them).
    """
    require(contract, ("contract_id", "signed_on", "payment_terms", "jurisdiction"), "le contrat")
    require(customer, ("name",), "le client du contrat")
    require(company, ("name", "siren", "vat_number", "iban", "bic", "address"), "la société du contrat")
    term = _text(contract.get("payment_terms"))
    if term not in _TERM_SENTENCES:
        raise InvalidParameterError(f"Délai de paiement inconnu dans le contrat "
                                    f"{contract.get('contract_id')} : « {term} ».",
                                    valid=", ".join(_TERM_SENTENCES),
                                    todo="corrigez la colonne payment_terms du contrat")
    discount = _number(contract.get("price_discount_pct"))
    early = _number(contract.get("early_payment_discount_pct"))
    early_days = contract.get("early_payment_days")
    penalty = _text(contract.get("penalty_clause"))
    signed = format_date(contract["signed_on"])
    articles = [
        ("Objet",
         "Le présent contrat fixe les conditions dans lesquelles le Fournisseur vend au Client des "
         "fournitures industrielles (roulements, outillage, équipements de protection, pièces de "
         "maintenance) figurant à son catalogue. Il complète les conditions générales de vente du "
         "Fournisseur ; en cas de contradiction, le présent contrat prévaut."),
        ("Prix",
         "Les prix sont ceux du catalogue du Fournisseur en vigueur à la date de la commande, "
         "exprimés hors taxes"
         + (f", diminués d'une remise de {pct(discount)} sur l'ensemble des articles du catalogue. "
            "Le prix remisé figure sur chaque ligne de facture." if discount > 0 else
            ", sans remise.")),
        ("Commandes et livraisons",
         "Chaque commande fait l'objet d'un bon de commande du Client, dont le numéro est rappelé "
         "sur la facture. Chaque livraison est accompagnée d'un bon de livraison signé par le Client "
         "à la réception ; toute réserve sur l'état ou la quantité des marchandises doit être portée "
         "sur ce bon et confirmée par écrit dans les trois jours."),
        ("Conditions de paiement",
         f"**Délai de paiement : {PAYMENT_TERMS[term]}.**\n\n"
         "Les factures sont payables par virement "
         + _TERM_SENTENCES[term]
         + f", sur le compte IBAN {company['iban']} (BIC {company['bic']}) du Fournisseur.\n\n"
         + (f"Un escompte de {pct(early)} est accordé pour tout paiement reçu dans un délai de "
            f"{int(early_days)} jours à compter de la date d'émission de la facture."
            if early > 0 and not is_missing(early_days) and int(early_days) > 0 else
            "Pas d'escompte pour paiement anticipé.")
         + "\n\nAucune déduction ni compensation ne peut être opérée par le Client sur le montant "
           "des factures sans l'accord écrit préalable du Fournisseur."),
    ]
    late = []
    public = "commande publique" in penalty  # a public buyer: moratorium interest, not penalties
    if penalty:
        late.append("Toute somme non payée à l'échéance donne lieu, de plein droit et sans qu'un "
                    f"rappel soit nécessaire, à des {'intérêts moratoires calculés' if public else 'pénalités de retard calculées'} "
                    f"à compter du jour suivant la date d'échéance, au taux suivant : {penalty}.")
    if _flag(contract.get("indemnity_clause")):
        basis = "l'article D2192-35 du Code de la commande publique" if public else "l'article D441-5 du Code de commerce"
        late.append(f"Conformément à {basis}, tout retard de paiement "
                    "rend en outre exigible une indemnité forfaitaire pour frais de recouvrement de "
                    f"{format_eur(FIXED_RECOVERY_INDEMNITY_CENTS, decimals=0)}.")
    if late:
        articles.append(("Retard de paiement", "\n\n".join(late)))
    if _flag(contract.get("retention_of_title")):
        articles.append(("Réserve de propriété",
                         "Le Fournisseur conserve la propriété des marchandises livrées jusqu'au "
                         "paiement intégral du prix, en principal et accessoires. Les risques sont "
                         "transférés au Client dès la livraison. En cas de procédure collective du "
                         "Client, le Fournisseur pourra revendiquer les marchandises encore en stock, "
                         "conformément aux articles L624-9 et L624-16 du Code de commerce."))
    articles.append(("Durée",
                     f"Le présent contrat prend effet le {signed} pour une durée d'un an. Il se "
                     "renouvelle ensuite par tacite reconduction, sauf dénonciation par l'une des "
                     "parties trois mois avant son terme."))
    articles.append(("Litiges",
                     "Tout différend relatif à l'interprétation ou à l'exécution du présent contrat "
                     f"relève de la compétence exclusive du {_text(contract.get('jurisdiction'))}."))
    lines = [
        "# Conditions particulières de vente",
        "",
        f"**Contrat n° {contract['contract_id']}**, signé le {signed}",
        "",
        "## Entre les soussignés",
        "",
        f"**{company['name']}**, SIREN {company['siren']}, TVA intracommunautaire "
        f"{company['vat_number']}, dont le siège est situé {company['address']}, ci-après « le "
        "Fournisseur »,",
        "",
        "et",
        "",
        _customer_identity(customer) + ", ci-après « le Client ».",
        "",
        "Il a été convenu ce qui suit.",
    ]
    for number, (title, text) in enumerate(articles, start=1):
        lines += ["", f"## Article {number} – {title}", "", text]
    lines += ["", "---", "", f"Fait en deux exemplaires originaux, le {signed}.", "",
              f"Pour le Fournisseur : {company['name']}  ", f"Pour le Client : {customer['name']}", ""]
    return "\n".join(lines)


_NEWSPAPERS = ["L'Écho des vallées", "Le Courrier économique régional", "La Gazette industrielle",
               "Le Journal des entreprises du Centre-Est"]
_JOURNALISTS = ["Julien Moreau", "Sophie Garnier", "Marc Lefebvre", "Nathalie Roux"]


def press_rumour(f: dict, rng: np.random.Generator) -> tuple[str, str]:
    """Regional-press article: the drifting customer's main client may lose a big contract and
    close its plant. Keys ``customer``, ``main_client``, ``city``, ``published_on``; optional
    ``newspaper``. Returns (title, text)."""
    require(f, ("customer", "main_client", "city", "published_on"), "l'article de presse")
    client, customer, city = f["main_client"], f["customer"], f["city"]
    paper = opt(f, "newspaper") or pick(rng, _NEWSPAPERS)
    jobs = int(rng.integers(18, 66)) * 10
    title = pick(rng, [f"{client} : inquiétudes autour du site de {city}",
                       f"{city} : l'usine {client} menacée, les sous-traitants s'inquiètent",
                       f"Perte d'un contrat majeur chez {client} : la filière locale retient son souffle"])
    text = "\n\n".join([
        f"{paper} – {city}, le {format_date(f['published_on'])}",
        pick(rng, [
            f"Selon plusieurs sources syndicales, {client} aurait perdu le contrat qui assurait "
            f"l'essentiel de l'activité de son usine de {city}. Contactée, la direction n'a ni "
            "confirmé ni démenti, évoquant « une revue en cours de son organisation industrielle ».",
            f"L'information circule depuis plusieurs semaines dans les ateliers : {client} ne serait "
            f"pas reconduit sur son principal contrat, et le site de {city} pourrait fermer d'ici un "
            "an. La direction se refuse à tout commentaire.",
        ]),
        f"Le site emploie environ {jobs} salariés. "
        + pick(rng, ["Un comité social et économique extraordinaire est annoncé pour les prochains jours.",
                     "Les représentants du personnel demandent des garanties sur l'avenir du site."]),
        pick(rng, [
            f"Chez les sous-traitants, l'inquiétude grandit. {customer}, dont {client} est le premier "
            "donneur d'ordre, reconnaît « une baisse sensible des commandes depuis l'été » et dit "
            "chercher de nouveaux débouchés.",
            f"Les sous-traitants de la région sont les premiers exposés. Pour {customer}, qui réalise "
            f"une large part de son chiffre d'affaires avec {client}, « les prochains mois seront "
            "décisifs », confie un dirigeant.",
        ]),
        f"Par {pick(rng, _JOURNALISTS)}",
    ])
    return title, text


def bodacc_notice(f: dict) -> tuple[str, str]:
    """BODACC A announcement of a « jugement d'ouverture d'une procédure de redressement
    judiciaire ». Keys ``customer``, ``siren``, ``address``, ``court``, ``judgment_date``,
    ``publication_date``, ``mandataire``, ``administrator``; optional ``cessation_date`` (date
    of cessation of payments) and ``activity``. Returns (title, text)."""
    require(f, ("customer", "siren", "address", "court", "judgment_date", "publication_date",
                "mandataire", "administrator"), "l'annonce BODACC")
    cessation = (f", date de cessation des paiements le {format_date(f['cessation_date'])}"
                 if opt(f, "cessation_date") else "")
    title = f"BODACC A – {f['customer']} – jugement d'ouverture d'une procédure de redressement judiciaire"
    header = [
        "Bulletin officiel des annonces civiles et commerciales (BODACC A)",
        f"Date de parution : {format_date(f['publication_date'])}",
        "Catégorie : procédures collectives",
        "Type d'annonce : jugement d'ouverture",
        f"Tribunal : {f['court']}",
        f"SIREN : {f['siren']}",
        f"Dénomination : {f['customer']}",
        f"Adresse : {f['address']}",
    ]
    if opt(f, "activity"):
        header.append(f"Activité : {f['activity']}")
    text = "\n".join(header) + "\n\n" + "\n\n".join([
        f"Jugement du {format_date(f['judgment_date'])} prononçant l'ouverture d'une procédure de "
        f"redressement judiciaire{cessation}, désignant mandataire judiciaire : {f['mandataire']} ; "
        f"administrateur judiciaire : {f['administrator']}, avec mission d'assister le débiteur pour "
        "tous les actes relatifs à la gestion.",
        "Les créances sont à déclarer auprès du mandataire judiciaire dans le délai de deux mois "
        "à compter de la publication du présent avis au BODACC.",
    ])
    return title, text


def _risk_band(score: int) -> str:
    if score <= 5:
        return "risque très élevé"
    if score <= 9:
        return "risque élevé"
    if score <= 13:
        return "risque modéré"
    return "risque faible"


def score_drop(f: dict) -> tuple[str, str]:
    """Credit-information provider alert: the score fell from ``old_score`` to ``new_score``
    (1 = highest risk, 20 = lowest) on ``date``, for ``reasons`` (list of French phrases).
    Keys ``customer``, ``old_score``, ``new_score``, ``date``, ``reasons``; optional ``siren``,
    ``provider``. Returns (title, text)."""
    require(f, ("customer", "old_score", "new_score", "date", "reasons"), "l'alerte de score")
    old, new = int(f["old_score"]), int(f["new_score"])
    if not (1 <= new < old <= 20):
        raise InvalidParameterError(f"Scores incohérents pour une baisse : {old} puis {new}.",
                                    valid="deux notes entières de 1 à 20, la nouvelle plus basse",
                                    todo="vérifiez old_score et new_score")
    provider = opt(f, "provider") or "Service de veille crédit entreprises"
    siren = f" (SIREN {f['siren']})" if opt(f, "siren") else ""
    title = f"Alerte score : {f['customer']} passe de {old}/20 à {new}/20"
    reasons = "\n".join(f"- {r}" for r in f["reasons"])
    text = "\n".join([
        f"{provider} – alerte de surveillance du {format_date(f['date'])}",
        "",
        f"Entreprise : {f['customer']}{siren}",
        f"Score précédent : {old}/20 ({_risk_band(old)})",
        f"Nouveau score : {new}/20 ({_risk_band(new)})",
        f"Variation : baisse de {old - new} points",
        "",
        "Principaux motifs de la dégradation :",
        reasons,
        "",
        "Échelle : de 1 (risque maximal) à 20 (risque minimal) ; le score estime la probabilité de "
        "défaillance de l'entreprise à douze mois.",
        "Nous vous recommandons de réexaminer l'encours autorisé et les conditions de paiement "
        "accordées à cette entreprise.",
    ])
    return title, text
