"""Chat groups (社群分群): members sit in groups of limited size, new groups open when all are full.

A WeChat group holds at most 500 people, so a growing community becomes a set of groups. Newcomers
invited by a member join their inviter's group when it has room, otherwise the open group with the
most room; when every group is full a new one is opened (精细化建群) and seeded with a few core
members moved from the fullest groups, or, if opening groups is off, newcomers are turned away.
"""

from __future__ import annotations

import numpy as np

from sim.backend import to_host, xp_of
from sim.state import Metric, share

PARAMETERS = ("groups.capacity", "groups.spawn", "groups.seed_core_members", "groups.moderator_per_new_group")

METRICS = (
    Metric("groups", "groups", "chat groups with members (WeChat groups cap at 500)", lambda s: s.tally.groups),
    Metric("members_per_group", "people/group", "mean members per group", lambda s: share(s.count.members, s.tally.groups)),
    Metric("group_active_share_min", "share", "daily active share of the quietest group (groups of 20+ members)",
           lambda s: s.tally.group_active_share_min),
)
QUIET_GROUP_MIN_MEMBERS = 20  # groups smaller than this are not judged by their activity; assumption
SAMPLE_FOR_TOP = 4096  # members whose ranks bound the best ranks from below (core_for_new_groups)

NO_GROUP = -1


class Groups:
    """The community's groups: size and opening day of each.

    Args:
        capacity: members per group at most.
    """

    def __init__(self, capacity: int):
        self.capacity = capacity
        self.size = np.zeros(0, dtype=np.int64)
        self.opened_day = np.zeros(0, dtype=np.int64)

    def __len__(self) -> int:
        return len(self.size)

    @property
    def free_seats(self) -> int:
        """Seats left in the open groups."""
        return int((self.capacity - self.size).sum())

    def open(self, day: int, n: int = 1) -> np.ndarray:
        """Open `n` new groups; returns their ids."""
        ids = np.arange(len(self.size), len(self.size) + n)
        self.size = np.concatenate([self.size, np.zeros(n, dtype=np.int64)])
        self.opened_day = np.concatenate([self.opened_day, np.full(n, day, dtype=np.int64)])
        return ids

    def seat(self, group_of, rows, preferred, day: int, spawn: bool) -> tuple[np.ndarray, int]:
        """Give each of `rows` a seat (their preferred group when it has room, then the emptiest
        open groups, then new groups if `spawn`). Writes `group_of[rows]` (on its device; the
        seating itself is worked out on the host, a few people a day).

        Returns:
            (host rows that got a seat, number of groups opened).
        """
        rows = to_host(rows).astype(np.int64)
        if not len(rows):
            return rows, 0
        assigned = np.full(len(rows), NO_GROUP, dtype=np.int64)
        if preferred is not None:
            preferred = to_host(preferred)
            for k in np.flatnonzero(preferred >= 0):  # invited newcomers: few per day
                g = preferred[k]
                if self.size[g] < self.capacity:
                    assigned[k] = g
                    self.size[g] += 1
        waiting = np.flatnonzero(assigned == NO_GROUP)
        opened = 0
        if spawn and len(waiting) > self.free_seats:
            opened = -(-(len(waiting) - self.free_seats) // self.capacity)
            self.open(day, opened)
        for g in np.argsort(self.size, kind="stable"):  # emptiest first
            if not len(waiting):
                break
            room = self.capacity - self.size[g]
            take, waiting = waiting[:room], waiting[room:]
            assigned[take] = g
            self.size[g] += len(take)
        placed = assigned != NO_GROUP
        xp = xp_of(group_of)  # the table's device
        group_of[xp.asarray(rows[placed])] = xp.asarray(assigned[placed].astype(np.int32))
        return rows[placed], opened

    def leave(self, group_of, rows) -> None:
        """Members in `rows` leave their groups."""
        g = to_host(group_of[rows])
        g = g[g >= 0]
        self.size -= np.bincount(g, minlength=len(self.size))
        group_of[rows] = NO_GROUP

    def move(self, group_of, rows, to_group: int) -> None:
        """Move members (e.g. core members seeding a new group)."""
        self.leave(group_of, rows)
        group_of[rows] = to_group
        self.size[to_group] += len(rows)

    @property
    def n_with_members(self) -> int:
        """Groups with at least one member."""
        return int(np.count_nonzero(self.size))

    def activity_floor(self, group_of, active_rows, min_members: int = QUIET_GROUP_MIN_MEMBERS) -> float:
        """Daily active share of the quietest group with at least `min_members` members (0 if none);
        `active_rows`: today's active members (every member sits in a group, so `size` counts them)."""
        members = self.size
        actives = np.bincount(to_host(group_of[active_rows]), minlength=len(self.size))
        big = members >= min_members
        return float((actives[big] / members[big]).min()) if big.any() else 0.0

    def core_for_new_groups(self, member_rows, tier, engagement, per_group: int, opened: int):
        """The members to move into `opened` new groups, `per_group` each, best first: the best
        `per_group` go to the first new group, the next best to the second, ... (rank: tier, then
        engagement; only the top ones are sorted, in the order a full stable sort gives)."""
        xp = xp_of(member_rows)
        rank = tier[member_rows].astype(np.float32) * 2.0 + engagement[member_rows]
        k = per_group * opened
        top = slice(None)
        if len(rank) > k:
            # the k-th best rank is at least the k-th best of the first few thousand: only those
            # at or above that are partitioned (the same top, found without partitioning everyone)
            sample = rank[: max(SAMPLE_FOR_TOP, k)]
            near = xp.flatnonzero(rank >= xp.partition(sample, len(sample) - k)[len(sample) - k])
            top = near[rank[near] >= xp.partition(rank[near], len(near) - k)[len(near) - k]]
        return member_rows[top][xp.argsort(-rank[top], kind="stable")[:k]]

    def state(self) -> dict[str, np.ndarray]:
        """The groups as plain arrays (for checkpoints)."""
        return {"size": self.size, "opened_day": self.opened_day, "capacity": np.array(self.capacity)}

    @classmethod
    def restored(cls, arrays: dict[str, np.ndarray]) -> Groups:
        """The groups `state` described."""
        groups = cls(int(arrays["capacity"]))
        groups.size, groups.opened_day = arrays["size"].copy(), arrays["opened_day"].copy()
        return groups
