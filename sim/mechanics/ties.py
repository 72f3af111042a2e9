"""Interaction ties: friendships formed inside the community (replies, events).

The addressable population's social graph is fixed CSR; ties formed by members interacting are kept
here as an append-only edge list, counted in the social pull alongside the graph and exported with
the members' graph. A tie already known is not added twice.
"""

from __future__ import annotations

import numpy as np


class InteractionTies:
    """An undirected edge list that grows as members interact.

    Args:
        n: number of people (rows of the member table).
    """

    def __init__(self, n: int):
        self.n = n
        self._a = np.empty(0, dtype=np.int32)
        self._b = np.empty(0, dtype=np.int32)
        self._keys = np.empty(0, dtype=np.int64)  # sorted lo * n + hi of every tie
        self.formed_total = 0

    def __len__(self) -> int:
        return len(self._a)

    def add(self, a: np.ndarray, b: np.ndarray) -> int:
        """Add ties a[i]-b[i] (self-ties and repeats of known ties are dropped); returns how many were new."""
        a, b = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
        keep = a != b
        lo, hi = np.minimum(a[keep], b[keep]), np.maximum(a[keep], b[keep])
        candidates = np.unique(lo * self.n + hi)
        pos = np.searchsorted(self._keys, candidates)
        known = pos < len(self._keys)
        known[known] = self._keys[pos[known]] == candidates[known]
        new = candidates[~known]
        self._keys = np.insert(self._keys, pos[~known], new)
        self._a = np.concatenate([self._a, (new // self.n).astype(np.int32)])
        self._b = np.concatenate([self._b, (new % self.n).astype(np.int32)])
        self.formed_total += len(new)
        return len(new)

    def neighbour_count(self, x: np.ndarray) -> np.ndarray:
        """For every person, the sum of `x` over their interaction ties."""
        if not len(self._a):
            return np.zeros(self.n, dtype=np.float32)
        out = np.bincount(self._a, weights=x[self._b], minlength=self.n)
        out += np.bincount(self._b, weights=x[self._a], minlength=self.n)
        return out.astype(np.float32)

    def edges(self) -> tuple[np.ndarray, np.ndarray]:
        """Both ends of every tie."""
        return self._a, self._b

    def arrays(self) -> dict[str, np.ndarray]:
        """The state as plain arrays (for checkpoints)."""
        return {"a": self._a, "b": self._b}
