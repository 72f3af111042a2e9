"""The configuration schema: one dataclass per config group, validated once at the edge.

Hydra composes YAML into a plain mapping; `SimConfig.from_dict` turns it into these typed, frozen
objects and stops at the first problem with a `ConfigError` whose one-line message names the key,
the value and what is allowed. Every default names its source or says `assumption`
(docs/parameters.md collects them). Rates carry their unit in the name (`*_per_day`, `*_per_week`).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from typing import Any

from sim.operations_config import (
    EconomicsConfig,
    EventPolicyConfig,
    InteractionConfig,
    ModerationConfig,
    ModerationPolicyConfig,
    StaffLoadConfig,
    TierPolicyConfig,
    WelcomePolicyConfig,
)
from sim.schema import ConfigError, param

__all__ = ["ConfigError", "SimConfig", "param"]


GRAPH_KINDS = ("small_world", "holme_kim", "scale_free", "sbm", "complete", "file")


@dataclass(frozen=True)
class NetworkConfig:
    """The addressable population as a social graph."""

    kind: str = param("holme_kim", choices=GRAPH_KINDS, help="graph generator, or `file`", source="setting")
    n_people: int = param(50_000, lo=2, hi=500_000_000, help="addressable population size")
    mean_degree: int = param(
        10, lo=1, hi=1000, help="average number of acquaintances",
        source="Dunbar-style acquaintance circles of ~10 close ties; assumption",
    )
    p_rewire: float = param(0.1, lo=0.0, hi=1.0, help="small_world: rewiring probability")
    p_triangle: float = param(0.3, lo=0.0, hi=1.0, help="holme_kim: triad-formation probability")
    n_segments: int = param(4, lo=1, hi=1000, help="sbm: number of population segments")
    segment_mixing: float = param(
        0.05, lo=0.0, hi=1.0, help="sbm: share of a person's ties that cross segments"
    )
    path: str = param("", help="file: edge-list (.txt/.csv/.edges) or GraphML (.graphml) path", source="setting")


@dataclass(frozen=True)
class FoundersConfig:
    """Who the community starts with."""

    n_founders: int = param(20, lo=1, hi=1_000_000, help="founding members (种子用户)")
    placement: str = param(
        "cluster", choices=("cluster", "random"), source="setting",
        help="cluster: founders are one circle of friends (breadth-first); random: scattered",
    )


@dataclass(frozen=True)
class StaffConfig:
    """Operating team: each role is a Mesa agent with its own state."""

    n_experts: int = param(2, lo=0, hi=10_000, help="experts (社群专家) producing content")
    n_moderators: int = param(1, lo=0, hi=10_000, help="moderators / group owner (管理员)")
    n_growth_officers: int = param(1, lo=0, hi=10_000, help="growth officers (首席增长官)")
    n_event_planners: int = param(0, lo=0, hi=10_000, help="activity planners (活动策划) running events")
    expert_skill_sd: float = param(0.1, lo=0.0, hi=1.0, help="spread of expert content quality")
    welcomes_per_moderator_per_day: int = param(
        30, lo=0, hi=1_000_000, help="newcomers one moderator can greet per day"
    )
    welcome_engagement_boost: float = param(
        0.1, lo=0.0, hi=1.0,
        help="engagement added to a greeted newcomer",
        source="direction from Joyce & Kraut 2006 (replied newcomers return more); size assumption",
    )


@dataclass(frozen=True)
class MemberConfig:
    """How members behave: activity, engagement, posting and churn."""

    p_active_base: float = param(0.05, lo=0.0, hi=1.0, help="daily visit drive with no content or friends")
    w_active_content: float = param(0.45, lo=0.0, hi=1.0, help="visit drive from fresh content")
    w_active_social: float = param(0.35, lo=0.0, hi=1.0, help="visit drive from active friends")
    content_saturation_posts: float = param(
        4.0, lo=0.01, hi=1e6, help="quality-weighted posts in the feed at which content value is 63% of its maximum"
    )
    content_half_life_days: float = param(1.5, lo=0.1, hi=365.0, help="how fast posts go stale")
    social_saturation_friends: float = param(
        2.0, lo=0.01, hi=1e6, help="active member friends at which the social pull is 63% of its maximum"
    )
    engagement_founder: float = param(0.8, lo=0.0, hi=1.0, help="engagement of founders on day 0 (种子用户 are committed)")
    engagement_join: float = param(0.45, lo=0.0, hi=1.0, help="engagement on joining (organic joins)")
    engagement_join_referral_bonus: float = param(
        0.1, lo=-1.0, hi=1.0,
        help="extra engagement for referred joins",
        source="referred customers are more loyal: Schmitt, Skiera & Van den Bulte 2011 (J. Marketing)",
    )
    engagement_join_campaign_bonus: float = param(
        -0.1, lo=-1.0, hi=1.0, help="engagement difference for campaign (paid) joins; assumption"
    )
    engagement_learning_rate: float = param(
        0.1, lo=0.0, hi=1.0, help="per active day, how far engagement moves toward the value received"
    )
    engagement_decay_per_day: float = param(
        0.01, lo=0.0, hi=1.0, help="engagement lost on a day without a visit"
    )
    value_base: float = param(0.15, lo=0.0, hi=1.0, help="value of a visit with no content or friends")
    p_post_median: float = param(
        0.004, lo=0.0, hi=100.0,
        help="median posting rate of an active member, posts per visit (log-normal over people)",
        source="tuned so that about a quarter ever post and the top 1% write about half or more: 90-9-1 (Nielsen 2006); van Mierlo 2014",
    )
    p_post_sigma: float = param(
        2.2, lo=0.0, hi=10.0, help="log-normal spread of the posting rate (heavy tail of super-posters)"
    )
    post_engagement_elasticity: float = param(
        1.0, lo=0.0, hi=10.0,
        help="posting rate x (engagement / engagement_join) ** elasticity: engaged members post more, "
        "so what lifts engagement (a reply to a first post) also lifts posting",
        source="direction from Joyce & Kraut 2006 (replied newcomers post again more); size assumption",
    )
    member_post_quality: float = param(0.3, lo=0.0, hi=1.0, help="value of a member post relative to an expert post of quality 1")
    p_churn_max_per_day: float = param(
        0.03, lo=0.0, hi=1.0, help="daily leaving hazard of a fully disengaged member"
    )
    churn_shape: float = param(
        2.0, lo=0.0, hi=20.0, help="hazard = p_churn_max * (1 - engagement) ** churn_shape"
    )
    join_affinity_shape: float = param(
        1.0, lo=0.0, hi=1e6,
        help="gamma shape of people's affinity for the community (mean 1); smaller = more uneven; 0 = everyone alike",
        source="heterogeneous adoption propensity: Bemmaor 1994; Van den Bulte & Stremersch 2004; shape assumption",
    )
    p_discover_per_day: float = param(
        2e-5, lo=0.0, hi=1.0, help="organic discovery: chance a non-member finds and joins the community on a day"
    )


@dataclass(frozen=True)
class ContentPolicyConfig:
    """Staff content calendar (内容日历)."""

    name: str = param("calendar", help="content policy name (see sim/policies.py)", source="setting")
    posts_per_week: float = param(7.0, lo=0.0, hi=10_000.0, help="expert posts per week, whole team")
    quality: float = param(0.8, lo=0.0, hi=1.0, help="mean quality of an expert post")


@dataclass(frozen=True)
class ReferralPolicyConfig:
    """Referral / fission (裂变) policy."""

    name: str = param("open_invite", help="none, open_invite or reward_per_join", source="setting")
    p_invite_per_day: float = param(
        0.04, lo=0.0, hi=1.0, help="chance a fully engaged active member invites a friend on a day"
    )
    p_accept: float = param(
        0.25, lo=0.0, hi=1.0, help="chance an invited friend joins",
    )
    reward_per_join: float = param(0.0, lo=0.0, hi=1e6, help="reward paid to the inviter per join (yuan)")
    reward_invite_boost: float = param(
        1.0, lo=0.0, hi=100.0, help="extra invite propensity while rewards are available (x1 + boost)"
    )
    max_rewarded_joins_per_member: int = param(
        10, lo=0, hi=1_000_000, help="cap on rewarded joins per inviter"
    )


@dataclass(frozen=True)
class AcquisitionPolicyConfig:
    """Paid campaigns run by growth officers."""

    name: str = param("steady", help="none, steady or pulse", source="setting")
    budget_per_day: float = param(150.0, lo=0.0, hi=1e9, help="campaign budget per growth officer per day (yuan)")
    total_budget: float = param(0.0, lo=0.0, hi=1e12, help="cap on campaign spend over the run; 0 = no cap")
    cost_per_reach: float = param(
        0.1, lo=1e-6, hi=1e6, help="cost of reaching one person (yuan)",
        source="feed-ad CPM around 100 yuan per 1,000 impressions; assumption",
    )
    p_convert: float = param(0.01, lo=0.0, hi=1.0, help="chance a reached person joins")
    pulse_every_days: int = param(28, lo=1, hi=10_000, help="pulse: days between campaign bursts")
    pulse_length_days: int = param(7, lo=1, hi=10_000, help="pulse: length of a burst")


@dataclass(frozen=True)
class PolicyConfig:
    """Operating policies, each chosen by name from a registry."""

    content: ContentPolicyConfig = field(default_factory=ContentPolicyConfig)
    referral: ReferralPolicyConfig = field(default_factory=ReferralPolicyConfig)
    acquisition: AcquisitionPolicyConfig = field(default_factory=AcquisitionPolicyConfig)
    moderation: ModerationPolicyConfig = field(default_factory=ModerationPolicyConfig)
    welcome: WelcomePolicyConfig = field(default_factory=WelcomePolicyConfig)
    tiers: TierPolicyConfig = field(default_factory=TierPolicyConfig)
    events: EventPolicyConfig = field(default_factory=EventPolicyConfig)


@dataclass(frozen=True)
class LifecycleConfig:
    """Stage-detector thresholds (see sim/lifecycle.py for the rationale of each)."""

    min_dwell_days: int = param(14, lo=0, hi=10_000, help="days a stage lasts at least")
    window_days: int = param(28, lo=1, hi=10_000, help="window for growth and activity averages")
    grow_min_members: int = param(100, lo=1, hi=10**9, help="CREATE -> GROW: members")
    grow_min_growth_per_week: float = param(0.05, lo=0.0, hi=100.0, help="CREATE -> GROW: weekly growth")
    active_min_members: int = param(500, lo=1, hi=10**9, help="GROW -> ACTIVE: members")
    active_min_active_share: float = param(0.2, lo=0.0, hi=1.0, help="GROW -> ACTIVE: daily active share")
    mature_max_growth_per_week: float = param(0.02, lo=0.0, hi=100.0, help="ACTIVE -> MATURE: weekly growth below")
    mature_min_member_content_share: float = param(0.5, lo=0.0, hi=1.0, help="ACTIVE -> MATURE: member-written share of posts")
    expansion_min_groups: int = param(5, lo=1, hi=10**9, help="MATURE -> EXPANSION: chat groups (or segments below)")
    expansion_min_segments: int = param(2, lo=1, hi=10**6, help="MATURE -> EXPANSION: population segments with a foothold")
    segment_foothold_share: float = param(0.05, lo=0.0, hi=1.0, help="share of members a segment needs to count as reached")
    expansion_min_growth_per_week: float = param(0.01, lo=0.0, hi=100.0, help="MATURE -> EXPANSION: weekly growth")
    decline_max_active_share: float = param(0.03, lo=0.0, hi=1.0, help="DECLINE when active share falls below")
    decline_min_shrink_per_week: float = param(0.02, lo=0.0, hi=1.0, help="DECLINE when weekly shrinkage exceeds")
    recover_min_growth_per_week: float = param(0.0, lo=-1.0, hi=100.0, help="DECLINE -> last healthy stage: weekly growth at least (and twice the decline active share)")


@dataclass(frozen=True)
class GroupsConfig:
    """Chat groups (社群分群): members sit in groups of limited size (WeChat groups cap at 500)."""

    capacity: int = param(500, lo=1, hi=10**9, help="members per group at most", source="WeChat group member limit (500)")
    spawn: bool = param(True, help="open a new group when all are full (精细化建群); if false, newcomers are turned away", source="setting")
    seed_core_members: int = param(10, lo=0, hi=10**6, help="core members moved into each new group to get it going")
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
    member_agents_max_people: int = param(
        50_000, lo=0, hi=500_000_000, source="measured: ~23 us and ~330 B per handle (docs/performance.md)",
        help="populations up to this size get a Mesa Member agent for every member as they join; "
        "larger ones make handles on demand (model.member(row))",
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
        cfg = _build(cls, data or {}, "")
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
        from sim.playbook import pin_overrides  # noqa: PLC0415

        data = self.to_dict()
        for dotted, value in changes.items():
            node = data
            *parents, leaf = dotted.split(".")
            for key in parents:
                if not isinstance(node.get(key), dict):
                    raise ConfigError(f"{dotted}: '{key}' is not a config group")
                node = node[key]
            if leaf not in node:
                raise ConfigError(f"{dotted}: no such config key")
            node[leaf] = value
        pin_overrides(data, changes)
        return SimConfig.from_dict(data)


def _type_name(tp) -> str:
    return getattr(tp, "__name__", str(tp))


def _coerce(value: Any, tp, key: str) -> Any:
    """Check `value` against the annotated type; ints are accepted where floats are asked."""
    if tp is bool:
        if isinstance(value, bool):
            return value
    elif tp is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
    elif tp is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    elif (tp is str and isinstance(value, str)) or (tp is dict and isinstance(value, dict)):
        return value
    raise ConfigError(f"{key} = {value!r} has the wrong type: expected {_type_name(tp)}")


def _build(cls, data: Any, prefix: str):
    if not isinstance(data, dict):
        raise ConfigError(f"{prefix.rstrip('.') or 'config'} = {data!r} must be a group of keys")
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - set(fields))
    if unknown:
        key = prefix + str(unknown[0])
        raise ConfigError(f"{key}: no such config key; allowed here: {', '.join(sorted(fields))}")
    values = {}
    for name, f in fields.items():
        if name not in data:
            continue
        key = prefix + name
        tp = hints[name]
        if dataclasses.is_dataclass(tp):
            values[name] = _build(tp, data[name], key + ".")
            continue
        if isinstance(tp, types.UnionType):
            raise TypeError(f"union types are not supported in the schema ({key})")
        value = _coerce(data[name], tp, key)
        _check_range(value, f.metadata, key)
        values[name] = value
    return cls(**values)


def _check_range(value: Any, meta: dict, key: str) -> None:
    lo, hi, choices = meta.get("lo"), meta.get("hi"), meta.get("choices")
    if choices is not None and value not in choices:
        raise ConfigError(f"{key} = {value!r} is not allowed: choose one of {', '.join(map(str, choices))}")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value != value:  # NaN
            raise ConfigError(f"{key} = nan is not a number")
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            raise ConfigError(f"{key} = {value!r} is out of range: allowed {lo} to {hi}")


def _check_cross_field(cfg: SimConfig) -> None:
    """Constraints that involve more than one key."""
    from sim.policies import REGISTRIES  # noqa: PLC0415

    for group, registry in REGISTRIES.items():
        name = getattr(cfg.policy, group).name
        if name not in registry:
            raise ConfigError(f"policy.{group}.name = {name!r} is not a known policy: choose one of {', '.join(registry)}")
    tiers = cfg.policy.tiers
    if not tiers.regular_points <= tiers.core_points <= tiers.vip_points:
        raise ConfigError(
            f"policy.tiers thresholds out of order: regular_points = {tiers.regular_points}, core_points = "
            f"{tiers.core_points}, vip_points = {tiers.vip_points}; need regular <= core <= vip"
        )
    if cfg.policy.events.name != "none" and cfg.staff.n_event_planners == 0:
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
    from sim.playbook import check_playbook  # noqa: PLC0415

    check_playbook(cfg)
    if net.kind == "sbm" and net.n_segments > net.n_people:
        raise ConfigError(f"network.n_segments = {net.n_segments} is larger than network.n_people = {net.n_people}")
