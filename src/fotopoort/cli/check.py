"""`check`, `sort` and `report`."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from fotopoort import commands
from fotopoort.channels import CHANNEL_NAMES, Channel
from fotopoort.cli.base import Env, _env, _h, _jobs, _policy, _progress, _store, _t, app
from fotopoort.cli.options import _JOBS, _JSON_ONLY, _PATHS
from fotopoort.errors import ExitCode
from fotopoort.messages import cli as M
from fotopoort.messages import publish as publish_texts
from fotopoort.messages.reasons import reason_text
from fotopoort.model import ConsentSnapshot, Reason, ReasonCode, Verdict
from fotopoort.reports.json import check_document, summary


@app.command(help=_h(M.CHECK))
def check(
    ctx: typer.Context,
    paths: Annotated[list[Path], _PATHS],
    channel: Annotated[
        str,
        typer.Option(
            "--channel", "-c", help=_h(M.OPT_CHANNEL_ONE_OF, channels=", ".join(CHANNEL_NAMES))
        ),
    ],
    as_json: Annotated[bool, _JSON_ONLY] = False,
    group: Annotated[
        str | None,
        typer.Option("--group", metavar="STAMGROEP", help=_h(M.OPT_GROUP_CHECK)),
    ] = None,
    jobs: Annotated[int | None, _JOBS] = None,
) -> None:
    env = _env(ctx)
    policy = _policy(env, matching=True)
    ch = policy.require_channel(channel)
    with _store(env, policy) as store, _progress(env, "checking") as progress:
        run = commands.check(
            policy,
            store,
            paths,
            [ch],
            env.engine_factory,
            group=group,
            jobs=_jobs(jobs),
            progress=progress,
        )
    items = run.results[ch]
    if as_json:
        typer.echo(
            json.dumps(check_document(ch, run.snapshot, items), indent=2, ensure_ascii=False)
        )
    else:
        _render_problems(env, ch, items, run.snapshot.snapshot)
    if run.any_not_allowed():
        raise typer.Exit(int(ExitCode.NOT_ALLOWED))


def _why(reasons: Iterable[Reason], consents: ConsentSnapshot) -> str:
    """What stands in the way, in this run's language (a consent is no obstacle)."""
    return "; ".join(reason_text(r, consents) for r in reasons if r.code is not ReasonCode.CONSENT)


def _render_problems(
    env: Env, channel: Channel, items: list[Any], consents: ConsentSnapshot
) -> None:
    problems = [i for i in items if i.decision.verdict is not Verdict.ALLOWED]
    if problems:
        table = Table(title=_t(M.NOT_ALLOWED_FOR, channel=channel))
        table.add_column(_t(M.COL_PHOTO), overflow="fold")
        table.add_column(_t(M.COL_DECISION))
        table.add_column(_t(M.COL_WHY), overflow="fold")
        for item in problems:
            why = _why(item.decision.reasons, consents)
            table.add_row(item.photo.photo.shown, _verdict(item.decision.verdict.value), why)
        env.out.print(table)
    env.out.print(
        _t(M.CHECK_SUMMARY, channel=channel, n=len(items), **summary(items)), markup=False
    )


def _verdict(value: str) -> str:
    """A verdict's code (allowed, blocked, review) as a person reads it."""
    text = M.VERDICT.get(value)
    return value if text is None else _t(text)


def _counts(env: Env, results: dict[Channel, list[Any]]) -> None:
    for ch, items in results.items():
        env.out.print(_t(M.SORT_LINE, channel=ch.value, **summary(items)), markup=False)


# options of sort and report: several channels, and --group as check has it
_Channels = Annotated[
    list[str] | None,
    typer.Option("--channel", "-c", help=_h(M.OPT_CHANNELS)),
]
_GroupAsForCheck = Annotated[
    str | None,
    typer.Option("--group", metavar="STAMGROEP", help=_h(M.OPT_GROUP_AS_CHECK)),
]


@app.command("sort", help=_h(M.SORT))
def sort_cmd(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help=_h(M.SORT_PATH))],
    out: Annotated[Path, typer.Option("--out", "-o", help=_h(M.SORT_OUT))],
    channel: _Channels = None,
    group: _GroupAsForCheck = None,
    jobs: Annotated[int | None, _JOBS] = None,
    ok_if_review: Annotated[
        bool,
        typer.Option("--ok-if-review", help=_h(M.SORT_OK_IF_REVIEW)),
    ] = False,
    redact: Annotated[bool, typer.Option("--redact", help=_h(M.SORT_REDACT))] = False,
    link: Annotated[bool, typer.Option("--link", help=_h(publish_texts.SORT_LINK))] = False,
) -> None:
    env = _env(ctx)
    policy = _policy(env, matching=True)
    channels = [policy.require_channel(c) for c in channel] if channel else list(policy.channels)
    with _store(env, policy) as store, _progress(env, "sorting") as progress:
        run = commands.sort(
            policy,
            store,
            path,
            out,
            channels,
            env.engine_factory,
            group=group,
            jobs=_jobs(jobs),
            progress=progress,
            redact=redact,
            link=link,
        )
    _counts(env, run.results)
    if run.stale_copies_removed:
        env.out.print(_t(M.STALE_REMOVED, n=run.stale_copies_removed, path=path), markup=False)
    for ch, n in run.redacted.items():
        folder = out / ch.value / "redacted"
        env.out.print(_t(M.REDACTED_LINE, channel=ch.value, n=n, folder=folder), markup=False)
    for ch, n in run.approved_copies.items():
        env.out.print(_t(publish_texts.PLACED, channel=ch.value, count=n), markup=False)
    env.out.print(_t(M.COPIES_IN, out=out), markup=False)
    env.out.print(_t(M.REPORT_AT, path=out / commands.REPORT_HTML), markup=False)
    blocked = any(
        item.decision.verdict is Verdict.BLOCKED for items in run.results.values() for item in items
    )
    if blocked or (run.any_not_allowed() and not ok_if_review):
        raise typer.Exit(int(ExitCode.NOT_ALLOWED))


@app.command("report", help=_h(M.REPORT))
def report_cmd(
    ctx: typer.Context,
    paths: Annotated[list[Path], _PATHS],
    output: Annotated[
        Path,
        typer.Option("--output", "-o", metavar=_h(M.META_FILE), help=_h(M.REPORT_OUTPUT)),
    ],
    channel: _Channels = None,
    group: _GroupAsForCheck = None,
    jobs: Annotated[int | None, _JOBS] = None,
) -> None:
    env = _env(ctx)
    policy = _policy(env)
    channels = [policy.require_channel(c) for c in channel] if channel else list(policy.channels)
    with _store(env, policy) as store, _progress(env, "checking") as progress:
        run = commands.report(
            policy,
            store,
            paths,
            channels,
            output,
            env.engine_factory,
            group=group,
            jobs=_jobs(jobs),
            progress=progress,
        )
    _counts(env, run.results)
    env.out.print(_t(M.REPORT_AT, path=output), markup=False)
    if run.any_not_allowed():
        raise typer.Exit(int(ExitCode.NOT_ALLOWED))
