"""Output of ``solve --symbolic``: a JSON document and rich tables for the terminal.

JSON keys: ``model``, ``title``, ``method``, ``free`` (names), ``ranges``, ``fixed`` (exact
strings), ``derivative``, ``tolerances``, ``warnings``, ``pruned`` and ``regions``; each region
has ``interval`` (one free parameter) or ``null``, ``conditions`` (each with ``plain``,
``latex``, ``strict`` and ``reason``), ``feasibility``, ``tie``, ``note``, ``witness``,
``equilibria``, ``derivatives`` (one mapping per equilibrium: quantity -> ``sign``,
``derivative``, ``condition``) and, for models with policies, ``policy_verdicts`` (policy ->
``robust`` / ``fragile`` / ``fails`` over the region's equilibria, as ``compare`` judges).
Equilibria of games with information sets also carry ``beliefs`` (information set -> type ->
probability; ``mu_<set>`` after an unsent message, its admissible values among the region's
conditions). Expressions are written as sympy prints them (``1/stag``).
"""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from alliance_games.analysis.symbolic import DerivativeSign, SymbolicRun, policy_verdicts
from alliance_games.render.formats import dumps
from alliance_games.solvers.symbolic.result import Condition, Region, SymbolicEquilibrium

PATH_SHOWN = 6


def _text(expr: Any) -> str:
    return str(expr)


def condition_json(cond: Condition) -> dict[str, Any]:
    return {"plain": cond.plain(), "latex": cond.latex(), "strict": cond.strict,
            "reason": cond.reason}


def _sign_json(sign: DerivativeSign) -> dict[str, Any]:
    return {"sign": sign.sign, "derivative": _text(sign.derivative),
            "condition": condition_json(sign.condition) if sign.condition else None}


def _equilibrium_json(eq: SymbolicEquilibrium, verdicts: dict[str, str]) -> dict[str, Any]:
    doc: dict[str, Any] = {"kind": eq.kind}
    if eq.strategies:
        doc["strategies"] = {p: {s: _text(v) for s, v in mix.items()}
                             for p, mix in eq.strategies.items()}
    if eq.kind == "spe":
        doc.update(policy=eq.policy, path=list(eq.path), choices=dict(eq.choices),
                   choices_scope=eq.choices_scope)
    if eq.beliefs:
        doc["beliefs"] = {k: {n: _text(v) for n, v in mu.items()} for k, mu in eq.beliefs.items()}
    doc["payoffs"] = {p: _text(v) for p, v in eq.payoffs.items()}
    doc["quantities"] = {k: _text(v) for k, v in eq.quantities.items()}
    if eq.policy_tags:
        doc["policy_risks"] = {pol: {k: _text(v) for k, v in risks.items()}
                               for pol, risks in eq.policy_tags.items()}
        doc["verdicts"] = dict(verdicts)
    return doc


def _region_json(region: Region, signs: tuple[dict[str, DerivativeSign], ...],
                 verdicts: tuple[dict[str, str], ...]) -> dict[str, Any]:
    interval = region.interval
    doc = {
        "interval": None if interval is None else {
            "lo": _text(interval.lo), "hi": _text(interval.hi), "lo_closed": interval.lo_closed,
            "hi_closed": interval.hi_closed, "point": interval.is_point},
        "conditions": [condition_json(c) for c in region.conditions],
        "feasibility": region.feasibility,
        "tie": region.tie,
        "note": region.note,
        "witness": {k: _text(v) for k, v in region.witness.items()} if region.witness else None,
        "equilibria": [_equilibrium_json(e, v) for e, v in zip(region.equilibria, verdicts,
                                                                 strict=True)],
        "derivatives": [{q: _sign_json(s) for q, s in eq_signs.items()} for eq_signs in signs],
    }
    over = policy_verdicts(verdicts)
    if over:
        doc["policy_verdicts"] = over
    return doc


def symbolic_json(run: SymbolicRun) -> str:
    """The whole symbolic solution as one JSON document (see the module docstring)."""
    sol = run.solution
    return dumps({
        "model": run.model.name,
        "title": run.model.title,
        "method": sol.method,
        "free": list(sol.free),
        "ranges": {k: ([_text(r[0]), _text(r[1])] if r else None) for k, r in sol.ranges.items()},
        "fixed": {k: _text(v) for k, v in sol.fixed.items()},
        "derivative": run.derivative,
        "tolerances": {k: str(v) for k, v in run.tolerances.items()},
        "warnings": list(sol.warnings),
        "pruned": sol.pruned,
        "regions": [_region_json(r, s, v) for r, s, v in zip(sol.regions, run.derivatives,
                                                             run.verdicts, strict=True)],
    })


# ---- terminal ----------------------------------------------------------------------------------
def symbolic_table(run: SymbolicRun) -> RenderableType:
    """A header, one row per region (where, equilibria, verdicts) and the derivative signs."""
    sol = run.solution
    free = ", ".join(f"{k} in [{r[0]}, {r[1]}]" if r else k for k, r in sol.ranges.items())
    parts: list[RenderableType] = [
        Text.assemble((run.model.title, "bold"), f"  [{run.model.name}]"),
        Text(f"Free: {free or 'none'}; method: {sol.method}; {len(sol.regions)} regions"
             + (f" ({sol.pruned} infeasible branches pruned)" if sol.pruned else "")),
    ]
    if sol.fixed:
        fixed = ", ".join(f"{k}={v}" for k, v in sol.fixed.items())
        parts.append(Text(f"Fixed: {fixed}", style="dim"))
    has_policies = any(e.policy_tags for r in sol.regions for e in r.equilibria)
    table = Table(show_lines=True)
    table.add_column("#", justify="right")
    table.add_column("where")
    table.add_column("equilibria")
    if has_policies:
        table.add_column("policy verdicts")
    for n, region in enumerate(sol.regions, start=1):
        row: list[RenderableType] = [str(n), _where(region, sol.free), _equilibria(region)]
        if has_policies:
            row.append(_verdicts(run.verdicts[n - 1]))
        table.add_row(*row)
    parts.append(table)
    if run.derivative:
        parts.append(_derivative_table(run))
    parts.extend(Text(f"warning: {w}", style="yellow") for w in sol.warnings)
    return Group(*parts)


def _where(region: Region, free: tuple[str, ...]) -> Text:
    text = Text()
    if region.interval is not None and len(free) == 1:
        text.append(region.interval.text(free[0]), style="bold")
    else:
        text.append("\n".join(c.plain() for c in region.conditions) or "everywhere",
                    style="bold")
    reasons = dict.fromkeys(c.reason for c in region.conditions if c.reason)
    for reason in reasons:
        text.append(f"\n{_short(reason)}", style="dim")
    if region.note:
        text.append(f"\n{_short(region.note)}", style="magenta")
    if region.feasibility != "verified":
        text.append(f"\n({region.feasibility})", style="yellow")
    return text


def _equilibria(region: Region) -> Text:
    text = Text()
    for k, eq in enumerate(region.equilibria):
        if k:
            text.append("\n")
        if eq.kind == "spe":
            if eq.policy is not None:
                text.append(f"SPE: {eq.policy}", style="bold green")
            path = list(eq.path)
            if len(path) > PATH_SHOWN:
                text.append(("\n" if eq.policy else "") + f"{len(path)} decisions on the path "
                            "(--format json lists them)")
            else:
                shown = ", ".join(p.rsplit("@", 1)[-1] for p in path)
                text.append(("\n" if eq.policy else "") + f"path: {shown}")
        else:
            text.append(f"{eq.kind}: ", style="bold green")
            text.append("; ".join(
                f"{p}: " + ", ".join(f"{s} {v}" for s, v in mix.items() if v != 0)
                for p, mix in eq.strategies.items()))
            if eq.beliefs:
                text.append("\nbeliefs: " + "; ".join(
                    f"{k}: " + ", ".join(f"{n} {v}" for n, v in mu.items())
                    for k, mu in eq.beliefs.items()))
        text.append("\npayoffs: " + ", ".join(f"{p} {v}" for p, v in eq.payoffs.items()),
                    style="dim")
    return text


def _verdicts(per_eq: tuple[dict[str, str], ...]) -> Text:
    text = Text()
    for k, verdicts in enumerate(per_eq):
        if k:
            text.append("\n--\n")
        text.append("\n".join(f"{pol}: {v}" for pol, v in verdicts.items()))
    if len(per_eq) > 1:
        text.append(f"\nover the {len(per_eq)} equilibria:\n", style="bold")
        text.append("\n".join(f"{pol}: {v}" for pol, v in policy_verdicts(per_eq).items()),
                    style="bold")
    return text


def _derivative_table(run: SymbolicRun) -> RenderableType:
    name = run.derivative
    columns: list[tuple[str, dict[str, DerivativeSign]]] = []
    for n, per_eq in enumerate(run.derivatives, start=1):
        for k, signs in enumerate(per_eq, start=1):
            if signs:
                columns.append((f"{n}" if len(per_eq) == 1 else f"{n}.{k}", signs))
    table = Table(title=f"sign of d(quantity)/d{name} by region", title_justify="left")
    table.add_column("quantity")
    for label, _ in columns:
        table.add_column(label, justify="center")
    quantities = list(dict.fromkeys(q for _, signs in columns for q in signs))
    zero = []
    for q in quantities:
        cells = [signs.get(q) for _, signs in columns]
        if all(c is None or c.sign == "0" for c in cells):
            zero.append(q)
            continue
        table.add_row(q, *[_sign_cell(c) for c in cells])
    notes: list[RenderableType] = [table]
    if zero:
        notes.append(Text(f"d/d{name} = 0 in every region: {', '.join(zero[:12])}"
                          + (f" and {len(zero) - 12} more" if len(zero) > 12 else ""),
                          style="dim"))
    return Group(*notes)


def _sign_cell(sign: DerivativeSign | None) -> Text:
    if sign is None:
        return Text("")
    if sign.sign == "depends" and sign.condition is not None:
        return Text(f"+ iff {sign.condition.plain()}", style="yellow")
    style = {"+": "green", "-": "red"}.get(sign.sign, "")
    return Text(sign.sign, style=style)


def _short(text: str, width: int = 90) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."

