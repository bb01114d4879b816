"""Issue 15: the numpy token scan and the digit-by-digit number reader behind the bulk ``.efg``
reader agree with the general tokenizer and with ``Fraction``, or step aside (``None``)."""

from __future__ import annotations

import random
from fractions import Fraction

import numpy as np
import pytest

from alliance_games.model import gambit_format as gf
from alliance_games.model.gambit_numbers import (
    read_integer_spans,
    read_number_spans,
    read_numbers,
)
from alliance_games.model.gambit_scan import TEXT, WORD, scan
from alliance_games.model.gambit_tokens import EOF, NUMBER, SYMBOL, TokenStream, tokenize
from alliance_games.model.gambit_tree_bulk import read_tree_bulk
from tests.model.test_gambit_bulk import _agree
from tests.model.test_gambit_format import random_tree


def _spans(tokens: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``tokens`` joined by blanks of random kinds, as bytes, with each token's byte range."""
    rng = random.Random(len(tokens))
    text, starts, ends = b"", [], []
    for token in tokens:
        text += rng.choice([b" ", b"\n", b"\t ", b"  "])
        starts.append(len(text))
        text += token.encode()
        ends.append(len(text))
    return (np.frombuffer(text, dtype=np.uint8), np.array(starts, dtype=np.int64),
            np.array(ends, dtype=np.int64))


def _fractions(tokens: list[str]) -> list[Fraction] | None:
    try:
        return [Fraction(t) for t in tokens]
    except (ValueError, ZeroDivisionError):
        return None


@pytest.mark.parametrize("tokens", [
    ["1", "-2", "+3", "007"], ["1.5", "-.25", "5.", "+.5", "3"], ["1/3", "0.5", "-2", "+1/2"],
    ["0/5", "-0.0", "-0"], ["123.456", "0.000001"], ["0.0000000000000001"], ["1" * 18],
    ["-0.846544", "29/100", "119/250"], ["12345678901234567."], ["-.1234567890123456"],
])
def test_numbers_read_digit_by_digit_are_the_tokens_fractions(tokens: list[str]) -> None:
    read = read_number_spans(*_spans(tokens))
    assert read is not None
    numbers, den = read
    assert numbers.dtype == np.int64
    assert [Fraction(int(v), den) for v in numbers] == [Fraction(t) for t in tokens]
    assert np.gcd.reduce([*numbers.tolist(), den]) == 1  # reduced, as read_numbers gives it
    old = read_numbers(tokens)
    if old is not None:
        assert old[1] == den and np.array_equal(old[0], numbers)


@pytest.mark.parametrize("tokens", [
    ["."], ["-"], ["+"], ["-."], ["1.2.3"], ["3-4"], ["--3"], ["+-3"], ["1/3/4"], ["1/+2"],
    ["1/0"], ["1e5"], ["1E5"], ["1" * 19], ["-/3"], ["1/"], ["/2"], ["5.-"], ["1_0"], ["inf"],
    ["\u0661"], ["0x1"], ["1", "1.2/3"], ["1/3", "1/7", "1/11", "1/13", "1/17", "1/19", "1/23",
                                          "1/29", "1/31", "1/37", "1/41", "1/43", "1/47", "1/53",
                                          "1/59"],
])
def test_numbers_read_digit_by_digit_refuse_what_is_not_a_plain_exact_number(
        tokens: list[str]) -> None:
    assert read_number_spans(*_spans(tokens)) is None


@pytest.mark.parametrize("seed", range(30))
def test_random_numbers_read_digit_by_digit_are_exact_or_refused(seed: int) -> None:
    """Random integers, decimals, fractions and junk: read exactly, or refused; refused only
    where :func:`read_numbers` refuses too (or a token is not a number at all)."""
    rng = random.Random(seed)

    def digits(most: int) -> str:
        return "".join(rng.choice("0123456789") for _ in range(rng.randint(0, most)))

    def token() -> str:
        sign = rng.choice(["", "-", "+"])
        r = rng.random()
        if r < 0.3:
            return f"{sign}{digits(7)}/{digits(4)}"
        if r < 0.4:
            return "".join(rng.choice("0123456789.-+/e") for _ in range(rng.randint(1, 4)))
        return sign + digits(7) + rng.choice([f".{digits(9)}", ""])

    for _ in range(50):
        tokens = [token() for _ in range(rng.randint(1, 12))]
        read, exact = read_number_spans(*_spans(tokens)), _fractions(tokens)
        if read is None:
            assert exact is None or read_numbers(tokens) is None, tokens
            continue
        assert exact is not None, tokens
        assert [Fraction(int(v), read[1]) for v in read[0]] == exact, tokens


def test_plain_integers_are_read_and_anything_else_refused() -> None:
    found = read_integer_spans(*_spans(["12", "007", "0", "123456789012345678"]))
    assert found is not None and found.tolist() == [12, 7, 0, 123456789012345678]
    for bad in (["+1"], ["-1"], ["1."], ["1/2"], ["1" * 19], ["1x"]):
        assert read_integer_spans(*_spans(bad)) is None, bad


# ---- the token scan ------------------------------------------------------------------------------
def _tokenized(text: str) -> list[tuple[str, str]]:
    """The general tokenizer's (kind, text) of every token."""
    out = []
    for token in tokenize(text, "t"):
        if token.kind == EOF:
            return out
        out.append((token.kind, token.value))
    return out  # pragma: no cover - the tokenizer ends with EOF


def _scanned(text: str) -> list[tuple[str, str]] | None:
    found = scan(text)
    if found is None:
        return None
    out = []
    for kind, start, end in zip(found.kinds, found.starts.tolist(), found.ends.tolist(),
                                strict=True):
        raw = found.raw[start:end]
        if kind == TEXT:
            out.append(("text", raw[1:-1].decode()))
        else:
            assert kind == WORD or chr(kind) in "{},abcdefghijklmnopqrstuvwxyz"
            out.append(("word", raw.decode()))
    return out


def _same_split(text: str) -> None:
    general = [("text", v) if k == "text" else ("word", v) for k, v in _tokenized(text)]
    assert _scanned(text) == general


@pytest.mark.parametrize("text", [
    'p "" 1 1 "I" { "x" "y" } 0\n', 'p""1 1"I"{"x""y"}0', '  {,}  ', "", " \n\t\r\x0b\x0c ",
    't "o" 2 "end" { 3.5, -4 }', '"a b" "{x}" "1,2" "" "é ü" "tab\tin"', 'x"y"z', "1,2,,3",
    '"multi\nline" 5', '{ "c0" 29/100 "c1" 71/100 }',
])
def test_the_scan_splits_text_as_the_tokenizer_does(text: str) -> None:
    _same_split(text)


@pytest.mark.parametrize("text", [
    'p "a\\"b" 1', 'p "a\\\\b" 1', 'p "open', 'p é 1', "p \x01 1", "p 1\xa02", "p 1\x1c2",
    'p "\ud800"',
])
def test_the_scan_steps_aside_from_escapes_open_quotes_and_unusual_characters(
        text: str) -> None:
    assert scan(text) is None


@pytest.mark.parametrize("seed", range(20))
def test_random_texts_are_split_as_the_tokenizer_splits_them(seed: int) -> None:
    rng = random.Random(seed)
    pieces = ['"lab el"', '""', '"é{,}"', "{", "}", ",", "p", "t", "12", "-0.5", "1/3", "x7",
              "NFG", '"a"', "a"]
    for _ in range(30):
        text = "".join(rng.choice(pieces) + rng.choice(["", " ", "\n", "\t", "  "])
                       for _ in range(rng.randint(0, 25)))
        _same_split(text)
        found = scan(text)
        assert found is not None
        kinds = bytes(found.kinds)
        general = [k for k, _ in _tokenized(text)]
        assert [chr(k) == "T" for k in kinds] == [k == "text" for k in general]
        assert all(k in (NUMBER, SYMBOL, "text", "{", "}", ",") for k in general)


@pytest.mark.parametrize("seed", range(20))
def test_texts_scanned_piece_by_piece_are_scanned_as_a_whole(
        seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pieces of a few bytes (cut at blanks outside quoted text) give the tokens of the whole
    text, or step aside alike (an open quote, a character of no plain text outside quotes)."""
    from alliance_games.model import gambit_scan

    rng = random.Random(seed)
    pieces = ['"lab el"', '""', '"é{,}"', '"a\nb c"', "{", "}", ",", "p", "t", "12", "-0.5",
              "1/3", "x7", '"a"', "a", "é", "\x01", '"', "\x0b"]
    for _ in range(30):
        text = "".join(rng.choice(pieces) + rng.choice(["", " ", "\n", "\t", "  ", " \r\n"])
                       for _ in range(rng.randint(0, 40)))
        start = rng.randint(0, len(text))
        whole = scan(text, start)
        for size in (1, 2, 3, 5, 16):
            monkeypatch.setattr(gambit_scan, "CHUNK", size)
            pieced = scan(text, start)
            assert (whole is None) == (pieced is None), (text, size)
            if whole is not None and pieced is not None:
                assert pieced.kinds == whole.kinds and pieced.base == whole.base
                assert pieced.starts.tolist() == whole.starts.tolist()
                assert pieced.ends.tolist() == whole.ends.tolist()
            monkeypatch.undo()


# ---- the bulk tree reader ------------------------------------------------------------------------
def _bulk(text: str) -> object:
    stream = TokenStream(text, "t")
    title, players = stream.header("EFG", "2", ("R",))
    if stream.peek().kind == "text":
        stream.next()
    return read_tree_bulk(stream.text, stream.peek().pos, players, title, exact=True,
                          max_nodes=10**6)


@pytest.mark.parametrize("seed", range(40))
def test_trees_without_escapes_are_read_in_bulk_as_the_general_reader_reads_them(
        seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(seed)
    text = gf.write_efg(random_tree(rng, seed % 2 == 0))
    if "\\" in text:
        text = text.replace('\\"', "'").replace("\\\\", "/")
    assert _bulk(text) is not None
    _agree(text, monkeypatch)
    squeezed = text.replace(" {", "{").replace("} ", "}\n").replace('" ', '"\t')
    _agree(squeezed, monkeypatch)
