"""The schema refuses bad values with one line naming the key, the value and what is allowed."""

import pytest

from sim.config import ConfigError, SimConfig


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"dayz": 3}, "dayz: no such config key"),
        ({"policy": {"referral": {"p_acept": 0.1}}}, "policy.referral.p_acept: no such config key"),
        ({"days": "ten"}, "days = 'ten' has the wrong type: expected int"),
        ({"days": 0}, "days = 0 is out of range"),
        ({"policy": {"referral": {"p_accept": 1.5}}}, "policy.referral.p_accept = 1.5 is out of range: allowed 0.0 to 1.0"),
        ({"member": {"p_churn_max_per_day": float("nan")}}, "member.p_churn_max_per_day = nan"),
        ({"backend": "tpu"}, "backend = 'tpu' is not allowed: choose one of cpu, gpu"),
        ({"network": {"kind": "lattice"}}, "network.kind = 'lattice' is not allowed"),
        ({"policy": {"referral": {"name": "pyramid"}}}, "policy.referral.name = 'pyramid' is not a known policy"),
        ({"network": {"n_people": 10}, "founders": {"n_founders": 11}}, "larger than network.n_people"),
        ({"network": {"kind": "file"}}, "network.path is empty"),
        ({"staff": 3}, "staff = 3 must be a group of keys"),
        ({"output": {"plots": "yes"}}, "output.plots = 'yes' has the wrong type: expected bool"),
        ({"member": {"join_affinity_shape": 5e-324}}, "member.join_affinity_shape = 5e-324 is too small"),
    ],
)
def test_bad_values_are_refused_with_one_clear_line(data, expected):
    with pytest.raises(ConfigError) as err:
        SimConfig.from_dict(data)
    message = str(err.value)
    assert expected in message
    assert "\n" not in message


def test_ints_are_accepted_where_floats_are_asked_and_integral_floats_as_ints():
    cfg = SimConfig.from_dict({"policy": {"content": {"posts_per_week": 14}}, "days": 30.0})
    assert cfg.policy.content.posts_per_week == 14.0 and isinstance(cfg.policy.content.posts_per_week, float)
    assert cfg.days == 30 and isinstance(cfg.days, int)


def test_replace_validates_dotted_changes():
    cfg = SimConfig().replace(**{"policy.content.posts_per_week": 14, "seed": 3})
    assert cfg.policy.content.posts_per_week == 14 and cfg.seed == 3
    with pytest.raises(ConfigError, match="no such config key"):
        SimConfig().replace(**{"policy.content.post_per_week": 14})
