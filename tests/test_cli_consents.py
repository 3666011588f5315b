"""`fotopoort consents import` and `consents show` through the CLI, with the real database."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import Result

from fotopoort import commands
from fotopoort.channels import Channel
from fotopoort.config import load_policy, template_text
from fotopoort.store import Store

from .conftest import Cli
from .fakes import FakeEngine
from .test_consents import (
    BIOMETRIC,
    CHANNEL_COLUMN,
    DAAN,
    DATE,
    DEMO_CSV,
    DEMO_DECEMBER_CSV,
    EXPECTED_DEMO,
    FATIMA,
    LIAM,
    NOAH,
    NOT_AN_EXPORT,
    SOPHIE,
    ZOE,
    demo_rows,
    drop_child,
    drop_column,
    put,
    to_csv,
    to_xlsx,
)

WEBSITE = CHANNEL_COLUMN[Channel.WEBSITE]

# --- helpers ----------------------------------------------------------------------------------


def demo_sha() -> str:
    return hashlib.sha256(DEMO_CSV.read_bytes()).hexdigest()


def write_export(directory: Path, data: bytes, name: str = "export.csv") -> Path:
    path = directory / name
    path.write_bytes(data)
    return path


def import_ok(cli: Cli, export: Path) -> Result:
    result = cli("consents", "import", export)
    assert result.exit_code == 0, result.output
    return result


@contextmanager
def store_of(cli: Cli) -> Iterator[Store]:
    store = Store(load_policy(cli.config).database)
    try:
        yield store
    finally:
        store.close()


def enrol(cli: Cli, *children: str) -> None:
    """Reference encodings as `enroll` would store them (dummy vectors: no face engine here)."""
    with store_of(cli) as store:
        for i, child in enumerate(children):
            for n in (1, 2):  # a child with one reference is never identified
                enc = np.full(128, i / 10)
                store.add_reference(child, f"sha{n}-of-{child}", f"{child}{n}.jpg", enc)


def enrolled(cli: Cli) -> list[str]:
    with store_of(cli) as store:
        return store.enrolled_children()


def snapshot_ids(cli: Cli) -> list[int]:
    with store_of(cli) as store:
        return [row[0] for row in store.snapshots()]


def show_json(cli: Cli, *args: str) -> Any:
    result = cli("consents", "show", "--json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def channels_of(cli: Cli, child: str) -> dict[str, bool]:
    return dict(show_json(cli, "--child", child)["children"][0]["channels"])


# what no parent answered in the demo export (empty, Niet ingevuld), apart from an explicit Nee
NEVER_ANSWERED = {
    SOPHIE: ["school", "website", "training", "research", "biometric"],
    ZOE: ["website"],
}


def expected_json(child: str) -> dict[str, Any]:
    name, group, granted, biometric = EXPECTED_DEMO[child]
    channels = {ch.value: ch in granted for ch in Channel}
    return {
        "child": child,
        "name": name,
        "group": group,
        "channels": channels,
        "biometric": biometric,
        "never_answered": NEVER_ANSWERED.get(child, []),
    }


def table_rows(output: str) -> dict[str, list[str]]:
    """The rows of a rich table, keyed by their first cell (the header row under 'child')."""
    rows = {}
    for line in output.splitlines():
        cells = [cell.strip() for cell in re.split("[│┃]", line)[1:-1]]
        if cells:
            rows[cells[0]] = cells[1:]
    return rows


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def assert_one_error_line(result: Result, fragment: str) -> None:
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Traceback" not in result.output
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("fotopoort: error: ")
    assert fragment in result.stderr


# --- schools shared by tests that do not change them (creating a database costs time) ------


def new_school(directory: Path) -> Cli:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "consents.yaml").write_text(template_text(), encoding="utf-8")
    return Cli(directory, FakeEngine)


@pytest.fixture(scope="module")
def first_import(tmp_path_factory: pytest.TempPathFactory, shared: Path) -> tuple[Cli, Result]:
    """A school that imported the demo export, and what that import printed."""
    cli = new_school(tmp_path_factory.mktemp("demo-school"))
    return cli, import_ok(cli, DEMO_CSV)


@pytest.fixture
def demo_school(first_import: tuple[Cli, Result]) -> Cli:
    return first_import[0]


@pytest.fixture(scope="module")
def empty_school(tmp_path_factory: pytest.TempPathFactory) -> Cli:
    """A school that has imported nothing (and, since bad exports change nothing, never will)."""
    cli = new_school(tmp_path_factory.mktemp("empty-school"))
    Store(load_policy(cli.config).database).close()
    return cli


def with_database_of(school: Cli, cli: Cli) -> Cli:
    shutil.copy2(school.workdir / "fotopoort.db", cli.workdir / "fotopoort.db")
    return cli


@pytest.fixture
def blank(cli: Cli, empty_school: Cli) -> Cli:
    """`cli` with an empty database: a copy, as creating one costs a dozen fsyncs."""
    return with_database_of(empty_school, cli)


@pytest.fixture
def imported(cli: Cli, first_import: tuple[Cli, Result]) -> Cli:
    """`cli` after importing the demo export (snapshot 1), with a copy of first_import's db."""
    return with_database_of(first_import[0], cli)


# --- import -----------------------------------------------------------------------------------


def test_import_says_what_it_stored(first_import: tuple[Cli, Result]) -> None:
    result = first_import[1]
    assert result.stdout == (
        f"imported privacyvoorkeuren.csv: 7 children, snapshot 1 (sha256 {demo_sha()[:12]}, "
        "export dated 2026-09-12)\n"
    )
    assert result.stderr == (
        f"warning: privacyvoorkeuren.csv: child {LIAM} has 2 rows (lines 7, 9) that differ on "
        "'Video interne training': the stricter answer (no) holds\n"
    )


def test_import_stores_the_effective_answers(demo_school: Cli) -> None:
    doc = show_json(demo_school)
    assert {k: v for k, v in doc["snapshot"].items() if k != "imported_at"} == {
        "sha256": demo_sha(),
        "source": "privacyvoorkeuren.csv",
        "export_date": "2026-09-12",
    }
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", doc["snapshot"]["imported_at"])
    assert doc["children"] == [expected_json(child) for child in sorted(EXPECTED_DEMO)]


def test_reimporting_the_same_export_is_a_noop_that_says_so(imported: Cli, tmp_path: Path) -> None:
    enrol(imported, DAAN, NOAH)
    again = import_ok(imported, DEMO_CSV)
    assert again.stdout == (
        f"privacyvoorkeuren.csv: already the current snapshot (sha256 {demo_sha()[:12]}); "
        "nothing changed\n"
    )
    renamed = write_export(tmp_path, DEMO_CSV.read_bytes(), "kopie.csv")
    assert "already the current snapshot" in import_ok(imported, renamed).stdout
    assert snapshot_ids(imported) == [1]
    assert enrolled(imported) == [DAAN, NOAH]


def test_a_newer_export_becomes_the_current_snapshot(imported: Cli) -> None:
    result = import_ok(imported, DEMO_DECEMBER_CSV)
    assert "imported privacyvoorkeuren-december.csv: 7 children, snapshot 2" in result.stdout
    assert "export dated 2026-12-03" in result.stdout
    assert channels_of(imported, DAAN)["website"] is False
    assert channels_of(imported, FATIMA)["school"] is True
    # going back to the old export is refused; when a person insists, it is a change too
    assert imported("consents", "import", DEMO_CSV).exit_code == 2
    back = imported("consents", "import", DEMO_CSV, "--older-ok")
    assert back.exit_code == 0, back.output
    assert "snapshot 3" in back.stdout
    assert channels_of(imported, DAAN)["website"] is True
    assert snapshot_ids(imported) == [1, 2, 3]


def test_reimporting_the_same_export_after_fixing_the_policy_applies_the_fix(blank: Cli) -> None:
    right = f"  website: {WEBSITE}"
    wrong = f"  website: {CHANNEL_COLUMN[Channel.SCHOOL]}"
    blank.config.write_text(template_text().replace(right, wrong), encoding="utf-8")
    import_ok(blank, DEMO_CSV)
    assert channels_of(blank, ZOE)["website"] is True  # read from the school column: wrong
    blank.config.write_text(template_text(), encoding="utf-8")
    import_ok(blank, DEMO_CSV)
    assert channels_of(blank, ZOE)["website"] is False  # her website cell is empty


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("export.csv", lambda: to_csv(demo_rows(), delimiter="\t", newline="\n")),
        ("export.xlsx", lambda: to_xlsx(demo_rows(), date_cells=True)),
    ],
    ids=["tab-lf", "xlsx"],
)
def test_import_other_formats(
    blank: Cli, tmp_path: Path, name: str, make: Callable[[], bytes]
) -> None:
    result = import_ok(blank, write_export(tmp_path, make(), name))
    assert f"imported {name}: 7 children, snapshot 1" in result.stdout
    assert "export dated 2026-09-12" in result.stdout
    assert show_json(blank)["children"] == [expected_json(c) for c in sorted(EXPECTED_DEMO)]


def test_import_warns_about_cp1252_and_unknown_values(blank: Cli, tmp_path: Path) -> None:
    data = to_csv(put(demo_rows(), DAAN, WEBSITE, "Ja graag"), encoding="cp1252")
    result = import_ok(blank, write_export(tmp_path, data))
    warnings = result.stderr.splitlines()
    assert "warning: export.csv: not UTF-8; read as Windows-1252 (check names with accents)" in (
        warnings
    )
    assert (
        f"warning: export.csv:2: column {WEBSITE!r}: unrecognised value 'Ja graag' counts as no"
        in warnings
    )
    assert channels_of(blank, DAAN)["website"] is False
    assert show_json(blank, "--child", ZOE)["children"][0]["name"] == "Zoë"


def test_import_without_a_date_column(blank: Cli, tmp_path: Path) -> None:
    result = import_ok(blank, write_export(tmp_path, to_csv(drop_column(demo_rows(), DATE))))
    assert "imported export.csv: 7 children, snapshot 1" in result.stdout
    assert "export dated" not in result.stdout
    assert show_json(blank)["snapshot"]["export_date"] is None


# --- encodings follow consent -----------------------------------------------------------------


@pytest.mark.parametrize("withdrawn", ["Nee", "", "Misschien"], ids=["nee", "empty", "unknown"])
def test_withdrawn_or_departed_children_lose_their_encodings(
    imported: Cli, tmp_path: Path, withdrawn: str
) -> None:
    enrol(imported, DAAN, FATIMA, NOAH)
    rows = drop_child(put(demo_rows(), DAAN, BIOMETRIC, withdrawn), FATIMA)
    result = import_ok(imported, write_export(tmp_path, to_csv(rows)))
    deleted = [line for line in result.stdout.splitlines() if line.startswith("deleted ")]
    assert deleted == [
        f"deleted the face encodings of {DAAN}: consent for face recognition withdrawn",
        f"deleted the face encodings of {FATIMA}: no longer in the consent export",
    ]
    assert enrolled(imported) == [NOAH]


def test_a_rejected_export_changes_nothing(imported: Cli, tmp_path: Path) -> None:
    enrol(imported, DAAN)
    rows = put(demo_rows(), DAAN, BIOMETRIC, "Nee")
    rows[0][1] = "Roep naam"
    result = imported("consents", "import", write_export(tmp_path, to_csv(rows)))
    assert_one_error_line(result, "missing column 'Roepnaam' (did you mean 'Roep naam'?), asked")
    assert snapshot_ids(imported) == [1]
    assert enrolled(imported) == [DAAN]


def test_an_import_that_fails_halfway_is_rolled_back(
    imported: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    enrol(imported, DAAN, NOAH)
    withdrawn = write_export(tmp_path, to_csv(put(demo_rows(), DAAN, BIOMETRIC, "Nee")))

    def disk_full(self: Store, child: str) -> int:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(Store, "_delete_child_data", disk_full)
    policy = load_policy(imported.config)
    with store_of(imported) as store, pytest.raises(sqlite3.OperationalError):
        commands.import_consents(policy, store, withdrawn)
    with store_of(imported) as store:
        assert store.snapshots()[-1][:2] == (1, demo_sha())
        counts = [
            store.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("snapshots", "snapshot_children", "snapshot_consents")
        ]
        assert counts == [1, 7, 7 * 6]
        assert store.enrolled_children() == [DAAN, NOAH]


# --- show -------------------------------------------------------------------------------------


def test_show_prints_one_row_per_child_and_one_column_per_channel(demo_school: Cli) -> None:
    result = demo_school("consents", "show")
    assert result.exit_code == 0
    assert result.stdout.startswith("privacyvoorkeuren.csv (imported ")
    expected = {"child": ["name", "group", *[ch.value for ch in Channel], "biometric"]}

    def shown(child: str, yes: bool, what: str) -> str:
        return "Ja" if yes else "?" if what in NEVER_ANSWERED.get(child, []) else "nee"

    for child, (name, group, granted, biometric) in EXPECTED_DEMO.items():
        answers = [shown(child, ch in granted, ch.value) for ch in Channel]
        expected[child] = [name, group, *answers, shown(child, biometric, "biometric")]
    assert table_rows(result.stdout) == expected
    assert (
        "? = never answered (empty or 'Niet ingevuld'; counts as no): 2 children whose parents "
        f"could be asked again: Sophie ({SOPHIE}), Zoë ({ZOE})" in result.stdout
    )


def test_show_at_80_columns_keeps_every_leerlingnummer_whole(demo_school: Cli) -> None:
    demo_school.env_hook = lambda env: setattr(env.out, "width", 80)
    try:
        result = demo_school("consents", "show")
    finally:
        demo_school.env_hook = None  # the school is shared by the tests of this module
    assert result.exit_code == 0
    assert "│ Fatima │" in result.stdout.replace("  ", " ")  # names stay whole too
    numbers = set(re.findall(r"│\s*(\d[\d…]*)\s*│", result.stdout))
    assert numbers == set(EXPECTED_DEMO), numbers
    table = [line for line in result.stdout.splitlines() if line[:1] in "┏┃┡│└"]
    assert all(len(line) <= 80 for line in table)
    assert all(line.rstrip()[-1] in "┓┃┩│┘" for line in table)  # no column cut off
    assert "port = portfolio;" in result.stdout and "bio = biometric" in result.stdout


def test_show_one_child(demo_school: Cli) -> None:
    result = demo_school("consents", "show", "--child", LIAM)
    assert result.exit_code == 0
    assert list(table_rows(result.stdout)) == ["child", LIAM]
    assert show_json(demo_school, "--child", LIAM)["children"] == [expected_json(LIAM)]


@pytest.mark.parametrize("as_json", [[], ["--json"]], ids=["table", "json"])
def test_show_unknown_child_exits_2(demo_school: Cli, as_json: list[str]) -> None:
    result = demo_school("consents", "show", *as_json, "--child", "100231")  # no leading zero
    assert_one_error_line(result, "no child '100231' in the current snapshot")


@pytest.mark.parametrize("as_json", [[], ["--json"]], ids=["table", "json"])
def test_show_before_any_import_exits_2(empty_school: Cli, as_json: list[str]) -> None:
    result = empty_school("consents", "show", *as_json)
    assert_one_error_line(result, "no consent export imported yet: run `fotopoort consents import")


# --- the database file ------------------------------------------------------------------------


def test_database_beside_the_policy_is_readable_by_its_owner_only(demo_school: Cli) -> None:
    database = demo_school.workdir / "fotopoort.db"
    assert mode(database) == 0o600
    database.chmod(0o644)  # as a copy or a restore from backup might leave it
    shown = demo_school("consents", "show")  # reading: warns, never changes the file
    assert shown.exit_code == 0 and "can be read by other users" in shown.stderr
    assert mode(database) == 0o644
    assert demo_school("consents", "import", DEMO_CSV).exit_code == 0  # writing: made private
    assert mode(database) == 0o600


@pytest.mark.parametrize("command", [["consents", "show"], ["consents", "import", "EXPORT"]])
def test_database_that_is_not_one_is_refused_and_left_alone(
    cli: Cli, tmp_path: Path, command: list[str]
) -> None:
    victim = tmp_path / "passwd"
    victim.write_text("root:x:0:0\n")
    victim.chmod(0o644)
    text = template_text().replace("database: fotopoort.db", f"database: {victim}")
    cli.config.write_text(text, encoding="utf-8")
    args = [DEMO_CSV if a == "EXPORT" else a for a in command]
    result = cli(*args)
    assert result.exit_code == 2
    assert "not an SQLite database" in result.stderr
    assert mode(victim) == 0o644 and victim.read_text() == "root:x:0:0\n"
    text = template_text().replace("database: fotopoort.db", "database: /dev/null")
    cli.config.write_text(text, encoding="utf-8")
    result = cli(*args)
    assert result.exit_code == 2 and "not a regular file" in result.stderr


def test_reading_commands_do_not_create_a_database(cli: Cli) -> None:
    text = template_text().replace("database: fotopoort.db", "database: weg/register.db")
    cli.config.write_text(text, encoding="utf-8")
    result = cli("consents", "show")
    assert result.exit_code == 2 and "no database yet" in result.stderr
    assert not (cli.workdir / "weg").exists()


def test_reading_commands_work_on_a_read_only_database(
    demo_school: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = demo_school.workdir / "fotopoort.db"
    before = hashlib.sha256(database.read_bytes()).hexdigest()
    # a read-only file system (tests may run as root, whom permissions do not stop)
    real_access = os.access

    def access(path: object, mode: int, **kwargs: object) -> bool:
        return False if Path(str(path)) == database else real_access(path, mode)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "access", access)
    result = demo_school("consents", "show")
    assert result.exit_code == 0, result.output
    assert "Daan" in result.stdout
    assert hashlib.sha256(database.read_bytes()).hexdigest() == before


def test_configured_database_path_is_created_private(cli: Cli, shared: Path) -> None:
    text = template_text().replace("database: fotopoort.db", "database: gegevens/register.db")
    cli.config.write_text(text, encoding="utf-8")
    import_ok(cli, DEMO_CSV)
    assert mode(cli.workdir / "gegevens" / "register.db") == 0o600
    assert not (cli.workdir / "fotopoort.db").exists()


# --- errors: exit 2, one line, a traceback only with --debug ----------------------------------

BAD_PATHS: list[tuple[str, Callable[[Path], Path], str]] = [
    ("missing", lambda tmp: tmp / "weg.csv", "weg.csv: no such file"),
    ("folder", lambda tmp: tmp, "is a folder, not an export file"),
    *[
        (name, lambda tmp, make=make: write_export(tmp, make()), fragment)
        for name, make, fragment in NOT_AN_EXPORT
    ],
    (
        "misspelt-column",
        lambda tmp: write_export(
            tmp, to_csv([["Leerling nummer", *demo_rows()[0][1:]], *demo_rows()[1:]])
        ),
        "missing column 'Leerlingnummer' (did you mean 'Leerling nummer'?)",
    ),
]
WITH_DEBUG = {"missing", "png", "misspelt-column", "damaged-sheet"}


def import_bad(school: Cli, directory: Path, make: Callable[[Path], Path], *flags: str) -> Result:
    directory.mkdir()
    return school(*flags, "consents", "import", make(directory))


@pytest.mark.parametrize(
    ("make", "fragment"),
    [case[1:] for case in BAD_PATHS],
    ids=[case[0] for case in BAD_PATHS],
)
def test_bad_export_exits_2_with_one_line_and_no_traceback(
    empty_school: Cli, tmp_path: Path, make: Callable[[Path], Path], fragment: str
) -> None:
    result = import_bad(empty_school, tmp_path / "exports", make)
    assert_one_error_line(result, fragment)
    assert snapshot_ids(empty_school) == []


@pytest.mark.parametrize(
    ("make", "fragment"),
    [case[1:] for case in BAD_PATHS if case[0] in WITH_DEBUG],
    ids=[case[0] for case in BAD_PATHS if case[0] in WITH_DEBUG],
)
def test_debug_shows_the_traceback_of_an_expected_error(
    empty_school: Cli, tmp_path: Path, make: Callable[[Path], Path], fragment: str
) -> None:
    result = import_bad(empty_school, tmp_path / "exports", make, "--debug")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Traceback (most recent call last)" in result.stderr
    last = result.stderr.splitlines()[-1]
    assert last.startswith("fotopoort: error: ")
    assert fragment in last


def test_success_has_no_traceback_even_with_debug(demo_school: Cli) -> None:
    for args in (["consents", "import", DEMO_CSV], ["consents", "show", "--json"]):
        result = demo_school("--debug", *args)
        assert result.exit_code == 0
        assert "Traceback" not in result.output


def test_why_encodings_were_deleted_is_said_in_dutch(
    imported: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    enrol(imported, DAAN, FATIMA)
    rows = drop_child(put(demo_rows(), DAAN, BIOMETRIC, "Nee"), FATIMA)
    monkeypatch.setenv("FOTOPOORT_LANG", "nl")
    result = import_ok(imported, write_export(tmp_path, to_csv(rows)))
    assert f"{DAAN} gewist: toestemming voor gezichtsherkenning ingetrokken" in result.stdout
    assert f"{FATIMA} gewist: niet meer in de toestemmingsexport" in result.stdout
    assert "withdrawn" not in result.stdout and "no longer" not in result.stdout
