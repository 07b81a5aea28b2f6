"""Authoring: the course notebooks are generated from one Python source (``course.py``) so they can
be rebuilt, checked for staleness, and (later) split into exercises and solutions."""

from .build import build_notebooks, render_notebook, stale_notebooks
from .course import NOTEBOOKS
from .exercises import build_exercises, check_exercises

__all__ = ["NOTEBOOKS", "build_exercises", "build_notebooks", "check_exercises", "render_notebook", "stale_notebooks"]
