"""The JSON writer: indented like ``json.dumps(indent=2)`` where containers are small, one
compact line for a container of more than ``WIDE`` members, the same JSON value always."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from alliance_games.render.formats import WIDE, dumps

SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(
    max_size=8)
KEYS = st.text(max_size=6) | st.integers(-5, 5) | st.booleans() | st.none()
DOCUMENTS = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner)
    | st.dictionaries(KEYS, inner, max_size=4), max_leaves=30)


@settings(max_examples=300, deadline=None)
@given(DOCUMENTS)
def test_small_documents_are_exactly_the_indented_encoding(document: object) -> None:
    assert dumps(document) == json.dumps(document, indent=2, ensure_ascii=False)


def test_a_wide_container_is_one_compact_line_inside_an_indented_document() -> None:
    wide = {f"b@c{i}:m": str(i % 2) for i in range(WIDE + 1)}
    document = {"count": 1, "equilibria": [{"profile": {"b": wide, "a": {"x": "1"}},
                                            "payoffs": {"a": "0", "b": "0"}}],
                "long": list(range(WIDE + 5)), "ünï": "ö"}
    text = dumps(document)
    assert json.loads(text) == json.loads(json.dumps(document))
    lines = text.splitlines()
    assert lines[0] == "{" and lines[1] == '  "count": 1,'
    assert any(line.startswith('        "b": {"b@c0:m":"0","b@c1:m":"1",') for line in lines)
    assert '  "long": [0,1,2,' in text and '"ünï": "ö"' in text
    assert len(lines) < 30  # the wide members are not one per line


def test_the_edge_of_wide_is_still_indented() -> None:
    at_edge = list(range(WIDE))
    assert dumps(at_edge) == json.dumps(at_edge, indent=2)
    assert "\n" not in dumps(list(range(WIDE + 1)))


def test_a_wide_object_of_strings_is_written_as_the_c_encoder_writes_it() -> None:
    """Wide objects of string keys and values take a faster path; the text is json.dumps's
    compact text, escapes and non-ASCII included, and other wide objects are unchanged."""
    strings = {f"k{i}:é\"\\\n\t\u2028": ("1/3" if i % 2 else "ü") for i in range(WIDE + 3)}
    mixed = {f"k{i}": (i if i % 2 else "0") for i in range(WIDE + 3)}
    numbers = {f"k{i}": 0.1 * i for i in range(WIDE + 3)}
    for wide in (strings, mixed, numbers):
        assert dumps(wide) == json.dumps(wide, ensure_ascii=False, separators=(",", ":"))
