"""The array namespace a run computes with: numpy on the CPU (default) or cupy on a GPU.

Mechanics receive `xp` and never import numpy for per-member arithmetic, so the same code runs on
either device. The GPU is optional; asking for it without cupy installed is a clear error.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

import numpy as np


class BackendUnavailable(RuntimeError):
    """The requested array backend cannot be used on this machine."""


@dataclass(frozen=True)
class Backend:
    """An array namespace and how to move arrays to the host."""

    name: str
    xp: ModuleType

    def to_numpy(self, a) -> np.ndarray:
        """A host (numpy) copy of `a`, whatever device it lives on."""
        if self.name == "gpu":
            return self.xp.asnumpy(a)
        return np.asarray(a)

    def asarray(self, a, dtype=None):
        """`a` as an array of this backend."""
        return self.xp.asarray(a, dtype=dtype)


def get_backend(name: str) -> Backend:
    """The backend called `name` ("cpu" or "gpu")."""
    if name == "cpu":
        return Backend("cpu", np)
    if name == "gpu":
        try:
            import cupy  # noqa: PLC0415 - optional dependency, imported only when asked for

            cupy.cuda.runtime.getDeviceCount()
        except Exception as exc:  # cupy missing, or no CUDA device/driver
            raise BackendUnavailable(
                f"backend=gpu needs CuPy and a CUDA GPU ({type(exc).__name__}: {exc}); "
                "install with `pip install .[gpu]` or use backend=cpu"
            ) from None
        return Backend("gpu", cupy)
    raise BackendUnavailable(f"backend={name!r} is not known: allowed cpu, gpu")


def xp_of(*arrays) -> ModuleType:
    """The array module (numpy or cupy) that `arrays` belong to."""
    for a in arrays:
        if type(a).__module__.startswith("cupy"):
            import cupy  # noqa: PLC0415

            return cupy
    return np
