"""The building blocks several subjects share, one or two per format.

* JSON: :func:`dumps` (indented, non-ASCII kept);
* CSV: :func:`csv_text` (a header and rows, ``\\n`` line ends);
* LaTeX: :func:`escape` (text mode) and :func:`wrap_document` (a minimal compilable document);
* terminal: :func:`run_header` (a run's title line and parameter values).

Numbers are written by :mod:`alliance_games.render.numbers`. ``json`` and ``csv`` are imported
by the functions that write them: a terminal table needs neither (start-up time).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from rich.console import Group, RenderableType
from rich.text import Text

WIDE = 1_000
"""Containers with more members than this are written on one line (module :func:`dumps`)."""


def dumps(document: Any) -> str:
    """``document`` as indented JSON (two spaces, non-ASCII kept), except that a list or an
    object with more than :data:`WIDE` members is written on one line, in compact form, by the
    C encoder: the same JSON value, with the top levels readable. Python's indenting encoder is
    pure Python (about 1 s per 10^6 numbers); a behaviour profile of a tree with 10^6 actions is
    one such object. A document without such containers is exactly ``json.dumps(document,
    indent=2, ensure_ascii=False)``."""
    out: list[str] = []
    _write(document, 0, out)
    return "".join(out)


def _write(value: Any, level: int, out: list[str]) -> None:
    """Append ``value`` as JSON at indentation ``level`` (see :func:`dumps`)."""
    import json

    if isinstance(value, dict) and 0 < len(value) <= WIDE and all(isinstance(k, str)
                                                                 for k in value):
        members: list[tuple[str | None, Any]] = list(value.items())
        brackets = "{}"
    elif isinstance(value, list | tuple) and 0 < len(value) <= WIDE:
        members = [(None, m) for m in value]
        brackets = "[]"
    elif isinstance(value, dict | list | tuple) and len(value) > WIDE:
        text = _text_map(value) if isinstance(value, dict) else None
        out.append(text if text is not None else
                   json.dumps(value, ensure_ascii=False, separators=(",", ":")))
        return
    else:  # a number, string, empty container or an object with non-string keys
        text = json.dumps(value, indent=2, ensure_ascii=False)
        out.append(text.replace("\n", "\n" + "  " * level) if level else text)
        return
    inner = "\n" + "  " * (level + 1)
    out.append(brackets[0])
    for i, (key, member) in enumerate(members):
        out.append(("," if i else "") + inner)
        if key is not None:
            out.append(json.dumps(key, ensure_ascii=False) + ": ")
        _write(member, level + 1, out)
    out.append("\n" + "  " * level + brackets[1])


def _text_map(value: dict[Any, Any]) -> str | None:
    """A compact JSON object of string keys and string values (a labelled profile of exact
    numbers), each string escaped by the C encoder's string function and the pairs joined at C
    speed: what ``json.dumps(value, separators=(",", ":"), ensure_ascii=False)`` writes, in a
    third of its time; ``None`` for any other object."""
    if not (set(map(type, value)) <= {str} and set(map(type, value.values())) <= {str}):
        return None
    import json
    quote = json.encoder.encode_basestring  # type: ignore[attr-defined]
    return "{" + ",".join(map("{}:{}".format, map(quote, value), map(quote, value.values()))) + "}"


def csv_text(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> str:
    """A tidy CSV table: the header line, then one line per row."""
    import csv

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "_": r"\_", "&": r"\&",
            "%": r"\%", "#": r"\#", "$": r"\$", "^": r"\^{}", "~": r"\~{}"}


def escape(text: str) -> str:
    """``text`` with LaTeX's special characters escaped (for text mode)."""
    return "".join(_SPECIAL.get(c, c) for c in text)


def wrap_document(body: str, packages: Sequence[str], *, cls: str = "article") -> str:
    """``body`` inside a minimal document loading ``packages`` (amsmath always)."""
    uses = "\n".join(rf"\usepackage{{{p}}}" for p in ("amsmath", *packages))
    options = "[border=5mm]" if cls == "standalone" else ""
    style = "" if cls == "standalone" else "\\pagestyle{empty}\n"
    return (f"\\documentclass{options}{{{cls}}}\n{uses}\n{style}\\begin{{document}}\n{body}"
            "\\end{document}\n")


def run_header(title: str, name: str, values: dict[str, Any],
               defaults: dict[str, Any] | None = None) -> RenderableType:
    """Title line and parameter values of a run (only those off their defaults, if given)."""
    head = Text.assemble((title, "bold"), f"  [{name}]")
    if not values:
        return head
    shown = {k: v for k, v in values.items() if defaults is None or defaults.get(k) != v}
    if defaults is not None and not shown:
        return Group(head, Text("Parameters: all at their defaults", style="dim"))
    text = ", ".join(f"{k}={v}" for k, v in shown.items())
    suffix = " (others at their defaults)" if defaults is not None else ""
    return Group(head, Text(f"Parameters: {text}{suffix}"))
