"""An incremental layout of the members' network, one cluster per chat group, that grows instead of
being re-laid out.

Each chat group (社群分群, sim/mechanics/groups.py) is drawn as its own disc: group 0 in the middle,
each group opened later further out on a sunflower spiral, so a community that opens groups (or
brings a new audience into new groups in 扩张期 EXPANSION) grows new clusters, and the stage panels
of a storyboard look different. Positions are kept for every person of the population (NaN until
they first join) and never move once placed, so a picture drawn every few days shows the same
community growing. Founders fill their group's disc evenly; a newcomer is placed next to whoever
invited them when the inviter was placed in the newcomer's group, else next to a friend placed in
that group (word of mouth), else anywhere in the group's disc (a stranger arriving through an ad
or a search).

A member who changes group later (a core member moved to seed a new group, a member who leaves and
comes back to another group) keeps the place they were given: the picture never jumps, and a
new group's disc fills with its own newcomers. `placed_group` records the group each position was
drawn in. Members without a group (-1: the group rules turned them away) are placed as group 0.
Drawing helpers return the ties among today's members as segments for a matplotlib LineCollection.
"""

from __future__ import annotations

import numpy as np

from sim.population import Channel

CLUSTER_RADIUS = 1.0  # radius of one group's disc (the layout's unit)
# Distance between group discs' centres grows as sqrt(group id): a sunflower (Vogel) spiral whose
# nearest centres are 2.7 radii apart, so neighbouring discs never touch.
CLUSTER_SPACING = 2.2
GOLDEN_ANGLE = np.pi * (3 - np.sqrt(5))
NEIGHBOUR_OFFSET = 0.35  # distance from the inviter or friend, in units of a group's disc radius


def cluster_centre(group: int) -> np.ndarray:
    """Centre of chat group `group`'s disc: group 0 (and no group) in the middle, later groups
    outward on a sunflower spiral."""
    if group <= 0:
        return np.zeros(2, dtype=np.float32)
    r = CLUSTER_SPACING * np.sqrt(group + 0.5)
    theta = group * GOLDEN_ANGLE
    return np.array([r * np.cos(theta), r * np.sin(theta)], dtype=np.float32)


def _into_disc(point: np.ndarray, centre: np.ndarray, radius: float = CLUSTER_RADIUS) -> np.ndarray:
    """`point`, pulled onto the disc's edge if it lies outside (never farther from a point inside)."""
    offset = point - centre
    dist = float(np.hypot(*offset))
    return point if dist <= radius else centre + offset * (radius / dist)


class GrowingLayout:
    """Positions of everyone who has ever joined, placed once when they join, by chat group.

    Args:
        n: population size (rows of the member table).
        seed: seed of the layout's own random generator (placement jitter only).
    """

    def __init__(self, n: int, seed: int = 0):
        self.pos = np.full((n, 2), np.nan, dtype=np.float32)
        self.placed_group = np.full(n, -1, dtype=np.int32)  # the group whose disc holds the place
        self.rng = np.random.default_rng(seed)

    @property
    def placed(self) -> np.ndarray:
        """Who already has a position."""
        return ~np.isnan(self.pos[:, 0])

    def update(self, table, graph) -> np.ndarray:
        """Place members who have no position yet, oldest joiners first; returns the rows placed.

        Args:
            table: the model's MemberTable (reads is_member, joined_day, channel, inviter, group).
            graph: the model's SocialGraph (to find a friend who is already placed).
        """
        new = np.flatnonzero(np.asarray(table.is_member) & ~self.placed)
        if len(new) == 0:
            return new
        # Earlier joiners first, so a newcomer's inviter is usually placed before them.
        new = new[np.argsort(table.joined_day[new], kind="stable")]
        groups = np.maximum(np.asarray(table.group[new]), 0)
        self.placed_group[new] = groups
        founder = table.channel[new] == Channel.FOUNDER
        for g in np.unique(groups[founder]):
            self._place_founders(new[founder & (groups == g)], int(g))
        for row in new[~founder]:
            self.pos[row] = self._spot_for(int(row), table, graph)
        return new

    def _place_founders(self, rows: np.ndarray, group: int) -> None:
        # Sunflower spiral: an evenly filled disc, deterministic.
        k = np.arange(len(rows)) + 0.5
        r = CLUSTER_RADIUS * np.sqrt(k / len(rows))
        theta = k * GOLDEN_ANGLE
        self.pos[rows] = cluster_centre(group) + np.column_stack(
            [r * np.cos(theta), r * np.sin(theta)]
        )

    def _spot_for(self, row: int, table, graph) -> np.ndarray:
        group = int(self.placed_group[row])
        centre = cluster_centre(group)
        anchor = int(table.inviter[row])
        if anchor < 0 or np.isnan(self.pos[anchor, 0]) or self.placed_group[anchor] != group:
            anchor = self._placed_friend(row, graph, group)
        angle = self.rng.uniform(0, 2 * np.pi)
        if anchor >= 0:
            dist = NEIGHBOUR_OFFSET * self.rng.uniform(0.5, 1.0)
            spot = self.pos[anchor] + dist * np.array([np.cos(angle), np.sin(angle)])
            return _into_disc(spot, centre).astype(np.float32)
        r = CLUSTER_RADIUS * np.sqrt(self.rng.uniform(0.0, 1.0))  # uniform over the disc
        return (centre + r * np.array([np.cos(angle), np.sin(angle)])).astype(np.float32)

    def _placed_friend(self, row: int, graph, group: int) -> int:
        if graph.complete:
            return -1
        friends = graph.neighbours(row)
        friends = friends[~np.isnan(self.pos[friends, 0]) & (self.placed_group[friends] == group)]  # not the whole mask
        return int(self.rng.choice(friends)) if len(friends) else -1


def member_ties(
    graph, is_member: np.ndarray, max_ties: int = 20_000
) -> tuple[np.ndarray, np.ndarray]:
    """Ties among today's members as (rows, friends) with rows < friends.

    Args:
        graph: the SocialGraph.
        is_member: membership mask.
        max_ties: at most this many ties are returned (an even thinning keeps big pictures legible).
    """
    if graph.complete:
        members = np.flatnonzero(is_member)
        a, b = np.triu_indices(len(members), k=1)
        src, dst = members[a], members[b]
    else:
        src = np.repeat(np.arange(graph.n), graph.degree)
        dst = graph.indices.astype(np.int64)
        keep = (src < dst) & is_member[src] & is_member[dst]
        src, dst = src[keep], dst[keep]
    if len(src) > max_ties:
        pick = np.linspace(0, len(src) - 1, max_ties).astype(np.int64)
        src, dst = src[pick], dst[pick]
    return src, dst


def tie_ends(
    layout: GrowingLayout, graph, is_member: np.ndarray, ties=None, max_ties: int = 20_000
) -> tuple[np.ndarray, np.ndarray]:
    """Ties among placed members as (rows, friends): the social graph's (at most `max_ties`) and
    those formed inside the community (`ties`, anything with `edges() -> (a, b)`)."""
    shown = is_member & layout.placed
    src, dst = member_ties(graph, shown, max_ties)
    if ties is not None:
        a, b = ties.edges()
        keep = shown[a] & shown[b]
        src, dst = np.concatenate([src, a[keep]]), np.concatenate([dst, b[keep]])
    return src, dst


def tie_segments(
    layout: GrowingLayout, graph, is_member: np.ndarray, ties=None, max_ties: int = 20_000
) -> np.ndarray:
    """Ties among placed members as segments, shape (k, 2, 2), for a LineCollection.

    Args:
        layout, graph, is_member: positions, the social graph and today's members.
        ties: optional ties formed inside the community (anything with `edges() -> (a, b)`).
        max_ties: at most this many ties of the social graph are drawn.
    """
    src, dst = tie_ends(layout, graph, is_member, ties, max_ties)
    return np.stack([layout.pos[src], layout.pos[dst]], axis=1).reshape(-1, 2, 2)
