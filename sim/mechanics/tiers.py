"""Points (积分) and tiers (用户分层): members earn points for what they do and rise through tiers.

Points for visiting (check-in), posting, replying, attending events and bringing in friends;
thresholds promote newcomer -> regular -> core -> VIP. Promotion only: points are never taken away.
"""

from __future__ import annotations

import numpy as np

from sim.backend import xp_of
from sim.policies.tiers import TierPolicyConfig


def award_points(points, visitor_rows, poster_rows, replier_rows, attended_rows, inviter_rows, cfg: TierPolicyConfig) -> None:
    """Add today's points in place. Each list names a person at most once (one visit, one posting
    day, one reply, one referral join a day), except attendance, where each event counts."""
    points[visitor_rows] += np.float32(cfg.points_per_active_day)
    points[poster_rows] += np.float32(cfg.points_per_post)
    points[replier_rows] += np.float32(cfg.points_per_reply)
    points[attended_rows] += np.float32(cfg.points_per_event)
    points[inviter_rows] += np.float32(cfg.points_per_referral_join)


def tiers_from_points(points, thresholds):
    """Tier code for each of `points`: how many thresholds they reach."""
    xp = xp_of(points)
    edges = xp.asarray(np.asarray(thresholds, dtype=np.float64))
    return xp.searchsorted(edges, points.astype(xp.float64), side="right").astype(xp.int8)
