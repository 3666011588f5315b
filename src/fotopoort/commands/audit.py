"""`audit`: the trail, with each entry's reasons rendered in the interface language."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from fotopoort.messages import audit as notes
from fotopoort.messages.reasons import stored_reason_text
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


def _with_messages(store: Store, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each stored reason with its `message` in this run's language, children named from the
    current snapshot (the audit trail itself holds codes and numbers only). An entry written
    before reasons were codes keeps the message it stored."""
    current = store.current_snapshot()
    consents = current.snapshot if current is not None else None
    for entry in entries:
        if entry.get("note") and not entry.get("photo_sha256"):  # an event's note, not a person's
            entry["note"] = notes.show(entry["note"])
        entry["reasons"] = [
            {**r, "message": stored_reason_text(r, consents)} for r in entry["reasons"]
        ]
    return entries
