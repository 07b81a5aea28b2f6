"""The source of the course notebooks (French). ``build_notebooks`` writes them with nbformat.

Each notebook is a list of cells: markdown for the trainee, hidden and locked code that only
calls the library (widgets, tables, charts). Figures are computed when the notebook runs.
"""

from __future__ import annotations

from ..ai import load_library
from . import course_elearning
from .cells import code, header, md, next_step, parameters, setup
from .course_evaluation import EVALUATION_NOTEBOOK, evaluation_notebook
from .course_own_data import OWN_DATA_NOTEBOOK, own_data_cells
from .course_preparation import followup_notebook, preparation_notebook

__all__ = ["NOTEBOOKS"]


def _lab(prompt_id: str, **subject) -> object:
    args = "".join(f", {k}={v!r}" for k, v in subject.items())
    title = load_library()[prompt_id].title
    return code(f'# Prompt : {title}\nPromptLab(course, "{prompt_id}"{args})')


def _stopwatch(task: str):
    return code(f'# Chronométrer votre essai\nStopwatch(journal, "{task}", COURSE_TASKS["{task}"])')


def _take_away(key: str, label: str, prefill: str):
    return code(f"# Garder : {label}\nTakeAway(journal, {key!r}, {label!r}, prefill={prefill!r})")


def _timings(*tasks: str):
    keys = ", ".join(f'"{t}"' for t in tasks)
    return code(f"""\
# Afficher vos temps (mis à jour à chaque arrêt du chronomètre)
timing_view(journal, {{k: COURSE_TASKS[k] for k in ({keys},)}})""")


def _reveal(task, render: str, *args, title: str = "Comparer avec la référence"):
    """A comparison shown only after a try of ``task`` (see :class:`o2c_lab.ui.Reveal`)."""
    extra = "".join(f", {a!r}" for a in args)
    call = f"lambda c: {render}(c{extra})" if args else render
    return code(f"""\
# {title}
from o2c_lab.ui.references import {render}

Reveal(course, {task!r}, {call}, title={title!r})""")


# ----------------------------------------------------------------------------- 00
def _nb00():
    return [
        md("""\
        # Bienvenue — IA et Order to Cash

        Ce carnet ouvre la journée de formation **« IA et Order to Cash »**. Tout au long du parcours, vous
        suivez une même **entreprise fictive** : ses clients, ses factures, ses encaissements, ses relances
        et ses litiges. Vous verrez ce que l'IA apporte à chaque étape du cycle client — et ce qu'elle
        n'apporte pas — en mesurant les résultats sur des données dont on connaît la vérité.

        **Vous n'avez pas de code à écrire.** Un carnet est une suite de cellules :

        - les cellules de texte, comme celle-ci, se lisent ;
        - les cellules de calcul s'exécutent : cliquez dans la cellule puis appuyez sur **Maj + Entrée**
          (ou sur le bouton ▶ de la barre d'outils). Le résultat s'affiche juste en dessous ;
        - pour tout exécuter d'un coup : menu **Exécution › Exécuter toutes les cellules** ;
        - le code technique est replié : seule une courte ligne grise dit ce que fait la cellule
          (« # Afficher la balance âgée »). Inutile de l'ouvrir pour suivre le cours.

        Si quelque chose semble bloqué : menu **Noyau › Redémarrer le noyau et exécuter toutes les cellules**."""),
        parameters(),
        setup("00_bienvenue.ipynb"),
        md("""\
        ## 1. Vérifier votre environnement

        Exécutez la cellule suivante. Elle vérifie que tout ce dont le cours a besoin est installé.
        Chaque ligne doit commencer par ✔ ; sinon, le message indique quoi faire."""),
        code("""\
        # Vérifier l'environnement du cours
        import o2c_lab
        from o2c_lab.labsetup import environment_diagnosis

        print(environment_diagnosis())"""),
        md("""\
        ## 2. Choisir votre mode d'IA

        Le cours fonctionne avec **tous les outils d'IA du marché**, sans changement de logiciel :

        - **hors ligne** (par défaut) : aucune connexion, aucune clé. Les textes affichés sont des
          *références générées sans IA*, construites à partir des données, et présentées comme telles ;
        - **copier-coller** : le carnet prépare un prompt anonymisé, vous le collez dans votre outil
          (Copilot, ChatGPT, Claude, Gemini…) et vous recollez la réponse pour la faire vérifier ;
        - **API** : le carnet interroge directement un modèle configuré par le formateur ;
        - **rejeu** : le carnet rejoue des réponses enregistrées par le formateur avec un vrai modèle.

        Indiquez ci-dessous votre prénom, votre métier et le mode d'IA, puis cliquez sur « Enregistrer mes
        réglages ». Ils sont gardés sur votre poste et lus par tous les carnets de la journée ; si vous
        changez de prénom, votre journal est renommé (jamais dédoublé). En mode API, « Tester la
        connexion » vérifie l'accès au modèle configuré par le formateur."""),
        code("""\
        # Vos réglages : prénom, métier, mode d'IA
        from o2c_lab.ui import SettingsPanel

        SettingsPanel(course)"""),
        md("""\
        ## 3. Votre positionnement

        Avant de commencer, situez-vous sur chaque objectif de la formation, de 1 (je découvre) à 5
        (je suis autonome). Vos notes restent dans votre journal ; vous referez l'exercice en fin de
        journée (carnet 06) pour mesurer vos progrès."""),
        code('# Vous situer sur chaque objectif\nSelfAssessment(journal, "avant")'),
        md("""\
        ## 4. Faire connaissance avec l'entreprise

        L'entreprise du cas fil rouge est une PME française fictive qui distribue des fournitures
        industrielles à d'autres entreprises : grands comptes, PME, petites entreprises, acheteurs publics
        et quelques clients européens. Sa **balance âgée est tendue** : beaucoup de retard, concentré sur
        quelques clients, avec deux litiges ouverts.

        Toutes les données sont inventées (noms, adresses, montants) mais cohérentes : numéros SIREN,
        TVA et IBAN valides, factures qui correspondent aux commandes et aux livraisons… sauf quand une
        erreur a été glissée exprès. La cellule suivante affiche sa fiche, puis
        ses chiffres clés en une ligne."""),
        code("# Afficher la fiche de l'entreprise\ncompany"),
        code("""\
        # Afficher les chiffres clés en une ligne
        from o2c_lab.money import format_number, format_pct

        m = company.summary()
        print(f"En bref : {len(company.customers)} clients, {len(company.invoices)} factures ; encours "
              f"{format_eur(m['receivables_cents'])}, dont {format_pct(m['overdue_share'])} échu et "
              f"{format_pct(m['over_90_share'])} à plus de 90 jours ; délai moyen de paiement (DSO) "
              f"{format_number(m['dso_days'], 0)} jours.")""",
             tags=("nbval-check-output",)),
        md("""\
        ## 5. Les mots du métier

        Les indicateurs de la journée, en clair (la définition s'affiche aussi au survol) :"""),
        code("""\
        # Afficher le glossaire
        from IPython.display import HTML
        from o2c_lab.ui import glossary_html

        HTML(glossary_html())"""),
        next_step("""\
        Les carnets suivants reprennent les cinq étapes du cas fil rouge : rédiger de bons prompts (01),
        évaluer le risque client et la conformité des factures (02), analyser la balance âgée (03),
        relancer (04), traiter les litiges (05), puis rapprocher les encaissements et bâtir votre plan
        d'action à 30 jours (06).""", "01_prompts.ipynb"),
    ]


# ----------------------------------------------------------------------------- 01
def _nb01():
    return [
        header("Carnet 01 — Bien demander à l'IA (cas fil rouge 1/5)",
               "« S'approprier les concepts de base de l'IA dans le cycle O2C » et « Structurer ses demandes "
               "pour obtenir des résultats fiables »",
               ["IA générative : fonctionnement simplifié, ce qu'elle fait réellement et ses limites",
                "Cartographie des usages à fort ROI ; automatisation ERP, outils de recouvrement et IA générative",
                "Anonymiser un fichier Excel ; le réflexe de vérification des faits ; quiz « Humain ou IA ? »",
                "Méthode RCOTF, techniques d'itération, exemples appliqués au cycle client",
                "Cas fil rouge 1/5 : transformer une situation métier en prompts opérationnels"],
               "Vous apprenez à écrire une demande précise, à protéger les données et à vérifier chaque "
               "chiffre d'une réponse avant de l'utiliser."),
        parameters(),
        setup("01_prompts.ipynb"),
        md("""\
        ## 1. Ce que fait vraiment l'IA générative

        Un modèle de langage **prolonge un texte** : il choisit, mot après mot, la suite la plus
        plausible d'après tout ce qu'il a lu. Il en découle ses forces et ses limites :

        | il sait bien faire | il ne sait pas faire (seul) |
        |---|---|
        | rédiger, reformuler, adapter un ton | connaître votre grand livre ou vos encaissements du jour |
        | résumer un long fil d'e-mails | garantir qu'un montant ou une date est exact |
        | structurer une analyse, proposer un plan | calculer de façon fiable sur de gros tableaux |
        | extraire des clauses d'un contrat | décider à votre place ou engager l'entreprise |

        Conséquence : **l'IA propose, vous vérifiez et décidez**. Tout chiffre d'une réponse se contrôle
        contre vos données (section 4).

        ### Où l'IA rapporte le plus dans le cycle O2C

        | usage | ce qui change | exemple du jour |
        |---|---|---|
        | relances | un message adapté au client en quelques secondes | carnet 04 |
        | litiges | faits, responsabilités et enjeux extraits d'un long fil | carnet 05 |
        | analyse | balance âgée commentée, priorités argumentées | carnet 03 |
        | prévention | contrôle des factures et des signaux faibles | carnet 02 |

        ### Trois familles d'outils à ne pas confondre

        | | automatisation ERP | outil de recouvrement | IA générative |
        |---|---|---|---|
        | principe | règles fixes (lettrage, relance à J+15) | scénarios, scores, portail client | texte et analyse à la demande |
        | force | volume, fiabilité | suivi, priorisation, traçabilité | souplesse, rédaction, synthèse |
        | limite | rigide devant l'imprévu | paramétrage, coût | peut inventer, ne connaît pas vos données |"""),
        md("""\
        ## 2. Quiz « Humain ou IA ? »

        **Situation** : on vous transmet des relances et des réponses clients. Qui les a écrites : une
        personne, un programme qui remplit un modèle de lettre, ou une IA générative ?

        **Essai** : pour chaque texte, choisissez son auteur, puis validez. La provenance de chaque texte
        est enregistrée avec lui : un texte n'est présenté comme écrit par une IA que si un modèle l'a
        réellement écrit (réponse obtenue en direct, ou enregistrée par le formateur avec le modèle et la
        date)."""),
        code("""\
        # Lancer le quiz « Humain ou IA ? »
        from o2c_lab.coaching import quiz_texts
        from o2c_lab.ui import ProvenanceQuiz

        ProvenanceQuiz(journal, quiz_texts(company, course.assistant))"""),
        md("""\
        **À retenir** : l'allure d'un texte ne dit pas qui l'a écrit. Ce qui compte avant l'envoi, c'est
        l'exactitude des faits (montants, dates, factures) et le ton : vérifiez-les quel que soit l'auteur."""),
        md("""\
        ## 3. Anonymiser un fichier Excel avant de le confier à une IA

        **Situation** : vous voulez faire commenter vos factures échues par une IA en ligne. Le fichier
        contient des noms de clients, des SIREN, des IBAN, des noms de contacts. Il ne doit pas sortir
        de l'entreprise tel quel.

        **Essai** : la cellule suivante écrit un extrait Excel des factures échues, puis en produit une
        copie anonymisée (pseudonymes cohérents) et une table de correspondance qui reste sur votre poste."""),
        code("""\
        # Anonymiser un extrait Excel des factures échues
        import pandas as pd
        from o2c_lab.ai import anonymize_excel

        items = analysis.aged.items
        overdue = items[(items["days_past_due"] > 0) & ~items["unapplied"]].nlargest(15, "residual_cents")
        extract = overdue.merge(company.customers[["customer_id", "name", "siren", "iban"]], on="customer_id")
        extract = extract[["name", "siren", "iban", "document_id", "due_date", "residual_cents", "days_past_due"]]
        extract = extract.assign(residual_cents=extract["residual_cents"] / 100).rename(columns={
            "name": "client", "siren": "SIREN", "iban": "IBAN", "document_id": "facture", "due_date": "échéance",
            "residual_cents": "reste dû (€)", "days_past_due": "jours de retard"})
        source = course.workdir / "factures_echues.xlsx"
        extract.to_excel(source, index=False)
        result = anonymize_excel(source, course.workdir / "factures_echues_anonymisees.xlsx", company=company)
        print(f"Copie anonymisée écrite : {sum(result.replaced.values())} valeurs remplacées "
              f"({', '.join(f'{k} {v}' for k, v in sorted(result.replaced.items()))}). La table de correspondance "
              "reste sur votre poste : ne la transmettez jamais à l'IA.")
        for path in (source, result.path_out):
            display(french_table(pd.read_excel(path).head(4), numbers=["reste dû (€)"]))"""),
        md("""\
        **Comparaison** : les noms, SIREN et IBAN sont remplacés ; les montants et les retards restent,
        car l'IA en a besoin. La table de correspondance permet de remettre les vrais noms dans la réponse.

        ### Et votre propre fichier ?

        Le même outil accepte n'importe quel classeur (.xlsx) ou fichier CSV de votre service : il
        repère les colonnes de noms, e-mails, IBAN, SIREN/SIRET, téléphones, adresses et les
        commentaires où des noms de personnes apparaissent. Cochez ou décochez chaque colonne, puis
        téléchargez la copie anonymisée. Votre fichier est lu sur ce poste et n'est envoyé nulle part ;
        la table de correspondance reste chez vous. Le [carnet 07](07_vos_donnees.ipynb) va plus loin avec
        vos données, après la formation."""),
        code("""\
        # Anonymiser votre propre fichier
        from o2c_lab.ui.owndata import WorkbookAnonymiser

        WorkbookAnonymiser()"""),
        md("""\
        ## 4. Le réflexe de vérification des faits

        **Situation** : une relance rédigée par une IA contient une facture et des montants. Une seule
        erreur de montant suffit à décrédibiliser le service et à déclencher un litige.

        **Essai** : on prend une relance de référence et on y glisse une erreur (un montant modifié de
        100 €). Le vérificateur compare chaque montant, date, numéro de facture et client au grand livre.
        Son verdict se lit ainsi : **confirmé**, la valeur est celle des données de l'entreprise ;
        **écart**, elle en diffère (la bonne valeur et sa source sont affichées en face) ; **non
        vérifiable**, rien à comparer dans les données (ce n'est pas une erreur : contrôlez-la vous-même)."""),
        code("""\
        # Vérifier les faits d'une relance de référence, puis de la même relance modifiée
        import re
        from IPython.display import HTML
        from o2c_lab.ai import check_answer, fill
        from o2c_lab.money import to_cents

        letter = fill("relance_niveau1_courtoise", company).reference
        total = re.findall(r"\\d[\\d\\u202f\\u00a0 ]*,\\d{2}\\s?€", letter)[-1]
        changed = format_eur(to_cents(total) + 10_000)
        wrong = letter.replace(total, changed)
        display(HTML("<b>La relance de référence</b>"), check_answer(letter, course.fact_checker),
                HTML(f"<b>La même relance, où {total} devient {changed}</b>"), check_answer(wrong, course.fact_checker))"""),
        md("""\
        **À retenir** : relisez les montants, les dates, les numéros de facture et le nom du client de
        toute réponse d'IA, ou faites-les vérifier automatiquement comme ci-dessus. Un « écart » se
        corrige avant l'envoi, jamais après.

        ## 5. La méthode RCOTF : Rôle, Contexte, Objectif, Ton, Format

        **Essai** : écrivez votre propre demande en cinq parties. Le bouton « Vérifier mon prompt »
        signale chaque partie manquante ou trop vague, avec ce qu'il faut ajouter."""),
        code("""\
        # Écrire votre prompt en cinq parties
        from o2c_lab.ui import RcotfBuilder

        RcotfBuilder(journal, "01_mon_prompt_rcotf", prefill={"role": "Tu es chargé(e) de recouvrement."})"""),
        md("""\
        ## 6. Cas fil rouge 1/5 : transformer une situation métier en prompts

        **Situation** : un client répond seulement aux e-mails, et seulement le mardi. Il a plusieurs
        factures échues. Vous devez lui écrire une première relance, courtoise, qui obtient une date de
        paiement.

        **Mesure** : chronométrez-vous. D'abord *sans IA* (vous rédigez la relance dans votre messagerie),
        puis *avec IA* (vous copiez le prompt ci-dessous dans votre outil et corrigez sa réponse)."""),
        _stopwatch("01_prompt_relance"),
        _lab("relance_niveau1_courtoise"),
        md("""\
        ### Itérer : affiner, reformuler, raccourcir

        Une première réponse se travaille en quelques échanges. Voici trois relances types à envoyer à la
        suite de la réponse de votre outil :"""),
        code("""\
        # Afficher trois relances pour itérer
        from IPython.display import HTML
        from o2c_lab.ai import copy_block_html, iterate

        display(*(HTML(copy_block_html(iterate(action))) for action in ("affiner", "reformuler", "raccourcir")))"""),
        md("""\
        ### Deux autres exemples appliqués au cycle client

        Analyse d'une situation de paiement, puis résumé d'un échange complexe."""),
        _lab("comportement_paiement"),
        _lab("analyse_fil_emails"),
        md("## 7. Mesure : vos temps"),
        _timings("01_prompt_relance"),
        md("## 8. Ce que vous emportez"),
        _take_away("01_a_retenir", "Mes règles pour bien demander à l'IA",
                   "1. J'anonymise avant de coller des données.\n2. J'écris Rôle, Contexte, Objectif, Ton, "
                   "Format.\n3. Je vérifie chaque montant, date et numéro de facture avant d'envoyer."),
        next_step("Vous savez écrire une demande précise, protéger les données et vérifier une réponse. Le carnet 02 applique ces réflexes au risque client et à la facturation.", "02_risque_facture.ipynb"),
    ]


# ----------------------------------------------------------------------------- 02
def _nb02():
    return [
        header("Carnet 02 — Risque client et facturation (cas fil rouge 2/5)",
               "« Sécuriser le cycle en amont – risque client et facturation »",
               ["Analyse du risque client et comportement de paiement",
                "Vérification des conditions de paiement et des anomalies de commande",
                "Analyse des clauses contractuelles et signaux faibles",
                "Contrôle de conformité facture (commande, livraison, données) ; erreurs et causes de litiges",
                "Checklist « facture sans litige »",
                "Veille sur les défaillances clients : exposition et actions immédiates",
                "Cas fil rouge 2/5 : analyser un dossier client et auditer une facture avec l'IA"],
               "Vous repérez les clients à risque avec des raisons explicites, vous vérifiez qu'une facture "
               "ne contient pas la cause de son propre impayé, et vous réagissez à une alerte externe."),
        parameters(),
        setup("02_risque_facture.ipynb"),
        md("""\
        ## 1. Situation : qui surveiller dans le portefeuille ?

        Le niveau de risque de chaque client est calculé à partir de son comportement de paiement, de son
        encours, de sa note de crédit, des signaux externes et des litiges. Chaque niveau vient avec ses
        **raisons**, pour que vous puissiez les discuter."""),
        code("""\
        # Afficher les clients à surveiller
        risk = analysis.risk
        print("Clients par niveau de risque :", ", ".join(f"{level} {n}" for level, n in risk["level"].value_counts().items()))
        watch = risk[risk["level"] != "normal"].sort_values("exposure_cents", ascending=False).head(10)
        watch = watch.assign(client=[course.name(c) for c in watch.index],
                             raisons=watch["reasons"].map(" ; ".join))
        french_table(watch[["client", "level", "exposure_cents", "overdue_90_cents", "raisons"]],
                     rename={"level": "niveau", "exposure_cents": "encours", "overdue_90_cents": "à plus de 90 jours"})"""),
        md("""\
        ## 2. Cas fil rouge 2/5 : analyser un dossier client

        **Situation** : l'un des clients a des retards qui s'allongent depuis plusieurs mois, et une
        rumeur circule sur son principal client. Faut-il s'inquiéter, et que faire cette semaine ?

        **Mesure** : chronométrez votre analyse sans IA (à partir du tableau ci-dessus et de vos
        habitudes), puis avec le prompt d'analyse."""),
        _stopwatch("02_dossier_client"),
        code("""\
        # Afficher le dossier du client en dérive
        drifting = company.role("drifting_customer")
        row = analysis.behaviour.loc[drifting]
        print(f"{course.name(drifting)} : retard moyen récent {row['recent_delay']:.0f} jours, "
              f"auparavant {row['earlier_delay']:.0f} jours ; dérive : {'oui' if row['drift'] else 'non'}")
        print("Raisons du niveau de risque :", " ; ".join(analysis.risk.loc[drifting, "reasons"]))
        signals = company.external_signals[company.external_signals["customer_id"] == drifting]
        french_table(signals[["published_on", "source", "title"]], rename={"published_on": "date", "title": "titre"})"""),
        _lab("analyse_risque_client"),
        _lab("signaux_faibles"),
        md("""\
        **Comparaison objective** : pour repérer les clients à surveiller, la méthode habituelle prend les
        plus gros retards. Le graphique compare, sur la vérité de l'entreprise simulée, la part de vrais
        clients à risque parmi les clients retenus : même nombre de clients, deux méthodes."""),
        code("""\
        # Comparer les deux méthodes de surveillance
        measure_chart(analysis, "risk_detection")"""),
        md("""\
        ## 3. Conditions de paiement, clauses et anomalies de commande

        Un délai au-delà du plafond légal, une clause de pénalité absente, une remise contractuelle non
        appliquée : autant de causes d'impayé qui se voient *avant* l'échéance."""),
        _lab("verification_conditions_paiement"),
        _lab("clauses_contrat_risques"),
        _lab("anomalies_commande"),
        md("""\
        ## 4. Auditer une facture : conformité et checklist « facture sans litige »

        **Situation** : une grosse facture d'un grand compte fiable reste impayée. Le client ne conteste
        rien… mais la facture est-elle complète (bon de commande, mentions obligatoires, quantités) ?"""),
        _lab("conformite_facture"),
        md("""\
        **Comparaison objective** : des anomalies ont été glissées dans les factures de l'entreprise
        (prix hors contrat, quantité non livrée, doublon, mention obligatoire absente…). Le graphique
        compare la part retrouvée par un contrôle manuel de 10 % des factures tirées au hasard et par
        l'audit systématique de toutes les factures."""),
        code("""\
        # Comparer contrôle manuel et audit systématique
        from o2c_lab.casework import RULES, audit_invoices

        checks = {rule.anomaly: rule.check for rule in RULES}
        findings = audit_invoices(company)
        counts = findings.groupby("anomaly").size().sort_values(ascending=False)
        display(french_table(pd.DataFrame({"contrôle": [checks.get(a, a) for a in counts.index],
                                           "factures": counts.to_numpy()})),
                measure_chart(analysis, "audit_recall"))"""),
        _lab("checklist_facture_sans_litige"),
        md("""\
        ## 5. Une alerte externe sur un client : exposition et actions immédiates

        **Situation** : une annonce au BODACC signale l'ouverture d'une procédure collective chez un
        client. Quelle est votre exposition, et que faire aujourd'hui ?"""),
        code("""\
        # Afficher l'alerte externe
        insolvent = company.role("insolvent_customer")
        signals = company.external_signals[company.external_signals["customer_id"] == insolvent]
        french_table(signals[["published_on", "source", "title"]], rename={"published_on": "date", "title": "titre"})"""),
        _lab("alerte_externe_exposition"),
        md("""\
        **Comparaison** : l'exposition sur ce client et les actions que la liste priorisée propose
        (elles s'affichent après votre essai)."""),
        _reveal("02_dossier_client", "insolvency_actions_html", title="Voir l'exposition et les actions"),
        md("## 6. Mesure : vos temps"),
        _timings("02_dossier_client"),
        md("## 7. Ce que vous emportez"),
        _take_away("02_checklist", "Ma checklist « facture sans litige »",
                   "- Bon de commande du client reporté sur la facture\n- Quantités = bon de livraison signé\n"
                   "- Prix et remises = contrat\n- Mentions obligatoires (SIREN, pénalités, indemnité de 40 €)\n"
                   "- Délai de paiement dans le plafond légal"),
        next_step("Après la prévention, le pilotage : le carnet 03 lit la balance âgée et choisit les actions de la semaine.", "03_balance_agee.ipynb"),
    ]


# ----------------------------------------------------------------------------- 03
def _nb03():
    return [
        header("Carnet 03 — Balance âgée et priorités (cas fil rouge 3/5)",
               "« Piloter les encours et prioriser les actions »",
               ["Analyse de balance âgée et identification des leviers cash",
                "Segmentation clients et priorisation des actions",
                "Distinction entre urgences réelles et bruit opérationnel",
                "Enrichir l'analyse avec les données des outils existants (ERP, banque, recouvrement)",
                "Cas fil rouge 3/5 : analyser une balance âgée fictive avec un outil d'IA"],
               "Vous lisez la balance âgée, vous choisissez les actions de la semaine et vous mesurez "
               "quelle part du cash vraiment à risque vos 20 premières actions couvrent."),
        parameters(),
        setup("03_balance_agee.ipynb"),
        md("""\
        ## 1. Situation : la balance âgée au jour de l'arrêté"""),
        code("""\
        # Afficher la répartition de l'encours
        shares = analysis.aged.shares()
        BeforeAfterChart(ChartSpec("Répartition de l'encours par ancienneté", tuple(shares.index),
                                   {"part de l'encours": list(100 * shares.to_numpy())}, unit="%"))"""),
        code("""\
        # Afficher les parts de l'encours par ancienneté
        from o2c_lab.money import format_pct

        print("Part de l'encours par ancienneté : " + ", ".join(f"{bucket} {format_pct(float(share))}"
                                                              for bucket, share in shares.items()))""",
             tags=("nbval-check-output",)),
        code("""\
        # Afficher les indicateurs et les plus gros encours
        from o2c_lab.ui import kpi_table

        display(french_table(kpi_table(analysis.kpis, ("dso_simple", "bpdso_simple", "add_simple", "pct_over_90",
                                                        "cei"))))
        top = analysis.aged.by_customer.sort_values("Total", ascending=False).head(10)
        french_table(top.drop(columns=["procedure_collective"]).rename(columns={"name": "client", "segment": "segment",
                     "litige_cents": "en litige"}), money=list(analysis.aged.columns) + ["Total"])"""),
        md("""\
        ## 2. Cas fil rouge 3/5 : choisir les priorités de la semaine

        **Essai sans IA** : démarrez le chronomètre en mode « sans IA », choisissez vos cinq premières
        actions à partir du tableau ci-dessus, notez-les, arrêtez le chronomètre.

        **Essai avec IA** : repassez en mode « avec IA », utilisez le prompt de priorisation ci-dessous
        dans votre outil (ou la référence), puis arrêtez le chronomètre."""),
        _stopwatch("03_priorites"),
        _lab("priorisation_actions"),
        md("""\
        ## 3. Comparaison : la liste priorisée, urgences réelles et bruit

        La liste priorisée (une **règle métier**) classe les actions par cash à protéger, en tenant compte du
        risque, des litiges et des signaux. Certaines grosses factures ne relèvent pas du recouvrement : un
        bon de commande manquant ou un litige les bloque (**bruit pour le recouvrement**, à traiter par la
        facturation ou le commercial). Elle s'affiche après votre essai chronométré."""),
        _reveal("03_priorites", "priority_list_html", title="Voir la liste priorisée"),
        md("""\
        **Mesure objective** : part du cash qui finira vraiment en retard ou perdu (vérité de l'entreprise
        simulée) couverte par les 20 premières actions, selon qu'on trie par montant échu ou par la liste
        priorisée."""),
        code("""\
        # Mesurer le cash à risque couvert
        measure_chart(analysis, "priority_coverage")"""),
        md("""\
        ## 4. Segmenter, distinguer l'urgence du bruit, enrichir l'analyse"""),
        _lab("segmentation_clients"),
        _lab("urgences_vs_bruit"),
        _lab("leviers_cash"),
        _lab("enrichissement_donnees"),
        _lab("balance_agee_analyse"),
        md("## 5. Mesure : vos temps"),
        _timings("03_priorites"),
        md("## 6. Ce que vous emportez"),
        _take_away("03_matrice", "Ma matrice de priorisation des actions clients",
                   "Urgence réelle (risque élevé, montant important) : appel cette semaine.\n"
                   "Retard habituel (client fiable) : relance courtoise au bon moment.\n"
                   "Bruit (bon de commande, litige) : transmettre à la facturation ou au commercial.\n"
                   "Procédure collective : déclaration de créance, arrêt des relances."),
        md("""\
        ## 7. Vos données, après la formation

        La même balance âgée, les mêmes indicateurs et la même liste « qui relancer, qui ne pas relancer »
        se calculent sur l'export de votre ERP (pièces ouvertes ou balance âgée, quels que soient ses
        intitulés de colonnes), sur votre FEC ou votre relevé bancaire : c'est le
        [carnet 07 « Vos données »](07_vos_donnees.ipynb). Votre fichier y est lu sur votre poste et n'en
        sort pas ; seuls des prompts anonymisés sont proposés à l'IA."""),
        next_step("Les priorités sont choisies : le carnet 04 rédige les relances et prépare les appels.", "04_relances.ipynb"),
    ]


# ----------------------------------------------------------------------------- 04
def _nb04():
    return [
        header("Carnet 04 — Relances et échanges clients (cas fil rouge 4/5)",
               "« Accélérer le recouvrement et traiter les échanges clients »",
               ["Relances personnalisées et adaptation du ton selon le profil client",
                "Scénarios de relance multi-niveaux",
                "Contrôle qualité des communications avant envoi",
                "Analyse des fils d'e-mails complexes : problème réel et blocages",
                "Scripts d'appel adaptés au profil et au contexte client",
                "Synthèse d'un contrat : clauses de paiement, délais et pénalités",
                "Cas fil rouge 4/5 : 5 relances en 10 minutes + un échange e-mail transformé en script d'appel"],
               "Vous rédigez des relances dont le ton suit le profil du client, vous vérifiez qu'aucune ne part "
               "par erreur, et vous préparez un appel à partir d'un fil d'e-mails."),
        parameters(),
        setup("04_relances.ipynb"),
        md("""\
        ## 1. Cas fil rouge 4/5 : 5 relances en 10 minutes

        **Situation** : cinq clients, cinq profils : un client qui oublie, un retardataire chronique, un
        client en dérive, un acheteur public, un client européen. Chacun appelle un ton et un niveau
        différents.

        **Mesure** : chronométrez les cinq relances, sans IA puis avec IA (un onglet par client). Faites
        aussi vérifier les faits de vos lettres : collez ci-dessous une relance écrite sans IA, puis, dans
        les onglets, la réponse de votre outil d'IA. Le tableau des scores du carnet 06 compare la part
        de faits confirmés dans les deux cas (rien n'est compté tant que vous n'avez rien collé)."""),
        _stopwatch("04_cinq_relances"),
        code('# Faire vérifier votre relance écrite sans IA\nLetterCheck(course, "04_cinq_relances")'),
        code("""\
        # Afficher un prompt de relance par client
        import ipywidgets as widgets

        reminders = {"Niveau 1": "relance_niveau1_courtoise", "Niveau 2": "relance_niveau2_ferme",
                     "Niveau 3": "relance_niveau3_mise_en_demeure",
                     "Public": "relance_secteur_public", "Européen": "relance_client_ue"}
        labs = {title: PromptLab(course, prompt_id, fact_task="04_cinq_relances")
                for title, prompt_id in reminders.items()}
        tabs = widgets.Tab(children=[lab.widget for lab in labs.values()], titles=tuple(labs))
        tabs"""),
        md("""\
        ## 2. Scénario de relance multi-niveaux"""),
        _lab("scenario_relance_multiniveaux"),
        md("""\
        ## 3. Contrôle qualité avant envoi

        **Situation** : l'outil de relance s'apprête à relancer un client qui a **déjà payé** : son
        virement, au libellé obscur, n'est pas encore lettré. Une relance partirait à tort."""),
        _lab("controle_qualite_relance"),
        _lab("reponse_deja_paye"),
        md("""\
        **Comparaison** : le plan de relance calculé sur toutes les factures ouvertes écarte d'office les
        relances qui ne doivent pas partir, avec la raison : déjà payé, litige ouvert, procédure
        collective, promesse en cours."""),
        _reveal(("04_cinq_relances", "04_script_appel"), "dunning_comparison_html", title="Voir le plan de relance"),
        md("""\
        ## 4. D'un fil d'e-mails à un script d'appel

        **Situation** : un client paie ses factures en retenant des « pénalités logistiques ». Le fil
        d'e-mails est long ; vous devez l'appeler demain."""),
        code("""\
        # Afficher le fil d'e-mails du client
        deducter = company.role("unilateral_deducter")
        thread = company.emails[company.emails["customer_id"] == deducter].sort_values("sent_at").head(8)
        thread = thread.assign(sent_at=pd.to_datetime(thread["sent_at"]).dt.strftime("%d/%m/%Y %H:%M"))
        french_table(thread[["sent_at", "sender", "subject"]], rename={"sent_at": "date", "sender": "expéditeur",
                                                                       "subject": "objet"})"""),
        _stopwatch("04_script_appel"),
        _lab("email_vers_decision"),
        _lab("script_appel_email"),
        _lab("script_appel_retard"),
        md("## 5. Synthèse d'un contrat : clauses de paiement, délais, pénalités"),
        _lab("synthese_contrat"),
        md("## 6. Mesure : vos temps"),
        _timings("04_cinq_relances", "04_script_appel"),
        md("## 7. Ce que vous emportez"),
        _take_away("04_relances", "Mes modèles de relance et de script d'appel",
                   "Niveau 1 : rappel courtois, demande d'une date de paiement.\n"
                   "Niveau 2 : ferme, rappel des pénalités et de l'indemnité de 40 €.\n"
                   "Niveau 3 : mise en demeure, délai précis.\n"
                   "Script d'appel : accroche, faits, question ouverte, engagement daté, confirmation écrite."),
        next_step("Certaines factures ne se relancent pas : elles sont en litige. Le carnet 05 les traite.", "05_litiges.ipynb"),
    ]


# ----------------------------------------------------------------------------- 05
def _nb05():
    return [
        header("Carnet 05 — Litiges, alertes et synthèses (cas fil rouge 5/5)",
               "« Gérer les litiges, alertes internes et communication multi-parties »",
               ["Analyse des litiges : faits, responsabilités, enjeux",
                "Rédaction de réponses clients et notes de synthèse internes",
                "Prévention des litiges et amélioration des processus",
                "Rédaction d'une alerte interne sur un client à risque",
                "Synthèse hebdomadaire des clients à risque pour les responsables du cycle O2C",
                "Synthèse accessible pour des interlocuteurs non financiers (livreurs, techniciens, commerciaux)",
                "Cas fil rouge 5/5 : traiter un cas réel de litige avec un outil d'IA"],
               "Vous établissez les faits des deux litiges ouverts à partir des pièces, vous rédigez la réponse "
               "au client et la note interne, puis les messages aux autres équipes."),
        parameters(),
        setup("05_litiges.ipynb"),
        md("""\
        ## 1. Situation : les deux litiges ouverts"""),
        code("""\
        # Afficher les litiges ouverts
        disputes = company.disputes[company.disputes["status"] == "en litige"]
        disputes = disputes.assign(client=[course.name(c) for c in disputes["customer_id"]])
        french_table(disputes[["dispute_id", "client", "invoice_id", "opened_on", "amount_cents", "summary"]],
                     rename={"dispute_id": "litige", "invoice_id": "facture", "opened_on": "ouvert le",
                             "amount_cents": "montant en jeu", "summary": "résumé"})"""),
        code("""\
        # Afficher le fil d'e-mails du premier litige
        first = disputes.iloc[0]
        thread = company.emails[company.emails["thread_id"] == first["thread_id"]].sort_values("sent_at")
        thread = thread.assign(sent_at=pd.to_datetime(thread["sent_at"]).dt.strftime("%d/%m/%Y %H:%M"))
        french_table(thread[["sent_at", "sender", "kind", "subject"]],
                     rename={"sent_at": "date", "sender": "expéditeur", "kind": "type", "subject": "objet"})"""),
        md("""\
        ## 2. Cas fil rouge 5/5 : analyser le litige

        **Mesure** : chronométrez l'analyse du premier litige et la note interne, sans IA puis avec IA.
        Comparez ensuite votre analyse à la référence : faits, responsabilités, enjeux, issue équitable."""),
        _stopwatch("05_litige"),
        md("""\
        Collez la réponse de votre outil d'IA puis cliquez sur « Vérifier la réponse collée » : elle est
        corrigée sur les faits de l'entreprise (montant de l'avoir, facture en cause, faits exacts)."""),
        code("""\
        # Analyser chaque litige avec votre outil d'IA
        from o2c_lab.ui.prompt_lab import dispute_scorer

        for dispute_id in disputes["dispute_id"]:
            display(PromptLab(course, "analyse_litige", dispute_id=dispute_id,
                              scorer=dispute_scorer(company, dispute_id)))"""),
        md("""\
        **Comparaison avec la référence** : le cadre du premier litige, établi à partir des seules pièces
        (commande, bon de livraison, facture, contrat), sans IA."""),
        code("""\
        # Comparer avec le cadre de référence du litige (après votre essai)
        from o2c_lab.ui.references import dispute_reference_html

        Reveal(course, "05_litige", lambda c: dispute_reference_html(c, disputes.iloc[0]["dispute_id"]),
               title="Voir le cadre de référence")"""),
        md("## 3. Répondre au client et informer l'équipe"),
        _lab("reponse_client_litige"),
        _lab("note_synthese_litige"),
        md("## 4. Prévenir les prochains litiges"),
        _lab("prevention_litiges"),
        md("## 5. Alerte interne, synthèse hebdomadaire, message aux équipes non financières"),
        _lab("alerte_interne_client_risque"),
        _lab("synthese_hebdomadaire"),
        _lab("resume_non_financier"),
        md("## 6. Mesure : vos temps"),
        _timings("05_litige"),
        md("## 7. Ce que vous emportez"),
        _take_away("05_litiges", "Mon cadre de gestion des litiges",
                   "1. Faits établis par les pièces (commande, bon de livraison, facture, contrat).\n"
                   "2. Responsabilités : les nôtres, celles du client.\n3. Enjeux : montant, relation, précédent.\n"
                   "4. Issue proposée et prochaine étape datée.\n5. Cause à corriger pour ne pas recommencer."),
        next_step("Dernier carnet : l'argent qui rentre, les indicateurs cash, puis votre plan d'action et votre boîte à outils.", "06_encaissements_plan.ipynb"),
    ]


# ----------------------------------------------------------------------------- 06
def _nb06():
    return [
        header("Carnet 06 — Encaissements, indicateurs et plan d'action",
               "« Interpréter les écarts, estimer les encaissements probables et lire les indicateurs cash »",
               ["Écarts de rapprochement : libellés obscurs, paiements partiels, remises non signalées",
                "Hypothèses d'affectation pour préparer le rapprochement",
                "Estimation des encaissements probables (comportement de paiement, litiges en cours)",
                "Lecture des indicateurs cash : DSO, encours, retards ; atelier « tableau de bord »",
                "Atelier individuel : feuille de route à 30 jours et gain de temps hebdomadaire",
                "Évaluation finale de vos acquis"],
               "Vous terminez la journée par l'argent qui rentre : rapprocher, prévoir, lire les indicateurs, "
               "puis bâtir votre propre plan et mesurer vos progrès."),
        parameters(),
        setup("06_encaissements_plan.ipynb"),
        md("""\
        ## 1. Écarts de rapprochement et hypothèses d'affectation

        **Situation** : des virements arrivent avec des libellés obscurs, des montants partiels, des remises
        prises sans accord. La règle habituelle (référence et montant exacts) en laisse beaucoup de côté.

        **Mesure objective** : part des règlements clients affectés automatiquement, avec la règle
        habituelle puis avec le moteur de rapprochement, vérifiée sur la vérité de l'entreprise."""),
        code("""\
        # Mesurer les règlements affectés automatiquement
        measure_chart(analysis, "auto_match")"""),
        _stopwatch("06_rapprochement"),
        _lab("hypotheses_rapprochement"),
        md("""\
        ## 2. Estimer les encaissements probables

        Deux prévisions des 13 prochaines semaines : « tout sera payé à l'échéance » et la prévision qui
        tient compte du comportement de chaque client, des promesses et des litiges."""),
        code("""\
        # Afficher la prévision des encaissements
        weekly = analysis.forecast.weekly
        french_table(weekly[["week", "from", "to", "naive_cents", "low_cents", "expected_cents", "high_cents"]].head(6),
                     rename={"week": "semaine", "from": "du", "to": "au", "naive_cents": "à l'échéance",
                             "low_cents": "bas", "expected_cents": "attendu", "high_cents": "haut"})"""),
        md("""\
        **Comparaison** : l'écart moyen entre prévision et encaissements réels des 13 semaines (connus ici
        grâce à la simulation), en pourcentage des encaissements : plus il est bas, mieux c'est."""),
        code("""\
        # Mesurer l'erreur de prévision
        measure_chart(analysis, "forecast_error")"""),
        _lab("estimation_encaissements"),
        md("""\
        ## 3. Lire le tableau de bord : DSO, encours, retards"""),
        code("""\
        # Afficher les indicateurs cash
        for key in ("dso_simple", "dso_countback", "bpdso_simple", "add_simple", "pct_over_90", "cei"):
            print(analysis.kpis[key].display())""",
             tags=("nbval-check-output",)),
        _lab("lecture_kpi"),
        md("""\
        ## 4. Atelier individuel : votre plan d'action à 30 jours

        Choisissez **trois cas d'usage** prioritaires selon votre rôle et vos tâches les plus
        chronophages. Pour chacun : la tâche, le prompt, la routine, et votre estimation
        « je passe de X heures à Y minutes » (à partir de vos temps mesurés ci-dessous si possible)."""),
        _take_away("06_plan_cas_1", "Cas d'usage 1",
                   "Tâche : …\nPrompt : …\nRoutine (quand, à quelle fréquence) : …\n"
                   "Je passe de … heures à … minutes par semaine."),
        _take_away("06_plan_cas_2", "Cas d'usage 2",
                   "Tâche : …\nPrompt : …\nRoutine (quand, à quelle fréquence) : …\n"
                   "Je passe de … heures à … minutes par semaine."),
        _take_away("06_plan_cas_3", "Cas d'usage 3",
                   "Tâche : …\nPrompt : …\nRoutine (quand, à quelle fréquence) : …\n"
                   "Je passe de … heures à … minutes par semaine."),
        md("""\
        ## 5. Tableau des scores de la journée

        Les mesures objectives, calculées sur la vérité de l'entreprise simulée, la part de faits
        confirmés dans les relances que vous avez fait vérifier (carnet 04), puis vos propres temps.
        Ce qui n'a pas été mesuré est indiqué comme tel."""),
        code("""\
        # Afficher le tableau des scores (mis à jour avec votre journal)
        from o2c_lab.ui.measures import scoreboard_view

        scoreboard_view(analysis, journal)"""),
        _timings(*("01_prompt_relance", "02_dossier_client", "03_priorites", "04_cinq_relances", "04_script_appel",
                   "05_litige", "06_rapprochement")),
        md("""\
        ## 6. Évaluation finale

        Notez-vous à nouveau sur chaque objectif, puis exécutez la cellule suivante pour voir vos progrès
        depuis le positionnement du carnet 00."""),
        code('# Vous noter à nouveau\nSelfAssessment(journal, "apres")'),
        code("""\
        # Afficher vos progrès (mis à jour à chaque enregistrement)
        from o2c_lab.ui.measures import progress_view

        progress_view(journal)"""),
        md("""\
        ## 7. Votre boîte à outils

        Les onze livrables du cours, construits avec vos propres saisies (vos trois cas d'usage, vos
        prompts, vos temps mesurés) : guide, bibliothèque de prompts, modèles de relance, matrice de
        priorisation, méthode « e-mail ⇒ décision », scripts d'appel, checklist, cadre des litiges, plan à
        30 jours, guide des écarts, modèles d'alertes. Remplissez d'abord votre plan (section 4), puis
        cliquez : les fichiers Word, Excel et texte apparaissent dans le dossier « ma_boite_a_outils »
        du panneau des fichiers, avec un lien de téléchargement pour chacun et un fichier ZIP."""),
        code("""\
        # Exporter votre boîte à outils
        from o2c_lab.ui import ToolkitExport

        ToolkitExport(course)"""),
        next_step("""\
        La journée est terminée : votre boîte à outils est prête. Appliquez votre plan à 30 jours dès lundi,
        en commençant par le premier cas d'usage, et chronométrez-vous sur cinq occurrences réelles.""", None),
    ]


#: file name → cell factory, in course order.
NOTEBOOKS = {
    "avant_1_preparation.ipynb": preparation_notebook,
    "avant_2_essentiels_ia.ipynb": course_elearning.essentials_notebook,
    "avant_3_prompting.ipynb": course_elearning.prompting_notebook,
    "00_bienvenue.ipynb": _nb00,
    "01_prompts.ipynb": _nb01,
    "02_risque_facture.ipynb": _nb02,
    "03_balance_agee.ipynb": _nb03,
    "04_relances.ipynb": _nb04,
    "05_litiges.ipynb": _nb05,
    "06_encaissements_plan.ipynb": _nb06,
    EVALUATION_NOTEBOOK: evaluation_notebook,
    OWN_DATA_NOTEBOOK: own_data_cells,
    "apres_j40_suivi.ipynb": followup_notebook,
}
