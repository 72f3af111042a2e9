"""Progress of long work on stderr: a bar on a terminal, a plain line every few seconds otherwise.

Every command that runs more than one simulation (compare, sensitivity, optimise, calibrate,
validate) reports its progress through `Progress`. On a terminal it draws a rich progress bar that
disappears when the work is done; when stderr is not a terminal (CI logs, a sweep's job log, a
pipe) it writes one line when the work starts, one at most every `every_s` seconds while it runs
and one when it ends, so logs stay readable:

    compare: 12/40 runs (30%) · 0:00:41 elapsed · about 0:01:35 left
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from typing import TextIO

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.progress import Progress as RichProgress

EVERY_S = 5.0  # seconds between plain progress lines


def _clock(seconds: float) -> str:
    s = int(round(seconds))
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


class Progress:
    """Progress of `total` units of work named `label` (`unit`: what one unit is, e.g. "runs").

    Use as a context manager and call `advance()` after each unit, or wrap an iterable with `track`.
    """

    def __init__(self, total: int, label: str, unit: str = "runs", stream: TextIO | None = None,
                 every_s: float = EVERY_S):
        self.total, self.label, self.unit = int(total), label, unit
        self.stream = stream if stream is not None else sys.stderr
        self.every_s = every_s
        self.done = 0
        self._start = self._last = 0.0
        self._bar: RichProgress | None = None
        self._task = None

    def __enter__(self) -> Progress:
        self._start = self._last = time.monotonic()
        if self.stream.isatty():
            self._bar = RichProgress(TextColumn(f"{self.label}"), BarColumn(), MofNCompleteColumn(),
                                     TextColumn(self.unit), TimeElapsedColumn(), TimeRemainingColumn(),
                                     transient=True)
            self._bar.start()
            self._task = self._bar.add_task(self.label, total=self.total)
        else:
            self._line(f"{self.label}: {self.total} {self.unit} to do")
        return self

    def advance(self, n: int = 1) -> None:
        """`n` more units done."""
        self.done += n
        if self._bar is not None:
            self._bar.update(self._task, completed=self.done)
            return
        now = time.monotonic()
        if now - self._last >= self.every_s and self.done < self.total:
            self._last = now
            self._line(self.status(now))

    def status(self, now: float | None = None) -> str:
        """One line: units done, share, time elapsed and an estimate of the time left."""
        elapsed = (now if now is not None else time.monotonic()) - self._start
        share = self.done / self.total if self.total else 1.0
        left = elapsed / self.done * (self.total - self.done) if self.done else None
        text = f"{self.label}: {self.done}/{self.total} {self.unit} ({share:.0%}) · {_clock(elapsed)} elapsed"
        return text + (f" · about {_clock(left)} left" if left is not None and self.done < self.total else "")

    def __exit__(self, exc_type, exc, tb) -> None:
        if self._bar is not None:
            self._bar.stop()
        elif exc_type is None:
            self._line(self.status())

    def _line(self, text: str) -> None:
        print(text, file=self.stream, flush=True)


def track[T](items: Iterable[T], total: int, label: str, unit: str = "runs", stream: TextIO | None = None) -> Iterator[T]:
    """`items`, reporting one unit of progress as each is consumed."""
    with Progress(total, label, unit, stream) as progress:
        for item in items:
            yield item
            progress.advance()
