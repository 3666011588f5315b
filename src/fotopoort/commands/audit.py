"""`audit`: the trail, with each entry's reasons rendered in the interface language."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from fotopoort.messages import audit as notes
from fotopoort.messages.reasons import stored_reason_text
from fotopoort.model import Action
from fotopoort.store import (
    Store,
)


def audit(
    store: Store, since: str | None, photo: Path | None, child: str | None
) -> list[dict[str, Any]]:
    sha = path = None
    if photo is not None:
        path = str(photo.resolve())
        if photo.is_file():
            sha = hashlib.sha256(photo.read_bytes()).hexdigest()
    return _with_messages(
        store, store.audit_entries(since=since, photo_sha256=sha, path=path, child=child)
    )


# the actions whose note fotopoort writes (messages/audit.py); a review's note is a person's own
_NOTES_BY_FOTOPOORT = frozenset(
    a.value
    for a in (
        Action.IMPORT,
        Action.ENROLL,
        Action.FORGET,
        Action.PURGE,
        Action.TAKEN_DOWN,
        Action.REVIEW_APPROVE_REDACTED,
    )
)


def _with_messages(store: Store, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each stored reason with its `message` in this run's language, children named from the
    current snapshot (the audit trail itself holds codes and numbers only). An entry written
    before reasons were codes keeps the message it stored."""
    current = store.current_snapshot()
    consents = current.snapshot if current is not None else None
    for entry in entries:
        if entry.get("note") and entry.get("action") in _NOTES_BY_FOTOPOORT:
            entry["note"] = notes.show(entry["note"])
        entry["reasons"] = [
            {**r, "message": stored_reason_text(r, consents)} for r in entry["reasons"]
        ]
    return entries
