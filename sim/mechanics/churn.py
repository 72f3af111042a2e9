"""Churn: members leave with a daily hazard that rises as engagement falls.

hazard = p_churn_max_per_day * (1 - engagement) ** churn_shape; a fully engaged member never
leaves, a disengaged one leaves at the maximum rate. A zero maximum means nobody leaves.
"""

from __future__ import annotations

from sim.backend import xp_of


def leave_hazard(engagement, p_churn_max_per_day: float, churn_shape: float):
    """Daily chance of leaving for every person (meaningful for members only)."""
    return p_churn_max_per_day * (1.0 - engagement) ** churn_shape


def leavers(is_member, hazard, u, protected=None):
    """Rows of members who leave today (`protected`: e.g. today's newcomers, who cannot)."""
    xp = xp_of(is_member)
    leaving = is_member & (u < hazard)
    if protected is not None:
        leaving &= ~protected
    return xp.flatnonzero(leaving)
