"""One writer per run folder, and a folder that always says how its run ended.

`run_folder(path)` is entered around everything a run writes into its folder (`community-sim`'s
task, one per sweep job; `community-sim-resume`). It

1. leaves a finished folder (DONE) alone: `done` is True and nothing is locked, probed or written;
2. makes the folder and checks it can be written (RunFolderError, one line, if not);
3. takes the folder's lock, `LOCK`, or refuses with one line naming the holder (RunFolderError);
4. removes an earlier attempt's FAILED, so the folder holds neither marker while the run is under
   way;
5. turns SIGTERM and SIGHUP into the exception `Stopped` (sim/failures.py) for the duration;
6. on the way out: any exception (a crash, MemoryError, a ConfigError, Ctrl+C, SIGTERM) writes
   FAILED with one line (and `traceback.txt` for a crash), as does a run that ended without DONE;
   then the lock is released and removed.

The lock is `fcntl.flock` on `LOCK`, not a file made with O_CREAT|O_EXCL: the kernel releases a
flock when its holder dies in any way (SIGKILL and the out-of-memory killer included), so a lock
nobody holds is stale by definition and is taken over at once, with a note naming the process that
left it; no pid has to be guessed alive or dead, and a reused pid cannot keep a folder locked.
`LOCK` holds the holder's pid, host, start time and command for the messages only. Where the
filesystem has no locks (some network mounts), the pid is checked instead: a holder on this host
that is still running keeps the folder.

SIGKILL cannot be caught: a run killed by it leaves its folder without DONE and without FAILED, and
its `LOCK` naming a process that no longer runs; the next run into the folder (or a resume) takes
the lock over and says so.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import socket
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sim.failures import (
    EXIT_CRASH,
    describe,
    exit_status,
    format_traceback,
    note_traceback_file,
    say,
    stop_signals_raise,
)
from sim.recorder import (
    TRACEBACK_FILE,
    atomic_write_text,
    clear_failed,
    is_done,
    mark_failed,
    unwritable,
)
from sim.schema import ConfigError

LOCK_FILE = "LOCK"
NO_LOCKS = (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS)  # flock not supported by the filesystem


class RunFolderError(ConfigError):
    """A run folder that cannot be used: another process is writing it, or it cannot be written."""


@dataclass
class RunFolder:
    """A run folder entered with `run_folder`: `done` when it already holds a finished run."""

    path: Path
    done: bool


def check_writable(folder: str | Path, make: bool = True) -> None:
    """Check that the run folder can be written: made (with its parents) when `make`, else only
    probed (a check before another program makes the folder itself: nothing is created).

    Raises:
        RunFolderError: one line, when the folder cannot be made or written.
    """
    folder = Path(folder)
    try:
        if make:
            folder.mkdir(parents=True, exist_ok=True)
        why = unwritable(folder)
    except OSError as exc:
        why = exc.strerror or str(exc)
    if why:
        raise RunFolderError(f"cannot write the run folder {folder}: {why}")


def _holder_now() -> bytes:
    started = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    record = {"pid": os.getpid(), "host": socket.gethostname(), "started": started, "command": " ".join(sys.argv)}
    return (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")


def _holder(fd: int) -> dict:
    """The holder record in a lock file ({} when empty or unreadable)."""
    try:
        record = json.loads(os.pread(fd, 65536, 0).decode("utf-8"))
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


def _who(record: dict) -> str:
    if not record:
        return "another process"
    return f"pid {record.get('pid')} on {record.get('host')}, started {record.get('started')}"


def _running_here(record: dict) -> bool:
    """True when the holder is a process on this host that still runs (or cannot be told)."""
    if record.get("host") != socket.gethostname():
        return bool(record)
    try:
        os.kill(int(record["pid"]), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, KeyError, TypeError, ValueError):
        return True
    return True


def _lock(fd: int) -> bool | None:
    """flock `fd` without waiting: True taken, False held by another, None not supported here."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError as exc:
        if exc.errno in NO_LOCKS:
            return None
        raise
    return True


def acquire(folder: Path) -> tuple[int, dict]:
    """Take `folder`'s lock: (the open lock file, the record a dead holder left, or {}).

    Raises:
        RunFolderError: another live process holds it (the line names it), or LOCK cannot be made.
    """
    path = folder / LOCK_FILE
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            raise RunFolderError(f"cannot write the run folder {folder}: {exc.strerror or exc}") from None
        try:
            taken = _lock(fd)
            left = _holder(fd)
            if taken is False or (taken is None and _running_here(left)):
                raise RunFolderError(
                    f"run folder {folder} is in use by {_who(left)}; wait for it to finish or choose another folder"
                )
            try:
                same = os.stat(path).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
            if not same:  # the holder released and removed LOCK between our open and our lock: again
                os.close(fd)
                continue
            data = _holder_now()
            os.ftruncate(fd, 0)
            os.pwrite(fd, data, 0)
            return fd, left
        except BaseException:
            os.close(fd)
            raise


def release(folder: Path, fd: int) -> None:
    """Remove LOCK and let go of it (in that order: a waiting process then finds no stale file)."""
    try:
        (folder / LOCK_FILE).unlink(missing_ok=True)
    finally:
        os.close(fd)


def record_failure(folder: Path, exc: BaseException) -> None:
    """FAILED with `exc`'s one line (and traceback.txt for a crash); never raises over `exc`."""
    try:
        if exit_status(exc) == EXIT_CRASH:
            where = folder / TRACEBACK_FILE
            atomic_write_text(where, format_traceback(exc))
            note_traceback_file(exc, where)
        mark_failed(folder, describe(exc))
    except Exception:  # noqa: BLE001  a full disk or lost permission must not hide why the run ended
        pass


def _note_takeover(folder: Path, left: dict) -> None:
    say(f"note: run folder {folder}: took over the lock left by {_who(left)}, which has ended")


@contextmanager
def run_folder(path: str | Path, note: Callable[[Path, dict], None] = _note_takeover) -> Iterator[RunFolder]:
    """Hold a run folder for one run: see the module docstring for what it does on the way in and out.

    Args:
        path: the run folder (made if missing).
        note: called with the folder and the holder record when a stale lock is taken over
            (default: a one-line note on stderr).

    Yields:
        RunFolder(path, done): skip the run when `done` (the folder holds a finished run).

    Raises:
        RunFolderError: the folder cannot be written, or another process holds it.
    """
    folder = Path(path)
    if is_done(folder):
        yield RunFolder(folder, True)
        return
    with stop_signals_raise():
        check_writable(folder)
        fd, left = acquire(folder)
        try:
            if left:
                note(folder, left)
            if is_done(folder):  # finished by a run that held the lock a moment ago
                yield RunFolder(folder, True)
                return
            clear_failed(folder)
            try:
                yield RunFolder(folder, False)
            except BaseException as exc:
                record_failure(folder, exc)
                raise
            if not is_done(folder):
                mark_failed(folder, "error: the run ended without finishing its folder (no DONE)")
        finally:
            release(folder, fd)
