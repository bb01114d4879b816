"""A cache of compiled tree models in the user's cache folder, so that a run reads a model
without parsing its file or importing sympy.

A model file is parsed into sympy expressions (:mod:`alliance_games.model.schema`) and compiled
(:mod:`alliance_games.model.compile`); for the flagship that, with sympy's import, is most of a
``compare``. What a run then needs is a :class:`~alliance_games.model.numeric_model.NumericModel`,
which is plain arrays and programs: this module stores it as one ``.npz`` file (numpy arrays and
a JSON header; no pickle, nothing executable) named by a digest of

* the model file's bytes and the path it was read from (the model's name is the file's stem),
* this package's version and the source of the modules that build and compile models, so that a
  cache written by other code is never read,
* the cache format.

The folder is ``platformdirs.user_cache_dir("alliance-games")``, or ``$ALLIANCE_GAMES_CACHE_DIR``
(``off`` or empty: no cache). Every file is safe to delete; a file that cannot be read, or whose
header does not match, is ignored (and replaced on the next write). Writes go to a temporary
file renamed into place, so concurrent runs never read half a file. At most
:data:`MAX_FILES` files are kept (the least recently written go first).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from alliance_games.errors import AllianceGamesError
from alliance_games.games.tree import GameTree, Infoset
from alliance_games.model.numeric_model import NumericModel, NumericParameter

FORMAT = "alliance-games numeric model 1"
ENV = "ALLIANCE_GAMES_CACHE_DIR"
MAX_FILES = 64
_CODE_DIGEST: list[str] = []


def cache_folder() -> Path | None:
    """Where cached models live, or ``None`` when caching is off (module docstring)."""
    chosen = os.environ.get(ENV)
    if chosen is not None:
        return None if chosen.strip().lower() in ("", "off") else Path(chosen)
    import platformdirs

    return Path(platformdirs.user_cache_dir("alliance-games"))


def _code_digest() -> str:
    """A digest of the modules whose code decides what a loaded model is."""
    if not _CODE_DIGEST:
        from alliance_games import __version__

        package = Path(__file__).resolve().parent.parent
        digest = hashlib.sha256(f"{FORMAT}\0{__version__}".encode())
        for source in sorted((package / "model").glob("*.py")) + [package / "games" / "tree.py"]:
            digest.update(source.name.encode() + b"\0" + source.read_bytes())
        _CODE_DIGEST.append(digest.hexdigest())
    return _CODE_DIGEST[0]


def model_key(data: bytes, display: str) -> str:
    """The cache key of the model read from ``display`` with bytes ``data``."""
    digest = hashlib.sha256(_code_digest().encode())
    digest.update(display.encode() + b"\0" + data)
    return digest.hexdigest()[:40]


def source_key(source: str) -> str | None:
    """The cache key of a YAML model given as a bundled name or a path (:func:`model_key`), or
    ``None``: caching off, standard input, a Gambit file, or anything that is not a readable
    regular file (the caller's ordinary load then reports what is wrong)."""
    from alliance_games.model.catalog import MODEL_SUFFIXES, resolve_source
    from alliance_games.model.source import STDIN

    if cache_folder() is None or source == STDIN:
        return None
    try:
        path = resolve_source(source)
        file = Path(path)
        if file.suffix not in MODEL_SUFFIXES or not file.is_file():
            return None
        return model_key(file.read_bytes(), path)
    except (AllianceGamesError, OSError):
        return None


def load(key: str) -> NumericModel | None:
    """The cached model under ``key``, or ``None`` (no cache, no file, or a file not read)."""
    folder = cache_folder()
    if folder is None:
        return None
    try:
        with np.load(folder / f"{key}.npz", allow_pickle=False) as stored:
            arrays = {name: stored[name] for name in stored.files}
        header = json.loads(arrays.pop("header").tobytes().decode())
        if header.get("format") != FORMAT or header.get("key") != key:
            return None
        return _model(header, arrays)
    except (OSError, ValueError, KeyError, TypeError, IndexError, ZeroDivisionError):
        return None


def store(key: str, model: NumericModel) -> None:
    """Write ``model`` under ``key`` (quietly nothing when the folder cannot be written)."""
    folder = cache_folder()
    if folder is None:
        return
    header, arrays = _parts(model)
    header.update(format=FORMAT, key=key)
    arrays["header"] = np.frombuffer(json.dumps(header).encode(), dtype=np.uint8)
    temporary = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(handle, "wb") as out:
            np.savez(out, **arrays)  # type: ignore[arg-type]  # (numpy's stub: allow_pickle)
        os.replace(temporary, folder / f"{key}.npz")
        temporary = None
        _prune(folder)
    except OSError:
        return
    finally:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)


def _prune(folder: Path) -> None:
    files = sorted(folder.glob("*.npz"), key=lambda p: p.stat().st_mtime)
    for old in files[:-MAX_FILES]:
        old.unlink(missing_ok=True)


# ---- to and from plain arrays ----------------------------------------------------------------
def _table(items: list[Any]) -> tuple[list[Any], np.ndarray]:
    """Distinct items (first-seen order) and each item's index among them."""
    index: dict[Any, int] = {}
    ids = np.fromiter((index.setdefault(x, len(index)) for x in items), dtype=np.int32,
                      count=len(items))
    return list(index), ids


def _ragged(rows: list[tuple[int, ...]]) -> tuple[np.ndarray, np.ndarray]:
    lengths = np.fromiter(map(len, rows), dtype=np.int64, count=len(rows))
    ptr = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    flat = np.fromiter((x for row in rows for x in row), dtype=np.int64, count=int(ptr[-1]))
    return flat, ptr


def _rows(flat: np.ndarray, ptr: np.ndarray) -> list[tuple[int, ...]]:
    values = flat.tolist()
    bounds = ptr.tolist()
    return [tuple(values[bounds[k]:bounds[k + 1]]) for k in range(len(bounds) - 1)]


def _parts(model: NumericModel) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    tree = model.skeleton
    labels, label_ids = _table([*tree.edge_label, *tree.node_label, *tree.outcome_label])
    tags, tag_ids = _table(list(tree.node_tags))
    actions, action_ids = _table([s.actions for s in tree.infosets])
    set_nodes, set_ptr = _ragged([s.nodes for s in tree.infosets])
    code, code_ptr = _ragged(list(model.programs))
    header = {
        "name": model.name, "path": model.path, "title": model.title,
        "players": list(model.players), "policies": list(model.policies),
        "description": model.description, "method": model.method, "model_format": model.format,
        "parameters": [{"name": p.name, "default": str(p.default),
                        "range": None if p.range is None else [str(x) for x in p.range],
                        "values": None if p.values is None else [str(x) for x in p.values],
                        "description": p.description, "latex": p.latex}
                       for p in model.parameters],
        "measures": list(model.measure_names), "tree_title": tree.title,
        "labels": labels, "tags": [list(t) for t in tags], "actions": [list(a) for a in actions],
        "infosets": [s.name for s in tree.infosets],
        "constants": [str(c) for c in model.constants],
        "program_constants": [str(c) for c in model.program_constants],
    }
    arrays = {
        "kind": tree.kind, "parent": tree.parent, "child_ptr": tree.child_ptr,
        "child_index": tree.child_index, "node_infoset": tree.node_infoset,
        "has_payoff": tree.has_payoff, "label_ids": label_ids, "tag_ids": tag_ids,
        "action_ids": action_ids, "set_nodes": set_nodes, "set_ptr": set_ptr,
        "set_player": np.array([s.player for s in tree.infosets], dtype=np.int64),
        "inverse": model.inverse, "constant_idx": model.constant_idx,
        "variable_idx": model.variable_idx, "code": code, "code_ptr": code_ptr,
    }
    return header, arrays


def _model(header: dict[str, Any], a: dict[str, np.ndarray]) -> NumericModel:
    n, edges = len(a["kind"]), len(a["child_index"])
    labels = header["labels"]
    ids = a["label_ids"].tolist()
    edge_label = tuple(labels[i] for i in ids[:edges])
    node_label = tuple(labels[i] for i in ids[edges:edges + n])
    outcome_label = tuple(labels[i] for i in ids[edges + n:])
    tags = [tuple(t) for t in header["tags"]]
    actions = [tuple(x) for x in header["actions"]]
    action_ids = a["action_ids"].tolist()
    infosets = tuple(Infoset(name, player, actions[action_ids[k]], nodes) for k, (name, player, nodes)
                     in enumerate(zip(header["infosets"], a["set_player"].tolist(),
                                      _rows(a["set_nodes"], a["set_ptr"]), strict=True)))
    players = tuple(header["players"])
    skeleton = GameTree(
        players=players, kind=a["kind"], parent=a["parent"], child_ptr=a["child_ptr"],
        child_index=a["child_index"], edge_label=edge_label,
        edge_prob=np.zeros(edges, dtype=float), node_infoset=a["node_infoset"],
        infosets=infosets, node_payoffs=np.zeros((n, len(players)), dtype=float),
        node_label=node_label, node_tags=tuple(tags[i] for i in a["tag_ids"].tolist()),
        outcome_label=outcome_label, title=header["tree_title"], has_payoff=a["has_payoff"])
    parameters = tuple(NumericParameter(
        p["name"], Fraction(p["default"]),
        None if p["range"] is None else (Fraction(p["range"][0]), Fraction(p["range"][1])),
        None if p["values"] is None else tuple(Fraction(v) for v in p["values"]),
        p["description"], p["latex"]) for p in header["parameters"])
    return NumericModel(
        name=header["name"], path=header["path"], title=header["title"], players=players,
        parameters=parameters, policies=tuple(header["policies"]), skeleton=skeleton,
        measure_names=tuple(header["measures"]), inverse=a["inverse"],
        constant_idx=a["constant_idx"], constants=tuple(Fraction(c) for c in header["constants"]),
        variable_idx=a["variable_idx"], programs=tuple(_rows(a["code"], a["code_ptr"])),
        program_constants=tuple(Fraction(c) for c in header["program_constants"]),
        description=header["description"], method=header["method"],
        format=header["model_format"])
