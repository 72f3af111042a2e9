"""The growth core: the config under which sim's model and the reference follow the same rules.

The reference implements the growth core (acquisition, word of mouth along ties, activity and
engagement, muting, leaving and returning, content and greeting). sim's model has more mechanics
(interaction ties, first replies and answers, moderation and toxicity, strictness, tiers, events,
expert burnout, reactivation levers, fission campaigns); these overrides switch their effects off
so that the two models can be compared rule for rule and speed for speed. Every benchmark row
labelled "core" and the cross-check test use them. Returns of former members stay on (the
reference implements them); fission is off as long as the referral policy is not `fission`.
"""

from __future__ import annotations

GROWTH_CORE: dict[str, object] = {
    "interaction.p_tie_per_reply": 0.0,  # replies form no ties (no extra social pull)
    "interaction.p_triadic_per_reply": 0.0,
    "interaction.first_reply_engagement_boost": 0.0,  # replies and answers add no engagement
    "interaction.answer_engagement_boost": 0.0,
    "moderation.incidents_per_100_members_per_day": 0.0,  # no incidents, so no toxicity
    "moderation.strictness_newcomer_churn_effect": 0.0,  # newcomers churn like everyone
    "capacity.answer_effort_posts": 0.0,  # experts are not loaded by answers (no burnout)
    "policy.tiers.name": "none",
    "policy.events.name": "none",
    "policy.reactivation.name": "none",  # no lever calls quiet or muted members back
    "policy.welcome.name": "greet",
}


def growth_core(cfg):
    """`cfg` (a SimConfig) with only the growth core's mechanics in effect."""
    return cfg.replace(**GROWTH_CORE)
