"""The source of the two self-paced e-learning notebooks done before the day (French).

« IA : les essentiels de l'IA générative » (45 min) and « IA : maîtriser le prompting » (25 min):
widgets only, each section ends with a scored quiz whose answers go to the journal.
"""

from __future__ import annotations

import textwrap

from .cells import code, md, parameters, setup

__all__ = ["essentials_notebook", "prompting_notebook"]

ESSENTIALS = "avant_2_essentiels_ia.ipynb"
PROMPTING = "avant_3_prompting.ipynb"


def _intro(title: str, part: str, minutes: dict[str, int], intro: str):
    plan = "\n".join(f"- {section} : environ {n} min" for section, n in minutes.items())
    return md(f"""\
# {title}

**Module d'e-learning à faire avant la journée**, à votre rythme (environ {sum(minutes.values())} minutes).

**Partie du programme couverte** : {part}

{plan}

{intro}

**Vous n'avez pas de code à écrire.** Menu **Exécution › Exécuter toutes les cellules**, puis lisez
de haut en bas. Chaque section se termine par un court quiz noté : cochez vos réponses, puis
« Valider mes réponses » ; chaque réponse est expliquée et votre score est enregistré dans votre
journal personnel.""")


def _start(notebook: str):
    return [parameters(), setup(notebook), code("""\
# Préparer les quiz
from IPython.display import HTML
from o2c_lab.coaching import elearning
from o2c_lab.ui.elearning import ScoredQuiz, drafts_html, quiz_summary, side_by_side_html, tokens_html""")]


def _section(quiz: str, key: str, number: int, body: str):
    """A section's first text: its title and intended minutes (from the quiz data), then ``body``."""
    from ..coaching.elearning import quiz_sections

    section = quiz_sections(quiz)[key]
    return md(f"## {number}. {section['titre']} (environ {section['minutes']} min)\n\n{textwrap.dedent(body).strip()}")


def _quiz(quiz: str, section: str, title: str):
    return code(f"""\
# Quiz : {title}
ScoredQuiz(elearning.section_items(company, {quiz!r}, {section!r}), journal, {quiz!r},
           title="Quiz — {title}")""")


def _summary(quiz: str):
    return code(f"""\
# Afficher votre score par section (mis à jour à chaque validation)
quiz_summary(journal, {quiz!r})""")


def _minutes(quiz: str) -> dict[str, int]:
    from ..coaching.elearning import quiz_sections

    return {s["titre"]: s["minutes"] for s in quiz_sections(quiz).values()}


# ----------------------------------------------------------------------------- essentiels
def essentials_notebook():
    """« IA : les essentiels de l'IA générative »: tokens, next-token prediction, finance, data protection."""
    return [
        _intro("IA : les essentiels de l'IA générative",
               "« S'approprier les concepts de base de l'IA dans le cycle O2C » (préparation en ligne)",
               _minutes("essentiels_ia"),
               "Vous voyez, sur les lettres de l'entreprise du cours, comment un modèle d'IA générative lit un "
               "texte, comment il écrit, pourquoi il invente des faits, et comment protéger les données avant "
               "de lui confier un e-mail."),
        *_start(ESSENTIALS),
        _section('essentiels_ia', 'jetons', 1, """\

        Un modèle de langage ne lit pas des mots mais des **jetons** : des morceaux de texte (un mot
        court, un bout de mot, un chiffre, une espace, une ponctuation). Tout se compte en jetons : la
        longueur maximale d'une demande, et le **prix** d'un appel à un modèle en ligne, facturé au
        jeton envoyé (entrée) et au jeton reçu (sortie).

        **Essai** : voici une relance par e-mail de l'entreprise du cours, découpée comme la
        découpe le modèle (une couleur par jeton, « · » pour une espace, « ↵ » pour un retour à la ligne).
        Regardez les montants et les numéros de facture : ils coûtent beaucoup de jetons."""),
        code("""\
        # Découper une relance de l'entreprise en jetons, les compter et estimer le coût
        from html import escape
        from o2c_lab.ai import count_tokens, estimate_cost
        from o2c_lab.ai.tokens import token_pieces
        from o2c_lab.money import format_number

        customer_id, letter = elearning.sample_letter(company)
        pieces = token_pieces(letter)
        counts = elearning.token_question_values(letter)
        cost = estimate_cost("gpt-4o-mini", counts["jetons"], counts["jetons"], basis="estimation")
        display(HTML(f"<b>Relance à {course.name(customer_id)}</b>"
                     + (tokens_html(pieces) if pieces else f"<pre>{escape(letter)}</pre>")
                     + f"<p>{format_number(counts['mots'], 0)} mots, {format_number(counts['caracteres'], 0)} "
                       f"caractères : <b>{count_tokens(letter)}</b>. Faire écrire une relance de cette longueur "
                       f"par un petit modèle en ligne (entrée et sortie de même taille) coûte environ {cost}.</p>"))"""),
        md("""\
        **À retenir** : un jeton fait en moyenne 3 à 4 caractères d'un texte français ; les chiffres
        sont découpés en petits groupes. Le coût d'une relance est minime, celui de milliers de
        relances ou de longs fichiers l'est moins : on n'envoie que ce qui sert."""),
        _quiz("essentiels_ia", "jetons", "les jetons"),
        _section('essentiels_ia', 'prediction', 2, """\

        Un modèle génératif écrit **un jeton après l'autre** : à chaque pas, il calcule quelles suites
        sont probables d'après les textes qu'il a lus, et en tire une. Les grands modèles font ce calcul
        avec des milliards de paramètres ; le principe se voit très bien sur un tout petit modèle.

        **Essai** : on entraîne ici un petit modèle sur les seules relances par e-mail de l'entreprise
        du cours (premières et deuxièmes relances). Il retient, pour chaque suite de trois morceaux de texte, ce qui vient ensuite dans ces
        lettres. Voici ce qu'il a appris après « Montant total : »."""),
        code("""\
        # Ce que le petit modèle propose après « Montant total : »
        from o2c_lab.ai.ngram import tokenize

        model = elearning.letter_model(company)
        after = model.candidates(tokenize("\\nMontant total :"))  # the line starts the context
        display(HTML("<b>Suites possibles après « Montant total : »</b> (début du morceau suivant)"),
                french_table(pd.DataFrame({"morceau suivant": [t.strip() or "(espace)" for t, _ in after[:8]],
                                           "probabilité (%)": [100 * p for _, p in after[:8]]}),
                             numbers=["probabilité (%)"], decimals=1))"""),
        md("""\
        Ces suites viennent des lettres de **tous** les clients : le modèle n'a aucune idée du client
        dont il parle, il sait seulement ce qui « sonne juste » après ces mots.

        **Essai** : on lui donne le début de la vraie relance (l'en-tête et le nom du client) et on lui
        fait écrire trois brouillons. Le vérificateur du cours compare ensuite chaque montant, date,
        numéro de facture et nom de client aux données de l'entreprise."""),
        code("""\
        # Trois brouillons écrits par le petit modèle, et la vérification de leurs faits
        drafts = elearning.ngram_drafts(company, checker=course.fact_checker)
        HTML(drafts_html(drafts))"""),
        md("""\
        **À retenir : les faits se vérifient.** Le brouillon a le ton, la forme et le vocabulaire du
        service recouvrement, mais il recopie des numéros de facture et des montants d'autres clients.
        Un grand modèle se trompe moins souvent, mais de la même façon : il écrit ce qui est probable,
        pas ce qui est vrai."""),
        _quiz("essentiels_ia", "prediction", "prédire le mot suivant"),
        _section('essentiels_ia', 'finance', 3, """\

        | elle fait bien | elle fait mal (seule) |
        |---|---|
        | rédiger, reformuler, adapter le ton d'une relance | citer le bon montant, la bonne facture, la bonne date |
        | résumer un long fil d'e-mails, en extraire les engagements | calculer de façon fiable sur une balance âgée complète |
        | structurer une note de litige, proposer un plan d'action | connaître vos encaissements du jour, vos accords oraux |
        | expliquer une règle (pénalités, indemnité de 40 €) | décider d'une mise en demeure ou d'un avoir |

        Conséquence pratique : **vous fournissez les faits, l'IA rédige, vous vérifiez et décidez**.
        Les calculs restent dans l'outil comptable ou le tableur ; l'IA met en forme."""),
        _quiz("essentiels_ia", "finance", "forces et limites en finance"),
        _section('essentiels_ia', 'donnees', 4, """\

        Un e-mail client contient des données personnelles (nom, adresse e-mail, téléphone du contact)
        et des informations d'affaires (raison sociale, SIREN, IBAN). Avant de le coller dans une IA en
        ligne, on les remplace par des **pseudonymes** ; la table de correspondance reste sur votre poste
        et permet de remettre les vrais noms dans la réponse.

        **Essai** : le premier e-mail reçu d'un client dans les échanges de l'entreprise, avant et après
        anonymisation par l'outil du cours."""),
        code("""\
        # Anonymiser un e-mail client : avant, après, et la table de correspondance
        from o2c_lab.ai import Anonymizer

        original = elearning.customer_email(company)
        anonymizer = Anonymizer.from_company(company)
        result = anonymizer.anonymize_text(original)
        display(HTML(side_by_side_html(original, result.text)
                     + f"<p>{len(result.spans)} élément(s) remplacé(s). Table de correspondance, à garder sur votre "
                       "poste :</p>"),
                french_table(anonymizer.mapping_frame()))"""),
        md("""\
        **À retenir** : les montants, les dates et les numéros de facture restent (l'IA en a besoin) ;
        les noms, coordonnées et identifiants partent sous pseudonyme. En cas de doute, on n'envoie pas."""),
        _quiz("essentiels_ia", "donnees", "protéger les données"),
        md("## Votre score par section"),
        _summary("essentiels_ia"),
        md(f"""\
        ## Et ensuite ?

        Vous savez comment un modèle lit, écrit et se trompe. Le second module vous apprend à lui
        demander ce que vous voulez, sous la forme que vous voulez.

        **Module suivant** : [IA : maîtriser le prompting]({PROMPTING})"""),
    ]


# ----------------------------------------------------------------------------- prompting
def prompting_notebook():
    """« IA : maîtriser le prompting »: role and context, format and examples, iteration."""
    return [
        _intro("IA : maîtriser le prompting",
               "« Structurer ses demandes à l'IA pour obtenir des résultats fiables » (préparation en ligne)",
               _minutes("prompting"),
               "Une demande à l'IA (un « prompt ») se construit en cinq parties : **Rôle, Contexte, Objectif, "
               "Ton, Format** (méthode RCOTF), complétées au besoin par des exemples, puis s'améliore en "
               "quelques échanges."),
        *_start(PROMPTING),
        _section('prompting', 'role_contexte', 1, """\

        - **Rôle** : qui l'IA doit être (« Tu es chargé(e) de recouvrement B2B dans une PME industrielle »).
          Le rôle oriente le vocabulaire, les priorités et le niveau de détail.
        - **Contexte** : la situation et les faits utiles, anonymisés (client, factures, échéances,
          relances déjà faites). Sans contexte, l'IA comble les vides… en inventant.

        **Essai** : voici un prompt de relance préparé pour un client de l'entreprise du cours. Une de
        ses cinq parties est manquante ou trop vague : laquelle ? Répondez dans le quiz ci-dessous."""),
        code("""\
        # Afficher le prompt à examiner
        from html import escape
        from o2c_lab.ai import RcotfPrompt

        parts, _issues = elearning.rcotf_exercise(company)
        HTML(f"<pre style='white-space:pre-wrap;border:1px solid #c9d3e0;padding:6px'>"
             f"{escape(RcotfPrompt(parts).render())}</pre>")"""),
        _quiz("prompting", "role_contexte", "rôle et contexte"),
        _section('prompting', 'format_exemples', 2, """\

        - **Objectif** : le résultat attendu, avec un verbe d'action (« Rédige », « Résume », « Classe »).
        - **Ton** : le registre adapté au destinataire et au niveau de relance (courtois, ferme…).
        - **Format** : la forme et la longueur (« un e-mail de 120 mots au maximum, avec un objet »,
          « un tableau de 10 lignes au plus »).
        - **Exemples** : une relance réussie montre mieux qu'une description le ton et la structure
          attendus ; précisez que seule sa forme est à reprendre, pas ses montants.

        **Essai** : voici un prompt complet de la bibliothèque du cours, rempli avec les données
        anonymisées d'un client. Repérez ses cinq parties."""),
        code("""\
        # Un prompt complet de la bibliothèque du cours
        PromptLab(course, "relance_niveau1_courtoise")"""),
        _quiz("prompting", "format_exemples", "format, ton et exemples"),
        _section('prompting', 'iteration', 3, """\

        Une première réponse se travaille en deux ou trois échanges courts, sans tout recommencer. Trois
        relances types à envoyer à la suite d'une réponse :"""),
        code("""\
        # Trois relances pour itérer
        from o2c_lab.ai import copy_block_html, iterate

        HTML("".join(copy_block_html(iterate(action)) for action in ("affiner", "reformuler", "raccourcir")))"""),
        md("""\
        **Essai** : corrigez le prompt de la section 1, partie par partie, puis « Vérifier mon prompt ».
        Quand les cinq parties sont précises, ajoutez-le à votre bibliothèque de prompts."""),
        code("""\
        # Corriger le prompt de la section 1 et le vérifier
        from o2c_lab.ui import RcotfBuilder

        RcotfBuilder(journal, "avant_3_mon_prompt", prefill=parts)"""),
        _quiz("prompting", "iteration", "itérer"),
        md("## Votre score par section"),
        _summary("prompting"),
        md("""\
        ## Et ensuite ?

        Vous êtes prêt(e) pour la journée : vous y appliquerez ces réflexes aux cas de l'entreprise du
        cours (risque client, balance âgée, relances, litiges, encaissements).

        **Carnet suivant** : [Bienvenue](00_bienvenue.ipynb)"""),
    ]

