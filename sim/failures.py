"""How every command ends when it does not succeed: one line on stderr and a non-zero exit status.

Every console script (`community-sim` and each `community-sim-*` tool, pyproject.toml) is its main
function wrapped by `command`, so no failure reaches the terminal as a Python traceback:

    status   line on stderr                                     when
    1        error: <Type>: <message> (traceback: <file>)       an unexpected exception (a crash)
    2        error: <what was wrong>                            bad input: a ConfigError (a value, key,
                                                                file or argument refused), a run folder
                                                                in use by another process or not writable
    130      error: stopped by SIGINT (Ctrl+C)                  Ctrl+C
    143      error: stopped by SIGTERM                          `kill PID`, a scheduler's stop
    129      error: stopped by SIGHUP                           the terminal closed

The full traceback of a crash goes to a file: `traceback.txt` in the run folder when a run crashed
(sim/runlock.py), otherwise `<command>-*.traceback.txt` in the temporary folder ($TMPDIR, else
/tmp); with COMMUNITY_SIM_TRACEBACK=1 it is also printed before the line. SIGTERM and SIGHUP are
turned into the exception `Stopped` while a command runs (as Python turns SIGINT into
KeyboardInterrupt), so a run stopped by them unwinds and says so; SIGKILL cannot be caught.
"""

from __future__ import annotations

import argparse
import functools
import os
import signal
import sys
import tempfile
import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from sim.schema import ConfigError

EXIT_CRASH = 1
EXIT_BAD_INPUT = 2
TRACEBACK_ENV = "COMMUNITY_SIM_TRACEBACK"
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)
MESSAGE_MAX_CHARS = 500  # an exception's message can be a whole array's repr: the line stays readable
_TRACEBACK_FILE = "_community_sim_traceback_file"  # attribute naming where a crash's traceback was saved


class Stopped(BaseException):
    """A stop signal (SIGTERM, SIGHUP) raised where the program was, as Ctrl+C raises
    KeyboardInterrupt. Not an Exception, so nothing that handles errors swallows it."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum

    def __str__(self) -> str:
        return f"stopped by {signal.Signals(self.signum).name}"


def _raise_stopped(signum, frame) -> None:
    raise Stopped(signum)


@contextmanager
def stop_signals_raise(signals=STOP_SIGNALS) -> Iterator[None]:
    """While inside, SIGTERM and SIGHUP raise `Stopped`; the previous handlers come back after.

    A signal someone chose to handle or ignore (a handler of their own, SIG_IGN as under nohup) is
    left alone; so is everything outside the main thread, where Python cannot set handlers.
    """
    installed = {}
    if threading.current_thread() is threading.main_thread():
        for signum in signals:
            if signal.getsignal(signum) is signal.SIG_DFL:
                installed[signum] = signal.signal(signum, _raise_stopped)
    try:
        yield
    finally:
        for signum, previous in installed.items():
            signal.signal(signum, previous)


def exit_status(exc: BaseException) -> int:
    """The exit status a command ends with when `exc` stops it."""
    if isinstance(exc, KeyboardInterrupt):
        return 128 + signal.SIGINT
    if isinstance(exc, Stopped):
        return 128 + exc.signum
    if isinstance(exc, ConfigError):
        return EXIT_BAD_INPUT
    return EXIT_CRASH


def one_line(text: str, limit: int | None = None) -> str:
    """`text` on one line (its lines joined by '; '), cut to `limit` characters if given."""
    line = "; ".join(part.strip() for part in str(text).splitlines() if part.strip())
    return line if limit is None or len(line) <= limit else line[: limit - 1] + "…"


def describe(exc: BaseException) -> str:
    """What ended a command or run, in one line: `error: ...` (no traceback location)."""
    if isinstance(exc, KeyboardInterrupt):
        return "error: stopped by SIGINT (Ctrl+C)"
    if isinstance(exc, Stopped):
        return f"error: {exc}"
    if isinstance(exc, ConfigError):
        return f"error: {one_line(str(exc))}"
    if isinstance(exc, SystemExit):
        return f"error: exited with status {exc.code} before finishing"
    message = one_line(str(exc), MESSAGE_MAX_CHARS)
    return f"error: {type(exc).__name__}: {message}" if message else f"error: {type(exc).__name__}"


def format_traceback(exc: BaseException) -> str:
    return "".join(traceback.format_exception(exc))


def note_traceback_file(exc: BaseException, path: Path) -> None:
    """Remember on `exc` that its traceback was saved to `path` (the line will name it)."""
    with suppress(AttributeError):  # an exception type without a __dict__
        setattr(exc, _TRACEBACK_FILE, path)


def save_traceback(exc: BaseException, prog: str) -> Path | None:
    """Where `exc`'s traceback is saved: the file noted on it, else a new file in the temporary
    folder (None if that cannot be written either)."""
    noted = getattr(exc, _TRACEBACK_FILE, None)
    if noted is not None:
        return Path(noted)
    try:
        fd, name = tempfile.mkstemp(prefix=f"{prog}-", suffix=".traceback.txt")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(format_traceback(exc))
        return Path(name)
    except OSError:
        return None


def failure_line(exc: BaseException, prog: str) -> str:
    """The one line a command prints for `exc`; a crash's names where its traceback is."""
    line = describe(exc)
    if exit_status(exc) == EXIT_CRASH:
        where = save_traceback(exc, prog)
        line += f" (traceback: {where})" if where else " (traceback not saved: the temporary folder is not writable)"
    return line


def say(line: str) -> None:
    """Print a line on stderr; a closed terminal (SIGHUP, a broken pipe) cannot make it fail."""
    with suppress(OSError, ValueError):
        print(line, file=sys.stderr, flush=True)


class CommandParser(argparse.ArgumentParser):
    """The argument parser of every community-sim-* tool: an argument it refuses is one line and
    status 2 (argparse's own prints the whole usage before the error)."""

    def error(self, message: str):
        self.exit(EXIT_BAD_INPUT, f"error: {one_line(message)} (see {self.prog} --help)\n")


def command(prog: str) -> Callable[[Callable], Callable]:
    """Wrap a command's main function so that every way it fails is one line and an exit status.

    The wrapped function keeps its signature and return value (a console script exits with it);
    `SystemExit` passes through (the command chose its status and said why). It carries
    `command` (its name) and `__wrapped__` (the function itself, for calling in-process).
    """

    def wrap(main: Callable) -> Callable:
        @functools.wraps(main)
        def wrapped(*args, **kwargs):
            try:
                with stop_signals_raise():
                    return main(*args, **kwargs)
            except SystemExit:
                raise
            except BaseException as exc:  # noqa: BLE001  every ending becomes one line
                if os.environ.get(TRACEBACK_ENV, "") not in ("", "0"):
                    say(format_traceback(exc).rstrip())
                say(failure_line(exc, prog))
                sys.exit(exit_status(exc))

        wrapped.command = prog
        return wrapped

    return wrap
