"""The HTML report's texts (`report`, `sort`'s report.html: reports/html.py), Dutch and English.

Data in them (file names, children's names, channels) is escaped by reports/html.py.
"""

from __future__ import annotations

from fotopoort.messages import Text

TITLE = Text(nl="fotopoort-rapport", en="fotopoort report")
INTRO = Text(
    nl="{n} foto's. Besluiten op basis van toestemmingsexport {snapshot}; gemaakt {when}.",
    en="{n} photos. Decisions based on the consent export {snapshot}; made {when}.",
)
# the script fills in {n}, {total} and {channel} (a data attribute: the script itself is fixed)
SHOWN = Text(
    nl="{n} van {total} foto's getoond voor {channel}",
    en="{n} of {total} photos shown for {channel}",
)
PHOTOS = Text(nl="{n} foto's", en="{n} photos")
CHANNEL = Text(nl="kanaal", en="channel")
CHANNEL_LABEL = Text(nl="Kanaal", en="Channel")
SHOW = Text(nl="Toon", en="Show")
EVERY_CHANNEL = Text(nl="besluiten voor elk kanaal", en="decisions for every channel")
ALLOWED = Text(nl="toegestaan", en="allowed")
REVIEW = Text(nl="review", en="review")
BLOCKED = Text(nl="tegengehouden", en="blocked")
REDACTED_COPIES = Text(nl="afgedekte kopieën", en="redacted copies")
REDACTED = Text(nl="afgedekt, een persoon moet bevestigen", en="redacted, a person must confirm")
VERDICT_ALLOWED = Text(nl="TOEGESTAAN", en="ALLOWED")
VERDICT_REVIEW = Text(nl="REVIEW", en="REVIEW")
VERDICT_BLOCKED = Text(nl="TEGENGEHOUDEN", en="BLOCKED")
LEGEND_CONSENT = Text(
    nl="doorgetrokken lijn: toestemming voor dit kanaal",
    en="solid line: consent for this channel",
)
LEGEND_NO_CONSENT = Text(
    nl="gestreepte lijn, gearceerd: GEEN toestemming", en="dashed line, hatched: NO consent"
)
LEGEND_UNSURE = Text(
    nl="gestippelde lijn: onbekend, niet zeker wie, of te klein",
    en="dotted line: unknown, unsure who, or too small",
)
NO_PREVIEW = Text(nl="geen voorbeeld", en="no preview")
NO_PREVIEW_WHY = Text(nl="geen voorbeeld: {why}", en="no preview: {why}")
PHOTO_ALT = Text(nl="{photo}: {n} gezicht(en)", en="{photo}: {n} face(s)")
NO_FACES = Text(nl="geen gezichten gevonden", en="no faces found")
KIND_CONSENT = Text(nl="toestemming", en="consent")
KIND_NO_CONSENT = Text(nl="GEEN toestemming", en="NO consent")
UNSURE = Text(nl="niet zeker", en="unsure")
UNKNOWN_FACE = Text(nl="onbekend gezicht", en="unknown face")
UNSURE_WHO = Text(nl="niet zeker wie", en="unsure who")
TOO_SMALL = Text(nl="te klein", en="too small")
NOT_A_CHILD = Text(nl="geen kind (volgens een persoon)", en="not a child (said by a person)")

# --- a video: one thumbnail per track (issue 15) ----------------------------------------------

TRACK_CAPTION = Text(
    nl="spoor {n}, {start}-{end} (beeld van {frame})",
    en="track {n}, {start}-{end} (frame at {frame})",
)
TRACK_ALT = Text(nl="{video}: spoor {n}, omkaderd", en="{video}: track {n}, boxed")
VIDEO_NO_TRACKS = Text(
    nl="video: in wat geanalyseerd is, is geen gezicht gezien",
    en="video: no face seen in what was analysed",
)
