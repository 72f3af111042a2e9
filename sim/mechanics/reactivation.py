"""Calling quiet and muted members back (唤醒/召回): what each lever adds to a member's chance to visit.

A listening member visits with their own chance p_own (sim/mechanics/visits.py); a muted member has
none. The levers in force today each give a call-back chance c_k, and a member visits with

    p_visit = 1 - (1 - p_own) x prod_k (1 - c_k)

(each lever is an independent reason to open the group). The levers (sim/policies/reactivation.py):

- an @all announcement reaches every member: c = announce_response x announce_fatigue ** (other
  @all in the past 14 days);
- red packets in the group (the operator's drop, or packets members sent back yesterday) reach
  every member: c = red_packet_response; the day's visitors claim them in a random order up to the
  packets' shares, and each claimant sends a member packet into the group the next day with chance
  send_back_ratio x yuan received / member_red_packet_yuan (gift contagion, Yuan et al.);
- one-to-one outreach reaches the muted members the moderators message (capacity per staff day):
  c = outreach_response;
- a check-in adds check_in_visit_drive to a listening member's own visit drive (visits.py).

A *reactivation* is a visit by a member who had not visited for 30 days or more.
"""

from __future__ import annotations

import numpy as np

from sim.backend import xp_of
from sim.population import NEVER
from sim.state import Metric

PARAMETERS = ("policy.reactivation.*",)

REACTIVATION_GAP_DAYS = 30  # a visit after this many days away is a reactivation (the definition)
FATIGUE_WINDOW_DAYS = 14  # @all announcements within this window tire members

METRICS = (
    Metric("reactivated", "people/day", f"members who visited after {REACTIVATION_GAP_DAYS} or more days away",
           lambda s: s.tally.reactivated),
    Metric("announcements", "messages/day", "@all announcements sent today (@所有人)", lambda s: s.tally.announcements),
    Metric("outreach_messages", "messages/day", "muted members messaged one to one by moderators today",
           lambda s: s.tally.outreach),
    Metric("check_ins", "people/day", "members who checked in today (签到)", lambda s: s.tally.check_ins),
    Metric("red_packet_yuan", "yuan/day", "red packets the operator paid out today (claimed shares)",
           lambda s: s.tally.red_packet_yuan),
    Metric("member_red_packets", "packets/day", "red packets members sent into the groups today",
           lambda s: s.tally.member_red_packets),
    Metric("cost_reactivation", "yuan/day", "reactivation costs today: red packets, check-in points, announcements",
           lambda s: s.tally.cost_reactivation),
)


def combined(p_own, call_backs):
    """Chance to visit: one's own chance or any of the call-back chances (independent reasons)."""
    stay_away = 1.0 - p_own
    for c in call_backs:
        stay_away = stay_away * (1.0 - c)
    return 1.0 - stay_away


def announcement_response(cfg, recent_announcements: int) -> float:
    """Call-back chance of today's @all, tired by the other @all of the past 14 days."""
    return cfg.announce_response * cfg.announce_fatigue ** recent_announcements


def outreach_targets(muted_rows, capacity: int, u):
    """The muted members the moderators message today: `capacity` of them in a random order (u:
    one uniform per muted member)."""
    if len(muted_rows) <= capacity:
        return muted_rows
    return muted_rows[xp_of(muted_rows).argsort(u, kind="stable")[:capacity]]


def claims(visitors, shares: int, u):
    """The visitors who claim a share of today's red packets: the first `shares` in a random order."""
    if len(visitors) <= shares:
        return visitors
    return visitors[xp_of(visitors).argsort(u, kind="stable")[:shares]]


def packets_sent_back(received_each: float, cfg, u) -> int:
    """How many claimants send a red packet into the group (u: one uniform per claimant): each with
    chance send_back_ratio x received / member packet size, so the yuan sent back average
    send_back_ratio x the yuan received (Yuan et al.: 0.18)."""
    p = min(1.0, cfg.send_back_ratio * received_each / cfg.member_red_packet_yuan)
    return int((u < np.float32(p)).sum())


def reactivated(last_visit_day, joined_day, day: int):
    """Mask of today's visitors (their last visit and join days before today) who come back after
    30 days or more without a visit."""
    since = xp_of(last_visit_day).where(last_visit_day == NEVER, joined_day, last_visit_day)
    return day - since >= REACTIVATION_GAP_DAYS
