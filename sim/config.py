"""The run's config: `SimConfig`, assembled from the config groups, validated once at the edge.

Hydra composes YAML into a plain mapping; `SimConfig.from_dict` turns it into typed, frozen objects
with the schema's validator (sim/schema.py) and then checks what involves more than one key. The
world's groups (network, founders, staff, groups, outputs) are declared here; the others live with
what reads them: members' behaviour in sim/member_config.py, the policies in sim/policies/, the
stage thresholds in sim/lifecycle.py, the mechanics' groups in sim/operations_config.py. Every default states its source
(docs/parameters.md collects them). Rates carry their unit in the name (`*_per_day`, `*_per_week`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from sim.lifecycle import LifecycleConfig
from sim.mechanics import acquisition
from sim.member_config import MemberConfig
from sim.operations_config import (
    EconomicsConfig,
    InteractionConfig,
    ModerationConfig,
    StaffLoadConfig,
)
from sim.playbook import check_playbook, pin_overrides
from sim.policies import PolicyConfig, unknown_policy
from sim.policies import events as event_policies
from sim.schema import ConfigError, build, param, set_dotted
from sim.sources import JOYCE_KRAUT_2006

__all__ = ["ConfigError", "SimConfig", "param"]


GRAPH_KINDS = ("small_world", "holme_kim", "scale_free", "sbm", "complete", "file")

@dataclass(frozen=True)
class NetworkConfig:
    """The addressable population as a social graph."""

    kind: str = param(
        "holme_kim", choices=GRAPH_KINDS, help="graph generator, or `file`",
        source="setting: the graph generator; Holme-Kim by default for heavy-tailed degrees with "
        "clustering, as in acquaintance networks (Holme & Kim 2002)",
    )
    n_people: int = param(
        50_000, lo=2, hi=500_000_000, help="addressable population size",
        source="assumption: a city-level brand audience (the brand's reachable fans and their friends, "
        "the brand_community scenario); large enough that the default year reaches about 12% of it "
        "(about 6,000 ever join), so the run does not exhaust its market",
    )
    mean_degree: int = param(
        10, lo=1, hi=1000, help="average number of acquaintances",
        source="Zhou, Sornette, Hill & Dunbar 2005: personal networks come in layers of about 3-5, "
        "9-15, 30-45 and 150 people; size assumption: 10 stands for the 9-15 layer, the friends a "
        "member would actually invite, not a whole WeChat contact list",
    )
    p_rewire: float = param(
        0.1, lo=0.0, hi=1.0, help="small_world: rewiring probability",
        source="Watts & Strogatz 1998: rewiring a small share of ties already gives short paths while "
        "clustering stays high (at p = 0.1 about (1 - p)^3 = 73% of the ring's: Barrat & Weigt 2000); "
        "size assumption: the upper end of that small-world range",
    )
    p_triangle: float = param(
        0.3, lo=0.0, hi=1.0, help="holme_kim: triad-formation probability",
        source="Holme & Kim 2002: a triad-formation step tunes the clustering of a scale-free graph; "
        "size assumption: 0.3 gives an average local clustering of about 0.10 at mean degree 10, "
        "below the 0.14 that Ugander, Karrer, Backstrom & Marlow 2011 measured for Facebook users with "
        "100 friends (more for fewer friends); the knowledge_circle scenario uses 0.5 (about 0.18)",
    )
    n_segments: int = param(
        1, lo=1, hi=1000, help="population segments (audiences: cities, interest circles), each its own graph",
        source="setting: one audience by default; a scenario whose operator can move into new audiences "
        "splits the population (brand_community: 10, knowledge_circle: 4), and `network=sbm` uses 4. The acquisition policy's "
        "`audiences` says how many of them campaigns and organic discovery reach. A graph read from a file has "
        "no segments (the channels reach everyone in it); the complete graph's segments are audiences only",
    )
    segment_mixing: float = param(
        0.05, lo=0.0, hi=1.0, help="share of a person's ties that reach into another segment",
        source="assumption: segments nearly closed (1 tie in 20 crosses), so word of mouth leaks into an "
        "audience the operator has not opened only slowly, and opening it is a visible step",
    )
    path: str = param(
        "", help="file: edge-list (.txt/.csv/.edges) or GraphML (.graphml) path",
        source="setting: the graph file read when network.kind = file; empty otherwise",
    )


@dataclass(frozen=True)
class FoundersConfig:
    """Who the community starts with."""

    n_founders: int = param(
        20, lo=1, hi=1_000_000, help="founding members (种子用户)",
        source="assumption: a founding circle of about 20 seed users (种子用户), the brand_community "
        "scenario's value; a fifth of the 100 members that mark GROW, so growth has to come from "
        "outside the founders' circle",
    )
    placement: str = param(
        "cluster", choices=("cluster", "random"),
        source="setting: where the founders sit in the graph; cluster (one circle of friends) by "
        "default, a community started from its founder's own contacts",
        help="cluster: founders are one circle of friends (breadth-first); random: scattered",
    )


@dataclass(frozen=True)
class StaffConfig:
    """Operating team: each role is a Mesa agent with its own state."""

    n_experts: int = param(
        2, lo=0, hi=10_000, help="experts (社群专家) producing content",
        source="assumption: a two-person content team; the default calendar (7 posts a week) then "
        "uses half of what they sustain (capacity.expert_capacity_posts_per_week)",
    )
    n_moderators: int = param(
        1, lo=0, hi=10_000, help="moderators / group owner (管理员)",
        source="assumption: one group owner or moderator (群主/管理员) for a community that starts as "
        "one group; operators' smallest team is one operator plus one customer-service person (客服)",
    )
    n_growth_officers: int = param(
        1, lo=0, hi=10_000, help="growth officers (首席增长官)",
        source="assumption: one growth officer running always-on ads, so the default community has a "
        "paid channel to compare referral and content against",
    )
    n_event_planners: int = param(
        0, lo=0, hi=10_000, help="activity planners (活动策划) running events",
        source="assumption: no events until a playbook starts them (stage_aware hires one planner in "
        "ACTIVE); regular activities belong to the active stage of operators' roadmaps",
    )
    expert_skill_sd: float = param(
        0.1, lo=0.0, hi=1.0, help="spread of expert content quality",
        source="assumption: experts hired at a similar level, their post quality within about 10% of "
        "each other (skill drawn around 1), so results do not hinge on which expert quits",
    )
    welcomes_per_moderator_per_day: int = param(
        30, lo=0, hi=1_000_000, help="newcomers one moderator can greet per day",
        source="assumption: a personal greeting (欢迎新人, with the group rules) takes a minute or two, "
        "so 30 a day is under an hour of a moderator's day; above the default community's 15-20 joins "
        "a day, so every newcomer is greeted unless joins surge",
    )
    welcome_engagement_boost: float = param(
        0.1, lo=0.0, hi=1.0,
        help="engagement added to a greeted newcomer",
        source=f"{JOYCE_KRAUT_2006}, the nearest measured effect of attention to a newcomer; size "
        "assumption: a greeting is weaker than a reply to one's own post, so 0.1, below the "
        "first-reply boost (interaction.first_reply_engagement_boost = 0.15)",
    )


@dataclass(frozen=True)
class GroupsConfig:
    """Chat groups (社群分群): members sit in groups of limited size (WeChat groups cap at 500)."""

    capacity: int = param(
        500, lo=1, hi=10**9, help="members per group at most",
        source="assumption: the platform limit of an ordinary WeChat group, 500 members (微信群上限 "
        "500 人, as operators' guides state it), a rule of the platform rather than a study; the "
        "classroom scenario uses 100",
    )
    spawn: bool = param(
        True, help="open a new group when all are full (精细化建群); if false, newcomers are turned away",
        source="setting: whether a new group opens when all are full (精细化建群, on by default) or "
        "newcomers are turned away",
    )
    seed_core_members: int = param(
        10, lo=0, hi=10**6, help="core members moved into each new group to get it going",
        source="assumption: ten of the most engaged members (2% of a 500-seat group) break the "
        "silence of a new group (暖群) while the old groups lose little",
    )
    moderator_per_new_group: bool = param(
        False, help="hire a moderator for each new group",
        source="setting: whether each new group brings its own moderator (stage_aware switches it on "
        "in EXPANSION); off by default, so the moderation policy alone sets the headcount",
    )


@dataclass(frozen=True)
class PlaybookConfig:
    """An operating playbook (运营打法): policy values per lifecycle stage.

    `stages` maps a stage name (CREATE, GROW, ACTIVE, MATURE, EXPANSION, DECLINE) to overrides of
    `policy.*`, `staff.*` or `groups.*` keys, nested like the config. Changes accumulate along the
    stages: what a stage switches on stays on until a later stage changes it. DECLINE's overrides
    apply on top of whatever was in force. An empty mapping is a flat policy that ignores stages.
    """

    name: str = param(
        "flat", help="name of the playbook, for the record",
        source="setting: the playbook's name, written into the run's record",
    )
    stages: dict = param(
        {}, help="stage name -> nested overrides of policy.*, staff.*, groups.*",
        source="setting: the per-stage overrides; empty (a flat policy) unless a playbook from "
        "configs/playbook/ is chosen (the command line's default is stage_aware)",
    )


@dataclass(frozen=True)
class OutputConfig:
    """What a run writes."""

    plots: bool = param(
        True, help="write dashboard.png", source="setting: whether the run draws its dashboard"
    )
    csv: bool = param(
        True, help="also write timeseries.csv next to the parquet file",
        source="setting: whether the run also writes its time series as CSV, for spreadsheets",
    )


@dataclass(frozen=True)
class CheckpointConfig:
    """When a run saves its whole state to resume or fork from (sim/checkpoint.py)."""

    every_days: int = param(
        0, lo=0, hi=100_000, help="save a checkpoint every this many days; 0 = never",
        source="setting: how often the run saves its state; never by default",
    )
    at_stage_change: bool = param(
        False, help="save a checkpoint on each day the lifecycle stage changes",
        source="setting: whether the run saves its state when the stage changes (to fork policies "
        "from a stage); off by default",
    )
    dir: str = param(
        "", help="folder for checkpoints; empty = checkpoints/ in the run folder",
        source="setting: where checkpoints go; empty means checkpoints/ in the run folder",
    )


@dataclass(frozen=True)
class SimConfig:
    """Everything one run needs."""

    scenario: str = param(
        "brand_community", help="name of the scenario preset, for the record",
        source="setting: the scenario preset's name, for the record; brand_community is the default",
    )
    seed: int = param(
        0, lo=0, hi=2**63 - 1, help="the run's one seed",
        source="setting: the run's one seed, from which every random stream derives",
    )
    days: int = param(
        365, lo=1, hi=100_000, help="simulated days (one step is one day)",
        source="setting: the run's length; a year, in which the default community reaches MATURE",
    )
    backend: str = param(
        "cpu", choices=("cpu", "gpu"), help="array backend",
        source="setting: numpy on the CPU, or CuPy on a GPU for large populations",
    )
    sources: dict = param(
        {}, help="where a scenario preset's values come from: dotted key -> citation, 'assumption: <why>' or 'setting: <what>'",
        source="setting: filled by the scenario presets (scenarios/*.yaml) and kept in the run's config.yaml, so a "
        "run folder says where its numbers come from; the schema's own sources are in docs/parameters.md",
    )
    network: NetworkConfig = field(default_factory=NetworkConfig)
    founders: FoundersConfig = field(default_factory=FoundersConfig)
    staff: StaffConfig = field(default_factory=StaffConfig)
    member: MemberConfig = field(default_factory=MemberConfig)
    interaction: InteractionConfig = field(default_factory=InteractionConfig)
    moderation: ModerationConfig = field(default_factory=ModerationConfig)
    capacity: StaffLoadConfig = field(default_factory=StaffLoadConfig)
    economics: EconomicsConfig = field(default_factory=EconomicsConfig)
    policy: PolicyConfig = field(default_factory=PolicyConfig)
    lifecycle: LifecycleConfig = field(default_factory=LifecycleConfig)
    groups: GroupsConfig = field(default_factory=GroupsConfig)
    playbook: PlaybookConfig = field(default_factory=PlaybookConfig)
    output: OutputConfig = field(default_factory=OutputConfig)
    checkpoint: CheckpointConfig = field(default_factory=CheckpointConfig)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> SimConfig:
        """Validate a plain mapping (e.g. a resolved Hydra config) into a SimConfig."""
        cfg = build(cls, data or {})
        _check_cross_field(cfg)
        return cfg

    def to_dict(self) -> dict[str, Any]:
        """A plain nested dict, for writing out."""
        return dataclasses.asdict(self)

    def get(self, dotted: str) -> Any:
        """The value at a dotted path, `cfg.get("staff.n_moderators")` (the reading side of `replace`)."""
        node: Any = self
        for part in dotted.split("."):
            node = getattr(node, part)
        return node

    def replace(self, **changes: Any) -> SimConfig:
        """A copy with dotted-path changes, validated: `cfg.replace(**{"policy.content.posts_per_week": 14})`.

        As on the command line, a policy, staff or groups value set here holds for the whole run:
        it is taken out of every stage of the playbook (sim.playbook.pin_overrides).
        """
        data = self.to_dict()
        for dotted, value in changes.items():
            set_dotted(data, dotted, value)
        pin_overrides(data, changes)
        return SimConfig.from_dict(data)


def _check_cross_field(cfg: SimConfig) -> None:
    """Constraints that involve more than one key."""
    if complaint := unknown_policy(cfg.policy):
        raise ConfigError(complaint)
    tiers = cfg.policy.tiers
    if not tiers.regular_points <= tiers.core_points <= tiers.vip_points:
        raise ConfigError(
            f"policy.tiers thresholds out of order: regular_points = {tiers.regular_points}, core_points = "
            f"{tiers.core_points}, vip_points = {tiers.vip_points}; need regular <= core <= vip"
        )
    if event_policies.POLICIES[cfg.policy.events.name].needs_planner and cfg.staff.n_event_planners == 0:
        raise ConfigError(
            f"policy.events.name = {cfg.policy.events.name!r} needs an activity planner: set staff.n_event_planners >= 1"
        )
    net = cfg.network
    if net.kind == "file" and not net.path:
        raise ConfigError("network.path is empty: network.kind=file needs the path of an edge-list or GraphML file")
    if net.kind != "file" and cfg.founders.n_founders > net.n_people:
        raise ConfigError(
            f"founders.n_founders = {cfg.founders.n_founders} is larger than network.n_people = {net.n_people}"
        )
    if net.kind in ("small_world", "holme_kim", "scale_free") and net.mean_degree >= net.n_people:
        raise ConfigError(
            f"network.mean_degree = {net.mean_degree} must be smaller than network.n_people = {net.n_people}"
        )
    shape = cfg.member.join_affinity_shape
    if 0 < shape < acquisition.AFFINITY_SHAPE_MIN:
        raise ConfigError(
            f"member.join_affinity_shape = {shape!r} is too small to draw affinities from: use 0 (everyone alike) "
            f"or at least {acquisition.AFFINITY_SHAPE_MIN}"
        )
    check_playbook(cfg)
    for key, text in cfg.sources.items():
        if not isinstance(text, str) or not text.strip():
            raise ConfigError(f"sources.{key} = {text!r}: a source is a text (a citation, 'assumption: <why>' or 'setting: <what>')")
    if net.n_segments > net.n_people:
        raise ConfigError(f"network.n_segments = {net.n_segments} is larger than network.n_people = {net.n_people}")
