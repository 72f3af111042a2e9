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
            "--scenario",
            "brand_community",
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
    assert {r["preset"] for r in results["results"]} == {"brand_community"}
    report = (out / "report.md").read_text()
    # the badge table: patterns by presets; applicable but not named: `not run`; not applicable: a dash
    assert "| pattern | brand_community | knowledge_circle |" in report
    assert "| participation_inequality | PASS" in report or "| participation_inequality | FAIL" in report
    assert "not run | —" in report  # participation_inequality: classroom is not applicable
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


def test_an_unknown_scenario_is_refused_with_one_line(tmp_path, capsys):
    assert main(["--scenario", "brand_comunity", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "unknown scenario 'brand_comunity'" in err


def test_a_check_that_applies_to_none_of_the_named_scenarios_is_refused_with_one_line(tmp_path, capsys):
    assert main(["--only", "fission_launch", "--scenario", "classroom", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "none of the chosen checks applies" in err
