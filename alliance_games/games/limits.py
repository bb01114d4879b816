"""Resource limits: the largest games the library builds before refusing, and how to raise them.

Every limit is checked on an *estimate* made before anything large is built (the node count
while a model's subtrees are expanded, the reduced normal form's profile count from the plan
counts). Defaults can be raised for one run with the command line's global options
(``alliance-games --max-nodes N --max-profiles N ...``), for a shell with the environment
variables ``ALLIANCE_GAMES_MAX_NODES`` / ``ALLIANCE_GAMES_MAX_PROFILES``, or in code with
:func:`configure`.
"""

from __future__ import annotations

import os

DEFAULTS = {"max_nodes": 1_000_000, "max_profiles": 2_000_000}
OPTIONS = {"max_nodes": "--max-nodes", "max_profiles": "--max-profiles"}
_configured: dict[str, int] = {}


def limit(name: str) -> int:
    """The current value of limit ``name`` (configured, else environment, else default)."""
    if name in _configured:
        return _configured[name]
    raw = os.environ.get(f"ALLIANCE_GAMES_{name.upper()}")
    if raw and raw.strip().isdigit() and int(raw) > 0:
        return int(raw)
    return DEFAULTS[name]


def configure(**values: int | None) -> None:
    """Set limits for this process (``None`` leaves a limit as it is)."""
    for name, value in values.items():
        if name not in DEFAULTS:
            raise KeyError(name)
        if value is not None:
            _configured[name] = int(value)


def how_to_raise(name: str) -> str:
    return (f"raise the limit with {OPTIONS[name]} N before the command (alliance-games "
            f"{OPTIONS[name]} N ...) or ALLIANCE_GAMES_{name.upper()}=N")
