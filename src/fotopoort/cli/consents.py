"""`init` and `consents import/show/diff`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.measure import Measurement
from rich.table import Table

from fotopoort import commands
from fotopoort.cli.base import _by, _env, _h, _policy, _Sanitiser, _store, _t, app, consents_app
from fotopoort.cli.options import _BY_DEFAULT, _JSON_TABLE
from fotopoort.config import write_template
from fotopoort.consents import ConsentChange
from fotopoort.errors import UsageError
from fotopoort.messages import audit as audit_texts
from fotopoort.messages import cli as M
from fotopoort.messages import errors as E


@app.command(help=_h(M.INIT))
def init(
    ctx: typer.Context,
    directory: Annotated[Path, typer.Argument(help=_h(M.INIT_DIRECTORY))] = Path(),
) -> None:
    target = write_template(directory)
    _env(ctx).out.print(_t(M.INIT_WROTE, target=target), markup=False)


_SHOWN = 40  # change lines and warnings printed by an import; past that, a count


@consents_app.command("import", help=_h(M.IMPORT))
def consents_import(
    ctx: typer.Context,
    export: Annotated[Path, typer.Argument(help=_h(M.IMPORT_EXPORT))],
    older_ok: Annotated[bool, typer.Option("--older-ok", help=_h(M.IMPORT_OLDER_OK))] = False,
    yes: Annotated[bool, typer.Option("--yes", help=_h(M.IMPORT_YES))] = False,
    by: Annotated[str | None, _BY_DEFAULT] = None,
) -> None:
    env = _env(ctx)
    policy = _policy(env)
    with _store(env, policy) as store:
        result = commands.import_consents(
            policy, store, export, older_ok=older_ok, yes=yes, by=_by(by)
        )
    notes = result.snapshot.notes
    for note in notes[:_SHOWN]:
        env.err.print(_t(E.WARNING, message=note), markup=False, soft_wrap=True)
    if len(notes) > _SHOWN:
        more = _t(M.MORE_WARNINGS, n=len(notes) - _SHOWN)
        env.err.print(_t(E.WARNING, message=more), markup=False)
    outcome = result.outcome
    snap = outcome.stored.snapshot
    if outcome.already_current:
        env.out.print(_t(M.ALREADY_CURRENT, name=export.name, sha=snap.sha256[:12]), markup=False)
        return
    dated = _t(M.EXPORT_DATED, date=snap.export_date.isoformat()) if snap.export_date else ""
    env.out.print(
        _t(
            M.IMPORTED,
            name=export.name,
            children=len(snap.children),
            id=outcome.stored.id,
            sha=snap.sha256[:12],
            dated=dated,
        ),
        markup=False,
    )
    for change in result.changes[:_SHOWN]:
        env.out.print(_t(M.CHANGED, change=_change(change)), markup=False)
    if len(result.changes) > _SHOWN:
        env.out.print(_t(M.CHANGED_MORE, n=len(result.changes) - _SHOWN), markup=False)
    for child, why in outcome.forgotten:
        shown = audit_texts.show(why)
        env.out.print(_t(M.ENCODINGS_DELETED, child=child, why=shown), markup=False)
    if result.changes:
        env.out.print(_t(M.RUN_RECHECK), markup=False)


def _change(change: ConsentChange) -> str:
    who = f"{change.name} ({change.child})" if change.name else change.child
    channel = change.channel.value if change.channel else ""
    return _t(M.CHANGE[change.kind.value], who=who, channel=channel)


_SHORT_COLUMN = {
    "portfolio": "port",
    "stamgroep": "stam",
    "school": "schl",
    "website": "web",
    "training": "trng",
    "research": "rsch",
}


@consents_app.command("show", help=_h(M.SHOW))
def consents_show(
    ctx: typer.Context,
    as_json: Annotated[bool, _JSON_TABLE] = False,
    child: Annotated[
        str | None, typer.Option("--child", metavar="NR", help=_h(M.SHOW_CHILD))
    ] = None,
) -> None:
    env = _env(ctx)
    policy = _policy(env)
    with _store(env, policy, write=False) as store:
        stored = store.require_snapshot()
    snap = stored.snapshot
    children = list(snap.children.values())
    if child is not None:
        children = [c for c in children if c.child == child]
        if not children:
            raise UsageError(_t(M.NO_CHILD_IN_SNAPSHOT, child=child))
    channels = list(policy.channels)
    if as_json:
        doc = {
            "snapshot": {
                "sha256": snap.sha256,
                "source": snap.source,
                "imported_at": stored.imported_at,
                "export_date": snap.export_date.isoformat() if snap.export_date else None,
            },
            "children": [
                {
                    "child": c.child,
                    "name": c.first_name,
                    "group": c.group,
                    "channels": {ch.value: c.allows(ch) for ch in channels},
                    "biometric": c.biometric,
                    # no, because nobody answered (empty, Niet ingevuld): ask the parents
                    "never_answered": [ch.value for ch in channels if ch in c.unanswered]
                    + (["biometric"] if c.biometric_unanswered else []),
                }
                for c in children
            ],
        }
        typer.echo(json.dumps(doc, indent=2, ensure_ascii=False))
        return

    def answer(yes: bool, never: bool) -> str:
        return "Ja" if yes else "?" if never else "nee"

    def table_with(headers: list[str]) -> Table:
        title = _t(M.SHOW_TITLE, source=snap.source, at=stored.imported_at)
        table = Table(title=title, pad_edge=False)
        # identifiers are never cut: the number column is as wide as its longest number
        widest = max((len(c.child) for c in children), default=5)
        table.add_column(_t(M.COL_CHILD), no_wrap=True, min_width=max(5, widest))
        for col, values in (
            (_t(M.COL_NAME), [c.first_name for c in children]),
            (_t(M.COL_GROUP), [c.group for c in children]),
        ):
            table.add_column(col, overflow="fold", min_width=min(12, max(map(len, [col, *values]))))
        for col in headers:
            table.add_column(col, no_wrap=True)
        for c in children:
            table.add_row(
                c.child,
                c.first_name,
                c.group,
                *[answer(c.allows(ch), ch in c.unanswered) for ch in channels],
                answer(c.biometric, c.biometric_unanswered),
            )
        return table

    columns = [*[ch.value for ch in channels], _t(M.COL_BIOMETRIC)]
    # measured as printed (cells escaped by the render hook), on a copy: escaped once only
    trial = _Sanitiser().process_renderables([table_with(columns)])[0]
    natural = Measurement.get(env.out, env.out.options.update_width(10_000), trial).maximum
    short = None
    table = table_with(columns)
    if natural > env.out.width:
        # a narrow terminal: short column names and a legend, rather than a table cut off
        short = [*(_SHORT_COLUMN[ch.value] for ch in channels), _t(M.COL_BIOMETRIC_SHORT)]
        table = table_with(short)
    env.out.print(table)
    if short is not None:
        env.out.print(
            "; ".join(f"{s} = {col}" for s, col in zip(short, columns, strict=True)),
            markup=False,
        )
    never = [c for c in children if c.unanswered or c.biometric_unanswered]
    if never:
        named = ", ".join(f"{c.first_name} ({c.child})" if c.first_name else c.child for c in never)
        env.out.print(_t(M.NEVER_ANSWERED, n=len(never), children=named), markup=False)


@consents_app.command("diff", help=_h(M.DIFF))
def consents_diff(
    ctx: typer.Context,
    old: Annotated[int | None, typer.Argument(help=_h(M.DIFF_OLD))] = None,
    new: Annotated[int | None, typer.Argument(help=_h(M.DIFF_NEW))] = None,
    as_json: Annotated[bool, typer.Option("--json", help=_h(M.OPT_JSON_LINES))] = False,
) -> None:
    env = _env(ctx)
    policy = _policy(env)
    with _store(env, policy, write=False) as store:
        a, b, changes = commands.consents_diff(policy, store, old, new)
    if as_json:
        doc = {
            "old": {"snapshot": a.id, "sha256": a.snapshot.sha256, "source": a.snapshot.source},
            "new": {"snapshot": b.id, "sha256": b.snapshot.sha256, "source": b.snapshot.source},
            "changes": [
                {
                    "child": c.child,
                    "name": c.name,
                    "change": c.kind.value,
                    "channel": c.channel.value if c.channel else None,
                }
                for c in changes
            ],
        }
        typer.echo(json.dumps(doc, indent=2, ensure_ascii=False))
        return
    header = _t(
        M.DIFF_HEADER,
        a=a.id,
        a_source=a.snapshot.source,
        a_at=a.imported_at,
        b=b.id,
        b_source=b.snapshot.source,
        b_at=b.imported_at,
    )
    env.out.print(header, markup=False)
    for change in changes:
        env.out.print(f"  {_change(change)}", markup=False)
    env.out.print(_t(M.DIFF_COUNT, n=len(changes)), markup=False)
