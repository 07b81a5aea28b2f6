"""The eleven deliverables of the course programme, each built from the library's own references.

:data:`DELIVERABLES` is a registry (slug -> title, builder). A builder takes the company and the
participant's journal data (``None`` for the generic version) and returns a
:class:`~o2c_lab.deliverables.document.Document`. Figures come from the company; times come
only from the journal, and are written « non mesuré » when the participant did not measure them.
"""

from __future__ import annotations

import re

from ..formats.tabular import Formula
from ..money import format_eur, format_number
from .document import Document, Section, Table

__all__ = ["DELIVERABLES", "JOURNAL_READERS", "build_document", "measured_minutes"]

_UNMEASURED = "non mesuré"


def _who(journal: dict | None) -> str:
    if journal and journal.get("participant"):
        return f"Version personnelle de {journal['participant']}."
    return "Version générique, construite sur l'entreprise fil rouge du cours."


def measured_minutes(journal: dict | None) -> dict[str, dict[str, float]]:
    """Median minutes per task and mode (« manuel », « avec_ia ») from the journal's stopwatch."""
    import statistics

    out: dict[str, dict[str, list]] = {}
    for t in (journal or {}).get("timings", []):
        out.setdefault(t["task"], {}).setdefault(t["mode"], []).append(float(t["seconds"]) / 60)
    return {task: {mode: round(statistics.median(v), 1) for mode, v in modes.items()} for task, modes in out.items()}


def _readable(template: str) -> str:
    """Prompt variables ``{{ fiche_client }}`` shown as « [fiche client] » for a human reader."""
    return re.sub(r"\{\{\s*(\w+)\s*\}\}", lambda m: "[" + m.group(1).replace("_", " ") + "]", template).strip()


def _guide(company, journal) -> Document:
    return Document("01_guide_bonnes_pratiques", "Guide de bonnes pratiques de l'IA en environnement financier",
                    _who(journal), [
        Section("Ce que fait l'IA générative, et ce qu'elle ne fait pas", bullets=[
            "Elle rédige, résume, reformule et classe des textes en quelques secondes : relances, synthèses, "
            "scripts d'appel, notes internes.",
            "Elle ne connaît pas vos données : tout chiffre qu'elle cite doit venir de ce que vous lui donnez.",
            "Elle peut se tromper avec assurance (montants, dates, articles de loi) : elle prépare, vous décidez.",
            "Les calculs (balance âgée, DSO, lettrage, prévisions) restent l'affaire de vos outils et des "
            "moteurs de calcul, pas du modèle de langage."]),
        Section("Anonymiser avant d'envoyer", bullets=[
            "Remplacez noms de clients, contacts, e-mails, téléphones, SIREN, SIRET, TVA et IBAN par des "
            "pseudonymes (« <CLIENT_1> »), en gardant la table de correspondance sur votre poste.",
            "Gardez les montants et les dates si la tâche en a besoin ; décalez les dates si elles identifient "
            "le client.",
            "Outil du cours : « o2c-lab anonymize mon_fichier.xlsx --out mon_fichier_anonyme.xlsx ».",
            "Ne donnez jamais la table de correspondance à l'IA ; rétablissez les vrais noms après la réponse."]),
        Section("Le réflexe de vérification", bullets=[
            "Chaque montant, date, numéro de facture et nom de client de la réponse est vérifié contre le "
            "grand livre : confirmé, écart ou non vérifiable.",
            "Un fait demandé mais absent de la réponse est signalé comme omis.",
            "Une mention légale (pénalités, indemnité de 40 €, mise en demeure) n'est acceptée que si elle "
            "correspond au bon niveau de relance."]),
        Section("Les limites à connaître", bullets=[
            "Pas de donnée confidentielle non anonymisée dans un outil grand public.",
            "Pas d'envoi automatique d'un texte rédigé par l'IA sans relecture.",
            "Pas de décision de crédit, de passage en contentieux ou de déclaration de créance sans "
            "validation humaine."]),
        _legal_card(),
    ])


def _legal_card() -> Section:
    """The course's legal reference card: an article cited by an AI is checked against it."""
    from ..law import RULES

    return Section("Fiche de référence juridique", paragraphs=[
        "Un article de loi cité par l'IA se vérifie contre cette fiche (commande « o2c-lab droit » pour les "
        "taux par semestre)."], table=Table(["thème", "article", "règle"],
                                            [[r.topic, r.article, r.statement] for r in RULES.values()]))


def _prompt_library(company, journal) -> Document:
    from ..ai import load_library

    library = load_library()
    chosen = [p["id"] for p in (journal or {}).get("prompts", []) if p.get("id") in library]
    order = chosen + sorted(set(library) - set(chosen))
    rows = [[library[i].title, library[i].use_case, _readable(library[i].rcotf.get("role", "")),
             _readable(library[i].rcotf.get("objectif", "")), _readable(library[i].rcotf.get("ton", "")),
             _readable(library[i].rcotf.get("format", "")), "oui" if i in chosen else ""] for i in order]
    table = Table(["Prompt", "Usage", "Rôle", "Objectif", "Ton", "Format", "Choisi"], rows,
                  [34, 18, 40, 60, 30, 30, 8])
    return Document("02_bibliotheque_prompts", "Bibliothèque de prompts métier (cycle client)",
                    _who(journal) + f" {len(rows)} prompts construits avec la méthode RCOTF (rôle, contexte, "
                    "objectif, ton, format). Le contexte se remplit avec quelques lignes de vos données, anonymisées.",
                    [Section("Les prompts", table=table)], sheet=table)


def _reminders(company, journal) -> Document:
    from ..casework import LEVELS, dunning_plan, reminder_text

    plan = dunning_plan(company)
    plan = plan[plan["action"] == "relancer"]
    sections = []
    for level, (_, label, tone) in LEVELS.items():
        rows = plan[plan["level"] == level]
        if rows.empty:
            continue
        cid = rows["customer_id"].iloc[0]
        for channel in ("email", "courrier", "sms"):
            sections.append(Section(f"Niveau {level} ({label}, ton {tone}) — {channel}",
                                    block=reminder_text(company, cid, level, channel)))
    return Document("03_templates_relance", "Modèles de relance multi-niveaux",
                    _who(journal) + " Chaque modèle est rempli avec un vrai cas de l'entreprise fil rouge : "
                    "remplacez les faits par ceux de votre client, vérifiez-les, puis envoyez.", sections)


def _priority_matrix(company, journal) -> Document:
    from ..coaching.scores import Analysis

    worklist = Analysis(company).worklist.head(20)
    names = company.tables["customers"].set_index("customer_id")["name"]
    rows = [[int(r.rank), names.get(r.customer_id, r.customer_id), r.category, r.action, r.team,
             format_eur(int(r.amount_cents)), f"{r.probability:.0%}".replace("%", " %"), r.why]
            for r in worklist.itertuples()]
    table = Table(["Rang", "Client", "Catégorie", "Action", "Équipe", "Montant en jeu",
                   "Probabilité de retard ou de perte", "Pourquoi"], rows, [6, 32, 22, 50, 14, 16, 14, 60])
    return Document("04_matrice_priorisation", "Matrice de priorisation des actions clients",
                    _who(journal) + " Montant en jeu × probabilité de retard ou de perte ; les urgences "
                    "réelles sont séparées du bruit (facture bloquée par une erreur, litige, procédure collective).",
                    [Section("Principe", bullets=[
                        "Urgence réelle : un client qui ne paiera pas sans action (dérive, défaillance, promesse non tenue).",
                        "Bruit pour le recouvrement : une créance bloquée par une cause interne (bon de commande "
                        "manquant, erreur de facture) : l'action revient à la facturation.",
                        "Procédure collective : pas de relance, une déclaration de créance dans les deux mois."]),
                     Section("Les 20 premières actions", table=table)], sheet=table)


def _email_method(company, journal) -> Document:
    from ..casework import extract_thread

    from ..company.scenario import THREAD_CATEGORIES

    sheet = extract_thread(company, "FIL-A")
    labels = {"category": "Catégorie", "real_issue": "Problème réel", "blockers": "Blocages",
              "decision": "Décision", "next_action": "Action suivante"}
    values = {**sheet, "category": THREAD_CATEGORIES.get(sheet.get("category"), sheet.get("category"))}
    example = "\n".join(f"- {label} : {values[k]}" for k, label in labels.items() if values.get(k))
    return Document("05_methode_email_decision", "Méthode « e-mail ⇒ décision »", _who(journal), [
        Section("Les cinq questions", bullets=[
            "Quel est le problème réel, au-delà de ce que dit le dernier message ?",
            "Qui bloque quoi, et pourquoi (preuve, validation, trésorerie) ?",
            "Y a-t-il une promesse : date, montant, factures ?",
            "Quelle décision prendre, et qui la prend ?",
            "Quelle est l'action suivante, avec une date ?"]),
        Section("Exemple sur le litige A de l'entreprise fil rouge", block=example),
    ])


def _call_scripts(company, journal) -> Document:
    from ..casework import call_script

    threads = [t for t in ("FIL-A", "FIL-C", "FIL-E") if t in set(company.tables["emails"]["thread_id"])]
    return Document("06_scripts_appel", "Modèles de scripts d'appel de relance", _who(journal),
                    [Section(f"Script préparé à partir du fil {t}", block=call_script(company, t)) for t in threads])


def _checklist(company, journal) -> Document:
    from ..casework import checklist_markdown

    return Document("07_checklist_facture_sans_litige", "Checklist « facture sans litige »", _who(journal),
                    [Section("Avant d'émettre une facture", block=checklist_markdown().split("\n", 1)[1])])


def _disputes(company, journal) -> Document:
    from ..casework import internal_note

    sections = [Section("Le cadre d'analyse", bullets=[
        "Faits établis par les documents (commande, bon de livraison, facture, contrat).",
        "Responsabilités de chaque partie.", "Enjeu : montant et relation client.",
        "Options, puis recommandation.",
        "Statut aligné sur la facture électronique : en litige, refusée, approuvée, avoir émis."])]
    for dispute_id in company.scenario.get("open_disputes", []):
        sections.append(Section(f"Note de synthèse interne — {dispute_id}", block=internal_note(company, dispute_id)))
    return Document("08_framework_litiges", "Cadre de gestion des litiges et modèle de note de synthèse interne",
                    _who(journal), sections)


#: Journal keys of the three use cases the participant writes in notebook 06 (section 4).
PLAN_KEYS = ("06_plan_cas_1", "06_plan_cas_2", "06_plan_cas_3")


def _prompt_title(prompt_id: str, text: str) -> str:
    """A prompt named for a reader: its library title, or the start of the participant's own text."""
    from ..ai import load_library

    library = load_library()
    if prompt_id in library:
        return library[prompt_id].title
    first = " ".join(text.split())
    return first if len(first) <= 80 else first[:first.rfind(" ", 0, 80)] + " …"


def _action_plan(company, journal) -> Document:
    from ..coaching import COURSE_TASKS

    minutes = measured_minutes(journal)
    measured = sorted(minutes, key=lambda t: -(minutes[t].get("manuel", 0) - minutes[t].get("avec_ia", 0)))[:3]
    generic = [t for t in _GENERIC_TASKS if t not in measured]
    tasks = measured + generic[: 3 - len(measured)]
    prompts = [_prompt_title(p["id"], p["text"]) for p in (journal or {}).get("prompts", [])][:3]
    rows = []
    for i, task in enumerate(tasks, start=2):
        before = minutes.get(task, {}).get("manuel")
        after = minutes.get(task, {}).get("avec_ia")
        rows.append([COURSE_TASKS.get(task, task), prompts[i - 2] if i - 2 < len(prompts) else "", 1, before, after,
                     Formula(f'=IF(AND(ISNUMBER(D{i}),ISNUMBER(E{i})),(D{i}-E{i})*C{i}/60,"{_UNMEASURED}")')])
    last = len(rows) + 1
    rows.append(["Total par semaine", "", "", "", "", Formula(f"=SUM(F2:F{last})")])
    table = Table(["Cas d'usage", "Prompt choisi", "Fréquence (fois par semaine)", "Minutes sans IA",
                   "Minutes avec IA", "Gain hebdomadaire (heures)"], rows, [40, 30, 14, 14, 14, 18])
    shown = [[r[0], r[1] or "à choisir", r[2], _minutes_text(r[3]), _minutes_text(r[4])] for r in rows[:-1]]
    answers = (journal or {}).get("answers", {})
    own = [Section(f"Mon cas d'usage {n}", block=answers[key]["text"])
           for n, key in enumerate(PLAN_KEYS, start=1) if key in answers]
    return Document("09_plan_action_30_jours", "Plan d'action à 30 jours", _who(journal) +
                    " Les durées viennent uniquement du chronomètre du cours ; une durée non mesurée reste "
                    "« non mesuré » et la formule du gain l'indique.", [
        *own,
        Section("Les tâches chronométrées pendant la journée" if own else "Trois cas d'usage prioritaires",
                table=Table(["Cas d'usage", "Prompt", "Fréquence", "Minutes sans IA", "Minutes avec IA"], shown)),
        Section("Routine", bullets=[
            "Semaine 1 : un cas d'usage, tous les jours, avec le prompt choisi et la vérification des faits.",
            "Semaine 2 : chronométrer « avant / après » sur cinq occurrences réelles.",
            "Semaine 3 : ajouter le deuxième cas d'usage ; partager le prompt avec l'équipe.",
            "Semaine 4 : bilan « je passe de X heures à Y minutes » et choix du troisième cas."]),
        Section("Retour sur investissement", paragraphs=[
            "Le classeur Excel calcule le gain hebdomadaire : (minutes sans IA − minutes avec IA) × "
            "fréquence ÷ 60, puis le total."]),
    ], sheet=table)


_GENERIC_TASKS = ["Rédiger les relances de la semaine", "Analyser un fil d'e-mails client",
                  "Préparer la revue de la balance âgée"]


def _minutes_text(value) -> str:
    return _UNMEASURED if value is None else format_number(value, 1)


def _reconciliation_guide(company, journal) -> Document:
    from ..company.scenario import PAYMENT_NOISES

    return Document("10_guide_ecarts_encaissements",
                    "Guide d'interprétation des écarts de rapprochement et d'estimation des encaissements",
                    _who(journal), [
        Section("Les écarts rencontrés", bullets=[f"{label.capitalize()}." for label in PAYMENT_NOISES.values()]),
        Section("Formuler une hypothèse d'affectation", bullets=[
            "Chercher une référence de facture, même déformée, dans le libellé ou l'avis de paiement.",
            "Identifier le payeur : IBAN connu, nom proche, maison mère ou affactureur.",
            "Comparer le montant aux factures ouvertes du client : exact, somme de plusieurs, moins un avoir, "
            "moins l'escompte contractuel.",
            "Paiement partiel sans consigne du client : imputation sur les dettes échues les plus anciennes "
            "(article 1342-10 du Code civil).",
            "Déduction d'une pénalité non prévue : ouvrir un litige, ne pas passer en perte (pas de "
            "compensation d'une dette contestée, article 1347-1 du Code civil ; pour un distributeur, "
            "article L441-17 du Code de commerce)."]),
        Section("Estimer les encaissements probables", bullets=[
            "Partir de l'échéance de chaque facture et du retard habituel du client.",
            "Exclure ou décaler les factures en litige, appliquer les promesses et les échéanciers.",
            "Ne rien attendre d'un client en procédure collective sans décision du mandataire.",
            "Mesurer l'erreur semaine par semaine (somme des écarts absolus ÷ encaissements réels)."]),
    ])


def _alerts(company, journal) -> Document:
    from ..casework import internal_alert_text, plain_summary_text, weekly_synthesis_text

    drifting = company.scenario["roles"]["drifting_customer"]
    return Document("11_modeles_alertes_syntheses", "Modèles d'alertes internes et de synthèses de reporting",
                    _who(journal), [
        Section("Alerte interne sur un client à risque", block=internal_alert_text(company, drifting)),
        Section("Synthèse hebdomadaire des clients à risque", block=weekly_synthesis_text(company)),
        Section("Synthèse pour des collègues non financiers", block=plain_summary_text(company, drifting)),
    ])


#: The deliverables that read more of the journal than the participant's name (prompts, timings,
#: answers): the only ones to rebuild when the name has not changed since the last export.
JOURNAL_READERS = ("02_bibliotheque_prompts", "09_plan_action_30_jours")

#: slug -> (title, builder(company, journal_data) -> Document), in the programme's order.
DELIVERABLES = {
    "01_guide_bonnes_pratiques": _guide,
    "02_bibliotheque_prompts": _prompt_library,
    "03_templates_relance": _reminders,
    "04_matrice_priorisation": _priority_matrix,
    "05_methode_email_decision": _email_method,
    "06_scripts_appel": _call_scripts,
    "07_checklist_facture_sans_litige": _checklist,
    "08_framework_litiges": _disputes,
    "09_plan_action_30_jours": _action_plan,
    "10_guide_ecarts_encaissements": _reconciliation_guide,
    "11_modeles_alertes_syntheses": _alerts,
}


def build_document(slug: str, company, journal: dict | None = None) -> Document:
    """The deliverable ``slug`` for ``company`` (generic when ``journal`` is None)."""
    from ..errors import InvalidParameterError

    if slug not in DELIVERABLES:
        raise InvalidParameterError(f"Livrable inconnu : « {slug} ».", valid=", ".join(DELIVERABLES))
    return DELIVERABLES[slug](company, journal)
