"""Reports a strategist can read without Python: a Markdown file and a self-contained HTML page.

The HTML embeds its plots as base64 PNG, so one file can be mailed or opened offline; the Markdown
links PNG files written beside it. Plots show the mean over replicate seeds with a 95% band.
"""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # reports are written on headless machines
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from sim.analysis.kpis import HEALTHY_STAGES  # noqa: E402
from sim.analysis.stats import band, mean_ci  # noqa: E402
from sim.dashboard import cjk_font  # noqa: E402 - the one place fonts are looked up
from sim.recorder import atomic_save, atomic_write_text  # noqa: E402

TIME_PANELS = (  # (column of the per-day frame, English title, Chinese title)
    ("members", "members", "成员数"),
    ("active_share", "daily active share", "日活占比"),
    ("cost_cumulative", "cumulative cost, yuan", "累计成本"),
    ("posts_member", "member posts per day", "成员发帖"),
)


def font_rc() -> tuple[dict, bool]:
    """Matplotlib settings that draw Chinese when a CJK font is installed (else English only)."""
    font = cjk_font()
    return ({"font.family": [font, "DejaVu Sans"]}, True) if font else ({}, False)


def fmt(x: float) -> str:
    """A number with as many digits as its size needs."""
    if x is None or not np.isfinite(x):
        return "–"
    ax = abs(x)
    if ax >= 100:
        return f"{x:,.0f}"
    if ax >= 1:
        return f"{x:.2f}"
    return f"{x:.3f}"


def plot_time_bands(runs: pd.DataFrame, arm_col: str = "arm", level: float = 0.95):
    """KPIs over time per arm: mean across seeds with a `level` band (one panel per metric)."""
    runs = runs.assign(cost_cumulative=runs.groupby([arm_col, "seed"])["cost"].cumsum())
    rc, has_cjk = font_rc()
    with plt.rc_context(rc):
        fig, axes = plt.subplots(2, 2, figsize=(11, 7), constrained_layout=True)
    for ax, (col, en, zh) in zip(axes.flat, TIME_PANELS, strict=True):
        for i, (arm, group) in enumerate(runs.groupby(arm_col, sort=False)):
            b = band(group, col, "day", level)
            color = f"C{i}"
            ax.plot(b["day"], b["mean"], color=color, label=str(arm))
            ax.fill_between(b["day"], b["lo"], b["hi"], color=color, alpha=0.25, linewidth=0)
        with plt.rc_context(rc):
            ax.set_title(f"{en} {zh}" if has_cjk else en)
        ax.set_xlabel("day")
        ax.grid(alpha=0.3)
    axes.flat[0].legend(loc="upper left", fontsize=8)
    fig.suptitle(f"mean over seeds with {level:.0%} confidence band")
    return fig


def plot_stage_timing(kpi_runs: pd.DataFrame, arm_col: str = "arm", level: float = 0.95):
    """Days to reach each lifecycle stage per arm: mean with CI bars and the share that got there."""
    arms = list(dict.fromkeys(kpi_runs[arm_col]))
    fig, ax = plt.subplots(figsize=(11, 4), constrained_layout=True)
    width = 0.8 / max(1, len(arms))
    for i, arm in enumerate(arms):
        rows = kpi_runs[kpi_runs[arm_col] == arm]
        for j, stage in enumerate(HEALTHY_STAGES):
            values = rows[f"days_to_{stage.name}"].to_numpy(dtype=float)
            ci = mean_ci(values, level)
            if ci.n == 0:
                continue
            x = j + (i - (len(arms) - 1) / 2) * width
            err = [[ci.mean - ci.lo], [ci.hi - ci.mean]] if ci.n > 1 else None
            ax.bar(x, ci.mean, width, color=f"C{i}", label=str(arm) if j == 0 else None, alpha=0.8)
            if err is not None:
                ax.errorbar(x, ci.mean, yerr=err, color="black", capsize=3, linewidth=1)
            ax.annotate(f"{ci.n}/{values.size}", (x, ci.mean), ha="center", va="bottom", fontsize=7,
                        xytext=(0, 4 if err is None else 14), textcoords="offset points")
    rc, has_cjk = font_rc()
    ax.set_xticks(range(len(HEALTHY_STAGES)), [f"{s.zh} {s.name}" if has_cjk else s.name for s in HEALTHY_STAGES],
                  fontfamily=rc.get("font.family"))
    ax.set_ylabel("first day in stage")
    ax.set_title(f"days to reach each stage: mean, {level:.0%} CI; label = seeds that reached it")
    if ax.get_legend_handles_labels()[0]:  # no bar at all when no seed reached a stage
        ax.legend(fontsize=8)
    ax.grid(alpha=0.3, axis="y")
    return fig


def markdown_table(table: pd.DataFrame) -> str:
    """A DataFrame of strings as a Markdown table."""
    head = "| " + " | ".join(table.columns) + " |"
    rule = "|" + "|".join("---" for _ in table.columns) + "|"
    body = ["| " + " | ".join(str(v) for v in row) + " |" for row in table.itertuples(index=False)]
    return "\n".join([head, rule, *body])


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    plt.close(fig)
    return buf.getvalue()


def html_table(table: pd.DataFrame) -> str:
    """A DataFrame of strings as an HTML table."""
    cells = "".join(f"<th>{html.escape(str(c))}</th>" for c in table.columns)
    rows = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>"
        for row in table.itertuples(index=False)
    )
    return f"<table><tr>{cells}</tr>{rows}</table>"


def write_report(out: Path, title: str, intro: list[str], table: pd.DataFrame, figures: dict,
                 notes: list[str], headline: list[str] | None = None,
                 tables: list[tuple[str, pd.DataFrame]] | None = None) -> tuple[Path, Path]:
    """Write report.md (+ PNGs) and a self-contained report.html into `out`.

    With a headline, the report answers first: the headline, the table, the plots, then the intro,
    the further tables and the notes. Without one: the intro, the table, the plots, the notes.

    Args:
        out: folder to write into.
        title: report title.
        intro: paragraphs before the table (what was compared, on which seeds).
        table: the KPI table, already formatted as strings.
        figures: {file stem: matplotlib figure}.
        notes: paragraphs after the plots (how to read the numbers, caveats).
        headline: the answer in a few lines (e.g. the verdict in Chinese and English), shown first.
        tables: (caption, table of strings) shown after the plots.
    """
    out.mkdir(parents=True, exist_ok=True)
    pngs = {name: _png(fig) for name, fig in figures.items()}
    for name, data in pngs.items():
        atomic_save(out / f"{name}.png", lambda p, d=data: Path(p).write_bytes(d))
    tables = tables or []
    md_intro = [f"{p}\n" for p in intro]
    md_more = [f"## {caption}\n\n{markdown_table(t)}\n" for caption, t in tables]
    md_figs = [f"![{name}]({name}.png)\n" for name in pngs]
    md_answer = ["## Verdict 结论\n", *[f"**{line}**\n" for line in headline or []]]
    if headline:
        md = [f"# {title}", "", *md_answer, markdown_table(table), "", *md_figs, *md_intro, *md_more]
    else:
        md = [f"# {title}", "", *md_intro, markdown_table(table), "", *md_figs, *md_more]
    md += [f"{p}\n" for p in notes]
    atomic_write_text(out / "report.md", "\n".join(md))
    imgs = "".join(
        f'<figure><img alt="{name}" src="data:image/png;base64,{base64.b64encode(data).decode()}"></figure>'
        for name, data in pngs.items()
    )
    para = lambda ps: "".join(f"<p>{html.escape(p)}</p>" for p in ps)  # noqa: E731
    more = "".join(f"<h2>{html.escape(caption)}</h2>{html_table(t)}" for caption, t in tables)
    if headline:
        answer = f"<div id='verdict'>{para(headline)}</div>"
        body = f"{answer}{html_table(table)}{imgs}{para(intro)}{more}"
    else:
        body = f"{para(intro)}{html_table(table)}{imgs}{more}"
    page = (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}"
        "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 8px;"
        "text-align:right}th{background:#f2f2f2}img{max-width:100%}"
        "#verdict{font-size:17px;background:#f4f8ff;border-left:5px solid #2b6cb0;padding:.2em 1em;"
        "margin-bottom:1em}#verdict p{margin:.5em 0}</style></head><body>"
        f"<h1>{html.escape(title)}</h1>{body}{para(notes)}</body></html>"
    )
    atomic_write_text(out / "report.html", page)
    return out / "report.md", out / "report.html"
