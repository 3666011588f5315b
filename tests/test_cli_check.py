"""check and sort through the CLI, with the fake engine (coloured squares are faces)."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any, ClassVar

import pytest

from .conftest import Cli
from .fakes import FakeEngine, make_photo

DAAN, FATIMA, NOAH, ZOE, LIAM = "0100231", "0100487", "0100733", "0100901", "0101022"
COLOURS = {
    DAAN: (200, 0, 0),
    FATIMA: (0, 200, 0),
    NOAH: (0, 0, 200),
    ZOE: (0, 200, 200),
    LIAM: (200, 200, 0),
}
STRANGER = (120, 120, 120)
SOPHIE = (200, 0, 200)  # photographed, but never enrolled (no biometric consent)


@pytest.fixture
def school(cli: Cli, shared: Path, tmp_path: Path) -> Cli:
    """The demo export imported, and every child with biometric consent enrolled.
    check and sort run in one process (-j 1) unless a test asks otherwise."""
    assert cli("consents", "import", shared / "demo" / "privacyvoorkeuren.csv").exit_code == 0
    refs = tmp_path / "refs"
    for nr, colour in {**COLOURS, "0100512": SOPHIE}.items():
        # two references a little apart: a child's range comes from its references' spread,
        # and a child with one reference is never identified (docs/accuracy.md)
        for i, d in enumerate((-2, 2)):
            ref = shifted(colour, d)
            make_photo(refs / nr / f"ref{i}.png", [(ref, 10)], face_px=100, size=(200, 200))
    result = cli("enroll", refs)
    assert result.exit_code == 0, result.output
    assert "skipped  Sophie (0100512): no consent for face recognition" in result.output
    cli.default_args |= {"check": ["-j", "1"], "sort": ["-j", "1"]}
    return cli


def shifted(colour: tuple[int, int, int], d: int) -> tuple[int, int, int]:
    """`colour` with its strongest channel changed by `d` (a face `d`/255 away)."""
    i = colour.index(max(colour))
    return (*colour[:i], colour[i] + d, *colour[i + 1 :])  # type: ignore[return-value]


def camp(root: Path) -> Path:
    make_photo(root / "daan.png", [(COLOURS[DAAN], 10)])
    make_photo(root / "daan_fatima.png", [(COLOURS[DAAN], 10), (COLOURS[FATIMA], 200)])
    make_photo(root / "daan_sophie.png", [(COLOURS[DAAN], 10), (SOPHIE, 200)])
    make_photo(root / "noah.png", [(COLOURS[NOAH], 10)])
    make_photo(root / "empty.png", [])
    make_photo(root / "sub" / "liam.png", [(COLOURS[LIAM], 100)])
    make_photo(root / "daan_small.png", [(COLOURS[DAAN], 10), (STRANGER, 200)], face_px=30)
    (root / "broken.jpg").write_bytes(b"not really a photo")
    (root / "notes.txt").write_text("not a photo, skipped")
    make_photo(root / ".hidden" / "noah.png", [(COLOURS[NOAH], 10)])
    make_photo(root / ".noah.png", [(COLOURS[NOAH], 10)])
    return root


def decisions(doc: dict[str, Any]) -> dict[str, str]:
    return {p["path"]: p["decision"] for p in doc["photos"]}


def test_check_json_decisions_and_exit_code(school: Cli, tmp_path: Path) -> None:
    root = camp(tmp_path / "kamp")
    result = school("check", root, "--channel", "website", "--json")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert decisions(doc) == {
        "broken.jpg": "blocked",
        "daan.png": "allowed",
        "daan_fatima.png": "blocked",
        "daan_small.png": "review",
        "daan_sophie.png": "review",
        "empty.png": "allowed",
        "noah.png": "blocked",
        "sub/liam.png": "allowed",
    }
    assert doc["summary"] == {"allowed": 3, "blocked": 3, "review": 2}


def test_exit_code_zero_only_when_everything_is_allowed(school: Cli, tmp_path: Path) -> None:
    root = tmp_path / "ok"
    make_photo(root / "daan.png", [(COLOURS[DAAN], 10)])
    make_photo(root / "liam.png", [(COLOURS[LIAM], 10)])
    result = school("check", root, "--channel", "website")
    assert result.exit_code == 0, result.output
    assert "website: 2 photos: 2 allowed, 0 blocked, 0 review" in result.output
    assert school("check", root, "--channel", "training").exit_code == 1  # Liam: no training


def test_json_schema_is_stable(school: Cli, tmp_path: Path) -> None:
    root = camp(tmp_path / "kamp")
    doc = json.loads(school("check", root, "-c", "website", "--json").stdout)
    assert set(doc) == {"channel", "snapshot", "photos", "summary"}
    assert doc["channel"] == "website"
    assert set(doc["snapshot"]) == {"sha256", "imported_at"}
    assert len(doc["snapshot"]["sha256"]) == 64
    assert set(doc["summary"]) == {"allowed", "blocked", "review"}
    for photo in doc["photos"]:
        assert set(photo) == {"path", "root", "decision", "reasons", "faces"}
        assert photo["root"] == str(root.resolve())
        assert photo["decision"] in {"allowed", "blocked", "review"}
        assert "\\" not in photo["path"] and not photo["path"].startswith("/")
        for reason in photo["reasons"]:
            assert set(reason) == {"code", "child", "params", "message"}
            assert isinstance(reason["message"], str) and isinstance(reason["params"], dict)
        for face in photo["faces"]:
            assert set(face) == {"box", "child", "distance", "status"}
            assert len(face["box"]) == 4 and all(isinstance(v, int) for v in face["box"])
    codes = {r["code"] for p in doc["photos"] for r in p["reasons"]}
    assert {"no_consent", "unknown_face", "small_face", "unreadable"} <= codes
    fatima = next(p for p in doc["photos"] if p["path"] == "daan_fatima.png")
    assert fatima["reasons"][1] == {
        "code": "no_consent",
        "child": FATIMA,
        "params": {"face": 1, "channel": "website"},
        "message": "face 2: Fatima (0100487): no consent for website",
    }
    assert fatima["faces"][1]["child"] == FATIMA and fatima["faces"][1]["status"] == "identified"


def test_json_names_the_path_each_photo_was_found_under(school: Cli, tmp_path: Path) -> None:
    kamp, musical = tmp_path / "kamp", tmp_path / "musical"
    make_photo(kamp / "daan.png", [(COLOURS[DAAN], 10)])
    make_photo(musical / "daan.png", [(COLOURS[FATIMA], 10)])
    doc = json.loads(school("check", kamp, musical, "-c", "website", "--json").stdout)
    entries = {(p["root"], p["path"]): p["decision"] for p in doc["photos"]}
    assert entries == {
        (str(kamp.resolve()), "daan.png"): "allowed",
        (str(musical.resolve()), "daan.png"): "blocked",  # Fatima: no website consent
    }


def test_human_output_names_child_and_reason(school: Cli, tmp_path: Path) -> None:
    result = school("check", camp(tmp_path / "kamp"), "--channel", "website")
    assert result.exit_code == 1
    assert "Fatima (0100487): no consent for website" in result.output
    assert "unknown face" in result.output
    assert "website: 8 photos: 3 allowed, 3 blocked, 2 review" in result.output


def test_group_option(school: Cli, tmp_path: Path) -> None:
    root = tmp_path / "groep"
    # Zoë (Vossen) has stamgroep and school consent; Noah (Vossen) has neither
    make_photo(root / "daan_zoe.png", [(COLOURS[DAAN], 10), (COLOURS[ZOE], 200)])
    out = school("check", root, "-c", "stamgroep", "--group", "Bevers", "--json")
    assert decisions(json.loads(out.stdout)) == {"daan_zoe.png": "allowed"}
    assert "needs school" in out.stdout
    # Fatima (Bevers) has stamgroep but no school consent: fine in Bevers, not shown to Vossen
    make_photo(root / "daan_zoe.png", [(COLOURS[DAAN], 10), (COLOURS[FATIMA], 200)])
    bevers = school("check", root, "-c", "stamgroep", "--group", "Bevers")
    vossen = school("check", root, "-c", "stamgroep", "--group", "Vossen")
    assert (bevers.exit_code, vossen.exit_code) == (0, 1)
    assert school("check", root, "-c", "stamgroep", "--group", "Dassen").exit_code == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--channel", "webiste"], "did you mean 'website'"),
        (["--channel", "website", "--jobs", "0"], "--jobs"),
    ],
)
def test_usage_errors_exit_2(school: Cli, tmp_path: Path, args: list[str], message: str) -> None:
    result = school("check", camp(tmp_path / "kamp"), *args)
    assert result.exit_code == 2, result.stderr
    assert message in result.stderr


def test_missing_path_and_missing_snapshot_exit_2(cli: Cli, tmp_path: Path) -> None:
    root = camp(tmp_path / "kamp")
    no_snapshot = cli("check", root, "--channel", "website")
    assert no_snapshot.exit_code == 2
    assert "consents import" in no_snapshot.stderr
    assert "Traceback" not in no_snapshot.output + no_snapshot.stderr
    cli("consents", "import", Path(__file__).parents[2] / "shared/demo/privacyvoorkeuren.csv")
    missing = cli("check", tmp_path / "nope", "--channel", "website")
    assert missing.exit_code == 2 and "no such file" in missing.stderr


def test_symlinks_out_of_path_and_fifos_are_listed_as_blocked(school: Cli, tmp_path: Path) -> None:
    root = tmp_path / "kamp"
    make_photo(root / "daan.png", [(COLOURS[DAAN], 10)])
    outside = make_photo(tmp_path / "elsewhere" / "noah.png", [(COLOURS[NOAH], 10)])
    (root / "link.png").symlink_to(outside)
    (root / "linkdir").symlink_to(outside.parent)
    (root / "inside.png").symlink_to(root / "daan.png")
    os.mkfifo(root / "pipe.jpg")
    result = school("check", root, "-c", "website", "--json")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert decisions(doc) == {
        "daan.png": "allowed",
        "inside.png": "allowed",
        "link.png": "blocked",
        "linkdir": "blocked",
        "pipe.jpg": "blocked",
    }
    why = {p["path"]: p["reasons"][0]["message"] for p in doc["photos"]}
    assert "outside PATH" in why["link.png"] and "outside PATH" in why["linkdir"]
    assert "not a regular file" in why["pipe.jpg"]
    out = tmp_path / "out"
    school("sort", root, "--out", out, "-c", "website")
    assert sorted(p.name for p in (out / "website" / "allowed").iterdir()) == [
        "daan.png",
        "inside.png",
    ]
    assert not (out / "website" / "blocked").exists()  # nothing from outside is copied


def tree_digest(root: Path) -> dict[str, tuple[str, int]]:
    return {
        p.relative_to(root).as_posix(): (
            hashlib.sha256(p.read_bytes()).hexdigest(),
            p.stat().st_mtime_ns,
        )
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_sort_writes_copies_report_and_leaves_originals(school: Cli, tmp_path: Path) -> None:
    root = camp(tmp_path / "kamp")
    before = tree_digest(root)
    out = tmp_path / "out"
    result = school("sort", root, "--out", out)
    assert result.exit_code == 1
    assert tree_digest(root) == before
    assert (out / "website" / "allowed" / "daan.png").is_file()
    assert (out / "website" / "blocked" / "daan_fatima.png").is_file()
    assert (out / "portfolio" / "allowed" / "daan_fatima.png").is_file()
    assert (out / "website" / "review" / "daan_sophie.png").is_file()
    assert (out / "website" / "allowed" / "sub" / "liam.png").is_file()
    assert (out / "website" / "blocked" / "broken.jpg").read_bytes() == b"not really a photo"
    copy = out / "school" / "allowed" / "daan.png"
    assert copy.stat().st_mtime_ns == (root / "daan.png").stat().st_mtime_ns
    report = json.loads((out / "report.json").read_text())
    assert [d["channel"] for d in report["channels"]] == [
        "portfolio",
        "stamgroep",
        "school",
        "website",
        "training",
        "research",
    ]
    assert decisions(report["channels"][3])["daan_fatima.png"] == "blocked"
    assert not list(out.rglob("*.tmp")), "no temporary files are left behind"


def test_sort_selected_channels_and_resort_after_withdrawal(
    school: Cli, shared: Path, tmp_path: Path
) -> None:
    root = camp(tmp_path / "kamp")
    out = tmp_path / "out"
    school("sort", root, "--out", out, "-c", "website")
    assert sorted(p.name for p in out.iterdir()) == ["report.html", "report.json", "website"]
    assert (out / "website" / "allowed" / "daan.png").exists()
    december = shared / "demo" / "privacyvoorkeuren-december.csv"  # Daan withdrew website
    assert school("consents", "import", december).exit_code == 0
    school("sort", root, "--out", out, "-c", "website")
    assert not (out / "website" / "allowed" / "daan.png").exists()
    assert (out / "website" / "blocked" / "daan.png").exists()


def test_sort_refuses_out_inside_source(school: Cli, tmp_path: Path) -> None:
    root = camp(tmp_path / "kamp")
    result = school("sort", root, "--out", root / "sorted")
    assert result.exit_code == 2
    assert "must not be inside" in result.stderr


def test_sort_of_another_folder_into_an_out_with_copies_is_refused(
    school: Cli, tmp_path: Path
) -> None:
    kamp = camp(tmp_path / "kamp")
    out = tmp_path / "sorted"
    assert school("sort", kamp, "--out", out).exit_code == 1
    copies = sorted(p for p in out.rglob("*") if p.is_file())
    musical = tmp_path / "musical"
    make_photo(musical / "noah.png", [(COLOURS[NOAH], 10)])
    result = school("sort", musical, "--out", out)
    assert result.exit_code == 2
    assert f"holds copies sorted from {kamp.resolve()}" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert sorted(p for p in out.rglob("*") if p.is_file()) == copies  # nothing removed
    # the same folder again, and another folder into an empty OUT, are fine
    assert school("sort", kamp, "--out", out).exit_code == 1
    other = school("sort", musical, "--out", tmp_path / "musical-sorted")
    assert other.exit_code in (0, 1), other.output
    assert list((tmp_path / "musical-sorted").rglob("noah.png"))


class CountingEngine(FakeEngine):
    calls: ClassVar[int] = 0

    def find_faces(self, pixels: Any, upsample: int) -> list[tuple[int, int, int, int]]:
        CountingEngine.calls += 1
        return super().find_faces(pixels, upsample)


def test_unchanged_rerun_uses_the_cache_and_consent_changes_need_no_decoding(
    school: Cli, shared: Path, tmp_path: Path
) -> None:
    root = camp(tmp_path / "kamp")
    school.engine_factory = CountingEngine
    CountingEngine.calls = 0
    first = school("check", root, "-c", "website", "--json")
    assert CountingEngine.calls == 7  # every readable photo once
    again = school("check", root, "-c", "website", "--json")
    assert CountingEngine.calls == 7
    assert json.loads(again.stdout)["photos"] == json.loads(first.stdout)["photos"]
    school("consents", "import", shared / "demo" / "privacyvoorkeuren-december.csv")
    after = school("check", root, "-c", "website", "--json")
    assert CountingEngine.calls == 7
    assert decisions(json.loads(after.stdout))["daan.png"] == "blocked"
    # a changed photo is analysed again; a touched but identical one is not
    os.utime(root / "daan.png", ns=(1, 1))
    make_photo(root / "noah.png", [(COLOURS[LIAM], 10)])
    changed = school("check", root, "-c", "website", "--json")
    assert CountingEngine.calls == 8
    assert decisions(json.loads(changed.stdout))["noah.png"] == "allowed"


def test_worker_pool_gives_the_same_decisions(school: Cli, tmp_path: Path) -> None:
    root = camp(tmp_path / "kamp")
    pooled = school("check", root, "-c", "website", "--json", "--jobs", "2")
    single = school("check", root, "-c", "website", "--json", "--jobs", "1")  # from the cache
    assert json.loads(pooled.stdout)["photos"] == json.loads(single.stdout)["photos"]
    assert json.loads(pooled.stdout)["summary"] == {"allowed": 3, "blocked": 3, "review": 2}


def test_a_second_run_on_the_same_database_waits_then_says_so(school: Cli, tmp_path: Path) -> None:
    from filelock import FileLock

    root = camp(tmp_path / "kamp")
    with FileLock(f"{school.workdir / 'fotopoort.db'}.lock"):
        result = school("--wait", "0.2", "check", root, "-c", "website")
    assert result.exit_code == 75  # EX_TEMPFAIL: a job tries again later, not a config error
    assert "waiting for another fotopoort run" in result.stderr
    assert "another fotopoort run is still busy" in result.stderr
    assert school("check", root, "-c", "website").exit_code == 1  # free again


class InterruptingEngine(CountingEngine):
    """Like Ctrl-C after the third photo."""

    def find_faces(self, pixels: Any, upsample: int) -> list[tuple[int, int, int, int]]:
        if CountingEngine.calls == 3:
            raise KeyboardInterrupt
        return super().find_faces(pixels, upsample)


def test_interrupted_run_exits_130_and_the_next_run_resumes(school: Cli, tmp_path: Path) -> None:
    root = camp(tmp_path / "kamp")
    school.engine_factory = InterruptingEngine
    CountingEngine.calls = 0
    interrupted = school("check", root, "-c", "website")
    assert interrupted.exit_code == 130
    assert "interrupted" in interrupted.stderr
    school.engine_factory = CountingEngine
    CountingEngine.calls = 0
    resumed = school("check", root, "-c", "website", "--json")
    assert CountingEngine.calls == 7 - 3  # the three finished photos came from the cache
    assert json.loads(resumed.stdout)["summary"] == {"allowed": 3, "blocked": 3, "review": 2}


def test_one_child_named_twice_in_a_photo_is_not_trusted(school: Cli, tmp_path: Path) -> None:
    root = tmp_path / "twins"
    # a look-alike: within Daan's range just as well
    daan, twin = shifted(COLOURS[DAAN], -1), shifted(COLOURS[DAAN], 1)
    make_photo(root / "two_daans.png", [(daan, 10), (twin, 200)])
    doc = json.loads(school("check", root, "-c", "website", "--json").stdout)
    photo = doc["photos"][0]
    assert photo["decision"] == "review"
    assert [f["status"] for f in photo["faces"]] == ["ambiguous", "ambiguous"]


def test_resort_removes_copies_of_photos_no_longer_in_the_folder(
    school: Cli, tmp_path: Path
) -> None:
    root = camp(tmp_path / "kamp")
    out = tmp_path / "out"
    school("sort", root, "--out", out, "-c", "website")
    assert (out / "website" / "allowed" / "daan.png").exists()
    (root / "daan.png").unlink()  # the school took it out of the camp folder
    result = school("sort", root, "--out", out, "-c", "website")
    assert "removed 1 copies of photos no longer in" in result.output
    assert not (out / "website" / "allowed" / "daan.png").exists()
    assert (out / "website" / "allowed" / "sub" / "liam.png").exists()


def test_videos_gifs_and_photos_without_suffix_are_never_skipped(
    school: Cli, tmp_path: Path
) -> None:
    """`check DIR && upload DIR` must not pass over anything that may show a child."""
    from PIL import Image

    root = tmp_path / "kamp"
    make_photo(root / "daan.png", [(COLOURS[DAAN], 10)])
    (root / "film.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64)
    (root / "clip").write_bytes(b"\x00\x00\x00\x14ftypqt  " + b"\x00" * 64)  # a .mov, unnamed
    Image.new("RGB", (40, 40), COLOURS[DAAN]).save(root / "anim.gif")
    make_photo(root / "noah_no_suffix", [(COLOURS[NOAH], 10)])
    (root / "readme.txt").write_text("not a photo")
    result = school("check", root, "-c", "website", "--json")
    assert result.exit_code == 1
    got = {p["path"]: p for p in json.loads(result.stdout)["photos"]}
    assert sorted(got) == ["anim.gif", "clip", "daan.png", "film.mp4", "noah_no_suffix"]
    assert got["film.mp4"]["decision"] == "blocked"
    assert "cannot be decoded" in got["film.mp4"]["reasons"][0]["message"]  # not a real video
    assert got["clip"]["decision"] == "blocked"
    assert got["anim.gif"]["decision"] == "blocked"
    assert got["noah_no_suffix"]["decision"] == "blocked"  # Noah: no consent
    assert got["daan.png"]["decision"] == "allowed"


@pytest.mark.parametrize(
    ("lang", "expected", "other"),
    [
        (
            "nl",
            [
                "gezicht 2: Fatima (0100487): geen toestemming voor website",
                "gezicht 2: onbekend gezicht",
                "te klein om te herkennen",
                "onleesbaar: geen afbeelding (onbekende inhoud)",
            ],
            ["no consent for", "unknown face", "too small", "unreadable", "unrecognised"],
        ),
        (
            "en",
            [
                "face 2: Fatima (0100487): no consent for website",
                "face 2: unknown face",
                "too small to identify",
                "unreadable: not an image (unrecognised content)",
            ],
            ["geen toestemming", "onbekend gezicht", "te klein", "onleesbaar", "afbeelding"],
        ),
    ],
)
def test_check_explains_decisions_in_the_language_asked_for(
    school: Cli,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    lang: str,
    expected: list[str],
    other: list[str],
) -> None:
    monkeypatch.setenv("FOTOPOORT_LANG", lang)
    root = camp(tmp_path / "kamp")
    result = school("check", root, "--channel", "website")
    assert result.exit_code == 1
    for text in expected:
        assert text in result.stdout, (text, result.stdout)
    for text in other:
        assert text not in result.stdout, (text, result.stdout)
    # JSON: the same codes whatever the language, the message in the language asked for
    doc = json.loads(school("check", root, "--channel", "website", "--json").stdout)
    fatima = next(p for p in doc["photos"] if p["path"] == "daan_fatima.png")
    assert fatima["reasons"][1]["code"] == "no_consent"
    assert fatima["reasons"][1]["message"] == expected[0]


def test_a_problem_found_in_dutch_is_english_in_the_next_english_run(
    school: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the cache keeps the problem in English: what a run in one language found, a run in the
    # other reads in its own
    root = camp(tmp_path / "kamp")
    monkeypatch.setenv("FOTOPOORT_LANG", "nl")
    assert "onleesbaar: geen afbeelding" in school("check", root, "-c", "website").stdout
    monkeypatch.setenv("FOTOPOORT_LANG", "en")
    doc = json.loads(school("check", root, "-c", "website", "--json").stdout)
    broken = next(p for p in doc["photos"] if p["path"] == "broken.jpg")
    assert broken["reasons"][0]["message"] == "unreadable: not an image (unrecognised content)"
