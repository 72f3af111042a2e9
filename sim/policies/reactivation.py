"""Reactivation policy (唤醒/召回): the levers that call quiet and muted members back, each with its cost.

Muted members (消息免打扰) no longer visit on their own (sim/mechanics/churn.py); these levers reach
them anyway. The reactivation mechanic (sim/mechanics/reactivation.py) turns the levers in force
into each member's chance of being called back today:

- announcements (@所有人): an @all message breaks through muting; overused, it tires members and
  makes listening members mute;
- red packets (红包): the operator drops red packets into the groups; claimants visit, gain a
  little engagement and send red packets back in turn (gift contagion, Yuan et al.);
- check-in (签到/打卡): a daily check-in with points makes visiting a habit for listening members;
- outreach (一对一私聊): moderators message muted members one by one, within a daily capacity.

Events (sim/policies/events.py) also bring members back: an attendee who had muted the group unmutes.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.schema import param
from sim.sources import YUAN_2019

LEVERS = ("announcements", "red_packets", "check_in", "outreach")


@dataclass(frozen=True)
class ReactivationPolicyConfig:
    """Levers that bring quiet and muted members back (唤醒/召回)."""

    name: str = param(
        "none", help="none, announcements, red_packets, check_in, outreach or all",
        source="setting: the reactivation policy; none by default, so that the default community shows "
        "what silence costs and each lever can be compared against doing nothing",
    )
    announce_every_days: int = param(
        7, lo=1, hi=10_000, help="announcements: days between @all announcements",
        source="assumption: a weekly @所有人 (a weekly digest or event notice); operators warn that @all "
        "more often than that annoys members",
    )
    announce_response: float = param(
        0.05, lo=0.0, hi=1.0, help="announcements: chance a member who does not visit today is called back by an @all",
        source="assumption: 5%, the top of the 2-5% response practitioners quote for re-engagement "
        "messages to dormant users (weak): an @all in a group one belongs to is more personal than a "
        "marketing e-mail",
    )
    announce_fatigue: float = param(
        0.5, lo=0.0, hi=1.0, help="announcements: response x fatigue for each other @all in the past 14 days",
        source="assumption: an @all a week after the last one works half as well, two in a fortnight a "
        "quarter: members learn to ignore them",
    )
    announce_mute_risk: float = param(
        0.002, lo=0.0, hi=1.0, help="announcements: chance an @all makes a listening member mute the group",
        source="assumption: an @all is noise to most members; one in 500 listening members reaches for "
        "消息免打扰 each time (74.6% of WeChat users mute groups, China Youth Daily 2020)",
    )
    announce_cost: float = param(
        0.0, lo=0.0, hi=1e9, help="announcements: direct cost of one @all (yuan; staff time is in salaries)",
        source="assumption: an @all costs nothing beyond the owner's time, already paid as salary",
    )
    red_packet_every_days: int = param(
        7, lo=1, hi=10_000, help="red packets: days between the operator's red-packet drops",
        source="assumption: a weekly red-packet rain (红包雨), a common way to wake a group up",
    )
    red_packet_yuan_per_group: float = param(
        20.0, lo=0.0, hi=1e9, help="red packets: yuan the operator drops into each chat group",
        source="assumption: a 20-yuan 拼手气红包 per group, split among red_packet_claims_per_group members",
    )
    red_packet_claims_per_group: int = param(
        20, lo=1, hi=100_000, help="red packets: members who can claim a share of each group's packet",
        source="assumption: 20 shares of about one yuan each; WeChat lets the sender choose the number",
    )
    red_packet_response: float = param(
        0.08, lo=0.0, hi=1.0, help="red packets: chance a member who does not visit today is drawn in by a red packet",
        source="assumption: a red packet shows in the chat list even when the group is muted, and draws "
        "more than an @all (8% vs 5%): Yuan, Liu, Tan & Tang 2017 report that red packets raise group "
        "participation, with no effect size for muted members",
    )
    red_packet_engagement_boost: float = param(
        0.05, lo=0.0, hi=1.0, help="red packets: engagement a claimant gains",
        source="assumption: a small gift is a small reason to like the group, half a greeting's boost",
    )
    member_red_packet_yuan: float = param(
        5.0, lo=0.01, hi=1e6, help="red packets: size of a red packet a member sends into the group",
        source="assumption: members send small packets, about 5 yuan",
    )
    member_red_packet_shares: int = param(
        5, lo=1, hi=100_000, help="red packets: members who can claim a share of a member's red packet",
        source="assumption: a member's 5-yuan packet split five ways, one yuan each",
    )
    send_back_ratio: float = param(
        0.18, lo=0.0, hi=10.0, help="red packets: yuan a claimant sends back into the group per yuan received (within a day)",
        source=YUAN_2019,
    )
    check_in_visit_drive: float = param(
        0.1, lo=0.0, hi=1.0, help="check-in: visit drive a daily check-in (签到) adds for listening members (x engagement)",
        source="assumption: a check-in streak is a small daily reason to open the group, a fifth of a "
        "full feed's pull (member.w_active_content = 0.45)",
    )
    check_in_reward: float = param(
        0.05, lo=0.0, hi=1e6, help="check-in: cost of the points a check-in earns (yuan)",
        source="assumption: points worth 5 fen a check-in, redeemable for small gifts",
    )
    outreach_per_staff_day: int = param(
        30, lo=0, hi=100_000, help="outreach: muted members each moderator messages one to one a day",
        source="assumption: a moderator can send about 30 personal messages a day besides their other duties",
    )
    outreach_response: float = param(
        0.15, lo=0.0, hi=1.0, help="outreach: chance a messaged muted member comes back that day",
        source="assumption: a personal message from a known moderator works three times better than an "
        "@all (0.05); no source measures it for chat groups",
    )


@dataclass(frozen=True)
class Levers:
    """The reactivation levers a policy uses (one policy per name: none, one lever, or all)."""

    cfg: ReactivationPolicyConfig
    levers: frozenset = frozenset()

    def uses(self, lever: str) -> bool:
        """Whether `lever` (one of LEVERS) is in force."""
        return lever in self.levers

    def announces(self, day: int) -> bool:
        """Whether an @all announcement goes out today."""
        return self.uses("announcements") and day % self.cfg.announce_every_days == 0

    def drops_red_packets(self, day: int) -> bool:
        """Whether the operator drops red packets today."""
        return self.uses("red_packets") and day % self.cfg.red_packet_every_days == 0


def _levers(*names: str):
    return lambda cfg: Levers(cfg, frozenset(names))


POLICIES = {
    "none": _levers(),
    "announcements": _levers("announcements"),
    "red_packets": _levers("red_packets"),
    "check_in": _levers("check_in"),
    "outreach": _levers("outreach"),
    "all": _levers(*LEVERS),
}
