"""The declared metrics: every column of the daily time series, in order.

Each mechanic declares the metrics it adds (its `METRICS`, read off the community state at the end
of the day, sim/state.py); this module puts them in the order of the time series. None loops over
members.
"""

from __future__ import annotations

from sim import agents
from sim.mechanics import (
    acquisition,
    churn,
    content,
    economics,
    engagement,
    events,
    groups,
    interaction,
    moderation,
    reactivation,
    referral,
    tiers,
    visits,
)
from sim.state import Metric

METRICS: tuple[Metric, ...] = (
    Metric("members", "people", "members at the end of the day", lambda s: s.count.members),
    *acquisition.METRICS,
    *churn.METRICS,
    *visits.METRICS,
    *engagement.METRICS,
    *content.METRICS,
    *interaction.METRICS,
    *moderation.METRICS,
    *agents.METRICS,
    *tiers.METRICS,
    *groups.METRICS,
    *events.METRICS,
    *referral.METRICS,
    *reactivation.METRICS,
    *economics.METRICS,
    Metric("stage", "code", "lifecycle stage code at the end of the day (sim.lifecycle.Stage)", lambda s: int(s.stage)),
)

METRIC_NAMES = tuple(metric.name for metric in METRICS)
