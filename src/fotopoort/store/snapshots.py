"""Consent snapshots: each imported export, whole, so a decision can name what it rested on."""

from __future__ import annotations

from datetime import date

from fotopoort.channels import Channel
from fotopoort.errors import StoreError
from fotopoort.messages import audit as notes
from fotopoort.messages import errors as E
from fotopoort.model import ChildConsent, ConsentSnapshot
from fotopoort.store.gallery import GalleryTables
from fotopoort.store.records import ImportOutcome, StoredSnapshot


class SnapshotTables(GalleryTables):
    # --- consent snapshots -----------------------------------------------------------------

    def current_snapshot(self) -> StoredSnapshot | None:
        row = self.conn.execute("SELECT id FROM snapshots ORDER BY id DESC LIMIT 1").fetchone()
        return self.snapshot(row[0]) if row else None

    def require_snapshot(self) -> StoredSnapshot:
        current = self.current_snapshot()
        if current is None:
            raise StoreError(E.NO_EXPORT_YET)
        return current

    def snapshot(self, snapshot_id: int) -> StoredSnapshot:
        row = self.conn.execute(
            "SELECT sha256, source, imported_at, export_date FROM snapshots WHERE id = ?",
            (snapshot_id,),
        ).fetchone()
        if row is None:
            raise StoreError(E.NO_SNAPSHOT, id=snapshot_id)
        purged = self.conn.execute(
            "SELECT purged_at FROM snapshots WHERE id = ?", (snapshot_id,)
        ).fetchone()[0]
        if purged is not None:
            raise StoreError(E.SNAPSHOT_PURGED, id=snapshot_id, day=purged[:10])
        sha, source, imported_at, export_date = row
        granted: dict[str, set[Channel]] = {}
        unanswered: dict[str, set[Channel]] = {}
        for child, channel, yes, never in self.conn.execute(
            "SELECT child, channel, granted, unanswered FROM snapshot_consents "
            "WHERE snapshot_id = ?",
            (snapshot_id,),
        ):
            if yes:
                granted.setdefault(child, set()).add(Channel(channel))
            elif never:
                unanswered.setdefault(child, set()).add(Channel(channel))
        children = {
            child: ChildConsent(
                child,
                name,
                grp,
                frozenset(granted.get(child, ())),
                bool(bio),
                frozenset(unanswered.get(child, ())),
                bool(bio_never),
            )
            for child, name, grp, bio, bio_never in self.conn.execute(
                "SELECT child, first_name, grp, biometric, biometric_unanswered "
                "FROM snapshot_children WHERE snapshot_id = ? ORDER BY child",
                (snapshot_id,),
            )
        }
        snap = ConsentSnapshot(
            sha256=sha,
            source=source,
            export_date=date.fromisoformat(export_date) if export_date else None,
            children=children,
        )
        return StoredSnapshot(snapshot_id, imported_at, snap)

    def snapshots(self) -> list[tuple[int, str, str, str]]:
        """(id, sha256, source, imported_at), oldest first."""
        return [
            (int(r[0]), r[1], r[2], r[3])
            for r in self.conn.execute(
                "SELECT id, sha256, source, imported_at FROM snapshots ORDER BY id"
            )
        ]

    def is_current(self, snap: ConsentSnapshot) -> bool:
        """The same file read with the same policy as the current snapshot (after a change to
        the column mapping in consents.yaml the same file gives other answers)."""
        current = self.current_snapshot()
        return (
            current is not None
            and current.snapshot.sha256 == snap.sha256
            and dict(current.snapshot.children) == dict(snap.children)
        )

    def import_snapshot(
        self, snap: ConsentSnapshot, channels: tuple[Channel, ...]
    ) -> ImportOutcome:
        """Store `snap` as the current snapshot; delete encodings it no longer allows."""
        current = self.current_snapshot()
        if current is not None and self.is_current(snap):
            return ImportOutcome(current, already_current=True, forgotten=())
        with self.transaction():
            cur = self.conn.execute(
                "INSERT INTO snapshots (sha256, source, imported_at, export_date) VALUES (?,?,?,?)",
                (
                    snap.sha256,
                    snap.source,
                    self.now(),
                    snap.export_date.isoformat() if snap.export_date else None,
                ),
            )
            sid = int(cur.lastrowid or 0)
            self.conn.executemany(
                "INSERT INTO snapshot_children (snapshot_id, child, first_name, grp, biometric, "
                "biometric_unanswered) VALUES (?,?,?,?,?,?)",
                [
                    (
                        sid,
                        c.child,
                        c.first_name,
                        c.group,
                        int(c.biometric),
                        int(c.biometric_unanswered),
                    )
                    for c in snap.children.values()
                ],
            )
            self.conn.executemany(
                "INSERT INTO snapshot_consents (snapshot_id, child, channel, granted, unanswered) "
                "VALUES (?,?,?,?,?)",
                [
                    (sid, c.child, ch.value, int(c.allows(ch)), int(ch in c.unanswered))
                    for c in snap.children.values()
                    for ch in channels
                ],
            )
            forgotten: list[tuple[str, str]] = []
            for child in self.enrolled_children():
                consent = snap.children.get(child)
                if consent is None:
                    why = notes.FORGOT_NOT_IN_EXPORT.en
                elif not consent.biometric:
                    why = notes.FORGOT_WITHDRAWN.en
                else:
                    continue
                self._delete_child_data(child)
                forgotten.append((child, why))
        return ImportOutcome(self.snapshot(sid), already_current=False, forgotten=tuple(forgotten))
