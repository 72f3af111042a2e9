"""Staffing decisions: how many of each role the config in force asks for, who is let go, a new
expert's skill, a growth officer's share of the campaign budget.

Pure functions of the config and the roster; `CommunityModel` hires and lets go (its `hire` and
`let_go` are the one place staff join and leave).
"""

from __future__ import annotations

import numpy as np

from sim.agents import EventPlanner, Expert, GrowthOfficer, Moderator

SKILL_RANGE = (0.1, 2.0)  # an expert's skill multiplies post quality: never nil, at most double


def wanted(cfg) -> dict[type, int]:
    """Headcount per role in the config in force (in the order roles are hired)."""
    s = cfg.staff
    return {Expert: s.n_experts, Moderator: s.n_moderators, GrowthOfficer: s.n_growth_officers,
            EventPlanner: s.n_event_planners}


def expert_skill(z: float, cfg) -> float:
    """An expert's skill from a standard normal draw: 1 + spread x z, within SKILL_RANGE."""
    return float(np.clip(1.0 + cfg.staff.expert_skill_sd * z, *SKILL_RANGE))


def budget_cap_per_officer(cfg) -> float:
    """Each growth officer's share of the run's campaign budget cap (0 = no cap)."""
    return cfg.policy.acquisition.total_budget / max(1, cfg.staff.n_growth_officers)


def to_let_go(roster: list, keep: int) -> list:
    """Who leaves when a role shrinks to `keep` (`roster` in hiring order): the most burnt-out
    experts first, the latest hires otherwise (and among equally burnt-out experts)."""
    if len(roster) <= keep:
        return []
    order = sorted(range(len(roster)), key=lambda i: (getattr(roster[i], "burnout", 0.0), i), reverse=True)
    return [roster[i] for i in sorted(order[: len(roster) - keep])]
