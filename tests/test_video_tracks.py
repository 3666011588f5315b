"""A video's tracks shown and named: one thumbnail per track (the frame where its face is
largest, the face boxed, its time range) in the HTML report, referred to from report.json; the
review page serving a track's image only for a decided video, and naming a track; `review
assign --track`. Real small videos written with PyAV, the real engine (see test_video.py for
who is who in the demo school)."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageOps

from fotopoort.media.video import VideoInfo, frames_at, sample_video
from fotopoort.videoconfig import DEFAULT_VIDEO

from .conftest import Cli
from .test_video import DAAN, DAAN_CROP, NOAH, SOPHIE, check, school
from .test_web import app_for, csrf_of, logged_in
from .videos import Appearance, write_video

__all__ = ["school"]  # a fixture: imported so that pytest finds it

pytestmark = pytest.mark.engine

SOPHIE_NR = "0100512"  # in the export, not enrolled: her face is unknown


def kamp_video(path: Path, variant: int) -> Path:
    """Daan walking for 3 s, Sophie (unknown) from 5 to 7 s: 8 s, a keyframe every second, so
    a thumbnail of Sophie's track is found by seeking, not by decoding from the start. The
    school's database is shared by this module's tests: each uses its own `variant` (Sophie
    starts a few pixels elsewhere), so no test sees another's decisions of the same bytes."""
    daan = Appearance(DAAN, 0.0, 3.0, (0, 60), (200, 80), side=220, crop=DAAN_CROP)
    sophie = Appearance(SOPHIE, 5.0, 7.0, (240 - 4 * variant, 60), (200, 40), side=200)
    return write_video(path, [daan, sophie], seconds=8, fps=10, keyint=10)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


_FIGURE = re.compile(r'<figure class="track"( id="([^"]+)")?>(.*?)</figure>', re.S)


def track_figures(html: str) -> dict[str, dict[str, Any]]:
    """Each track figure with an id: its JPEG (decoded), its box and its caption."""
    out: dict[str, dict[str, Any]] = {}
    for m in _FIGURE.finditer(html):
        if m.group(2) is None:
            continue
        body = m.group(3)
        img = re.search(r'<img src="data:image/jpeg;base64,([^"]+)"', body)
        rect = re.search(r'<rect x="(\d+)" y="(\d+)" width="(\d+)" height="(\d+)"', body)
        caption = re.search(r"<figcaption>(.*?)</figcaption>", body)
        assert img and rect and caption, body[:300]
        with Image.open(io.BytesIO(base64.b64decode(img.group(1)))) as im:
            pixels = np.asarray(im.convert("RGB"), dtype=np.int16)
        out[m.group(2)] = {
            "pixels": pixels,
            "rect": tuple(int(v) for v in rect.groups()),
            "caption": caption.group(1),
        }
    return out


def box_rect(box: list[int]) -> tuple[int, int, int, int]:
    top, right, bottom, left = box
    return (left, top, right - left, bottom - top)


def test_the_report_shows_one_thumbnail_per_track_fresh_and_from_the_cache(
    school: Cli, tmp_path: Path
) -> None:
    film = kamp_video(tmp_path / "kamp" / "kamp.mp4", 1)
    target = tmp_path / "report.html"
    assert school("report", film.parent, "-c", "website", "-o", target).exit_code == 1
    fresh = track_figures(target.read_text(encoding="utf-8"))
    tracks = check(school, film, "website")["faces"]
    assert len(tracks) == 2
    digest = sha(film)
    assert set(fresh) == {f"track-{digest}-1", f"track-{digest}-2"}
    for n, track in enumerate(tracks, start=1):
        shown = fresh[f"track-{digest}-{n}"]
        assert shown["rect"] == box_rect(track["box"])  # the track's box, in its frame
        assert shown["pixels"].shape[:2] == (240, 320)  # 480x360 at the thumbnail's side
    sophie = fresh[f"track-{digest}-2"]["caption"]
    assert sophie.startswith("track 2, 00:00:05-00:00:06 (frame at 00:00:0"), sophie

    # the analysis is cached now: the report decodes the video once more, seeking to each
    # track's frame; it must be the same frame the worker cut its thumbnail from
    assert school("report", film.parent, "-c", "website", "-o", target).exit_code == 1
    cached = track_figures(target.read_text(encoding="utf-8"))
    assert set(cached) == set(fresh)
    for key in fresh:
        assert np.abs(cached[key]["pixels"] - fresh[key]["pixels"]).mean() < 3, key
        assert cached[key]["rect"] == fresh[key]["rect"]
    one, two = (fresh[f"track-{digest}-{n}"]["pixels"] for n in (1, 2))
    assert np.abs(one - two).mean() > 5  # two different frames do differ that much


def test_a_video_without_a_face_and_a_cut_video_say_so_in_the_report(
    school: Cli, tmp_path: Path
) -> None:
    root = tmp_path / "kamp"
    write_video(root / "leeg.mp4", [])
    whole = write_video(tmp_path / "heel.mkv", [Appearance(NOAH, 0.0, 3.0, (100, 60), side=220)])
    data = whole.read_bytes()
    (root / "kapot.mkv").write_bytes(data[: len(data) // 2])
    target = tmp_path / "report.html"
    assert school("report", root, "-c", "website", "-o", target).exit_code == 1
    html = target.read_text(encoding="utf-8")
    assert "video: no face seen in what was analysed" in html
    assert "no preview: cannot be decoded" in html
    assert '<figure class="track"' not in html


def test_report_json_refers_to_each_tracks_thumbnail_in_report_html(
    school: Cli, tmp_path: Path
) -> None:
    src = tmp_path / "kamp"
    film = kamp_video(src / "kamp.mp4", 2)
    out = tmp_path / "out"
    assert school("sort", src, "--out", out).exit_code == 1
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    html = (out / "report.html").read_text(encoding="utf-8")
    shown = track_figures(html)
    for doc in report["channels"]:
        [video] = doc["photos"]
        refs = [f["thumbnail"] for f in video["faces"]]
        assert refs == [f"report.html#track-{sha(film)}-{n}" for n in (1, 2)]
        for ref, face in zip(refs, video["faces"], strict=True):
            assert shown[ref.split("#")[1]]["rect"] == box_rect(face["box"])
    # check --json has no HTML beside it: no reference
    assert all("thumbnail" not in f for f in check(school, film, "website")["faces"])


@pytest.mark.parametrize(
    ("name", "rotation"), [("telefoon.mp4", 90), ("kamp.ts", 0), ("kamp.mkv", 0)]
)
def test_frames_at_gives_the_sampled_frames_themselves_seeking_or_not(
    tmp_path: Path, name: str, rotation: int
) -> None:
    """A track's `frame` is a sample's time: frames_at must give that very frame (upright),
    whether it decodes up to it or seeks to the keyframe before it, or (MPEG-TS, which
    cannot seek) decodes from the beginning again."""
    noah = Appearance(NOAH, 0.0, 8.0, (0, 40), (300, 100), side=160)  # moving: frames differ
    film = write_video(tmp_path / name, [noah], seconds=8, fps=10, keyint=10, rotation=rotation)
    samples = {s.time: s.image for s in sample_video(film, DEFAULT_VIDEO, 320, VideoInfo())}
    times = sorted(samples)
    wanted = [times[1], times[3], times[9], times[14], times[15]]  # 0.5 s ... 7.5 s
    got = frames_at(film, wanted, 320)
    assert set(got) == set(wanted)
    for t in wanted:
        assert got[t].original_size == samples[t].original_size == (480, 360)
        assert np.array_equal(got[t].pixels, samples[t].pixels), t
    assert set(frames_at(film, [7.5, 9.0], 320)) == {7.5}  # 9.0 is after the last frame
    assert frames_at(tmp_path / "gone.mp4", [1.0], 320) == {}


# --- the review page: one image per track, served only for a decided video ------------------


def test_the_review_page_shows_a_video_as_its_tracks_and_serves_them_only_as_decided(
    school: Cli, tmp_path: Path
) -> None:
    film = kamp_video(tmp_path / "kamp" / "kamp.mp4", 3)
    photo = tmp_path / "kamp" / "sophie.png"  # a photo in review too: it has no tracks
    with Image.open(SOPHIE) as im:
        im.convert("RGB").save(photo)
    assert school("check", film.parent, "-c", "portfolio").exit_code == 1
    digest = sha(film)
    client = logged_in(app_for(school))
    page = client.get("/").get_data(as_text=True)
    assert f'src="/track/{digest}/1.jpg"' in page and f'src="/track/{digest}/2.jpg"' in page
    assert f'src="/photo/{digest}.jpg"' not in page  # a video is not shown as one picture
    assert f'src="/photo/{sha(photo)}.jpg"' in page
    assert "track 2, 00:00:05-00:00:06: not identified" in page

    [track] = [f for f in check(school, film, "portfolio")["faces"] if f["status"] == "unknown"]
    response = client.get(f"/track/{digest}/2.jpg")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    with Image.open(io.BytesIO(response.data)) as im:
        shown = np.asarray(im.convert("RGB"), dtype=np.int16)
    assert shown.shape == (360, 480, 3)  # the whole frame, upright (not larger than it is)
    top, _right, bottom, left = track["box"]
    red, green, _blue = shown[(top + bottom) // 2, left]  # the left edge of the box
    assert red > 180 and green < 100  # an unknown face: a red box

    assert client.get(f"/track/{digest}/3.jpg").status_code == 404  # it has 2 tracks
    assert client.get(f"/track/{digest}/0.jpg").status_code == 404
    assert client.get(f"/track/{sha(photo)}/1.jpg").status_code == 404  # a photo: no track
    never = kamp_video(tmp_path / "never" / "kamp.mov", 4)
    assert sha(never) != digest
    assert client.get(f"/track/{sha(never)}/1.jpg").status_code == 404  # never decided
    assert client.get("/track/../../etc/passwd/1.jpg").status_code == 404
    with film.open("ab") as fh:
        fh.write(b"\0")  # changed since it was decided: nothing is shown
    assert client.get(f"/track/{digest}/2.jpg").status_code == 404


def test_naming_a_track_on_the_page_is_review_assign(school: Cli, tmp_path: Path) -> None:
    film = kamp_video(tmp_path / "kamp.mp4", 5)
    assert school("check", film, "-c", "portfolio").exit_code == 1
    client = logged_in(app_for(school))
    form = {"sha": sha(film), "face": "2", "child": SOPHIE_NR, "csrf": csrf_of(client)}
    assert client.post("/assign", data=form).status_code == 303
    after = school("review", "list", "-c", "portfolio", "--json")
    assert str(film) not in after.stdout
    got = check(school, film, "portfolio")  # Daan Ja, Sophie (named) Ja for portfolio
    assert got["decision"] == "allowed"
    assert [f["status"] for f in got["faces"]] == ["identified", "assigned"]
    assert got["faces"][1]["child"] == SOPHIE_NR


# --- review assign --track --------------------------------------------------------------------


def test_review_assign_names_a_video_track_and_refuses_track_for_a_photo(
    school: Cli, tmp_path: Path
) -> None:
    film = kamp_video(tmp_path / "kamp.mp4", 6)
    photo = tmp_path / "sophie.png"
    with Image.open(SOPHIE) as im:  # mirrored: not the bytes the page's test decided
        ImageOps.mirror(im.convert("RGB")).save(photo)
    assert school("check", film, photo, "-c", "stamgroep").exit_code == 1
    by = ("--by", "juf Anna")

    refused = school("review", "assign", photo, "--track", "1", "--child", SOPHIE_NR, *by)
    assert refused.exit_code == 2
    assert "is not a video; --track is for a video's tracks, use --face" in refused.output
    for numbers in ((), ("--face", "2", "--track", "2")):
        both = school("review", "assign", film, *numbers, "--child", SOPHIE_NR, *by)
        assert both.exit_code == 2
        assert "give either --face K (a photo) or --track K (a video)" in both.output
    beyond = school("review", "assign", film, "--track", "3", "--child", SOPHIE_NR, *by)
    assert beyond.exit_code == 2 and "has 2 track(s); --track must be 1 to that" in beyond.output

    named = school("review", "assign", film, "--track", "2", "--child", SOPHIE_NR, *by)
    assert named.exit_code == 0, named.output
    got = check(school, film, "stamgroep")
    assert got["decision"] == "allowed"
    assert got["faces"][1]["status"] == "assigned" and got["faces"][1]["child"] == SOPHIE_NR
    # --face names a track as before: the track is the video's face
    photo_named = school("review", "assign", photo, "--face", "1", "--child", SOPHIE_NR, *by)
    assert photo_named.exit_code == 0, photo_named.output


def test_the_track_captions_follow_the_language(
    school: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    film = kamp_video(tmp_path / "kamp" / "kamp.mp4", 7)
    target = tmp_path / "rapport.html"
    monkeypatch.setenv("FOTOPOORT_LANG", "nl")
    assert school("report", film.parent, "-c", "website", "-o", target).exit_code == 1
    html = target.read_text(encoding="utf-8")
    assert "<figcaption>spoor 2, 00:00:05-00:00:06 (beeld van 00:00:0" in html
    assert "kamp.mp4: spoor 1, omkaderd" in html


def test_a_video_in_review_without_tracks_is_no_broken_picture_on_the_page(
    school: Cli, tmp_path: Path
) -> None:
    film = kamp_video(tmp_path / "groot.mp4", 8)
    policy = school.config.read_text(encoding="utf-8")
    try:  # too large to analyse: review (video_limit), no track at all
        school.config.write_text(
            policy.replace("max_pixels: 8294400", "max_pixels: 100000"), encoding="utf-8"
        )
        assert check(school, film, "website")["faces"] == []
        page = logged_in(app_for(school)).get("/").get_data(as_text=True)
    finally:
        school.config.write_text(policy, encoding="utf-8")
    assert "A video without a track to show: the reasons say why it waits." in page
    assert f"/photo/{sha(film)}.jpg" not in page and f"/track/{sha(film)}/" not in page
