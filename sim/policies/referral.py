"""Referral policy (裂变): who shares the community with their contacts, how eagerly, what a join pays.

The word-of-mouth mechanic (sim/mechanics/referral.py) carries each share along the sharer's ties;
the policy answers how likely each active member is to share today, credits inviters for the
friends who join, and, for `fission`, runs time-limited poster campaigns with an invite-N-to-unlock
reward (任务宝).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.backend import xp_of
from sim.population import MemberTable
from sim.schema import param


@dataclass(frozen=True)
class ReferralPolicyConfig:
    """Referral / fission (裂变) policy."""

    name: str = param(
        "open_invite", help="none, open_invite, reward_per_join or fission",
        source="setting: the referral policy; open invitations (老带新, nothing paid) by default",
    )
    p_invite_per_day: float = param(
        0.0325, lo=0.0, hi=1.0,
        help="chance a fully engaged active member shares the community with their contacts on a day",
        source="calibrated with newcomer_invite_multiplier: a fully engaged member past their first days "
        "mentions the group to their contacts about once in 30 visits (x engagement). The pair was chosen by "
        "a grid search on the default scenario (brand_community, seeds 0-4; p_invite_per_day x multiplier "
        "from 0.015-0.04 x 10-50) to put 80% of first invitations within 5 days of joining (Qiu et al. 2016, "
        "WWW: WeChat groups; docs/validation.md, invitation_timing: 81% pooled, against 47% with the earlier "
        "0.06 x 5) while keeping the referral share of joins (about 27%, as before) and so a referral "
        "K-factor (referral joins per member who ever joined) of about 0.3, inside the 0.1-0.4 vendors quote "
        "for B2B programmes (weak), and the single-member trees of Goel, Watts & Goldstein 2012 (about 91%; "
        "docs/validation.md, referral_cascades)",
    )
    newcomer_invite_days: int = param(
        5, lo=0, hi=10_000, help="days after joining during which a member shares more eagerly",
        source="Qiu et al. 2016 (WeChat groups): 80% of a member's first invitations happen within 5 "
        "days of joining",
    )
    newcomer_invite_multiplier: float = param(
        25.0, lo=0.0, hi=1000.0, help="share chance x this in a member's first newcomer_invite_days days",
        source="calibrated to Qiu et al. 2016 (WeChat groups: 80% of a member's first invitations within 5 "
        "days of joining) with p_invite_per_day, by a grid search on the default scenario (seeds 0-4; "
        "share of first invitations within 5 days / referral share of joins): 0.03 x 25: 80% / 24.5%; "
        "0.0325 x 25: 81% / 27.5%; 0.03 x 30: 84% / 27.1%; 0.035 x 20: 77% / 26.4%; 0.035 x 25: 82% / "
        "29.9%; 0.06 x 5 (before): 47% / 26.1%. A fully engaged newcomer shares on about four visits in "
        "five (0.0325 x 25 = 0.81, x engagement): members share a group while it is new to them",
    )
    p_reach_per_tie: float = param(
        0.1, lo=0.0, hi=1.0,
        help="chance a member's share reaches each friend who never joined (per tie, independently)",
        source="assumption: an everyday mention (a chat, a forwarded message) reaches about one friend in "
        "ten; reach grows with the number of friends, as Goel, Watts & Goldstein 2012 find most "
        "adoptions within one degree of a few well-connected spreaders; with p_invite_per_day it puts "
        "the default community's single-member referral trees inside their 70-95% (docs/validation.md, "
        "referral_cascades). A fission poster reaches further (fission_p_reach_per_tie)",
    )
    p_accept: float = param(
        0.15, lo=0.0, hi=1.0, help="chance a reached friend joins after one exposure (before affinity)",
        source="assumption: 15% of reached friends join (before affinity), inside the 10-25% "
        "invite-to-sign-up conversion vendors quote (weak); several friends sharing raise it with "
        "diminishing returns, 1 - (1 - p)^k",
    )
    reward_per_join: float = param(
        0.0, lo=0.0, hi=1e6, help="reward paid to the inviter per join (yuan)",
        source="assumption: nothing is paid unless the policy is reward_per_join; stage_aware then "
        "pays 5 yuan, near the fission subsidy of about 6 yuan per new user practitioners quote "
        "(weak), knowledge_circle 10",
    )
    reward_invite_boost: float = param(
        1.0, lo=0.0, hi=100.0, help="extra invite propensity while rewards are available (x1 + boost)",
        source="Ryu & Feick 2007: offering a referral reward raised referral likelihood, but its size "
        "did not matter in the range tested; size assumption: a reward doubles invitations, whatever "
        "the amount",
    )
    max_rewarded_joins_per_member: int = param(
        10, lo=0, hi=1_000_000, help="cap on rewarded joins per inviter",
        source="assumption: rewards stop after 10 paid joins per member, the kind of cap operators set "
        "against reward farming (薅羊毛)",
    )

    fission_first_day: int = param(
        1, lo=1, hi=100_000, help="fission: day the first poster campaign starts",
        source="assumption: a launch campaign from day one, how many communities start (裂变启动)",
    )
    fission_length_days: int = param(
        14, lo=1, hi=10_000, help="fission: days a campaign runs",
        source="assumption: two weeks, the usual life of a 任务宝 poster campaign before it saturates",
    )
    fission_every_days: int = param(
        0, lo=0, hi=100_000, help="fission: days between campaign starts (0: one campaign only)",
        source="assumption: one launch campaign unless a playbook repeats it",
    )
    fission_share_rate: float = param(
        0.5, lo=0.0, hi=1.0,
        help="fission: chance a member shares the poster on their first visit during a campaign "
        "(newcomers get the task when they join)",
        source="assumption: half of those who see the task share the poster once, the kind of share "
        "rate task campaigns are run for; Ryu & Feick 2007: offering a reward raises referral "
        "likelihood whatever its size, so the rate does not depend on fission_unlock_reward",
    )
    fission_reshare_per_day: float = param(
        0.2, lo=0.0, hi=1.0, help="fission: daily chance a sharer who has not unlocked the reward shares again on a visit",
        source="assumption: a member short of the invite target posts again now and then (one visit in five)",
    )
    fission_p_reach_per_tie: float = param(
        0.3, lo=0.0, hi=1.0, help="fission: chance the poster reaches each friend who never joined",
        source="assumption: a poster shared to 朋友圈 is seen by about a third of one's contacts, three "
        "times an everyday mention (p_reach_per_tie = 0.1): it is posted to everyone at once",
    )
    fission_p_accept: float = param(
        0.15, lo=0.0, hi=1.0, help="fission: chance a reached contact joins after one exposure (before affinity)",
        source="assumption: as p_accept, inside the 10-25% invite-to-sign-up conversion vendors quote (weak)",
    )
    fission_unlock_joins: int = param(
        3, lo=1, hi=10_000, help="fission: joins a member must bring in to unlock the reward (invite-N-to-unlock)",
        source="assumption: invite three friends to unlock, a common 任务宝 target",
    )
    fission_unlock_reward: float = param(
        20.0, lo=0.0, hi=1e6, help="fission: cost of one unlocked reward (yuan)",
        source="assumption: a 20-yuan gift (a course, a sample) for three joins, about 7 yuan per new "
        "member, near the fission subsidy of about 6 yuan per new user practitioners quote (weak)",
    )
    fission_fatigue: float = param(
        0.6, lo=0.0, hi=1.0, help="fission: share rate of each campaign relative to the one before (x)",
        source="assumption: members tire of repeated poster tasks: each new campaign gets 60% of the "
        "previous one's shares",
    )
    hunter_share: float = param(
        0.25, lo=0.0, hi=1.0, help="fission: share of campaign joiners who come for the reward (羊毛党)",
        source="assumption: a quarter of a task campaign's joiners are reward hunters, who join to help a "
        "friend unlock a gift or to collect one; no source measures the share",
    )
    hunter_engagement: float = param(
        0.1, lo=0.0, hi=1.0, help="fission: engagement of a reward hunter on joining",
        source="assumption: reward hunters have no interest in the community itself",
    )
    hunter_leave_per_day: float = param(
        0.08, lo=0.0, hi=1.0, help="fission: daily leaving chance of a reward hunter (at least)",
        source="assumption: reward hunters leave within weeks once the reward is collected (about a "
        "tenth stay a month)",
    )


def _propensity(cfg: ReferralPolicyConfig, table: MemberTable, rows, day: int):
    """p_invite_per_day x engagement, x newcomer_invite_multiplier while the member is new (Qiu et al. 2016)."""
    xp = xp_of(rows)
    new = table.joined_day[rows] > day - cfg.newcomer_invite_days
    p = cfg.p_invite_per_day * table.engagement[rows]
    return xp.minimum(np.float32(1.0), xp.where(new, p * np.float32(cfg.newcomer_invite_multiplier), p))


@dataclass(frozen=True)
class NoReferral:
    """Members do not invite anyone (no fission)."""

    cfg: ReferralPolicyConfig
    invites = False

    def campaign(self, day: int) -> int:
        """The fission campaign running today (1, 2, ...), or 0 for none."""
        return 0

    def invite_propensity(self, table: MemberTable, rows, day: int) -> np.ndarray | float:
        """Chance each member in `rows` shares the community today."""
        return 0.0

    def rewarded(self, table: MemberTable, inviters: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The inviters of today's referral joins who earn rewards (no repeats), and how many each."""
        return inviters[:0], table.rewarded_joins[:0]


@dataclass(frozen=True)
class OpenInvite:
    """Members may invite friends; nothing is paid. Engaged members invite more."""

    cfg: ReferralPolicyConfig
    invites = True

    def campaign(self, day: int) -> int:
        """The fission campaign running today (1, 2, ...), or 0 for none."""
        return 0

    def invite_propensity(self, table: MemberTable, rows, day: int) -> np.ndarray | float:
        """Chance each member in `rows` shares the community today: p_invite_per_day x engagement,
        x newcomer_invite_multiplier in a member's first newcomer_invite_days days."""
        return _propensity(self.cfg, table, rows, day)

    def rewarded(self, table: MemberTable, inviters: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The inviters of today's referral joins who earn rewards (no repeats), and how many each."""
        return inviters[:0], table.rewarded_joins[:0]


@dataclass(frozen=True)
class RewardPerJoin(OpenInvite):
    """Each successful referral pays the inviter `reward_per_join`, up to a cap per member; the
    reward makes members who can still earn it invite (1 + reward_invite_boost) times as often."""

    def invite_propensity(self, table: MemberTable, rows, day: int) -> np.ndarray | float:
        """Chance each member in `rows` shares the community today (open invitations' chance, x(1 +
        reward_invite_boost) while the member can still earn)."""
        xp = xp_of(rows)
        can_earn = table.rewarded_joins[rows] < self.cfg.max_rewarded_joins_per_member
        boost = xp.where(can_earn, np.float32(1.0 + self.cfg.reward_invite_boost), np.float32(1.0))
        return xp.minimum(np.float32(1.0), _propensity(self.cfg, table, rows, day) * boost)

    def rewarded(self, table: MemberTable, inviters: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The inviters of today's referral joins who earn rewards (no repeats), and how many each."""
        # one entry per join: a member whose share brought two friends today earns for both,
        # up to the cap
        xp = xp_of(inviters)
        rows, joins = xp.unique(inviters, return_counts=True)
        room = xp.maximum(0, self.cfg.max_rewarded_joins_per_member - table.rewarded_joins[rows])
        return rows, xp.minimum(joins, room).astype(table.rewarded_joins.dtype)


@dataclass(frozen=True)
class Fission(OpenInvite):
    """Open invitations every day, plus time-limited poster campaigns (任务宝): during a campaign a
    member shares the poster on their first visit with `fission_share_rate` (newcomers get the task
    on joining), shares again while short of the target, and unlocks a reward for
    `fission_unlock_joins` joins. A contact the poster reached is not reached again by the same
    campaign; each campaign's share rate is `fission_fatigue` times the one before."""

    def campaign(self, day: int) -> int:
        """The fission campaign running today (1, 2, ...), or 0 for none."""
        c = self.cfg
        since = day - c.fission_first_day
        if since < 0:
            return 0
        if c.fission_every_days == 0:
            return 1 if since < c.fission_length_days else 0
        number, into = divmod(since, c.fission_every_days)
        return number + 1 if into < c.fission_length_days and number + 1 < 2**15 else 0

    def share_rate(self, campaign: int) -> float:
        """Chance a member shares the poster of campaign `campaign` on first seeing it."""
        return self.cfg.fission_share_rate * self.cfg.fission_fatigue ** (campaign - 1)


POLICIES = {"none": NoReferral, "open_invite": OpenInvite, "reward_per_join": RewardPerJoin, "fission": Fission}
