"""Workload 7: loading models built from subtrees, from the YAML file to a numeric game, in-process.

Ours: ``load_model(path)``, ``compile_model(model)`` and ``.at()`` (defaults, exact numbers), all in
this process: each repetition reads, parses and expands the file again and compiles it (imports and
sympy's caches are warm: the first call is the warm-up). Baseline: the same with every subtree
occurrence expanded node by node, the tree reader's reference mode
(``read_tree(..., reuse=False)``, how models were read before issue 15, with its parsing memoised
the same way). Models: the flagship ``alliance_system`` and a generated product of subtrees (each
stage uses the next five times, information sets named by a history argument, payoffs and
probabilities in the parameters) of 31,249 nodes (quick: 6,249). Check: the same game both ways
(structure, information sets, labels, tags, exact payoffs, probabilities and measures).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.harness import Config, Row, judge, measure, peak_memory_mb

NAME = "load"
SECONDS = 0.5
TARGET = f"< {SECONDS} s from file to game in-process; >= 5x the node-by-node expansion"


def product_model(stages: int) -> str:
    """A model whose stage ``i`` uses stage ``i + 1`` five times (``4 + 5 n`` nodes per stage)."""
    lines = ["title: a product of subtrees", "players: [a, b]", "parameters:",
             "  - {name: x, default: 1/3, range: [0, 1]}", "subtrees:"]
    for i in range(stages):
        nxt = f"stage{i + 1}" if i + 1 < stages else "end"

        def use(k: str, h: str, nxt: str = nxt) -> str:
            return f'{{use: {nxt}, with: {{k: {k}, h: "${{h}}{h}"}}}}'

        lines += [f"  stage{i}:", "    arguments: [k, h]", "    tree:", "      player: a",
                  '      infoset: "a_${h}"', "      actions:", "        up:",
                  "          payoffs: {a: x * k}", "          chance: {hi: x, lo: 1 - x}",
                  "          actions:"]
        for branch, tag in (("hi", "h"), ("lo", "l")):
            lines.append(f'            {branch}: {{player: b, infoset: "b_${{h}}", actions: '
                         f'{{l: {use("k + 1", tag + "l")}, r: {use("k", tag + "r")}}}}}')
        lines.append(f"        down: {use('k * 2', 'd')}")
    lines += ["  end:", "    arguments: [k, h]",
              '    tree: {payoffs: [k * x, k - x], label: "end ${h}"}',
              "tree: {use: stage0, with: {k: 1, h: r}}"]
    return "\n".join(lines) + "\n"


@contextmanager
def node_by_node() -> Iterator[None]:
    """Read trees with every subtree occurrence expanded node by node (the reference mode)."""
    from alliance_games.model import schema

    original = schema.read_tree
    schema.read_tree = partial(original, reuse=False)
    try:
        yield
    finally:
        schema.read_tree = original


def load_game(source: str) -> Any:
    from alliance_games.model.catalog import load_model
    from alliance_games.model.compile import compile_model

    return compile_model(load_model(source)).at()


def same_game(a: Any, b: Any) -> bool:
    """Whether two game trees agree in every field (exact numbers compared exactly)."""
    for name in a.__dataclass_fields__:
        x, y = getattr(a, name), getattr(b, name)
        if isinstance(x, dict):
            if list(x) != list(y) or any(not np.array_equal(x[k], y[k]) for k in x):
                return False
        elif isinstance(x, np.ndarray):
            if x.shape != y.shape or not np.array_equal(x, y):
                return False
        elif x != y:
            return False
    return True


def run(cfg: Config) -> list[Row]:
    stages = 5 if cfg.quick else 6
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        product = Path(folder) / "subtree_product.yaml"
        product.write_text(product_model(stages), encoding="utf-8")
        models = (("the flagship alliance_system", "alliance_system"),
                  (f"a generated product of subtrees ({stages} stages)", str(product)))
        for label, source in models:
            cfg.log(f"  {label}: fast, then node by node")
            call: Callable[[], Any] = partial(load_game, source)
            ours = measure(call, repeats=cfg.repeats, budget=20.0)
            with node_by_node():
                base = measure(call, repeats=3, budget=60.0)
            peak = None if cfg.quick else peak_memory_mb(call)
            game = ours.result
            same = same_game(game, base.result)
            row = Row(f"load {label}: YAML file to game, in-process ({game.num_nodes:,} nodes)",
                      ours, {"baseline": base}, target=TARGET, peak_mb=peak)
            ratio, _ = row.ratio_to("baseline")
            median = ours.median if ours.median is not None else float("inf")
            row.check = f"same game as the node-by-node expansion: {'yes' if same else 'NO'}"
            row.met = judge((f"< {SECONDS} s", median < SECONDS),
                            (">=5x node by node", None if ratio is None else ratio >= 5),
                            ("same game", same))
            row.notes = (f"load_model + compile_model + .at(), exact; {len(game.infosets):,} "
                         f"information sets; baseline = the same, subtrees expanded node by node")
            row.metrics = {"source": Path(source).name, "nodes": game.num_nodes,
                           "infosets": len(game.infosets), "same_game": same}
            rows.append(row)
    return rows
