"""The run's config: `SimConfig`, assembled from the config groups, validated once at the edge.

Hydra composes YAML into a plain mapping; `SimConfig.from_dict` turns it into typed, frozen objects
with the schema's validator (sim/schema.py) and then checks what involves more than one key. The
world's groups (network, founders, staff, member, groups, outputs) are declared here; the others
live with what reads them: the policies in sim/policies/, the stage thresholds in sim/lifecycle.py,
the mechanics' groups in sim/operations_config.py. Every default states its source
(docs/parameters.md collects them). Rates carry their unit in the name (`*_per_day`, `*_per_week`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from sim.lifecycle import LifecycleConfig
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

__all__ = ["ConfigError", "SimConfig", "param"]


GRAPH_KINDS = ("small_world", "holme_kim", "scale_free", "sbm", "complete", "file")


@dataclass(frozen=True)
class NetworkConfig:
    """The addressable population as a social graph."""

    kind: str = param("holme_kim", choices=GRAPH_KINDS, help="graph generator, or `file`", source="setting")
    n_people: int = param(50_000, lo=2, hi=500_000_000, help="addressable population size", source="assumption")
    mean_degree: int = param(
        10, lo=1, hi=1000, help="average number of acquaintances",
        source="Dunbar-style acquaintance circles of ~10 close ties; assumption",
    )
    p_rewire: float = param(0.1, lo=0.0, hi=1.0, help="small_world: rewiring probability", source="assumption")
    p_triangle: float = param(0.3, lo=0.0, hi=1.0, help="holme_kim: triad-formation probability", source="assumption")
    n_segments: int = param(4, lo=1, hi=1000, help="sbm: number of population segments", source="assumption")
    segment_mixing: float = param(
        0.05, lo=0.0, hi=1.0, help="sbm: share of a person's ties that cross segments", source="assumption"
)
    path: str = param("", help="file: edge-list (.txt/.csv/.edges) or GraphML (.graphml) path", source="setting")


@dataclass(frozen=True)
class FoundersConfig:
    """Who the community starts with."""

    n_founders: int = param(20, lo=1, hi=1_000_000, help="founding members (种子用户)", source="assumption")
    placement: str = param(
        "cluster", choices=("cluster", "random"), source="setting",
        help="cluster: founders are one circle of friends (breadth-first); random: scattered",
    )


@dataclass(frozen=True)
class StaffConfig:
    """Operating team: each role is a Mesa agent with its own state."""

    n_experts: int = param(2, lo=0, hi=10_000, help="experts (社群专家) producing content", source="assumption")
    n_moderators: int = param(1, lo=0, hi=10_000, help="moderators / group owner (管理员)", source="assumption")
    n_growth_officers: int = param(1, lo=0, hi=10_000, help="growth officers (首席增长官)", source="assumption")
    n_event_planners: int = param(0, lo=0, hi=10_000, help="activity planners (活动策划) running events", source="assumption")
    expert_skill_sd: float = param(0.1, lo=0.0, hi=1.0, help="spread of expert content quality", source="assumption")
    welcomes_per_moderator_per_day: int = param(
        30, lo=0, hi=1_000_000, help="newcomers one moderator can greet per day", source="assumption"
)
    welcome_engagement_boost: float = param(
        0.1, lo=0.0, hi=1.0,
        help="engagement added to a greeted newcomer",
        source="direction from Joyce & Kraut 2006 (replied newcomers return more); size assumption",
    )


@dataclass(frozen=True)
class MemberConfig:
    """How members behave: activity, engagement, posting and churn."""

    p_active_base: float = param(0.05, lo=0.0, hi=1.0, help="daily visit drive with no content or friends", source="assumption")
    w_active_content: float = param(0.45, lo=0.0, hi=1.0, help="visit drive from fresh content", source="assumption")
    w_active_social: float = param(0.35, lo=0.0, hi=1.0, help="visit drive from active friends", source="assumption")
    content_saturation_posts: float = param(
        4.0, lo=0.01, hi=1e6, help="quality-weighted posts in the feed at which content value is 63% of its maximum", source="assumption"
)
    content_half_life_days: float = param(1.5, lo=0.1, hi=365.0, help="how fast posts go stale", source="assumption")
    social_saturation_friends: float = param(
        2.0, lo=0.01, hi=1e6, help="active member friends at which the social pull is 63% of its maximum", source="assumption"
)
    engagement_founder: float = param(0.8, lo=0.0, hi=1.0, help="engagement of founders on day 0 (种子用户 are committed)", source="assumption")
    engagement_join: float = param(0.45, lo=0.0, hi=1.0, help="engagement on joining (organic joins)", source="assumption")
    engagement_join_referral_bonus: float = param(
        0.1, lo=-1.0, hi=1.0,
        help="extra engagement for referred joins",
        source="referred customers are more loyal: Schmitt, Skiera & Van den Bulte 2011 (J. Marketing)",
    )
    engagement_join_campaign_bonus: float = param(
        -0.1, lo=-1.0, hi=1.0, help="engagement difference for campaign (paid) joins; assumption", source="assumption"
)
    engagement_learning_rate: float = param(
        0.1, lo=0.0, hi=1.0, help="per active day, how far engagement moves toward the value received", source="assumption"
)
    engagement_decay_per_day: float = param(
        0.01, lo=0.0, hi=1.0, help="engagement lost on a day without a visit", source="assumption"
)
    value_base: float = param(0.15, lo=0.0, hi=1.0, help="value of a visit with no content or friends", source="assumption")
    p_post_median: float = param(
        0.004, lo=0.0, hi=100.0,
        help="median posting rate of an active member, posts per visit (log-normal over people)",
        source="tuned so that about a quarter ever post and the top 1% write about half or more: 90-9-1 (Nielsen 2006); van Mierlo 2014",
    )
    p_post_sigma: float = param(
        2.2, lo=0.0, hi=10.0, help="log-normal spread of the posting rate (heavy tail of super-posters)", source="assumption"
)
    post_engagement_elasticity: float = param(
        1.0, lo=0.0, hi=10.0,
        help="posting rate x (engagement / engagement_join) ** elasticity: engaged members post more, "
        "so what lifts engagement (a reply to a first post) also lifts posting",
        source="direction from Joyce & Kraut 2006 (replied newcomers post again more); size assumption",
    )
    member_post_quality: float = param(0.3, lo=0.0, hi=1.0, help="value of a member post relative to an expert post of quality 1", source="assumption")
    p_churn_max_per_day: float = param(
        0.03, lo=0.0, hi=1.0, help="daily leaving hazard of a fully disengaged member", source="assumption"
)
    churn_shape: float = param(
        2.0, lo=0.0, hi=20.0, help="hazard = p_churn_max * (1 - engagement) ** churn_shape", source="assumption"
)
    join_affinity_shape: float = param(
        1.0, lo=0.0, hi=1e6,
        help="gamma shape of people's affinity for the community (mean 1); smaller = more uneven; 0 = everyone alike",
        source="heterogeneous adoption propensity: Bemmaor 1994; Van den Bulte & Stremersch 2004; shape assumption",
    )
    p_discover_per_day: float = param(
        2e-5, lo=0.0, hi=1.0, help="organic discovery: chance a non-member finds and joins the community on a day", source="assumption"
)


@dataclass(frozen=True)
class GroupsConfig:
    """Chat groups (社群分群): members sit in groups of limited size (WeChat groups cap at 500)."""

    capacity: int = param(500, lo=1, hi=10**9, help="members per group at most", source="WeChat group member limit (500)")
    spawn: bool = param(True, help="open a new group when all are full (精细化建群); if false, newcomers are turned away", source="setting")
    seed_core_members: int = param(10, lo=0, hi=10**6, help="core members moved into each new group to get it going", source="assumption")
    moderator_per_new_group: bool = param(False, help="hire a moderator for each new group", source="setting")


@dataclass(frozen=True)
class PlaybookConfig:
    """An operating playbook (运营打法): policy values per lifecycle stage.

    `stages` maps a stage name (CREATE, GROW, ACTIVE, MATURE, EXPANSION, DECLINE) to overrides of
    `policy.*`, `staff.*` or `groups.*` keys, nested like the config. Changes accumulate along the
    stages: what a stage switches on stays on until a later stage changes it. DECLINE's overrides
    apply on top of whatever was in force. An empty mapping is a flat policy that ignores stages.
    """

    name: str = param("flat", help="name of the playbook, for the record", source="setting")
    stages: dict = param({}, help="stage name -> nested overrides of policy.*, staff.*, groups.*", source="setting")


@dataclass(frozen=True)
class OutputConfig:
    """What a run writes."""

    plots: bool = param(True, help="write dashboard.png", source="setting")
    csv: bool = param(True, help="also write timeseries.csv next to the parquet file", source="setting")


@dataclass(frozen=True)
class CheckpointConfig:
    """When a run saves its whole state to resume or fork from (sim/checkpoint.py)."""

    every_days: int = param(0, lo=0, hi=100_000, help="save a checkpoint every this many days; 0 = never", source="setting")
    at_stage_change: bool = param(False, help="save a checkpoint on each day the lifecycle stage changes", source="setting")
    dir: str = param("", help="folder for checkpoints; empty = checkpoints/ in the run folder", source="setting")


@dataclass(frozen=True)
class SimConfig:
    """Everything one run needs."""

    scenario: str = param("brand_community", help="name of the scenario preset, for the record", source="setting")
    seed: int = param(0, lo=0, hi=2**63 - 1, help="the run's one seed", source="setting")
    days: int = param(365, lo=1, hi=100_000, help="simulated days (one step is one day)", source="setting")
    backend: str = param("cpu", choices=("cpu", "gpu"), help="array backend", source="setting")
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
    check_playbook(cfg)
    if net.kind == "sbm" and net.n_segments > net.n_people:
        raise ConfigError(f"network.n_segments = {net.n_segments} is larger than network.n_people = {net.n_people}")
