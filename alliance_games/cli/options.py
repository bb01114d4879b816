"""Option decorators shared by the commands (``--set``, ``--format``, model argument)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def parse_assignments(values: tuple[str, ...], *, option: str = "--set") -> dict[str, str]:
    """``("a=1", "b=1/3")`` -> ``{"a": "1", "b": "1/3"}``; malformed items are usage errors."""
    from alliance_games.errors import ParameterError

    result: dict[str, str] = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise ParameterError(f"{option} expects NAME=VALUE, got {item!r}")
        if name.strip() in result:
            raise ParameterError(f"{option} {name.strip()} is given twice ({result[name.strip()]} "
                                 f"and {value.strip()}); give it once")
        result[name.strip()] = value.strip()
    return result


def model_argument(func: F) -> F:
    return click.argument("model", metavar="MODEL")(func)


def set_option(func: F) -> F:
    return click.option(
        "--set", "assignments", multiple=True, metavar="NAME=VALUE",
        help="Set a parameter (repeatable); values are exact: 2, 0.25, 1/3.",
    )(func)


def wide_option(func: F) -> F:
    return click.option(
        "--wide", is_flag=True,
        help="Tables: every label in full, as the JSON has it (no abbreviation or legend), the "
             "table as wide as it needs. Without it tables fit the terminal (COLUMNS=N to set).",
    )(func)


def format_option(*choices: str, default: str = "table") -> Callable[[F], F]:
    def decorate(func: F) -> F:
        return click.option(
            "--format", "fmt", type=click.Choice(choices), default=default, show_default=True,
            help="Output format.",
        )(func)

    return decorate


class LazyHelpOption(click.Option):
    """An option whose help text ``make_help()`` is made when help is shown, not each time the
    command is defined (``--method``'s help wraps a table of the methods: start-up time)."""

    def __init__(self, *args: Any, make_help: Callable[[], str], **kwargs: Any) -> None:
        self._make_help = make_help
        super().__init__(*args, **kwargs)

    @property
    def help(self) -> str | None:
        import inspect

        return inspect.cleandoc(self._make_help())  # as click treats a help text it is given

    @help.setter
    def help(self, value: str | None) -> None:
        """click stores the help it was given (none here): ``make_help`` makes it."""
