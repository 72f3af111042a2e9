"""Events a trainer can inject into a running community, acting on the model's public state.

Four events, each a small function of the model (and the day it happens on):

- campaign burst (投放活动): temporary growth officers join the team for `days`, so the day's
  campaign budget is multiplied while the burst lasts (under the `none` acquisition policy there
  is no budget to multiply);
- an expert leaves (专家离开): the most skilled expert stops publishing and leaves the staff; the
  remaining experts share the content calendar, so with one expert the content stops;
- a spam wave (垃圾广告潮): every member's engagement drops; moderators soften the blow;
- a big offline event (线下活动): attendees (drawn by engagement) come back more engaged and meet
  each other, which adds ties among them (to the model's interaction ties where it keeps them,
  else to a copy of the social graph).

An `EventBook` keeps the log (day, kind) for markers on charts and animations and takes the
temporary staff away when their time is up (call `before_day` before each step). Sizes of the
effects are assumptions chosen to be visible in a class, not estimates.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.agents import GrowthOfficer
from sim.network import SocialGraph

BURST_DAYS = 7
BURST_EXTRA_OFFICERS = 4  # the burst multiplies the campaign budget by (n + 4) / n; assumption
SPAM_ENGAGEMENT_DROP = 0.3  # share of engagement lost without moderators; assumption
OFFLINE_SHARE = 0.1  # share of members who attend; assumption
OFFLINE_MIN_ATTENDEES = 5  # a meet-up is at least this many (all members if fewer); assumption
OFFLINE_BOOST = 0.25  # engagement gained by attendees; assumption
OFFLINE_TIES_PER_ATTENDEE = 3  # new acquaintances each attendee makes; assumption

LABELS = {
    "campaign": ("投放活动", "campaign burst"),
    "expert_leaves": ("专家离开", "an expert leaves"),
    "spam_wave": ("垃圾广告潮", "spam wave"),
    "offline_event": ("线下活动", "offline event"),
}


@dataclass(frozen=True)
class EventRecord:
    """One injected event: the day it happened after, its kind and what it did."""

    day: int
    kind: str
    note: str

    @property
    def label(self) -> str:
        """Bilingual label, e.g. '线下活动 offline event'."""
        zh, en = LABELS[self.kind]
        return f"{zh} {en}"


@dataclass
class EventBook:
    """The events injected into one model, and the temporary staff still on duty.

    Args:
        seed: seed of the events' own random generator (who attends, who meets whom).
    """

    seed: int = 0
    log: list[EventRecord] = field(default_factory=list)
    _temporary: list[tuple[int, GrowthOfficer]] = field(default_factory=list)

    def __post_init__(self):
        self.rng = np.random.default_rng([self.seed, 7_000_001])

    def inject(self, model, kind: str) -> EventRecord:
        """Make event `kind` happen now (after the model's current day); returns its record."""
        if kind not in LABELS:
            raise ValueError(f"unknown event {kind!r}: choose one of {', '.join(LABELS)}")
        act = {
            "campaign": self._campaign,
            "expert_leaves": expert_leaves,
            "spam_wave": spam_wave,
            "offline_event": lambda m: offline_event(m, self.rng),
        }[kind]
        record = EventRecord(int(model.day), kind, act(model))
        self.log.append(record)
        log_event = getattr(model, "log_event", None)
        if log_event is not None:  # the model's own log of what happened, where it keeps one
            log_event("injected", record.label, {"event": kind, "note": record.note})
        return record

    def before_day(self, model) -> None:
        """Send home the temporary growth officers whose burst is over."""
        keep = []
        for last_day, officer in self._temporary:
            if model.day + 1 > last_day:
                if (
                    officer in model.growth_officers
                ):  # a playbook switch may have let them go already
                    model.growth_officers.remove(officer)
                    officer.remove()
            else:
                keep.append((last_day, officer))
        self._temporary = keep

    def _campaign(self, model) -> str:
        cap = 0.0  # no cap on the burst's own spend
        for _ in range(BURST_EXTRA_OFFICERS):
            officer = GrowthOfficer(model, cap)
            model.growth_officers.append(officer)
            self._temporary.append((model.day + BURST_DAYS, officer))
        return f"{BURST_EXTRA_OFFICERS} extra growth officers for {BURST_DAYS} days"


def expert_leaves(model) -> str:
    """The most skilled expert leaves the staff; returns what happened."""
    if not model.experts:
        return "no expert left to leave"
    star = max(model.experts, key=lambda e: e.skill)
    model.experts.remove(star)
    star.remove()
    return f"expert with skill {star.skill:.2f} left; {len(model.experts)} remain"


def spam_wave(model, drop: float = SPAM_ENGAGEMENT_DROP) -> str:
    """Every member loses a share of engagement; each moderator halves, thirds, ... the loss."""
    effective = drop / (1 + len(model.moderators))
    members = model.table.is_member
    model.table.engagement[members] *= np.float32(1.0 - effective)
    return f"members lost {effective:.0%} of their engagement"


def offline_event(model, rng: np.random.Generator, share: float = OFFLINE_SHARE) -> str:
    """Engaged members meet offline: their engagement rises and they make friends among themselves."""
    table = model.table
    members = np.flatnonzero(table.is_member)
    n_attend = min(len(members), max(OFFLINE_MIN_ATTENDEES, int(round(share * len(members)))))
    if n_attend < 2:
        return "too few members for an offline event"
    weight = table.engagement[members].astype(np.float64) + 1e-6
    attendees = rng.choice(members, size=n_attend, replace=False, p=weight / weight.sum())
    table.engagement[attendees] = np.minimum(1.0, table.engagement[attendees] + OFFLINE_BOOST)
    src = np.repeat(attendees, OFFLINE_TIES_PER_ATTENDEE)
    dst = rng.choice(attendees, size=len(src))
    ties = getattr(model, "ties", None)
    if ties is not None:  # the model keeps ties formed inside the community: add to them
        added = ties.add(src, dst)
    elif not model.graph.complete:
        before = model.graph.n_edges
        model.graph = with_ties(model.graph, src, dst)
        added = model.graph.n_edges - before
    else:
        added = 0
    return f"{n_attend} attended; {added} new ties"


def with_ties(graph: SocialGraph, src: np.ndarray, dst: np.ndarray) -> SocialGraph:
    """A copy of `graph` with the extra undirected ties src[i]-dst[i] (duplicates and loops dropped)."""
    rows = np.repeat(np.arange(graph.n), graph.degree)
    old = rows < graph.indices
    all_src = np.concatenate([rows[old], np.asarray(src, dtype=np.int64)])
    all_dst = np.concatenate([graph.indices[old].astype(np.int64), np.asarray(dst, dtype=np.int64)])
    return SocialGraph.from_edges(
        graph.n, all_src, all_dst, segment=graph.segment, labels=graph.labels
    )
