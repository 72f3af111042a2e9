"""The member table: one array per attribute over the whole addressable population.

Row i is person i of the social graph, member or not. Every fact about a person lives in exactly
one array here (struct of arrays); mechanics read and write whole arrays, and `Member` agents are
handles onto rows. About 75 bytes per person.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np

from sim.backend import xp_of


class Channel(IntEnum):
    """How a member came in (code stored in `MemberTable.channel`)."""

    NONE = 0
    FOUNDER = 1
    ORGANIC = 2
    CAMPAIGN = 3
    REFERRAL = 4

    @property
    def label(self) -> str:
        """Lower-case name used in metric columns."""
        return self.name.lower()


JOIN_CHANNELS = (Channel.FOUNDER, Channel.ORGANIC, Channel.CAMPAIGN, Channel.REFERRAL)


class Tier(IntEnum):
    """User layer (用户分层), code stored in `MemberTable.tier`."""

    NEWCOMER = 0
    REGULAR = 1
    CORE = 2
    VIP = 3

    @property
    def zh(self) -> str:
        """Chinese label."""
        return ("新人", "普通成员", "核心成员", "VIP")[self]

    @property
    def label(self) -> str:
        """Lower-case name used in metric columns."""
        return self.name.lower()

NEVER = -1  # day value for "has not happened"


def among(rows, sorted_rows):
    """Mask over `rows` of those that are in `sorted_rows` (sorted ascending; both on one device).
    A binary search per row: the cost follows the rows, not the range of row numbers."""
    xp = xp_of(rows)
    if not len(sorted_rows):
        return xp.zeros(len(rows), dtype=bool)
    pos = xp.minimum(xp.searchsorted(sorted_rows, rows), len(sorted_rows) - 1)
    return sorted_rows[pos] == rows


class MemberTable:
    """Per-person arrays.

    Attributes:
        is_member: member today.
        joined_day, left_day: day of (first) joining / first leaving (NEVER if not).
        channel: Channel code of the join.
        inviter: row of the member whose invitation brought them in (-1 if none).
        engagement: 0..1, how much the member values the community (drives visits and churn).
        p_post: chance of posting on a visit (fixed trait; heavy-tailed).
        active: visited the community today.
        posts: posts written so far.
        invites_sent, rewarded_joins: referral counters.
        points, tier: points earned (积分) and the Tier they give.
        first_post_day: day of the first post (NEVER if none yet).
        first_reply_day: day that first post got a reply (NEVER if none).
        lift_until: last day of an event's lift on visits (NEVER if none).
        group: the chat group a member sits in (-1 if none).
        affinity: interest in the community (mean 1), scaling every chance of joining (fixed trait).
        muted: the member muted the group (消息免打扰): no visits of their own, only when called back.
        last_visit_day, last_post_day: day of the latest visit / post (NEVER if none).
        hunter: joined as a reward hunter (羊毛党) through a fission campaign.
        reached_in: the last fission campaign whose poster reached this person (0 if none).
        shared_in: the last fission campaign whose poster this member shared (0 if none).
        first_share_day: day of the member's first share that reached someone, an invitation or a
            poster (NEVER if none yet; Qiu et al. 2016 time first invitations from joining).
        task_joins: joins credited to the member in the current fission campaign (invite-N task).
        paid_day: day the member last paid a membership fee (NEVER if never: founders, free communities).
    """

    def __init__(self, n: int, xp=np):
        self.n = n  # xp: numpy, or cupy for a table in GPU memory (backend=gpu)
        self.is_member = xp.zeros(n, dtype=bool)
        self.joined_day = xp.full(n, NEVER, dtype=np.int32)
        self.left_day = xp.full(n, NEVER, dtype=np.int32)
        self.channel = xp.zeros(n, dtype=np.int8)
        self.inviter = xp.full(n, -1, dtype=np.int32)
        self.engagement = xp.zeros(n, dtype=np.float32)
        self.p_post = xp.zeros(n, dtype=np.float32)
        self.active = xp.zeros(n, dtype=bool)
        self.posts = xp.zeros(n, dtype=np.int32)
        self.invites_sent = xp.zeros(n, dtype=np.int32)
        self.rewarded_joins = xp.zeros(n, dtype=np.int32)
        self.points = xp.zeros(n, dtype=np.float32)
        self.tier = xp.zeros(n, dtype=np.int8)
        self.first_post_day = xp.full(n, NEVER, dtype=np.int32)
        self.first_reply_day = xp.full(n, NEVER, dtype=np.int32)
        self.lift_until = xp.full(n, NEVER, dtype=np.int32)
        self.group = xp.full(n, -1, dtype=np.int32)
        self.affinity = xp.ones(n, dtype=np.float32)
        self.muted = xp.zeros(n, dtype=bool)
        self.last_visit_day = xp.full(n, NEVER, dtype=np.int32)
        self.last_post_day = xp.full(n, NEVER, dtype=np.int32)
        self.hunter = xp.zeros(n, dtype=bool)
        self.reached_in = xp.zeros(n, dtype=np.int16)
        self.shared_in = xp.zeros(n, dtype=np.int16)
        self.first_share_day = xp.full(n, NEVER, dtype=np.int32)
        self.task_joins = xp.zeros(n, dtype=np.int16)
        self.paid_day = xp.full(n, NEVER, dtype=np.int32)

    def member_rows(self):
        """Rows of today's members, sorted (on the table's device)."""
        return xp_of(self.is_member).flatnonzero(self.is_member)

    @property
    def n_members(self) -> int:
        """Members today."""
        return int(self.is_member.sum())

    def admit(self, rows: np.ndarray, day: int, channel: Channel, engagement: float) -> None:
        """Make `rows` members from `day`, recording the channel and starting engagement."""
        self.is_member[rows] = True
        self.joined_day[rows] = day
        self.channel[rows] = channel
        self.engagement[rows] = engagement
        self.muted[rows] = False

    def readmit(self, rows: np.ndarray, engagement: float) -> None:
        """Former members in `rows` come back on `day` (their first join day, channel and first
        leaving day stay: cohort survival follows the first spell of membership)."""
        self.is_member[rows] = True
        self.muted[rows] = False
        self.hunter[rows] = False
        self.engagement[rows] = engagement

    def remove(self, rows: np.ndarray, day: int) -> None:
        """Members in `rows` leave on `day`."""
        self.is_member[rows] = False
        self.active[rows] = False
        self.muted[rows] = False
        first = self.left_day[rows] == NEVER
        self.left_day[rows[first]] = day

    def arrays(self) -> dict[str, np.ndarray]:
        """Every per-person array by name (for snapshots and checkpoints)."""
        return {k: v for k, v in vars(self).items() if hasattr(v, "shape") and hasattr(v, "nbytes")}

    @property
    def nbytes(self) -> int:
        """Memory held by the table."""
        return sum(a.nbytes for a in self.arrays().values())
