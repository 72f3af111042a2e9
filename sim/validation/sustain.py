"""Self-sustaining vs marketing-dependent communities (Ribeiro 2014).

Ribeiro's model of membership-based websites has members become active through marketing/media
and through the activity of other members (word of mouth), and stop being active at some rate; a
site is self-sustaining when word of mouth alone keeps daily active users above zero once
marketing stops, and marketing-dependent when activity then decays towards zero. Here the
experiment is run directly: the same community (same seed, so the same history up to the switch)
is stepped with all outside acquisition (paid campaigns and organic discovery) switched off from a
given day, and its daily active users after the switch are compared with those before it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.config import SimConfig
from sim.model import CommunityModel
from sim.policies.referral import ReferralPolicyConfig
from sim.validation.base import PatternResult, Size
from sim.validation.presets import DEFAULT_PRESET
from sim.validation.runs import preset_config, size_text

# campaigns and organic discovery stop; referral (word of mouth) and the staff carry on
NO_ACQUISITION = {"policy.acquisition.name": "none", "member.p_discover_per_day": 0.0}
WINDOW_DAYS = 28
SUSTAIN_RATIO = 0.5  # DAU in the last 4 weeks at least half that of the 4 weeks before the stop
# strong: members share a third more often than by default and pull each other in more
STRONG_WOM = {"policy.referral.p_invite_per_day": ReferralPolicyConfig().p_invite_per_day * 4 / 3,
              "member.w_active_social": 0.6}
# weak: members bring nothing to each other (no invitations, no pull of active friends, posts worth
# nothing to readers), so only the staff's content keeps them
WEAK_WOM = {
    "policy.referral.name": "none",
    "member.w_active_social": 0.0,
    "member.member_post_quality": 0.0,
}


def run_with_acquisition_stopped(cfg: SimConfig, stop_day: int) -> pd.DataFrame:
    """The daily time series of `cfg` when campaigns and organic discovery stop after `stop_day`.

    The model is stepped as usual until `stop_day`; then the config in force loses its outside
    acquisition (as a playbook switch would change it) and the run goes on to `cfg.days`.
    """
    model = CommunityModel(cfg)
    for day in range(1, cfg.days + 1):
        # re-applied whenever the config in force acquires again (a playbook switch)
        if day > stop_day and not _stopped(model.cfg):
            _stop_acquisition(model)
        model.step()
    return model.recorder.frame()


def _stopped(cfg: SimConfig) -> bool:
    """True when `cfg` has every setting of NO_ACQUISITION."""
    return all(cfg.get(key) == value for key, value in NO_ACQUISITION.items())


def _stop_acquisition(model: CommunityModel) -> None:
    model.operate_under(model.base_cfg.replace(**NO_ACQUISITION), model.cfg.replace(**NO_ACQUISITION), sync_staff=False)


def sustain_ratio(timeseries: pd.DataFrame, stop_day: int) -> float:
    """Mean DAU over the last WINDOW_DAYS days / mean DAU over the WINDOW_DAYS days before the stop."""
    daily_active = timeseries["daily_active"].to_numpy(dtype=float)
    before = daily_active[stop_day - WINDOW_DAYS + 1 : stop_day + 1].mean()
    return float(daily_active[-WINDOW_DAYS:].mean() / before) if before else 0.0


def verdict(ratio: float) -> str:
    """`self-sustaining` or `marketing-dependent` from a sustain ratio."""
    return "self-sustaining" if ratio >= SUSTAIN_RATIO else "marketing-dependent"


def check_self_sustaining(size: Size, preset: str = DEFAULT_PRESET) -> PatternResult:
    """Strong word of mouth keeps an active core after acquisition stops; weak word of mouth decays."""
    stop = preset_config(preset, size, size.seeds[0]).days // 2
    rows = []
    for seed in size.seeds:
        base = preset_config(preset, size, seed)
        strong = sustain_ratio(run_with_acquisition_stopped(base.replace(**STRONG_WOM), stop), stop)
        weak = sustain_ratio(run_with_acquisition_stopped(base.replace(**WEAK_WOM), stop), stop)
        rows.append({"seed": seed, "ratio_strong": strong, "ratio_weak": weak})
    m = {k: float(np.mean([r[k] for r in rows])) for k in ("ratio_strong", "ratio_weak")}
    ok = all(
        verdict(r["ratio_strong"]) == "self-sustaining"
        and verdict(r["ratio_weak"]) == "marketing-dependent"
        for r in rows
    )
    return PatternResult(
        "self_sustaining",
        "After marketing stops, a community with strong word of mouth keeps a stable active core; one with weak "
        "word of mouth decays (self-sustaining vs marketing-dependent).",
        "Ribeiro 2014 (WWW '14, Modeling and predicting the growth and death of membership-based websites)",
        f"campaigns and organic discovery stop after day {stop}; DAU of the last {WINDOW_DAYS} days / DAU of the "
        f"{WINDOW_DAYS} days before the stop; strong: {STRONG_WOM}; weak: {WEAK_WOM}",
        m,
        f"every seed: strong ratio >= {SUSTAIN_RATIO} (self-sustaining), weak ratio < {SUSTAIN_RATIO}",
        ok,
        size.seeds,
        size_text(preset, size),
        {"per_seed": rows},
        preset,
    )
