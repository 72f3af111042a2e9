"""The validation suite and its report: `community-sim-validate [--size quick|full] [--out DIR]
[--only KEY ...] [--scenario NAME ...]` runs every pattern check on every scenario preset it applies
to (sim/validation/presets.py) and writes report.md, report.html and results.json (a badge table of
patterns by presets, then the measured values per pattern and preset) into the output folder,
marking it done last. Exit status 0 when every check passed, 1 when one failed, 2 on bad arguments.
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
from sim.validation.members import check_invitation_timing, check_reactivation, check_referred_churn
from sim.validation.patterns import (
    check_activity_shape,
    check_first_reply,
    check_participation,
    check_referral_cascades,
    check_retention,
)
from sim.validation.presets import PRESETS, check_tables, presets_for, unlisted_presets
from sim.validation.stages import check_stage_meaning
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
    "reactivation": check_reactivation,
    "referred_churn": check_referred_churn,
    "invitation_timing": check_invitation_timing,
    "stage_meaning": check_stage_meaning,
}
OWN = "own setting"  # the badge table's column for the checks that run on a setting of their own


def planned(only: list[str] | None = None, scenarios: list[str] | None = None) -> list[tuple[str, str | None]]:
    """The (check, preset) pairs to run: each chosen check (all by default) on each preset it applies
    to among `scenarios` (all by default); a check with a setting of its own (preset None) runs when
    no scenario is named or when `only` names it."""
    pairs = []
    for key in only or CHECKS:
        presets = presets_for(key)
        if not presets:
            if not scenarios or only:
                pairs.append((key, None))
            continue
        pairs += [(key, p) for p in presets if not scenarios or p in scenarios]
    return pairs


def run_checks(size: Size, only: list[str] | None = None, scenarios: list[str] | None = None) -> list[PatternResult]:
    """Run the chosen checks on their presets at `size`, reporting progress on stderr."""
    check_tables()
    pairs = planned(only, scenarios)
    results = (CHECKS[key](size) if preset is None else CHECKS[key](size, preset) for key, preset in pairs)
    return list(track(results, len(pairs), f"validate ({size.name})", "checks"))


def label(r: PatternResult) -> str:
    """`key` or `key on preset`."""
    return r.key if r.preset is None else f"{r.key} on {r.preset}"


def badge_table(results: list[PatternResult]) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """Columns (the presets, then the own setting where a check has one) and one row per pattern run:
    PASS, FAIL, `not run` (applies, left out by --scenario) or an em dash (does not apply)."""
    keys = list(dict.fromkeys(r.key for r in results))
    own = any(r.preset is None for r in results)
    columns = [*PRESETS, *([OWN] if own else [])]
    got = {(r.key, r.preset or OWN): "PASS" if r.passed else "FAIL" for r in results}
    rows = []
    for key in keys:
        applies = set(presets_for(key)) or {OWN}
        rows.append((key, [got.get((key, c), "not run" if c in applies else "—") for c in columns]))
    return columns, rows


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
        f"**{n_ok}/{len(results)} pattern checks reproduced** · `{command}` · {seconds:.0f} s",
        "",
    ]
    columns, rows = badge_table(results)
    lines += ["| pattern | " + " | ".join(columns) + " |", "|---" * (len(columns) + 1) + "|"]
    lines += [f"| {key} | " + " | ".join(cells) + " |" for key, cells in rows]
    lines += [
        "",
        "| pattern | preset | result | measured | tolerance |",
        "|---|---|---|---|---|",
    ]
    for r in results:
        head = ", ".join(f"{k} = {_fmt(v)}" for k, v in list(r.measured.items())[:4])
        lines.append(
            f"| {r.key} | {r.preset or OWN} | {'PASS' if r.passed else 'FAIL'} | {head} | {_cell(r.tolerance)} |"
        )
    for r in results:
        lines += [
            "",
            f"## {label(r)}: {'PASS' if r.passed else 'FAIL'}",
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
    columns, badge_rows = badge_table(results)
    colour = {"PASS": "green", "FAIL": "red"}
    grid = "<table><tr><th>pattern</th>" + "".join(f"<th>{html.escape(c)}</th>" for c in columns) + "</tr>" + "".join(
        f"<tr><td>{key}</td>" + "".join(f"<td style='color:{colour.get(c, 'grey')}'><b>{c}</b></td>" for c in cells) + "</tr>"
        for key, cells in badge_rows) + "</table>"
    rows = "".join(
        f"<tr><td>{html.escape(label(r))}</td><td style='color:{'green' if r.passed else 'red'}'><b>{'PASS' if r.passed else 'FAIL'}</b></td>"
        f"<td>{html.escape(r.pattern)}<br><small>{html.escape(r.source)}</small></td>"
        f"<td>{'<br>'.join(f'{k} = {_fmt(v)}' for k, v in r.measured.items())}</td>"
        f"<td>{html.escape(r.tolerance)}<br><small>{html.escape(r.size)}; seeds {list(r.seeds)}</small></td></tr>"
        for r in results
    )
    return (
        f"<!doctype html><meta charset='utf-8'><title>Validation report</title>"
        f"<style>body{{font-family:sans-serif;max-width:1100px;margin:2em auto}}td{{vertical-align:top;"
        f"border-top:1px solid #ccc;padding:4px}}</style><h1>Validation report</h1>{badge(n_ok, len(results))}"
        f"<p>{n_ok}/{len(results)} pattern checks reproduced · <code>{html.escape(command)}</code> · {seconds:.0f} s</p>"
        f"{grid}<h2>Results</h2><table><tr><th>pattern</th><th>result</th><th>what</th><th>measured</th><th>tolerance</th></tr>{rows}</table>"
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
            "table": dict(zip(("columns", "rows"), badge_table(results), strict=True)),
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
    parser.add_argument(
        "--scenario", action="append", metavar="NAME",
        help=f"run the checks on this preset only (repeatable): {', '.join(PRESETS)}",
    )
    args = parser.parse_args(argv)
    for what, given, known in (("check", args.only, CHECKS), ("scenario", args.scenario, PRESETS)):
        unknown = [k for k in given or [] if k not in known]
        if unknown:
            print(f"community-sim-validate: unknown {what} {unknown[0]!r}; choose from {', '.join(known)}",
                  file=sys.stderr)
            return 2
    if not planned(args.only, args.scenario):
        print("community-sim-validate: none of the chosen checks applies to the chosen scenarios", file=sys.stderr)
        return 2
    for preset in unlisted_presets():
        print(f"community-sim-validate: scenario {preset!r} has no line in sim/validation/presets.py "
              "PRESETS; no pattern is checked on it", file=sys.stderr)
    t0 = time.perf_counter()
    results = run_checks(SIZES[args.size], args.only, args.scenario)
    seconds = time.perf_counter() - t0
    command = "community-sim-validate " + " ".join(argv if argv is not None else sys.argv[1:])
    out = write_report(results, Path(args.out), command.strip(), seconds)
    for r in results:
        print(
            f"{'PASS' if r.passed else 'FAIL'}  {label(r):42s} "
            + ", ".join(f"{k}={_fmt(v)}" for k, v in list(r.measured.items())[:4])
        )
    print(f"{sum(r.passed for r in results)}/{len(results)} passed · report: {out / 'report.md'}")
    return 0 if all(r.passed for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
