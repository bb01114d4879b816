"""The command line end to end: contracts (JSON keys), errors (exit 2, no traceback), stdin."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from alliance_games.cli import cli, main
from tests.paths import ROOT


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "alliance_games", *args], input=stdin,
                          capture_output=True, text=True, timeout=120)


def invoke(*args: str) -> tuple[int, str, str]:
    runner = CliRunner()
    result = runner.invoke(cli, list(args), terminal_width=120, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr if result.stderr_bytes else ""


def test_models_lists_the_bundled_classics() -> None:
    code, out, _ = invoke("models", "--format", "json")
    assert code == 0
    names = {m["name"] for m in json.loads(out)}
    assert {"entry_deterrence", "prisoners_dilemma"} <= names


def test_solve_json_contract_for_a_tree() -> None:
    code, out, _ = invoke("solve", "entry_deterrence", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert set(doc) >= {"model", "parameters", "method", "exact", "equilibria"}
    assert doc["method"] == "spe" and doc["exact"] is True
    assert doc["parameters"] == {"profit": "2"}
    [eq] = doc["equilibria"]
    assert set(eq) >= {"profile", "payoffs", "max_regret", "outcome_distribution"}
    assert eq["profile"]["entrant"] == {"entrant@root:In": "1", "entrant@root:Out": "0"}
    assert eq["profile"]["incumbent"]["incumbent@In:Accommodate"] == "1"
    assert eq["max_regret"] == "0"
    assert eq["outcome_distribution"]["In/Accommodate"] == "1"


def test_pure_method_on_the_tree_finds_the_non_credible_threat() -> None:
    code, out, _ = invoke("solve", "entry_deterrence", "--method", "pure", "--format", "json")
    assert code == 0
    profiles = [e["profile"]["incumbent"]["incumbent@In:Fight"]
                for e in json.loads(out)["equilibria"]]
    assert sorted(profiles) == ["0", "1"]


def test_float_runs_report_numbers_not_strings() -> None:
    code, out, _ = invoke("solve", "entry_deterrence", "--float", "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["exact"] is False
    assert doc["equilibria"][0]["payoffs"]["entrant"] == 1.0


def test_set_changes_parameters_and_is_echoed() -> None:
    code, out, _ = invoke("solve", "entry_deterrence", "--set", "profit=1/3", "--format", "json")
    assert code == 0
    assert json.loads(out)["parameters"] == {"profit": "1/3"}


def test_gambit_and_csv_formats() -> None:
    code, out, _ = invoke("solve", "entry_deterrence", "--format", "gambit")
    assert code == 0 and out == "NE,1,0,0,1\n"
    code, out, _ = invoke("solve", "entry_deterrence", "--format", "csv")
    assert code == 0
    assert out.splitlines()[0] == "equilibrium,player,strategy,probability,payoff,max_regret"


def test_show_json_lists_parameters_with_their_fields() -> None:
    code, out, _ = invoke("show", "entry_deterrence", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    [param] = doc["parameters"]
    assert set(param) >= {"name", "default", "range", "description", "latex"}
    assert doc["game"]["type"] == "tree"


def test_table_output_mentions_the_equilibrium() -> None:
    code, out, _ = invoke("solve", "entry_deterrence")
    assert code == 0
    assert "Accommodate" in out and "entry_deterrence" in out


@pytest.mark.parametrize(
    ("args", "phrase"),
    [
        (("solve", "no_such_model"), "no bundled model named 'no_such_model'"),
        (("solve", "entry_deterrence", "--set", "nope=1"), "valid parameters: profit"),
        (("solve", "entry_deterrence", "--set", "profit=x"), "not a number"),
        (("solve", "entry_deterrence", "--set", "profit=11"), "outside its range"),
        (("solve", "entry_deterrence", "--set", "profit"), "NAME=VALUE"),
        (("solve", "prisoners_dilemma", "--method", "spe"), "needs a game tree"),
        (("solve", "missing/file.yaml"), "file not found"),
    ],
)
def test_errors_are_one_line_exit_2_no_traceback(args: tuple[str, ...], phrase: str) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert phrase in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_model_from_stdin(root: Path) -> None:
    text = (root / "models" / "classic" / "entry_deterrence.yaml").read_text()
    result = run("solve", "-", "--format", "json", stdin=text)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["model"] == "stdin"


def test_broken_model_file_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: t\nplayers: [a, b]\ntree:\n  player: a\n  actions:\n"
                   "    X: [1, __import__('os')]\n    Y: [0, 0]\n")
    result = run("solve", str(bad))
    assert result.returncode == 2
    assert f"{bad}:6" in result.stderr
    assert "Traceback" not in result.stderr


def test_help_imports_no_heavy_module() -> None:
    code = ("import sys; from alliance_games.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('numpy', 'sympy', 'rich', 'yaml', 'nashpy') if m in sys.modules]\n"
            "print('HEAVY:' + ','.join(heavy))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0
    assert result.stdout.strip().splitlines()[-1] == "HEAVY:"


def test_main_exits_2_on_usage_errors() -> None:
    with pytest.raises(SystemExit) as info:
        main(["solve"])
    assert info.value.code == 2


NFG = '''NFG 1 R "2x2 deterrence" { "Leader" "Rival" }
{ { "Fight" "Yield" } { "Challenge" "Stay" } }
""
{
{ "war" -1, -2 }
{ "concede" 0, 1 }
{ "status quo" 1, 0 }
}
1 2 3 3
'''


def test_enummixed_on_an_nfg_file_reports_extreme_equilibria_with_file_labels(
        tmp_path: Path) -> None:
    path = tmp_path / "deterrence.nfg"
    path.write_text(NFG)
    result = run("solve", str(path), "--method", "enummixed", "--exact", "--format", "json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["method"] == "enummixed" and doc["exact"] is True and doc["complete"] is True
    profiles = [e["profile"] for e in doc["equilibria"]]
    assert all(set(p["Leader"]) == {"Fight", "Yield"} for p in profiles)
    assert {"Fight": "1/3", "Yield": "2/3"} in [p["Leader"] for p in profiles]
    assert len(profiles) == 3  # Gambit's enummixed finds the same three extreme equilibria
    assert all(e["max_regret"] == "0" for e in doc["equilibria"])


def test_auto_says_what_it_chose() -> None:
    code, out, _ = invoke("solve", "three_player_coordination")
    assert code == 0 and "method auto -> enumpoly" in out


# ---- the renderer dispatch -----------------------------------------------------------------------
def test_every_renderer_resolves_and_takes_the_result_then_keyword_options() -> None:
    import inspect

    from alliance_games.render.dispatch import RENDERERS, renderer

    for name, table in RENDERERS.items():
        for fmt in table:
            parameters = list(inspect.signature(renderer(name, fmt)).parameters.values())
            assert parameters[0].kind is inspect.Parameter.POSITIONAL_OR_KEYWORD, (name, fmt)
            assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in parameters[1:]), (name, fmt)


def test_every_result_type_in_the_table_names_one_class() -> None:
    import re

    from alliance_games.render.dispatch import RENDERERS

    package = ROOT / "alliance_games"
    source = "\n".join(p.read_text() for p in package.rglob("*.py"))
    for name in RENDERERS:
        assert len(re.findall(rf"^class {name}\b", source, flags=re.M)) == 1, name


def test_unknown_format_names_the_available_ones() -> None:
    from alliance_games.analysis.runs import instantiate
    from alliance_games.errors import ParameterError
    from alliance_games.render.dispatch import render

    with pytest.raises(ParameterError, match=r"Instance cannot be written as 'csv' \(formats: "
                                             r"table, json\)"):
        render(instantiate("prisoners_dilemma"), "csv")
    with pytest.raises(TypeError, match="no renderer for a int"):
        render(3, "json")


def test_deferred_options_are_computed_only_for_renderers_that_take_them() -> None:
    from alliance_games.analysis.runs import instantiate
    from alliance_games.render.dispatch import Deferred, render

    def fail() -> None:
        raise AssertionError("computed for a renderer that does not take it")

    text = render(instantiate("prisoners_dilemma"), "json", view=Deferred(fail), unused=1)
    assert isinstance(text, str) and json.loads(text)["model"] == "prisoners_dilemma"


def test_command_modules_import_no_heavy_module() -> None:
    code = ("import sys, importlib\n"
            "from alliance_games.cli import COMMANDS\n"
            "for module, _ in COMMANDS.values():\n    importlib.import_module(module)\n"
            "heavy = [m for m in ('numpy', 'sympy', 'rich', 'yaml') if m in sys.modules]\n"
            "print('HEAVY:' + ','.join(heavy))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "HEAVY:"


def test_export_writes_to_standard_output_without_o() -> None:
    """Issue 16: export insisted on -o; without it the document goes to standard output."""
    from tests.cli.entry import run

    code, out, _ = run("export", "prisoners_dilemma", "--to", "latex-table")
    assert code == 0 and "\\begin{" in out


def test_main_called_by_a_program_leaves_the_collector_alone() -> None:
    """``main(argv)`` from a program (tests, a notebook) keeps the caller's garbage-collector
    thresholds; only the process's own command (``argv`` None) relaxes them
    (:func:`alliance_games.analysis.collection.relax_for_process`)."""
    import gc

    from tests.cli.entry import run as invoke

    before = gc.get_threshold()
    assert invoke("--help")[0] == 0
    assert gc.get_threshold() == before
