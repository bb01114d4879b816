"""How often a claim holds where another holds: the conditional share over a design's points.

For claims ``A`` (the premise) and ``B`` evaluated at the same ``N`` points, the share of ``B``
given ``A`` is ``#{i : A_i and B_i} / #{i : A_i}``, the empirical ``P(B | A)`` under the design's
distribution. Points that could not be evaluated (``None`` outcomes) hold no claim, so they drop
out of the premise's points. It answers "does the claim hold *where its premise does*": a claim
about the way out of a dilemma (connection keeps the system reliable) read over the points where
the dilemma exists, beside its share over the whole design.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from alliance_games.errors import ParameterError


@dataclass(frozen=True)
class ConditionalShare:
    """``holds`` of the ``n`` points where ``premise`` holds."""

    premise: str
    n: int
    holds: int

    @property
    def share(self) -> float | None:
        """``holds / n``; ``None`` when the premise holds nowhere (no points to read)."""
        return self.holds / self.n if self.n else None

    def to_dict(self) -> dict[str, Any]:
        share = self.share
        return {"claim": self.premise, "n": self.n,
                "share": None if share is None else round(share, 4)}


def conditional_shares(outcomes: Sequence[Mapping[str, bool] | None], premise: str
                       ) -> dict[str, ConditionalShare]:
    """Every other claim's share over the points where ``premise`` holds (claims in the order
    of the first evaluated point); a premise no point knows is refused."""
    evaluated = [o for o in outcomes if o is not None]
    claims = list(evaluated[0]) if evaluated else []
    if evaluated and premise not in claims:
        raise ParameterError(f"no claim {premise!r} to condition on (claims: "
                             f"{', '.join(claims)})")
    where = [o for o in evaluated if o.get(premise, False)]
    return {claim: ConditionalShare(premise, len(where), sum(bool(o.get(claim, False))
                                                             for o in where))
            for claim in claims if claim != premise}
