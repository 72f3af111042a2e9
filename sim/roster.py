"""The staff roster: the staff are Mesa agents in `model.agents`, and this is the one place they
join (`hire`) and leave (`let_go`), are listed (`roster`) and activated (`shuffle_do`).

A mixin of `CommunityModel`: it reads the config in force and the community state and writes the
roster and the state's count of staff numbers handed out.
"""

from __future__ import annotations

import random

from mesa.agent import AgentSet

from sim import staff
from sim.agents import STAFF_ROLES, EventPlanner, Expert, GrowthOfficer, Moderator, StaffAgent


class StaffRoster:
    """Hiring, letting go and listing the staff; mixed into `CommunityModel`."""

    def roster(self, role: type) -> list:
        """Staff of `role` on duty, in hiring order."""
        return list(self.agents_by_type.get(role, ()))

    def _staff(self, rng: random.Random | None = None) -> AgentSet:
        """Every staff agent: experts, growth officers, moderators, planners, each in hiring order
        (`rng`: the generator the set shuffles with; default Mesa's)."""
        return AgentSet([a for role in STAFF_ROLES for a in self.agents_by_type.get(role, ())], random=rng or self.random)

    def _staff_in_order(self, day: int) -> AgentSet:
        """The staff, to be activated in a shuffled order: Mesa's `shuffle_do` with a generator
        seeded from the day's `staff_order` stream, so runs repeat and resumed runs shuffle alike."""
        return self._staff(random.Random(int(self.streams.day("staff_order", day).integers(2**63))))

    def hire(self, role: type, *, until_day: int | None = None, log: bool = True, **contract) -> StaffAgent:
        """Add one staff member of `role` (the one place staff join), with the next staff number.
        A new expert's skill is drawn from their own slot of the `hiring` stream; `until_day` makes
        a temporary contract; a growth officer's `budget_cap` may be given."""
        s = self.state
        staff_id, s.staff_hired = s.staff_hired, s.staff_hired + 1
        if role is Expert:
            z = self.streams.agent("hiring", s.day, staff_id).standard_normal()
            agent = Expert(self, staff_id, staff.expert_skill(z, self.cfg), until_day)
        elif role is Moderator:
            agent = Moderator(self, staff_id, self.cfg.staff.welcomes_per_moderator_per_day, until_day)
        elif role is GrowthOfficer:
            agent = GrowthOfficer(self, staff_id, contract.get("budget_cap", staff.budget_cap_per_officer(self.cfg)), until_day)
        else:
            agent = EventPlanner(self, staff_id, until_day)
        if log:
            s.log("hired", f"{role.__name__} hired", {"role": role.__name__})
        return agent

    def let_go(self, agent: StaffAgent) -> None:
        """Take `agent` off the staff (the one place staff leave)."""
        agent.remove()

    def _sync_headcount(self) -> None:
        """Hire or let go staff so each role matches the config in force (after a playbook switch).
        Those let go first: the most burnt-out experts, the latest hires otherwise."""
        for role, wanted in staff.wanted(self.cfg).items():
            for _ in range(wanted - len(self.roster(role))):
                self.hire(role)
            for agent in staff.to_let_go(self.roster(role), wanted):
                self.let_go(agent)
