"""One hierarchy of the errors the project raises on purpose.

Every error a user can cause (a broken model file, a bad ``--set`` value, a game too large)
is an :class:`AllianceGamesError`; the CLI turns it into one line on stderr and exit code 2.
Anything else is a bug and is reported as such.

Messages follow one shape: ``place: what is wrong (how to fix it)``, where the place is
``file:line: field.path`` when those are known.
"""

from __future__ import annotations


class AllianceGamesError(Exception):
    """Base class of every expected, user-facing error."""

    exit_code: int = 2


class ModelError(AllianceGamesError):
    """A model (YAML, .nfg, .efg) is malformed or inconsistent.

    Parameters
    ----------
    message:
        What is wrong, and how to fix it where that is known.
    path:
        The file the model came from (``"<stdin>"`` for standard input).
    line:
        1-based line of the offending text, when known.
    field:
        Dotted path of the offending field, e.g. ``tree.actions.Fight.payoffs``.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.path = path
        self.line = line
        self.field = field
        super().__init__(self.__str__())

    def located(
        self, *, path: str | None = None, line: int | None = None, field: str | None = None
    ) -> ModelError:
        """Return a copy of this error with missing location parts filled in."""
        return type(self)(
            self.message,
            path=self.path or path,
            line=self.line or line,
            field=self.field or field,
        )

    def __str__(self) -> str:
        place = ""
        if self.path:
            place = self.path
            if self.line:
                place += f":{self.line}"
            place += ": "
        elif self.line:
            place = f"line {self.line}: "
        if self.field:
            place += f"{self.field}: "
        return f"{place}{self.message}"


class ExpressionError(ModelError):
    """An expression in a model file is refused by the whitelist parser."""


class GambitFormatError(ModelError):
    """A Gambit ``.nfg`` / ``.efg`` file does not follow the format."""


class ParameterError(AllianceGamesError):
    """A parameter value given on the command line (``--set``) is unknown or invalid."""


class GameError(AllianceGamesError):
    """A game cannot be built or evaluated (inconsistent sizes, non-rational exact values...)."""


class SizeLimitError(GameError):
    """A requested game would exceed a configured resource limit."""


class SolverError(AllianceGamesError):
    """A solver cannot handle the game it was given (wrong shape, unsupported method...)."""


SHOWN_CHARS = 200
"""The most characters of a user's value an error message shows."""


def shown(value: object) -> str:
    """``repr(value)`` for an error message, bounded: a long text or a deep or long container
    (a YAML alias bomb expands to billions of items) is cut to :data:`SHOWN_CHARS` characters
    with its length, without ever building the full representation."""
    import reprlib

    class _Bounded(reprlib.Repr):
        def repr1(self, x: object, level: int) -> str:  # subclasses of list/dict/tuple too
            for kind, method in ((dict, self.repr_dict), (list, self.repr_list),
                                 (tuple, self.repr_tuple)):
                if isinstance(x, kind) and type(x) is not kind:
                    return method(kind(x) if len(x) <= 8 else x, level)  # type: ignore[arg-type]
            return super().repr1(x, level)

    r = _Bounded()
    r.maxstring = r.maxother = SHOWN_CHARS
    r.maxlist = r.maxtuple = r.maxdict = r.maxset = 8
    r.maxlevel = 3
    text = r.repr(value)
    try:
        size = len(value)  # type: ignore[arg-type]
    except TypeError:
        size = None
    if len(text) > SHOWN_CHARS:
        text = text[:SHOWN_CHARS] + "..."
    if size is not None and (len(text) < len(repr(value)) if isinstance(value, str)
                             else "..." in text):
        unit = "characters" if isinstance(value, str) else "items"
        text += f" ({size:,} {unit})"
    return text


def shown_number(value: object) -> str:
    """``str(value)`` for an error message (a number in all its digits, such as ``10**400`` or an
    exact fraction), cut like :func:`shown` to :data:`SHOWN_CHARS` characters with its length."""
    try:
        text = str(value)
    except ValueError:  # an int beyond Python's digit limit for str()
        return "a number too long to show"
    if len(text) <= SHOWN_CHARS:
        return text
    return f"{text[:SHOWN_CHARS]}... ({len(text):,} characters)"
