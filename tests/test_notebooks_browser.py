"""A real browser: JupyterLab in French on loopback, headless Debian Chromium driven by Playwright.

One trainee's whole day, without editing a single cell: in each of the seven notebooks she runs all
cells from the « Exécution » menu, then uses every kind of widget (settings, self-assessment, quiz,
prompt check, stopwatch, reveal, tabs, plan, toolkit export). After each notebook: no error output,
no English word, identifier, file path or seed in the visible text, no output wider than its cell;
references stay hidden until she tried; the measure tables follow the stopwatch; finally her toolkit
is listed in the JupyterLab file browser and its ZIP downloads. Screenshots are kept in
``tests/artefacts/navigateur/`` (ignored by git) or ``$O2C_LAB_TEST_ARTEFACTS``.

Needs Chromium (``apt-get install chromium``) and Playwright for Python (in the test extras).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import chased_letter_pair, free_port, jupyter_server

from o2c_lab.authoring.language import visible_problems

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium")
playwright_sync = pytest.importorskip("playwright.sync_api",
                                      reason="Playwright absent : pip install -e \".[test]\" l'installe")
# A loaded 2-core machine (the other test process busy) renders widgets late: wait longer than
# Playwright's 5 s before calling a text missing.
playwright_sync.expect.set_options(timeout=30_000)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium absent : installez-le (apt-get install chromium) "
                                                         "pour lancer les tests dans un vrai navigateur")

OVERRIDES = {
    "@jupyterlab/translation-extension:plugin": {"locale": "fr_FR"},
    "@jupyterlab/apputils-extension:notification": {"checkForUpdates": False, "fetchNews": "false"},
    "@jupyterlab/docmanager-extension:plugin": {"autosave": False},
    # Render every cell, not only those near the viewport, so outputs can be checked anywhere.
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
}
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
STDERR = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
ERROR = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.error"]'


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory):
    home = tmp_path_factory.mktemp("jlab")
    root = home / "racine"
    shutil.copytree(ROOT / "notebooks", root / "notebooks")  # the UI never writes into the project
    (root / "datasets").symlink_to(ROOT / "datasets", target_is_directory=True)  # read only
    (home / "app-settings").mkdir()
    (home / "app-settings" / "overrides.json").write_text(json.dumps(OVERRIDES), encoding="utf-8")
    env = dict(os.environ, O2C_LAB_JOURNAL_DIR=str(home / "journal"), **{
        k: str(home / v) for k, v in {
            "JUPYTER_CONFIG_DIR": "config", "JUPYTER_DATA_DIR": "data", "JUPYTER_RUNTIME_DIR": "runtime",
            "JUPYTERLAB_SETTINGS_DIR": "user-settings", "JUPYTERLAB_WORKSPACES_DIR": "workspaces",
            "IPYTHONDIR": "ipython"}.items()})
    env.pop("O2C_AI_API_KEY", None)
    port, token = free_port(), "jeton-de-test"
    argv = [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root", "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={root}", f"--LabApp.app_settings_dir={home / 'app-settings'}"]
    with jupyter_server(argv, port, token, home / "jupyter.log", env) as base:
        yield base, token, home


@pytest.fixture(scope="module")
def browser():
    with playwright_sync.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield b
        b.close()


@pytest.fixture
def context(browser, jupyterlab):
    ctx = browser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True)
    ctx.grant_permissions(["clipboard-read", "clipboard-write"], origin=jupyterlab[0])
    yield ctx
    ctx.close()


@pytest.fixture
def artefacts():
    folder = Path(os.environ.get("O2C_LAB_TEST_ARTEFACTS", ROOT / "tests" / "artefacts" / "navigateur"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _open_and_run_all(page, jupyterlab, name, artefacts):
    base, token, _ = jupyterlab
    # One kernel at a time, as a trainee going from one notebook to the next (her data is in her journal).
    for session in page.request.get(f"{base}/api/sessions?token={token}").json():
        page.request.delete(f"{base}/api/sessions/{session['id']}?token={token}")
    page.goto(f"{base}/lab/tree/notebooks/{name}?token={token}")
    page.wait_for_selector(f"{PANEL} .jp-Cell", timeout=60_000)
    ready = """(panel) => { const p = document.querySelector(panel);
      const k = p && p.querySelector('.jp-Toolbar-kernelName');
      const s = p && p.querySelector('.jp-Notebook-ExecutionIndicator');
      return !!k && /python/i.test(k.getAttribute('aria-label') || '') && !!s && s.dataset.status === 'idle'; }"""
    choose = page.locator(".jp-Dialog button", has_text="Sélectionner")
    for _ in range(120):  # JupyterLab may ask which kernel to start (Python 3 is proposed): accept
        if choose.count():
            choose.first.click()
        if page.evaluate(ready, PANEL) and not page.locator(".jp-Dialog").count():
            break
        page.wait_for_timeout(500)
    else:
        page.screenshot(path=str(artefacts / f"echec_{name}.png"))
        pytest.fail(f"{name} : le noyau ne démarre pas")
    assert "Exécution" in page.locator("#jp-menu-panel .lm-MenuBar-itemLabel").all_inner_texts()
    page.locator("#jp-menu-panel .lm-MenuBar-item", has_text="Exécution").click()
    page.locator('.lm-Menu-item[data-command="runmenu:run-all"]').click()
    # Collapsed inputs show no « [n]: » prompt: follow the notebook's execution indicator instead.
    indicator = """(args) => { const s = document.querySelector(args[0] + ' .jp-Notebook-ExecutionIndicator');
      return !!s && s.dataset.status === args[1]; }"""
    try:
        # The kernel may take long to start running on a loaded machine.
        page.wait_for_function(indicator, arg=[PANEL, "busy"], timeout=45_000)
    except playwright_sync.TimeoutError:
        pass  # already finished
    try:
        page.wait_for_function(indicator, arg=[PANEL, "idle"], timeout=120_000)
    except playwright_sync.TimeoutError:
        page.screenshot(path=str(artefacts / f"echec_{name}.png"))
        pytest.fail(f"{name} : exécution inachevée")
    page.wait_for_timeout(500)  # the last widgets render
    errors = page.locator(f"{PANEL} {ERROR}, {PANEL} {STDERR}").all_inner_texts()
    assert errors == [], f"{name} : {errors[0][-1500:]}"
    return playwright_sync.expect


def _button(page, text, within=None):
    scope = within if within is not None else page.locator(PANEL)
    button = scope.locator("button.widget-button", has_text=text).first
    button.scroll_into_view_if_needed()
    return button


def _output_with(page, text):
    """The output area holding a widget button labelled ``text``."""
    return page.locator(f"{PANEL} .jp-OutputArea-output").filter(
        has=page.locator("button.widget-button", has_text=text)).first


def _check_what_she_sees(page, name, artefacts):
    """No error, no jargon, identifier, path or seed, nothing wider than its cell; a screenshot."""
    expect = playwright_sync.expect
    expect(page.locator(f"{PANEL} {STDERR}")).to_have_count(0)
    expect(page.locator(f"{PANEL} {ERROR}")).to_have_count(0)
    text = page.locator(f"{PANEL} .jp-Notebook").inner_text()
    assert sorted(set(visible_problems(text))) == [], name
    wide = page.evaluate("""(panel) => Array.from(document.querySelectorAll(panel + ' .jp-OutputArea-output'))
        .filter(e => e.scrollWidth > e.clientWidth + 2).map(e => e.innerText.slice(0, 80))""", PANEL)
    assert wide == [], name
    page.screenshot(path=str(artefacts / f"{Path(name).stem}.png"), full_page=True)


def _stopwatch(page, within, mode_label=None):
    if mode_label:
        within.locator(".widget-toggle-buttons button", has_text=mode_label).first.click()
    _button(page, "Démarrer le chronomètre", within).click()
    _button(page, "Arrêter", within).wait_for()
    page.wait_for_timeout(1100)
    _button(page, "Arrêter", within).click()
    _button(page, "Démarrer le chronomètre", within).wait_for()


def test_a_trainee_does_the_day_without_editing_a_cell(context, jupyterlab, artefacts):
    expect = playwright_sync.expect
    home = jupyterlab[2]
    page = context.new_page()

    # 00 — settings without code: name, mode; then her self-assessment
    _open_and_run_all(page, jupyterlab, "00_bienvenue.ipynb", artefacts)
    expect(page.locator(f"{PANEL} .jp-OutputArea-output", has_text="Diagnostic").first).to_contain_text("Tout est prêt")
    expect(page.locator(PANEL)).to_contain_text("Module 1/7")
    settings = _output_with(page, "Enregistrer mes réglages")
    settings.locator(".widget-text input").first.fill("Camille")
    settings.locator(".widget-radio-box label", has_text="copier-coller").click()
    _button(page, "Tester la connexion", settings).click()
    expect(settings).to_contain_text("Aucune connexion à tester")
    _button(page, "Enregistrer mes réglages", settings).click()
    expect(settings).to_contain_text("Réglages enregistrés")
    assert json.loads((home / "journal" / "reglages.json").read_text(encoding="utf-8"))["ai_mode"] == "copier_coller"
    rating = _output_with(page, "Enregistrer mon auto-évaluation")
    for group in rating.locator(".widget-toggle-buttons").all():
        group.locator("button", has_text="2").click()
    _button(page, "Enregistrer mon auto-évaluation", rating).click()
    expect(rating).to_contain_text("7 note(s) enregistrée(s)")
    _check_what_she_sees(page, "00_bienvenue.ipynb", artefacts)

    # 01 — her name and mode are read; quiz, RCOTF, copy, stopwatch and live times, try first
    _open_and_run_all(page, jupyterlab, "01_prompts.ipynb", artefacts)
    expect(page.locator(PANEL)).to_contain_text("Journal de Camille")
    expect(page.locator(PANEL)).to_contain_text("Module 2/7")
    _button(page, "Valider mes réponses").click()
    expect(page.locator(PANEL)).to_contain_text("bonne(s) réponse(s)")
    _button(page, "Vérifier mon prompt").click()
    expect(page.locator(f"{PANEL} .jp-OutputArea-output button", has_text="Copier le prompt").first).to_be_visible()
    times = page.locator(f"{PANEL} .jp-OutputArea-output table.o2c-table",
                         has_text="Rédiger un prompt de relance structuré").first
    expect(times).to_contain_text("non mesuré")
    watch = page.locator(f"{PANEL} .jp-OutputArea-output", has_text="Chronomètre —").first
    _stopwatch(page, watch)
    _stopwatch(page, watch, "avec IA")
    expect(times).not_to_contain_text("non mesuré")  # the table followed, without re-running its cell
    expect(times).to_contain_text(re.compile("gagnées|perdues"))
    lab = _output_with(page, "Vérifier la réponse collée")
    reference = _button(page, "Voir la référence", lab)
    expect(reference).to_be_disabled()
    lab.locator("textarea").first.fill("Madame, Monsieur, merci de nous indiquer la date de règlement.")
    _button(page, "Vérifier la réponse collée", lab).click()
    expect(lab).to_contain_text("Vérification des faits")
    expect(reference).to_be_enabled()
    _check_what_she_sees(page, "01_prompts.ipynb", artefacts)

    # 02 — a comparison revealed on « je passe cette étape »
    _open_and_run_all(page, jupyterlab, "02_risque_facture.ipynb", artefacts)
    exposure = _output_with(page, "Voir l'exposition et les actions")
    expect(_button(page, "Voir l'exposition et les actions", exposure)).to_be_disabled()
    expect(exposure).not_to_contain_text("encours total")
    _button(page, "Je passe cette étape", exposure).click()
    expect(exposure).to_contain_text("encours total")
    _check_what_she_sees(page, "02_risque_facture.ipynb", artefacts)

    # 03 — the prioritised list stays hidden until her timed try
    _open_and_run_all(page, jupyterlab, "03_balance_agee.ipynb", artefacts)
    # plotly draws a chart once it is scrolled into view
    scroller = page.locator(f"{PANEL} .jp-WindowedPanel-outer")
    scroller.evaluate("e => e.scrollTop = 0")
    for _ in range(40):
        if page.locator(f"{PANEL} .js-plotly-plot").count():
            break
        scroller.evaluate("e => e.scrollTop += 500")
        page.wait_for_timeout(200)
    chart = page.locator(f"{PANEL} .js-plotly-plot").first
    chart.wait_for(state="attached", timeout=90_000)  # plotly.js can take long on a loaded 2-core machine
    chart.scroll_into_view_if_needed()
    expect(page.locator(f"{PANEL} .js-plotly-plot .main-svg").first).to_be_visible(timeout=60_000)
    worklist = _output_with(page, "Voir la liste priorisée")
    expect(_button(page, "Voir la liste priorisée", worklist)).to_be_disabled()
    expect(page.locator(PANEL)).not_to_contain_text("pourquoi")
    _stopwatch(page, page.locator(f"{PANEL} .jp-OutputArea-output", has_text="Chronomètre —").first)
    expect(_button(page, "Voir la liste priorisée", worklist)).to_be_enabled()
    _button(page, "Voir la liste priorisée", worklist).click()
    expect(worklist.locator("th", has_text="pourquoi")).to_have_count(1)
    _check_what_she_sees(page, "03_balance_agee.ipynb", artefacts)

    # 04 — short tab titles, her own letter checked
    _open_and_run_all(page, jupyterlab, "04_relances.ipynb", artefacts)
    page.locator(f"{PANEL} .lm-TabBar-tab", has_text="Niveau 3").first.click()
    letter = _output_with(page, "Vérifier les faits de ma relance")
    letter.locator("textarea").fill("Madame, Monsieur, la facture FA-2026-00001 reste impayée.")
    _button(page, "Vérifier les faits de ma relance", letter).click()
    expect(letter).to_contain_text("Vérification des faits")
    _check_what_she_sees(page, "04_relances.ipynb", artefacts)

    # 05 — the dispute framework appears on a click only
    _open_and_run_all(page, jupyterlab, "05_litiges.ipynb", artefacts)
    expect(page.locator(PANEL)).not_to_contain_text("Référence générée sans IA — cadre du litige")
    frame = _output_with(page, "Voir le cadre de référence")
    _button(page, "Je passe cette étape", frame).click()
    expect(frame).to_contain_text("Référence générée sans IA — cadre du litige")
    _check_what_she_sees(page, "05_litiges.ipynb", artefacts)

    # 06 — her plan, her final self-assessment, the export on a button, the toolkit downloaded
    _open_and_run_all(page, jupyterlab, "06_encaissements_plan.ipynb", artefacts)
    expect(page.locator(PANEL)).to_contain_text("Module 7/7")
    # her times of 01 (both ways) read back from the journal: the chart of her measured times is there
    expect(page.locator(f'{PANEL} img[alt="Vos temps mesurés"]')).to_have_count(1)
    plan = page.locator(f"{PANEL} .jp-OutputArea-output", has_text="Cas d'usage 1").first
    plan.locator("textarea").fill("Tâche : relances du lundi\nJe passe de 3 heures à 40 minutes par semaine.")
    _button(page, "Enregistrer dans ma boîte à outils", plan).click()
    expect(plan).to_contain_text("Enregistré")
    export = _output_with(page, "Exporter ma boîte à outils")
    expect(export.locator("a")).to_have_count(0)  # nothing exported by Run All
    _button(page, "Exporter ma boîte à outils", export).click()
    archive = export.locator("a", has_text="fichier ZIP")
    expect(archive).to_have_count(1, timeout=60_000)
    _check_what_she_sees(page, "06_encaissements_plan.ipynb", artefacts)
    with page.expect_download() as download:
        archive.click()
    saved = artefacts / "livrables_Camille.zip"
    download.value.save_as(saved)
    with zipfile.ZipFile(saved) as zf:
        assert len([n for n in zf.namelist() if n.endswith(".docx")]) == 11
        plan_text = zf.read("09_plan_action_30_jours.md").decode("utf-8")
    assert "Je passe de 3 heures à 40 minutes par semaine." in plan_text

    # the files are in the JupyterLab file browser, next to the notebooks
    browser_page = context.new_page()
    base, token, _ = jupyterlab
    browser_page.goto(f"{base}/lab/tree/notebooks/ma_boite_a_outils?token={token}")
    listing = browser_page.locator(".jp-DirListing-content .jp-DirListing-itemText")
    expect(listing.filter(has_text="livrables_Camille.zip")).to_have_count(1, timeout=60_000)
    expect(listing.filter(has_text="09_plan_action_30_jours.docx")).to_have_count(1)
    browser_page.screenshot(path=str(artefacts / "navigateur_de_fichiers.png"))


def _spaced(text: str) -> str:
    """``text`` on one line with plain spaces (French amounts use narrow no-break spaces)."""
    return re.sub(r"[\s\u202f\u00a0]+", " ", text).strip()


def test_letter_check_shows_the_verdicts_she_can_act_on(context, jupyterlab, artefacts):
    """Notebook 04: she pastes a reminder the dunning plan sends (computed here from the course
    dataset), then the same letter with one amount 100 € too high. The first is exact (0 écart, the
    confirmed facts folded); the second shows that one écart: her amount against the ledger's."""
    import o2c_lab

    expect = playwright_sync.expect
    letter, wrong_letter, invoice_id, written, ledger = chased_letter_pair(
        o2c_lab.load_company(ROOT / "datasets" / "fil_rouge"))
    page = context.new_page()
    _open_and_run_all(page, jupyterlab, "04_relances.ipynb", artefacts)
    check = _output_with(page, "Vérifier les faits de ma relance")
    verdict = check.locator(".o2c-factcheck")
    check.locator("textarea").fill(letter)
    _button(page, "Vérifier les faits de ma relance", check).click()
    expect(verdict).to_contain_text("Réponse exacte sur tous les faits vérifiables")
    expect(verdict).to_contain_text("0 écart")
    expect(verdict.locator(".o2c-verdict-écart")).to_have_count(0)
    expect(verdict.locator("summary")).to_contain_text(re.compile(r"Voir les \d+ faits confirmés"))
    expect(verdict.locator(".o2c-verdict-confirmé").first).to_be_hidden()  # folded until she opens them

    check.locator("textarea").fill(wrong_letter)
    _button(page, "Vérifier les faits de ma relance", check).click()
    expect(verdict).to_contain_text("À corriger avant envoi : 1 écart.")
    gaps = verdict.locator(".o2c-verdict-écart")
    expect(gaps).to_have_count(1)
    said, data = map(_spaced, gaps.locator("td").all_inner_texts())
    assert said == _spaced(f"« {written} »")
    assert _spaced(ledger) in data and invoice_id in data, data
    check.screenshot(path=str(artefacts / "verification_relance.png"))
    _check_what_she_sees(page, "04_relances_verification.ipynb", artefacts)


def test_copy_button_copies_and_confirms(browser, tmp_path):
    """The « Copier le prompt » button of a prompt block, in Chromium: the text reaches the clipboard
    and the button says so."""
    import http.server
    import threading

    from o2c_lab.ai.assistant import copy_block_html

    page_html = f"<html><body>{copy_block_html('Tu es chargé(e) de recouvrement.')}</body></html>".encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(page_html)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}"
    ctx = browser.new_context()
    try:
        ctx.grant_permissions(["clipboard-read", "clipboard-write"], origin=url)
        page = ctx.new_page()
        page.goto(url)
        page.locator("button").click()
        playwright_sync.expect(page.locator("button")).to_have_text("✔ Prompt copié")
        assert page.evaluate("navigator.clipboard.readText()") == "Tu es chargé(e) de recouvrement."
    finally:
        ctx.close()
        server.shutdown()


def _choose_file(page, within, path):
    """The FileUpload button opens the browser's file chooser (its input is not in the page)."""
    upload = within.locator("button.widget-upload").first
    upload.scroll_into_view_if_needed()
    with page.expect_file_chooser() as chooser:
        upload.click()
    chooser.value.set_files(path)


def test_her_own_file_is_anonymised_mapped_and_analysed_in_notebook_07(context, jupyterlab, artefacts, tmp_path):
    """Notebook 07 after the day: she uploads her own workbook (a layout the course never saw) on
    the FileUpload buttons, downloads the anonymised copy (none of her identifiers in it), maps the
    columns with the dropdowns and reads the aged balance at her date."""
    import pandas as pd
    from owndata_files import HEADERS, original_identifiers, own_export, own_items, xlsx_bytes

    import o2c_lab
    from o2c_lab.money import format_eur

    expect = playwright_sync.expect
    company = o2c_lab.load_company(ROOT / "datasets" / "fil_rouge")
    export = own_export(company, rows=40)
    path = tmp_path / "balance.xlsx"
    path.write_bytes(xlsx_bytes(export))
    page = context.new_page()
    _open_and_run_all(page, jupyterlab, "07_vos_donnees.ipynb", artefacts)
    expect(page.locator(PANEL)).to_contain_text("Après la formation — Vos données")

    anonymiser = _output_with(page, "Anonymiser et préparer le téléchargement")
    _choose_file(page, anonymiser, path)
    expect(_button(page, "Anonymiser et préparer le téléchargement", anonymiser)).to_be_enabled(timeout=30_000)
    expect(anonymiser).to_contain_text("colonne(s) à masquer proposée(s)")
    _button(page, "Anonymiser et préparer le téléchargement", anonymiser).click()
    link = anonymiser.locator("a", has_text="Télécharger la copie anonymisée")
    expect(link).to_have_count(1, timeout=60_000)
    with page.expect_download() as download:
        link.click()
    copy_path = artefacts / "balance_anonymise.xlsx"
    download.value.save_as(copy_path)
    text = "\n".join(pd.read_excel(copy_path, dtype=str).fillna("").to_numpy().ravel())
    assert "<CLIENT_1>" in text
    assert sorted(v for v in original_identifiers(export) if v in text) == []

    wizard = _output_with(page, "Lire le fichier")
    _choose_file(page, wizard, path)
    expect(wizard).to_contain_text("disposition inconnue", timeout=30_000)
    labels = {"customer_id": "code client", "customer_name": "nom du client", "document_id": "n° de pièce",
              "document_date": "date de pièce", "due_date": "échéance", "amount": "montant restant dû"}
    for header, field in HEADERS.items():
        wizard.locator(".widget-dropdown", has_text=labels[field]).locator("select").select_option(label=header)
    _button(page, "Lire le fichier", wizard).click()
    total = int(own_items(company).head(40)["residual_cents"].sum())
    expect(wizard).to_contain_text("40 pièce(s) retenue(s)", timeout=60_000)
    expect(wizard).to_contain_text(format_eur(total))
    wizard.locator("input[type=date]").fill(company.as_of.isoformat())
    wizard.locator(".widget-text", has_text="Ventes TTC").locator("input").fill("1 200 000,00")
    wizard.locator(".widget-text", has_text="Durée de la période").locator("input").fill("90")
    wizard.locator(".widget-text", has_text="Durée de la période").locator("input").press("Enter")
    _button(page, "Lancer les analyses", wizard).click()
    expect(wizard).to_contain_text(f"Balance âgée au {company.as_of:%d/%m/%Y}", timeout=60_000)
    expect(wizard).to_contain_text("DSO (méthode simple)")
    expect(wizard).to_contain_text("non calculable")  # the CEI, and why
    expect(wizard.locator("a", has_text="Télécharger les résultats")).to_have_count(1)
    _check_what_she_sees(page, "07_vos_donnees.ipynb", artefacts)


def test_elearning_quiz_scores_and_explains_in_the_browser(context, jupyterlab, artefacts):
    """The e-learning module: Run All, answer the first quiz with the mouse, validate; every answer
    is explained, the score shows, the summary table follows, and the answers are in the journal."""
    name = "avant_2_essentiels_ia.ipynb"
    page = context.new_page()
    expect = _open_and_run_all(page, jupyterlab, name, artefacts)
    quiz = _output_with(page, "Valider mes réponses")
    groups = quiz.locator(".widget-radio-box")
    assert groups.count() == 3
    for n in range(groups.count()):
        groups.nth(n).locator("label").first.click()  # the first choice of each question
    _button(page, "Valider mes réponses", within=quiz).click()
    expect(quiz.get_by_text("Score :")).to_be_visible()
    marks = quiz.inner_text().count("✔") + quiz.inner_text().count("✘")
    assert marks == 3
    journal = json.loads(next((jupyterlab[2] / "journal").glob("journal-*.json")).read_text(encoding="utf-8"))
    answers = journal["quizzes"]["essentiels_ia"]
    assert set(answers) == {"jetons.compte", "jetons.facturation", "jetons.chiffres"}
    right = sum(a["correct"] for a in answers.values())
    expect(quiz.get_by_text(f"Score : {right}/3")).to_be_visible()
    summary = page.locator(f"{PANEL} .jp-OutputArea-output").filter(has_text="Bonnes réponses").first
    expect(summary).to_contain_text(f"{right}/3")
    assert name in journal["visits"]
    _check_what_she_sees(page, name, artefacts)
