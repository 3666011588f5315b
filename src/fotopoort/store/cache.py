"""The analysis cache, by content hash and settings."""

from __future__ import annotations

import json

from fotopoort.store.review import ReviewTables


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
