"""The end-of-day final assessment: multiple-choice items over every module, many drawn from the
cohort's own company so that each cohort gets its own figures.

Every figure an item asks about is read from its one source: the receivable position
(:func:`o2c_lab.analytics.receivable_position`: amounts, days late, DSO), the law module
(:mod:`o2c_lab.law`: indemnity, rates, deadlines) and the prompt framework (:mod:`o2c_lab.ai.rcotf`).
Item ids are stable across seeds (the cohort report adds up answers by id); an item whose
situation does not occur in a company (no invoice more than 90 days late, no duplicate…) is left out.

>>> items = assessment_items(company)          # doctest: +SKIP
>>> items[0].is_correct(items[0].answer)        # doctest: +SKIP
True
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from ..money import format_date, format_eur, format_number, format_pct

__all__ = ["ASSESSMENT_QUIZ", "HOT_FORM", "ITEM_TITLES", "PROGRESS_LEVELS", "AssessmentItem", "assessment_items"]

#: The quiz name the answers are recorded under in the journal.
ASSESSMENT_QUIZ = "evaluation_finale"

#: The end-of-day questionnaire (« évaluation à chaud ») in the journal's forms. Its answers:
#: ``satisfaction`` {day module file: 1–5}, ``progres`` {objective: a key of PROGRESS_LEVELS},
#: ``commentaire`` (free text).
HOT_FORM = "evaluation_a_chaud"

#: Perceived progress on an objective (stored value → French label).
PROGRESS_LEVELS = {0: "aucun", 1: "léger", 2: "net", 3: "fort"}

#: Every item id → short French title (what the cohort report names), in the order of the quiz.
ITEM_TITLES = {
    "ia_fonctionnement": "Comment l'IA générative produit un texte",
    "ia_hallucination": "Ce qu'est une hallucination",
    "ia_confidentialite": "Données clients et outil d'IA grand public",
    "anonymisation_retour": "Retrouver les vrais noms après l'IA",
    "rcotf_lettres": "Les cinq parties d'un prompt RCOTF",
    "rcotf_contexte": "Où mettre les données dans un prompt",
    "verification_faits": "Vérifier une relance écrite par l'IA",
    "dso_definition": "Formule du DSO",
    "dso_entreprise": "DSO de l'entreprise",
    "encours_brut_entreprise": "Encours brut de l'entreprise",
    "balance_agee_lecture": "Lire une tranche de la balance âgée",
    "part_plus_90": "Part de l'encours à plus de 90 jours",
    "plus_gros_echu_client": "Client au plus gros montant échu",
    "encours_echu_client": "Encours échu d'un client",
    "client_plus_90_jours": "Client en retard de plus de 90 jours",
    "delai_maximal": "Délai de paiement maximal entre professionnels",
    "echeance_maximale": "Échéance maximale d'une facture",
    "taux_penalites": "Taux des pénalités de retard",
    "indemnite_forfaitaire": "Montant de l'indemnité forfaitaire",
    "indemnites_client": "Indemnités forfaitaires dues par un client",
    "date_limite_declaration": "Délai de déclaration de créance",
    "litige_relance": "Relancer une facture en litige",
    "litiges_montant": "Montant bloqué par les litiges",
    "doublons": "Factures en doublon à annuler",
    "lettrage": "Affecter un virement de plusieurs factures",
    "encaissements_non_affectes": "Encaissements non affectés",
}


@dataclass(frozen=True)
class AssessmentItem:
    """One question: its options, the correct one, the feedback shown after answering, and the
    company figures behind it (``facts``: empty for an item that does not depend on the company)."""

    id: str
    objective: str
    question: str
    options: tuple[str, ...]
    answer: str
    explanation: str
    facts: dict = field(default_factory=dict)

    @property
    def title(self) -> str:
        return ITEM_TITLES[self.id]

    def is_correct(self, choice) -> bool:
        return choice == self.answer


def _item(seed: int, item_id: str, objective: str, question: str, answer: str, wrong, explanation: str,
          **facts) -> AssessmentItem:
    """The item with ``answer`` among up to three distinct wrong options, shuffled the same way for a seed."""
    options = [answer]
    for option in wrong:
        if option not in options and len(options) < 4:
            options.append(option)
    random.Random(f"{seed}-{item_id}").shuffle(options)
    return AssessmentItem(item_id, objective, question, tuple(options), answer, explanation, facts)


def _amounts(cents: int, *others: int) -> list[str]:
    """Wrong amounts: the figures a trainee may confuse with ``cents``, then ±30 % / ×2 to fill up."""
    return [format_eur(c) for c in (*others, round(cents * 0.7), round(cents * 1.3), 2 * cents) if c != cents]


def _generic(seed: int) -> list[AssessmentItem]:
    from ..ai.rcotf import DEFAULT_FIELDS
    from ..analytics.aging import DEFAULT_BUCKETS, bucket_labels
    from ..analytics.kpis import dso_simple
    from .. import law

    titles = [title for _key, title, _what in DEFAULT_FIELDS]
    context = next(title for key, title, _what in DEFAULT_FIELDS if key == "contexte")
    cap = law.rule("term_cap").value
    late_bucket = bucket_labels()[-2]
    low, high = DEFAULT_BUCKETS[-2] + 1, DEFAULT_BUCKETS[-1]
    formula = dso_simple(1, 1, 1).formula
    margin = format_number(law.PENALTY_MARGIN_POINTS, 0)
    moratorium = format_number(law.MORATORIUM_MARGIN_POINTS, 0)
    indemnity = law.FIXED_RECOVERY_INDEMNITY_CENTS
    return [
        _item(seed, "ia_fonctionnement", "concepts", "Comment un modèle d'IA générative produit-il sa réponse ?",
              "Il prédit, mot après mot, la suite la plus probable du texte qu'on lui donne",
              ["Il cherche la réponse dans une base de données vérifiée",
               "Il calcule la réponse exacte à partir de vos données comptables",
               "Il recopie la page web la plus pertinente"],
              "Un modèle de langage prolonge un texte par les mots les plus probables : il ne consulte pas vos "
              "comptes et ne sait pas si ce qu'il écrit est vrai."),
        _item(seed, "ia_hallucination", "concepts", "Qu'appelle-t-on une « hallucination » de l'IA ?",
              "Une affirmation plausible mais fausse, inventée par le modèle",
              ["Une panne du service d'IA", "Une réponse volontairement humoristique",
               "Un texte trop long pour être lu"],
              "Le modèle peut inventer un montant, une date ou un article de loi avec assurance : tout fait doit "
              "être vérifié à la source."),
        _item(seed, "ia_confidentialite", "concepts",
              "Avant de coller un extrait de balance âgée dans un outil d'IA grand public, que faites-vous ?",
              "Je remplace les noms, SIREN et coordonnées des clients par des pseudonymes",
              ["Rien : l'outil est sécurisé par défaut", "Je supprime seulement les montants",
               "Je colle tout, puis je supprime la conversation"],
              "Les données d'un client ne sortent pas de l'entreprise : on les pseudonymise avant l'envoi, "
              "comme le font les carnets du cours."),
        _item(seed, "anonymisation_retour", "concepts",
              "La réponse de l'IA cite des pseudonymes (« Client A »). Comment retrouver les vrais noms ?",
              "Avec la table de correspondance gardée sur mon poste, qui n'a jamais été envoyée",
              ["En demandant à l'IA de les retrouver", "Ils sont perdus : il faut tout refaire",
               "En envoyant la table de correspondance à l'IA"],
              "La correspondance pseudonyme → vrai nom reste chez vous : c'est elle qui remet les vrais noms "
              "dans le texte, après la réponse."),
        _item(seed, "rcotf_lettres", "prompts", "Que désignent les cinq lettres de la méthode RCOTF ?",
              ", ".join(titles),
              ["Résumé, Contrôle, Objectif, Texte, Fin", "Relance, Client, Objet, Tarif, Facture",
               "Rôle, Calcul, Outil, Tableau, Fichier"],
              "Un prompt complet dit qui l'IA doit être, la situation, le résultat attendu, le registre et la "
              "forme de la réponse."),
        _item(seed, "rcotf_contexte", "prompts",
              "Dans un prompt de relance, où placez-vous les factures, les montants et l'historique du client ?",
              f"Dans la partie « {context} »",
              [f"Dans la partie « {t} »" for t in titles if t != context],
              "Les données utiles à la tâche forment le contexte ; sans elles, l'IA invente."),
        _item(seed, "verification_faits", "relances", "L'IA a rédigé une relance. Que vérifiez-vous avant l'envoi ?",
              "Chaque montant, date et numéro de facture, contre le grand livre client",
              ["L'orthographe seulement", "Rien si le ton est courtois",
               "Que le texte a l'air d'avoir été écrit par une personne"],
              "Un montant faux dans une relance coûte la confiance du client : chaque fait se vérifie à la source."),
        _item(seed, "dso_definition", "encaissements", "Comment se calcule le DSO (méthode simple) ?", formula,
              ["factures échues ÷ nombre de clients", "délai de paiement moyen inscrit aux contrats",
               "encaissements du mois ÷ chiffre d'affaires annuel × 12"],
              "Le DSO exprime l'encours en jours de ventes : plus il est haut, plus l'argent met de temps à rentrer."),
        _item(seed, "balance_agee_lecture", "encours", f"Dans la balance âgée, que contient la colonne « {late_bucket} » ?",
              f"Les montants dont l'échéance est dépassée de {low} à {high} jours",
              [f"Les factures émises il y a {low} à {high} jours",
               "Les clients payés sous 90 jours", "Les avoirs non imputés"],
              "Les tranches comptent les jours de retard après l'échéance, pas l'âge de la facture."),
        _item(seed, "delai_maximal", "risque_facture", "Quel délai de paiement maximal deux entreprises peuvent-elles convenir ?",
              f"{cap['days']} jours après la date de la facture, ou {cap['days_end_of_month']} jours fin de mois "
              "si c'est expressément stipulé",
              ["90 jours après la livraison", "120 jours fin de mois",
               "Aucune limite si le contrat le prévoit"],
              f"{law.rule('term_cap').article} : {law.rule('term_cap').statement}"),
        _item(seed, "taux_penalites", "relances",
              "Sans taux prévu au contrat, à quel taux courent les pénalités de retard entre entreprises ?",
              f"Le taux de la BCE majoré de {margin} points",
              ["Le taux de l'intérêt légal", f"Le taux de la BCE majoré de {moratorium} points",
               "Aucune pénalité sans clause au contrat"],
              f"{law.rule('penalty_rate').article} : {law.rule('penalty_rate').statement}"),
        _item(seed, "indemnite_forfaitaire", "relances",
              "Quelle indemnité forfaitaire pour frais de recouvrement est due pour chaque facture payée en retard ?",
              format_eur(indemnity), [format_eur(c) for c in (indemnity // 2, 2 * indemnity, 5 * indemnity)],
              f"{law.rule('recovery_indemnity').article} : {law.rule('recovery_indemnity').statement}"),
        _item(seed, "litige_relance", "litiges", "Une facture est en litige ouvert (quantité contestée). Que faites-vous ?",
              "Je suspends sa relance, je traite le litige sur pièces et je relance les autres factures",
              ["Je la relance plus fermement", "Je la passe en perte",
               "J'attends que le client relance lui-même"],
              "Relancer une facture contestée braque le client : on établit les faits, on émet l'avoir dû "
              "s'il y a lieu, et le reste de l'encours se relance normalement."),
        _item(seed, "lettrage", "encaissements",
              "Un client paie trois factures par un seul virement, sans référence. Avant de lettrer, vous :",
              "cherchez les factures ouvertes du client dont la somme égale le virement, et le confirmez",
              ["affectez le virement à la facture la plus ancienne", "le laissez en attente sans rien chercher",
               "le répartissez au prorata sur toutes ses factures"],
              "Le rapprochement cherche la combinaison exacte de factures ; une affectation au hasard fausse la "
              "balance âgée et les relances."),
    ]


def _company_items(company) -> list[AssessmentItem]:
    from .. import law
    from ..analytics.position import receivable_position

    seed, day = company.seed, company.as_of
    on = format_date(day)
    position = receivable_position(company)
    table, totals, head = position.by_customer, position.totals, position.headline()

    def name(customer_id: str) -> str:
        return str(company.customer(customer_id)["name"])

    items = []
    dso = round(position.dso.value)
    items.append(_item(seed, "dso_entreprise", "encaissements",
                       f"Quel est le DSO (méthode simple) de l'entreprise au {on} ?", f"{dso} jours",
                       [f"{d} jours" for d in (round(dso * 0.6), round(dso * 1.4), dso + 30, dso - 15) if d > 0],
                       position.dso.explain(), days=dso))
    gross = int(totals["encours_brut"])
    items.append(_item(seed, "encours_brut_entreprise", "encours",
                       f"Quel est l'encours brut de l'entreprise (factures ouvertes) au {on} ?", format_eur(gross),
                       _amounts(gross, int(totals["echu"]), int(totals["encours_net"])),
                       "L'encours brut additionne les restes à payer de toutes les factures ouvertes ; l'encours "
                       "net en retranche les avoirs et encaissements non affectés.", cents=gross))
    share = head["over_90_share"]
    items.append(_item(seed, "part_plus_90", "encours",
                       f"Quelle part de l'encours brut a plus de 90 jours de retard au {on} ?", format_pct(share),
                       [format_pct(s) for s in (head["overdue_share"], share / 2, min(1.0, share * 2 + 0.05))],
                       f"{format_eur(head['over_90_cents'])} à plus de 90 jours sur {format_eur(gross)} d'encours "
                       "brut.", ratio=share))
    late = table["echu"].sort_values(ascending=False, kind="stable")
    late = late[late > 0]
    if len(late) >= 4:
        top = late.index[0]
        items.append(_item(seed, "plus_gros_echu_client", "encours",
                           f"Quel client a le plus gros montant échu au {on} ?", name(top),
                           [name(c) for c in table["encours_brut"].drop(top).nlargest(3).index],
                           f"{name(top)} : {format_eur(int(late.iloc[0]))} échus. Le plus gros encours n'est pas "
                           "forcément le plus gros retard.", customer_id=top, cents=int(late.iloc[0])))
        second = late.index[1]
        overdue, gross_c = int(table.loc[second, "echu"]), int(table.loc[second, "encours_brut"])
        items.append(_item(seed, "encours_echu_client", "encours",
                           f"Au {on}, quel est l'encours échu de {name(second)} (factures dont l'échéance est "
                           "passée) ?", format_eur(overdue), _amounts(overdue, gross_c, gross_c - overdue),
                           f"Sur {format_eur(gross_c)} d'encours brut, {format_eur(overdue)} sont échus.",
                           customer_id=second, cents=overdue))
    beyond = table.index[table["retard_max"] > 90]
    within = table.index[(table["retard_max"] > 0) & (table["retard_max"] <= 90)]
    if len(beyond) and len(within) >= 3:
        target = table.loc[beyond, "retard_max"].idxmax()
        others = table.loc[within, "echu"].nlargest(3).index
        items.append(_item(seed, "client_plus_90_jours", "encours",
                           f"Au {on}, lequel de ces clients a une facture échue depuis plus de 90 jours ?",
                           name(target), [name(c) for c in others],
                           f"La plus ancienne facture échue de {name(target)} a {int(table.loc[target, 'retard_max'])} "
                           "jours de retard ; les autres restent sous 90 jours.", customer_id=target,
                           days=int(table.loc[target, "retard_max"])))
    lines = position.lines
    chased = lines.loc[(lines["status"] == "overdue") & (lines["remaining_cents"] > 0)]
    counts = chased.groupby("customer_id").size().sort_values(ascending=False, kind="stable")
    if len(counts) and counts.iloc[0] >= 2:
        customer, n = counts.index[0], int(counts.iloc[0])
        owed = law.recovery_indemnity_cents(n)
        open_n = int(table.loc[customer, "factures_ouvertes"])
        items.append(_item(seed, "indemnites_client", "relances",
                           f"Au {on}, {name(customer)} a {n} factures échues impayées (sans litige ni procédure "
                           "collective). Quel montant d'indemnités forfaitaires pour frais de recouvrement "
                           "pouvez-vous lui réclamer ?", format_eur(owed),
                           [format_eur(law.FIXED_RECOVERY_INDEMNITY_CENTS),
                            format_eur(law.recovery_indemnity_cents(open_n)), "Rien sans clause au contrat",
                            format_eur(law.recovery_indemnity_cents(n + 1))],
                           f"Une indemnité de {format_eur(law.FIXED_RECOVERY_INDEMNITY_CENTS)} par facture payée "
                           f"en retard ({law.rule('recovery_indemnity').article}) : {n} × "
                           f"{format_eur(law.FIXED_RECOVERY_INDEMNITY_CENTS)}.", customer_id=customer, invoices=n,
                           cents=owed))
        invoice = chased.loc[chased["customer_id"] == customer].sort_values(["invoice_date", "document_id"]).iloc[0]
        issued = invoice["invoice_date"].date()
        cap = law.legal_cap_date(issued)
        items.append(_item(seed, "echeance_maximale", "risque_facture",
                           f"La facture {invoice['document_id']} est datée du {format_date(issued)}. Quelle est "
                           "l'échéance la plus tardive que la loi permet de convenir entre professionnels ?",
                           format_date(cap),
                           [format_date(d) for d in (issued + dt.timedelta(days=30), issued + dt.timedelta(days=90),
                                                     law.add_months(cap, 1))],
                           f"{law.rule('term_cap').statement}", document_id=str(invoice["document_id"]),
                           date=cap.isoformat()))
    for item_id, column, objective, question, why in (
            ("litiges_montant", "litige", "litiges",
             "Quel montant de factures est bloqué par des litiges ouverts (à traiter, pas à relancer) ?",
             "Ces factures restent dues mais ne se relancent pas tant que le litige est ouvert."),
            ("doublons", "doublons", "litiges",
             "Quel montant de factures en doublon (la même livraison facturée deux fois) faut-il annuler par avoir ?",
             "Un doublon n'est pas une dette du client : il s'annule par un avoir, il ne se relance pas."),
            ("encaissements_non_affectes", "encaissements_non_affectes", "encaissements",
             "Quel montant d'encaissements reste non affecté à une facture ?",
             "Un encaissement non affecté fausse l'encours de chaque client tant qu'il n'est pas rapproché.")):
        cents = abs(int(totals[column]))
        if cents:
            items.append(_item(seed, item_id, objective, f"Au {on} : {question[0].lower()}{question[1:]}",
                               format_eur(cents), _amounts(cents, gross, int(totals["echu"])), why, cents=cents))
    proceedings = lines.loc[lines["status"].isin(["to_declare", "post_judgment"])]
    signals = company.tables.get("external_signals")
    if len(proceedings) and signals is not None:
        customer = str(proceedings["customer_id"].iloc[0])
        bodacc = signals.loc[(signals["customer_id"] == customer)
                             & (signals["source"].astype(str).str.upper() == "BODACC")]
        published = min(d.date() for d in bodacc["published_on"]) if len(bodacc) else None
        if published is not None:
            deadline = law.claim_declaration_deadline(published)
            items.append(_item(seed, "date_limite_declaration", "litiges",
                               f"Le jugement d'ouverture d'une procédure collective contre {name(customer)} a été "
                               f"publié au BODACC le {format_date(published)}. Jusqu'à quand déclarer vos créances "
                               "antérieures au mandataire judiciaire ?", format_date(deadline),
                               [format_date(d) for d in (law.add_months(published, 1),
                                                         law.revendication_deadline(published),
                                                         law.foreclosure_relief_deadline(published))],
                               f"{law.rule('claim_declaration').article} : {law.rule('claim_declaration').statement}",
                               customer_id=customer, date=deadline.isoformat()))
    return items


def assessment_items(company) -> list[AssessmentItem]:
    """The final assessment for ``company``, in the order of :data:`ITEM_TITLES`."""
    items = {item.id: item for item in _generic(company.seed) + _company_items(company)}
    return [items[key] for key in ITEM_TITLES if key in items]
