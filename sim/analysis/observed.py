"""Reading a community's observed daily series for calibration, refusing malformed data.

A CSV with a `day` column (whole days, increasing) or a `date` column (ISO dates, increasing) and
any of the series the simulator records under the same names: members, daily_active,
joins_organic, joins_campaign, joins_referral, posts (member plus expert posts). Days are counted
from the first row (day 0 = the first observation, the simulated day 0), and the last may be at
most the longest run the simulator allows (`days`' upper bound in the schema). Every value is a
finite, non-negative number. Every problem is one `ObservedDataError` line naming the file, the
column and the row.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd

from sim.config import SimConfig

SERIES = ("members", "daily_active", "joins_organic", "joins_campaign", "joins_referral", "posts")


def longest_run() -> int:
    """The most days one run may simulate (the schema's upper bound on `days`)."""
    return next(f for f in dataclasses.fields(SimConfig) if f.name == "days").metadata["hi"]


class ObservedDataError(ValueError):
    """Malformed observed data (the message is one line)."""


def load_observed(path: str | Path) -> pd.DataFrame:
    """Read and check an observed daily series.

    Returns:
        A frame with an int `day` column (0 = first row) and the series columns present, as floats.

    Raises:
        ObservedDataError: unreadable file, no day/date column, no known series, a non-numeric,
            infinite or negative value, days/dates that do not increase, or a last day past the
            longest run the simulator allows.
    """
    path = Path(path)
    try:
        raw = pd.read_csv(path, dtype=str, skipinitialspace=True)
    except FileNotFoundError:
        raise ObservedDataError(f"{path}: no such file") from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise ObservedDataError(
            f"{path}: not a readable CSV ({str(exc).splitlines()[0]})"
        ) from None
    raw.columns = [str(c).strip().lower() for c in raw.columns]
    series = [c for c in SERIES if c in raw.columns]
    if not series:
        raise ObservedDataError(
            f"{path}: no series to fit; need at least one column of {', '.join(SERIES)}"
        )
    if len(raw) < 3:
        raise ObservedDataError(f"{path}: {len(raw)} rows; need at least 3 days of data")
    out = pd.DataFrame({"day": _days(raw, path)})
    for col in series:
        out[col] = _counts(raw[col], col, path)
    return out


def _days(raw: pd.DataFrame, path: Path) -> np.ndarray:
    if "day" in raw.columns:
        values = _counts(raw["day"], "day", path)
        if not np.all(values == np.round(values)):
            raise ObservedDataError(f"{path}: column day must hold whole days")
    elif "date" in raw.columns:
        dates = pd.to_datetime(raw["date"], errors="coerce", format="ISO8601")
        bad = np.flatnonzero(dates.isna().to_numpy())
        if len(bad):
            raise ObservedDataError(
                f"{path}: column date, row {bad[0] + 2}: {raw['date'].iloc[bad[0]]!r} is not a date"
            )
        values = ((dates - dates.iloc[0]).dt.days).to_numpy(dtype=float)
    else:
        raise ObservedDataError(f"{path}: no day or date column")
    steps = np.diff(values)
    if np.any(steps <= 0):
        k = int(np.flatnonzero(steps <= 0)[0]) + 1
        raise ObservedDataError(
            f"{path}: days/dates must increase; row {k + 2} is not after row {k + 1}"
        )
    days = values - values[0]
    if days[-1] > longest_run():
        column = "day" if "day" in raw.columns else "date"
        raise ObservedDataError(
            f"{path}: column {column}, row {len(days) + 1}: day {days[-1]:.0f} counted from the first row is "
            f"past the longest run the simulator allows ({longest_run()} days)"
        )
    return days.astype(np.int64)


def _counts(column: pd.Series, name: str, path: Path) -> np.ndarray:
    values = pd.to_numeric(column, errors="coerce")
    bad = np.flatnonzero(values.isna().to_numpy())
    if len(bad):
        raise ObservedDataError(
            f"{path}: column {name}, row {bad[0] + 2}: {column.iloc[bad[0]]!r} is not a number"
        )
    arr = values.to_numpy(dtype=float)
    if not np.all(np.isfinite(arr)):
        k = int(np.flatnonzero(~np.isfinite(arr))[0])
        raise ObservedDataError(
            f"{path}: column {name}, row {k + 2}: {column.iloc[k]!r} is not a finite number"
        )
    if np.any(arr < 0):
        k = int(np.flatnonzero(arr < 0)[0])
        raise ObservedDataError(
            f"{path}: column {name}, row {k + 2}: {arr[k]:g} is negative; counts cannot be"
        )
    return arr


def simulated_series(timeseries: pd.DataFrame, days: np.ndarray, columns) -> pd.DataFrame:
    """The simulator's values of `columns` on `days` (posts = member + expert posts)."""
    ts = timeseries.set_index("day")
    if "posts" in columns:
        ts = ts.assign(posts=ts["posts_member"] + ts["posts_expert"])
    return ts.loc[days, list(columns)].reset_index()
