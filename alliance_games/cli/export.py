"""``alliance-games export``: a model as a LaTeX table or tree, Gambit file or JSON document."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from alliance_games.cli.options import model_argument, parse_assignments, set_option

if TYPE_CHECKING:
    from alliance_games.analysis.runs import Instance

TARGETS = ("latex-table", "latex-tree", "efg", "nfg", "json")


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
@click.option("-o", "--output", metavar="FILE", required=True,
              help="Write to FILE (atomically); '-' for standard output.")
def command(model: str, assignments: tuple[str, ...], target: str, symbolic: bool,
            highlight: bool, booktabs: bool, standalone: bool, max_nodes: int,
            collapse_depth: int | None, output: str) -> None:
    """Export MODEL at its default (or --set) parameter values.

    Trees exported with --to latex-table or --to nfg use their reduced normal form.

    \b
    Examples:
      alliance-games export prisoners_dilemma --to latex-table --highlight -o pd.tex
      alliance-games export entry_deterrence --to latex-tree --highlight --standalone -o t.tex
      alliance-games export snyder_alliance_dilemma --to latex-table --symbolic -o s.tex
      alliance-games export alliance_system --to latex-tree --collapse-depth 3 -o t.tex
      alliance-games export entry_deterrence --to efg -o -
    """
    from alliance_games.analysis.runs import instantiate
    from alliance_games.cli.output import emit

    instance = instantiate(model, parse_assignments(assignments), exact=True)
    emit(_render(instance, target, symbolic=symbolic, highlight=highlight, booktabs=booktabs,
                 standalone=standalone, max_nodes=max_nodes, collapse_depth=collapse_depth),
         output)


def _render(instance: Instance, target: str, *, symbolic: bool, highlight: bool, booktabs: bool,
            standalone: bool, max_nodes: int, collapse_depth: int | None) -> str:
    from alliance_games.analysis import export as prepare
    from alliance_games.games.normal_form import NormalFormGame
    from alliance_games.model.gambit_format import write_efg, write_nfg

    game = instance.game
    if target == "json":
        from alliance_games.render.json import show_json

        return show_json(instance.model, instance.values, game)
    if target == "nfg":
        return write_nfg(prepare.table_game(game)[0])
    if target == "efg":
        if isinstance(game, NormalFormGame):
            raise click.UsageError("--to efg needs a tree model; this one is a normal form "
                                   "(use --to nfg)")
        return write_efg(game)
    from alliance_games.render import latex

    if target == "latex-table":
        table = prepare.table_export(instance, highlight=highlight,
                                     symbolic=symbolic)
        render = latex.booktabs_table if booktabs else latex.sgame_table
        return render(table.game, equilibria=table.equilibria, symbolic=table.symbolic,
                      standalone=standalone)
    tree = prepare.tree_export(instance, highlight=highlight, symbolic=symbolic,
                               max_nodes=max_nodes, collapse_depth=collapse_depth)
    return latex.istgame_tree(tree.tree, highlight_edges=tree.highlight_edges,
                              symbolic=tree.symbolic, max_nodes=max_nodes, stubs=tree.stubs,
                              standalone=standalone)
