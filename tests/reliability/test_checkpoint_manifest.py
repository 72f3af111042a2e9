"""A checkpoint is used exactly as it was written: its manifest hashes every file, and a checkpoint
with an edited, missing or added file is refused with one line naming the file, as is one of an
older format (which has no manifest)."""

from __future__ import annotations

import json
import shutil

import pytest

from sim import checkpoint
from sim.cli import load_config
from sim.runner import run


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """A finished day-8 checkpoint of a 300-person classroom run (copied by each test)."""
    where = tmp_path_factory.mktemp("ck")
    cfg = load_config(["scenario=classroom", "network.n_people=300", "seed=7", "days=8",
                       "output.plots=false", "checkpoint.every_days=8", f"checkpoint.dir={where}"])
    run(cfg)
    return checkpoint.find(where)


@pytest.fixture
def saved(written, tmp_path):
    return shutil.copytree(written, tmp_path / written.name)


def refused(folder, *words: str) -> str:
    with pytest.raises(checkpoint.CheckpointError) as err:
        checkpoint.load(folder)
    message = str(err.value)
    assert "\n" not in message and all(w in message for w in words), message
    return message


def edit_record(folder, **changes) -> None:
    meta = json.loads((folder / "state.json").read_text())
    (folder / "state.json").write_text(json.dumps(meta | changes, indent=2))


def test_the_manifest_lists_and_hashes_every_file_of_the_checkpoint(saved):
    listing = json.loads((saved / "MANIFEST.json").read_text())
    assert listing["format_version"] == checkpoint.FORMAT_VERSION == 6
    assert sorted(listing["files"]) == sorted(p.name for p in saved.iterdir() if p.name not in ("MANIFEST.json", "DONE"))
    assert all(len(entry["blake2b"]) == 32 for entry in listing["files"].values())
    assert checkpoint.load(saved).day == 8


def test_an_edited_day_is_refused_naming_state_json(saved):
    edit_record(saved, day=4)
    refused(saved, "state.json", "changed or corrupt")


def test_an_edited_seed_is_refused_naming_state_json(saved):
    edit_record(saved, seed=99)
    refused(saved, "state.json", "changed or corrupt")


@pytest.mark.parametrize("name", ["state.json", "state.npz", "MANIFEST.json"])
def test_a_deleted_file_is_refused_naming_it(saved, name):
    (saved / name).unlink()
    refused(saved, name, "missing")


def test_an_added_file_is_refused_naming_it(saved):
    (saved / "notes.txt").write_text("a file put here by hand\n")
    refused(saved, "notes.txt", "not one of its files")


def test_a_checkpoint_of_the_older_format_without_a_manifest_is_refused_as_not_compatible(saved):
    (saved / "MANIFEST.json").unlink()
    edit_record(saved, format_version=3)
    refused(saved, "checkpoint format 3", "not compatible")
