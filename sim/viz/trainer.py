"""The community as a trainer shows it: the model plus a growing layout and injectable events.

`ClassroomModel` is a `CommunityModel` built from a scenario and the few levers a class plays with
(content frequency, referral policy, moderators, campaign budget), taken as keyword arguments so
Mesa's SolaraViz can rebuild it on Reset. It stops at the scenario's last day, keeps a
`GrowingLayout` of its members up to date after every day and holds an `EventBook` of the events
injected so far. The animation command (sim/viz/animate.py) uses it with a run's own config.
"""

from __future__ import annotations

from functools import lru_cache

from sim.cli import load_config
from sim.config import SimConfig
from sim.model import CommunityModel
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
) -> SimConfig:
    """A scenario's config with the levers a trainer set (None keeps the scenario's value)."""
    changes = {
        "policy.content.posts_per_week": posts_per_week,
        "policy.referral.name": referral,
        "staff.n_moderators": n_moderators,
        "policy.acquisition.budget_per_day": budget_per_day,
        "seed": seed,
    }
    return scenario_config(scenario).replace(**{k: v for k, v in changes.items() if v is not None})


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
        cfg: a full config to use instead of the scenario and levers (the animation's re-run).
    """

    def __init__(
        self,
        scenario_name: str = DEFAULT_SCENARIO,
        posts_per_week: float | None = None,
        referral: str | None = None,
        n_moderators: int | None = None,
        budget_per_day: float | None = None,
        seed: int | None = None,
        cfg: SimConfig | None = None,
    ):
        if cfg is None:
            cfg = trainer_config(
                scenario_name, posts_per_week, referral, n_moderators, budget_per_day, seed
            )
        super().__init__(cfg)
        self.layout = GrowingLayout(self.graph.n, seed=cfg.seed)
        self.layout.update(self.table, self.graph)
        self.events = EventBook(seed=cfg.seed)

    def step(self) -> None:
        """One day: the day runs, newcomers get a place in the layout."""
        if self.day >= self.cfg.days:
            self.running = False
            return
        super().step()
        self.layout.update(self.table, self.graph)
        if self.day >= self.cfg.days:
            self.running = False

    def inject(self, kind: str):
        """Make event `kind` happen now; returns its EventRecord."""
        return self.events.inject(self, kind)
