"""Optuna search of the levers: respects the budget, and a stopped study resumes where it was."""

import json

import optuna
import pytest

from sim.analysis.optimise import best_feasible, main, make_scorer, optimise, parse_lever, race_top
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


def test_racing_reruns_the_top_trials_on_more_seeds_reusing_the_searchs_own(tmp_path):
    study = optimise(LEVERS, kpi_name="members_final", trials=3, storage=tmp_path / "s.db", study_name="t",
                     common=COMMON, seeds=[0], budget=None)
    runs = []
    score = make_scorer("members_final")

    def counting(candidate, seed):
        runs.append((candidate.name, seed))
        return score(candidate, seed)

    result = race_top(study, "members_final", [0], None, top=2, rounds=2, seeds_per_round=1, score=counting)
    assert len(result.candidates) == 2
    assert result.runs == len(runs) > 0
    assert 0 not in {seed for _, seed in runs}  # the search's seed is reused, not rerun
    for c in result.candidates:  # every candidate still racing got every new seed
        expected = {0, 1, 2} if not c.dropped else set(range(c.dropped_after))
        assert set(c.values) == expected
    # the search's per-seed value on seed 0 is what a fresh run on seed 0 gives (common random numbers)
    leader = result.candidates[0]
    assert score(leader, 0)[0] == leader.values[0]


def test_the_report_names_levers_by_meaning_and_notes_a_failed_trial(tmp_path):
    db = tmp_path / "s.db"
    main(["--lever", "policy.content.posts_per_week=1:14", "--lever", "policy/referral=none,open_invite",
          "--seeds", "1", "--trials", "2", "--race", "2", "--race-rounds", "1", "--race-seeds", "1",
          "--common", *COMMON[:2], "--storage", str(db)])
    stored = optuna.load_study(study_name="levers", storage=f"sqlite:///{db}")
    stored.tell(stored.ask(), state=optuna.trial.TrialState.FAIL)  # one more trial, failed
    main(["--lever", "policy.content.posts_per_week=1:14", "--lever", "policy/referral=none,open_invite",
          "--seeds", "1", "--trials", "2", "--race", "2", "--race-rounds", "1", "--race-seeds", "1",
          "--common", *COMMON[:2], "--storage", str(db)])
    report = (tmp_path / "report.md").read_text()
    assert "expert posts per week, whole team (内容日历)" in report
    assert "referral policy (裂变)" in report
    assert "Trial 2 failed" in report
    best = json.loads((tmp_path / "best.json").read_text())
    assert best["raced_seeds"] == [0, 1] and best["cannot_be_told_apart"]
