"""``alliance-games solve``: equilibria of a model at given parameter values."""

from __future__ import annotations

import click

from alliance_games.cli.options import (
    LazyHelpOption,
    format_option,
    model_argument,
    parse_assignments,
    set_option,
    wide_option,
)
from alliance_games.cli.output import output_option
from alliance_games.render.dispatch import formats
from alliance_games.solvers.methods import METHODS, REFINEMENTS, methods_help


@click.command("solve")
@model_argument
@set_option
@click.option("--method", default="auto", show_default=True, type=click.Choice(METHODS),
              cls=LazyHelpOption, make_help=methods_help)
@click.option("--exact/--float", "exact", default=True, show_default=True,
              help="Exact rational arithmetic (default) or floating point.")
@click.option("--max-equilibria", type=click.IntRange(1), default=None,
              help="Stop enumerating after this many equilibria per subgame (default 1000).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=None,
              metavar="SECONDS", help="Stop after SECONDS and report the equilibria found so "
              "far, marked incomplete.")
@click.option("--symbolic", is_flag=True,
              help="Solve with the parameters as symbols: every equilibrium with the "
                   "inequalities on the free parameters under which it holds.")
@click.option("--free", "free", multiple=True, metavar="NAME",
              help="With --symbolic: a parameter kept symbolic (repeatable); the others are "
                   "fixed at their defaults or --set values. Default: all (small models only).")
@click.option("--derivative", metavar="NAME", default=None,
              help="With --symbolic: the sign of d(equilibrium quantity)/d(NAME) per region.")
@click.option("--refine", "refine", multiple=True, type=click.Choice(REFINEMENTS),
              help="With --method pbe: judge every equilibrium by a signalling refinement "
                   "(intuitive: Cho-Kreps; d1: Banks-Sobel) and say why it survives or fails "
                   "(repeatable).")
@wide_option
@click.option("--all-sets", is_flag=True,
              help="Tables of large trees: the strategies at every information set, not only at "
                   "those reached on the equilibrium path (JSON always lists every set).")
@output_option
@format_option(*formats("SolverResult"))
def command(model: str, assignments: tuple[str, ...], method: str, exact: bool,
            max_equilibria: int | None, timeout: float | None, symbolic: bool, free: tuple[str, ...],
            derivative: str | None, refine: tuple[str, ...], wide: bool, all_sets: bool,
            output: str | None, force: bool, fmt: str) -> None:
    """Solve MODEL: a bundled model's name, a path (.yaml, .nfg, .efg) or - for stdin.

    \b
    Examples:
      alliance-games solve entry_deterrence
      alliance-games solve entry_deterrence --method pure --format json
      alliance-games solve battle_of_the_sexes --method enummixed --float
      alliance-games solve game.nfg --method enummixed --exact --format json
      alliance-games solve three_player_coordination --method enumpoly
      alliance-games solve my_game.efg --format gambit
      cat game.nfg | alliance-games solve - --method pure
      alliance-games solve stag_hunt --symbolic
      alliance-games solve alliance_system_reduced --symbolic --free pooling --derivative pooling
      alliance-games solve beer_quiche --method pbe --refine intuitive --format json
      alliance-games solve entry_deterrence --format json -o result.json
    """
    from alliance_games.render.output_target import check_target

    check_target(output, force=force)
    if symbolic or free or derivative:
        _symbolic(model, assignments, method, exact, symbolic, free, derivative, fmt, output,
                  force)
        return
    from alliance_games.analysis.solving import Solvable, file_instance, solve_instance
    from alliance_games.cli.output import emit
    from alliance_games.render.dispatch import render
    from alliance_games.render.labels import natural_width

    values = parse_assignments(assignments)
    instance: Solvable | None = file_instance(model, values, exact=exact)  # no symbolic model
    if instance is None:
        from alliance_games.analysis.runs import instantiate_cached

        instance = instantiate_cached(model, values, exact=exact)
    result, records = solve_instance(instance, method, max_equilibria=max_equilibria,
                                     timeout=timeout, refine=refine)
    shown = render(result, fmt, instance=instance, records=records, wide=wide, all_sets=all_sets)
    emit(shown, output, width=natural_width(shown) if wide and not isinstance(shown, str) else None,
         force=force)


def _symbolic(model: str, assignments: tuple[str, ...], method: str, exact: bool,
              symbolic: bool, free: tuple[str, ...], derivative: str | None, fmt: str,
              output: str | None, force: bool) -> None:
    """``--symbolic``: closed-form equilibria over the free parameters."""
    from alliance_games.errors import ParameterError

    if not symbolic:
        raise ParameterError("--free and --derivative go with --symbolic")
    if method != "auto" or not exact:
        raise ParameterError("--symbolic solves exactly with its own methods; drop --method "
                             "and --float")
    available = formats("SymbolicRun")
    if fmt not in available:
        raise ParameterError(f"--format {fmt} is not available with --symbolic "
                             f"({', '.join(available)})")
    from alliance_games.analysis.symbolic import solve_symbolic
    from alliance_games.cli.output import emit
    from alliance_games.render.dispatch import render

    emit(render(solve_symbolic(model, parse_assignments(assignments), free or None, derivative),
                fmt), output, force=force)
