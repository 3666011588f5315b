"""The database file itself: created private (0600), checked to be SQLite, one writer at a time."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from fotopoort.errors import BusyError, StoreError
from fotopoort.messages import errors as E

_SQLITE_MAGIC = b"SQLite format 3\x00"


def create_private_file(path: Path) -> None:
    """Create `path` (if needed) so that only its owner can read and write it. A file that is
    there already is first checked to be a database (or empty) of this user, and only then
    made private again: `database: /dev/null` must never chmod a system file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600)
    except FileExistsError:
        require_database_file(path)
        st = path.stat()
        if st.st_uid == os.getuid() and st.st_mode & 0o077:
            path.chmod(0o600)  # a copy or a restore from backup left it readable
        return
    os.close(fd)
    path.chmod(0o600)  # whatever the umask


def require_database_file(path: Path) -> None:
    """`path` is a regular file holding an SQLite database, or an empty one."""
    if not path.exists():
        raise StoreError(E.DB_MISSING, path=path)
    if not path.is_file():
        raise StoreError(E.DB_NOT_A_FILE, path=path)
    with path.open("rb") as fh:
        head = fh.read(len(_SQLITE_MAGIC))
    if head and head != _SQLITE_MAGIC:
        raise StoreError(E.DB_NOT_SQLITE, path=path)


@contextmanager
def exclusive_run(
    db_path: Path, wait_seconds: float, on_wait: Callable[[], None]
) -> Iterator[None]:
    """One writing run per database at a time: a second run waits, then gives up clearly."""
    lock = FileLock(f"{db_path}.lock", mode=0o600)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        on_wait()
        try:
            lock.acquire(timeout=wait_seconds)
        except Timeout:
            raise BusyError(E.DB_BUSY, path=db_path, seconds=f"{wait_seconds:.0f}") from None
    try:
        yield
    finally:
        lock.release()
