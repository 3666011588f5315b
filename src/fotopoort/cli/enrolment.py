"""`enroll`, `enrolled` and `forget`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from fotopoort import commands
from fotopoort.calibrate import (
    RECOMMENDED_REFERENCES,
    enrolment_notes,
)
from fotopoort.cli.base import Env, _by, _env, _h, _jobs, _policy, _progress, _store, _t, app
from fotopoort.cli.options import _BY_DEFAULT, _JOBS, _JSON_TABLE
from fotopoort.config import Policy
from fotopoort.errors import ExitCode
from fotopoort.messages import cli as M
from fotopoort.messages import problems


@app.command(help=_h(M.ENROLL))
def enroll(
    ctx: typer.Context,
    refdir: Annotated[Path, typer.Argument(help=_h(M.ENROLL_REFDIR))],
    jobs: Annotated[int | None, _JOBS] = None,
    child: Annotated[
        list[str] | None,
        typer.Option(
            "--child",
            metavar="NR",
            help=_h(M.ENROLL_CHILD),
        ),
    ] = None,
    by: Annotated[str | None, _BY_DEFAULT] = None,
) -> None:
    env = _env(ctx)
    policy = _policy(env)
    with _store(env, policy) as store, _progress(env, "enrolling") as progress:
        report = commands.enroll(
            policy,
            store,
            refdir,
            env.engine_factory,
            jobs=_jobs(jobs),
            progress=progress,
            children=tuple(child or ()),
            by=_by(by),
        )
    for entry, why in report.ignored:
        env.err.print(_t(M.IGNORED, entry=entry, why=problems.show(why)), markup=False)
    enrolled = skipped = 0
    for o in report.children:
        who = f"{o.name} ({o.child})" if o.name else o.child
        if o.skipped_why:
            skipped += 1
            env.out.print(
                _t(M.ENROL_SKIPPED, who=who, why=problems.show(o.skipped_why)), markup=False
            )
            continue
        for name, why in o.skipped_photos:
            env.out.print(
                _t(M.ENROL_PHOTO_UNUSED, who=who, name=name, why=problems.show(why)), markup=False
            )
        if o.enrolled or o.already:
            enrolled += 1
            env.out.print(
                _t(M.ENROL_ENROLLED, who=who, new=o.enrolled, already=o.already), markup=False
            )
        else:
            skipped += 1
            env.out.print(_t(M.ENROL_NO_USABLE, who=who), markup=False)
    env.out.print(_t(M.ENROL_SUMMARY, enrolled=enrolled, skipped=skipped), markup=False)
    _render_enrolment_notes(env, policy, {o.child for o in report.children if not o.skipped_why})
    if not enrolled:  # a job that did nothing is not a success
        env.err.print(
            _t(M.ENROL_NONE_FOLDERS, refdir=refdir, n=skipped)
            if skipped
            else _t(M.ENROL_NO_FOLDERS, refdir=refdir),
            markup=False,
            soft_wrap=True,
        )
        raise typer.Exit(int(ExitCode.NOT_ALLOWED))


def _render_enrolment_notes(env: Env, policy: Policy, children: set[str]) -> None:
    """Which of `children` the matching rule will not identify automatically, and why."""
    with _store(env, policy, write=False) as store:
        refs = store.reference_encodings()
        current = store.current_snapshot()
    names = current.snapshot.children if current else {}

    def who(child: str) -> str:
        known = names.get(child)
        return f"{known.first_name} ({child})" if known and known.first_name else child

    short: list[str] = []
    for note in enrolment_notes(refs, policy.thresholds):
        if note.child not in children:
            continue
        if note.few_references:
            env.out.print(_t(M.NOTE_FEW, who=who(note.child), n=note.references), markup=False)
        elif note.references < RECOMMENDED_REFERENCES:
            short.append(note.child)
        if note.lookalike_of is not None:
            env.out.print(
                _t(M.NOTE_LOOKALIKE, who=who(note.child), other=who(note.lookalike_of)),
                markup=False,
            )
    if short:
        named = ", ".join(who(c) for c in short[:5]) + (", ..." if len(short) > 5 else "")
        env.out.print(
            _t(M.NOTE_SHORT, n=len(short), recommended=RECOMMENDED_REFERENCES, named=named),
            markup=False,
        )


@app.command(help=_h(M.ENROLLED))
def enrolled(ctx: typer.Context, as_json: Annotated[bool, _JSON_TABLE] = False) -> None:
    env = _env(ctx)
    policy = _policy(env)
    with _store(env, policy, write=False) as store:
        rows = store.enrolled()
        current = store.current_snapshot()
    names = current.snapshot.children if current else {}
    if as_json:
        doc = [
            {
                "child": r.child,
                "name": names[r.child].first_name if r.child in names else None,
                "references": r.references,
                "first_enrolled": r.first_enrolled,
                "last_enrolled": r.last_enrolled,
            }
            for r in rows
        ]
        typer.echo(json.dumps(doc, indent=2, ensure_ascii=False))
        return
    table = Table()
    for col in (M.COL_CHILD, M.COL_NAME, M.COL_REFERENCES, M.COL_ENROLLED):
        table.add_column(_t(col))
    for r in rows:
        name = names[r.child].first_name if r.child in names else ""
        table.add_row(r.child, name, str(r.references), r.first_enrolled)
    env.out.print(table)
    env.out.print(_t(M.ENROLLED_COUNT, n=len(rows)), markup=False)


@app.command(help=_h(M.FORGET))
def forget(
    ctx: typer.Context,
    child: Annotated[str, typer.Argument(metavar="NR", help=_h(M.FORGET_CHILD))],
    by: Annotated[str | None, _BY_DEFAULT] = None,
) -> None:
    env = _env(ctx)
    policy = _policy(env)
    with _store(env, policy) as store:
        result = commands.forget(store, child, _by(by))
    env.out.print(_t(M.FORGOT, child=child, deleted=result.deleted), markup=False)
    if result.photos_left:
        env.out.print(_t(M.PHOTOS_LEFT, n=len(result.photos_left)), markup=False)
        for path in result.photos_left:
            env.out.print(f"  {path}", markup=False, soft_wrap=True)
    if result.photos_unknown:
        env.out.print(
            _t(M.PHOTOS_UNKNOWN, children=", ".join(result.photos_unknown)),
            markup=False,
            soft_wrap=True,
        )
