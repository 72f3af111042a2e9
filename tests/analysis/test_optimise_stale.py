"""A study whose process was killed mid-trial: the resumed optimiser fails the stale trial and goes on."""

import signal
import subprocess
import sys

import optuna
import pytest

from sim.analysis.optimise import main, storage_lock

LEVER = ["--lever", "policy.acquisition.budget_per_day=0:300", "--seeds", "1", "--study", "t"]
TINY = ["--common", "days=10", "network.n_people=300", "policy/referral=none"]


# An Optuna worker that starts a trial of study "t" and is then killed before it can finish it (the
# optimiser's own start-up takes seconds; what a kill leaves in the storage is the same).
WORKER = """
import sys, time, optuna
study = optuna.create_study(study_name="t", storage=sys.argv[1], direction="maximize", load_if_exists=True)
study.ask()
print("trial started", flush=True)
time.sleep(120)
"""


def test_a_trial_killed_mid_run_is_marked_failed_on_resume_and_the_trials_asked_for_complete(tmp_path, capsys):
    db = tmp_path / "study.db"
    worker = subprocess.Popen([sys.executable, "-c", WORKER, f"sqlite:///{db}"], stdout=subprocess.PIPE, text=True)
    assert worker.stdout.readline().strip() == "trial started"
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    stale = optuna.load_study(study_name="t", storage=f"sqlite:///{db}").trials
    assert [t.state for t in stale] == [optuna.trial.TrialState.RUNNING]  # left so by the kill

    main([*LEVER, *TINY, "--trials", "2", "--storage", str(db)])  # the same storage, a new process's view
    states = [t.state for t in optuna.load_study(study_name="t", storage=f"sqlite:///{db}").trials]
    assert states[0] == optuna.trial.TrialState.FAIL
    assert optuna.trial.TrialState.RUNNING not in states
    assert states.count(optuna.trial.TrialState.COMPLETE) == 2  # the stale trial did not count as done
    out = capsys.readouterr().out
    assert "1 stale trial(s) left running by a stopped process marked failed: 0" in out
    assert "2 trials in" in out


def test_a_second_process_on_the_same_storage_is_refused_with_one_line(tmp_path, capsys):
    db = tmp_path / "study.db"
    with storage_lock(db), pytest.raises(SystemExit) as exit_:
        main([*LEVER, *TINY, "--trials", "1", "--storage", str(db)])
    assert exit_.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "is in use by another community-sim-optimise" in err[0]
