"""Points (积分) and tiers (用户分层): members earn points for what they do and rise through tiers.

Points for visiting (check-in), posting, replying, attending events and bringing in friends;
thresholds promote newcomer -> regular -> core -> VIP. Promotion only: points are never taken away.
"""

from __future__ import annotations

import numpy as np

from sim.operations_config import TierPolicyConfig


def award_points(points, active, posted, replied_rows, attended_rows, inviter_rows, cfg: TierPolicyConfig) -> None:
    """Add today's points in place."""
    points += active * np.float32(cfg.points_per_active_day) + posted * np.float32(cfg.points_per_post)
    np.add.at(points, replied_rows, np.float32(cfg.points_per_reply))
    points[attended_rows] += np.float32(cfg.points_per_event)
    points[inviter_rows] += np.float32(cfg.points_per_referral_join)  # at most one join per inviter a day


def tiers_from_points(points, thresholds) -> np.ndarray:
    """Tier code of every person: how many thresholds their points reach."""
    return np.searchsorted(np.asarray(thresholds, dtype=np.float64), points, side="right").astype(np.int8)
