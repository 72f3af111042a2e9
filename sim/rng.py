"""Randomness: one seed in, named independent streams out, common random numbers.

Every decision family (activity, churn, referral, ...) draws from its own stream. A stream's draws
on a given day come from a counter-based generator (Philox) keyed by (seed, stream name) with the
day in the counter, so they do not depend on anything drawn before: switching a policy that changes
how many numbers one mechanic consumes leaves every other mechanic's draws untouched, and a run
resumed from day d draws exactly what an uninterrupted run would. Nothing here touches a global RNG.

Member decisions draw per person: `rows(name, day).uniform(rows, slot)` gives each listed person
their own number, a hash of (seed, stream, day, slot, person), so a day costs in proportion to the
people asked about, and a person's number does not depend on who else is asked: common random
numbers hold person by person between policies, and the CPU and the GPU draw the same numbers.

`day(name, day)` is numpy's Philox (4x64-10) keyed as above, always on the host: the model's few
daily decisions, Poisson post counts, the size and sample of the day's join lottery.

A staff agent draws from its own slot: `agent(name, day, staff_id)` (a host generator) and
`agent_rows(name, day, staff_id)` (per-person numbers), keyed by the agent's staff number as well,
so two agents never share numbers and hiring one more leaves every other agent's draws unchanged.
"""

from __future__ import annotations

import functools
import hashlib

import numpy as np

_MASK64 = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15
_U_GOLDEN, _U_M1, _U_M2 = np.uint64(_GOLDEN), np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)
_S27, _S30, _S40 = np.uint64(27), np.uint64(30), np.uint64(40)


@functools.lru_cache(maxsize=4096)
def _name_word(name: str) -> int:
    return int.from_bytes(hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest(), "little")


def stream_key(seed: int, name: str) -> np.ndarray:
    """Two 64-bit words identifying (seed, stream name), used as the Philox key."""
    return np.array([int(seed) & _MASK64, _name_word(name)], dtype=np.uint64)


def _splitmix(x: int) -> int:
    """SplitMix64's output function on a Python int (Steele, Lea & Flood 2014)."""
    x = (x + _GOLDEN) & _MASK64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK64
    return x ^ (x >> 31)


class RowDraws:
    """One day's uniforms of one stream, one number per (person, slot).

    Person r's number in slot k is SplitMix64's output function applied to r x golden + key, with
    the key a hash of (seed, stream, day, k): a counter-based generator whose counter is the row.
    Asking for a subset of people costs in proportion to the subset, and gives each person the
    number they would get in any other subset, so two runs that differ in who acts still share
    each person's randomness. The same integer arithmetic runs on numpy or cupy arrays (the
    device's numbers equal the host's).

    Example:
        >>> d = RngStreams(3).rows("churn", day=10)
        >>> u = d.uniform(np.array([5, 17, 42]))        # three people's churn draws
        >>> bool(d.uniform(np.array([17]))[0] == u[1])  # person 17's number, however asked
        True
    """

    def __init__(self, base_key: int):
        self._base = base_key

    def uniform(self, rows, slot: int = 0):
        """float32 uniforms in [0, 1) for `rows` (an int array on either device), slot `slot`."""
        key = _splitmix(self._base ^ ((slot + 1) * 0xD1B54A32D192ED03 & _MASK64))
        x = rows.astype("uint64")
        x *= _U_GOLDEN
        x += np.uint64(key)
        x ^= x >> _S30
        x *= _U_M1
        x ^= x >> _S27
        x *= _U_M2
        # the output function's last step, x ^= x >> 31, leaves the top 31 bits as they are: skipped
        x >>= _S40  # the top 24 bits: every float32 in [0, 1) with step 2**-24
        u = x.view("int64").astype("float32")  # exact below 2**24; int64 converts faster than uint64
        u *= np.float32(2.0**-24)
        return u


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
        return self._host(name, day)

    def rows(self, name: str, day: int) -> RowDraws:
        """Per-person uniforms of stream `name` on day `day` (see RowDraws)."""
        base = _splitmix((self.seed * _GOLDEN) & _MASK64 ^ _name_word(name))
        return RowDraws(_splitmix(base ^ (int(day) & _MASK64)))

    def agent(self, name: str, day: int, staff_id: int) -> np.random.Generator:
        """A fresh host generator for staff agent `staff_id`'s draws of stream `name` on `day`."""
        return self._host(name, day, slot=int(staff_id) + 1)

    def agent_rows(self, name: str, day: int, staff_id: int) -> RowDraws:
        """Per-person uniforms of stream `name` on `day`, for staff agent `staff_id` alone."""
        base = self.rows(name, day)._base
        return RowDraws(_splitmix(base ^ ((int(staff_id) + 1) * 0xA0761D6478BD642F & _MASK64)))

    def setup(self, name: str) -> np.random.Generator:
        """A host generator for set-up decisions of family `name` (graph, founders, traits)."""
        return self._host(name, self.SETUP_DAY)

    def _host(self, name: str, day: int, slot: int = 0) -> np.random.Generator:
        counter = np.array([0, 0, int(day) & _MASK64, int(slot)], dtype=np.uint64)
        return np.random.Generator(
            np.random.Philox(key=stream_key(self.seed, name), counter=counter)
        )

    def int_seed(self, name: str) -> int:
        """A 32-bit integer seed for libraries that only take ints (networkx generators)."""
        return int(self.setup(name).integers(0, 2**31 - 1))
