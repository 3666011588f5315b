"""Reports (JSON) for check and sort.

Originals are only ever read. Every file written here goes to a temporary name in the target
folder first and is renamed into place, so an interrupted run leaves no half files. The copies
themselves are made by the publish package.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from fotopoort.atomic import write_text_atomic
from fotopoort.channels import Channel
from fotopoort.errors import UsageError
from fotopoort.messages import errors as E
from fotopoort.messages.reasons import reason_text
from fotopoort.model import (
    Checked,
    ConsentSnapshot,
    FaceResult,
    FaceStatus,
    PhotoAnalysis,
    Reason,
    Verdict,
)
from fotopoort.scan import readable
from fotopoort.store import StoredSnapshot

JSON_SCHEMA_VERSION = 1


def summary(items: Sequence[Checked]) -> dict[str, int]:
    counts = {v.value: 0 for v in (Verdict.ALLOWED, Verdict.BLOCKED, Verdict.REVIEW)}
    for item in items:
        counts[item.decision.verdict.value] += 1
    return counts


def check_document(
    channel: Channel, snapshot: StoredSnapshot, items: Sequence[Checked]
) -> dict[str, Any]:
    """The `check --json` document; its shape is documented in docs/json.md."""
    return {
        "channel": channel.value,
        "snapshot": {"sha256": snapshot.snapshot.sha256, "imported_at": snapshot.imported_at},
        "photos": [_photo_entry(item, snapshot.snapshot) for item in items],
        "summary": summary(items),
    }


def photo_faces(analysis: PhotoAnalysis) -> list[dict[str, Any]]:
    named = (FaceStatus.IDENTIFIED, FaceStatus.ASSIGNED)
    return [
        {
            "box": f.box.as_list(),
            "child": f.child if f.status in named else None,
            "distance": round(f.distance, 4) if f.distance is not None else None,
            "status": f.status.value,
            **_track_times(f),
            **({"recognised": f.recognised} if f.recognised is not None else {}),
        }
        for f in analysis.faces
    ]


def _track_times(face: FaceResult) -> dict[str, float]:
    """A video's face is a track: seconds where it starts and ends, and of the frame where it
    is largest (the frame its `box` is in)."""
    if face.start is None or face.end is None or face.frame is None:
        return {}
    return {"start": round(face.start, 3), "end": round(face.end, 3), "frame": round(face.frame, 3)}


def reasons_json(reasons: Iterable[Reason], consents: ConsentSnapshot) -> list[dict[str, Any]]:
    """Reasons for a report: the stable code and parameters, and the message in this run's
    language."""
    return [{**stored_reason(r), "message": reason_text(r, consents)} for r in reasons]


def stored_reason(reason: Reason) -> dict[str, Any]:
    """A reason as the audit trail keeps it: code and parameters, no text, no name."""
    return {"code": reason.code.value, "child": reason.child, "params": reason.params()}


def _photo_entry(item: Checked, consents: ConsentSnapshot) -> dict[str, Any]:
    return {
        "path": item.photo.photo.shown,
        # the PATH it was found under: with several PATHs, `path` alone can name two photos
        "root": readable(str(item.photo.photo.given)) if item.photo.photo.given else None,
        "decision": item.decision.verdict.value,
        "reasons": reasons_json(item.decision.reasons, consents),
        "faces": photo_faces(item.analysis),
    }


def write_json(path: Path, document: dict[str, Any]) -> None:
    write_text_atomic(path, json.dumps(document, indent=2, ensure_ascii=False) + "\n")


def check_out_dir(out: Path, sources: Sequence[Path]) -> None:
    """OUT must not overlap a checked folder, or the next run would check its own copies."""
    out_r = out.resolve()
    for src in sources:
        src_r = src.resolve()
        if out_r == src_r or out_r.is_relative_to(src_r) or src_r.is_relative_to(out_r):
            raise UsageError(E.OUT_INSIDE_SOURCE, out=out, src=src)
