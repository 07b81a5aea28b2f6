"""A French error panel: exceptions raised inside widget callbacks are shown, never lost.

Jupyter prints an exception raised in a button callback to the browser console only (or a raw
English traceback in the log): the trainee sees nothing happen. :meth:`ErrorPanel.guard` catches
it, shows a French message in the panel and logs the details for the trainer.
"""

from __future__ import annotations

import functools
import logging
from html import escape

import ipywidgets as widgets

from ..errors import O2CLabError

__all__ = ["ErrorPanel", "french_error_message"]

_log = logging.getLogger("o2c_lab.ui")

_STYLE = ("border-left:4px solid #c0392b;background:#fdecea;color:#611a15;padding:8px 12px;"
          "font-family:system-ui,sans-serif;white-space:pre-wrap")


def french_error_message(exc: BaseException) -> str:
    """The message a trainee sees for ``exc``: o2c_lab errors are already French and teach."""
    if isinstance(exc, O2CLabError):
        return exc.message
    return ("Une erreur inattendue est survenue pendant cette action "
            f"({type(exc).__name__}).\nQue faire : réessayez ; si l'erreur revient, menu "
            "Noyau › Redémarrer le noyau et exécuter toutes les cellules, puis prévenez le "
            "formateur (le détail technique est dans le journal du serveur).")


class ErrorPanel:
    """An HTML widget that stays empty until a guarded callback fails.

    ``.result`` is the last French message shown ("" when none).
    """

    def __init__(self):
        self.widget = widgets.HTML(value="")
        self.result = ""

    def clear(self) -> None:
        self.widget.value = ""
        self.result = ""

    def show(self, exc: BaseException) -> None:
        self.result = french_error_message(exc)
        self.widget.value = f'<div style="{_STYLE}">⚠ {escape(self.result)}</div>'

    def guard(self, callback):
        """Wrap ``callback`` so that any exception is shown in this panel and logged."""
        @functools.wraps(callback)
        def guarded(*args, **kwargs):
            self.clear()
            try:
                return callback(*args, **kwargs)
            except Exception as exc:  # a callback's error must reach the trainee, whatever it is
                _log.exception("Erreur dans une action du carnet")
                self.show(exc)
                return None
        return guarded
