"""The SQLite database: consent snapshots, enrolments, the analysis cache, decisions, audit.

The file is created readable and writable by its owner only (0600): it holds children's face
encodings. Encodings never leave this module except as numpy arrays for matching; no query
here returns one to a caller that prints.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import sqlite_utils
from filelock import FileLock, Timeout

from fotopoort import __version__
from fotopoort.channels import Channel
from fotopoort.errors import BusyError, StoreError
from fotopoort.matching import Encoding
from fotopoort.model import Action, Approval, Assignment, ChildConsent, ConsentSnapshot

Clock = Callable[[], datetime]

_DELETE_TRIGGER = """CREATE TRIGGER IF NOT EXISTS audit_append_only_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END"""

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS snapshots (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL,
    source TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    export_date TEXT
);
CREATE TABLE IF NOT EXISTS snapshot_children (
    snapshot_id INTEGER NOT NULL REFERENCES snapshots(id),
    child TEXT NOT NULL,
    first_name TEXT NOT NULL,
    grp TEXT NOT NULL,
    biometric INTEGER NOT NULL,
    PRIMARY KEY (snapshot_id, child)
);
CREATE TABLE IF NOT EXISTS snapshot_consents (
    snapshot_id INTEGER NOT NULL REFERENCES snapshots(id),
    child TEXT NOT NULL,
    channel TEXT NOT NULL,
    granted INTEGER NOT NULL,
    PRIMARY KEY (snapshot_id, child, channel)
);
CREATE TABLE IF NOT EXISTS references_ (
    id INTEGER PRIMARY KEY,
    child TEXT NOT NULL,
    photo_sha256 TEXT NOT NULL,
    photo_name TEXT NOT NULL,
    encoding BLOB NOT NULL,
    enrolled_at TEXT NOT NULL,
    UNIQUE (child, photo_sha256)
);
CREATE TABLE IF NOT EXISTS decisions (
    path TEXT NOT NULL,
    channel TEXT NOT NULL,
    grp TEXT NOT NULL,
    rel TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    settings TEXT NOT NULL,
    decision TEXT NOT NULL,
    basis TEXT NOT NULL,
    snapshot_id INTEGER NOT NULL,
    decided_at TEXT NOT NULL,
    audit_id INTEGER NOT NULL,
    PRIMARY KEY (path, channel, grp)
);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    tool_version TEXT NOT NULL,
    action TEXT NOT NULL,
    actor TEXT NOT NULL,
    photo_sha256 TEXT NOT NULL,
    path TEXT NOT NULL,
    channel TEXT NOT NULL,
    grp TEXT,
    decision TEXT NOT NULL,
    reasons TEXT NOT NULL,
    faces TEXT NOT NULL,
    snapshot_sha256 TEXT NOT NULL,
    thresholds TEXT NOT NULL,
    note TEXT
);
CREATE INDEX IF NOT EXISTS audit_photo ON audit (photo_sha256);
CREATE INDEX IF NOT EXISTS audit_path ON audit (path);
CREATE TABLE IF NOT EXISTS reviews (
    id INTEGER PRIMARY KEY,
    photo_sha256 TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('assign', 'approve')),
    face INTEGER,
    child TEXT,
    channel TEXT,
    grp TEXT,
    consents TEXT,
    by TEXT NOT NULL,
    note TEXT NOT NULL,
    at TEXT NOT NULL,
    void_at TEXT
);
CREATE TABLE IF NOT EXISTS audit_pseudonymising (active INTEGER);
CREATE TRIGGER IF NOT EXISTS audit_append_only_update BEFORE UPDATE ON audit
    WHEN NOT EXISTS (SELECT 1 FROM audit_pseudonymising)
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
{_DELETE_TRIGGER};
CREATE TABLE IF NOT EXISTS analyses (
    sha256 TEXT NOT NULL,
    settings TEXT NOT NULL,
    result TEXT NOT NULL,
    PRIMARY KEY (sha256, settings)
);
"""


# Added later; old databases get them on open. A forgotten child is kept only as a keyed hash of
# its number with the day: enough to refuse enrolling it again, not to say who it was.
_SCHEMA_FORGET = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS forgotten (
    marker TEXT PRIMARY KEY,
    forgotten_at TEXT NOT NULL,
    snapshot_id INTEGER NOT NULL
);
"""


# Copies whose bytes are not the original's (metadata stripped, faces redacted): what was
# copied is recorded by both hashes, so verify can check the copy against the decision.
_SCHEMA_COPIES = """
CREATE TABLE IF NOT EXISTS derived_copies (
    channel TEXT NOT NULL,
    kind TEXT NOT NULL,
    copy_sha256 TEXT NOT NULL,
    original_sha256 TEXT NOT NULL,
    rel TEXT NOT NULL,
    made_at TEXT NOT NULL,
    snapshot_id INTEGER NOT NULL,
    PRIMARY KEY (channel, kind, copy_sha256, original_sha256)
);
CREATE TABLE IF NOT EXISTS copy_approvals (
    id INTEGER PRIMARY KEY,
    channel TEXT NOT NULL,
    copy_sha256 TEXT NOT NULL,
    original_sha256 TEXT NOT NULL,
    snapshot_id INTEGER NOT NULL,
    by TEXT NOT NULL,
    note TEXT NOT NULL,
    at TEXT NOT NULL
);
"""


# --- the schema's version ------------------------------------------------------------------------
#
# `PRAGMA user_version` holds the version of the schema a database has; 0 is a database made
# before versions existed (fotopoort 0.1 up to issue 17). Opening a database brings it to
# SCHEMA_VERSION: first the idempotent part (tables and indexes IF NOT EXISTS, columns added when
# missing), then each numbered step above the database's version, in one transaction with the
# new version, so a step that fails leaves the database as it was. No backup copy is written: it
# would hold encodings that a later `forget` could not reach. A database of a newer version than
# this fotopoort knows is refused, never downgraded.

# Columns added after their table was first released: (table, column definition).
_ADDED_COLUMNS = (
    ("references_", "photo_path TEXT"),
    ("snapshot_consents", "unanswered INTEGER"),  # NULL: imported before
    ("snapshot_children", "biometric_unanswered INTEGER"),
    ("snapshots", "purged_at TEXT"),  # names and answers deleted by `purge`; the row stays
    ("decisions", "shown TEXT"),  # the path as the person gave it (absolute, links kept)
    ("derived_copies", "faces TEXT"),  # redacted: the faces covered, JSON (1-based)
    ("derived_copies", "path TEXT"),  # where a copy in allowed/ was placed: recheck checks it
    # an approved redacted copy: what it covers, and once a sort placed it in allowed/ (so it
    # may be out) which photo it is of, where it went, and the snapshot it last held under;
    # void: a face it leaves visible lost its consent; down: a person took it down
    ("copy_approvals", "faces TEXT"),
    ("copy_approvals", "audit_id INTEGER"),
    ("copy_approvals", "path TEXT"),
    ("copy_approvals", "rel TEXT"),
    ("copy_approvals", "settings TEXT"),
    ("copy_approvals", "placed_at TEXT"),
    ("copy_approvals", "placed_path TEXT"),
    ("copy_approvals", "checked_snapshot_id INTEGER"),
    ("copy_approvals", "void_at TEXT"),
    ("copy_approvals", "down_at TEXT"),
)
# Steps that are not idempotent, by the version they bring the database to.
_MIGRATIONS: dict[int, tuple[str, ...]] = {
    # the size/mtime shortcut that trusted a file without hashing it is gone since issue 9
    1: ("DROP TABLE IF EXISTS files",),
}
SCHEMA_VERSION = max(_MIGRATIONS)


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def upgrade(conn: sqlite3.Connection) -> int:
    """Bring the database to SCHEMA_VERSION; the version it had before."""
    before = _require_known(conn)
    # one commit, not one per table
    conn.executescript(f"BEGIN;{_SCHEMA}{_SCHEMA_FORGET}{_SCHEMA_COPIES}COMMIT;")
    for table, column in _ADDED_COLUMNS:
        columns = {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
        if column.split()[0] not in columns:
            conn.execute(f"ALTER TABLE {table} ADD COLUMN {column}")
            conn.commit()
    if before < SCHEMA_VERSION:
        conn.execute("BEGIN IMMEDIATE")  # another process may be upgrading it at the same time
        try:
            for version in range(schema_version(conn) + 1, SCHEMA_VERSION + 1):
                for statement in _MIGRATIONS[version]:
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except BaseException:
            conn.rollback()
            raise
        conn.commit()
    return before


def _require_known(conn: sqlite3.Connection) -> int:
    version = schema_version(conn)
    if version > SCHEMA_VERSION:
        raise sqlite3.DatabaseError(
            f"it was made by a newer fotopoort (schema {version}; this one knows up to "
            f"{SCHEMA_VERSION}): install that version"
        )
    return version


def _require_current(conn: sqlite3.Connection) -> None:
    """A database opened read-only cannot be upgraded; an older one is refused in one line."""
    if _require_known(conn) < SCHEMA_VERSION:
        raise sqlite3.DatabaseError(
            f"it was made by an older fotopoort (schema {schema_version(conn)}) and cannot be "
            "upgraded here, because it is read-only: run any fotopoort command once where it "
            "can be written"
        )


@dataclass(frozen=True)
class DerivedCopy:
    copy_sha256: str
    original_sha256: str
    rel: str
    snapshot_id: int  # the consent snapshot it was made under
    latest: bool  # the last copy made from its original for the channel
    faces: tuple[int, ...] = ()  # redacted: the faces it covers (1-based)


@dataclass(frozen=True)
class CopyRecord:
    """A copy made from decided content, as `record_derived_copies` keeps it."""

    rel: str
    original_sha256: str
    copy_sha256: str
    faces: tuple[int, ...] = ()  # redacted: covered (1-based)
    path: str | None = None  # absolute, when it is in allowed/ (stripped, linked)


@dataclass(frozen=True)
class PlacedCopy:
    """A copy fotopoort put in allowed/ whose bytes are not simply a copy of the original's
    file: they must still be these when recheck looks."""

    channel: str
    kind: str
    path: str
    sha256: str


@dataclass(frozen=True)
class CopyApproval:
    """A person's approval of a redacted copy for a channel (`review approve COPY`)."""

    id: int
    channel: str
    copy_sha256: str
    original_sha256: str
    faces: tuple[int, ...]  # covered (1-based); every other face must keep its consent
    by: str
    path: str | None  # the photo it was made from, once a sort placed it
    rel: str | None
    settings: str | None  # the analysis cache key it was placed on
    placed_at: str | None  # first placed in allowed/: from then on it may be out
    placed_path: str | None  # where (absolute)
    checked_snapshot_id: int | None  # the snapshot it last held under (sort or recheck)
    void_at: str | None


@dataclass(frozen=True)
class Forgotten:
    """A child `forget` was run for: when, and which snapshot was current then."""

    forgotten_at: str
    snapshot_id: int


@dataclass(frozen=True)
class StoredSnapshot:
    id: int
    imported_at: str
    snapshot: ConsentSnapshot


@dataclass(frozen=True)
class ImportOutcome:
    stored: StoredSnapshot
    already_current: bool
    forgotten: tuple[tuple[str, str], ...]  # (child, why) whose encodings were deleted


@dataclass(frozen=True)
class DecisionRecord:
    """One decision as the audit trail keeps it. Never an encoding."""

    path: str  # absolute path of the photo
    rel: str
    channel: str
    group: str | None
    sha256: str
    settings: str  # the analysis cache key it was based on
    decision: str
    reasons: list[dict[str, Any]]
    faces: list[dict[str, Any]]  # box, status, child, distance
    snapshot_id: int
    snapshot_sha256: str
    thresholds: dict[str, float]
    action: Action
    actor: str  # "fotopoort" or the person (--by)
    note: str | None = None
    shown: str | None = None  # the path as given (absolute, not resolved through links)


@dataclass(frozen=True)
class PreviousDecision:
    path: str
    rel: str
    channel: str
    group: str | None
    sha256: str
    settings: str
    decision: str  # the latest decision, recheck included
    basis: str  # the decision of the last check, sort or review: what may have gone out
    shown: str | None = None  # the path as given when it was last checked

    @property
    def display(self) -> str:
        """The path to show a person: as given (through the links they use), else `path`."""
        return self.shown or self.path


@dataclass(frozen=True)
class PurgeOutcome:
    """What `purge` deleted (or, with --dry-run, would delete)."""

    snapshots: tuple[tuple[int, str, str], ...]  # (id, source, replaced at)
    snapshot_children: int  # children's rows (names, answers) in those snapshots
    audit_entries: int
    snapshots_before: str
    audit_before: str
    derived_copies: int = 0  # records of copies made under purged snapshots, no longer used
    copy_approvals: int = 0  # approvals of redacted copies that no longer hold, nor wait

    def summary(self) -> str:
        return (
            f"{len(self.snapshots)} consent snapshots replaced before "
            f"{self.snapshots_before[:10]} ({self.snapshot_children} children's names and "
            f"answers), {self.audit_entries} audit entries from before {self.audit_before[:10]}, "
            f"{self.derived_copies} records of copies and {self.copy_approvals} approvals of "
            "redacted copies made under those or older purged snapshots"
        )


@dataclass(frozen=True)
class EnrolledChild:
    child: str
    references: int
    first_enrolled: str
    last_enrolled: str


_SQLITE_MAGIC = b"SQLite format 3\x00"


def create_private_file(path: Path) -> None:
    """Create `path` (if needed) so that only its owner can read and write it. A file that is
    there already is first checked to be a database (or empty) of this user, and only then
    made private again: `database: /dev/null` must never chmod a system file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600)
    except FileExistsError:
        require_database_file(path)
        st = path.stat()
        if st.st_uid == os.getuid() and st.st_mode & 0o077:
            path.chmod(0o600)  # a copy or a restore from backup left it readable
        return
    os.close(fd)
    path.chmod(0o600)  # whatever the umask


def require_database_file(path: Path) -> None:
    """`path` is a regular file holding an SQLite database, or an empty one."""
    if not path.exists():
        raise StoreError(f"{path}: no database yet: run `fotopoort consents import EXPORT` first")
    if not path.is_file():
        raise StoreError(f"{path}: not a regular file, so not a fotopoort database")
    with path.open("rb") as fh:
        head = fh.read(len(_SQLITE_MAGIC))
    if head and head != _SQLITE_MAGIC:
        raise StoreError(f"{path}: not an SQLite database (check `database:` in consents.yaml)")


@contextmanager
def exclusive_run(
    db_path: Path, wait_seconds: float, on_wait: Callable[[], None]
) -> Iterator[None]:
    """One writing run per database at a time: a second run waits, then gives up clearly."""
    lock = FileLock(f"{db_path}.lock", mode=0o600)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        on_wait()
        try:
            lock.acquire(timeout=wait_seconds)
        except Timeout:
            raise BusyError(
                f"another fotopoort run is still busy with {db_path} after {wait_seconds:.0f} s; "
                "try again when it has finished"
            ) from None
    try:
        yield
    finally:
        lock.release()


class Store:
    def __init__(self, path: Path, clock: Clock | None = None, *, read_only: bool = False) -> None:
        """`read_only`: never create the file; open it read-only when it cannot be written
        (a read-only file system), so listing commands still work there."""
        self.path = path
        self._clock = clock or (lambda: datetime.now(UTC))
        try:
            if read_only:
                require_database_file(path)
            else:
                create_private_file(path)
            if not read_only or os.access(path, os.W_OK):
                conn = sqlite3.connect(path, timeout=30)
                conn.execute("PRAGMA secure_delete = ON")  # deleted encodings are overwritten
                upgrade(conn)
            else:
                conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
                _require_current(conn)
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA busy_timeout = 30000")
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"{path}: cannot open the database: {exc}") from None
        self.conn = conn
        self.db = sqlite_utils.Database(conn)  # dict rows for queries that return whole rows

    def close(self) -> None:
        self.conn.close()

    def now(self) -> str:
        return self._clock().isoformat(timespec="seconds")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All or nothing: an exception rolls every write back."""
        with self.conn:
            yield

    # --- consent snapshots -----------------------------------------------------------------

    def current_snapshot(self) -> StoredSnapshot | None:
        row = self.conn.execute("SELECT id FROM snapshots ORDER BY id DESC LIMIT 1").fetchone()
        return self.snapshot(row[0]) if row else None

    def require_snapshot(self) -> StoredSnapshot:
        current = self.current_snapshot()
        if current is None:
            raise StoreError(
                "no consent export imported yet: run `fotopoort consents import EXPORT` first"
            )
        return current

    def snapshot(self, snapshot_id: int) -> StoredSnapshot:
        row = self.conn.execute(
            "SELECT sha256, source, imported_at, export_date FROM snapshots WHERE id = ?",
            (snapshot_id,),
        ).fetchone()
        if row is None:
            raise StoreError(f"no consent snapshot {snapshot_id}")
        purged = self.conn.execute(
            "SELECT purged_at FROM snapshots WHERE id = ?", (snapshot_id,)
        ).fetchone()[0]
        if purged is not None:
            raise StoreError(
                f"consent snapshot {snapshot_id} was purged on {purged[:10]} (retention in "
                "consents.yaml): its names and answers are no longer kept"
            )
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
                    why = "no longer in the consent export"
                elif not consent.biometric:
                    why = "consent for face recognition withdrawn"
                else:
                    continue
                self._delete_child_data(child)
                forgotten.append((child, why))
        return ImportOutcome(self.snapshot(sid), already_current=False, forgotten=tuple(forgotten))

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

    def _delete_child_data(self, child: str) -> int:
        n = self.conn.execute("DELETE FROM references_ WHERE child = ?", (child,)).rowcount
        # cached analyses that name the child (identities and distances, not encodings)
        self.conn.execute(
            "DELETE FROM analyses WHERE EXISTS (SELECT 1 FROM json_each(result, '$.faces') "
            "WHERE json_extract(value, '$.child') = ? "
            "OR json_extract(value, '$.note.nearest') = ?)",
            (child, child),
        )
        return int(n)

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
                f"taken down: no longer {p.basis} for {p.channel}, now {p.decision}",
                path=p.path,
                channel=p.channel,
                group=p.group,
            )

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
            "note": f"redacted copy of {copy.original_sha256}" + (f": {note}" if note else ""),
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
                f"taken down: the approved redacted copy {a.copy_sha256} for {a.channel}",
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


def _dumps(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


# Fields of a stored reason or face that hold a child's number; `message` and `note` are text.
_CHILD_FIELDS = frozenset({"child", "nearest"})
_TEXT_FIELDS = frozenset({"message", "note"})


def _forget_in(value: Any, child: str, pseudonym: str, texts: Sequence[str]) -> Any:
    """`value` (a stored reasons or faces list) with `child` replaced by `pseudonym`."""
    if isinstance(value, list):
        return [_forget_in(v, child, pseudonym, texts) for v in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, v in value.items():
        if key in _CHILD_FIELDS and v == child:
            out[key] = pseudonym
        elif key in _TEXT_FIELDS and isinstance(v, str):
            out[key] = _replace_all(v, texts, pseudonym)
        else:
            out[key] = _forget_in(v, child, pseudonym, texts)
    return out


def _replace_all(text: str, olds: Sequence[str], new: str) -> str:
    for old in olds:
        text = text.replace(old, new)
    return text
