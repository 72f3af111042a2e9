"""Global sensitivity analysis ranks what matters first and what does nothing last."""

import numpy as np
import pytest

from sim.analysis.sensitivity import Param, analyse, model_evaluator, parse_param
from sim.config import ConfigError, SimConfig

TINY = {"days": 60, "network": {"kind": "holme_kim", "n_people": 2000}, "output": {"plots": False, "csv": False}}


def test_morris_on_the_model_ranks_a_parameter_with_no_effect_last():
    # network.p_rewire only shapes small-world graphs: on a Holme-Kim graph it changes nothing
    params = [Param("member.p_churn_max_per_day", 0.01, 0.06), Param("network.p_rewire", 0.0, 1.0),
              Param("policy.referral.p_accept", 0.05, 0.5)]
    evaluate = model_evaluator(SimConfig.from_dict(TINY), params, "members_final", seeds=[0])
    table, samples = analyse(params, evaluate, "morris", n=4, seed=1)
    assert len(samples) == 4 * (len(params) + 1)
    assert table["parameter"].iloc[-1] == "network.p_rewire" and table["mu_star"].iloc[-1] == 0
    assert table["parameter"].iloc[0] == "member.p_churn_max_per_day"  # leaving drives size most
    assert (table.set_index("parameter").loc["member.p_churn_max_per_day", "mu"]) < 0  # and lowers it


def test_sobol_indices_recover_a_known_function():
    # y = 4 x0 + x1^2 + 0 x2 on [0, 1]^3: x0 explains most variance, x2 none
    params = [Param("a", 0, 1), Param("b", 0, 1), Param("c", 0, 1)]
    table, _ = analyse(params, lambda X: 4 * X[:, 0] + X[:, 1] ** 2, "sobol", n=256, seed=3)
    st = table.set_index("parameter")["ST"]
    assert list(table["parameter"]) == ["a", "b", "c"]
    assert np.isclose(st["a"], 16 / 12 / (16 / 12 + 4 / 45), atol=0.05) and abs(st["c"]) < 0.01


@pytest.mark.parametrize("text", ["member.p_accept", "x=1:0", "x=a:b", "x=0.1"])
def test_a_badly_written_range_is_refused_with_one_line(text):
    with pytest.raises(ConfigError, match="KEY=LO:HI"):
        parse_param(text)


def test_an_unknown_or_non_numeric_key_is_refused_before_anything_runs():
    base = SimConfig.from_dict(TINY)
    with pytest.raises(ConfigError, match="no such config key"):
        model_evaluator(base, [Param("member.nonsense", 0, 1)], "members_final", [0])
    with pytest.raises(ConfigError, match="not a number"):
        model_evaluator(base, [Param("network.kind", 0, 1)], "members_final", [0])
