"""The bad-input catalogue, end to end through the CLI: exact messages, exit 2, no traceback.

Every file in ``tests/data/bad/`` is a broken or hostile model; ``tests/data/bad/expected.yaml``
maps it to the one line ``alliance-games solve tests/data/bad/<file>`` must print on stderr (run
from the repository root, so the path in the message is the relative one). Cases that are not
tied to a file (a missing file, bad ``--set`` values) are listed in :data:`CLI_CASES`. Hostile
expressions are also run from a temporary copy whose expression targets a unique path, and the
test checks that nothing was created there. A request for a reduced normal form far over the size
limit must be refused quickly, with the estimate.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

from tests.paths import ROOT

REPO = ROOT
BAD = Path("tests") / "data" / "bad"
EXPECTED: dict[str, str] = yaml.safe_load((REPO / BAD / "expected.yaml").read_text())

CLI_CASES: dict[str, tuple[list[str], str]] = {
    "missing_file": (
        ["solve", "tests/data/bad/no_such_model.yaml"],
        "error: tests/data/bad/no_such_model.yaml: file not found (check the path or run "
        "'alliance-games models')",
    ),
    "missing_gambit_file": (
        ["solve", "tests/data/bad/no_such_game.efg"],
        "error: tests/data/bad/no_such_game.efg: file not found (check the path or run "
        "'alliance-games models')",
    ),
    "unknown_set_name": (
        ["solve", "prisoners_dilemma", "--set", "Z=1"],
        "error: unknown parameter 'Z' for model 'prisoners_dilemma' "
        "(valid parameters: T, R, P, S)",
    ),
    "unknown_set_name_on_a_file": (
        ["solve", "tests/data/valid/alliance_crisis.yaml", "--set", "nonsense=1"],
        "error: unknown parameter 'nonsense' for model 'alliance_crisis' "
        "(valid parameters: war_cost, p_resolute)",
    ),
    "non_numeric_set_value": (
        ["solve", "prisoners_dilemma", "--set", "T=abc"],
        "error: parameter T: not a number: 'abc' (write an integer, a decimal such as 0.25 or a "
        "fraction such as 1/3)",
    ),
    "repeated_set_name": (
        ["solve", "prisoners_dilemma", "--set", "T=5", "--set", "T=6"],
        "error: --set T is given twice (5 and 6); give it once",
    ),
    "set_value_without_equals": (
        ["solve", "prisoners_dilemma", "--set", "T"],
        "error: --set expects NAME=VALUE, got 'T'",
    ),
    "set_value_out_of_range": (
        ["solve", "prisoners_dilemma", "--set", "T=21"],
        "error: T=21 is outside its range [-20, 20]",
    ),
    "probability_out_of_range": (
        ["solve", "deterrence_uncertain_resolve", "--set", "p_resolute=3/2"],
        "error: p_resolute=3/2 is outside its range [0, 1]",
    ),
}


def run(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "alliance_games", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def catalogue_runs() -> dict[str, subprocess.CompletedProcess[str]]:
    """Every catalogue file through ``solve``, two at a time (the machine has two cores)."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {name: pool.submit(run, "solve", str(BAD / name)) for name in EXPECTED}
        return {name: future.result() for name, future in futures.items()}


def assert_refused(result: subprocess.CompletedProcess[str], message: str) -> None:
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 2, (result.returncode, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0] == message
    assert result.stdout == ""


def test_the_catalogue_lists_every_file_and_only_those() -> None:
    files = {p.name for p in (REPO / BAD).iterdir() if p.name != "expected.yaml"}
    assert files == set(EXPECTED)
    assert len(files) >= 20


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_catalogue_file_is_refused_with_its_message(
    name: str, catalogue_runs: dict[str, subprocess.CompletedProcess[str]]
) -> None:
    assert_refused(catalogue_runs[name], EXPECTED[name])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_catalogue_message_names_the_file_and_line(name: str) -> None:
    message = EXPECTED[name]
    assert message.startswith(f"error: {BAD / name}")
    if name not in ("empty.yaml", "binary.yaml"):  # no line to point at
        rest = message[len(f"error: {BAD / name}"):]
        assert rest[0] == ":" and rest[1:].split(":")[0].isdigit(), message


def test_yaml_syntax_error_gives_line_and_column() -> None:
    assert ":6: YAML syntax error, column 6:" in EXPECTED["yaml_syntax.yaml"]


def test_negative_probability_says_at_which_values() -> None:
    assert "is -1 at p=1" in EXPECTED["chance_negative.yaml"]


@pytest.mark.parametrize("case", sorted(CLI_CASES))
def test_cli_case_is_refused_with_its_message(case: str) -> None:
    args, message = CLI_CASES[case]
    assert_refused(run(*args), message)


# ---- hostile expressions: refused, and nothing happens --------------------------------------
HOSTILE = {
    "import_system": "__import__('os').system('touch {marker}')",
    "open_for_writing": "open('{marker}', 'w')",
    "attribute_chain": "x.__class__.__init__.__globals__['os'].system('touch {marker}')",
    "subscript": "[open('{marker}', 'w')][0]",
    "lambda": "(lambda: open('{marker}', 'w'))()",
    "comprehension": "[open('{marker}', 'w') for t in (1, 2)]",
    "walrus": "(f := open('{marker}', 'w'))",
    "eval": "eval(\"open('{marker}', 'w')\")",
    "exec_via_builtins": "__builtins__['exec'](\"open('{marker}', 'w')\")",
}

TEMPLATE = """title: Hostile
players: [a, b]
parameters:
  - name: x
    default: 1
    range: [0, 2]
normal_form:
  strategies:
    a: [U, D]
    b: [L, R]
  matrix:
    - [[1, 0], [0, x]]
    - [[0, 0], [{expression}, 1]]
"""


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_expression_is_refused_without_side_effect(name: str, tmp_path: Path) -> None:
    marker = tmp_path / f"pwned-{name}-{time.monotonic_ns()}"
    expression = HOSTILE[name].format(marker=marker)
    model = tmp_path / "hostile.yaml"
    model.write_text(TEMPLATE.format(expression=json.dumps(expression)))  # a YAML string
    result = run("solve", str(model))
    assert "Traceback" not in result.stderr
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith(f"error: {model}:13: normal_form.matrix[1][1][0]: ")
    assert "not allowed" in result.stderr
    assert not marker.exists()


def test_yaml_tags_cannot_construct_objects(tmp_path: Path) -> None:
    marker = tmp_path / f"pwned-tag-{time.monotonic_ns()}"
    model = tmp_path / "tagged.yaml"
    model.write_text(f'title: !!python/object/apply:os.system ["touch {marker}"]\n'
                     "players: [a]\n")
    result = run("solve", str(model))
    assert "Traceback" not in result.stderr
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith(f"error: {model}:1: ")
    assert not marker.exists()


# ---- resource limits ------------------------------------------------------------------------
def test_huge_reduced_normal_form_is_refused_quickly_with_the_estimate() -> None:
    start = time.monotonic()
    result = run("solve", "alliance_system_reduced", "--method", "pure")
    elapsed = time.monotonic() - start
    assert "Traceback" not in result.stderr
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    message = lines[0]
    assert message.startswith("error: the reduced normal form would have ")
    assert "profiles, over the limit of 2,000,000" in message
    assert "about 10^" in message and "--method spe" in message
    # Most of this is loading the 23,000-node tree (about 2 s on a busy two-core machine); the
    # refusal itself is checked on its own below.
    assert elapsed < 15, f"took {elapsed:.1f} s"


def test_the_size_estimate_comes_before_any_construction() -> None:
    from alliance_games.errors import SizeLimitError
    from alliance_games.games.reduce import reduced_normal_form
    from alliance_games.model.catalog import load_model
    from alliance_games.model.compile import compile_model

    tree = compile_model(load_model("alliance_system_reduced")).at()
    start = time.monotonic()
    with pytest.raises(SizeLimitError, match=r"about 10\^\d+ profiles"):
        reduced_normal_form(tree)
    assert time.monotonic() - start < 1.0
