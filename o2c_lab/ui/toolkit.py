"""The participant's toolkit, exported on a button at the end of the day into a folder of the
JupyterLab tree (``ma_boite_a_outils/`` next to the notebooks), with a download link per file."""

from __future__ import annotations

import copy
import os
import shutil
import threading
from html import escape
from pathlib import Path

import ipywidgets as widgets

from .views import View

__all__ = ["TOOLKIT_FOLDER", "ToolkitExport", "download_link", "relative_href"]

#: The folder, next to the notebooks, that receives the participant's toolkit (ignored by git).
TOOLKIT_FOLDER = "ma_boite_a_outils"

_FORMATS = {".docx": "Word", ".xlsx": "Excel", ".md": "texte"}


def relative_href(path: Path) -> str:
    """The link to ``path`` relative to the notebook (JupyterLab serves the tree; an absolute path
    would not), for a display output: JupyterLab turns it into the file's download address."""
    try:
        return Path(os.path.relpath(path, Path.cwd())).as_posix()
    except ValueError:  # another drive (Windows)
        return Path(path).as_uri()


def download_link(path: Path, label: str) -> str:
    """An HTML link that downloads ``path`` (a file of the JupyterLab tree) under its own name."""
    return f"<a href='{escape(relative_href(path))}' download='{escape(Path(path).name)}'>{escape(label)}</a>"


def _title(markdown: Path) -> str:
    first = markdown.read_text(encoding="utf-8").splitlines()[0]
    return first.lstrip("# ").strip()


class ToolkitExport(View):
    """« Exporter ma boîte à outils »: the eleven deliverables built from the journal, then links.

    ``folder`` defaults to ``ma_boite_a_outils`` in the notebook's folder. ``.result`` is the list of
    files written by the last export, ``.links_html`` the links shown. The links are a display
    output, not a widget's HTML: JupyterLab turns a relative link of an output into the file's
    download address (and leaves a ``download`` link to the browser).

    Writing the 26 files takes several seconds: the kit is prepared in the background as soon as the
    widget shows (in the participant's own folder, out of the JupyterLab tree), while she fills in
    her plan; the click then rewrites only what her later entries change, and copies the kit.
    """

    def __init__(self, course, folder: str | Path | None = None):
        super().__init__()
        self.course = course
        self.folder = Path(folder) if folder is not None else Path.cwd() / TOOLKIT_FOLDER
        self.button = widgets.Button(description="Exporter ma boîte à outils", icon="download",
                                     button_style="primary", layout=widgets.Layout(width="auto"))
        self.status = widgets.HTML()
        self.output = widgets.Output(layout=widgets.Layout(max_width="100%"))
        self.links_html = ""
        self.button.on_click(self.panel.guard(self._export))
        self.widget = widgets.VBox([self.button, self.status, self.output, self.panel.widget])
        self._staging = course.workdir / "boite_a_outils_preparee"
        self._prepared_for: str | None = None
        self._start_preparing()
        course.journal.on_change(self._on_journal_change)

    def _start_preparing(self) -> None:
        self._thread = threading.Thread(target=self._prepare, args=(copy.deepcopy(self.course.journal.data),),
                                        daemon=True)
        self._thread.start()

    def _on_journal_change(self, journal) -> None:
        """Another name means another kit: it is prepared in the background as well."""
        if journal.participant != self._prepared_for and not self._thread.is_alive():
            self._start_preparing()

    def _prepare(self, journal: dict) -> None:
        from ..deliverables import export_deliverables

        if self._prepared_for is not None and journal.get("participant", "") != self._prepared_for:
            shutil.rmtree(self._staging, ignore_errors=True)  # nothing of the old name's kit is kept
        try:
            export_deliverables(self.course.company, self._staging, journal)
        except Exception:  # the click will export everything itself, and show any error then
            return
        self._prepared_for = journal.get("participant", "")

    def wait_prepared(self, timeout: float | None = None) -> bool:
        """Wait for the background preparation (benchmarks, tests); True when it is done."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _export(self, _button=None):
        from ..deliverables import export_deliverables

        from IPython.display import HTML

        from ..deliverables import JOURNAL_READERS

        self.status.value = "<i>Export en cours…</i>"
        self.button.icon, self.button.disabled = "spinner", True
        try:
            self._thread.join()
            journal = self.course.journal.data
            ready = self._prepared_for == journal.get("participant", "")
            if not ready:  # another name: another ZIP; nothing of the old kit is kept
                shutil.rmtree(self._staging, ignore_errors=True)
            export_deliverables(self.course.company, self._staging, journal, only=JOURNAL_READERS if ready else None)
            self._prepared_for = journal.get("participant", "")
            self.folder.mkdir(parents=True, exist_ok=True)
            self.result = [Path(shutil.copy2(path, self.folder / path.name))
                           for path in sorted(self._staging.iterdir())
                           if path.is_file() and not path.name.startswith(".")]
        finally:
            self.button.icon, self.button.disabled = "download", False
            self.status.value = ""
        self.links_html = self._links(self.result)
        self.output.outputs = ()
        self.output.append_display_data(HTML(self.links_html))

    def _links(self, paths: list[Path]) -> str:
        by_stem: dict[str, list[Path]] = {}
        archive = None
        for path in paths:
            if path.suffix == ".zip":
                archive = path
            else:
                by_stem.setdefault(path.stem, []).append(path)
        items = []
        for stem, files in sorted(by_stem.items()):
            markdown = next((f for f in files if f.suffix == ".md"), None)
            title = _title(markdown) if markdown else stem
            links = " · ".join(download_link(f, _FORMATS[f.suffix])
                               for f in sorted(files, key=lambda f: list(_FORMATS).index(f.suffix)))
            items.append(f"<li>{escape(title)} : {links}</li>")
        zip_line = (f"<p><b>{download_link(archive, 'Télécharger toute la boîte à outils (fichier ZIP)')}</b></p>"
                    if archive else
                    "<p>Le fichier ZIP de l'ensemble est créé quand votre prénom est enregistré (carnet 00, "
                    "réglages).</p>")
        return (f"<p>✔ {len(paths)} fichiers prêts dans le dossier « {TOOLKIT_FOLDER} », visible dans le "
                "panneau des fichiers de JupyterLab (à gauche). Cliquez pour télécharger :</p>"
                f"{zip_line}<ul style='overflow-wrap:anywhere'>{''.join(items)}</ul>")
