"""`recheck` and `verify`: what must come down, and the last check before an upload."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from fotopoort import commands
from fotopoort.cli.base import Env, _by, _env, _h, _jobs, _policy, _progress, _store, _t, app
from fotopoort.cli.check import _verdict, _why
from fotopoort.cli.options import _BY_DEFAULT, _CHANNEL_ONLY, _JOBS, _JSON_ONLY
from fotopoort.commands.verify import verify as verify_out
from fotopoort.errors import ExitCode, UsageError
from fotopoort.messages import cli as M
from fotopoort.messages import errors as E
from fotopoort.messages import publish as publish_texts
from fotopoort.model import ConsentSnapshot, ReasonCode, Verdict
from fotopoort.reports.json import reasons_json


@app.command(help=_h(M.RECHECK))
def recheck(
    ctx: typer.Context,
    channel: Annotated[str | None, _CHANNEL_ONLY] = None,
    as_json: Annotated[bool, _JSON_ONLY] = False,
    jobs: Annotated[int | None, _JOBS] = None,
    done: Annotated[
        list[Path] | None,
        typer.Option("--done", metavar=_h(M.META_PHOTO), help=_h(M.RECHECK_DONE)),
    ] = None,
    all_gone: Annotated[bool, typer.Option("--all-gone", help=_h(M.RECHECK_ALL_GONE))] = False,
    by: Annotated[str | None, _BY_DEFAULT] = None,
) -> None:
    env = _env(ctx)
    policy = _policy(env, matching=True)
    ch = policy.require_channel(channel) if channel else None
    actor = _by(by) if done or all_gone else ""
    with _store(env, policy) as store, _progress(env, "rechecking") as progress:
        if done or all_gone:
            photos_down, copies_down = commands.taken_down(store, done or [], all_gone, actor)
            for p in photos_down:
                env.err.print(
                    _t(M.TAKEN_DOWN, path=p.display, channel=p.channel),
                    markup=False,
                    soft_wrap=True,
                )
            for a in copies_down:
                env.err.print(
                    _t(M.TAKEN_DOWN, path=a.path, channel=a.channel)
                    + f" ({_t(publish_texts.REDACTED_COPY)})",
                    markup=False,
                    soft_wrap=True,
                )
        run = commands.recheck(
            policy, store, env.engine_factory, ch, jobs=_jobs(jobs), progress=progress
        )
    take_down, newly = run.take_down(), run.newly_allowed()
    if as_json:
        doc = {
            "snapshot": {
                "sha256": run.snapshot.snapshot.sha256,
                "imported_at": run.snapshot.imported_at,
            },
            "take_down": [_recheck_entry(r, run.snapshot.snapshot) for r in take_down]
            + [_copy_down_entry(c) for c in run.copies],
            "newly_allowed": [_recheck_entry(r, run.snapshot.snapshot) for r in newly],
            "changed_copies": [
                {"path": c.path, "channel": c.channel, "kind": c.kind, "sha256": c.sha256}
                for c in run.changed_copies
            ],
            "rechecked": len(run.items),
        }
        typer.echo(json.dumps(doc, indent=2, ensure_ascii=False))
    else:
        consents = run.snapshot.snapshot
        _render_recheck(env, take_down, _t(M.TAKE_DOWN_TITLE), consents, run.copies)
        _render_recheck(env, newly, _t(M.NEWLY_ALLOWED_TITLE), consents)
        for c in run.changed_copies:
            env.out.print(
                _t(publish_texts.COPY_CHANGED, path=c.path, channel=c.channel),
                markup=False,
                soft_wrap=True,
            )
        env.out.print(
            _t(
                M.RECHECK_SUMMARY,
                n=len(run.items),
                take_down=len(take_down) + len(run.copies),
                newly=len(newly),
            ),
            markup=False,
        )
    if take_down or run.copies or run.changed_copies:
        raise typer.Exit(int(ExitCode.NOT_ALLOWED))


def _recheck_entry(r: commands.Rechecked, consents: ConsentSnapshot) -> dict[str, Any]:
    return {
        "path": r.previous.display,  # as given; `resolved` is the photo's identity
        "resolved": r.previous.path,
        "channel": r.previous.channel,
        "group": r.previous.group,
        "was": r.previous.basis,
        "decision": r.item.decision.verdict.value,
        "reasons": reasons_json(
            (x for x in r.item.decision.reasons if x.code is not ReasonCode.CONSENT), consents
        ),
    }


def _copy_down_entry(c: commands.CopyDown) -> dict[str, Any]:
    a = c.approval
    return {
        "path": a.path,
        "channel": a.channel,
        "group": None,
        "was": Verdict.ALLOWED.value,
        "decision": Verdict.BLOCKED.value,
        "reasons": [{"code": "copy_no_longer_allowed", "child": None, "message": c.why}],
        "copy": {
            "kind": "redacted",
            "path": a.placed_path,
            "sha256": a.copy_sha256,
            "original_sha256": a.original_sha256,
            "approved_by": a.by,
        },
    }


def _render_recheck(
    env: Env,
    rows: list[commands.Rechecked],
    title: str,
    consents: ConsentSnapshot,
    copies: Sequence[commands.CopyDown] = (),
) -> None:
    if not rows and not copies:
        return
    table = Table(title=title)
    for col in (M.COL_CHANNEL, M.COL_PHOTO, M.COL_NOW, M.COL_WHY):
        table.add_column(_t(col), overflow="fold")
    for r in rows:
        why = _why(r.item.decision.reasons, consents)
        verdict = _verdict(r.item.decision.verdict.value)
        table.add_row(r.previous.channel, r.previous.display, verdict, why)
    for c in copies:
        kind = _t(publish_texts.REDACTED_COPY)
        shown = f"{c.approval.placed_path or c.approval.path} ({kind})"
        table.add_row(c.approval.channel, shown, _verdict(Verdict.BLOCKED.value), c.why)
    env.out.print(table)


@app.command("verify", help=_h(M.VERIFY))
def verify_cmd(
    ctx: typer.Context,
    out: Annotated[Path, typer.Argument(help=_h(M.VERIFY_OUT))],
    channel: Annotated[str | None, _CHANNEL_ONLY] = None,
) -> None:
    env = _env(ctx)
    policy = _policy(env)
    channels = [policy.require_channel(channel)] if channel else list(policy.channels)
    if not out.is_dir():
        raise UsageError(_t(E.NOT_A_FOLDER, path=out))
    with _store(env, policy, write=False) as store:
        run = verify_out(store, out, channels)
    for finding in run.findings:
        env.out.print(_t(M.VERIFY_FINDING, path=finding.path, why=finding.why), markup=False)
    env.out.print(_t(M.VERIFY_SUMMARY, n=run.checked, bad=len(run.findings)), markup=False)
    if run.findings:
        raise typer.Exit(int(ExitCode.NOT_ALLOWED))
