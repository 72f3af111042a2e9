"""Referral (裂变): active members invite friends who are not members yet.

Each active member sends at most one invitation a day, with the chance the referral policy gives,
to a friend chosen uniformly. An invited friend who can still join accepts with `p_accept` (one
acceptance draw per person per day, however many invitations they got). When several members
invite the same friend the same day, the one with the highest random priority is the inviter.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.backend import xp_of


@dataclass
class ReferralOutcome:
    """Today's invitations and the joins they produced."""

    senders: np.ndarray  # rows of everyone who sent an invitation
    joiners: np.ndarray  # rows of people who accept
    inviters: np.ndarray  # row of the inviter of each joiner


def invite(active, propensity, eligible, graph, p_accept: float, u_invite, u_target, u_accept, u_priority, affinity=None):
    """Resolve today's invitations.

    Args:
        active: members active today.
        propensity: chance each person invites today (array or scalar).
        eligible: people who can still join.
        graph: the SocialGraph.
        p_accept: chance an invited friend accepts.
        u_invite, u_target, u_accept, u_priority: full-length uniforms for the day.
        affinity: per-person multiplier of the acceptance chance (None: everyone alike).

    Returns:
        ReferralOutcome.
    """
    xp = xp_of(active)
    all_senders = xp.flatnonzero(active & (u_invite < propensity))
    targets = graph.random_neighbour(all_senders, u_target[all_senders])
    ok = targets >= 0
    reached = targets[ok]
    p = p_accept if affinity is None else p_accept * affinity[reached]
    ok[ok] = eligible[reached] & (u_accept[reached] < p)
    senders, targets = all_senders[ok], targets[ok]
    if len(targets):
        order = xp.argsort(u_priority[senders], kind="stable")
        senders, targets = senders[order], targets[order]
        _, first = xp.unique(targets, return_index=True)
        senders, targets = senders[first], targets[first]
    empty = xp.zeros(0, dtype=xp.int64)
    return ReferralOutcome(
        senders=all_senders,
        joiners=targets if len(targets) else empty,
        inviters=senders if len(senders) else empty,
    )
