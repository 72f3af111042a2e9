"""The members' part of a day, phase by phase, computed over the members only.

Every phase works on the rows of today's members (or of today's visitors), gathered from the
member table, and writes back to those rows: a day costs in proportion to the community, not to
the addressable population around it. Each person's random numbers come from `RngStreams.rows`
(one number per person, stream, day and slot), so they do not depend on who else is drawn. The
people who could join are not visited one by one either: a lottery draws just those whose join
number falls below the day's highest join chance (`acquisition.lottery`).

The order of the phases and what each reads is in `CommunityModel`'s docstring (sim/model.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim import staff
from sim.mechanics import (
    acquisition,
    churn,
    content,
    economics,
    engagement,
    interaction,
    referral,
    tiers,
)
from sim.population import NEVER, Channel, Tier

MAX_POSTS_PER_VISIT = 20.0  # posting rate cap (posts per visit)


@dataclass
class Today:
    """Who did what today, as row arrays on the run's device."""

    members: object  # members at the start of the day (sorted rows)
    visited: object = None  # mask over `members`: visited today
    visitors: object = None  # rows who visited today
    social: object = None  # social pull of each of `members`
    content_value: float = 0.0
    posters: object = None
    repliers: object = None
    boosts: list = field(default_factory=list)  # (rows, engagement boost) pairs
    invited: referral.ReferralOutcome | None = None
    staying: object = None  # `members` less today's leavers
    visitors_staying: object = None  # `visitors` less today's leavers
    members_end: object = None  # members at the end of the day: `staying` and today's newcomers (not sorted)


def visit(model, d: Today) -> None:
    """Members visit from engagement, fresh content, friends active yesterday and events."""
    m, table, day, xp = model.cfg.member, model.table, model.day, model.backend.xp
    rows = d.members
    d.content_value = content.content_value(model.feed_stock, m.content_saturation_posts)
    friends = model.graph.count_among(rows, table.active)  # table.active: yesterday's visitors
    if len(model.ties):
        friends = friends + model.ties.count_among(rows, table.active)
    d.social = engagement.social_pull(friends, m.social_saturation_friends)
    e = table.engagement[rows]
    p_visit = engagement.visit_probability(e, d.content_value, d.social, m)
    if model.policies.events.visit_lift > 0:
        lifted = table.lift_until[rows] >= day
        p_visit = xp.where(lifted, xp.minimum(1.0, p_visit + e * model.policies.events.visit_lift), p_visit)
    p_visit = p_visit * np.float32(1.0 - model.cfg.moderation.toxicity_visit_effect * model.toxicity)
    d.visited = model.streams.rows("activity", day).uniform(rows) < p_visit
    table.active[rows] = d.visited  # only members can have visited yesterday: this clears them all
    d.visitors = rows[d.visited]
    model.tally.active = len(d.visitors)
    model.tally.content_value = d.content_value


def post_and_reply(model, d: Today) -> None:
    """Posts, replies (and the ties they form), first posts answered, questions answered."""
    m, table, day, t = model.cfg.member, model.table, model.day, model.tally
    rows = d.visitors
    p_post = table.p_post[rows] * model.tier_multipliers("post")[table.tier[rows]]
    if m.post_engagement_elasticity:
        # relative to a newcomer's engagement (floored, so a config with engagement_join = 0 does not
        # divide by zero); capped like the trait itself: beyond 20 posts a visit is a spam bot
        ref = np.float32(max(m.engagement_join, 0.05))
        lift = (table.engagement[rows] / ref) ** np.float32(m.post_engagement_elasticity)
        p_post = model.backend.xp.minimum(np.float32(MAX_POSTS_PER_VISIT), p_post * lift)
    posted = content.members_post(p_post, model.streams.rows("posting", day).uniform(rows))
    d.posters = rows[posted]
    written = content.posts_written(p_post[posted], model.streams.day("posting", day))
    table.posts[d.posters] += written.astype(table.posts.dtype)
    t.posts_member = int(written.sum())
    model.feed_stock = model.feed_stock * content.stale_factor(m.content_half_life_days) + (
        m.member_post_quality * t.posts_member
    )
    d.repliers = _replies(model, rows, p_post, d.posters)
    d.boosts = [_first_replies(model, d.posters), _answers(model, d.posters)]


def _replies(model, visitors, p_post, posters):
    """Visitors reply to today's posts; replies can become ties (and close triangles)."""
    ic, table, xp = model.cfg.interaction, model.table, model.backend.xp
    if not len(posters):
        return xp.zeros(0, dtype=xp.int64)
    draws = model.streams.rows("replies", model.day)
    rows = interaction.repliers(visitors, p_post, ic.reply_to_post_ratio, draws.uniform(visitors, 0))
    targets = interaction.reply_targets(posters, draws.uniform(rows, 1))
    model.tally.replies = len(rows)
    tie = draws.uniform(rows, 2) < ic.p_tie_per_reply
    triad = draws.uniform(rows, 3) < ic.p_triadic_per_reply
    friend = model.graph.random_neighbour(targets[triad], draws.uniform(rows[triad], 4))
    ok = (friend >= 0) & table.is_member[xp.maximum(friend, 0)]
    a = xp.concatenate([rows[tie], rows[triad][ok]])
    b = xp.concatenate([targets[tie], friend[ok]])
    model.tally.ties_formed += model.ties.add(a, b)
    return rows


def _first_replies(model, posters):
    """Newcomers' first posts are answered by members or by staff on reply duty."""
    ic, table, t, day = model.cfg.interaction, model.table, model.tally, model.day
    first = posters[table.first_post_day[posters] == NEVER]
    table.first_post_day[first] = day
    t.first_posts = len(first)
    staff_replies = 0
    if model.policies.welcome.reply_first_posts:
        for moderator in model.moderators:
            staff_replies += moderator.reply_to_first_posts(len(first) - staff_replies)
    p_peer = interaction.peer_first_reply_chance(t.active, ic.p_peer_first_reply_max, ic.peer_first_reply_saturation_active)
    p = interaction.first_reply_chance(p_peer, staff_replies, len(first))
    replied = first[model.streams.rows("first_reply", day).uniform(first) < p]
    table.first_reply_day[replied] = day
    t.first_posts_replied = len(replied)
    return replied, ic.first_reply_engagement_boost


def _answers(model, posters):
    """Some posts are questions; experts answer within their capacity, in a random order."""
    ic, t, xp = model.cfg.interaction, model.tally, model.backend.xp
    askers = posters[model.streams.rows("questions", model.day).uniform(posters) < ic.question_share]
    askers = askers[xp.asarray(model.streams.day("questions", model.day).permutation(len(askers)))]
    answered = staff.answer_questions(model, askers)
    t.questions, t.questions_answered = len(askers), len(answered)
    return answered, ic.answer_engagement_boost


def value(model, d: Today) -> None:
    """Engagement follows the value of the day's visit; first replies and answers add to it."""
    table, xp, rows = model.table, model.backend.xp, d.members
    fit = xp.minimum(np.float32(1.0), table.affinity[rows])  # affinity above the mean adds nothing more
    table.engagement[rows] = engagement.updated_engagement(
        table.engagement[rows], d.visited, d.content_value, d.social, model.cfg.member, fit
    )
    for boosted, boost in d.boosts:
        table.engagement[boosted] = xp.minimum(np.float32(1.0), table.engagement[boosted] + np.float32(boost))


def invite(model, d: Today) -> None:
    """Visitors invite friends (who join in `arrive`)."""
    policy, table = model.policies.referral, model.table
    if not policy.invites:
        return
    d.invited = referral.invite(
        d.visitors, policy.invite_propensity(table, d.visitors), table.joined_day, model.graph,
        policy.cfg.p_accept, model.streams.rows("referral", model.day), affinity=table.affinity,
    )
    table.invites_sent[d.invited.senders] += 1
    model.tally.invites = len(d.invited.senders)


def buy(model, d: Today) -> None:
    """Visitors purchase; higher tiers buy more often."""
    e, table = model.cfg.economics, model.table
    u = model.streams.rows("purchase", model.day).uniform(d.visitors)
    mult = model.tier_multipliers("purchase")
    model.tally.purchases = economics.purchases(table.tier[d.visitors], mult, e.p_purchase_per_active_day, u)


def leave(model, d: Today) -> None:
    """Members leave with the churn hazard of their engagement, tier, toxicity and tenure."""
    m, table, mod, xp, rows = model.cfg.member, model.table, model.cfg.moderation, model.backend.xp, d.members
    hazard = churn.leave_hazard(table.engagement[rows], m.p_churn_max_per_day, m.churn_shape)
    hazard = hazard * model.tier_multipliers("churn")[table.tier[rows]]
    hazard *= np.float32(1.0 + mod.toxicity_churn_effect * model.toxicity)
    newcomer = table.joined_day[rows] > model.day - mod.newcomer_days
    strict = np.float32(1.0 + mod.strictness_newcomer_churn_effect * model.cfg.policy.moderation.strictness)
    hazard = xp.where(newcomer, hazard * strict, hazard)
    leaving = churn.leavers(rows, hazard, model.streams.rows("churn", model.day).uniform(rows))
    model.count.by_channel -= model.backend.to_numpy(xp.bincount(table.channel[leaving], minlength=len(Channel)))
    model.count.by_tier -= model.backend.to_numpy(xp.bincount(table.tier[leaving], minlength=len(Tier)))
    model.groups.leave(table.group, leaving)
    table.remove(leaving, model.day)
    d.staying = rows[table.is_member[rows]]
    d.visitors_staying = d.visitors[table.is_member[d.visitors]]
    model.count.members -= len(leaving)
    model.tally.leaves = len(leaving)


def arrive(model, d: Today) -> None:
    """Referral, campaign and organic joins; a person joins through the first that applies."""
    m, table, xp, invited = model.cfg.member, model.table, model.backend.xp, d.invited
    joined = []  # host rows admitted today, one array per channel
    if invited is not None and len(invited.joiners):
        joined.append(model.admit(
            invited.joiners, Channel.REFERRAL, m.engagement_join + m.engagement_join_referral_bonus,
            preferred=table.group[invited.inviters],
        ))
        seated = xp.isin(invited.joiners, xp.asarray(joined[0]))  # all of them unless groups are full
        invited.joiners, invited.inviters = invited.joiners[seated], invited.inviters[seated]
        table.inviter[invited.joiners] = invited.inviters.astype(table.inviter.dtype)
        paid = model.policies.referral.rewarded(table, invited.inviters)
        table.rewarded_joins[paid] += 1
        model.tally.referral_rewards = float(len(paid) * model.policies.referral.cfg.reward_per_join)
    n_eligible = table.n - model.count.ever_joined  # people who never joined (leavers do not return)
    p_campaign, p_organic = acquisition.join_chances(
        model.reach_today, n_eligible, model.cfg.policy.acquisition.p_convert, m.p_discover_per_day
    )
    bound = min(1.0, (p_campaign + p_organic) * model.affinity_max)  # nobody's chance is higher
    if bound > 0:
        campaign, organic = _campaign_and_organic_joiners(model, bound, n_eligible, p_campaign, p_organic)
        joined.append(model.admit(campaign, Channel.CAMPAIGN, m.engagement_join + m.engagement_join_campaign_bonus))
        joined.append(model.admit(organic, Channel.ORGANIC, m.engagement_join))
    d.members_end = xp.concatenate([d.staying, *(xp.asarray(rows) for rows in joined)])


def _campaign_and_organic_joiners(model, bound: float, n_eligible: int, p_campaign: float, p_organic: float):
    """Today's campaign and organic joiners among those who can still join, whose chances are all
    at most `bound`."""
    table, xp = model.table, model.backend.xp
    draws = model.streams.rows("acquisition", model.day)
    if acquisition.lottery_size(table.n, bound) < n_eligible:  # a few of many: draw just those
        rows, u = acquisition.lottery(table.n, bound, model.streams.day("acquisition", model.day), draws, xp)
        can_join = table.joined_day[rows] == NEVER
        rows, u = rows[can_join], u[can_join]
    else:  # most who can still join would be drawn anyway: one number each (the same distribution)
        rows = xp.flatnonzero(table.joined_day == NEVER)
        u = draws.uniform(rows)
        below = u < bound
        rows, u = rows[below], u[below]
    return acquisition.joiners(rows, u, table.affinity[rows], p_campaign, p_organic)


def award_points(model, d: Today) -> None:
    """Members earn points (积分) and rise through the tiers; VIP perks are booked."""
    policy, table, xp = model.policies.tiers, model.table, model.backend.xp
    if not policy.active:
        return
    inviters = d.invited.inviters if d.invited is not None else xp.zeros(0, dtype=xp.int64)
    # those who left today earn nothing for their visit
    tiers.award_points(table.points, d.visitors_staying, d.posters, d.repliers, model.attended_today, inviters, policy.cfg)
    members = d.members_end
    table.tier[members] = tiers.tiers_from_points(table.points[members], policy.thresholds())
    model.count.by_tier = model.backend.to_numpy(xp.bincount(table.tier[members], minlength=len(Tier))).astype(np.int64)
    model.tally.cost_perks = model.count.by_tier[Tier.VIP] * policy.cfg.vip_perk_cost_per_day
