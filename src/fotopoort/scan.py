"""Walking folders, the worker pool and the analysis cache.

The main process walks, hashes and looks up the cache; workers decode and look for faces.
Each result is written to the cache as it arrives, so an interrupted run loses nothing and the
next run resumes. A video is analysed in segments, each one item of the pool: each finished
segment is kept until the video's last one is in and its tracks are built, so an interrupted
video resumes from its last finished segment. Progress is reported through a callback;
nothing here prints.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from fotopoort import faults
from fotopoort.engines.faces import DetectedFace, DetectionSettings, FaceEngine, analyze
from fotopoort.errors import ImageError, UsageError
from fotopoort.matching import Encoding, Gallery, MatchStatus, Thresholds, identify
from fotopoort.media.photos import (
    PHOTO_SUFFIXES,
    VIDEO_SUFFIXES,
    LoadedImage,
    load_image,
    media_kind,
)
from fotopoort.media.video import (
    Sample,
    Segment,
    SegmentResult,
    VideoPlan,
    analyse_segment,
    finish_video,
    is_video,
    plan_video,
)
from fotopoort.messages import errors as E
from fotopoort.messages import problems as P
from fotopoort.messages import render
from fotopoort.model import Box, FaceResult, FaceStatus, MatchNote, PhotoAnalysis
from fotopoort.pool import Position, Progress, map_in_workers
from fotopoort.reports.thumbnails import Thumbnail, from_pixels, of_tracks
from fotopoort.store import Store
from fotopoort.tracks import Observation
from fotopoort.videoconfig import DEFAULT_VIDEO, VideoSettings

EngineFactory = Callable[[], FaceEngine]
T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class PhotoFile:
    path: Path
    rel: str  # relative to the PATH the user gave, '/'-separated (as the OS gives it)
    root: Path | None = None  # the PATH it was found under (resolved): links must stay inside
    problem: str | None = None  # why it cannot be checked (a link out of PATH, a FIFO, ...)
    given: Path | None = None  # that PATH as the person typed it: what output shows

    @property
    def shown(self) -> str:
        """`rel` as text that can be printed, stored and written to JSON."""
        return readable(self.rel)


def readable(name: str) -> str:
    """A file name that is not valid UTF-8, with its odd bytes as \\xNN escapes."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def outside_root(photo: PhotoFile) -> bool:
    """A link that (now) resolves outside the PATH the photo was found under."""
    if photo.root is None:
        return False
    try:
        return not photo.path.resolve(strict=True).is_relative_to(photo.root)
    except (OSError, RuntimeError):
        return True


@dataclass(frozen=True)
class ScanSettings:
    detection: DetectionSettings
    thresholds: Thresholds
    max_pixels: int
    video: VideoSettings = DEFAULT_VIDEO
    thumbnail_side: int = 0  # > 0: workers also make a report thumbnail of this long side


@dataclass(frozen=True)
class CheckedPhoto:
    photo: PhotoFile
    sha256: str | None  # None when the file could not be read at all
    analysis: PhotoAnalysis
    settings: str  # the cache key of the analysis: engine, detection, thresholds, enrolments
    thumbnail: Thumbnail | None = None  # made from the pixels decoded for detection, if asked
    # a video's: per track (its faces), the frame where the face is largest, if asked
    tracks: tuple[Thumbnail | None, ...] = ()


# --- finding photos -------------------------------------------------------------------------


def looks_like_photo(path: Path) -> bool:
    """A photo or a video, by name or by content: anything that may show a child."""
    if path.suffix.lower() in PHOTO_SUFFIXES | VIDEO_SUFFIXES:
        return True
    try:
        with path.open("rb") as fh:
            return media_kind(fh.read(16)) is not None
    except OSError:
        return False


def find_photos(paths: Sequence[Path]) -> list[PhotoFile]:
    """Every photo under `paths`, hidden entries skipped. An entry that cannot be checked (a
    link out of PATH, a FIFO, a device) is listed with its problem, never silently left out:
    an upload step that follows links would publish it unchecked."""
    found: list[PhotoFile] = []
    for given in paths:
        if not given.exists():
            raise UsageError(E.NO_SUCH_PATH, path=given)
        if given.is_file():
            found.append(PhotoFile(given, given.name))
            continue
        if not given.is_dir():
            found.append(PhotoFile(given, given.name, problem=P.NOT_A_REGULAR_FILE.en))
            continue
        root = given.resolve()
        for dirpath, dirnames, filenames in os.walk(given, followlinks=False):
            for name in [d for d in dirnames if not d.startswith(".")]:
                path = Path(dirpath) / name
                if path.is_symlink() and outside_root(PhotoFile(path, "", root)):
                    rel = path.relative_to(given).as_posix()
                    found.append(PhotoFile(path, rel, root, P.LINK_TO_FOLDER_OUTSIDE.en, given))
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                if name.startswith("."):
                    continue
                path = Path(dirpath) / name
                entry = PhotoFile(path, path.relative_to(given).as_posix(), root, given=given)
                problem = _entry_problem(entry)
                if problem is not None:
                    found.append(replace(entry, problem=problem))
                elif looks_like_photo(path):
                    found.append(entry)
    return found


def _entry_problem(entry: PhotoFile) -> str | None:
    try:
        mode = entry.path.stat().st_mode
    except OSError:
        return P.BROKEN_LINK.en if entry.path.is_symlink() else P.UNREADABLE_ENTRY.en
    if outside_root(entry):
        return P.LINK_TO_FILE_OUTSIDE.en
    if not stat.S_ISREG(mode):
        return P.SPECIAL_FILE.en
    return None


# --- analysing one photo (runs in a worker) ------------------------------------------------


def identify_faces(
    faces: Iterable[DetectedFace], gallery: Gallery, thresholds: Thresholds
) -> tuple[FaceResult, ...]:
    out = []
    for face in faces:
        if face.encoding is None:
            out.append(FaceResult(face.box, FaceStatus.TOO_SMALL, None, None, face.size_px))
            continue
        match = identify(face.encoding, gallery, thresholds)
        status = {
            MatchStatus.IDENTIFIED: FaceStatus.IDENTIFIED,
            MatchStatus.AMBIGUOUS: FaceStatus.AMBIGUOUS,
            MatchStatus.UNKNOWN: FaceStatus.UNKNOWN,
        }[match.status]
        child = match.child if status is not FaceStatus.UNKNOWN else None
        distance = match.distance if child is not None else None
        # why it was not identified, and as whom it nearly was: the reason a person reads
        note = (
            None
            if match.why is None
            else MatchNote(match.why.value, match.child, match.distance, match.reach, match.radius)
        )
        out.append(FaceResult(face.box, status, child, distance, face.size_px, note=note))
    return _no_child_twice(out)


def _no_child_twice(faces: list[FaceResult]) -> tuple[FaceResult, ...]:
    """A child is in a photo once: two faces identified as one child means at least one of
    them is a look-alike, so neither is trusted."""
    named = [f.child for f in faces if f.status is FaceStatus.IDENTIFIED]
    twice = {c for c in named if named.count(c) > 1}
    return tuple(
        replace(f, status=FaceStatus.AMBIGUOUS)
        if f.status is FaceStatus.IDENTIFIED and f.child in twice
        else f
        for f in faces
    )


def analyse_bytes(
    data: bytes,
    engine: FaceEngine,
    gallery: Gallery,
    settings: ScanSettings,
    on_image: Callable[[LoadedImage], None] | None = None,
) -> PhotoAnalysis:
    """The photo's faces; `on_image` sees the decoded image (for a thumbnail: no 2nd decode)."""
    try:
        image = load_image(
            data, max_pixels=settings.max_pixels, max_side=settings.detection.max_side
        )
    except ImageError as exc:
        return PhotoAnalysis(faces=(), error=exc.english)
    if on_image is not None:
        on_image(image)
    if not len(gallery):
        # nobody enrolled: nothing to compare a face with, so no face is encoded at all (less
        # biometric processing, and faster); every face is for a person to name
        detected = analyze(engine, image, settings.detection, encode=False)
        return PhotoAnalysis(unnamed_faces(detected, settings.detection.min_face_px))
    faces = analyze(engine, image, settings.detection)
    return PhotoAnalysis(identify_faces(faces, gallery, settings.thresholds))


def unnamed_faces(faces: Iterable[DetectedFace], large: int) -> tuple[FaceResult, ...]:
    """Faces found without an encoding, with nobody enrolled: each one unknown (or too small)
    for a person to name."""
    return tuple(
        FaceResult(
            f.box,
            FaceStatus.UNKNOWN if f.size_px >= large else FaceStatus.TOO_SMALL,
            None,
            None,
            f.size_px,
        )
        for f in faces
    )


def face_to_json(f: FaceResult) -> dict[str, Any]:
    return {
        "box": f.box.as_list(),
        "status": f.status.value,
        "child": f.child,
        "distance": f.distance,
        "size_px": f.size_px,
        **({"start": f.start, "end": f.end, "frame": f.frame} if f.start is not None else {}),
        **({"note": asdict(f.note)} if f.note is not None else {}),
    }


def face_from_json(f: dict[str, Any]) -> FaceResult:
    return FaceResult(
        Box(*f["box"]),
        FaceStatus(f["status"]),
        f["child"],
        f["distance"],
        f["size_px"],
        f.get("start"),
        f.get("end"),
        f.get("frame"),
        MatchNote(**f["note"]) if f.get("note") else None,
    )


def analysis_to_json(analysis: PhotoAnalysis) -> dict[str, Any]:
    return {
        "error": analysis.error,
        "faces": [face_to_json(f) for f in analysis.faces],
        **(
            {"limit": analysis.limit, "limit_decides": analysis.limit_decides}
            if analysis.limit
            else {}
        ),
    }


def analysis_from_json(data: dict[str, Any]) -> PhotoAnalysis:
    faces = tuple(face_from_json(f) for f in data["faces"])
    return PhotoAnalysis(
        faces, data["error"], data.get("limit"), bool(data.get("limit_decides", False))
    )


def segment_to_record(result: SegmentResult) -> tuple[str, bytes]:
    """A finished segment as stored: its faces as JSON, their encodings as one blob of
    little-endian float64 (bytes for bytes what the tracks are built from)."""
    blobs: list[bytes] = []
    offset = 0
    frames = []
    for time, observations in result.frames:
        faces = []
        for obs in observations:
            face = face_to_json(obs.face)
            if obs.encoding is not None:
                blob = np.asarray(obs.encoding, dtype="<f8").tobytes()
                face["encoding"] = [offset, len(blob) // 8]  # where in the blob, how long
                blobs.append(blob)
                offset += len(blob)
            faces.append(face)
        frames.append({"time": time, "faces": faces})
    record = {"index": result.index, "limit": result.limit, "frames": frames}
    return json.dumps(record, sort_keys=True), b"".join(blobs)


def segment_from_record(result: str, encodings: bytes) -> SegmentResult:
    data = json.loads(result)

    def encoding(spec: list[int] | None) -> Encoding | None:
        if spec is None:
            return None
        offset, size = spec
        return np.frombuffer(encodings, dtype="<f8", count=size, offset=offset).astype(np.float64)

    frames = tuple(
        (
            float(frame["time"]),
            tuple(
                Observation(float(frame["time"]), face_from_json(f), encoding(f.get("encoding")))
                for f in frame["faces"]
            ),
        )
        for frame in data["frames"]
    )
    return SegmentResult(int(data["index"]), frames, limit=data.get("limit"))


# worker-process state, set once per worker by _init_worker
_worker: dict[str, Any] = {}


def _init_worker(
    factory: EngineFactory, references: dict[str, list[Encoding]], settings: ScanSettings
) -> None:
    _worker.update(engine=factory(), gallery=Gallery(references), settings=settings)


# what a worker hands back for a photo: the sha256, the analysis (as cached), its thumbnail
Analysed = tuple[str | None, dict[str, Any], Thumbnail | None]


@dataclass(frozen=True)
class VideoPart:
    """One segment of a video, analysed in a worker. `signature` is the file's stat when the
    main process hashed it: a worker that finds another one there analyses nothing."""

    path: Path
    segment: Segment
    signature: tuple[int, ...]


@dataclass(frozen=True)
class PartDone:
    """What a worker hands back for a VideoPart: the segment's faces, or that the file changed
    (or the worker died) before the segment was done."""

    result: SegmentResult | None
    problem: str | None = None
    # a thumbnail of each sample with a face, by its time, if asked: the tracks' are kept
    shots: dict[float, Thumbnail] = field(default_factory=dict)


def _work(item: Path | VideoPart) -> Analysed | PartDone:
    if isinstance(item, VideoPart):
        return _work_part(item)
    path = item
    faults.checkpoint("analyse", path.name)
    try:
        data = path.read_bytes()
    except OSError as exc:
        gone = PhotoAnalysis((), render(P.CANNOT_BE_OPENED_WHY, "en", why=exc.strerror))
        return None, analysis_to_json(gone), None
    sha = hashlib.sha256(data).hexdigest()
    settings: ScanSettings = _worker["settings"]
    thumbs: list[Thumbnail] = []

    def thumbnail(image: LoadedImage) -> None:
        if settings.thumbnail_side > 0:
            thumbs.append(from_pixels(image.pixels, image.original_size, settings.thumbnail_side))

    analysis = analyse_bytes(data, _worker["engine"], _worker["gallery"], settings, thumbnail)
    return sha, analysis_to_json(analysis), thumbs[0] if thumbs else None


def _is_video_file(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            head = fh.read(16)
    except OSError:
        return False  # the photo path reports why it cannot be opened
    return is_video(head, path.suffix)


def file_signature(path: Path) -> tuple[int, ...] | None:
    """Device, inode, size and modification and change times: bytes rewritten in place change
    the change time (which no tool can set back), a file replaced by a rename the inode."""
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _work_part(part: VideoPart) -> PartDone:
    """A video is decoded from its file, not from memory (it may be gigabytes). The main
    process hashes it before its first segment and after its last; each segment checks that
    the file is still the one hashed, before and after it is decoded."""
    faults.checkpoint("analyse", part.path.name)
    faults.checkpoint("segment", f"{part.path.name}#{part.segment.index}")
    if file_signature(part.path) != part.signature:
        return PartDone(None, P.CHANGED_WHILE_CHECKED.en)
    settings: ScanSettings = _worker["settings"]
    shots: dict[float, Thumbnail] = {}

    def shoot(sample: Sample) -> None:
        image = sample.image
        shots[sample.time] = from_pixels(image.pixels, image.original_size, settings.thumbnail_side)

    gallery: Gallery = _worker["gallery"]
    enrolled = len(gallery) > 0  # nobody enrolled: no face encoded, as for a photo
    result = analyse_segment(
        part.path,
        part.segment,
        _worker["engine"],
        settings.detection,
        settings.video,
        lambda faces: (
            identify_faces(faces, gallery, settings.thresholds)
            if enrolled
            else unnamed_faces(faces, settings.detection.min_face_px)
        ),
        encode=enrolled,
        on_faces=shoot if settings.thumbnail_side > 0 else None,
    )
    if file_signature(part.path) != part.signature:
        return PartDone(None, P.CHANGED_WHILE_CHECKED.en)
    return PartDone(result, shots=shots)


# --- the scan ----------------------------------------------------------------------------


def settings_key(engine: FaceEngine, settings: ScanSettings, store: Store) -> str:
    rule = "|".join(f"{k}={v}" for k, v in settings.thresholds.as_dict().items())
    return (
        f"{engine.name}|{settings.detection.cache_key()}|max_pixels={settings.max_pixels}"
        f"|video={settings.video.cache_key()}"
        f"|{rule}|gallery={store.gallery_version()}"
    )


def sha256_file(path: Path) -> str | None:
    """The sha256 of the bytes there now, or None when they cannot be read. Always read: a
    file rewritten with the same size and mtime must not pass on the hash of what was there
    before (the cache saves decoding only)."""
    h = hashlib.sha256()
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                h.update(chunk)
    except OSError:
        return None
    return h.hexdigest()


_WORKER_DIED = P.WORKER_STOPPED.en  # stored in English, shown by messages.problems


def _dead(item: Path | VideoPart) -> Analysed | PartDone:
    if isinstance(item, VideoPart):
        return PartDone(None, _WORKER_DIED)
    return None, analysis_to_json(PhotoAnalysis((), _WORKER_DIED)), None


@dataclass
class _Video:
    """A video being analysed: its plan, the segments done (this run or one before)."""

    photo: PhotoFile
    sha: str
    key: str  # where its segments are kept: the file, resolved
    plan: VideoPlan
    done: dict[int, SegmentResult] = field(default_factory=dict)
    shots: dict[float, Thumbnail] = field(default_factory=dict)  # of this run's segments

    @property
    def complete(self) -> bool:
        return len(self.done) == len(self.plan.segments) or any(
            r.error is not None for r in self.done.values()
        )

    def position(self) -> Position:
        """Seconds analysed so far (segments done, wherever they are in the video)."""
        end = self.plan.duration or 0.0
        seconds = sum(
            (s.end if s.end is not None else max(end, s.start)) - s.start
            for s in self.plan.segments
            if s.index in self.done
        )
        return Position(seconds, self.plan.duration)


def scan(
    photos: Sequence[PhotoFile],
    store: Store,
    engine_factory: EngineFactory,
    settings: ScanSettings,
    *,
    jobs: int = 1,
    progress: Progress | None = None,
) -> list[CheckedPhoto]:
    """Analyse every photo, from the cache where possible. Results in the order of `photos`.

    A video is analysed in segments (media.video): each is an item of the worker pool, so two
    workers analyse two segments of one long video at once, and each finished segment is kept
    in the store until the video is done, so an interrupted run goes on from there."""
    key = settings_key(engine_factory(), settings, store)
    store.drop_stale_segments(key)
    results: dict[int, CheckedPhoto] = {}
    items: list[Path | VideoPart] = []
    owner: list[int] = []  # the photo each item is of
    videos: dict[int, _Video] = {}
    total = len(photos)
    if progress:
        progress(0, total, "")  # the bar knows its length before the first photo is hashed

    def done(i: int, checked: CheckedPhoto) -> None:
        results[i] = checked
        if progress:
            progress(len(results), total, photos[i].rel)

    for i, photo in enumerate(photos):
        if photo.problem is not None:
            results[i] = CheckedPhoto(photo, None, PhotoAnalysis((), photo.problem), key)
            continue
        sha = sha256_file(photo.path)
        cached = store.cached_analysis(sha, key) if sha else None
        if cached is not None and sha is not None:
            done(i, CheckedPhoto(photo, sha, analysis_from_json(cached), key))
        elif sha is not None and _is_video_file(photo.path):
            video = _start_video(photo, sha, store, key, settings)
            if isinstance(video, CheckedPhoto):
                done(i, video)
                continue
            signature = file_signature(photo.path) or ()
            todo = [s for s in video.plan.segments if s.index not in video.done]
            if not todo:  # every segment was done in a run that stopped before the end
                done(i, _finish(video, store, key, settings))
                continue
            videos[i] = video
            for segment in todo:
                items.append(VideoPart(photo.path, segment, signature))
                owner.append(i)
        else:
            items.append(photo.path)
            owner.append(i)
    setup = (engine_factory, store.reference_encodings(), settings)
    for n, out in map_in_workers(_work, items, _init_worker, setup, jobs, on_dead=_dead):
        i = owner[n]
        if isinstance(out, PartDone):
            if i in results:
                continue  # the video failed in another segment
            video = videos[i]
            if out.result is None:  # the file changed, or the worker died
                if out.problem != _WORKER_DIED:
                    store.drop_segments(video.key)
                done(i, CheckedPhoto(video.photo, None, PhotoAnalysis((), out.problem), key))
                continue
            video.shots.update(out.shots)
            _keep_segment(video, out.result, store, key)
            if video.complete:
                done(i, _finish(video, store, key, settings))
            elif progress:
                progress(len(results), total, video.photo.rel, video.position())
            continue
        sha, data, thumb = out
        if sha is not None:
            store.remember_analysis(sha, key, data)
        done(i, CheckedPhoto(photos[i], sha, analysis_from_json(data), key, thumb))
    return [results[i] for i in range(total)]


def _start_video(
    photo: PhotoFile, sha: str, store: Store, key: str, settings: ScanSettings
) -> _Video | CheckedPhoto:
    """The video's plan and the segments kept from a run before, or its analysis when its
    header says it cannot be analysed."""
    where = str(photo.path.resolve())
    store.drop_segments(where, keep=(sha, key))  # a file that changed starts over
    try:
        plan = plan_video(photo.path, settings.video)
    except ImageError as exc:
        analysis = PhotoAnalysis((), exc.english)
        if sha256_file(photo.path) != sha:
            return CheckedPhoto(photo, None, PhotoAnalysis((), P.CHANGED_WHILE_CHECKED.en), key)
        store.remember_analysis(sha, key, analysis_to_json(analysis))
        return CheckedPhoto(photo, sha, analysis, key)
    video = _Video(photo, sha, where, plan)
    wanted = {s.index for s in plan.segments}
    for index, (result, encodings) in store.video_segments(sha, key).items():
        if index in wanted:
            video.done[index] = segment_from_record(result, encodings)
    return video


def _keep_segment(video: _Video, result: SegmentResult, store: Store, key: str) -> None:
    video.done[result.index] = result
    if result.error is None:  # a segment that failed decides the video: nothing to resume
        record, encodings = segment_to_record(result)
        store.remember_segment(video.sha, key, result.index, video.key, record, encodings)
    faults.checkpoint("segment-kept", f"{video.photo.path.name}#{result.index}")


def _finish(video: _Video, store: Store, key: str, settings: ScanSettings) -> CheckedPhoto:
    """The tracks over all segments, once the file is hashed again: the bytes decided are the
    bytes hashed (and copied). Its segments, and the encodings in them, go."""
    if sha256_file(video.photo.path) != video.sha:
        store.drop_segments(video.key)
        changed = PhotoAnalysis((), P.CHANGED_WHILE_CHECKED.en)
        return CheckedPhoto(video.photo, None, changed, key)
    analysis = finish_video(video.plan, list(video.done.values()), settings.video)
    data = analysis_to_json(analysis)
    store.finish_video(video.sha, key, video.key, data)
    thumbs = of_tracks(analysis.faces, video.shots)
    if None in thumbs:  # a track's frame in a segment of a run before: the report decodes all
        thumbs = ()
    return CheckedPhoto(video.photo, video.sha, analysis_from_json(data), key, tracks=thumbs)
