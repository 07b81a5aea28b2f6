"""Authoring: the course notebooks, exercises and solutions are built from their MyST Markdown
sources (``course/``), checked for staleness, solution leaks and broken references."""

from .build import build_notebooks, course_notebooks, render_notebook, stale_notebooks
from .exercises import build_exercises, check_exercises, course_exercises
from .sources import COURSE_DIR_ENV, course_folder

__all__ = ["COURSE_DIR_ENV", "build_exercises", "build_notebooks", "check_exercises", "course_exercises",
           "course_folder", "course_notebooks", "render_notebook", "stale_notebooks"]
