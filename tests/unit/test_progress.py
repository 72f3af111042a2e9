"""Long work shows its progress: plain lines on a non-terminal stream, at most one every few seconds."""

import io

import pytest

from sim.progress import Progress, track


def test_a_plain_stream_gets_a_first_line_a_line_per_interval_and_a_last_line():
    stream = io.StringIO()
    with Progress(4, "sweep", "jobs", stream=stream, every_s=0.0) as progress:  # every advance may report
        for _ in range(4):
            progress.advance()
    lines = stream.getvalue().splitlines()
    assert lines[0] == "sweep: 4 jobs to do"
    assert lines[1].startswith("sweep: 1/4 jobs (25%)") and "left" in lines[1]
    assert lines[-1].startswith("sweep: 4/4 jobs (100%)") and "left" not in lines[-1]
    assert len(lines) == 5  # first, after jobs 1-3, last


def test_between_intervals_nothing_is_written():
    stream = io.StringIO()
    assert list(track(range(50), 50, "fit", "trials", stream=stream)) == list(range(50))
    assert len(stream.getvalue().splitlines()) == 2  # fast work: the first and the last line only


def test_work_that_fails_does_not_claim_to_be_done():
    stream = io.StringIO()
    with pytest.raises(RuntimeError), Progress(3, "compare", stream=stream) as progress:
        progress.advance()
        raise RuntimeError("a run failed")
    assert stream.getvalue().splitlines() == ["compare: 3 runs to do"]
