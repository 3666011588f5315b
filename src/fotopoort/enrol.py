"""Enrolment: reference photos -> encodings, only for children with explicit biometric consent.

A child without a `Ja` in the biometric-consent column is skipped before any of its photos is
opened: nothing about it is computed or stored.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .consents import ConsentSnapshot
from .errors import ImageError, UsageError
from .faces import DetectionSettings, FaceEngine, analyze
from .images import load_image
from .matching import Encoding
from .scan import looks_like_photo
from .store import Store

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


Progress = Callable[[int, int, str], None]


def enrol_folder(
    refdir: Path,
    snapshot: ConsentSnapshot,
    store: Store,
    engine: FaceEngine,
    detection: DetectionSettings,
    max_pixels: int,
    progress: Progress | None = None,
) -> EnrolReport:
    if not refdir.is_dir():
        raise UsageError(f"{refdir}: not a folder (expected one folder per leerlingnummer)")
    settings = DetectionSettings(
        max_side=_REFERENCE_MAX_SIDE,
        detect_side=_REFERENCE_MAX_SIDE,
        upsample=max(1, detection.upsample),
        min_face_px=max(_REFERENCE_MIN_FACE_PX, detection.min_face_px),
    )
    entries = sorted(p for p in refdir.iterdir() if not p.name.startswith("."))
    ignored = tuple((p.name, "not a folder") for p in entries if not p.is_dir())
    folders = [p for p in entries if p.is_dir()]
    outcomes = []
    for n, folder in enumerate(folders, start=1):
        child = folder.name
        consent = snapshot.children.get(child)
        outcome = ChildOutcome(child, consent.first_name if consent else "")
        if consent is None:
            outcome.skipped_why = "not in the consent export"
        elif not consent.biometric:
            outcome.skipped_why = "no consent for face recognition"
        else:
            _enrol_child(folder, outcome, store, engine, settings, max_pixels)
        outcomes.append(outcome)
        if progress:
            progress(n, len(folders), child)
    return EnrolReport(tuple(outcomes), ignored)


def _enrol_child(
    folder: Path,
    outcome: ChildOutcome,
    store: Store,
    engine: FaceEngine,
    settings: DetectionSettings,
    max_pixels: int,
) -> None:
    photos = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    for photo in photos:
        if not looks_like_photo(photo):
            outcome.skipped_photos.append((photo.name, "not a photo"))
            continue
        data = photo.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        if store.has_reference(outcome.child, sha):
            outcome.already += 1
            continue
        why = _reference_problem(data, engine, settings, max_pixels)
        if isinstance(why, str):
            outcome.skipped_photos.append((photo.name, why))
            continue
        store.add_reference(outcome.child, sha, photo.name, why)
        outcome.enrolled += 1
    if not outcome.enrolled and not outcome.already and not outcome.skipped_photos:
        outcome.skipped_why = "no reference photos in its folder"


def _reference_problem(
    data: bytes, engine: FaceEngine, settings: DetectionSettings, max_pixels: int
) -> Encoding | str:
    """The face's encoding, or why this photo cannot be a reference."""
    try:
        image = load_image(data, max_pixels=max_pixels, max_side=settings.max_side)
    except ImageError as exc:
        return str(exc)
    faces = analyze(engine, image, settings)
    if not faces:
        return "no face found"
    if len(faces) > 1:
        return f"{len(faces)} faces found; a reference photo must show exactly one"
    face = faces[0]
    if face.encoding is None:
        return f"face too small ({face.size_px} px; at least {settings.min_face_px} needed)"
    return face.encoding
