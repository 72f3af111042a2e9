"""Two policies side by side: two arms of one scenario on one seed, growing apart day by day.

A `SplitRun` holds two `ClassroomModel`s of the same scenario and seed that differ in one lever
(e.g. 新人欢迎 newcomer welcome: greet against none). They share the social graph and, because every
decision draws from its own random stream keyed by the seed (sim/rng.py), the same random numbers:
common random numbers, as `community-sim-compare` runs arms on one seed (sim/analysis/compare.py).
Whatever differs between the arms' curves is the lever's doing, not luck. Both arms step together,
so the pace and the stop-at-stage logic of sim/viz/pace.py drive a `SplitRun` as they drive one
model. `split_charts_figure` draws the KPI panels with one line per arm in the palette's
`ARM_COLOURS`.
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib
from matplotlib.figure import Figure

from sim.palette import ARM_COLOURS
from sim.viz.draw import font_rc, label
from sim.viz.lang import BOTH, pick
from sim.viz.trainer import LEVERS, ClassroomModel, Lever, lever_overrides, lever_values

# The lever a class compares by default: does greeting every newcomer change the community?
DEFAULT_SPLIT = ("welcome", "greet", "none")
# The seed is not a policy: arms on two seeds would differ by luck, which the split view rules out.
SPLIT_LEVERS = tuple(lever for lever in LEVERS if lever.name != "seed")
SPLIT_PANELS = (
    ("members", "成员", "members"),
    ("active_share", "日活占比(7日)", "daily active share (7 days)"),
    ("posts_member", "成员发帖/天(7日)", "member posts per day (7 days)"),
    ("toxicity", "毒性", "toxicity"),
)


def split_lever(name: str) -> Lever:
    """The lever called `name`, refusing one the split view cannot compare (the seed)."""
    for lever in SPLIT_LEVERS:
        if lever.name == name:
            return lever
    raise ValueError(
        f"{name!r} cannot split the view: choose one of {', '.join(x.name for x in SPLIT_LEVERS)}"
    )


@dataclass(frozen=True)
class Arm:
    """One side of the split view: its letter, the lever's value in it, its line colour and its
    community."""

    letter: str
    lever: Lever
    value: object
    colour: str
    model: ClassroomModel

    @property
    def label(self) -> str:
        """'A · 新人欢迎 newcomer welcome = greet'."""
        return self.label_in(BOTH)

    def label_in(self, lang: str) -> str:
        """The arm's label in 中文, English or both (sim/viz/lang.py)."""
        return f"{self.letter} · {pick(self.lever.zh, self.lever.en, lang)} = {self.value}"


class SplitRun:
    """Two arms of `scenario` on one seed that differ only in `lever`.

    Args:
        scenario: scenario preset name.
        lever: the lever that differs (a name in SPLIT_LEVERS).
        values: its value in arm A and in arm B.
        levers: the side panel's values of every lever (only those moved from the scenario's own
            are applied, as in the single view).

    The compared lever is set in both arms, so it holds for the whole run in both (a playbook's
    switch of it at a stage change would blur the comparison); every other lever runs as the
    scenario defines it unless the trainer moved it.
    """

    def __init__(self, scenario: str, lever: str, values: tuple, levers: dict | None = None):
        chosen = split_lever(lever)
        levers = {**lever_values(scenario), **(levers or {})}
        self.lever = chosen
        self.arms: list[Arm] = []
        graph = None
        for k, value in enumerate(values):
            model = ClassroomModel(
                scenario_name=scenario,
                graph=graph,
                **{**lever_overrides(levers, scenario), chosen.name: value},
            )
            graph = model.graph  # arm B lives in arm A's social graph
            self.arms.append(Arm("AB"[k], chosen, value, ARM_COLOURS[k], model))

    @property
    def models(self) -> list[ClassroomModel]:
        """The arms' communities, A first."""
        return [arm.model for arm in self.arms]

    @property
    def day(self) -> int:
        """The day both arms have reached."""
        return min(m.day for m in self.models)

    @property
    def running(self) -> bool:
        """Whether a day is left to run (both arms have the scenario's days)."""
        return all(m.running for m in self.models)

    @property
    def stage(self) -> tuple:
        """Both arms' stages: it changes when either arm enters a new stage."""
        return tuple(m.stage for m in self.models)

    @property
    def cfg(self):
        """Arm A's config (scenario, seed and days are the same in both arms)."""
        return self.models[0].cfg

    def step(self) -> None:
        """One day in both arms."""
        for model in self.models:
            model.step()

    def inject(self, kind: str) -> list:
        """Make event `kind` happen now in both arms (a fair comparison); returns their records."""
        return [model.inject(kind) for model in self.models]


def split_charts_figure(
    run: SplitRun, size_in=(6.4, 7.0), dpi: int = 96, lang: str = BOTH
) -> Figure:
    """The split view's four KPI panels, one line per arm, the arms named in the first panel."""
    rc, lang = font_rc(lang)
    frames = [arm.model.recorder.frame() for arm in run.arms]
    with matplotlib.rc_context(rc):
        fig = Figure(figsize=size_in, dpi=dpi)
        axes = list(fig.subplots(2, 2, sharex=True).flat)
        for ax, (col, zh, en) in zip(axes, SPLIT_PANELS, strict=True):
            for arm, ts in zip(run.arms, frames, strict=True):
                values = ts[col]
                if col in ("active_share", "posts_member"):
                    values = values.rolling(7, min_periods=1).mean()
                ax.plot(ts["day"], values, color=arm.colour, lw=1.8, label=arm.label_in(lang))
            ax.set_title(label(zh, en, lang), fontsize=9)
            ax.set_xlim(0, max(run.cfg.days, 1))
            ax.tick_params(labelsize=7)
            ax.locator_params(nbins=4)
            ax.grid(alpha=0.3)
        axes[1].set_ylim(0, 1)
        axes[3].set_ylim(0, max(0.2, 1.1 * max(float(ts["toxicity"].max()) for ts in frames)))
        axes[0].legend(loc="upper left", fontsize=6)
        fig.subplots_adjust(left=0.08, right=0.98, top=0.95, bottom=0.05, hspace=0.22, wspace=0.22)
    return fig
