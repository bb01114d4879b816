"""Tokenizer for Gambit ``.nfg`` / ``.efg`` files, and the pieces both grammars share.

Lexical grammar (whitespace — space, tab, CR, LF — separates tokens and is otherwise ignored)::

    TEXT    = '"' { any character except '"' and '\\' | '\\"' | '\\\\' | '\\' } '"' ;
              (* '\\"' stands for '"' and '\\\\' for one backslash, as Gambit writes them;
                 any other backslash is an ordinary character *)
    LBRACE  = "{" ;   RBRACE = "}" ;   COMMA = "," ;
    NUMBER  = [+-] ( digits [ "." [digits] ] | "." digits ) [ ("e"|"E") [+-] digits ]
            | [+-] digits "/" digits ;
    SYMBOL  = any other run of characters other than whitespace, '"', "{", "}", "," ;

Numbers are converted to :class:`fractions.Fraction` exactly (``0.1`` is ``1/10``). Every token
records where it starts, and errors report the 1-based line of the offending token; the
end-of-file token sits at the last non-blank character, so that an error about a truncated file
points at where the text stops.

The tokenizer is a generator over one regular expression, so files with millions of tokens are
read in constant memory; :class:`TokenStream` adds one token of look-ahead, the ``expect_*``
helpers that turn every surprise into a :class:`~alliance_games.errors.GambitFormatError`, and the
rules common to both formats::

    header  = MAGIC VERSION LETTER TEXT(title) "{" TEXT(player) {TEXT(player)} "}" ;
    payoffs = NUMBER {[","] NUMBER} "}" ;          (* after its "{"; exactly one per player *)
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from fractions import Fraction
from functools import lru_cache
from typing import NamedTuple

from alliance_games.errors import GambitFormatError, shown

TEXT, LBRACE, RBRACE, COMMA, NUMBER, SYMBOL, EOF = (
    "text", "{", "}", ",", "number", "symbol", "end of file"
)

# The text alternative is possessive, so an unterminated string cannot be "closed" by
# backtracking into an escaped quote; it then falls through to the lone-quote alternative. A number
# must fill its whole run of non-delimiter characters, otherwise the run is a symbol. ``finditer``
# skips whitespace, the only text no alternative matches.
_NUMBER = r"[+-]?(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE](?P<exp>[+-]?[0-9]+))?|[0-9]+/[0-9]+)"
_TOKEN_RE = re.compile(
    r'"((?:[^"\\]|\\["\\]?)*+)"'  # 1: text
    rf'|({_NUMBER.replace("?P<exp>", "?:")})(?=[\s{{}},"]|\Z)'  # 2: number
    r"|([{},])"  # 3: punctuation
    r'|([^\s{},"]+)'  # 4: symbol
    r'|(")'  # 5: unterminated text
)
_NUMBER_RE = re.compile(_NUMBER)
_ESCAPE_RE = re.compile(r'\\(["\\])')
MAX_EXPONENT = 1000
_FLOAT_MAX = sys.float_info.max
MAX_DIGITS = 4000


class Token(NamedTuple):
    """One token: its kind (one of the module constants), its text and its offset in the file.

    Offsets rather than lines are recorded because counting lines for every token would double
    the time to read a large file; :func:`line_of` turns an offset into a 1-based line.
    """

    kind: str
    value: str
    pos: int


def line_of(text: str, pos: int) -> int:
    """The 1-based line of offset ``pos`` in ``text``."""
    return text.count("\n", 0, pos) + 1


_new_token = tuple.__new__


def tokenize(text: str, path: str) -> Iterator[Token]:
    """Yield the tokens of ``text``, then :data:`EOF` tokens forever.

    The end-of-file token sits at the last non-blank character, so that an error about a
    truncated file points at the line where the text stops.

    Raises
    ------
    GambitFormatError
        On an unterminated quoted string (reported at the line of its opening quote).
    """
    kinds = ("", TEXT, NUMBER, "", SYMBOL)
    for found in _TOKEN_RE.finditer(text):
        index = found.lastindex or 0
        value = found.group(index)
        if index == 1:
            if "\\" in value:
                value = _ESCAPE_RE.sub(r"\1", value)
            yield _new_token(Token, (TEXT, value, found.start()))
        elif index == 3:
            yield _new_token(Token, (value, value, found.start()))
        elif index == 5:
            raise GambitFormatError(
                "unterminated quoted text (no closing '\"' before the end of the file)",
                path=path, line=line_of(text, found.start()),
            )
        else:
            yield _new_token(Token, (kinds[index], value, found.start()))
    eof = _new_token(Token, (EOF, "", max(len(text.rstrip()) - 1, 0)))
    while True:
        yield eof


@lru_cache(maxsize=4096)
def _fraction(value: str) -> Fraction:
    match = _NUMBER_RE.fullmatch(value)
    if match is None:  # pragma: no cover - callers only pass NUMBER tokens
        raise ValueError(f"{shown(value)} is not a number")
    if len(value) > MAX_DIGITS:
        raise ValueError(f"number with more than {MAX_DIGITS} characters")
    exponent = match.group("exp")
    if exponent is not None and abs(int(exponent)) > MAX_EXPONENT:
        raise ValueError(f"exponent of {shown(value)} is out of range (at most {MAX_EXPONENT})")
    return Fraction(value)


def describe(token: Token) -> str:
    """A short human-readable rendering of ``token`` for error messages."""
    if token.kind == EOF:
        return "the end of the file"
    if token.kind == TEXT:
        shown = token.value if len(token.value) <= 30 else token.value[:27] + "..."
        return f'text "{shown}"'
    shown = token.value if len(token.value) <= 30 else token.value[:27] + "..."
    return f"'{shown}'"


class TokenStream:
    """Tokens of one file with one token of look-ahead and checked reads.

    Parameters
    ----------
    text:
        The file contents.
    path:
        The file name used in error messages.
    """

    def __init__(self, text: str, path: str) -> None:
        self.path = path
        self.text = text[1:] if text.startswith("\ufeff") else text
        self._tokens = tokenize(self.text, path)
        self._ahead: Token | None = None
        self.last: Token = Token(EOF, "", 0)
        self.wide: dict[Fraction, int] = {}
        """Numbers beyond the float range (exact runs keep them) -> the line of their first use,
        so that a float run can say where they are."""

    def peek(self) -> Token:
        """The next token, without consuming it."""
        if self._ahead is None:
            self._ahead = next(self._tokens)
        return self._ahead

    def next(self) -> Token:
        """Consume and return the next token (the EOF token repeats forever)."""
        token = self._ahead
        if token is None:
            token = next(self._tokens)
        else:
            self._ahead = None
        self.last = token
        return token

    def error(self, message: str, token: Token) -> GambitFormatError:
        """A :class:`GambitFormatError` located at ``token``."""
        return GambitFormatError(message, path=self.path, line=self.line(token))

    def line(self, token: Token) -> int:
        """The 1-based line on which ``token`` starts."""
        return line_of(self.text, token.pos)

    def expect(self, kind: str, what: str) -> Token:
        """Consume a token of ``kind`` or raise, naming ``what`` was expected."""
        token = self.next()
        if token.kind != kind:
            raise self.error(f"expected {what}, found {describe(token)}", token)
        return token

    def expect_text(self, what: str) -> str:
        return self.expect(TEXT, f"{what} (quoted text)").value

    def expect_symbol(self, what: str, allowed: tuple[str, ...]) -> Token:
        token = self.next()
        if token.value not in allowed or token.kind not in (SYMBOL, NUMBER):
            raise self.error(f"expected {what}, found {describe(token)}", token)
        return token

    def to_fraction(self, token: Token) -> Fraction:
        """The exact value of a NUMBER token."""
        try:
            value = _fraction(token.value)
        except (ValueError, ZeroDivisionError, OverflowError) as exc:
            raise self.error(f"invalid number {describe(token)}: {exc}", token) from None
        if (len(token.value) > 300 or "e" in token.value or "E" in token.value) and \
                abs(value) > _FLOAT_MAX:
            self.wide.setdefault(value, self.line(token))
        return value

    def expect_int(self, what: str, minimum: int = 0, maximum: int = 10**18) -> tuple[int, Token]:
        """Consume a non-negative integer written as plain digits; return it and its token."""
        token = self.next()
        if token.kind != NUMBER or not token.value.isdigit() or not token.value.isascii():
            raise self.error(f"expected {what} (a whole number), found {describe(token)}", token)
        if len(token.value) > 18 or not minimum <= int(token.value) <= maximum:
            raise self.error(
                f"{what} must be between {minimum} and {maximum}, found {describe(token)}", token
            )
        return int(token.value), token

    def texts(self, what: str) -> list[str]:
        """Read TEXT tokens up to and including ``}`` (the ``{`` is already consumed)."""
        values = []
        while self.peek().kind != RBRACE:
            values.append(self.expect_text(f"{what} or '}}'"))
        self.next()
        return values

    def header(
        self, magic: str, version: str, letters: tuple[str, ...]
    ) -> tuple[str, tuple[str, ...]]:
        """Read ``MAGIC VERSION R "title" { "player" ... }``; return the title and players."""
        self.expect_symbol(f"the header '{magic}'", (magic,))
        self.expect_symbol(f"format version {version} after '{magic}'", (version,))
        self.expect_symbol(f"'R' after '{magic} {version}'", letters)
        title = self.expect_text("the game title")
        self.expect(LBRACE, "'{' opening the player list")
        names = self.texts("a player name")
        if not names:
            raise self.error("the game has no players", self.last)
        return title, unique_labels(names, lambda k: f"Player {k}")

    def payoffs(self, n: int, what: str) -> tuple[Fraction, ...]:
        """Read ``NUMBER {[","] NUMBER} "}"`` (the ``{`` is already consumed): ``n`` payoffs."""
        values: list[Fraction] = []
        after_number = False
        while True:
            token = self.next()
            if token.kind == NUMBER:
                if len(values) == n:
                    raise self.error(f"{what} has more than {n} payoffs (one per player)", token)
                values.append(self.to_fraction(token))
                after_number = True
            elif token.kind == COMMA and after_number:
                after_number = False
            elif token.kind == RBRACE and (after_number or not values):
                if len(values) != n:
                    raise self.error(
                        f"{what} has {len(values)} payoffs, expected {n} (one per player)", token
                    )
                return tuple(values)
            else:
                raise self.error(f"expected a payoff of {what}, found {describe(token)}", token)


def unique_labels(labels: Sequence[str], default: Callable[[int], str]) -> tuple[str, ...]:
    """Fill empty labels with ``default(position)`` and suffix repeated ones with ``_position``."""
    filled = [label or default(k + 1) for k, label in enumerate(labels)]
    counts = Counter(filled)
    seen: set[str] = set()
    out = []
    for k, label in enumerate(filled):
        name = f"{label}_{k + 1}" if counts[label] > 1 else label
        extra = 2
        while name in seen:
            name, extra = f"{label}_{k + 1}_{extra}", extra + 1
        seen.add(name)
        out.append(name)
    return tuple(out)


def infoset_name(label: str, player: str, iid: int, taken: set[str]) -> str:
    """The name of a player's information set ``iid`` labelled ``label``: the label, or
    ``"<player>#<id>"`` when it is empty; ``#<id>`` (then ``.2``, ``.3``, ...) appended when the
    name is ``taken``, to which it is added."""
    base = label or f"{player}#{iid}"
    name, extra = base, 2
    if name in taken:
        name = f"{base}#{iid}"
    while name in taken:
        name, extra = f"{base}#{iid}.{extra}", extra + 1
    taken.add(name)
    return name
