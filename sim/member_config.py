"""The `member` config group: how members behave (visits, engagement, posting, churn, joining).

Read by the member mechanics (sim/mechanics/visits.py, engagement.py, content.py, churn.py,
acquisition.py), each of which names the keys it reads. Part of the schema assembled in
sim/config.py; every default states its source (docs/parameters.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.schema import param
from sim.sources import (
    JOYCE_KRAUT_2006,
    MUTE_SURVEY_2020,
    NONNECKE_PREECE_2000,
    SCHMITT_2011,
    VAN_DEN_BULTE_2018,
)


@dataclass(frozen=True)
class MemberConfig:
    """How members behave: activity, engagement, posting and churn."""

    p_active_base: float = param(
        0.05, lo=0.0, hi=1.0, help="daily visit drive with no content or friends",
        source="assumption: with nothing new and no friends around, a fully engaged member still opens "
        "the group about one day in twenty (habit, notifications); small next to the content and "
        "social drives, so that what operators do moves visits",
    )
    w_active_content: float = param(
        0.45, lo=0.0, hi=1.0, help="visit drive from fresh content",
        source="assumption: content is the main reason to visit a brand or knowledge community, so it "
        "weighs more than friends (0.45 vs 0.35); with the base drive a fully engaged member with a "
        "full feed and active friends visits 85% of days. Most members do not: once interest fades they "
        "mute the group (p_mute_max_per_day), so in the default community about 17% of members visit "
        "on a day and 45% within a month in the last weeks of the year, inside the 10-30% monthly "
        "active vendors quote (Breezio; Higher Logic 2023: about 15% active) widened to 15-50% "
        "(docs/validation.md, activity_shape)",
    )
    w_active_social: float = param(
        0.35, lo=0.0, hi=1.0, help="visit drive from active friends",
        source="assumption: friends active yesterday pull a member back, a little less than content "
        "in a brand community (see w_active_content for the daily active share the drives give)",
    )
    content_saturation_posts: float = param(
        4.0, lo=0.01, hi=1e6,
        help="quality-weighted posts in the feed at which content value is 63% of its maximum",
        source="assumption: a member reads a handful of posts a visit: four fresh quality-weighted "
        "posts give 63% of the content value, eight 86%; the default feed stays near saturation "
        "(content value about 0.9 over the default year)",
    )
    content_half_life_days: float = param(
        1.5, lo=0.1, hi=365.0, help="how fast posts go stale",
        source="assumption: chat-group posts scroll out of sight within a day or two (operators note "
        "good posts being flooded away, 刷屏刷掉, and keep a content curator, 内容整理官), so a post "
        "keeps half its freshness for a day and a half",
    )
    social_saturation_friends: float = param(
        2.0, lo=0.01, hi=1e6,
        help="active member friends at which the social pull is 63% of its maximum",
        source="assumption: two friends active yesterday give 63% of the social pull, four 86%: a "
        "couple of familiar faces is what draws someone back, more adds little",
    )
    engagement_founder: float = param(
        0.8, lo=0.0, hi=1.0, help="engagement of founders on day 0 (种子用户 are committed)",
        source="assumption: seed users (种子用户) are committed from the start, well above an ordinary "
        "joiner (0.45), so the first group is lively before content builds up",
    )
    engagement_join: float = param(
        0.45, lo=0.0, hi=1.0, help="engagement on joining (organic joins)",
        source="assumption: a newcomer starts undecided, just under the middle: with the default feed "
        "they visit on a third of days or more and run a moderate risk of losing interest (muting or "
        "leaving) until what they find settles it; the posting-rate lift is measured relative to this value",
    )
    engagement_join_referral_bonus: float = param(
        0.0, lo=-1.0, hi=1.0,
        help="extra engagement for referred joins",
        source=f"{SCHMITT_2011}; {VAN_DEN_BULTE_2018}: the retention edge of referred members lasts "
        "only while their referrer stays, which referred_leave_multiplier carries; so no lasting "
        "engagement bonus (0)",
    )
    engagement_join_campaign_bonus: float = param(
        -0.1, lo=-1.0, hi=1.0, help="engagement difference for campaign (paid) joins; assumption",
        source="assumption: people brought in by paid ads join with less commitment than organic "
        "joiners, the mirror image of the referral bonus (0.35 vs 0.45); not measured for communities",
    )
    engagement_learning_rate: float = param(
        0.1, lo=0.0, hi=1.0,
        help="per active day, how far engagement moves toward the value received",
        source="assumption: a visit moves engagement a tenth of the way toward what it was worth, so a "
        "member's judgement follows roughly their last ten visits: a reply or a bad month shows, a "
        "single day does not",
    )
    engagement_decay_per_day: float = param(
        0.01, lo=0.0, hi=1.0, help="engagement lost on a day without a visit",
        source="assumption: a day away costs 1% of engagement, so a member who stops visiting loses "
        "half of it in about 70 days: interest fades over months, not days",
    )
    value_base: float = param(
        0.15, lo=0.0, hi=1.0, help="value of a visit with no content or friends",
        source="assumption: a visit with nothing new still has some worth (the floor of a visit's "
        "value), so members of a quiet group drift down slowly rather than collapse",
    )
    p_post_median: float = param(
        0.007, lo=0.0, hi=100.0,
        help="median posting rate of an active member, posts per visit (log-normal over people)",
        source="Nielsen 2006: 90-9-1 participation inequality; van Mierlo 2014: under 25% of members "
        "ever posted and the top 1% wrote 74.7% of posts; Nonnecke & Preece 2000: 46-82% posted "
        "nothing over 12 weeks; Lampe & Johnston 2005: 16% of new accounts ever commented; tuned with "
        "p_post_sigma and post_engagement_elasticity against those three figures over 10 seeds of the "
        "default community (docs/validation.md, activity_shape and participation_inequality)",
    )
    p_post_sigma: float = param(
        1.8, lo=0.0, hi=10.0, help="log-normal spread of the posting rate (heavy tail of super-posters)",
        source="van Mierlo 2014: the top 1% of members wrote 74.7% of posts in four health "
        "communities; tuned with p_post_median (docs/validation.md, participation_inequality)",
    )
    post_engagement_elasticity: float = param(
        3.0, lo=0.0, hi=10.0,
        help="posting rate x (engagement / engagement_join) ** elasticity: engaged members post more, "
        "so what lifts engagement (a reply to a first post) also lifts posting",
        source=f"{JOYCE_KRAUT_2006}; Lampe & Johnston 2005: 55% of new commenters commented only once; "
        "size assumption: steep (3.0), so that posting stays with the engaged regulars: members who "
        "posted in the last 12 weeks are most of those who ever posted, as under 25% ever post while "
        "15-54% of members post within 12 weeks (Nonnecke & Preece 2000)",
    )
    member_post_quality: float = param(
        0.3, lo=0.0, hi=1.0, help="value of a member post relative to an expert post of quality 1",
        source="assumption: members' posts are mostly short questions and chat, worth under half of a "
        "default expert post (quality 0.8); many of them still carry a mature community's feed",
    )
    p_churn_max_per_day: float = param(
        0.002, lo=0.0, hi=1.0, help="daily leaving hazard of a fully disengaged member (before drift)",
        source="assumption: leaving for reasons other than losing interest (spam, conflict, ads: "
        "toxicity multiplies it; a strict newcomer regime) is rare without them, 0.2% a day at zero "
        "engagement; most leaving comes from losing interest (leave_share_on_disinterest) and drift. "
        "Fader & Hardie 2007's 'regular' subscribers kept 63% after a year; the default community's "
        "joiners keep about that (docs/validation.md, retention_curve)",
    )
    p_leave_drift_per_day: float = param(
        0.0003, lo=0.0, hi=1.0, help="plain drift: daily chance that any member leaves, whatever their engagement",
        source="assumption: people leave groups for reasons the community does not see (a new job, a "
        "phone clean-up: 59.9% periodically clear 'zombie groups', China Youth Daily 2020); about 10% "
        "a year",
    )
    p_mute_max_per_day: float = param(
        0.08, lo=0.0, hi=1.0, help="daily chance that a fully disengaged, listening member loses interest: mutes the group (消息免打扰) or leaves it",
        source=f"{MUTE_SURVEY_2020}; {NONNECKE_PREECE_2000}; size assumption: a member who has lost "
        "interest gives up on the group within about two weeks (8% a day at zero engagement), an order of magnitude "
        "faster than they would leave, so that most members of a year-old community are silent",
    )
    leave_share_on_disinterest: float = param(
        0.34, lo=0.0, hi=1.0, help="share of members who lose interest that leave the group instead of muting it",
        source=f"{MUTE_SURVEY_2020}: 38.4 / (74.6 + 38.4) = 0.34 of the ways out of a group one has "
        "lost interest in are leaving it, the rest muting it",
    )
    mute_shape: float = param(
        2.0, lo=0.0, hi=20.0, help="mute hazard = p_mute_max * (1 - engagement) ** mute_shape",
        source="assumption: the same convex shape as leaving (churn_shape): engaged members hardly ever "
        "mute, the indifferent ones do",
    )
    referred_leave_multiplier: float = param(
        0.7, lo=0.0, hi=10.0, help="leaving of a referred member while their inviter is still a member (x), by either route: the leaving hazard and the share of a loss of interest that ends in leaving",
        source=f"{VAN_DEN_BULTE_2018}; size assumption: 30% less while the referrer stays, nothing after",
    )
    p_return_per_day: float = param(
        0.0003, lo=0.0, hi=1.0, help="daily chance that a former member comes back",
        source="assumption: about one former member in ten comes back within a year (re-invited, a new "
        "need); no source measures returns to chat groups",
    )
    churn_shape: float = param(
        2.0, lo=0.0, hi=20.0, help="hazard = p_churn_max * (1 - engagement) ** churn_shape",
        source="Fader & Hardie 2007: cohort survival drops steeply, then flattens (shifted-beta-"
        "geometric, from hazards that differ between people); size assumption: squaring (1 - "
        "engagement) spreads the hazards so that the model's cohorts follow that curve (sBG fit "
        "a = 1.22, b = 2.69, docs/validation.md)",
    )
    join_affinity_shape: float = param(
        1.0, lo=0.0, hi=1e6,
        help="gamma shape of people's affinity for the community (mean 1); smaller = more uneven; 0 = everyone alike",
        source="Bemmaor 1994; Van den Bulte & Stremersch 2004: adoption propensity differs between "
        "people (gamma-distributed in Bemmaor's model, which gives back the Bass curve at shape 1), so "
        "the keenest join first and growth slows; size assumption: shape 1, that reference case, here "
        "applied to the join chance itself",
    )
    p_discover_per_day: float = param(
        2e-5, lo=0.0, hi=1.0,
        help="organic discovery: chance a non-member finds and joins the community on a day",
        source="assumption: about 0.7% of the population a year find the community on their own "
        "(before affinity); Bass's p for durable goods averages 0.03 a year (Sultan, Farley & Lehmann "
        "1990), lower here because advertising is a separate channel (campaigns); the product_forum "
        "scenario uses 5e-5",
    )
