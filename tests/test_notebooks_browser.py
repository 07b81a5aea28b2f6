"""A real browser: JupyterLab in French on loopback, headless Debian Chromium driven by Playwright.

Opens notebooks 00 and 03, runs all cells from the « Exécution » menu, checks that no cell shows an
error, that the widgets render and answer a click, and saves screenshots (in the test's temporary
folder, or in ``$O2C_LAB_TEST_ARTEFACTS`` when set).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest
from conftest import free_port, jupyter_server

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium")
playwright_sync = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium absent (apt-get install chromium)")

OVERRIDES = {
    "@jupyterlab/translation-extension:plugin": {"locale": "fr_FR"},
    "@jupyterlab/apputils-extension:notification": {"checkForUpdates": False, "fetchNews": "false"},
    "@jupyterlab/docmanager-extension:plugin": {"autosave": False},
    # Render every cell, not only those near the viewport, so outputs can be checked anywhere.
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
}
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
STDERR = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory):
    home = tmp_path_factory.mktemp("jlab")
    root = home / "racine"
    shutil.copytree(ROOT / "notebooks", root / "notebooks")  # the UI never writes into the project
    (home / "app-settings").mkdir()
    (home / "app-settings" / "overrides.json").write_text(json.dumps(OVERRIDES), encoding="utf-8")
    env = dict(os.environ, O2C_LAB_JOURNAL_DIR=str(home / "journal"), **{
        k: str(home / v) for k, v in {
            "JUPYTER_CONFIG_DIR": "config", "JUPYTER_DATA_DIR": "data", "JUPYTER_RUNTIME_DIR": "runtime",
            "JUPYTERLAB_SETTINGS_DIR": "user-settings", "JUPYTERLAB_WORKSPACES_DIR": "workspaces",
            "IPYTHONDIR": "ipython"}.items()})
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
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1600})
    yield context.new_page()
    context.close()


@pytest.fixture
def artefacts(tmp_path):
    folder = Path(os.environ.get("O2C_LAB_TEST_ARTEFACTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _open_and_run_all(page, jupyterlab, name, artefacts):
    base, token, _ = jupyterlab
    page.goto(f"{base}/lab/tree/notebooks/{name}?token={token}")
    page.wait_for_selector(f"{PANEL} .jp-Cell", timeout=60_000)
    page.wait_for_function("""(panel) => { const p = document.querySelector(panel);
      const k = p && p.querySelector('.jp-Toolbar-kernelName');
      const s = p && p.querySelector('.jp-Notebook-ExecutionIndicator');
      return !!k && /python/i.test(k.getAttribute('aria-label') || '') && !!s && s.dataset.status === 'idle'; }""",
                           arg=PANEL, timeout=60_000)
    assert "Exécution" in page.locator("#jp-menu-panel .lm-MenuBar-itemLabel").all_inner_texts()
    page.locator("#jp-menu-panel .lm-MenuBar-item", has_text="Exécution").click()
    page.locator('.lm-Menu-item[data-command="runmenu:run-all"]').click()
    # Collapsed inputs show no « [n]: » prompt: follow the notebook's execution indicator instead.
    indicator = """(args) => { const s = document.querySelector(args[0] + ' .jp-Notebook-ExecutionIndicator');
      return !!s && s.dataset.status === args[1]; }"""
    try:
        page.wait_for_function(indicator, arg=[PANEL, "busy"], timeout=20_000)
    except playwright_sync.TimeoutError:
        pass  # already finished
    _wait_or_explain(page, indicator, [PANEL, "idle"], artefacts / f"echec_{name}.png")
    expect = playwright_sync.expect
    expect(page.locator(f"{PANEL} {STDERR}")).to_have_count(0)
    return expect


def _wait_or_explain(page, script, arg, screenshot: Path):
    try:
        page.wait_for_function(script, arg=arg, timeout=120_000)
    except playwright_sync.TimeoutError:
        prompts = page.locator(f"{PANEL} .jp-CodeCell .jp-OutputPrompt").all_inner_texts()
        page.screenshot(path=str(screenshot))
        pytest.fail(f"exécution inachevée ; invites des cellules : {prompts}")


def _find(page, selector, text=None, max_steps=40):
    """The first element matching, scrolling the notebook from the top: JupyterLab only keeps the
    cells near the viewport in the page (windowed notebook)."""
    scroller = page.locator(f"{PANEL} .jp-WindowedPanel-outer")
    scroller.evaluate("e => e.scrollTop = 0")
    for _ in range(max_steps):
        found = page.locator(selector, has_text=text) if text else page.locator(selector)
        if found.count():
            found.first.scroll_into_view_if_needed()
            return found.first
        scroller.evaluate("e => e.scrollTop += 500")
        page.wait_for_timeout(150)
    pytest.fail(f"élément introuvable dans le carnet : {selector} {text or ''}")


def test_welcome_notebook_runs_and_self_assessment_answers(page, jupyterlab, artefacts):
    expect = _open_and_run_all(page, jupyterlab, "00_bienvenue.ipynb", artefacts)
    expect(_find(page, f"{PANEL} .jp-OutputArea-output", "Diagnostic")).to_contain_text("Tout est prêt")
    _find(page, f"{PANEL} .widget-toggle-buttons").locator("button", has_text="3").click()
    _find(page, f"{PANEL} button.widget-button", "Enregistrer mon auto-évaluation").click()
    expect(page.locator(f"{PANEL} .widget-html", has_text="note(s) enregistrée(s)")).to_have_count(1)
    page.screenshot(path=str(artefacts / "00_bienvenue.png"))


def test_aged_balance_notebook_runs_chart_and_stopwatch(page, jupyterlab, artefacts):
    expect = _open_and_run_all(page, jupyterlab, "03_balance_agee.ipynb", artefacts)
    _find(page, f"{PANEL} h2", "1. Situation")
    # JupyterLab renders only the cells near the viewport: scroll to the plotly output first,
    # then give plotly.js time to draw on a loaded 2-core machine.
    chart = _find(page, f"{PANEL} .js-plotly-plot")
    expect(chart.locator(".main-svg").first).to_be_visible(timeout=60_000)
    page.screenshot(path=str(artefacts / "03_balance_agee_graphique.png"))
    _find(page, f"{PANEL} button.widget-button", "Démarrer le chronomètre").click()
    expect(page.locator(f"{PANEL} button.widget-button", has_text="Arrêter")).to_have_count(1)
    page.wait_for_timeout(1200)
    page.locator(f"{PANEL} button.widget-button", has_text="Arrêter").click()
    status = page.locator(f"{PANEL} .widget-html", has_text="gain :").first
    expect(status).not_to_contain_text("sans IA : non mesuré")
    journal = json.loads((jupyterlab[2] / "journal" / "journal-participant.json").read_text(encoding="utf-8"))
    assert [(t["task"], t["mode"]) for t in journal["timings"]] == [("03_priorites", "manuel")]
    assert journal["timings"][0]["seconds"] >= 1
    reference = _find(page, f"{PANEL} button.widget-button", "Voir la référence")
    reference.click()
    lab = page.locator(f"{PANEL} .jp-OutputArea-output").filter(
        has=page.locator("button.widget-button", has_text="Voir la référence")).first
    expect(lab).to_contain_text("Référence générée sans IA", timeout=20_000)
    expect(lab).to_contain_text("Vérification des faits")
    page.screenshot(path=str(artefacts / "03_balance_agee.png"))
