"""consents.py: reading consent exports (CSV and XLSX) into a ConsentSnapshot.

The helpers at the top (column labels, the demo table, writers for CSV and XLSX) are shared with
test_config.py and test_cli_consents.py.
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from fotopoort.channels import Channel
from fotopoort.config import Policy, load_policy, template_text
from fotopoort.consents import parse_export, read_export
from fotopoort.errors import ExportError
from fotopoort.model import ConsentSnapshot

from .conftest import DEMO

# --- the demo school's export, as the template policy maps it ---------------------------------

CHILD, NAME, GROUP, DATE = "Leerlingnummer", "Roepnaam", "Stamgroep", "Laatst gewijzigd"
BIOMETRIC = "Gezichtsherkenning fotoselectie"
CHANNEL_COLUMN = {
    Channel.PORTFOLIO: "Onderwijsverslaggeving",
    Channel.STAMGROEP: "Beeldmateriaal stamgroep (Parro)",
    Channel.SCHOOL: "Beeldmateriaal bouw en school",
    Channel.WEBSITE: "Beeldmateriaal website en publiciteit",
    Channel.TRAINING: "Video interne training",
    Channel.RESEARCH: "Onderzoek (intern en extern, geanonimiseerd)",
}
ANSWER_COLUMNS = (*CHANNEL_COLUMN.values(), BIOMETRIC)
REQUIRED_COLUMNS = (CHILD, NAME, GROUP, *ANSWER_COLUMNS)

DEMO_CSV = DEMO / "privacyvoorkeuren.csv"
DEMO_DECEMBER_CSV = DEMO / "privacyvoorkeuren-december.csv"
DAAN, FATIMA, SOPHIE, NOAH, ZOE, LIAM, MILA = (
    "0100231",
    "0100487",
    "0100512",
    "0100733",
    "0100901",
    "0101022",
    "0101105",
)

ALL = frozenset(Channel)
Summary = tuple[str, str, frozenset[Channel], bool]  # name, group, granted, biometric
EXPECTED_DEMO: dict[str, Summary] = {
    DAAN: ("Daan", "Bevers", ALL, True),
    FATIMA: ("Fatima", "Bevers", frozenset({Channel.PORTFOLIO, Channel.STAMGROEP}), True),
    SOPHIE: ("Sophie", "Bevers", frozenset({Channel.PORTFOLIO, Channel.STAMGROEP}), False),
    NOAH: ("Noah", "Vossen", frozenset(), True),
    ZOE: ("Zoë", "Vossen", ALL - {Channel.WEBSITE}, True),  # empty website cell
    LIAM: ("Liam", "Vossen", ALL - {Channel.TRAINING}, True),  # two rows, one says Nee
    MILA: ("Mila", "Bevers", ALL, False),
}
DEMO_DATE = date(2026, 9, 12)

Table = list[list[str]]


def demo_rows() -> Table:
    """A fresh copy of the demo export as a table (header first), for tests to alter."""
    text = DEMO_CSV.read_text(encoding="utf-8-sig")
    return [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=";") if row]


def column(rows: Table, label: str) -> int:
    return rows[0].index(label)


def put(rows: Table, child: str, label: str, value: str, *, nth: int = 0) -> Table:
    """Set `label` in the `nth` row of `child` (in place; returns the table for chaining)."""
    matches = [row for row in rows[1:] if row[0] == child]
    matches[nth][column(rows, label)] = value
    return rows


def drop_column(rows: Table, label: str) -> Table:
    i = column(rows, label)
    return [row[:i] + row[i + 1 :] for row in rows]


def drop_child(rows: Table, child: str) -> Table:
    return [row for row in rows if row[0] != child]


def to_csv(
    rows: Table, *, delimiter: str = ";", newline: str = "\r\n", encoding: str = "utf-8-sig"
) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=newline).writerows(rows)
    return buffer.getvalue().encode(encoding)


def to_xlsx(rows: Table, *, date_cells: bool = False, start_row: int = 1) -> bytes:
    """An XLSX with every cell as text (as an export tool writes it); empty cells left empty."""
    workbook = Workbook()
    sheet = workbook.active
    date_col = column(rows, DATE) if date_cells else -1
    for r, row in enumerate(rows, start=start_row):
        for c, value in enumerate(row):
            cell_value: object = value or None
            if c == date_col and r > start_row:
                cell_value = datetime.strptime(value, "%d-%m-%Y")
            sheet.cell(row=r, column=c + 1, value=cell_value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_policy(directory: Path, text: str) -> Policy:
    path = directory / "consents.yaml"
    path.write_text(text, encoding="utf-8")
    return load_policy(path)


def summary(snapshot: ConsentSnapshot) -> dict[str, Summary]:
    return {
        nr: (c.first_name, c.group, c.granted, c.biometric) for nr, c in snapshot.children.items()
    }


def is_ja(value: str) -> bool:
    """The test's own reading of the rule: only `Ja`, in any case, with spaces around."""
    return value.strip().lower() == "ja"


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def policy(tmp_path_factory: pytest.TempPathFactory) -> Policy:
    return write_policy(tmp_path_factory.mktemp("template"), template_text())


@pytest.fixture(scope="module")
def two_column_policy(tmp_path_factory: pytest.TempPathFactory) -> Policy:
    """The template, but `website` needs both the website and the school column."""
    website = f"  website: {CHANNEL_COLUMN[Channel.WEBSITE]}\n"
    both = (
        f"  website:\n    - {CHANNEL_COLUMN[Channel.WEBSITE]}\n"
        f"    - {CHANNEL_COLUMN[Channel.SCHOOL]}\n"
    )
    assert website in template_text()
    text = template_text().replace(website, both)
    return write_policy(tmp_path_factory.mktemp("two-columns"), text)


@pytest.fixture
def demo(shared: Path) -> Table:
    return demo_rows()


def parse(data: bytes, policy: Policy, source: str = "export.csv") -> ConsentSnapshot:
    return parse_export(data, source, policy)


def parse_error(data: bytes, policy: Policy, source: str = "export.csv") -> str:
    with pytest.raises(ExportError) as caught:
        parse_export(data, source, policy)
    message = str(caught.value)
    assert "\n" not in message, message
    assert message.startswith(source), message
    return message


# --- the demo export --------------------------------------------------------------------------


def test_demo_export_reads_every_child_with_the_effective_answers(
    shared: Path, policy: Policy
) -> None:
    data = DEMO_CSV.read_bytes()
    snap = parse(data, policy, DEMO_CSV.name)
    assert summary(snap) == EXPECTED_DEMO
    assert snap.sha256 == hashlib.sha256(data).hexdigest()
    assert snap.source == "privacyvoorkeuren.csv"
    assert snap.export_date == DEMO_DATE


def test_demo_conflict_of_two_parents_is_reported_once_with_both_lines(
    shared: Path, policy: Policy
) -> None:
    snap = parse(DEMO_CSV.read_bytes(), policy)
    assert snap.notes == (
        f"export.csv: child {LIAM} has 2 rows (lines 7, 9) that differ on "
        "'Video interne training': the stricter answer (no) holds",
    )


def test_december_export_reflects_withdrawn_and_new_consent(shared: Path, policy: Policy) -> None:
    snap = parse(DEMO_DECEMBER_CSV.read_bytes(), policy)
    assert Channel.WEBSITE not in snap.children[DAAN].granted
    assert Channel.SCHOOL in snap.children[FATIMA].granted
    assert snap.export_date == date(2026, 12, 3)


def test_read_export_reads_the_file_by_path(shared: Path, policy: Policy) -> None:
    assert summary(read_export(DEMO_CSV, policy)) == EXPECTED_DEMO


@pytest.mark.parametrize(
    ("make_path", "fragment"),
    [
        (lambda tmp: tmp / "missing.csv", "no such file"),
        (lambda tmp: tmp, "is a folder"),
    ],
    ids=["missing", "folder"],
)
def test_read_export_names_an_unreadable_path(
    tmp_path: Path, policy: Policy, make_path: Callable[[Path], Path], fragment: str
) -> None:
    path = make_path(tmp_path)
    with pytest.raises(ExportError, match=fragment) as caught:
        read_export(path, policy)
    assert str(caught.value).startswith(str(path))


# --- CSV as spreadsheets write it -------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [";", ",", "\t"], ids=["semicolon", "comma", "tab"])
@pytest.mark.parametrize("newline", ["\r\n", "\n"], ids=["crlf", "lf"])
@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8"], ids=["bom", "no-bom"])
def test_csv_dialects_give_the_same_snapshot(
    demo: Table, policy: Policy, delimiter: str, newline: str, encoding: str
) -> None:
    data = to_csv(demo, delimiter=delimiter, newline=newline, encoding=encoding)
    snap = parse(data, policy)
    assert summary(snap) == EXPECTED_DEMO
    assert not any("Windows-1252" in note for note in snap.notes)


def test_cp1252_export_is_read_with_a_warning(demo: Table, policy: Policy) -> None:
    snap = parse(to_csv(demo, encoding="cp1252"), policy)
    assert summary(snap) == EXPECTED_DEMO  # Zoë keeps her ë
    assert "export.csv: not UTF-8; read as Windows-1252 (check names with accents)" in snap.notes


def test_quoted_fields_may_hold_the_delimiter_a_newline_and_quotes(
    demo: Table, policy: Policy
) -> None:
    put(demo, DAAN, "Achternaam", "Vries; de\n(tweede regel)")
    put(demo, FATIMA, "Achternaam", 'El "Amrani", sr.')
    put(demo, LIAM, CHANNEL_COLUMN[Channel.RESEARCH], "Ja?", nth=1)
    data = to_csv(demo)
    assert b'"Vries; de\n(tweede regel)"' in data
    snap = parse(data, policy)
    expected = dict(EXPECTED_DEMO)
    expected[LIAM] = ("Liam", "Vossen", ALL - {Channel.TRAINING, Channel.RESEARCH}, True)
    assert summary(snap) == expected
    # Liam's second row is on line 10 of the file: the quoted newline takes a line
    assert any(note.startswith("export.csv:10: column 'Onderzoek") for note in snap.notes)


def test_quoted_answer_cells_are_read_like_plain_ones(demo: Table, policy: Policy) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(demo)
    assert summary(parse(buffer.getvalue().encode(), policy)) == EXPECTED_DEMO


def test_blank_lines_and_empty_rows_are_ignored(demo: Table, policy: Policy) -> None:
    data = to_csv([[], *demo[:3], [], [""] * 5, *demo[3:], []])
    assert data.startswith(b"\xef\xbb\xbf\r\nLeerlingnummer;")
    assert summary(parse(data, policy)) == EXPECTED_DEMO


@pytest.mark.parametrize(
    "messy",
    [
        lambda h: f"  {h}  ",
        lambda h: f"\u00a0{h}\u00a0",
        lambda h: h.replace(" ", "\u00a0"),
        lambda h: h.replace(" ", "  "),
        str.upper,
        str.lower,
    ],
    ids=["spaces", "nbsp-around", "nbsp-inside", "double-spaces", "upper", "lower"],
)
def test_header_labels_match_despite_spaces_and_case(
    demo: Table, policy: Policy, messy: Callable[[str], str]
) -> None:
    demo[0] = [messy(label) for label in demo[0]]
    assert summary(parse(to_csv(demo), policy)) == EXPECTED_DEMO


def test_leerlingnummer_is_text_and_keeps_leading_zeros(demo: Table, policy: Policy) -> None:
    put(demo, DAAN, CHILD, " 0100231 ")
    demo.append(["100231", "Anders", "", "Kind", "Vossen", *["Ja"] * 7, "12-09-2026"])
    snap = parse(to_csv(demo), policy)
    assert snap.children[DAAN].first_name == "Daan"
    assert snap.children["100231"].first_name == "Anders"  # a different child


def test_row_without_leerlingnummer_is_ignored_and_reported(demo: Table, policy: Policy) -> None:
    demo.append(["", "Naamloos", "", "", "Vossen", *["Ja"] * 7, "12-09-2026"])
    snap = parse(to_csv(demo), policy)
    assert summary(snap) == EXPECTED_DEMO
    assert "export.csv:10: row without Leerlingnummer; ignored" in snap.notes


def test_short_row_counts_its_missing_cells_as_no(demo: Table, policy: Policy) -> None:
    i = column(demo, CHANNEL_COLUMN[Channel.WEBSITE])
    daan = next(row for row in demo if row[0] == DAAN)
    del daan[i:]
    snap = parse(to_csv(demo), policy)
    assert snap.children[DAAN].granted == ALL - {
        Channel.WEBSITE,
        Channel.TRAINING,
        Channel.RESEARCH,
    }
    assert snap.children[DAAN].biometric is False


# --- values -----------------------------------------------------------------------------------

WEBSITE = CHANNEL_COLUMN[Channel.WEBSITE]


@pytest.mark.parametrize(
    ("value", "granted", "reported"),
    [
        ("Ja", True, False),
        ("ja", True, False),
        ("JA", True, False),
        ("jA", True, False),
        ("  Ja ", True, False),
        ("Ja\u00a0", True, False),
        ("Nee", False, False),
        ("NEE", False, False),
        ("Niet ingevuld", False, False),
        ("niet ingevuld", False, False),
        ("", False, False),
        ("   ", False, False),
        ("-", False, False),
        ("Ja!", False, True),
        ("Jaa", False, True),
        ("J a", False, True),
        ("Yes", False, True),
        ("1", False, True),
        ("Ja, maar niet op Facebook", False, True),
        ("Nee; alleen intern", False, True),
    ],
)
def test_only_an_explicit_ja_is_consent_and_other_values_are_reported(
    demo: Table, policy: Policy, value: str, granted: bool, reported: bool
) -> None:
    snap = parse(to_csv(put(demo, DAAN, WEBSITE, value)), policy)
    assert snap.children[DAAN].allows(Channel.WEBSITE) is granted
    assert snap.children[DAAN].granted - {Channel.WEBSITE} == ALL - {Channel.WEBSITE}
    prefix = f"export.csv:2: column {WEBSITE!r}: unrecognised value {value.strip()!r}"
    assert any(note.startswith(prefix) for note in snap.notes) is reported, snap.notes


@pytest.mark.parametrize(("value", "reported"), [("Nee", False), ("Misschien", True)])
def test_biometric_consent_needs_an_explicit_ja(
    demo: Table, policy: Policy, value: str, reported: bool
) -> None:
    snap = parse(to_csv(put(demo, DAAN, BIOMETRIC, value)), policy)
    assert snap.children[DAAN].biometric is False
    assert snap.children[DAAN].granted == ALL  # the channels are separate questions
    prefix = f"export.csv:2: column {BIOMETRIC!r}: unrecognised value"
    assert any(note.startswith(prefix) for note in snap.notes) is reported


# --- two rows for one child -------------------------------------------------------------------


def daan_twice(demo: Table) -> Table:
    daan = next(row for row in demo if row[0] == DAAN)
    return [*demo, list(daan)]


@pytest.mark.parametrize("nth", [0, 1], ids=["first-row-says-no", "second-row-says-no"])
@pytest.mark.parametrize("channel", list(Channel), ids=str)
def test_two_rows_combine_to_the_stricter_answer_and_report_it(
    demo: Table, policy: Policy, channel: Channel, nth: int
) -> None:
    label = CHANNEL_COLUMN[channel]
    snap = parse(to_csv(put(daan_twice(demo), DAAN, label, "Nee", nth=nth)), policy)
    assert snap.children[DAAN].granted == ALL - {channel}
    assert snap.children[DAAN].biometric is True
    assert (
        f"export.csv: child {DAAN} has 2 rows (lines 2, 10) that differ on {label!r}: "
        "the stricter answer (no) holds"
    ) in snap.notes


@pytest.mark.parametrize("nth", [0, 1], ids=["first-row-says-no", "second-row-says-no"])
def test_two_rows_combine_biometric_to_the_stricter_answer(
    demo: Table, policy: Policy, nth: int
) -> None:
    snap = parse(to_csv(put(daan_twice(demo), DAAN, BIOMETRIC, "Nee", nth=nth)), policy)
    assert snap.children[DAAN].biometric is False
    assert snap.children[DAAN].granted == ALL
    assert any(f"child {DAAN} has rows that differ on face recognition" in n for n in snap.notes)


def test_identical_rows_for_one_child_are_no_conflict(demo: Table, policy: Policy) -> None:
    snap = parse(to_csv(daan_twice(demo)), policy)
    assert snap.children[DAAN].granted == ALL
    assert not any(f"child {DAAN}" in note for note in snap.notes)


# --- a channel with several columns -----------------------------------------------------------


@pytest.mark.parametrize(
    ("website", "school", "granted"),
    [("Ja", "Ja", True), ("Ja", "Nee", False), ("Nee", "Ja", False), ("ja", "", False)],
)
def test_a_channel_with_several_columns_needs_ja_in_all_of_them(
    demo: Table, two_column_policy: Policy, website: str, school: str, granted: bool
) -> None:
    put(demo, DAAN, CHANNEL_COLUMN[Channel.WEBSITE], website)
    put(demo, DAAN, CHANNEL_COLUMN[Channel.SCHOOL], school)
    daan = parse(to_csv(demo), two_column_policy).children[DAAN]
    assert daan.allows(Channel.WEBSITE) is granted
    assert daan.allows(Channel.SCHOOL) is is_ja(school)


ANSWER = st.one_of(
    st.sampled_from(
        ["Ja", "ja", "JA", "jA", " Ja ", "\u00a0Ja", "Nee", "Niet ingevuld", "", "-", "Jaa", "J a"]
    ),
    st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=6),
)
PARENT_ROW = st.fixed_dictionaries(dict.fromkeys(ANSWER_COLUMNS, ANSWER))


@settings(max_examples=150, deadline=None)
@given(parents=st.lists(PARENT_ROW, min_size=2, max_size=2))
def test_property_granted_iff_every_mapped_cell_of_every_row_is_ja(
    two_column_policy: Policy, parents: list[dict[str, str]]
) -> None:
    header = [CHILD, NAME, GROUP, *ANSWER_COLUMNS, DATE]
    rows = [header] + [
        [DAAN, "Daan", "Bevers", *(p[c] for c in ANSWER_COLUMNS), "12-09-2026"] for p in parents
    ]
    daan = parse(to_csv(rows), two_column_policy).children[DAAN]
    for channel, columns in two_column_policy.channels.items():
        expected = all(is_ja(p[c]) for p in parents for c in columns)
        assert daan.allows(channel) is expected, (channel, parents)
    assert daan.biometric is all(is_ja(p[BIOMETRIC]) for p in parents)


# --- columns ----------------------------------------------------------------------------------


@pytest.mark.parametrize("label", REQUIRED_COLUMNS)
def test_a_missing_required_column_is_an_error_naming_it(
    demo: Table, policy: Policy, label: str
) -> None:
    message = parse_error(to_csv(drop_column(demo, label)), policy)
    assert f"missing column {label!r}" in message


@pytest.mark.parametrize(
    ("label", "typo"),
    [
        (CHILD, "Leerling nummer"),
        (BIOMETRIC, "Gezichtsherkening fotoselectie"),
        (CHANNEL_COLUMN[Channel.WEBSITE], "Beeldmateriaal website & publiciteit"),
    ],
)
def test_a_misspelt_column_gets_a_did_you_mean(
    demo: Table, policy: Policy, label: str, typo: str
) -> None:
    demo[0][column(demo, label)] = typo
    message = parse_error(to_csv(demo), policy)
    key, line = ASKED_BY[label]
    assert message == (
        f"export.csv: missing column {label!r} (did you mean {typo!r}?), asked for by {key} at "
        f"{policy.path}:{line}"
    )


# the template's keys and lines that name these columns
ASKED_BY = {
    CHILD: ("export.child_column", 7),
    NAME: ("export.name_column", 8),
    BIOMETRIC: ("biometric_column", 14),
    CHANNEL_COLUMN[Channel.WEBSITE]: ("channels.website", 22),
}


def test_every_missing_column_is_in_one_error_with_the_key_that_asked_for_it(
    policy: Policy,
) -> None:
    data = b"Nummer;Voornaam;Stamgroep\r\n1;Daan;Bevers\r\n"
    message = parse_error(data, policy)
    assert message.startswith("export.csv: missing columns 'Leerlingnummer', asked for by ")
    for label in REQUIRED_COLUMNS:
        if label != GROUP:
            assert f"{label!r}" in message
    for label, (key, line) in ASKED_BY.items():
        assert f"{label!r}" in message and f"by {key} at {policy.path}:{line}" in message
    assert "'Stamgroep'" not in message
    assert message.endswith(" (columns found: Nummer, Voornaam, Stamgroep)")


def test_the_date_column_is_optional(demo: Table, policy: Policy) -> None:
    snap = parse(to_csv(drop_column(demo, DATE)), policy)
    assert summary(snap) == EXPECTED_DEMO
    assert snap.export_date is None


def test_columns_the_policy_does_not_name_are_ignored(demo: Table, policy: Policy) -> None:
    demo[0].append("Opmerking")
    for row in demo[1:]:
        row.append("Geen foto's op Instagram a.u.b.")
    assert summary(parse(to_csv(demo), policy)) == EXPECTED_DEMO


# --- the export's own date --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "12-09-2026",
        "2026-09-12",
        "12/09/2026",
        "12.09.2026",
        "12-09-2026 14:30",
        "2026-09-12 14:30:00",
    ],
)
def test_export_date_formats(demo: Table, policy: Policy, text: str) -> None:
    for row in demo[1:]:
        row[column(demo, DATE)] = text
    assert parse(to_csv(demo), policy).export_date == DEMO_DATE


def test_export_date_is_the_newest_laatst_gewijzigd(demo: Table, policy: Policy) -> None:
    put(demo, NOAH, DATE, "03-12-2026")
    put(demo, MILA, DATE, "01-01-2025")
    put(demo, ZOE, DATE, "onbekend")
    assert parse(to_csv(demo), policy).export_date == date(2026, 12, 3)


def test_export_date_is_none_when_no_cell_is_a_date(demo: Table, policy: Policy) -> None:
    for row in demo[1:]:
        row[column(demo, DATE)] = ""
    assert parse(to_csv(demo), policy).export_date is None


# --- XLSX -------------------------------------------------------------------------------------


def test_xlsx_export_with_text_leerlingnummers_and_date_cells(demo: Table, policy: Policy) -> None:
    data = to_xlsx(demo, date_cells=True)
    cell = load_workbook(io.BytesIO(data)).active["A2"]
    assert (cell.value, cell.data_type) == ("0100231", "s")  # text, as the issue asks
    snap = parse(data, policy, "export.xlsx")
    assert summary(snap) == EXPECTED_DEMO
    assert snap.export_date == DEMO_DATE
    assert snap.sha256 == hashlib.sha256(data).hexdigest()
    assert f"child {LIAM} has 2 rows (lines 7, 9)" in " ".join(snap.notes)


def test_xlsx_reports_values_by_spreadsheet_row(demo: Table, policy: Policy) -> None:
    put(demo, DAAN, WEBSITE, "Misschien")
    snap = parse(to_xlsx(demo, start_row=3), policy, "export.xlsx")
    assert summary(snap)[DAAN][2] == ALL - {Channel.WEBSITE}
    assert any(note.startswith(f"export.xlsx:4: column {WEBSITE!r}") for note in snap.notes)


def test_xlsx_is_recognised_by_content_not_by_name(demo: Table, policy: Policy) -> None:
    assert summary(parse(to_xlsx(demo), policy, "export.csv")) == EXPECTED_DEMO


# --- files that are not consent exports -------------------------------------------------------


def zip_of(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def header_only() -> bytes:
    return to_csv(demo_rows()[:1])


def damaged_xlsx() -> bytes:
    """The demo as XLSX with its worksheet cut in half (as an interrupted copy leaves it)."""
    with zipfile.ZipFile(io.BytesIO(to_xlsx(demo_rows()))) as source:
        files = {name: source.read(name).decode() for name in source.namelist()}
    sheet = files["xl/worksheets/sheet1.xml"]
    files["xl/worksheets/sheet1.xml"] = sheet[: len(sheet) // 2]
    return zip_of(files)


def empty_workbook() -> bytes:
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
UNCLOSED_QUOTE = b'Leerlingnummer;Roepnaam\r\n0100231;"Daan' + b"x" * 200_000

NOT_AN_EXPORT: list[tuple[str, Callable[[], bytes], str]] = [
    ("empty", lambda: b"", "the file is empty"),
    ("blank", lambda: b"  \r\n\r\n\t", "the file is empty"),
    ("bom-only", lambda: b"\xef\xbb\xbf", "the file holds no table"),
    ("png", lambda: PNG, "a binary file, not a CSV or XLSX export"),
    ("letter", lambda: b"Beste ouders,\nHierbij de foto's.\n", "not a consent table"),
    ("html", lambda: b"<!DOCTYPE html>\n<html><body>x</body></html>\n", "not a consent table"),
    ("header-only", header_only, "the table has a header but no pupils"),
    ("unclosed-quote", lambda: UNCLOSED_QUOTE, "not a readable table"),
    ("truncated-zip", lambda: b"PK\x03\x04" + b"\x01" * 40, "not a readable XLSX workbook"),
    ("other-zip", lambda: zip_of({"a.txt": "hoi"}), "not a readable XLSX workbook"),
    (
        "zip-with-broken-xml",
        lambda: zip_of({"[Content_Types].xml": "<Types"}),
        "not a readable XLSX workbook",
    ),
    ("damaged-sheet", damaged_xlsx, "not a readable XLSX workbook"),
    ("empty-workbook", empty_workbook, "the file holds no table"),
]


@pytest.mark.parametrize(
    ("make", "fragment"),
    [case[1:] for case in NOT_AN_EXPORT],
    ids=[case[0] for case in NOT_AN_EXPORT],
)
def test_not_an_export_is_one_clear_error(
    shared: Path, policy: Policy, make: Callable[[], bytes], fragment: str
) -> None:
    assert fragment in parse_error(make(), policy)
