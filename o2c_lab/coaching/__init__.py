"""Coaching: the participant's journal (answers, timings, prompts, self-assessments) and the
before/after summaries computed from it."""

from .journal import (COURSE_TASKS, JOURNAL_DIR_ENV, MODES, OBJECTIVES, PHASES, Journal, default_journal_folder,
                      journal_path)
from .scores import PENDING, TOP_N, Analysis, scoreboard
from .summary import format_duration, self_assessment_table, timing_table

__all__ = [
    "COURSE_TASKS", "JOURNAL_DIR_ENV", "MODES", "OBJECTIVES", "PHASES", "Journal", "default_journal_folder", "journal_path",
    "PENDING", "TOP_N", "Analysis", "scoreboard",
    "format_duration", "self_assessment_table", "timing_table",
]
