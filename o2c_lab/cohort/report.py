"""The trainer's cohort report: what the participants' journals say about the session.

:func:`~o2c_lab.cohort.exports.read_exports` reads the journals a trainer collected and, from a
hub's folder of users' journals, only those whose participant agreed (``consent_report``). The aggregations are pure functions over a list of journal dicts; nothing is
invented: a figure no journal measured is « non mesuré » (``None`` in the tables).
:func:`write_report` writes the report as an HTML page with its charts embedded, an Excel workbook
and a PDF in the cohort's trainer folder.

>>> found = read_exports("exports", hub="/srv/hub/utilisateurs")   # doctest: +SKIP
>>> report = build_report("paris-2026-12", found.journals, found.set_aside, anonymous=True)  # doctest: +SKIP
>>> write_report(report, "cohortes")                              # doctest: +SKIP
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

import pandas as pd

from ..coaching import (ASSESSMENT_QUIZ, COURSE_TASKS, HOT_FORM, ITEM_TITLES, MODES, NOT_MEASURED, OBJECTIVES,
                        PHASES, PROGRESS_LEVELS, fact_accuracy, format_duration, self_ratings,
                        timing_table)
from ..coaching.followup import J40_FORM, j40_table
from ..errors import OutputFolderError
from ..money import format_number, format_pct
from ..ui.course import MODULES
from .kit import TRAINER, cohort_folder

__all__ = ["ELEARNING_QUIZZES", "PHASE_COLUMNS", "REPORT_FOLDER", "CohortReport", "assessment_results",
           "attendance", "build_report", "declared_savings", "elearning_scores", "fact_check_gains",
           "finished_modules", "perceived_progress", "positioning", "satisfaction", "timing_gains",
           "write_report"]

#: The e-learning quizzes of the Engagement phase (journal quiz name → French title).
ELEARNING_QUIZZES = {"essentiels_ia": "IA : les essentiels de l'IA générative",
                     "prompting": "IA : maîtriser le prompting"}
#: The positioning phases as the report's columns name them.
PHASE_COLUMNS = {"avant": "avant", "apres": "après", "j40": "J+40"}
_PHASE_OF = {shown: phase for phase, shown in PHASE_COLUMNS.items()}
#: Sub-folder of the trainer folder where the report is written.
REPORT_FOLDER = "bilan"


# ----------------------------------------------------------------------------- aggregations

def _mean(values) -> float | None:
    values = [float(v) for v in values if v is not None]
    return sum(values) / len(values) if values else None


def finished_modules(data: dict) -> list[str]:
    """Day modules (:data:`~o2c_lab.ui.course.MODULES`) finished: each task the module times has a
    measure; the welcome module (no timed task) once the « avant » positioning is recorded."""
    timed = {t["task"] for t in data.get("timings", [])}
    positioned = any(s["phase"] == "avant" for s in data.get("self_assessments", []))
    done = []
    for module in MODULES:
        tasks = [t for t in COURSE_TASKS if t.startswith(module[:3])]
        if (tasks and all(t in timed for t in tasks)) or (not tasks and positioned):
            done.append(module)
    return done


def _score(quiz: dict, ids=None) -> tuple[int, int]:
    """(answered, right) of one quiz's answers, limited to ``ids`` when given."""
    answers = [v for k, v in quiz.items() if ids is None or k in ids]
    return len(answers), sum(bool(v.get("correct")) for v in answers)


def attendance(journals: list[dict], names: list[str]) -> pd.DataFrame:
    """One row per participant (``names``: the labels shown): notebooks opened, day modules
    finished, time measured, final assessment and e-learning scores (share correct or None)."""
    rows = []
    for name, data in zip(names, journals):
        seconds = sum(float(t["seconds"]) for t in data.get("timings", []))
        row = {"participant": name, "carnets ouverts": len(data["visits"]),
               "modules terminés": len(finished_modules(data)), "temps chronométré (s)": round(seconds, 1)}
        for quiz, title in {ASSESSMENT_QUIZ: "évaluation finale", **ELEARNING_QUIZZES}.items():
            answered, right = _score(data["quizzes"].get(quiz, {}))
            row[f"{title} (part correcte)"] = right / answered if answered else None
        rows.append(row)
    return pd.DataFrame(rows)


def positioning(journals: list[dict]) -> pd.DataFrame:
    """Per objective: mean self-rating (1–5) at each phase, participants rated, and the mean
    progress « après − avant » over the participants rated at both (None: non mesuré)."""
    rows = []
    for key, label in OBJECTIVES.items():
        scores = [{phase: score for (objective, phase), score in self_ratings(data).items()
                   if objective == key} for data in journals]
        row = {"objectif": label}
        for phase in PHASES:
            values = [s[phase] for s in scores if phase in s]
            shown = PHASE_COLUMNS[phase]
            row[f"{shown} (moyenne)"], row[f"{shown} (répondants)"] = _mean(values), len(values)
        row["progrès après − avant"] = _mean([s["apres"] - s["avant"] for s in scores if {"avant", "apres"} <= set(s)])
        row["progrès J+40 − avant"] = _mean([s["j40"] - s["avant"] for s in scores if {"avant", "j40"} <= set(s)])
        rows.append(row)
    return pd.DataFrame(rows)


def assessment_results(journals: list[dict]) -> pd.DataFrame:
    """Per final-assessment item: participants who answered, right answers, share correct; the
    weakest first (what the cohort needs to rework)."""
    rows = []
    for item, title in ITEM_TITLES.items():
        answers = [data["quizzes"].get(ASSESSMENT_QUIZ, {}).get(item) for data in journals]
        answers = [a for a in answers if a is not None]
        right = sum(bool(a.get("correct")) for a in answers)
        rows.append({"question": title, "répondants": len(answers), "bonnes réponses": right,
                     "part correcte": right / len(answers) if answers else None})
    table = pd.DataFrame(rows)
    return table.sort_values("part correcte", na_position="last", kind="stable").reset_index(drop=True)


def elearning_scores(journals: list[dict]) -> pd.DataFrame:
    """Per e-learning quiz: participants who answered, questions answered, mean share correct."""
    rows = []
    for quiz, title in ELEARNING_QUIZZES.items():
        scores = [_score(data["quizzes"][quiz]) for data in journals if data["quizzes"].get(quiz)]
        rows.append({"module": title, "participants": len(scores), "réponses": sum(a for a, _ in scores),
                     "part correcte (moyenne)": _mean([r / a for a, r in scores if a])})
    return pd.DataFrame(rows)


def timing_gains(journals: list[dict]) -> pd.DataFrame:
    """Per timed task: participants measured in both modes, mean time without and with AI, and the
    mean gain (seconds) over those participants (the last measure of each participant counts)."""
    tables = [timing_table(data, COURSE_TASKS) for data in journals]
    rows = []
    for index, (task, label) in enumerate(COURSE_TASKS.items()):
        pairs = [t.iloc[index] for t in tables if pd.notna(t.iloc[index]["gain_s"])]
        rows.append({"tâche": label, "participants mesurés": len(pairs),
                     f"{MODES['manuel']} (s, moyenne)": _mean([p["manuel_s"] for p in pairs]),
                     f"{MODES['avec_ia']} (s, moyenne)": _mean([p["avec_ia_s"] for p in pairs]),
                     "gain (s, moyenne)": _mean([p["gain_s"] for p in pairs])})
    return pd.DataFrame(rows)


def fact_check_gains(journals: list[dict]) -> pd.DataFrame:
    """Per mode: participants whose letters were fact-checked and their mean share of confirmed facts."""
    shares = [fact_accuracy(data) for data in journals]
    return pd.DataFrame([{"mode": label, "participants": sum(s[mode] is not None for s in shares),
                          "faits confirmés (moyenne)": _mean([s[mode] for s in shares])}
                         for mode, label in MODES.items()])


def declared_savings(journals: list[dict]) -> dict:
    """Time saved a week as the participants declared it at J+40 (the follow-up's own table,
    :func:`~o2c_lab.coaching.followup.j40_table`): for each participant, the sum of the gains of the use cases
    with both durations entered (minutes a week); respondents and the mean of those sums (None: non mesuré)."""
    totals = []
    for data in journals:
        gains = j40_table(data)["gain_minutes"].dropna()
        if len(gains):
            totals.append(float(gains.sum()))
    return {"répondants": len(totals), "minutes gagnées par semaine (moyenne)": _mean(totals)}


def satisfaction(journals: list[dict]) -> pd.DataFrame:
    """Per day module: participants who rated it and the mean satisfaction (1–5)."""
    forms = [data["forms"].get(HOT_FORM, {}).get("answers", {}).get("satisfaction", {}) for data in journals]
    rows = []
    for module, title in MODULES.items():
        values = [f[module] for f in forms if module in f]
        rows.append({"module": title, "répondants": len(values), "satisfaction (moyenne)": _mean(values)})
    return pd.DataFrame(rows)


def perceived_progress(journals: list[dict]) -> pd.DataFrame:
    """Per objective: how many participants declared each level of progress at the end of the day."""
    forms = [data["forms"].get(HOT_FORM, {}).get("answers", {}).get("progres", {}) for data in journals]
    rows = []
    for key, label in OBJECTIVES.items():
        levels = [f[key] for f in forms if key in f]
        rows.append({"objectif": label, **{f"progrès {name}": sum(v == level for v in levels)
                                           for level, name in PROGRESS_LEVELS.items()}})
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------------- the report

@dataclass
class CohortReport:
    """The report of a session: its tables (French column names, numbers or None), the free
    comments, and the notices on what was set aside."""

    name: str
    participants: list[str]
    tables: dict[str, pd.DataFrame]
    savings: dict
    comments: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


def build_report(name: str, journals: list[dict], notices: list[str] | None = None, *,
                 anonymous: bool = False) -> CohortReport:
    """The report of ``journals``; with ``anonymous`` every participant is « Participant n » and
    their names are taken out of the comments."""
    journals = sorted(journals, key=lambda d: d["participant"].strip().casefold())
    real = [d["participant"].strip() or "participant sans nom" for d in journals]
    names = [f"Participant {n}" for n in range(1, len(journals) + 1)] if anonymous else real

    def scrub(text: str) -> str:
        """``text`` without the participants' names (whole name first, then each word of it)."""
        for original, alias in zip(real, names) if anonymous else ():
            for word in sorted({original, *original.split()}, key=len, reverse=True):
                if len(word) > 1:
                    text = text.replace(word, alias)
        return text

    comments = [scrub(text) for text in (str(data["forms"].get(HOT_FORM, {}).get("answers", {}).get("commentaire", ""))
                                         .strip() for data in journals) if text]
    tables = {"Présence": attendance(journals, names), "Positionnement": positioning(journals),
              "Évaluation finale": assessment_results(journals), "E-learning": elearning_scores(journals),
              "Temps mesurés": timing_gains(journals), "Faits vérifiés": fact_check_gains(journals),
              "Satisfaction": satisfaction(journals), "Progrès ressentis": perceived_progress(journals)}
    return CohortReport(name, names, tables, declared_savings(journals), comments,
                        [scrub(n) for n in notices or []])


def _shown(column: str, value) -> str:
    """A cell as the trainer reads it: « non mesuré », a percentage, a duration or a number."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return NOT_MEASURED
    if "part correcte" in column or "faits confirmés" in column:
        return format_pct(value)
    if "(s" in column:
        return format_duration(value) if value >= 0 else f"− {format_duration(-value)}"
    if isinstance(value, float):
        return format_number(value, 1)
    return str(value)


def _rows(table: pd.DataFrame) -> list[list[str]]:
    return [[_shown(c, v) for c, v in zip(table.columns, row)] for row in table.astype(object).itertuples(index=False)]


def _chart(kind: str, table: pd.DataFrame) -> bytes:
    """A PNG chart of one table, drawn with matplotlib without any display; a row nobody
    answered is left out of the chart (the table says « non mesuré »)."""
    import textwrap

    from matplotlib.figure import Figure
    from matplotlib.ticker import PercentFormatter

    label, values, limit, unit = {
        "positionnement": ("objectif", [f"{p} (moyenne)" for p in PHASE_COLUMNS.values()], 5,
                           "auto-évaluation moyenne (1 à 5)"),
        "satisfaction": ("module", ["satisfaction (moyenne)"], 5, "satisfaction moyenne (1 à 5)"),
        "evaluation": ("question", ["part correcte"], 1, "part de bonnes réponses")}[kind]
    values = [v for v in values if table[v].notna().any()]
    table = table.loc[table[values].notna().any(axis=1)] if values else table.iloc[:0]
    names = ["\n".join(textwrap.wrap(str(v), 38)) for v in table[label]]
    fig = Figure(figsize=(8, 0.3 * sum(n.count("\n") + 1 for n in names) * max(1, len(values) * 0.7) + 1.6))
    ax = fig.add_subplot()
    height = 0.8 / max(1, len(values))
    colors = ("#9aa5b1", "#1f6feb", "#1a7f37")
    for k, column in enumerate(values):
        shown = PHASES[_PHASE_OF[column.split(" (")[0]]] if kind == "positionnement" else column
        ax.barh([i - 0.4 + height * (k + 0.5) for i in range(len(table))], table[column].fillna(0), height=height,
                color=colors[k if len(values) > 1 else 1], label=shown)
    ax.set_yticks(range(len(table)), names)
    ax.set_xlim(0, limit)
    if kind == "evaluation":
        ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    if len(values) > 1:
        ax.legend(loc="lower center", bbox_to_anchor=(0.4, 1.0), ncol=len(values), frameon=False, fontsize="small")
    ax.set_xlabel(unit)
    ax.invert_yaxis()
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, metadata={"Software": None})
    return buffer.getvalue()


#: Tables drawn as a chart (table title → kind of chart).
_CHARTS = {"Positionnement": "positionnement", "Évaluation finale": "evaluation", "Satisfaction": "satisfaction"}
_INTRO = ("Bilan établi à partir des journaux des participants (présence, positionnement, évaluation des acquis, "
          "e-learning, temps mesurés, satisfaction). Une valeur « non mesuré » signifie qu'aucun journal ne la "
          "contient : rien n'est estimé.")


def _html(report: CohortReport) -> str:
    def table_html(table: pd.DataFrame) -> str:
        head = "".join(f"<th>{escape(str(c))}</th>" for c in table.columns)
        body = "".join("<tr>" + "".join(f"<td>{escape(v)}</td>" for v in row) + "</tr>" for row in _rows(table))
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    parts = [f"<h1>Bilan de la session « {escape(report.name)} »</h1>", f"<p>{escape(_INTRO)}</p>",
             f"<p>{len(report.participants)} participant(s) : {escape(', '.join(report.participants))}.</p>"]
    parts += [f"<p class='notice'>⚠ {escape(n)}</p>" for n in report.notices]
    for title, table in report.tables.items():
        parts.append(f"<h2>{escape(title)}</h2>")
        if title in _CHARTS:
            png = base64.b64encode(_chart(_CHARTS[title], table)).decode("ascii")
            parts.append(f"<img alt='{escape(title)}' src='data:image/png;base64,{png}'>")
        parts.append(table_html(table))
    minutes = report.savings["minutes gagnées par semaine (moyenne)"]
    parts.append("<h2>Temps gagné déclaré à J+40</h2><p>" + (
        NOT_MEASURED if minutes is None else
        f"{format_number(minutes, 0)} minutes par semaine en moyenne ({report.savings['répondants']} répondant(s))")
        + "</p>")
    parts.append("<h2>Commentaires</h2>" + ("".join(f"<blockquote>{escape(c)}</blockquote>" for c in report.comments)
                                            or "<p>Aucun commentaire.</p>"))
    style = ("body{font-family:system-ui,sans-serif;max-width:1000px;margin:auto}table{border-collapse:collapse;"
             "margin:8px 0}td,th{border:1px solid #c9d3e0;padding:3px 6px}th{background:#ddebf7}"
             ".notice{color:#a15c00}img{max-width:100%}")
    return (f"<!DOCTYPE html><html lang='fr'><head><meta charset='utf-8'><title>Bilan {escape(report.name)}</title>"
            f"<style>{style}</style></head><body>{''.join(parts)}</body></html>\n")


def _document(report: CohortReport):
    from ..deliverables.document import Document, Section, Table

    minutes = report.savings["minutes gagnées par semaine (moyenne)"]
    sections = [Section("Participants", paragraphs=[", ".join(report.participants) or "aucun"],
                        bullets=list(report.notices))]
    sections += [Section(title, table=Table([str(c) for c in table.columns], _rows(table)),
                         images=[_chart(_CHARTS[title], table)] if title in _CHARTS else [])
                 for title, table in report.tables.items()]
    sections.append(Section("Temps gagné déclaré à J+40", paragraphs=[
        NOT_MEASURED if minutes is None else f"{format_number(minutes, 0)} minutes par semaine en moyenne "
                                             f"({report.savings['répondants']} répondant(s))"]))
    sections.append(Section("Commentaires", bullets=report.comments or ["Aucun commentaire."]))
    return Document(f"bilan-{report.name}", f"Bilan de la session « {report.name} »", _INTRO, sections)


def write_report(report: CohortReport, out: str | Path) -> list[Path]:
    """Write the report into ``out/<name>/formateur/bilan``: ``bilan.html`` (charts embedded),
    ``bilan.xlsx`` (one sheet per table) and ``bilan.pdf``. Returns the three paths."""
    from ..formats.tabular import write_frames_xlsx
    from .pdf import write_pdf

    folder = cohort_folder(report.name, out) / TRAINER / REPORT_FOLDER
    try:
        folder.mkdir(parents=True, exist_ok=True)
        html = folder / "bilan.html"
        html.write_text(_html(report), encoding="utf-8")
        sheets = {title: table.astype(object).where(table.notna(), NOT_MEASURED)
                  for title, table in report.tables.items()}
        sheets["Commentaires"] = pd.DataFrame({"commentaire": report.comments})
        xlsx = write_frames_xlsx(sheets, folder / "bilan.xlsx")
        pdf = write_pdf(_document(report), folder / "bilan.pdf")
    except OSError as exc:
        raise OutputFolderError(f"Impossible d'écrire le bilan dans « {folder} » ({exc.strerror or exc}).",
                                todo="choisissez un dossier où vous pouvez écrire (option --out)") from None
    return [html, xlsx, pdf]
