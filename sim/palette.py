"""The one palette of every picture: stage colours, join-channel colours, member-state colours.

The run dashboard (sim/dashboard.py), the trainer's app, its animations and storyboards
(sim/viz/) all take their colours from here, so "referral is blue" holds on every slide a trainer
shows. Stage colours are pale (they shade the days of a stage behind the curves); channel and
state colours are saturated (they colour lines and members' dots).
"""

from __future__ import annotations

from sim.lifecycle import Stage
from sim.population import Channel

STAGE_COLOURS = {
    Stage.CREATE: "#dbe9f6",
    Stage.GROW: "#d9f0d3",
    Stage.ACTIVE: "#fff2cc",
    Stage.MATURE: "#f4dccd",
    Stage.EXPANSION: "#e5d8ee",
    Stage.DECLINE: "#f8d0d0",
}

CHANNEL_COLOURS = {
    Channel.FOUNDER: "#d62728",
    Channel.ORGANIC: "#2ca02c",
    Channel.CAMPAIGN: "#ff7f0e",
    Channel.REFERRAL: "#1f77b4",
}
CHANNEL_NAMES = {  # Chinese, English (the time series' column suffix: members_<english>)
    Channel.FOUNDER: ("种子用户", "founder"),
    Channel.ORGANIC: ("自然增长", "organic"),
    Channel.CAMPAIGN: ("投放", "campaign"),
    Channel.REFERRAL: ("裂变", "referral"),
}

# Member states as operators speak of them: visited today, a member who reads along or stays away
# without muting (潜水), a member who muted the group (免打扰).
STATE_COLOURS = {"active": "#2ca02c", "quiet": "#9ecae1", "muted": "#bdbdbd"}
STATE_NAMES = {
    "active": ("今日活跃", "active today"),
    "quiet": ("潜水", "quiet"),
    "muted": ("免打扰", "muted"),
}

TOXICITY_COLOUR = "#9467bd"

# The two arms of the trainer's split view (sim/viz/split.py): colours no channel or state uses, so
# "arm A is teal" never reads as "referral" or "active today".
ARM_COLOURS = ("#00897b", "#d81b60")
