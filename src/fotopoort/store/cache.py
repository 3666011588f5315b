"""The analysis cache, by content hash and settings, and the finished segments of a video whose
analysis is unfinished (with the encodings of the faces in them: biometric data, kept only
until the video is done)."""

from __future__ import annotations

import json
from datetime import timedelta

from fotopoort.store.review import ReviewTables

SEGMENTS_KEPT = timedelta(days=7)  # a video interrupted longer ago starts over


class CacheTables(ReviewTables):
    # --- analysis cache (content hashes are not cached: every run hashes what it reads) ---

    def cached_analysis(self, sha256: str, settings: str) -> dict[str, object] | None:
        row = self.conn.execute(
            "SELECT result FROM analyses WHERE sha256 = ? AND settings = ?", (sha256, settings)
        ).fetchone()
        return dict(json.loads(row[0])) if row else None

    def remember_analysis(self, sha256: str, settings: str, result: dict[str, object]) -> None:
        with self.transaction():
            self.conn.execute(
                "INSERT OR REPLACE INTO analyses VALUES (?,?,?)",
                (sha256, settings, json.dumps(result, sort_keys=True)),
            )

    # --- segments of an unfinished video (issue 15) ---

    def video_segments(self, sha256: str, settings: str) -> dict[int, tuple[str, bytes]]:
        """The finished segments of the video with these bytes and settings: index -> (the
        faces as JSON, their encodings)."""
        rows = self.conn.execute(
            "SELECT segment, result, encodings FROM video_segments "
            "WHERE sha256 = ? AND settings = ?",
            (sha256, settings),
        ).fetchall()
        return {int(i): (str(result), bytes(blob)) for i, result, blob in rows}

    def remember_segment(
        self, sha256: str, settings: str, segment: int, path: str, result: str, encodings: bytes
    ) -> None:
        with self.transaction():
            self.conn.execute(
                "INSERT OR REPLACE INTO video_segments VALUES (?,?,?,?,?,?,?)",
                (sha256, settings, segment, path, result, encodings, self.now()),
            )

    def drop_stale_segments(self, settings: str, max_age: timedelta = SEGMENTS_KEPT) -> None:
        """Delete the segments kept under other settings (another gallery: enrolment changed)
        or for longer than `max_age`: an unfinished video's encodings are not kept for a run
        that will not finish it."""
        before = (self._clock() - max_age).isoformat(timespec="seconds")
        with self.transaction():
            self.conn.execute(
                "DELETE FROM video_segments WHERE settings != ? OR at < ?", (settings, before)
            )

    def drop_segments(self, path: str, keep: tuple[str, str] | None = None) -> None:
        """Delete the segments kept for the file at `path` and for the bytes of `keep`'s sha256,
        except those of `keep` (sha256, settings): a file that changed, or settings that did,
        start over, and what was kept for them goes."""
        with self.transaction():
            self._drop_segments(path, keep)

    def _drop_segments(self, path: str, keep: tuple[str, str] | None) -> None:
        if keep is None:
            self.conn.execute("DELETE FROM video_segments WHERE path = ?", (path,))
            return
        sha, settings = keep
        self.conn.execute(
            "DELETE FROM video_segments WHERE (path = ? OR sha256 = ?) "
            "AND NOT (sha256 = ? AND settings = ?)",
            (path, sha, sha, settings),
        )

    def finish_video(
        self, sha256: str, settings: str, path: str, result: dict[str, object]
    ) -> None:
        """The video's analysis into the cache and its segments out, in one transaction: from
        here on, no encoding of a face in it is kept."""
        with self.transaction():
            self.conn.execute(
                "INSERT OR REPLACE INTO analyses VALUES (?,?,?)",
                (sha256, settings, json.dumps(result, sort_keys=True)),
            )
            self.conn.execute(
                "DELETE FROM video_segments WHERE sha256 = ? OR path = ?", (sha256, path)
            )
