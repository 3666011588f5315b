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

from fotopoort.channels import Channel
from fotopoort.messages import problems as P
from fotopoort.messages import publish as texts
from fotopoort.messages import render
from fotopoort.model import Box, Checked, ReasonCode, Verdict
from fotopoort.publish.derived import Changed, MadeCopy, NotTheDecidedCopy, write_derived
from fotopoort.publish.sanitize import MetadataError, Published, redact
from fotopoort.scan import outside_root, sha256_file

FOLDER = "redacted"
_FACE_CODES = frozenset(
    {
        ReasonCode.NO_CONSENT,
        ReasonCode.UNKNOWN_FACE,
        ReasonCode.AMBIGUOUS_FACE,
        ReasonCode.SMALL_FACE,
        ReasonCode.NAMED_OTHER,
    }
)
# reasons about no face that do not stand in the way of a redacted copy
_NOT_ABOUT_PIXELS = frozenset({ReasonCode.APPROVAL_VOID})
# a face a person said is not a child is covered too: what is covered is decided from what
# the machine knows (only consent keeps a face visible), never from a statement alone
_COVERED_ANYWAY = frozenset({ReasonCode.NOT_A_CHILD})


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
        elif r.code not in _FACE_CODES | _COVERED_ANYWAY:
            return ()
    # every face not shown to have consent is covered, whatever its reason
    return tuple(i for i in range(len(faces)) if i not in consented)


def visible_without_consent(item: Checked, covered: Sequence[int]) -> tuple[int, ...]:
    """The faces (1-based) a redacted copy covering `covered` leaves visible that have no
    consent for the channel as the photo is decided now. A covered face's consent does not
    matter; a visible child whose consent is withdrawn does: the copy may no longer go out."""
    consented = {
        r.face for r in item.decision.reasons if r.code is ReasonCode.CONSENT and r.face is not None
    }
    return tuple(
        i + 1
        for i in range(len(item.analysis.faces))
        if i + 1 not in covered and i not in consented
    )


def approved_copy_holds(item: Checked, covered: Sequence[int]) -> bool:
    """An approved redacted copy may be placed in allowed/: the photo is not allowed as it is
    but only because of faces (see `targets`), every face the copy leaves visible has consent,
    and the faces it covers are faces of this analysis."""
    faces = len(item.analysis.faces)
    return (
        bool(targets(item))
        and all(1 <= f <= faces for f in covered)
        and not visible_without_consent(item, covered)
    )


def place_approved(
    out: Path,
    channel: Channel,
    item: Checked,
    covered: Sequence[int],
    copy_sha256: str,
    *,
    max_pixels: int,
    tmp_dir: Path,
) -> str | None:
    """Put the approved redacted copy at OUT/<channel>/allowed/<rel>: made again from the
    decided bytes with the same faces covered, and written only when it is the very copy the
    person approved (its sha256). None when it is in place, otherwise why it is not."""
    sha = item.photo.sha256
    if sha is None or item.photo.photo.problem is not None or outside_root(item.photo.photo):
        return render(texts.NOT_READABLE)
    boxes = [item.analysis.faces[i - 1].box for i in covered]
    derive = partial(_redact, boxes=boxes, max_pixels=max_pixels)
    dst = out / channel.value / Verdict.ALLOWED.value / item.photo.photo.rel
    try:
        write_derived(
            tmp_dir,
            item.photo.photo.path,
            dst,
            sha,
            derive,
            frozenset({copy_sha256}),
            expect=copy_sha256,
        )
    except Changed:
        return render(texts.CHANGED)
    except NotTheDecidedCopy:
        return render(texts.NOT_THE_APPROVED_COPY)
    except MetadataError as exc:
        return str(exc)
    if sha256_file(dst) != copy_sha256:  # what is in allowed/ is what the person approved
        dst.unlink(missing_ok=True)
        return render(texts.CHANGED)
    return None


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
        rel = item.photo.photo.rel
        try:
            copy = redact_one(
                item, out / channel.value / FOLDER / rel, max_pixels=max_pixels, tmp_dir=tmp_dir
            )
        except Changed:
            failed[rel] = render(P.CHANGED_WHILE_CHECKED)
            continue
        except MetadataError as exc:
            failed[rel] = str(exc)
            continue
        if copy is not None:
            made.append(copy)
    return made, failed


def redact_one(item: Checked, dst: Path, *, max_pixels: int, tmp_dir: Path) -> MadeCopy | None:
    """The redacted copy of one decided photo at `dst`, or None when it does not qualify.
    Raises derived.Changed or sanitize.MetadataError (nothing is written)."""
    faces = targets(item)
    sha = item.photo.sha256
    if not faces or sha is None or item.photo.photo.problem is not None:
        return None
    if outside_root(item.photo.photo):
        return None
    boxes = [item.analysis.faces[i].box for i in faces]
    derive = partial(_redact, boxes=boxes, max_pixels=max_pixels)
    copy = write_derived(tmp_dir, item.photo.photo.path, dst, sha, derive, frozenset())
    return MadeCopy(item.photo.photo.rel, sha, copy, tuple(i + 1 for i in faces))
