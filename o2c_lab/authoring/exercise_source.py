"""The single source of the self-paced exercises (French). Solutions are marked otter-style:
``# BEGIN SOLUTION`` … ``# END SOLUTION`` blocks and ``… # SOLUTION`` lines in code cells, cells
tagged ``solution`` (replaced in the trainee copy) and ``formateur`` (trainer-only, removed)."""

from __future__ import annotations

from .cells import code, md, parameters

__all__ = ["EXERCISES"]


def _setup():
    return code("""\
        # Ouvrir l'entreprise de l'exercice
        from o2c_lab.coaching import Analysis
        from o2c_lab.coaching.checks import Verifier
        from o2c_lab.coaching.practice import exercise_company
        from o2c_lab.ui import french_table

        company, notice = exercise_company(seed, data_folder)
        analysis, verifier = Analysis(company), Verifier(company)
        print(f"{company.name}, situation au {company.as_of:%d/%m/%Y} (graine {company.seed})")
        if notice:
            print(notice)""")


def _intro(title: str, text: str):
    return md(f"""\
        # {title}

        {text}

        Pour chaque question, remplacez `...` par votre réponse (un nombre, un identifiant ou un mot
        entre guillemets), puis exécutez la cellule : la vérification s'affiche aussitôt, avec un indice
        si la réponse n'est pas la bonne. Les réponses attendues sont calculées sur l'entreprise de votre
        graine : vous pouvez refaire l'exercice sur une autre entreprise.""")


def _question(question_id: str, text: str, solution: str):
    return [md(text), code(f"""\
        reponse = {solution}  # SOLUTION
        verifier("{question_id}", reponse)""", hidden=False)]


def _ex01():
    return [
        _intro("Exercice 01 — Vérifier les faits d'une relance avant l'envoi",
               "Une relance préparée avec une IA est prête à partir. Une erreur de montant s'y est glissée : "
               "retrouvez-la en comparant la lettre aux factures du grand livre."),
        parameters(), _setup(),
        code("""\
        # Afficher la relance à vérifier
        import re
        from o2c_lab.coaching.drills import wrong_amount_drill
        from o2c_lab.money import format_eur

        drill = wrong_amount_drill(company)
        print(drill.letter)"""),
        code("""\
        # Afficher les factures citées
        listed = re.findall(r"FA-\\d{4}-\\d{5}", drill.letter)
        invoices = company.invoices[company.invoices["invoice_id"].isin(listed)].set_index("invoice_id")
        french_table(invoices[["invoice_date", "due_date", "total_ttc_cents"]].reset_index(),
                     rename={"invoice_id": "facture", "invoice_date": "émise le", "due_date": "échéance",
                             "total_ttc_cents": "TTC"})"""),
        *_question("01_facture_erronee", "**Question 1.** Quelle facture (numéro, par exemple \"FA-2026-00042\") a "
                   "un montant faux dans la relance ?",
                   "next(i for i in listed if format_eur(int(invoices.loc[i, 'total_ttc_cents'])) not in drill.letter)"),
        *_question("01_montant_exact", "**Question 2.** Quel est le montant TTC exact de cette facture, en euros ?",
                   "invoices.loc[drill.invoice_id, 'total_ttc_cents'] / 100"),
        _trainer_note("La facture et l'erreur (de 90 € à 990 €, en plus ou en moins) sont tirées de la graine : "
                      "chaque cohorte a la sienne. La même vérification se fait automatiquement avec "
                      "check_answer (carnet 01, §4) : c'est le réflexe à prendre avant tout envoi."),
    ]


def _ex02():
    return [
        _intro("Exercice 02 — Réagir à une alerte externe",
               "Un signal externe vient d'arriver sur l'un de vos clients. Les signaux sont affichés ci-dessous."),
        parameters(), _setup(),
        code("""\
        # Afficher les signaux externes
        from o2c_lab.law import claim_declaration_deadline

        signals = company.external_signals
        french_table(signals[["customer_id", "published_on", "source", "title"]])"""),
        *_question("02_client_bodacc", "**Question 1.** Quel client (identifiant) est en redressement judiciaire ?",
                   "signals.set_index('source').loc['BODACC', 'customer_id']"),
        *_question("02_delai_declaration", "**Question 2.** Jusqu'à quelle date (JJ/MM/AAAA) pouvez-vous déclarer "
                   "votre créance auprès du mandataire judiciaire ?",
                   "f\"{claim_declaration_deadline(signals.set_index('source').loc['BODACC', 'published_on'].date()):%d/%m/%Y}\""),
        _trainer_note("Le délai de deux mois court à compter de la publication au BODACC (articles L622-24 et "
                      "R622-24 du Code de commerce) ; relances et pénalités s'arrêtent sur les créances antérieures."),
    ]


def _ex04():
    return [
        _intro("Exercice 04 — Contrôler avant de relancer",
               "Avant d'envoyer les relances de la semaine, vous vérifiez qui relancer et à quel niveau."),
        parameters(), _setup(),
        code("""\
        # Afficher les niveaux de relance et les fils d'e-mails
        from o2c_lab.casework import LEVELS, dunning_plan

        for level, (days, label, tone) in LEVELS.items():
            print(f"Niveau {level} ({label}, ton {tone}) : à partir de {days} jours de retard")
        threads = company.emails.groupby("thread_id").first()[["customer_id", "subject"]]
        french_table(threads.reset_index())"""),
        *_question("04_client_deja_paye", "**Question 1.** Quel client (identifiant) ne faut-il pas relancer "
                   "parce qu'il dit avoir déjà payé ?",
                   "threads.loc['FIL-D', 'customer_id']"),
        code("""\
        # Afficher les factures échues du retardataire chronique
        chronic = company.scenario["roles"]["chronic_late_payer"]
        items = analysis.aged.items.query("customer_id == @chronic and days_past_due > 0 and not unapplied")
        french_table(items[["document_id", "due_date", "days_past_due", "residual_cents"]],
                     money=["residual_cents"])"""),
        *_question("04_niveau_plus_ancien", "**Question 2.** À quel niveau (1, 2 ou 3) relancer la facture échue "
                   "la plus ancienne de ce client ?",
                   "int(dunning_plan(company).query('customer_id == @chronic and days_late > 0').sort_values('due_date')['level'].iloc[0])"),
    ]


def _ex03():
    return [
        _intro("Exercice 03 — Lire une balance âgée",
               "Vous retrouvez deux chiffres clés de la balance âgée à partir du tableau ci-dessous."),
        parameters(), _setup(),
        code("""\
        # Afficher la balance âgée par client
        french_table(analysis.aged.by_customer.drop(columns=["procedure_collective", "litige_cents"]),
                     money=list(analysis.aged.columns) + ["Total"], index=True)"""),
        *_question("03_part_plus_90", "**Question 1.** Quelle part de l'encours total est échue depuis plus de "
                   "90 jours (en %, une décimale) ?",
                   'round(100 * float(analysis.aged.shares()["> 90 j"]), 1)'),
        *_question("03_plus_gros_retard", "**Question 2.** Quel client (identifiant, par exemple \"C0001\") a le "
                   "plus gros montant échu ?",
                   'analysis.aged.items.query("days_past_due > 0 and not unapplied")'
                   '.groupby("customer_id")["residual_cents"].sum().idxmax()'),
        _solution_md("""\
        ## Corrigé commenté

        La part à plus de 90 jours se lit sur la ligne de total de la balance âgée : montant de la colonne
        « > 90 j » divisé par l'encours total. Le plus gros retard s'obtient en additionnant, pour chaque
        client, les colonnes de retard (hors non échu)."""),
    ]


def _ex05():
    return [
        _intro("Exercice 05 — Établir les faits d'un litige",
               "Le litige A oppose l'entreprise à un client sur des quantités. Les pièces sont affichées ci-dessous."),
        parameters(), _setup(),
        code("""\
        # Afficher le litige et ses pièces
        dispute = company.disputes.set_index("dispute_id").loc["LIT-A"]
        invoice = company.invoices.set_index("invoice_id").loc[dispute["invoice_id"]]
        lines = company.tables["invoice_lines"].query("invoice_id == @dispute.invoice_id")
        delivered = company.tables["delivery_lines"].query("delivery_id == @invoice.delivery_id")
        print(dispute["summary"])
        display(french_table(lines), french_table(delivered))"""),
        *_question("05_responsable_litige_A", "**Question 1.** Qui est responsable de l'écart : \"entreprise\" ou "
                   "\"client\" ?", '"entreprise"'),
        *_question("05_avoir_litige_A", "**Question 2.** Quel avoir TTC (en euros) faut-il émettre ?",
                   'company.truth["dispute_truth"].set_index("dispute_id").loc["LIT-A", "credit_note_due_cents"] / 100'),
        _trainer_note("Les unités commandées mais non livrées ont été facturées : l'avoir porte sur ces seules "
                      "unités, TVA comprise ; le reliquat sera facturé à la livraison."),
    ]


def _ex06():
    return [
        _intro("Exercice 06 — Calculer le DSO",
               "Vous calculez le DSO de l'entreprise par la méthode simple, à partir des chiffres ci-dessous."),
        parameters(), _setup(),
        code("""\
        # Afficher les indicateurs
        dso = analysis.kpis["dso_simple"]
        print(dso.formula)
        for label, value in dso.inputs.items():
            print(f"  {label} : {value}")"""),
        *_question("06_dso", "**Question.** Quel est le DSO (méthode simple), en jours, arrondi à l'unité ?",
                   'round(analysis.kpis["dso_simple"].value)'),
    ]


def _solution_md(text: str):
    cell = md(text)
    cell.metadata["tags"] = ["solution"]
    return cell


def _trainer_note(text: str):
    cell = md(f"**Note pour le formateur** — {text}")
    cell.metadata["tags"] = ["formateur"]
    return cell


#: file name → cell factory.
EXERCISES = {
    "exercice_01_verification.ipynb": _ex01,
    "exercice_02_alerte_externe.ipynb": _ex02,
    "exercice_03_balance_agee.ipynb": _ex03,
    "exercice_04_relances.ipynb": _ex04,
    "exercice_05_litiges.ipynb": _ex05,
    "exercice_06_indicateurs.ipynb": _ex06,
}
