"""`community-sim-validate` writes a report with a badge and the measured value per pattern."""

import json

from sim.recorder import is_done
from sim.validation.suite import main


def test_the_report_names_each_pattern_its_result_and_measured_values(tmp_path, capsys):
    out = tmp_path / "report"
    code = main(
        [
            "--size",
            "quick",
            "--only",
            "referral_cascades",
            "participation_inequality",
            "--out",
            str(out),
        ]
    )
    results = json.loads((out / "results.json").read_text())
    assert code == (0 if results["passed"] == results["total"] else 1)
    assert [r["key"] for r in results["results"]] == [
        "referral_cascades",
        "participation_inequality",
    ]
    report = (out / "report.md").read_text()
    assert (
        "![validation](badge.svg)" in report
        and "share_size_1" in report
        and "van Mierlo 2014" in report
    )
    assert (
        "<svg" in (out / "badge.svg").read_text() and "<table>" in (out / "report.html").read_text()
    )
    assert is_done(out)
    assert "report:" in capsys.readouterr().out


def test_an_unknown_check_is_refused_with_one_line(tmp_path, capsys):
    assert main(["--only", "bogus", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "unknown check 'bogus'" in err
