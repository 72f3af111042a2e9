"""Optuna search of the levers: respects the budget, and a stopped study resumes where it was."""

import optuna
import pytest

from sim.analysis.optimise import best_feasible, optimise, parse_lever
from sim.config import ConfigError

COMMON = ["days=30", "network.n_people=1000", "policy/referral=none"]
LEVERS = [parse_lever("policy.acquisition.budget_per_day=0:300"), parse_lever("policy.content.posts_per_week=1:14:int")]


def test_a_resumed_study_continues_without_repeating_trials_and_the_best_is_within_budget(tmp_path):
    storage = tmp_path / "study.db"
    kwargs = dict(kpi_name="members_final", storage=storage, study_name="t", common=COMMON, seeds=[0], budget=65000.0)
    first = optimise(LEVERS, trials=2, **kwargs)
    before = [(t.number, t.params) for t in first.trials]
    resumed = optimise(LEVERS, trials=4, **kwargs)  # a new process would see the same SQLite file
    assert len(resumed.trials) == 4
    assert [(t.number, t.params) for t in resumed.trials[:2]] == before
    params = [tuple(t.params.values()) for t in resumed.trials]
    assert len(set(params)) == 4  # the restart did not replay the first trials
    best = best_feasible(resumed, 65000.0)
    assert best is not None and best.user_attrs["cost_total"] <= 65000.0
    feasible = [t.value for t in resumed.trials if t.user_attrs["cost_total"] <= 65000.0]
    assert best.value == max(feasible)
    stored = optuna.load_study(study_name="t", storage=f"sqlite:///{storage}")
    assert len(stored.trials) == 4


def test_levers_are_parsed_by_kind():
    assert parse_lever("policy/referral=none,open_invite").choices == ("none", "open_invite")
    lever = parse_lever("staff.n_experts=1:4:int")
    assert lever.integer and (lever.lo, lever.hi) == (1, 4)
    for bad in ("x", "x=3:1", "x=1:2:cubic", "x="):
        with pytest.raises(ConfigError):
            parse_lever(bad)
