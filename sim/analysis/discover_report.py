"""The scenario discovery's report: the chosen box in levers a strategist reads, and how it was found.

`community-sim-discover` (its command line is here, the peeling in sim/analysis/discover.py) and what it writes for a reader: the answer first
(the lever ranges of the chosen box, named by their meaning in the schema, sim/analysis/names.py,
with coverage, density and how many runs it holds), the peeling trajectory (coverage against
density, coloured by how many levers a box restricts, the chosen box ringed), the box's limits on
each restricted lever against the range swept, and every peel as a table.
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # reports are written on headless machines
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import sim.analysis.discover as core  # noqa: E402
from sim.analysis.collect import read_summary  # noqa: E402
from sim.analysis.discover import (  # noqa: E402
    EXIT_BAD_INPUT,
    Discovery,
    box_record,
    boxes_table,
    discover,
    lever_value,
    limits_of,
)
from sim.analysis.names import labelled, parameter_name  # noqa: E402
from sim.analysis.outcome import OutcomeError  # noqa: E402
from sim.analysis.report import font_rc, write_report  # noqa: E402
from sim.failures import CommandParser  # noqa: E402
from sim.recorder import atomic_save, atomic_write_json  # noqa: E402


def plot_peeling(d: Discovery):
    """Coverage against density of every peel, coloured by the number of restricted levers."""
    t = d.trajectory
    fig, ax = plt.subplots(figsize=(7.5, 5), constrained_layout=True)
    levels = np.arange(t["res_dim"].min(), t["res_dim"].max() + 2) - 0.5
    cmap = plt.get_cmap("viridis", len(levels) - 1)
    dots = ax.scatter(t["coverage"], t["density"], c=t["res_dim"], cmap=cmap, vmin=levels[0], vmax=levels[-1],
                      s=28, edgecolors="black", linewidths=0.3)
    bar = fig.colorbar(dots, ax=ax, ticks=np.arange(t["res_dim"].min(), t["res_dim"].max() + 1))
    bar.set_label("levers restricted")
    ax.axhline(d.threshold, color="grey", linestyle="--", linewidth=1)
    ax.annotate(f"threshold {d.threshold:.2f}", (0.0, d.threshold), xytext=(2, 3), textcoords="offset points",
                color="grey", fontsize=8)
    chosen = t.loc[d.chosen]
    ax.scatter([chosen["coverage"]], [chosen["density"]], s=220, facecolors="none", edgecolors="red", linewidths=2)
    ax.annotate(f"box {d.chosen}: coverage {chosen['coverage']:.2f}, density {chosen['density']:.2f}",
                (chosen["coverage"], chosen["density"]), xytext=(-14, -16), textcoords="offset points",
                ha="right", color="red", fontsize=9)
    ax.set_xlabel("coverage: share of all runs meeting the outcome that the box holds")
    ax.set_ylabel("density: share of the box's runs meeting the outcome")
    ax.set_xlim(-0.02, 1.05)
    ax.set_ylim(min(0.0, t["density"].min()) - 0.02, 1.05)
    ax.grid(alpha=0.3)
    ax.set_title(f"PRIM peeling trajectory ({len(t)} boxes, {d.n_runs} runs)")
    return fig


def plot_limits(d: Discovery, x: pd.DataFrame | None = None):
    """The chosen box on each lever it restricts, within the range swept (the swept values as ticks)."""
    lim = limits_of(d)
    rc, has_cjk = font_rc()
    with plt.rc_context(rc):
        fig, ax = plt.subplots(figsize=(9, 1.2 + 0.8 * max(len(lim), 1)), constrained_layout=True)
        if lim.empty:
            ax.text(0.5, 0.5, f"box {d.chosen} restricts no lever", ha="center", va="center")
            ax.set_axis_off()
            return fig
        for row, r in enumerate(lim.itertuples()):
            span = (r.full_upper - r.full_lower) or 1.0
            lo, hi = (r.lower - r.full_lower) / span, (r.upper - r.full_lower) / span
            ax.barh(row, 1.0, left=0.0, height=0.5, color="#e6e6e6")
            ax.barh(row, max(hi - lo, 0.01), left=lo - (0.005 if hi == lo else 0), height=0.5, color="#2b6cb0")
            # both ends under the bar (the axis is inverted: larger y is lower down)
            ax.text(lo, row + 0.3, lever_value(r.lower), ha="right", va="top", fontsize=8)
            ax.text(hi, row + 0.3, lever_value(r.upper), ha="left", va="top", fontsize=8)
            if x is not None and x[r.key].nunique() <= 12:  # a grid's values, to read the box against
                ticks = (np.sort(x[r.key].unique()) - r.full_lower) / span
                ax.plot(ticks, [row] * len(ticks), "|", color="black", markersize=12)
        ax.set_yticks(range(len(lim)), [_two_lines(k, has_cjk) for k in lim["key"]],
                      fontsize=8)
        ax.set_xlim(-0.05, 1.05)
        ax.set_xticks([0, 1], ["lowest swept", "highest swept"])
        ax.invert_yaxis()
        stats = d.trajectory.loc[d.chosen]
        ax.set_title(f"box {d.chosen}: coverage {stats['coverage']:.2f}, density {stats['density']:.2f}, "
                     f"{int(stats['n'])} runs")
    return fig


def _two_lines(key: str, chinese: bool) -> str:
    name = parameter_name(key, chinese=chinese)
    return key if name == key else f"{name}\n[{key}]"


def answer_lines(d: Discovery) -> list[str]:
    """The answer in a few lines: the box's lever ranges and its statistics."""
    stats = d.trajectory.loc[d.chosen]
    lines = [f"{d.n_cases} of {d.n_runs} runs ({d.n_cases / d.n_runs:.0%}) meet the outcome: {d.outcome}.",
             f"Box {d.chosen} ({d.why}): coverage {stats['coverage']:.2f}, density {stats['density']:.2f}, "
             f"mass {stats['mass']:.2f}; {int(stats['n'])} runs in the box, {int(stats['k'])} of them meet the outcome."]
    lim = limits_of(d)
    if lim.empty:
        lines.append("The box restricts no lever: the outcome is about as likely everywhere in the sweep.")
    for r in lim.itertuples():
        lines.append(f"{labelled(r.key)}: {lever_value(r.lower)} – {lever_value(r.upper)} "
                     f"(swept {lever_value(r.full_lower)} – {lever_value(r.full_upper)})")
    return lines


def limits_text_table(d: Discovery) -> pd.DataFrame:
    """The restricted levers as strings: name, key, the box's range, the range swept, quasi-p."""
    lim = limits_of(d)

    def qp(v):
        return "" if v is None or pd.isna(v) else f"{v:.2g}"

    return pd.DataFrame({"lever": lim["name"], "key": lim["key"],
                         "box range": [f"{lever_value(a)} – {lever_value(b)}" for a, b in zip(lim["lower"], lim["upper"], strict=True)],
                         "swept range": [f"{lever_value(a)} – {lever_value(b)}"
                                         for a, b in zip(lim["full_lower"], lim["full_upper"], strict=True)],
                         "quasi-p of each limit": ["; ".join(f"{end} {qp(v)}" for end, v in (("lower", a), ("upper", b))
                                                             if qp(v))
                                                   for a, b in zip(lim["qp_lower"], lim["qp_upper"], strict=True)]})


def peels_text_table(d: Discovery) -> pd.DataFrame:
    """Every peel as strings (the chosen one marked)."""
    t = d.trajectory
    return pd.DataFrame({"box": [f"{i}{' ←' if i == d.chosen else ''}" for i in t["id"]],
                         "coverage": t["coverage"].map("{:.2f}".format), "density": t["density"].map("{:.2f}".format),
                         "mass": t["mass"].map("{:.2f}".format), "runs": t["n"], "meet": t["k"],
                         "levers restricted": t["res_dim"],
                         "which": [", ".join(d.restricted(i)) for i in t["id"]]}).astype(str)


def write_report_files(out: Path, d: Discovery, source: str, x: pd.DataFrame | None = None) -> list[Path]:
    """report.md (+ peeling.png, box_limits.png) and report.html into `out`; returns their paths."""
    names = "; ".join(labelled(k) for k in d.inputs)
    intro = [f"Scenario discovery with PRIM (EMA Workbench) on {d.n_runs} runs of {source}: which ranges of "
             f"the levers make the outcome `{d.outcome}` likely. Levers peeled: {names}."]
    notes = ["Coverage: the share of all runs meeting the outcome that lie in the box. Density: the share of "
             "the box's runs that meet it. Mass: the share of all runs in the box. Each peel trades coverage "
             "for density; only the levers a box restricts are listed, the others may take any swept value.",
             "Quasi-p-value of a limit (Bryant & Lempert 2010): the chance, by a one-sided binomial test, of "
             "finding the box's density among runs drawn from the box without that limit; a large value "
             "(above about 0.05) marks a limit the data hardly support.",
             "The box describes this sweep only: its levers' ranges, the values held fixed, its seeds. On a grid "
             "a limit falls on a swept value, so the true boundary lies between it and the next value outside."]
    figures = {"peeling": plot_peeling(d), "box_limits": plot_limits(d, d.x if x is None else x)}
    md, page = write_report(out, "Scenario discovery 情景发现: " + d.outcome, intro, limits_text_table(d), figures,
                            notes, headline=answer_lines(d),
                            tables=[("Every box of the peeling trajectory", peels_text_table(d))])
    return [md, page, out / "peeling.png", out / "box_limits.png"]


def write(out: Path, d: Discovery, source: str, settings: dict) -> list[Path]:
    """boxes.csv, box.json and the report (sim/analysis/discover_report.py); returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    atomic_save(out / "boxes.csv", lambda p: boxes_table(d).to_csv(p, index=False))
    atomic_write_json(out / "box.json", box_record(d, source, settings))
    return [out / "boxes.csv", out / "box.json", *write_report_files(out, d, source, d.x)]


def main(argv: list[str] | None = None) -> None:
    """`community-sim-discover SUMMARY.parquet --outcome EXPR [--inputs KEY ...] --out DIR`."""
    p = CommandParser(prog="community-sim-discover", description=core.__doc__.split("\n\n")[0])
    p.add_argument("summary", type=Path, help="a collected sweep's summary.parquet (community-sim-collect)")
    p.add_argument("--outcome", required=True,
                   help='the yes/no to explain, e.g. "days_to_MATURE <= 365 and never DECLINE": the summary\'s '
                        "columns, numbers, < <= > >= == !=, + - * /, and/or/not, and reached/ever/never STAGE")
    p.add_argument("--inputs", nargs="+", metavar="KEY", help="levers to peel (default: the swept columns)")
    p.add_argument("--threshold", type=float, default=0.8, help="least density of the chosen box (default 0.8)")
    p.add_argument("--peel-alpha", type=float, default=0.05, help="share of a box's runs one peel removes")
    p.add_argument("--mass-min", type=float, default=0.05, help="least share of all runs a box keeps")
    p.add_argument("--box", type=int, help="report this peel (its id in boxes.csv) instead")
    p.add_argument("--out", type=Path, required=True, help="report folder")
    a = p.parse_args(argv)
    settings = {"threshold": a.threshold, "peel_alpha": a.peel_alpha, "mass_min": a.mass_min}
    try:
        for name, value, top in (("--threshold", a.threshold, 1.0), ("--peel-alpha", a.peel_alpha, 0.5),
                                 ("--mass-min", a.mass_min, 1.0)):
            if not 0 < value <= top:
                raise ValueError(f"{name} {value}: must lie in (0, {top:g}]")
        summary = read_summary(a.summary)
        d = discover(summary, a.outcome, a.inputs, a.threshold, a.peel_alpha, a.mass_min, a.box)
    except (OutcomeError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(EXIT_BAD_INPUT)
    paths = write(a.out, d, str(a.summary), settings)
    stats = d.trajectory.loc[d.chosen]
    print(f"{d.n_cases} of {d.n_runs} runs ({d.n_cases / d.n_runs:.0%}) meet: {d.outcome}")
    print(f"box {d.chosen} of {len(d.trajectory)} peels ({d.why}): coverage {stats['coverage']:.2f} · density "
          f"{stats['density']:.2f} · mass {stats['mass']:.2f} · {int(stats['n'])} runs in the box, "
          f"{int(stats['k'])} of them meet the outcome")
    for r in limits_of(d).itertuples():
        print(f"  {labelled(r.key)}: {lever_value(r.lower)} – {lever_value(r.upper)} "
              f"(swept {lever_value(r.full_lower)} – {lever_value(r.full_upper)})")
    for path in paths:
        print(f"  {path}")


if __name__ == "__main__":
    main()
