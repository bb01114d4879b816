"""Propositions P7-P9: rival alignment, allies' bargaining power, and the ally typology."""

from __future__ import annotations

from typing import Any

from alliance_games.analysis.propositions import PropositionResult


def checks(flagship: Any) -> list[PropositionResult]:
    return []
