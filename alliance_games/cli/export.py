"""``alliance-games export``: a model as a LaTeX table or tree, Gambit file or JSON document."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from alliance_games.cli.options import model_argument, parse_assignments, set_option
from alliance_games.cli.output import force_option

if TYPE_CHECKING:
    from alliance_games.analysis.runs import Instance

FORMATS = {"latex-table": "latex", "latex-tree": "latex", "efg": "efg", "nfg": "nfg",
           "json": "json"}
"""Each ``--to`` target and the format its subject is rendered in."""
TARGETS = tuple(FORMATS)


@click.command("export")
@model_argument
@set_option
@click.option("--to", "target", type=click.Choice(TARGETS), required=True,
              help="What to write.")
@click.option("--symbolic", is_flag=True,
              help="LaTeX: payoffs as formulas in the parameters' symbols.")
@click.option("--highlight", is_flag=True,
              help="LaTeX: solve and mark equilibria (pure equilibria; trees: the SPE path).")
@click.option("--booktabs", is_flag=True, help="latex-table: a booktabs table instead of sgame.")
@click.option("--standalone", is_flag=True, help="LaTeX: a complete compilable document.")
@click.option("--max-nodes", type=click.IntRange(1), default=200, show_default=True,
              help="latex-tree: refuse trees with more nodes (after --collapse-depth).")
@click.option("--collapse-depth", type=click.IntRange(1), default=None, metavar="N",
              help="latex-tree: draw each subtree below depth N as one stub labelled with its "
                   "size and its value under the subgame-perfect equilibrium.")
@click.option("-o", "--output", metavar="FILE", default=None,
              help="Write to FILE (atomically); default or '-': standard output.")
@force_option
def command(model: str, assignments: tuple[str, ...], target: str, symbolic: bool,
            highlight: bool, booktabs: bool, standalone: bool, max_nodes: int,
            collapse_depth: int | None, output: str | None, force: bool) -> None:
    """Export MODEL at its default (or --set) parameter values.

    Trees exported with --to latex-table or --to nfg use their reduced normal form.

    \b
    Examples:
      alliance-games export prisoners_dilemma --to latex-table --highlight -o pd.tex
      alliance-games export entry_deterrence --to latex-tree --highlight --standalone -o t.tex
      alliance-games export snyder_alliance_dilemma --to latex-table --symbolic -o s.tex
      alliance-games export alliance_system_reduced --to latex-tree --collapse-depth 3 -o t.tex
      alliance-games export entry_deterrence --to efg > entry.efg
    """
    from alliance_games.analysis.runs import instantiate
    from alliance_games.cli.output import emit
    from alliance_games.render.dispatch import render
    from alliance_games.render.output_target import check_target

    check_target(output, force=force)

    instance = instantiate(model, parse_assignments(assignments), exact=True)
    subject = _subject(instance, target, symbolic=symbolic, highlight=highlight,
                       max_nodes=max_nodes, collapse_depth=collapse_depth)
    emit(render(subject, FORMATS[target], booktabs=booktabs, standalone=standalone,
                max_nodes=max_nodes), output, force=force)


def _subject(instance: Instance, target: str, *, symbolic: bool, highlight: bool, max_nodes: int,
             collapse_depth: int | None) -> object:
    """What ``--to target`` writes, as the library prepares it: the model instance (json), its
    table as a normal form (nfg), its tree (efg), or a table or tree export with the marks and
    symbols asked for (LaTeX)."""
    from alliance_games.analysis import export as prepare
    from alliance_games.games.normal_form import NormalFormGame

    game = instance.game
    if target == "efg" and isinstance(game, NormalFormGame):
        from alliance_games.errors import ParameterError

        raise ParameterError("--to efg needs a tree model; this one is a normal form "
                             "(use --to nfg)")
    subjects = {
        "json": lambda: instance,
        "nfg": lambda: prepare.table_game(game)[0],
        "efg": lambda: game,
        "latex-table": lambda: prepare.table_export(instance, highlight=highlight,
                                                    symbolic=symbolic),
        "latex-tree": lambda: prepare.tree_export(instance, highlight=highlight, symbolic=symbolic,
                                                  max_nodes=max_nodes,
                                                  collapse_depth=collapse_depth),
    }
    return subjects[target]()
