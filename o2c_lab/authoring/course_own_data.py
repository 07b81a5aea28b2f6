"""The source of notebook 07 « Vos données », for after the training day (not one of its seven
modules): the participant brings her own exports and applies the course to them."""

from __future__ import annotations

from .cells import code, header, md, parameters, setup

__all__ = ["OWN_DATA_NOTEBOOK", "own_data_cells"]

#: The notebook's file name.
OWN_DATA_NOTEBOOK = "07_vos_donnees.ipynb"


def own_data_cells():
    return [
        header("Carnet 07 — Vos données (après la formation)",
               "« Enrichir l'analyse avec les données des outils existants », appliqué à vos propres fichiers",
               ["Anonymiser votre propre fichier Excel avant de le confier à une IA",
                "Lire votre export de pièces ouvertes ou de balance âgée, votre FEC ou votre relevé bancaire",
                "Votre balance âgée, vos indicateurs, qui relancer et qui ne pas relancer",
                "Les prompts du cours remplis avec vos données anonymisées"],
               "Ce carnet se fait après la journée, à votre rythme, avec vos fichiers. **Rien ne quitte votre "
               "poste** : le fichier choisi est lu par ce carnet, les résultats sont écrits dans le dossier "
               "« mes-donnees », à côté des carnets, et seuls des textes anonymisés sont proposés à l'IA."),
        parameters(),
        setup(OWN_DATA_NOTEBOOK),
        md("""\
        ## 1. Anonymiser votre fichier Excel

        **Situation** : vous voulez faire commenter un fichier de votre service par un outil d'IA. Il
        contient des raisons sociales, des contacts, des e-mails, des IBAN, des SIREN, des commentaires.

        **Essai** : choisissez votre fichier (.xlsx ou .csv). Le carnet propose les colonnes à masquer,
        d'après leur intitulé ou leur contenu ; cochez ou décochez, puis téléchargez la copie anonymisée.
        La table de correspondance reste sur votre poste : elle seule permet de remettre les vrais noms."""),
        code("""\
        # Anonymiser votre fichier
        from o2c_lab.ui.owndata import WorkbookAnonymiser

        WorkbookAnonymiser()"""),
        md("""\
        ## 2. Votre balance âgée, vos indicateurs, vos priorités

        **Situation** : votre ERP exporte les pièces ouvertes (ou la balance âgée) avec ses propres
        intitulés de colonnes ; votre comptabilité peut aussi fournir le FEC, et votre banque un relevé.

        **Essai** : choisissez le fichier ; vérifiez la correspondance proposée pour chaque colonne
        (aperçu des dix premières lignes), l'ordre des dates et le séparateur décimal quand le fichier
        ne permet pas de les déduire, puis lisez-le. Le rapport de qualité dit ce qui a été lu, mis de
        côté ou refusé, et pourquoi. Enregistrez la correspondance sous un nom : elle sera proposée la
        prochaine fois. Choisissez ensuite la date d'arrêté et lancez les analyses."""),
        code("""\
        # Lire votre export et l'analyser
        from o2c_lab.ui.owndata import OwnDataWizard

        OwnDataWizard(course)"""),
        md("""\
        ## 3. Votre relevé bancaire

        **Situation** : avant de lettrer les encaissements, vérifiez que le relevé est complet : chaque
        relevé doit se vérifier (solde d'ouverture + mouvements = solde de clôture).

        **Essai** : choisissez votre relevé (camt.053, MT940, CFONB 120 ou CSV de votre banque)."""),
        code("""\
        # Lire votre relevé bancaire
        from o2c_lab.ui.owndata import BankStatementView

        BankStatementView()"""),
        md("""\
        **À retenir** : les chiffres viennent de votre fichier, calculés sur ce poste ; l'IA ne reçoit que
        les prompts anonymisés que vous copiez. Vérifiez toujours ses réponses contre ces tableaux.

        ## Et ensuite ?

        Refaites ce carnet à chaque arrêté : la correspondance des colonnes enregistrée vous fait gagner
        la première étape. Vos prompts du jour sont dans votre boîte à outils
        ([carnet 06](06_encaissements_plan.ipynb))."""),
    ]
