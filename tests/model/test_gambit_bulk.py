"""Gambit files read in bulk (issue 15): the bulk readers give the general reader's game or step
aside, exact and in floats; the numbers are exact; ``solve FILE`` never loads sympy (nor PyYAML)."""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from alliance_games.analysis import solving
from alliance_games.errors import AllianceGamesError
from alliance_games.games.normal_form import NormalFormGame, scaled_integers
from alliance_games.model import gambit_format as gf
from alliance_games.model.gambit_numbers import (
    as_floats,
    as_fractions,
    read_number_text,
    read_numbers,
)
from tests.cli.entry import run
from tests.model.test_gambit_format import BAD, random_nfg, random_tree


def _general(text: str, exact: bool, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The general (token by token) reader's answer: the game, or the error message."""
    with monkeypatch.context() as m:
        m.setattr(gf, "read_tree_bulk", lambda *args, **kwargs: None)
        m.setattr(gf, "_bulk_payoffs", lambda *args: None)
        return _answer(text, exact)


def _answer(text: str, exact: bool) -> Any:
    try:
        return gf.read_gambit(text, "g", exact=exact)
    except AllianceGamesError as error:
        return str(error)


def _same(a: Any, b: Any) -> None:
    assert type(a) is type(b)
    if isinstance(a, str):
        assert a == b
        return
    for name in a.__dataclass_fields__:
        x, y = getattr(a, name), getattr(b, name)
        if isinstance(x, np.ndarray):
            assert x.dtype == y.dtype and x.shape == y.shape and np.array_equal(x, y), name
            assert [type(v) for v in x.ravel()] == [type(v) for v in y.ravel()], name
        else:
            assert x == y, name


def _agree(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for exact in (True, False):
        _same(_answer(text, exact), _general(text, exact, monkeypatch))


@pytest.mark.parametrize("seed", range(40))
def test_bulk_readers_give_the_general_readers_game(seed: int,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(seed)
    safe = seed % 2 == 0
    _agree(gf.write_nfg(random_nfg(rng, safe)), monkeypatch)
    _agree(gf.write_efg(random_tree(rng, safe)), monkeypatch)


TREE = ('EFG 2 R "t" { "A" "B" }\n""\n'
        'c "root" 1 "chance" { "l" 1/4 "r" 0.75 } 0\n'
        'p "" 1 1 "I" { "x" "y" } 1 "stage" { 1, -2 }\n'
        't "" 2 "end" { 3.5 4 }\nt "" 0\n'
        'p "" 2 1 "" { "u" "u" } 0\n'
        'p "" 1 1 0\nt "" 2\nt "" 3 "o" { +.5, -0.25 }\n'
        't "" 1 "stage" { 1, -2 }\n')


@pytest.mark.parametrize(("old", "new"), [
    ("", ""),  # stages, repeated outcomes and sets, empty and repeated labels
    ("1/4", "0.25"), ("0.75", "3/4"), ("3.5 4", "3.5,4"), ("{ 3.5 4 }", "{3.5 4}"),
    ('"I" { "x" "y" }', '"I"{"x" "y"}'), ("p \"\" 1 1 0", "p \"\" 1 01 0"),  # general reader's shape
    ("3.5 4", "1e400 4"), ("3.5 4", "3.5, 4, 5"), ("3.5 4", "3.5,, 4"), ("3.5 4", ", 3.5 4"),
    ("3.5 4", "3.5 4,"), ("3.5 4", "3.5"), ("0.75", "0.7"), ("1/4", "-1/4"), ("1/4", "1/0"),
    ("t \"\" 0", "t \"\" 9"), ("1 \"stage\" { 1, -2 }\nt", "1 \"stage\" { 1, -3 }\nt"),
    ("p \"\" 1 1 0", "p \"\" 1 2 0"), ("p \"\" 1 1 0", "p \"\" 3 1 0"), ("t \"\" 0", "t \"\" 0x"),
    ("t \"\" 0\n", ""), ('"l" 1/4', '"l\\"" 1/4'), ("3.5 4", "3.5 1.2.3"), ("3.5 4", "3.5 4e2"),
    ("t \"\" 2\n", "t \"\" 2\nt \"\" 2\n"),
])
def test_a_tree_file_and_its_variants_are_read_as_the_general_reader_reads_them(
        old: str, new: str, monkeypatch: pytest.MonkeyPatch) -> None:
    text = TREE.replace(old, new, 1)
    assert text != TREE or old == ""
    _agree(text, monkeypatch)


@pytest.mark.parametrize("body", [
    "1 2 3 4 5 6 7 8", "0.5 -1.25 +3 .5 5. 0 -0 7", "1/3 2 -1/6 0.5 1 1 1 1",
    "1 2 3 4 5 6 7", "1 2 3 4 5 6 7 8 9", "1 2 3 4 5 6 7 x", "1 2 3 4 5 6 7 --8", "1 2 3 4 5 6 7 8-",
    "1 2 3 4 5 6 7 1e400", "1 2 3 4 5 6 7 " + "9" * 30, "1,2 3 4 5 6 7 8", "1 2 3 4 5 6 7 1/0",
])
def test_payoff_version_nfg_bodies_are_read_as_the_general_reader_reads_them(
        body: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _agree(f'NFG 1 R "g" {{ "A" "B" }} {{ 2 2 }}\n""\n{body}\n', monkeypatch)


@pytest.mark.parametrize(("text", "line", "fragment"), BAD)
def test_malformed_files_get_the_general_readers_message(
        text: str, line: int, fragment: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _agree(text, monkeypatch)


@pytest.mark.parametrize("tokens", [
    ["1", "-2", "+3", "007"], ["1.5", "-.25", "5.", "+.5", "3"], ["1/3", "0.5", "-2", "+1/2"],
    ["0.1"] * 7, ["99999999999999999", "1"], ["0/5", "-0.0"], ["123.456", "0.000001"],
])
def test_read_numbers_is_exact(tokens: list[str]) -> None:
    read = read_numbers(tokens)
    assert read is not None
    numbers, den = read
    assert [Fraction(int(v), den) for v in numbers] == [Fraction(t) for t in tokens]
    assert list(as_fractions(read)) == [Fraction(t) for t in tokens]
    assert list(as_floats(read)) == [float(Fraction(t)) for t in tokens]


@pytest.mark.parametrize("seed", range(20))
def test_decimals_read_digit_by_digit_are_exact(seed: int) -> None:
    """Random integers and decimals (signs, leading zeros, bare dots at either end, up to 15
    places): read in bulk, they are the tokens' exact values, as text too."""
    rng = random.Random(seed)

    def token() -> str:
        whole = "".join(rng.choice("0123456789") for _ in range(rng.randint(0, 6)))
        part = "".join(rng.choice("0123456789") for _ in range(rng.randint(0, 8)))
        text = rng.choice(["", "-", "+"]) + whole + rng.choice([f".{part}", ""])
        return text if any(c.isdigit() for c in text) and text.count(".") <= 1 else "7"

    tokens = [token() for _ in range(rng.randint(1, 40))] + ["0.5"]
    read = read_numbers(tokens)
    assert read is not None
    numbers, den = read
    assert [Fraction(int(v), den) for v in numbers] == [Fraction(t) for t in tokens]
    text = read_number_text("  ".join(tokens), len(tokens))
    assert text is not None and text[1] == den and np.array_equal(text[0], numbers)


@pytest.mark.parametrize("tokens", [
    ["."], ["-"], ["1.2.3"], ["3-4"], ["--3"], ["+-3"], ["1_0"], ["inf"], ["\u0661"], ["-."],
    ["5", "-"], ["1/3/4"], ["1/+2"], ["1/0"], ["1e5"], ["0.0000000000000001"], ["1" * 19],
    ["123456789012.5", "0.000000000001"],  # exact, but beyond what floats carry in bulk
])
def test_read_numbers_refuses_what_it_cannot_read_exactly(tokens: list[str]) -> None:
    assert read_numbers(tokens) is None


@pytest.mark.parametrize("body", [
    "1 -2 +3 007", "1.5 -.25 5. +.5 3", "1\n2\t3\r\n4 \x0b5\x0c6  ", "  7 8", "0.1 " * 7,
    "99999999999999999 1", "0 -0.0", "123.456 0.000001", "", " \n ",
    ".", "-", "1.2.3", "3-4", "--3", "+-3", "1_0", "inf", "\u0661", "-.", "5 -", "1/3 1", "1e5",
    "0.0000000000000001", "1" * 19, "123456789012.5 0.000000000001", "1\x1c2", "1\xa02", "4 -\n5",
])
def test_numbers_read_from_the_text_are_the_tokens_numbers(body: str) -> None:
    """The text reader gives :func:`read_numbers` of the tokens, or steps aside (``None``)."""
    tokens = body.split()
    for count in (len(tokens), len(tokens) + 1):
        found = read_number_text(body, count)
        if found is None:
            continue
        expected = read_numbers(tokens)
        assert count == len(tokens) and expected is not None
        assert found[1] == expected[1] and found[0].dtype == expected[0].dtype
        assert np.array_equal(found[0], expected[0])
    assert (read_number_text(body, len(tokens)) is None) == (
        any(c in body for c in "/\x1c\xa0") or read_numbers(tokens) is None)


@pytest.mark.parametrize("seed", range(10))
def test_an_exact_game_read_in_bulk_carries_its_own_integer_payoffs(seed: int) -> None:
    game = gf.read_gambit(gf.write_nfg(random_nfg(random.Random(seed), seed % 2 == 0)), "g")
    assert isinstance(game, NormalFormGame)
    expected = scaled_integers(game.payoffs)
    assert (game.integer_payoffs is None) == (expected is None)
    if expected is not None:
        assert game.integer_payoffs.dtype == np.int64
        assert np.array_equal(game.integer_payoffs, expected)


# ---- the command line ----------------------------------------------------------------------------
_PROBE = ("import sys\nfrom alliance_games.cli import main\ncode = 0\n"
          "try:\n    main(sys.argv[1:])\nexcept SystemExit as exit:\n    code = exit.code\n"
          "print('sympy' in sys.modules, 'yaml' in sys.modules, code, file=sys.stderr)\n")


@pytest.mark.parametrize(("name", "args"), [
    ("g.nfg", ("--method", "pure")), ("g.nfg", ("--method", "enummixed")), ("g.nfg", ("--float",)),
    ("t.efg", ()), ("t.efg", ("--float",)), ("t.efg", ("--format", "json")),
])
def test_solving_a_gambit_file_never_loads_sympy_and_answers_as_the_symbolic_model_does(
        tmp_path: Path, name: str, args: tuple[str, ...], monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / name
    path.write_text(TREE if name.endswith(".efg") else
                    'NFG 1 R "g" { "A" "B" } { 2 2 }\n""\n3 3 0 5 5 0 1 1\n')
    done = subprocess.run([sys.executable, "-c", _PROBE, "solve", str(path), *args],
                          capture_output=True, text=True, check=False)
    assert done.stderr.split() == ["False", "False", "0"], done.stderr  # neither sympy nor yaml
    monkeypatch.setattr(solving, "read_game_file", lambda *args, **kwargs: None)
    code, out, _ = run("solve", str(path), *args)  # through load_model's symbolic model
    assert code == 0 and done.stdout == out
    if "json" in args:
        assert json.loads(out)["model"] == "t"


_LIGHT_PROBE = ("import sys\nfrom alliance_games.cli import main\ncode = 0\n"
                "try:\n    main(sys.argv[1:])\nexcept SystemExit as exit:\n    code = exit.code\n"
                "print(sorted({'sympy', 'scipy', 'gmpy2', 'yaml'} & set(sys.modules)), code, "
                "file=sys.stderr)\n")


@pytest.mark.parametrize(("shape", "method"), [((3, 3, 3), "pure"), ((6, 5), "enummixed")])
def test_exact_pure_and_enummixed_of_a_gambit_file_load_neither_scipy_nor_gmpy2(
        tmp_path: Path, shape: tuple[int, ...], method: str) -> None:
    """Issue 15: start-up is most of these commands; the exact enumeration needs no Qhull."""
    rng = np.random.default_rng(len(shape))
    game = NormalFormGame.from_arrays(*rng.integers(-3, 4, (len(shape), *shape)))
    path = tmp_path / "g.nfg"
    path.write_text(gf.write_nfg(game))
    done = subprocess.run([sys.executable, "-c", _LIGHT_PROBE, "solve", str(path), "--method",
                           method, "--format", "json"], capture_output=True, text=True, check=False)
    assert done.stderr.split() == ["[]", "0"], done.stderr
    code, out, _ = run("solve", str(path), "--method", method, "--format", "json")
    assert code == 0 and json.loads(done.stdout) == json.loads(out)


def test_a_gambit_file_with_set_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "g.nfg"
    path.write_text('NFG 1 R "g" { "A" "B" } { 1 1 }\n""\n1 2\n')
    code, _, err = run("solve", str(path), "--set", "p=1")
    assert code == 2
    assert "unknown parameter 'p' for model 'g' (valid parameters: none)" in err


def _arities(rng: random.Random) -> list[int]:
    """The numbers of children of a random tree's nodes, in pre-order."""
    out: list[int] = []
    open_slots = 1
    while open_slots:
        count = rng.choice([0, 0, 1, 2, 3]) if len(out) < 200 else 0
        out.append(count)
        open_slots += count - 1
    return out


@pytest.mark.parametrize("seed", range(30))
def test_parents_from_open_slots_are_the_stack_walks(seed: int,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The parents found by numpy passes over the open-slot depths are those of the stack walk
    used for deep trees, and each node's parent comes before it with a free child slot."""
    from alliance_games.model import gambit_tree_bulk as bulk

    arity = np.array(_arities(random.Random(seed)), dtype=np.int64)
    fast = bulk._parents(arity)
    monkeypatch.setattr(bulk, "PARENT_DEPTH", 0)
    walked = bulk._parents(arity)
    assert fast.tolist() == walked.tolist()
    assert fast[0] == -1 and all(0 <= p < k for k, p in enumerate(fast.tolist()) if k)
    assert np.bincount(fast[1:], minlength=arity.size).tolist() == arity.tolist()


def test_a_deep_tree_is_read_as_the_general_reader_reads_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A comb 150 levels deep (more open slots than the numpy passes take) and a list of nodes
    that is not one tree."""
    from alliance_games.games.tree import TreeBuilder

    builder = TreeBuilder(["A", "B"])
    node = builder.add_decision(-1, None, player=0, infoset="r", actions=["on", "off"])
    for depth in range(150):
        builder.add_terminal(node, "off", payoffs=[depth, -depth])
        node = builder.add_decision(node, "on", player=depth % 2, infoset=f"s{depth}",
                                    actions=["on", "off"])
    builder.add_terminal(node, "on", payoffs=[1, 1])
    builder.add_terminal(node, "off", payoffs=[0, 2])
    text = gf.write_efg(builder.build())
    _agree(text, monkeypatch)
    _agree(text + 't "" 0\n', monkeypatch)


PLAIN_NODES = re.compile(
    rb"(?:(?:pTWW(?:T\{T+\})?|cTW(?:T\{(?:TW)+\})?|tT)W(?:T\{W(?:,?W)*\})?)+")
"""The node grammar with every quantifier greedy (free to give back): the language
:data:`~alliance_games.model.gambit_tree_bulk.NODES_RE` matches with possessive ones."""
NODE_HEADS = (b"pTWW", b"pTWWT{TT}", b"pTWWT{T}", b"cTW", b"cTWT{TWTW}", b"tT")
NODE_TAILS = (b"W", b"WT{W,W}", b"WT{WW}", b"WT{W}", b"WT{W,W,W}")


@pytest.mark.parametrize("seed", range(40))
def test_the_possessive_node_grammar_matches_what_the_plain_one_matches(seed: int) -> None:
    """Token kinds of node lists, valid and mutated (a token dropped, doubled or replaced), are
    matched alike by the possessive grammar and the plain one."""
    from alliance_games.model.gambit_tree_bulk import NODES_RE

    rng = random.Random(seed)
    for _ in range(200):
        kinds = bytearray(b"".join(rng.choice(NODE_HEADS) + rng.choice(NODE_TAILS)
                                   for _ in range(rng.randint(0, 8))))
        for _ in range(rng.choice([0, 0, 1, 2])):
            at = rng.randrange(len(kinds) + 1)
            edit = rng.choice(["drop", "double", "replace", "insert"])
            token = rng.choice(b"ptcTW{},").to_bytes(1, "big")
            if edit == "drop":
                del kinds[at:at + 1]
            elif edit == "double":
                kinds[at:at] = kinds[at:at + 1]
            elif edit == "replace":
                kinds[at:at + 1] = token
            else:
                kinds[at:at] = token
        text = bytes(kinds)
        assert bool(NODES_RE.fullmatch(text)) == bool(PLAIN_NODES.fullmatch(text)), text
