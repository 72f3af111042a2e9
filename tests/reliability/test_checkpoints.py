"""Checkpoints: a run stopped and resumed gives exactly the uninterrupted run's series; forks from
one state share its past and common random numbers; checkpoints are plain data and a checkpoint
that is unfinished, corrupt, from another version or carrying pickled objects is refused."""

from __future__ import annotations

import dataclasses
import io
import json

import numpy as np
import pandas as pd
import pytest

from sim import checkpoint, forks
from sim.agents import STAFF_ROLES
from sim.cli import load_config
from sim.lifecycle import Stage, StageSnapshot
from sim.model_state import from_record, to_record
from sim.runner import events_table, run

# tiers and events from the start, and the stage-aware playbook switching policies at each stage
LEVERS = [
    "scenario=classroom",
    "network.n_people=2000",
    "seed=3",
    "output.plots=false",
    "output.csv=false",
    "policy/tiers=points_ladder",
    "policy/events=online",
    "policy.events.first_day=5",
    "staff.n_event_planners=1",
    "playbook=stage_aware",
]


@pytest.fixture(scope="module")
def cfg():
    return load_config([*LEVERS, "days=60"])


@pytest.fixture(scope="module")
def straight(cfg):
    return run(cfg)


def same_state(a, b) -> None:
    for name, array in a.table.arrays().items():
        assert np.array_equal(array, b.table.arrays()[name]), name
    assert all(np.array_equal(x, y) for x, y in zip(a.ties.edges(), b.ties.edges(), strict=True))
    assert np.array_equal(a.groups.size, b.groups.size)
    arrays_a, arrays_b = {}, {}
    assert to_record(a.state, "state", arrays_a) == to_record(b.state, "state", arrays_b)
    assert arrays_a.keys() == arrays_b.keys()
    assert all(np.array_equal(arrays_a[k], arrays_b[k]) for k in arrays_a)
    for role in STAFF_ROLES:
        assert [checkpoint.staff_state(x) for x in a.roster(role)] == [checkpoint.staff_state(x) for x in b.roster(role)]
    assert (a.cfg.policy, a.cfg.staff, a.cfg.groups) == (b.cfg.policy, b.cfg.staff, b.cfg.groups)  # in force


def test_a_run_resumed_from_day_30_gives_the_uninterrupted_series(cfg, straight, tmp_path):
    assert straight.stages["stage"].nunique() >= 2 and straight.timeseries["events"].sum() > 0
    assert (
        straight.timeseries["members_regular"].iloc[-1] > 0
    )  # tiers, events and playbook all at work
    run(cfg.replace(days=30, **{"checkpoint.every_days": 30, "checkpoint.dir": str(tmp_path)}))
    (saved,) = tmp_path.iterdir()
    assert saved.name.startswith("day-00030-") and checkpoint.is_done(saved)
    resumed = run(cfg, start=checkpoint.load(saved))
    assert resumed.timeseries.equals(straight.timeseries)
    assert resumed.stages.equals(straight.stages)
    assert events_table(resumed.model).equals(events_table(straight.model))
    assert resumed.summary["members_final"] == straight.summary["members_final"]
    same_state(resumed.model, straight.model)
    assert set(vars(resumed.model)) == set(vars(straight.model))


def test_a_checkpoint_is_saved_on_each_stage_change(cfg, straight, tmp_path):
    run(cfg.replace(**{"checkpoint.at_stage_change": True, "checkpoint.dir": str(tmp_path)}))
    changes = straight.stages.iloc[1:]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        f"day-{d:05d}-{s}" for d, s in zip(changes["first_day"], changes["stage"], strict=False)
    ]


@pytest.fixture(scope="module")
def mature(tmp_path_factory):
    """The classroom community saved on the day it becomes mature (成熟期)."""
    where = tmp_path_factory.mktemp("ck")
    cfg = load_config(
        [
            "scenario=classroom",
            "seed=1",
            "output.plots=false",
            "checkpoint.at_stage_change=true",
            f"checkpoint.dir={where}",
        ]
    )
    run(cfg)
    return checkpoint.find(where, "MATURE"), cfg


def test_forks_from_mature_share_the_past_and_differ_only_by_the_playbook(mature):
    where, cfg = mature
    day = checkpoint.read(where)[0]["day"]
    arms = [
        {},
        forks.parse_overrides(["playbook=abandon_in_mature"]),
        forks.parse_overrides(["playbook=flat"]),
    ]
    same, abandon, flat = forks.fork(where, arms, days=40)
    uninterrupted = run(cfg.replace(days=day + 40, **{"checkpoint.at_stage_change": False}))
    assert same.timeseries.equals(
        uninterrupted.timeseries
    )  # a fork with no change is the run itself
    for other in (abandon, flat):
        assert other.timeseries.iloc[: day + 1].equals(same.timeseries.iloc[: day + 1])
    assert (
        abandon.timeseries["experts"].iloc[-1] == 0
        and abandon.timeseries["posts_expert"].iloc[day + 1 :].sum() == 0
    )
    assert (
        abandon.summary["members_final"] < same.summary["members_final"]
    )  # a team that stops loses members
    assert "fork" in set(events_table(abandon.model)["kind"])


def test_the_fork_command_reports_playbooks_from_mature_on_paired_seeds(mature, tmp_path, capsys):
    where, _ = mature

    def stamps():
        return {p: p.stat().st_mtime_ns for p in where.parent.glob("*/DONE")}

    before = stamps()
    forks.fork_main(
        [
            str(where),
            "--days",
            "10",
            "--seeds",
            "2",
            "--out",
            str(tmp_path),
            "--arm",
            "as_planned",
            "--arm",
            "abandon",
            "playbook=abandon_in_mature",
        ]
    )
    out = capsys.readouterr().out
    assert "abandon" in out and "report:" in out and (tmp_path / "report.html").is_file()
    table = (tmp_path / "comparison.csv").read_text()
    assert "members_final" in table
    assert len(list((tmp_path / "runs").glob("*/seed=*/DONE"))) == 4
    assert not list(
        (tmp_path / "runs").rglob("checkpoints")
    )  # forks leave the run's checkpoints alone
    assert stamps() == before  # the checkpoints forked from: none added or rewritten


def test_a_fork_may_not_change_the_world_or_name_code(mature):
    for bad in (
        ["network.n_people=10"],
        ["seed=4"],
        ["+policy.referral._target_=os.system"],
        ["nonsense"],
        ["sweep=seeds_100"],
    ):
        with pytest.raises(checkpoint.ConfigError) as err:
            forks.parse_overrides(bad)
        assert "\n" not in str(err.value)
    where, _ = mature
    with pytest.raises(checkpoint.ConfigError, match="p_accept = 7"):
        forks.fork(where, [{"policy.referral.p_accept": 7}], days=5)


# -- refusing what cannot be trusted ---------------------------------------------------------------


@pytest.fixture
def saved(cfg, tmp_path):
    run(cfg.replace(days=8, **{"checkpoint.every_days": 8, "checkpoint.dir": str(tmp_path)}))
    return checkpoint.find(tmp_path)


def refused(folder, words: str) -> None:
    with pytest.raises(checkpoint.CheckpointError) as err:
        checkpoint.load(folder)
    message = str(err.value)
    assert words in message and "\n" not in message


def reseal(folder, **changes) -> None:
    """Write `folder`'s manifest again over its files as they are now (as a checkpoint written so
    would have it), with `changes` to the manifest's own fields."""
    files = {p.name: p.read_bytes() for p in folder.iterdir() if p.name not in ("MANIFEST.json", "DONE")}
    (folder / "MANIFEST.json").write_text(json.dumps(checkpoint.manifest(files) | changes))


def test_a_checkpoint_from_another_simulator_version_is_refused(saved):
    meta = json.loads((saved / "state.json").read_text())
    (saved / "state.json").write_text(json.dumps(meta | {"simulator_version": "0.0.1"}))
    reseal(saved, simulator_version="0.0.1")
    refused(saved, "written by community-sim 0.0.1")
    refused(saved, "not compatible")


def test_an_unfinished_or_corrupt_checkpoint_is_refused(saved):
    data = bytearray((saved / "state.npz").read_bytes())
    data[len(data) // 2] ^= 0xFF
    (saved / "state.npz").write_bytes(bytes(data))
    refused(saved, "state.npz does not match its hash")
    (saved / "DONE").unlink()
    refused(saved, "unfinished")


class Payload:
    """Creates a file if it is ever unpickled."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, "w"))


def test_pickled_objects_in_a_checkpoint_are_never_unpickled(saved, tmp_path):
    marker = tmp_path / "unpickled"
    with np.load(saved / "state.npz") as npz:
        arrays = {k: npz[k] for k in npz.files}
    arrays["state.newcomers_waiting"] = np.array([Payload(marker)], dtype=object)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    (saved / "state.npz").write_bytes(buffer.getvalue())
    reseal(saved)  # the hashes match: only the pickle check stands between it and the loader
    refused(saved, "not plain numpy data")
    assert not marker.exists()


@dataclasses.dataclass
class Inner:
    stage: Stage
    entry: StageSnapshot
    counts: np.ndarray


@dataclasses.dataclass
class SomeNewState:
    """What a new mechanic might add to the community state: arrays, enums, numpy scalars, nested
    dataclasses and lists of them, free-form logs."""

    rows: np.ndarray
    level: np.float32
    label: str
    inner: Inner
    history: list[Inner]
    log: list[dict]


def test_state_dataclasses_are_saved_field_by_field_without_a_list_of_attributes():
    inner = Inner(Stage.MATURE, StageSnapshot(10, 0.1, 0.2, 0.3), np.arange(3))
    state = SomeNewState(np.array([4, 5]), np.float32(0.1), "x", inner, [inner, inner], [{"day": 1, "kind": "k"}])
    arrays = {}
    record = json.loads(json.dumps(to_record(state, "new", arrays)))  # the record is plain JSON
    back = from_record(SomeNewState, record, arrays)
    assert np.array_equal(back.rows, state.rows) and back.level == state.level and type(back.level) is np.float32
    assert back.inner.stage is Stage.MATURE and back.inner.entry == inner.entry and np.array_equal(back.inner.counts, inner.counts)
    assert [h.stage for h in back.history] == [Stage.MATURE] * 2 and back.log == state.log and back.label == "x"


def test_state_a_checkpoint_cannot_write_as_plain_data_stops_the_save(cfg, tmp_path):
    model = run(cfg.replace(days=3)).model
    model.note("odd", "a note holding an object", {"what": object()})
    with pytest.raises(checkpoint.CheckpointError, match="holds a object"):
        checkpoint.save(model, tmp_path / "x")


# -- resuming: what a resumed run reports ----------------------------------------------------------

TINY = ["scenario=classroom", "network.n_people=300", "seed=7", "output.plots=false", "output.csv=false"]


@pytest.fixture
def tiny_run(tmp_path):
    """A 300-person run of 8 days, checkpointed on days 4 and 8, into its run folder."""
    cfg = load_config([*TINY, "days=8", "checkpoint.every_days=4"])
    run(cfg, tmp_path / "run")
    return cfg, tmp_path / "run"


def test_a_resumed_run_counts_speed_over_the_days_it_stepped(tiny_run, monkeypatch):
    cfg, folder = tiny_run
    clock = iter(range(100))  # every reading of the clock one second later: stepping takes 1 s
    monkeypatch.setattr("sim.runner.time.perf_counter", lambda: float(next(clock)))
    model = forks.continue_from(checkpoint.load(folder / "checkpoints" / "day-00004-CREATE"), forks.NO_CHECKPOINTS, days=8)
    timings = run(model.base_cfg, start=model).summary["timings"]
    assert timings["step_seconds"] == 1.0
    assert timings["member_days_per_second"] == 300 * 8  # days 5..12, not 12


def test_a_run_stopped_after_its_last_checkpoint_is_finished_by_resume(tiny_run, capsys):
    cfg, folder = tiny_run
    straight = pd.read_parquet(folder / "timeseries.parquet")
    (folder / "DONE").unlink()  # killed after saving day 8, before its run folder was finished
    forks.resume_main([str(folder)])
    assert "outputs:" in capsys.readouterr().out and checkpoint.is_done(folder)
    assert pd.read_parquet(folder / "timeseries.parquet").equals(straight)
