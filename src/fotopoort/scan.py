"""Walking folders, the worker pool and the analysis cache.

The main process walks, hashes and looks up the cache; workers decode and look for faces.
Each result is written to the cache as it arrives, so an interrupted run loses nothing and the
next run resumes. Progress is reported through a callback; nothing here prints.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from .decide import FaceResult, FaceStatus, PhotoAnalysis
from .errors import ImageError, UsageError
from .faces import Box, DetectedFace, DetectionSettings, FaceEngine, analyze
from .images import PHOTO_SUFFIXES, VIDEO_SUFFIXES, load_image, media_kind
from .matching import Encoding, Gallery, MatchStatus, Thresholds, identify
from .store import Store

EngineFactory = Callable[[], FaceEngine]
T = TypeVar("T")
R = TypeVar("R")
Progress = Callable[[int, int, str], None]  # (done, total, relative path)


@dataclass(frozen=True)
class PhotoFile:
    path: Path
    rel: str  # relative to the PATH the user gave, '/'-separated


@dataclass(frozen=True)
class ScanSettings:
    detection: DetectionSettings
    thresholds: Thresholds
    max_pixels: int


@dataclass(frozen=True)
class CheckedPhoto:
    photo: PhotoFile
    sha256: str | None  # None when the file could not be read at all
    analysis: PhotoAnalysis
    settings: str  # the cache key of the analysis: engine, detection, thresholds, enrolments


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
    """Every photo under `paths`: hidden entries skipped, symlinks never followed out of a PATH."""
    found: list[PhotoFile] = []
    for given in paths:
        if not given.exists():
            raise UsageError(f"{given}: no such file or folder")
        if given.is_file():
            found.append(PhotoFile(given, given.name))
            continue
        root = given.resolve()
        for dirpath, dirnames, filenames in os.walk(given, followlinks=False):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                if name.startswith("."):
                    continue
                path = Path(dirpath) / name
                if path.is_symlink() and not path.resolve().is_relative_to(root):
                    continue
                if path.is_file() and looks_like_photo(path):
                    found.append(PhotoFile(path, path.relative_to(given).as_posix()))
    return found


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
        out.append(FaceResult(face.box, status, child, distance, face.size_px))
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
    data: bytes, engine: FaceEngine, gallery: Gallery, settings: ScanSettings
) -> PhotoAnalysis:
    try:
        image = load_image(
            data, max_pixels=settings.max_pixels, max_side=settings.detection.max_side
        )
    except ImageError as exc:
        return PhotoAnalysis(faces=(), error=str(exc))
    faces = analyze(engine, image, settings.detection)
    return PhotoAnalysis(identify_faces(faces, gallery, settings.thresholds))


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
            }
            for f in analysis.faces
        ],
    }


def analysis_from_json(data: dict[str, Any]) -> PhotoAnalysis:
    faces = tuple(
        FaceResult(Box(*f["box"]), FaceStatus(f["status"]), f["child"], f["distance"], f["size_px"])
        for f in data["faces"]
    )
    return PhotoAnalysis(faces, data["error"])


# worker-process state, set once per worker by _init_worker
_worker: dict[str, Any] = {}


def _init_worker(
    factory: EngineFactory, references: dict[str, list[Encoding]], settings: ScanSettings
) -> None:
    _worker.update(engine=factory(), gallery=Gallery(references), settings=settings)


def _work(path: Path) -> tuple[str | None, dict[str, Any]]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, analysis_to_json(PhotoAnalysis((), f"cannot be opened: {exc.strerror}"))
    sha = hashlib.sha256(data).hexdigest()
    analysis = analyse_bytes(data, _worker["engine"], _worker["gallery"], _worker["settings"])
    return sha, analysis_to_json(analysis)


# --- the scan ----------------------------------------------------------------------------


def settings_key(engine: FaceEngine, settings: ScanSettings, store: Store) -> str:
    t = settings.thresholds
    return (
        f"{engine.name}|{settings.detection.cache_key()}|max_pixels={settings.max_pixels}"
        f"|tolerance={t.tolerance}|margin={t.margin}|gallery={store.gallery_version()}"
    )


def _known_hash(store: Store, photo: PhotoFile) -> str | None:
    """The content hash, from the cache when size, mtime and inode are unchanged."""
    try:
        st = photo.path.stat()
    except OSError:
        return None
    key = str(photo.path.resolve())
    sha = store.cached_hash(key, st.st_size, st.st_mtime_ns, st.st_ino)
    if sha is None:
        try:
            sha = hashlib.sha256(photo.path.read_bytes()).hexdigest()
        except OSError:
            return None
        store.remember_hash(key, st.st_size, st.st_mtime_ns, st.st_ino, sha)
    return sha


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
        sha = _known_hash(store, photo)
        cached = store.cached_analysis(sha, key) if sha else None
        if cached is not None and sha is not None:
            results[i] = CheckedPhoto(photo, sha, analysis_from_json(cached), key)
            if progress:
                progress(len(results), total, photo.rel)
        else:
            todo.append(i)
    setup = (engine_factory, store.reference_encodings(), settings)
    paths = [photos[i].path for i in todo]
    for n, (sha, data) in map_in_workers(_work, paths, _init_worker, setup, jobs):
        i = todo[n]
        if sha is not None:
            store.remember_analysis(sha, key, data)
        results[i] = CheckedPhoto(photos[i], sha, analysis_from_json(data), key)
        if progress:
            progress(len(results), total, photos[i].rel)
    return [results[i] for i in range(total)]


def map_in_workers(
    func: Callable[[T], R],
    items: Sequence[T],
    initializer: Callable[..., None],
    initargs: tuple[Any, ...],
    jobs: int,
    *,
    pool_from: int = 2,
) -> Iterator[tuple[int, R]]:
    """(index, func(item)) for every item, each as soon as it is done. In this process with one
    job or fewer than `pool_from` items; otherwise in `jobs` spawned workers, each set up once by
    `initializer` and replaced after 200 items (bounded memory in long nightly runs)."""
    if not items:
        return
    if jobs <= 1 or len(items) < pool_from:
        initializer(*initargs)
        yield from ((i, func(item)) for i, item in enumerate(items))
        return
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(min(jobs, len(items)), initializer, initargs, maxtasksperchild=200) as pool:
        yield from pool.imap_unordered(partial(_indexed, func), enumerate(items))


def _indexed(func: Callable[[T], R], item: tuple[int, T]) -> tuple[int, R]:
    return item[0], func(item[1])
