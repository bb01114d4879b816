"""Scenario presets: named parameter sets for a model (``models/scenarios/NAME.yaml``).

A preset names the model it applies to, the case and region it describes, and parameter values;
``--scenario NAME`` applies them before any ``--set`` (which wins).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alliance_games.errors import ModelError, ParameterError, shown
from alliance_games.model.catalog import models_dir
from alliance_games.model.source import read_source


@dataclass(frozen=True)
class Scenario:
    """A named set of parameter values for one model."""

    name: str
    title: str
    model: str
    parameters: dict[str, Any] = field(default_factory=dict)
    region: str = ""
    description: str = ""
    source: str = ""


def scenarios_dir() -> Path:
    return models_dir() / "scenarios"


def available_scenarios() -> list[str]:
    return sorted(p.stem for p in scenarios_dir().glob("*.yaml"))


def load_scenario(name: str) -> Scenario:
    """Read the preset ``name`` (a bundled preset or a path to a preset file)."""
    path = Path(name)
    if not path.suffix:
        path = scenarios_dir() / f"{name}.yaml"
        if not path.exists():
            known = ", ".join(available_scenarios()) or "none"
            raise ParameterError(f"no scenario named {shown(name)} (scenarios: {known})")
    from alliance_games.model.loader import LineDict, parse_yaml  # yaml: only when a preset is read

    text, display = read_source(str(path))
    raw = parse_yaml(text, display)
    params = raw.get("parameters", LineDict())
    if not isinstance(params, dict) or "model" not in raw:
        raise ModelError("a scenario needs 'model' and a 'parameters' mapping", path=display,
                         line=raw.line)
    return Scenario(
        name=str(raw.get("name", path.stem)),
        title=str(raw.get("title", path.stem)),
        model=str(raw["model"]),
        parameters={str(k): v for k, v in params.items()},
        region=str(raw.get("region", "")),
        description=str(raw.get("description", "")).strip(),
        source=str(raw.get("source", "")).strip(),
    )


def scenario_values(model_name: str, scenario: str | None,
                    assignments: dict[str, Any]) -> dict[str, Any]:
    """Parameter values from a scenario (if any) overridden by explicit assignments."""
    if not scenario:
        return dict(assignments)
    preset = load_scenario(scenario)
    if preset.model != model_name:
        raise ParameterError(f"scenario {shown(preset.name)} is for model {shown(preset.model)}, "
                             f"not {shown(model_name)}")
    return {**preset.parameters, **assignments}
