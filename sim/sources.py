"""Citations that back more than one default parameter (quoted in their `source`)."""

JOYCE_KRAUT_2006 = (
    "Joyce & Kraut 2006: newcomers whose first post got a reply posted again more often than those "
    "ignored (56% vs 44%)"
)
SCHMITT_2011 = (
    "Schmitt, Skiera & Van den Bulte 2011: referred customers had higher retention and at least 16% "
    "higher value"
)


