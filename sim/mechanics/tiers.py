"""Points (积分) and tiers (用户分层): members earn points for what they do and rise through tiers.

Points for visiting (check-in), posting, replying, attending events and bringing in friends;
thresholds promote newcomer -> regular -> core -> VIP. Promotion only: points are never taken away.
What each tier changes (posting, churn, purchases) is the tier policy's (sim/policies/tiers.py).
"""

from __future__ import annotations

import numpy as np

from sim.backend import xp_of
from sim.policies.tiers import TierPolicyConfig
from sim.population import Tier
from sim.state import Metric

PARAMETERS = ("policy.tiers.points_per_*", "policy.tiers.regular_points", "policy.tiers.core_points",
              "policy.tiers.vip_points", "policy.tiers.vip_perk_cost_per_day")

METRICS = tuple(
    Metric(f"members_{t.label}", "people", f"members in the {t.label} tier ({t.zh})", lambda s, t=t: s.count.by_tier[t])
    for t in Tier
)


def points_earned(visitor_rows, poster_rows, replier_rows, attended_rows, inviter_rows, cfg: TierPolicyConfig):
    """Today's points as (rows, points each) pairs, to be added in this order. Each list names a
    person at most once (one visit, one posting day, one reply, one referral join a day), except
    attendance, where each event counts."""
    return [
        (visitor_rows, np.float32(cfg.points_per_active_day)),
        (poster_rows, np.float32(cfg.points_per_post)),
        (replier_rows, np.float32(cfg.points_per_reply)),
        (attended_rows, np.float32(cfg.points_per_event)),
        (inviter_rows, np.float32(cfg.points_per_referral_join)),
    ]


def tiers_from_points(points, thresholds):
    """Tier code for each of `points`: how many thresholds they reach."""
    xp = xp_of(points)
    edges = xp.asarray(np.asarray(thresholds, dtype=np.float64))
    return xp.searchsorted(edges, points.astype(xp.float64), side="right").astype(xp.int8)
