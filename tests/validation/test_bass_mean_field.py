"""Mean-field check against the Bass diffusion model (Bass 1969).

On a complete graph with no churn, with everyone who joined active every day, a constant daily
discovery probability p (organic joins) and word of mouth q acting through the share of the
population already in (every member invites a random person each day with probability
p_invite, who accepts with p_accept, so q = p_invite x p_accept), the cumulative share of members
F(t) must follow Bass's closed form F(t) = (1 - e^-(p+q)t) / (1 + (q/p) e^-(p+q)t).

Rates: the textbook p = 0.03, q = 0.38 per period (Sultan, Farley & Lehmann 1990 averages) with a
period of 10 days, i.e. p = 0.003 and q = 0.038 per day: peak adoption at
t* = ln(q/p)/(p+q) ~ 6.2 periods = 62 days, F(t*) ~ 0.46.
Tolerance, over 3 seeds: |F_sim - F_Bass| <= 0.03 at every day; Bass fitted to the simulated F
(least squares) recovers p and q within 15% and the peak time t* within 3 days. (The peak is
located through the fit because the daily join counts are flat and noisy around it.)
Sources of deviation are small and known: daily steps instead of continuous time, a person can be
invited twice on one day (the chance of at least one invitation is 1 - e^-x rather than x), and the
founders start F at 20/20,000 instead of 0.
"""

import numpy as np
import pytest
from scipy.optimize import curve_fit

from sim.runner import run
from sim.validation.bass import P_PER_DAY, Q_PER_DAY, bass_cdf, mean_field_config

N = 20_000


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_cumulative_members_follow_bass_closed_form(seed):
    ts = run(mean_field_config(seed)).timeseries
    t = ts["day"].to_numpy()
    f_sim = ts["members"].to_numpy() / N
    f_bass = bass_cdf(t, P_PER_DAY, Q_PER_DAY)
    assert np.max(np.abs(f_sim - f_bass)) <= 0.03

    (p_fit, q_fit), _ = curve_fit(bass_cdf, t, f_sim, p0=(0.01, 0.1), bounds=(1e-6, 1.0))
    assert p_fit == pytest.approx(P_PER_DAY, rel=0.15)
    assert q_fit == pytest.approx(Q_PER_DAY, rel=0.15)
    t_star = np.log(Q_PER_DAY / P_PER_DAY) / (P_PER_DAY + Q_PER_DAY)
    t_star_fit = np.log(q_fit / p_fit) / (p_fit + q_fit)
    assert abs(t_star_fit - t_star) <= 3
    assert abs(f_sim[int(round(t_star))] - bass_cdf(t_star, P_PER_DAY, Q_PER_DAY)) <= 0.03


def test_marketing_only_and_word_of_mouth_only_growth_have_their_bass_shapes():
    # without word of mouth growth is concave from day one (pure p: F = 1 - e^-pt);
    # with word of mouth and almost no discovery it is S-shaped (slow start, then a take-off)
    no_wom = run(mean_field_config(0).replace(**{"policy.referral.name": "none"})).timeseries
    f = no_wom["members"].to_numpy() / N
    t = no_wom["day"].to_numpy()
    assert np.max(np.abs(f - (1 - (1 - 0.001) * np.exp(-P_PER_DAY * t)))) <= 0.01
    wom = run(mean_field_config(0).replace(**{"member.p_discover_per_day": 0.0})).timeseries
    joins = wom["joins"].to_numpy()[1:]
    assert joins[:20].mean() < joins[60:120].mean() / 3
