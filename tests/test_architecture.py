"""The architecture, checked from the code's imports.

* Layers: imports point one way, ``api | cli -> render -> alliance -> analysis -> solvers -> model ->
  games -> errors``; a module may import its own layer or a lower one, never a higher one.
* No import cycle among the package's modules, function-level imports included (a lazy import
  hides a cycle from Python, not from the design).
* The generic engine (``games``, ``model``, ``solvers``, ``analysis``) knows nothing about the
  article: none of the flagship's player names, its cost measure or a proposition id appears there.
* Model text is never evaluated.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import yaml

from tests.paths import ROOT

LAYERS = ["errors", "games", "model", "solvers", "analysis", "alliance", "render", "cli", "api"]
GENERIC = ("games", "model", "solvers", "analysis")
PACKAGE = ROOT / "alliance_games"
FLAGSHIP = PACKAGE.parent / "models" / "article" / "alliance_system.yaml"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in PACKAGE.rglob("*.py")}


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) for every import in ``path``, at any depth, resolved to package modules.

    ``from pkg import name`` counts as an import of ``pkg.name`` when that is a module, else of
    ``pkg`` (its ``__init__``). Relative imports are resolved against the importing module.
    """
    modules = _modules()
    own = _module_name(path)
    package = own if path.name == "__init__.py" else own.rpartition(".")[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name in modules]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                target = f"{base}.{alias.name}"
                if target in modules:
                    found.append((node.lineno, target))
                elif base in modules:
                    found.append((node.lineno, base))
    return found


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else None


def test_no_module_imports_from_a_higher_layer() -> None:
    problems = []
    for module, path in _modules().items():
        own = _layer(module)
        if own is None:
            continue
        for line, name in _imports(path):
            layer = _layer(name)
            if layer and LAYERS.index(layer) > LAYERS.index(own):
                problems.append(f"{path.relative_to(PACKAGE)}:{line} imports {name}")
    assert not problems, problems


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan 1972), iteratively."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(sorted(component))
    return components


def test_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert _cycles(graph) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycle() -> None:
    graph = {m: {name for _, name in _imports(p) if name != m} for m, p in _modules().items()}
    # a package's __init__ importing its own submodules is how packages re-export; an edge back
    # from a submodule to its package __init__ then closes no real cycle of logic
    for module in graph:
        graph[module] = {n for n in graph[module] if not module.startswith(n + ".")}
    assert not _cycles(graph), _cycles(graph)


def _vocabulary() -> re.Pattern[str]:
    """The flagship's player names, its cost measure, and proposition ids (P1, P10, ...)."""
    flagship = yaml.safe_load(FLAGSHIP.read_text())
    words = sorted({*flagship["players"], "leader_cost"}, key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(map(re.escape, words)) + r"|P\d{1,2})\b")


def test_the_generic_engine_has_no_article_vocabulary() -> None:
    pattern = _vocabulary()
    found = []
    for module, path in _modules().items():
        if _layer(module) not in GENERIC:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            match = pattern.search(line)
            if match:
                found.append(f"{path.relative_to(PACKAGE)}:{number}: {match.group(0)}")
    assert not found, found


def test_the_vocabulary_check_can_fail() -> None:
    pattern = _vocabulary()
    assert pattern.search('COST = "leader_cost"')
    assert pattern.search("the ally_asia hedges")
    assert pattern.search("check P5 and P11")
    assert not pattern.search("the policy maker's cost; P-value; rival alignment")


def test_model_text_is_never_evaluated() -> None:
    """No eval/exec/sympify/parse_expr anywhere in the package."""
    forbidden = {"eval", "exec", "sympify", "parse_expr"}
    found = []
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                if name in forbidden:
                    found.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {name}")
    assert not found, found
