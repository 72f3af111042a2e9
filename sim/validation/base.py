"""What a pattern check returns, and the run sizes the checks use (quick for tests, full for the
report command)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Size:
    """How big the runs of a check are.

    The preset runs (sim/validation/runs.py) take each scenario preset at its own population and
    length; `n_people` and `days` replace them only where a caller asks for a smaller run.

    Attributes:
        n_mean_field: population of the complete-graph (Bass) runs.
        seeds: seeds every check averages or repeats over.
        n_people: addressable population of the preset runs (None: the preset's own).
        days: days of the preset runs (None: the preset's own).
    """

    name: str
    n_mean_field: int
    seeds: tuple[int, ...]
    n_people: int | None = None
    days: int | None = None


QUICK = Size("quick", n_mean_field=5000, seeds=(0, 1))
FULL = Size("full", n_mean_field=20_000, seeds=tuple(range(10)))
SIZES = {s.name: s for s in (QUICK, FULL)}


@dataclass
class PatternResult:
    """The outcome of one pattern check.

    Attributes:
        key: short identifier of the pattern (`bass_recovery`, ...).
        pattern: the observed regularity, in one sentence.
        source: where it was observed.
        measurement: what was measured in the simulation, in words.
        measured: the measured values by name (means over seeds where there are several).
        tolerance: the pass criterion, in words.
        passed: whether every criterion held.
        seeds: seeds used.
        size: description of the runs (population, days).
        detail: per-seed figures and anything else worth keeping.
        preset: the scenario preset measured (None: the check's own setting).
    """

    key: str
    pattern: str
    source: str
    measurement: str
    measured: dict[str, float]
    tolerance: str
    passed: bool
    seeds: tuple[int, ...]
    size: str
    detail: dict = field(default_factory=dict)
    preset: str | None = None

    def to_dict(self) -> dict:
        """Plain data for JSON."""
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in vars(self).items()}


# Member overrides shared by the contagion checks (Bass, SI): everyone who is in visits every day
# with engagement 1 and stays (no muting, leaving or returns), and everyone is equally likely to
# join (affinity 1); each check adds its own discovery rate.
EVERYONE_ACTIVE_AND_STAYING: dict[str, float] = {
    "p_active_base": 1.0,
    "engagement_founder": 1.0,
    "engagement_join": 1.0,
    "engagement_join_referral_bonus": 0.0,
    "engagement_join_campaign_bonus": 0.0,
    "engagement_learning_rate": 0.0,
    "engagement_decay_per_day": 0.0,
    "p_churn_max_per_day": 0.0,
    "p_leave_drift_per_day": 0.0,
    "p_mute_max_per_day": 0.0,
    "p_return_per_day": 0.0,
    "join_affinity_shape": 0.0,
}
