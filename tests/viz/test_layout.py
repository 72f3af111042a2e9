"""The incremental layout: one cluster per chat group, the picture grows around whoever brought
newcomers in, and never jumps."""

from __future__ import annotations

import numpy as np
import pytest

from sim.population import Channel
from sim.viz.layout import CLUSTER_RADIUS, NEIGHBOUR_OFFSET, cluster_centre, tie_segments
from sim.viz.trainer import ClassroomModel


@pytest.fixture(scope="module")
def referral_model(staged_config):
    """The staged community with eager inviters in chat groups of 40, stepped 40 days, with
    positions at day 20 kept."""
    cfg = staged_config.replace(
        **{
            "policy.referral.p_invite_per_day": 0.5,
            "policy.referral.p_accept": 0.8,
            "groups.capacity": 40,
        }
    )
    model = ClassroomModel(cfg=cfg)
    for _ in range(20):
        model.step()
    model.pos_day20 = model.layout.pos.copy()
    for _ in range(20):
        model.step()
    return model


def test_referred_newcomers_are_placed_next_to_whoever_invited_them_into_their_group(
    referral_model,
):
    table, layout = referral_model.table, referral_model.layout
    pos, group = layout.pos, layout.placed_group
    referred = np.flatnonzero((table.channel == Channel.REFERRAL) & (table.inviter >= 0))
    referred = referred[group[referred] == group[table.inviter[referred]]]
    assert len(referred) >= 10, "the fixture should produce referral joins"
    to_inviter = np.hypot(*(pos[referred] - pos[table.inviter[referred]]).T)
    assert np.all(to_inviter <= NEIGHBOUR_OFFSET + 1e-5)
    # ...which is close compared with the community's spread: a random pair is over twice as far apart.
    everyone = np.flatnonzero(table.joined_day >= 0)
    rng = np.random.default_rng(0)
    a, b = rng.choice(everyone, 500), rng.choice(everyone, 500)
    assert np.median(to_inviter) < 0.5 * np.median(np.hypot(*(pos[a] - pos[b]).T))


def test_members_keep_their_place_as_the_community_grows(referral_model):
    before = referral_model.pos_day20
    placed_then = ~np.isnan(before[:, 0])
    now = referral_model.layout.pos
    assert placed_then.sum() >= 30
    assert np.array_equal(now[placed_then], before[placed_then])
    assert (~np.isnan(now[:, 0])).sum() > placed_then.sum(), "newcomers after day 20 get places too"


def test_every_member_has_a_place_and_ties_join_members_only(referral_model):
    table, layout = referral_model.table, referral_model.layout
    assert np.all(layout.placed[table.is_member])
    segments = tie_segments(
        layout, referral_model.graph, table.is_member, getattr(referral_model, "ties", None)
    )
    assert len(segments) > 0
    assert not np.isnan(segments).any(), (
        "a tie to someone without a place would be drawn to nowhere"
    )


def test_each_chat_group_is_its_own_cluster(referral_model):
    table, layout = referral_model.table, referral_model.layout
    members = np.flatnonzero(table.is_member)
    group = layout.placed_group[members]
    assert len(np.unique(group)) >= 4, "groups of 40 should open several groups"
    pos = layout.pos[members]
    # Everyone sits in their group's disc, whatever group they have moved to since.
    centres = np.stack([cluster_centre(int(g)) for g in group])
    assert np.all(np.hypot(*(pos - centres).T) <= CLUSTER_RADIUS + 1e-5)
    # Members of two different groups lie farther apart than members of one group.
    rng = np.random.default_rng(0)
    a, b = rng.choice(len(members), 4000), rng.choice(len(members), 4000)
    dist = np.hypot(*(pos[a] - pos[b]).T)
    same = group[a] == group[b]
    assert same.sum() > 100 and (~same).sum() > 100
    assert dist[~same].mean() > 2.5 * dist[same].mean()


def test_group_discs_never_overlap():
    centres = np.stack([cluster_centre(g) for g in range(60)])
    gaps = np.hypot(*(centres[:, None] - centres[None]).transpose(2, 0, 1))
    np.fill_diagonal(gaps, np.inf)
    assert gaps.min() > 2 * CLUSTER_RADIUS


def test_the_core_is_drawn_larger_and_outlined_on_top(referral_model):
    from matplotlib.collections import PathCollection  # noqa: PLC0415
    from matplotlib.figure import Figure  # noqa: PLC0415

    from sim.population import Tier  # noqa: PLC0415
    from sim.viz.draw import CORE_SIZE, draw_members  # noqa: PLC0415
    from sim.viz.frames import Snapshot  # noqa: PLC0415

    stand_in = Snapshot.of(referral_model).as_model(referral_model.layout)
    members = np.flatnonzero(stand_in.table.is_member)
    stand_in.table.tier = np.zeros_like(stand_in.table.tier)
    stand_in.table.tier[members[:7]] = Tier.CORE
    stand_in.table.tier[members[7:10]] = Tier.VIP
    ax = Figure().add_subplot()
    *_, core = draw_members(ax, stand_in, "state")
    assert len(core.get_offsets()) == 10
    assert set(core.get_sizes()) == {CORE_SIZE} and core.get_linewidths()[0] > 0
    dots = [a for a in ax.collections if isinstance(a, PathCollection) and a is not core]
    others = [a for a in dots if len(a.get_offsets())]
    assert others
    assert all(max(a.get_sizes()) < CORE_SIZE for a in others)
