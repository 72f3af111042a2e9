"""Equal-spend arms and the verdict: arms brought to one budget, the answer said in plain words."""

import math

import numpy as np
import pandas as pd
import pytest

from sim.analysis.compare import compare, write_outputs
from sim.analysis.kpis import kpi_by_name, standard_kpis
from sim.analysis.spend import check_levers, live_levers, parse_target, scaled
from sim.analysis.verdict import Versus, summary_table, verdict_sentence
from sim.config import ConfigError, SimConfig

SMALL = {"days": 60, "network": {"n_people": 2000}, "output": {"plots": False, "csv": False}}


@pytest.fixture(scope="module")
def small() -> SimConfig:
    return SimConfig.from_dict(SMALL)


@pytest.fixture(scope="module")
def equal_spend(small):
    arms = {
        "paid": small.replace(**{"policy.referral.name": "none"}),
        "referral": small.replace(**{"policy.referral.name": "reward_per_join", "policy.referral.reward_per_join": 5.0,
                                     "policy.acquisition.budget_per_day": 30.0}),
    }
    levers = {"paid": ("campaigns",), "referral": ("referral_reward",)}
    return compare(arms, seeds=[0, 1], equal_spend="auto", levers=levers)


def test_equal_spend_arms_spend_within_one_percent_of_each_other(equal_spend):
    spend = equal_spend.kpi_runs.groupby("arm")["cost_total"].mean()
    assert spend.max() / spend.min() - 1 < 0.01
    assert all(f.reached and not f.note for f in equal_spend.fits)
    referral = next(f for f in equal_spend.fits if f.arm == "referral")
    assert referral.levers == ("referral_reward",) and referral.scale > 1  # it had the smaller budget
    # the campaign budget it was given stays as it was: only the named lever moved
    assert equal_spend.arms["referral"].policy.acquisition.budget_per_day == 30.0


def test_the_report_opens_with_the_verdict_and_states_each_arms_spend_first(equal_spend, tmp_path):
    md, page = write_outputs(equal_spend, tmp_path, "Referral or paid")
    text = md.read_text()
    verdict_at = text.index("## Verdict")
    assert verdict_at < text.index("| KPI") < text.index("![kpis_over_time]")
    assert "At the same spend" in text and "花费相同" in text
    first_row = text[text.index("| KPI"):].splitlines()[2]
    assert first_row.startswith("| total cost over the run")
    assert "<div id='verdict'>" in page.read_text()


def test_an_arm_without_a_spending_lever_says_so_in_one_line_and_in_the_report(small, tmp_path, capsys):
    arms = {"campaigns": small, "organic": small.replace(**{"policy.acquisition.name": "none",
                                                           "policy.acquisition.budget_per_day": 0.0})}
    c = compare(arms, seeds=[0], equal_spend=float(small.days * 2000 + 100_000), levers=("campaigns",))
    organic = next(f for f in c.fits if f.arm == "organic")
    assert not organic.reached and "no spending lever" in organic.note
    err = [line for line in capsys.readouterr().err.splitlines() if line.startswith("equal spend:")]
    assert len(err) == 1 and "organic" in err[0]
    md, _ = write_outputs(c, tmp_path, "t")
    assert "Target not reached: organic has no spending lever" in md.read_text()
    assert "not held equal" in md.read_text()


def test_scaling_keeps_the_split_and_reaches_into_the_playbook_stages():
    cfg = SimConfig.from_dict({"playbook": {"name": "p", "stages": {
        "GROW": {"policy": {"referral": {"name": "reward_per_join", "reward_per_join": 5.0}}}}}})
    levers = live_levers(cfg)
    assert [lv.name for lv in levers] == ["campaigns", "referral_reward"]  # the reward is switched on in GROW
    double = scaled(cfg, levers, 2.0)
    assert double.policy.acquisition.budget_per_day == 2 * cfg.policy.acquisition.budget_per_day
    assert double.playbook.stages["GROW"]["policy"]["referral"]["reward_per_join"] == 10.0


@pytest.mark.parametrize("bad", [["nope"], ["ghost:campaigns"]])
def test_unknown_levers_are_refused_naming_the_known_ones(bad):
    with pytest.raises(ConfigError, match="allowed|arms:"):
        check_levers(bad, ["paid", "referral"])


def test_levers_given_per_arm_and_for_every_arm():
    assert check_levers(["referral:referral_reward", "campaigns"], ["paid", "referral"]) == {
        "paid": ("campaigns",), "referral": ("referral_reward",)}


@pytest.mark.parametrize("text", ["0", "-5", "lots"])
def test_an_equal_spend_that_is_not_a_positive_total_is_refused(text):
    with pytest.raises(ConfigError, match="--equal-spend"):
        parse_target(text)


def V(diff, lo, hi, wins, ties=0, n=10, higher=True, unit="people"):
    return Versus("paid", "referral", "members at the last day", "期末成员数", unit, higher, diff, lo, hi, wins, ties, n)


@pytest.mark.parametrize("v, expect_en, expect_zh", [
    (V(415, 210, 620, 9), "付费投放 paid beats 裂变 referral on members at the last day (+415 people, 95% CI 210 to 620; "
     "won 9 of 10 seeds)", "付费投放 paid 胜过 裂变 referral（+415 人，95% 置信区间 210 至 620；10 个种子中赢 9 个）"),
    (V(-415, -620, -210, 1), "裂变 referral beats 付费投放 paid on members at the last day (+415 people, 95% CI 210 to "
     "620; won 9 of 10 seeds)", "裂变 referral 胜过 付费投放 paid"),
    # lower is better (a cost): a negative difference is the arm's win
    (V(-12, -18, -6, 8, unit="yuan", higher=False), "付费投放 paid beats 裂变 referral on members at the last day "
     "(-12.00 yuan, 95% CI -18.00 to -6.00; won 8 of 10 seeds)", "胜过"),
    (V(40, -30, 110, 6, ties=1), "付费投放 paid and 裂变 referral cannot be told apart on members at the last day "
     "(付费投放 paid minus 裂变 referral: +40.00 people, 95% CI -30.00 to 110; 付费投放 paid better on 6 of 10 seeds, "
     "1 tied)", "无法区分"),
    (V(0, 0, 0, 0, ties=10), "付费投放 paid and 裂变 referral tie on members at the last day: the same value on every "
     "one of 10 seeds.", "打平"),
    (V(5, math.nan, math.nan, 1, n=1), "cannot be told apart", "无法区分"),
    (V(math.nan, math.nan, math.nan, 0, n=0), "cannot be compared", "无法比较"),
])
def test_the_verdict_names_the_winner_the_difference_and_its_interval_or_says_it_cannot_tell(v, expect_en, expect_zh):
    zh, en = verdict_sentence(v)
    assert expect_en in en and expect_zh in zh


def test_a_stage_is_shown_as_the_modal_stage_and_a_stage_never_reached_as_never():
    kpis = tuple(k for k in standard_kpis() if k.name in ("cost_total", "members_final", "stage_end", "days_to_MATURE"))
    table = pd.DataFrame([
        {"kpi": "cost_total", "arm": "a", "mean": 1e5, "lo": 9e4, "hi": 1.1e5, "n": 3, "n_seeds": 3},
        {"kpi": "members_final", "arm": "a", "mean": 50.0, "lo": 40.0, "hi": 60.0, "n": 3, "n_seeds": 3},
        {"kpi": "stage_end", "arm": "a", "mean": 3.0, "lo": np.nan, "hi": np.nan, "n": 3, "n_seeds": 3,
         "mode_count": 2},
        {"kpi": "days_to_MATURE", "arm": "a", "mean": np.nan, "lo": np.nan, "hi": np.nan, "n": 0, "n_seeds": 3},
    ])
    shown = summary_table(table, kpis, kpi_by_name("members_final", kpis)).set_index("KPI (mean [95% CI])")["a"]
    assert list(shown)[:2] == ["100,000 [90,000, 110,000]", "50.00 [40.00, 60.00]"]  # spend first, then the primary
    assert "成熟期 MATURE (2/3)" in list(shown) and "never 从未" in list(shown)


def test_operator_kpis_read_a_series():
    ts = pd.DataFrame({"day": range(30), "members": [100] * 30, "daily_active": [20] * 30, "weekly_active": [50] * 30,
                       "monthly_active": [70] * 30, "cost": [1000.0] * 30, "stage": [0] * 10 + [1] * 10 + [9] * 10})
    read = {k.name: k.read for k in standard_kpis()}
    assert read["dau_recent"](ts) == 20 and read["wau_share_recent"](ts) == 0.5 and read["mau_share_recent"](ts) == pytest.approx(0.7)
    assert read["members_per_10k_yuan"](ts) == pytest.approx(100 / 30_000 * 1e4)
    assert read["stage_end"](ts) == 9 and read["stage_reached"](ts) == 1  # DECLINE is a warning, not a stage reached


@pytest.mark.parametrize("bad", [
    ["--equal-spend", "0"],
    ["--equal-spend", "auto", "--levers", "ghost:campaigns"],
    ["--levers", "salaries"],
    ["--primary", "stage_end"],
    ["--primary", "nope"],
])
def test_bad_equal_spend_levers_or_primary_are_one_line_and_exit_2(bad, capsys):
    from sim.analysis.compare import main as compare_main  # noqa: PLC0415

    with pytest.raises(SystemExit) as exit_:
        compare_main(["--arm", "a", "--arm", "b", *bad, "--seeds", "1", "--common", "days=5", "network.n_people=300"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1
