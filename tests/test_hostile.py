"""Hostile or unlucky input, through the CLI: each finding of issue 9 that is not about copies."""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from fotopoort.config import template_text
from fotopoort.store import Store

from .conftest import Cli
from .fakes import make_photo
from .test_cli_check import COLOURS, DAAN, STRANGER
from .test_publish import camp, school

__all__ = ["school"]

HEADER = (
    "Leerlingnummer;Roepnaam;Tussenvoegsel;Achternaam;Stamgroep;Onderwijsverslaggeving;"
    "Beeldmateriaal stamgroep (Parro);Beeldmateriaal bouw en school;"
    "Beeldmateriaal website en publiciteit;Video interne training;"
    "Onderzoek (intern en extern, geanonimiseerd);Gezichtsherkenning fotoselectie;"
    "Laatst gewijzigd"
)


def export(tmp_path: Path, rows: list[str], header: str = HEADER, name: str = "x.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def row(nr: str, name: str, answer: str = "Ja", group: str = "Bevers") -> str:
    return f"{nr};{name};;X;{group};" + ";".join([answer] * 7) + ";12-09-2026"


def show(cli: Cli) -> dict[str, dict[str, Any]]:
    result = cli("consents", "show", "--json")
    assert result.exit_code == 0, result.output
    return {c["child"]: c for c in json.loads(result.stdout)["children"]}


def test_duplicate_column_label_is_refused_naming_label_and_columns(
    cli: Cli, tmp_path: Path
) -> None:
    header = HEADER + ";Beeldmateriaal website en publiciteit"
    rows = [row("0100231", "Daan") + ";Nee"]
    result = cli("consents", "import", export(tmp_path, rows, header))
    assert result.exit_code == 2
    assert "'Beeldmateriaal website en publiciteit' appears 2 times" in result.stderr
    assert "columns 9 (I) and 14 (N)" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_one_child_with_and_without_leading_zeros_gets_the_stricter_answer(
    cli: Cli, tmp_path: Path
) -> None:
    rows = [row("0100231", "Daan"), row("100231", "Daan", "Nee"), row("0100487", "Fatima")]
    result = cli("consents", "import", export(tmp_path, rows))
    assert result.exit_code == 0, result.output
    assert "leerlingnummers 0100231 and 100231 are the same number" in result.stderr
    children = show(cli)
    for nr in ("0100231", "100231"):
        assert not any(children[nr]["channels"].values())
        assert children[nr]["biometric"] is False
    assert all(children["0100487"]["channels"].values())


def test_names_are_not_rich_markup_and_control_characters_never_reach_the_terminal(
    cli: Cli, tmp_path: Path
) -> None:
    rows = [
        row("0100231", "[/]Daan"),
        row("0100487", "[link=https://evil.example]Fatima[/link]"),
        row("0100512", "\x1b[2J\x1b[31mSophie\x07\u202eeiK", group="[conceal]Bevers"),
    ]
    assert cli("consents", "import", export(tmp_path, rows)).exit_code == 0
    result = cli("consents", "show")
    assert result.exit_code == 0, result.output
    assert "[/]Daan" in result.stdout
    assert "[link=https://evil.example]Fatima[/link]" in result.stdout
    assert "[conceal]Bevers" in result.stdout
    assert "Sophie" in result.stdout
    assert not {"\x1b", "\x07", "\u202e"} & set(result.stdout)
    assert cli("enrolled").exit_code == 0
    for nr in ("0100231", "0100512"):
        one = cli("consents", "show", "--child", nr)
        assert one.exit_code == 0 and "\x1b" not in one.stdout


def test_audit_csv_neutralises_formulas(school: Cli, tmp_path: Path) -> None:
    root = tmp_path / "kamp"
    photo = make_photo(root / "stranger.png", [(STRANGER, 10)])
    assert school("check", root, "-c", "website").exit_code == 1  # review: an unknown face
    by, note = "=cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0"
    result = school("review", "approve", photo, "-c", "website", "--by", by, "--note", note)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(school("audit", "--csv").stdout)))
    approved = [r for r in rows if r["action"] == "review"]
    assert approved and approved[0]["actor"] == "'" + by
    assert approved[0]["note"] == "'" + note
    starts = ("=", "+", "-", "@", "\t", "\r")
    assert not any(cell.startswith(starts) for r in rows for cell in r.values())


def test_looser_thresholds_than_measured_warn_on_every_run(
    make_cli: object, shared: Path, tmp_path: Path
) -> None:
    text = template_text()
    text = text.replace("tolerance: 0.48", "tolerance: 0.55").replace("margin: 0.20", "margin: 0.1")
    text = text.replace("single_reference_range: 0.25", "single_reference_range: 0.35")
    cli = make_cli(config_text=text)  # type: ignore[operator]
    assert cli("consents", "import", shared / "demo" / "privacyvoorkeuren.csv").exit_code == 0
    root = camp(tmp_path / "kamp")
    for args in (["check", root, "-c", "website"], ["recheck"]):
        result = cli(*args, "-j", "1")
        assert "warning:" in result.stderr
        assert "matching.tolerance 0.55 is looser than the measured safe limit 0.48" in (
            result.stderr
        )
        assert "matching.margin 0.1 is looser than the measured safe limit 0.2" in result.stderr
        assert "matching.single_reference_range 0.35 is looser than the measured safe" in (
            result.stderr
        )
    default = make_cli()  # type: ignore[operator]
    result = default("check", root, "-c", "website", "-j", "1")
    assert "looser" not in result.stderr


def test_a_file_name_that_is_not_utf8_is_decided_and_shown_with_escapes(
    school: Cli, tmp_path: Path
) -> None:
    root = tmp_path / "kamp"
    odd = root / os.fsdecode(b"caf\xe9.png")
    make_photo(odd, [(COLOURS[DAAN], 10)])
    make_photo(root / "noah.png", [(COLOURS["0100733"], 10)])
    result = school("check", root, "-c", "website", "--json")
    assert result.exit_code == 1, result.output
    photos = {p["path"]: p["decision"] for p in json.loads(result.stdout)["photos"]}
    assert photos == {"caf\\xe9.png": "allowed", "noah.png": "blocked"}
    out = tmp_path / "out"
    assert school("sort", root, "--out", out, "-c", "website").exit_code == 1
    assert (out / "website" / "allowed" / odd.name).is_file()
    assert school("verify", out).exit_code == 0
    assert school("audit").exit_code == 0


def test_report_covers_every_channel_out_holds(school: Cli, tmp_path: Path) -> None:
    root = camp(tmp_path / "kamp")
    out = tmp_path / "out"
    school("sort", root, "--out", out)
    school("sort", root, "--out", out, "-c", "website")
    doc = json.loads((out / "report.json").read_text())
    channels = [c["channel"] for c in doc["channels"]]
    assert channels == sorted(
        {p.name for p in out.iterdir() if p.is_dir()} - {".fotopoort-tmp"}, key=channels.index
    )
    assert len(channels) > 1 and "website" in channels


def test_environment_errors_are_one_line_exit_2(school: Cli, tmp_path: Path) -> None:
    root = camp(tmp_path / "kamp")
    result = school("sort", root, "--out", tmp_path / ("x" * 300))
    assert result.exit_code == 2, result.output
    assert "File name too long" in result.stderr
    assert "internal error" not in result.stderr
    deep = school.workdir / "deep.yaml"
    deep.write_text("[" * 5000 + "]" * 5000)
    nested = school("--config", deep, "consents", "show")
    assert nested.exit_code == 2 and "internal error" not in nested.stderr


def test_a_long_export_summarises_its_change_lines(cli: Cli, tmp_path: Path) -> None:
    many = [row(f"{200000 + i:07d}", f"Kind{i}") for i in range(300)]
    assert cli("consents", "import", export(tmp_path, many, name="a.csv")).exit_code == 0
    withdrawn = [row(f"{200000 + i:07d}", f"Kind{i}", "Nee") for i in range(300)]
    result = cli("consents", "import", export(tmp_path, withdrawn, name="b.csv"))
    assert result.exit_code == 0
    changed = [line for line in result.stdout.splitlines() if line.startswith("changed")]
    assert len(changed) == 41
    assert "more: `fotopoort consents diff` lists every change" in changed[-1]
    assert len(cli("consents", "diff").stdout.splitlines()) > 300 * 6


def test_the_database_overwrites_what_it_deletes(tmp_path: Path) -> None:
    store = Store(tmp_path / "f.db")
    try:
        assert store.conn.execute("PRAGMA secure_delete").fetchone() == (1,)
    finally:
        store.close()


@pytest.mark.parametrize("entry", ["fifo", "socket"])
def test_non_files_are_blocked_not_skipped(school: Cli, tmp_path: Path, entry: str) -> None:
    import socket

    root = camp(tmp_path / "kamp")
    if entry == "fifo":
        os.mkfifo(root / "x.jpg")
    else:
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(str(root / "x.jpg"))
        sock.close()
    doc = json.loads(school("check", root, "-c", "website", "--json").stdout)
    assert {p["path"]: p["decision"] for p in doc["photos"]}["x.jpg"] == "blocked"


def test_a_full_disk_during_sort_is_one_line_and_nothing_is_forgotten(
    school: Cli, shared: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = camp(tmp_path / "kamp")
    out = tmp_path / "out"
    school("sort", root, "--out", out, "-c", "website")
    assert (out / "website" / "allowed" / "daan.png").is_file()
    school("consents", "import", shared / "demo" / "privacyvoorkeuren-december.csv")

    def full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    (root / "new.png").write_bytes((root / "empty.png").read_bytes() + b"\0")
    monkeypatch.setattr("fotopoort.publish.copies.os.fsync", full)
    result = school("sort", root, "--out", out, "-c", "website")
    assert result.exit_code == 2, result.output
    # progress lines (plain, stderr is no terminal) may come first; the error is one line
    errors = [ln for ln in result.stderr.splitlines() if not ln.startswith("sorting: ")]
    assert errors == ["fotopoort: error: No space left on device"]
    monkeypatch.undo()
    assert not (out / "website" / "allowed" / "daan.png").exists()  # taken down first
    assert school("sort", root, "--out", out, "-c", "website").exit_code == 1
    assert school("verify", out).exit_code == 0


def test_a_full_database_is_one_line(
    school: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(*_a: object, **_k: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr("fotopoort.store.Store.record_decisions", full)
    result = school("check", camp(tmp_path / "kamp"), "-c", "website")
    assert result.exit_code == 2
    assert "the database: database or disk is full" in result.stderr
