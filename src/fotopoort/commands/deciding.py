"""Deciding a photo with what people said in review, and recording it. Shared by check, sort,
recheck and review."""

from __future__ import annotations

from collections.abc import Sequence

from fotopoort.channels import Channel
from fotopoort.config import Policy
from fotopoort.decide import decide_reviewed
from fotopoort.model import (
    Action,
    Checked,
    ConsentSnapshot,
    Decision,
    PhotoAnalysis,
)
from fotopoort.reports.json import (
    photo_faces,
    stored_reason,
)
from fotopoort.scan import (
    CheckedPhoto,
    PhotoFile,
    readable,
)
from fotopoort.store import (
    DecisionRecord,
    Store,
    StoredSnapshot,
)


def _decide(
    store: Store,
    photo: CheckedPhoto,
    snapshot: ConsentSnapshot,
    channel: Channel,
    group: str | None,
) -> tuple[PhotoAnalysis, Decision]:
    """Load what people said about the photo once, decide, and write the effects."""
    assignments, approval = [], None
    if photo.sha256 is not None:
        assignments = store.assignments(photo.sha256)
        approval = store.approval(photo.sha256, channel, group)
    reviewed = decide_reviewed(photo.analysis, snapshot, channel, group, assignments, approval)
    for effect in reviewed.effects:
        store.void_approval(effect.approval_id)
    return reviewed.analysis, reviewed.decision


def _record(
    store: Store,
    policy: Policy,
    snapshot: StoredSnapshot,
    items: Sequence[tuple[Channel, str | None, Checked]],
    action: Action,
    actor: str = "fotopoort",
    note: str | None = None,
    *,
    provisional: bool = False,
) -> None:
    t = policy.thresholds
    store.record_decisions(
        [
            DecisionRecord(
                path=_stored_path(item.photo.photo),
                rel=item.photo.photo.shown,
                channel=ch.value,
                group=group,
                sha256=item.photo.sha256,
                settings=item.photo.settings,
                decision=item.decision.verdict.value,
                reasons=[stored_reason(r) for r in item.decision.reasons],
                faces=photo_faces(item.analysis),
                snapshot_id=snapshot.id,
                snapshot_sha256=snapshot.snapshot.sha256,
                thresholds=t.as_dict(),
                action=action,
                actor=actor,
                note=note,
                # recheck and review find a photo by its stored path: they keep the shown one
                shown=None if action in ("recheck", "review") else _shown_path(item.photo.photo),
            )
            for ch, group, item in items
            if item.photo.sha256 is not None
        ],
        provisional=provisional,
    )


def _stored_path(photo: PhotoFile) -> str:
    return readable(str(photo.path.resolve()))


def _shown_path(photo: PhotoFile) -> str:
    """The path as the person gave it, made absolute but not resolved through links (a NAS
    share mounted through a link stays the path they know); the resolved one is its identity."""
    return readable(str(photo.path.absolute()))
