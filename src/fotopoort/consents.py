"""Read a consent export (CSV or XLSX) into a ConsentSnapshot. Pure: no database.

Only an explicit `Ja` is consent. Every other value is no; values the tool does not know are
reported with their line and column. Two rows for one child combine to the stricter answer.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from fotopoort.channels import Channel
from fotopoort.errors import ExportError
from fotopoort.messages import errors as E
from fotopoort.messages import render
from fotopoort.model import ChildConsent, ConsentSnapshot
from fotopoort.text import did_you_mean

if TYPE_CHECKING:  # the policy is passed in; reading consents.yaml (yaml) is config.py's
    from fotopoort.config import Policy

KNOWN_NO = frozenset({"nee"})
NEVER_ANSWERED = frozenset({"niet ingevuld", "", "-"})  # no, and the school may ask again
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls (Excel 97-2003) or encrypted .xlsx
_HEADER_SEARCH = 20  # rows above the header (a title, a date) that are skipped
_DATE_FORMATS = (
    "%d-%m-%Y",
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%d.%m.%Y",
    "%d-%m-%Y %H:%M",
    "%Y-%m-%d %H:%M:%S",
)


def normalise_label(text: str) -> str:
    """Header cells as spreadsheets write them: stray and non-breaking spaces, any case."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip().casefold()


def read_export(path: Path, policy: Policy) -> ConsentSnapshot:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ExportError(E.EXPORT_MISSING, path=path) from None
    except IsADirectoryError:
        raise ExportError(E.EXPORT_IS_FOLDER, path=path) from None
    except OSError as exc:
        raise ExportError(E.EXPORT_UNREADABLE, path=path, why=exc.strerror) from None
    return parse_export(data, path.name, policy)


def parse_export(data: bytes, source: str, policy: Policy) -> ConsentSnapshot:
    if not data.strip():
        raise ExportError(E.EXPORT_EMPTY, source=source)
    notes: list[str] = []
    is_xlsx = data[:4] == b"PK\x03\x04"  # a zip container, as every .xlsx is
    if data[:8] == _OLE2:
        raise ExportError(E.EXPORT_OLD_EXCEL, source=source)
    if is_xlsx:
        rows = _xlsx_rows(data, source, policy.export.child, notes)
    else:
        rows = _csv_rows(data, source, notes, policy.export.child)
    return _build(rows, source, hashlib.sha256(data).hexdigest(), policy, notes)


# --- reading rows -------------------------------------------------------------------------


def _csv_rows(
    data: bytes, source: str, notes: list[str], child_column: str = ""
) -> list[tuple[int, list[str]]]:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Excel's "Unicode text": UTF-16, tabs
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise ExportError(E.EXPORT_BAD_UTF16, source=source) from None
    elif b"\x00" in data[:8192]:
        raise ExportError(E.EXPORT_BINARY, source=source)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
            notes.append(render(E.NOTE_CP1252, source=source))
    lines = text.lstrip("\r\n").splitlines() if text.strip() else [""]
    # a title line above the header has no separators to count: sniff the header itself
    key = normalise_label(child_column)
    header_lines = [ln for ln in lines[:_HEADER_SEARCH] if key and key in normalise_label(ln)]
    first_line = header_lines[0] if header_lines else lines[0]
    delimiter = _sniff_delimiter(first_line)
    # strict: an unclosed quote is an error, not a cell that swallows the rest of the file
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        return [(reader.line_num, row) for row in reader]
    except csv.Error as exc:
        raise ExportError(
            E.EXPORT_NOT_A_TABLE, source=source, line=reader.line_num, why=exc
        ) from None


def _sniff_delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ";"


def _xlsx_rows(
    data: bytes, source: str, child_column: str, notes: list[str]
) -> list[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    # a damaged workbook fails as a zip, as XML (ParseError is a SyntaxError) or as data
    damaged = (zipfile.BadZipFile, KeyError, OSError, ValueError, SyntaxError, TypeError)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except damaged as exc:
        raise ExportError(E.EXPORT_BAD_XLSX, source=source, why=exc) from None
    try:
        raw = list(workbook.worksheets[0].iter_rows(values_only=True))
    except damaged as exc:
        raise ExportError(E.EXPORT_BAD_XLSX, source=source, why=exc) from None
    finally:
        workbook.close()
    filled = [r for r in raw if any(v not in (None, "") for v in r)]
    wanted = normalise_label(child_column)
    header = next(
        (
            r
            for r in filled[:_HEADER_SEARCH]
            if wanted in [normalise_label(_cell_text(v)) for v in r]
        ),
        filled[0] if filled else (),
    )
    labels = [normalise_label(_cell_text(v)) for v in header]
    if normalise_label(child_column) in labels:
        i = labels.index(normalise_label(child_column))
        if any(len(r) > i and isinstance(r[i], int | float) for r in raw):
            notes.append(render(E.NOTE_NUMBERS, source=source, column=child_column))
    return [(n, [_cell_text(v) for v in row]) for n, row in enumerate(raw, start=1)]


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --- interpreting rows ------------------------------------------------------------------


@dataclass
class _Row:
    line: int
    child: str
    first_name: str
    group: str
    answers: dict[str, bool]  # column label -> explicit yes
    biometric: bool
    day: date | None
    unanswered: frozenset[str] = frozenset()  # column labels left empty or `Niet ingevuld`


def _build(
    rows: Sequence[tuple[int, list[str]]],
    source: str,
    sha256: str,
    policy: Policy,
    notes: list[str],
) -> ConsentSnapshot:
    rows = [(n, r) for n, r in rows if any(cell.strip() for cell in r)]
    if not rows:
        raise ExportError(E.EXPORT_NO_TABLE, source=source)
    # the header is the first row naming the child column; rows above it (a title) are not data
    wanted = normalise_label(policy.export.child)
    at = next(
        (
            i
            for i, (_, r) in enumerate(rows[:_HEADER_SEARCH])
            if wanted in [normalise_label(c) for c in r]
        ),
        0,
    )
    header = rows[at][1]
    index = _column_index(header, source, policy)
    parsed = list(_parse_rows(rows[at + 1 :], index, source, policy, notes))
    if not parsed:
        raise ExportError(E.EXPORT_NO_PUPILS, source=source)
    children: dict[str, ChildConsent] = {}
    by_child: dict[str, list[_Row]] = {}
    for row in parsed:
        by_child.setdefault(row.child, []).append(row)
    channel_columns = policy.channels
    for child, child_rows in by_child.items():
        if len(child_rows) > 1:
            _note_conflicts(child, child_rows, source, notes)
        granted = frozenset(
            ch
            for ch, cols in channel_columns.items()
            if all(r.answers[c] for r in child_rows for c in cols)
        )
        biometric = all(r.biometric for r in child_rows)
        children[child] = ChildConsent(
            child=child,
            first_name=child_rows[0].first_name,
            group=child_rows[0].group,
            granted=granted,
            biometric=biometric,
            unanswered=frozenset(
                ch
                for ch, cols in channel_columns.items()
                if ch not in granted
                and all(r.answers[c] or c in r.unanswered for r in child_rows for c in cols)
            ),
            biometric_unanswered=policy.biometric_column is not None
            and not biometric
            and all(r.biometric or policy.biometric_column in r.unanswered for r in child_rows),
        )
    _same_number_twice(children, source, notes)
    days = [r.day for r in parsed if r.day is not None]
    return ConsentSnapshot(
        sha256=sha256,
        source=source,
        export_date=max(days) if days else None,
        children=children,
        notes=tuple(notes),
    )


def _column_index(header: list[str], source: str, policy: Policy) -> dict[str, int]:
    labels = [normalise_label(h) for h in header]
    required = [policy.export.child, policy.export.name, policy.export.group]
    if policy.biometric_column is not None:
        required.append(policy.biometric_column)
    for cols in policy.channels.values():
        required.extend(cols)
    optional = [policy.export.date] if policy.export.date else []
    index: dict[str, int] = {}
    missing: list[str] = []
    for label in dict.fromkeys(required + optional):
        key = normalise_label(label)
        where = [i for i, found in enumerate(labels) if found == key]
        if len(where) > 1:  # which one holds the answer? a second "Nee" must not be lost
            columns = " and ".join(f"{i + 1} ({_column_letter(i)})" for i in where)
            raise ExportError(
                E.EXPORT_COLUMN_TWICE, source=source, label=label, n=len(where), columns=columns
            )
        if where:
            index[label] = where[0]
        elif label in required:
            missing.append(label)
    if missing:
        shown = [h.strip() for h in header if h.strip()]
        if len(shown) <= 1:
            raise ExportError(E.EXPORT_ONE_COLUMN, source=source)
        parts, unmatched = [], False
        for label in missing:
            hint = did_you_mean(label, shown)
            unmatched = unmatched or not hint
            asked = policy.column_sources.get(label)
            by = (
                render(E.EXPORT_ASKED_BY, key=asked[0], path=policy.path, line=asked[1])
                if asked
                else ""
            )
            parts.append(f"{label!r}{hint}{by}")
        found = render(E.EXPORT_COLUMNS_FOUND, columns=", ".join(shown)) if unmatched else ""
        text = E.EXPORT_MISSING_COLUMNS if len(missing) > 1 else E.EXPORT_MISSING_COLUMN
        raise ExportError(text, source=source, columns="; ".join(parts), found=found)
    return index


def _column_letter(i: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: as the spreadsheet shows it."""
    letters = ""
    i += 1
    while i:
        i, rest = divmod(i - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _parse_rows(
    rows: Sequence[tuple[int, list[str]]],
    index: dict[str, int],
    source: str,
    policy: Policy,
    notes: list[str],
) -> Iterator[_Row]:
    columns = policy.export

    def cell(row: list[str], label: str) -> str:
        i = index[label]
        return row[i].replace("\u00a0", " ").strip() if i < len(row) else ""

    answer_columns = sorted({c for cols in policy.channels.values() for c in cols})
    for line, row in rows:
        child = cell(row, columns.child)
        if not child:
            notes.append(render(E.NOTE_NO_CHILD, source=source, line=line, column=columns.child))
            continue

        unanswered: set[str] = set()

        def answer(
            label: str, row: list[str] = row, line: int = line, unanswered: set[str] = unanswered
        ) -> bool:
            value = cell(row, label)
            folded = normalise_label(value)
            if folded in policy.yes_values:
                return True
            if folded in NEVER_ANSWERED:
                unanswered.add(label)
            elif folded not in KNOWN_NO:
                notes.append(
                    render(E.NOTE_UNKNOWN_VALUE, source=source, line=line, label=label, value=value)
                )
            return False

        yield _Row(
            line=line,
            child=child,
            first_name=cell(row, columns.name),
            group=cell(row, columns.group),
            answers={label: answer(label) for label in answer_columns},
            biometric=policy.biometric_column is not None and answer(policy.biometric_column),
            day=_parse_day(cell(row, columns.date)) if columns.date in index else None,
            unanswered=frozenset(unanswered),
        )


def _parse_day(text: str) -> date | None:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _note_conflicts(child: str, rows: list[_Row], source: str, notes: list[str]) -> None:
    lines = ", ".join(str(r.line) for r in rows)
    for label in rows[0].answers:
        if len({r.answers[label] for r in rows}) > 1:
            notes.append(
                render(
                    E.NOTE_ROWS_DIFFER,
                    source=source,
                    child=child,
                    n=len(rows),
                    lines=lines,
                    label=label,
                )
            )
    if len({r.biometric for r in rows}) > 1:
        notes.append(render(E.NOTE_BIOMETRIC_DIFFERS, source=source, child=child))


def _same_number_twice(children: dict[str, ChildConsent], source: str, notes: list[str]) -> None:
    """`0100231` and `100231` are one leerlingnummer written twice (a spreadsheet dropped the
    zeros in some rows): both spellings get the stricter answer of the two, so one parent's
    Nee is never lost, and the school hears of it."""
    spellings: dict[str, list[str]] = {}
    for nr in children:
        spellings.setdefault(nr.lstrip("0") or "0", []).append(nr)
    for same in (sorted(group) for group in spellings.values() if len(group) > 1):
        rows = [children[nr] for nr in same]
        granted = frozenset.intersection(*(c.granted for c in rows))
        biometric = all(c.biometric for c in rows)
        for c in rows:
            children[c.child] = replace(c, granted=granted, biometric=biometric)
        notes.append(render(E.NOTE_SAME_NUMBER, source=source, numbers=render(E.AND).join(same)))


# --- what changed between two snapshots -------------------------------------------------------


class ChangeKind(StrEnum):
    GIVEN = "given"
    WITHDRAWN = "withdrawn"
    BIOMETRIC_GIVEN = "biometric given"
    BIOMETRIC_WITHDRAWN = "biometric withdrawn"
    JOINED = "joined"
    LEFT = "left"


@dataclass(frozen=True)
class ConsentChange:
    child: str
    name: str
    kind: ChangeKind
    channel: Channel | None = None

    def describe(self) -> str:
        who = f"{self.name} ({self.child})" if self.name else self.child
        what = f"{self.kind} for {self.channel}" if self.channel else str(self.kind)
        return f"{who}: {what}"


def diff_snapshots(
    old: ConsentSnapshot, new: ConsentSnapshot, channels: Sequence[Channel]
) -> list[ConsentChange]:
    """Per child and channel: what a parent gave or withdrew between two exports."""
    changes: list[ConsentChange] = []
    for nr in sorted(set(old.children) | set(new.children)):
        before, after = old.children.get(nr), new.children.get(nr)
        if after is None:
            assert before is not None
            changes.append(ConsentChange(nr, before.first_name, ChangeKind.LEFT))
            continue
        if before is None:
            changes.append(ConsentChange(nr, after.first_name, ChangeKind.JOINED))
            before = ChildConsent(nr, after.first_name, after.group, frozenset(), False)
        for ch in channels:
            if before.allows(ch) != after.allows(ch):
                kind = ChangeKind.GIVEN if after.allows(ch) else ChangeKind.WITHDRAWN
                changes.append(ConsentChange(nr, after.first_name, kind, ch))
        if before.biometric != after.biometric:
            kind = ChangeKind.BIOMETRIC_GIVEN if after.biometric else ChangeKind.BIOMETRIC_WITHDRAWN
            changes.append(ConsentChange(nr, after.first_name, kind))
    return changes
