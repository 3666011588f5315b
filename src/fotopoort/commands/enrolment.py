"""`enroll` and `forget`: reference photos in, a child's biometric data out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from fotopoort.config import Policy
from fotopoort.enrol import EnrolReport, enrol_folder
from fotopoort.errors import UsageError
from fotopoort.messages import audit as notes
from fotopoort.messages import errors as E
from fotopoort.messages import problems as P
from fotopoort.messages import render as say
from fotopoort.model import (
    Action,
)
from fotopoort.pool import Progress
from fotopoort.scan import (
    EngineFactory,
)
from fotopoort.store import (
    Store,
)


def enroll(
    policy: Policy,
    store: Store,
    refdir: Path,
    engine_factory: EngineFactory,
    *,
    jobs: int = 1,
    progress: Progress | None = None,
    children: Sequence[str] = (),
    by: str = "fotopoort",
) -> EnrolReport:
    """Enrol the child folders of `refdir`, or only `children`. A child `forget` was run for
    is enrolled again only when named in `children` and a snapshot imported after the forget
    (and, when dated, dated on or after its day) gives face-recognition consent."""
    if policy.biometric_column is None:
        raise UsageError(say(E.NO_BIOMETRIC_COLUMN, path=policy.path))
    current = store.require_snapshot()

    def held(child: str) -> str | None:
        mark = store.forgotten(child)
        if mark is None:
            return None
        day = mark.forgotten_at[:10]
        if child not in children:
            return say(P.FORGOTTEN_FOLDER_RUN, "en", day=day, refdir=refdir, child=child)
        export_date = current.snapshot.export_date
        if current.id <= mark.snapshot_id or (
            export_date is not None and export_date.isoformat() < day
        ):
            return say(P.FORGOTTEN_NEEDS_EXPORT, "en", day=day)
        return None

    report = enrol_folder(
        refdir,
        current.snapshot,
        store,
        engine_factory,
        policy.detection,
        policy.max_pixels,
        jobs=jobs,
        progress=progress,
        only=children,
        held=held,
    )
    lifted = 0
    for outcome in report.children:
        if outcome.child in children and outcome.enrolled and store.forgotten(outcome.child):
            store.lift_forgotten(outcome.child)
            lifted += 1
    added = sum(o.enrolled for o in report.children)
    if added:
        store.record_event(
            Action.ENROLL,
            by,
            say(
                notes.ENROLLED,
                "en",
                photos=added,
                children=sum(1 for o in report.children if o.enrolled),
                lifted=say(notes.LIFTED, "en", n=lifted) if lifted else "",
            ),
            path=str(refdir.absolute()),
            snapshot_sha256=current.snapshot.sha256,
        )
    return report


@dataclass(frozen=True)
class ForgetResult:
    deleted: int  # reference encodings
    photos_left: tuple[str, ...]  # reference photos still on disk: the school's to delete
    photos_unknown: tuple[str, ...]  # names of reference photos enrolled before paths were kept


def forget(store: Store, child: str, by: str = "fotopoort") -> ForgetResult:
    files = store.reference_files(child)
    left = tuple(path for _, path in files if path is not None and Path(path).is_file())
    unknown = tuple(name for name, path in files if path is None)
    deleted = store.forget(child)
    # the audit says that a child was forgotten, never which one
    store.record_event(Action.FORGET, by, say(notes.FORGOTTEN, "en", n=deleted))
    return ForgetResult(deleted, left, unknown)
