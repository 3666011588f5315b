"""Texts about copies: approved redacted copies in allowed/, hard links, verify's findings."""

from __future__ import annotations

from fotopoort.messages import Text

# why an approved redacted copy is not placed in allowed/ by this sort
NOT_READABLE = Text(
    nl="de foto is niet te lezen zoals hij gecontroleerd is",
    en="the photo cannot be read as it was checked",
)
CHANGED = Text(
    nl="veranderd tijdens de controle",
    en="changed while it was checked",
)
NOT_THE_APPROVED_COPY = Text(
    nl="opnieuw gemaakt is het niet de kopie die is goedgekeurd (sort --redact, keur opnieuw goed)",
    en="made again, it is not the copy that was approved (sort --redact, approve again)",
)
NOT_PLACED = Text(
    nl="goedgekeurde afgeschermde kopie niet in allowed/ gezet: {why}",
    en="approved redacted copy not placed in allowed/: {why}",
)

# why an approved redacted copy no longer holds (the take-down list, verify)
VISIBLE_WITHOUT_CONSENT = Text(
    nl="gezicht {faces} is zichtbaar in de goedgekeurde afgeschermde kopie en heeft geen "
    "toestemming meer voor {channel}",
    en="face {faces} is visible in the approved redacted copy and no longer has consent for "
    "{channel}",
)
NO_ANALYSIS = Text(
    nl="de analyse van de foto is weg: niet meer aan te tonen dat de afgeschermde kopie mag",
    en="the photo's analysis is gone: the redacted copy can no longer be shown to be allowed",
)
REDACTED_COPY = Text(nl="afgeschermde kopie", en="redacted copy")

# sort
SORT_LINK = Text(
    nl="Harde links in plaats van volledige kopieën waar OUT op het bestandssysteem van de foto's "
    "staat en een kopie niet hoeft te veranderen (niet voor kanalen die metadata verwijderen). "
    "Een link is het origineel: wie het origineel bewerkt, bewerkt de kopie in OUT (verify "
    "vindt dat).",
    en="Hard links instead of full copies where OUT is on the photos' file system and a copy "
    "needs no change (not for channels that strip metadata). A link is the original: editing "
    "the original edits the copy in OUT (verify finds it).",
)
PLACED = Text(
    nl="{channel:<10} {count:>4} goedgekeurde afgeschermde kopieën in allowed/",
    en="{channel:<10} {count:>4} approved redacted copies in allowed/",
)

# verify
COPY_VOID = Text(
    nl="een goedgekeurde afgeschermde kopie die niet meer mag (een zichtbaar kind trok "
    "toestemming in): haal hem offline en draai `fotopoort recheck`",
    en="an approved redacted copy that may no longer go out (a visible child withdrew "
    "consent): take it down and run `fotopoort recheck`",
)
COPY_OLDER = Text(
    nl="goedgekeurde afgeschermde kopie, het laatst gecontroleerd onder een oudere "
    "toestemmingsexport: draai `fotopoort recheck` of sort opnieuw",
    en="approved redacted copy last checked under an older consent export: run `fotopoort "
    "recheck` or sort again",
)

# recheck
COPY_CHANGED = Text(
    nl="kopie veranderd sinds de beslissing: {path} ({channel}): niet publiceren, sort opnieuw",
    en="copy changed since it was decided: {path} ({channel}): do not publish it, sort again",
)

# --- what `verify` finds in an output folder (commands/verify.py) ---------------------------------

A_LINK = Text(
    nl="een link, geen kopie die fotopoort maakte", en="a link, not a copy fotopoort made"
)
NOT_A_FILE = Text(nl="geen gewoon bestand", en="not a regular file")
UNREADABLE_FILE = Text(nl="kan niet gelezen worden", en="cannot be read")
NEVER_DECIDED = Text(
    nl="inhoud die fotopoort nooit voor dit kanaal besliste (sindsdien gewijzigd of toegevoegd?)",
    en="content fotopoort never decided for this channel (changed or added since?)",
)
NOT_ALLOWED_NOW = Text(
    nl="niet toegestaan onder de huidige toestemmingsexport (besloten: {verdicts})",
    en="not allowed under the current consent export (decided {verdicts})",
)
DECIDED_UNDER_OLDER = Text(
    nl="besloten onder een oudere toestemmingsexport: draai `fotopoort recheck` of sort opnieuw",
    en="decided under an older consent export: run `fotopoort recheck` or sort again",
)

# a redacted copy on the take-down list whose approval was voided (commands/recheck.py)
APPROVAL_VOID = Text(nl="goedkeuring vervallen", en="approval void")
