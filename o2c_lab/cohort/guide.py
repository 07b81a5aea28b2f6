"""The facilitator guide of a cohort: the day's agenda, what to show, the figures to expect for the
cohort's company, and the mistakes trainees commonly make, block by block.

The blocks are the sections of the course programme and their content comes from
:func:`o2c_lab.authoring.programme.programme` (each bullet and where the notebooks cover it). The
programme fixes the length of the day (7 hours) but not the time of each block: the timings here
are a proposal, and the guide says so.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ..deliverables.document import Document, Section, Table
from ..money import format_date, format_eur, format_number, format_pct

__all__ = ["BLOCKS", "DAY_START", "Block", "agenda", "facilitator_guide"]

DAY_START = dt.time(9, 0)


@dataclass(frozen=True)
class Block:
    """One block of the day: the programme section, its notebook (and sections), a proposed length
    in minutes, and the mistakes trainees commonly make there. A block without a notebook is a break;
    ``in_day`` is False for the lunch break, outside the 7 hours."""

    title: str
    minutes: int
    notebook: str = ""
    sections: tuple[int, int] = (0, 99)
    mistakes: tuple[str, ...] = ()
    in_day: bool = True


_N = {k: f"{k}_{v}.ipynb" for k, v in (("00", "bienvenue"), ("01", "prompts"), ("02", "risque_facture"),
                                       ("03", "balance_agee"), ("04", "relances"), ("05", "litiges"),
                                       ("06", "encaissements_plan"))}
_EVALUATION = "evaluation_fin_de_journee.ipynb"

#: The day, in order. Titles are the programme's section headings; lengths are a proposal.
BLOCKS = (
    Block("Accueil, vérification des postes et positionnement", 20, _N["00"], mistakes=(
        "Ouvrir les carnets hors de JupyterLab (aperçu du navigateur, éditeur de texte) : rien ne s'exécute.",
        "Sauter la cellule de vérification : un poste mal installé bloque plus tard, en plein cas pratique.",
        "Modifier la cellule des paramètres (graine, dossier) : chacun se retrouve sur une autre entreprise.")),
    Block("S'approprier les concepts de base de l'IA dans le cycle O2C ; structurer ses demandes "
          "(cas fil rouge 1/5)", 70, _N["01"], mistakes=(
        "Coller un fichier client non anonymisé dans un outil d'IA grand public.",
        "Prendre un montant ou une date cités par l'IA sans les vérifier contre le grand livre.",
        "Écrire un prompt sans contexte ni format attendu, puis conclure que « l'IA ne sait pas faire ».",
        "Recommencer de zéro au lieu d'itérer : préciser, reformuler, demander une autre forme.")),
    Block("Pause", 15),
    Block("Sécuriser le cycle en amont – risque client et facturation (cas fil rouge 2/5)", 60, _N["02"],
          mistakes=(
        "Juger le risque sur le seul montant dû, sans regarder la tendance des retards ni les signaux externes.",
        "Compter le délai de déclaration de créance à partir du jugement au lieu de la publication au BODACC.",
        "Continuer à relancer, ou facturer des pénalités, à un client en redressement judiciaire.",
        "Contrôler quelques factures au hasard et conclure que la facturation est saine.")),
    Block("Piloter les encours et prioriser les actions (cas fil rouge 3/5)", 45, _N["03"], mistakes=(
        "Calculer la part à plus de 90 jours sur l'échu seulement, au lieu de l'encours total non échu compris.",
        "Donner un ratio (0,14) quand un pourcentage (14 %) est demandé.",
        "Trier par montant échu et appeler « urgence » un grand compte bloqué par un simple bon de commande "
        "manquant.",
        "Additionner la colonne « Total » (non échu compris) pour trouver le plus gros retard.")),
    Block("Pause déjeuner (hors des 7 heures)", 60, in_day=False),
    Block("Accélérer le recouvrement et traiter les échanges clients (cas fil rouge 4/5)", 60, _N["04"], mistakes=(
        "Relancer le client qui a déjà payé : son virement au libellé obscur n'est pas encore lettré.",
        "Garder le même ton pour tous les profils, ou oublier les mentions légales du niveau de relance.",
        "Envoyer le texte de l'IA sans relire les faits (montants, factures, dates).",
        "Résumer un fil d'e-mails sans identifier qui bloque et ce qu'il attend.")),
    Block("Gérer les litiges, alertes internes et communication multi-parties (cas fil rouge 5/5)", 50, _N["05"],
          mistakes=(
        "Proposer un avoir sur toute la facture alors que seules les unités non livrées sont en cause.",
        "Accepter une pénalité déduite d'office, hors contrat et au-delà du plafond légal.",
        "Attribuer la faute au client sans avoir comparé bon de livraison, commande et facture.",
        "Écrire aux équipes non financières dans le jargon du recouvrement.")),
    Block("Pause", 15),
    Block("Interpréter les écarts, estimer les encaissements probables et lire les indicateurs cash", 45,
          _N["06"], (1, 3), mistakes=(
        "Rapprocher un règlement sur le montant seul quand un paiement groupé ou partiel couvre plusieurs "
        "factures.",
        "Prévoir les encaissements aux dates d'échéance, sans tenir compte du comportement de paiement ni des "
        "litiges.",
        "Confondre le DSO (encours rapporté aux ventes) avec le retard moyen de paiement.")),
    Block("Atelier individuel : feuille de route à 30 jours", 25, _N["06"], (4, 99), mistakes=(
        "Choisir des cas d'usage trop larges : partir des tâches les plus chronophages de la semaine.",
        "Inventer un gain de temps : reprendre les temps mesurés au chronomètre pendant la journée.")),
    Block("Évaluation finale : évaluation à chaud, positionnement, questions d'acquis", 15, _EVALUATION, mistakes=(
        "Répondre au hasard pour voir la correction : la première réponse à chaque question est celle qui compte.",
        "Oublier la case d'accord pour le bilan : sur le serveur de la session, le journal n'est alors pas lu "
        "par « cohort report --hub ».")),
)

_PLACE = re.compile(r"(\w+\.ipynb) §(\d+)")


def agenda(blocks=BLOCKS, start: dt.time = DAY_START) -> list[tuple[str, str, Block]]:
    """(start, end, block) with times « 09:00 », one per block, back to back from ``start``."""
    moment = dt.datetime.combine(dt.date(2000, 1, 1), start)
    out = []
    for block in blocks:
        end = moment + dt.timedelta(minutes=block.minutes)
        out.append((f"{moment:%H:%M}", f"{end:%H:%M}", block))
        moment = end
    return out


def _covered(block: Block) -> list[str]:
    """The programme bullets the block covers: first place of each bullet in the block's notebook."""
    from ..authoring.programme import programme

    found = []
    for bullet, where in programme():
        match = _PLACE.search(where)
        if match and match[1] == block.notebook and block.sections[0] <= int(match[2]) <= block.sections[1]:
            found.append(f"{bullet} — {where}")
    return found


def _customer(company, customer_id: str) -> str:
    return f"{company.customer(customer_id)['name']} ({customer_id})"


def _figures(company, analysis, verifier) -> dict[str, list[str]]:
    """The figures to expect in each notebook for this company."""
    from ..casework import dunning_plan
    from ..coaching import assessment_items

    m = company.summary()
    roles = company.scenario["roles"]
    shares = analysis.aged.shares()
    top_amount, top_risk = analysis.priority_coverage()
    sample, audit = analysis.audit_recall()
    naive, behaviour = analysis.forecast_error()
    exact, engine = analysis.auto_match()
    anomalies = company.truth["invoice_anomalies"]
    bodacc = company.external_signals.query("source == 'BODACC'").iloc[0]
    insolvent_open = analysis.aged.items.query("customer_id == @roles['insolvent_customer'] and not unapplied")
    plan = dunning_plan(company)
    levels = plan[plan["level"] > 0]["level"].value_counts().sort_index()
    disputes = company.truth["dispute_truth"].merge(company.disputes, on="dispute_id")
    dso = analysis.kpis["dso_simple"].value
    return {
        _N["00"]: [f"Entreprise : {company.name}, situation au {format_date(company.as_of)}, graine {company.seed}.",
                   f"{len(company.customers)} clients, {len(company.invoices)} factures, encours clients "
                   f"{format_eur(m['receivables_cents'], 0)}."],
        _N["01"]: ["Pas de chiffre à retenir : le bloc porte sur la méthode (RCOTF, anonymisation, vérification "
                   "des faits). Chaque réponse d'IA est vérifiée contre le grand livre de cette entreprise."],
        _N["02"]: [f"Client en dérive : {_customer(company, roles['drifting_customer'])} (article de presse puis "
                   "baisse de score).",
                   f"Redressement judiciaire : {_customer(company, roles['insolvent_customer'])}, publié au BODACC le "
                   f"{format_date(bodacc['published_on'])} ; déclaration de créance avant le "
                   f"{verifier.expected('02_delai_declaration').display} ; exposition "
                   f"{format_eur(int(insolvent_open['residual_cents'].sum()), 0)}.",
                   f"Anomalies glissées dans les factures : {len(anomalies)} ; trouvées par un contrôle de 10 % des "
                   f"factures : {format_pct(sample, 0)}, par l'audit systématique : {format_pct(audit, 0)}."],
        _N["03"]: [f"Part échue : {format_pct(m['overdue_share'])} ; à plus de 90 jours (balance âgée) : "
                   f"{format_pct(float(shares['> 90 j']))} ; les dix plus gros retards portent "
                   f"{format_pct(m['top10_overdue_share'], 0)} de l'échu.",
                   f"Plus gros montant échu : {verifier.expected('03_plus_gros_retard').display}.",
                   f"Cash à risque couvert par les 20 premières actions : {format_pct(top_amount, 0)} en triant par "
                   f"montant, {format_pct(top_risk, 0)} avec la liste priorisée."],
        _N["04"]: [f"Client qui a déjà payé (à ne pas relancer) : {_customer(company, roles['already_paid_customer'])}.",
                   f"Retardataire chronique : {_customer(company, roles['chronic_late_payer'])} ; sa facture échue "
                   f"la plus ancienne relève du niveau {verifier.expected('04_niveau_plus_ancien').display}.",
                   "Plan de relance : " + ", ".join(f"{n} facture(s) au niveau {level}" for level, n in levels.items())
                   + f" ; {int((plan['level'] == 0).sum())} facture(s) écartée(s) avec leur raison."],
        _N["05"]: [f"{row.dispute_id} — {_customer(company, row.customer_id)}, facture {row.invoice_id}, enjeu "
                   f"{format_eur(int(row.amount_at_stake_cents))} : {row.responsibility} Issue équitable : "
                   f"{row.fair_resolution}" for row in disputes.itertuples()],
        _N["06"]: [f"Règlements affectés automatiquement : {format_pct(exact, 0)} (référence et montant exacts) "
                   f"contre {format_pct(engine, 0)} (moteur de rapprochement).",
                   f"Erreur de prévision à 13 semaines (WAPE) : {format_pct(naive, 0)} à l'échéance, "
                   f"{format_pct(behaviour, 0)} avec le comportement de paiement.",
                   f"DSO (méthode simple) : {format_number(dso, 0)} jours, pour un délai contractuel moyen de "
                   f"{format_number(m['weighted_terms_days'], 0)} jours."],
        f"{_N['06']} §4": ["Pas de chiffre de l'entreprise : chacun part de ses propres temps, mesurés au "
                           "chronomètre pendant la journée (journal), jamais d'un temps inventé."],
        _EVALUATION: [f"{item.question} — réponse : {item.answer}" for item in assessment_items(company)
                      if item.facts],
    }


def _legal_sections(as_of) -> list[Section]:
    """The legal reference card (rules, rates, rows to complete), from the one law table."""
    from ..law import RATE_HEADERS, RULES, lateness_benchmark, missing_rates, rate_rows

    missing = missing_rates(as_of)
    return [
        Section("Fiche de référence juridique", paragraphs=[
            "Chaque règle que le cours applique, avec son article ; la même table calcule les pénalités, "
            "les délais et les lettres. Commande : « o2c-lab droit »."],
            table=Table(["thème", "article", "règle"], [[r.topic, r.article, r.statement] for r in RULES.values()])),
        Section("Taux par semestre", paragraphs=[
            f"Repère : {lateness_benchmark()}."],
            bullets=[f"À confirmer avant la session : {m}" for m in missing],
            table=Table(RATE_HEADERS, rate_rows())),
    ]


def _before_and_after() -> Section:
    """The blended path around the day: what participants open, and the trainer's commands."""
    rows = [
        ["avant la journée", "avant_1_preparation.ipynb (15 min)", "questionnaire préparatoire : métier, tâches "
         "chronophages, outils d'IA et règles de l'employeur, objectifs, positionnement ; fichier à vous renvoyer",
         "o2c-lab cohort prepare NOM --from DOSSIER_RECU : brief de préparation (Word, PDF, Markdown)"],
        ["avant la journée", "avant_2_essentiels_ia.ipynb (45 min), avant_3_prompting.ipynb (25 min)",
         "les deux modules e-learning du programme, un quiz noté par section", "—"],
        ["fin de la journée", f"{_EVALUATION} (15 min)", "évaluation à chaud, positionnement, questions d'acquis, "
         "accord pour le bilan", "o2c-lab cohort report NOM --from DOSSIER_RECU [--hub DOSSIER] [--anonyme]"],
        ["après la journée", "07_vos_donnees.ipynb", "ses propres fichiers, sur son poste : anonymisation, balance "
         "âgée, indicateurs, relances", "—"],
        ["quarante jours après", "apres_j40_suivi.ipynb", "plan à 30 jours revu, temps avant / "
         "maintenant, nouveau positionnement", "o2c-lab cohort report … (J+40), o2c-lab cohort attest NOM "
         "--from DOSSIER_RECU --organisme organisme.yaml"],
    ]
    return Section("Avant et après la journée", paragraphs=[
        "Le programme prévoit une phase d'engagement avant la journée et un transfert après. Les participants "
        "vous renvoient leur journal (bouton « Préparer le fichier à envoyer ») ou le ZIP de leur boîte à outils ; "
        "sur le serveur de la session, « --hub » lit les journaux de ceux qui ont donné leur accord."],
        table=Table(["quand", "carnet", "contenu", "commande du formateur"], rows))


def facilitator_guide(company, verifier) -> Document:
    """The facilitator guide for ``company`` (``verifier``: its :class:`~o2c_lab.coaching.checks.Verifier`)."""
    from ..coaching import scoreboard

    analysis = verifier.analysis
    figures = _figures(company, analysis, verifier)
    slots = agenda()
    taught = sum(b.minutes for _, _, b in slots if b.in_day)
    rows = [[f"{start}–{end}", f"{block.minutes} min", block.title, block.notebook or "—"]
            for start, end, block in slots]
    sections = [
        Section("Déroulé de la journée", paragraphs=[
            "Le programme fixe la durée de la journée (1 jour, 7 heures) et, en amont, deux modules e-learning "
            "(45 min et 25 min) ; il ne donne pas de minutage par bloc. Les horaires ci-dessous sont une "
            f"proposition : {taught // 60} h {taught % 60:02d} de formation, pauses comprises, hors déjeuner."],
            table=Table(["horaire", "durée", "bloc", "carnet"], rows)),
    ]
    for start, end, block in slots:
        if not block.notebook:
            continue
        shown = figures.get(f"{block.notebook} §{block.sections[0]}", figures[block.notebook])
        lines = ["### À montrer", ""] + [f"- {item}" for item in _covered(block) or
                                          ["Le carnet entier : vérification des postes, choix du mode d'IA, "
                                           "auto-positionnement, présentation de l'entreprise."]]
        lines += ["", f"### Chiffres attendus (graine {company.seed})", ""] + [f"- {f}" for f in shown]
        lines += ["", "### Erreurs fréquentes", ""] + [f"- {m}" for m in block.mistakes]
        sections.append(Section(f"{start}–{end} · {block.title}", paragraphs=[
            f"Carnet : {block.notebook} — durée proposée : {block.minutes} min."], block="\n".join(lines)))
    sections.append(_before_and_after())
    sections += _legal_sections(company.as_of)
    board = scoreboard(analysis)
    board = board[board["état"] == "mesuré"]
    sections.append(Section("Avant / après : les mesures du tableau des scores", paragraphs=[
        "Calculées sur la vérité terrain de cette entreprise ; les temps, eux, sont mesurés par chaque "
        "participant au chronomètre et ne figurent pas ici."], table=Table(
        ["mesure", "sans IA", "avec IA", "mieux"],
        [[r["mesure"], f"{r['méthode sans IA']} : {format_pct(r['sans IA'], 0)}",
          f"{r['méthode avec IA']} : {format_pct(r['avec IA'], 0)}", r["mieux"]] for _, r in board.iterrows()])))
    return Document(
        "guide_animation", f"Guide d'animation — {company.name}",
        f"Entreprise de la cohorte : {company.name}, situation au {format_date(company.as_of)} (graine "
        f"{company.seed}, {len(company.customers)} clients). Les chiffres attendus ci-dessous valent pour cette "
        "graine seulement. Document réservé au formateur : il cite la vérité terrain.", sections)
