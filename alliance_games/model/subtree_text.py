"""Which subtree arguments only name things, and the markers that stand for them.

The text of a subtree argument (``${arg}``) can shape the tree: the subtree a ``use`` names, a
player, an action label, a tag, the player of a payoff. Or it can only *name*: an information set
(``infoset:``) or a node ``label``, directly or through an argument of a subtree it is passed to
that only names too. Such *naming arguments* do not change what an instance expands to, only what
its nodes are called, so the tree reader expands an instance once for every value of them: it
writes a marker (:func:`marker`) where each naming argument's text goes and fills the markers in
when the instance, or a copy of it, is placed.

:func:`naming_arguments` finds them by a fixed point over the subtrees: an argument names only
unless its placeholder appears in a shaping field, or it is passed (``with:``) to an argument that
does not name only in some subtree the ``use`` may stand for (every subtree with an argument of
that name, when the ``use`` itself has placeholders).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from alliance_games.model.loader import LineDict

MARK = "\x00"
"""Opens and closes a marker; a model whose text contains it has no naming arguments."""
PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
NAMING_FIELDS = ("infoset", "label")


def marker(frame: int, argument: str) -> str:
    """The marker of ``argument`` in the subtree instance expanded as ``frame``."""
    return f"{MARK}{frame}:{argument}{MARK}"


def naming_arguments(subtrees: Mapping[str, tuple[Any, list[str]]],
                     tree: Any = None) -> dict[str, frozenset[str]]:
    """For every subtree, the arguments whose text only names (see the module docstring);
    ``tree``, the model's root node, is only searched for :data:`MARK`."""
    scans = {name: _Scan(body.get("tree") if isinstance(body, LineDict) else None)
             for name, (body, _) in subtrees.items()}
    if _Scan(tree).has_mark or any(scan.has_mark for scan in scans.values()):
        return {name: frozenset() for name in subtrees}
    naming = {name: set(args) - scans[name].shaping for name, (_, args) in subtrees.items()}
    changed = True
    while changed:
        changed = False
        for name, scan in scans.items():
            for argument, target, receiver in scan.passes:
                if argument not in naming[name]:
                    continue
                targets = [target] if target is not None else [
                    t for t, (_, args) in subtrees.items() if receiver in args]
                if not targets or not all(t in naming and receiver in naming[t] for t in targets):
                    naming[name].discard(argument)
                    changed = True
    return {name: frozenset(args) for name, args in naming.items()}


class _Scan:
    """The placeholders of one subtree body: in shaping fields, and passed on by ``with``."""

    def __init__(self, tree: Any) -> None:
        self.shaping: set[str] = set()
        self.passes: list[tuple[str, str | None, str]] = []  # (placeholder, subtree?, argument)
        self.has_mark = False
        self._node(tree)

    def _node(self, node: Any) -> None:
        if not isinstance(node, LineDict):
            self._shape(node)
            return
        use = node.get("use")
        target = str(use) if use is not None and "$" not in str(use) else None
        for key, value in node.items():
            self._shape(key)
            if key == "actions" and isinstance(value, LineDict):
                for label, child in value.items():
                    self._shape(label)
                    self._node(child)
            elif key in NAMING_FIELDS:
                self.has_mark = self.has_mark or any(MARK in s for s in _strings(value))
            elif key == "with" and isinstance(value, LineDict):
                for receiver, given in value.items():
                    self._shape(receiver)
                    text = str(given)
                    self.has_mark = self.has_mark or MARK in text
                    self.passes.extend((name, target, receiver)
                                       for name in PLACEHOLDER.findall(text))
            else:
                self._shape(value)

    def _shape(self, value: Any) -> None:
        for text in _strings(value):
            self.has_mark = self.has_mark or MARK in text
            self.shaping.update(PLACEHOLDER.findall(text))


def _strings(value: Any) -> Iterator[str]:
    """Every string in a YAML value, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, LineDict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
