"""Checks of the course sources that a rebuild alone would not catch (``o2c-lab build --check``).

- the table of contents and the source files agree;
- every hidden code cell starts with a short French comment (the only line a trainee sees);
- every name a cell uses is defined (by the library, an import or an earlier cell) and every
  library function or widget it imports or reaches (``o2c_lab.load_company``) exists, so a renamed
  function is caught before a trainee runs the notebook; prompts opened with ``PromptLab`` exist in
  the prompt library.
"""

from __future__ import annotations

import ast
import builtins
import importlib
from pathlib import Path

from .language import visible_problems
from .sources import course_folder, read_source, source_names

__all__ = ["source_problems"]

_KINDS = ("notebooks", "exercises")


def source_problems() -> list[str]:
    """French problems found in the course sources (empty: the sources are sound)."""
    problems = []
    for kind in _KINDS:
        listed = source_names(kind)
        on_disk = {f"{p.stem}.ipynb" for p in (course_folder() / kind).glob("*.md")}
        problems += [f"{kind}/{Path(n).stem}.md : absent du sommaire (course/sommaire.yml)."
                     for n in sorted(on_disk - set(listed))]
        for name in listed:
            if name not in on_disk:
                problems.append(f"{kind}/{Path(name).stem}.md : cité dans le sommaire mais absent.")
                continue
            problems += [f"{kind}/{Path(name).stem}.md, cellule {n} : {p}"
                         for n, p in _cell_problems(read_source(kind, name))]
    return problems


def _cell_problems(cells) -> list[tuple[int, str]]:
    """(cell number from 1, problem) for the code cells of one notebook, in order."""
    found, defined = [], set(dir(builtins)) | {"display", "get_ipython"}
    for number, cell in enumerate(cells, start=1):
        if cell.cell_type != "code":
            continue
        first = cell.source.splitlines()[0] if cell.source.strip() else ""
        if cell.metadata.get("jupyter", {}).get("source_hidden"):
            if not first.startswith("# ") or visible_problems(first):
                found.append((number, f"la première ligne doit être un court commentaire en français "
                                      f"(« # Afficher la balance âgée ») ; trouvé : « {first} »"))
        try:
            tree = ast.parse(cell.source)
        except SyntaxError as exc:
            found.append((number, f"code illisible (ligne {exc.lineno}) : {exc.msg}"))
            continue
        defined |= _bound(tree)
        found += [(number, problem) for problem in _reference_problems(tree, defined)]
    return found


def _bound(tree) -> set[str]:
    """Names a cell binds: assignments, imports, definitions, loop and comprehension targets, arguments."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
    return names


def _reference_problems(tree, defined: set[str]) -> list[str]:
    problems, modules = [], {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                module = _import(alias.name)
                if module is None:
                    problems.append(f"module introuvable : « {alias.name} »")
                elif alias.asname or "." not in alias.name:
                    modules[alias.asname or alias.name] = module
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            module = _import(node.module)
            if module is None:
                problems.append(f"module introuvable : « {node.module} »")
                continue
            problems += [f"« {a.name} » n'existe pas dans « {node.module} »" for a in node.names
                         if a.name != "*" and not hasattr(module, a.name) and _import(f"{node.module}.{a.name}") is None]
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id not in defined:
            problems.append(f"nom inconnu : « {node.id} » (ni importé, ni défini dans une cellule précédente)")
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "PromptLab":
            problems += _prompt_problems(node)
    for node in ast.walk(tree):  # library attributes reached from an imported module: o2c_lab.load_company
        chain = _attribute_chain(node)
        if chain and chain[0] in modules and chain[0].startswith("o2c_lab"):
            target = modules[chain[0]]
            for part in chain[1:]:
                if not hasattr(target, part):
                    problems.append(f"« {'.'.join(chain)} » n'existe pas")
                    break
                target = getattr(target, part)
    return sorted(set(problems), key=problems.index)


def _attribute_chain(node) -> list[str]:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    return [node.id, *reversed(parts)] if isinstance(node, ast.Name) and parts else []


def _import(name: str):
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def _prompt_problems(call: ast.Call) -> list[str]:
    from ..ai import load_library

    ids = [a.value for a in call.args[1:2] if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    return [f"prompt inconnu de la bibliothèque : « {i} »" for i in ids if i not in load_library()]
