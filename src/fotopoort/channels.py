"""The channels a photo can be published on (the leaflet's consent categories)."""

from __future__ import annotations

from enum import StrEnum


class Channel(StrEnum):
    PORTFOLIO = "portfolio"  # the child's own portfolio; the family and the school
    STAMGROEP = "stamgroep"  # the closed class-group channel (Parro): parents of the group
    SCHOOL = "school"  # the whole school community
    WEBSITE = "website"  # public: website, schoolgids, press
    TRAINING = "training"  # staff training (video coaching)
    RESEARCH = "research"  # internal and external research, anonymised


CHANNEL_NAMES = tuple(c.value for c in Channel)
