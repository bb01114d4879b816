"""Read model text (YAML) into plain mappings that remember the line of every field.

``read_model_text`` returns :class:`Node` trees: :class:`LineDict` (a ``dict`` that also maps
each key to the 1-based line of its value) and :class:`LineList` (a ``list`` with the line of
each item). Schema validation uses those lines to point at the offending text.

Only YAML's safe subset is read (no tags, no object construction); duplicate keys, empty
files, binary files, files that are not regular (a FIFO, a device: refused before reading, so
nothing blocks) and files over :data:`MAX_FILE_BYTES` are refused. Text is parsed with libyaml
when PyYAML has it (several times faster) and, if that fails, again with the pure-Python parser,
whose error messages are the ones reported.
"""

from __future__ import annotations

from typing import Any

import yaml

from alliance_games.errors import ModelError, shown
from alliance_games.model.source import MAX_FILE_BYTES, STDIN, read_source

__all__ = ["MAX_FILE_BYTES", "STDIN", "LineDict", "LineList", "parse_yaml", "read_source"]


class LineDict(dict[str, Any]):
    """A mapping read from YAML; ``lines[key]`` is the line of the key's value."""

    def __init__(self, *args: Any, line: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.line = line
        self.lines: dict[str, int] = {}
        self.merged: set[str] = set()  # keys that came from a YAML merge (<<) and may be overridden

    def line_of(self, key: str) -> int:
        return self.lines.get(key, self.line)


class LineList(list[Any]):
    """A sequence read from YAML; ``lines[i]`` is the line of item ``i``."""

    def __init__(self, *args: Any, line: int = 0) -> None:
        super().__init__(*args)
        self.line = line
        self.lines: list[int] = []

    def line_of(self, index: int) -> int:
        return self.lines[index] if 0 <= index < len(self.lines) else self.line


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that builds :class:`LineDict` / :class:`LineList` with line numbers."""


class _FastLineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The same with libyaml's parser, when PyYAML was built with it."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    explicit = sum(1 for k, _ in node.value if k.tag != "tag:yaml.org,2002:merge")
    loader.flatten_mapping(node)
    merged = len(node.value) - explicit  # merged (<<) pairs come first; explicit keys override
    result = LineDict(line=node.start_mark.line + 1)
    for index, (key_node, value_node) in enumerate(node.value):
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float) or isinstance(key, bool):
            raise ModelError(
                f"mapping keys must be names, got {shown(key)}", line=key_node.start_mark.line + 1
            )
        key = str(key)
        if key in result and index >= merged and result.lines.get(key, -1) >= 0 and \
                key not in result.merged:
            raise ModelError(
                f"duplicate key {shown(key)} (first at line {result.lines[key]})",
                line=key_node.start_mark.line + 1,
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[key] = value_node.start_mark.line + 1
        if index < merged:
            result.merged.add(key)
        else:
            result.merged.discard(key)
    return result


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    result = LineList(line=node.start_mark.line + 1)
    for child in node.value:
        result.append(loader.construct_object(child, deep=True))
        result.lines.append(child.start_mark.line + 1)
    return result


for _loader in (_LineLoader, _FastLineLoader):
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def parse_yaml(text: str, path: str) -> LineDict:
    """Parse YAML model text into a :class:`LineDict` tree, with located errors."""
    try:
        data = yaml.load(text, Loader=_FastLineLoader)  # noqa: S506 - safe subset loader
    except Exception:  # whatever went wrong, the pure-Python parser says it as before
        data = _parse_slowly(text, path)
    return _check_top(data, path)


def _parse_slowly(text: str, path: str) -> Any:
    """Parse with the pure-Python loader, turning its errors into located model errors."""
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - safe subset loader
    except ModelError as exc:
        raise exc.located(path=path) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        column = f", column {mark.column + 1}" if mark else ""
        problem = exc.problem or exc.context or "invalid YAML"
        raise ModelError(f"YAML syntax error{column}: {problem}", path=path, line=line) from None
    except yaml.YAMLError as exc:
        raise ModelError(f"YAML error: {exc}", path=path) from None
    except RecursionError:
        raise ModelError("YAML is nested too deeply", path=path) from None


def _check_top(data: Any, path: str) -> LineDict:
    if not isinstance(data, LineDict):
        raise ModelError(
            "a model file must be a mapping with 'title', 'players' and a 'normal_form' "
            "or 'tree' section",
            path=path,
            line=1,
        )
    return data
