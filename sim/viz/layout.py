"""An incremental layout of the members' network that grows instead of being re-laid out.

Positions are kept for every person of the population (NaN until they first join) and never move
once placed, so a picture drawn every few days shows the same community growing. Founders sit on
a small disc in the middle; a newcomer is placed next to whoever invited them, else next to a
friend who is already a member (word of mouth), else on the rim of the community (a stranger
arriving through an ad or a search). Drawing helpers return the ties among today's members as
segments for a matplotlib LineCollection.
"""

from __future__ import annotations

import numpy as np

from sim.population import Channel

NEIGHBOUR_OFFSET = 0.6  # distance from the inviter or friend, in units of the founders' disc radius
RIM_SPREAD = 0.35  # radial jitter of strangers placed on the rim, same units


class GrowingLayout:
    """Positions of everyone who has ever joined, placed once when they join.

    Args:
        n: population size (rows of the member table).
        seed: seed of the layout's own random generator (placement jitter only).
    """

    def __init__(self, n: int, seed: int = 0):
        self.pos = np.full((n, 2), np.nan, dtype=np.float32)
        self.rng = np.random.default_rng(seed)
        self.radius = (
            1.0  # the community's rim: 90th percentile of members' distance from the centre
        )

    @property
    def placed(self) -> np.ndarray:
        """Who already has a position."""
        return ~np.isnan(self.pos[:, 0])

    def update(self, table, graph) -> np.ndarray:
        """Place members who have no position yet, oldest joiners first; returns the rows placed.

        Args:
            table: the model's MemberTable (reads is_member, joined_day, channel, inviter).
            graph: the model's SocialGraph (to find a friend who is already placed).
        """
        new = np.flatnonzero(table.is_member & ~self.placed)
        if len(new) == 0:
            return new
        # Earlier joiners first, so a newcomer's inviter is usually placed before them.
        new = new[np.argsort(table.joined_day[new], kind="stable")]
        founders = new[table.channel[new] == Channel.FOUNDER]
        self._place_founders(founders)
        here = self.pos[table.is_member & self.placed]
        if len(here):
            # A percentile, not the maximum, so one far-flung member does not push the rim outward.
            self.radius = max(1.0, float(np.percentile(np.hypot(here[:, 0], here[:, 1]), 90)))
        for row in new[table.channel[new] != Channel.FOUNDER]:
            self.pos[row] = self._spot_for(int(row), table, graph)
        return new

    def _place_founders(self, rows: np.ndarray) -> None:
        if len(rows) == 0:
            return
        # Sunflower spiral: evenly filled disc of radius 1, deterministic.
        k = np.arange(len(rows)) + 0.5
        r = np.sqrt(k / len(rows))
        theta = k * np.pi * (3 - np.sqrt(5))
        self.pos[rows] = np.column_stack([r * np.cos(theta), r * np.sin(theta)])

    def _spot_for(self, row: int, table, graph) -> np.ndarray:
        anchor = int(table.inviter[row])
        if anchor < 0 or not self.placed[anchor]:
            anchor = self._placed_friend(row, graph)
        if anchor >= 0:
            angle = self.rng.uniform(0, 2 * np.pi)
            dist = NEIGHBOUR_OFFSET * self.rng.uniform(0.5, 1.0)
            return self.pos[anchor] + dist * np.array(
                [np.cos(angle), np.sin(angle)], dtype=np.float32
            )
        return self._rim_spot()

    def _placed_friend(self, row: int, graph) -> int:
        if graph.complete:
            return -1
        friends = graph.neighbours(row)
        friends = friends[self.placed[friends]]
        return int(self.rng.choice(friends)) if len(friends) else -1

    def _rim_spot(self) -> np.ndarray:
        angle = self.rng.uniform(0, 2 * np.pi)
        r = self.radius + RIM_SPREAD * self.rng.uniform(-1.0, 1.0)
        return np.array([r * np.cos(angle), r * np.sin(angle)], dtype=np.float32)


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


def tie_segments(
    layout: GrowingLayout, graph, is_member: np.ndarray, ties=None, max_ties: int = 20_000
) -> np.ndarray:
    """Ties among placed members as segments, shape (k, 2, 2), for a LineCollection.

    Args:
        layout, graph, is_member: positions, the social graph and today's members.
        ties: optional ties formed inside the community (anything with `edges() -> (a, b)`).
        max_ties: at most this many ties of the social graph are drawn.
    """
    shown = is_member & layout.placed
    src, dst = member_ties(graph, shown, max_ties)
    if ties is not None:
        a, b = ties.edges()
        keep = shown[a] & shown[b]
        src, dst = np.concatenate([src, a[keep]]), np.concatenate([dst, b[keep]])
    return np.stack([layout.pos[src], layout.pos[dst]], axis=1).reshape(-1, 2, 2)
