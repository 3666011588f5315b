"""`forget` sticks: the nightly `enroll FOLDER` never enrols a forgotten child again.

Only a newer consent export that gives face-recognition consent after the forget, and a person
running `enroll FOLDER --child NR`, enrol the child again. Through the CLI with the fake engine.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from typer.testing import Result

from .conftest import Cli
from .test_consents import DAAN, DATE, FATIMA
from .test_enrol import (
    GREEN,
    RED,
    Row,
    enrol_daan_and_fatima,
    export,
    face,
    ok,
    query,
    refdir,
    references,
    school,
)

__all__ = ["refdir", "school"]  # the fixtures, imported so that pytest finds them here


def dated_today(rows: list[Row]) -> list[Row]:
    today = datetime.now(UTC).strftime("%d-%m-%Y")
    return [{**r, DATE: today} for r in rows]


def line_of(result: Result, child: str) -> str:
    return next(line for line in result.output.splitlines() if f"({child})" in line)


def test_a_folder_run_does_not_enrol_a_forgotten_child_again(school: Cli, refdir: Path) -> None:
    enrol_daan_and_fatima(school, refdir)
    ok(school("forget", DAAN))
    again = school("enroll", refdir)
    assert again.exit_code == 0, again.output  # Fatima is still enrolled: the run did its job
    assert line_of(again, DAAN).startswith(
        f"skipped  Daan ({DAAN}): forgotten on {datetime.now(UTC).date().isoformat()}: not "
        "enrolled again by a folder run"
    )
    assert f"--child {DAAN}" in line_of(again, DAAN)
    assert references(school) == {FATIMA: 1}


def test_naming_the_child_is_not_enough_without_a_newer_export(school: Cli, refdir: Path) -> None:
    enrol_daan_and_fatima(school, refdir)
    ok(school("forget", DAAN))
    result = school("enroll", refdir, "--child", DAAN)
    assert result.exit_code == 1, result.output
    assert "import a consent export made after that day" in line_of(result, DAAN)
    assert references(school) == {FATIMA: 1}


def test_a_new_export_dated_before_the_forget_does_not_lift_it(
    school: Cli, shared: Path, refdir: Path, tmp_path: Path
) -> None:
    enrol_daan_and_fatima(school, refdir)
    ok(school("forget", DAAN))
    # a new snapshot, but the school's register as it was in September
    same_day = export(tmp_path, shared, lambda rows: [{**r, "Roepnaam": "D."} for r in rows])
    ok(school("consents", "import", same_day))
    result = school("enroll", refdir, "--child", DAAN)
    assert result.exit_code == 1
    assert references(school) == {FATIMA: 1}


def test_a_newer_export_and_a_person_enrol_the_child_again(
    school: Cli, shared: Path, refdir: Path, tmp_path: Path
) -> None:
    enrol_daan_and_fatima(school, refdir)
    ok(school("forget", DAAN))
    ok(school("consents", "import", export(tmp_path, shared, dated_today, name="nieuw.csv")))
    plain = ok(school("enroll", refdir))
    assert "not enrolled again by a folder run" in line_of_output(plain, DAAN)
    assert references(school) == {FATIMA: 1}
    explicit = ok(school("enroll", refdir, "--child", DAAN))
    assert f"enrolled Daan ({DAAN}): 2 new, 0 already enrolled" in explicit
    assert FATIMA not in explicit  # only the child asked for
    assert references(school) == {DAAN: 2, FATIMA: 1}
    # enrolled again on purpose: the next folder run keeps it, as any enrolled child
    assert f"enrolled Daan ({DAAN}): 0 new, 2 already enrolled" in ok(school("enroll", refdir))


def line_of_output(output: str, child: str) -> str:
    return next(line for line in output.splitlines() if f"({child})" in line)


def test_enroll_child_needs_its_folder(school: Cli, refdir: Path) -> None:
    face(refdir / FATIMA / "fatima.png", RED)
    result = school("enroll", refdir, "--child", DAAN)
    assert result.exit_code == 2
    assert f"{refdir / DAAN}: no such folder of reference photos" in result.stderr


def test_forget_names_the_reference_photos_the_school_must_delete(
    school: Cli, refdir: Path
) -> None:
    enrol_daan_and_fatima(school, refdir)
    (refdir / DAAN / "daan2.png").unlink()
    output = ok(school("forget", DAAN))
    assert "1 reference photos are still on disk" in output
    assert "they are the school's to delete" in output
    assert f"  {refdir / DAAN / 'daan1.png'}\n" in output
    assert "daan2.png" not in output
    assert (refdir / DAAN / "daan1.png").is_file()  # never deleted by fotopoort


def test_the_forget_marker_keeps_neither_number_nor_name(school: Cli, refdir: Path) -> None:
    enrol_daan_and_fatima(school, refdir)
    ok(school("forget", DAAN))
    rows = query(school, "SELECT * FROM forgotten")
    assert len(rows) == 1
    assert DAAN not in repr(rows) and DAAN.lstrip("0") not in repr(rows)
    assert "Daan" not in repr(rows)


def test_forgetting_a_child_never_enrolled_also_sticks(school: Cli, refdir: Path) -> None:
    ok(school("forget", DAAN))
    face(refdir / DAAN / "daan1.png", RED)
    face(refdir / FATIMA / "fatima.png", GREEN)
    ok(school("enroll", refdir))
    assert references(school) == {FATIMA: 1}
