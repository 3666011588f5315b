"""Decisions and the append-only audit trail."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from fotopoort import __version__
from fotopoort.model import Action
from fotopoort.store.base import StoreBase
from fotopoort.store.records import DecisionRecord, PreviousDecision
from fotopoort.store.values import _dumps


class DecisionTables(StoreBase):
    # --- decisions and the audit trail ----------------------------------------------------

    def record_decisions(
        self, records: Sequence[DecisionRecord], *, provisional: bool = False
    ) -> int:
        """Remember the latest decision per photo and channel; append to the audit trail every
        decision that differs from the one recorded before. Returns audit entries added.

        `provisional` (sort, before its copies are in place): the basis becomes "allowed" when
        the photo was or is allowed, else stays; `settle_basis` sets it once the copies are."""
        added = 0
        now = self.now()
        with self.transaction():
            for r in records:
                previous = self.conn.execute(
                    "SELECT a.photo_sha256, a.decision, a.reasons, a.snapshot_sha256, "
                    "a.thresholds, a.faces, a.tool_version, a.id, d.basis, d.shown "
                    "FROM decisions d JOIN audit a ON a.id = d.audit_id "
                    "WHERE d.path = ? AND d.channel = ? AND d.grp = ?",
                    (r.path, r.channel, r.group or ""),
                ).fetchone()
                entry = self._audit_values(r)
                same = previous is not None and previous[:7] == (
                    r.sha256,
                    r.decision,
                    entry["reasons"],
                    r.snapshot_sha256,
                    entry["thresholds"],
                    entry["faces"],
                    __version__,
                )
                if same and r.action is not Action.REVIEW:
                    audit_id = int(previous[7])
                else:
                    audit_id = self._append_audit(entry, now)
                    added += 1
                # The basis is what may have gone out. A recheck does not change it; a check,
                # sort or review raises it to allowed, but never lowers it from allowed: a
                # copy of a photo allowed once may be on the website, and a later sort that
                # removes OUT's copy cannot take that one down. Only a person can
                # (`recheck --done` / `--all-gone`, mark_taken_down).
                basis = previous[8] if previous and r.action is Action.RECHECK else r.decision
                if previous and previous[8] == "allowed":
                    basis = "allowed"
                if provisional and previous and r.decision != "allowed":
                    basis = previous[8]
                # a recheck keeps the path as it was given by the check before it
                shown = r.shown or (previous[9] if previous else None)
                self.conn.execute(
                    "INSERT OR REPLACE INTO decisions (path, channel, grp, rel, sha256, settings, "
                    "decision, basis, snapshot_id, decided_at, audit_id, shown) "
                    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                    (
                        r.path,
                        r.channel,
                        r.group or "",
                        r.rel,
                        r.sha256,
                        r.settings,
                        r.decision,
                        basis,
                        r.snapshot_id,
                        now,
                        audit_id,
                        shown,
                    ),
                )
        return added

    @staticmethod
    def _audit_values(r: DecisionRecord) -> dict[str, Any]:
        return {
            "tool_version": __version__,
            "action": r.action.value,
            "actor": r.actor,
            "photo_sha256": r.sha256,
            "path": r.path,
            "channel": r.channel,
            "grp": r.group,
            "decision": r.decision,
            "reasons": _dumps(r.reasons),
            "faces": _dumps(r.faces),
            "snapshot_sha256": r.snapshot_sha256,
            "thresholds": _dumps(r.thresholds),
            "note": r.note,
        }

    def _append_audit(self, entry: dict[str, Any], now: str) -> int:
        columns = ["at", *entry]
        cur = self.conn.execute(
            f"INSERT INTO audit ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            [now, *entry.values()],
        )
        return int(cur.lastrowid or 0)

    def decided_contents(self, channel: str) -> dict[str, set[tuple[str, int]]]:
        """sha256 -> {(latest decision, snapshot id)} over the photos decided for `channel`."""
        out: dict[str, set[tuple[str, int]]] = {}
        for sha, decision, sid in self.conn.execute(
            "SELECT sha256, decision, snapshot_id FROM decisions WHERE channel = ?", (channel,)
        ):
            out.setdefault(sha, set()).add((decision, int(sid)))
        return out

    def settle_basis(self, keys: Sequence[tuple[str, str, str | None]]) -> None:
        """(path, channel, group): the copies are in place, so the decision is the basis."""
        with self.transaction():
            self.conn.executemany(
                "UPDATE decisions SET basis = decision WHERE path = ? AND channel = ? AND grp = ? "
                "AND basis != 'allowed'",  # lowered only by a person: see record_decisions
                [(path, channel, group or "") for path, channel, group in keys],
            )

    def previous_decisions(self, channel: str | None = None) -> list[PreviousDecision]:
        query = (
            "SELECT path, rel, channel, grp, sha256, settings, decision, basis, shown "
            "FROM decisions"
            + (" WHERE channel = ?" if channel else "")
            + " ORDER BY path, channel, grp"
        )
        return [
            PreviousDecision(path, rel, ch, grp or None, sha, settings, decision, basis, shown)
            for path, rel, ch, grp, sha, settings, decision, basis, shown in self.conn.execute(
                query, (channel,) if channel else ()
            )
        ]

    def audit_entries(
        self,
        *,
        since: str | None = None,
        photo_sha256: str | None = None,
        path: str | None = None,
        child: str | None = None,
    ) -> list[dict[str, Any]]:
        where, args = [], []
        if since:
            where.append("at >= ?")
            args.append(since)
        if photo_sha256 or path:
            where.append("(photo_sha256 = ? OR path = ?)")
            args += [photo_sha256 or "", path or ""]
        if child:
            where.append(
                "EXISTS (SELECT 1 FROM json_each(faces) WHERE json_extract(value, '$.child') = ?)"
            )
            args.append(child)
        out = []
        for entry in self.db["audit"].rows_where(" AND ".join(where) or None, args, order_by="id"):
            for key in ("reasons", "faces", "thresholds"):
                entry[key] = json.loads(entry[key])
            out.append(entry)
        return out
