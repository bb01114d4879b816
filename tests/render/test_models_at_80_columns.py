"""``alliance-games models`` at 80 columns: every title wrapped, none cut with an ellipsis."""

from __future__ import annotations

import json

import pytest

from tests.cli.entry import run


def test_every_title_reads_back_whole_at_80_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    code, table, err = run("models")
    assert code == 0, err
    assert "\u2026" not in table, "a title was cut with an ellipsis"
    assert max(map(len, table.splitlines())) <= 80
    titles: dict[str, str] = {}
    name = ""
    for line in table.splitlines():
        if not line.startswith("\u2502"):
            continue
        cells = [c.strip() for c in line.split("\u2502")[1:-1]]
        name = cells[0] or name  # a row's continuation lines leave the name blank
        titles[name] = titles.get(name, "") + "".join(cells[-1].split())
    code, out, _ = run("models", "--format", "json")
    expected = {m["name"]: "".join(m["title"].split()) for m in json.loads(out)}
    assert titles == expected  # whole words and folded long ones, spaces aside
