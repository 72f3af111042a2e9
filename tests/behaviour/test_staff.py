"""Claims about the staff as agents: each has their own random numbers, they live in one roster
(`model.agents`), and member handles never pretend a member is still there."""

from __future__ import annotations

import numpy as np

from sim.agents import EventPlanner, Expert, GrowthOfficer, Member
from sim.config import SimConfig
from sim.model import CommunityModel
from sim.runner import run


def stepped(cfg, days: int) -> CommunityModel:
    model = CommunityModel(cfg)
    for _ in range(days):
        model.step()
    return model


def with_playbook(cfg, name: str, stages: dict, **changes):
    """`cfg` with `changes` and a playbook of `stages` (changes made here are not pinned)."""
    data = cfg.replace(**changes).to_dict()
    data["playbook"] = {"name": name, "stages": stages}
    return SimConfig.from_dict(data)


def test_experts_hired_on_the_same_day_each_bring_their_own_skill(small_config):
    # the playbook takes the team from one expert to four when the community starts growing
    cfg = with_playbook(small_config, "grow_the_team", {"GROW": {"staff": {"n_experts": 4}}},
                        **{"staff.n_experts": 1, "staff.expert_skill_sd": 0.3})
    model = run(cfg).model
    hired = [e for e in model.state.events_log if e["kind"] == "hired" and e["detail"]["role"] == "Expert"]
    assert len(hired) == 3 and len({e["day"] for e in hired}) == 1, "three experts hired on one day"
    skills = [e.skill for e in model.roster(Expert)]
    assert len(skills) == 4 and len(set(skills)) == 4


def test_two_event_planners_hold_two_events_with_different_people(small_config):
    # events small enough that both fill up; every attendee is lifted until the same day
    cfg = small_config.replace(**{
        "days": 40, "playbook.name": "flat", "policy.events.name": "online", "staff.n_event_planners": 2,
        "policy.events.first_day": 35, "policy.events.capacity": 10, "policy.events.lift_days": 3,
    })
    model = stepped(cfg, 35)
    attendees = int(model.recorder.column("event_attendees")[35])
    people = int((model.table.lift_until == 35 + 3).sum())
    assert model.recorder.column("events")[35] == 2 and attendees == 20
    assert people == attendees, "each attendee is one person at one event"


def test_an_experts_own_output_does_not_depend_on_who_else_is_on_the_staff(small_config):
    # each staff agent draws from its own slot: one more growth officer changes the members, not
    # the experts' daily post counts (nobody burns out at this load)
    one, two = (stepped(small_config.replace(**{"staff.n_growth_officers": n, "days": 60}), 60) for n in (1, 2))
    assert len(two.roster(GrowthOfficer)) == 2 and two.state.count.members != one.state.count.members
    assert [e.posts_published for e in one.roster(Expert)] == [e.posts_published for e in two.roster(Expert)]


def test_staff_live_in_one_mesa_roster_that_playbook_switches_change(small_config):
    cfg = with_playbook(
        small_config, "events_when_active",
        {"ACTIVE": {"staff": {"n_event_planners": 2}, "policy": {"events": {"name": "online"}}}},
        **{"lifecycle.active_min_members": 50, "lifecycle.active_min_active_share": 0.05},
    )
    model = run(cfg).model
    assert model.stage >= 2 and len(model.agents_by_type[EventPlanner]) == 2
    staff = [a for a in model.agents if not isinstance(a, Member)]
    assert len({a.staff_id for a in staff}) == len(staff), "every staff agent has its own number"


def test_a_member_handle_says_when_its_member_has_left_and_leaves_model_agents(small_config):
    cfg = small_config.replace(**{"member.p_churn_max_per_day": 0.2, "days": 40})
    model = stepped(cfg, 10)
    handles = model.members()
    assert len(model.agents_by_type[Member]) == len(handles) > 0
    for _ in range(20):
        model.step()
    gone = [h for h in handles if not h.is_member]
    assert gone, "some of them left"
    for h in gone:
        assert h.left_day is not None and 10 < h.left_day <= 30 and f"left on day {h.left_day}" in repr(h)
        assert h not in model.agents
    assert all(h in model.agents for h in handles if h.is_member)
    never = int(np.flatnonzero(model.table.joined_day < 0)[0])
    assert not model.member(never).is_member and model.member(never) not in model.agents
