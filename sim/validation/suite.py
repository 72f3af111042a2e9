"""The validation suite and its report: `community-sim-validate [--size quick|full] [--out DIR]
[--only KEY ...]` runs every pattern check and writes report.md, report.html and results.json
(with a pass/fail badge and the measured values per pattern) into the output folder, marking it
done last. Exit status 0 when every check passed, 1 when one failed, 2 on bad arguments.
"""

from __future__ import annotations

import html
import sys
import time
from pathlib import Path

from sim.failures import CommandParser
from sim.progress import track
from sim.recorder import atomic_write_json, atomic_write_text, mark_done
from sim.validation.base import SIZES, PatternResult, Size
from sim.validation.bass import check_bass_recovery, check_marketing_only, check_word_of_mouth_only
from sim.validation.contagion import check_si_contagion
from sim.validation.fission import check_fission_launch
from sim.validation.patterns import (
    check_activity_shape,
    check_first_reply,
    check_participation,
    check_referral_cascades,
    check_retention,
)
from sim.validation.sustain import check_self_sustaining

CHECKS = {
    "bass_recovery": check_bass_recovery,
    "bass_marketing_only": check_marketing_only,
    "bass_word_of_mouth_only": check_word_of_mouth_only,
    "si_contagion": check_si_contagion,
    "activity_shape": check_activity_shape,
    "participation_inequality": check_participation,
    "newcomer_first_reply": check_first_reply,
    "retention_curve": check_retention,
    "referral_cascades": check_referral_cascades,
    "fission_launch": check_fission_launch,
    "self_sustaining": check_self_sustaining,
}


def run_checks(size: Size, only: list[str] | None = None) -> list[PatternResult]:
    """Run the chosen checks (all by default) at `size`, reporting progress on stderr."""
    keys = list(only or CHECKS)
    return list(track((CHECKS[key](size) for key in keys), len(keys), f"validate ({size.name})", "checks"))


def _fmt(v) -> str:
    return f"{v:.4g}" if isinstance(v, float) else str(v)


def badge(passed: int, total: int) -> str:
    """A shields-style SVG badge: `validation | k/n passed`, green when all pass."""
    colour = "#4c1" if passed == total else "#e05d44"
    text = f"{passed}/{total} passed"
    w = 7 * len(text) + 12
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{70 + w}" height="20" role="img" aria-label="validation: {text}">'
        f'<rect width="70" height="20" fill="#555"/><rect x="70" width="{w}" height="20" fill="{colour}"/>'
        f'<g fill="#fff" font-family="Verdana,sans-serif" font-size="11"><text x="6" y="14">validation</text>'
        f'<text x="{76}" y="14">{text}</text></g></svg>'
    )


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|")


def markdown_report(results: list[PatternResult], command: str, seconds: float) -> str:
    """The report as Markdown: a summary table, then one section per pattern."""
    n_ok = sum(r.passed for r in results)
    lines = [
        "# Validation report",
        "",
        "![validation](badge.svg)",
        "",
        f"**{n_ok}/{len(results)} patterns reproduced** · `{command}` · {seconds:.0f} s",
        "",
        "| pattern | result | measured | tolerance |",
        "|---|---|---|---|",
    ]
    for r in results:
        head = ", ".join(f"{k} = {_fmt(v)}" for k, v in list(r.measured.items())[:4])
        lines.append(
            f"| {r.key} | {'PASS' if r.passed else 'FAIL'} | {head} | {_cell(r.tolerance)} |"
        )
    for r in results:
        lines += [
            "",
            f"## {r.key}: {'PASS' if r.passed else 'FAIL'}",
            "",
            f"- pattern: {r.pattern}",
            f"- source: {r.source}",
            f"- measured: {r.measurement}",
            f"- runs: {r.size}; seeds {list(r.seeds)}",
            f"- tolerance: {r.tolerance}",
            "",
            "| value | measured |",
            "|---|---|",
        ]
        lines += [f"| {k} | {_fmt(v)} |" for k, v in r.measured.items()]
    return "\n".join(lines) + "\n"


def html_report(results: list[PatternResult], command: str, seconds: float) -> str:
    """The same report as a standalone HTML page."""
    n_ok = sum(r.passed for r in results)
    rows = "".join(
        f"<tr><td>{r.key}</td><td style='color:{'green' if r.passed else 'red'}'><b>{'PASS' if r.passed else 'FAIL'}</b></td>"
        f"<td>{html.escape(r.pattern)}<br><small>{html.escape(r.source)}</small></td>"
        f"<td>{'<br>'.join(f'{k} = {_fmt(v)}' for k, v in r.measured.items())}</td>"
        f"<td>{html.escape(r.tolerance)}<br><small>{html.escape(r.size)}; seeds {list(r.seeds)}</small></td></tr>"
        for r in results
    )
    return (
        f"<!doctype html><meta charset='utf-8'><title>Validation report</title>"
        f"<style>body{{font-family:sans-serif;max-width:1100px;margin:2em auto}}td{{vertical-align:top;"
        f"border-top:1px solid #ccc;padding:4px}}</style><h1>Validation report</h1>{badge(n_ok, len(results))}"
        f"<p>{n_ok}/{len(results)} patterns reproduced · <code>{html.escape(command)}</code> · {seconds:.0f} s</p>"
        f"<table><tr><th>pattern</th><th>result</th><th>what</th><th>measured</th><th>tolerance</th></tr>{rows}</table>"
    )


def write_report(results: list[PatternResult], out: Path, command: str, seconds: float) -> Path:
    """Write report.md, report.html, badge.svg and results.json into `out`, then mark it done."""
    out.mkdir(parents=True, exist_ok=True)
    n_ok = sum(r.passed for r in results)
    atomic_write_text(out / "badge.svg", badge(n_ok, len(results)))
    atomic_write_json(
        out / "results.json",
        {
            "command": command,
            "seconds": round(seconds, 1),
            "passed": n_ok,
            "total": len(results),
            "results": [r.to_dict() for r in results],
        },
    )
    atomic_write_text(out / "report.md", markdown_report(results, command, seconds))
    atomic_write_text(out / "report.html", html_report(results, command, seconds))
    mark_done(out)
    return out


def main(argv: list[str] | None = None) -> int:
    """Entry point of `community-sim-validate`."""
    parser = CommandParser(
        prog="community-sim-validate", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--size", choices=sorted(SIZES), default="full", help="quick (the tests' sizes) or full"
    )
    parser.add_argument("--out", default="outputs/validation", help="folder for the report")
    parser.add_argument(
        "--only", nargs="+", metavar="KEY", help=f"run only these checks: {', '.join(CHECKS)}"
    )
    args = parser.parse_args(argv)
    unknown = [k for k in args.only or [] if k not in CHECKS]
    if unknown:
        print(
            f"community-sim-validate: unknown check {unknown[0]!r}; choose from {', '.join(CHECKS)}",
            file=sys.stderr,
        )
        return 2
    t0 = time.perf_counter()
    results = run_checks(SIZES[args.size], args.only)
    seconds = time.perf_counter() - t0
    command = "community-sim-validate " + " ".join(argv if argv is not None else sys.argv[1:])
    out = write_report(results, Path(args.out), command.strip(), seconds)
    for r in results:
        print(
            f"{'PASS' if r.passed else 'FAIL'}  {r.key:26s} "
            + ", ".join(f"{k}={_fmt(v)}" for k, v in list(r.measured.items())[:4])
        )
    print(f"{sum(r.passed for r in results)}/{len(results)} passed · report: {out / 'report.md'}")
    return 0 if all(r.passed for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
