"""The memory a run needs, estimated from its config before anything is built, and what is free.

A population that cannot fit is refused with one line before the graph is built, instead of
growing memory for minutes and dying without a word. The estimate is the run's peak above the
interpreter's own memory: the larger of the graph's build peak (the generator's edge arrays, or
networkx's dictionaries, together with the CSR being made) and what a day holds (the CSR, the
member table and a day's temporaries). Its coefficients are measured peaks of real runs
(docs/reliability.md has the table); it costs a read of /proc/meminfo (and of 1 MiB of a graph
file). What is free is the kernel's MemAvailable, or a container's memory limit less its use when
that is lower. On `backend=gpu` the member table and the day live in GPU memory, which is not
checked here (its free amount is known only through CuPy); the host still builds and keeps the
graph and draws the traits.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sim.config import ConfigError, SimConfig
from sim.population import MemberTable

# Bytes at the graph build's peak, per person and per tie (coefficients fitted to peak RSS of
# runs at 1e5-1e7 people, mean degree 2-40: docs/reliability.md). numpy generators also hold
# a fixed ~40 MB of scipy's conversion buffers; networkx's dictionaries cost ~20x the CSR.
BUILD_BYTES = {
    "small_world": (30, 46),
    "sbm": (35, 69),
    "holme_kim": (450, 240),
    "scale_free": (450, 240),
}
BUILD_FIXED_BYTES = {"small_world": 40e6, "sbm": 40e6}
# Reading a graph file goes through networkx (and, for GraphML, an XML tree): peak bytes per line
# of an edge list plus per byte of it (longer names, more string memory), and per GraphML element
# (node or edge). Fitted to a 1e5-person Holme-Kim graph (5e5 ties, short numeric names) and a
# 2e5-person ring (names of 14 characters). Lines and elements are counted in 1 MiB read in 16
# pieces spread over the file (files are often sorted: their first lines are not typical).
EDGE_LIST_BYTES = (340, 8)
GRAPHML_BYTES_PER_ELEMENT = 1150
SAMPLE_BYTES, SAMPLE_CHUNKS = 2**20, 16
# The CSR kept for the run: the row pointer, and per tie two int32 indices and two float32 values.
KEPT_BYTES_PER_TIE = 16
# A day's temporaries over the whole population (masks, the friend-count mat-vec, the traits'
# draws at the start): 38 B/person measured with 57% of a million people members (complete graph).
DAY_BYTES_PER_PERSON = 40
INT32_MAX = 2**31 - 1


@dataclass(frozen=True)
class MemoryNeed:
    """Bytes a run needs beyond the interpreter, by part (0 where a part does not apply)."""

    graph_build: int  # the graph while it is built (or read), the finished CSR included
    graph_kept: int  # the CSR kept for the run
    table: int  # the member table (0: in GPU memory)
    day: int  # a day's temporaries (backend=gpu: the traits drawn on the host)

    @property
    def peak(self) -> int:
        """The larger of the build's peak and what a day holds."""
        return max(self.graph_build, self.graph_kept + self.table + self.day)


def ties(cfg: SimConfig) -> int:
    """Ties the config's generator makes (before duplicates are merged); 0 for the complete graph."""
    net = cfg.network
    n, k = net.n_people, net.mean_degree
    if net.kind == "sbm":
        return n * k // 2
    if net.kind in ("small_world", "holme_kim", "scale_free"):
        return n * max(1, k // 2)
    return 0


def estimate(cfg: SimConfig) -> MemoryNeed:
    """The memory `cfg` needs at its peak, by part (see the module docstring)."""
    net = cfg.network
    if net.kind == "file":
        return MemoryNeed(
            graph_build=_reading_need(Path(net.path).expanduser()), graph_kept=0, table=0, day=0
        )
    n, m = net.n_people, ties(cfg)
    kept = 0
    build = 0
    if net.kind != "complete":
        kept = (4 if 2 * m <= INT32_MAX else 8) * (n + 1) + KEPT_BYTES_PER_TIE * m
        per_person, per_tie = BUILD_BYTES[net.kind]
        build = int(per_person * n + per_tie * m + BUILD_FIXED_BYTES.get(net.kind, 0))
    table = (
        0 if cfg.backend == "gpu" else n * sum(a.itemsize for a in MemberTable(0).arrays().values())
    )
    return MemoryNeed(
        graph_build=max(build, kept), graph_kept=kept, table=table, day=DAY_BYTES_PER_PERSON * n
    )


def _reading_need(path: Path) -> int:
    """Bytes networkx needs to read a graph file, from its size and a sample of it (0 if unreadable:
    reading it will say why). The people's member table, read after, needs far less."""
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            sample = b"".join(_chunk(f, k * size // SAMPLE_CHUNKS) for k in range(SAMPLE_CHUNKS))
    except OSError:
        return 0
    scale = size / max(len(sample), 1)
    if path.suffix.lower() == ".graphml":
        elements = (sample.count(b"<node") + sample.count(b"<edge")) * scale
        return int(GRAPHML_BYTES_PER_ELEMENT * elements)
    per_line, per_byte = EDGE_LIST_BYTES
    return int(per_line * sample.count(b"\n") * scale + per_byte * size)


def _chunk(f, offset: int) -> bytes:
    f.seek(offset)
    return f.read(SAMPLE_BYTES // SAMPLE_CHUNKS)


def size_text(nbytes: float) -> str:
    """'840 GiB', '2.4 GiB', '98 KiB': binary units, one decimal below 10."""
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(nbytes) < 1024 or unit == "GiB":
            break
        nbytes /= 1024
    return f"{nbytes:.1f} {unit}" if abs(nbytes) < 10 and unit != "B" else f"{nbytes:,.0f} {unit}"


def describe(cfg: SimConfig, need: MemoryNeed) -> str:
    """What `cfg` needs, in words: the key that sizes it, the total and its parts."""
    net = cfg.network
    if net.kind == "file":
        path = Path(net.path).expanduser()
        size = path.stat().st_size if path.is_file() else 0
        return f"network.path = {net.path!r} ({size_text(size)}) needs about {size_text(need.peak)} to read"
    if net.kind == "complete":
        graph = "no graph stored: complete"
    else:
        graph = f"graph {size_text(need.graph_build)} while it is built, {size_text(need.graph_kept)} kept"
    if (
        cfg.backend == "gpu"
    ):  # the table and the day live in GPU memory; traits are drawn on the host
        rest = f"traits drawn on the host {size_text(need.day)}; GPU memory not checked"
    else:
        rest = f"member table {size_text(need.table)}; a day's work {size_text(need.day)}"
    return (
        f"network.n_people = {net.n_people:,} needs about {size_text(need.peak)} ({graph}; {rest})"
    )


def check_fits(cfg: SimConfig, free: int | None = None) -> None:
    """Refuse, with one line, a config whose estimated peak is more than the memory free.

    Args:
        cfg: the run's config.
        free: bytes free (None: read from the machine; when unknown, nothing is refused).

    Raises:
        ConfigError: naming the size, the estimate and its parts, and what is free.
    """
    need = estimate(cfg)
    free = free_bytes() if free is None else free
    if free is not None and need.peak > free:
        raise ConfigError(f"{describe(cfg, need)}; this machine has {size_text(free)} free")


# -- what is free -------------------------------------------------------------------------------

PROC = Path("/proc")
CGROUP = Path("/sys/fs/cgroup")
NO_LIMIT = 2**60  # cgroup v1 writes "no limit" as a number near 2**63
# (limit, use, reclaimable page cache in memory.stat) of cgroup v2 and v1
CGROUP2_FILES = ("memory.max", "memory.current", "inactive_file")
CGROUP1_FILES = ("memory.limit_in_bytes", "memory.usage_in_bytes", "total_inactive_file")


def free_bytes(proc: Path = PROC, cgroup: Path = CGROUP) -> int | None:
    """Bytes this process can still take: MemAvailable (Linux; else free pages from sysconf),
    lowered to a container's limit less its use (cgroup v2 or v1, reclaimable file cache not
    counted as use). None when neither can be read."""
    available = _mem_available(proc)
    room = _cgroup_room(proc, cgroup)
    known = [x for x in (available, room) if x is not None]
    return min(known) if known else None


def _mem_available(proc: Path) -> int | None:
    try:
        for line in (proc / "meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:  # not Linux: free pages (no page cache counted; None where sysconf lacks it, e.g. macOS)
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def _cgroup_room(proc: Path, cgroup: Path) -> int | None:
    """The least room (limit less use) of this process's memory cgroups and their parents, or
    None without a limit."""
    own = _own_cgroups(proc)
    rooms = []
    for base, relative, files in (
        (cgroup, own.get(""), CGROUP2_FILES),
        (cgroup / "memory", own.get("memory"), CGROUP1_FILES),
    ):
        parts = [p for p in (relative or "").split("/") if p]
        for depth in range(len(parts), -1, -1):  # the process's own cgroup first, then its parents
            room = _room(base.joinpath(*parts[:depth]), *files)
            if room is not None:
                rooms.append(room)
    return min(rooms) if rooms else None


def _room(folder: Path, limit_file: str, usage_file: str, cache_key: str) -> int | None:
    try:
        limit_text = (folder / limit_file).read_text().strip()
        usage = int((folder / usage_file).read_text())
    except (OSError, ValueError):
        return None
    if not limit_text.isdigit() or int(limit_text) >= NO_LIMIT:  # "max": no limit
        return None
    return max(0, int(limit_text) - usage + _stat_value(folder / "memory.stat", cache_key))


def _own_cgroups(proc: Path) -> dict[str, str]:
    """This process's cgroup path per controller ('' for cgroup v2) from /proc/self/cgroup."""
    try:
        lines = (proc / "self" / "cgroup").read_text().splitlines()
    except OSError:
        return {}
    own = {}
    for line in lines:
        parts = line.split(":", 2)
        if len(parts) == 3:
            for controller in parts[1].split(","):
                own[controller] = parts[2]
    return own


def _stat_value(path: Path, key: str) -> int:
    try:
        for line in path.read_text().splitlines():
            name, _, value = line.partition(" ")
            if name == key:
                return int(value)
    except (OSError, ValueError):
        pass
    return 0
