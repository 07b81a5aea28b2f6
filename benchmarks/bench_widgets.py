"""Widget latency: every widget of the course driven by ``.click()`` on the course company, as a
trainee would after « Exécuter toutes les cellules » (the widgets exist, the company is loaded).

Targets per action: median ≤ 1 s and worst ≤ 2 s on a 2-core machine (computations done once per
company are cached). Prints one row per action and exits 1 when a target is missed.

    python benchmarks/bench_widgets.py             # the course company (datasets/fil_rouge)
    python benchmarks/bench_widgets.py --repeat 5
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MEDIAN_TARGET, WORST_TARGET = 1.0, 2.0


class _Clock:
    """The stopwatch's clock, moved by hand: a click measures the widget, not a wait."""

    now = 0.0

    def __call__(self):
        self.now += 30.0
        return self.now


def _actions(course, folder: Path):
    """(widget, action, callable) for every widget type of the course; widgets built beforehand."""
    from o2c_lab.coaching import COURSE_TASKS
    from o2c_lab.coaching.quiz import quiz_texts
    from o2c_lab.ui import (LetterCheck, PromptLab, ProvenanceQuiz, RcotfBuilder, Reveal, SelfAssessment,
                            SettingsPanel, Stopwatch, TakeAway, ToolkitExport)
    from o2c_lab.ui.measures import scoreboard_view, timing_view
    from o2c_lab.ui.references import (dispute_reference_html, dunning_comparison_html, insolvency_actions_html,
                                       priority_list_html)

    journal = course.journal
    # The live views of notebook 06 follow the journal: their refresh is part of every save below.
    timing_view(journal, COURSE_TASKS)
    scoreboard_view(course.analysis, journal)
    course.banner()
    watch = Stopwatch(journal, "03_priorites", COURSE_TASKS["03_priorites"], clock=_Clock())
    rating = SelfAssessment(journal, "avant")
    for toggle in rating.ratings.values():
        toggle.value = "3"
    keep = TakeAway(journal, "06_plan_cas_1", "Cas d'usage 1", prefill="Tâche : relances\nJe passe de 2 h à 30 min.")
    rcotf = RcotfBuilder(journal, prefill={"role": "Tu es chargé(e) de recouvrement.", "objectif": "obtenir une date"})
    letter = LetterCheck(course, "04_cinq_relances")
    invoice = course.company.invoices.iloc[0]
    letter.letter.value = f"Notre facture {invoice['invoice_id']} reste impayée."
    quiz = ProvenanceQuiz(journal, quiz_texts(course.company, course.assistant))
    settings = SettingsPanel(course)
    settings.name.value = "Camille"
    dispute = course.company.disputes.query("status == 'en litige'")["dispute_id"].iloc[0]
    labs = {p: PromptLab(course, p) for p in ("relance_niveau1_courtoise", "priorisation_actions",
                                               "balance_agee_analyse", "synthese_hebdomadaire")}
    labs["analyse_litige"] = PromptLab(course, "analyse_litige", dispute_id=dispute)
    for lab in labs.values():
        lab.answer.value = "Madame, Monsieur, merci de nous indiquer la date de règlement."
    reveals = {
        "liste priorisée (03)": Reveal(course, "03_priorites", priority_list_html),
        "plan de relance (04)": Reveal(course, "04_cinq_relances", dunning_comparison_html),
        "exposition (02)": Reveal(course, "02_dossier_client", insolvency_actions_html),
        "cadre du litige (05)": Reveal(course, "05_litige", lambda c: dispute_reference_html(c, dispute)),
    }
    toolkit = ToolkitExport(course, folder=folder / "ma_boite_a_outils")
    toolkit.wait_prepared()  # prepared while she fills in her plan (minutes, in a real day)

    yield "chronomètre", "démarrer / arrêter", watch.button.click
    yield "auto-évaluation", "enregistrer", rating.button.click
    yield "texte à garder", "enregistrer", keep.button.click
    yield "prompt RCOTF", "vérifier", rcotf.check_button.click
    yield "relance sans IA", "vérifier les faits", letter.button.click
    yield "quiz Humain ou IA", "valider", quiz.button.click
    yield "réglages", "enregistrer", settings.save_button.click
    yield "réglages", "tester la connexion", settings.test_button.click
    for prompt_id, lab in labs.items():
        yield f"prompt {prompt_id}", "vérifier la réponse collée", lab.check_button.click
        yield f"prompt {prompt_id}", "voir la référence", lab.gate.show_button.click
        # Not a click: the fact check of the reference, which completes the display in the background.
        yield f"prompt {prompt_id}", "(vérification de la référence, en arrière-plan)", lambda lab=lab: (
            lab.gate.show_button.click(), lab.wait())
    for name, view in reveals.items():
        yield f"référence {name}", "je passe cette étape", view.gate.skip_button.click
    yield "boîte à outils", "exporter", toolkit.button.click


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="clicks per action (default 3)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="widgets-"))
    os.environ["O2C_LAB_JOURNAL_DIR"] = str(work / "journal")  # never the user's own journal
    os.environ.pop("O2C_AI_API_KEY", None)

    from o2c_lab.ui import Course

    started = time.perf_counter()
    course = Course.start(data_folder=str(ROOT / "datasets" / "fil_rouge"), ai_mode="hors_ligne", participant="",
                          module="06_encaissements_plan.ipynb")
    print(f"Entreprise chargée en {time.perf_counter() - started:.1f} s ; widgets construits…", flush=True)
    started = time.perf_counter()
    actions = list(_actions(course, work))
    print(f"{len(actions)} actions prêtes en {time.perf_counter() - started:.1f} s (équivalent d'« Exécuter tout »).\n")

    rows, failed = [], 0
    for widget, action, click in actions:
        times = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            click()
            times.append(time.perf_counter() - t)
        median, worst = statistics.median(times), max(times)
        if action.startswith("("):  # background work: shown, not a click's latency
            rows.append((widget, action, median, worst, "—"))
            continue
        ok = median <= MEDIAN_TARGET and worst <= WORST_TARGET
        failed += not ok
        rows.append((widget, action, median, worst, "oui" if ok else "NON"))
    width = max(len(f"{w} · {a}") for w, a, *_ in rows)
    print(f"{'widget · action':<{width}}  {'médiane':>8}  {'pire':>6}  cible")
    for widget, action, median, worst, ok in rows:
        print(f"{widget + ' · ' + action:<{width}}  {median:7.2f}s  {worst:5.2f}s  {ok}")
    clicks = sum(ok != "—" for *_, ok in rows)
    print(f"\n{clicks - failed}/{clicks} actions dans la cible (médiane ≤ {MEDIAN_TARGET:g} s, "
          f"pire ≤ {WORST_TARGET:g} s, {args.repeat} clics chacune).")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
