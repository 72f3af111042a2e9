"""The community as a trainer shows it: the model plus a growing layout and injectable events.

`ClassroomModel` is a `CommunityModel` built from a scenario and the few levers a class plays with
(content frequency, referral policy, moderators, campaign budget), taken as keyword arguments so
the app can rebuild it on Reset. `LEVERS` declares those levers (config key, bilingual name,
range), `lever_values` reads a scenario's own values of them ("as defined") and `changed_levers`
says which ones a trainer moved away from the scenario. It stops at the scenario's last day, keeps a
`GrowingLayout` of its members up to date after every day and holds an `EventBook` of the events
injected so far. The animation command (sim/viz/animate.py) uses it with a run's own config.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sim.cli import load_config
from sim.config import SimConfig
from sim.model import CommunityModel
from sim.network import SocialGraph
from sim.playbook import stage_config
from sim.policies import referral as referral_policies
from sim.policies import welcome as welcome_policies
from sim.viz.events import EventBook
from sim.viz.layout import GrowingLayout

DEFAULT_SCENARIO = "classroom"


@lru_cache(maxsize=16)
def scenario_config(scenario: str) -> SimConfig:
    """The validated config of a scenario preset (composed once per scenario)."""
    return load_config([f"scenario={scenario}"])


def trainer_config(
    scenario: str = DEFAULT_SCENARIO,
    posts_per_week: float | None = None,
    referral: str | None = None,
    n_moderators: int | None = None,
    budget_per_day: float | None = None,
    seed: int | None = None,
    welcome: str | None = None,
) -> SimConfig:
    """A scenario's config with the levers a trainer set (None keeps the scenario's value)."""
    changes = {
        "policy.content.posts_per_week": posts_per_week,
        "policy.referral.name": referral,
        "staff.n_moderators": n_moderators,
        "policy.acquisition.budget_per_day": budget_per_day,
        "seed": seed,
        "policy.welcome.name": welcome,
    }
    return scenario_config(scenario).replace(**{k: v for k, v in changes.items() if v is not None})


@dataclass(frozen=True)
class Lever:
    """A lever of the app: the model's keyword, the config key it sets, its name and its range."""

    name: str
    key: str
    zh: str
    en: str
    lo: float = 0
    hi: float = 0
    step: float = 1
    choices: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """'管理员 moderators'."""
        return f"{self.zh} {self.en}"


LEVERS = (
    Lever(
        "posts_per_week",
        "policy.content.posts_per_week",
        "专家发帖/周",
        "expert posts per week",
        0,
        28,
    ),
    Lever(
        "referral",
        "policy.referral.name",
        "裂变策略",
        "referral policy",
        choices=tuple(referral_policies.POLICIES),
    ),
    Lever("n_moderators", "staff.n_moderators", "管理员", "moderators", 0, 5),
    Lever(
        "welcome",
        "policy.welcome.name",
        "新人欢迎",
        "newcomer welcome",
        choices=tuple(welcome_policies.POLICIES),
    ),
    Lever(
        "budget_per_day",
        "policy.acquisition.budget_per_day",
        "投放预算/天",
        "budget per day (yuan)",
        0,
        500,
        10,
    ),
    Lever("seed", "seed", "随机种子", "seed", 0, 99),
)


def lever_values(scenario: str) -> dict:
    """The scenario's own values of every lever (what "as defined" loads), sliders' numbers as int
    where they are whole."""
    cfg = scenario_config(scenario)
    out = {}
    for lever in LEVERS:
        value = cfg.get(lever.key)
        out[lever.name] = int(value) if isinstance(value, float) and value.is_integer() else value
    return out


def changed_levers(values: dict, scenario: str) -> dict:
    """Levers whose value differs from the scenario's own: {name: the scenario's value}."""
    own = lever_values(scenario)
    return {name: own[name] for name, value in values.items() if name in own and value != own[name]}


def lever_overrides(values: dict, scenario: str) -> dict:
    """The keyword arguments that build `scenario` with the levers in `values`: only the moved ones.

    A lever set explicitly holds for the whole run, overriding the playbook's switches of that
    lever at stage changes, so passing an unmoved lever would not give the scenario as defined.
    """
    return {name: values[name] for name in changed_levers(values, scenario)}


class ClassroomModel(CommunityModel):
    """A community for the classroom: levers as keyword arguments, a layout, events.

    Args:
        scenario_name: scenario preset name (scenarios/). Not `scenario`: Mesa's SolaraViz passes
            its own Scenario object to a model whose constructor takes an argument of that name.
        posts_per_week: expert posts per week (content calendar).
        referral: referral policy name (none, open_invite, reward_per_join).
        n_moderators: moderators on the staff.
        budget_per_day: campaign budget per growth officer per day (yuan).
        seed: the run's seed.
        welcome: newcomer welcome policy name (none, greet, greet_and_reply).
        cfg: a full config to use instead of the scenario and levers (the animation's re-run).
        graph: a social graph to share with another arm of the same seed and network (the split
            view's common random numbers, as sim/analysis/compare.py shares it between arms).
        lesson: a lesson preset (sim/viz/lessons.py) whose cues play as the days pass.
    """

    def __init__(
        self,
        scenario_name: str = DEFAULT_SCENARIO,
        posts_per_week: float | None = None,
        referral: str | None = None,
        n_moderators: int | None = None,
        budget_per_day: float | None = None,
        seed: int | None = None,
        welcome: str | None = None,
        cfg: SimConfig | None = None,
        graph: SocialGraph | None = None,
        lesson=None,
    ):
        if cfg is None:
            cfg = trainer_config(
                scenario_name, posts_per_week, referral, n_moderators, budget_per_day, seed, welcome
            )
        super().__init__(cfg, graph=graph)
        self.start_cfg = cfg  # before any lesson's lever change: what a re-run starts from
        self.layout = GrowingLayout(self.graph.n, seed=cfg.seed)
        self.layout.update(self.table, self.graph)
        self.events = EventBook(seed=cfg.seed)
        self.lesson = lesson
        self.captions: list = []  # the lesson's cues played so far, in order

    def step(self) -> None:
        """One day: the lesson's cues of today play, the day runs, newcomers get a place in the
        layout."""
        if self.day >= self.cfg.days:
            self.running = False
            return
        self.play_cues()
        super().step()
        self.layout.update(self.table, self.graph)
        if self.day >= self.cfg.days:
            self.running = False

    def inject(self, kind: str):
        """Make event `kind` happen now; returns its EventRecord."""
        return self.events.inject(self, kind)

    def set_levers(self, overrides: dict) -> None:
        """Change levers ({config key: value}) from now to the end of the run.

        Set as on the command line, a lever holds for the rest of the run: the playbook's later
        switches of it are taken out (sim.playbook.pin_overrides), so "experts post once a week"
        stays so at the next stage change. Policies and staff follow at once (as a fork's do).
        """
        base = self.base_cfg.replace(**overrides)
        self.operate_under(
            base, stage_config(base, self.stage, current=self.cfg.replace(**overrides))
        )
        self.note("levers", ", ".join(f"{k}={v}" for k, v in overrides.items()), overrides)

    def play_cues(self) -> None:
        """The lesson's cues of today: events injected, levers changed, captions noted in the run's
        log."""
        if self.lesson is None:
            return
        for cue in self.lesson.cues_on(self.day):
            if cue.event:
                self.inject(cue.event)
            if cue.levers:
                self.set_levers(self.lesson.overrides(cue))
            self.captions.append(cue)
            self.note("lesson", cue.caption, {"event": cue.event, "levers": cue.levers})
