"""Welcome policy (新人欢迎): which newcomer-care duties the moderators take on.

Greeting newcomers raises their engagement (sim/agents.py, Moderator); answering their first posts
raises the chance a first post gets a reply (sim/mechanics/interaction.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.schema import param


@dataclass(frozen=True)
class WelcomePolicyConfig:
    """Newcomer care (新人欢迎): what staff time goes to newcomers."""

    name: str = param(
        "greet", help="none, greet (moderators greet newcomers) or greet_and_reply (also answer first posts)",
        source="setting: the welcome policy; greeting every newcomer (欢迎新人) by default; stage_aware "
        "adds answering first posts in MATURE",
    )


@dataclass(frozen=True)
class NoWelcome:
    """Nobody greets newcomers or answers their first posts on duty."""

    cfg: WelcomePolicyConfig
    greet = False
    reply_first_posts = False


@dataclass(frozen=True)
class Greet:
    """Moderators greet newcomers the day after they join (欢迎新人)."""

    cfg: WelcomePolicyConfig
    greet = True
    reply_first_posts = False


@dataclass(frozen=True)
class GreetAndReply:
    """Moderators greet newcomers and answer their first posts within capacity."""

    cfg: WelcomePolicyConfig
    greet = True
    reply_first_posts = True


POLICIES = {"none": NoWelcome, "greet": Greet, "greet_and_reply": GreetAndReply}
