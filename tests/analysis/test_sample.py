"""A Latin-hypercube sample writes what community-sim-collect writes for a sweep, so an emulator can
be trained on either; a stopped sample keeps its finished runs and picks up where it stopped."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from sim.analysis.collect import collect, read_summary
from sim.analysis.emulator import main as emulate_main
from sim.analysis.emulator import swept_inputs
from sim.analysis.sample import latin_hypercube
from sim.analysis.sample import main as sample_main
from sim.analysis.sensitivity import parse_param
from sim.cli import load_config
from sim.runner import run

TINY = ["scenario=classroom", "network.n_people=300", "days=20"]
PARAMS = ["--param", "policy.acquisition.budget_per_day=0:300", "--param", "staff.n_experts=1:3"]


@pytest.fixture(scope="module")
def sampled(tmp_path_factory):
    out = tmp_path_factory.mktemp("sample")
    sample_main([*PARAMS, "--runs", "3", "--seeds", "2", "--common", *TINY, "--out", str(out)])
    return out


def test_a_latin_hypercube_puts_one_point_in_every_slice_of_every_range():
    points = latin_hypercube([parse_param("a=0:10"), parse_param("b=-1:1")], runs=10, seed=3)
    for column, (lo, hi) in zip(points.T, [(0, 10), (-1, 1)], strict=True):
        slices = np.floor((column - lo) / (hi - lo) * 10)
        assert sorted(slices) == list(range(10))


def test_the_sample_has_collects_summary_columns_one_row_per_run(sampled, tmp_path):
    summary = pd.read_parquet(sampled / "summary.parquet")
    assert len(summary) == 6 and sorted(summary["seed"].unique()) == [0, 1]
    assert list(summary.columns[:4]) == ["job", "seed", "policy.acquisition.budget_per_day", "staff.n_experts"]
    assert summary["staff.n_experts"].dtype.kind == "i"  # integer keys rounded: the value that ran
    cfg = load_config(TINY).replace(**{"output.plots": False, "output.csv": False})
    run(cfg, tmp_path / "sweep" / "one")
    collected = collect(tmp_path / "sweep").summary
    assert list(summary.columns[4:]) == list(collected.columns[2:])  # job, seed, swept, then the same KPIs
    assert pd.read_csv(sampled / "summary.csv").shape == summary.shape
    made = json.loads((sampled / "provenance.json").read_text())
    assert made["design"]["runs"] == 3 and made["packages"]["community-sim"] and (sampled / "DONE").is_file()


def test_emulate_reads_the_sample_and_takes_its_swept_keys_as_inputs(sampled, tmp_path, capsys):
    summary = read_summary(sampled / "summary.parquet")
    assert swept_inputs(summary) == ["policy.acquisition.budget_per_day", "staff.n_experts"]
    with pytest.raises(SystemExit) as exit_:  # six runs are too few to check an emulator of two inputs on
        emulate_main([str(sampled / "summary.parquet"), "--kpi", "members_final", "--out", str(tmp_path)])
    assert exit_.value.code == 2 and "6 runs for 2 inputs" in capsys.readouterr().err


def test_a_stopped_sample_resumes_from_the_runs_it_saved(sampled, tmp_path, capsys):
    out = tmp_path / "again"
    out.mkdir()
    for name in ("provenance.json", "summary.parquet"):
        (out / name).write_bytes((sampled / name).read_bytes())
    pd.read_parquet(out / "summary.parquet").head(4).to_parquet(out / "summary.parquet", index=False)
    sample_main([*PARAMS, "--runs", "3", "--seeds", "2", "--common", *TINY, "--out", str(out)])
    assert "resuming: 4 of 6 runs already saved" in capsys.readouterr().err
    pd.testing.assert_frame_equal(pd.read_parquet(out / "summary.parquet"), pd.read_parquet(sampled / "summary.parquet"))
    with pytest.raises(SystemExit) as exit_:  # a finished sample, or another design, is not overwritten
        sample_main([*PARAMS, "--runs", "4", "--common", *TINY, "--out", str(out)])
    assert exit_.value.code == 2 and "holds a different sample" in capsys.readouterr().err


def test_sample_refuses_a_bad_range_before_the_first_run(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        sample_main(["--param", "staff.n_experts=1", "--runs", "3", "--out", str(tmp_path)])
    err = capsys.readouterr().err.strip()
    assert exit_.value.code == 2 and "\n" not in err and "KEY=LO:HI" in err
    assert not any(tmp_path.iterdir())


def test_a_sample_stopped_by_ctrl_c_leaves_whole_files_with_the_runs_that_finished(tmp_path, monkeypatch):
    from sim.analysis import sample

    finished = []
    real_run_row = sample.run_row

    def stop_on_the_third(*args):
        if len(finished) == 2:
            raise KeyboardInterrupt
        finished.append(real_run_row(*args))
        return finished[-1]

    monkeypatch.setattr(sample, "run_row", stop_on_the_third)
    with pytest.raises(KeyboardInterrupt):
        sample_main([*PARAMS, "--runs", "4", "--common", *TINY, "--out", str(tmp_path)])
    assert len(pd.read_parquet(tmp_path / "summary.parquet")) == 2 == len(pd.read_csv(tmp_path / "summary.csv"))
    assert not (tmp_path / "DONE").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["provenance.json", "summary.csv", "summary.parquet"]
