"""A Report from checked photos: one entry per photo, its decision for every channel."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from fotopoort.channels import Channel
from fotopoort.messages import render
from fotopoort.messages import report as texts
from fotopoort.model import Checked, ConsentSnapshot, Decision
from fotopoort.reports.model import Report, ReportPhoto, report_photo
from fotopoort.reports.thumbnails import Thumbnail, from_bytes
from fotopoort.scan import readable


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
    small, here."""
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
        photos.append(
            report_photo(
                readable(rel),  # a name that is not UTF-8: shown with \xNN escapes
                item.analysis,
                decisions[rel],
                first_names,
                _thumbnail(item, max_pixels),
                {ch: path for (ch, r), path in redacted.items() if r == rel},
                consents,
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
