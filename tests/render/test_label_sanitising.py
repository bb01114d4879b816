"""Labels from the user's files reach the terminal escaped, and JSON verbatim (issue 17)."""

from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from alliance_games.render.sanitize import clean, clean_text, terminal_safe
from tests.cli.entry import run

ESC, CSI_CLEAR, OSC_TITLE = "\x1b", "\x1b[2J", "\x1b]0;pwned\x07"
NFG = ('NFG 1 R "t\x1b]0;pwned\x07" { "A\x1b[2J" "B" }\n'
       '{ { "x\x1b[31m" "y" } { "u" "v\u202e" } }\n""\n1 1 0 0 0 0 1 1\n')
YAML = """title: "\\e]0;pwned\\a title"
players: [a, b]
normal_form:
  strategies: {a: ["x\\e[2J", y], b: [u, v]}
  matrix:
    - [[1, 1], [0, 0]]
    - [[0, 0], [1, 1]]
"""


def test_clean_escapes_controls_and_keeps_ordinary_text() -> None:
    assert clean("plain \u00e9 label") == "plain \u00e9 label"
    assert clean(CSI_CLEAR) == "\\x1b[2J"
    assert clean("a\x9bb\u202ec\ud800") == "a\\x9bb\\u202ec\\ud800"
    assert clean("two\nlines\tand a tab") == "two\nlines\tand a tab"


def test_clean_text_keeps_the_styles_around_an_escaped_character() -> None:
    text = Text.assemble(("red", "red"), (f"x{ESC}y", "bold"))
    cleaned = clean_text(text)
    assert cleaned.plain == "redx\\x1by"
    style_of = [{str(s.style) for s in cleaned.spans if s.start <= k < s.end}
                for k in range(len(cleaned.plain))]
    assert style_of == [{"red"}] * 3 + [{"bold"}] * len("x\\x1by")


def test_terminal_safe_reaches_tables_groups_and_titles() -> None:
    table = Table(title=f"t{ESC}", caption=Text(f"c{ESC}"))
    table.add_column(f"h{ESC}")
    table.add_row(f"cell{CSI_CLEAR}")
    console = Console(record=True, width=80, file=None, force_terminal=False)
    with console.capture() as captured:
        console.print(terminal_safe(Group(Text(OSC_TITLE), table)))
    out = captured.get()
    assert ESC not in out and "\x07" not in out
    for shown in ("t\\x1b", "c\\x1b", "h\\x1b", "cell\\x1b[2J", "\\x1b]0;pwned"):
        assert shown in out


def test_gambit_labels_are_escaped_in_the_table_and_verbatim_in_json(tmp_path: Path) -> None:
    path = tmp_path / "hostile.nfg"
    path.write_text(NFG, encoding="utf-8")
    for command in ("show", "solve"):
        code, out, err = run(command, str(path))
        assert code == 0, err
        assert ESC not in out and "\u202e" not in out
        assert "A\\x1b[2J" in out and "x\\x1b[31m" in out
    code, out, err = run("show", str(path), "--format", "json")
    assert code == 0, err
    document = json.loads(out)
    assert document["players"][0] == "A\x1b[2J"
    assert document["title"] == "t\x1b]0;pwned\x07"
    assert document["game"]["strategies"]["A\x1b[2J"] == ["x\x1b[31m", "y"]
    assert document["game"]["strategies"]["B"] == ["u", "v\u202e"]


def test_yaml_labels_are_escaped_in_the_table(tmp_path: Path) -> None:
    path = tmp_path / "hostile.yaml"
    path.write_text(YAML)
    code, out, err = run("solve", str(path))
    assert code == 0, err
    assert ESC not in out
    assert "\\x1b]0;pwned" in out and "x\\x1b[2J" in out
    code, out, err = run("solve", str(path), "--format", "json")
    assert code == 0 and "x\\u001b[2J" in out  # JSON escapes the control character itself
