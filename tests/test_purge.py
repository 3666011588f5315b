"""`fotopoort purge`: the retention settings of consents.yaml, applied and audited.

Through the CLI with the fake engine. Time is moved by freezing the database's clock: the
snapshots are imported "in 2026" and purged "years later".
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from fotopoort.commands import months_before
from fotopoort.config import template_text
from fotopoort.store import base as store_base

from .conftest import Cli
from .fakes import make_photo
from .test_cli_check import COLOURS, DAAN, FATIMA, NOAH, ZOE
from .test_recheck import DECEMBER as DECEMBER_EXPORT
from .test_recheck import edited_export

SEPTEMBER = datetime(2026, 9, 14, 8, 0, tzinfo=UTC)
DECEMBER = datetime(2026, 12, 14, 8, 0, tzinfo=UTC)


class Clock:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.moment = SEPTEMBER
        clock = self

        class Frozen(datetime):
            @classmethod
            def now(cls, tz: Any = None) -> Frozen:
                return clock.moment  # type: ignore[return-value]

        monkeypatch.setattr(store_base, "datetime", Frozen)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


@pytest.fixture
def school(cli: Cli, shared: Path, clock: Clock, tmp_path: Path) -> Cli:
    """September's export, a checked camp, December's export (withdrawing consent)."""
    demo = shared / "demo"
    assert cli("consents", "import", demo / "privacyvoorkeuren.csv").exit_code == 0
    refs = tmp_path / "refs"
    for nr in (DAAN, FATIMA):
        make_photo(refs / nr / "ref.png", [(COLOURS[nr], 10)], face_px=100, size=(200, 200))
    assert cli("enroll", refs, "-j", "1").exit_code == 0
    kamp = tmp_path / "kamp"
    make_photo(kamp / "daan.png", [(COLOURS[DAAN], 10)])
    make_photo(kamp / "fatima.png", [(COLOURS[FATIMA], 10)])
    assert cli("check", kamp, "-c", "website", "-j", "1").exit_code in (0, 1)
    clock.moment = DECEMBER
    result = cli("consents", "import", demo / "privacyvoorkeuren-december.csv")
    assert result.exit_code == 0, result.output
    return cli


def db(cli: Cli) -> Path:
    return cli.workdir / "fotopoort.db"


def query(cli: Cli, sql: str) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(db(cli))) as conn:
        return conn.execute(sql).fetchall()


def count(cli: Cli, table: str, where: str = "1") -> int:
    (n,) = query(cli, f"SELECT count(*) FROM {table} WHERE {where}")[0]
    assert isinstance(n, int)
    return n


def test_a_snapshot_replaced_more_than_a_year_ago_loses_names_and_answers(
    school: Cli, clock: Clock, shared: Path
) -> None:
    clock.moment = datetime(2027, 12, 15, tzinfo=UTC)  # 12 months and a day after December
    children = count(school, "snapshot_children", "snapshot_id = 1")
    assert children > 0
    result = school("purge", "--by", "privacy officer")
    assert result.exit_code == 0, result.output
    assert f"deleted: 1 consent snapshots replaced before 2026-12-15 ({children} children" in (
        result.output
    )
    assert count(school, "snapshot_children", "snapshot_id = 1") == 0
    assert count(school, "snapshot_consents", "snapshot_id = 1") == 0
    assert count(school, "snapshot_children", "snapshot_id = 2") > 0  # the current one stays
    assert count(school, "snapshots") == 2  # the rows stay, without names
    diff = school("consents", "diff")
    assert diff.exit_code == 2
    assert "consent snapshot 1 was purged on 2027-12-15" in diff.output
    assert school("consents", "show", "--child", DAAN).exit_code == 0
    # the September file is still known as older: purging does not give withdrawn consent back
    again = school("consents", "import", shared / "demo" / "privacyvoorkeuren.csv")
    assert again.exit_code != 0
    assert "not imported" in again.output


def test_a_snapshot_within_its_retention_is_kept(school: Cli, clock: Clock) -> None:
    clock.moment = datetime(2027, 12, 13, tzinfo=UTC)  # replaced 11 months and 30 days ago
    result = school("purge")
    assert result.exit_code == 0, result.output
    assert "deleted: 0 consent snapshots" in result.output
    assert count(school, "snapshot_children", "snapshot_id = 1") > 0
    assert school("consents", "diff").exit_code == 0


def test_dry_run_says_what_it_would_delete_and_deletes_nothing(school: Cli, clock: Clock) -> None:
    clock.moment = datetime(2032, 1, 1, tzinfo=UTC)
    before = db(school).read_bytes()
    result = school("purge", "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["dry_run"] is True
    assert [s["snapshot"] for s in doc["snapshots"]] == [1]
    assert doc["snapshot_children"] == count(school, "snapshot_children", "snapshot_id = 1")
    assert doc["audit_entries"] > 0
    assert db(school).read_bytes() == before
    assert "nothing was deleted" in school("purge", "--dry-run").output


def test_old_audit_entries_go_except_those_a_current_decision_rests_on(
    school: Cli, clock: Clock
) -> None:
    clock.moment = datetime(2032, 1, 1, tzinfo=UTC)  # over 5 years after September
    resting = {r[0] for r in query(school, "SELECT audit_id FROM decisions")}
    old = count(school, "audit", "at < '2027-01-01'")
    assert resting and old > len(resting)
    result = school("purge", "--by", "privacy officer")
    assert result.exit_code == 0, result.output
    assert f"{old - len(resting)} audit entries from before 2027-01-01" in result.output
    left = {r[0] for r in query(school, "SELECT id FROM audit WHERE at < '2027-01-01'")}
    assert left == resting
    (entry,) = query(school, "SELECT actor, note FROM audit WHERE action = 'purge'")
    assert entry[0] == "privacy officer"
    assert "audit entries" in str(entry[1])
    # the trail is append-only again after the purge
    with closing(sqlite3.connect(db(school))) as conn, pytest.raises(sqlite3.DatabaseError):
        conn.execute("DELETE FROM audit")


def test_the_retention_settings_of_consents_yaml_are_used(
    make_cli: Callable[..., Cli], shared: Path, clock: Clock
) -> None:
    text = template_text().replace("snapshots_months: 12", "snapshots_months: 1")
    text = text.replace("audit_years: 5", "audit_years: 1")
    assert "snapshots_months: 1 " in text and "audit_years: 1 " in text
    cli = make_cli(config_text=text)
    demo = shared / "demo"
    assert cli("consents", "import", demo / "privacyvoorkeuren.csv").exit_code == 0
    clock.moment = DECEMBER
    assert cli("consents", "import", demo / "privacyvoorkeuren-december.csv").exit_code == 0
    clock.moment = datetime(2027, 1, 15, tzinfo=UTC)
    result = cli("purge", "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert [s["snapshot"] for s in doc["snapshots"]] == [1]
    assert doc["snapshots_replaced_before"].startswith("2026-12-15")
    assert doc["audit_before"].startswith("2026-01-15")


def test_purging_twice_deletes_nothing_the_second_time(school: Cli, clock: Clock) -> None:
    clock.moment = datetime(2032, 1, 1, tzinfo=UTC)
    assert school("purge").exit_code == 0
    second = school("purge", "--json")
    doc = json.loads(second.output)
    assert doc["snapshots"] == [] and doc["audit_entries"] == 0


@pytest.mark.parametrize(
    ("moment", "months", "expected"),
    [
        (datetime(2027, 3, 31, 9, 30), 1, datetime(2027, 2, 28, 9, 30)),
        (datetime(2028, 3, 31), 1, datetime(2028, 2, 29)),
        (datetime(2027, 1, 15), 12, datetime(2026, 1, 15)),
        (datetime(2027, 1, 15), 60, datetime(2022, 1, 15)),
        (datetime(2027, 1, 15), 13, datetime(2025, 12, 15)),
    ],
)
def test_months_before_counts_calendar_months(
    moment: datetime, months: int, expected: datetime
) -> None:
    assert months_before(moment, months) == expected


def test_copy_records_and_approvals_go_with_their_snapshot_unless_something_rests_on_them(
    school: Cli, clock: Clock, shared: Path, tmp_path: Path
) -> None:
    # under December's export (snapshot 2): Daan with a child nobody enrolled, for school
    kamp = tmp_path / "zomer"
    size = (520, 240)
    make_photo(kamp / "daan_noah.png", [(COLOURS[DAAN], 10), (COLOURS[NOAH], 300)], size=size)
    make_photo(kamp / "daan_zoe.png", [(COLOURS[DAAN], 10), (COLOURS[ZOE], 250)], size=size)
    out = tmp_path / "out"
    school("sort", kamp, "--out", out, "--redact", "-c", "school")
    copy = out / "school" / "redacted" / "daan_noah.png"
    assert school("review", "approve", copy, "-c", "school", "--by", "juf").exit_code == 0
    school("sort", kamp, "--out", out, "-c", "school")  # the approved copy goes in allowed/
    old_zoe = hashlib.sha256((kamp / "daan_zoe.png").read_bytes()).hexdigest()
    # daan_zoe.png is edited: the redacted copy of its old content belongs to nothing now
    make_photo(kamp / "daan_zoe.png", [(COLOURS[DAAN], 10), (COLOURS[ZOE], 280)], size=size)
    school("sort", kamp, "--out", out, "--redact", "-c", "school")
    noah = hashlib.sha256((kamp / "daan_noah.png").read_bytes()).hexdigest()
    of = "original_sha256 = '{}'".format
    assert count(school, "derived_copies", of(old_zoe)) == 1
    # January: Daan withdraws school consent; his face is visible in the approved copy
    clock.moment = datetime(2027, 1, 10, tzinfo=UTC)
    january = edited_export(
        shared, tmp_path / "januari.csv", {DAAN: {"school": "Nee"}}, base=DECEMBER_EXPORT
    )
    assert school("consents", "import", january).exit_code == 0
    assert school("recheck").exit_code == 1  # the copy is on the take-down list
    approval = "action = 'review-approve-redacted'"
    assert count(school, "audit", approval) == 1
    clock.moment = datetime(2033, 1, 1, tzinfo=UTC)  # snapshots 1 and 2 long replaced
    result = school("purge", "--json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert [s["snapshot"] for s in doc["snapshots"]] == [1, 2]
    assert doc["derived_copies"] == 1 and doc["copy_approvals"] == 0
    assert count(school, "derived_copies", of(old_zoe)) == 0
    assert count(school, "derived_copies", of(noah)) == 1  # its photo is still decided
    # the approval may still be out there: it and the audit entry it rests on stay
    assert count(school, "copy_approvals") == 1
    assert count(school, "audit", approval) == 1
    done = kamp / "daan_noah.png", tmp_path / "kamp" / "daan.png"  # and the fixture's photo
    assert school("recheck", "--done", done[0], "--done", done[1], "--by", "juf").exit_code == 0
    doc = json.loads(school("purge", "--json").output)
    assert doc["copy_approvals"] == 1
    assert count(school, "copy_approvals") == 0
    assert count(school, "audit", approval) == 0  # nothing rests on it any more
