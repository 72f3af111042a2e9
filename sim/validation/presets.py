"""Which pattern is checked on which scenario preset, and why.

Two declared tables. `PRESETS` gives each preset in scenarios/ one line: the traits that decide
which patterns it can show (a new preset is one line here). `APPLIES` gives each pattern the traits
a preset needs for it (or the presets it names) and the reason in one line; `OWN_SETTING` lists the
checks that run on a setting of their own (the mean-field Bass and SI checks) instead of a preset.
`check_tables()` refuses a preset name that scenarios/ does not have, in one line.

Traits a preset's composed config decides (tests/validation/test_presets_table.py checks them
against it): `stage_aware` (its playbook changes policies with the stages), `word_of_mouth` (its
members share), `everyday_sharing` (they share by open invitation: no poster campaign, no all-year
commissions), `fission_campaign` (a poster campaign runs), `paid_acquisition` (campaigns buy
joins), `long_run` (it runs 180 days or more: cohorts observed for six 4-week periods),
`saturating` (it starts in part of its audiences and the playbook opens more), `ordinary_members`
(free to join, no daily habit lever, members drawn as by default: the members the activity
sources measured). Declared: `thousands` (thousands
of people join over a run, enough for a top 1% of tens of members and cohorts of thousands).
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.cli.folders import config_dir, group_options
from sim.member_config import MemberConfig

DEFAULT_PRESET = "brand_community"

PRESETS: dict[str, frozenset[str]] = {
    "brand_community": frozenset({"long_run", "ordinary_members", "stage_aware", "saturating", "word_of_mouth", "everyday_sharing", "paid_acquisition", "thousands"}),
    "knowledge_circle": frozenset({"long_run", "stage_aware", "saturating", "word_of_mouth", "paid_acquisition", "thousands"}),
    "product_forum": frozenset({"long_run", "ordinary_members", "stage_aware", "word_of_mouth", "everyday_sharing", "paid_acquisition", "thousands"}),
    "classroom": frozenset({"long_run", "stage_aware", "saturating", "word_of_mouth", "everyday_sharing", "paid_acquisition"}),
    "fission_launch": frozenset({"ordinary_members", "word_of_mouth", "fission_campaign", "thousands"}),
    "service_community": frozenset({"long_run", "stage_aware", "saturating", "word_of_mouth", "everyday_sharing", "paid_acquisition", "thousands"}),
}
TRAITS = ("long_run", "ordinary_members", "stage_aware", "saturating", "word_of_mouth", "everyday_sharing", "fission_campaign", "paid_acquisition", "thousands")


@dataclass(frozen=True)
class Applies:
    """Where a pattern is checked: the presets with every trait in `needs` (every preset when
    empty), or exactly `presets` when given."""

    reason: str
    needs: frozenset[str] = frozenset()
    presets: tuple[str, ...] | None = None


def _needs(*traits: str) -> frozenset[str]:
    return frozenset(traits)


APPLIES: dict[str, Applies] = {
    "activity_shape": Applies("the sources measured established, free lists and groups whose members were left to their own "
                              "habits; a paid circle (committed members), a class cohort, a daily check-in and a "
                              "four-month-old launch are built to be busier, and no source gives their activity",
                              _needs("ordinary_members", "long_run")),
    "participation_inequality": Applies("the top 1% must be tens of members for its share of posts to mean anything, "
                                        "and the sources' members were ordinary ones (not paying, no daily habit lever, "
                                        "not a class cohort), who post less", _needs("thousands", "ordinary_members")),
    "newcomer_first_reply": Applies("the +12-point uplift is resolved (standard error ~1.5 points) only with thousands "
                                    "of first posters; the source's newcomers were ordinary ones (a paying or habit-"
                                    "driven newcomer posts again with or without a reply)", _needs("thousands", "ordinary_members")),
    "retention_curve": Applies("4-week retention steps of 0.01-0.05 are resolved only with cohorts of thousands, "
                               "followed for six periods", _needs("thousands", "long_run")),
    "referral_cascades": Applies("Goel et al. measured everyday sharing; a poster campaign (the fission_launch pattern) "
                                 "and a paid circle's all-year commissions (分销) are built to chain", _needs("everyday_sharing")),
    "fission_launch": Applies("the launch of a community by a poster campaign", presets=("fission_launch",)),
    "self_sustaining": Applies("the experiment stops outside acquisition; a preset that buys no joins has none to stop",
                               _needs("paid_acquisition")),
    "reactivation": Applies("every preset has quiet and muted members a lever can call back"),
    "referred_churn": Applies("needs hundreds of leavers among referred members (inviter present and gone) and "
                              "campaign joiners", _needs("word_of_mouth", "paid_acquisition", "thousands")),
    "invitation_timing": Applies("Qiu et al. timed invitations into WeChat groups; every preset whose members share",
                                 _needs("word_of_mouth")),
    "stage_meaning": Applies("the stages mean something where a playbook acts on them and the community starts in "
                             "part of its audiences (product_forum's one audience does not saturate within the year: "
                             "it stays in ACTIVE by design)", _needs("stage_aware", "saturating")),
}

OWN_SETTING: dict[str, str] = {
    "bass_recovery": "Bass's equation holds only in its mean-field setting: complete graph, no churn, everyone active",
    "bass_marketing_only": "as bass_recovery, with word of mouth off",
    "bass_word_of_mouth_only": "as bass_recovery, with discovery off",
    "si_contagion": "compared with an independent SI process on the same Holme-Kim graph",
}


def scenario_presets() -> list[str]:
    """The presets in scenarios/ (the `scenario` config group)."""
    return group_options(config_dir(), "scenario")


def check_tables() -> None:
    """Raise ValueError (one line) when a table names a preset or trait that does not exist."""
    known = set(scenario_presets())
    for preset, traits in PRESETS.items():
        if preset not in known:
            raise ValueError(f"validation PRESETS names {preset!r}, which scenarios/ does not have; "
                             f"presets: {', '.join(sorted(known))}")
        if traits - set(TRAITS):
            raise ValueError(f"validation PRESETS: {preset!r} has unknown trait {sorted(traits - set(TRAITS))[0]!r}")
    for key, applies in APPLIES.items():
        for preset in applies.presets or ():
            if preset not in PRESETS:
                raise ValueError(f"validation APPLIES[{key!r}] names unknown preset {preset!r}; "
                                 f"presets: {', '.join(PRESETS)}")
        if applies.needs - set(TRAITS):
            raise ValueError(f"validation APPLIES[{key!r}] needs unknown trait {sorted(applies.needs - set(TRAITS))[0]!r}")


def unlisted_presets() -> list[str]:
    """Presets in scenarios/ that PRESETS has no line for (so no pattern is checked on them)."""
    return [p for p in scenario_presets() if p not in PRESETS]


def presets_for(key: str) -> tuple[str, ...]:
    """The presets pattern `key` is checked on, in PRESETS order (() for an own-setting check)."""
    applies = APPLIES.get(key)
    if applies is None:
        return ()
    if applies.presets is not None:
        return applies.presets
    return tuple(p for p, traits in PRESETS.items() if applies.needs <= traits)


def traits_of_config(cfg) -> frozenset[str]:
    """The traits a composed SimConfig decides by itself (all but `thousands`)."""
    referral = cfg.policy.referral.name
    traits = {
        "stage_aware": cfg.playbook.name != "flat",
        "word_of_mouth": referral != "none",
        "everyday_sharing": referral == "open_invite",
        "fission_campaign": referral == "fission",
        "paid_acquisition": cfg.policy.acquisition.name != "none",
        "long_run": cfg.days >= 180,
        "saturating": 0 < cfg.policy.acquisition.audiences < cfg.network.n_segments,
        "ordinary_members": (cfg.economics.membership_fee == 0
                         and cfg.policy.reactivation.name == "none"
                         and cfg.member.p_post_median == MemberConfig().p_post_median
                         and cfg.member.engagement_join == MemberConfig().engagement_join),
    }
    return frozenset(k for k, v in traits.items() if v)
