"""Enrolment (`enroll`, `enrolled`, `forget`): explicit biometric consent only, nothing more."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import sqlite3
import stat
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from typer.testing import Result

from fotopoort.config import template_text
from fotopoort.engines.faces import DlibEngine
from fotopoort.media.photos import Pixels

from .conftest import Cli
from .fakes import Colour, FakeEngine, RawBox, encoding_of, make_photo
from .test_consents import BIOMETRIC, CHILD, DAAN, FATIMA, LIAM, MILA, NOAH, SOPHIE, ZOE

RED, GREEN, BLUE = (200, 30, 30), (30, 160, 30), (30, 30, 200)
GOOD_PX = 100  # enrolment needs faces of at least 80 px

Row = dict[str, str]
Edit = Callable[[list[Row]], list[Row]]


# --- consent exports ----------------------------------------------------------------------------


def demo_rows(shared: Path) -> list[Row]:
    text = (shared / "demo" / "privacyvoorkeuren.csv").read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def export(tmp_path: Path, shared: Path, *edits: Edit, name: str = "export.csv") -> Path:
    """The demo export with `edits` applied, written as the school's software writes it."""
    rows = demo_rows(shared)
    for edit in edits:
        rows = edit(rows)
    path = tmp_path / name
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), delimiter=";", lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def biometric(child: str, answer: str) -> Edit:
    return lambda rows: [{**r, BIOMETRIC: answer} if r[CHILD] == child else r for r in rows]


def second_parent(child: str, answer: str) -> Edit:
    """A second row for `child`, as a second parent's answers, differing on face recognition."""
    return lambda rows: [*rows, {**next(r for r in rows if r[CHILD] == child), BIOMETRIC: answer}]


def without(child: str) -> Edit:
    return lambda rows: [r for r in rows if r[CHILD] != child]


# --- photos -------------------------------------------------------------------------------------


def face(path: Path, colour: Colour, px: int = GOOD_PX, x: int = 20) -> Path:
    return make_photo(path, [(colour, x)], face_px=px)


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def truncated_png(path: Path) -> Path:
    buf = io.BytesIO()
    rng = np.random.default_rng(3)
    Image.fromarray(rng.integers(0, 256, (200, 400, 3), dtype=np.uint8)).save(buf, "PNG")
    return write(path, buf.getvalue()[: len(buf.getvalue()) // 2])


class RecordingEngine(FakeEngine):
    """The fake engine, remembering the colour of every face it was shown."""

    def __init__(self) -> None:
        self.colours: set[Colour] = set()

    def find_faces(self, pixels: Pixels, upsample: int) -> list[RawBox]:
        boxes = super().find_faces(pixels, upsample)
        for top, _right, _bottom, left in boxes:
            r, g, b = (int(v) for v in pixels[top, left])
            self.colours.add((r, g, b))
        return boxes


# --- the database -------------------------------------------------------------------------------


def query(cli: Cli, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(cli.workdir / "fotopoort.db")) as conn:
        return conn.execute(sql, args).fetchall()


def references(cli: Cli) -> dict[str, int]:
    rows = query(cli, "SELECT child, count(*) FROM references_ GROUP BY child")
    return {child: int(n) for child, n in rows}


def stored_encodings(cli: Cli) -> dict[str, list[np.ndarray]]:
    out: dict[str, list[np.ndarray]] = {}
    for child, blob in query(cli, "SELECT child, encoding FROM references_ ORDER BY id"):
        out.setdefault(child, []).append(np.frombuffer(blob, dtype="<f8"))
    return out


def cached_results_naming(cli: Cli, child: str) -> int:
    results = [json.loads(r[0]) for r in query(cli, "SELECT result FROM analyses")]
    return sum(
        any(child in (f.get("child"), (f.get("note") or {}).get("nearest")) for f in r["faces"])
        for r in results
    )


def database_dump(cli: Cli) -> str:
    with closing(sqlite3.connect(cli.workdir / "fotopoort.db")) as conn:
        return "\n".join(conn.iterdump())


# --- output -------------------------------------------------------------------------------------

_FLOAT = re.compile(r"\d\.\d{4,}")
_NUMBER_LIST = re.compile(r"(?:[-+]?\d*\.\d*(?:e[-+]?\d+)?[,;\s\[\]]+){8,}")


def assert_no_encoding(output: str) -> None:
    assert not _FLOAT.search(output), output
    assert not _NUMBER_LIST.search(output), output


def table_rows(output: str) -> dict[str, list[str]]:
    """The body rows of a rich table, by their first cell."""
    rows = [
        [cell.strip() for cell in line.strip("│").split("│")]
        for line in output.splitlines()
        if line.startswith("│")
    ]
    return {row[0]: row for row in rows}


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.output
    return result.output


# --- fixtures -----------------------------------------------------------------------------------


@pytest.fixture
def school(cli: Cli, shared: Path) -> Cli:
    """The fake-engine CLI with the demo export imported."""
    ok(cli("consents", "import", shared / "demo" / "privacyvoorkeuren.csv"))
    return cli


@pytest.fixture
def refdir(tmp_path: Path) -> Path:
    return tmp_path / "referentiefotos"


def enrol_daan_and_fatima(school: Cli, refdir: Path) -> str:
    face(refdir / DAAN / "daan1.png", RED)
    face(refdir / DAAN / "daan2.png", RED, x=200)
    face(refdir / FATIMA / "fatima.png", GREEN)
    return ok(school("enroll", refdir))


def check_camp(school: Cli, tmp_path: Path) -> None:
    """Check one photo of each child, so that the cache holds results naming them."""
    kamp = tmp_path / "kamp"
    face(kamp / "daan.png", RED)
    face(kamp / "fatima.png", GREEN)
    school("check", kamp, "--channel", "portfolio", "--jobs", "1")
    assert cached_results_naming(school, DAAN) == 1
    assert cached_results_naming(school, FATIMA) == 1


# --- enrolling with the fake engine --------------------------------------------------------------


def test_worker_pool_enrols_the_same_as_one_process(school: Cli, refdir: Path) -> None:
    face(refdir / DAAN / "daan1.png", RED)
    face(refdir / DAAN / "daan2.png", RED, x=200)
    face(refdir / FATIMA / "fatima.png", GREEN)
    face(refdir / FATIMA / "klein.png", GREEN, px=30)  # too small: skipped with its reason
    face(refdir / LIAM / "liam.png", BLUE)
    output = ok(school("enroll", refdir, "--jobs", "2"))  # 5 photos: a pool of 2 workers
    assert references(school) == {DAAN: 2, FATIMA: 1, LIAM: 1}
    assert "klein.png not used: face too small" in output
    assert_no_encoding(output)


def test_good_reference_photos_are_all_enrolled_with_their_face(school: Cli, refdir: Path) -> None:
    make_photo(refdir / DAAN / "groep.png", [(RED, 20), (BLUE, 200)], face_px=GOOD_PX)
    output = enrol_daan_and_fatima(school, refdir)
    assert "enrolled Daan (0100231): 2 new, 0 already enrolled" in output
    assert "enrolled Fatima (0100487): 1 new, 0 already enrolled" in output
    assert "Daan (0100231): photo groep.png not used: 2 faces found" in output
    assert "2 children enrolled, 0 skipped" in output
    stored = stored_encodings(school)
    assert sorted(stored) == [DAAN, FATIMA]
    assert all(np.array_equal(e, encoding_of(RED)) for e in stored[DAAN])
    assert len(stored[DAAN]) == 2
    assert [e.tolist() for e in stored[FATIMA]] == [encoding_of(GREEN).tolist()]


def squares(path: Path, faces: list[tuple[Colour, int, int, int]]) -> Path:
    """A 400x200 photo with a square "face" per (colour, left, top, side)."""
    img = Image.new("RGB", (400, 200), (255, 255, 255))
    for colour, left, top, side in faces:
        img.paste(colour, (left, top, left + side, top + side))
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path, "PNG")
    return path


def test_a_background_face_cut_by_the_edge_does_not_spoil_a_reference(
    school: Cli, refdir: Path
) -> None:
    squares(refdir / DAAN / "daan.png", [(RED, 150, 50, GOOD_PX), (BLUE, 0, 20, 90)])
    output = ok(school("enroll", refdir, "--child", DAAN))
    assert "enrolled Daan (0100231): 1 new" in output
    assert [e.tolist() for e in stored_encodings(school)[DAAN]] == [encoding_of(RED).tolist()]


def test_a_reference_whose_cut_face_is_the_larger_one_is_refused(school: Cli, refdir: Path) -> None:
    # which of the two is the child is not clear: enrolling the wrong one would name another
    # child as this one, so a person must choose a better photo
    squares(refdir / DAAN / "daan.png", [(RED, 150, 50, 90), (BLUE, 0, 20, 110)])
    output = school("enroll", refdir, "--child", DAAN).output
    assert "daan.png not used: 2 faces found" in output
    assert DAAN not in stored_encodings(school)


# name -> (how to put the photo in a folder, why it is not used)
UNUSABLE: dict[str, tuple[Callable[[Path], Path], str]] = {
    "no-face": (lambda d: make_photo(d / "leeg.png", []), "no face found"),
    "two-faces": (
        lambda d: make_photo(d / "twee.png", [(RED, 20), (BLUE, 200)], face_px=GOOD_PX),
        "2 faces found; a reference photo must show exactly one",
    ),
    "tiny-face": (lambda d: face(d / "klein.png", RED, px=30), "face too small (30 px"),
    "face-below-the-reference-minimum": (
        lambda d: face(d / "matig.png", RED, px=70),
        "face too small (70 px",
    ),
    "truncated": (lambda d: truncated_png(d / "kapot.png"), "cannot be read whole"),
    "text-named-jpg": (lambda d: write(d / "notitie.jpg", b"geen foto\n"), "not an image"),
    "empty-jpg": (lambda d: write(d / "leeg.jpg", b""), "empty file"),
    "not-a-photo": (lambda d: write(d / "namen.txt", b"Daan\n"), "not a photo"),
}


@pytest.mark.parametrize(("put", "why"), UNUSABLE.values(), ids=UNUSABLE)
def test_unusable_reference_photo_is_skipped_with_its_reason(
    school: Cli, refdir: Path, put: Callable[[Path], Path], why: str
) -> None:
    photo = put(refdir / DAAN)
    face(refdir / FATIMA / "fatima.png", GREEN)
    output = ok(school("enroll", refdir))
    assert f"Daan (0100231): photo {photo.name} not used: {why}" in output
    assert "skipped  Daan (0100231): no usable reference photo" in output
    assert "1 children enrolled, 1 skipped" in output
    assert references(school) == {FATIMA: 1}


def test_folders_that_are_not_children_of_the_export_are_skipped(school: Cli, refdir: Path) -> None:
    face(refdir / "0999999" / "onbekend.png", RED)
    write(refdir / "lijst.txt", b"0100231\n")
    face(refdir / FATIMA / "fatima.png", GREEN)
    output = ok(school("enroll", refdir))
    assert "skipped  0999999: not in the consent export" in output
    assert "ignored lijst.txt: not a folder" in output
    assert references(school) == {FATIMA: 1}


@pytest.mark.parametrize(
    "edit",
    [
        biometric(DAAN, "Nee"),
        biometric(DAAN, "Niet ingevuld"),
        biometric(DAAN, ""),
        biometric(DAAN, "Ja, maar alleen voor de portfolio"),
        second_parent(DAAN, "Nee"),
    ],
    ids=["nee", "niet-ingevuld", "empty", "unrecognised", "second-parent-nee"],
)
def test_child_without_explicit_biometric_consent_is_never_looked_at(
    make_cli: Callable[..., Cli], shared: Path, tmp_path: Path, refdir: Path, edit: Edit
) -> None:
    engine = RecordingEngine()
    cli = make_cli(lambda: engine)
    ok(cli("consents", "import", export(tmp_path, shared, edit)))
    face(refdir / DAAN / "daan.png", RED)
    face(refdir / FATIMA / "fatima.png", GREEN)
    output = ok(cli("enroll", refdir))
    assert "skipped  Daan (0100231): no consent for face recognition" in output
    assert engine.colours == {GREEN}  # Daan's photo was never analysed
    assert references(cli) == {FATIMA: 1}
    assert "daan.png" not in database_dump(cli)


def test_empty_child_folder_is_skipped(school: Cli, refdir: Path) -> None:
    (refdir / DAAN).mkdir(parents=True)
    result = school("enroll", refdir)
    assert result.exit_code == 1  # nothing enrolled: a job that did nothing is no success
    assert "skipped  Daan (0100231): no reference photos in its folder" in result.stdout
    assert "0 children enrolled, 1 skipped" in result.stdout
    assert references(school) == {}


def test_enrolling_none_of_the_folders_fails_and_says_why(school: Cli, refdir: Path) -> None:
    face(refdir / "Sheldon" / "sheldon.png", RED)
    face(refdir / DAAN.lstrip("0") / "daan.png", GREEN)
    result = school("enroll", refdir)
    assert result.exit_code == 1, result.output
    assert (
        "skipped  Sheldon: folder 'Sheldon' is not a leerlingnummer in the consent export"
        in result.stdout
    )
    assert (
        f"skipped  100231: not in the consent export; 100231 looks like {DAAN} without its "
        "leading zero (rename the folder)" in result.stdout
    )
    assert result.stderr.endswith(
        "none of its 2 folders gave an enrolled child (see why above)\n"
    ), result.stderr
    assert references(school) == {}


def test_enrolling_from_a_folder_without_child_folders_fails(school: Cli, refdir: Path) -> None:
    write(refdir / "lijst.txt", b"0100231\n")
    result = school("enroll", refdir)
    assert result.exit_code == 1
    assert "it holds no folder per leerlingnummer" in result.stderr


def test_enrolling_again_changes_nothing(school: Cli, refdir: Path) -> None:
    enrol_daan_and_fatima(school, refdir)
    sql = "SELECT child, photo_sha256, photo_name, enrolled_at FROM references_ ORDER BY id"
    before = query(school, sql)
    output = ok(school("enroll", refdir))
    assert "enrolled Daan (0100231): 0 new, 2 already enrolled" in output
    assert "enrolled Fatima (0100487): 0 new, 1 already enrolled" in output
    assert query(school, sql) == before


# --- enrolled, forget ---------------------------------------------------------------------------


def test_enrolled_lists_children_with_counts_and_dates(school: Cli, refdir: Path) -> None:
    enrol_daan_and_fatima(school, refdir)
    output = ok(school("enrolled"))
    rows = table_rows(output)
    assert rows[DAAN][:3] == [DAAN, "Daan", "2"]
    assert rows[FATIMA][:3] == [FATIMA, "Fatima", "1"]
    assert set(rows) == {DAAN, FATIMA}
    for row in rows.values():
        enrolled = datetime.fromisoformat(row[3])
        assert abs(datetime.now(UTC) - enrolled) < timedelta(days=1)
    assert "2 children enrolled" in output
    # nothing but leerlingnummers, counts and dates
    rest = re.sub(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:[+-]\d{2}:\d{2}|Z)?", "", output)
    rest = rest.replace(DAAN, "").replace(FATIMA, "")
    assert set(re.findall(r"\d+(?:\.\d+)?", rest)) <= {"1", "2"}


def test_forget_deletes_every_encoding_and_cached_result_of_the_child(
    school: Cli, refdir: Path, tmp_path: Path
) -> None:
    enrol_daan_and_fatima(school, refdir)
    check_camp(school, tmp_path)
    output = ok(school("forget", DAAN))
    assert "forgot 0100231: 2 reference encodings deleted" in output
    assert references(school) == {FATIMA: 1}
    assert cached_results_naming(school, DAAN) == 0
    assert cached_results_naming(school, FATIMA) == 1
    assert DAAN not in ok(school("enrolled"))


# --- consent withdrawn --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("edit", "why"),
    [
        (biometric(DAAN, "Nee"), "consent for face recognition withdrawn"),
        (second_parent(DAAN, "Nee"), "consent for face recognition withdrawn"),
        (without(DAAN), "no longer in the consent export"),
    ],
    ids=["withdrawn", "second-parent-withdraws", "left-school"],
)
def test_import_without_biometric_consent_deletes_the_childs_data(
    school: Cli, shared: Path, refdir: Path, tmp_path: Path, edit: Edit, why: str
) -> None:
    enrol_daan_and_fatima(school, refdir)
    check_camp(school, tmp_path)
    output = ok(school("consents", "import", export(tmp_path, shared, edit, name="nieuw.csv")))
    assert f"deleted the face encodings of 0100231: {why}" in output
    assert references(school) == {FATIMA: 1}
    assert cached_results_naming(school, DAAN) == 0
    assert cached_results_naming(school, FATIMA) == 1


def test_import_that_keeps_biometric_consent_keeps_the_encodings(
    school: Cli, shared: Path, refdir: Path
) -> None:
    enrol_daan_and_fatima(school, refdir)
    # December: Daan withdrew website consent only; face recognition is still Ja
    output = ok(school("consents", "import", shared / "demo" / "privacyvoorkeuren-december.csv"))
    assert "deleted" not in output
    assert references(school) == {DAAN: 2, FATIMA: 1}


# --- privacy of the database and of the output --------------------------------------------------


@pytest.mark.parametrize("existing_mode", [None, 0o644], ids=["new", "existing-0644"])
def test_database_is_readable_by_its_owner_only(
    school: Cli, refdir: Path, existing_mode: int | None
) -> None:
    db = school.workdir / "fotopoort.db"
    if existing_mode is not None:
        db.chmod(existing_mode)  # say, restored from a backup
    enrol_daan_and_fatima(school, refdir)
    assert stat.S_IMODE(db.stat().st_mode) == 0o600


def test_no_command_output_contains_an_encoding(
    school: Cli, shared: Path, refdir: Path, tmp_path: Path
) -> None:
    outputs = [enrol_daan_and_fatima(school, refdir)]
    for args in [
        ("enroll", refdir),
        ("enrolled",),
        ("consents", "show"),
        ("consents", "show", "--json"),
        ("consents", "import", export(tmp_path, shared, biometric(FATIMA, "Nee"))),
        ("forget", DAAN),
        ("enrolled",),
    ]:
        outputs.append(ok(school(*args)))
    for output in outputs:
        assert_no_encoding(output)


# --- usage errors -------------------------------------------------------------------------------


def test_enroll_before_any_import_is_a_usage_error(cli: Cli, refdir: Path) -> None:
    face(refdir / DAAN / "daan.png", RED)
    result = cli("enroll", refdir)
    assert result.exit_code == 2
    assert "no consent export imported yet" in result.output
    assert "fotopoort consents import" in result.output
    assert not (cli.workdir / "fotopoort.db").exists() or references(cli) == {}


@pytest.mark.parametrize("kind", ["missing", "file"])
def test_refdir_must_be_a_folder(school: Cli, refdir: Path, kind: str) -> None:
    if kind == "file":
        write(refdir, b"0100231\n")
    result = school("enroll", refdir)
    assert result.exit_code == 2
    assert "not a folder" in result.output
    assert references(school) == {}


# --- the demo school with the real engine -------------------------------------------------------


@dataclass(frozen=True)
class DemoEnrolment:
    cli: Cli
    first: Result


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, shared: Path) -> DemoEnrolment:
    """The demo school enrolled once with the real engine (about 5 s), for this module."""
    workdir = tmp_path_factory.mktemp("demo") / "school"
    workdir.mkdir()
    (workdir / "consents.yaml").write_text(template_text(), encoding="utf-8")
    cli = Cli(workdir, DlibEngine)
    ok(cli("consents", "import", shared / "demo" / "privacyvoorkeuren.csv"))
    return DemoEnrolment(cli, cli("enroll", shared / "demo" / "referentiefotos"))


CONSENTING = {"Daan": DAAN, "Fatima": FATIMA, "Noah": NOAH, "Zoë": ZOE, "Liam": LIAM}
NOT_CONSENTING = {"Sophie": SOPHIE, "Mila": MILA}


@pytest.mark.engine
def test_demo_school_enrols_only_children_with_biometric_consent(
    demo: DemoEnrolment, shared: Path
) -> None:
    output = ok(demo.first)
    for name, child in CONSENTING.items():
        assert f"enrolled {name} ({child}): 2 new, 0 already enrolled" in output
    for name, child in NOT_CONSENTING.items():
        assert f"skipped  {name} ({child}): no consent for face recognition" in output
    assert "5 children enrolled, 2 skipped" in output
    assert "not used" not in output
    assert_no_encoding(output)
    assert references(demo.cli) == dict.fromkeys(CONSENTING.values(), 2)

    dump = database_dump(demo.cli)
    for child in NOT_CONSENTING.values():
        for photo in (shared / "demo" / "referentiefotos" / child).iterdir():
            assert photo.name not in dump
            assert hashlib.sha256(photo.read_bytes()).hexdigest() not in dump


@pytest.mark.engine
def test_demo_school_enrolment_is_idempotent(demo: DemoEnrolment, shared: Path) -> None:
    before = query(demo.cli, "SELECT * FROM references_ ORDER BY id")
    output = ok(demo.cli("enroll", shared / "demo" / "referentiefotos"))
    for name, child in CONSENTING.items():
        assert f"enrolled {name} ({child}): 0 new, 2 already enrolled" in output
    assert "5 children enrolled, 2 skipped" in output
    assert query(demo.cli, "SELECT * FROM references_ ORDER BY id") == before


DUTCH_UNUSABLE = {
    "no-face": "geen gezicht gevonden",
    "two-faces": "2 gezichten gevonden; op een referentiefoto staat er precies één",
    "tiny-face": "gezicht te klein (30 px; minstens",
    "truncated": "kan niet helemaal gelezen worden",
    "not-a-photo": "geen foto",
}


def test_why_a_folder_or_photo_is_skipped_is_said_in_dutch(
    school: Cli, refdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reasons made in worker processes too: stored English, shown in the run's language."""
    photos = {name: UNUSABLE[name][0](refdir / DAAN) for name in DUTCH_UNUSABLE}
    face(refdir / "Sheldon" / "sheldon.png", RED)
    write(refdir / "lijst.txt", b"0100231\n")
    face(refdir / FATIMA / "fatima.png", GREEN)
    monkeypatch.setenv("FOTOPOORT_LANG", "nl")
    output = ok(school("enroll", refdir, "-j", "2"))
    for name, why in DUTCH_UNUSABLE.items():
        assert f"{photos[name].name} niet gebruikt: {why}" in output, name
    assert "Sheldon: map 'Sheldon' is geen leerlingnummer uit de toestemmingsexport" in output
    assert "lijst.txt: geen map" in output
    for english in ("no face found", "faces found", "too small", "not a folder", "not a photo"):
        assert english not in output
