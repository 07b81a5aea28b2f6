"""The participant's own data in the notebooks: her file is uploaded in the browser, read and
processed on her machine, and the results are written next to the notebooks with download links.

* :class:`WorkbookAnonymiser` — upload a workbook (.xlsx, .xls or .csv), tick the columns to hide (each
  pre-ticked from what :func:`o2c_lab.ai.workbook.detect_columns` found), download the anonymised copy
  and the correspondence table (which stays on her machine);
* :class:`OwnDataWizard` — her open-items export or FEC: column mapping, quality report, analyses;
* :class:`BankStatementView` — her bank statement read, its quality report.

Nothing here sends anything anywhere: the upload goes from the browser to the local notebook server.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

import ipywidgets as widgets

from ..errors import InvalidParameterError
from ..formats.tabular import cell_text
from .tables import table_html
from .toolkit import download_link
from .views import View

__all__ = ["OWN_DATA_FOLDER", "BankStatementView", "OwnDataWizard", "WorkbookAnonymiser", "uploaded_file"]

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
    return widgets.FileUpload(accept=".xlsx,.xls,.csv", multiple=False, description=description, icon="upload",
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
        self.widget = widgets.VBox([widgets.HTML("<b>Anonymiser votre fichier (Excel .xlsx ou .xls, ou CSV)</b>"),
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
        titles = sum(df.attrs.get("title_rows", 0) for df in self._sheets.values())
        self.status.value = (f"<p>« {escape(name)} » : {sum(len(df) for df in self._sheets.values())} ligne(s), "
                             + (f"{titles} ligne(s) de titre au-dessus des intitulés (elles ne seront pas dans la "
                                "copie), " if titles else "")
                             + f"{len(guesses)} colonne(s) ; {hidden} colonne(s) à masquer proposée(s). Cochez ou "
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
        self.output.append_display_data(HTML(self.links_html + _scrolled(_texts(first.head(5)))))


_NONE = ""  # the dropdown choice « no column »
_DATE_ORDERS = [("jour/mois/année", "JMA"), ("mois/jour/année", "MJA")]
_DECIMALS = [("virgule (1 234,56)", ","), ("point (1,234.56)", ".")]
_PREVIEW_ROWS = 10
_CONVENTION_ROWS = 2000  # rows whose dates and amounts settle the conventions, as the library's guess


class OwnDataWizard(View):
    """Her own export, from upload to analyses, in four steps, each a box of this view:

    1. upload (.xlsx, .csv, or a FEC): the header is found, the columns guessed (or a saved
       correspondence whose columns are all there applied);
    2. the correspondence: one dropdown per field, pre-filled, a preview of ten rows, the date
       order and decimal separator (« à choisir » when the file reads two ways: reading is refused
       until she chooses); saved under a name, reused next time;
    3. reading with a progress bar, the quality report shown and downloadable;
    4. the analyses at a chosen date, the course's prompts filled with her data anonymised, the
       results as Excel; in the API mode, a button per prompt sends it (pseudonymised only).

    ``.own`` is the last :class:`~o2c_lab.owndata.OwnData` read, ``.result`` the last
    :class:`~o2c_lab.owndata.OwnAnalysis`, ``.prompts`` its anonymised prompts, ``.answers`` the AI's
    answers (API mode);
    ``folder`` receives the downloadable files (``mes-donnees`` next to the notebook).
    """

    def __init__(self, course=None, folder: str | Path | None = None, profile_folder: str | Path | None = None):
        import datetime as dt

        from ..owndata import FIELDS

        super().__init__()
        self.course = course
        self.folder = Path(folder) if folder is not None else Path.cwd() / OWN_DATA_FOLDER
        self.profile_folder = profile_folder
        self.own = None
        self.prompts: list[tuple[str, str]] = []
        self.answers: list = []
        self.ask_buttons: list[widgets.Button] = []
        self._raw, self._name, self._header, self._body, self._mapping, self._pending = b"", "", [], [], None, {}
        self.upload = _upload_widget("Choisir mon export")
        self.upload.observe(self.panel.guard(self._on_upload), names="value")
        self.found = widgets.HTML(f"<p>{escape(_PRIVACY)} Formats acceptés : export de pièces ouvertes ou de "
                                  "balance âgée (.xlsx, .xls ou .csv), FEC.</p>")
        style = {"description_width": "12em"}
        self.fields = {f: widgets.Dropdown(options=[("— aucune —", _NONE)], description=label, style=style,
                                           layout=widgets.Layout(width="32em"))
                       for f, (label, _required) in FIELDS.items()}
        for dropdown in self.fields.values():
            dropdown.observe(self.panel.guard(self._refresh_conventions), names="value")
        self.date_order = widgets.ToggleButtons(options=[("déduit du fichier", _NONE)] + _DATE_ORDERS,
                                                description="Ordre des dates", style=style)
        self.decimal = widgets.ToggleButtons(options=[("déduit du fichier", _NONE)] + _DECIMALS,
                                             description="Séparateur décimal", style=style)
        self.preview = widgets.HTML()
        self.profile_name = widgets.Text(placeholder="par exemple : export Sage du service", description="Nom",
                                         style={"description_width": "initial"})
        self.save_button = widgets.Button(description="Enregistrer la correspondance", icon="save",
                                          layout=widgets.Layout(width="auto"))
        self.save_button.on_click(self.panel.guard(self._save_profile))
        self.read_button = widgets.Button(description="Lire le fichier", icon="check", button_style="primary",
                                          layout=widgets.Layout(width="auto"))
        self.read_button.on_click(self.panel.guard(self._read))
        self.progress = widgets.IntProgress(value=0, min=0, max=1, description="Lecture",
                                            layout=widgets.Layout(width="32em", visibility="hidden"))
        self.quality = widgets.Output(layout=widgets.Layout(max_width="100%"))
        self.as_of = widgets.DatePicker(value=dt.date.today(), description="Date d'arrêté",
                                        style={"description_width": "initial"})
        self.sales = widgets.Text(description="Ventes TTC de la période (facultatif)",
                                  placeholder="par exemple 1 250 000,00", style={"description_width": "initial"},
                                  layout=widgets.Layout(width="32em"))
        self.period_days = widgets.BoundedIntText(value=0, min=0, max=3660, description="Durée de la période (jours)",
                                                  style={"description_width": "initial"})
        self.analyse_button = widgets.Button(description="Lancer les analyses", icon="line-chart",
                                             button_style="primary", layout=widgets.Layout(width="auto"))
        self.analyse_button.on_click(self.panel.guard(self._analyse))
        self.analyses = widgets.Output(layout=widgets.Layout(max_width="100%"))
        self.mapping_box = widgets.VBox([
            widgets.HTML("<b>2. Correspondance des colonnes</b> — vérifiez chaque champ (aperçu ci-dessous)"),
            *self.fields.values(), self.date_order, self.decimal, self.preview,
            widgets.HBox([self.profile_name, self.save_button]), self.read_button, self.progress])
        self.analysis_box = widgets.VBox([
            widgets.HTML("<b>4. Analyses</b> — le DSO demande les ventes de la période, absentes d'une liste de "
                         "pièces ouvertes : indiquez-les si vous les avez"),
            self.as_of, self.sales, self.period_days, self.analyse_button, self.analyses])
        for box in (self.mapping_box, self.analysis_box):
            box.layout.display = "none"
        self.widget = widgets.VBox([widgets.HTML("<b>1. Votre fichier</b>"), self.upload, self.found,
                                    self.mapping_box, self.quality, self.analysis_box, self.panel.widget])

    # -- 1. the file -------------------------------------------------------------------------
    def _on_upload(self, _change=None):
        chosen = uploaded_file(self.upload)
        if chosen is not None:
            self.load(*chosen)

    def load(self, name: str, data: bytes) -> None:
        """Take a file (the upload, or a file given to the notebook): guess its correspondence."""
        from ..owndata import is_fec, preview_export

        self._raw, self._name = bytes(data), name
        self.quality.outputs, self.analyses.outputs = (), ()
        self.analysis_box.layout.display = "none"
        if is_fec(self._raw, name):
            self.mapping_box.layout.display = "none"
            self.found.value = f"<p>« {escape(name)} » : fichier des écritures comptables (FEC).</p>"
            self._read()
            return
        # a layout no tool writes is previewed too: she maps every column herself
        preview = preview_export(self._raw, name, rows=_CONVENTION_ROWS, profile_folder=self.profile_folder)
        header, mapping = preview.header, preview.mapping
        body = preview.sample.to_numpy().tolist()
        why = escape(" ; ".join(preview.notes) or preview.layout.why)
        self._header, self._body = header, body
        self._show_mapping(mapping)
        self.preview.value = "<p><b>Aperçu</b> (dix premières lignes)</p>" + _scrolled(
            _frame(self._header, self._body[:_PREVIEW_ROWS]))
        self.found.value = f"<p>« {escape(name)} » : {why}.</p><p>{escape(_PRIVACY)}</p>"
        self.mapping_box.layout.display = ""

    def _show_mapping(self, mapping) -> None:
        options = [("— aucune —", _NONE)] + [(h, h) for h in self._header if h]
        self._mapping = None  # no convention refresh while the dropdowns change one by one
        for f, dropdown in self.fields.items():
            dropdown.options = options
            dropdown.value = mapping.columns.get(f, _NONE)
        self._mapping = mapping
        self.date_order.value = mapping.date_order or _NONE
        self.decimal.value = mapping.decimal or _NONE
        self._refresh_conventions()

    def _refresh_conventions(self, _change=None) -> None:
        """What the mapped columns settle: a convention they read two ways is « à choisir »."""
        from ..owndata import pending_conventions

        if self._mapping is None:
            return
        columns = {f: self._header.index(d.value) for f, d in self.fields.items() if d.value != _NONE}
        self._pending = pending_conventions(self._body[:2000], columns)
        for toggle, key in ((self.date_order, "date_order"), (self.decimal, "decimal")):
            chosen = toggle.value
            first = "à choisir" if key in self._pending else "déduit du fichier"
            toggle.options = [(first, _NONE)] + (_DATE_ORDERS if key == "date_order" else _DECIMALS)
            toggle.value = chosen
            toggle.tooltip = self._pending.get(key, "")

    # -- 2. the correspondence ----------------------------------------------------------------
    @property
    def mapping(self):
        """The :class:`~o2c_lab.owndata.ColumnMapping` the dropdowns and toggles say."""
        from dataclasses import replace

        from ..owndata import ColumnMapping
        from ..owndata.layouts import DEBIT_CREDIT, SIGNED

        if self._mapping is None:
            raise InvalidParameterError("Aucun fichier choisi.", todo="cliquez sur « Choisir mon export » d'abord")
        columns = {f: d.value for f, d in self.fields.items() if d.value != _NONE}
        chosen = list(columns.values())
        doubles = sorted({h for h in chosen if chosen.count(h) > 1})
        if doubles:
            raise InvalidParameterError(f"Colonne choisie pour deux champs : {', '.join(doubles)}.",
                                        todo="choisissez une colonne différente pour chaque champ")
        sign = SIGNED if "amount" in columns or not {"debit", "credit"} <= set(columns) else DEBIT_CREDIT
        if sign == DEBIT_CREDIT:
            columns.pop("amount", None)
        pending = {k: why for k, why in self._pending.items() if getattr(self, k).value == _NONE}
        base = ColumnMapping(columns, sign, layout=self._mapping.layout, header_rows=self._mapping.header_rows)
        return replace(base, date_order=self.date_order.value or None, decimal=self.decimal.value or None,
                       pending=pending, confidence=dict(self._mapping.confidence))

    def _checked_mapping(self):
        mapping = self.mapping
        if mapping.missing():
            raise InvalidParameterError("Champ(s) obligatoire(s) sans colonne : " + ", ".join(mapping.missing()) + ".",
                                        todo="choisissez la colonne de votre fichier pour chacun")
        if mapping.pending:
            labels = {"date_order": "l'ordre des dates", "decimal": "le séparateur décimal"}
            raise InvalidParameterError(
                "Le fichier se lit de deux façons : " + " ; ".join(mapping.pending.values()),
                valid=", ".join(labels[k] for k in mapping.pending) + " choisi(s) ci-dessus",
                todo="choisissez " + " et ".join(labels[k] for k in mapping.pending) + " (bouton « à choisir »), "
                     "puis cliquez de nouveau sur « Lire le fichier »")
        return mapping

    def _save_profile(self, _button=None):
        from ..owndata import save_profile

        name = self.profile_name.value.strip()
        if not name:
            raise InvalidParameterError("Nom de la correspondance vide.",
                                        todo="donnez-lui un nom, par exemple « export Sage du service »")
        save_profile(name, self._checked_mapping(), self.profile_folder)
        self.found.value += (f"<p>✔ Correspondance « {escape(name)} » enregistrée : elle sera appliquée au "
                             "prochain fichier qui a les mêmes colonnes.</p>")

    # -- 3. reading -----------------------------------------------------------------------------
    def _on_progress(self, done: int, total: int, label: str) -> None:
        self.progress.max, self.progress.value = max(total, 1), min(done, max(total, 1))
        self.progress.description = label[:1].upper() + label[1:20]

    def _read(self, _button=None):
        from IPython.display import HTML

        from ..owndata import read_export

        mapping = None if self.mapping_box.layout.display == "none" else self._checked_mapping()
        self.progress.layout.visibility = "visible"
        self.own = read_export(self._raw, self._name, mapping=mapping, progress=self._on_progress,
                               profile_folder=self.profile_folder)
        report = self.own.quality
        path = report.write(self.folder / f"{Path(self._name).stem}-controle-qualite.xlsx")
        self.quality.outputs = ()
        self.quality.append_display_data(HTML(
            "<b>3. Contrôle qualité du fichier</b><ul>" + "".join(f"<li>{escape(line)}</li>"
                                                              for line in report.summary_lines()) + "</ul>"
            + _scrolled(_texts(report.to_frame().head(30)))
            + f"<p>{download_link(path, 'Télécharger le rapport de contrôle qualité (Excel)')}</p>"))
        self.analysis_box.layout.display = ""

    # -- 4. the analyses ------------------------------------------------------------------------
    def _analyse(self, _button=None):
        from IPython.display import HTML

        from ..ai.assistant import copy_block_html
        from ..owndata import analyse_open_items, anonymised_prompts
        from .tables import french_table

        if self.own is None:
            raise InvalidParameterError("Aucun fichier lu.", todo="choisissez votre export puis cliquez sur "
                                                                  "« Lire le fichier »")
        if self.as_of.value is None:
            raise InvalidParameterError("Date d'arrêté vide.", todo="choisissez la date de la balance âgée")
        sales = None
        if self.sales.value.strip():
            from ..money import to_cents

            sales = to_cents(self.sales.value.strip())
            if self.period_days.value <= 0:
                raise InvalidParameterError("Ventes indiquées sans la durée de la période.",
                                            valid="un nombre de jours supérieur à 0, par exemple 90 pour un trimestre",
                                            todo="indiquez la durée de la période de ces ventes")
        analysis = analyse_open_items(self.own.items, self.as_of.value, sales_cents=sales,
                                      period_days=self.period_days.value or None)
        path = analysis.to_excel(self.folder / f"{Path(self._name).stem}-analyses.xlsx")
        self.result, self.prompts = analysis, anonymised_prompts(analysis)
        frames = analysis.frames()
        buckets = [c for aged in analysis.aged.values() for c in aged.columns + ["Total"]]
        parts = [f"<p>{download_link(path, 'Télécharger les résultats (Excel : balance âgée, indicateurs, à relancer, ne pas relancer)')}</p>",
                 f"<h4>Balance âgée au {self.as_of.value:%d/%m/%Y}</h4>",
                 _scrolled(_euro_cells(frames["Balance âgée"], buckets)),
                 "<h4>Indicateurs</h4><p>Ce qu'une liste de pièces ouvertes ne permet pas de calculer est dit, avec "
                 "la raison.</p>",
                 _scrolled(french_table(frames["Indicateurs"], numbers=["Valeur"], decimals=1)),
                 f"<h4>À relancer ({len(analysis.chase)})</h4>",
                 _scrolled(french_table(_euro_cells(frames["À relancer"], ["Montant"]).head(30))),
                 f"<h4>Ne pas relancer ({len(analysis.do_not_chase)})</h4>",
                 _scrolled(french_table(_euro_cells(frames["Ne pas relancer"], ["Montant"]).head(30))),
                 "<h4>Les prompts du cours, remplis avec vos données anonymisées</h4><p>Les clients y sont des "
                 "pseudonymes (« CLIENT_1 » est celui qui a le plus d'échu) : copiez le prompt dans votre outil "
                 "d'IA.</p>"]
        for title, text in self.prompts:
            parts += [f"<p><b>{escape(title)}</b></p>", copy_block_html(text)]
        self.analyses.outputs = ()
        self.analyses.append_display_data(HTML("".join(parts)))
        self._ask_buttons()

    def _ask_buttons(self) -> None:
        """In the API mode, one button per prompt sends it (pseudonymised) and shows the answer."""
        assistant = getattr(self.course, "assistant", None)
        self.ask_buttons = []
        if assistant is None or assistant.mode != "api":
            return
        for title, text in self.prompts:
            button = widgets.Button(description=f"Demander à l'IA : {title}"[:60], icon="comment",
                                    layout=widgets.Layout(width="auto"))
            button.on_click(self.panel.guard(lambda _b, t=title, x=text: self._ask(t, x)))
            self.ask_buttons.append(button)
            self.analyses.append_display_data(button)

    def _ask(self, title: str, text: str) -> None:
        from IPython.display import HTML

        from ..ai.assistant import Task

        answer = self.course.assistant.ask(Task(text, title=title))
        self.answers.append(answer)
        self.analyses.append_display_data(HTML(f"<p><b>{escape(answer.label)}</b></p>"
                                               f"<div style='white-space:pre-wrap'>{escape(answer.text)}</div>"))


class BankStatementView(View):
    """Her bank statement (camt.053, MT940, CFONB 120 or a bank's CSV) read by the course's readers:
    the quality report (balances reconciled, totals by currency) and the first transactions.

    ``.result`` is the last :class:`~o2c_lab.owndata.BankStatement` read.
    """

    def __init__(self, folder: str | Path | None = None):
        super().__init__()
        self.folder = Path(folder) if folder is not None else Path.cwd() / OWN_DATA_FOLDER
        self.upload = widgets.FileUpload(accept=".xml,.txt,.sta,.mt940,.csv", multiple=False,
                                         description="Choisir mon relevé", icon="upload",
                                         layout=widgets.Layout(width="auto"))
        self.upload.observe(self.panel.guard(self._on_upload), names="value")
        self.output = widgets.Output(layout=widgets.Layout(max_width="100%"))
        self.widget = widgets.VBox([widgets.HTML("<b>Votre relevé bancaire</b> (camt.053, MT940, CFONB 120 ou CSV "
                                                 f"de votre banque)<p>{escape(_PRIVACY)}</p>"),
                                    self.upload, self.output, self.panel.widget])

    def _on_upload(self, _change=None):
        chosen = uploaded_file(self.upload)
        if chosen is not None:
            self.load(*chosen)

    def load(self, name: str, data: bytes) -> None:
        from IPython.display import HTML

        from ..owndata import read_bank_statement
        from .tables import french_table

        self.result = statement = read_bank_statement(data, name)
        path = statement.quality.write(self.folder / f"{Path(name).stem}-controle-qualite.xlsx")
        moves = statement.transactions
        shown = [c for c in ("booking_date", "amount_cents", "currency", "counterparty_name", "remittance_info")
                 if c in moves]
        self.output.outputs = ()
        self.output.append_display_data(HTML(
            "<ul>" + "".join(f"<li>{escape(line)}</li>" for line in statement.quality.summary_lines()
                             + statement.quality.notes) + "</ul>"
            + f"<p>{download_link(path, 'Télécharger le rapport de contrôle qualité (Excel)')}</p>"
            + f"<p><b>Premières opérations</b> ({len(moves)} en tout)</p>"
            + _scrolled(french_table(moves[shown].head(15), rename={
                "booking_date": "date", "amount_cents": "montant", "currency": "devise",
                "counterparty_name": "contrepartie", "remittance_info": "référence de paiement"}))))


def _frame(header: list, rows: list):
    """A preview table: the header's names over the rows' cells as text."""
    import pandas as pd

    width = len(header)
    names = [h or f"colonne {j + 1}" for j, h in enumerate(header)]
    cells = [[cell_text(r[j]) if j < len(r) else "" for j in range(width)] for r in rows]
    return pd.DataFrame(cells, columns=pd.Index(names).astype(str))


def _euro_cells(frame, columns):
    """``frame`` with its euro amounts (Decimal) written the French way, for display."""
    from ..money import format_eur

    out = frame.copy()
    for column in columns:
        if column in out:
            out[column] = [format_eur(int(v * 100)) if v == v and v is not None else "" for v in out[column]]
    return out


def _texts(df):
    """Every cell as text, dates JJ/MM/AAAA, empty cells blank (never « nan » or « <NA> »)."""
    return df.astype(object).where(df.notna(), "").map(cell_text)


def _scrolled(df) -> str:
    """A table as HTML in a box that scrolls sideways: a wide export never overflows its cell."""
    return f"<div style='overflow-x:auto;max-width:100%'>{table_html(df)}</div>"
