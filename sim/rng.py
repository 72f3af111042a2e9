"""Randomness: one seed in, named independent streams out, common random numbers.

Every decision family (activity, churn, referral, ...) draws from its own stream. A stream's draws
on a given day come from a counter-based generator (Philox) keyed by (seed, stream name) with the
day in the counter, so they do not depend on anything drawn before: switching a policy that changes
how many numbers one mechanic consumes leaves every other mechanic's draws untouched, and a run
resumed from day d draws exactly what an uninterrupted run would. Nothing here touches a global RNG.

`uniform` / `uniforms` hand a mechanic its day's full-length float32 draws on the run's device.
On the CPU they are numpy's Philox (4x64-10) keyed as above. On the GPU they come from cuRAND's
Philox4x32-10, made on the device and seeded with a 64-bit hash of (seed, stream, day): the same
independence and common-random-numbers guarantees, but a different sequence, so a GPU run agrees
with the CPU run of the same seed in distribution, not draw for draw.
"""

from __future__ import annotations

import hashlib

import numpy as np

_MASK64 = (1 << 64) - 1
CURAND_PHILOX4_32_10 = 161  # cuRAND's generator id for Philox4x32-10 (curand.h)


def stream_key(seed: int, name: str) -> np.ndarray:
    """Two 64-bit words identifying (seed, stream name), used as the Philox key."""
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest()
    return np.array([int(seed) & _MASK64, int.from_bytes(digest, "little")], dtype=np.uint64)


class DeviceGenerator:
    """A day's generator for a run on the GPU: full arrays on the device, small draws on the host.

    `random(size)` (the mechanics' uniforms) is drawn on the device by cuRAND's Philox4x32-10;
    every other method (`poisson`, `permutation`, `integers`, `choice`, `standard_normal`, ...,
    used for a handful of staff decisions) is the host generator's, so its results are the
    CPU's for the same seed.
    """

    def __init__(self, host: np.random.Generator, xp, seed: int):
        self._host = host
        self._device = xp.random.RandomState(seed, method=CURAND_PHILOX4_32_10)
        self._xp = xp

    def random(self, size=None, dtype=np.float64):
        """Uniforms in [0, 1) on the device (a host float for size=None)."""
        if size is None:
            return self._host.random()
        return self._device.random_sample(size, dtype=self._xp.dtype(dtype))

    def __getattr__(self, name):
        return getattr(self._host, name)


class RngStreams:
    """Named random streams derived from one seed.

    Args:
        seed: the run's seed (any non-negative integer).
        xp: the run's array module; with cupy, `day` hands out `DeviceGenerator`s whose uniform
            arrays are made in GPU memory (set-up draws stay on the host).

    Example:
        >>> streams = RngStreams(3)
        >>> u = streams.day("churn", 10).random(5)   # day 10's churn draws
        >>> g = streams.setup("network")             # a setup-time generator
    """

    SETUP_DAY = -1  # counter slot used for draws made while building the world

    def __init__(self, seed: int, xp=np):
        if int(seed) < 0:
            raise ValueError(f"seed must be a non-negative integer, got {seed}")
        self.seed = int(seed)
        self.xp = xp

    def day(self, name: str, day: int) -> np.random.Generator:
        """A fresh generator for stream `name` on simulated day `day`."""
        host = self._host(name, day)
        if self.xp is np:
            return host
        return DeviceGenerator(host, self.xp, self.device_seed(name, day))

    def setup(self, name: str) -> np.random.Generator:
        """A host generator for set-up decisions of family `name` (graph, founders, traits)."""
        return self._host(name, self.SETUP_DAY)

    def _host(self, name: str, day: int) -> np.random.Generator:
        counter = np.array([0, 0, int(day) & _MASK64, 0], dtype=np.uint64)
        return np.random.Generator(
            np.random.Philox(key=stream_key(self.seed, name), counter=counter)
        )

    def uniform(self, name: str, day: int, n: int, xp=np):
        """Day `day`'s `n` float32 uniforms in [0, 1) of stream `name`, on `xp`'s device."""
        return self.uniforms(name, day, n, 1, xp)[0]

    def uniforms(self, name: str, day: int, n: int, count: int, xp=np) -> tuple:
        """`count` arrays of `n` float32 uniforms, drawn one after another from stream `name`.

        On numpy this is exactly `day(name, day).random(n, dtype=float32)` repeated, so results
        do not depend on whether a caller uses this or the generator directly.
        """
        g = (
            self._host(name, day)
            if xp is np
            else DeviceGenerator(self._host(name, day), xp, self.device_seed(name, day))
        )
        return tuple(g.random(n, dtype=np.float32) for _ in range(count))

    def device_seed(self, name: str, day: int) -> int:
        """A 63-bit seed for a device generator, a hash of (seed, stream name, day)."""
        text = f"{self.seed}/{name}/{int(day)}".encode()
        return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "little") >> 1

    def int_seed(self, name: str) -> int:
        """A 32-bit integer seed for libraries that only take ints (networkx generators)."""
        return int(self.setup(name).integers(0, 2**31 - 1))
