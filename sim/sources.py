"""Citations that back more than one default parameter (quoted in their `source`)."""

JOYCE_KRAUT_2006 = (
    "Joyce & Kraut 2006: newcomers whose first post got a reply posted again more often than those "
    "ignored (56% vs 44%)"
)
SCHMITT_2011 = (
    "Schmitt, Skiera & Van den Bulte 2011: referred customers had higher retention and at least 16% "
    "higher value"
)


MUTE_SURVEY_2020 = (
    "China Youth Daily with wenjuan.com 2020 (n = 2,002): 74.6% of WeChat users mute groups (消息免打扰), "
    "38.4% leave groups, 59.9% periodically clear 'zombie groups'"
)
NONNECKE_PREECE_2000 = (
    "Nonnecke & Preece 2000: 46% (health lists) to 82% (software support lists) of members posted "
    "nothing over 12 weeks"
)
VAN_DEN_BULTE_2018 = (
    "Van den Bulte, Bayer, Skiera & Schmitt 2018: referred customers churn less only while their "
    "referrer is still a customer"
)
YUAN_2019 = (
    "Yuan, Liu, Tan, Chen, Pentland & Tang 2019 (gift contagion, 36 M red packets in 174,131 WeChat "
    "groups): each extra unit of red packet received leads the recipient to send 0.18 back into the "
    "group within 24 h"
)
