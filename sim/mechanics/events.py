"""Events (活动): who attends, the lift in visits afterwards, and ties formed at offline meet-ups.

Members who are interested (chance = engagement) sign up; if more sign up than the event holds,
a random subset attends. Attendees visit more for a few days, earn points, and at offline events
meet other attendees, forming new ties (the social graph densifies).
"""

from __future__ import annotations

import numpy as np


def attendees(is_member, engagement, capacity: int, u_interest, u_priority) -> np.ndarray:
    """Rows of today's attendees."""
    signed_up = np.flatnonzero(is_member & (u_interest < engagement))
    if len(signed_up) > capacity:
        signed_up = signed_up[np.argsort(u_priority[signed_up], kind="stable")[:capacity]]
    return signed_up


def meet_ups(rows: np.ndarray, ties_per_attendee: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Random pairs of attendees who become friends (about ties_per_attendee each)."""
    n_pairs = int(rng.poisson(ties_per_attendee * len(rows) / 2)) if len(rows) > 1 else 0
    return rng.choice(rows, n_pairs), rng.choice(rows, n_pairs)
