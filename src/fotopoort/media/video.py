"""Videos: decode with PyAV (FFmpeg), sample frames upright, find faces, follow them into tracks.

- Every frame is decoded, to the end: a file that cannot be decoded whole is an error (blocked),
  like a truncated photo. Frames are sampled `sample_fps` times a second, plus the first frame
  after each scene cut (a jump in the luma of a tiny view of the frame), so a cut to a face for
  less than one sampling interval is still seen.
- The rotation in the stream's display matrix (a phone held upright) is applied, and so is a
  non-square pixel aspect ratio, before anything looks for faces.
- consents.yaml's `video:` limits bound the work: a longer video is analysed up to the limit, a
  larger frame not at all; then the video goes to review, unless the policy says the analysed
  part decides (the reason says so either way).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image

from fotopoort.engines.faces import DetectedFace, DetectionSettings, FaceEngine, RawBox, analyze
from fotopoort.errors import ImageError
from fotopoort.matching import Encoding
from fotopoort.media.photos import PHOTO_SUFFIXES, VIDEO_SUFFIXES, LoadedImage, Pixels, media_kind
from fotopoort.messages import problems as P
from fotopoort.messages import render
from fotopoort.model import Box, FaceResult, FaceStatus, MediaKind, PhotoAnalysis
from fotopoort.text import timecode
from fotopoort.tracks import Follower, Look, Observation, build_tracks, normalised, video_faces
from fotopoort.videoconfig import VideoSettings

if TYPE_CHECKING:  # PyAV loads FFmpeg (0.1 s): only a run that meets a video pays for it
    from av.container import InputContainer
    from av.video.frame import VideoFrame
    from av.video.stream import VideoStream

Identify = Callable[[Sequence[DetectedFace]], tuple[FaceResult, ...]]
FrameHook = Callable[[float, float | None], None]  # (seconds analysed, duration or None)
SampleHook = Callable[["Sample"], None]


def is_video(head: bytes, suffix: str) -> bool:
    """A video by content, or by name when the content has no signature fotopoort knows
    (MPEG program and transport streams)."""
    kind = media_kind(head)
    if kind is not None:
        return kind is MediaKind.VIDEO
    return suffix.lower() in VIDEO_SUFFIXES and suffix.lower() not in PHOTO_SUFFIXES


@dataclass(frozen=True)
class Sample:
    time: float  # seconds from the start of the video
    image: LoadedImage  # upright, reduced to the detection settings' max_side
    cut: bool = False  # the first frame after a scene cut


@dataclass
class VideoInfo:
    """What decoding found out; `limit` is set when a limit left part of the video out."""

    width: int = 0
    height: int = 0
    duration: float | None = None
    frames: int = 0  # of the segment, not counting those decoded before its start
    samples: int = 0
    limit: str | None = None


def _rotation(frame: VideoFrame) -> int:
    """Quarter turns counter-clockwise that make the frame upright (display matrix)."""
    try:
        degrees = frame.rotation
    except (AttributeError, ValueError):
        return 0
    return round(degrees / 90) % 4


def _display_size(frame: VideoFrame, stream: VideoStream) -> tuple[int, int]:
    sar = stream.sample_aspect_ratio
    width = frame.width
    if sar is not None and sar > 0 and sar != 1:
        width = max(1, round(frame.width * float(sar)))
    return width, frame.height


def _upright(frame: VideoFrame, stream: VideoStream, max_side: int) -> LoadedImage:
    width, height = _display_size(frame, stream)
    factor = min(1.0, max_side / max(width, height))
    scaled = (max(1, round(width * factor)), max(1, round(height * factor)))
    pixels: Pixels = np.asarray(
        frame.to_ndarray(format="rgb24", width=scaled[0], height=scaled[1]), dtype=np.uint8
    )
    turns = _rotation(frame)
    original = (width, height)
    if turns:
        pixels = np.ascontiguousarray(np.rot90(pixels, k=turns))
        if turns % 2:
            original = (height, width)
    return LoadedImage(pixels, original, "VIDEO")


def _luma_view(frame: VideoFrame) -> np.ndarray | None:
    """A tiny view of the luma plane, without converting the frame (a few microseconds)."""
    if not frame.format.name.startswith(("yuv", "yuvj", "nv", "gray")):
        return None
    plane = frame.planes[0]
    rows = np.frombuffer(memoryview(plane), dtype=np.uint8)
    if plane.line_size <= 0 or rows.size < plane.line_size * frame.height:
        return None
    y = rows[: plane.line_size * frame.height].reshape(frame.height, plane.line_size)
    step_y = max(1, frame.height // 18)
    step_x = max(1, frame.width // 32)
    return y[::step_y, : frame.width : step_x].astype(np.int16)


def _seconds(frame: VideoFrame, index: int, rate: Fraction | None) -> float:
    if frame.time is not None:
        return float(frame.time)
    return index / float(rate) if rate else float(index)


def _duration(container: InputContainer, stream: VideoStream) -> float | None:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / 1_000_000
    return None


@dataclass(frozen=True)
class Segment:
    """A part of a video: the frames from `start` up to `end` seconds (None: to its end)."""

    index: int
    start: float
    end: float | None


WHOLE = Segment(0, 0.0, None)


def segments(duration: float | None, settings: VideoSettings) -> tuple[Segment, ...]:
    """The parts a video is analysed in: `segment_seconds` long, the last one at least a
    second (it runs to the end of the file, or to the duration limit). A video whose header
    says no length is one part."""
    if duration is None:
        return (WHOLE,)
    until = min(duration, float(settings.max_seconds))
    length = settings.segment_seconds
    starts = [0.0]
    while len(starts) * length < until - 1.0:
        starts.append(len(starts) * length)
    return tuple(
        Segment(i, start, starts[i + 1] if i + 1 < len(starts) else None)
        for i, start in enumerate(starts)
    )


@dataclass(frozen=True)
class VideoPlan:
    """What the header says, before a frame is decoded: the parts to analyse, and the limit
    that leaves the video out (frames too large) when it says so."""

    duration: float | None
    segments: tuple[Segment, ...]
    limit: str | None = None


def plan_video(path: Path, settings: VideoSettings) -> VideoPlan:
    """The video's parts. Raises ImageError when it has no single picture stream or cannot
    be opened as a video."""
    import av

    try:
        with av.open(str(path), mode="r") as container:
            stream = _stream(container)
            duration = _duration(container, stream)
            limit = _too_large(stream, settings)
    except av.FFmpegError as exc:
        raise ImageError(P.NOT_DECODED_WHOLE, why=exc.strerror or exc) from None
    except (OSError, ValueError, MemoryError) as exc:
        raise ImageError(P.NOT_DECODED_WHOLE, why=exc) from None
    if limit is not None and not settings.beyond_limits_decides:
        return VideoPlan(duration, (), limit)
    return VideoPlan(duration, segments(duration, settings), limit)


def _stream(container: InputContainer) -> VideoStream:
    streams = list(container.streams.video)  # cover art is a picture stream too
    if not streams:
        raise ImageError(P.NO_PICTURE_STREAM)
    if len(streams) > 1:
        raise ImageError(P.STREAMS, n=len(streams))
    return streams[0]


def _too_large(stream: VideoStream, settings: VideoSettings) -> str | None:
    width, height = stream.codec_context.width, stream.codec_context.height
    if width * height <= settings.max_pixels:
        return None
    return render(
        P.VIDEO_TOO_LARGE, "en", width=width, height=height, limit=f"{settings.max_pixels:,}"
    )


def sample_video(
    path: Path,
    settings: VideoSettings,
    max_side: int,
    info: VideoInfo,
    on_frame: FrameHook | None = None,
    segment: Segment = WHOLE,
) -> Iterator[Sample]:
    """The sampled frames of `segment` of the video at `path`, upright. Raises ImageError
    when the file cannot be decoded to the segment's end (or up to the duration limit)."""
    import av

    try:
        yield from _sample(path, settings, max_side, info, on_frame, segment)
    except av.FFmpegError as exc:
        raise ImageError(P.NOT_DECODED_WHOLE, why=exc.strerror or exc) from None
    except (OSError, ValueError, MemoryError) as exc:
        raise ImageError(P.NOT_DECODED_WHOLE, why=exc) from None


_EPSILON = 1e-6  # a frame at a segment's start, give or take rounding, belongs to it


def _sample(
    path: Path,
    settings: VideoSettings,
    max_side: int,
    info: VideoInfo,
    on_frame: FrameHook | None,
    segment: Segment,
) -> Iterator[Sample]:
    import av

    with av.open(str(path), mode="r") as container:
        stream = _stream(container)
        stream.thread_type = "AUTO"
        info.width, info.height = stream.codec_context.width, stream.codec_context.height
        info.duration = _duration(container, stream)
        info.limit = _too_large(stream, settings)
        if info.limit is not None and not settings.beyond_limits_decides:
            return
        rate = stream.average_rate
        interval = 1.0 / settings.sample_fps
        next_at = segment.start  # every segment samples from its own start: the same frames
        previous: np.ndarray | None = None  # whether it is analysed alone or after the one before
        last_time = -1.0
        for t, frame in _frames(path, container, stream, segment.start):
            if segment.end is not None and t + _EPSILON >= segment.end:
                return  # the next segment's first frame: this one is whole
            if t > settings.max_seconds:
                info.limit = render(
                    P.VIDEO_TOO_LONG,
                    "en",
                    minutes=f"{settings.max_seconds / 60:g}",
                    until=timecode(settings.max_seconds),
                )
                _check_rest(container, stream, settings)
                return
            last_time = max(last_time, t)
            luma = _luma_view(frame)
            cut = (
                previous is not None
                and luma is not None
                and luma.shape == previous.shape
                and float(np.abs(luma - previous).mean()) >= settings.scene_cut
            )
            previous = luma
            if t + _EPSILON < segment.start:
                continue  # decoded from the keyframe before the segment: not its frame
            info.frames += 1
            if t + _EPSILON >= next_at or cut:
                next_at = t + interval
                info.samples += 1
                yield Sample(t, _upright(frame, stream, max_side), cut)
                if on_frame is not None:
                    on_frame(t, info.duration)
        _check_complete(info, last_time, rate, segment)


def _frames(
    path: Path, container: InputContainer, stream: VideoStream, start: float
) -> Iterator[tuple[float, VideoFrame]]:
    """(seconds, frame) from the keyframe at or before `start` (from the first frame when
    `start` is 0), times counted from the first frame of the video (a stream may start later
    than 0, MPEG-TS). When seeking lands after `start` (a container without a usable index),
    or finds no frame at all (MPEG-TS), the file is decoded from its beginning instead: no
    frame of the segment is left out."""
    import av

    rate = stream.average_rate
    origin: float | None = None
    for index, frame in enumerate(container.decode(stream)):
        t = _seconds(frame, index, rate)
        if origin is None:
            origin = t
            if start > 0 and frame.time is not None and stream.time_base is not None:
                break  # seek to the segment
        yield t - origin, frame
    else:
        return
    target = round((origin + start) / float(stream.time_base))
    container.seek(target, stream=stream, backward=True)
    first = True
    for frame in container.decode(stream):
        if frame.time is None or (first and float(frame.time) - origin > start + _EPSILON):
            break
        first = False
        yield float(frame.time) - origin, frame
    else:
        if not first:
            return
    with av.open(str(path), mode="r") as again:  # from the beginning, the slow way
        stream = _stream(again)
        stream.thread_type = "AUTO"
        for index, frame in enumerate(again.decode(stream)):
            yield _seconds(frame, index, rate) - origin, frame


def _check_rest(container: InputContainer, stream: VideoStream, settings: VideoSettings) -> None:
    """Past the duration limit, the rest is only demuxed (no decoding): when the analysed part
    decides, the file must still be whole."""
    if not settings.beyond_limits_decides:
        return
    for packet in container.demux(stream):
        if packet.is_corrupt:
            raise ImageError(P.CORRUPT_AFTER)


def _check_complete(
    info: VideoInfo, last_time: float, rate: Fraction | None, segment: Segment
) -> None:
    """A file cut short decodes without an error to where it was cut: a segment must reach
    the next one's first frame, the last one the duration its header promises."""
    if last_time < 0:
        raise ImageError(P.NO_FRAME)
    promised = info.duration if info.duration is not None else segment.end
    if promised is not None and (segment.end is not None or info.frames == 0):
        raise ImageError(P.FRAMES_END, end=timecode(last_time), duration=timecode(promised))
    if info.frames == 0:
        raise ImageError(P.NO_FRAME)
    if info.duration is None:
        return
    frame_time = 1.0 / float(rate) if rate else 0.04
    shortfall = info.duration - (last_time + frame_time)
    if shortfall > max(0.5, 3 * frame_time):
        raise ImageError(P.FRAMES_END, end=timecode(last_time), duration=timecode(info.duration))


Frames = tuple[tuple[float, tuple[Observation, ...]], ...]  # (time, faces) per sample


@dataclass(frozen=True)
class SegmentResult:
    """The faces of one segment's samples, or why the segment could not be decoded whole."""

    index: int
    frames: Frames = ()
    error: str | None = None
    limit: str | None = None


def analyse_video(
    path: Path,
    engine: FaceEngine,
    detection: DetectionSettings,
    settings: VideoSettings,
    identify: Identify,
    on_frame: FrameHook | None = None,
    *,
    encode: bool = True,
    on_faces: SampleHook | None = None,
) -> PhotoAnalysis:
    """Every face of every sampled frame, identified as in a photo and linked into tracks:
    segment by segment, in this process (scan.py analyses the segments in workers and keeps
    each one until the video is done; the result is the same)."""
    try:
        plan = plan_video(path, settings)
    except ImageError as exc:
        return PhotoAnalysis(faces=(), error=exc.english)
    results = []
    for segment in plan.segments:
        result = analyse_segment(
            path,
            segment,
            engine,
            detection,
            settings,
            identify,
            on_frame,
            encode=encode,
            on_faces=on_faces,
        )
        results.append(result)
        if result.error is not None:
            break
    return finish_video(plan, results, settings)


def analyse_segment(
    path: Path,
    segment: Segment,
    engine: FaceEngine,
    detection: DetectionSettings,
    settings: VideoSettings,
    identify: Identify,
    on_frame: FrameHook | None = None,
    *,
    encode: bool = True,
    on_faces: SampleHook | None = None,
) -> SegmentResult:
    """Every face of the segment's sampled frames, identified as in a photo.

    The detector looks at a view of at most `settings.detect_side`, and a face that follows
    one from the sample before (tracks.Follower) keeps that face's encoding: detection and
    encoding are what a video costs. Every face is still identified, with the matching rule of
    a photo, from an encoding of its own or of the same face less than a few seconds before.
    The Follower starts afresh in every segment (as after a scene cut), so a segment's faces
    do not depend on the segment before. Without `encode` (nobody enrolled) no face is
    encoded: tracks link by their boxes alone. `on_faces` sees each sample in which a face
    was found (a track's thumbnail is cut from one of them: the pixels are decoded already)."""
    info = VideoInfo()
    detection = replace(detection, detect_side=min(detection.detect_side, settings.detect_side))
    follower = Follower(settings.follow)
    frames: list[tuple[float, tuple[Observation, ...]]] = []
    try:
        for sample in sample_video(path, settings, detection.max_side, info, on_frame, segment):
            detected, results = _faces(engine, sample, detection, follower, identify, encode)
            if on_faces is not None and results:
                on_faces(sample)
            frames.append(
                (
                    sample.time,
                    tuple(
                        Observation(sample.time, result, face.encoding)
                        for face, result in zip(detected, results, strict=True)
                    ),
                )
            )
    except ImageError as exc:
        return SegmentResult(segment.index, error=exc.english)
    return SegmentResult(segment.index, tuple(frames), limit=info.limit)


def finish_video(
    plan: VideoPlan, results: Sequence[SegmentResult], settings: VideoSettings
) -> PhotoAnalysis:
    """The video's tracks, built over the faces of all its segments in time order (a track
    crosses a segment's border like any other sample), or the first segment's error."""
    ordered = sorted(results, key=lambda r: r.index)
    for result in ordered:
        if result.error is not None:
            return PhotoAnalysis(faces=(), error=result.error)
    frames = [frame for result in ordered for frame in result.frames]
    limit = plan.limit or next((r.limit for r in ordered if r.limit), None)
    tracks = build_tracks(frames, settings.tracking)
    return PhotoAnalysis(
        video_faces(tracks), limit=limit, limit_decides=settings.beyond_limits_decides
    )


def _faces(
    engine: FaceEngine,
    sample: Sample,
    detection: DetectionSettings,
    follower: Follower,
    identify: Identify,
    encode: bool = True,
) -> tuple[tuple[DetectedFace, ...], tuple[FaceResult, ...]]:
    follower.begin(sample.time, sample.cut)
    looks: dict[Box, Look] = {}

    def known(box: Box, raw: RawBox) -> Encoding | None:
        looks[box] = _look(sample.image.pixels, raw)
        return follower.known(box, looks[box])

    detected = analyze(engine, sample.image, detection, encode=encode, known=known)
    results = identify(detected)
    # only a face identified from its own encoding may be followed: an unknown or ambiguous
    # face is encoded in every sample, so a stranger's track has all the evidence it can get
    follower.end(
        [
            (f.box, f.encoding if r.status is FaceStatus.IDENTIFIED else None, looks.get(f.box))
            for f, r in zip(detected, results, strict=True)
        ]
    )
    return detected, results


LOOK_SIDE = 16


def _look(pixels: Pixels, raw: RawBox) -> Look:
    """The face's 16x16 grey view, normalised: what the Follower compares."""
    top, right, bottom, left = raw
    crop = pixels[top:bottom, left:right]
    grey = Image.fromarray(crop).convert("L").resize((LOOK_SIDE, LOOK_SIDE), Image.Resampling.BOX)
    return normalised(np.asarray(grey))


_SEEK_AFTER = 2.0  # a frame further ahead than this is sought, not decoded up to


def frames_at(path: Path, times: Sequence[float], max_side: int) -> dict[float, LoadedImage]:
    """The upright frames at `times` (seconds from the first frame, as a track's `frame`
    counts them), reduced to `max_side`. Times less than `_SEEK_AFTER` apart are decoded in
    one run; for the next one further ahead the file is opened again and sought, the way a
    segment is (`_frames`: from the keyframe before, or from the beginning where seeking does
    not work, MPEG-TS). For previews only: a frame that cannot be found or decoded is left
    out, never an error (the decision was made on the whole file)."""
    import av

    runs: list[list[float]] = []
    for t in sorted(set(times)):
        if runs and t - runs[-1][-1] <= _SEEK_AFTER:
            runs[-1].append(t)
        else:
            runs.append([t])
    found: dict[float, LoadedImage] = {}
    try:
        for run in runs:
            with av.open(str(path), mode="r") as container:
                _find_frames(path, container, run, max_side, found)
    except (ImageError, av.FFmpegError, OSError, ValueError, MemoryError):
        pass
    return found


def _find_frames(
    path: Path,
    container: InputContainer,
    run: list[float],
    max_side: int,
    found: dict[float, LoadedImage],
) -> None:
    stream = _stream(container)
    stream.thread_type = "AUTO"
    rate = stream.average_rate
    tolerance = 0.5 / float(rate) if rate else 0.02  # half a frame: the sample's own frame
    pending = iter(run)
    target = next(pending, None)
    for t, frame in _frames(path, container, stream, run[0]):
        while target is not None and t > target + tolerance:
            target = next(pending, None)  # not in the file (after its last frame, say)
        if target is None:
            return
        if t >= target - tolerance:
            found[target] = _upright(frame, stream, max_side)
            target = next(pending, None)
