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
    """The tokens of one text from offset ``base`` on: ``starts`` / ``ends`` (offsets in
    ``chars``, the UTF-8 bytes from ``base`` on, int32 below 2 GB; a text token with its
    quotes), ``kinds`` (one byte per token, see :data:`KINDS`), and the text and its bytes."""

    text: str
    raw: bytes
    base: int
    chars: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    kinds: bytes

    def texts(self, tokens: np.ndarray) -> list[str]:
        """The contents of the text tokens at positions ``tokens`` (without the quotes)."""
        begin = (self.starts[tokens] + (self.base + 1)).tolist()
        end = (self.ends[tokens] + (self.base - 1)).tolist()
        if len(self.raw) == len(self.text):  # ASCII: the offsets are the text's
            text = self.text
            return [text[a:b] for a, b in zip(begin, end, strict=True)]
        raw = self.raw
        return [raw[a:b].decode("utf-8") for a, b in zip(begin, end, strict=True)]

    def spans(self, first: np.ndarray, last: np.ndarray) -> list[bytes]:
        """The bytes from the start of token ``first[k]`` to the end of token ``last[k]``."""
        raw, base = self.raw, self.base
        return [raw[a:b] for a, b in zip((self.starts[first] + base).tolist(),
                                          (self.ends[last] + base).tolist(), strict=True)]


CHUNK = 1 << 18
"""Bytes scanned at a time (ending at the next blank outside quoted text): the passes' working
arrays are this small and their memory is used again for every piece, where arrays the size of
a large text would each cost fresh pages (a page fault per 4 kB, more than the passes)."""


def scan(text: str, start: int = 0) -> Scan | None:
    """The tokens of ``text[start:]``, or ``None`` when it is not of the plain shape (module
    docstring).

    The bytes are split into pieces of about :data:`CHUNK` bytes at blanks outside quoted text
    (no token spans two pieces, and each piece begins outside quoted text), and each piece is
    split by :func:`_tokens`."""
    if "\\" in text:
        return None
    try:
        raw = text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return None
    base = start if len(raw) == len(text) else len(text[:start].encode("utf-8"))
    chars = np.frombuffer(raw, dtype=np.uint8)[base:]
    offset = np.int32 if chars.size < 2**31 else np.int64  # half the memory of int64
    starts = np.empty(chars.size, dtype=offset)  # at most a token per byte: pages are only
    ends = np.empty(chars.size, dtype=offset)  # touched where written
    codes = np.empty(chars.size, dtype=np.uint8)
    count = 0
    for lo, hi in _pieces(chars):
        found = _tokens(chars[lo:hi])
        if found is None:
            return None
        begin, end, kind = found
        stop = count + kind.size
        np.add(begin, lo, out=starts[count:stop])
        np.add(end, lo, out=ends[count:stop])
        codes[count:stop] = kind
        count = stop
    return Scan(text, raw, base, chars, starts[:count], ends[:count], codes[:count].tobytes())


def _pieces(chars: np.ndarray) -> list[tuple[int, int]]:
    """Byte ranges of about :data:`CHUNK` bytes covering ``chars``, each after the first
    beginning at a blank (a byte up to 32) outside quoted text: the quotes before it are even in
    number. A quoted text left open runs to the end (the last piece then has odd quotes)."""
    size = chars.size
    out = []
    lo = 0
    while size - lo > CHUNK:
        hi = lo + CHUNK
        odd = int(np.count_nonzero(chars[lo:hi] == ord('"'))) % 2
        while hi < size:  # the first blank from hi on with even quotes before it
            window = chars[hi:hi + 4096]
            quotes = window == ord('"')
            before = (np.cumsum(quotes, dtype=np.int64) - quotes + odd) % 2
            found = np.flatnonzero((window <= 32) & (before == 0))
            if found.size:
                hi += int(found[0])
                break
            odd = (odd + int(np.count_nonzero(quotes))) % 2
            hi += window.size
        out.append((lo, hi))
        lo = hi
    if lo < size or not out:
        out.append((lo, size))
    return out


def _tokens(chars: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """The tokens of ``chars`` (bytes beginning outside quoted text): their start and end
    offsets and kinds (:data:`KINDS`), or ``None`` when they are not of the plain shape.

    Every pass over the bytes writes into one of three flag buffers (fresh memory costs a
    page fault per 4 kB, more than the pass itself on a text read once)."""
    size = chars.size
    marks, word, scratch = (np.empty(size, dtype=bool) for _ in range(3))
    quotes = np.flatnonzero(np.equal(chars, ord('"'), out=marks))
    if quotes.size % 2:
        return None
    opens, closes = quotes[0::2], quotes[1::2]
    if size:  # control characters but blanks, and non-ASCII bytes: only inside quoted text
        np.less(chars, 32, out=marks)
        marks &= np.greater(chars, 13, out=scratch)
        marks |= np.less(chars, 9, out=scratch)
        if int(chars.max()) > 126 or marks.any():
            odd = np.flatnonzero(marks | (chars > 126))
            if (np.searchsorted(quotes, odd) % 2 == 0).any():
                return None
    plain = chars.copy()  # quoted text blanked out but for its opening quote
    plain[closes] = ord(" ")
    plain[_inner(opens, closes)] = ord(" ")
    np.equal(plain, _BRACES_COMMA_QUOTE[0], out=marks)
    for mark in _BRACES_COMMA_QUOTE[1:]:
        marks |= np.equal(plain, mark, out=scratch)
    np.greater(plain, 32, out=word)
    word &= np.logical_not(marks, out=scratch)
    first = scratch  # the first byte of each token: a word's, a mark, an opening quote
    if size:
        first[0] = word[0]
        np.logical_not(word[:-1], out=first[1:])
        first[1:] &= word[1:]
    first |= marks
    starts = np.flatnonzero(first)
    last = first  # the last byte of each token: a word's, a mark, a closing quote
    if size:
        last[-1] = word[-1]
        np.logical_not(word[1:], out=last[:-1])
        last[:-1] &= word[:-1]
    last |= marks
    last[opens] = False
    last[closes] = True
    ends = np.flatnonzero(last)
    ends += 1
    codes = plain[starts]
    lower = np.flatnonzero((codes >= ord("a")) & (codes <= ord("z")))
    letters = lower[ends[lower] - starts[lower] == 1]  # words of one lowercase letter
    kept = codes[letters]
    words = codes > 32
    words &= codes != ord('"')
    for mark in _BRACES_COMMA_QUOTE[:3]:
        words &= codes != mark
    codes[codes == ord('"')] = TEXT
    codes[words] = WORD
    codes[letters] = kept
    return starts, ends, codes


def _inner(opens: np.ndarray, closes: np.ndarray) -> np.ndarray:
    """The offsets strictly between each opening quote and its closing quote."""
    lengths = closes - opens - 1
    total = int(lengths.sum())
    if not total:
        return np.zeros(0, dtype=np.int64)
    before = np.cumsum(lengths) - lengths
    return np.repeat(opens + 1 - before, lengths) + np.arange(total)
