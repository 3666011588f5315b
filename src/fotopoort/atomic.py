"""Files a reader never sees half of: a temporary file, renamed over the target. The report.json
and report.html writers share write_text_atomic; every copy in publish/ ends in move_into_place."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from fotopoort import faults


def write_text_atomic(path: Path, text: str, *, private: bool = False) -> None:
    """Write `text` to `path` in one rename; `private`: readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        if private:
            os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def move_into_place(tmp: Path, dst: Path, *, times: os.stat_result | None = None) -> None:
    """Rename the finished, checked `tmp` over `dst` (its folder made when needed); `times`: give
    it those access and modification times first. The caller removes `tmp` when this fails."""
    if times is not None:
        os.utime(tmp, ns=(times.st_atime_ns, times.st_mtime_ns))
    dst.parent.mkdir(parents=True, exist_ok=True)
    faults.checkpoint("rename", dst.name)
    tmp.replace(dst)
