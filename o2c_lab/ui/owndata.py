"""The participant's own data in the notebooks: her file is uploaded in the browser, read and
processed on her machine, and the results are written next to the notebooks with download links.

* :class:`WorkbookAnonymiser` — upload a workbook (.xlsx or .csv), tick the columns to hide (each
  pre-ticked from what :func:`o2c_lab.ai.workbook.detect_columns` found), download the anonymised copy
  and the correspondence table (which stays on her machine).

Nothing here sends anything anywhere: the upload goes from the browser to the local notebook server.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

import ipywidgets as widgets

from ..errors import InvalidParameterError
from .tables import table_html
from .toolkit import download_link
from .views import View

__all__ = ["OWN_DATA_FOLDER", "WorkbookAnonymiser", "uploaded_file"]

#: The folder, next to the notebooks, that receives what the participant's own data gives (ignored by git).
OWN_DATA_FOLDER = "mes-donnees"

_PRIVACY = ("Votre fichier est lu par ce carnet, sur votre poste (ou le serveur de la formation) : il n'est "
            "envoyé à aucune IA ni à aucun service extérieur.")


def uploaded_file(upload: widgets.FileUpload) -> tuple[str, bytes] | None:
    """(file name, content) of the file chosen in ``upload``, or None when none is."""
    if not upload.value:
        return None
    item = upload.value[0]
    return item["name"], bytes(item["content"])


def _upload_widget(description: str) -> widgets.FileUpload:
    return widgets.FileUpload(accept=".xlsx,.csv", multiple=False, description=description, icon="upload",
                              layout=widgets.Layout(width="auto"))


class WorkbookAnonymiser(View):
    """« Anonymiser votre fichier Excel »: upload, columns to hide, anonymised copy and its table.

    ``folder`` defaults to ``mes-donnees`` in the notebook's folder. :meth:`load` takes a file
    without the upload button (tests, a path given to the notebook). ``.result`` is the last
    :class:`~o2c_lab.ai.workbook.AnonymizedWorkbook`, ``.paths`` the two files written.
    """

    def __init__(self, folder: str | Path | None = None, *, use_nlp: bool = True):
        super().__init__()
        self.folder = Path(folder) if folder is not None else Path.cwd() / OWN_DATA_FOLDER
        self.use_nlp = use_nlp
        self.upload = _upload_widget("Choisir mon fichier")
        self.upload.observe(self.panel.guard(self._on_upload), names="value")
        self.columns = widgets.VBox()
        self.button = widgets.Button(description="Anonymiser et préparer le téléchargement", icon="user-secret",
                                     button_style="primary", disabled=True, layout=widgets.Layout(width="auto"))
        self.button.on_click(self.panel.guard(self._anonymise))
        self.status = widgets.HTML(f"<p>{escape(_PRIVACY)}</p>")
        self.output = widgets.Output(layout=widgets.Layout(max_width="100%"))
        self.links_html = ""
        self.paths: tuple[Path, ...] = ()
        self._choices: dict[tuple[str, str], tuple[widgets.Checkbox, widgets.Dropdown]] = {}
        self._sheets: dict = {}
        self._name = ""
        self.widget = widgets.VBox([widgets.HTML("<b>Anonymiser votre fichier (Excel .xlsx ou CSV)</b>"),
                                    self.upload, self.status, self.columns, self.button, self.output,
                                    self.panel.widget])

    def _on_upload(self, _change=None):
        chosen = uploaded_file(self.upload)
        if chosen is not None:
            self.load(*chosen)

    def load(self, name: str, data: bytes) -> None:
        """Read the file, guess the columns to hide, and show one line per column to confirm."""
        from ..ai.workbook import COLUMN_KINDS, detect_columns, read_workbook

        self._sheets, self._name = read_workbook(data, name), name
        guesses = detect_columns(self._sheets)
        options = [(label, kind) for kind, label in COLUMN_KINDS.items()]
        rows, self._choices = [], {}
        for guess in guesses:
            tick = widgets.Checkbox(value=guess.kind is not None, indent=False,
                                    description=(f"{guess.sheet} › {guess.column}" if len(self._sheets) > 1
                                                 else guess.column), layout=widgets.Layout(width="16em"))
            kind = widgets.Dropdown(options=options, value=guess.kind or "TEXTE", layout=widgets.Layout(width="22em"))
            self._choices[(guess.sheet, guess.column)] = (tick, kind)
            rows.append(widgets.HBox([tick, kind, widgets.HTML(f"<small>{escape(guess.reason)}</small>")]))
        hidden = sum(g.kind is not None for g in guesses)
        self.status.value = (f"<p>« {escape(name)} » : {sum(len(df) for df in self._sheets.values())} ligne(s), "
                             f"{len(guesses)} colonne(s) ; {hidden} colonne(s) à masquer proposée(s). Cochez ou "
                             f"décochez, choisissez le type, puis cliquez sur le bouton.</p><p>{escape(_PRIVACY)}</p>")
        self.columns.children = rows
        self.button.disabled = False
        self.output.outputs = ()

    @property
    def choices(self) -> dict[tuple[str, str], str | None]:
        """{(sheet, column): kind to hide as, or None when unticked}."""
        return {key: (kind.value if tick.value else None) for key, (tick, kind) in self._choices.items()}

    def _anonymise(self, _button=None):
        from IPython.display import HTML

        from ..ai.workbook import anonymize_sheets

        if not self._sheets:
            raise InvalidParameterError("Aucun fichier choisi.", todo="cliquez sur « Choisir mon fichier » d'abord")
        if not any(self.choices.values()):
            raise InvalidParameterError("Aucune colonne cochée : la copie serait identique à l'original.",
                                        todo="cochez au moins une colonne à masquer")
        self.status.value = "<i>Anonymisation en cours…</i>"
        result = anonymize_sheets(self._sheets, self.choices, use_nlp=self.use_nlp)
        stem, suffix = Path(self._name).stem, ".csv" if Path(self._name).suffix.lower() == ".csv" else ".xlsx"
        self.paths = result.write(self.folder / f"{stem}_anonymise{suffix}",
                                  self.folder / f"{stem}_correspondances.xlsx")
        self.result = result
        warning = result.anonymizer.warning
        self.links_html = (
            f"<p>✔ {escape(result.summary())}.</p>"
            f"<p><b>{download_link(self.paths[0], 'Télécharger la copie anonymisée')}</b> — c'est elle que vous "
            "pouvez confier à un outil d'IA.</p>"
            f"<p>{download_link(self.paths[1], 'Télécharger la table de correspondance')} — elle reste sur votre "
            "poste : ne la transmettez jamais à l'IA ; elle sert à remettre les vrais noms dans la réponse.</p>"
            + (f"<p style='color:#a15c00'>⚠ {escape(warning)}</p>" if warning else "")
            + f"<p>Les fichiers sont aussi dans le dossier « {OWN_DATA_FOLDER} », dans le panneau des fichiers de "
              "JupyterLab (à gauche). Aperçu de la copie :</p>")
        first = next(iter(result.sheets.values()))
        self.status.value = f"<p>{escape(_PRIVACY)}</p>"
        self.output.outputs = ()
        self.output.append_display_data(HTML(self.links_html + table_html(first.head(5).astype(str))))
