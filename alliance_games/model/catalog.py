"""Find and load models: bundled names, file paths (YAML, .nfg, .efg) and standard input.

``load_model(source)`` is the one entry point: ``source`` is a bundled model's name
(``prisoners_dilemma``), a path, or ``-`` for standard input. Gambit files become symbolic models
with constant payoffs, so everything downstream treats every source alike.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from alliance_games.errors import ModelError, shown
from alliance_games.model.source import GAMBIT_SUFFIXES, STDIN, read_source
from alliance_games.model.symbolic import SymbolicModel

MODEL_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class CatalogEntry:
    """A bundled model file."""

    name: str
    group: str
    path: Path


def _bundled_folder(name: str) -> Path:
    """The data folder ``name`` that ships with the package.

    An installed wheel carries it inside the package (``alliance_games/<name>``, read through
    :mod:`importlib.resources`); an editable checkout has no such folder and reads the repository's
    top-level ``<name>/`` instead. A package imported from a zip archive has neither: the folder
    returned then does not exist and the catalog is empty.
    """
    packaged = files("alliance_games") / name
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / name


def models_dir() -> Path:
    """The bundled models folder: models in subfolders (``article/``, ``classic/``, ...) and presets in
    ``scenarios/``.

    The first that applies wins: the ``ALLIANCE_GAMES_MODELS`` environment variable (when set and
    not empty, whatever the installation); the package's own ``alliance_games/models`` (an installed
    wheel); the repository's top-level ``models/`` (an editable checkout).
    """
    override = os.environ.get("ALLIANCE_GAMES_MODELS")
    if override:
        return Path(override)
    return _bundled_folder("models")


def examples_dir() -> Path:
    """The example Gambit files the documentation uses (``.nfg``, ``.efg``): ``alliance_games/examples``
    in an installed wheel, the repository's top-level ``examples/`` in an editable checkout."""
    return _bundled_folder("examples")


@lru_cache(maxsize=4)
def _catalog(root: Path) -> tuple[CatalogEntry, ...]:
    entries = [
        CatalogEntry(p.stem, p.parent.relative_to(root).as_posix(), p)
        for p in sorted(root.rglob("*"))
        if p.suffix in MODEL_SUFFIXES and p.parent.name != "scenarios"
    ]
    return tuple(entries)


def bundled_models() -> tuple[CatalogEntry, ...]:
    """Every bundled model file (scenario presets excluded)."""
    return _catalog(models_dir())


def resolve_source(source: str) -> str:
    """Return the path for ``source``: a bundled name, an existing path, or ``-``."""
    if source == STDIN:
        return source
    candidate = Path(source)
    if candidate.suffix in (*MODEL_SUFFIXES, *GAMBIT_SUFFIXES) or candidate.exists() or \
            os.sep in source:
        return source
    for entry in bundled_models():
        if entry.name == source:
            return str(entry.path)
    names = ", ".join(e.name for e in bundled_models())
    raise ModelError(
        f"no bundled model named {shown(source)} and no such file (bundled models: {names})",
        path=source,
    )


def load_model(source: str | Path) -> SymbolicModel:
    """Load, parse and validate a model from a bundled name, a path or ``-`` (stdin)."""
    path = resolve_source(str(source))
    text, display = read_source(path)
    name = "stdin" if path == STDIN else Path(path).stem
    head = text.lstrip()[:3]
    if Path(path).suffix in GAMBIT_SUFFIXES or head in ("NFG", "EFG"):
        import sympy

        from alliance_games.model.from_game import symbolic_from_game
        from alliance_games.model.gambit_format import read_gambit

        wide: dict[Fraction, int] = {}  # numbers a float run cannot take, and their lines
        game = read_gambit(text, display, wide=wide)
        model = symbolic_from_game(game, name=name, path=display, format=head.lower())
        model.origins.update({sympy.Rational(v.numerator, v.denominator): f"{display}:{line}"
                              for v, line in wide.items()})
        return model
    from alliance_games.model.loader import parse_yaml
    from alliance_games.model.schema import build_model

    return build_model(parse_yaml(text, display), name=name, path=display)
