"""A parameter sweep as a booktabs LaTeX table: every policy's reliability over the grid.

Small grids get one row per point (the swept values, a mark per policy, the leader's choice).
Grids of two or more axes with more than :data:`MAX_ROWS` points are summarised by regime: one
row per distinct combination of reliable policies and leader's choice, with the range of every
swept parameter over it and its number of points. The table needs ``booktabs`` and ``amssymb``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from alliance_games.analysis.sweep.result import SweepResult
from alliance_games.render.latex import escape, tex_number, wrap_document

MAX_ROWS = 40
"""Multi-axis sweeps with more points are summarised by regime."""
YES, NO = r"$\checkmark$", r"$\times$"


def sweep_latex(result: SweepResult, standalone: bool = False) -> str:
    """The sweep as a ``table`` float with caption (``standalone``: a compilable document)."""
    if len(result.axes) > 1 and result.count > MAX_ROWS:
        body = _regime_table(result)
    else:
        body = _point_table(result)
    return wrap_document(body, ["amssymb", "booktabs"]) if standalone else body


def _symbol(result: SweepResult, name: str) -> str:
    """A swept parameter's column head: its LaTeX symbol in math mode, else its name."""
    symbol = result.latex.get(name)
    return f"${symbol}$" if symbol else escape(name)


def _value(value: Any) -> str:
    number = float(value)
    text = f"{number:.4g}"
    return f"${tex_number(int(number))}$" if number == int(number) else f"${text}$"


def _caption(result: SweepResult, what: str) -> list[str]:
    fixed = ", ".join(f"{_symbol(result, k)} $= {_value(v).strip('$')}$"
                      for k, v in result.fixed.items() if k not in result.axis_names)
    tolerances = ", ".join(f"{escape(k)} $\\leq {_value(v).strip('$')}$"
                           for k, v in result.tolerances.items())
    text = (f"Reliability of each policy in \\texttt{{{escape(result.model)}}} {what}: "
            f"{YES} every risk within its tolerance, {NO} not")
    if tolerances:
        text += f" ({tolerances})"
    text += "."
    if fixed:
        text += f" Other parameters: {fixed}."
    return [r"\begin{table}[htbp]", r"\centering", rf"\caption{{{text}}}",
            rf"\label{{tab:sweep-{result.model.replace('_', '-')}}}"]


def _head(result: SweepResult, extra: list[str]) -> str:
    cells = [_symbol(result, n) for n in result.axis_names] + extra
    cells += [escape(p) for p in result.policies] + ["Leader's choice"]
    return " & ".join(cells) + r" \\"


def _point_table(result: SweepResult) -> str:
    axes = len(result.axes)
    what = "over " + ", ".join(_symbol(result, n) for n in result.axis_names)
    lines = _caption(result, what)
    lines += [rf"\begin{{tabular}}{{{'r' * axes}{'c' * len(result.policies)}l}}", r"\toprule",
              _head(result, []), r"\midrule"]
    for i in range(result.count):
        cells = [_value(result.values[i, a]) for a in range(axes)]
        cells += [YES if bool(result.reliable[i, k]) else NO for k in range(len(result.policies))]
        cells.append(escape(result.leader_choice(i)) or "--")
        lines.append(" & ".join(cells) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}", r"\end{table}"]
    return "\n".join(lines) + "\n"


def _regime_table(result: SweepResult) -> str:
    """One row per regime (reliable policies and leader's choice): ranges and point counts."""
    keys = [(tuple(bool(x) for x in result.reliable[i]), int(result.choice[i]))
            for i in range(result.count)]
    regimes: dict[tuple[tuple[bool, ...], int], list[int]] = {}
    for i, key in enumerate(keys):
        regimes.setdefault(key, []).append(i)
    grid = r" $\times$ ".join(str(n) for n in result.shape)
    what = (f"over a {grid} grid of " + ", ".join(_symbol(result, n) for n in result.axis_names)
            + f", summarised by regime ({result.count} points; each range spans the regime's "
            "points, which need not fill it)")
    lines = _caption(result, what)
    axes = len(result.axes)
    lines += [rf"\begin{{tabular}}{{{'c' * axes}r{'c' * len(result.policies)}l}}", r"\toprule",
              _head(result, ["Points"]), r"\midrule"]
    for (reliable, choice), members in sorted(regimes.items(), key=lambda kv: kv[1][0]):
        values = result.values[np.array(members)]
        cells = [_range(values[:, a]) for a in range(axes)]
        cells.append(str(len(members)))
        cells += [YES if r else NO for r in reliable]
        cells.append(escape(result.policies[choice]) if choice >= 0 else "--")
        lines.append(" & ".join(cells) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}", r"\end{table}"]
    return "\n".join(lines) + "\n"


def _range(column: np.ndarray) -> str:
    low, high = float(column.min()), float(column.max())
    if low == high:
        return _value(low)
    return f"{_value(low)}--{_value(high)}"
