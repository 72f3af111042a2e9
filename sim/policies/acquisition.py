"""Acquisition policy: how much a growth officer may spend on paid campaigns each day.

The growth officers (sim/agents.py) turn the budget into reach; the acquisition mechanic
(sim/mechanics/acquisition.py) turns reach into joins.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.schema import param


@dataclass(frozen=True)
class AcquisitionPolicyConfig:
    """Paid campaigns run by growth officers."""

    name: str = param(
        "steady", help="none, steady or pulse",
        source="setting: the acquisition policy; steady (always-on ads) by default",
    )
    budget_per_day: float = param(
        150.0, lo=0.0, hi=1e9, help="campaign budget per growth officer per day (yuan)",
        source="assumption: about 4,500 yuan a month of always-on feed ads per officer, which brings "
        "about 15 campaign joins a day at 10 yuan each: 86% of the default community's joins",
    )
    total_budget: float = param(
        0.0, lo=0.0, hi=1e12, help="cap on campaign spend over the run; 0 = no cap",
        source="setting: a cap on the run's campaign spend; none unless an experiment asks for one",
    )
    cost_per_reach: float = param(
        0.1, lo=1e-6, hi=1e6, help="cost of reaching one person (yuan)",
        source="assumption: feed-ad CPM around 100 yuan per 1,000 impressions; with p_convert 0.01 a "
        "campaign join costs 10 yuan, inside the 5-20 yuan per new user practitioners quote for "
        "WeChat ads (weak)",
    )
    p_convert: float = param(
        0.01, lo=0.0, hi=1.0, help="chance a reached person joins",
        source="assumption: 1% of the people an ad reaches join (before affinity), which with the CPM "
        "makes 10 yuan per campaign join (see cost_per_reach); calibration recovers it from a daily "
        "series (docs/validation.md)",
    )
    audiences: int = param(
        0, lo=0, hi=1000, help="population segments the community's own channels reach (the first k); 0 = all",
        source="setting: how many audiences (network.n_segments) campaigns and organic discovery reach, "
        "opened in order; word of mouth follows ties into any segment. 0 (every segment) by default; "
        "brand_community starts in 1 of 5 and its playbook opens more in 成熟期 MATURE",
    )
    pulse_every_days: int = param(
        28, lo=1, hi=10_000, help="pulse: days between campaign bursts",
        source="assumption: a burst every four weeks, a monthly launch or promotion cycle",
    )
    pulse_length_days: int = param(
        7, lo=1, hi=10_000, help="pulse: length of a burst",
        source="assumption: a week-long burst, the cycle's budget spent in a quarter of the time",
    )


@dataclass(frozen=True)
class NoCampaign:
    """No paid campaigns."""

    cfg: AcquisitionPolicyConfig

    def budget_today(self, day: int) -> float:
        """Campaign budget one growth officer may spend today (yuan)."""
        return 0.0


@dataclass(frozen=True)
class SteadyCampaign:
    """The same budget every day (always-on ads)."""

    cfg: AcquisitionPolicyConfig

    def budget_today(self, day: int) -> float:
        """Campaign budget one growth officer may spend today (yuan)."""
        return self.cfg.budget_per_day


@dataclass(frozen=True)
class PulseCampaign:
    """Bursts of `pulse_length_days` every `pulse_every_days`, spending in each burst what a
    steady campaign would spend over the whole cycle (same total, concentrated)."""

    cfg: AcquisitionPolicyConfig

    def budget_today(self, day: int) -> float:
        """Campaign budget one growth officer may spend today (yuan)."""
        every, length = self.cfg.pulse_every_days, min(self.cfg.pulse_length_days, self.cfg.pulse_every_days)
        if (day - 1) % every < length:
            return self.cfg.budget_per_day * every / length
        return 0.0


POLICIES = {"none": NoCampaign, "steady": SteadyCampaign, "pulse": PulseCampaign}
