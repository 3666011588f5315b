"""The commands: one typed function per command, what the CLI and the review page call after
parsing, before rendering. One module per command family; this module is their facade."""

from __future__ import annotations

from fotopoort.commands.audit import audit
from fotopoort.commands.check import (
    REPORT_HTML,
    ApprovedCopies,
    CheckRun,
    check,
    report,
    snapshot_label,
    sort,
    write_report,
)
from fotopoort.commands.consents import (
    ImportResult,
    consents_diff,
    import_consents,
    months_before,
    purge,
)
from fotopoort.commands.enrolment import ForgetResult, enroll, forget
from fotopoort.commands.recheck import CopyDown, Rechecked, RecheckRun, recheck, taken_down
from fotopoort.commands.review import (
    approve_redacted,
    redacted_copy,
    review_approve,
    review_assign,
    review_copy_path,
    review_list,
    review_redact,
)

__all__ = [
    "REPORT_HTML",
    "ApprovedCopies",
    "CheckRun",
    "CopyDown",
    "ForgetResult",
    "ImportResult",
    "RecheckRun",
    "Rechecked",
    "approve_redacted",
    "audit",
    "check",
    "consents_diff",
    "enroll",
    "forget",
    "import_consents",
    "months_before",
    "purge",
    "recheck",
    "redacted_copy",
    "report",
    "review_approve",
    "review_assign",
    "review_copy_path",
    "review_list",
    "review_redact",
    "snapshot_label",
    "sort",
    "taken_down",
    "write_report",
]
