"""The tokens of a Gambit file's text found by numpy over its bytes, not one regex match each.

:func:`scan` splits text as :func:`alliance_games.model.gambit_tokens.tokenize` does (quoted
text, ``{``, ``}``, ``,`` and runs of any other non-blank characters) when the text has the plain
shape tools write: no backslash, every quote closed, and outside quoted text only printable ASCII
and ASCII blanks. Those are the cases where a byte-wise split is the tokenizer's split; for any
other text it answers ``None`` and the caller reads the text with the general tokenizer.

The answer (:class:`Scan`) holds per token its start and end offset in the text's UTF-8 bytes
and a one-byte kind, so that a grammar can be checked by one regular expression over the kinds
(:data:`KINDS`) and fields read column by column, without a Python object per token.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

TEXT, WORD = ord("T"), ord("W")
KINDS = ("T: quoted text; '{', '}', ',': themselves; a lowercase letter: a word of that one "
         "letter; W: any other word")
"""What the kind bytes of a :class:`Scan` mean."""

_BRACES_COMMA_QUOTE = (ord("{"), ord("}"), ord(","), ord('"'))


@dataclass(frozen=True, eq=False)
class Scan:
    """The tokens of one text: ``starts`` / ``ends`` (int64 byte offsets, a text token with its
    quotes), ``kinds`` (one byte per token, see :data:`KINDS`), the bytes and the text."""

    text: str
    raw: bytes
    chars: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    kinds: bytes

    def texts(self, tokens: np.ndarray) -> list[str]:
        """The contents of the text tokens at positions ``tokens`` (without the quotes)."""
        begin = (self.starts[tokens] + 1).tolist()
        end = (self.ends[tokens] - 1).tolist()
        if len(self.raw) == len(self.text):  # ASCII: the offsets are the text's
            text = self.text
            return [text[a:b] for a, b in zip(begin, end, strict=True)]
        raw = self.raw
        return [raw[a:b].decode("utf-8") for a, b in zip(begin, end, strict=True)]

    def spans(self, first: np.ndarray, last: np.ndarray) -> list[bytes]:
        """The bytes from the start of token ``first[k]`` to the end of token ``last[k]``."""
        raw = self.raw
        return [raw[a:b] for a, b in zip(self.starts[first].tolist(), self.ends[last].tolist(),
                                          strict=True)]


def scan(text: str) -> Scan | None:
    """The tokens of ``text``, or ``None`` when it is not of the plain shape (module docstring)."""
    if "\\" in text:
        return None
    try:
        raw = text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return None
    chars = np.frombuffer(raw, dtype=np.uint8)
    quotes = np.flatnonzero(chars == ord('"'))
    if quotes.size % 2:
        return None
    opens, closes = quotes[0::2], quotes[1::2]
    odd = (chars > 126) | ((chars < 32) & ((chars < 9) | (chars > 13)))
    if odd.any():  # control characters and non-ASCII bytes: only inside quoted text
        at = np.flatnonzero(odd)
        if (np.searchsorted(quotes, at) % 2 == 0).any():
            return None
    plain = chars.copy()  # quoted text blanked out but for its opening quote
    plain[closes] = ord(" ")
    plain[_inner(opens, closes)] = ord(" ")
    marks = plain == _BRACES_COMMA_QUOTE[0]
    for mark in _BRACES_COMMA_QUOTE[1:]:
        marks |= plain == mark
    word = plain > 32
    word &= ~marks
    first = word.copy()
    first[1:] &= ~word[:-1]
    first |= marks
    last = word.copy()  # the last byte of each token: a word's, a mark, a closing quote
    last[:-1] &= ~word[1:]
    last |= marks
    last[opens] = False
    last[closes] = True
    starts = np.flatnonzero(first)
    ends = np.flatnonzero(last) + 1
    codes = plain[starts]
    letter = (codes >= ord("a")) & (codes <= ord("z")) & (ends - starts == 1)
    keep = letter | (codes == ord("{")) | (codes == ord("}")) | (codes == ord(","))
    codes = np.where(codes == ord('"'), np.uint8(TEXT), np.where(keep, codes, np.uint8(WORD)))
    return Scan(text, raw, chars, starts, ends, codes.tobytes())


def _inner(opens: np.ndarray, closes: np.ndarray) -> np.ndarray:
    """The offsets strictly between each opening quote and its closing quote."""
    lengths = closes - opens - 1
    total = int(lengths.sum())
    if not total:
        return np.zeros(0, dtype=np.int64)
    before = np.cumsum(lengths) - lengths
    return np.repeat(opens + 1 - before, lengths) + np.arange(total)
