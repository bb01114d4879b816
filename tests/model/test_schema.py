"""Model files: every bundled model loads and compiles; broken files fail at the right line."""

from __future__ import annotations

import textwrap
import uuid
from fractions import Fraction
from pathlib import Path

import pytest

from alliance_games.errors import (
    ExpressionError,
    GameError,
    ModelError,
    ParameterError,
)
from alliance_games.games.normal_form import NormalFormGame
from alliance_games.games.tree import GameTree
from alliance_games.model.catalog import load_model
from alliance_games.model.compile import compile_model
from tests.paths import DATA, ROOT

MODELS = ROOT / "models"
VALID = DATA / "valid"
MARK = "# <-"
"""Marks the line an error must point at in the broken texts below."""


def _model_files() -> list[Path]:
    # models/scenarios/ holds parameter presets, not models (the catalog skips it too).
    files = [*MODELS.rglob("*.yaml"), *MODELS.rglob("*.yml")]
    return sorted(p for p in files if "scenarios" not in p.relative_to(MODELS).parts)


def _tree(game: NormalFormGame | GameTree) -> GameTree:
    assert isinstance(game, GameTree)
    return game


# ---- every bundled and valid model -------------------------------------------------------------
@pytest.mark.parametrize(
    "path",
    [*_model_files(), *sorted(VALID.glob("*.yaml"))],
    ids=lambda p: p.relative_to(ROOT).as_posix(),
)
def test_model_loads_and_compiles_exactly(path: Path) -> None:
    model = load_model(path)
    assert model.title
    assert model.description, "bundled models describe their equilibria"
    for parameter in model.parameters:
        assert parameter.check(parameter.default) is None
    game = compile_model(model).at(exact=True)
    assert isinstance(game, NormalFormGame | GameTree)
    assert compile_model(model).at(exact=False) is not None


def test_bundled_models_cite_sources() -> None:
    for path in _model_files():
        assert load_model(path).source, f"{path} has no source"


def test_classic_models_are_bundled() -> None:
    names = {p.stem for p in (MODELS / "classic").glob("*.yaml")}
    assert {
        "prisoners_dilemma", "chicken", "stag_hunt", "battle_of_the_sexes", "matching_pennies",
        "three_player_coordination", "deterrence_uncertain_resolve", "entry_deterrence",
    } <= names


def test_prisoners_dilemma_defaults() -> None:
    model = load_model("prisoners_dilemma")
    assert {p.name: p.default for p in model.parameters} == {"T": 5, "R": 3, "P": 1, "S": 0}
    game = compile_model(model).at()
    assert isinstance(game, NormalFormGame)
    assert game.strategies == (("Cooperate", "Defect"), ("Cooperate", "Defect"))
    assert game.payoffs[0].tolist() == [[3, 0], [5, 1]]
    assert game.payoffs[1].tolist() == [[3, 5], [0, 1]]


def test_three_player_pure_equilibrium() -> None:
    game = compile_model(load_model("three_player_coordination")).at()
    assert isinstance(game, NormalFormGame)
    payoffs = game.payoffs
    pure = []
    for profile in [(i, j, k) for i in range(2) for j in range(2) for k in range(2)]:
        stable = True
        for player in range(3):
            for deviation in range(2):
                other = list(profile)
                other[player] = deviation
                if payoffs[(player, *other)] > payoffs[(player, *profile)]:
                    stable = False
        if stable:
            pure.append(tuple(game.strategies[n][s] for n, s in enumerate(profile)))
    assert pure == [("L1", "A2", "R2")]


def test_uncertain_resolve_tree() -> None:
    model = load_model("deterrence_uncertain_resolve")
    compiled = compile_model(model)
    tree = compiled.at()
    assert isinstance(tree, GameTree)
    leader = [s for s in tree.infosets if s.name == "leader_challenged"]
    assert len(leader) == 1 and len(leader[0].nodes) == 2
    assert leader[0].actions == ("Defend", "Abandon")
    assert {s.name for s in tree.infosets} == {
        "leader_challenged", "rival@Resolute", "rival@Irresolute",
    }
    assert list(tree.edge_prob[:2]) == [Fraction(1, 3), Fraction(2, 3)]
    assert list(_tree(compiled.at({"p_resolute": "1/2"})).edge_prob[:2]) == [Fraction(1, 2)] * 2


def test_worked_example_matches_docs() -> None:
    doc = (ROOT / "docs" / "reference" / "model-format.md").read_text(encoding="utf-8")
    example = (VALID / "alliance_crisis.yaml").read_text(encoding="utf-8")
    assert example.strip() in doc
    model = load_model(VALID / "alliance_crisis.yaml")
    assert model.policies == ("Firm", "Ambiguous")
    tree = compile_model(model).at({"war_cost": 4, "p_resolute": "1/3"})
    assert isinstance(tree, GameTree)
    names = {s.name for s in tree.infosets}
    assert names == {"leader@root", "rival@Firm/Resolute", "rival@Firm/Irresolute",
                     "defend_after_firm", "ally@Ambiguous"}


@pytest.mark.parametrize(
    ("old", "new"),
    [("Irresolute: 1 - p_resolute}", "Irresolute: 1 - p_resolute/2}"),
     ("leader: -war_cost,", "leader: -war_cots,")],
    ids=["chance sum", "misspelt name"],
)
def test_documented_errors_are_real(tmp_path: Path, old: str, new: str) -> None:
    doc = (ROOT / "docs" / "reference" / "model-format.md").read_text(encoding="utf-8")
    text = (VALID / "alliance_crisis.yaml").read_text(encoding="utf-8")
    assert old in text
    path = _write(tmp_path, text.replace(old, new), "my_crisis.yaml")
    with pytest.raises(ModelError) as info:
        load_model(path)
    shown = str(info.value).replace(str(path), "my_crisis.yaml")
    assert shown in doc


# ---- broken model texts ------------------------------------------------------------------------
HEAD = "title: T\nplayers: [a, b]\n"
NF = HEAD + "normal_form:\n  strategies: {a: [X, W], b: [Y, Z]}\n"
TREE = HEAD + "tree:\n"
LEAF = "tree: {payoffs: [1, 1]}\n"
LEAF1 = "tree: {payoffs: [1]}\n"

BROKEN: dict[str, tuple[str, str]] = {
    "unknown top-level field": (
        HEAD + "colour: red  # <-\n" + LEAF, "unknown field 'colour'"),
    "missing title": (
        "players: [a, b]  # <-\ntree: {player: a, actions: {X: [1, 1]}}\n",
        "missing required field 'title'"),
    "title not text": (
        "title: [T]  # <-\nplayers: [a]\n" + LEAF1, "expected text"),
    "duplicate key": (
        HEAD + "title: U  # <-\n" + LEAF, "duplicate key 'title' (first at line 1)"),
    "no game": (
        "title: T  # <-\nplayers: [a, b]\n", "exactly one of 'normal_form' or 'tree'"),
    "both games": (
        "title: T  # <-\nplayers: [a]\ntree: {payoffs: [1]}\nnormal_form: {strategies: {a: [X]}}\n",
        "exactly one of 'normal_form' or 'tree'"),
    "not a mapping": ("- a  # <-\n- b\n", "must be a mapping"),
    "players missing": ("title: T  # <-\n" + LEAF1, "'players' must be a non-empty list"),
    "duplicate player": (
        "title: T\nplayers:\n  - a\n  - a  # <-\n" + LEAF, "duplicate player 'a'"),
    "reserved player": (
        "title: T\nplayers: [a, chance]  # <-\n" + LEAF, "'chance' is reserved"),
    "bad player name": (
        "title: T\nplayers:\n  - a\n  - 2b  # <-\n" + LEAF, "'2b' is not a valid name"),
    "bad parameter name": (
        HEAD + "parameters:\n  - name: war-cost  # <-\n    default: 1\n" + LEAF,
        "parameter 'war-cost' is not a valid name"),
    "duplicate parameter": (
        HEAD + "parameters:\n  - {name: c, default: 1}\n  - {name: c, default: 2}  # <-\n"
        + LEAF, "duplicate parameter 'c'"),
    "unknown parameter field": (
        HEAD + "parameters:\n  - name: c\n    default: 1\n    step: 2  # <-\n" + LEAF,
        "unknown field 'step'"),
    "parameter without default": (
        HEAD + "parameters:\n  - name: c  # <-\n    range: [0, 1]\n" + LEAF,
        "parameter 'c' needs a default"),
    "default out of range": (
        HEAD + "parameters:\n  - name: p\n    default: 2  # <-\n    range: [0, 1]\n"
        + LEAF, "default p=2 is outside its range [0, 1]"),
    "default not among values": (
        HEAD + "parameters:\n  - name: n\n    default: 3  # <-\n    values: [1, 2]\n"
        + LEAF, "not one of the allowed values (1, 2)"),
    "empty range": (
        HEAD + "parameters:\n  - name: p\n    default: 1\n    range: [2, 0]  # <-\n"
        + LEAF, "is empty"),
    "irrational default": (
        HEAD + "parameters:\n  - name: p\n    default: sqrt(2)  # <-\n" + LEAF,
        "expected a rational number"),
    "unknown player in a node": (
        TREE + "  player: c  # <-\n  actions: {X: [1, 1]}\n", "unknown player 'c'"),
    "unknown node field": (
        TREE + "  player: a\n  moves: 2  # <-\n  actions: {X: [1, 1]}\n",
        "unknown field 'moves'"),
    "player and chance": (
        TREE + "  player: a\n  chance: {X: 1}  # <-\n  actions: {X: [1, 1]}\n",
        "either a player's or chance's"),
    "actions without mover": (
        TREE + "  label: L\n  actions: {X: [1, 1]}  # <-\n", "needs 'player' or 'chance'"),
    "empty actions": (TREE + "  player: a\n  actions: {}  # <-\n", "'actions' must map"),
    "payoff list of wrong length": (
        TREE + "  player: a\n  actions:\n    X: [1, 2, 3]  # <-\n    Y: [0, 0]\n",
        "expected 2 payoffs (one per player: a, b), got 3"),
    "payoffs field of wrong length": (
        TREE + "  player: a\n  actions:\n    X: {payoffs: [1]}  # <-\n    Y: [0, 0]\n",
        "expected 2 payoffs"),
    "unknown player in payoff mapping": (
        TREE + "  player: a\n  actions:\n    X: {payoffs: {a: 1, c: 2}}  # <-\n",
        "unknown player 'c'"),
    "terminal without payoffs": (
        TREE + "  player: a\n  actions:\n    X: {tags: [war]}  # <-\n    Y: [0, 0]\n",
        "a terminal node needs 'payoffs'"),
    "chance probabilities not summing to 1": (
        TREE + "  chance: {H: 1/2, T: 1/3}  # <-\n  actions: {H: [1, 1], T: [0, 0]}\n",
        "chance probabilities sum to 5/6, not 1"),
    "negative probability": (
        TREE + "  chance: {H: 3/2, T: -1/2}  # <-\n  actions: {H: [1, 1], T: [0, 0]}\n",
        "negative probability -1/2"),
    "chance keys differing from actions": (
        TREE + "  chance: {H: 1/2, T: 1/2}  # <-\n  actions: {H: [1, 1], X: [0, 0]}\n",
        "'chance' must map each action"),
    "chance keys in another order": (
        TREE + "  chance: {T: 1/2, H: 1/2}  # <-\n  actions: {H: [1, 1], T: [0, 0]}\n",
        "in the order of 'actions'"),
    "infoset reused with different actions": (
        TREE + "  player: a\n  actions:\n"
        "    L: {player: b, infoset: s, actions: {D: [1, 1], A: [0, 0]}}\n"
        "    R: {player: b, infoset: s, actions: {D: [1, 1], X: [0, 0]}}  # <-\n",
        "information set 's' is used with different players or actions"),
    "infoset reused by another player": (
        TREE + "  player: a\n  actions:\n"
        "    L: {player: b, infoset: s, actions: {D: [1, 1], A: [0, 0]}}\n"
        "    R: {player: a, infoset: s, actions: {D: [1, 1], A: [0, 0]}}  # <-\n",
        "different players or actions"),
    "imperfect recall": (
        "title: T\nplayers: [a, b]\ntree:\n  player: a  # <-\n  actions:\n"
        "    L: {player: a, infoset: s, actions: {X: [1, 1], Y: [0, 0]}}\n"
        "    R: {player: a, infoset: s, actions: {X: [1, 1], Y: [0, 0]}}\n",
        "perfect recall"),
    "action label with colon": (
        TREE + "  player: a\n  actions:\n    'X:1': [1, 1]  # <-\n", "may not contain"),
    "matrix with 3 players": (
        "title: T\nplayers: [a, b, c]\nnormal_form:\n  strategies: {a: [X], b: [Y], c: [Z]}\n"
        "  matrix: [[[1, 2, 3]]]  # <-\n", "the compact 'matrix' form is for two players"),
    "matrix row of wrong length": (
        NF + "  matrix:\n    - [[1, 1], [0, 0]]\n    - [[1, 1]]  # <-\n",
        "row 2 needs one cell per strategy of 'b' (2)"),
    "matrix with wrong row count": (
        NF + "  matrix: [[[1, 1], [0, 0]]]  # <-\n", "one row per strategy of 'a' (2)"),
    "no strategies for a player": (
        HEAD + "normal_form:\n  strategies: {a: [X]}  # <-\n  matrix: [[[1, 1]]]\n",
        "no strategies for player 'b'"),
    "strategies of an unknown player": (
        HEAD + "normal_form:\n  strategies: {a: [X], b: [Y], c: [Z]}  # <-\n"
        "  matrix: [[[1, 1]]]\n", "strategies given for unknown player 'c'"),
    "duplicate strategy": (
        HEAD + "normal_form:\n  strategies:\n    a: [X, X]  # <-\n    b: [Y]\n"
        "  matrix: [[[1, 1]], [[1, 1]]]\n", "duplicate strategy labels"),
    "matrix and payoffs": (
        HEAD + "normal_form:\n  strategies: {a: [X], b: [Y]}  # <-\n  matrix: []\n  payoffs: []\n",
        "either as 'matrix'"),
    "missing profile payoffs": (
        NF + "  payoffs:\n    - {profile: [X, Y], payoffs: [1, 1]}  # <-\n"
        "    - {profile: [X, Z], payoffs: [1, 1]}\n    - {profile: [W, Y], payoffs: [1, 1]}\n",
        "no payoffs for profile (W, Z) and 0 more"),
    "profile given twice": (
        NF + "  payoffs:\n    - {profile: [X, Y], payoffs: [1, 1]}\n"
        "    - {profile: [X, Y], payoffs: [1, 1]}  # <-\n", "given twice"),
    "unknown strategy in profile": (
        NF + "  payoffs:\n    - profile: [X, V]  # <-\n      payoffs: [1, 1]\n",
        "'V' is not a strategy of 'b' (strategies: Y, Z)"),
    "profile of wrong length": (
        NF + "  payoffs:\n    - {profile: [X], payoffs: [1, 1]}  # <-\n",
        "profile must name one strategy per player"),
    "entry without payoffs": (
        NF + "  payoffs:\n    - {profile: [X, Y]}  # <-\n", "entry needs 'payoffs'"),
    "bad tag (abandonment:nobody)": (
        TREE + "  player: a\n  actions:\n"
        "    X: {payoffs: [1, 1], tags: [abandonment:nobody]}  # <-\n",
        "tag 'abandonment:nobody' names no player (players: a, b)"),
    "bare abandonment tag": (
        TREE + "  player: a\n  actions:\n    X: {payoffs: [1, 1], tags: abandonment}  # <-\n",
        "names no player"),
    "malformed tag": (
        TREE + "  player: a\n  actions:\n    X: {payoffs: [1, 1], tags: ['war:a:b']}  # <-\n",
        "is not of the form kind or kind:name"),
    "bad tag in a profile": (
        NF + "  matrix: [[[1, 1], [0, 0]], [[0, 0], [1, 1]]]\n  tags:\n"
        "    - {profile: [X, Y], tags: [entrapment:c]}  # <-\n", "names no player"),
    "hostile expression in a payoff": (
        TREE + "  player: a\n  actions:\n"
        "    X: [\"__import__('os').system('touch /tmp/x')\", 0]  # <-\n",
        "only the listed functions may be called"),
    "undeclared name in a payoff": (
        TREE + "  player: a\n  actions:\n    X: {payoffs: [cots, 0]}  # <-\n",
        "unknown name 'cots' (declared parameters: none)"),
    "undeclared name in a subtree": (
        HEAD + "parameters: [{name: p, default: 1}]\nsubtrees:\n  end:\n    arguments: [k]\n"
        "    tree: {payoffs: [k * cots, p]}  # <-\ntree: {use: end, with: {k: 2}}\n",
        "unknown name 'cots' (declared parameters: p; arguments of this subtree: k)"),
    "hostile expression in a probability": (
        TREE + "  chance: {H: \"open('/tmp/x').read()\", T: 1/2}  # <-\n"
        "  actions: {H: [1, 1], T: [0, 0]}\n", "only the listed functions may be called"),
    "YAML syntax error": (
        HEAD + " normal_form: x  # <-\n", "YAML syntax error"),
    "YAML tab indentation": (
        TREE + "\tplayer: a  # <-\n", "YAML syntax error"),
    "YAML python tag": (
        "title: !!python/object/apply:os.system ['touch /tmp/x']  # <-\n", "YAML syntax error"),
    "policies naming an unknown action": (
        HEAD + "policies: [In, Retreat]  # <-\ntree:\n  player: a\n"
        "  actions: {In: [1, 1], Out: [0, 0]}\n",
        "policy 'Retreat' is not among the root's actions (In, Out)"),
    "policies naming an unknown strategy": (
        NF + "  matrix: [[[1, 1], [0, 0]], [[0, 0], [1, 1]]]\npolicies: [V]  # <-\n",
        "not among the strategies of 'a' (X, W)"),
    "policies under a chance root": (
        HEAD + "policies: [H]  # <-\ntree:\n  chance: {H: 1/2, T: 1/2}\n"
        "  actions: {H: [1, 1], T: [0, 0]}\n", "not among the root's actions"),
}


def _write(tmp_path: Path, text: str | bytes, name: str = "model.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("text", "phrase"), list(BROKEN.values()), ids=list(BROKEN))
def test_broken_model_points_at_line(tmp_path: Path, text: str, phrase: str) -> None:
    marked = [n for n, line in enumerate(text.splitlines(), start=1) if MARK in line]
    assert len(marked) == 1, "each broken text marks exactly one line"
    path = _write(tmp_path, text)
    with pytest.raises(ModelError) as info:
        load_model(path)
    err = info.value
    assert phrase in err.message
    assert err.line == marked[0], str(err)
    assert err.path == str(path)
    assert str(err).startswith(f"{path}:{marked[0]}: ")


def test_error_names_the_field_path(tmp_path: Path) -> None:
    text = TREE + "  player: a\n  actions:\n    X:\n      player: b\n      actions:\n" \
        "        Y: {payoffs: [1, bad_name]}\n"
    path = _write(tmp_path, text)
    with pytest.raises(ExpressionError) as info:
        load_model(path)
    assert info.value.field == "tree.actions.X.actions.Y.payoffs[1]"
    assert str(info.value).startswith(f"{path}:9: tree.actions.X.actions.Y.payoffs[1]: ")


def test_hostile_payoff_names_file_and_line(tmp_path: Path) -> None:
    target = Path("/tmp") / f"PWNED_{uuid.uuid4().hex}"
    text = textwrap.dedent(f"""\
        title: Hostile
        players: [a, b]
        normal_form:
          strategies: {{a: [X], b: [Y]}}
          matrix:
            - [["__import__('os').system('touch {target}')", 0]]
        """)
    path = _write(tmp_path, text)
    with pytest.raises(ExpressionError) as info:
        load_model(path)
    assert f"{path}:6:" in str(info.value)
    assert info.value.field == "normal_form.matrix[0][0][0]"
    assert not target.exists()


@pytest.mark.parametrize(
    ("content", "phrase"),
    [
        ("", "file is empty"),
        ("   \n\n", "file is empty"),
        (b"title: T\x00\nplayers: [a]\n", "binary file"),
        (b"title: \xff\xfe\n", "not UTF-8"),
    ],
    ids=["empty", "blank", "binary", "not utf-8"],
)
def test_unreadable_files(tmp_path: Path, content: str | bytes, phrase: str) -> None:
    path = _write(tmp_path, content)
    with pytest.raises(ModelError) as info:
        load_model(path)
    assert phrase in info.value.message
    assert info.value.path == str(path)
    assert info.value.line is None


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "absent.yaml"
    with pytest.raises(ModelError) as info:
        load_model(path)
    assert "file not found" in str(info.value)
    assert str(info.value).startswith(str(path))


def test_directory_is_not_a_model(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="is a directory"):
        load_model(tmp_path / "")


def test_unknown_bundled_name() -> None:
    with pytest.raises(ModelError, match="no bundled model named 'no_such_model'"):
        load_model("no_such_model")


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = _write(tmp_path, "\ufefftitle: T\nplayers: [a]\n" + LEAF1)
    assert load_model(path).title == "T"


# ---- parameters through compile_model(m).resolve -----------------------------------------------
@pytest.fixture(scope="module")
def resolve_model():  # type: ignore[no-untyped-def]
    return compile_model(load_model(VALID / "alliance_crisis.yaml"))


def test_resolve_defaults_and_overrides(resolve_model) -> None:  # type: ignore[no-untyped-def]
    assert resolve_model.resolve() == {"war_cost": 2, "p_resolute": Fraction(1, 4)}
    values = resolve_model.resolve({"war_cost": "1/3", "p_resolute": 0.1})
    assert values == {"war_cost": Fraction(1, 3), "p_resolute": Fraction(1, 10)}


@pytest.mark.parametrize(
    ("values", "phrase"),
    [
        ({"war_cots": 1}, "unknown parameter 'war_cots' for model 'alliance_crisis' "
                          "(valid parameters: war_cost, p_resolute)"),
        ({"p_resolute": 2}, "p_resolute=2 is outside its range [0, 1]"),
        ({"war_cost": "-1/2"}, "war_cost=-1/2 is outside its range [0, 10]"),
        ({"war_cost": "abc"}, "not a number: 'abc'"),
        ({"war_cost": "1/0"}, "not a number"),
        ({"war_cost": "nan"}, "not a number"),
        ({"war_cost": True}, "not a number"),
        ({"war_cost": None}, "not a number"),
        ({"war_cost": "__import__('os')"}, "not a number"),
        ({"war_cost": "1e-99999999"}, "out of range"),
    ],
)
def test_resolve_refuses(resolve_model, values: dict[str, object],  # type: ignore[no-untyped-def]
                         phrase: str) -> None:
    with pytest.raises(ParameterError) as info:
        resolve_model.resolve(values)
    assert phrase in str(info.value)


def test_discrete_parameter_values(tmp_path: Path) -> None:
    path = _write(tmp_path, HEAD + "parameters:\n  - {name: n, default: 1, values: [1, 2]}\n"
                  "tree: {payoffs: [n, 0]}\n")
    compiled = compile_model(load_model(path))
    assert _tree(compiled.at({"n": 2})).node_payoffs[0][0] == 2
    with pytest.raises(ParameterError, match="not one of the allowed values"):
        compiled.resolve({"n": 3})


def test_irrational_constant_needs_floats(tmp_path: Path) -> None:
    path = _write(tmp_path, HEAD + "tree: {payoffs: [sqrt(2), 1]}\n")
    compiled = compile_model(load_model(path))
    assert _tree(compiled.at(exact=False)).node_payoffs[0][0] == pytest.approx(2**0.5)
    with pytest.raises(GameError, match="not rational"):
        compiled.at(exact=True)


def test_probability_outside_unit_interval_at_evaluation(tmp_path: Path) -> None:
    path = _write(tmp_path, HEAD + "parameters:\n  - {name: q, default: 1/2}\n"
                  "tree:\n  chance: {H: q, T: 1 - q}\n  actions: {H: [1, 1], T: [0, 0]}\n")
    compiled = compile_model(load_model(path))
    assert list(_tree(compiled.at()).edge_prob) == [Fraction(1, 2)] * 2
    with pytest.raises(GameError, match="outside \\[0, 1\\]"):
        compiled.at({"q": 2})
