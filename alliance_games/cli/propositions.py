"""``alliance-games propositions``: the article's propositions P1-P9, each PASS or FAIL."""

from __future__ import annotations

import click

from alliance_games.cli.options import format_option
from alliance_games.render.dispatch import formats


@click.command("propositions")
@click.option("--standalone", is_flag=True, help="With --format latex: a compilable document.")
@click.option("-o", "--output", metavar="FILE", help="Write to FILE (atomically) instead of stdout.")
@format_option(*formats("PropositionChecks"))
def command(standalone: bool, output: str | None, fmt: str) -> None:
    """Check the article's propositions P1-P9 on the bundled models.

    Every check solves the models with the generic solvers and prints the figures behind its
    verdict. The exit code is 0 when all pass and 1 otherwise.

    \b
    Examples:
      alliance-games propositions
      alliance-games propositions --format json
    """
    from alliance_games.alliance.propositions import check_all
    from alliance_games.cli.output import emit
    from alliance_games.render.dispatch import render
    from alliance_games.render.propositions import PropositionChecks

    results = check_all()
    emit(render(PropositionChecks(tuple(results)), fmt, standalone=standalone), output, tee=True)
    if not all(r.passed for r in results):
        raise SystemExit(1)
