"""A video analysed in segments: where the segments are, and that a segment decoded from the
keyframe before its start samples exactly the frames it would have sampled decoded from the
beginning, in every container fotopoort meets (MPEG-TS cannot seek: it is decoded from the
start instead)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import av
import pytest

from fotopoort.config import load_policy, template_text
from fotopoort.media.video import WHOLE, Segment, VideoInfo, plan_video, sample_video, segments
from fotopoort.videoconfig import DEFAULT_VIDEO

from .videos import write_video

SETTINGS = replace(DEFAULT_VIDEO, segment_seconds=3.0)


def test_a_video_is_cut_into_segments_of_the_configured_length_the_last_at_least_a_second() -> None:
    assert segments(10.0, SETTINGS) == (
        Segment(0, 0.0, 3.0),
        Segment(1, 3.0, 6.0),
        Segment(2, 6.0, None),  # 6-10: to the end of the file
    )
    assert segments(9.5, SETTINGS)[-1] == Segment(2, 6.0, None)  # 9-9.5 is too short alone
    assert segments(2.0, SETTINGS) == (WHOLE,)
    assert segments(None, SETTINGS) == (WHOLE,)  # no length in the header: one part
    limited = replace(SETTINGS, max_seconds=7)
    assert [s.start for s in segments(600.0, limited)] == [0.0, 3.0]  # up to the limit


def test_the_default_segment_length_and_the_setting(tmp_path: Path) -> None:
    assert DEFAULT_VIDEO.segment_seconds == 30.0
    config = tmp_path / "consents.yaml"
    config.write_text(
        template_text().replace("segment_seconds: 30", "segment_seconds: 12.5"), encoding="utf-8"
    )
    video = load_policy(config).video
    assert video.segment_seconds == 12.5
    assert "segment=12.5" in video.cache_key()  # a finished segment is kept per setting


def frame_times(path: Path) -> list[float]:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        times = [float(f.time) for f in container.decode(stream) if f.time is not None]
    return [t - times[0] for t in times]


def expected_samples(times: list[float], parts: tuple[Segment, ...], fps: float) -> list[float]:
    """The rule, on every frame decoded from the start: each segment samples from its own
    start (no scene cuts in these videos)."""
    out = []
    for part in parts:
        next_at = part.start
        for t in times:
            if t + 1e-6 < part.start or (part.end is not None and t + 1e-6 >= part.end):
                continue
            if t + 1e-6 >= next_at:
                out.append(t)
                next_at = t + 1 / fps
    return out


@pytest.mark.parametrize(
    ("name", "codec"),
    [
        ("a.mp4", "libx264"),
        ("a.mov", "libx264"),
        ("a.mkv", "libx264"),
        ("a.webm", "libvpx-vp9"),
        ("a.avi", "mpeg4"),
        ("a.ts", "libx264"),
    ],
)
def test_a_segment_decoded_from_a_keyframe_samples_the_frames_of_a_decode_from_the_start(
    tmp_path: Path, name: str, codec: str
) -> None:
    film = write_video(tmp_path / name, [], size=(160, 120), seconds=10, fps=25, codec=codec)
    plan = plan_video(film, SETTINGS)
    assert len(plan.segments) == 3
    got: list[float] = []
    for part in plan.segments:
        got += [s.time for s in sample_video(film, SETTINGS, 960, VideoInfo(), segment=part)]
    want = expected_samples(frame_times(film), plan.segments, SETTINGS.sample_fps)
    assert got == pytest.approx(want, abs=1e-6)
    assert [t for t in got if t in (0.0, 3.0, 6.0)] == [0.0, 3.0, 6.0]  # each starts a segment


def test_a_video_cut_short_is_not_whole_in_the_segment_where_it_ends(tmp_path: Path) -> None:
    """Matroska keeps its length in the header: cut at 60 %, the second segment (3-6 s) stops
    early and the third finds no frame of its own. Both say so."""
    from fotopoort.errors import ImageError

    whole = write_video(tmp_path / "whole.mkv", [], size=(160, 120), seconds=10, fps=25)
    data = whole.read_bytes()
    cut = tmp_path / "cut.mkv"
    cut.write_bytes(data[: len(data) * 6 // 10])
    plan = plan_video(cut, SETTINGS)
    assert plan.duration == pytest.approx(10.0, abs=0.1)
    failed = []
    for part in plan.segments:
        try:
            list(sample_video(cut, SETTINGS, 960, VideoInfo(), segment=part))
        except ImageError as exc:
            failed.append((part.index, exc.english))
    assert [i for i, _ in failed] == [1, 2], failed
    assert all("frames end at 00:00:05 of 00:00:10" in why for _, why in failed)
