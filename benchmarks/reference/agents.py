"""Per-agent versions of the people and staff of the community (see sim/model.py for the rules).

Every decision a vectorised mechanic makes for all members at once is made here by one object
for itself, in the same order within the day: visit, post, value the visit, share with friends,
leave or mute (sim/day.py's `_visit`, `_post_and_reply`, `_value`, `_share`, `_leave`); then
people reached by a share answer, people who never joined may join, former members may come
back (`_arrive`). Staff mirror sim/agents.py. Nothing here is fast on purpose: this is the
baseline.
"""

from __future__ import annotations

import math

import mesa

FOUNDER, ORGANIC, CAMPAIGN, REFERRAL = "founder", "organic", "campaign", "referral"
NEVER = -1  # day value for "has not happened"
MAX_POSTS_PER_VISIT = 20.0  # as sim/mechanics/content.py


class Person(mesa.Agent):
    """Someone in the addressable population: a member, a former member, or not yet joined."""

    def __init__(self, model, p_post: float, affinity: float):
        super().__init__(model)
        self.friends: list[Person] = []
        self.p_post = p_post  # posting rate, posts per visit
        self.affinity = affinity  # interest in the community (mean 1): joining chance and fit
        self.is_member = False
        self.ever_joined = False
        self.channel: str | None = None
        self.inviter: Person | None = None
        self.engagement = 0.0
        self.joined_day = NEVER  # day of first joining (kept on coming back)
        self.muted = False  # muted the group: no visits of their own
        # the last two days this person visited as a member (a friend who steps earlier today
        # still shows whether they visited yesterday); cleared for today's visit on leaving
        self.active_day = self.before_active_day = NEVER
        self.last_visit_day = NEVER  # last day this person visited (kept after leaving)
        self.left_day = NEVER  # last day this person left
        self.posts = 0
        self.rewarded_joins = 0
        self.invitations: list[Person] = []  # members whose share reached this person today

    # -- a member's day ------------------------------------------------------------------------

    def step(self) -> None:
        """Visit, post, value the visit, share with friends (a listening member who stays away
        loses some engagement, a muted one keeps it), then leave or mute (members only)."""
        if not self.is_member:
            return
        model, cfg = self.model, self.model.cfg.member
        yesterday = model.day - 1
        friends_active = sum(
            1 for f in self.friends if f.active_day == yesterday or f.before_active_day == yesterday
        )
        social = 1.0 - math.exp(-friends_active / cfg.social_saturation_friends)
        if self.visit(social):
            self.write_post()
            self.value_visit(social)
            self.share()
        elif not self.muted:  # a muted member no longer sees the group: engagement stays put
            self.engagement = min(
                1.0, max(0.0, self.engagement * (1.0 - cfg.engagement_decay_per_day))
            )
        self.leave_or_mute()

    def visit(self, social: float) -> bool:
        """Visit today with chance engagement x (base + content pull + social pull); a muted
        member has no visit of their own. (sim unmutes a muted member who visits; only its
        reactivation levers can bring one, and the growth core has none, so a muted member here
        stays muted until they leave.)"""
        cfg, model = self.model.cfg.member, self.model
        if self.muted:
            return False
        drive = (
            cfg.p_active_base
            + cfg.w_active_content * model.content_value
            + cfg.w_active_social * social
        )
        if self.random.random() < min(1.0, self.engagement * drive):
            self.before_active_day, self.active_day = self.active_day, model.day
            self.last_visit_day = model.day
            model.tally["active"] += 1
            return True
        return False

    def write_post(self) -> None:
        """Post with chance 1 - exp(-rate); a poster writes 1 + Poisson(rate) posts. The rate
        scales with engagement relative to a newcomer's, to the power of the elasticity."""
        cfg = self.model.cfg.member
        rate = self.p_post
        elasticity = getattr(
            cfg, "post_engagement_elasticity", 0.0
        )  # 0: posting ignores engagement
        if elasticity:
            rate *= (self.engagement / max(cfg.engagement_join, 0.05)) ** elasticity
            rate = min(MAX_POSTS_PER_VISIT, rate)
        if self.random.random() < -math.expm1(-rate):
            written = 1 + int(self.model.rng.poisson(rate))
            self.posts += written
            self.model.tally["posts_member"] += written

    def value_visit(self, social: float) -> None:
        """Move engagement toward the value the visit gave (content and friends)."""
        cfg, value = self.model.cfg.member, self.model.content_value
        w_total = cfg.w_active_content + cfg.w_active_social
        share = (
            (cfg.w_active_content * value + cfg.w_active_social * social) / w_total
            if w_total
            else 0.0
        )
        target = (cfg.value_base + (1.0 - cfg.value_base) * share) * min(1.0, self.affinity)
        moved = self.engagement + cfg.engagement_learning_rate * (target - self.engagement)
        self.engagement = min(1.0, max(0.0, moved))

    def share(self) -> None:
        """With the referral policy's chance (p_invite_per_day x engagement, x
        newcomer_invite_multiplier in the first newcomer_invite_days days after joining, at most
        1), share the community with every friend: the share reaches each friend who never joined
        with chance p_reach_per_tie, one draw per friend."""
        model = self.model
        policy = model.cfg.policy.referral
        if policy.name == "none":
            return
        p = policy.p_invite_per_day * self.engagement
        if self.joined_day > model.day - policy.newcomer_invite_days:
            p *= policy.newcomer_invite_multiplier
        p = min(1.0, p)
        if (
            policy.name == "reward_per_join"
            and self.rewarded_joins < policy.max_rewarded_joins_per_member
        ):
            p = min(1.0, p * (1.0 + policy.reward_invite_boost))
        if self.random.random() >= p:
            return
        model.tally["shares"] += 1
        for friend in self.friends:
            if not friend.ever_joined and self.random.random() < policy.p_reach_per_tie:
                if not friend.invitations:
                    model.invited.append(friend)
                friend.invitations.append(self)

    def leave_or_mute(self) -> None:
        """Leave with today's leaving hazard; a member who stays and still listens may lose
        interest (p_mute_max_per_day x (1 - engagement)^mute_shape): then they leave with
        leave_share_on_disinterest, else mute the group."""
        model, cfg = self.model, self.model.cfg.member
        disengaged = 1.0 - self.engagement
        hazard = cfg.p_churn_max_per_day * disengaged**cfg.churn_shape
        inviter = self.inviter
        # the inviter as the day's leaving began: a member, or one who left earlier today
        friend_stays = inviter is not None and (inviter.is_member or inviter.left_day == model.day)
        leave_share = cfg.leave_share_on_disinterest
        if friend_stays:  # a friend in the group keeps one in: both routes out are less likely
            hazard *= cfg.referred_leave_multiplier
            leave_share = min(1.0, leave_share * cfg.referred_leave_multiplier)
        hazard += cfg.p_leave_drift_per_day
        if self.random.random() < hazard:
            self.leave()
        elif not self.muted and self.random.random() < min(
            1.0, cfg.p_mute_max_per_day * disengaged**cfg.mute_shape
        ):
            if self.random.random() < leave_share:
                self.leave()
            else:
                self.muted = True
                model.tally["mutes"] += 1

    def leave(self) -> None:
        """Stop being a member today."""
        model = self.model
        self.is_member = self.muted = False
        self.left_day = model.day
        if self.active_day == model.day:
            self.active_day = NEVER  # a leaver is not an active friend tomorrow
        model.on_leave(self)

    # -- joining -------------------------------------------------------------------------------

    def answer_invitations(self) -> None:
        """Reached by k sharing friends today, join with 1 - (1 - min(1, p_accept x affinity))^k
        (one draw); the inviter is one of the k at random."""
        invitations, self.invitations = self.invitations, []
        cfg = self.model.cfg
        accept = min(1.0, cfg.policy.referral.p_accept * self.affinity)
        if self.random.random() < 1.0 - (1.0 - accept) ** len(invitations):
            inviter = self.random.choice(invitations)
            self.model.pay_reward(inviter)
            self.inviter = inviter
            m = cfg.member
            self.join(REFERRAL, m.engagement_join + m.engagement_join_referral_bonus)

    def consider_joining(self) -> None:
        """Someone who never joined may be converted by a campaign or find the community alone;
        a former member who left before today may come back."""
        model, m = self.model, self.model.cfg.member
        if self.ever_joined:
            if (
                not self.is_member
                and self.left_day < model.day
                and self.random.random() < m.p_return_per_day
            ):
                self.come_back()
            return
        if self.random.random() < model.p_campaign_join * self.affinity:
            self.join(CAMPAIGN, m.engagement_join + m.engagement_join_campaign_bonus)
        elif self.random.random() < m.p_discover_per_day * self.affinity:
            self.join(ORGANIC, m.engagement_join)

    def join(self, channel: str, engagement: float) -> None:
        """Become a member today."""
        self.is_member = self.ever_joined = True
        self.muted = False
        self.joined_day = self.model.day
        self.channel = channel
        self.engagement = min(1.0, max(0.0, engagement))
        self.model.on_join(self)

    def come_back(self) -> None:
        """A former member rejoins: listening, at a joiner's engagement; first join day,
        channel, inviter and visit history are kept; no greeting (not a newcomer)."""
        self.is_member = True
        self.muted = False
        self.engagement = min(1.0, max(0.0, self.model.cfg.member.engagement_join))
        self.model.on_return(self)


class Expert(mesa.Agent):
    """Publishes their share of the content calendar (Poisson around what is due)."""

    def __init__(self, model, skill: float):
        super().__init__(model)
        self.skill = skill

    def act(self) -> None:
        """Publish today's posts into the feed."""
        model = self.model
        due = model.policies.content.posts_due_per_day(model.day) / max(1, model.n_experts)
        n_posts = int(model.rng.poisson(due)) if due > 0 else 0
        model.tally["posts_expert"] += n_posts
        model.feed_stock += n_posts * min(1.0, self.skill * model.cfg.policy.content.quality)


class Moderator(mesa.Agent):
    """Greets yesterday's newcomers up to a daily capacity; a greeting raises engagement."""

    def act(self) -> None:
        """Welcome as many waiting newcomers as capacity allows."""
        model, staff = self.model, self.model.cfg.staff
        waiting = model.waiting
        greeted, model.waiting = (
            waiting[: staff.welcomes_per_moderator_per_day],
            waiting[staff.welcomes_per_moderator_per_day :],
        )
        for person in greeted:
            if person.is_member:
                person.engagement = min(1.0, person.engagement + staff.welcome_engagement_boost)


class GrowthOfficer(mesa.Agent):
    """Turns today's campaign budget into people reached."""

    def __init__(self, model, budget_cap: float):
        super().__init__(model)
        self.budget_cap = budget_cap
        self.spent = 0.0

    def act(self) -> None:
        """Spend today's budget."""
        policy = self.model.policies.acquisition
        budget = policy.budget_today(self.model.day)
        if self.budget_cap > 0:
            budget = max(0.0, min(budget, self.budget_cap - self.spent))
        self.spent += budget
        self.model.reach_today += budget / policy.cfg.cost_per_reach
