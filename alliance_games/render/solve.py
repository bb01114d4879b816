"""Renderings of a solve: a :class:`~alliance_games.solvers.result.SolverResult` with its
equilibria described (:func:`alliance_games.analysis.equilibrium.describe`).

Formats: ``table`` (the run's header and one row per equilibrium), ``json`` (the keys are a
promise to users' scripts), ``csv`` (tidy: one row per equilibrium x player x strategy or
information-set action) and ``gambit`` (one ``NE,p1,p2,...`` line per equilibrium, as the
``gambit-*`` tools print them, Gambit ``doc/tools.rst``: probabilities player by player; for
normal forms strategy by strategy, for trees information set by information set in order of
first appearance and action by action).

Options: ``instance`` (the model at its parameter values) and ``records`` (the equilibria
described), both from :func:`alliance_games.analysis.runs.solve_instance`.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from rich.console import Group, RenderableType
from rich.styled import Styled
from rich.table import Table
from rich.text import Text

from alliance_games.analysis.assessments import verdicts
from alliance_games.analysis.equilibrium import EquilibriumRecord
from alliance_games.analysis.reached import distinct_on_path
from alliance_games.analysis.solving import FileInstance
from alliance_games.games.tree import GameTree
from alliance_games.render.formats import csv_text, dumps, run_header
from alliance_games.render.labels import Fitted, Labels, Wrapped, legend, strategy_labels
from alliance_games.render.numbers import json_number, json_numbers, text_number
from alliance_games.solvers.deadline import STOPPED
from alliance_games.solvers.methods import enumerates
from alliance_games.solvers.result import SolverResult

if TYPE_CHECKING:  # not at run time: it loads the symbolic stack, which a Gambit file never needs
    from alliance_games.analysis.runs import CachedInstance, Instance


# ---- table -------------------------------------------------------------------------------------
def solve_table(result: SolverResult, *, instance: Instance | CachedInstance | FileInstance,
                records: list[EquilibriumRecord], wide: bool = False,
                all_sets: bool = False) -> RenderableType:
    """The run's header, the method ``auto`` chose (if it did) and the equilibria table
    (``wide``: labels verbatim, :mod:`alliance_games.render.labels`; ``all_sets``: every
    information set of a large tree, not only those on the path,
    :mod:`alliance_games.analysis.reached`)."""
    parts: list[RenderableType] = [
        run_header(instance.model.title, instance.model.name, instance.values)]
    if "auto" in result.options:
        parts.append(Styled(f"method auto -> {result.options['auto']} "
                            f"({result.options['auto_reason']})", "dim"))
    parts.append(equilibria_table(result, records, wide=wide, all_sets=all_sets))
    return Group(*parts)


def equilibria_table(result: SolverResult, records: list[EquilibriumRecord], *,
                     wide: bool = False, all_sets: bool = False) -> RenderableType:
    """The equilibria, laid out to fit the console (:class:`~alliance_games.render.labels.Fitted`):
    a column per player with the labels' own prefixes dropped; if that is too wide, long
    information-set names abbreviated with a legend; if still too wide, a row per player.
    ``wide``: a column per player with every label verbatim. On a large tree each equilibrium's
    strategies are shown at the information sets it reaches (``record.on_path``), with a line
    saying how many are left out, unless ``all_sets``."""
    kind = "exact" if result.exact else "floating point"
    complete = "complete" if result.complete else "not proven complete"
    title = (f"{len(records)} equilibri{'um' if len(records) == 1 else 'a'} "
             f"(method {result.method}, {kind}, {complete})")
    game = result.game

    profiles = [_shown_profile(r, all_sets) for r in records]
    sets = _shown_sets(records, all_sets)

    def layout(rows: bool, **how: bool) -> Callable[[], RenderableType]:
        build = _player_rows if rows else _player_columns
        return lambda: build(title, result, records, profiles,
                             strategy_labels(game, sets=sets, **how))

    layouts = [layout(False, verbatim=wide)]
    if not wide and isinstance(game, GameTree):
        layouts.append(layout(False, abbreviate=True))
    if not wide and not any(r.assessment is not None for r in records):
        layouts.append(layout(True, abbreviate=True))
    parts: list[RenderableType] = [Fitted(*layouts)]
    hidden = _off_path_line(records, all_sets)
    if hidden:
        parts.append(Text(hidden, style="dim"))
    parts.extend(Text(line) for line in _verdict_lines(records))
    parts.append(Text(completeness_line(result)))
    for warning in result.warnings:
        parts.append(Text(f"warning: {warning}", style="yellow"))
    return Group(*parts)


CRITERION_NAMES = {"intuitive": "intuitive criterion (Cho-Kreps)", "d1": "D1 (Banks-Sobel)"}


def _numbers(items: list[int]) -> str:
    """``#1, #2, #5-#9``: equilibrium numbers, runs of three or more as ranges."""
    parts: list[str] = []
    start = 0
    for k in range(1, len(items) + 1):
        if k < len(items) and items[k] == items[k - 1] + 1:
            continue
        run = items[start:k]
        parts.extend([f"#{run[0]}-#{run[-1]}"] if len(run) >= 3 else [f"#{n}" for n in run])
        start = k
    return ", ".join(parts) or "none"


def _verdict_lines(records: list[EquilibriumRecord]) -> list[str]:
    """Perfect Bayesian results: how many components the rows form, and per refinement judged
    which equilibria survive it and which fail (:func:`~alliance_games.analysis.assessments.
    verdicts`)."""
    summary = verdicts([r.assessment for r in records])
    if summary is None:
        return []
    lines = []
    if summary.components is not None and summary.components < len(records):
        lines.append(f"{len(records)} rows, {summary.components} component"
                     f"{'' if summary.components == 1 else 's'} of equilibria: the rows of a "
                     "component are the extreme points of one connected set of equilibria")
    for criterion, kept in summary.survivors.items():
        name = CRITERION_NAMES.get(criterion, criterion)
        parts = summary.surviving_components[criterion]
        where = "" if not parts or summary.components is None else \
            f" (component{'' if len(parts) == 1 else 's'} {', '.join(map(str, parts))})"
        lines.append(f"{name}: {_numbers(kept)} survive{where}; "
                     f"{_numbers(summary.failures[criterion])} fail (the reasons: --format json, "
                     "refinement_reasons)")
    return lines


def _shown_profile(record: EquilibriumRecord, all_sets: bool) -> dict[str, dict[str, Any]]:
    """The profile a table shows: on a large tree only the sets on the path, unless ``all_sets``."""
    on_path = record.on_path
    if on_path is None or not on_path.condensed or all_sets:
        return record.profile
    return on_path.profile


def _shown_sets(records: list[EquilibriumRecord], all_sets: bool) -> list[int] | None:
    """The information sets the tables show when every record shows only its path (their
    union, in the tree's order); ``None``: every set."""
    paths = [r.on_path for r in records]
    if all_sets or not paths or any(p is None or not p.condensed for p in paths):
        return None
    return sorted(set().union(*(p.sets for p in paths if p is not None)))


def _off_path_line(records: list[EquilibriumRecord], all_sets: bool) -> str:
    """How many information sets the table leaves out and how to see them ('' when none)."""
    condensed = [r.on_path for r in records if r.on_path is not None and r.on_path.condensed]
    if all_sets or not condensed:
        return ""
    total = condensed[0].total
    low, high = min(p.off_path for p in condensed), max(p.off_path for p in condensed)
    many = f"{low:,}" if low == high else f"{low:,} to {high:,}"
    each = "" if len(records) == 1 else " per equilibrium"
    distinct = distinct_on_path(condensed)
    alike = "" if distinct == len(condensed) else (
        f"; these {len(condensed)} equilibria play {distinct} distinct way"
        f"{'' if distinct == 1 else 's'} on the path and differ off it")
    return (f"strategies shown at the information sets reached on the equilibrium path; "
            f"{many} of the {total:,} information sets{each} are off the path and not shown "
            f"(--all-sets shows them, --format json lists every one){alike}")


def _player_columns(title: str, result: SolverResult, records: list[EquilibriumRecord],
                    profiles: list[dict[str, dict[str, Any]]], labels: Labels) -> RenderableType:
    """One row per equilibrium, a column per player; the legend of short names below."""
    players = result.game.players
    assessed = any(r.assessment is not None for r in records)
    table = Table(title=title, title_justify="left", show_lines=True)
    table.add_column("#", justify="right")
    for player in players:
        table.add_column(Wrapped(player), overflow="fold")
    table.add_column("payoffs", overflow="fold")
    table.add_column("max regret", justify="right", overflow="fold")
    if assessed:
        table.add_column("beliefs", overflow="fold")
        table.add_column("refinements", overflow="fold")
    shown: list[str] = []
    for n, (record, profile) in enumerate(zip(records, profiles, strict=True), start=1):
        cells = [_strategy_text(profile[p], labels.shown[p]) for p in players]
        shown += cells
        pays = ", ".join(text_number(record.payoffs[p]) for p in players)
        extra = [Wrapped(c) for c in _assessment_cells(record)] if assessed else []
        table.add_row(str(n), *map(Wrapped, cells), pays, text_number(record.max_regret), *extra)
    return Group(table, legend(labels.legend_used(shown)))


def _player_rows(title: str, result: SolverResult, records: list[EquilibriumRecord],
                 profiles: list[dict[str, dict[str, Any]]], labels: Labels) -> RenderableType:
    """A row per equilibrium and player (for tables too wide by player); the legend below."""
    players = result.game.players
    table = Table(title=title, title_justify="left")
    for name in ("#", "player", "strategy", "payoff", "max regret"):
        table.add_column(name, overflow="fold",
                         justify="right" if name in ("#", "max regret") else "left")
    shown: list[str] = []
    for n, (record, profile) in enumerate(zip(records, profiles, strict=True), start=1):
        for i, player in enumerate(players):
            cell = _strategy_text(profile[player], labels.shown[player])
            shown.append(cell)
            first = i == 0
            table.add_row(str(n) if first else "", player, Wrapped(cell),
                          text_number(record.payoffs[player]),
                          text_number(record.max_regret) if first else "",
                          end_section=i == len(players) - 1)
    return Group(table, legend(labels.legend_used(shown)))


def completeness_line(result: SolverResult) -> str:
    """The line under the table: the class the method enumerates (its row's ``complete`` text,
    :func:`~alliance_games.solvers.methods.enumerates`) and whether this result lists all of it;
    if not, why: by design, the time limit, or the warnings printed below."""
    promise = enumerates(result.method)
    if result.complete:
        return f"complete: {promise}"
    never = "never complete: "
    if promise.startswith(never):
        return f"not complete, by design: {result.method} finds {promise.removeprefix(never)}"
    if any(w.startswith(STOPPED) for w in result.warnings):
        reason = STOPPED
    elif result.warnings:
        reason = f"see the warning{'s' if len(result.warnings) > 1 else ''} below"
    else:
        reason = "not every member could be certified"
    return f"not complete ({reason}): searched for {promise}"


def _assessment_cells(record: EquilibriumRecord) -> list[str]:
    """Beliefs (``set: node p``; off path the admissible region) and refinement verdicts."""
    a = record.assessment
    if a is None:
        return ["", ""]
    lines = [f"{s}: " + ", ".join(f"{node} {text_number(p)}" for node, p in nodes.items())
             for s, nodes in a.beliefs.items() if len(nodes) > 1]  # singletons say nothing
    lines += [f"{s} (off path): {_region_text(region)}" for s, region in a.off_path_beliefs.items()
              if not isinstance(region, dict) or len(set(region) - {"vertices"}) > 1]
    verdicts = [f"{name} {'yes' if ok else 'no'}" for name, ok in a.refinements.items()
                if ok is not None]
    if a.component is not None:
        verdicts.append(f"component {a.component + 1}{'' if a.extreme else ' (inner)'}")
    return ["\n".join(lines) or "-", "\n".join(verdicts) or "-"]


def _region_text(region: Any) -> str:
    """``node in [low, high]`` per node of an off-path region."""
    if not isinstance(region, dict):
        return str(region)
    parts = []
    for node, bounds in region.items():
        if node == "vertices":
            continue
        if isinstance(bounds, list | tuple) and len(bounds) == 2:
            low, high = bounds
            parts.append(f"{node} {text_number(low)}" if low == high
                         else f"{node} in [{text_number(low)}, {text_number(high)}]")
        else:
            parts.append(f"{node} {bounds}")
    return ", ".join(parts) or "any"


def _strategy_text(dist: dict[str, Any], shown: dict[str, str]) -> str:
    """Pure choices by name; mixtures as ``label: p`` lines; each label as ``shown`` says."""
    lines = []
    for label, prob in dist.items():
        if prob == 1:
            lines.append(shown.get(label, label))
        elif prob != 0:
            lines.append(f"{shown.get(label, label)}: {text_number(prob)}")
    return "\n".join(lines) or "-"


# ---- json --------------------------------------------------------------------------------------
def solve_json(result: SolverResult, *, instance: Instance | CachedInstance | FileInstance,
               records: list[EquilibriumRecord]) -> str:
    return dumps({
        "model": instance.model.name,
        "parameters": {k: json_number(v) for k, v in instance.values.items()},
        "method": result.method,
        "exact": result.exact,
        "complete": result.complete,
        "enumerates": enumerates(result.method),
        "count": len(records),
        "warnings": list(result.warnings),
        "diagnostics": _plain(result.diagnostics),
        "convex_sets": [list(s) for s in result.convex_sets],
        "equilibria": [equilibrium_json(r) for r in records],
        **_verdict_json(records),
    })


def _verdict_json(records: list[EquilibriumRecord]) -> dict[str, Any]:
    """``components``, ``survivors`` and ``failures`` (criterion -> equilibrium numbers from 1)
    of a perfect Bayesian result; nothing for other methods."""
    summary = verdicts([r.assessment for r in records])
    if summary is None:
        return {}
    return {"components": summary.components, "survivors": summary.survivors,
            "failures": summary.failures}


def equilibrium_json(record: EquilibriumRecord) -> dict[str, Any]:
    doc = _equilibrium_core(record)
    if record.assessment is not None:
        a = record.assessment
        doc.update({"beliefs": _plain(a.beliefs), "off_path_beliefs": _plain(a.off_path_beliefs),
                    "refinements": dict(a.refinements), "refinement_reasons": dict(a.reasons),
                    "component": a.component, "extreme": a.extreme})
    return doc


def _equilibrium_core(record: EquilibriumRecord) -> dict[str, Any]:
    return {
        "profile": {
            player: json_numbers(dist) for player, dist in record.profile.items()
        },
        "payoffs": {player: json_number(v) for player, v in record.payoffs.items()},
        "max_regret": json_number(record.max_regret),
        "outcome_distribution": {
            k: json_number(v) for k, v in record.outcome_distribution.items()
        },
    }


def _plain(value: Any) -> Any:
    """Diagnostics made JSON-safe: exact numbers as strings, containers recursively."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, bool | str | int | float) or value is None:
        return value
    if isinstance(value, Fraction):
        return json_number(value)
    return str(value)


# ---- csv and gambit ----------------------------------------------------------------------------
def solve_csv(result: SolverResult, *, records: list[EquilibriumRecord]) -> str:
    return csv_text(
        ["equilibrium", "player", "strategy", "probability", "payoff", "max_regret"],
        ([n, player, label, json_number(prob), json_number(record.payoffs[player]),
          json_number(record.max_regret)]
         for n, record in enumerate(records, start=1)
         for player, dist in record.profile.items()
         for label, prob in dist.items()))


def solve_gambit(result: SolverResult) -> str:
    game = result.game
    lines = []
    for eq in result.equilibria:
        if isinstance(game, GameTree):
            order = [k for p in range(game.num_players) for k in game.player_infosets(p)]
            values = [v for k in order for v in eq.strategies[k]]
        else:
            values = [v for dist in eq.strategies for v in dist]
        lines.append("NE," + ",".join(text_number(v, digits=10) for v in values))
    return "\n".join(lines) + ("\n" if lines else "")
