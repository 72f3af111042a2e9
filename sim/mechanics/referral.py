"""Word of mouth (口碑, 老带新) and fission campaigns (裂变): invitations travel along every tie.

A member who shares the community (an invitation in a chat, a poster in 朋友圈) reaches each of
their friends who never joined with a per-tie chance, independently: reach grows with the number of
friends, so a member with 200 contacts spreads further than one with 4. A person reached today by
k sharing friends joins with

    P(join) = 1 - (1 - join_chance(p_accept, affinity)) ** k

(each exposure is an independent chance to convince: every further friend adds less than the
one before, diminishing returns in k; `join_chance` is sim/mechanics/acquisition.py's). The inviter
is one of the k, at random. Configured with every member active and sharing every day and
p_accept = 1, this is discrete-time SI contagion with per-tie infection chance p_reach_per_tie
(docs/validation.md, `si_contagion`).

A fission campaign (sim/policies/referral.py, `fission`) spreads the same way with its own reach
and conversion; a contact its poster already reached cannot be reached again by the same campaign
(saturation), and a share of its joiners are reward hunters (羊毛党).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.backend import xp_of
from sim.mechanics.acquisition import join_chance
from sim.population import NEVER
from sim.state import Metric

PARAMETERS = ("policy.referral.p_invite_per_day", "policy.referral.p_reach_per_tie", "policy.referral.p_accept",
              "policy.referral.reward_invite_boost", "policy.referral.max_rewarded_joins_per_member",
              "policy.referral.reward_per_join", "policy.referral.fission_*", "policy.referral.hunter_share",
              "policy.referral.hunter_engagement")

METRICS = (
    Metric("shares", "people/day", "members who shared the community with their contacts today (open "
           "invitations and campaign posters)", lambda s: s.tally.shares),
    Metric("invites_sent", "contacts/day", "contacts the day's shares reached (people who never joined)",
           lambda s: s.tally.invites),
    Metric("fission_joins", "people/day", "joins brought in by a fission campaign's poster today",
           lambda s: s.tally.fission_joins),
    Metric("reward_hunter_joins", "people/day", "fission joins who came for the reward (羊毛党)",
           lambda s: s.tally.hunter_joins),
    Metric("fission_rewards", "rewards/day", "invite-N-to-unlock rewards unlocked today (任务宝)",
           lambda s: s.tally.fission_unlocks),
)


@dataclass
class ReferralOutcome:
    """Today's shares and the joins they produced."""

    senders: np.ndarray  # rows of everyone who shared
    joiners: np.ndarray  # rows of people who accept
    inviters: np.ndarray  # row of the inviter of each joiner
    reached: np.ndarray  # rows of everyone reached (who never joined)
    inviting: np.ndarray  # rows of the senders whose share reached someone: an invitation sent


def spread(senders, graph, joined_day, p_reach: float, p_accept: float, draws, affinity=None,
           skip=None) -> ReferralOutcome:
    """Resolve one kind of share made by `senders` today.

    Args:
        senders: rows of the members who share.
        graph: the SocialGraph.
        joined_day: everyone's join day (NEVER: can still join).
        p_reach: chance a share reaches each friend who never joined (per tie, independently).
        p_accept: base chance a reached person accepts one exposure.
        draws: the day's RowDraws; slot 1 is each tie's reach, slot 2 each person's acceptance
            (one a day, however many friends reached them), slot 3 each tie's priority (which of the
            k sharers is the inviter). Slot 0 is left to the caller (the decision to share).
        affinity: per-person multiplier of the acceptance chance (None: everyone alike).
        skip: mask over everyone of people this share cannot reach (a campaign's saturation).
    """
    xp = xp_of(senders)
    empty = xp.zeros(0, dtype=xp.int64)
    if graph.complete:
        return _spread_complete(senders, graph.n, joined_day, p_reach, p_accept, draws, affinity, skip)
    owner, friend, tie = graph.ties_of(senders)
    ok = joined_day[friend] == NEVER
    if skip is not None:
        ok &= ~skip[friend]
    owner, friend, tie = owner[ok], friend[ok], tie[ok]
    hit = draws.uniform(tie, 1) < np.float32(p_reach)
    owner, friend, tie = owner[hit], friend[hit], tie[hit]
    if not len(friend):
        return ReferralOutcome(senders, empty, empty, empty, empty)
    order = xp.argsort(draws.uniform(tie, 3), kind="stable")  # the inviter: the first in a random order
    owner, friend = owner[order], friend[order]
    reached, first, k = xp.unique(friend, return_index=True, return_counts=True)
    a = join_chance(p_accept, affinity[reached]) if affinity is not None else xp.float32(min(1.0, p_accept))
    p = 1.0 - (1.0 - a) ** k.astype(xp.float32)
    accept = draws.uniform(reached, 2) < p
    return ReferralOutcome(senders, reached[accept], senders[owner[first[accept]]], reached,
                           senders[xp.unique(owner)])


def _spread_complete(senders, n: int, joined_day, p_reach: float, p_accept: float, draws, affinity, skip):
    """`spread` on the implicit complete graph: every sender knows everyone who never joined, so a
    person's exposures are binomial(S, p_reach) and P(join) = 1 - (1 - p_reach a) ** S exactly
    (S senders); the inviter is a sender at random."""
    xp = xp_of(senders)
    s = len(senders)
    eligible = xp.flatnonzero(joined_day == NEVER)
    if skip is not None:
        eligible = eligible[~skip[eligible]]
    if s == 0 or not len(eligible):
        empty = xp.zeros(0, dtype=xp.int64)
        return ReferralOutcome(senders, empty, empty, empty, empty)
    a = join_chance(p_accept, affinity[eligible]) if affinity is not None else xp.float32(min(1.0, p_accept))
    p_join = 1.0 - (1.0 - np.float32(p_reach) * a) ** np.float32(s)
    p_reached = np.float32(1.0 - (1.0 - p_reach) ** s)  # at least p_join: only someone reached can join
    reached = draws.uniform(eligible, 1) < p_reached
    accept = reached & (draws.uniform(eligible, 2) * p_reached < p_join)
    joiners = eligible[accept]
    pick = xp.minimum((draws.uniform(joiners, 3) * s).astype(xp.int64), s - 1)
    # each sender reaches binomial(eligible, p_reach) people: counted as reaching someone whenever
    # anyone was reached (their shares are interchangeable on the complete graph)
    inviting = senders if reached.any() else senders[:0]
    return ReferralOutcome(senders, joiners, senders[pick], eligible[reached], inviting)


def merged(first: ReferralOutcome, second: ReferralOutcome) -> tuple[ReferralOutcome, np.ndarray]:
    """Both outcomes as one (a person who joins through both counts once, through `first`), and a
    mask over its joiners of those who came through `first`."""
    xp = xp_of(first.joiners)
    extra = ~xp.isin(second.joiners, first.joiners)
    joiners = xp.concatenate([first.joiners, second.joiners[extra]])
    inviters = xp.concatenate([first.inviters, second.inviters[extra]])
    from_first = xp.zeros(len(joiners), dtype=bool)
    from_first[: len(first.joiners)] = True
    both = ReferralOutcome(xp.union1d(first.senders, second.senders), joiners, inviters,
                           xp.union1d(first.reached, second.reached), xp.union1d(first.inviting, second.inviting))
    return both, from_first


def unlocked(task_joins_before, task_joins_after, unlock_joins: int):
    """Mask of inviters whose task count crossed the invite-N-to-unlock mark today."""
    return (task_joins_before < unlock_joins) & (task_joins_after >= unlock_joins)
