"""The course programme (seed 000's « Programme de la formation » bullets) and where each is covered.

:data:`PROGRAMME` is the list kept in the project; :func:`parse_programme` reads the bullets from the
programme text so a test can check that none is forgotten; :func:`programme_table` writes the
Markdown table of ``notebooks/README.md``.
"""

from __future__ import annotations

__all__ = ["PROGRAMME", "parse_programme", "programme_table"]

_N01, _N02, _N03 = "01_prompts.ipynb", "02_risque_facture.ipynb", "03_balance_agee.ipynb"
_N04, _N05, _N06 = "04_relances.ipynb", "05_litiges.ipynb", "06_encaissements_plan.ipynb"

#: (programme bullet, where it is covered: notebook and section).
PROGRAMME = [
    ("IA générative : fonctionnement simplifié, ce qu'elle fait réellement et ses limites concrètes", f"{_N01} §1"),
    ("Cartographie des usages à fort ROI dans le cycle O2C : relances, litiges, analyse, prévention", f"{_N01} §1"),
    ("Différences entre automatisation ERP, outils de recouvrement et IA générative", f"{_N01} §1"),
    ("Données sensibles : comment anonymiser un fichier Excel avant de le soumettre à une IA", f"{_N01} §3"),
    ("Comment vérifier les résultats de l'IA – le réflexe de fact-checking indispensable en environnement "
     "financier", f"{_N01} §4 ; vérification de chaque réponse dans tous les carnets"),
    ("Quiz interactif : « Humain ou IA ? »", f"{_N01} §2"),
    ("Framework RCOTF : une méthode simple et réutilisable", f"{_N01} §5"),
    ("Transformer une tâche quotidienne en instruction claire et exploitable", f"{_N01} §5–6"),
    ("Techniques d'itération : affiner, reformuler, améliorer les résultats en quelques échanges", f"{_N01} §6"),
    ("Exemples appliqués au cycle client : relance, analyse de situation, résumé d'échange complexe", f"{_N01} §6"),
    ("Cas fil rouge 1/5 : Transformer une situation métier en prompts opérationnels", f"{_N01} §6–7"),
    ("Analyse du risque client et comportement de paiement", f"{_N02} §1–2"),
    ("Vérification des conditions de paiement et des anomalies de commande", f"{_N02} §3"),
    ("Analyse et sécurisation des clauses contractuelles et signaux faibles", f"{_N02} §2–3"),
    ("Contrôle de conformité facture : commande, livraison, données", f"{_N02} §4"),
    ("Détection des erreurs et causes de litiges", f"{_N02} §3–4 ; {_N05} §4"),
    ("Checklist de sécurisation « facture sans litige »", f"{_N02} §4 et §7"),
    ("Veille sur les défaillances clients : quand une information externe alerte sur un client (presse, TV, "
     "rumeur marché), évaluer rapidement l'exposition et décider des actions immédiates avec l'aide de l'IA",
     f"{_N02} §5"),
    ("Cas fil rouge 2/5 : analyser un dossier client et auditer une facture avec l'IA", f"{_N02} §2 et §4"),
    ("Analyse de balance âgée et identification des leviers cash", f"{_N03} §1 et §4"),
    ("Segmentation clients et priorisation des actions", f"{_N03} §2–4"),
    ("Distinction entre urgences réelles et bruit opérationnel", f"{_N03} §3–4"),
    ("Enrichir l'analyse avec les données des outils existants (ERP, banque, logiciel de recouvrement)",
     f"{_N03} §4"),
    ("Cas fil rouge 3/5 : analyser une balance âgée fictive avec un outil d'IA : identification des priorités "
     "et segmentation en temps réel", f"{_N03} §2–3"),
    ("Relances personnalisées et adaptation du ton selon profil client", f"{_N04} §1"),
    ("Scénarios de relance multi-niveaux", f"{_N04} §2"),
    ("Contrôle qualité des communications avant envoi", f"{_N04} §3"),
    ("Analyse des fils d'emails complexes : extraire le problème réel et identifier les blocages",
     f"{_N04} §4 ; {_N01} §6"),
    ("Scripts d'appel adaptés au profil et au contexte client", f"{_N04} §4"),
    ("Réalisation de la synthèse d'un contrat et extraction des clauses de paiement, délais et pénalités",
     f"{_N04} §5"),
    ("Cas fil rouge 4/5 : rédiger 5 relances en 10 minutes + transformer un échange email en script d'appel",
     f"{_N04} §1 et §4"),
    ("Analyse des litiges : faits, responsabilités, enjeux", f"{_N05} §1–2"),
    ("Rédaction de réponses clients et notes de synthèse internes", f"{_N05} §3"),
    ("Prévention des litiges et amélioration des processus", f"{_N05} §4"),
    ("Rédaction d'une alerte interne sur un client à risque", f"{_N05} §5"),
    ("Réalisation d'une synthèse hebdomadaire des clients à risque à destination des responsables impliqués "
     "dans le cycle O2C", f"{_N05} §5"),
    ("Rédaction d'une synthèse sur une situation client de façon accessible pour des interlocuteurs "
     "non-financiers (livreurs, techniciens, commerciaux) afin de coordonner l'action", f"{_N05} §5"),
    ("Cas fil rouge 5/5 : traiter un cas réel de litige avec un outil d'IA", f"{_N05} §2–3"),
    ("Identification et interprétation des écarts de rapprochement : libellés obscurs, paiements partiels, "
     "remises non signalées", f"{_N06} §1"),
    ("Préparation du travail de rapprochement en formulant des hypothèses d'affectation", f"{_N06} §1"),
    ("Estimation des encaissements probables à partir du comportement de paiement client et des litiges en "
     "cours", f"{_N06} §2"),
    ("Lecture et interprétation des indicateurs de performance cash : DSO, encours, retards", f"{_N06} §3 ; {_N03} §1"),
    ("Atelier en groupe : lecture d'un tableau de bord et estimation des encaissements probables sur un cas "
     "fictif", f"{_N06} §2–3"),
    ("Atelier individuel : établir sa propre feuille de route d'intégration de l'IA dans ses pratiques à "
     "partir de 3 cas d'usage prioritaires selon son rôle et ses tâches les plus chronophages. Estimer son "
     "gain de temps hebdomadaire : « Je passe de X heures à Y minutes sur cette tâche »", f"{_N06} §4–5"),
    ("Evaluation finale de vos acquis de la formation, via un questionnaire en ligne",
     f"{_N06} §6 (auto-évaluation ; le questionnaire en ligne reste celui de l'organisme)"),
]


def _is_heading(line: str) -> bool:
    letters = [ch for ch in line if ch.isalpha()]
    return bool(letters) and all(ch.isupper() for ch in letters)


def parse_programme(text: str) -> list[str]:
    """The bullets of the « Programme de la formation » section of the programme text.

    The page layout interleaves administrative blocks (evaluation, remote assistance) under
    upper-case headings; their bullets are not course content and are left out.
    """
    body = text.split("Programme de la formation", 1)[-1].split("\nTransfert", 1)[0]
    bullets, skipping, seen = [], False, False
    for raw in body.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("- "):
            if skipping:
                seen = True
            else:
                bullets.append(line[2:].strip())
        elif _is_heading(line):
            skipping, seen = True, False
        elif skipping and seen:  # prose after an administrative block's bullets: course content resumes
            skipping = False
    return bullets


def programme_table() -> str:
    """The Markdown table « élément du programme | où c'est traité »."""
    rows = ["| élément du programme | carnet(s) et sections |", "|---|---|"]
    rows += [f"| {bullet} | {where} |" for bullet, where in PROGRAMME]
    return "\n".join(rows)
