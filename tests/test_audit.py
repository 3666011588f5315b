"""The audit trail: every decision, automatic or human, appended with what it was based on; never
an encoding; never updated or deleted, except that `forget` pseudonymises a child."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import sqlite3
from contextlib import closing
from dataclasses import asdict, dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from fotopoort import __version__, commands
from fotopoort.channels import Channel
from fotopoort.config import DEFAULT_THRESHOLDS, load_policy
from fotopoort.store import Store

from .conftest import Cli
from .fakes import FakeEngine, make_photo
from .test_cli_check import COLOURS, DAAN, FATIMA, LIAM, STRANGER, camp, school
from .test_recheck import DECEMBER, SEPTEMBER, demo, edited_export, recheck, run_json
from .test_review import SOPHIE_NR, registered, review

__all__ = ["registered", "school"]  # fixtures, imported so that pytest finds them here

FIELDS = {
    "id",
    "at",
    "tool_version",
    "action",
    "actor",
    "photo_sha256",
    "path",
    "channel",
    "grp",
    "decision",
    "reasons",
    "faces",
    "snapshot_sha256",
    "thresholds",
    "note",
}
FACE_FIELDS = {"box", "child", "distance", "status"}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def audit(cli: Cli, *args: str | Path) -> list[dict[str, Any]]:
    code, entries = run_json(cli, "audit", *args)
    assert code == 0
    return list(entries)


def raw_audit(cli: Cli) -> list[tuple[Any, ...]]:
    """Every row and column of the audit table, as SQLite holds it."""
    with closing(sqlite3.connect(cli.workdir / "fotopoort.db")) as db:
        return list(db.execute("SELECT * FROM audit ORDER BY id"))


def by_photo(root: Path, entries: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {Path(e["path"]).relative_to(root.resolve()).as_posix(): e for e in entries}


def longest_number_list(value: Any) -> int:
    """How long the longest list of numbers in a JSON value is (an encoding has 128)."""
    if isinstance(value, dict):
        return max((longest_number_list(v) for v in value.values()), default=0)
    if isinstance(value, list):
        numbers = len(value) if all(isinstance(v, int | float) for v in value) else 0
        return max([numbers, *(longest_number_list(v) for v in value)])
    return 0


# --- what every entry holds ----------------------------------------------------------------


def test_every_decision_is_appended_with_what_it_was_based_on(
    school: Cli, shared: Path, tmp_path: Path
) -> None:
    root = camp(tmp_path / "kamp")
    school("check", root, "-c", "website")
    everything_so_far = audit(school)
    assert [e["action"] for e in everything_so_far][:2] == ["import", "enroll"]
    checked = [e for e in everything_so_far if e["photo_sha256"]]
    entries = by_photo(root, checked)
    assert len(checked) == len(entries) == 8  # every photo, broken.jpg too
    september = sha256(demo(shared, SEPTEMBER))
    for rel, e in entries.items():
        assert set(e) == FIELDS
        assert datetime.fromisoformat(e["at"]).tzinfo is not None
        assert (e["tool_version"], e["action"], e["actor"], e["note"]) == (
            __version__,
            "check",
            "fotopoort",
            None,
        )
        assert (e["photo_sha256"], e["path"]) == (sha256(root / rel), str((root / rel).resolve()))
        assert (e["channel"], e["grp"], e["snapshot_sha256"]) == ("website", None, september)
        assert e["thresholds"] == asdict(DEFAULT_THRESHOLDS)
    pair = entries["daan_fatima.png"]
    assert pair["decision"] == "blocked"
    assert pair["faces"] == [
        # 2/255 from each of the two references (test_cli_check.school)
        {"box": [20, 90, 100, 10], "child": DAAN, "distance": 0.0078, "status": "identified"},
        {"box": [20, 280, 100, 200], "child": FATIMA, "distance": 0.0078, "status": "identified"},
    ]
    assert [(r["code"], r["child"]) for r in pair["reasons"]] == [
        ("consent", DAAN),
        ("no_consent", FATIMA),
    ]
    assert [f["status"] for f in entries["daan_small.png"]["faces"]] == ["too_small"] * 2
    assert [r["code"] for r in entries["broken.jpg"]["reasons"]] == ["unreadable"]

    # a sort, a person and a recheck add to it; nothing before changes
    school("sort", root, "--out", tmp_path / "out", "-c", "school")
    note = "de juf van groep 3"
    review(school, "approve", root / "daan_sophie.png", "-c", "website", "--note", note)
    school("consents", "import", demo(shared, DECEMBER))
    recheck(school)
    everything = audit(school)
    assert everything[: len(everything_so_far)] == everything_so_far
    later = everything[len(everything_so_far) :]
    assert {e["action"] for e in later} == {"sort", "review", "import", "recheck"}
    (human,) = [e for e in later if e["action"] == "review"]
    assert (human["actor"], human["note"], human["decision"]) == ("juf Anna", note, "allowed")
    assert human["reasons"][-1]["message"] == f"approved by juf Anna ({note})"
    rechecked = by_photo(
        root, [e for e in later if e["action"] == "recheck" and e["channel"] == "website"]
    )
    daan = rechecked["daan.png"]
    assert (daan["channel"], daan["decision"]) == ("website", "blocked")
    assert daan["snapshot_sha256"] == sha256(demo(shared, DECEMBER))
    for e in everything:
        assert all(set(face) == FACE_FIELDS for face in e["faces"])
        assert longest_number_list(e) <= 4  # boxes; never an encoding
    assert all(not isinstance(v, bytes) for row in raw_audit(school) for v in row)


def test_the_audit_names_the_thresholds_a_decision_was_made_with(
    registered: Cli, tmp_path: Path
) -> None:
    photo = make_photo(tmp_path / "kamp" / "stranger.png", [(STRANGER, 10)])
    registered("check", photo, "-c", "website")
    policy = registered.config.read_text(encoding="utf-8")
    registered.config.write_text(
        policy.replace(f"tolerance: {DEFAULT_THRESHOLDS.tolerance}", "tolerance: 0.3")
    )
    registered("check", photo, "-c", "website")  # the same decision, under stricter matching
    assert audit(registered)[-1]["thresholds"] == {**asdict(DEFAULT_THRESHOLDS), "tolerance": 0.3}


# --- append-only, and forget ------------------------------------------------------------------


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit SET decision = 'allowed'",
        "UPDATE audit SET reasons = '[]' WHERE id = 1",
        "DELETE FROM audit",
        "DELETE FROM audit WHERE id = 1",
    ],
)
def test_the_audit_table_cannot_be_updated_or_deleted(
    registered: Cli, tmp_path: Path, sql: str
) -> None:
    registered("check", shoot_one(tmp_path), "-c", "website")
    before = raw_audit(registered)
    assert before
    with closing(sqlite3.connect(registered.workdir / "fotopoort.db")) as db:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.execute(sql)
        db.commit()
    assert raw_audit(registered) == before


def shoot_one(tmp_path: Path) -> Path:
    return make_photo(tmp_path / "kamp" / "stranger.png", [(STRANGER, 10)])


def test_forget_replaces_the_child_by_a_pseudonym_in_past_entries(
    school: Cli, tmp_path: Path
) -> None:
    root = camp(tmp_path / "kamp")
    school("check", root, "-c", "website")
    review(school, "assign", root / "daan_sophie.png", "--face", "2", "--child", SOPHIE_NR)
    assert audit(school, "--child", SOPHIE_NR)
    before = raw_audit(school)
    for child in (DAAN, SOPHIE_NR):
        assert school("forget", child).exit_code == 0
    after = raw_audit(school)
    assert [row[:10] for row in after[: len(before)]] == [row[:10] for row in before]
    # the forgets are recorded too, without saying who was forgotten
    forgets = after[len(before) :]
    assert [row[3] for row in forgets] == ["forget"] * 2
    assert all(
        re.fullmatch(r"a child forgotten: \d reference encodings deleted", r[14]) for r in forgets
    )
    dump = json.dumps(after, ensure_ascii=False)
    for gone in (DAAN, "Daan (0100231)", SOPHIE_NR, "Sophie (0100512)"):
        assert gone not in dump
    assert FATIMA in dump  # the others stay as they were
    assert "Fatima" not in dump  # names are never stored: they are rendered when shown
    shown = json.dumps(audit(school), ensure_ascii=False)
    assert "Fatima (0100487)" in shown and "Daan" not in shown
    pseudonyms = {f["child"] for e in audit(school) for f in e["faces"]} - set(COLOURS)
    assert len(pseudonyms - {None}) == 2
    assert all(p.startswith("forgotten-") for p in pseudonyms - {None})
    assert audit(school, "--child", DAAN) == audit(school, "--child", SOPHIE_NR) == []


def test_forget_leaves_the_child_number_in_no_note(registered: Cli, tmp_path: Path) -> None:
    photo = shoot_one(tmp_path)
    registered("check", photo, "-c", "website")
    note = "Sophie (0100512), herkend door juf Anna"
    review(registered, "assign", photo, "--face", "1", "--child", SOPHIE_NR, "--note", note)
    registered("forget", SOPHIE_NR)
    dump = json.dumps(raw_audit(registered), ensure_ascii=False)
    assert SOPHIE_NR not in dump


def test_forget_a_child_who_left_leaves_no_name_beside_the_pseudonym(
    registered: Cli, shared: Path, tmp_path: Path
) -> None:
    photo = shoot_one(tmp_path)
    registered("check", photo, "-c", "website")
    review(registered, "assign", photo, "--face", "1", "--child", DAAN)
    assert "Daan" not in json.dumps(raw_audit(registered))  # a number, never a name
    assert "Daan (0100231), named by a person" in json.dumps(audit(registered))
    registered("consents", "import", edited_export(shared, tmp_path / "new.csv", {DAAN: None}))
    registered("forget", DAAN)
    dump = json.dumps(raw_audit(registered), ensure_ascii=False)
    assert DAAN not in dump
    assert "Daan (" not in dump


def test_after_forget_no_table_holds_the_child_s_name_or_number(
    school: Cli, tmp_path: Path
) -> None:
    root = camp(tmp_path / "kamp")
    school("check", root, "-c", "website")
    note = "Sophie (0100512) en Daan (0100231), herkend door juf Anna"
    review(
        school,
        "assign",
        root / "daan_sophie.png",
        "--face",
        "2",
        "--child",
        SOPHIE_NR,
        "--note",
        note,
    )
    school("recheck")
    before = json.dumps(raw_audit(school), ensure_ascii=False)
    assert DAAN in before and SOPHIE_NR in before and "Daan (0100231):" not in before
    for child in (DAAN, SOPHIE_NR):
        assert school("forget", child).exit_code == 0
    with closing(sqlite3.connect(school.workdir / "fotopoort.db")) as db:
        dump = "\n".join(
            line
            for line in db.iterdump()
            # the consent register is the school's own export, kept as imported (purge
            # deletes it by the retention rules); forget removes what fotopoort derived
            if not line.startswith(
                ('INSERT INTO "snapshot_children"', 'INSERT INTO "snapshot_consents"')
            )
        )
    assert 'INSERT INTO "audit"' in dump and 'INSERT INTO "reviews"' in dump
    for gone in (DAAN, SOPHIE_NR, "Daan", "Sophie"):
        assert gone not in dump, gone
    assert FATIMA in dump  # the others stay as they were


# --- showing it -------------------------------------------------------------------------------


@dataclass(frozen=True)
class History:
    cli: Cli
    september: Path  # checked on 2026-09-15
    december: Path  # checked on 2026-12-05, and its face named as Liam by a person


def on(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T09:00:00+00:00")


@pytest.fixture
def history(registered: Cli, tmp_path: Path) -> History:
    """Decisions made on known days, through the commands API with a fixed clock."""
    policy = load_policy(registered.config)
    september = make_photo(tmp_path / "kamp" / "september.png", [(STRANGER, 10)])
    december = make_photo(tmp_path / "kamp" / "december.png", [(STRANGER, 100)])
    with closing(Store(policy.database, clock=partial(on, "2026-09-15"))) as store:
        commands.check(policy, store, [september], [Channel.WEBSITE], FakeEngine)
    with closing(Store(policy.database, clock=partial(on, "2026-12-05"))) as store:
        commands.check(policy, store, [december], [Channel.WEBSITE], FakeEngine)
        commands.review_assign(policy, store, december, 1, LIAM, "meester Bas", "")
    return History(registered, september, december)


def photos(entries: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """The photo decisions among `entries` (imports, enrolments and the like have no photo)."""
    return [(Path(e["path"]).name, e["action"]) for e in entries if e["photo_sha256"]]


DECEMBER_ENTRIES = [("december.png", "check"), ("december.png", "review")]


@pytest.mark.parametrize("since", ["2026-12-01", "20261201", "2026-W49-1"])
def test_audit_since_a_date_in_any_form_it_accepts(history: History, since: str) -> None:
    assert photos(audit(history.cli, "--since", since)) == DECEMBER_ENTRIES


def test_audit_filters(history: History) -> None:
    everything = [("september.png", "check"), *DECEMBER_ENTRIES]
    assert photos(audit(history.cli)) == everything
    assert photos(audit(history.cli, "--since", "2026-09-15")) == everything
    assert audit(history.cli, "--since", "2026-12-06") == []
    assert photos(audit(history.cli, "--child", LIAM)) == [("december.png", "review")]
    assert audit(history.cli, "--child", DAAN) == []
    history.september.unlink()  # deleted after it was checked: still found by its path
    assert photos(audit(history.cli, "--photo", history.september)) == everything[:1]
    assert photos(audit(history.cli, "--photo", history.december)) == DECEMBER_ENTRIES


def test_audit_as_csv_and_as_a_table(history: History) -> None:
    result = history.cli("audit", "--csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows[0]["action"] == "import" and rows[0]["photo_sha256"] == ""
    rows = rows[1:]
    assert [(Path(r["path"]).name, r["action"], r["actor"]) for r in rows] == [
        ("september.png", "check", "fotopoort"),
        ("december.png", "check", "fotopoort"),
        ("december.png", "review", "meester Bas"),
    ]
    assert set(rows[0]) == FIELDS
    assert json.loads(rows[2]["faces"])[0]["child"] == LIAM
    table = history.cli("audit")
    assert table.exit_code == 0
    assert "2026-12-05 09:00" in table.stdout and "meester Bas" in table.stdout
    assert "4 entries" in table.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--json", "--csv"], "choose one of --json and --csv"),
        (["--since", "gisteren"], "expected a date as YYYY-MM-DD"),
        (["--since", "2026-13-01"], "expected a date as YYYY-MM-DD"),
        (["--since", "01-12-2026"], "expected a date as YYYY-MM-DD"),
    ],
)
def test_audit_usage_errors_exit_2(cli: Cli, args: list[str], message: str) -> None:
    result = cli("audit", *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_what_an_import_enrol_or_forget_did_is_stored_in_english_and_shown_in_dutch(
    school: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert school("forget", DAAN).exit_code == 0
    stored = [row[14] for row in raw_audit(school)]
    assert re.fullmatch(
        r"snapshot 1 from privacyvoorkeuren\.csv: \d+ children, 0 changes, face encodings of 0 "
        r"children deleted",
        stored[0],
    )
    assert re.fullmatch(r"\d+ reference photos of \d+ children enrolled", stored[1])
    english = audit(school)
    assert [e["note"] for e in english] == stored  # English is shown as it was stored
    assert "a child forgotten: 2 reference encodings deleted" in school("audit").stdout
    monkeypatch.setenv("FOTOPOORT_LANG", "nl")
    dutch = [e["note"] for e in audit(school)]
    assert re.fullmatch(
        r"momentopname 1 uit privacyvoorkeuren\.csv: \d+ kinderen, 0 wijzigingen, "
        r"gezichtsencodings van 0 kinderen verwijderd",
        dutch[0],
    )
    assert re.fullmatch(r"\d+ referentiefoto's van \d+ kinderen ingeschreven", dutch[1])
    assert dutch[2] == "een kind vergeten: 2 referentie-encodings verwijderd"
    assert "een kind vergeten: 2 referentie-encodings verwijderd" in school("audit").stdout
    assert [row[14] for row in raw_audit(school)] == stored  # reading changed nothing
