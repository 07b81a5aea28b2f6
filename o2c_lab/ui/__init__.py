"""Thin ipywidgets views over pure functions, French formatting of tables, charts with a static
fallback. Every view keeps its last output in ``.result`` so tests drive it with ``.value =`` and
``.click()`` without Jupyter."""

from .charts import BeforeAfterChart, ChartSpec
from .course import AFTER_COURSE, AI_MODE_LABELS, MODULES, Course
from .errors import ErrorPanel, french_error_message
from .evaluation import FinalAssessment, HotEvaluation, ReportConsent
from .glossary import GLOSSARY, glossary_html, kpi_table
from .live import LiveView
from .prompt_lab import LetterCheck, PromptLab, RcotfBuilder, checks_html
from .quiz import ProvenanceQuiz
from .reveal import Reveal, TryFirst
from .settings import SettingsPanel
from .tables import french_table
from .toolkit import TOOLKIT_FOLDER, ToolkitExport
from .views import PromptSaver, SelfAssessment, Stopwatch, TakeAway, View

__all__ = [
    "BeforeAfterChart", "ChartSpec",
    "AFTER_COURSE", "AI_MODE_LABELS", "MODULES", "Course",
    "ErrorPanel", "french_error_message",
    "FinalAssessment", "HotEvaluation", "ReportConsent",
    "GLOSSARY", "glossary_html", "kpi_table",
    "LiveView",
    "LetterCheck", "PromptLab", "RcotfBuilder", "checks_html",
    "ProvenanceQuiz",
    "Reveal", "TryFirst",
    "SettingsPanel",
    "french_table",
    "TOOLKIT_FOLDER", "ToolkitExport",
    "PromptSaver", "SelfAssessment", "Stopwatch", "TakeAway", "View",
]
