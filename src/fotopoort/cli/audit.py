"""`audit` and `purge`."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from fotopoort import commands
from fotopoort.cli.base import _by, _env, _h, _policy, _store, _t, app
from fotopoort.cli.check import _verdict
from fotopoort.cli.options import _BY_DEFAULT, _JSON
from fotopoort.errors import UsageError
from fotopoort.messages import cli as M
from fotopoort.model import ReasonCode
from fotopoort.text import csv_cell

_AUDIT_COLUMNS = (
    "id",
    "at",
    "action",
    "actor",
    "path",
    "photo_sha256",
    "channel",
    "grp",
    "decision",
    "snapshot_sha256",
    "tool_version",
)


@app.command("audit", help=_h(M.AUDIT))
def audit_cmd(
    ctx: typer.Context,
    since: Annotated[
        str | None,
        typer.Option("--since", metavar=_h(M.META_DATE), help=_h(M.AUDIT_SINCE)),
    ] = None,
    photo: Annotated[Path | None, typer.Option("--photo", help=_h(M.AUDIT_PHOTO))] = None,
    child: Annotated[
        str | None, typer.Option("--child", metavar="NR", help=_h(M.AUDIT_CHILD))
    ] = None,
    as_json: Annotated[bool, _JSON] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help=_h(M.OPT_CSV))] = False,
) -> None:
    env = _env(ctx)
    if as_json and as_csv:
        raise UsageError(_t(M.JSON_OR_CSV))
    if since is not None:
        try:
            since = date.fromisoformat(since).isoformat()  # the form the audit stores
        except ValueError:
            raise UsageError(_t(M.BAD_SINCE, value=since)) from None
    policy = _policy(env)
    with _store(env, policy, write=False) as store:
        entries = commands.audit(store, since, photo, child)
    if as_json:
        typer.echo(json.dumps(entries, indent=2, ensure_ascii=False))
    elif as_csv:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow([*_AUDIT_COLUMNS, "reasons", "faces", "thresholds", "note"])
        for e in entries:
            cells = (
                [e[c] for c in _AUDIT_COLUMNS]
                + [json.dumps(e[k], ensure_ascii=False) for k in ("reasons", "faces", "thresholds")]
                + [e["note"] or ""]
            )
            # --by, notes and names from the export: never a formula in a spreadsheet
            writer.writerow([csv_cell(c) if isinstance(c, str) else c for c in cells])
        typer.echo(buf.getvalue(), nl=False)
    else:
        table = Table()
        heads = (M.COL_AT, M.COL_ACTION, M.COL_BY, M.COL_PHOTO, M.COL_CHANNEL, M.COL_DECISION)
        for col in (*heads, M.COL_WHY):
            table.add_column(_t(col), overflow="fold")
        for e in entries:
            why = "; ".join(r["message"] for r in e["reasons"] if r["code"] != ReasonCode.CONSENT)
            if not why and e["note"]:  # an import, enrol, forget, ...: what it did
                why = e["note"]
            table.add_row(
                e["at"][:16].replace("T", " "),
                e["action"],
                e["actor"],
                _short_path(e["path"]),
                e["channel"] + (f" ({e['grp']})" if e["grp"] else ""),
                _verdict(e["decision"]),
                why,
            )
        env.out.print(table)
        env.out.print(_t(M.AUDIT_COUNT, n=len(entries)), markup=False)


@app.command(help=_h(M.PURGE))
def purge(
    ctx: typer.Context,
    dry_run: Annotated[bool, typer.Option("--dry-run", help=_h(M.PURGE_DRY_RUN))] = False,
    as_json: Annotated[bool, _JSON] = False,
    by: Annotated[str | None, _BY_DEFAULT] = None,
) -> None:
    env = _env(ctx)
    policy = _policy(env)
    with _store(env, policy) as store:
        outcome = commands.purge(policy, store, dry_run=dry_run, by=_by(by))
    if as_json:
        doc = {
            "dry_run": dry_run,
            "snapshots": [
                {"snapshot": sid, "source": source, "replaced_at": replaced}
                for sid, source, replaced in outcome.snapshots
            ],
            "snapshot_children": outcome.snapshot_children,
            "audit_entries": outcome.audit_entries,
            "derived_copies": outcome.derived_copies,
            "copy_approvals": outcome.copy_approvals,
            "snapshots_replaced_before": outcome.snapshots_before,
            "audit_before": outcome.audit_before,
        }
        typer.echo(json.dumps(doc, indent=2, ensure_ascii=False))
        return
    what = _t(
        M.PURGE_SUMMARY,
        snapshots=len(outcome.snapshots),
        before=outcome.snapshots_before[:10],
        children=outcome.snapshot_children,
        entries=outcome.audit_entries,
        audit_before=outcome.audit_before[:10],
    )
    env.out.print(
        _t(M.PURGE_WOULD if dry_run else M.PURGE_DID, summary=what), markup=False, soft_wrap=True
    )
    for sid, source, replaced in outcome.snapshots:
        env.out.print(
            _t(M.PURGE_SNAPSHOT, id=sid, source=source, replaced=replaced[:10]),
            markup=False,
            soft_wrap=True,
        )
    if dry_run:
        env.out.print(_t(M.PURGE_NOTHING), markup=False)


def _short_path(path: str) -> str:
    """Relative to the working folder when inside it, else as stored."""
    try:
        return Path(path).relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path
