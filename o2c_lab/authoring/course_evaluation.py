"""Source of the end-of-day notebook: « évaluation à chaud », self-positioning after the day, and
the final assessment drawn from the cohort's company (French)."""

from __future__ import annotations

from .cells import code, header, md, next_step, parameters, setup

__all__ = ["EVALUATION_NOTEBOOK", "evaluation_notebook"]

EVALUATION_NOTEBOOK = "evaluation_fin_de_journee.ipynb"


def evaluation_notebook():
    return [
        header("Évaluation de fin de journée", "évaluation de la formation (fin de journée)", [
            "Évaluation à chaud : votre satisfaction par module et vos progrès ressentis",
            "Positionnement après la formation, comparé à celui du début de journée",
            "Évaluation des acquis : questions sur les notions du jour et sur les chiffres de l'entreprise",
        ], """\
        Ce carnet clôt la journée. Il ne demande aucun calcul : vous répondez, le carnet enregistre
        vos réponses dans votre journal personnel. Les questions d'acquis portent sur l'entreprise
        que vous avez suivie toute la journée : chaque réponse est corrigée aussitôt, avec son explication."""),
        parameters(),
        setup(EVALUATION_NOTEBOOK),
        md("""\
        ## 1. Votre évaluation à chaud

        Notez l'utilité de chaque module de 1 à 5, dites quels progrès vous ressentez sur chaque
        objectif, ajoutez un commentaire libre, puis cliquez sur « Envoyer mon évaluation »."""),
        code("""\
        # Votre évaluation à chaud
        from o2c_lab.ui import FinalAssessment, HotEvaluation, ReportConsent

        HotEvaluation(journal)"""),
        md("""\
        ## 2. Votre positionnement après la formation

        C'est le même positionnement qu'à la fin du carnet 06 : si vous l'avez fait, vos notes sont
        déjà cochées ; complétez-les ou changez-les si votre avis a évolué (une seule note par objectif
        est gardée, la dernière). Le tableau suivant compare vos notes avec celles du début de journée."""),
        code('# Vous situer à nouveau sur chaque objectif\nSelfAssessment(journal, "apres")'),
        code("""\
        # Afficher vos progrès (mis à jour à chaque enregistrement)
        from o2c_lab.ui.measures import progress_view

        progress_view(journal)"""),
        md("""\
        ## 3. Évaluation des acquis

        Une question par notion du jour : l'IA générative, la méthode RCOTF, l'anonymisation, la
        vérification des faits, la balance âgée et le DSO, les pénalités et délais légaux, les litiges
        et le rapprochement des encaissements. Plusieurs questions portent sur les chiffres de
        l'entreprise du cours. Choisissez une réponse puis cliquez sur « Valider » : la correction
        s'affiche aussitôt et votre première réponse compte."""),
        code("""\
        # Répondre aux questions d'évaluation des acquis
        from o2c_lab.coaching import assessment_items

        FinalAssessment(journal, assessment_items(company))"""),
        md("""\
        ## 4. Le bilan de la session

        Le formateur établit un bilan de la session à partir des journaux des participants qui
        l'acceptent (présence, progrès, résultats, satisfaction). Vos réponses y sont additionnées à
        celles des autres ; le bilan peut être rendu anonyme. Cochez la case si vous l'acceptez."""),
        code("""\
        # Votre accord pour le bilan de la session
        ReportConsent(journal)"""),
        next_step("""\
        Merci pour votre participation. Dans quarante jours, le carnet de suivi vous demandera ce que
        vous appliquez de votre plan d'action et le temps que vous gagnez.""", None),
    ]
