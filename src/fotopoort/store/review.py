"""What people said in review: faces named, photos approved per channel."""

from __future__ import annotations

import json

from fotopoort.channels import Channel
from fotopoort.model import Approval, Assignment
from fotopoort.store.snapshots import SnapshotTables


class ReviewTables(SnapshotTables):
    # --- human review -------------------------------------------------------------------------

    def add_assignment(self, sha256: str, face: int, child: str | None, by: str, note: str) -> None:
        """A person's word on face `face`: who it is, or (child None) that it is not a child /
        not recognisable. The latest word per face holds. Older fotopoorts read a NULL child
        as a face nobody named, which sends the photo to review: safe."""
        with self.transaction():
            self.conn.execute(
                "INSERT INTO reviews (photo_sha256, kind, face, child, by, note, at) "
                "VALUES (?, 'assign', ?, ?, ?, ?, ?)",
                (sha256, face, child, by, note, self.now()),
            )

    def add_approval(self, sha256: str, approval: Approval, group: str | None) -> None:
        with self.transaction():
            self.conn.execute(
                "INSERT INTO reviews (photo_sha256, kind, channel, grp, consents, by, note, at) "
                "VALUES (?, 'approve', ?, ?, ?, ?, ?, ?)",
                (
                    sha256,
                    approval.channel.value,
                    group or "",
                    json.dumps(approval.consents),
                    approval.by,
                    approval.note,
                    self.now(),
                ),
            )

    def assignments(self, sha256: str) -> list[Assignment]:
        """The latest assignment per face of a photo with this content."""
        latest: dict[int, Assignment] = {}
        for face, child, by in self.conn.execute(
            "SELECT face, child, by FROM reviews WHERE photo_sha256 = ? AND kind = 'assign' "
            "ORDER BY id",
            (sha256,),
        ):
            latest[int(face)] = Assignment(int(face), child, by)
        return [latest[k] for k in sorted(latest)]

    def approval(self, sha256: str, channel: Channel, group: str | None) -> Approval | None:
        row = self.conn.execute(
            "SELECT by, note, consents, id, void_at FROM reviews WHERE photo_sha256 = ? "
            "AND kind = 'approve' AND channel = ? AND grp = ? ORDER BY id DESC LIMIT 1",
            (sha256, channel.value, group or ""),
        ).fetchone()
        if row is None:
            return None
        pairs = tuple((str(c), bool(a)) for c, a in json.loads(row[2]))
        return Approval(channel, row[0], row[1], pairs, id=int(row[3]), void=row[4] is not None)

    def void_approval(self, approval_id: int) -> None:
        with self.transaction():
            self.conn.execute(
                "UPDATE reviews SET void_at = ? WHERE id = ? AND void_at IS NULL",
                (self.now(), approval_id),
            )

    def names_of(self, child: str) -> list[str]:
        """Every first name any snapshot gave this child."""
        return [
            r[0]
            for r in self.conn.execute(
                "SELECT DISTINCT first_name FROM snapshot_children WHERE child = ? "
                "AND first_name != ''",
                (child,),
            )
        ]
