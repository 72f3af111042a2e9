"""The social graph of the addressable population: networkx in, CSR inside, networkx out.

Every person who could ever join is a node; who is a member is a mask over the nodes kept by the
member table. Inside the simulation the graph is a symmetric CSR adjacency with int32 indices (the
hot paths only count active friends and pick random friends). Generators that networkx runs fast
enough at the sizes we use are taken from networkx; the small-world and block-model generators are
vectorised here so that million-node populations build in seconds. A user's own edge list or
GraphML file is read and relabelled to 0..n-1, keeping the original node names.
"""

from __future__ import annotations

import copy
import sys
from collections import deque
from decimal import Decimal, InvalidOperation
from pathlib import Path

import networkx as nx
import numpy as np
import scipy.sparse as sp

from sim.backend import to_host, xp_of
from sim.config import ConfigError, NetworkConfig
from sim.rng import RngStreams

# Count a few rows' active friends by reading their friend lists while those hold fewer than
# 1/GATHER_SHARE of all ties; beyond, the mat-vec's streaming read is faster (a gathered tie costs
# about ten times a tie of the mat-vec: benchmarks/bench_gather.py, docs/performance.md).
GATHER_SHARE = 10


def _owners(counts, ends, total: int, xp, search: bool | None = None):
    """For each of `total` gathered slots, the index of the segment it belongs to.

    numpy repeats; on the GPU (or with `search=True`) a binary search over the segment ends
    does the same, because cupy.repeat wants the counts on the host.
    """
    if not (xp is not np if search is None else search):
        return np.repeat(np.arange(len(counts)), counts)
    return xp.searchsorted(ends, xp.arange(total), side="right")


class SocialGraph:
    """A symmetric, unweighted social graph in CSR form (or an implicit complete graph).

    Args:
        n: number of people.
        indptr, indices: CSR structure (row i's friends are indices[indptr[i]:indptr[i+1]]).
        complete: True for the implicit complete graph (no arrays are stored).
        segment: optional segment (community block) of every person.
        labels: optional original node names (for graphs read from files).
    """

    def __init__(self, n, indptr=None, indices=None, complete=False, segment=None, labels=None):
        self.n = int(n)
        self.complete = complete
        self.segment = segment
        self.labels = labels
        self.host = self  # the numpy copy (a device copy made by `on` points back here)
        self._degree_range = None  # (fewest, most) friends of anyone, found on first use
        if complete:
            self.indptr = self.indices = None
            self._adj = None
            return
        self.indptr = np.asarray(indptr, dtype=np.int64 if indptr[-1] > 2**31 - 1 else np.int32)
        self.indices = np.asarray(indices, dtype=np.int32)
        data = np.ones(len(self.indices), dtype=np.float32)
        self._adj = sp.csr_array((data, self.indices, self.indptr), shape=(self.n, self.n))

    def on(self, backend) -> SocialGraph:
        """This graph on `backend`'s device (itself for numpy; a CuPy copy, made once, for the GPU)."""
        if backend.name == "cpu" or self.host is not self:
            return self
        if getattr(self, "_device", None) is None:
            dev = copy.copy(self)
            xp = backend.xp
            if not self.complete:
                dev.indptr, dev.indices = xp.asarray(self.indptr), xp.asarray(self.indices)
                data = xp.ones(len(self.indices), dtype=xp.float32)
                dev._adj = backend.sparse.csr_matrix((data, dev.indices, dev.indptr), shape=(self.n, self.n))
            dev._device = None
            self._device = dev
        return self._device

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def from_edges(cls, n: int, src: np.ndarray, dst: np.ndarray, **kwargs) -> SocialGraph:
        """Build from an undirected edge list; self-loops and duplicate edges are dropped.

        Every step is a linear pass in compiled code (no global sort): the upper triangle is
        built as CSR by scipy's counting scatter, duplicates are merged row by row, and its
        transpose (the lower triangle) comes from a second counting scatter. Row i then lists
        its lower friends and then its upper friends, so every row is sorted.
        """
        idx = np.int32 if n <= 2**31 - 1 else np.int64
        src, dst = np.asarray(src), np.asarray(dst)
        keep = src != dst
        lo = np.minimum(src, dst)[keep].astype(idx, copy=False)
        hi = np.maximum(src, dst)[keep].astype(idx, copy=False)
        del keep
        upper = sp.coo_array((np.ones(len(lo), dtype=np.int8), (lo, hi)), shape=(n, n)).tocsr()
        del lo, hi
        upper.sum_duplicates()  # sorts each row and merges repeated ties
        lower = upper.tocsc()  # the same ties column by column: the transpose, as CSR arrays
        deg_up, deg_lo = np.diff(upper.indptr), np.diff(lower.indptr)
        indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(deg_up + deg_lo, out=indptr[1:])
        indices = np.empty(int(indptr[-1]), dtype=idx)
        for part, deg, before in ((lower, deg_lo, None), (upper, deg_up, deg_lo)):
            rows = np.repeat(np.arange(n, dtype=idx), deg)
            pos = np.arange(len(part.indices), dtype=np.int64) - part.indptr[rows] + indptr[rows]
            if before is not None:  # upper friends come after the row's lower friends
                pos += before[rows]
            indices[pos] = part.indices
            del rows, pos
        return cls(n, indptr, indices, **kwargs)

    @classmethod
    def from_networkx(cls, graph: nx.Graph) -> SocialGraph:
        """Build from any networkx graph; nodes are numbered in the graph's node order."""
        nodes = list(graph.nodes())
        index = {node: i for i, node in enumerate(nodes)}
        edges = np.array([(index[u], index[v]) for u, v in graph.edges()], dtype=np.int64).reshape(-1, 2)
        labels = None if nodes == list(range(len(nodes))) else np.array([str(x) for x in nodes])
        return cls.from_edges(len(nodes), edges[:, 0], edges[:, 1], labels=labels)

    # -- queries used by the mechanics --------------------------------------------------------

    @property
    def degree(self) -> np.ndarray:
        """Number of friends of every person."""
        if self.complete:
            return np.full(self.n, self.n - 1, dtype=np.int64)
        return self.indptr[1:] - self.indptr[:-1]

    @property
    def n_edges(self) -> int:
        """Number of undirected edges."""
        if self.complete:
            return self.n * (self.n - 1) // 2
        return len(self.indices) // 2

    def count_among(self, rows, flag):
        """For each person in `rows`, how many of their friends have `flag` set (float32).

        Reads only the friend lists of `rows` (members, in a large population a small share of
        all ties), so the cost follows the community, not the population; when `rows` hold more
        than a tenth of the ties, the mat-vec's streaming read is faster and gives the same counts.
        """
        xp = xp_of(rows)
        if self.complete:
            return (int(xp.count_nonzero(flag)) - flag[rows]).astype(xp.float32)
        if not len(rows):
            return xp.zeros(0, dtype=xp.float32)
        if self._mat_vec_pays(rows):
            return (self._adj @ flag.astype(xp.float32))[rows]
        return self._gather_count(rows, flag)

    def _mat_vec_pays(self, rows) -> bool:
        """Whether `rows` hold more than 1/GATHER_SHARE of the ties. The degree range bounds their
        ties from both sides, so they are summed only when the bounds leave it open."""
        if self._degree_range is None:
            degree = self.indptr[1:] - self.indptr[:-1]
            self._degree_range = (int(degree.min()), int(degree.max())) if self.n else (0, 0)
        fewest, most = self._degree_range
        ties = len(self.indices)
        if len(rows) * fewest * GATHER_SHARE > ties:
            return True
        if len(rows) * most * GATHER_SHARE <= ties:
            return False
        return int(self.indptr[rows + 1].sum() - self.indptr[rows].sum()) * GATHER_SHARE > ties

    def _gather_count(self, rows, flag):
        """count_among by reading the friend lists of `rows` (whatever share of ties they hold)."""
        xp = xp_of(rows)
        owner, friend, _ = self.ties_of(rows)
        return xp.bincount(owner, weights=flag[friend], minlength=len(rows)).astype(xp.float32)

    def ties_of(self, rows):
        """Every tie of the people in `rows`: (owner, friend, tie) arrays, one entry per tie, where
        owner indexes `rows`, friend is the friend's row and tie the tie's position in the CSR (a
        stable number for the directed tie, used to key its random draws). Not for the implicit
        complete graph."""
        xp = xp_of(rows)
        if not len(rows) or not len(self.indices):
            empty = xp.zeros(0, dtype=xp.int64)
            return empty, empty, empty
        start = self.indptr[rows].astype(xp.int64)
        deg = self.indptr[rows + 1] - start
        ends = xp.cumsum(deg)
        total = int(ends[-1])
        owner = _owners(deg, ends, total, xp)
        tie = start[owner] + xp.arange(total) - (ends - deg)[owner]
        return owner, self.indices[tie].astype(xp.int64), tie

    def random_neighbour(self, rows, u):
        """One uniformly chosen friend of each person in `rows` (u: uniforms in [0, 1)); -1 if none."""
        xp = xp_of(rows)
        if self.complete:
            pick = (u * (self.n - 1)).astype(xp.int64)
            return pick + (pick >= rows)  # skip oneself
        start = self.indptr[rows]
        deg = self.indptr[rows + 1] - start
        if not len(self.indices):  # a graph without ties: nobody has a friend
            return xp.full(len(rows), -1, dtype=xp.int64)
        offset = xp.minimum((u * deg).astype(xp.int64), xp.maximum(deg - 1, 0))
        # a friendless person's slot is the next row's first (past the end for the last row):
        # clamped to a valid read, then replaced by -1
        out = self.indices[xp.minimum(start + offset, len(self.indices) - 1)].astype(xp.int64)
        out[deg == 0] = -1
        return out

    def neighbours(self, i: int) -> np.ndarray:
        """Friends of person `i` (a host array)."""
        if self.complete:
            return np.delete(np.arange(self.n), i)
        h = self.host
        return h.indices[h.indptr[i] : h.indptr[i + 1]]

    def to_networkx(self, mask: np.ndarray | None = None) -> nx.Graph:
        """The graph (or the subgraph induced by `mask`, e.g. today's members) as networkx."""
        if self.host is not self:  # a device copy: snapshots are taken from the host arrays
            return self.host.to_networkx(None if mask is None else to_host(mask))
        nodes = np.arange(self.n) if mask is None else np.flatnonzero(mask)
        g = nx.Graph()
        g.add_nodes_from(nodes.tolist())
        if self.complete:
            if len(nodes) > 20_000:
                raise ValueError("refusing to materialise a complete graph of more than 20,000 nodes")
            g.add_edges_from((int(a), int(b)) for k, a in enumerate(nodes) for b in nodes[k + 1 :])
            return g
        rows = np.repeat(np.arange(self.n), self.degree)
        keep = rows < self.indices
        if mask is not None:
            keep &= mask[rows] & mask[self.indices]
        g.add_edges_from(zip(rows[keep].tolist(), self.indices[keep].tolist(), strict=True))
        return g

    def breadth_first(self, start: int, count: int) -> list[int]:
        """Up to `count` people reached breadth-first from `start` (a circle of friends)."""
        seen, order, queue = {start}, [start], deque([start])
        while queue and len(order) < count:
            for j in self.neighbours(queue.popleft()).tolist():
                if j not in seen:
                    seen.add(j)
                    order.append(j)
                    queue.append(j)
                    if len(order) >= count:
                        break
        return order


# -- generators ---------------------------------------------------------------------------------


def small_world(n: int, mean_degree: int, p_rewire: float, rng: np.random.Generator) -> SocialGraph:
    """Watts-Strogatz: a ring where each person knows mean_degree/2 neighbours on each side, with
    each tie rewired to a random person with probability p_rewire (vectorised; rare duplicate ties
    created by rewiring are dropped)."""
    return SocialGraph.from_edges(n, *_small_world_edges(n, mean_degree, p_rewire, rng))


def _small_world_edges(n: int, mean_degree: int, p_rewire: float, rng: np.random.Generator):
    half = max(1, mean_degree // 2)
    idx = np.int32 if n + half < 2**31 else np.int64  # int32 halves the build's memory
    src = np.repeat(np.arange(n, dtype=idx), half)
    dst = (src + np.tile(np.arange(1, half + 1, dtype=idx), n)) % n
    rewire = rng.random(len(src)) < p_rewire
    dst[rewire] = rng.integers(0, n, int(rewire.sum()))
    return src, dst


def equal_segments(n: int, n_segments: int) -> np.ndarray:
    """Every person's segment: `n_segments` consecutive blocks of (nearly) equal size."""
    return (np.arange(n, dtype=np.int64) * n_segments // n).astype(np.int32)


def segmented(n: int, n_segments: int, mixing: float, edges_of, rng: np.random.Generator) -> SocialGraph:
    """A population of `n_segments` audiences (cities, interest circles, customer bases), each
    its own graph, with a share `mixing` of ties reaching into another segment.

    Each segment's ties come from `edges_of(size, segment_index)` (the kind's generator on that
    segment alone, numbered from 0); then each tie, with chance `mixing`, has its far end moved to
    a random person of another segment. Degrees stay as generated, so the kind's shape (heavy
    tails, clustering) holds within each segment.
    """
    segment = equal_segments(n, n_segments)
    sizes = np.bincount(segment, minlength=n_segments)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    srcs, dsts = [], []
    for b in range(n_segments):
        src, dst = edges_of(int(sizes[b]), b)
        srcs.append(np.asarray(src, dtype=np.int64) + starts[b])
        dsts.append(np.asarray(dst, dtype=np.int64) + starts[b])
    src, dst = np.concatenate(srcs), np.concatenate(dsts)
    cross = np.flatnonzero(rng.random(len(src)) < mixing)
    other = (segment[src[cross]] + rng.integers(1, n_segments, len(cross))) % n_segments
    dst[cross] = starts[other] + (rng.random(len(cross)) * sizes[other]).astype(np.int64)
    return SocialGraph.from_edges(n, src, dst, segment=segment)


def _networkx_edges(graph: nx.Graph):
    edges = np.array(graph.edges(), dtype=np.int64).reshape(-1, 2)
    return edges[:, 0], edges[:, 1]


def block_model(n: int, mean_degree: int, n_segments: int, mixing: float, rng) -> SocialGraph:
    """Stochastic block model with equal segments: a person has on average mean_degree ties, a
    share `mixing` of them outside their own segment (sparse sampling of random pairs)."""
    segment = equal_segments(n, n_segments)
    sizes = np.bincount(segment, minlength=n_segments)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    srcs, dsts = [], []
    n_within = rng.poisson((1 - mixing) * mean_degree * sizes / 2)
    for b in range(n_segments):
        srcs.append(starts[b] + rng.integers(0, sizes[b], n_within[b]))
        dsts.append(starts[b] + rng.integers(0, sizes[b], n_within[b]))
    if n_segments > 1:
        n_between = rng.poisson(mixing * mean_degree * n / 2)
        a = rng.integers(0, n, n_between)
        b = rng.integers(0, n, n_between)
        cross = segment[a] != segment[b]
        srcs.append(a[cross])
        dsts.append(b[cross])
    return SocialGraph.from_edges(n, np.concatenate(srcs), np.concatenate(dsts), segment=segment)


def read_graph_file(path_text: str) -> SocialGraph:
    """Read an edge list (two node names per line, whitespace or comma separated, '#' comments)
    or a GraphML file. Raises ConfigError with one line on a missing or malformed file, and on
    input that could be read more than one way: names that are the same number written two ways
    ('1' and '1.0': one person or two?), an edge list's extra columns (weights, or names with
    spaces), GraphML ties of different weights (the social graph has none)."""
    path = Path(path_text).expanduser()
    key = f"network.path = {path_text!r}"
    if not path.is_file():
        raise ConfigError(f"{key}: no such file")
    if path.suffix.lower() == ".graphml":
        try:
            graph = nx.read_graphml(path)
        except Exception as exc:  # networkx raises several parser errors
            raise ConfigError(f"{key}: not a readable GraphML file ({type(exc).__name__}: {exc})") from None
        _refuse_different_weights(graph, key)
        graph, first_line = nx.Graph(graph), None
    else:
        graph, first_line = _read_edge_list(path, key)
    _refuse_numbers_written_two_ways(graph, first_line, key)
    if graph.number_of_nodes() < 2 or graph.number_of_edges() - nx.number_of_selfloops(graph) == 0:
        raise ConfigError(f"{key}: the graph has {graph.number_of_nodes()} node(s) and no usable ties")
    return SocialGraph.from_networkx(graph)


def _read_edge_list(path: Path, key: str) -> tuple[nx.Graph, dict[str, int]]:
    """The edge list as a graph, and the line each name first appears on."""
    graph, first_line = nx.Graph(), {}
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"{key}: not UTF-8 text; an edge list has two node names per line") from None
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.replace(",", " ").split()
        if len(parts) < 2:
            raise ConfigError(f"{key}: line {number} has {len(parts)} column(s); an edge list needs two node names per line")
        if len(parts) > 2 and parts[2:] != ["{}"]:  # "{}": networkx's write_edgelist, no attributes
            raise ConfigError(
                f"{key}: line {number} has {len(parts)} columns ({line!r}); an edge list has two node names per "
                "line, without spaces, and ties carry no weights here: keep only the first two columns"
            )
        graph.add_edge(parts[0], parts[1])
        first_line.setdefault(parts[0], number)
        first_line.setdefault(parts[1], number)
    return graph, first_line


def _refuse_numbers_written_two_ways(graph: nx.Graph, first_line: dict[str, int] | None, key: str) -> None:
    """Refuse names that read as the same number ('1', '1.0', '01'): one person or two?"""
    seen: dict[Decimal, str] = {}
    for name in graph.nodes():
        try:
            value = Decimal(name)
        except (InvalidOperation, TypeError, ValueError):
            continue
        if not value.is_finite():
            continue
        other = seen.setdefault(value, name)
        if other != name:
            where = (lambda n: f"{n!r} (line {first_line[n]})") if first_line else repr
            raise ConfigError(
                f"{key}: node names {where(other)} and {where(name)} read as the same number; "
                "write each person's name one way"
            )


def _refuse_different_weights(graph: nx.Graph, key: str) -> None:
    """Refuse GraphML ties of different weights (the same weight on every tie loses nothing)."""
    weights = {d["weight"] for _, _, d in graph.edges(data=True) if "weight" in d}
    if len(weights) > 1:
        one, another = sorted(weights, key=repr)[:2]
        raise ConfigError(
            f"{key}: ties carry different weights ({one!r}, {another!r}, ...); the social graph has no weights: "
            "remove the weight attribute to read every tie alike"
        )


def build_graph(cfg: NetworkConfig, streams: RngStreams) -> SocialGraph:
    """The social graph a config asks for, seeded from the run's `network` stream.

    A generated graph can come out without a single tie (segments of one person with nothing
    crossing them, or a tiny graph whose few ties were all rewired onto their own ends): it is
    used as it is, and a one-line note says that word of mouth has nowhere to go, since the
    run's results would otherwise not show why.
    """
    if cfg.kind == "file":
        return read_graph_file(cfg.path)
    graph = _generate(cfg, streams)
    if graph.n_edges == 0:
        print(
            f"note: network: the {cfg.kind} graph of {graph.n:,} people has no ties (mean_degree = "
            f"{cfg.mean_degree}{_shape(cfg)}): nobody has a friend to invite or to draw in",
            file=sys.stderr,
        )
    return graph


def _shape(cfg: NetworkConfig) -> str:
    segments = f", n_segments = {cfg.n_segments}, segment_mixing = {cfg.segment_mixing}" if cfg.n_segments > 1 else ""
    if cfg.kind == "small_world":
        return f", p_rewire = {cfg.p_rewire}{segments}"
    return segments


def _generate(cfg: NetworkConfig, streams: RngStreams) -> SocialGraph:
    n, k = cfg.n_people, cfg.mean_degree
    if cfg.kind == "complete":  # segments are audiences only: word of mouth reaches everyone
        return SocialGraph(n, complete=True, segment=equal_segments(n, cfg.n_segments) if cfg.n_segments > 1 else None)
    if cfg.kind == "sbm":
        return block_model(n, k, cfg.n_segments, cfg.segment_mixing, streams.setup("network"))
    if cfg.kind not in ("small_world", "holme_kim", "scale_free"):
        raise ConfigError(f"network.kind = {cfg.kind!r} is not a known graph")
    m = max(1, k // 2)  # each newcomer to the graph brings m ties: mean degree ~ 2m
    if cfg.n_segments == 1:  # one audience: the kind's generator on everyone
        if cfg.kind == "small_world":
            return small_world(n, k, cfg.p_rewire, streams.setup("network"))
        seed = streams.int_seed("network")
        if cfg.kind == "holme_kim":
            return SocialGraph.from_networkx(nx.powerlaw_cluster_graph(n, m, cfg.p_triangle, seed=seed))
        return SocialGraph.from_networkx(nx.barabasi_albert_graph(n, m, seed=seed))
    rng = streams.setup("network")
    seeds = rng.integers(0, 2**31 - 1, cfg.n_segments)

    def edges_of(size: int, b: int):
        if cfg.kind == "small_world":
            return _small_world_edges(size, k, cfg.p_rewire, np.random.default_rng(seeds[b]))
        if size <= m:  # too small for the generator: a circle of friends
            return np.arange(size - 1), np.arange(1, size)
        if cfg.kind == "holme_kim":
            return _networkx_edges(nx.powerlaw_cluster_graph(size, m, cfg.p_triangle, seed=int(seeds[b])))
        return _networkx_edges(nx.barabasi_albert_graph(size, m, seed=int(seeds[b])))

    return segmented(n, cfg.n_segments, cfg.segment_mixing, edges_of, rng)
