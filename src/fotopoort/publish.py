"""Copies that are the decided bytes: OUT/<channel>/<decision>/<relative path>.

A copy is written to OUT/.fotopoort-tmp/ first, hashed while it is written, and renamed into
place only when its sha256 is the one that was decided; otherwise the photo changed (or a link
was retargeted) after it was analysed, and it is blocked instead. Copies that may not stay in
allowed/ are removed before anything new is written.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import stat
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from . import faults
from .channels import Channel
from .derived import Changed, MadeCopy, Stripping, write_derived
from .model import Checked, Decision, Reason, ReasonCode, Variant, Verdict
from .sanitize import MetadataError
from .scan import outside_root, sha256_file
from .video import is_video

TMP_DIR = ".fotopoort-tmp"  # in OUT, so a rename into place never crosses file systems
CHANGED = "changed while it was checked (not copied; run again)"
LINK_OUT = "a link that now points outside PATH (not copied)"


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
    out: Path, channel: Channel, items: Sequence[Checked], stripping: Stripping | None = None
) -> list[Checked]:
    """Copy each photo to OUT/<channel>/<decision>/<rel>. Returns the items, with a photo whose
    bytes are no longer those decided turned into blocked. With `stripping`, allowed/ copies
    are rebuilt from the decided bytes without metadata (recorded in `stripping.made`); a
    photo that cannot be made clean is blocked, not copied."""
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
        elif why is None and not copy_verified(out, item.photo.photo.path, dst, item.photo.sha256):
            why = CHANGED
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
        return (
            f"{METADATA}: a video cannot be rebuilt without its metadata yet; "
            "strip_metadata in consents.yaml (not copied)"
        )
    known = stripping.known.get(sha, frozenset())
    try:
        copy_sha = write_derived(
            out / TMP_DIR, item.photo.photo.path, dst, sha, stripping.derive, known
        )
    except Changed:
        return CHANGED
    except MetadataError as exc:
        return f"{METADATA}: {exc} (not copied)"
    stripping.made.append(MadeCopy(item.photo.photo.rel, sha, copy_sha))
    return None


def _video(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return is_video(fh.read(16), path.suffix)
    except OSError:
        return False  # the copy reports why it cannot be read


def _own_copy(dst: Path) -> bool:
    """A file as fotopoort writes copies: regular, no link, no second name (a hard link to
    the original would change with it)."""
    try:
        st = dst.lstat()
    except OSError:
        return False
    return stat.S_ISREG(st.st_mode) and st.st_nlink == 1


def copy_verified(out: Path, src: Path, dst: Path, sha256: str) -> bool:
    """Put a copy of `src` at `dst` when its bytes hash to `sha256`; False when they do not.
    A copy already there with those bytes is kept."""
    if _own_copy(dst) and sha256_file(dst) == sha256:
        return True
    tmp_dir = out / TMP_DIR
    tmp_dir.mkdir(parents=True, exist_ok=True)
    tmp = tmp_dir / f"{secrets.token_hex(8)}.tmp"  # short: fits whatever the photo's name
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
        os.utime(tmp, ns=(st.st_atime_ns, st.st_mtime_ns))
        dst.parent.mkdir(parents=True, exist_ok=True)
        faults.checkpoint("rename", dst.name)
        tmp.replace(dst)
    except FileNotFoundError:
        tmp.unlink(missing_ok=True)
        if not src.exists():
            return False  # gone since it was analysed
        raise
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return True
