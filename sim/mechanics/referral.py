"""Referral (裂变): active members invite friends who are not members yet.

Each active member sends at most one invitation a day, with the chance the referral policy gives,
to a friend chosen uniformly. An invited friend who can still join accepts with `p_accept` (one
acceptance draw per person per day, however many invitations they got; the chance is the
`join_chance` of sim/mechanics/acquisition.py with base `p_accept`). When several members invite the
same friend the same day, the one with the highest random priority is the inviter.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.backend import xp_of
from sim.mechanics.acquisition import join_chance
from sim.population import NEVER
from sim.state import Metric

PARAMETERS = ("policy.referral.p_invite_per_day", "policy.referral.p_accept", "policy.referral.reward_invite_boost",
              "policy.referral.max_rewarded_joins_per_member", "policy.referral.reward_per_join")

METRICS = (
    Metric("invites_sent", "invitations/day", "referral invitations sent today", lambda s: s.tally.invites),
)


@dataclass
class ReferralOutcome:
    """Today's invitations and the joins they produced."""

    senders: np.ndarray  # rows of everyone who sent an invitation
    joiners: np.ndarray  # rows of people who accept
    inviters: np.ndarray  # row of the inviter of each joiner


def invite(visitor_rows, propensity, joined_day, graph, p_accept: float, draws, affinity=None):
    """Resolve today's invitations.

    Args:
        visitor_rows: members active today.
        propensity: chance each of them invites today (array over `visitor_rows`, or a scalar).
        joined_day: every person's join day (NEVER: can still join).
        graph: the SocialGraph.
        p_accept: chance an invited friend accepts.
        draws: the day's RowDraws; slots 0-3 are the sender's decision to invite, the sender's pick
            of a friend, the friend's acceptance (one per person a day, however many invite them)
            and the sender's priority.
        affinity: per-person multiplier of the acceptance chance (None: everyone alike).

    Returns:
        ReferralOutcome.
    """
    xp = xp_of(visitor_rows)
    all_senders = visitor_rows[draws.uniform(visitor_rows, 0) < propensity]
    targets = graph.random_neighbour(all_senders, draws.uniform(all_senders, 1))
    ok = targets >= 0
    reached = targets[ok]
    p = p_accept if affinity is None else join_chance(p_accept, affinity[reached])
    ok[ok] = (joined_day[reached] == NEVER) & (draws.uniform(reached, 2) < p)
    senders, targets = all_senders[ok], targets[ok]
    if len(targets):
        order = xp.argsort(draws.uniform(senders, 3), kind="stable")
        senders, targets = senders[order], targets[order]
        _, first = xp.unique(targets, return_index=True)
        senders, targets = senders[first], targets[first]
    empty = xp.zeros(0, dtype=xp.int64)
    return ReferralOutcome(
        senders=all_senders,
        joiners=targets if len(targets) else empty,
        inviters=senders if len(senders) else empty,
    )
