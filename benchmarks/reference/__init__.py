"""The growth core written the ordinary Mesa way, for comparison and cross-checking.

One `Person` object per person of the addressable population with its own `step()`, activated
with `AgentSet.shuffle_do`, a `DataCollector` for the daily counts, and the same rules and
parameters as the vectorised model in sim/ (acquisition, word of mouth along ties, activity and
engagement, muting, leaving and returning, content). It draws its own randomness from Mesa's
`model.random`, so it agrees with `sim.model.CommunityModel` in distribution over seeds, not
draw for draw.
"""

from benchmarks.reference.model import ReferenceModel

__all__ = ["ReferenceModel"]
