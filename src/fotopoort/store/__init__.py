"""The SQLite database: consent snapshots, enrolments, the analysis cache, decisions, audit.

The file is created readable and writable by its owner only (0600): it holds children's face
encodings. Encodings never leave this module except as numpy arrays for matching; no query
here returns one to a caller that prints.

One module per table family; `Store` is their facade.
"""

from __future__ import annotations

from fotopoort.store.base import Clock, StoreBase
from fotopoort.store.copies import CopyTables
from fotopoort.store.files import create_private_file, exclusive_run, require_database_file
from fotopoort.store.records import (
    CopyApproval,
    CopyRecord,
    DecisionRecord,
    DerivedCopy,
    EnrolledChild,
    Forgotten,
    ImportOutcome,
    PlacedCopy,
    PreviousDecision,
    PurgeOutcome,
    StoredSnapshot,
)
from fotopoort.store.schema import SCHEMA_VERSION, schema_version, upgrade


class Store(CopyTables):
    """The database, one object for callers. Each table family is one class in a chain (base,
    decisions and audit, gallery, snapshots, review, cache, forgotten, retention, copies), so a
    family may use the ones before it, never one after."""


__all__ = [
    "SCHEMA_VERSION",
    "Clock",
    "CopyApproval",
    "CopyRecord",
    "DecisionRecord",
    "DerivedCopy",
    "EnrolledChild",
    "Forgotten",
    "ImportOutcome",
    "PlacedCopy",
    "PreviousDecision",
    "PurgeOutcome",
    "Store",
    "StoreBase",
    "StoredSnapshot",
    "create_private_file",
    "exclusive_run",
    "require_database_file",
    "schema_version",
    "upgrade",
]
