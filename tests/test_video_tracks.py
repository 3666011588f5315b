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
from PIL import Image

from fotopoort.media.video import VideoInfo, frames_at, sample_video
from fotopoort.videoconfig import DEFAULT_VIDEO

from .conftest import Cli
from .test_video import DAAN, DAAN_CROP, NOAH, SOPHIE, check, school
from .videos import Appearance, write_video

__all__ = ["school"]  # a fixture: imported so that pytest finds it

pytestmark = pytest.mark.engine

SOPHIE_NR = "0100512"  # in the export, not enrolled: her face is unknown


def kamp_video(path: Path) -> Path:
    """Daan walking for 3 s, Sophie (unknown) from 5 to 7 s: 8 s, a keyframe every second, so
    a thumbnail of Sophie's track is found by seeking, not by decoding from the start."""
    daan = Appearance(DAAN, 0.0, 3.0, (0, 60), (200, 80), side=220, crop=DAAN_CROP)
    sophie = Appearance(SOPHIE, 5.0, 7.0, (240, 60), (200, 40), side=200)
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
    film = kamp_video(tmp_path / "kamp" / "kamp.mp4")
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
    assert "video: no face seen in it" in html
    assert "no preview: cannot be decoded" in html
    assert '<figure class="track"' not in html


def test_report_json_refers_to_each_tracks_thumbnail_in_report_html(
    school: Cli, tmp_path: Path
) -> None:
    src = tmp_path / "kamp"
    film = kamp_video(src / "kamp.mp4")
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


def test_frames_at_gives_the_sampled_frames_themselves_seeking_or_not(tmp_path: Path) -> None:
    """A track's `frame` is a sample's time: frames_at must give that very frame (upright),
    whether it decodes up to it or seeks to the keyframe before it."""
    noah = Appearance(NOAH, 0.0, 8.0, (0, 40), (300, 100), side=160)  # moving: frames differ
    film = write_video(tmp_path / "telefoon.mp4", [noah], seconds=8, fps=10, keyint=10, rotation=90)
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
