"""`consents import` never takes consent backwards, or many children at once, without a person.

Through the CLI: an export older than the current snapshot is refused unless --older-ok; one that
gives consent back to, or removes, more than a few children needs --yes. A refused import changes
nothing at all.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import Cli
from .test_cli_consents import (
    WEBSITE,
    assert_one_error_line,
    channels_of,
    enrol,
    enrolled,
    import_ok,
    snapshot_ids,
    write_export,
)
from .test_consents import (
    DAAN,
    DATE,
    DEMO_CSV,
    DEMO_DECEMBER_CSV,
    FATIMA,
    LIAM,
    MILA,
    NOAH,
    SOPHIE,
    ZOE,
    Table,
    demo_rows,
    drop_child,
    drop_column,
    put,
    to_csv,
)


@pytest.fixture
def blank(cli: Cli) -> Cli:
    return cli


def dated(rows: Table, day: str) -> Table:
    for row in rows[1:]:
        row[rows[0].index(DATE)] = day
    return rows


def website(rows: Table, answer: str, *children: str) -> Table:
    for child in children:
        for nth in range(sum(1 for r in rows[1:] if r[0] == child)):
            put(rows, child, WEBSITE, answer, nth=nth)
    return rows


# --- an older export --------------------------------------------------------------------------


def test_an_older_export_is_refused_and_changes_nothing(blank: Cli) -> None:
    import_ok(blank, DEMO_CSV)
    import_ok(blank, DEMO_DECEMBER_CSV)  # Daan withdrew his website consent
    result = blank("consents", "import", DEMO_CSV)
    assert_one_error_line(
        result,
        "privacyvoorkeuren.csv: not imported: the export is dated 2026-09-12, older than the "
        "current snapshot 2 (privacyvoorkeuren-december.csv, dated 2026-12-03)",
    )
    assert "--older-ok" in result.stderr
    assert snapshot_ids(blank) == [1, 2]
    assert channels_of(blank, DAAN)["website"] is False


def test_older_ok_imports_an_older_export_on_purpose(blank: Cli) -> None:
    import_ok(blank, DEMO_CSV)
    import_ok(blank, DEMO_DECEMBER_CSV)
    result = blank("consents", "import", DEMO_CSV, "--older-ok")
    assert result.exit_code == 0, result.output
    assert f"changed  Daan ({DAAN}): given for website" in result.stdout
    assert snapshot_ids(blank) == [1, 2, 3]


def test_an_export_of_the_same_day_is_not_older(blank: Cli, tmp_path: Path) -> None:
    import_ok(blank, DEMO_CSV)
    same_day = write_export(tmp_path, to_csv(website(demo_rows(), "Nee", DAAN)))
    import_ok(blank, same_day)
    assert channels_of(blank, DAAN)["website"] is False


def test_without_dates_the_same_file_as_an_older_snapshot_is_older(
    blank: Cli, tmp_path: Path
) -> None:
    undated = drop_column(demo_rows(), DATE)
    first = write_export(tmp_path, to_csv(undated), "oktober.csv")
    second = write_export(tmp_path, to_csv(website(undated, "Nee", DAAN)), "november.csv")
    import_ok(blank, first)
    import_ok(blank, second)
    result = blank("consents", "import", first)
    assert_one_error_line(
        result,
        "oktober.csv: not imported: it is the same file as snapshot 1 (oktober.csv, imported ",
    )
    assert "which snapshot 2 (november.csv) replaced" in result.stderr
    assert snapshot_ids(blank) == [1, 2]
    assert channels_of(blank, DAAN)["website"] is False
    assert blank("consents", "import", first, "--older-ok").exit_code == 0
    assert channels_of(blank, DAAN)["website"] is True


def test_reimporting_the_current_export_is_still_a_noop(blank: Cli) -> None:
    import_ok(blank, DEMO_CSV)
    import_ok(blank, DEMO_DECEMBER_CSV)
    assert "already the current snapshot" in import_ok(blank, DEMO_DECEMBER_CSV).stdout


# --- consent given back to many children at once -------------------------------------------


def test_consent_given_back_to_many_children_needs_yes(blank: Cli, tmp_path: Path) -> None:
    withdrawn = website(dated(demo_rows(), "01-10-2026"), "Nee", DAAN, LIAM, MILA)
    import_ok(blank, write_export(tmp_path, to_csv(withdrawn), "oktober.csv"))
    back = write_export(tmp_path, to_csv(dated(demo_rows(), "02-10-2026")), "terug.csv")
    result = blank("consents", "import", back)
    assert_one_error_line(
        result,
        f"terug.csv: not imported: it gives consent back for 3 children at once: Daan ({DAAN}), "
        f"Liam ({LIAM}), Mila ({MILA}). Check that this is the right export, then run again "
        "with --yes",
    )
    assert snapshot_ids(blank) == [1]
    assert channels_of(blank, DAAN)["website"] is False
    confirmed = blank("consents", "import", back, "--yes")
    assert confirmed.exit_code == 0, confirmed.output
    assert f"changed  Mila ({MILA}): given for website" in confirmed.stdout
    assert channels_of(blank, DAAN)["website"] is True


def test_consent_given_back_to_a_few_children_needs_no_yes(blank: Cli, tmp_path: Path) -> None:
    withdrawn = website(dated(demo_rows(), "01-10-2026"), "Nee", DAAN, MILA)
    import_ok(blank, write_export(tmp_path, to_csv(withdrawn), "oktober.csv"))
    import_ok(blank, write_export(tmp_path, to_csv(dated(demo_rows(), "02-10-2026"))))
    assert channels_of(blank, MILA)["website"] is True


def test_new_pupils_are_not_consent_given_back(blank: Cli, tmp_path: Path) -> None:
    few = drop_child(drop_child(drop_child(demo_rows(), LIAM), MILA), ZOE)
    import_ok(blank, write_export(tmp_path, to_csv(dated(few, "01-09-2026")), "klein.csv"))
    result = import_ok(blank, DEMO_CSV)  # three children joined, with their consents
    assert f"changed  Zoë ({ZOE}): joined" in result.stdout


# --- an export of one group only --------------------------------------------------------------


def test_an_export_without_many_children_needs_yes(blank: Cli, tmp_path: Path) -> None:
    import_ok(blank, DEMO_CSV)
    enrol(blank, DAAN, NOAH, ZOE)
    bevers = drop_child(drop_child(drop_child(demo_rows(), NOAH), ZOE), LIAM)
    partial = write_export(tmp_path, to_csv(bevers), "bevers.csv")
    result = blank("consents", "import", partial)
    assert_one_error_line(
        result,
        "bevers.csv: not imported: 3 of 7 children are not in it (is it the export of one group "
        f"only?); they would leave, and 2 enrolled of them would lose their face encodings: "
        f"Noah ({NOAH}), Zoë ({ZOE}), Liam ({LIAM})",
    )
    assert snapshot_ids(blank) == [1]
    assert enrolled(blank) == [DAAN, NOAH, ZOE]
    confirmed = blank("consents", "import", partial, "--yes")
    assert confirmed.exit_code == 0, confirmed.output
    assert enrolled(blank) == [DAAN]


def test_a_few_children_leaving_need_no_yes(blank: Cli, tmp_path: Path) -> None:
    import_ok(blank, DEMO_CSV)
    enrol(blank, FATIMA, SOPHIE)
    rows = drop_child(drop_child(demo_rows(), FATIMA), SOPHIE)
    import_ok(blank, write_export(tmp_path, to_csv(rows)))
    assert enrolled(blank) == []
