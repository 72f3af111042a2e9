"""ReferenceModel: the growth core as an ordinary Mesa model (one object per person).

The day, in the order of sim/model.py's `CommunityModel.step`:

1. staff act in shuffled order (experts publish, growth officers buy reach, moderators greet)
2. every person steps in shuffled order (`shuffle_do("step")`); a member who has not muted the
   group may visit (reading which friends visited yesterday), posts, values the visit, may share
   the community (newcomers more eagerly; the share reaches each friend who never joined with a
   per-tie chance); a listening member who stays away loses some engagement, a muted one keeps
   it; then every member may leave (the referred leave less while their inviter is a member),
   and one who stays and still listens may lose interest: a share of those leave, the rest mute
   the group
3. the feed goes stale and takes in today's member posts
4. people reached by k sharers today answer (one draw each: join with 1 - (1 - a)^k, a = p_accept x
   affinity at most 1; the inviter is one of the k at random)
5. everyone else considers joining (`shuffle_do("consider_joining")`): someone who never joined
   through a campaign, then by organic discovery; a former member who left before today may
   come back (member.p_return_per_day)
6. the DataCollector records the day (with a count of members who muted and of those who
   visited in the last 30 days)

Returns of former members are implemented (a former member comes back listening, at a joiner's
engagement, keeping their channel and inviter, without a greeting), so the growth core keeps
sim's default member.p_return_per_day. The reactivation levers and fission campaigns are outside
the growth core; the model refuses a config that uses them.

The social graph is the same `SocialGraph` the vectorised model builds for the same config and
seed, turned into per-person friend lists, so a comparison isolates the dynamics.
"""

from __future__ import annotations

import math

import mesa
import numpy as np
from mesa.agent import AgentSet

from benchmarks.reference.agents import (
    CAMPAIGN,
    FOUNDER,
    NEVER,
    ORGANIC,
    REFERRAL,
    Expert,
    GrowthOfficer,
    Moderator,
    Person,
)
from sim.config import SimConfig
from sim.network import SocialGraph, build_graph
from sim.policies import Policies
from sim.rng import RngStreams

CHANNELS = (FOUNDER, ORGANIC, CAMPAIGN, REFERRAL)
SEED_OFFSET = 1_000_003  # the reference's own randomness, unrelated to sim's named streams


class ReferenceModel(mesa.Model):
    """The community, one Mesa agent per person.

    Args:
        cfg: a validated SimConfig (its complete-graph and file kinds work but are slow).
        graph: the SocialGraph to use (else built from cfg.network like sim does).
    """

    def __init__(self, cfg: SimConfig, graph: SocialGraph | None = None):
        for key, value, allowed in (
            ("policy.referral.name", cfg.policy.referral.name, ("none", "open_invite", "reward_per_join")),
            ("policy.reactivation.name", cfg.policy.reactivation.name, ("none",)),
        ):
            if value not in allowed:
                raise ValueError(
                    f"the reference implements the growth core only: {key}={value} "
                    f"(it knows {', '.join(allowed)})"
                )
        super().__init__(rng=cfg.seed + SEED_OFFSET)
        self.cfg = cfg
        self.policies = Policies.from_config(cfg.policy)
        graph = graph if graph is not None else build_graph(cfg.network, RngStreams(cfg.seed))
        self.day = 0
        self.feed_stock = 0.0
        self.content_value = 0.0
        self.reach_today = 0.0
        self.p_campaign_join = 0.0
        self.members = 0
        self.never_joined = graph.n
        self.by_channel = dict.fromkeys(CHANNELS, 0)
        self.invited: list[Person] = []
        self.waiting: list[Person] = []
        self.newcomers: list[Person] = []
        self.tally = self._empty_tally()
        self.census = {"mean_engagement": 0.0, "muted": 0, "monthly_active": 0}
        self.people = self._create_people(graph)
        self._seat_founders()
        self._hire_staff()
        self.datacollector = mesa.DataCollector(
            model_reporters={
                "members": "members",
                "daily_active": lambda m: m.tally["active"],
                "active_share": lambda m: (
                    m.tally["active"] / m.tally["members_start"]
                    if m.tally["members_start"]
                    else 0.0
                ),
                "joins": lambda m: sum(m.tally[f"joins_{c}"] for c in CHANNELS),
                **{f"joins_{c}": (lambda m, c=c: m.tally[f"joins_{c}"]) for c in CHANNELS[1:]},
                **{f"members_{c}": (lambda m, c=c: m.by_channel[c]) for c in CHANNELS},
                "leaves": lambda m: m.tally["leaves"],
                "mutes": lambda m: m.tally["mutes"],
                "muted": lambda m: m.census["muted"],
                "monthly_active": lambda m: m.census["monthly_active"],
                "returns": lambda m: m.tally["returns"],
                "posts_member": lambda m: m.tally["posts_member"],
                "posts_expert": lambda m: m.tally["posts_expert"],
                "shares": lambda m: m.tally["shares"],
                "invites_sent": lambda m: m.tally["invites"],
                "mean_engagement": lambda m: m.census["mean_engagement"],
            }
        )
        self._take_census()
        self.datacollector.collect(self)

    # -- building ------------------------------------------------------------------------------

    def _create_people(self, graph: SocialGraph) -> list[Person]:
        m, r = self.cfg.member, self.random
        shape = m.join_affinity_shape
        people = [
            Person(
                self,
                min(20.0, m.p_post_median * math.exp(m.p_post_sigma * r.gauss(0.0, 1.0))),
                r.gammavariate(shape, 1.0 / shape) if shape > 0 else 1.0,
            )
            for _ in range(graph.n)
        ]
        indptr, indices = graph.indptr.tolist(), graph.indices.tolist()
        for i, person in enumerate(people):
            person.friends = [people[j] for j in indices[indptr[i] : indptr[i + 1]]]
        return people

    def _seat_founders(self) -> None:
        f, people = self.cfg.founders, self.people
        if f.placement == "random":
            chosen = self.random.sample(people, f.n_founders)
        else:  # circles of friends, breadth-first from random people, as sim/model.py does
            chosen, seen = [], set()
            while len(chosen) < f.n_founders:
                start = self.random.choice(people)
                queue = [start] if start.unique_id not in seen else []
                seen.add(start.unique_id)
                while queue and len(chosen) < f.n_founders:
                    person = queue.pop(0)
                    chosen.append(person)
                    for friend in person.friends:
                        if friend.unique_id not in seen:
                            seen.add(friend.unique_id)
                            queue.append(friend)
        for person in chosen:
            person.join(FOUNDER, self.cfg.member.engagement_founder)
        self.newcomers = []

    def _hire_staff(self) -> None:
        s = self.cfg.staff
        self.n_experts = s.n_experts
        for _ in range(s.n_experts):
            Expert(
                self,
                float(np.clip(1.0 + s.expert_skill_sd * self.random.gauss(0.0, 1.0), 0.1, 2.0)),
            )
        for _ in range(s.n_moderators):
            Moderator(self)
        cap = self.cfg.policy.acquisition.total_budget / max(1, s.n_growth_officers)
        for _ in range(s.n_growth_officers):
            GrowthOfficer(self, cap)

    # -- one day -------------------------------------------------------------------------------

    def step(self) -> None:
        """Advance one day (the order is in the module docstring)."""
        self.day += 1
        self.tally = self._empty_tally()
        self.waiting, self.newcomers = self.newcomers, []
        self.reach_today = 0.0
        staff = [
            a for t in (Expert, GrowthOfficer, Moderator) for a in self.agents_by_type.get(t, [])
        ]
        AgentSet(staff, random=self.random).shuffle_do("act")
        self.content_value = 1.0 - math.exp(
            -self.feed_stock / self.cfg.member.content_saturation_posts
        )
        people = self.agents_by_type[Person]
        people.shuffle_do("step")
        m = self.cfg.member
        self.feed_stock = (
            self.feed_stock * 0.5 ** (1.0 / m.content_half_life_days)
            + m.member_post_quality * self.tally["posts_member"]
        )
        invited, self.invited = self.invited, []
        self.tally["invites"] = len(invited)  # people reached today (who never joined)
        for person in invited:
            person.answer_invitations()
        reach, p_convert = self.reach_today, self.cfg.policy.acquisition.p_convert
        audience = self.cfg.network.n_people  # reach lands on everyone alike, members included
        self.p_campaign_join = min(1.0, reach / audience) * p_convert if reach > 0 and self.never_joined else 0.0
        people.shuffle_do("consider_joining")
        self._take_census()
        self.datacollector.collect(self)

    def on_join(self, person: Person) -> None:
        """Book-keeping for a join."""
        self.members += 1
        self.never_joined -= 1
        self.by_channel[person.channel] += 1
        self.tally[f"joins_{person.channel}"] += 1
        if person.channel != FOUNDER:
            self.newcomers.append(person)

    def on_leave(self, person: Person) -> None:
        """Book-keeping for a leave."""
        self.members -= 1
        self.by_channel[person.channel] -= 1
        self.tally["leaves"] += 1

    def on_return(self, person: Person) -> None:
        """Book-keeping for a former member's return (not a join)."""
        self.members += 1
        self.by_channel[person.channel] += 1
        self.tally["returns"] += 1

    def pay_reward(self, inviter: Person) -> None:
        """Credit the inviter of a referral join when the policy pays and the cap allows."""
        policy = self.cfg.policy.referral
        if (
            policy.name == "reward_per_join"
            and inviter.rewarded_joins < policy.max_rewarded_joins_per_member
        ):
            inviter.rewarded_joins += 1

    def _take_census(self) -> None:
        """End-of-day counts over today's members, in one loop over objects as Mesa code does:
        mean engagement, members who muted, members who visited in the last 30 days."""
        total, members, muted, monthly = 0.0, 0, 0, 0
        recent = self.day - 30
        for p in self.people:
            if p.is_member:
                members += 1
                total += p.engagement
                muted += p.muted
                monthly += p.last_visit_day != NEVER and p.last_visit_day > recent
        self.census = {
            "mean_engagement": total / members if members else 0.0,
            "muted": muted,
            "monthly_active": monthly,
        }

    def _empty_tally(self) -> dict:
        return {
            "members_start": self.members,
            "active": 0,
            "leaves": 0,
            "mutes": 0,
            "returns": 0,
            "shares": 0,
            "posts_member": 0,
            "posts_expert": 0,
            "invites": 0,
            **{f"joins_{c}": 0 for c in CHANNELS},
        }

    def timeseries(self):
        """The recorded days as a DataFrame (column `day` first), like sim's time series."""
        df = self.datacollector.get_model_vars_dataframe().reset_index(drop=True)
        df.insert(0, "day", range(len(df)))
        return df


__all__ = ["ReferenceModel"]
