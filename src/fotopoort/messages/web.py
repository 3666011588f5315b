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

SERVING = Text(
    nl="beoordelingspagina: {url}  (Ctrl-C stopt hem)", en="review page: {url}  (Ctrl-C stops it)"
)
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

# --- the page itself (templates/review.html, forbidden.html) --------------------------------------

PAGE_TITLE = Text(nl="fotopoort review ({n} wachtend)", en="fotopoort review ({n} waiting)")
HEADING = Text(
    nl="fotopoort: foto's die op een persoon wachten", en="fotopoort: photos waiting for review"
)
YOUR_NAME = Text(
    nl="Uw naam (komt in het auditlogboek):", en="Your name (goes in the audit trail):"
)
SAVE = Text(nl="Bewaar", en="Save")
CHANGE = Text(nl="Wijzig", en="Change")
KEYS = Text(nl="Toetsen:", en="Keys:")
KEY_NEXT = Text(nl="volgende/vorige foto", en="next/previous photo")
KEY_CHILD = Text(nl="kies het kind voor dat gezicht", en="choose the child for that face")
KEY_APPROVE = Text(nl="keur goed voor het eerste kanaal", en="approve for the first channel")
KEY_HELP = Text(nl="deze hulp", en="this help")
NAME_ABOVE = Text(
    nl="Typ hierboven uw naam voordat u iets beslist.",
    en="Type your name above before you decide anything.",
)
NOTHING_WAITS = Text(nl="Er wacht niets op een persoon.", en="Nothing waits for review.")
WAITS_ONE = Text(nl="wacht voor 1 kanaal", en="waits for 1 channel")
WAITS_MANY = Text(nl="wacht voor {n} kanalen", en="waits for {n} channels")
PHOTO_ALT = Text(nl="{photo}, gezichten genummerd", en="{photo}, faces numbered")
FACES = Text(nl="Gezichten", en="Faces")
NO_FACE = Text(nl="Geen gezicht gevonden.", en="No face found.")
FACE_N = Text(nl="gezicht {n}: {what}", en="face {n}: {what}")
WHO_IS_FACE = Text(nl="wie is gezicht {n}", en="who is face {n}")
WHO_IS_IT = Text(nl="wie is het?", en="who is it?")
NOTE = Text(nl="notitie (niet verplicht)", en="note (optional)")
NAME_BUTTON = Text(nl="Benoem", en="Name")
APPROVE = Text(nl="Goedkeuren", en="Approve")
MAY_GO_OUT = Text(nl="Mag op {channel}", en="May go out on {channel}")
FORBIDDEN_TITLE = Text(nl="fotopoort: geen toegang", en="fotopoort: not allowed")
FORBIDDEN = Text(nl="Geen toegang", en="Not allowed")
FORBIDDEN_HOW = Text(
    nl="Open de link die fotopoort review serve liet zien, in de browser waarin u de review "
    "doet. Die link werkt één keer; om de pagina in een andere browser te openen, stop de "
    "server (Ctrl-C) en start hem opnieuw.",
    en="Open the link that fotopoort review serve printed, in the browser you use for the "
    "review. That link works once; to open the page in another browser, stop the server "
    "(Ctrl-C) and start it again.",
)

# --- what the page says of a face -----------------------------------------------------------------

FACE_STATUS = {
    "identified": Text(nl="herkend", en="recognised"),
    "assigned": Text(nl="aangewezen door een persoon", en="named by a person"),
    "not_a_child": Text(
        nl="geen kind / niet herkenbaar, volgens een persoon",
        en="not a child / not recognisable, said by a person",
    ),
    "ambiguous": Text(
        nl="niet zeker wie (lijkt op meer dan één kind)",
        en="not sure who (looks like more than one child)",
    ),
    "unknown": Text(nl="niet herkend", en="not identified"),
    "too_small": Text(nl="te klein om te herkennen", en="too small to recognise"),
}
NAMED_BY_STATUS = Text(nl="{name}: {status}", en="{name}: {status}")
# a face a person named as one child that fotopoort recognises as another
RECOGNISED_OTHER = Text(
    nl="{name}: aangewezen door een persoon, maar fotopoort herkent {other}: kijk nog eens",
    en="{name}: named by a person, but fotopoort recognises {other}: look again",
)

# --- a video in review: one image per track (issue 15) -------------------------------------------

TRACK_LABEL = Text(nl="spoor {n}, {start}-{end}", en="track {n}, {start}-{end}")
TRACK_N = Text(nl="{track}: {what}", en="{track}: {what}")
TRACK_ALT = Text(
    nl="{video}: {track}, het beeld waarin het gezicht het grootst is, omkaderd",
    en="{video}: {track}, the frame where the face is largest, boxed",
)
VIDEO_NO_TRACK = Text(
    nl="Een video zonder sporen om te tonen: de redenen zeggen waarom hij wacht.",
    en="A video without a track to show: the reasons say why it waits.",
)
