"""The schema: tables, columns added later, and the numbered `PRAGMA user_version` steps."""

from __future__ import annotations

import sqlite3

from fotopoort.messages import errors as E
from fotopoort.messages import render

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
    # the finished segments of a video whose analysis is not finished (issue 15): the faces
    # found, with their encodings while the video is unfinished, deleted when it is done
    2: (
        """CREATE TABLE IF NOT EXISTS video_segments (
            sha256 TEXT NOT NULL,
            settings TEXT NOT NULL,
            segment INTEGER NOT NULL,
            path TEXT NOT NULL,
            result TEXT NOT NULL,
            encodings BLOB NOT NULL,
            at TEXT NOT NULL,
            PRIMARY KEY (sha256, settings, segment)
        )""",
        "CREATE INDEX IF NOT EXISTS video_segments_path ON video_segments (path)",
    ),
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
        raise sqlite3.DatabaseError(render(E.SCHEMA_NEWER, version=version, known=SCHEMA_VERSION))
    return version


def _require_current(conn: sqlite3.Connection) -> None:
    """A database opened read-only cannot be upgraded; an older one is refused in one line."""
    if _require_known(conn) < SCHEMA_VERSION:
        raise sqlite3.DatabaseError(render(E.SCHEMA_OLDER_READ_ONLY, version=schema_version(conn)))
