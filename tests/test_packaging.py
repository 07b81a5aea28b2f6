"""Packaging contract: pyproject.toml ⇔ environment.yml, public names, entry point, committed files."""

from __future__ import annotations

import ast
import fnmatch
import importlib
import pkgutil
import re
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import nbformat
import pytest
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

import o2c_lab
from o2c_lab import labsetup

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
ENVIRONMENT = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))


def _requirements(lines) -> dict[str, str]:
    """{canonical name: sorted specifier} of requirement strings (pip options such as -e skipped)."""
    found = {}
    for line in lines:
        if line.startswith("-"):
            continue
        req = Requirement(line)
        name = canonicalize_name(req.name)
        assert name not in found, f"{name} listé deux fois"
        found[name] = ",".join(sorted(str(s) for s in req.specifier))
    return found


def _pyproject_requirements() -> dict[str, str]:
    project = PYPROJECT["project"]
    return _requirements(project["dependencies"] + project["optional-dependencies"]["test"])


def _environment_requirements() -> dict[str, str]:
    pip = next(d["pip"] for d in ENVIRONMENT["dependencies"] if isinstance(d, dict))
    return _requirements(pip)


def test_environment_yml_mirrors_pyproject():
    pyproject, environment = _pyproject_requirements(), _environment_requirements()
    assert pyproject.keys() - environment.keys() == set(), "absents de environment.yml"
    assert environment.keys() - pyproject.keys() == set(), "absents de pyproject.toml"
    assert {n: s for n, s in pyproject.items() if environment[n] != s} == {}, "contraintes différentes"


def test_environment_yml_installs_the_package_on_conda_forge_python_311():
    conda = [d for d in ENVIRONMENT["dependencies"] if isinstance(d, str)]
    assert ENVIRONMENT["channels"] == ["conda-forge"]
    assert "python=3.11" in conda and "pip" in conda
    pip = next(d["pip"] for d in ENVIRONMENT["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip
    assert PYPROJECT["project"]["requires-python"] == ">=3.11"


def test_each_group_is_sorted_one_per_line():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    block = re.search(r"^dependencies = \[\n(.*?)^\]", text, re.S | re.M).group(1)
    groups = [[re.match(r'\s*"([^"=<>!~]+)', line).group(1).lower() for line in chunk.splitlines()
               if line.strip().startswith('"')] for chunk in re.split(r"\n\s*#[^\n]*", block)]
    assert [g for g in groups if g != sorted(g)] == []
    assert sum(map(len, groups)) == len(PYPROJECT["project"]["dependencies"])


@pytest.mark.parametrize("dist, version", [("numpy", "2.4.6"), ("faker", "40.54.0")])
def test_data_changing_dependencies_are_pinned_and_installed_exactly(dist, version):
    assert _pyproject_requirements()[dist] == f"=={version}"
    assert metadata.version(dist) == version  # a drifted environment would generate other data


def test_console_script_resolves_to_main():
    target = PYPROJECT["project"]["scripts"]["o2c-lab"]
    module, _, attr = target.partition(":")
    func = getattr(importlib.import_module(module), attr)
    assert func is o2c_lab.cli.main
    assert func(["--help"]) == 0
    try:
        installed = metadata.entry_points(group="console_scripts", name="o2c-lab")
    except metadata.PackageNotFoundError:  # pragma: no cover - not installed: pyproject is the truth
        installed = ()
    for entry in installed:
        assert entry.value == target and entry.load() is func


def _guarded_by_import_error(tree: ast.AST) -> set[int]:
    """Line numbers of imports inside ``try: … except ImportError`` (optional dependencies)."""
    lines = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Try) and any(
                isinstance(h.type, ast.Name) and h.type.id in ("ImportError", "ModuleNotFoundError")
                for h in node.handlers):
            lines |= {n.lineno for stmt in node.body for n in ast.walk(stmt)
                      if isinstance(n, (ast.Import, ast.ImportFrom))}
    return lines


def test_every_third_party_import_is_declared():
    """A fresh ``make setup`` installs only what pyproject declares, not what a venv happens to hold."""
    declared = set(_pyproject_requirements())
    distributions = metadata.packages_distributions()
    undeclared = {}
    for path in sorted((ROOT / "o2c_lab").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        optional = _guarded_by_import_error(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                modules = [node.module]
            else:
                continue
            for top in {m.split(".")[0] for m in modules}:
                if top in sys.stdlib_module_names or top == "o2c_lab" or node.lineno in optional:
                    continue
                names = {canonicalize_name(d) for d in distributions.get(top, [top])}
                if not names & declared:
                    undeclared.setdefault(top, set()).add(path.relative_to(ROOT).as_posix())
    assert undeclared == {}, "importés mais absents de pyproject.toml"


def _all_modules():
    yield o2c_lab
    for info in pkgutil.walk_packages(o2c_lab.__path__, "o2c_lab."):
        if info.name != "o2c_lab.__main__":
            yield importlib.import_module(info.name)


def test_every_all_lists_only_existing_names():
    missing = {m.__name__: [n for n in m.__all__ if not hasattr(m, n)]
               for m in _all_modules() if hasattr(m, "__all__")}
    assert {k: v for k, v in missing.items() if v} == {}


def test_top_level_exports_the_shared_contract():
    for name in ("generate_company", "load_company", "write_dataset", "Company", "O2CLabError",
                 "__version__"):
        assert name in o2c_lab.__all__
    assert o2c_lab.__version__ == PYPROJECT["project"]["version"]


def test_every_package_data_file_is_shipped():
    patterns = PYPROJECT["tool"]["setuptools"]["package-data"]["o2c_lab"]
    package = ROOT / "o2c_lab"
    data = [p.relative_to(package).as_posix() for p in package.rglob("*")
            if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts]
    # setuptools matches "**/" against zero or more folders, fnmatch needs both spellings
    unshipped = [f for f in data
                 if not any(fnmatch.fnmatch(f, pat) or fnmatch.fnmatch(f, pat.removeprefix("**/"))
                            for pat in patterns)]
    assert unshipped == []


def test_makefile_and_welcome_notebook_use_the_default_dataset():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    dataset = re.search(r"^DATASET\s*:=\s*(\S+)$", makefile, re.M).group(1)
    assert dataset == labsetup.DEFAULT_DATASET.as_posix()
    nb = nbformat.read(ROOT / labsetup.WELCOME_NOTEBOOK, as_version=4)
    (params,) = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert f'data_folder = "../{labsetup.DEFAULT_DATASET.as_posix()}"' in params.source


def _notebooks():
    return sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", _notebooks(), ids=lambda p: p.name)
def test_notebooks_are_committed_clean(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert [c for c in code if c.outputs or c.execution_count] == [], "carnet enregistré avec des résultats"
    assert len([c for c in code if "parameters" in c.metadata.get("tags", [])]) == 1
    assert nb.metadata.kernelspec.name == "python3"


@pytest.mark.parametrize("path", _notebooks(), ids=lambda p: p.name)
def test_notebooks_take_the_parameters_of_o2c_lab_run(path):
    from papermill.inspection import inspect_notebook

    # papermill skips (with a warning) a line it cannot parse, e.g. a comment holding "="
    assert {"seed", "data_folder", "ai_mode", "participant"} <= set(inspect_notebook(str(path)))


def test_welcome_notebook_hides_only_code():
    nb = nbformat.read(ROOT / labsetup.WELCOME_NOTEBOOK, as_version=4)
    hidden = [c for c in nb.cells if c.metadata.get("jupyter", {}).get("source_hidden")]
    assert hidden and all(c.cell_type == "code" for c in hidden)
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# Bienvenue")


def test_readme_mentions_only_real_commands(capsys):
    from o2c_lab import cli

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z]+):", (ROOT / "Makefile").read_text(encoding="utf-8"), re.M))
    assert set(re.findall(r"\bmake ([a-z]+)", readme)) <= targets
    for command in set(re.findall(r"o2c-lab ([a-z][a-z-]*)", readme)):
        assert cli.main([command, "--help"]) == 0, f"o2c-lab {command} n'existe pas"
    assert "make lab" in readme and "make test" in readme


def test_ci_script_is_valid_bash():
    script = ROOT / ".ci" / "run"
    assert script.stat().st_mode & 0o111, ".ci/run doit être exécutable"
    assert subprocess.run(["bash", "-n", str(script)]).returncode == 0
    assert "set -euo pipefail" in script.read_text(encoding="utf-8")
