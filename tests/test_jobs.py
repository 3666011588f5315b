"""What a nightly job and a script rely on, through the CLI with the fake engine: exit codes,
the take-down list that can be cleared, --json on listings, --quiet, progress in a log, and an
audit trail that holds imports, enrolments, forget and take-downs (never encodings)."""

from __future__ import annotations

import json
import re
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from filelock import FileLock

from .conftest import Cli
from .fakes import make_photo
from .test_cli_check import COLOURS, DAAN, FATIMA, NOAH, SOPHIE, camp, school
from .test_recheck import DECEMBER, demo, recheck, run_json

__all__ = ["school"]  # the fixture, imported so that pytest finds it here


def audit(cli: Cli) -> list[dict[str, Any]]:
    code, entries = run_json(cli, "audit")
    assert code == 0
    return list(entries)


# --- exit codes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["consents", "import", "EXPORT"],
        ["enroll", "REFS"],
        ["forget", DAAN],
        ["recheck"],
    ],
    ids=["import", "enroll", "forget", "recheck"],
)
def test_another_run_holding_the_database_exits_75(
    school: Cli, shared: Path, tmp_path: Path, args: list[str]
) -> None:
    real = {"EXPORT": str(demo(shared, DECEMBER)), "REFS": str(tmp_path / "refs")}
    with FileLock(f"{school.workdir / 'fotopoort.db'}.lock"):
        result = school("--wait", "0", *[real.get(a, a) for a in args])
    assert result.exit_code == 75, result.output
    assert "another fotopoort run is still busy" in result.stderr


def test_sort_ok_if_review_exits_0_with_photos_in_review_but_not_blocked(
    school: Cli, tmp_path: Path
) -> None:
    root = tmp_path / "kamp"
    make_photo(root / "daan.png", [(COLOURS[DAAN], 10)])
    make_photo(root / "daan_sophie.png", [(COLOURS[DAAN], 10), (SOPHIE, 200)])  # review
    out = tmp_path / "out"
    assert school("sort", root, "-o", out, "-c", "website").exit_code == 1
    relaxed = school("sort", root, "-o", out, "-c", "website", "--ok-if-review")
    assert relaxed.exit_code == 0, relaxed.output
    assert (out / "website" / "review" / "daan_sophie.png").is_file()
    make_photo(root / "noah.png", [(COLOURS[NOAH], 10)])  # blocked: no consent at all
    assert school("sort", root, "-o", out, "-c", "website", "--ok-if-review").exit_code == 1


def test_channel_names_are_case_insensitive(school: Cli, tmp_path: Path) -> None:
    photo = make_photo(tmp_path / "kamp" / "daan.png", [(COLOURS[DAAN], 10)])
    result = school("check", photo, "--channel", "Website")
    assert result.exit_code == 0, result.output
    assert "website: 1 photos: 1 allowed" in result.stdout


@pytest.mark.parametrize("by", ["", "  "], ids=["empty", "spaces"])
def test_by_may_not_be_empty(school: Cli, tmp_path: Path, by: str) -> None:
    root = camp(tmp_path / "kamp")
    school("check", root, "-c", "website")
    before = audit(school)
    for args in (
        ["review", "approve", root / "daan_sophie.png", "-c", "website", "--by", by],
        ["forget", DAAN, "--by", by],
    ):
        result = school(*args)
        assert result.exit_code == 2
        assert "--by may not be empty" in result.stderr
    assert audit(school) == before
    assert DAAN in school("enrolled").stdout


# --- the take-down list can be cleared ---------------------------------------------------------


def test_recheck_done_records_a_take_down_and_the_list_clears(
    school: Cli, shared: Path, tmp_path: Path
) -> None:
    root = camp(tmp_path / "kamp")
    school("check", root, "-c", "website")
    assert school("consents", "import", demo(shared, DECEMBER)).exit_code == 0
    code, doc = recheck(school)
    assert code == 1 and [Path(e["path"]).name for e in doc["take_down"]] == ["daan.png"]
    done = school("recheck", "-j", "1", "--done", root / "daan.png", "--by", "juf Anna")
    assert done.exit_code == 0, done.output
    assert "recorded as taken down" in done.stderr
    assert recheck(school)[0] == 0
    (entry,) = [e for e in audit(school) if e["action"] == "taken-down"]
    assert (entry["actor"], entry["channel"], Path(entry["path"]).name) == (
        "juf Anna",
        "website",
        "daan.png",
    )


def test_recheck_done_for_a_photo_not_on_the_list_exits_2(school: Cli, tmp_path: Path) -> None:
    root = camp(tmp_path / "kamp")
    school("check", root, "-c", "website")
    result = school("recheck", "-j", "1", "--done", root / "noah.png")
    assert result.exit_code == 2
    assert "not on the take-down list" in result.stderr


def test_recheck_all_gone_clears_deleted_photos_only(
    school: Cli, shared: Path, tmp_path: Path
) -> None:
    root = tmp_path / "kamp"
    make_photo(root / "daan.png", [(COLOURS[DAAN], 10)])
    make_photo(root / "daan2.png", [(COLOURS[DAAN], 12)])
    school("check", root, "-c", "website")
    school("consents", "import", demo(shared, DECEMBER))
    assert len(recheck(school)[1]["take_down"]) == 2
    (root / "daan.png").unlink()
    code, doc = recheck(school, "--all-gone")
    assert code == 1  # daan2.png is still there, and may still be out
    assert [Path(e["path"]).name for e in doc["take_down"]] == ["daan2.png"]


# --- --json on listings -------------------------------------------------------------------------


def test_enrolled_json(school: Cli) -> None:
    code, doc = run_json(school, "enrolled")
    assert code == 0
    assert [e["child"] for e in doc] == sorted([*COLOURS])
    first = doc[0]
    assert set(first) == {"child", "name", "references", "first_enrolled", "last_enrolled"}
    assert (first["name"], first["references"]) == ("Daan", 2)


def test_review_list_json_names_each_photo_by_its_full_path(school: Cli, tmp_path: Path) -> None:
    one, two = tmp_path / "kamp1", tmp_path / "kamp2"
    for root in (one, two):  # the same relative name under two folders
        make_photo(root / "daan_sophie.png", [(COLOURS[DAAN], 10), (SOPHIE, 200 + len(root.name))])
    school("check", one, two, "-c", "website")
    code, doc = run_json(school, "review", "list")
    assert code == 0
    assert sorted(e["path"] for e in doc) == [
        str((one / "daan_sophie.png").resolve()),
        str((two / "daan_sophie.png").resolve()),
    ]
    assert {e["rel"] for e in doc} == {"daan_sophie.png"}
    assert all(e["channel"] == "website" for e in doc)
    assert any(r["code"] == "unknown_face" for r in doc[0]["reasons"]), doc[0]["reasons"]


# --- quiet, and progress in a log ----------------------------------------------------------------


def test_quiet_prints_nothing_but_the_exit_code_says_it(school: Cli, tmp_path: Path) -> None:
    root = camp(tmp_path / "kamp")
    result = school("--quiet", "check", root, "-c", "website")
    assert result.exit_code == 1
    assert result.stdout == "" and result.stderr == ""
    as_json = school("--quiet", "check", root, "-c", "website", "--json")
    assert json.loads(as_json.stdout)["summary"]["blocked"] == 3


def test_progress_is_plain_lines_with_a_count_and_eta_when_stderr_is_a_log(
    school: Cli, tmp_path: Path
) -> None:
    root = tmp_path / "kamp"
    for i in range(12):
        make_photo(root / f"p{i:02}.png", [(COLOURS[FATIMA], 10 + i)])
    ticks = count()
    school.env_hook = lambda env: setattr(env, "clock", lambda: float(next(ticks) * 5))
    result = school("check", root, "-c", "portfolio")
    lines = [line for line in result.stderr.splitlines() if line.startswith("checking: ")]
    assert lines[0] == "checking: 1/12, 5 s elapsed, about 55 s left"
    assert lines[-1].startswith("checking: 12/12, ") and "left" not in lines[-1]
    assert len(lines) == 12
    assert all(
        re.fullmatch(r"checking: \d+/12, \d+ s elapsed(, about \d+ s left)?", x) for x in lines
    )


# --- the audit trail holds more than decisions -------------------------------------------------


def test_imports_enrolments_and_forget_are_audited(school: Cli, shared: Path) -> None:
    school("consents", "import", demo(shared, DECEMBER), "--by", "de administratie")
    school("forget", FATIMA, "--by", "privacy officer")
    entries = audit(school)
    actions = [(e["action"], e["actor"]) for e in entries]
    assert actions[1][0] == "enroll" and actions[0][0] == "import"
    assert actions[2:] == [("import", "de administratie"), ("forget", "privacy officer")]
    imported = entries[2]
    assert imported["note"] == (
        "snapshot 2 from privacyvoorkeuren-december.csv: 7 children, 2 changes, face encodings "
        "of 0 children deleted"
    )
    assert imported["path"] == str(demo(shared, DECEMBER).absolute())
    assert entries[1]["note"] == "10 reference photos of 5 children enrolled"  # two each
    assert entries[3]["note"] == "a child forgotten: 2 reference encodings deleted"
    assert FATIMA not in json.dumps(entries[3])
