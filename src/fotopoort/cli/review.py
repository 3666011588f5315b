"""`review list/assign/approve/serve`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from fotopoort import commands
from fotopoort.cli.base import Env, _App, _by, _env, _Group, _h, _policy, _store, _t, app
from fotopoort.cli.check import _verdict
from fotopoort.cli.options import _BY, _JSON_TABLE, _NOTE, _REVIEW_PHOTO
from fotopoort.errors import UsageError
from fotopoort.messages import cli as M
from fotopoort.messages import errors as E
from fotopoort.messages import render
from fotopoort.messages import web as web_texts
from fotopoort.messages.reasons import reason_text
from fotopoort.model import ConsentSnapshot, ReasonCode
from fotopoort.scan import readable

review_app = _App(cls=_Group, no_args_is_help=True, help=_h(M.REVIEW_APP))
app.add_typer(review_app, name="review")


@review_app.command("list", help=_h(M.REVIEW_LIST))
def review_list(
    ctx: typer.Context,
    channel: Annotated[
        str | None, typer.Option("--channel", "-c", help=_h(M.OPT_CHANNEL_ONLY))
    ] = None,
    as_json: Annotated[bool, _JSON_TABLE] = False,
) -> None:
    env = _env(ctx)
    policy = _policy(env)
    ch = policy.require_channel(channel) if channel else None
    with _store(env, policy, write=False) as store:
        rows = commands.review_list(store, ch)
    if as_json:
        doc = [
            {
                # absolute, as given (links kept): unambiguous whichever folder it was found in
                "path": prev.display,
                "resolved": prev.path,
                "rel": prev.rel,
                "channel": prev.channel,
                "group": prev.group,
                "sha256": prev.sha256,
                "reasons": [
                    r
                    for r in (entry["reasons"] if entry else [])
                    if r["code"] != ReasonCode.CONSENT
                ],
                "faces": entry["faces"] if entry else [],
            }
            for prev, entry in rows
        ]
        typer.echo(json.dumps(doc, indent=2, ensure_ascii=False))
        return
    table = Table(title=_t(M.IN_REVIEW_TITLE))
    for col in (M.COL_PHOTO, M.COL_CHANNEL, M.COL_WHY):
        table.add_column(_t(col), overflow="fold")
    for prev, entry in rows:
        why = "; ".join(
            r["message"]
            for r in (entry["reasons"] if entry else [])
            if r["code"] != ReasonCode.CONSENT
        )
        table.add_row(prev.display, prev.channel + (f" ({prev.group})" if prev.group else ""), why)
    env.out.print(table)
    env.out.print(_t(M.IN_REVIEW_COUNT, n=len(rows)), markup=False)


@review_app.command("assign", help=_h(M.REVIEW_ASSIGN))
def review_assign(
    ctx: typer.Context,
    photo: Annotated[Path, _REVIEW_PHOTO],
    by: Annotated[str, _BY],
    face: Annotated[int | None, typer.Option("--face", help=_h(M.REVIEW_FACE))] = None,
    track: Annotated[
        int | None, typer.Option("--track", metavar="K", help=_h(M.REVIEW_TRACK))
    ] = None,
    child: Annotated[
        str | None, typer.Option("--child", metavar="NR", help=_h(M.REVIEW_CHILD))
    ] = None,
    not_a_child: Annotated[
        bool,
        typer.Option(
            "--not-a-child",
            help=_h(web_texts.NOT_A_CHILD_OPTION),
        ),
    ] = False,
    note: Annotated[str, _NOTE] = "",
) -> None:
    env = _env(ctx)
    policy = _policy(env)
    if (child is None) == (not not_a_child):
        raise UsageError(render(web_texts.CHILD_OR_NOT))
    if (face is None) == (track is None):
        raise UsageError(E.FACE_OR_TRACK)
    number = face if face is not None else track
    assert number is not None
    with _store(env, policy) as store:
        items = commands.review_assign(
            policy, store, photo, number, child, _by(by), note, track=track is not None
        )
        consents = store.require_snapshot().snapshot
    _render_redecided(env, items, consents)


@review_app.command("approve", help=_h(M.REVIEW_APPROVE))
def review_approve(
    ctx: typer.Context,
    photo: Annotated[Path, _REVIEW_PHOTO],
    channel: Annotated[str, typer.Option("--channel", "-c", help=_h(M.REVIEW_APPROVE_CHANNEL))],
    by: Annotated[str, _BY],
    note: Annotated[str, _NOTE] = "",
    group: Annotated[
        str | None,
        typer.Option("--group", metavar="STAMGROEP", help=_h(M.REVIEW_APPROVE_GROUP)),
    ] = None,
) -> None:
    env = _env(ctx)
    policy = _policy(env)
    ch = policy.require_channel(channel)
    with _store(env, policy) as store:
        copy = commands.redacted_copy(store, photo, ch)
        if copy is not None:
            commands.approve_redacted(store, photo, copy, ch, _by(by), note)
            env.out.print(
                _t(
                    M.REDACTED_APPROVED,
                    photo=readable(str(photo)),
                    channel=ch.value,
                    sha=copy.copy_sha256,
                ),
                markup=False,
            )
            return
        items = commands.review_approve(policy, store, photo, ch, group, _by(by), note)
        consents = store.require_snapshot().snapshot
    _render_redecided(env, items, consents)


@review_app.command("serve", help=_h(M.SERVE))
def review_serve(
    ctx: typer.Context,
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help=_h(M.SERVE_PORT))] = 0,
    channel: Annotated[
        str | None, typer.Option("--channel", "-c", help=_h(M.SERVE_CHANNEL))
    ] = None,
    host: Annotated[str, typer.Option("--host", help=_h(M.SERVE_HOST))] = "127.0.0.1",
    no_browser: Annotated[bool, typer.Option("--no-browser", help=_h(M.SERVE_NO_BROWSER))] = False,
    idle: Annotated[
        float,
        typer.Option("--idle", metavar=_h(M.META_MINUTES), min=0.1, help=_h(M.SERVE_IDLE)),
    ] = 30.0,
) -> None:
    from fotopoort.web.server import (  # Flask only when the page is asked for
        LOOPBACK,
        ServeOptions,
        serve,
    )

    env = _env(ctx)
    policy = _policy(env)
    ch = policy.require_channel(channel) if channel else None
    if host != LOOPBACK:
        env.err.print(
            _t(E.WARNING, message=_t(M.SERVE_OPEN_HOST, host=host)), markup=False, soft_wrap=True
        )
    options = ServeOptions(host, port, ch, idle, not no_browser, min(env.wait, 10.0))
    why = serve(policy, options, lambda line: env.out.print(line, markup=False, soft_wrap=True))
    env.err.print(_t(M.SERVE_STOPPED, why=why), markup=False)


def _render_redecided(env: Env, items: list[Any], consents: ConsentSnapshot) -> None:
    for item in items:
        env.out.print(
            f"{item.photo.photo.shown}: {_verdict(item.decision.verdict.value)}",
            markup=False,
            end="",
        )
        why = "; ".join(reason_text(r, consents) for r in item.decision.reasons)
        env.out.print(f" ({why})", markup=False)
