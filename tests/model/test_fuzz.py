"""Hypothesis fuzzing of the parsers: they refuse bad input with the project's own errors only.

Four targets, about 10,500 cases in all:

* the expression parser on arbitrary short strings (:func:`test_expression_parser_on_text`);
* the expression parser on random syntax trees rendered back to text, whitelisted nodes mixed with
  hostile ones (:func:`test_expression_parser_on_random_trees`);
* the YAML model loader on mutated bundled models (lines deleted, duplicated, swapped, characters
  flipped) and on generated YAML documents (:func:`test_yaml_loader_on_mutated_models`,
  :func:`test_yaml_loader_on_generated_documents`);
* the ``.nfg`` / ``.efg`` reader on token- and character-level mutations of valid files
  (:func:`test_gambit_reader_on_mutated_files`).

Every case must return normally or raise an :class:`~alliance_games.errors.AllianceGamesError`;
anything else fails. A per-case alarm (``signal.setitimer``) turns a hang into a failure, and an
audit hook fails the run if a case spawns a process or opens a file for writing. Inputs are kept
small so the whole file runs in well under three minutes on a busy two-core machine.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import sympy
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliance_games.errors import AllianceGamesError
from alliance_games.model.catalog import bundled_models, load_model
from alliance_games.model.expressions import parse_expression

pytestmark = [pytest.mark.fuzz, pytest.mark.filterwarnings("ignore::SyntaxWarning"),
              pytest.mark.filterwarnings("ignore:invalid escape sequence:DeprecationWarning")]

CASE_SECONDS = 20.0  # a case taking this long is a hang (typical cases take milliseconds)
FUZZ = settings(deadline=None, derandomize=False, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.filter_too_much])


# ---- guards ----------------------------------------------------------------------------------
class Hang(BaseException):
    """Raised by the alarm; a BaseException so the code under test cannot swallow it."""


_FORBIDDEN_EVENTS = ("os.system", "subprocess.Popen", "os.exec", "os.posix_spawn", "os.spawn",
                     "os.fork", "os.remove", "os.rename", "shutil.")
_guard = {"on": False, "events": []}


def _audit(event: str, args: tuple[object, ...]) -> None:
    if not _guard["on"]:
        return
    if event.startswith(_FORBIDDEN_EVENTS):
        _guard["events"].append(event)
    elif event == "open" and len(args) > 1 and isinstance(args[1], str) and \
            any(c in args[1] for c in "wax+"):
        _guard["events"].append(f"open {args[0]!r} {args[1]!r}")


sys.addaudithook(_audit)


def _alarm(signum: int, frame: object) -> None:
    raise Hang(f"a case took more than {CASE_SECONDS} s")


@contextlib.contextmanager
def guarded() -> Iterator[None]:
    """Bound one case in time and watch it for side effects."""
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, CASE_SECONDS)
    _guard["on"], _guard["events"] = True, []
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        _guard["on"] = False
    assert not _guard["events"], f"side effects: {_guard['events']}"


def only_own_errors(call, *args, **kwargs):  # type: ignore[no-untyped-def]
    """Run ``call``; an AllianceGamesError is fine, any other exception propagates (and fails)."""
    with guarded():
        try:
            return call(*args, **kwargs)
        except AllianceGamesError as exc:
            assert str(exc), "errors must say what is wrong"
            return exc


# ---- expressions -----------------------------------------------------------------------------
A, B = sympy.Symbol("a", real=True), sympy.Symbol("b", real=True)
NAMES = {"a": A, "b": B}

EXPRESSION_ALPHABET = "0123456789abxz+-*/%().,<>=!~&|^ _e[]{}:'\"\\@#lmdfinotrsqpgc\n\t"


@settings(FUZZ, max_examples=2500)
@given(st.one_of(st.text(max_size=40),
                 st.text(alphabet=EXPRESSION_ALPHABET, max_size=60)),
       st.booleans())
def test_expression_parser_on_text(text: str, conditions: bool) -> None:
    result = only_own_errors(parse_expression, text, NAMES, allow_conditions=conditions)
    if not isinstance(result, AllianceGamesError):
        assert isinstance(result, sympy.Basic)
        assert result.free_symbols <= {A, B}


_NUMBERS = st.one_of(
    st.integers(min_value=0, max_value=10**45).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=3,
                min_value=0, max_value=10**6).map(str),
    st.sampled_from(["0", "1", "2", "0.5", "1e3", "1e999", "9" * 50, "0x1f", "1_000", "1j"]),
)
_LEAVES = st.one_of(_NUMBERS, st.sampled_from(["a", "b", "a", "b", "z", "min", "True", "None",
                                               "'s'", "__import__", "os"]))
_ALLOWED_CALLS = ["min", "max", "abs", "sqrt", "exp", "log", "ifelse"]
_HOSTILE_CALLS = ["open", "eval", "exec", "__import__", "getattr", "print", "sum"]


def _compose(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    binary = st.tuples(children, st.sampled_from(["+", "-", "*", "/", "**", "//", "%", "@", "<<",
                                                  "&", "<", "<=", ">", ">=", "==", "!=", " and ",
                                                  " or ", " if a else "]), children)
    return st.one_of(
        binary.map(lambda t: f"({t[0]}{t[1]}{t[2]})"),
        st.tuples(st.sampled_from(["-", "+", "not ", "~"]), children).map(lambda t: t[0] + t[1]),
        st.tuples(st.sampled_from(_ALLOWED_CALLS + _HOSTILE_CALLS),
                  st.lists(children, min_size=0, max_size=4))
        .map(lambda t: f"{t[0]}({', '.join(t[1])})"),
        children.map(lambda c: f"{c}.__class__"),
        children.map(lambda c: f"{c}[0]"),
        children.map(lambda c: f"(lambda: {c})"),
        children.map(lambda c: f"[{c} for t in (1, 2)]"),
        children.map(lambda c: f"(t := {c})"),
        st.lists(children, min_size=2, max_size=3).map(lambda xs: f"({', '.join(xs)})"),
    )


EXPRESSION_TREES = st.recursive(_LEAVES, _compose, max_leaves=12)


@settings(FUZZ, max_examples=2500)
@given(EXPRESSION_TREES, st.booleans())
def test_expression_parser_on_random_trees(text: str, conditions: bool) -> None:
    result = only_own_errors(parse_expression, text, NAMES, allow_conditions=conditions)
    if not isinstance(result, AllianceGamesError):
        assert result.free_symbols <= {A, B}
        assert "__" not in text and "lambda" not in text and "open(" not in text


# ---- YAML models -----------------------------------------------------------------------------
# Small bundled models only: each load must take milliseconds for the case count to fit the budget.
SMALL_MODELS = [e.path.read_text() for e in bundled_models()
                if e.group == "classic" or e.name in ("rival_alignment", "snyder_alliance_dilemma")]
_WORK = Path(tempfile.mkdtemp(prefix="alliance-games-fuzz-"))
FLIPS = list(":-[]{},'\"#&*!|>%@` \t\n0123456789xyzp<>=()/.\x00\x7f\u00e9\ufeff")


@st.composite
def mutated_model(draw: st.DrawFn) -> str:
    lines = draw(st.sampled_from(SMALL_MODELS)).splitlines(keepends=True)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        if not lines:
            break
        kind = draw(st.sampled_from(["delete", "duplicate", "swap", "flip", "insert", "indent",
                                     "truncate"]))
        i = draw(st.integers(min_value=0, max_value=len(lines) - 1))
        if kind == "delete":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        elif kind == "swap":
            j = draw(st.integers(min_value=0, max_value=len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "flip" and lines[i]:
            k = draw(st.integers(min_value=0, max_value=len(lines[i]) - 1))
            lines[i] = lines[i][:k] + draw(st.sampled_from(FLIPS)) + lines[i][k + 1:]
        elif kind == "insert":
            lines.insert(i, draw(st.text(alphabet=FLIPS + list("abc_"), max_size=30)) + "\n")
        elif kind == "indent":
            lines[i] = draw(st.sampled_from(["  ", "    ", "\t", "- "])) + lines[i]
        else:
            lines = lines[:i]
    return "".join(lines)


def _load_text(text: str | bytes, suffix: str = ".yaml") -> object:
    path = _WORK / f"case{suffix}"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass"))
    return only_own_errors(load_model, path)


@settings(FUZZ, max_examples=2500)
@given(mutated_model())
def test_yaml_loader_on_mutated_models(text: str) -> None:
    _load_text(text)


_KEYS = st.sampled_from(["title", "players", "parameters", "name", "default", "range", "values",
                         "normal_form", "strategies", "matrix", "payoffs", "profile", "tags",
                         "tree", "player", "chance", "actions", "infoset", "use", "with",
                         "subtrees", "arguments", "measures", "policies", "a", "b", "x"])
_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.sampled_from(
    ["a", "b", "x", "1/2", "x + 1", "1 - x", "open('f')", "9**9**9", "${a}", "[1, 2]", "chance"]),
    st.text(max_size=8))
_DOCUMENTS = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(_KEYS, inner, max_size=5)),
    max_leaves=25,
)


@settings(FUZZ, max_examples=500)
@given(st.dictionaries(_KEYS, _DOCUMENTS, min_size=1, max_size=6))
def test_yaml_loader_on_generated_documents(document: dict[str, object]) -> None:
    _load_text(yaml.safe_dump(document, allow_unicode=True))


# ---- Gambit files ----------------------------------------------------------------------------
def _gambit_sources() -> list[str]:
    from alliance_games.model.compile import compile_model
    from alliance_games.model.gambit_format import write_efg, write_nfg

    sources = []
    for name in ("entry_deterrence", "deterrence_uncertain_resolve", "prisoners_dilemma",
                 "three_player_coordination", "matching_pennies"):
        game = compile_model(load_model(name)).at()
        sources.append(write_efg(game) if hasattr(game, "num_nodes") else write_nfg(game))
    sources.append('NFG 1 R "outcomes" { "a" "b" } { 2 2 }\n""\n'
                   '{ { "x" 1, 2 } { "y" 0 0 } }\n1 2 0 1\n')
    return sources


GAMBIT_SOURCES = _gambit_sources()
TOKENS = ["{", "}", '"', ",", '""', '"x"', "0", "1", "2", "-1", "1/0", "1/3", "0.5", "1e999999",
          "9" * 30, "p", "c", "t", "NFG", "EFG", "R", "D", "\n", '"\\"', "\x00", "999999999"]


@st.composite
def mutated_gambit(draw: st.DrawFn) -> str:
    tokens = draw(st.sampled_from(GAMBIT_SOURCES)).split(" ")
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        if not tokens:
            break
        kind = draw(st.sampled_from(["delete", "duplicate", "swap", "replace", "insert", "flip",
                                     "truncate"]))
        i = draw(st.integers(min_value=0, max_value=len(tokens) - 1))
        if kind == "delete":
            del tokens[i]
        elif kind == "duplicate":
            tokens.insert(i, tokens[i])
        elif kind == "swap":
            j = draw(st.integers(min_value=0, max_value=len(tokens) - 1))
            tokens[i], tokens[j] = tokens[j], tokens[i]
        elif kind == "replace":
            tokens[i] = draw(st.sampled_from(TOKENS))
        elif kind == "insert":
            tokens.insert(i, draw(st.sampled_from(TOKENS)))
        elif kind == "flip" and tokens[i]:
            k = draw(st.integers(min_value=0, max_value=len(tokens[i]) - 1))
            tokens[i] = tokens[i][:k] + draw(st.sampled_from(list('{}",.-/e0129 \n\\'))) + \
                tokens[i][k + 1:]
        else:
            tokens = tokens[:i]
    return " ".join(tokens)


@settings(FUZZ, max_examples=2500)
@given(mutated_gambit())
def test_gambit_reader_on_mutated_files(text: str) -> None:
    from alliance_games.model.gambit_format import read_gambit

    only_own_errors(read_gambit, text, "fuzz.efg")


def test_the_guards_catch_hangs_and_side_effects(tmp_path: Path) -> None:
    """The harness itself: a hang and a write are reported, not missed."""
    import time

    global CASE_SECONDS
    saved, CASE_SECONDS = CASE_SECONDS, 0.2
    try:
        with pytest.raises(Hang):
            only_own_errors(time.sleep, 5)
    finally:
        CASE_SECONDS = saved
    with pytest.raises(AssertionError, match="side effects"):
        only_own_errors(lambda: (tmp_path / "x").open("w").close())
    with pytest.raises(ZeroDivisionError):
        only_own_errors(lambda: 1 / 0)
