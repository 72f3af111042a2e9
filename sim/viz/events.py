"""Events a trainer can inject into a running community, made through the model's own methods.

Four events, each a small function of the model (and the day it happens on):

- campaign burst (投放活动): temporary growth officers join the team for `BURST_DAYS` days (their
  contract ends by itself), so the day's campaign budget is multiplied while the burst lasts
  (under the `none` acquisition policy there is no budget to multiply);
- an expert leaves (专家离开): the most skilled expert leaves the staff; the remaining experts share
  the content calendar, so with one expert the content stops;
- a spam wave (垃圾广告潮): spam posts land in the groups as unresolved incidents, so toxicity
  rises (and fades as the backlog clears), and every member's engagement drops; moderators soften
  both;
- a big offline event (线下活动): attendees (drawn by engagement) come back more engaged and meet
  each other, which adds ties among them.

An `EventBook` keeps the log (day, kind) for markers on charts and animations; each event is also
noted in the model's own log. Staff join and leave through `model.hire` and `model.let_go`, members
change through `model.adjust_engagement` and `model.add_ties`, spam through `model.add_incidents`, so the staff roster, checkpoints and
the recorded series see them as they see any other change. Sizes of the effects are assumptions
chosen to be visible in a class, not estimates.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.agents import Expert, GrowthOfficer, Moderator
from sim.viz.lang import BOTH, pick, pick_text

BURST_DAYS = 7
BURST_EXTRA_OFFICERS = 4  # the burst multiplies the campaign budget by (n + 4) / n; assumption
SPAM_ENGAGEMENT_DROP = 0.3  # share of engagement lost without moderators; assumption
# Spam posts per 100 members left unresolved without moderators: 4 per 100 is twice the level at
# which toxicity reaches 63% (moderation.tolerance_incidents_per_100_members); assumption.
SPAM_INCIDENTS_PER_100_MEMBERS = 4.0
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
    note: str  # what it did, "中文 / English"

    @property
    def label(self) -> str:
        """Bilingual label, e.g. '线下活动 offline event'."""
        return self.label_in(BOTH)

    def label_in(self, lang: str) -> str:
        """The label in 中文, English or both (sim/viz/lang.py)."""
        return pick(*LABELS[self.kind], lang)

    def text(self, lang: str = BOTH) -> str:
        """'线下活动 offline event — 12 人参加 ... / 12 attended; ...' in the language asked for."""
        return f"{self.label_in(lang)} — {pick_text(self.note, lang)}"


@dataclass
class EventBook:
    """The events injected into one model.

    Args:
        seed: seed of the events' own random generator (who attends, who meets whom).
    """

    seed: int = 0
    log: list[EventRecord] = field(default_factory=list)

    def __post_init__(self):
        self.rng = np.random.default_rng([self.seed, 7_000_001])

    def inject(self, model, kind: str) -> EventRecord:
        """Make event `kind` happen now (after the model's current day); returns its record."""
        if kind not in LABELS:
            raise ValueError(f"unknown event {kind!r}: choose one of {', '.join(LABELS)}")
        act = {
            "campaign": campaign_burst,
            "expert_leaves": expert_leaves,
            "spam_wave": spam_wave,
            "offline_event": lambda m: offline_event(m, self.rng),
        }[kind]
        record = EventRecord(int(model.day), kind, act(model))
        self.log.append(record)
        model.note("injected", record.label, {"event": kind, "note": record.note})
        return record


def campaign_burst(model) -> str:
    """Temporary growth officers, without a budget cap of their own, for BURST_DAYS days."""
    for _ in range(BURST_EXTRA_OFFICERS):
        model.hire(GrowthOfficer, budget_cap=0.0, until_day=model.day + BURST_DAYS, log=False)
    return (
        f"增加 {BURST_EXTRA_OFFICERS} 名增长专员, 为期 {BURST_DAYS} 天 / "
        f"{BURST_EXTRA_OFFICERS} extra growth officers for {BURST_DAYS} days"
    )


def expert_leaves(model) -> str:
    """The most skilled expert leaves the staff; returns what happened."""
    experts = model.roster(Expert)
    if not experts:
        return "没有专家可离开 / no expert left to leave"
    star = max(experts, key=lambda e: e.skill)
    model.let_go(star)
    left = len(experts) - 1
    return (
        f"技能 {star.skill:.2f} 的专家离开, 还剩 {left} 位 / "
        f"expert with skill {star.skill:.2f} left; {left} remain"
    )


def spam_wave(model, drop: float = SPAM_ENGAGEMENT_DROP) -> str:
    """Spam floods the groups: unresolved incidents raise toxicity and every member loses a share
    of engagement; each moderator halves, thirds, ... both.

    Before this the wave only cut engagement, so the toxicity chart (which follows the incident
    backlog) stayed at 0 after a spam wave.
    """
    softened = 1 + len(model.roster(Moderator))
    effective = drop / softened
    members = int(model.state.count.members)
    model.add_incidents(SPAM_INCIDENTS_PER_100_MEMBERS * members / 100.0 / softened)
    model.adjust_engagement(model.table.member_rows(), factor=1.0 - effective)
    toxicity = model.state.toxicity
    return (
        f"成员参与度下降 {effective:.0%}, 毒性 {toxicity:.0%} / "
        f"members lost {effective:.0%} of their engagement; toxicity {toxicity:.0%}"
    )


def offline_event(model, rng: np.random.Generator, share: float = OFFLINE_SHARE) -> str:
    """Engaged members meet offline: their engagement rises and they make friends among themselves."""
    table = model.table
    members = model.backend.to_numpy(table.member_rows())
    n_attend = min(len(members), max(OFFLINE_MIN_ATTENDEES, int(round(share * len(members)))))
    if n_attend < 2:
        return "成员太少, 办不了线下活动 / too few members for an offline event"
    weight = model.backend.to_numpy(table.engagement[members]).astype(np.float64) + 1e-6
    attendees = rng.choice(members, size=n_attend, replace=False, p=weight / weight.sum())
    model.adjust_engagement(attendees, add=OFFLINE_BOOST)
    src = np.repeat(attendees, OFFLINE_TIES_PER_ATTENDEE)
    dst = rng.choice(attendees, size=len(src))
    ties = model.add_ties(src, dst)
    return f"{n_attend} 人参加, 新增 {ties} 条关系 / {n_attend} attended; {ties} new ties"
