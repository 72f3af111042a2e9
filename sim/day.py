"""The phases of one simulated day, as methods of the model (`CommunityModel` inherits them).

Each phase gathers its inputs (the members' rows of the member table, the community state, the
policies in force, the day's random numbers), calls the mechanic that owns the formula
(sim/mechanics/) and writes what it returns into the table and the state. The order of the
phases is `CommunityModel.step()` (sim/model.py); `Today` carries what one phase hands the next.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.agents import EventPlanner, Expert, GrowthOfficer, Moderator, WorkDay
from sim.mechanics import (
    acquisition,
    churn,
    content,
    economics,
    engagement,
    interaction,
    moderation,
    reactivation,
    referral,
    tiers,
    visits,
)
from sim.population import NEVER, Channel, Tier, among
from sim.state import DayTally


@dataclass
class Today:
    """What the phases of one day hand to each other (rows on the run's device)."""

    members: object  # members at the start of the day (sorted rows)
    work: WorkDay | None = None  # the staff's sheet
    attended: list = field(default_factory=list)  # rows of today's event attendees, per event
    engagement: object = None  # over `members`: as the visits begin, then after `_value`
    muted: object = None  # mask over `members`: who had muted the group when the day's visits began
    visited: object = None  # mask over `members`
    visited_at: object = None  # positions of today's visitors in `members`
    visitors: object = None
    social: object = None  # pull of friends active yesterday, per member
    content_value: float = 0.0
    posters: object = None
    repliers: object = None
    boosts: list = field(default_factory=list)  # (rows of today's visitors, engagement boost)
    invited: referral.ReferralOutcome | None = None
    from_fission: object = None  # mask over `invited.joiners`: brought in by a fission campaign's poster
    call_backs: list = field(default_factory=list)  # call-back chances of today's levers (scalars or per member)
    check_in_drive: float = 0.0
    noise: float = 0.0  # chance today's @all makes a listening member mute
    red_packets: tuple | None = None  # (operator yuan, operator shares, member yuan, member shares)
    joined: list = field(default_factory=list)  # host rows admitted today, per channel
    leaving: object = None  # today's leavers
    staying: object = None  # `members` less today's leavers
    visitors_staying: object = None
    members_end: object = None  # members at the end of the day: `staying` and today's newcomers


class DayPhases:
    """The day's phases; mixed into `CommunityModel`, whose attributes they read and write."""

    def _start_day(self) -> Today:
        """A new day: the day's tally, today's members."""
        s = self.state
        s.day += 1
        s.tally = DayTally(members_start=s.count.members, cost_staff=self._staff_cost(),
                           cost_tools=economics.tools_cost(self.cfg.economics))
        return Today(members=self.table.member_rows())

    def _staff_act(self, today: Today) -> None:
        """Staff work on the day's sheet; then the model applies what they did."""
        s, cfg, t, xp, table = self.state, self.cfg, self.state.tally, self.backend.xp, self.table
        arising, removed = moderation.incidents_today(
            s.count.members, s.count.core_and_vip, cfg.policy.moderation.strictness, cfg.moderation,
            self.streams.day("moderation", s.day),
        )
        work = WorkDay(
            s.day, self.streams, cfg.capacity, self.policies,
            posts_due_per_expert=self.policies.content.posts_due_per_day(s.day) / max(1, len(self.roster(Expert))),
            open_incidents=arising - removed, waiting=s.newcomers_waiting.tolist(), members=today.members,
            engagement=table.engagement, feed_stock=s.feed_stock, incidents_resolved=removed, muted=table.muted,
        )
        self._staff_in_order(s.day).shuffle_do("act", work)
        today.work = work
        s.feed_stock, s.newcomers_waiting = work.feed_stock, s.newcomers_waiting[:0]
        t.incidents, t.incidents_resolved, t.posts_expert = arising, work.incidents_resolved, work.posts_expert
        t.campaign_spend, t.campaign_reach = work.campaign_spend, work.campaign_reach
        s.incident_backlog = moderation.next_backlog(s.incident_backlog, work.open_incidents, cfg.moderation)
        s.toxicity = moderation.toxicity(s.incident_backlog, s.count.members, cfg.moderation)
        for rows in work.greeted:
            greeted = xp.asarray(rows, dtype=xp.int64)
            greeted = greeted[table.is_member[greeted]]
            table.engagement[greeted] = engagement.boosted(table.engagement[greeted], cfg.staff.welcome_engagement_boost)
            t.greeted += len(greeted)
        for event in work.events:
            table.muted[event.attendees] = False  # an event brings a member who had muted the group back
            table.lift_until[event.attendees] = s.day + self.policies.events.cfg.lift_days
            today.attended.append(event.attendees)
            t.ties_formed += self.ties.add(event.tie_a, event.tie_b)
            t.events += 1
            t.event_attendees += len(event.attendees)
            t.cost_events += self.policies.events.cfg.cost_per_event

    def _call_back(self, today: Today) -> None:
        """The reactivation levers in force today: each member's call-back chances (唤醒/召回)."""
        s, table, t, day = self.state, self.table, self.state.tally, self.state.day
        policy = self.policies.reactivation
        cfg = policy.cfg
        s.announcement_days = [d for d in s.announcement_days if d > day - reactivation.FATIGUE_WINDOW_DAYS]
        if policy.announces(day):
            today.call_backs.append(reactivation.announcement_response(cfg, len(s.announcement_days)))
            today.noise = cfg.announce_mute_risk
            s.announcement_days.append(day)
            t.announcements = 1
            t.cost_reactivation += cfg.announce_cost
        groups = max(1, self.groups.n_with_members)
        operator = policy.drops_red_packets(day)
        if operator or s.member_packets:
            today.red_packets = (
                cfg.red_packet_yuan_per_group * groups if operator else 0.0,
                cfg.red_packet_claims_per_group * groups if operator else 0,
                s.member_packets * cfg.member_red_packet_yuan,
                s.member_packets * cfg.member_red_packet_shares,
            )
            # a packet in every group calls everyone back; members' packets only in the groups they fall in
            today.call_backs.append(cfg.red_packet_response * (1.0 if operator else min(1.0, s.member_packets / groups)))
        if policy.uses("outreach"):
            rows, xp = today.members, self.backend.xp
            muted = rows[xp.flatnonzero(table.muted[rows])]
            capacity = len(self.roster(Moderator)) * cfg.outreach_per_staff_day
            contacted = reactivation.outreach_targets(muted, capacity, self.streams.rows("outreach", day).uniform(muted))
            call_back = xp.zeros(len(rows), dtype=np.float32)
            call_back[xp.searchsorted(rows, contacted)] = np.float32(cfg.outreach_response)  # members are sorted
            today.call_backs.append(call_back)
            t.outreach = len(contacted)
        if policy.uses("check_in"):
            today.check_in_drive = cfg.check_in_visit_drive

    def _visit(self, today: Today) -> None:
        s, m, table, rows, t = self.state, self.cfg.member, self.table, today.members, self.state.tally
        xp = self.backend.xp
        today.content_value = content.content_value(s.feed_stock, m.content_saturation_posts)
        friends = visits.active_friends(rows, table.active, self.graph, self.ties)  # active: yesterday's
        today.social = visits.social_pull(friends, m.social_saturation_friends)
        lift = self.policies.events.visit_lift
        today.engagement, today.muted = table.engagement[rows], table.muted[rows]
        p_visit = visits.visit_chance(
            today.engagement, today.content_value, today.social, table.lift_until[rows] if lift > 0 else None,
            s.day, s.toxicity, m, toxicity_visit_effect=self.cfg.moderation.toxicity_visit_effect, visit_lift=lift,
            muted=today.muted, check_in_drive=today.check_in_drive,
        )
        if today.call_backs:
            p_visit = reactivation.combined(p_visit, today.call_backs)
        today.visited = self.streams.rows("activity", s.day).uniform(rows) < p_visit
        table.active[rows] = today.visited  # only members can have visited yesterday: this clears them all
        today.visited_at = xp.flatnonzero(today.visited)  # (indexing with positions beats a mask this random)
        today.visitors = visitors = rows[today.visited_at]
        t.reactivated = int(xp.count_nonzero(
            reactivation.reactivated(table.last_visit_day[visitors], table.joined_day[visitors], s.day)))
        table.last_visit_day[visitors] = s.day
        table.muted[visitors] = False  # a muted member who came back listens again
        t.active, t.content_value = len(visitors), today.content_value
        if today.check_in_drive > 0:
            t.check_ins = len(visitors)
            t.cost_reactivation += len(visitors) * self.policies.reactivation.cfg.check_in_reward

    def _red_packets(self, today: Today) -> None:
        """Today's visitors claim the red packets in the groups; some send one back (gift contagion)."""
        s, t = self.state, self.state.tally
        if today.red_packets is None:
            s.member_packets = 0
            return
        cfg = self.policies.reactivation.cfg
        operator_yuan, operator_shares, member_yuan, member_shares = today.red_packets
        shares = operator_shares + member_shares
        draws = self.streams.rows("red_packets", s.day)
        claimants = reactivation.claims(today.visitors, shares, draws.uniform(today.visitors, 0))
        claimed = len(claimants) / shares
        t.red_packet_yuan = operator_yuan * claimed
        t.cost_reactivation += t.red_packet_yuan
        today.boosts.append((claimants, cfg.red_packet_engagement_boost))
        s.member_packets = reactivation.packets_sent_back((operator_yuan + member_yuan) / shares, cfg,
                                                         draws.uniform(claimants, 1))
        t.member_red_packets = s.member_packets

    def _post_and_reply(self, today: Today) -> None:
        s, cfg, table, t, day = self.state, self.cfg, self.table, self.state.tally, self.state.day
        rows = today.visitors
        p_post = content.posting_rate(
            table.p_post[rows], self._tier_factors("post", rows), table.engagement[rows], cfg.member
        )
        posted = content.members_post(p_post, self.streams.rows("posting", day).uniform(rows))
        today.posters = posters = rows[posted]
        written = content.posts_written(p_post[posted], self.streams.day("posting", day))
        table.posts[posters] += written.astype(table.posts.dtype)
        table.last_post_day[posters] = day
        t.posts_member = int(written.sum())
        s.feed_stock = content.next_feed_stock(s.feed_stock, t.posts_member, cfg.member)
        replies = interaction.replies(rows, p_post, posters, self.streams.rows("replies", day), self.graph,
                                      table.is_member, cfg.interaction)
        today.repliers, t.replies = replies.repliers, len(replies.repliers)
        t.ties_formed += self.ties.add(replies.tie_a, replies.tie_b)
        today.boosts += [self._first_replies(posters), self._answers(posters)]

    def _first_replies(self, posters) -> tuple[object, float]:
        """Newcomers' first posts, answered by members or by moderators on reply duty."""
        ic, table, t, day = self.cfg.interaction, self.table, self.state.tally, self.state.day
        first = interaction.first_posters(posters, table.first_post_day)
        table.first_post_day[first] = day
        t.first_posts = len(first)
        staff_replies = 0
        if self.policies.welcome.reply_first_posts:
            for moderator in self.roster(Moderator):
                staff_replies += moderator.reply_to_first_posts(len(first) - staff_replies, self.cfg.capacity)
        p = interaction.first_reply_chance(t.active, staff_replies, len(first), ic)
        replied = first[self.streams.rows("first_reply", day).uniform(first) < p]
        table.first_reply_day[replied] = day
        t.first_posts_replied = len(replied)
        return replied, ic.first_reply_engagement_boost

    def _answers(self, posters) -> tuple[object, float]:
        """Questions among today's posts; the experts answer them within their capacity, in turn."""
        ic, t, day = self.cfg.interaction, self.state.tally, self.state.day
        askers = interaction.questions(posters, self.streams.rows("questions", day).uniform(posters),
                                       ic.question_share, self.streams.day("questions", day))
        answered = 0
        for expert in self.roster(Expert):
            answered += expert.answer_questions(len(askers) - answered, self.cfg.capacity)
        t.questions, t.questions_answered = len(askers), answered
        return askers[:answered], ic.answer_engagement_boost

    def _value(self, today: Today) -> None:
        table, rows, at, xp = self.table, today.members, today.visited_at, self.backend.xp
        # muted as the visits began: a visitor who had muted the group listens again, and their
        # engagement moves toward the visit's value whatever the mask says
        e = engagement.updated_engagement(
            today.engagement, at, today.content_value, today.social[at], self.cfg.member,
            engagement.fit(table.affinity[today.visitors]), muted=today.muted,
        )
        for rows_boosted, boost in today.boosts:
            boosted = xp.searchsorted(rows, rows_boosted)  # their positions: visitors are among `rows`
            e[boosted] = engagement.boosted(e[boosted], boost)
        table.engagement[rows] = today.engagement = e  # the same until the day's newcomers arrive

    def _share(self, today: Today) -> None:
        """Word of mouth: visitors share the community along their ties; a fission campaign's poster
        spreads the same way (sim/mechanics/referral.py)."""
        policy, table, s = self.policies.referral, self.table, self.state
        if not policy.invites:
            return
        cfg, day, visitors = policy.cfg, s.day, today.visitors
        draws = self.streams.rows("referral", day)
        sharers = visitors[draws.uniform(visitors, 0) < policy.invite_propensity(table, visitors, day)]
        outcome = referral.spread(sharers, self.graph, table.joined_day, cfg.p_reach_per_tie, cfg.p_accept, draws,
                                  affinity=table.affinity)
        campaign = policy.campaign(day)
        if campaign:
            if campaign != s.fission_campaign:  # a new campaign: everyone's task starts from zero
                table.task_joins[:] = 0
                s.fission_campaign = campaign
                s.log("fission", f"fission campaign {campaign} starts", {"campaign": campaign})
            fission = self._poster(today, campaign)
            outcome, today.from_fission = referral.merged(fission, outcome)
        today.invited = outcome
        inviting = outcome.inviting
        table.first_share_day[inviting[table.first_share_day[inviting] == NEVER]] = day
        s.tally.shares = len(outcome.senders)
        s.tally.invites = len(outcome.reached)

    def _poster(self, today: Today, campaign: int) -> referral.ReferralOutcome:
        """Today's shares of fission campaign `campaign`'s poster: a first share by members who see
        the task (today's visitors, and yesterday's newcomers, who got it on joining), a share
        again by visitors still short of the target."""
        policy, table, xp, day = self.policies.referral, self.table, self.backend.xp, self.state.day
        cfg = policy.cfg
        rows = today.members
        newcomers = rows[table.joined_day[rows] == day - 1]
        candidates = xp.union1d(today.visitors, newcomers)
        first = table.shared_in[candidates] != campaign
        again = ~first & (table.task_joins[candidates] < cfg.fission_unlock_joins) & table.active[candidates]
        p = xp.where(first, np.float32(policy.share_rate(campaign)),
                     xp.where(again, np.float32(cfg.fission_reshare_per_day), np.float32(0.0)))
        draws = self.streams.rows("fission", day)
        posters = candidates[draws.uniform(candidates, 0) < p]
        table.shared_in[posters] = campaign
        outcome = referral.spread(posters, self.graph, table.joined_day, cfg.fission_p_reach_per_tie,
                                  cfg.fission_p_accept, draws, affinity=table.affinity,
                                  skip=table.reached_in == campaign)
        table.reached_in[outcome.reached] = campaign
        return outcome

    def _buy(self, today: Today) -> None:
        """Visitors order (tiers and referral raise the rate); the orders' value is booked."""
        e, t, visitors = self.cfg.economics, self.state.tally, today.visitors
        u = self.streams.rows("purchase", self.state.day).uniform(visitors)
        referred = None if e.referred_value_multiplier == 1 else self.table.channel[visitors] == int(Channel.REFERRAL)
        t.orders = economics.orders(u, e.p_order_per_active_day, self._tier_factors("purchase", visitors),
                                    referred, e.referred_value_multiplier)
        self._book_income(t.orders * e.average_order_value, 0.0)

    def _book_income(self, order_value: float, fees: float) -> None:
        """Book order value and membership fees into today's revenue and margin."""
        t = self.state.tally
        t.revenue += order_value + fees
        t.membership_fees += fees
        t.margin += economics.margin(order_value, fees, self.cfg.economics)

    def _collect_fees(self, rows) -> None:
        """`rows` pay the membership fee today (nothing happens in a free community)."""
        fee = self.cfg.economics.membership_fee
        if fee <= 0 or not len(rows):
            return
        self.table.paid_day[rows] = self.state.day
        self._book_income(0.0, len(rows) * fee)

    def _lapse(self, rows, leaves):
        """Paying members among `rows` whose period ended, and who are not leaving anyway, renew
        (and pay) or lapse; returns the mask over `rows` of those who lapse (they leave), or None
        (free community: no draws)."""
        e, table, xp, day = self.cfg.economics, self.table, self.backend.xp, self.state.day
        if e.membership_fee <= 0:
            return None
        paid = table.paid_day[rows]
        due = xp.flatnonzero((paid != NEVER) & (day - paid >= e.membership_period_days) & ~leaves)
        if not len(due):
            return None
        renew = economics.renewing(self.streams.rows("membership", day).uniform(rows[due]), e.p_renew)
        self._collect_fees(rows[due[renew]])
        lapsed = xp.zeros(len(rows), dtype=bool)
        lapsed[due[~renew]] = True
        self.state.tally.renewals = int(xp.count_nonzero(renew))
        self.state.tally.lapses = len(due) - self.state.tally.renewals
        return lapsed

    def _leave(self, today: Today) -> None:
        """Members leave (sim/mechanics/churn.py), then some of those who stay mute the group."""
        s, cfg, table, xp, rows = self.state, self.cfg, self.table, self.backend.xp, today.members
        inviter = table.inviter[rows]
        referred = xp.flatnonzero(inviter >= 0)  # positions in `rows` (as are newcomers and hunters)
        referrer_stays = referred[table.is_member[inviter[referred]]]
        newcomer = None  # their positions, needed only when strictness makes them leave more
        if churn.newcomer_multiplier(cfg.policy.moderation.strictness, cfg.moderation) != 1:
            newcomer = xp.flatnonzero(churn.is_newcomer(table.joined_day[rows], s.day, cfg.moderation.newcomer_days))
        e = today.engagement
        hazard = churn.leave_hazard(
            e, self._tier_factors("churn", rows), s.toxicity, newcomer,
            cfg.policy.moderation.strictness, cfg.member, cfg.moderation,
            referrer_stays=referrer_stays, hunter=xp.flatnonzero(table.hunter[rows]),
            hunter_leave_per_day=cfg.policy.referral.hunter_leave_per_day,
        )
        muted = today.muted & ~today.visited  # a visitor who had muted the group listens again
        leave_share = churn.leave_shares(len(rows), referrer_stays, cfg.member, xp)
        leaves, mutes = churn.leave_or_mute(hazard, muted, churn.mute_hazard(e, cfg.member, today.noise),
                                            leave_share, self.streams.rows("churn", s.day).uniform(rows))
        lapsed = self._lapse(rows, leaves)
        if lapsed is not None:  # members who do not renew their paid membership leave
            leaves, mutes = leaves | lapsed, mutes & ~lapsed
        today.leaving = leaving = rows[leaves]
        s.count.by_channel -= self.backend.to_numpy(xp.bincount(table.channel[leaving], minlength=len(Channel)))
        s.count.by_tier -= self.backend.to_numpy(xp.bincount(table.tier[leaving], minlength=len(Tier)))
        self.groups.leave(table.group, leaving)
        table.remove(leaving, s.day)
        self._drop_handles(leaving)
        today.staying = rows[~leaves]
        today.visitors_staying = today.visitors[table.is_member[today.visitors]]
        s.count.members -= len(leaving)
        s.tally.leaves = len(leaving)
        table.muted[rows[mutes]] = True
        s.tally.mutes = int(xp.count_nonzero(mutes))

    def _arrive(self, today: Today) -> None:
        """Referral, campaign and organic joins (a person joins through the first that applies),
        then former members who come back."""
        m, table, xp, invited, t = self.cfg.member, self.table, self.backend.xp, today.invited, self.state.tally
        if invited is not None and len(invited.joiners):
            self._admit_referred(today)
        reach_end = self._reach_end()  # the audiences the channels reach are rows 0..reach_end
        if reach_end == table.n:
            n_eligible = table.n - self.state.count.ever_joined  # people who never joined
        else:
            n_eligible = reach_end - int(xp.count_nonzero(table.joined_day[:reach_end] != NEVER))
        p_campaign, p_organic = acquisition.base_chances(
            t.campaign_reach, reach_end, self.cfg.policy.acquisition.p_convert, m.p_discover_per_day
        )
        bound = min(1.0, (p_campaign + p_organic) * self.affinity_max)  # nobody's chance is higher
        if bound > 0 and n_eligible > 0:
            rows, u = acquisition.candidates(table.joined_day[:reach_end], bound, n_eligible,
                                             self.streams.day("acquisition", self.state.day),
                                             self.streams.rows("acquisition", self.state.day), xp)
            campaign, organic = acquisition.joiners(rows, u, table.affinity[rows], p_campaign, p_organic)
            today.joined.append(self._admit(campaign, Channel.CAMPAIGN, m.engagement_join + m.engagement_join_campaign_bonus))
            today.joined.append(self._admit(organic, Channel.ORGANIC, m.engagement_join))
        if m.p_return_per_day > 0:
            today.joined.append(self._return(today))
        today.members_end = xp.concatenate([today.staying, *(xp.asarray(rows) for rows in today.joined)])

    def _reach_end(self) -> int:
        """The end of the rows the community's own channels reach: segments are consecutive blocks
        of rows, and the acquisition policy's `audiences` opens the first k (0: all)."""
        k, segment = self.cfg.policy.acquisition.audiences, self.graph.host.segment
        if k == 0 or segment is None:
            return self.table.n
        return int(np.searchsorted(segment, k))

    def _admit_referred(self, today: Today) -> None:
        """Seat the people today's shares brought in; credit their inviters (rewards, invite-N tasks);
        mark the reward hunters among a campaign's joiners."""
        m, table, xp, invited, t = self.cfg.member, self.table, self.backend.xp, today.invited, self.state.tally
        policy = self.policies.referral
        cfg = policy.cfg
        seated = self._admit(invited.joiners, Channel.REFERRAL, m.engagement_join + m.engagement_join_referral_bonus,
                             preferred=table.group[invited.inviters])
        today.joined.append(seated)
        keep = among(invited.joiners, xp.sort(xp.asarray(seated)))  # all of them unless groups are full
        joiners, inviters = invited.joiners[keep], invited.inviters[keep]
        table.inviter[joiners] = inviters.astype(table.inviter.dtype)
        rows, n = policy.rewarded(table, inviters)
        table.rewarded_joins[rows] += n
        t.referral_rewards = float(n.sum()) * cfg.reward_per_join
        if today.from_fission is None:
            return
        fission = today.from_fission[keep]
        credited, joins = xp.unique(inviters[fission], return_counts=True)
        before = table.task_joins[credited]
        table.task_joins[credited] = before + joins.astype(table.task_joins.dtype)
        t.fission_unlocks = int(referral.unlocked(before, table.task_joins[credited], cfg.fission_unlock_joins).sum())
        t.referral_rewards += t.fission_unlocks * cfg.fission_unlock_reward
        came = joiners[fission]
        hunters = came[self.streams.rows("fission", self.state.day).uniform(came, 5) < np.float32(cfg.hunter_share)]
        table.hunter[hunters] = True
        table.engagement[hunters] = np.float32(cfg.hunter_engagement)
        t.fission_joins, t.hunter_joins = len(came), len(hunters)

    def _return(self, today: Today):
        """Former members who come back today (p_return_per_day each); returns their rows."""
        s, table, xp = self.state, self.table, self.backend.xp
        p = self.cfg.member.p_return_per_day
        rows, _ = acquisition.lottery(table.n, p, self.streams.day("returns", s.day), self.streams.rows("returns", s.day), xp)
        former = ~table.is_member[rows] & (table.joined_day[rows] != NEVER)
        rows = xp.asarray(self._seat(rows[former & ~among(rows, today.leaving)]))  # today's leavers stay away today
        if not len(rows):
            return rows
        table.readmit(rows, float(np.clip(self.cfg.member.engagement_join, 0.0, 1.0)))
        table.tier[rows] = Tier.NEWCOMER
        s.count.members += len(rows)
        s.count.by_channel += self.backend.to_numpy(xp.bincount(table.channel[rows], minlength=len(Channel)))
        s.count.by_tier[Tier.NEWCOMER] += len(rows)
        s.tally.returns = len(rows)
        self._collect_fees(rows)  # a former member pays again to come back
        return rows

    def _admit(self, rows, channel: Channel, start_engagement: float, preferred=None) -> np.ndarray:
        """Seat newcomers in chat groups (opening groups when all are full) and make those seated
        members; returns who joined (host rows)."""
        s = self.state
        rows = self._seat(rows, preferred)
        if len(rows) == 0:
            return rows
        self.table.admit(self.backend.xp.asarray(rows), s.day, channel, float(np.clip(start_engagement, 0.0, 1.0)))
        s.count.members += len(rows)
        s.count.ever_joined += len(rows)
        s.count.by_channel[channel] += len(rows)
        s.count.by_tier[Tier.NEWCOMER] += len(rows)
        s.tally.joins[channel] += len(rows)
        if channel != Channel.FOUNDER:
            s.newcomers_waiting = np.concatenate([s.newcomers_waiting, rows])
            self._collect_fees(self.backend.xp.asarray(rows))  # founders do not pay
        return rows

    def _seat(self, rows, preferred=None) -> np.ndarray:
        """Give `rows` seats in chat groups, opening groups when all are full (if the group rules
        allow); returns who got a seat (host rows)."""
        rows, opened = self.groups.seat(self.table.group, rows, preferred, self.state.day, self.cfg.groups.spawn)
        if opened:
            self._open_groups(opened)
        return rows

    def _open_groups(self, opened: int) -> None:
        """New chat groups (精细化建群): a few core members move in to get each going; a moderator
        is hired for each if the group rules say so."""
        g, table = self.cfg.groups, self.table
        new_ids = np.arange(len(self.groups) - opened, len(self.groups))
        if g.seed_core_members and self.state.count.members:
            members = self.table.member_rows()  # today's newcomers are not seated yet: none sits in a new group
            core = self.groups.core_for_new_groups(members, table.tier, table.engagement, g.seed_core_members, opened)
            for i, gid in enumerate(new_ids):
                self.groups.move(table.group, core[i * g.seed_core_members : (i + 1) * g.seed_core_members], int(gid))
        for gid in new_ids:
            if g.moderator_per_new_group:
                self.hire(Moderator)
            self.state.log("group_opened", f"group {gid} opened", {"group": int(gid)})

    def _award_points(self, today: Today) -> None:
        """Members earn points (积分) and rise through the tiers; VIP perks are booked."""
        policy, table, xp, s = self.policies.tiers, self.table, self.backend.xp, self.state
        if not policy.active:
            return
        empty = xp.zeros(0, dtype=xp.int64)
        inviters = today.invited.inviters if today.invited is not None else empty
        attended = xp.concatenate([empty, *today.attended])
        # those who left today earn nothing for their visit
        for rows, points in tiers.points_earned(today.visitors_staying, today.posters, today.repliers, attended,
                                                inviters, policy.cfg):
            table.points[rows] += points
        members_end = today.members_end
        table.tier[members_end] = tiers.tiers_from_points(table.points[members_end], policy.thresholds())
        s.count.by_tier = self.backend.to_numpy(xp.bincount(table.tier[members_end], minlength=len(Tier))).astype(np.int64)
        s.tally.cost_perks = s.count.by_tier[Tier.VIP] * policy.cfg.vip_perk_cost_per_day

    def _staff_end_day(self, work: WorkDay) -> None:
        """Staff take stock (experts may quit), temporary contracts end, the owner hires the
        moderators the moderation policy asks for."""
        s = self.state
        self._staff().do("end_day", work)
        for expert in work.quitting:
            self.let_go(expert)
            s.tally.experts_quit += 1
            s.log("expert_quit", "an expert left (burnout)", {"burnout": round(expert.burnout, 3)})
        for agent in self._staff():
            if agent.until_day is not None and s.day >= agent.until_day:
                self.let_go(agent)
                s.log("contract_ended", f"{type(agent).__name__} went home (temporary)", {"role": type(agent).__name__})
        moderators = len(self.roster(Moderator))
        for _ in range(self.policies.moderation.moderators_wanted(s.count.members, moderators) - moderators):
            self.hire(Moderator)

    def _close_day(self, members_end, visitors_staying) -> None:
        """The day's end-of-day figures: engagement, staff on duty, groups."""
        t, experts = self.state.tally, self.roster(Expert)
        t.mean_engagement = engagement.mean(self.table.engagement[members_end])
        t.experts, t.moderators = len(experts), len(self.roster(Moderator))
        t.expert_burnout = sum(e.burnout for e in experts) / len(experts) if experts else 0.0
        t.groups = self.groups.n_with_members
        day, table, xp = self.state.day, self.table, self.backend.xp
        last_visit = table.last_visit_day[members_end]  # NEVER (-1) is below every window's start
        t.weekly_active = int(xp.count_nonzero(last_visit > max(day - 7, NEVER)))
        t.monthly_active = int(xp.count_nonzero(last_visit > max(day - 30, NEVER)))
        # no post within 84 days, or none ever: NEVER is at or below the window's end (posts fall on days >= 1)
        t.silent_12w = int(xp.count_nonzero(table.last_post_day[members_end] <= max(day - 84, NEVER)))
        t.muted = int(xp.count_nonzero(table.muted[members_end]))
        t.group_active_share_min = self.groups.activity_floor(self.table.group, visitors_staying)

    def _tier_factors(self, effect: str, rows):
        """The tier policy's multiplier of `effect` for each of `rows`; None when it is 1 in every
        tier (multiplying by 1 changes nothing, so the caller skips it)."""
        multipliers = self.policies.tiers.multipliers(effect)
        if (multipliers == 1).all():
            return None
        return self.backend.xp.asarray(multipliers)[self.table.tier[rows]]

    def _staff_cost(self) -> float:
        return economics.staff_cost(*(len(self.roster(role)) for role in (Expert, Moderator, GrowthOfficer, EventPlanner)),
                                    self.cfg.economics)
