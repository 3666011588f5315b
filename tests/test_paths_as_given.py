"""Paths are shown as the person gave them, not resolved through symlinks (a NAS share reached
through a link keeps the name they know), while the resolved path stays the photo's identity
(the take-down list, the check that OUT holds copies of this folder)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import Cli
from .fakes import make_photo
from .test_cli_check import COLOURS, DAAN, SOPHIE, school

__all__ = ["school"]  # the fixture, used by name


@pytest.fixture
def linked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """tmp/Fotos -> tmp/volume1/share/fotos, holding kamp/; the working folder is tmp."""
    real = tmp_path / "volume1" / "share" / "fotos"
    make_photo(real / "kamp" / "daan.png", [(COLOURS[DAAN], 10)])
    make_photo(real / "kamp" / "daan_sophie.png", [(COLOURS[DAAN], 10), (SOPHIE, 200)])
    (tmp_path / "Fotos").symlink_to(real, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    return real


def test_check_json_gives_the_folder_as_typed(school: Cli, linked: Path) -> None:
    result = school("check", "Fotos/kamp", "-c", "website", "--json")
    doc = json.loads(result.stdout)
    assert {(p["root"], p["path"]) for p in doc["photos"]} == {
        ("Fotos/kamp", "daan.png"),
        ("Fotos/kamp", "daan_sophie.png"),
    }
    text = school("check", "Fotos/kamp", "-c", "website")
    assert "volume1" not in text.output


def test_review_list_and_recheck_show_the_path_through_the_link(
    school: Cli, linked: Path, shared: Path, tmp_path: Path
) -> None:
    school("check", "Fotos/kamp", "-c", "website")
    given = tmp_path / "Fotos" / "kamp"
    (entry,) = json.loads(school("review", "list", "--json").stdout)
    assert entry["path"] == str(given / "daan_sophie.png")
    assert entry["resolved"] == str(linked / "kamp" / "daan_sophie.png")
    listing = school("review", "list")
    assert "volume1" not in listing.output and "daan_sophie.png" in listing.output
    # Daan withdraws website consent: daan.png must come down, named as the person knows it
    school("consents", "import", shared / "demo" / "privacyvoorkeuren-december.csv")
    result = school("recheck", "--json")
    assert result.exit_code == 1
    (down,) = json.loads(result.stdout)["take_down"]
    assert down["path"] == str(given / "daan.png")
    assert down["resolved"] == str(linked / "kamp" / "daan.png")
    assert "volume1" not in school("recheck").output
    # the person names it as they know it, or by its real place: the same photo
    done = school("recheck", "--done", "Fotos/kamp/daan.png", "--by", "juf")
    assert done.exit_code == 0, done.output
    assert f"recorded as taken down: {given / 'daan.png'}" in done.output


def test_sort_records_the_folder_as_given_and_knows_it_by_its_real_place(
    school: Cli, linked: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    school("sort", "Fotos/kamp", "--out", out, "-c", "website")
    doc = json.loads((out / "report.json").read_text())
    assert doc["source_as_given"] == str(tmp_path / "Fotos" / "kamp")
    assert doc["source"] == str((linked / "kamp").resolve())
    # the same folder by its real path is the same source: no refusal, copies kept
    again = school("sort", linked / "kamp", "--out", out, "-c", "website")
    assert again.exit_code in (0, 1) and "holds copies sorted from" not in again.output
    assert (out / "website" / "allowed" / "daan.png").is_file()
    # another folder is refused, however it is reached
    other = tmp_path / "volume1" / "share" / "fotos" / "other"
    make_photo(other / "daan.png", [(COLOURS[DAAN], 10)])
    refused = school("sort", "Fotos/other", "--out", out, "-c", "website")
    assert refused.exit_code == 2 and "holds copies sorted from" in refused.output
