"""A Report from checked photos: one entry per photo, its decision for every channel."""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from fotopoort.channels import Channel
from fotopoort.media.video import is_video
from fotopoort.messages import render
from fotopoort.messages import report as texts
from fotopoort.model import Checked, ConsentSnapshot, Decision
from fotopoort.reports.model import Report, ReportPhoto, report_photo
from fotopoort.reports.thumbnails import Thumbnail, from_bytes, from_video
from fotopoort.scan import readable, sha256_file


def build_report(
    results: Mapping[Channel, Sequence[Checked]],
    consents: ConsentSnapshot,
    snapshot_label: str,
    *,
    max_pixels: int,
    redacted: Mapping[tuple[Channel, str], str] | None = None,
    title: str | None = None,
    now: datetime | None = None,
) -> Report:
    """`results` as commands.check returns them; `redacted` maps (channel, rel) to the path of
    a redacted copy. Photos without a thumbnail from the scan (cache hits) are decoded once,
    small, here; videos without their tracks' thumbnails once, seeking to each track's frame."""
    redacted = redacted or {}
    first_names = {c.child: c.first_name for c in consents.children.values() if c.first_name}
    order: dict[str, Checked] = {}
    decisions: dict[str, dict[Channel, Decision]] = {}
    for ch, items in results.items():
        for item in items:
            rel = item.photo.photo.rel
            order.setdefault(rel, item)
            decisions.setdefault(rel, {})[ch] = item.decision
    photos: list[ReportPhoto] = []
    for rel, item in order.items():
        video = _is_video(item)
        photos.append(
            report_photo(
                readable(rel),  # a name that is not UTF-8: shown with \xNN escapes
                item.analysis,
                decisions[rel],
                first_names,
                None if video else _thumbnail(item, max_pixels),
                {ch: path for (ch, r), path in redacted.items() if r == rel},
                consents,
                video=video,
                tracks=_track_thumbnails(item) if video else (),
                anchor=item.photo.sha256 if video else None,
            )
        )
    when = (now or datetime.now(UTC)).strftime("%Y-%m-%d %H:%M UTC")
    return Report(title or render(texts.TITLE), when, snapshot_label, tuple(results), tuple(photos))


def _thumbnail(item: Checked, max_pixels: int) -> Thumbnail | None:
    if item.photo.thumbnail is not None:
        return item.photo.thumbnail
    if item.analysis.error is not None:
        return None  # it could not be read whole: nothing to show
    try:
        data = item.photo.photo.path.read_bytes()
    except OSError:
        return None
    return from_bytes(data, max_pixels=max_pixels)


def _is_video(item: Checked) -> bool:
    if any(f.start is not None for f in item.analysis.faces):
        return True  # its faces are tracks
    if item.photo.sha256 is None:
        return False  # never read (a FIFO, a link out of PATH...): not to be opened here
    head = _head(item.photo.photo.path)
    return head is not None and is_video(head, item.photo.photo.path.suffix)


def _head(path: Path) -> bytes | None:
    """The first bytes of a regular file; None for anything else (a FIFO put in its place
    since the check must not make the report wait)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        return os.read(fd, 16) if stat.S_ISREG(os.fstat(fd).st_mode) else None
    except OSError:
        return None
    finally:
        os.close(fd)


def _track_thumbnails(item: Checked) -> tuple[Thumbnail | None, ...]:
    faces = item.analysis.faces
    if item.photo.tracks or not faces or item.analysis.error is not None:
        return item.photo.tracks
    path, sha = item.photo.photo.path, item.photo.sha256
    if sha is None or _head(path) is None or sha256_file(path) != sha:
        return ()  # changed since it was decided: nothing is shown that was not decided
    tracks = from_video(path, faces)
    return tracks if sha256_file(path) == sha else ()
