"""Copies whose content is derived from the decided bytes: metadata stripped, faces redacted.

Issue 9's rule holds for them too: the bytes are read once, hashed, and only when the hash is
the one decided are those very bytes decoded and rebuilt (never a second read of the file,
which may have changed in between). The result is written to OUT/.fotopoort-tmp/ and renamed
into place, so an interrupted run leaves no half file. Its own sha256 is returned, to be
recorded next to the original's (verify checks a copy by it).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from fotopoort.atomic import move_into_place
from fotopoort.media.video import is_video
from fotopoort.messages import problems as P
from fotopoort.messages import render
from fotopoort.publish.sanitize import MetadataError, Published, strip_metadata
from fotopoort.scan import sha256_file

STRIPPED = "stripped"  # derived_copies.kind of an allowed/ copy without metadata
REDACTED = "redacted"  # ... of a redacted/ copy
Derive = Callable[[bytes], Published]  # raises sanitize.MetadataError when it cannot


@dataclass(frozen=True)
class MadeCopy:
    rel: str
    original_sha256: str
    copy_sha256: str
    faces: tuple[int, ...] = ()  # redacted: the faces covered (1-based, as in the reasons)


@dataclass
class Stripping:
    """How allowed/ copies of one channel are made: from pixels, metadata stripped."""

    max_pixels: int
    known: Mapping[str, frozenset[str]]  # original sha256 -> copy sha256s recorded before
    made: list[MadeCopy] = field(default_factory=list)

    def derive(self, data: bytes) -> Published:
        return strip_metadata(data, max_pixels=self.max_pixels)


class Changed(Exception):
    """The bytes at the source are not those decided: nothing is written."""


class NotTheDecidedCopy(Exception):
    """derive() made other bytes than the copy a person approved: nothing is written."""


def write_derived(
    tmp_dir: Path,
    src: Path,
    dst: Path,
    sha256: str,
    derive: Derive,
    known: frozenset[str],
    *,
    expect: str | None = None,
) -> str:
    """Put derive(bytes of `src`) at `dst` when those bytes hash to `sha256` (and, with
    `expect`, the copy's bytes hash to `expect`); returns the copy's sha256. A copy already at
    `dst` whose hash was recorded for `sha256` is kept. Raises Changed, NotTheDecidedCopy, or
    sanitize.MetadataError (nothing is written)."""
    try:
        with src.open("rb") as fh:
            st = os.fstat(fh.fileno())
            if is_video(fh.read(16), src.suffix):  # never read a video of gigabytes whole
                raise MetadataError(P.VIDEO_METADATA)
            fh.seek(0)
            data = fh.read()
    except FileNotFoundError:
        raise Changed from None
    if hashlib.sha256(data).hexdigest() != sha256:
        raise Changed
    if known and _own_copy(dst):
        existing = sha256_file(dst)
        if existing in known:
            return existing
    published = derive(data)  # decoded from the very bytes that were hashed
    if expect is not None and published.sha256 != expect:
        raise NotTheDecidedCopy
    tmp_dir.mkdir(parents=True, exist_ok=True)
    tmp = tmp_dir / f"{secrets.token_hex(8)}.tmp"
    try:
        with tmp.open("xb") as fh:
            fh.write(published.data)
            fh.flush()
            os.fsync(fh.fileno())
        if sha256_file(tmp) != published.sha256:  # what is renamed is what was checked
            raise OSError(render(P.READ_BACK_DIFFERS, "en", path=tmp))
        # the original's time: with the EXIF date gone, it is the photo's only date left
        move_into_place(tmp, dst, times=st)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return published.sha256


def _own_copy(dst: Path) -> bool:
    try:
        st = dst.lstat()
    except OSError:
        return False
    return stat.S_ISREG(st.st_mode) and st.st_nlink == 1
