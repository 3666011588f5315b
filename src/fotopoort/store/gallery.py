"""Enrolment: reference encodings per child, the only table family that holds encodings."""

from __future__ import annotations

import hashlib

import numpy as np

from fotopoort.matching import Encoding
from fotopoort.store.decisions import DecisionTables
from fotopoort.store.records import EnrolledChild


class GalleryTables(DecisionTables):
    # --- enrolment ---------------------------------------------------------------------------

    def has_reference(self, child: str, photo_sha256: str) -> bool:
        row = self.conn.execute(
            "SELECT 1 FROM references_ WHERE child = ? AND photo_sha256 = ?", (child, photo_sha256)
        ).fetchone()
        return row is not None

    def add_reference(
        self,
        child: str,
        photo_sha256: str,
        name: str,
        encoding: Encoding,
        path: str | None = None,
    ) -> None:
        blob = np.asarray(encoding, dtype="<f8").tobytes()
        with self.transaction():
            self.conn.execute(
                "INSERT OR IGNORE INTO references_ (child, photo_sha256, photo_name, encoding, "
                "enrolled_at, photo_path) VALUES (?,?,?,?,?,?)",
                (child, photo_sha256, name, blob, self.now(), path),
            )

    def reference_encodings(self) -> dict[str, list[Encoding]]:
        """Every enrolled child's reference encodings, for matching only."""
        out: dict[str, list[Encoding]] = {}
        for child, blob in self.conn.execute(
            "SELECT child, encoding FROM references_ ORDER BY child, id"
        ):
            out.setdefault(child, []).append(np.frombuffer(blob, dtype="<f8").astype(np.float64))
        return out

    def reference_dates(self) -> dict[str, list[str]]:
        """Per enrolled child, when each of its references was enrolled (ISO timestamps)."""
        out: dict[str, list[str]] = {}
        for child, at in self.conn.execute(
            "SELECT child, enrolled_at FROM references_ ORDER BY child, id"
        ):
            out.setdefault(child, []).append(at)
        return out

    def gallery_version(self) -> str:
        """Changes whenever a reference is added or removed (part of the cache key)."""
        row = self.conn.execute(
            "SELECT count(*), coalesce(group_concat(child || ':' || photo_sha256, ','), '') "
            "FROM (SELECT child, photo_sha256 FROM references_ ORDER BY child, photo_sha256)"
        ).fetchone()
        return hashlib.sha256(f"{row[0]}|{row[1]}".encode()).hexdigest()[:16]

    def enrolled_children(self) -> list[str]:
        return [
            r[0] for r in self.conn.execute("SELECT DISTINCT child FROM references_ ORDER BY 1")
        ]

    def enrolled(self) -> list[EnrolledChild]:
        return [
            EnrolledChild(child, int(n), first, last)
            for child, n, first, last in self.conn.execute(
                "SELECT child, count(*), min(enrolled_at), max(enrolled_at) FROM references_ "
                "GROUP BY child ORDER BY child"
            )
        ]

    def _delete_child_data(self, child: str) -> int:
        n = self.conn.execute("DELETE FROM references_ WHERE child = ?", (child,)).rowcount
        # cached analyses that name the child (identities and distances, not encodings)
        self.conn.execute(
            "DELETE FROM analyses WHERE EXISTS (SELECT 1 FROM json_each(result, '$.faces') "
            "WHERE json_extract(value, '$.child') = ? "
            "OR json_extract(value, '$.note.nearest') = ?)",
            (child, child),
        )
        # unfinished videos: their faces' identities and encodings (a rerun starts them over)
        self.conn.execute("DELETE FROM video_segments")
        return int(n)
