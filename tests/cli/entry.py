"""Run ``alliance-games`` in this process through its real entry point, for tests."""

from __future__ import annotations

from click.testing import CliRunner

from alliance_games.cli import main


def run(*args: str) -> tuple[int, str, str]:
    """``alliance-games ARGS`` through :func:`alliance_games.cli.main` (expected errors: one
    line and exit code 2; anything else: ``internal error``): exit code, stdout, stderr."""
    runner = CliRunner()
    with runner.isolation() as (out, err, _):
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        return code, out.getvalue().decode(), err.getvalue().decode()
