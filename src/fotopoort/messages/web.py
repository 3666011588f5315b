"""The review page's texts (`fotopoort review serve`), and those of the review actions it shares
with the CLI: a face that is not a child, a redacted copy asked for from the page."""

from __future__ import annotations

from fotopoort.messages import Text

# --- a face that is not a child / not recognisable -----------------------------------------------

NOT_A_CHILD = Text(nl="geen kind / niet herkenbaar", en="not a child / not recognisable")
NOT_A_CHILD_BUTTON = Text(nl="Geen kind / niet herkenbaar", en="Not a child / not recognisable")
NOT_A_CHILD_HINT = Text(
    nl="een volwassene, of een gezicht waaraan niemand te herkennen is: daar geldt geen "
    "toestemming voor",
    en="an adult, or a face nobody can be recognised by: no consent applies to it",
)
NOT_A_CHILD_DONE = Text(
    nl="gezicht {face}: geen kind / niet herkenbaar; {outcome}",
    en="face {face}: not a child / not recognisable; {outcome}",
)
NOT_A_CHILD_OPTION = Text(
    nl="Het gezicht is geen kind van de school (een volwassene), of niemand is eraan te "
    "herkennen: er geldt geen toestemming voor.",
    en="The face is no child of the school (an adult, say), or nobody can be recognised by "
    "it: no consent applies to it.",
)
CHILD_OR_NOT = Text(
    nl="review assign: geef --child NR of --not-a-child (één van beide)",
    en="review assign: give either --child NR or --not-a-child",
)

# --- the redacted copy, asked for from the page ---------------------------------------------------

REDACT_BUTTON = Text(nl="Vraag de afgedekte kopie", en="Ask for the redacted copy")
REDACT_DONE = Text(
    nl="afgedekte kopie voor {channel} gemaakt (gezicht {faces} afgedekt): bekijk hem, en keur "
    "hem goed of niet",
    en="redacted copy for {channel} made (face {faces} covered): look at it, then approve it "
    "or not",
)
NOT_REDACTABLE = Text(
    nl="{photo}: geen afgedekte kopie voor {channel}: alleen een foto die alleen om zijn "
    "gezichten wordt tegengehouden kan worden afgedekt",
    en="{photo}: no redacted copy for {channel}: only a photo held back by its faces alone can "
    "be redacted",
)
REDACT_FAILED = Text(
    nl="{photo}: kan niet worden afgedekt: {why}", en="{photo}: cannot be redacted: {why}"
)
REDACTED_HEADING = Text(nl="Afgedekte kopie voor {channel}", en="Redacted copy for {channel}")
REDACTED_ALT = Text(
    nl="{photo}, afgedekte kopie voor {channel}", en="{photo}, redacted copy for {channel}"
)
REDACTED_LOOK = Text(
    nl="Is er nog iemand zonder toestemming te herkennen, aan kleding, haar of wat er om hem "
    "heen is? Keur hem dan niet goed.",
    en="Can anyone without consent still be recognised, by clothes, hair or what is around "
    "them? Then do not approve it.",
)
REDACTED_APPROVE_BUTTON = Text(
    nl="Afgedekte kopie mag op {channel}", en="The redacted copy may go out on {channel}"
)
REDACTED_APPROVED = Text(
    nl="afgedekte kopie goedgekeurd voor {channel} (sha256 {sha256})",
    en="redacted copy approved for {channel} (sha256 {sha256})",
)
REDACTED_APPROVED_BY = Text(nl="goedgekeurd door {by}", en="approved by {by}")
NO_SUCH_COPY = Text(
    nl="die afgedekte kopie is er niet (meer): vraag hem opnieuw",
    en="that redacted copy is not there (any more): ask for it again",
)

# --- why the page's server stopped (`review serve`: "review page {why}") --------------------------

STOPPED = Text(nl="gestopt", en="stopped")
STOPPED_IDLE = Text(
    nl="gestopt na {minutes} min zonder gebruik", en="stopped after {minutes} min without use"
)
STOPPED_CTRL_C = Text(nl="gestopt (Ctrl-C)", en="stopped (Ctrl-C)")

# --- what the page says after an action, and when it refuses one ---------------------------------

NAME_FIRST = Text(
    nl="Typ uw naam: die komt bij elke beslissing in het auditlogboek.",
    en="Type your name: it goes in the audit trail with every decision.",
)
NAME_FIRST_SHORT = Text(
    nl="typ eerst uw naam: die komt in het auditlogboek",
    en="type your name first: it goes in the audit trail",
)
CHOOSE_A_CHILD = Text(
    nl="gezicht {face}: kies een kind uit de lijst", en="face {face}: choose a child from the list"
)
EXPECTED_NUMBER = Text(
    nl="{what}: verwacht een getal, kreeg {value!r}", en="{what}: expected a number, got {value!r}"
)
NO_SUCH_PHOTO = Text(nl="deze foto is er niet", en="no such photo")
PHOTO_CHANGED_OR_GONE = Text(
    nl="die foto is gewijzigd of weg sinds de controle: controleer hem opnieuw",
    en="that photo changed or is gone since it was checked: check it again",
)
FACE_NAMED = Text(nl="gezicht {face} benoemd; {outcome}", en="face {face} named; {outcome}")
APPROVED_FOR = Text(
    nl="goedgekeurd voor {channel}; {outcome}", en="approved for {channel}; {outcome}"
)
NOTHING_CHANGED = Text(nl="er is niets veranderd", en="nothing changed")
NOW = Text(nl="{photo}: nu {verdicts}", en="{photo}: now {verdicts}")
