"""Thin ipywidgets views over pure functions, French formatting of tables, charts with a static
fallback. Every view keeps its last output in ``.result`` so tests drive it with ``.value =`` and
``.click()`` without Jupyter."""

from .charts import BeforeAfterChart, ChartSpec
from .course import AI_MODE_LABELS, Course
from .errors import ErrorPanel, french_error_message
from .prompt_lab import LetterCheck, PromptLab, RcotfBuilder, checks_html
from .quiz import ProvenanceQuiz
from .tables import french_table
from .views import PromptSaver, SelfAssessment, Stopwatch, TakeAway, View

__all__ = [
    "BeforeAfterChart", "ChartSpec",
    "AI_MODE_LABELS", "Course",
    "ErrorPanel", "french_error_message",
    "LetterCheck", "PromptLab", "RcotfBuilder", "checks_html",
    "ProvenanceQuiz",
    "french_table",
    "PromptSaver", "SelfAssessment", "Stopwatch", "TakeAway", "View",
]
