"""The array namespace a run computes with: numpy on the CPU (default) or cupy on a GPU.

Mechanics receive `xp` and never import numpy for per-member arithmetic, so the same code runs on
either device. The GPU is optional; asking for it without cupy installed is a clear error.

On the GPU the member table and the graph's CSR arrays live in device memory (the CSR as a
`cupyx.scipy.sparse.csr_matrix`), the day's uniform draws are made on the device
(`RngStreams.uniform`), and only the day's handful of totals cross to the host for the recorder.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

import numpy as np
import scipy.sparse


class BackendUnavailable(RuntimeError):
    """The requested array backend cannot be used on this machine."""


@dataclass(frozen=True)
class Backend:
    """An array namespace, its sparse module, and how to move arrays to the host."""

    name: str
    xp: ModuleType
    sparse: ModuleType = scipy.sparse

    @property
    def on_device(self) -> bool:
        """True when arrays live in GPU memory."""
        return self.name == "gpu"

    def to_numpy(self, a) -> np.ndarray:
        """A host (numpy) copy of `a`, whatever device it lives on."""
        return to_host(a)

    def asarray(self, a, dtype=None):
        """`a` as an array of this backend."""
        return self.xp.asarray(a, dtype=dtype)

    def synchronize(self) -> None:
        """Wait for queued device work (for honest timings); nothing to do on the CPU."""
        if self.on_device:
            self.xp.cuda.Device().synchronize()


CPU = Backend("cpu", np, scipy.sparse)


def get_backend(name: str) -> Backend:
    """The backend called `name` ("cpu" or "gpu")."""
    if name == "cpu":
        return CPU
    if name == "gpu":
        try:
            import cupy  # noqa: PLC0415 - optional dependency, imported only when asked for
            import cupyx.scipy.sparse  # noqa: PLC0415

            if cupy.cuda.runtime.getDeviceCount() < 1:
                raise RuntimeError("no CUDA device found")
        except Exception as exc:  # cupy missing, or no CUDA device/driver
            raise BackendUnavailable(
                f"backend=gpu needs CuPy and a CUDA GPU ({type(exc).__name__}: {exc}); "
                "install with `pip install .[gpu]` or use backend=cpu"
            ) from None
        return Backend("gpu", cupy, cupyx.scipy.sparse)
    raise BackendUnavailable(f"backend={name!r} is not known: allowed cpu, gpu")


def gpu_available() -> bool:
    """True when CuPy is installed and sees a CUDA device (used to skip GPU tests cleanly)."""
    try:
        get_backend("gpu")
    except BackendUnavailable:
        return False
    return True


def to_host(a) -> np.ndarray:
    """`a` as a numpy array: copied from the GPU for a cupy array, as it is otherwise."""
    return a.get() if hasattr(a, "get") else np.asarray(a)


def xp_of(*arrays) -> ModuleType:
    """The array module (numpy or cupy) that `arrays` belong to."""
    for a in arrays:
        if type(a).__module__.startswith("cupy"):
            import cupy  # noqa: PLC0415

            return cupy
    return np
