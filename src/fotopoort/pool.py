"""The worker pool: spawned processes that stop with the main process, and survive a dead one.

`concurrent.futures.ProcessPoolExecutor` notices a worker that dies (SIGKILL, the OOM killer)
and fails its futures with `BrokenProcessPool`, where `multiprocessing.Pool` would wait for
ever. The items that were in flight are then retried one at a time in a fresh worker: the
one that kills its worker again gets `on_dead(item)` as its result, and the rest go on.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from fotopoort.errors import UsageError
from fotopoort.messages import errors as E

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class Position:
    """How far the analysis of one video is: `at` seconds of its `duration` analysed."""

    at: float
    duration: float | None


class Progress(Protocol):
    """(done, total, what[, position]): scan and enrol report through it; a video being
    analysed in segments reports its position after each segment, as not yet done."""

    def __call__(
        self, done: int, total: int, what: str, position: Position | None = None, /
    ) -> None: ...


_TASKS_PER_WORKER = 200  # replaced after this many items: bounded memory in long nightly runs


def _watch_parent(parent: int) -> None:
    """End this worker soon after the main process is gone (killed, crashed)."""
    while True:
        if os.getppid() != parent:
            os._exit(1)
        time.sleep(0.2)


def _init(parent: int, initializer: Callable[..., None], initargs: tuple[Any, ...]) -> None:
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    initializer(*initargs)


def _executor(workers: int, initializer: Callable[..., None], initargs: tuple[Any, ...]) -> Any:
    return ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_init,
        initargs=(os.getpid(), initializer, initargs),
        max_tasks_per_child=_TASKS_PER_WORKER,
    )


def run_pool(
    func: Callable[[T], R],
    items: Sequence[T],
    initializer: Callable[..., None],
    initargs: tuple[Any, ...],
    jobs: int,
    on_dead: Callable[[T], R],
) -> Iterator[tuple[int, R]]:
    """(index, func(item)) for every item as soon as it is done, in `jobs` spawned workers;
    at most `jobs` items are in flight, so a dead worker costs only those."""
    todo = list(range(len(items)))
    suspects: list[int] = []
    while todo or suspects:
        if suspects:  # alone in a fresh worker: a second death is this item's own doing
            i = suspects.pop(0)
            with _executor(1, initializer, initargs) as single:
                try:
                    result = single.submit(func, items[i]).result()
                except BrokenProcessPool:
                    result = on_dead(items[i])
            yield i, result
            continue
        executor = _executor(min(jobs, len(todo)), initializer, initargs)
        running: dict[Future[R], int] = {}
        broken = False
        try:
            while todo or running:
                while todo and len(running) < jobs and not broken:
                    i = todo.pop(0)
                    try:
                        running[executor.submit(func, items[i])] = i
                    except BrokenProcessPool:  # broke since the last wait
                        todo.insert(0, i)
                        suspects += running.values()
                        running.clear()
                        broken = True
                if broken:
                    break
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    i = running.pop(future)
                    try:
                        result = future.result()
                    except BrokenProcessPool:
                        suspects.append(i)
                        continue
                    yield i, result
                if suspects:
                    suspects += running.values()
                    running.clear()
                    break
        finally:
            for future in running:
                future.cancel()
            executor.shutdown(wait=True, cancel_futures=True)
        suspects.sort()


def map_in_workers(
    func: Callable[[T], R],
    items: Sequence[T],
    initializer: Callable[..., None],
    initargs: tuple[Any, ...],
    jobs: int,
    *,
    pool_from: int = 2,
    on_dead: Callable[[T], R] | None = None,
) -> Iterator[tuple[int, R]]:
    """(index, func(item)) for every item, each as soon as it is done. In this process with one
    job or fewer than `pool_from` items; otherwise in `jobs` spawned workers (pool.run_pool).
    An item whose worker dies twice gets `on_dead(item)`; without `on_dead` the run fails."""
    if not items:
        return
    if jobs <= 1 or len(items) < pool_from:
        initializer(*initargs)
        yield from ((i, func(item)) for i, item in enumerate(items))
        return
    yield from run_pool(func, items, initializer, initargs, jobs, on_dead or _fail)


def _fail(item: object) -> Any:
    raise UsageError(E.WORKER_DIED, item=item)
