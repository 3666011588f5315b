"""Enrolment: reference photos -> encodings, only for children with explicit biometric consent.

A child without a `Ja` in the biometric-consent column is skipped before any of its photos is
opened: nothing about it is computed or stored.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fotopoort.engines.faces import DetectedFace, DetectionSettings, FaceEngine, analyze
from fotopoort.errors import ImageError, UsageError
from fotopoort.matching import Encoding
from fotopoort.media.photos import LoadedImage, load_image
from fotopoort.messages import errors as E
from fotopoort.messages import problems as P
from fotopoort.messages import render
from fotopoort.model import ConsentSnapshot
from fotopoort.pool import Progress, map_in_workers
from fotopoort.scan import looks_like_photo
from fotopoort.store import Store

# References are analysed with at least one upsampling pass, so that a second, smaller face
# in the background is noticed and the photo is refused rather than enrolling the wrong face.
_REFERENCE_MAX_SIDE = 1600
_REFERENCE_MIN_FACE_PX = 80


@dataclass
class ChildOutcome:
    child: str
    name: str
    enrolled: int = 0  # reference photos added now
    already: int = 0  # reference photos that were enrolled before
    skipped_photos: list[tuple[str, str]] = field(default_factory=list)  # (file, why)
    skipped_why: str | None = None  # set when the whole child is skipped


@dataclass(frozen=True)
class EnrolReport:
    children: tuple[ChildOutcome, ...]
    ignored: tuple[tuple[str, str], ...]  # (entry, why) for entries that are not child folders


def enrol_folder(
    refdir: Path,
    snapshot: ConsentSnapshot,
    store: Store,
    engine_factory: Callable[[], FaceEngine],
    detection: DetectionSettings,
    max_pixels: int,
    *,
    jobs: int = 1,
    progress: Progress | None = None,
    only: Sequence[str] = (),
    held: Callable[[str], str | None] = lambda _child: None,
) -> EnrolReport:
    """Enrol every child folder of `refdir` (or only the folders named in `only`). `held` says
    why a child with consent must not be enrolled now (a `forget` that still holds)."""
    if not refdir.is_dir():
        raise UsageError(E.REFDIR_NOT_A_FOLDER, path=refdir)
    for child in only:
        if not (refdir / child).is_dir():
            raise UsageError(E.NO_REFERENCE_FOLDER, path=refdir / child)
    settings = DetectionSettings(
        max_side=_REFERENCE_MAX_SIDE,
        detect_side=_REFERENCE_MAX_SIDE,
        upsample=max(1, detection.upsample),
        min_face_px=max(_REFERENCE_MIN_FACE_PX, detection.min_face_px),
    )
    entries = sorted(p for p in refdir.iterdir() if not p.name.startswith("."))
    if only:
        entries = [p for p in entries if p.name in set(only)]
    ignored = tuple((p.name, P.NOT_A_FOLDER.en) for p in entries if not p.is_dir())
    outcomes: list[ChildOutcome] = []
    todo: list[tuple[ChildOutcome, Path, str]] = []  # (child, photo, sha256) to analyse
    for folder in (p for p in entries if p.is_dir()):
        consent = snapshot.children.get(folder.name)
        outcome = ChildOutcome(folder.name, consent.first_name if consent else "")
        outcomes.append(outcome)
        if consent is None:
            outcome.skipped_why = _not_in_export(folder.name, snapshot)
        elif not consent.biometric:
            outcome.skipped_why = P.NO_BIOMETRIC_CONSENT.en
        elif (why := held(folder.name)) is not None:
            outcome.skipped_why = why
        else:
            todo += _plan_child(folder, outcome, store)
    setup = (engine_factory, settings, max_pixels)
    paths = [photo for _, photo, _ in todo]
    analysed = map_in_workers(
        _worker_reference, paths, _init_worker, setup, jobs, pool_from=_POOL_FROM
    )
    for n, (i, result) in enumerate(analysed, start=1):
        outcome, photo, sha = todo[i]
        if isinstance(result, str):
            outcome.skipped_photos.append((photo.name, result))
        else:
            store.add_reference(outcome.child, sha, photo.name, result, str(photo.absolute()))
            outcome.enrolled += 1
        if progress:
            progress(n, len(todo), outcome.child)
    for outcome in outcomes:
        outcome.skipped_photos.sort()  # workers finish in any order; reports do not
        nothing = not (outcome.enrolled or outcome.already or outcome.skipped_photos)
        if outcome.skipped_why is None and nothing:
            outcome.skipped_why = P.NO_REFERENCE_PHOTOS.en
    return EnrolReport(tuple(outcomes), ignored)


def _not_in_export(name: str, snapshot: ConsentSnapshot) -> str:
    """Why a folder is no child of the export, with the likely mistake when there is one."""
    if not name.isdigit():
        return render(P.FOLDER_NOT_A_NUMBER, "en", name=name)
    lost_zeros = [nr for nr in snapshot.children if nr.lstrip("0") == name and nr != name]
    if lost_zeros:
        return render(P.LOST_ZERO, "en", name=name, child=lost_zeros[0])
    return P.NOT_IN_EXPORT.en


def _plan_child(
    folder: Path, outcome: ChildOutcome, store: Store
) -> list[tuple[ChildOutcome, Path, str]]:
    """The child's photos that still need analysing; the others are counted or skipped."""
    todo = []
    for photo in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
        if not looks_like_photo(photo):
            outcome.skipped_photos.append((photo.name, P.NOT_A_PHOTO.en))
            continue
        sha = hashlib.sha256(photo.read_bytes()).hexdigest()
        if store.has_reference(outcome.child, sha):
            outcome.already += 1
        else:
            todo.append((outcome, photo, sha))
    return todo


_POOL_FROM = 4  # fewer photos than this are not worth starting worker processes for
_worker: dict[str, Any] = {}


def _init_worker(
    factory: Callable[[], FaceEngine], settings: DetectionSettings, max_pixels: int
) -> None:
    _worker.update(engine=factory(), settings=settings, max_pixels=max_pixels)


def _worker_reference(photo: Path) -> Encoding | str:
    try:
        data = photo.read_bytes()
    except OSError as exc:
        return render(P.CANNOT_BE_READ, "en", why=exc.strerror)
    return _reference_problem(data, _worker["engine"], _worker["settings"], _worker["max_pixels"])


def _reference_problem(
    data: bytes, engine: FaceEngine, settings: DetectionSettings, max_pixels: int
) -> Encoding | str:
    """The face's encoding, or why this photo cannot be a reference."""
    try:
        image = load_image(data, max_pixels=max_pixels, max_side=settings.max_side)
    except ImageError as exc:
        return exc.english
    faces = analyze(engine, image, settings)
    if not faces:
        return P.NO_FACE_FOUND.en
    if len(faces) > 1:
        # People in the background: a face too small to identify or cut by the photo's edge is
        # not the one whole face the reference is of, but only when that whole face is also the
        # largest. A reference of the wrong person would name another child as this one, so
        # anything less clear is refused and a person chooses a better photo.
        whole = [f for f in faces if f.encoding is not None and not _at_edge(f, image)]
        if len(whole) != 1 or any(f.size_px >= whole[0].size_px for f in faces if f != whole[0]):
            return render(P.FACES_IN_REFERENCE, "en", n=len(faces))
        faces = (whole[0],)
    face = faces[0]
    if face.encoding is None:
        return render(P.REFERENCE_TOO_SMALL, "en", size=face.size_px, needed=settings.min_face_px)
    return face.encoding


EDGE_MARGIN = 0.03  # a face box this close to the border (share of the photo's side) is cut


def _at_edge(face: DetectedFace, image: LoadedImage) -> bool:
    width, height = image.original_size
    mx, my = EDGE_MARGIN * width, EDGE_MARGIN * height
    b = face.box
    return b.left <= mx or b.top <= my or b.right >= width - mx or b.bottom >= height - my
