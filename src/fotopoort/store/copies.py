"""Copies that are not the original bytes (stripped, redacted), and their approvals."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from fotopoort import __version__
from fotopoort.messages import audit as notes
from fotopoort.messages import render
from fotopoort.model import Action
from fotopoort.store.records import CopyApproval, CopyRecord, DerivedCopy, PlacedCopy
from fotopoort.store.retention import RetentionTables


class CopyTables(RetentionTables):
    def record_derived_copies(self, channel: str, kind: str, copies: Sequence[CopyRecord]) -> None:
        """Copies made for `channel` under the current snapshot."""
        now, snapshot = self.now(), self.require_snapshot().id
        with self.transaction():
            self.conn.executemany(
                "INSERT OR REPLACE INTO derived_copies (channel, kind, copy_sha256, "
                "original_sha256, rel, made_at, snapshot_id, faces, path) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        channel,
                        kind,
                        c.copy_sha256,
                        c.original_sha256,
                        c.rel,
                        now,
                        snapshot,
                        json.dumps(list(c.faces)),
                        c.path,
                    )
                    for c in copies
                ],
            )

    def placed_copies(self) -> list[PlacedCopy]:
        """The last copy recorded at each place in allowed/ (stripped or linked), and each
        approved redacted copy placed there that still holds."""
        rows = self.conn.execute(
            "SELECT channel, kind, path, copy_sha256 FROM derived_copies d "
            "WHERE path IS NOT NULL AND rowid = (SELECT e.rowid FROM derived_copies e "
            "WHERE e.path = d.path ORDER BY e.made_at DESC, e.rowid DESC LIMIT 1) ORDER BY path"
        ).fetchall()
        placed = [PlacedCopy(*row) for row in rows]
        placed += [
            PlacedCopy(a.channel, "redacted", a.placed_path, a.copy_sha256)
            for a in self.placed_copy_approvals()
            if a.placed_path is not None
        ]
        return placed

    def derived_copy(self, channel: str, kind: str, copy_sha256: str) -> DerivedCopy | None:
        """The copy with this content made for `channel`, the latest made from its original."""
        row = self.conn.execute(
            "SELECT original_sha256, rel, snapshot_id, made_at, faces FROM derived_copies "
            "WHERE channel = ? AND kind = ? AND copy_sha256 = ? ORDER BY made_at DESC LIMIT 1",
            (channel, kind, copy_sha256),
        ).fetchone()
        if row is None:
            return None
        latest = self.conn.execute(
            "SELECT copy_sha256 FROM derived_copies WHERE channel = ? AND kind = ? "
            "AND original_sha256 = ? ORDER BY made_at DESC, rowid DESC LIMIT 1",
            (channel, kind, row[0]),
        ).fetchone()
        faces = tuple(int(f) for f in json.loads(row[4])) if row[4] else ()
        return DerivedCopy(
            copy_sha256, row[0], row[1], int(row[2]), latest[0] == copy_sha256, faces
        )

    def approve_copy(self, channel: str, copy: DerivedCopy, by: str, note: str) -> None:
        """A person confirms a redacted copy may go out on `channel`: recorded, and in the
        audit trail with the copy's own sha256."""
        now = self.now()
        snapshot = self.require_snapshot()
        entry = {
            "tool_version": __version__,
            "action": Action.REVIEW_APPROVE_REDACTED.value,
            "actor": by,
            "photo_sha256": copy.copy_sha256,
            "path": copy.rel,
            "channel": channel,
            "grp": None,
            "decision": "allowed",
            "reasons": "[]",
            "faces": "[]",
            "snapshot_sha256": snapshot.snapshot.sha256,
            "thresholds": "{}",
            "note": _copy_note(copy.original_sha256, note),
        }
        with self.transaction():
            audit_id = self._append_audit(entry, now)
            self.conn.execute(
                "INSERT INTO copy_approvals (channel, copy_sha256, original_sha256, snapshot_id, "
                "by, note, at, faces, audit_id, rel) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    channel,
                    copy.copy_sha256,
                    copy.original_sha256,
                    snapshot.id,
                    by,
                    note,
                    now,
                    json.dumps(list(copy.faces)),
                    audit_id,
                    copy.rel,
                ),
            )

    _COPY_APPROVAL = (
        "SELECT id, channel, copy_sha256, original_sha256, faces, by, path, rel, settings, "
        "placed_at, placed_path, checked_snapshot_id, void_at FROM copy_approvals"
    )

    def _copy_approvals(self, where: str, args: Sequence[object]) -> list[CopyApproval]:
        try:
            rows = self.conn.execute(f"{self._COPY_APPROVAL} WHERE {where} ORDER BY id", args)
        except sqlite3.OperationalError:  # an older database opened read-only: none approved
            return []
        return [
            CopyApproval(
                int(r[0]),
                r[1],
                r[2],
                r[3],
                tuple(int(f) for f in json.loads(r[4])) if r[4] else (),
                r[5],
                r[6],
                r[7],
                r[8],
                r[9],
                r[10],
                None if r[11] is None else int(r[11]),
                r[12],
            )
            for r in rows.fetchall()
        ]

    def copy_approval(self, channel: str, original_sha256: str) -> CopyApproval | None:
        """The latest approval of a redacted copy of this content for `channel` that is not
        void."""
        rows = self._copy_approvals(
            "channel = ? AND original_sha256 = ? AND void_at IS NULL", (channel, original_sha256)
        )
        return rows[-1] if rows else None

    def copy_approvals(self, channel: str | None = None) -> list[CopyApproval]:
        """Every approval of a redacted copy (of `channel`)."""
        if channel is None:
            return self._copy_approvals("1", ())
        return self._copy_approvals("channel = ?", (channel,))

    def placed_copy_approvals(self, channel: str | None = None) -> list[CopyApproval]:
        """Approvals whose copy a sort placed in allowed/ and that still hold."""
        return [
            a for a in self.copy_approvals(channel) if a.placed_at is not None and a.void_at is None
        ]

    def placing_copy(
        self, approval_id: int, path: str, rel: str, settings: str, placed_path: str
    ) -> None:
        """A sort is about to place the approved copy in allowed/: from now on it may be out,
        so it is on the take-down list once it no longer holds (recorded before it is copied:
        an interrupted sort names too much, never too little)."""
        with self.transaction():
            self.conn.execute(
                "UPDATE copy_approvals SET placed_at = coalesce(placed_at, ?), path = ?, rel = ?, "
                "settings = ?, placed_path = ?, checked_snapshot_id = ? WHERE id = ?",
                (
                    self.now(),
                    path,
                    rel,
                    settings,
                    placed_path,
                    self.require_snapshot().id,
                    approval_id,
                ),
            )

    def copy_holds(self, approval_id: int) -> None:
        """The approval still holds under the current snapshot (verify trusts the copy)."""
        with self.transaction():
            self.conn.execute(
                "UPDATE copy_approvals SET checked_snapshot_id = ? WHERE id = ?",
                (self.require_snapshot().id, approval_id),
            )

    def void_copy_approval(self, approval_id: int) -> None:
        """For good, as for a photo's approval: a person approves the new copy, or not."""
        with self.transaction():
            self.conn.execute(
                "UPDATE copy_approvals SET void_at = ? WHERE id = ? AND void_at IS NULL",
                (self.now(), approval_id),
            )

    def copies_to_take_down(self) -> list[CopyApproval]:
        """Approved redacted copies that may be out and no longer hold: on the take-down list
        until a person says they are down."""
        return self._copy_approvals(
            "placed_at IS NOT NULL AND void_at IS NOT NULL AND down_at IS NULL", ()
        )

    def mark_copies_down(self, approvals: Sequence[CopyApproval], actor: str) -> None:
        with self.transaction():
            self.conn.executemany(
                "UPDATE copy_approvals SET down_at = ? WHERE id = ?",
                [(self.now(), a.id) for a in approvals],
            )
        for a in approvals:
            self.record_event(
                Action.TAKEN_DOWN,
                actor,
                render(notes.COPY_TAKEN_DOWN, "en", sha256=a.copy_sha256, channel=a.channel),
                path=a.path or "",
                channel=a.channel,
            )

    def copy_approved_by(self, channel: str, copy_sha256: str) -> str | None:
        """Who last approved the redacted copy with this content for `channel`, if anyone."""
        row = self.conn.execute(
            "SELECT by FROM copy_approvals WHERE channel = ? AND copy_sha256 = ? "
            "ORDER BY id DESC LIMIT 1",
            (channel, copy_sha256),
        ).fetchone()
        return None if row is None else str(row[0])

    def derived_copies(self, channel: str, kind: str) -> dict[str, frozenset[str]]:
        """original sha256 -> the copy sha256s made from it for `channel`."""
        out: dict[str, set[str]] = {}
        try:
            rows = self.conn.execute(
                "SELECT original_sha256, copy_sha256 FROM derived_copies "
                "WHERE channel = ? AND kind = ?",
                (channel, kind),
            ).fetchall()
        except sqlite3.OperationalError:  # an older database opened read-only: none made
            rows = []
        for orig, copy in rows:
            out.setdefault(orig, set()).add(copy)
        return {k: frozenset(v) for k, v in out.items()}


def _copy_note(original: str, note: str | None) -> str:
    """The audit note of an approved redacted copy, stored in English (messages/audit.py)."""
    if note:
        return render(notes.REDACTED_COPY_OF_NOTE, "en", sha256=original, note=note)
    return render(notes.REDACTED_COPY_OF, "en", sha256=original)
