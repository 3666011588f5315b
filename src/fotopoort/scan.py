"""Walking folders, the worker pool and the analysis cache.

The main process walks, hashes and looks up the cache; workers decode and look for faces.
Each result is written to the cache as it arrives, so an interrupted run loses nothing and the
next run resumes. Progress is reported through a callback; nothing here prints.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

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
from fotopoort.media.video import Sample, analyse_video, is_video
from fotopoort.messages import errors as E
from fotopoort.messages import problems as P
from fotopoort.messages import render
from fotopoort.model import Box, FaceResult, FaceStatus, MatchNote, PhotoAnalysis
from fotopoort.pool import Progress, map_in_workers
from fotopoort.reports.thumbnails import Thumbnail, from_pixels, of_tracks
from fotopoort.store import Store
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


def analysis_to_json(analysis: PhotoAnalysis) -> dict[str, Any]:
    return {
        "error": analysis.error,
        "faces": [
            {
                "box": f.box.as_list(),
                "status": f.status.value,
                "child": f.child,
                "distance": f.distance,
                "size_px": f.size_px,
                **(
                    {"start": f.start, "end": f.end, "frame": f.frame}
                    if f.start is not None
                    else {}
                ),
                **({"note": asdict(f.note)} if f.note is not None else {}),
            }
            for f in analysis.faces
        ],
        **(
            {"limit": analysis.limit, "limit_decides": analysis.limit_decides}
            if analysis.limit
            else {}
        ),
    }


def analysis_from_json(data: dict[str, Any]) -> PhotoAnalysis:
    faces = tuple(
        FaceResult(
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
        for f in data["faces"]
    )
    return PhotoAnalysis(
        faces, data["error"], data.get("limit"), bool(data.get("limit_decides", False))
    )


# worker-process state, set once per worker by _init_worker
_worker: dict[str, Any] = {}


def _init_worker(
    factory: EngineFactory, references: dict[str, list[Encoding]], settings: ScanSettings
) -> None:
    _worker.update(engine=factory(), gallery=Gallery(references), settings=settings)


# what a worker hands back: the sha256, the analysis (as cached), a photo's thumbnail and a
# video's thumbnails per track
Worked = tuple[str | None, dict[str, Any], Thumbnail | None, tuple[Thumbnail | None, ...]]


def _work(path: Path) -> Worked:
    faults.checkpoint("analyse", path.name)
    if _is_video_file(path):
        return _work_video(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        gone = PhotoAnalysis((), render(P.CANNOT_BE_OPENED_WHY, "en", why=exc.strerror))
        return None, analysis_to_json(gone), None, ()
    sha = hashlib.sha256(data).hexdigest()
    settings: ScanSettings = _worker["settings"]
    thumbs: list[Thumbnail] = []

    def thumbnail(image: LoadedImage) -> None:
        if settings.thumbnail_side > 0:
            thumbs.append(from_pixels(image.pixels, image.original_size, settings.thumbnail_side))

    analysis = analyse_bytes(data, _worker["engine"], _worker["gallery"], settings, thumbnail)
    return sha, analysis_to_json(analysis), thumbs[0] if thumbs else None, ()


def _is_video_file(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            head = fh.read(16)
    except OSError:
        return False  # the photo path reports why it cannot be opened
    return is_video(head, path.suffix)


def _work_video(path: Path) -> Worked:
    """A video is decoded from its file, not from memory (it may be gigabytes): the hash before
    and after decoding must agree, so the bytes decided are the bytes hashed (and copied)."""
    before = sha256_file(path)
    if before is None:
        return None, analysis_to_json(PhotoAnalysis((), P.CANNOT_BE_OPENED.en)), None, ()
    settings: ScanSettings = _worker["settings"]
    shots: dict[float, Thumbnail] = {}  # a thumbnail of each sample with a face, by its time

    def shoot(sample: Sample) -> None:
        image = sample.image
        shots[sample.time] = from_pixels(image.pixels, image.original_size, settings.thumbnail_side)

    gallery: Gallery = _worker["gallery"]
    enrolled = len(gallery) > 0  # nobody enrolled: no face encoded, as for a photo
    analysis = analyse_video(
        path,
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
    if sha256_file(path) != before:
        changed = PhotoAnalysis((), P.CHANGED_WHILE_CHECKED.en)
        return None, analysis_to_json(changed), None, ()
    return before, analysis_to_json(analysis), None, of_tracks(analysis.faces, shots)


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


def _dead(path: Path) -> Worked:
    return None, analysis_to_json(PhotoAnalysis((), _WORKER_DIED)), None, ()


def scan(
    photos: Sequence[PhotoFile],
    store: Store,
    engine_factory: EngineFactory,
    settings: ScanSettings,
    *,
    jobs: int = 1,
    progress: Progress | None = None,
) -> list[CheckedPhoto]:
    """Analyse every photo, from the cache where possible. Results in the order of `photos`."""
    key = settings_key(engine_factory(), settings, store)
    results: dict[int, CheckedPhoto] = {}
    todo: list[int] = []
    total = len(photos)
    if progress:
        progress(0, total, "")  # the bar knows its length before the first photo is hashed
    for i, photo in enumerate(photos):
        if photo.problem is not None:
            results[i] = CheckedPhoto(photo, None, PhotoAnalysis((), photo.problem), key)
            continue
        sha = sha256_file(photo.path)
        cached = store.cached_analysis(sha, key) if sha else None
        if cached is not None and sha is not None:
            results[i] = CheckedPhoto(photo, sha, analysis_from_json(cached), key)
            if progress:
                progress(len(results), total, photo.rel)
        else:
            todo.append(i)
    setup = (engine_factory, store.reference_encodings(), settings)
    paths = [photos[i].path for i in todo]
    for n, (sha, data, thumb, tracks) in map_in_workers(
        _work, paths, _init_worker, setup, jobs, on_dead=_dead
    ):
        i = todo[n]
        if sha is not None:
            store.remember_analysis(sha, key, data)
        results[i] = CheckedPhoto(photos[i], sha, analysis_from_json(data), key, thumb, tracks)
        if progress:
            progress(len(results), total, photos[i].rel)
    return [results[i] for i in range(total)]
