"""The schema's version: a database made by an older fotopoort opens, is upgraded in place, and
keeps its audit trail; a newer one is refused rather than damaged.

`tests/data/store-v0.sql` is a database as fotopoort made it before schema versions (commit
a800069), written by `scripts/make_old_database.py` with the fake engine: no real encodings.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from fotopoort.store import SCHEMA_VERSION, Store, schema

from .conftest import Cli
from .fakes import make_photo

OLD_DUMP = Path(__file__).parent / "data" / "store-v0.sql"
FORGOTTEN = "0100487"  # Fatima: forgotten in the old database


def old_database(path: Path) -> Path:
    with closing(sqlite3.connect(path)) as conn:
        conn.executescript(OLD_DUMP.read_text(encoding="utf-8"))
    path.chmod(0o600)
    return path


def rows(path: Path, query: str) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(query).fetchall()


def version(path: Path) -> int:
    (n,) = rows(path, "PRAGMA user_version")[0]
    assert isinstance(n, int)
    return n


@pytest.fixture
def school(cli: Cli) -> Iterator[Cli]:
    old_database(cli.workdir / "fotopoort.db")
    yield cli


def test_the_old_database_is_really_from_before_versions(school: Cli) -> None:
    db = school.workdir / "fotopoort.db"
    assert version(db) == 0
    assert rows(db, "SELECT name FROM sqlite_master WHERE name = 'files'")  # gone since issue 9
    assert len(rows(db, "SELECT id FROM audit")) > 50


def test_an_old_database_is_upgraded_and_keeps_its_audit_trail(school: Cli) -> None:
    db = school.workdir / "fotopoort.db"
    audit_before = rows(db, "SELECT * FROM audit ORDER BY id")
    decisions_before = rows(db, "SELECT * FROM decisions ORDER BY rowid")
    result = school("audit", "--json")
    assert result.exit_code == 0, result.output
    assert version(db) == SCHEMA_VERSION
    assert rows(db, "SELECT * FROM audit ORDER BY id") == audit_before
    # every row as it was, with the columns added since (the path as given: unknown) empty
    width = len(decisions_before[0])
    after = rows(db, "SELECT * FROM decisions ORDER BY rowid")
    assert [r[:width] for r in after] == decisions_before
    assert {r[width:] for r in after} == {(None,)}
    assert not rows(db, "SELECT name FROM sqlite_master WHERE name = 'files'")
    # unfinished videos' segments (version 2): a table of their own, empty
    assert rows(db, "SELECT count(*) FROM video_segments") == [(0,)]
    listed = json.loads(result.output)
    assert len(listed) == len(audit_before)
    assert stat.S_IMODE(db.stat().st_mode) == 0o600


def test_old_entries_keep_their_text_and_forget_still_reaches_it(school: Cli) -> None:
    """Entries from before reasons were codes hold English text with names: shown as they are,
    and a forget replaces the child's label and number in that text too."""
    db = school.workdir / "fotopoort.db"
    old = [r for (text,) in rows(db, "SELECT reasons FROM audit") for r in json.loads(str(text))]
    labelled = [r for r in old if "Daan (0100231)" in r.get("message", "")]
    assert labelled and all("params" not in r for r in old)
    shown = json.loads(school("audit", "--json").output)
    messages = {r["message"] for e in shown for r in e["reasons"]}
    assert labelled[0]["message"] in messages
    assert school("forget", "0100231").exit_code == 0
    dump = "\n".join(
        str(text)
        for (text,) in rows(db, "SELECT reasons || faces || coalesce(note, '') FROM audit")
    )
    assert "0100231" not in dump and "Daan (" not in dump


def test_the_upgraded_audit_trail_is_still_append_only(school: Cli) -> None:
    db = school.workdir / "fotopoort.db"
    assert school("enrolled").exit_code == 0
    with closing(sqlite3.connect(db)) as conn, pytest.raises(sqlite3.DatabaseError):
        conn.execute("DELETE FROM audit")
    with closing(sqlite3.connect(db)) as conn, pytest.raises(sqlite3.DatabaseError):
        conn.execute("UPDATE audit SET actor = 'iemand'")


def test_what_the_old_database_knew_still_holds_after_the_upgrade(
    school: Cli, tmp_path: Path
) -> None:
    enrolled = school("enrolled", "--json")
    assert enrolled.exit_code == 0, enrolled.output
    children = {c["child"] for c in json.loads(enrolled.output)}
    assert "0100231" in children and FORGOTTEN not in children
    # the forget made before the upgrade still sticks: a folder run does not enrol her again
    refs = tmp_path / "refs" / FORGOTTEN
    refs.mkdir(parents=True)
    make_photo(refs / "ref.png", [((0, 200, 0), 10)], face_px=100, size=(200, 200))
    again = school("enroll", tmp_path / "refs", "-j", "1")
    assert "forgotten on" in again.output, again.output
    assert FORGOTTEN not in {c["child"] for c in json.loads(school("enrolled", "--json").output)}


def test_a_fresh_database_has_the_current_version(cli: Cli, shared: Path) -> None:
    result = cli("consents", "import", shared / "demo" / "privacyvoorkeuren.csv")
    assert result.exit_code == 0, result.output
    assert version(cli.workdir / "fotopoort.db") == SCHEMA_VERSION


def test_a_database_of_a_newer_fotopoort_is_refused_and_left_alone(school: Cli) -> None:
    db = school.workdir / "fotopoort.db"
    with closing(sqlite3.connect(db)) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    before = db.read_bytes()
    result = school("enrolled")
    assert result.exit_code == 2
    assert "made by a newer fotopoort" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert db.read_bytes() == before


def test_a_failing_upgrade_step_leaves_the_database_as_it_was(
    school: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = school.workdir / "fotopoort.db"
    monkeypatch.setitem(
        schema._MIGRATIONS, SCHEMA_VERSION, ("DROP TABLE files", "SELECT no_such_function()")
    )
    result = school("enrolled")
    assert result.exit_code == 2, result.output
    assert version(db) == 0
    assert rows(db, "SELECT name FROM sqlite_master WHERE name = 'files'")


def test_an_old_read_only_database_is_refused_in_one_line(
    school: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = school.workdir / "fotopoort.db"
    # as a read-only file system: os.access says no (chmod would not stop root, who runs CI)
    monkeypatch.setattr(os, "access", lambda path, mode: mode != os.W_OK)
    result = school("enrolled")
    assert result.exit_code == 2
    assert "made by an older fotopoort" in result.output
    assert "run any fotopoort command once where it can be written" in result.output
    assert version(db) == 0


def test_opening_twice_upgrades_once(tmp_path: Path) -> None:
    db = old_database(tmp_path / "fotopoort.db")
    Store(db).close()
    Store(db).close()
    assert version(db) == SCHEMA_VERSION


def test_a_version_1_database_gets_the_segments_of_unfinished_videos(tmp_path: Path) -> None:
    """Version 2 (issue 15) adds the table a video's finished segments are kept in, and keeps
    every row of what was there."""
    db = tmp_path / "fotopoort.db"
    Store(db).close()
    with closing(sqlite3.connect(db)) as conn:
        conn.execute("DROP TABLE video_segments")
        conn.execute("INSERT INTO analyses VALUES ('ab', 'settings', '{}')")
        conn.execute("PRAGMA user_version = 1")
        conn.commit()
    assert not rows(db, "SELECT name FROM sqlite_master WHERE name = 'video_segments'")
    store = Store(db)
    try:
        assert version(db) == SCHEMA_VERSION == 2
        store.remember_segment("ab", "settings", 0, "/kamp/a.mp4", "{}", b"")
        assert list(store.video_segments("ab", "settings")) == [0]
        assert store.cached_analysis("ab", "settings") == {}
    finally:
        store.close()
