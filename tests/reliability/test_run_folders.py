"""A run folder tells the truth: one writer at a time (a lock naming its holder), a finished folder
left exactly as it was, FAILED with one line whenever a run ends without DONE (a crash, running
out of memory, SIGTERM, Ctrl+C), FAILED cleared by a rerun that finishes; and every failure of
every command is one line on stderr and a non-zero exit status, never a traceback.

The runs are real processes. A few go through a small script that runs `community-sim` with a hook
in the simulated day: it pauses on day 2 until the test lets it go (so a second process can try
the same folder, or a signal can reach the run mid-way), or raises an exception there (a crash).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
import tomllib
from importlib import import_module
from pathlib import Path

import pytest

from sim.config import ConfigError
from sim.failures import EXIT_BAD_INPUT, EXIT_CRASH, TRACEBACK_ENV, CommandParser, command
from sim.runlock import LOCK_FILE, run_folder

REPO = Path(__file__).resolve().parents[2]
TINY = ["network.n_people=300", "days=5", "output.plots=false", "output.csv=false"]
DAY_HOOK = '''
"""community-sim with a hook on day 2: `wait GATE` touches GATE.waiting and waits until GATE
exists; `raise NAME` raises the built-in exception NAME."""
import builtins
import sys
import time
from pathlib import Path

from sim.cli import main
from sim.model import CommunityModel

mode, arg, sys.argv = sys.argv[1], sys.argv[2], ["community-sim", *sys.argv[3:]]
step = CommunityModel.step


def hooked(model):
    if model.day == 2:
        if mode == "wait":
            Path(arg + ".waiting").touch()
            while not Path(arg).exists():
                time.sleep(0.02)
        else:
            raise getattr(builtins, arg)("injected on day 2")
    step(model)


CommunityModel.step = hooked
main()
'''


def env(tmp_path: Path) -> dict:
    """The environment of a command: this source tree, and tracebacks saved under tmp_path."""
    return {**os.environ, "PYTHONPATH": str(REPO), "TMPDIR": str(tmp_path)}


def community_sim(args, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sim.cli", *args], cwd=cwd, env=env(cwd),
                          capture_output=True, text=True, timeout=120)


def hooked(mode: str, arg, args, tmp_path: Path) -> subprocess.Popen:
    script = tmp_path / "day_hook.py"
    script.write_text(DAY_HOOK)
    return subprocess.Popen([sys.executable, str(script), mode, str(arg), *args], cwd=tmp_path, env=env(tmp_path),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def paused_on_day_2(gate: Path, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while not Path(f"{gate}.waiting").exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the run never reached day 2"
        time.sleep(0.02)


def one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    return lines[0]


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_second_run_into_a_folder_in_use_is_refused_and_the_first_keeps_its_record(tmp_path):
    run_dir, gate = tmp_path / "run", tmp_path / "gate"
    first = hooked("wait", gate, [*TINY, "seed=1", f"hydra.run.dir={run_dir}"], tmp_path)
    paused_on_day_2(gate, first)
    second = community_sim([*TINY, "seed=2", f"hydra.run.dir={run_dir}"], tmp_path)
    gate.touch()
    out, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    assert second.returncode == EXIT_BAD_INPUT and "members (final" not in second.stdout
    line = one_line(second.stderr)
    assert line.startswith(f"error: run folder {run_dir} is in use") and f"pid {first.pid}" in line
    assert socket.gethostname() in line
    assert "- seed=1" in (run_dir / ".hydra" / "overrides.yaml").read_text().splitlines()
    assert "seed: 1" in (run_dir / "config.yaml").read_text().splitlines()
    assert json.loads((run_dir / "summary.json").read_text())["seed"] == 1
    assert (run_dir / "DONE").is_file() and not (run_dir / "FAILED").exists() and not (run_dir / LOCK_FILE).exists()


def test_a_lock_left_by_a_process_that_has_ended_is_taken_over_saying_so(tmp_path):
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(ended.stdout)
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    holder = {"pid": pid, "host": socket.gethostname(), "started": "2026-01-05T09:30:00", "command": "community-sim"}
    (run_dir / LOCK_FILE).write_text(json.dumps(holder) + "\n")
    proc = community_sim([*TINY, f"hydra.run.dir={run_dir}"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    note = one_line(proc.stderr)
    assert note.startswith("note: ") and "took over" in note and f"pid {pid}" in note
    assert (run_dir / "DONE").is_file() and not (run_dir / LOCK_FILE).exists()


def test_a_finished_folder_is_left_byte_for_byte_as_it_was(tmp_path):
    run_dir, elsewhere = tmp_path / "run", tmp_path / "elsewhere"
    assert community_sim([*TINY, "seed=1", f"hydra.run.dir={run_dir}"], tmp_path).returncode == 0
    before = files(run_dir)
    assert ".hydra/overrides.yaml" in before and "DONE" in before
    elsewhere.mkdir()
    again = community_sim([*TINY, "seed=2", f"hydra.run.dir={run_dir}"], elsewhere)
    assert again.returncode == 0 and f"already finished, skipped: {run_dir}" in again.stdout
    assert files(run_dir) == before


def test_a_restarted_sweep_leaves_each_finished_job_byte_for_byte_as_it_was(tmp_path):
    root, elsewhere = tmp_path / "sweep", tmp_path / "elsewhere"
    first = community_sim(["-m", f"hydra.sweep.dir={root}", *TINY, "seed=0"], tmp_path)
    assert first.returncode == 0, first.stderr
    (job,) = [p.parent for p in root.rglob("DONE")]
    before = files(job)
    assert ".hydra/hydra.yaml" in before
    elsewhere.mkdir()
    again = community_sim(["-m", f"hydra.sweep.dir={root}", *TINY, "seed=0"], elsewhere)
    assert again.returncode == 0 and "already finished, skipped" in again.stdout
    assert files(job) == before


@pytest.mark.parametrize("error", ["RuntimeError", "MemoryError"])
def test_a_crash_mid_run_leaves_failed_with_one_line_and_no_done(tmp_path, error):
    run_dir = tmp_path / "run"
    proc = hooked("raise", error, [*TINY, f"hydra.run.dir={run_dir}"], tmp_path)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == EXIT_CRASH
    line = one_line(err)
    assert line == f"error: {error}: injected on day 2 (traceback: {run_dir / 'traceback.txt'})"
    assert (run_dir / "FAILED").read_text() == f"error: {error}: injected on day 2\n"
    assert not (run_dir / "DONE").exists() and not (run_dir / LOCK_FILE).exists()
    saved = (run_dir / "traceback.txt").read_text()
    assert saved.startswith("Traceback") and "in hooked" in saved


@pytest.mark.parametrize(("signum", "status", "said"), [
    (signal.SIGTERM, 143, "stopped by SIGTERM"),
    (signal.SIGINT, 130, "stopped by SIGINT (Ctrl+C)"),
])
def test_a_signal_mid_run_leaves_failed_with_one_line_and_no_done(tmp_path, signum, status, said):
    run_dir, gate = tmp_path / "run", tmp_path / "gate"
    proc = hooked("wait", gate, [*TINY, f"hydra.run.dir={run_dir}"], tmp_path)
    paused_on_day_2(gate, proc)
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == status
    assert one_line(err) == f"error: {said}"
    assert (run_dir / "FAILED").read_text() == f"error: {said}\n"
    assert not (run_dir / "DONE").exists() and not (run_dir / LOCK_FILE).exists()


def test_a_rerun_that_finishes_clears_failed(tmp_path):
    run_dir = tmp_path / "run"
    refused = community_sim([*TINY, "days=-1", f"hydra.run.dir={run_dir}"], tmp_path)
    assert refused.returncode == EXIT_BAD_INPUT and (run_dir / "FAILED").is_file()
    (run_dir / "traceback.txt").write_text("Traceback (most recent call last):\n")  # as a crash leaves it
    rerun = community_sim([*TINY, f"hydra.run.dir={run_dir}"], tmp_path)
    assert rerun.returncode == 0, rerun.stderr
    assert (run_dir / "DONE").is_file()
    assert not (run_dir / "FAILED").exists() and not (run_dir / "traceback.txt").exists()


@pytest.fixture
def read_only():
    """Make a folder read-only for this process (root ignores modes: then the immutable flag)."""
    made = []

    def make(folder: Path) -> None:
        folder.chmod(stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP)
        made.append(folder)
        immutable = os.geteuid() != 0 or (shutil.which("chattr") and not subprocess.run(["chattr", "+i", str(folder)]).returncode)
        if not immutable:
            pytest.skip("running as root, and the immutable flag is not available here")

    yield make
    for folder in made:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(folder)], capture_output=True)
        folder.chmod(stat.S_IRWXU)


@pytest.mark.parametrize("where", ["the run folder", "its parent"])
def test_a_folder_that_cannot_be_written_is_one_line_before_anything_runs(tmp_path, read_only, where):
    shut = tmp_path / "shut"
    shut.mkdir()
    read_only(shut)
    run_dir = shut if where == "the run folder" else shut / "run"
    proc = community_sim([*TINY, f"hydra.run.dir={run_dir}"], tmp_path)
    assert proc.returncode == EXIT_BAD_INPUT
    assert one_line(proc.stderr).startswith(f"error: cannot write the run folder {run_dir}: ")
    assert "members (final" not in proc.stdout


def test_run_folder_marks_failed_takes_the_lock_and_restores_the_signal_handler(tmp_path):
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(ZeroDivisionError), run_folder(tmp_path / "run") as folder:
        assert not folder.done and (tmp_path / "run" / LOCK_FILE).is_file()
        assert signal.getsignal(signal.SIGTERM) is not before
        1 / 0  # noqa: B018
    assert (tmp_path / "run" / "FAILED").read_text() == "error: ZeroDivisionError: division by zero\n"
    assert not (tmp_path / "run" / LOCK_FILE).exists() and signal.getsignal(signal.SIGTERM) is before


# -- every command: one line --------------------------------------------------------------------

SCRIPTS = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]


def console_script(name: str, args, tmp_path: Path, before: str = "") -> subprocess.CompletedProcess:
    """`name ARGS` as the script pip generates from pyproject.toml runs it (after the code `before`)."""
    module, _, attr = SCRIPTS[name].partition(":")
    code = f"{before}\nimport sys\nfrom {module} import {attr} as main\nsys.argv[0] = {name!r}\nsys.exit(main())"
    return subprocess.run([sys.executable, "-c", code, *args], cwd=tmp_path, env=env(tmp_path),
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_every_command_is_wrapped_to_report_failures_in_one_line(name):
    module, _, attr = SCRIPTS[name].partition(":")
    entry = getattr(import_module(module), attr)
    assert getattr(entry, "command", None) == name and callable(entry.__wrapped__)


BROKEN_COLLECT = """
import sim.analysis.collect
def collect(folder):
    raise TypeError(f"cannot read {folder}")
sim.analysis.collect.collect = collect
"""


def test_an_unexpected_error_in_a_tool_is_one_line_with_its_traceback_saved(tmp_path):
    proc = console_script("community-sim-collect", ["sweep"], tmp_path, before=BROKEN_COLLECT)
    assert proc.returncode == EXIT_CRASH
    line = one_line(proc.stderr)
    assert line.startswith("error: TypeError: cannot read sweep (traceback: ")
    saved = Path(line.rpartition("(traceback: ")[2].rstrip(")"))
    assert saved.parent == tmp_path and saved.read_text().startswith("Traceback")


def fail_with(exc: BaseException):
    @command("community-sim-test")
    def main(argv=None):
        raise exc
    return main


@pytest.mark.parametrize(("exc", "status", "line"), [
    (RuntimeError("out of\nluck"), EXIT_CRASH, "error: RuntimeError: out of; luck (traceback: "),
    (MemoryError(), EXIT_CRASH, "error: MemoryError (traceback: "),
    (ConfigError("days = -1 is out of range"), EXIT_BAD_INPUT, "error: days = -1 is out of range"),
    (KeyboardInterrupt(), 130, "error: stopped by SIGINT (Ctrl+C)"),
])
def test_the_wrapper_turns_each_kind_of_ending_into_one_line_and_its_status(exc, status, line, tmp_path,
                                                                            monkeypatch, capsys):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    with pytest.raises(SystemExit) as stopped:
        fail_with(exc)()
    assert stopped.value.code == status
    err = capsys.readouterr().err
    assert one_line(err).startswith(line)
    if status == EXIT_CRASH:
        assert len(list(tmp_path.glob("community-sim-test-*.traceback.txt"))) == 1


def test_the_full_traceback_is_printed_on_request_and_bad_arguments_are_one_line(monkeypatch, capsys):
    monkeypatch.setenv(TRACEBACK_ENV, "1")
    with pytest.raises(SystemExit):
        fail_with(RuntimeError("boom"))()
    err = capsys.readouterr().err
    assert err.startswith("Traceback") and err.strip().splitlines()[-1].startswith("error: RuntimeError: boom")

    @command("community-sim-test")
    def main(argv=None):
        parser = CommandParser(prog="community-sim-test")  # the parser every command uses
        parser.add_argument("folder")
        parser.parse_args(argv or [])

    with pytest.raises(SystemExit) as stopped:
        main()
    assert stopped.value.code == EXIT_BAD_INPUT
    assert one_line(capsys.readouterr().err).startswith("error: the following arguments are required: folder")
