"""Interaction ties: friendships formed inside the community (replies, events).

The addressable population's social graph is fixed CSR; ties formed by members interacting are kept
here as an append-only edge list, counted in the social pull alongside the graph and exported with
the members' graph. A tie already known is not added twice. The list's ends live on the run's
device (counted every day); the sorted keys that detect repeats stay on the host.
"""

from __future__ import annotations

import numpy as np

from sim.backend import to_host, xp_of


class InteractionTies:
    """An undirected edge list that grows as members interact.

    Args:
        n: number of people (rows of the member table).
        xp: the run's array module (numpy, or cupy for ends kept in GPU memory).
    """

    def __init__(self, n: int, xp=np):
        self.n = n
        self.xp = xp
        self._a = xp.empty(0, dtype=np.int32)
        self._b = xp.empty(0, dtype=np.int32)
        self._keys = np.empty(0, dtype=np.int64)  # sorted lo * n + hi of every tie
        self.formed_total = 0

    def __len__(self) -> int:
        return len(self._a)

    def add(self, a, b) -> int:
        """Add ties a[i]-b[i] (self-ties and repeats of known ties are dropped); returns how many were new."""
        a, b = to_host(a).astype(np.int64), to_host(b).astype(np.int64)
        keep = a != b
        lo, hi = np.minimum(a[keep], b[keep]), np.maximum(a[keep], b[keep])
        candidates = np.unique(lo * self.n + hi)
        pos = np.searchsorted(self._keys, candidates)
        known = pos < len(self._keys)
        known[known] = self._keys[pos[known]] == candidates[known]
        new = candidates[~known]
        if len(new):
            self._keys = np.insert(self._keys, pos[~known], new)
            xp = self.xp
            self._a = xp.concatenate([self._a, xp.asarray((new // self.n).astype(np.int32))])
            self._b = xp.concatenate([self._b, xp.asarray((new % self.n).astype(np.int32))])
        self.formed_total += len(new)
        return len(new)

    def count_among(self, rows, flag):
        """For each person in `rows` (sorted), how many of their interaction ties have `flag` set.

        Work follows the number of ties (all between members), not the population.
        """
        xp = xp_of(rows)
        if not len(self._a) or not len(rows):
            return xp.zeros(len(rows), dtype=xp.float32)
        ends = xp.concatenate([self._a[flag[self._b]], self._b[flag[self._a]]])
        pos = xp.minimum(xp.searchsorted(rows, ends), len(rows) - 1)
        hit = rows[pos] == ends
        return xp.bincount(pos[hit], minlength=len(rows)).astype(xp.float32)

    def edges(self) -> tuple[np.ndarray, np.ndarray]:
        """Both ends of every tie (host arrays)."""
        return to_host(self._a), to_host(self._b)

    def state(self) -> dict[str, np.ndarray]:
        """The ties in their order, as plain arrays (for checkpoints; the order of the social-pull
        sums depends on it)."""
        return {"a": to_host(self._a), "b": to_host(self._b), "formed_total": np.array(self.formed_total)}

    @classmethod
    def restored(cls, n: int, arrays: dict[str, np.ndarray], xp=np) -> InteractionTies:
        """The ties `state` described, on `xp`'s device."""
        ties = cls(n, xp=xp)
        a, b = arrays["a"].astype(np.int64), arrays["b"].astype(np.int64)
        ties._a, ties._b = xp.asarray(a.astype(np.int32)), xp.asarray(b.astype(np.int32))
        ties._keys = np.sort(a * n + b)  # sorted lo * n + hi, as kept
        ties.formed_total = int(arrays["formed_total"])
        return ties
