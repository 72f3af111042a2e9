"""Randomness: one seed in, named independent streams out, common random numbers.

Every decision family (activity, churn, referral, ...) draws from its own stream. A stream's draws
on a given day come from a counter-based generator (Philox) keyed by (seed, stream name) with the
day in the counter, so they do not depend on anything drawn before: switching a policy that changes
how many numbers one mechanic consumes leaves every other mechanic's draws untouched, and a run
resumed from day d draws exactly what an uninterrupted run would. Nothing here touches a global RNG.
"""

from __future__ import annotations

import hashlib

import numpy as np

_MASK64 = (1 << 64) - 1


def stream_key(seed: int, name: str) -> np.ndarray:
    """Two 64-bit words identifying (seed, stream name), used as the Philox key."""
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest()
    return np.array([int(seed) & _MASK64, int.from_bytes(digest, "little")], dtype=np.uint64)


class RngStreams:
    """Named random streams derived from one seed.

    Args:
        seed: the run's seed (any non-negative integer).

    Example:
        >>> streams = RngStreams(3)
        >>> u = streams.day("churn", 10).random(5)   # day 10's churn draws
        >>> g = streams.setup("network")             # a setup-time generator
    """

    SETUP_DAY = -1  # counter slot used for draws made while building the world

    def __init__(self, seed: int):
        if int(seed) < 0:
            raise ValueError(f"seed must be a non-negative integer, got {seed}")
        self.seed = int(seed)

    def day(self, name: str, day: int) -> np.random.Generator:
        """A fresh generator for stream `name` on simulated day `day`."""
        counter = np.array([0, 0, int(day) & _MASK64, 0], dtype=np.uint64)
        return np.random.Generator(np.random.Philox(key=stream_key(self.seed, name), counter=counter))

    def setup(self, name: str) -> np.random.Generator:
        """A generator for set-up decisions of family `name` (graph, founders, traits)."""
        return self.day(name, self.SETUP_DAY)

    def int_seed(self, name: str) -> int:
        """A 32-bit integer seed for libraries that only take ints (networkx generators)."""
        return int(self.setup(name).integers(0, 2**31 - 1))
