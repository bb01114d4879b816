"""Comparative statics over parameter grids, vectorised across grid points.

For a tree model with policies, every grid point needs the subgame-perfect equilibrium after each
policy and the risks it implies. Instead of one solve per point, the whole grid is done in a few
array passes per tree level:

1. the model's payoffs and probabilities are evaluated for all points at once (the compiled
   model's numpy function takes arrays);
2. backward induction runs level by level with the grid as the leading axis: a decision node's
   value is its best child's for the mover (``argmax`` over the node's edges, per point), a chance
   node's the probability-weighted sum;
3. realization probabilities follow the chosen edges (every policy's subgame starting with
   probability 1), and a tag's probability under a policy is the mass of the policy's terminals
   whose path carries the tag.

Points where some mover's two best options are within ``tol`` of each other (near-ties) are
re-solved exactly one by one (:func:`alliance_games.analysis.policies.compare_policies`), since a
tie can mean several equilibria. Work is done in chunks of points to bound memory.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from alliance_games.analysis.reliability import RISK_KINDS
from alliance_games.errors import ParameterError, SolverError
from alliance_games.games.tree import CHANCE, DECISION, GameTree
from alliance_games.model.compile import CompiledModel, parse_value
from alliance_games.model.symbolic import SymbolicTree
from alliance_games.solvers.backward_induction import edge_segments

COST = "leader_cost"
MAX_POINTS = 1_000_000


@dataclass(frozen=True)
class PolicyPoint:
    """One policy at one grid point."""

    policy: str
    risks: dict[str, dict[str, float]]
    leader_cost: float | None
    reliable: bool
    verdict: str


@dataclass(frozen=True)
class SweepPoint:
    values: dict[str, float]
    policies: tuple[PolicyPoint, ...]
    leader_choice: str
    exact_fallback: bool = False


@dataclass(frozen=True)
class SweepResult:
    model: str
    axes: tuple[tuple[str, np.ndarray], ...]
    fixed: dict[str, Any]
    tolerances: dict[str, Any]
    points: tuple[SweepPoint, ...]


def parse_axis(spec: str) -> tuple[str, np.ndarray]:
    """``"pooling=0:1:41"`` -> ("pooling", 41 evenly spaced values); ``"x=0.1,0.5"`` -> a list."""
    name, sep, rng = spec.partition("=")
    if not sep or not name.strip():
        raise ParameterError(f"--param expects NAME=START:STOP:STEPS or NAME=V1,V2,..., got {spec!r}")
    name = name.strip()
    if ":" in rng:
        parts = rng.split(":")
        if len(parts) != 3:
            raise ParameterError(f"--param {name}: expected START:STOP:STEPS, got {rng!r}")
        start, stop = (float(parse_value(p)) for p in parts[:2])
        try:
            steps = int(parts[2])
        except ValueError:
            raise ParameterError(f"--param {name}: STEPS must be a whole number, got "
                                 f"{parts[2]!r}") from None
        if steps < 1 or steps > MAX_POINTS:
            raise ParameterError(f"--param {name}: STEPS must lie between 1 and {MAX_POINTS}")
        return name, np.linspace(start, stop, steps)
    values = [float(parse_value(v)) for v in rng.split(",") if v.strip()]
    if not values:
        raise ParameterError(f"--param {name}: no values given")
    return name, np.array(values)


def sweep(compiled: CompiledModel, axes: Sequence[tuple[str, np.ndarray]],
          fixed: Mapping[str, Any] | None = None, *, tolerances: Mapping[str, Any],
          chunk: int = 256, tol: float = 1e-9,
          progress: Callable[[int], None] | None = None) -> SweepResult:
    """Risks, cost and verdict of every policy at every point of the grid spanned by ``axes``."""
    model = compiled.model
    if not isinstance(model.game, SymbolicTree) or not model.policies:
        raise SolverError(f"model {model.name!r} has no policies on a game tree; sweep compares "
                          "the policies of such a model")
    names = [n for n, _ in axes]
    for name in names:
        parameter = model.parameter(name)
        if parameter is None:
            valid = ", ".join(p.name for p in model.parameters)
            raise ParameterError(f"unknown parameter {name!r} (valid parameters: {valid})")
    base = compiled.resolve(fixed)
    for name, values in axes:  # every grid value must be admissible
        for v in (values.min(), values.max()):
            problem = model.parameter(name).check(Fraction(str(v)))  # type: ignore[union-attr]
            if problem and model.parameter(name).values is None:  # type: ignore[union-attr]
                raise ParameterError(problem)
    mesh = np.meshgrid(*[v for _, v in axes], indexing="ij")
    grid = {name: m.ravel() for name, m in zip(names, mesh, strict=True)}
    count = int(mesh[0].size)
    if count > MAX_POINTS:
        raise ParameterError(f"the grid has {count:,} points, over the limit of {MAX_POINTS:,}")
    tree = model.game.skeleton
    plan = _Plan(tree, model.policies)
    points: list[SweepPoint] = []
    for start in range(0, count, chunk):
        stop = min(start + chunk, count)
        args = [grid[p.name][start:stop] if p.name in grid else float(base[p.name])
                for p in model.parameters]
        numbers = compiled.float_values(args, stop - start)
        points.extend(plan.solve_chunk(numbers, {n: grid[n][start:stop] for n in names},
                                       tolerances, tol, compiled, base))
        if progress is not None:
            progress(stop - start)
    return SweepResult(model.name, tuple(axes), dict(fixed or {}), dict(tolerances),
                       tuple(points))


class _Plan:
    """Index arrays of the tree, computed once per sweep."""

    def __init__(self, tree: GameTree, policies: Sequence[str]) -> None:
        self.tree = tree
        self.policies = tuple(policies)
        self.n = tree.num_nodes
        self.players = tree.players
        owners = np.array([s.player for s in tree.infosets] + [-1], dtype=np.int64)
        self.mover = owners[tree.node_infoset]
        self.levels = []
        for level in reversed(tree.levels):
            dec = level[tree.kind[level] == DECISION]
            cha = level[tree.kind[level] == CHANCE]
            self.levels.append((dec, *edge_segments(tree, dec), cha, *edge_segments(tree, cha)))
        self.forward = tree.levels[1:]
        root_children = tree.children(0)
        actions = tree.actions(0)
        self.policy_child = {p: int(root_children[actions.index(p)]) for p in self.policies}
        masks = tree.path_tags
        bits = {t: 1 << k for k, t in enumerate(tree.tag_names)}
        self.risk_keys = [(p, k) for p in self.players for k in RISK_KINDS]
        terminals = tree.terminals
        self.policy_terminals = {}
        for p, child in self.policy_child.items():
            lo, hi = child, int(tree.subtree_end[child])
            inside = terminals[(terminals >= lo) & (terminals < hi)]
            tagged = np.zeros((len(inside), len(self.risk_keys)))
            for j, (player, kind) in enumerate(self.risk_keys):
                bit = bits.get(f"{kind}:{player}")
                if bit:
                    tagged[:, j] = [bool(masks[t] & bit) for t in inside]
            self.policy_terminals[p] = (inside, tagged)
        self.policy_nodes = {p: (c, int(tree.subtree_end[c])) for p, c in self.policy_child.items()}

    def solve_chunk(self, numbers: np.ndarray, grid: dict[str, np.ndarray],
                    tolerances: Mapping[str, Any], tol: float, compiled: CompiledModel,
                    base: Mapping[str, Any]) -> list[SweepPoint]:
        tree, n, nplayers = self.tree, self.n, len(self.players)
        size = numbers.shape[0]
        payoffs = numbers[:, : n * nplayers].reshape(size, n, nplayers)
        n_edges = len(tree.child_index)
        probs = numbers[:, n * nplayers : n * nplayers + n_edges]
        measure_names = sorted(compiled.model.game.measure_exprs)  # type: ignore[union-attr]
        measures = {}
        offset = n * nplayers + n_edges
        for name in measure_names:
            measures[name] = numbers[:, offset : offset + n]
            offset += n
        values = payoffs.copy()
        choice = np.full((size, n), -1, dtype=np.int64)
        near_tie = np.zeros(size, dtype=bool)
        scale = np.maximum(np.ptp(payoffs.reshape(size, -1), axis=1), 1e-300)
        rows = np.arange(size)[:, None]
        for dec, edges, offsets, cha, cedges, coffsets in self.levels:
            if dec.size:
                counts = np.diff(np.append(offsets, edges.size))
                owner = np.repeat(self.mover[dec], counts)
                scores = values[:, tree.child_index[edges], owner]  # (size, E)
                best = np.maximum.reduceat(scores, offsets, axis=1)
                best_rep = np.repeat(best, counts, axis=1)
                is_best = scores >= best_rep - tol * scale[:, None]
                near_tie |= np.add.reduceat(is_best.astype(np.int64), offsets, axis=1).max(
                    axis=1) > 1
                exact_best = scores == best_rep
                marked = np.where(exact_best, edges[None, :], np.iinfo(np.int64).max)
                first = np.minimum.reduceat(marked, offsets, axis=1)  # (size, D)
                choice[:, dec] = first
                values[:, dec] += values[rows, tree.child_index[first]]
            if cha.size:
                weighted = values[:, tree.child_index[cedges]] * probs[:, cedges, None]
                values[:, cha] += np.add.reduceat(weighted, coffsets, axis=1)
        # realization: chance probabilities and chosen edges; every policy starts at 1
        weights = probs.copy()
        decision_edges = np.flatnonzero(tree.kind[tree.edge_parent] == DECISION)
        weights[:, decision_edges] = 0.0
        chosen = choice[:, tree.kind == DECISION]
        weights[rows, chosen] = 1.0
        weights[:, tree.child_ptr[0] : tree.child_ptr[1]] = 1.0
        reach = np.ones((size, n))
        for level in self.forward:
            reach[:, level] = reach[:, tree.parent[level]] * weights[:, tree.in_edge[level]]
        root_choice = choice[:, 0] - tree.child_ptr[0]
        actions = tree.actions(0)
        per_policy = {}
        for policy in self.policies:
            terminals, tagged = self.policy_terminals[policy]
            risk = reach[:, terminals] @ tagged  # (size, players x kinds)
            lo, hi = self.policy_nodes[policy]
            cost = (np.einsum("ij,ij->i", reach[:, lo:hi], measures[COST][:, lo:hi])
                    if COST in measures else None)
            limits = np.array([float(tolerances[k]) for _, k in self.risk_keys])
            reliable = np.all(risk <= limits + 1e-12, axis=1)
            per_policy[policy] = (risk, cost, reliable)
        results = []
        for i in range(size):
            point_values = {k: float(v[i]) for k, v in grid.items()}
            if near_tie[i]:
                results.append(_exact_point(compiled, base, point_values, tolerances))
                continue
            records = []
            for policy in self.policies:
                risk, cost, reliable = per_policy[policy]
                risks: dict[str, dict[str, float]] = {p: {} for p in self.players}
                for j, (player, kind) in enumerate(self.risk_keys):
                    risks[player][kind] = float(risk[i, j])
                ok = bool(reliable[i])
                records.append(PolicyPoint(policy, risks,
                                           float(cost[i]) if cost is not None else None, ok,
                                           "robust" if ok else "fails"))
            results.append(SweepPoint(point_values, tuple(records), actions[int(root_choice[i])]))
        return results


def _exact_point(compiled: CompiledModel, base: Mapping[str, Any], point: dict[str, float],
                 tolerances: Mapping[str, Any]) -> SweepPoint:
    """A near-tie point solved exactly (all its subgame-perfect equilibria)."""
    from alliance_games.analysis.policies import compare_policies

    values = {**base, **{k: Fraction(repr(v)) for k, v in point.items()}}
    tree = compiled.at(values)
    comparison = compare_policies(compiled.model, tree, tolerances)
    records = []
    for p in comparison.policies:
        cost = p.measure(COST)
        records.append(PolicyPoint(
            p.policy, {pl: {k: float(v) for k, v in r.items()} for pl, r in p.risks.items()},
            float(cost) if cost is not None else None, p.reliable, p.verdict))
    choice = comparison.leader_choice[0] if comparison.leader_choice else ""
    return SweepPoint(point, tuple(records), choice, exact_fallback=True)
