"""Equal-spend arms: scaling each arm's spending levers until every arm costs the same over the run.

A strategist with a fixed budget asks which way of spending it works best, so the arms of a
comparison must cost the same. An arm's money goes to staff (kept as configured: they are part of
the total) and to spending levers: the campaign budget, the referral reward, the fission reward,
the red packets (and, when asked for, the events' cost). The arm's own values say how its money is
split across its levers; one scale factor multiplies them all (in the playbook's stages too), so the
split is kept while the total moves. What a lever spends depends on the run (a reward is paid per
join), so the factor is found by a few secant steps, with bisection once the target is bracketed,
on the mean total cost (the `cost` metric summed over the run) over the comparison's own seeds,
until it lies within the tolerance of the target. Common random numbers hold here as in the
comparison: every factor is tried on the same seeds.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.config import ConfigError, SimConfig, set_dotted

TOLERANCE = 0.01  # every arm's mean total cost within 1% of the target
MAX_ROUNDS = 8  # runs of the arm's seeds per arm, the unscaled one included


@dataclass(frozen=True)
class Lever:
    """A spending lever: the config value one scale factor multiplies and the metric it spends."""

    name: str  # as named on the command line (--levers)
    key: str  # dotted config key, also looked up in every playbook stage
    spend: str  # daily metric (yuan/day) this lever's money shows in
    policy: tuple[str, str]  # (policy family, option that uses it); "*": any option but "none"
    label: str


LEVERS = {
    lever.name: lever for lever in (
        Lever("campaigns", "policy.acquisition.budget_per_day", "campaign_spend", ("acquisition", "*"),
              "campaign budget 投放预算"),
        Lever("referral_reward", "policy.referral.reward_per_join", "referral_rewards",
              ("referral", "reward_per_join"), "referral reward per join 裂变奖励"),
        Lever("fission_reward", "policy.referral.fission_unlock_reward", "referral_rewards",
              ("referral", "fission"), "fission unlock reward 任务宝奖励"),
        Lever("red_packets", "policy.reactivation.red_packet_yuan_per_group", "red_packet_yuan",
              ("reactivation", "red_packets"), "red packets per group 红包"),
        # opt-in only: an event's cost is its price, and paying more for the same event buys nothing
        Lever("events", "policy.events.cost_per_event", "cost_events", ("events", "*"), "cost per event 活动成本"),
    )
}
DEFAULT_LEVERS = ("campaigns", "referral_reward", "fission_reward", "red_packets")


@dataclass(frozen=True)
class SpendFit:
    """How one arm was brought to the target spend."""

    arm: str
    levers: tuple[str, ...]  # levers that were scaled (empty: none the arm uses)
    scale: float  # the factor on every scaled lever's value
    values: dict  # lever key -> its value at that scale (the base config's, not the stages')
    spend: float  # mean total cost over the seeds at that scale (yuan)
    target: float
    rounds: int  # runs of the arm's seeds it took
    note: str = ""  # why the target was not reached ("" when it was)

    @property
    def reached(self) -> bool:
        """Whether the spend is within the tolerance of the target."""
        return abs(self.spend - self.target) <= TOLERANCE * self.target


def _stages(data: dict) -> list[dict]:
    return [s for s in ((data.get("playbook") or {}).get("stages") or {}).values() if isinstance(s, dict)]


def _get(node, dotted: str):
    for part in dotted.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def _uses(data: dict, lever: Lever) -> bool:
    """Whether the arm's policy, in its base config or any playbook stage, uses the lever's option."""
    family, option = lever.policy
    names = [_get(d, f"policy.{family}.name") for d in (data, *_stages(data))]
    names = [n for n in names if n is not None]
    return any(n != "none" if option == "*" else n == option for n in names)


def live_levers(cfg: SimConfig, allowed: tuple[str, ...] = DEFAULT_LEVERS) -> tuple[Lever, ...]:
    """The levers among `allowed` that the arm's policy uses with a positive value somewhere."""
    data = cfg.to_dict()
    live = []
    for name in allowed:
        lever = LEVERS[name]
        values = [_get(d, lever.key) for d in (data, *_stages(data))]
        if _uses(data, lever) and any(isinstance(v, int | float) and v > 0 for v in values):
            live.append(lever)
    return tuple(live)


def max_scale(cfg: SimConfig, levers: tuple[Lever, ...]) -> float:
    """The largest factor the schema allows on every lever (its `hi` over its largest value)."""
    data, caps = cfg.to_dict(), [np.inf]
    for lever in levers:
        *parents, leaf = lever.key.split(".")
        owner = cfg
        for part in parents:
            owner = getattr(owner, part)
        hi = next(f.metadata.get("hi") for f in dataclasses.fields(owner) if f.name == leaf)
        values = [v for v in (_get(d, lever.key) for d in (data, *_stages(data))) if isinstance(v, int | float)]
        if hi is not None and max(values) > 0:
            caps.append(hi / max(values))
    return float(min(caps))


def scaled(cfg: SimConfig, levers: tuple[Lever, ...], factor: float) -> SimConfig:
    """The arm with every lever's value (in the base config and every playbook stage) x factor."""
    data = cfg.to_dict()
    for lever in levers:
        for node in (data, *_stages(data)):
            value = _get(node, lever.key)
            if isinstance(value, int | float):
                set_dotted(node, lever.key, float(value) * factor)
    return SimConfig.from_dict(data)


def fit_spend(arm: str, cfg: SimConfig, target: float, measure: Callable[[SimConfig], pd.DataFrame],
              allowed: tuple[str, ...] = DEFAULT_LEVERS, first: pd.DataFrame | None = None,
              rounds: int = MAX_ROUNDS) -> tuple[SimConfig, SpendFit]:
    """Find the factor on the arm's levers that brings its mean total cost to `target`.

    Args:
        arm: the arm's label (for the notes).
        cfg: the arm as configured (factor 1).
        target: total cost over the run to reach (yuan, mean over seeds).
        measure: config -> daily series of every seed (columns seed, cost and the levers' metrics).
        allowed: levers that may be scaled.
        first: the arm's series at factor 1 when already run.
        rounds: at most this many runs of the seeds.

    Returns:
        The scaled config and how it was reached (with a one-line note when it was not).
    """
    levers = live_levers(cfg, allowed)
    columns = sorted({lever.spend for lever in levers})
    tried: dict[float, tuple[float, float]] = {}  # factor -> (mean total cost, mean lever spend)

    def cost_at(factor: float) -> float:
        ts = first if factor == 1.0 and first is not None else measure(scaled(cfg, levers, factor))
        per_seed = ts.groupby("seed")
        tried[factor] = (float(per_seed["cost"].sum().mean()),
                         float(sum(per_seed[c].sum().mean() for c in columns)) if columns else 0.0)
        return tried[factor][0]

    def done(factor: float, note: str = "") -> tuple[SimConfig, SpendFit]:
        values = {lever.key: _get(scaled(cfg, levers, factor).to_dict(), lever.key) for lever in levers}
        fit = SpendFit(arm, tuple(lv.name for lv in levers), factor, values, tried[factor][0], target, len(tried), note)
        return scaled(cfg, levers, factor), fit

    close = lambda c: abs(c - target) <= TOLERANCE * target  # noqa: E731
    cost = cost_at(1.0)
    if close(cost):
        return done(1.0)
    if not levers:
        return done(1.0, f"{arm} has no spending lever to scale ({', '.join(allowed)}): it spends "
                         f"{cost:,.0f} yuan, {cost / target - 1:+.1%} off the target")
    top = max_scale(cfg, levers)
    fixed = cost - tried[1.0][1]  # what does not scale: staff, tools, perks, the levers not allowed
    if fixed > target * (1 + TOLERANCE):
        return done(1.0, f"{arm} cannot spend as little as {target:,.0f} yuan: without its levers it still "
                         f"spends about {fixed:,.0f} (staff and other fixed costs)")
    if tried[1.0][1] <= 0:
        return done(1.0, f"{arm}'s levers ({', '.join(lv.name for lv in levers)}) spent nothing on these seeds, so "
                         f"scaling them cannot move its spend of {cost:,.0f} yuan")
    factor = min(top, max(0.0, (target - fixed) / tried[1.0][1]))  # as if spend were linear in the factor
    while len(tried) < rounds:
        cost = cost_at(factor)
        if close(cost):
            return done(factor)
        below = [f for f, (c, _) in tried.items() if c < target]
        above = [f for f, (c, _) in tried.items() if c > target]
        if factor >= top and cost < target:
            return done(factor, f"{arm} reaches only {cost:,.0f} yuan at the levers' cap (x{factor:.3g}: "
                                f"{', '.join(lv.key for lv in levers)} at their allowed maximum)")
        lo, hi = (max(below) if below else None), (min(above) if above else None)
        a, b = sorted(tried, key=lambda f: abs(tried[f][0] - target))[:2]  # the two closest tries
        ca, cb = tried[a][0], tried[b][0]
        guess = a + (target - ca) * (b - a) / (cb - ca) if cb != ca else np.nan
        if lo is not None and hi is not None and not (min(lo, hi) < guess < max(lo, hi)):
            guess = (lo + hi) / 2  # the secant left the bracket: bisect
        if not np.isfinite(guess):
            guess = factor * 2 if cost < target else factor / 2
        factor = float(min(top, max(0.0, guess)))
        if factor in tried:
            break
    best = min(tried, key=lambda f: abs(tried[f][0] - target))
    return done(best, f"{arm} came to {tried[best][0]:,.0f} yuan ({tried[best][0] / target - 1:+.1%} off the "
                      f"target) after {len(tried)} tries")


def spend_table(fits: list[SpendFit]) -> pd.DataFrame:
    """One row per arm: its levers, factor, values and spend against the target (strings)."""
    rows = []
    for f in fits:
        rows.append({
            "arm": f.arm,
            "spend, mean over seeds (yuan)": f"{f.spend:,.0f}",
            "target (yuan)": f"{f.target:,.0f}",
            "off target": f"{f.spend / f.target - 1:+.2%}",
            "levers scaled": ", ".join(f"{LEVERS[n].label}" for n in f.levers) or "none",
            "factor": f"x{f.scale:.3g}",
            "values at that factor": ", ".join(f"{k.split('.')[-1]} = {v:,.4g}" for k, v in f.values.items()) or "–",
            "tries": str(f.rounds),
        })
    return pd.DataFrame(rows)


def parse_target(text: str | None) -> float | str | None:
    """'--equal-spend 250000' -> 250000.0, 'auto' -> 'auto', None -> None."""
    if text is None:
        return None
    if text == "auto":
        return "auto"
    try:
        value = float(text.replace(",", "").replace("_", ""))
    except ValueError:
        value = -1.0
    if not value > 0:
        raise ConfigError(f"--equal-spend {text!r}: give a total in yuan over the run (e.g. 900000) or 'auto'")
    return value


def check_levers(names: list[str], arms: list[str]) -> dict[str, tuple[str, ...]]:
    """--levers LEVER... or ARM:LEVER...: the levers each arm may scale. A plain name applies to every
    arm without ARM: entries of its own; with no plain names those arms get DEFAULT_LEVERS.
    Refuses unknown levers and arms, naming the known ones."""
    plain, own = [], {}
    for item in names:
        arm, sep, name = item.rpartition(":")
        if name not in LEVERS:
            raise ConfigError(f"--levers {item!r}: {name!r} is not a spending lever; allowed: {', '.join(LEVERS)}")
        if sep and arm not in arms:
            raise ConfigError(f"--levers {item!r}: {arm!r} is not an arm; arms: {', '.join(arms)}")
        (own.setdefault(arm, []) if sep else plain).append(name)
    return {arm: tuple(own.get(arm, plain or DEFAULT_LEVERS)) for arm in arms}
