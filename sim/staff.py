"""The staff's part of a day: each staff agent acts in shuffled order, then experts take stock.

Owns the order-keeping state of the community (incident backlog, toxicity) and the bookkeeping of
what staff did, so that sim/model.py's `step()` can read as one line per phase.
"""

from __future__ import annotations

import numpy as np

from sim.agents import EventPlanner, Expert, GrowthOfficer, Moderator
from sim.mechanics import events, moderation


def staff_act(model, member_rows) -> None:
    """Experts publish, growth officers buy reach, moderators greet newcomers and resolve
    incidents, the event planner holds today's event for `member_rows` (today's members); in a
    shuffled order (a seeded stream)."""
    day, t, table, cfg, xp = model.day, model.tally, model.table, model.cfg, model.backend.xp
    staff = [*model.experts, *model.growth_officers, *model.moderators, *model.event_planners]
    order = model.streams.day("staff_order", day).permutation(len(staff))
    content_rng = model.streams.day("content", day)
    due = model.policies.content.posts_due_per_day(day) / max(1, len(model.experts))
    waiting, model.newcomers_waiting = model.newcomers_waiting, []
    greet = model.policies.welcome.greet
    open_incidents = _incidents_today(model)
    model.reach_today = 0.0
    for i in order:
        agent = staff[i]
        if isinstance(agent, Expert):
            n_posts, weighted = agent.publish(day, due, content_rng)
            t.posts_expert += n_posts
            model.feed_stock += weighted
        elif isinstance(agent, GrowthOfficer):
            spent, reach = agent.run_campaign(day)
            t.campaign_spend += spent
            model.reach_today += reach
        elif isinstance(agent, Moderator):
            resolved = agent.resolve_incidents(open_incidents)
            open_incidents -= resolved
            t.incidents_resolved += resolved
            if greet:
                greeted = xp.asarray(agent.welcome_newcomers(waiting), dtype=xp.int64)
                greeted = greeted[table.is_member[greeted]]
                boosted = table.engagement[greeted] + np.float32(cfg.staff.welcome_engagement_boost)
                table.engagement[greeted] = xp.minimum(np.float32(1.0), boosted)
                t.greeted += len(greeted)
        elif isinstance(agent, EventPlanner):
            hold_event(model, agent, member_rows)
    model.incident_backlog = moderation.next_backlog(model.incident_backlog, open_incidents, cfg.moderation)
    model.toxicity = moderation.toxicity(model.incident_backlog, model.count.members, cfg.moderation)


def _incidents_today(model) -> int:
    """Incidents arising today, less those strict rules remove by themselves."""
    cfg, t = model.cfg, model.tally
    rng = model.streams.day("moderation", model.day)
    core_share = model.count.core_and_vip / model.count.members if model.count.members else 0.0
    norms = moderation.norm_strength(core_share, cfg.moderation)
    arising = moderation.incidents_arising(model.count.members, norms, cfg.moderation, rng)
    removed = moderation.removed_by_rules(arising, cfg.policy.moderation.strictness, cfg.moderation, rng)
    t.incidents = arising
    t.incidents_resolved = removed
    return arising - removed


def hold_event(model, planner: EventPlanner, member_rows) -> None:
    """If the event policy says so, the planner holds an event for interested members."""
    policy, table, day = model.policies.events, model.table, model.day
    if not policy.is_event_day(day):
        return
    draws = model.streams.rows("events", day)
    rows = events.attendees(member_rows, table.engagement[member_rows], planner.capacity_today(), draws)
    table.lift_until[rows] = day + policy.cfg.lift_days
    model.attended_today = model.backend.xp.concatenate([model.attended_today, rows])
    a, b = events.meet_ups(rows, policy.cfg.ties_per_attendee, model.streams.day("events", day))
    model.tally.ties_formed += model.ties.add(a, b)
    planner.record_event(len(rows))
    model.tally.events += 1
    model.tally.event_attendees += len(rows)
    model.tally.cost_events += policy.cfg.cost_per_event


def answer_questions(model, askers: np.ndarray) -> np.ndarray:
    """Experts answer members' questions within their capacity; returns the rows answered."""
    waiting = len(askers)
    answered = 0
    for expert in model.experts:
        answered += expert.answer_questions(waiting - answered)
    return askers[:answered]


def end_day(model) -> None:
    """Experts take stock of their load (burnout; some quit); the owner hires moderators the
    moderation policy asks for."""
    rng = model.streams.day("burnout", model.day)
    for expert in list(model.experts):
        if expert.end_day(rng):
            model.experts.remove(expert)
            expert.remove()
            model.tally.experts_quit += 1
            model.log_event("expert_quit", "an expert left (burnout)", {"burnout": round(expert.burnout, 3)})
    wanted = model.policies.moderation.moderators_wanted(model.count.members, len(model.moderators))
    for _ in range(wanted - len(model.moderators)):
        hire(model, Moderator)


def _roster(model, role) -> list:
    return {Expert: model.experts, Moderator: model.moderators, GrowthOfficer: model.growth_officers,
            EventPlanner: model.event_planners}[role]


def budget_cap_per_officer(cfg) -> float:
    """Each growth officer's share of the run's campaign budget cap (0 = no cap)."""
    return cfg.policy.acquisition.total_budget / max(1, cfg.staff.n_growth_officers)


def hire(model, role) -> None:
    """Add one staff member of `role` (new experts get a skill drawn from the `hiring` stream)."""
    roster = _roster(model, role)
    if role is Expert:
        rng = model.streams.day("hiring", model.day)
        roster.append(Expert(model, float(np.clip(1.0 + model.cfg.staff.expert_skill_sd * rng.standard_normal(), 0.1, 2.0))))
    elif role is Moderator:
        roster.append(Moderator(model, model.cfg.staff.welcomes_per_moderator_per_day))
    elif role is GrowthOfficer:
        roster.append(GrowthOfficer(model, budget_cap_per_officer(model.cfg)))
    else:
        roster.append(EventPlanner(model))
    model.log_event("hired", f"{role.__name__} hired", {"role": role.__name__})


def sync_headcount(model) -> None:
    """Hire or let go staff so each roster matches the config in force (after a playbook switch).
    Those let go first: the most burnt-out experts, the latest hires otherwise."""
    s = model.cfg.staff
    for role, wanted in ((Expert, s.n_experts), (Moderator, s.n_moderators),
                         (GrowthOfficer, s.n_growth_officers), (EventPlanner, s.n_event_planners)):
        roster = _roster(model, role)
        while len(roster) < wanted:
            hire(model, role)
        if role is Expert:
            roster.sort(key=lambda e: e.burnout)
        while len(roster) > wanted:
            roster.pop().remove()
