"""Copies that are the decided bytes: OUT/<channel>/<decision>/<relative path>.

A copy is written to OUT/.fotopoort-tmp/ first, hashed while it is written, and renamed into
place only when its sha256 is the one that was decided; otherwise the photo changed (or a link
was retargeted) after it was analysed, and it is blocked instead. Copies that may not stay in
allowed/ are removed before anything new is written.
"""

from __future__ import annotations

import errno
import hashlib
import os
import secrets
import shutil
import stat
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from fotopoort import faults
from fotopoort.atomic import move_into_place
from fotopoort.channels import Channel
from fotopoort.media.video import is_video
from fotopoort.messages import problems as P
from fotopoort.messages import render
from fotopoort.model import Checked, Decision, Reason, ReasonCode, Variant, Verdict
from fotopoort.publish.derived import Changed, MadeCopy, Stripping, write_derived
from fotopoort.publish.sanitize import MetadataError
from fotopoort.scan import outside_root, sha256_file

TMP_DIR = ".fotopoort-tmp"  # in OUT, so a rename into place never crosses file systems
CHANGED = P.CHANGED_NOT_COPIED.en  # stored in English, shown by messages.problems
LINK_OUT = P.LINK_OUT.en


def clear_temp(out: Path) -> None:
    """Leftovers of an interrupted run: never in allowed/, removed before the next one."""
    shutil.rmtree(out / TMP_DIR, ignore_errors=True)


def take_down(out: Path, channel: Channel, items: Sequence[Checked]) -> int:
    """Remove every copy that may not stay: in allowed/ all that are not allowed now (first),
    elsewhere those of photos no longer in the folder. Returns how many photos' copies went
    because the photo is no longer in the folder."""
    current = {item.photo.photo.rel for item in items}
    allowed = {i.photo.photo.rel for i in items if i.decision.verdict is Verdict.ALLOWED}
    removed = 0
    for verdict in (Verdict.ALLOWED, Verdict.BLOCKED, Verdict.REVIEW):
        folder = out / channel.value / verdict.value
        keep = allowed if verdict is Verdict.ALLOWED else current
        for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
            if path.is_dir() and not path.is_symlink():
                continue
            rel = path.relative_to(folder).as_posix()
            if rel not in keep or path.is_symlink():  # fotopoort never writes links
                path.unlink()
                removed += rel not in current
    return removed


def place_copies(
    out: Path,
    channel: Channel,
    items: Sequence[Checked],
    stripping: Stripping | None = None,
    *,
    linked: list[tuple[str, str, Path]] | None = None,
) -> list[Checked]:
    """Copy each photo to OUT/<channel>/<decision>/<rel>. Returns the items, with a photo whose
    bytes are no longer those decided turned into blocked. With `stripping`, allowed/ copies
    are rebuilt from the decided bytes without metadata (recorded in `stripping.made`); a
    photo that cannot be made clean is blocked, not copied. With `linked` (sort --link), a
    copy that needs no change is a hard link to the original where OUT is on its file system
    (rel, sha256, place of each one in allowed/ appended), a full copy elsewhere."""
    placed = []
    for item in items:
        rel = item.photo.photo.rel
        verdict = item.decision.verdict
        for other in Verdict:
            if other is not verdict:
                (out / channel.value / other.value / rel).unlink(missing_ok=True)
        dst = out / channel.value / verdict.value / rel
        if item.photo.sha256 is None or item.photo.photo.problem is not None:
            dst.unlink(missing_ok=True)  # nothing was read, nothing is copied
            placed.append(item)
            continue
        faults.checkpoint("copy", rel)
        why = LINK_OUT if outside_root(item.photo.photo) else None
        if why is None and stripping is not None and verdict is Verdict.ALLOWED:
            why = _place_stripped(out, item, dst, stripping)
        elif why is None:
            src, sha = item.photo.photo.path, item.photo.sha256
            how = copy_verified(out, src, dst, sha, link=linked is not None)
            if how is None:
                why = CHANGED
            elif how == LINKED and linked is not None and verdict is Verdict.ALLOWED:
                linked.append((rel, sha, dst))
        if why is not None:
            dst.unlink(missing_ok=True)
            item = replace(item, decision=Decision(Verdict.BLOCKED, (_reason(why),)))
        placed.append(item)
    return placed


def _reason(why: str) -> Reason:
    if why.startswith(f"{METADATA}: "):
        return Reason(
            ReasonCode.UNREADABLE, variant=Variant.METADATA, detail=why[len(METADATA) + 2 :]
        )
    return Reason(ReasonCode.UNREADABLE, detail=why)


METADATA = "metadata cannot be removed"


def _place_stripped(out: Path, item: Checked, dst: Path, stripping: Stripping) -> str | None:
    """None when the stripped copy is in place; otherwise why it is not."""
    sha = item.photo.sha256
    assert sha is not None
    if _video(item.photo.photo.path):
        # A video's container can hold the place it was filmed (GPS), the camera and its owner,
        # and fotopoort cannot rebuild a video without them yet: like any copy that cannot be
        # made clean, it is not written (docs/cli.md: switch strip_metadata off per channel to
        # publish videos as recorded, knowingly).
        return f"{METADATA}: {P.VIDEO_NOT_REBUILT.en}"
    known = stripping.known.get(sha, frozenset())
    try:
        copy_sha = write_derived(
            out / TMP_DIR, item.photo.photo.path, dst, sha, stripping.derive, known
        )
    except Changed:
        return CHANGED
    except MetadataError as exc:
        return f"{METADATA}: {render(P.NOT_COPIED, 'en', why=exc.english)}"
    stripping.made.append(MadeCopy(item.photo.photo.rel, sha, copy_sha))
    return None


def _video(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return is_video(fh.read(16), path.suffix)
    except OSError:
        return False  # the copy reports why it cannot be read


COPIED, LINKED = "copied", "linked"
# a file system that cannot hard-link here: OUT on another one (EXDEV), or none at all
_NO_LINK = frozenset({errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP, errno.EOPNOTSUPP})


def _own_copy(dst: Path, src: Path | None = None) -> str | None:
    """How the file at `dst` is as fotopoort writes copies: a regular file with no second name
    (COPIED), or with `src` given, a hard link to `src` (LINKED: sort --link); else None (a
    link fotopoort did not make, or a hard link to another file, is replaced)."""
    try:
        st = dst.lstat()
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    if st.st_nlink == 1:
        return COPIED
    try:
        same = src is not None and os.path.samestat(st, src.stat())
    except OSError:
        return None
    return LINKED if same else None


def copy_verified(
    out: Path, src: Path, dst: Path, sha256: str, *, link: bool = False
) -> str | None:
    """Put a copy of `src` at `dst` when its bytes hash to `sha256`; None when they do not.
    A copy already there with those bytes is kept. With `link`, a hard link to `src` where the
    file system allows it (the same bytes, no second copy), else a full copy. Returns COPIED or
    LINKED."""
    how = _own_copy(dst, src if link else None)
    if how is not None and sha256_file(dst) == sha256:
        return how
    tmp_dir = out / TMP_DIR
    tmp_dir.mkdir(parents=True, exist_ok=True)
    tmp = tmp_dir / f"{secrets.token_hex(8)}.tmp"  # short: fits whatever the photo's name
    if link:
        linked = _link_verified(src, tmp, dst, sha256)
        if linked is not None:
            return LINKED if linked else None
    return COPIED if _copy(src, tmp, dst, sha256) else None


def _link_verified(src: Path, tmp: Path, dst: Path, sha256: str) -> bool | None:
    """A hard link to `src` at `dst` when its bytes hash to `sha256` (False when they do not);
    None when this file system cannot link it here (the caller copies instead). The link's
    bytes are hashed after it is made, and again in place: they are the original's, so what
    is published is what was decided at this moment, and changes whenever the original does
    (verify hashes every file in allowed/ again)."""
    try:
        os.link(src, tmp)
    except FileNotFoundError:
        return False  # gone since it was analysed
    except OSError as exc:
        if exc.errno in _NO_LINK:
            return None
        raise
    try:
        if sha256_file(tmp) != sha256:
            tmp.unlink()
            return False
        move_into_place(tmp, dst)  # no times: a link's are the original's own, and shared
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if sha256_file(dst) != sha256:
        dst.unlink(missing_ok=True)
        return False
    return True


def _copy(src: Path, tmp: Path, dst: Path, sha256: str) -> bool:
    h = hashlib.sha256()
    try:
        with src.open("rb") as fh, tmp.open("xb") as dst_fh:
            st = os.fstat(fh.fileno())
            while chunk := fh.read(1 << 20):
                h.update(chunk)
                dst_fh.write(chunk)
            dst_fh.flush()
            os.fsync(dst_fh.fileno())
        if h.hexdigest() != sha256:
            tmp.unlink()
            return False
        move_into_place(tmp, dst, times=st)
    except FileNotFoundError:
        tmp.unlink(missing_ok=True)
        if not src.exists():
            return False  # gone since it was analysed
        raise
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return True
