"""The ``alliance-games`` command group and how a run ends (:func:`alliance_games.cli.main`).

Commands live in their own modules and are imported only when invoked, so ``--help`` stays fast.
Expected errors (:class:`~alliance_games.errors.AllianceGamesError`) print one line on stderr and
exit with code 2; ``ALLIANCE_GAMES_DEBUG=1`` shows the traceback. Ctrl-C prints ``interrupted``
and exits with code 130.
"""

from __future__ import annotations

import importlib
import os
import sys

import click

from alliance_games.cli import interrupted
from alliance_games.errors import AllianceGamesError

COMMANDS = {
    "models": ("alliance_games.cli.models", "List the bundled models."),
    "show": ("alliance_games.cli.show", "Show a model: players, parameters, payoffs or tree."),
    "solve": ("alliance_games.cli.solve",
                  "Solve a model: pure, mixed, subgame-perfect or perfect Bayesian equilibria."),
    "compare": ("alliance_games.cli.compare",
                  "Compare a model's policies: every player's risks, cost, verdict."),
    "propositions": ("alliance_games.cli.propositions", "Check the article's propositions P1-P11."),
    "dominance": ("alliance_games.cli.dominance", "Eliminate dominated strategies, iteratively."),
    "sweep": ("alliance_games.cli.sweep",
                  "Sweep parameters: policies' risks, or any equilibrium quantity, over a grid."),
    "threshold": ("alliance_games.cli.sweep",
                  "Locate where a policy's verdict or an equilibrium quantity changes, exactly."),
    "export": ("alliance_games.cli.export", "Export a model: LaTeX table or tree, Gambit file, JSON."),
    "report": ("alliance_games.cli.report", "Write a complete LaTeX report on a model."),
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module = importlib.import_module(COMMANDS[name][0])
        return getattr(module, f"{name}_command", module.command)  # type: ignore[no-any-return]

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, help_text) for name, (_, help_text) in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="alliance-games")
@click.option("--max-nodes", type=click.IntRange(1), default=None, metavar="N",
              help="Largest game tree a model may expand to (default 1,000,000).")
@click.option("--max-profiles", type=click.IntRange(1), default=None, metavar="N",
              help="Largest reduced normal form built from a tree (default 2,000,000 profiles).")
def cli(max_nodes: int | None, max_profiles: int | None) -> None:
    """Alliance politics as explicit games, solved exactly.

    \b
    Examples:
      alliance-games models
      alliance-games show entry_deterrence
      alliance-games solve entry_deterrence --format json
      alliance-games solve prisoners_dilemma --method pure
      alliance-games solve game.efg --set p=1/3 --float
      alliance-games --max-profiles 5000000 solve big_tree.yaml --method enummixed
    """
    if max_nodes is not None or max_profiles is not None:
        from alliance_games.games.limits import configure

        configure(max_nodes=max_nodes, max_profiles=max_profiles)


def run(argv: list[str] | None = None) -> None:
    """Run the CLI, turning expected errors into one line and exit code 2, Ctrl-C into
    ``interrupted`` and exit code 130."""
    try:
        cli.main(args=argv, prog_name="alliance-games", standalone_mode=False)
    except click.exceptions.Abort:
        interrupted()
    except click.ClickException as exc:
        exc.show()
        sys.exit(2 if exc.exit_code == 2 else exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except AllianceGamesError as exc:
        if os.environ.get("ALLIANCE_GAMES_DEBUG"):
            raise
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        interrupted()
    except BrokenPipeError:
        sys.exit(0)
    except Exception as exc:  # noqa: BLE001 - the one place unexpected errors are caught
        if isinstance(exc, SystemError) and _caused_by_ctrl_c(exc):
            # Ctrl-C inside a Python callback of C code (e.g. Fraction.numerator under sympy)
            interrupted()
        if os.environ.get("ALLIANCE_GAMES_DEBUG"):
            raise
        click.echo(f"internal error: {type(exc).__name__}: {exc} (this is a bug; rerun with "
                   "ALLIANCE_GAMES_DEBUG=1 for a traceback and report it)", err=True)
        sys.exit(2)


def _caused_by_ctrl_c(exc: BaseException) -> bool:
    """Whether a ``KeyboardInterrupt`` is among the causes or contexts of ``exc``."""
    seen: set[int] = set()
    stack: list[BaseException | None] = [exc]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        if isinstance(current, KeyboardInterrupt):
            return True
        seen.add(id(current))
        stack += [current.__cause__, current.__context__]
    return False
