"""Test-only fault injection: named checkpoints where a test can crash a run or swap a file.

Production code calls `checkpoint(name, detail)` at the points where a crash or a concurrent
change matters. Nothing happens unless a test sets `hook`, or sets FOTOPOORT_FAULT to
`NAME` (raise `InjectedCrash`, like an unexpected failure), `NAME:kill` (SIGKILL this
process, like the OOM killer or a power cut) or `NAME:hang` (never return, like a photo that
takes for ever); `NAME@DETAIL` narrows it to one photo.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable

ENV = "FOTOPOORT_FAULT"

hook: Callable[[str, str], None] | None = None


class InjectedCrash(BaseException):
    """Raised at a checkpoint named in FOTOPOORT_FAULT; a BaseException so nothing catches it."""


def checkpoint(name: str, detail: str = "") -> None:
    if hook is not None:
        hook(name, detail)
    spec = os.environ.get(ENV)
    if not spec:
        return
    for one in spec.split(","):
        where, _, how = one.partition(":")
        point, _, only = where.partition("@")
        if point != name or (only and only != detail):
            continue
        if how == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        while how == "hang":
            time.sleep(1)
        raise InjectedCrash(f"injected crash at {name} {detail}".strip())
