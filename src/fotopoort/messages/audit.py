"""What an audit entry that is no photo decision says (import, enrol, forget, purge, take-down).

Such a note is stored in English, as the audit trail always held it (`render(X, "en", ...)`),
so the trail does not depend on the language a run spoke; `audit` shows it in the run's
language through `show`. A note stored by an older version is shown as it is.
"""

from __future__ import annotations

from fotopoort.lang import Lang
from fotopoort.messages import Reader, Text

IMPORTED = Text(
    nl="momentopname {id} uit {source}: {children} kinderen, {changes} wijzigingen, "
    "gezichtsencodings van {forgotten} kinderen verwijderd{older}",
    en="snapshot {id} from {source}: {children} children, {changes} changes, face encodings of "
    "{forgotten} children deleted{older}",
)
OLDER_OK = Text(nl=" (oudere export, --older-ok)", en=" (older export, --older-ok)")
ENROLLED = Text(
    nl="{photos} referentiefoto's van {children} kinderen ingeschreven{lifted}",
    en="{photos} reference photos of {children} children enrolled{lifted}",
)
LIFTED = Text(nl=", {n} daarvan eerder vergeten", en=", {n} of them forgotten before")
FORGOTTEN = Text(
    nl="een kind vergeten: {n} referentie-encodings verwijderd",
    en="a child forgotten: {n} reference encodings deleted",
)
TAKEN_DOWN = Text(
    nl="offline gehaald: niet langer {was} voor {channel}, nu {now}",
    en="taken down: no longer {was} for {channel}, now {now}",
)
COPY_TAKEN_DOWN = Text(
    nl="offline gehaald: de goedgekeurde afgedekte kopie {sha256} voor {channel}",
    en="taken down: the approved redacted copy {sha256} for {channel}",
)
REDACTED_COPY_OF = Text(nl="afgedekte kopie van {sha256}", en="redacted copy of {sha256}")
REDACTED_COPY_OF_NOTE = Text(
    nl="afgedekte kopie van {sha256}: {note}", en="redacted copy of {sha256}: {note}"
)
PURGED = Text(
    nl="{snapshots} toestemmingsmomentopnamen vervangen vóór {snapshots_before} ({children} "
    "namen en antwoorden van kinderen), {entries} auditregels van vóór {audit_before}, "
    "{copies} registraties van kopieën en {approvals} goedkeuringen van afgedekte kopieën "
    "gemaakt onder die of oudere verwijderde momentopnamen",
    en="{snapshots} consent snapshots replaced before {snapshots_before} ({children} children's "
    "names and answers), {entries} audit entries from before {audit_before}, {copies} records "
    "of copies and {approvals} approvals of redacted copies made under those or older purged "
    "snapshots",
)

# why `consents import` deleted a child's face encodings (store/snapshots.py)
FORGOT_NOT_IN_EXPORT = Text(
    nl="niet meer in de toestemmingsexport", en="no longer in the consent export"
)
FORGOT_WITHDRAWN = Text(
    nl="toestemming voor gezichtsherkenning ingetrokken",
    en="consent for face recognition withdrawn",
)

_READER = Reader(v for v in list(globals().values()) if isinstance(v, Text))


def show(stored: str, lang: Lang | None = None) -> str:
    """An audit note as stored (English) in `lang` (default: the run's language)."""
    return _READER.show(stored, lang)
