"""`sort --redact`: OUT/<channel>/redacted/<rel> for photos not allowed only because of faces.

A photo qualifies when every reason it is not allowed names a face (identified without
consent, unknown, ambiguous, too small). Each face without consent for the channel is covered
by a solid fill (sanitize.redact, margin measured in docs/redaction.md), metadata stripped. The
faces with consent stay visible. A redacted copy is never `allowed` by itself: a child can be
recognised by clothes, hair or context, so a person must confirm it (`review approve` on the
copy records that, with the copy's sha256).
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from functools import partial
from pathlib import Path

from .channels import Channel
from .derived import Changed, MadeCopy, write_derived
from .model import Box, Checked, ReasonCode, Verdict
from .sanitize import MetadataError, Published, redact
from .scan import outside_root

FOLDER = "redacted"
_FACE_CODES = frozenset(
    {
        ReasonCode.NO_CONSENT,
        ReasonCode.UNKNOWN_FACE,
        ReasonCode.AMBIGUOUS_FACE,
        ReasonCode.SMALL_FACE,
    }
)
# reasons about no face that do not stand in the way of a redacted copy
_NOT_ABOUT_PIXELS = frozenset({ReasonCode.APPROVAL_VOID})


def targets(item: Checked) -> tuple[int, ...]:
    """The faces (0-based) to cover, or () when the photo does not qualify."""
    decision, faces = item.decision, item.analysis.faces
    if decision.verdict is Verdict.ALLOWED or item.analysis.error is not None or not faces:
        return ()
    consented = set()
    for r in decision.reasons:
        if r.face is None:
            if r.code not in _NOT_ABOUT_PIXELS:
                return ()  # unreadable, changed, ...: not a matter of faces
        elif r.code is ReasonCode.CONSENT:
            consented.add(r.face)
        elif r.code not in _FACE_CODES:
            return ()
    # every face not shown to have consent is covered, whatever its reason
    return tuple(i for i in range(len(faces)) if i not in consented)


def _redact(data: bytes, *, boxes: Sequence[Box], max_pixels: int) -> Published:
    return redact(data, boxes, max_pixels=max_pixels)


def clear(out: Path, channel: Channel) -> None:
    """Redacted copies are made anew by every sort: none outlives the decision it was made for."""
    shutil.rmtree(out / channel.value / FOLDER, ignore_errors=True)


def place_redacted(
    out: Path, channel: Channel, items: Sequence[Checked], *, max_pixels: int, tmp_dir: Path
) -> tuple[list[MadeCopy], dict[str, str]]:
    """Write the redacted copies of `items` (decided, copies placed). Returns what was made,
    and per photo that qualified but could not be redacted, why."""
    made: list[MadeCopy] = []
    failed: dict[str, str] = {}
    for item in items:
        faces = targets(item)
        sha = item.photo.sha256
        if not faces or sha is None or item.photo.photo.problem is not None:
            continue
        if outside_root(item.photo.photo):
            continue
        boxes = [item.analysis.faces[i].box for i in faces]
        derive = partial(_redact, boxes=boxes, max_pixels=max_pixels)
        rel = item.photo.photo.rel
        dst = out / channel.value / FOLDER / rel
        try:
            copy = write_derived(tmp_dir, item.photo.photo.path, dst, sha, derive, frozenset())
        except Changed:
            failed[rel] = "changed while it was checked"
            continue
        except MetadataError as exc:
            failed[rel] = str(exc)
            continue
        made.append(MadeCopy(rel, sha, copy, tuple(i + 1 for i in faces)))
    return made, failed
