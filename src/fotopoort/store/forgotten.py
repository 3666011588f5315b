"""`forget` (a child removed structurally), forgotten children (a keyed hash only) and events."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets

from fotopoort import __version__
from fotopoort.model import Action
from fotopoort.store.cache import CacheTables
from fotopoort.store.records import Forgotten
from fotopoort.store.values import _dumps, _forget_in, _replace_all


class ForgottenTables(CacheTables):
    # --- forgotten children ----------------------------------------------------------------

    def _marker(self, child: str, *, create: bool = True) -> str | None:
        """A keyed hash of the child's number; the key is this database's own (created, inside
        the caller's transaction, by the first forget)."""
        row = self.conn.execute("SELECT value FROM meta WHERE key = 'marker_key'").fetchone()
        if row is None:
            if not create:
                return None  # no key yet: nobody was ever forgotten
            key = secrets.token_hex(32)
            self.conn.execute("INSERT INTO meta VALUES ('marker_key', ?)", (key,))
        else:
            key = row[0]
        return hmac.new(bytes.fromhex(key), child.encode(), hashlib.sha256).hexdigest()

    def forgotten(self, child: str) -> Forgotten | None:
        marker = self._marker(child, create=False)
        row = self.conn.execute(
            "SELECT forgotten_at, snapshot_id FROM forgotten WHERE marker = ?", (marker,)
        ).fetchone()
        return Forgotten(row[0], int(row[1])) if row else None

    def lift_forgotten(self, child: str) -> None:
        """A person enrolled the child again after new consent: the marker has done its work."""
        marker = self._marker(child, create=False)
        with self.transaction():
            self.conn.execute("DELETE FROM forgotten WHERE marker = ?", (marker,))

    def reference_files(self, child: str) -> list[tuple[str, str | None]]:
        """(file name, path when known) of the child's reference photos."""
        return [
            (str(name), path)
            for name, path in self.conn.execute(
                "SELECT photo_name, photo_path FROM references_ WHERE child = ? ORDER BY id",
                (child,),
            )
        ]

    def record_event(
        self,
        action: Action,
        actor: str,
        what: str,
        *,
        path: str = "",
        snapshot_sha256: str = "",
        channel: str = "",
        group: str | None = None,
    ) -> None:
        """An audit entry for an act that is no photo decision (import, enrol, forget, purge,
        take-down): what, when, by whom, how many. Never an encoding, never a forgotten
        child's number."""
        entry = {
            "tool_version": __version__,
            "action": action.value,
            "actor": actor,
            "photo_sha256": "",
            "path": path,
            "channel": channel,
            "grp": group,
            "decision": "",
            "reasons": "[]",
            "faces": "[]",
            "snapshot_sha256": snapshot_sha256,
            "thresholds": "{}",
            "note": what,
        }
        with self.transaction():
            self._append_audit(entry, self.now())

    def forget(self, child: str) -> int:
        """Delete every encoding and cached result of `child`, and replace its number by a
        pseudonym wherever the audit trail and the human reviews hold it. Returns references
        deleted.

        Structural: a stored reason or face holds the child's number in known fields, never its
        name (names are rendered from the snapshot when shown). Only free text a person wrote
        (a review note) and the English `message` of entries written before reasons were stored
        as codes are searched as text, for the number and for the label those entries used."""
        pseudonym = "forgotten-" + secrets.token_hex(4)
        current = self.current_snapshot()
        texts = [f"{name} ({child})" for name in self.names_of(child)] + [child]
        with self.transaction():
            n = self._delete_child_data(child)
            self.conn.execute(
                "INSERT OR REPLACE INTO forgotten VALUES (?,?,?)",
                (self._marker(child), self.now(), current.id if current else 0),
            )
            self.conn.execute("INSERT INTO audit_pseudonymising VALUES (1)")
            rows = self.conn.execute(
                "SELECT id, reasons, faces, note FROM audit "
                "WHERE instr(reasons, ?) OR instr(faces, ?) OR instr(note, ?)",
                (child, child, child),
            ).fetchall()
            for audit_id, reasons, faces, note in rows:
                self.conn.execute(
                    "UPDATE audit SET reasons = ?, faces = ?, note = ? WHERE id = ?",
                    (
                        _dumps(_forget_in(json.loads(reasons), child, pseudonym, texts)),
                        _dumps(_forget_in(json.loads(faces), child, pseudonym, texts)),
                        _replace_all(note, texts, pseudonym) if note is not None else None,
                        audit_id,
                    ),
                )
            self.conn.execute("DELETE FROM audit_pseudonymising")
            for review_id, note in self.conn.execute(
                "SELECT id, note FROM reviews WHERE instr(note, ?)", (child,)
            ).fetchall():
                self.conn.execute(
                    "UPDATE reviews SET note = ? WHERE id = ?",
                    (_replace_all(note, texts, pseudonym), review_id),
                )
            self.conn.execute("UPDATE reviews SET child = ? WHERE child = ?", (pseudonym, child))
            return n
