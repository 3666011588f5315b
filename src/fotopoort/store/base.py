"""The connection every table family shares: opened private, upgraded, with a clock."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from fotopoort.errors import StoreError
from fotopoort.messages import errors as E
from fotopoort.store.files import create_private_file, require_database_file
from fotopoort.store.schema import _require_current, upgrade

Clock = Callable[[], datetime]


class StoreBase:
    """The connection, the clock and transactions; the table families below add the rest."""

    def __init__(self, path: Path, clock: Clock | None = None, *, read_only: bool = False) -> None:
        """`read_only`: never create the file; open it read-only when it cannot be written
        (a read-only file system), so listing commands still work there."""
        self.path = path
        self._clock = clock or (lambda: datetime.now(UTC))
        try:
            if read_only:
                require_database_file(path)
            else:
                create_private_file(path)
            if not read_only or os.access(path, os.W_OK):
                conn = sqlite3.connect(path, timeout=30)
                conn.execute("PRAGMA secure_delete = ON")  # deleted encodings are overwritten
                upgrade(conn)
            else:
                conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
                _require_current(conn)
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA busy_timeout = 30000")
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(E.DB_CANNOT_OPEN, path=path, why=exc) from None
        self.conn = conn
        self.db = sqlite_utils.Database(conn)  # dict rows for queries that return whole rows

    def close(self) -> None:
        self.conn.close()

    def now(self) -> str:
        return self._clock().isoformat(timespec="seconds")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All or nothing: an exception rolls every write back."""
        with self.conn:
            yield
