"""Tokenizer for Gambit ``.nfg`` / ``.efg`` files.

Lexical grammar (whitespace — space, tab, CR, LF — separates tokens and is otherwise ignored)::

    TEXT    = '"' { any character except '"' and '\\' | '\\"' | '\\\\' | '\\' } '"' ;
              (* '\\"' stands for '"' and '\\\\' for one backslash, as Gambit writes them;
                 any other backslash is an ordinary character *)
    LBRACE  = "{" ;   RBRACE = "}" ;   COMMA = "," ;
    NUMBER  = [+-] ( digits [ "." [digits] ] | "." digits ) [ ("e"|"E") [+-] digits ]
            | [+-] digits "/" digits ;
    SYMBOL  = any other run of characters other than whitespace, '"', "{", "}", "," ;

Numbers are converted to :class:`fractions.Fraction` exactly (``0.1`` is ``1/10``). Every token
records the 1-based line on which it starts; the end-of-file token carries the line of the last
real token, so that an error about a truncated file points at where the text stops.

The tokenizer is a generator over one regular expression, so files with millions of tokens are
read in constant memory; :class:`TokenStream` adds one token of look-ahead and the ``expect_*``
helpers that turn every surprise into a :class:`~alliance_games.errors.GambitFormatError`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from fractions import Fraction
from functools import lru_cache
from typing import NamedTuple

from alliance_games.errors import GambitFormatError

TEXT, LBRACE, RBRACE, COMMA, NUMBER, SYMBOL, EOF = (
    "text", "{", "}", ",", "number", "symbol", "end of file"
)

# The text alternative is possessive, so an unterminated string cannot be "closed" by
# backtracking into an escaped quote; it then falls through to the lone-quote alternative.
_TOKEN_RE = re.compile(
    r'(?P<ws>\s+)'
    r'|"(?P<text>(?:[^"\\]|\\["\\]?)*+)"'
    r'|(?P<quote>")'
    r'|(?P<punct>[{},])'
    r'|(?P<word>[^\s{},"]+)'
)
_NUMBER_RE = re.compile(
    r"[+-]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:[eE](?P<exp>[+-]?\d+))?|\d+/\d+)", re.ASCII
)
_ESCAPE_RE = re.compile(r'\\(["\\])')
MAX_EXPONENT = 1000
MAX_DIGITS = 4000


class Token(NamedTuple):
    """One token: its kind (one of the module constants), its text and its 1-based line."""

    kind: str
    value: str
    line: int


def tokenize(text: str, path: str) -> Iterator[Token]:
    """Yield the tokens of ``text``, ending with one :data:`EOF` token.

    Raises
    ------
    GambitFormatError
        On an unterminated quoted string (reported at the line of its opening quote).
    """
    line = 1
    last_line = 1
    for match in _TOKEN_RE.finditer(text):
        group = match.lastgroup
        if group == "ws":
            line += match.group().count("\n")
            continue
        if group == "text":
            raw = match.group("text")
            yield Token(TEXT, _ESCAPE_RE.sub(r"\1", raw) if "\\" in raw else raw, line)
            last_line = line
            line += raw.count("\n")
            continue
        if group == "quote":
            raise GambitFormatError(
                "unterminated quoted text (no closing '\"' before the end of the file)",
                path=path, line=line,
            )
        value = match.group()
        if group == "punct":
            yield Token(value, value, line)
        else:
            yield Token(NUMBER if _NUMBER_RE.fullmatch(value) else SYMBOL, value, line)
        last_line = line
    yield Token(EOF, "", last_line)


@lru_cache(maxsize=4096)
def _fraction(value: str) -> Fraction:
    match = _NUMBER_RE.fullmatch(value)
    if match is None:  # pragma: no cover - callers only pass NUMBER tokens
        raise ValueError(f"{value!r} is not a number")
    exponent = match.group("exp")
    if exponent is not None and abs(int(exponent)) > MAX_EXPONENT:
        raise ValueError(f"exponent of {value!r} is out of range (at most {MAX_EXPONENT})")
    if len(value) > MAX_DIGITS:
        raise ValueError(f"number with more than {MAX_DIGITS} characters")
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
        self._tokens = tokenize(text[1:] if text.startswith("\ufeff") else text, path)
        self._ahead: Token | None = None
        self.last: Token = Token(EOF, "", 1)

    def peek(self) -> Token:
        """The next token, without consuming it."""
        if self._ahead is None:
            self._ahead = next(self._tokens, None) or self.last
        return self._ahead

    def next(self) -> Token:
        """Consume and return the next token (the EOF token repeats forever)."""
        token = self.peek()
        if token.kind != EOF:
            self._ahead = None
        self.last = token
        return token

    def error(self, message: str, token: Token) -> GambitFormatError:
        """A :class:`GambitFormatError` located at ``token``."""
        return GambitFormatError(message, path=self.path, line=token.line)

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

    def expect_number(self, what: str) -> Fraction:
        token = self.expect(NUMBER, what)
        return self.to_fraction(token)

    def to_fraction(self, token: Token) -> Fraction:
        """The exact value of a NUMBER token."""
        try:
            return _fraction(token.value)
        except (ValueError, ZeroDivisionError, OverflowError) as exc:
            raise self.error(f"invalid number {describe(token)}: {exc}", token) from None

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
