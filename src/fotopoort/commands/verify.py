"""`fotopoort verify OUT`: the last check before an upload script runs.

Every file under OUT/<channel>/allowed/ is hashed again and must be content whose sha256
fotopoort decided `allowed` for that channel under the current consent snapshot, or a copy
fotopoort made from such content (metadata stripped), recorded by its own sha256, or a
redacted copy a person approved that still held under the current snapshot when sort or
recheck last looked (every face it leaves visible has consent).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from fotopoort.channels import Channel
from fotopoort.messages import publish as texts
from fotopoort.messages import render
from fotopoort.model import Verdict
from fotopoort.publish.derived import STRIPPED
from fotopoort.scan import readable, sha256_file
from fotopoort.store import CopyApproval, Store


@dataclass(frozen=True)
class Finding:
    path: str  # relative to OUT, readable
    why: str


@dataclass(frozen=True)
class VerifyRun:
    checked: int
    findings: tuple[Finding, ...]


def verify(store: Store, out: Path, channels: Sequence[Channel]) -> VerifyRun:
    current = store.require_snapshot()
    findings: list[Finding] = []
    checked = 0
    for channel in channels:
        folder = out / channel.value / Verdict.ALLOWED.value
        decided = store.decided_contents(channel.value)
        for original, copies in store.derived_copies(channel.value, STRIPPED).items():
            for copy in copies:  # a stripped copy counts as the content it was made from
                decided.setdefault(copy, set()).update(decided.get(original, set()))
        approved = {a.copy_sha256: a for a in store.copy_approvals(channel.value)}
        for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
            if path.is_dir() and not path.is_symlink():
                continue
            checked += 1
            why = _problem(path, decided, current.id, approved)
            if why is not None:
                findings.append(Finding(readable(path.relative_to(out).as_posix()), why))
    return VerifyRun(checked, tuple(findings))


def _problem(
    path: Path,
    decided: dict[str, set[tuple[str, int]]],
    snapshot_id: int,
    approved: Mapping[str, CopyApproval],
) -> str | None:
    if path.is_symlink():
        return render(texts.A_LINK)
    if not path.is_file():
        return render(texts.NOT_A_FILE)
    sha = sha256_file(path)
    if sha is None:
        return render(texts.UNREADABLE_FILE)
    copy = approved.get(sha)
    if copy is not None and (Verdict.ALLOWED.value, snapshot_id) not in decided.get(sha, set()):
        if copy.void_at is not None:
            return render(texts.COPY_VOID)
        if copy.checked_snapshot_id != snapshot_id:
            return render(texts.COPY_OLDER)
        return None
    seen = decided.get(sha)
    if not seen:
        return render(texts.NEVER_DECIDED)
    if (Verdict.ALLOWED.value, snapshot_id) in seen:
        return None
    if any(sid == snapshot_id for _, sid in seen):
        verdicts = sorted({d for d, sid in seen if sid == snapshot_id})
        return render(texts.NOT_ALLOWED_NOW, verdicts=", ".join(verdicts))
    return render(texts.DECIDED_UNDER_OLDER)
