"""The world a run starts from: everyone's fixed traits and the founders.

The social graph itself is built in sim/network.py. Each function here takes what it needs and
returns what it drew; `CommunityModel` writes it into the member table when it builds the world.
"""

from __future__ import annotations

import numpy as np

from sim.mechanics import acquisition, content
from sim.network import SocialGraph
from sim.rng import RngStreams


def traits(n: int, member, streams: RngStreams) -> tuple[np.ndarray, np.ndarray | None]:
    """Everyone's posting rate per visit (heavy-tailed: participation inequality) and affinity for
    the community (None: everyone alike). Drawn once, from the `traits` and `affinity` streams."""
    z = streams.setup("traits").standard_normal(n, dtype=np.float32)
    p_post = content.posting_trait(z, member)
    affinity = acquisition.affinity_trait(member.join_affinity_shape, n, streams.setup("affinity"))
    return p_post, affinity


def founders(graph: SocialGraph, n_founders: int, placement: str, rng: np.random.Generator) -> np.ndarray:
    """Rows of the founders (种子用户): one circle of friends found breadth-first from a random
    person (more circles if one is too small), or people scattered at random. In a population of
    segments (audiences) the founders come from the first: the audience the community starts in.

    Args:
        graph: the social graph.
        n_founders: how many (at most the graph's size).
        placement: "cluster" or "random" (a complete graph has no circles: random).
        rng: the `founders` setup generator.
    """
    home = graph.n if graph.segment is None else int(np.searchsorted(graph.segment, 1))
    if home < n_founders:
        home = graph.n
    if placement == "random" or graph.complete:
        return np.asarray(rng.choice(home, size=n_founders, replace=False), dtype=np.int64)
    rows, taken, tried = [], set(), set()
    while len(rows) < n_founders:
        start = int(rng.integers(home if len(tried) < home else graph.n))
        if start in tried:
            continue
        tried.add(start)
        # `taken` grows with `rows` (rebuilding it per circle was quadratic where circles are
        # small: a graph of people without friends gives circles of one)
        circle = [r for r in graph.breadth_first(start, n_founders) if r not in taken]
        circle = circle[: n_founders - len(rows)]
        rows.extend(circle)
        taken.update(circle)
    return np.asarray(rows, dtype=np.int64)
