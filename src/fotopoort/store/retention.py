"""Retention: `purge`, and what must come down after a consent change."""

from __future__ import annotations

from collections.abc import Sequence

from fotopoort import __version__
from fotopoort.messages import audit as notes
from fotopoort.messages import render
from fotopoort.model import Action
from fotopoort.store.forgotten import ForgottenTables
from fotopoort.store.records import PreviousDecision, PurgeOutcome
from fotopoort.store.schema import _DELETE_TRIGGER


class RetentionTables(ForgottenTables):
    # --- retention --------------------------------------------------------------------------

    def purge(
        self, snapshots_before: str, audit_before: str, *, actor: str, dry_run: bool
    ) -> PurgeOutcome:
        """Delete what the retention settings no longer keep, in one transaction with its own
        audit entry: the names and answers of consent snapshots replaced before
        `snapshots_before` (the row itself stays, without personal data, so the older-export
        check still knows the file), and audit entries from before `audit_before` that no
        current decision rests on. `dry_run`: count only."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            snaps = [
                (int(sid), source, replaced)
                for sid, source, replaced in self.conn.execute(
                    "SELECT s.id, s.source, (SELECT min(n.imported_at) FROM snapshots n "
                    "WHERE n.id > s.id) AS replaced FROM snapshots s "
                    "WHERE s.purged_at IS NULL ORDER BY s.id"
                )
                if replaced is not None and replaced < snapshots_before
            ]
            ids = [sid for sid, _, _ in snaps]
            marks = ",".join("?" * len(ids))
            children = (
                int(
                    self.conn.execute(
                        f"SELECT count(*) FROM snapshot_children WHERE snapshot_id IN ({marks})",
                        ids,
                    ).fetchone()[0]
                )
                if ids
                else 0
            )
            copies, approvals = self._purge_copies(ids)  # before the audit: its count
            # an approval of a redacted copy that stays rests on its audit entry, as a decision
            kept = (
                "id NOT IN (SELECT audit_id FROM decisions) AND id NOT IN (SELECT audit_id "
                "FROM copy_approvals WHERE audit_id IS NOT NULL)"
            )
            entries = int(
                self.conn.execute(
                    f"SELECT count(*) FROM audit WHERE at < ? AND {kept}", (audit_before,)
                ).fetchone()[0]
            )
            outcome = PurgeOutcome(
                tuple(snaps),
                children,
                entries,
                snapshots_before,
                audit_before,
                copies,
                approvals,
            )
            if not dry_run:
                now = self.now()
                for table in ("snapshot_consents", "snapshot_children"):
                    self.conn.execute(f"DELETE FROM {table} WHERE snapshot_id IN ({marks})", ids)
                self.conn.execute(
                    f"UPDATE snapshots SET purged_at = ? WHERE id IN ({marks})", [now, *ids]
                )
                # the append-only trigger is lifted for this one statement of this transaction
                self.conn.execute("DROP TRIGGER audit_append_only_delete")
                self.conn.execute(f"DELETE FROM audit WHERE at < ? AND {kept}", (audit_before,))
                self.conn.execute(_DELETE_TRIGGER)
                self._append_audit(
                    {
                        "tool_version": __version__,
                        "action": Action.PURGE.value,
                        "actor": actor,
                        "photo_sha256": "",
                        "path": "",
                        "channel": "",
                        "grp": None,
                        "decision": "",
                        "reasons": "[]",
                        "faces": "[]",
                        "snapshot_sha256": "",
                        "thresholds": "{}",
                        "note": outcome.summary(),
                    },
                    now,
                )
        except BaseException:
            self.conn.rollback()
            raise
        if dry_run:
            self.conn.rollback()
        else:
            self.conn.commit()
        return outcome

    def _purge_copies(self, purging: Sequence[int]) -> tuple[int, int]:
        """Inside purge's transaction (rolled back on --dry-run): delete the records of copies
        and the approvals of redacted copies that belong to purged snapshots (purged now or
        before) and that nothing rests on any more. Kept: an approval that still holds or is on
        the take-down list (a copy that may be out), and a copy record of content a current
        decision is about or that such an approval names (verify and recheck need them)."""
        marks = ",".join("?" * len(purging)) or "NULL"
        old = f"(snapshot_id IN ({marks}) OR snapshot_id IN (SELECT id FROM snapshots " + (
            "WHERE purged_at IS NOT NULL))"
        )
        live = "void_at IS NULL OR (placed_at IS NOT NULL AND down_at IS NULL)"
        approvals = self.conn.execute(
            f"DELETE FROM copy_approvals WHERE {old} AND NOT ({live})", list(purging)
        ).rowcount
        copies = self.conn.execute(
            f"DELETE FROM derived_copies WHERE {old} AND NOT EXISTS (SELECT 1 FROM decisions d "
            "WHERE d.channel = derived_copies.channel AND d.sha256 = original_sha256) "
            "AND NOT EXISTS (SELECT 1 FROM copy_approvals a WHERE a.channel = "
            "derived_copies.channel AND a.copy_sha256 = derived_copies.copy_sha256)",
            list(purging),
        ).rowcount
        return int(copies), int(approvals)

    def to_take_down(self) -> list[PreviousDecision]:
        """Decisions on the take-down list as the last recheck left it: allowed when they
        may have gone out, not allowed now."""
        return [
            p for p in self.previous_decisions() if p.basis == "allowed" and p.decision != "allowed"
        ]

    def mark_taken_down(self, rows: Sequence[PreviousDecision], actor: str) -> None:
        """A person says these photos are down: what may be out is what is decided now."""
        with self.transaction():
            for p in rows:
                self.conn.execute(
                    "UPDATE decisions SET basis = decision WHERE path = ? AND channel = ? "
                    "AND grp = ?",
                    (p.path, p.channel, p.group or ""),
                )
        for p in rows:
            self.record_event(
                Action.TAKEN_DOWN,
                actor,
                render(notes.TAKEN_DOWN, "en", was=p.basis, channel=p.channel, now=p.decision),
                path=p.path,
                channel=p.channel,
                group=p.group,
            )
