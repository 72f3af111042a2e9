"""Churn: members leave with a daily hazard that rises as engagement falls.

hazard = p_churn_max_per_day * (1 - engagement) ** churn_shape; a fully engaged member never
leaves, a disengaged one leaves at the maximum rate. A zero maximum means nobody leaves.
"""

from __future__ import annotations


def leave_hazard(engagement, p_churn_max_per_day: float, churn_shape: float):
    """Daily chance of leaving for every person (meaningful for members only)."""
    return p_churn_max_per_day * (1.0 - engagement) ** churn_shape


def leavers(member_rows, hazard, u):
    """Rows of the members who leave today (hazard and u: one per member)."""
    return member_rows[u < hazard]
