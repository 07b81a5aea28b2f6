"""The source of the two notebooks around the day (French): the preparatory questionnaire, opened
before the training, and the follow-up 40 days after it."""

from __future__ import annotations

from .cells import code, md, parameters

__all__ = ["followup_notebook", "preparation_notebook"]

PREPARATION, FOLLOWUP = "avant_1_preparation.ipynb", "apres_j40_suivi.ipynb"


def preparation_notebook():
    return [
        md("""\
        # Avant la formation — Votre questionnaire préparatoire

        **Partie du programme couverte** : Engagement — « Complétez votre questionnaire préparatoire. Votre
        formateur reçoit vos objectifs de progrès. »

        Ce carnet se remplit **avant la journée**, en un quart d'heure environ. Vos réponses permettent au
        formateur d'adapter la journée à votre métier, à vos tâches et aux outils d'IA que votre employeur
        autorise. **Vous n'avez pas de code à écrire** : menu **Exécution › Exécuter toutes les
        cellules**, puis remplissez les formulaires qui s'affichent.

        Vos réponses sont gardées dans votre journal personnel, sur votre poste. Elles ne partent chez le
        formateur que si vous lui envoyez le fichier préparé à l'étape 3."""),
        parameters(),
        code(f"""\
        # Ouvrir votre journal personnel
        from o2c_lab.coaching import Journal, load_settings
        from o2c_lab.ui import SelfAssessment
        from o2c_lab.ui.preparation import JournalExport, PreparationForm

        journal = Journal.open(load_settings().participant if participant is None else participant)
        journal.record_visit("{PREPARATION}")
        if journal.notice:
            print(journal.notice)"""),
        md("""\
        ## 1. Votre questionnaire

        Indiquez votre nom, votre métier, vos **trois tâches les plus chronophages** avec le temps
        qu'elles vous prennent chaque semaine, les outils d'IA à votre disposition et les règles de votre
        employeur, puis vos objectifs de progrès. Une tâche sans durée n'est pas enregistrée : estimez au
        mieux, à la demi-heure près. Vous pouvez revenir modifier vos réponses : le dernier enregistrement
        remplace le précédent.

        La case d'accord autorise le formateur à lire vos réponses dans son bilan de la promotion ;
        sans elle, votre fichier ne sert qu'à préparer la journée."""),
        code("""\
        # Remplir le questionnaire préparatoire
        PreparationForm(journal)"""),
        md("""\
        ## 2. Vous situer sur les objectifs de la formation

        Pour chaque objectif, de 1 (je découvre) à 5 (je suis autonome et je peux l'expliquer). Il n'y a
        pas de bonne réponse : ce positionnement sert de point de départ, vous le referez en fin de journée
        puis 40 jours après."""),
        code('# Vous situer sur chaque objectif\nSelfAssessment(journal, "avant")'),
        md("""\
        ## 3. Envoyer vos réponses au formateur

        Le bouton prépare le fichier à envoyer : c'est une copie de votre journal (votre questionnaire et
        votre positionnement, rien d'autre à ce stade), nommée d'après votre nom. Il apparaît dans le
        dossier « a_envoyer_au_formateur » du panneau des fichiers, avec un lien de téléchargement.
        Envoyez-le à votre formateur par e-mail ou déposez-le sur votre espace participant."""),
        code("""\
        # Préparer le fichier à envoyer au formateur
        JournalExport(journal, "preparation")"""),
        md("""\
        ## Et ensuite ?

        Avant la journée, suivez les deux modules d'apprentissage en ligne : « IA : les essentiels de l'IA
        générative » (45 min) puis « IA : maîtriser le prompting » (25 min).

        **Carnet suivant** : [IA : les essentiels de l'IA générative](avant_2_essentiels_ia.ipynb)"""),
    ]


def followup_notebook():
    return [
        md("""\
        # Après la formation — Votre suivi à J+40

        **Partie du programme couverte** : Transfert et évaluation « à froid », 40 jours après la
        formation, pour valider le transfert de vos acquis en situation de travail.

        Quarante jours ont passé depuis la journée. Ce carnet rouvre votre journal : votre plan à 30 jours
        (les trois cas d'usage du carnet 06), vos auto-évaluations et vos temps. Vous notez ce que vous
        avez réellement appliqué et le temps que chaque tâche vous prend aujourd'hui, vous vous situez de
        nouveau sur les objectifs, et vous voyez côte à côte le début de la journée, la fin de la journée
        et aujourd'hui. **Vous n'avez pas de code à écrire** : menu **Exécution › Exécuter toutes les
        cellules**."""),
        parameters(),
        code(f"""\
        # Ouvrir votre journal et l'entreprise du cours
        from o2c_lab.ui import Course, SelfAssessment
        from o2c_lab.ui.preparation import FollowUpForm, JournalExport, PracticeCompany, followup_view

        course = Course.start(seed=seed, data_folder=data_folder, ai_mode=ai_mode, participant=participant,
                              module="{FOLLOWUP}")
        journal = course.journal
        course.banner()"""),
        md("""\
        ## 1. Votre plan à 30 jours, 40 jours après

        Pour chacun de vos trois cas d'usage : l'avez-vous appliqué ? Qu'avez-vous mis en place ? Et
        surtout, **combien de temps la tâche vous prenait avant la formation, et combien aujourd'hui**
        (« je passais X heures par semaine, je passe Y minutes »). Reprenez des temps réels, mesurés sur
        vos dernières semaines : laissez une case vide plutôt que d'inventer un chiffre, elle sera
        indiquée « non mesuré »."""),
        code("""\
        # Noter ce que vous avez appliqué et vos temps d'aujourd'hui
        FollowUpForm(journal)"""),
        md("""\
        ## 2. Vous situer à nouveau

        Les mêmes objectifs qu'avant et à la fin de la journée, de 1 à 5, d'après ce que vous faites
        réellement aujourd'hui dans votre travail."""),
        code('# Vous situer sur chaque objectif à J+40\nSelfAssessment(journal, "j40")'),
        md("""\
        ## 3. Avant, fin de journée, J+40 : côte à côte

        Le tableau se met à jour à chaque enregistrement. « non mesuré » signale ce qui n'a pas été saisi :
        aucun chiffre n'est déduit ni inventé."""),
        code("""\
        # Afficher vos progrès depuis le début de la formation
        followup_view(journal)"""),
        md("""\
        ## 4. Vous entraîner sur une nouvelle entreprise

        Les exercices en autonomie (dossier « exercises », ou « exercices » dans le kit de votre
        promotion) se refont sur n'importe quelle entreprise fictive. Le bouton ci-dessous en crée une
        nouvelle, avec d'autres clients, d'autres factures et d'autres retards, et l'enregistre dans votre
        dossier personnel (à côté de votre journal). À partir de là, **chaque exercice que vous ouvrez
        utilise cette entreprise** et l'indique sous sa première cellule ; les réponses attendues sont
        calculées pour elle. Le second bouton fait revenir les exercices à l'entreprise du cours."""),
        code("""\
        # Créer une nouvelle entreprise pour les exercices
        PracticeCompany(course)"""),
        md("""\
        ## 5. Envoyer votre suivi au formateur

        Comme avant la formation, le bouton prépare une copie de votre journal dans le dossier
        « a_envoyer_au_formateur », avec un lien de téléchargement, à envoyer à votre formateur."""),
        code("""\
        # Préparer le fichier à envoyer au formateur
        JournalExport(journal, "j40")"""),
        md("""\
        ## Et ensuite ?

        Continuez à chronométrer vos tâches sur des cas réels : c'est la seule mesure qui compte.
        Reprenez votre boîte à outils (prompts, modèles de relance, plan à 30 jours) et choisissez un
        nouveau cas d'usage pour le mois qui vient."""),
    ]
