"""fotopoort without any consent for face recognition: a consents.yaml with no
biometric_column. Nobody is enrolled, faces are still found, every photo with a face goes to
review, and what a person says there holds for that photo from then on."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fotopoort.config import template_text

from .conftest import Cli
from .fakes import FakeEngine, make_photo
from .test_cli_check import COLOURS, DAAN, STRANGER
from .test_recheck import SEPTEMBER, demo
from .videos import Appearance, write_video

MILA = "0101105"  # website Ja
NOAH = "0100733"  # every channel Nee
BIOMETRIC_LINE = "biometric_column: Gezichtsherkenning fotoselectie\n"


@pytest.fixture
def plain(make_cli: Callable[..., Cli], shared: Path) -> Cli:
    text = template_text()
    assert BIOMETRIC_LINE in text
    cli = make_cli(config_text=text.replace(BIOMETRIC_LINE, ""))
    assert cli("consents", "import", demo(shared, SEPTEMBER)).exit_code == 0
    cli.default_args |= {"check": ["-j", "1"]}
    return cli


def decisions(cli: Cli, path: Path, channel: str) -> dict[str, str]:
    result = cli("check", path, "-c", channel, "--json")
    return {Path(p["path"]).name: p["decision"] for p in json.loads(result.stdout)["photos"]}


def test_enroll_refuses_clearly(plain: Cli, tmp_path: Path) -> None:
    refs = tmp_path / "refs"
    make_photo(refs / DAAN / "ref.png", [(COLOURS[DAAN], 10)], face_px=100, size=(200, 200))
    result = plain("enroll", refs)
    assert result.exit_code == 2
    assert "no biometric_column, so no child can consent to face recognition" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_consents_show_works_without_the_column(plain: Cli) -> None:
    result = plain("consents", "show", "--json")
    assert result.exit_code == 0, result.output
    children = json.loads(result.stdout)["children"]
    assert children and not any(c["biometric"] for c in children)


def test_every_photo_with_a_face_waits_for_a_person(plain: Cli, tmp_path: Path) -> None:
    root = tmp_path / "kamp"
    make_photo(root / "daan.png", [(COLOURS[DAAN], 10)])  # enrolled nowhere: unknown
    make_photo(root / "two.png", [(STRANGER, 10), (COLOURS[DAAN], 200)])
    make_photo(root / "empty.png", [])
    assert decisions(plain, root, "website") == {
        "daan.png": "review",
        "two.png": "review",
        "empty.png": "allowed",
    }


def test_a_face_named_once_is_not_asked_again(plain: Cli, tmp_path: Path) -> None:
    root = tmp_path / "kamp"
    photo = make_photo(root / "mila.png", [(STRANGER, 10)])
    noah = make_photo(root / "noah.png", [(STRANGER, 50)])
    assert decisions(plain, root, "website") == {"mila.png": "review", "noah.png": "review"}
    for path, child in ((photo, MILA), (noah, NOAH)):
        result = plain("review", "assign", path, "--face", "1", "--child", child, "--by", "juf")
        assert result.exit_code == 0, result.output
    # the consent rules now apply as for an identified child, in every later check ...
    assert decisions(plain, root, "website") == {"mila.png": "allowed", "noah.png": "blocked"}
    # ... also of a copy of the same photo somewhere else (the naming is bound to its content)
    copy = tmp_path / "upload" / "copy.png"
    copy.parent.mkdir()
    shutil.copyfile(photo, copy)
    assert decisions(plain, copy, "website") == {"copy.png": "allowed"}
    listed = plain("review", "list", "-c", "website", "--json")
    assert json.loads(listed.stdout) == []


class CountingEngine(FakeEngine):
    encoded = 0  # faces encoded, in this process (check -j 1)

    def encode(self, pixels: Any, boxes: list[tuple[int, int, int, int]]) -> list[Any]:
        CountingEngine.encoded += len(boxes)
        return super().encode(pixels, boxes)


def test_with_nobody_enrolled_no_face_is_encoded(
    make_cli: Callable[..., Cli], shared: Path, tmp_path: Path
) -> None:
    """Nothing to compare with: encoding a face would be biometric processing for nothing."""
    cli = make_cli(CountingEngine)
    assert cli("consents", "import", demo(shared, SEPTEMBER)).exit_code == 0
    root = tmp_path / "kamp"
    make_photo(root / "two.png", [(STRANGER, 10), (COLOURS[DAAN], 200)])
    make_photo(root / "small.png", [(STRANGER, 10)], face_px=30)
    CountingEngine.encoded = 0
    result = cli("check", root, "-c", "website", "-j", "1", "--json")
    assert CountingEngine.encoded == 0
    faces = {Path(p["path"]).name: p["faces"] for p in json.loads(result.stdout)["photos"]}
    assert [f["status"] for f in faces["two.png"]] == ["unknown", "unknown"]
    assert [f["status"] for f in faces["small.png"]] == ["too_small"]
    # once a child is enrolled, faces are encoded again to be compared
    refs = tmp_path / "refs"
    make_photo(refs / DAAN / "ref.png", [(COLOURS[DAAN], 10)], face_px=100, size=(200, 200))
    assert cli("enroll", refs).exit_code == 0
    CountingEngine.encoded = 0
    result = cli("check", root / "two.png", "-c", "website", "-j", "1", "--json")
    assert CountingEngine.encoded == 2
    statuses = [f["status"] for f in json.loads(result.stdout)["photos"][0]["faces"]]
    assert statuses == ["unknown", "identified"]


FIXED_FACE = (20, 100, 100, 20)  # top, right, bottom, left: an 80 px face


class FixedFaceEngine(CountingEngine):
    """One face at the same place in every photo and video frame (a real video's codec blurs
    the fake engine's coloured squares): whether it is encoded is all this test looks at."""

    def find_faces(self, pixels: Any, upsample: int) -> list[tuple[int, int, int, int]]:
        return [FIXED_FACE]


def test_with_nobody_enrolled_no_face_in_a_video_is_encoded(
    make_cli: Callable[..., Cli], shared: Path, tmp_path: Path
) -> None:
    cli = make_cli(FixedFaceEngine)
    assert cli("consents", "import", demo(shared, SEPTEMBER)).exit_code == 0
    root = tmp_path / "kamp"
    tile = make_photo(tmp_path / "tile.png", [(STRANGER, 10)])
    write_video(root / "walk.mp4", [Appearance(tile, 0.0, 2.0, (0, 0))], seconds=2.0, fps=5)
    make_photo(root / "photo.png", [(STRANGER, 20)])
    CountingEngine.encoded = 0
    result = cli("check", root, "-c", "website", "-j", "1", "--json")
    assert CountingEngine.encoded == 0
    photos = {Path(p["path"]).name: p for p in json.loads(result.stdout)["photos"]}
    assert photos["walk.mp4"]["decision"] == "review"
    assert [f["status"] for f in photos["walk.mp4"]["faces"]] == ["unknown"]  # one track
    assert photos["photo.png"]["decision"] == "review"
    # the same check with a child enrolled does encode: the counter sees a video's faces
    refs = tmp_path / "refs"
    make_photo(refs / DAAN / "ref.png", [(COLOURS[DAAN], 20)], size=(200, 200))
    assert cli("enroll", refs).exit_code == 0
    CountingEngine.encoded = 0
    assert cli("check", root / "walk.mp4", "-c", "website", "-j", "1").exit_code == 1
    assert CountingEngine.encoded > 0  # the sampled frames' faces
