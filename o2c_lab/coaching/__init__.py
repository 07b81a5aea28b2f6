"""Coaching: the participant's journal (answers, timings, prompts, self-assessments) and the
before/after summaries computed from it."""

from .assessment import ASSESSMENT_QUIZ, HOT_FORM, ITEM_TITLES, PROGRESS_LEVELS, AssessmentItem, assessment_items
from .journal import (COURSE_TASKS, JOURNAL_DIR_ENV, MODES, OBJECTIVES, PHASES, Journal, default_journal_folder,
                      journal_path)
from .quiz import PROVENANCES, QuizText, quiz_texts, score_quiz
from .scores import TOP_N, Analysis, scoreboard
from .settings import Settings, load_settings, save_settings, settings_path
from .summary import (NOT_MEASURED, fact_accuracy, format_duration, self_assessment_table, self_ratings,
                      timing_table)

__all__ = [
    "ASSESSMENT_QUIZ", "HOT_FORM", "ITEM_TITLES", "PROGRESS_LEVELS", "AssessmentItem", "assessment_items",
    "COURSE_TASKS", "JOURNAL_DIR_ENV", "MODES", "OBJECTIVES", "PHASES", "Journal", "default_journal_folder", "journal_path",
    "PROVENANCES", "QuizText", "quiz_texts", "score_quiz",
    "TOP_N", "Analysis", "scoreboard",
    "Settings", "load_settings", "save_settings", "settings_path",
    "NOT_MEASURED", "fact_accuracy", "format_duration", "self_assessment_table", "self_ratings",
    "timing_table",
]
