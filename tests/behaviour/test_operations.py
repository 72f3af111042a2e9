"""Claims about running a community: moderation, newcomer care, expert load, tiers, events, money."""

import numpy as np
import pytest

from sim.cohorts import retention
from sim.config import ConfigError, SimConfig
from sim.runner import run

SEEDS = (1, 2, 3)


def mean_over_seeds(cfg, measure):
    return np.mean([measure(run(cfg.replace(seed=s))) for s in SEEDS])


def test_fewer_members_per_moderator_means_less_toxicity_and_less_churn(small_config):
    # moderators who can each handle little, so the ratio matters; incidents are frequent
    cfg = small_config.replace(**{
        "days": 120, "policy.moderation.name": "ratio", "staff.n_moderators": 1,
        "capacity.incidents_per_moderator_per_day": 2, "moderation.incidents_per_100_members_per_day": 3.0,
        "policy.moderation.strictness": 0.0,
    })
    thin = cfg.replace(**{"policy.moderation.members_per_moderator": 2000})
    dense = cfg.replace(**{"policy.moderation.members_per_moderator": 50})
    tox = [mean_over_seeds(c, lambda r: r.timeseries["toxicity"].mean()) for c in (thin, dense)]
    churn = [mean_over_seeds(c, lambda r: r.timeseries["churn_rate"][30:].mean()) for c in (thin, dense)]
    assert tox[1] < tox[0] / 2
    assert churn[1] < churn[0]


def test_stricter_rules_cut_toxicity_but_deter_newcomers(small_config):
    cfg = small_config.replace(**{"days": 120, "moderation.incidents_per_100_members_per_day": 3.0,
                                  "capacity.incidents_per_moderator_per_day": 5})
    lenient = cfg.replace(**{"policy.moderation.strictness": 0.0})
    strict = cfg.replace(**{"policy.moderation.strictness": 1.0})
    tox = [mean_over_seeds(c, lambda r: r.timeseries["toxicity"].mean()) for c in (lenient, strict)]
    assert tox[1] < tox[0]
    # with toxicity out of the picture, strictness alone costs newcomers (Halfaker et al. 2013)
    calm = cfg.replace(**{"moderation.incidents_per_100_members_per_day": 0.0})
    keep = [mean_over_seeds(c, lambda r: retention(r.model.table, 30, r.model.day))
            for c in (calm.replace(**{"policy.moderation.strictness": 0.0}),
                      calm.replace(**{"policy.moderation.strictness": 1.0}))]
    assert keep[1] < keep[0]


def test_replying_to_newcomers_first_posts_raises_their_30_day_retention(small_config):
    cfg = small_config.replace(**{"days": 150, "interaction.p_peer_first_reply_max": 0.2,
                                  "capacity.replies_per_moderator_per_day": 50})
    def keep(name):
        return mean_over_seeds(cfg.replace(**{"policy.welcome.name": name}),
                               lambda r: retention(r.model.table, 30, r.model.day))

    def replied_share(name):
        return mean_over_seeds(cfg.replace(**{"policy.welcome.name": name}),
                               lambda r: r.timeseries["first_posts_replied"].sum() / r.timeseries["first_posts"].sum())

    assert replied_share("greet_and_reply") > replied_share("none") + 0.3
    assert keep("greet_and_reply") > keep("none")


def test_asking_experts_for_more_than_they_can_sustain_burns_them_out(small_config):
    cfg = small_config.replace(**{"days": 140, "staff.n_experts": 2, "capacity.expert_capacity_posts_per_week": 5.0})
    sustainable = cfg.replace(**{"policy.content.posts_per_week": 7})
    overloaded = cfg.replace(**{"policy.content.posts_per_week": 28})
    burnout = [mean_over_seeds(c, lambda r: r.timeseries["expert_burnout"][:60].mean()) for c in (sustainable, overloaded)]
    quits = [mean_over_seeds(c, lambda r: r.timeseries["experts_quit"].sum()) for c in (sustainable, overloaded)]
    assert burnout[1] > burnout[0] + 0.2
    assert quits[1] > quits[0]


LOW_THRESHOLDS = {"policy.tiers.regular_points": 5.0, "policy.tiers.core_points": 15.0, "policy.tiers.vip_points": 60.0}


def test_promotion_through_tiers_lowers_churn(small_config):
    cfg = small_config.replace(**{"days": 150, **LOW_THRESHOLDS})
    flat = mean_over_seeds(cfg, lambda r: r.timeseries["churn_rate"][60:].mean())
    ladder_cfg = cfg.replace(**{"policy.tiers.name": "points_ladder"})
    ladder = mean_over_seeds(ladder_cfg, lambda r: r.timeseries["churn_rate"][60:].mean())
    promoted = run(ladder_cfg).timeseries.iloc[-1]
    assert promoted["members_core"] + promoted["members_vip"] > 0
    assert ladder < flat


def test_three_tier_layering_has_no_regular_layer(small_config):
    ts = run(small_config.replace(**{"days": 150, "policy.tiers.name": "three_tier", **LOW_THRESHOLDS})).timeseries
    assert ts["members_regular"].max() == 0 and ts["members_core"].max() > 0


def test_an_event_lifts_activity_in_the_following_days(small_config):
    cfg = small_config.replace(**{"days": 60, "staff.n_event_planners": 1})
    with_events = run(cfg.replace(**{"policy.events.name": "online", "policy.events.every_days": 14,
                                     "policy.events.first_day": 20}))
    without = run(cfg)
    days = [21, 22, 23, 35, 36, 37]  # the three days after the events on days 20 and 34
    assert with_events.timeseries.loc[days, "active_share"].mean() > without.timeseries.loc[days, "active_share"].mean()
    assert with_events.timeseries["events"].sum() == 3 and with_events.timeseries["event_attendees"].sum() > 0


def test_offline_meet_ups_densify_the_members_graph(small_config):
    cfg = small_config.replace(**{"days": 60, "staff.n_event_planners": 1, "policy.events.name": "offline",
                                  "policy.events.ties_per_attendee": 3.0, "policy.events.every_days": 10})
    model = run(cfg).model
    plain = run(cfg.replace(**{"policy.events.ties_per_attendee": 0.0})).model
    assert len(model.ties) > len(plain.ties)
    assert model.member_graph().number_of_edges() > model.graph.to_networkx(model.table.is_member).number_of_edges()


def test_replies_form_ties_that_close_triangles(small_config):
    # a chatty community (posting ten times the default), so that replies are many
    import networkx as nx

    def triangles_added(model) -> int:
        """Triangles among members that the ties formed inside the community added."""
        def count(g):
            return sum(nx.triangles(g).values()) // 3
        return count(model.member_graph()) - count(model.graph.to_networkx(model.table.is_member))

    added = {0.0: 0, 0.3: 0}
    for seed in (7, 8, 9):
        cfg = small_config.replace(**{"seed": seed, "interaction.p_tie_per_reply": 0.3, "member.p_post_median": 0.1})
        for p_triadic in added:
            result = run(cfg.replace(**{"interaction.p_triadic_per_reply": p_triadic}))
            assert result.timeseries["ties_formed"].sum() > 0  # replies alone form ties
            added[p_triadic] += triangles_added(result.model)
    assert added[0.0] > 0  # a reply tie between two people with a friend in common closes a triangle
    assert added[0.3] > 1.1 * added[0.0]  # introductions through the poster close many more


def test_costs_and_revenue_add_up_every_day(small_config):
    cfg = small_config.replace(**{"policy.tiers.name": "points_ladder", "policy.referral.name": "reward_per_join",
                                  "policy.referral.reward_per_join": 5.0, "staff.n_event_planners": 1,
                                  "policy.events.name": "offline"})
    ts = run(cfg).timeseries
    parts = ts[["cost_staff", "cost_tools", "campaign_spend", "referral_rewards", "cost_perks", "cost_events",
                "cost_reactivation"]].sum(axis=1)
    assert np.allclose(ts["cost"], parts)
    e = cfg.economics
    order_value = ts["orders"] * e.average_order_value
    assert np.allclose(ts["revenue"], order_value + ts["membership_fees"])
    assert np.allclose(ts["margin"], order_value * e.gross_margin + ts["membership_fees"] * (1 - e.platform_fee_share))
    salaries = 2 * e.expert_salary_per_month + e.moderator_salary_per_month + e.growth_officer_salary_per_month \
        + e.event_planner_salary_per_month
    assert ts.loc[1, "cost_staff"] == pytest.approx(salaries * e.employer_cost_factor * 12 / 365)
    # rewards are paid per referral join, except beyond an inviter's cap
    assert 0 < ts["referral_rewards"].sum() <= ts["joins_referral"].sum() * 5.0


def test_a_few_members_write_most_posts_in_the_default_scenario():
    result = run(SimConfig.from_dict({"output": {"plots": False}}))
    table = result.model.table
    posts = np.sort(table.posts[table.joined_day >= 0])[::-1]
    top_1pct = posts[: len(posts) // 100].sum() / posts.sum()
    ever_posted = (posts > 0).mean()
    assert top_1pct > 0.5  # van Mierlo 2014: the top 1% wrote about three quarters
    assert ever_posted < 0.25  # van Mierlo 2014: under a quarter ever posted


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"policy": {"tiers": {"regular_points": 500, "core_points": 300}}}, "policy.tiers thresholds out of order"),
        ({"policy": {"events": {"name": "offline"}}}, "needs an activity planner"),
        ({"capacity": {"incidents_per_moderator_per_day": -1}}, "capacity.incidents_per_moderator_per_day = -1 is out of range"),
        ({"policy": {"moderation": {"strictness": 1.5}}}, "policy.moderation.strictness = 1.5 is out of range"),
        ({"policy": {"welcome": {"name": "hug"}}}, "policy.welcome.name = 'hug' is not a known policy"),
    ],
)
def test_bad_operations_settings_are_refused_at_start_up(data, expected):
    with pytest.raises(ConfigError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        SimConfig.from_dict(data)
