"""A normal form's policies read as a commitment: the game tree policy analysis works on.

A normal form's policies are strategies of its first player, the policy maker. Policy analysis
(``compare``, a policy ``sweep``, ``threshold --policy``, ``report``) assesses what follows a
policy; in a normal form that is the game the other players play once the policy maker's strategy
is fixed and known to them. :func:`commitment_model` writes this as a tree: the policy maker
chooses a strategy at the root; each other player, in turn, chooses without seeing the others'
choices (one information set per player and root strategy); the terminal after a profile carries
the profile's payoff expressions and tags. A policy's subgame is then exactly the others' normal
form with the first strategy fixed, solved for all its equilibria, and the policy maker's choice
is the root choice of the tree's subgame-perfect equilibria: the policy it would commit to.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from alliance_games.games.tree import TreeBuilder
from alliance_games.model.symbolic import SymbolicModel, SymbolicNormalForm, SymbolicTree


def reads_as_commitment(model: SymbolicModel) -> bool:
    """Whether ``model`` is a normal form with policies (analysed as a commitment tree)."""
    return bool(model.policies) and isinstance(model.game, SymbolicNormalForm)


def commitment_model(model: SymbolicModel) -> SymbolicModel:
    """``model`` with its normal form replaced by the commitment tree (module docstring);
    other models are returned as they are."""
    game = model.game
    if not reads_as_commitment(model):
        return model
    assert isinstance(game, SymbolicNormalForm)
    players = model.players
    builder = TreeBuilder(players, exact=True, title=model.title)
    zero = [0] * len(players)
    root = builder.add_decision(-1, None, player=0, infoset=f"{players[0]}@root",
                                actions=game.strategies[0], payoffs=zero)
    terminals: dict[int, tuple[int, ...]] = {}

    def grow(parent: int, action: str, profile: tuple[int, ...]) -> None:
        player = len(profile)
        if player == len(players):
            node = builder.add_terminal(parent, action, payoffs=zero,
                                        tags=game.tags.get(profile, ()))
            terminals[node] = profile
            return
        first = game.strategies[0][profile[0]]
        node = builder.add_decision(parent, action, player=player,
                                    infoset=f"{players[player]}@{first}",
                                    actions=game.strategies[player], payoffs=zero)
        for k, label in enumerate(game.strategies[player]):
            grow(node, label, (*profile, k))

    for k, label in enumerate(game.strategies[0]):
        grow(root, label, (k,))
    skeleton = builder.build()
    import sympy

    payoffs = np.full((skeleton.num_nodes, len(players)), sympy.Integer(0), dtype=object)
    for node, profile in terminals.items():
        payoffs[node] = [game.payoffs[(i, *profile)] for i in range(len(players))]
    probs = np.full(len(skeleton.child_index), sympy.Integer(0), dtype=object)
    return replace(model, game=SymbolicTree(skeleton, payoffs, probs))

