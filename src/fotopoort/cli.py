"""The command line: parse, call one command function, render. The only UI module."""

from __future__ import annotations

import csv
import getpass
import inspect
import io
import json
import os
import re
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, _GeneratorContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console, ConsoleRenderable, RenderableType, RenderHook
from rich.markup import escape
from rich.measure import Measurement
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text
from typer._click.core import Command as ClickCommand
from typer._click.formatting import HelpFormatter
from typer.core import TyperCommand, TyperGroup

from fotopoort import __version__, commands, lang
from fotopoort.calibrate import (
    RECOMMENDED_REFERENCES,
    Calibration,
    calibrate,
    enrolment_notes,
    write_thresholds,
)
from fotopoort.channels import CHANNEL_NAMES, Channel
from fotopoort.commands.verify import verify as verify_out
from fotopoort.config import Policy, load_policy, resolve_config_path, write_template
from fotopoort.consents import ConsentChange
from fotopoort.engines.faces import DlibEngine
from fotopoort.errors import ExitCode, FotopoortError, UsageError, environment_problem
from fotopoort.lang import Lang
from fotopoort.messages import Text as Message
from fotopoort.messages import cli as M
from fotopoort.messages import errors as E
from fotopoort.messages import publish as publish_texts
from fotopoort.messages import render
from fotopoort.messages import web as web_texts
from fotopoort.messages.reasons import reason_text
from fotopoort.model import ConsentSnapshot, Reason, ReasonCode, Verdict
from fotopoort.reports.json import check_document, reasons_json, summary
from fotopoort.scan import EngineFactory, readable
from fotopoort.store import Store, exclusive_run
from fotopoort.text import clean, csv_cell


def _console(stderr: bool = False) -> Console:
    console = Console(stderr=stderr, highlight=False)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console.width = 160  # a file or a pipe: don't squeeze tables into 80 columns
    return console


class _Sanitiser(RenderHook):
    """Every data string rendered: control characters stripped; table cells and titles are
    data, so their rich markup is escaped ("[/]Daan" is a name, not a closing tag)."""

    def process_renderables(self, renderables: list[ConsoleRenderable]) -> list[ConsoleRenderable]:
        return [self._one(r) for r in renderables]

    def _one(self, r: ConsoleRenderable) -> ConsoleRenderable:
        if isinstance(r, Text):
            if not r.spans:
                return Text(clean(r.plain), style=r.style, end=r.end, justify=r.justify)
            r.plain = "".join(c if clean(c) == c else "\ufffd" for c in r.plain)
            return r
        if isinstance(r, Table):
            if isinstance(r.title, str):
                r.title = escape(clean(r.title))
            for column in r.columns:
                column._cells = [_safe_cell(c) for c in column._cells]
        return r


def _safe_cell(cell: RenderableType) -> RenderableType:
    return escape(clean(cell)) if isinstance(cell, str) else cell


def _sanitise(console: Console) -> Console:
    if not getattr(console, "_fotopoort_sanitised", False):
        console.push_render_hook(_Sanitiser())
        console._fotopoort_sanitised = True  # type: ignore[attr-defined]
    return console


@dataclass
class Env:
    """The outside world, injectable for tests."""

    engine_factory: EngineFactory = DlibEngine
    out: Console = field(default_factory=_console)
    err: Console = field(default_factory=lambda: _console(stderr=True))
    config: Path | None = None
    debug: bool = False
    wait: float = 600.0
    quiet: bool = False
    clock: Callable[[], float] = time.monotonic  # for the ETA of plain progress lines


# --- the interface language ----------------------------------------------------------------
#
# typer reads help texts when the module is imported, before --lang is parsed: each help text
# is given as its English form and registered here, and the command classes below put it in
# the run's language at the moment a help page is formatted.

_HELP: dict[str, tuple[Message, dict[str, Any]]] = {}


def _h(text: Message, **params: Any) -> str:
    """A help text (or metavar) for typer, shown in the run's language."""
    for form in (text.en, text.nl):
        _HELP[inspect.cleandoc(form.format(**params))] = (text, params)
    return text.en.format(**params)


def _localised(value: str | None) -> str | None:
    if not value:
        return value
    found = _HELP.get(inspect.cleandoc(value))
    return value if found is None else render(found[0], **found[1])


def _t(text: Message, **params: Any) -> str:
    return render(text, **params)


_EXTRA = re.compile(r"(?<=[\[; ])(default: |required(?=[\];]))")


class _Formatter(HelpFormatter):
    """click's help frame (headings, 'Usage:', '[default: ...]') in the run's language."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, _t(M.USAGE) if prefix is None else prefix)

    def section(self, name: str) -> _GeneratorContextManager[None, None, None]:
        heading = M.HEADINGS.get(name)
        return super().section(name if heading is None else _t(heading))

    def write_dl(self, rows: Sequence[tuple[str, str]], *args: Any, **kwargs: Any) -> None:
        extra = {"default: ": _t(M.DEFAULT), "required": _t(M.REQUIRED)}
        rows = [(a, _EXTRA.sub(lambda m: extra[m.group(1)], b)) for a, b in rows]
        super().write_dl(rows, *args, **kwargs)


class _Context(typer.Context):
    formatter_class = _Formatter


class _LocalisedHelp(ClickCommand):
    """Help texts in the run's language, put in when a help page is made (after --lang)."""

    context_class = _Context

    def _localise(self, ctx: Any) -> None:
        self.help = _localised(self.help)
        for param in self.get_params(ctx):
            for attr in ("help", "metavar"):
                setattr(param, attr, _localised(getattr(param, attr, None)))
        option = self.get_help_option(ctx)
        if option is not None:
            option.help = _t(M.HELP_OPTION)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self._localise(ctx)
        super().format_help(ctx, formatter)

    def get_usage(self, ctx: Any) -> str:
        self._localise(ctx)
        return super().get_usage(ctx)

    def get_short_help_str(self, limit: int = 45) -> str:
        self.help = _localised(self.help)
        return super().get_short_help_str(limit)


class _Localised(_LocalisedHelp, TyperCommand):
    pass


class _Group(_LocalisedHelp, TyperGroup):
    """The one place where errors become exit codes."""

    def invoke(self, ctx: Any) -> Any:  # typer's own (vendored) click Context
        try:
            return super().invoke(ctx)
        except FotopoortError as exc:
            env = ctx.obj if isinstance(ctx.obj, Env) else Env()
            if env.debug:
                traceback.print_exc()
            env.err.print(_t(E.ERROR, message=exc), markup=False, soft_wrap=True)
            raise typer.Exit(int(exc.exit_code)) from None
        except KeyboardInterrupt:
            typer.echo(_t(E.INTERRUPTED), err=True)
            raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
        except (typer.Exit, typer.Abort, typer.TyperException):  # usage errors: exit 2
            raise
        except Exception as exc:  # a bug: one line, never locals (they may hold encodings)
            env = ctx.obj if isinstance(ctx.obj, Env) else Env()
            if env.debug:
                traceback.print_exc()
            problem = environment_problem(exc)
            if problem is not None:  # the machine, not fotopoort: full disk, read-only, ...
                env.err.print(_t(E.ERROR, message=problem), markup=False, soft_wrap=True)
                raise typer.Exit(int(ExitCode.USAGE)) from None
            env.err.print(
                _t(E.INTERNAL, kind=type(exc).__name__, message=exc),
                markup=False,
                soft_wrap=True,
            )
            raise typer.Exit(int(ExitCode.INTERNAL)) from None


_F = TypeVar("_F", bound=Callable[..., Any])


class _App(typer.Typer):
    """A typer app whose commands are _Localised unless they say otherwise."""

    def command(  # typer's keywords, passed on as they are
        self, name: str | None = None, **kwargs: Any
    ) -> Callable[[_F], _F]:
        kwargs.setdefault("cls", _Localised)
        return super().command(name, **kwargs)


app = _App(
    cls=_Group,
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    help=_h(M.APP),
)
consents_app = _App(cls=_Group, no_args_is_help=True, help=_h(M.CONSENTS_APP))
app.add_typer(consents_app, name="consents")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"fotopoort {__version__}")
        raise typer.Exit()


class _LangChoice(StrEnum):
    NL = "nl"
    EN = "en"


def _set_lang(value: _LangChoice | None) -> None:
    if value is not None:
        lang.set_language(lang.parse(value.value))


def _lang_in(argv: list[str]) -> Lang | None:
    """--lang from the command line, read before typer builds anything (main() sets it)."""
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv):
            return lang.parse(argv[i + 1])
        if arg.startswith("--lang="):
            return lang.parse(arg.removeprefix("--lang="))
    return None


@app.callback()
def _main(
    ctx: typer.Context,
    config: Annotated[
        Path | None,
        typer.Option("--config", help=_h(M.OPT_CONFIG), show_default=False),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help=_h(M.OPT_DEBUG))] = False,
    wait: Annotated[
        float,
        typer.Option("--wait", metavar=_h(M.META_SECONDS), min=0, help=_h(M.OPT_WAIT)),
    ] = 600.0,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help=_h(M.OPT_VERSION)),
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help=_h(M.OPT_QUIET))] = False,
    language: Annotated[
        _LangChoice | None,
        typer.Option(
            "--lang",
            callback=_set_lang,
            is_eager=True,  # before --help, so `--lang nl --help` is Dutch
            help=_h(M.OPT_LANG),
            show_default=False,
        ),
    ] = None,
) -> None:
    env = ctx.obj if isinstance(ctx.obj, Env) else Env()
    _sanitise(env.out)
    _sanitise(env.err)
    env.config = config
    env.debug = debug
    env.wait = wait
    env.quiet = quiet
    if quiet:
        env.out.quiet = True
    ctx.obj = env


def _env(ctx: typer.Context) -> Env:
    obj = ctx.find_root().obj
    return obj if isinstance(obj, Env) else Env()


def _by(value: str | None) -> str:
    """Who acts, for the audit trail: --by, else the login name. Never empty."""
    if value is None:
        try:
            return getpass.getuser() or "unknown"
        except (OSError, KeyError):  # no login name (a container, a service account)
            return "unknown"
    if not value.strip():
        raise UsageError(_t(M.BY_EMPTY))
    return value.strip()


_BY_DEFAULT = typer.Option("--by", help=_h(M.OPT_BY_DEFAULT))


def _policy(env: Env, *, matching: bool = False) -> Policy:
    """The policy; for a command that matches faces, a warning per threshold that is looser
    than the measured safe range."""
    policy = load_policy(resolve_config_path(env.config))
    for warning in policy.looser_than_measured() if matching else []:
        env.err.print(_t(E.WARNING, message=warning), markup=False, soft_wrap=True)
    return policy


@contextmanager
def _store(env: Env, policy: Policy, *, write: bool = True) -> Iterator[Store]:
    """The database; commands that write hold the run lock for their whole run. Commands
    that only read never create it (nor its folder)."""
    if write:
        policy.database.parent.mkdir(parents=True, exist_ok=True)

    def waiting() -> None:
        env.err.print(_t(M.WAITING, database=policy.database, seconds=env.wait), markup=False)

    with ExitStack() as stack:
        if write:
            stack.enter_context(exclusive_run(policy.database, env.wait, waiting))
        store = Store(policy.database, read_only=not write)
        stack.callback(store.close)
        if policy.database.stat().st_mode & 0o077:
            env.err.print(
                _t(E.WARNING, message=_t(M.DATABASE_READABLE, database=policy.database)),
                markup=False,
                soft_wrap=True,
            )
        yield store


@contextmanager
def _progress(env: Env, doing: str) -> Iterator[Callable[[int, int, str], None] | None]:
    """A progress bar on a terminal; plain lines in a log (every tenth of the work, at most
    every 100 photos, with an ETA); nothing with --quiet. `doing` is a key of M.PROGRESS."""
    what = _t(M.PROGRESS[doing])
    if env.quiet:
        yield None
        return
    if not env.err.is_terminal:
        yield _plain_progress(env, what)
        return
    columns = (TextColumn(what), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=env.err, transient=True) as bar:
        task = bar.add_task(what, total=None)

        def update(done: int, total: int, _name: str) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def _plain_progress(env: Env, what: str) -> Callable[[int, int, str], None]:
    start = env.clock()

    def update(done: int, total: int, _name: str) -> None:
        step = max(1, min(100, total // 10))
        if not done or (done % step and done != total):
            return
        elapsed = env.clock() - start
        line = _t(M.PROGRESS_LINE, what=what, done=done, total=total, elapsed=_duration(elapsed))
        if done < total:
            line += _t(M.PROGRESS_LEFT, left=_duration(elapsed / done * (total - done)))
        env.err.print(line, markup=False, soft_wrap=True)

    return update


def _duration(seconds: float) -> str:
    if seconds < 120:
        return _t(M.SECONDS, n=seconds)
    return _t(M.MINUTES, n=seconds / 60)


# --- init ---------------------------------------------------------------------------------


@app.command(help=_h(M.INIT))
def init(
    ctx: typer.Context,
    directory: Annotated[Path, typer.Argument(help=_h(M.INIT_DIRECTORY))] = Path(),
) -> None:
    target = write_template(directory)
    _env(ctx).out.print(_t(M.INIT_WROTE, target=target), markup=False)


# --- consents -------------------------------------------------------------------------------


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
        env.out.print(_t(M.ENCODINGS_DELETED, child=child, why=why), markup=False)
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


_JSON_TABLE = typer.Option("--json", help=_h(M.OPT_JSON_TABLE))


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


_JOBS = typer.Option("--jobs", "-j", help=_h(M.OPT_JOBS))


def _jobs(value: int | None) -> int:
    if value is None:
        return os.cpu_count() or 1
    if value < 1:
        raise UsageError(_t(M.JOBS_AT_LEAST_ONE))
    return value


# --- enrolment ------------------------------------------------------------------------------


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
        env.err.print(_t(M.IGNORED, entry=entry, why=why), markup=False)
    enrolled = skipped = 0
    for o in report.children:
        who = f"{o.name} ({o.child})" if o.name else o.child
        if o.skipped_why:
            skipped += 1
            env.out.print(_t(M.ENROL_SKIPPED, who=who, why=o.skipped_why), markup=False)
            continue
        for name, why in o.skipped_photos:
            env.out.print(_t(M.ENROL_PHOTO_UNUSED, who=who, name=name, why=why), markup=False)
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


# --- check and sort -------------------------------------------------------------------------


_PATHS = typer.Argument(help=_h(M.ARG_PATHS))
_JSON_ONLY = typer.Option("--json", help=_h(M.OPT_JSON_ONLY))


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


# --- recheck, review, audit -----------------------------------------------------------------


_CHANNEL_ONLY = typer.Option("--channel", "-c", help=_h(M.OPT_CHANNEL_ONLY_DEFAULT_ALL))


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


review_app = _App(cls=_Group, no_args_is_help=True, help=_h(M.REVIEW_APP))
app.add_typer(review_app, name="review")

_BY = typer.Option("--by", help=_h(M.OPT_BY))
_NOTE = typer.Option("--note", help=_h(M.OPT_NOTE))
_REVIEW_PHOTO = typer.Argument(metavar=_h(M.META_PHOTO), help=_h(M.REVIEW_PHOTO))


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
    face: Annotated[int, typer.Option("--face", help=_h(M.REVIEW_FACE))],
    by: Annotated[str, _BY],
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
    with _store(env, policy) as store:
        items = commands.review_assign(policy, store, photo, face, child, _by(by), note)
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


_JSON = typer.Option("--json", help=_h(M.OPT_JSON))


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


# --- calibrate ----------------------------------------------------------------------------


@app.command("calibrate", help=_h(M.CALIBRATE))
def calibrate_cmd(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help=_h(M.OPT_JSON_TABLES))] = False,
    write: Annotated[bool, typer.Option("--write", help=_h(M.CALIBRATE_WRITE))] = False,
    max_age: Annotated[
        int,
        typer.Option("--max-age", metavar=_h(M.META_DAYS), min=1, help=_h(M.CALIBRATE_MAX_AGE)),
    ] = 365,
) -> None:
    env = _env(ctx)
    policy = _policy(env)
    with _store(env, policy, write=False) as store:
        refs = store.reference_encodings()
        dates = store.reference_dates()
        current = store.current_snapshot()
        now = datetime.fromisoformat(store.now())
    if not refs:
        raise UsageError(_t(M.NOBODY_ENROLLED))
    result = calibrate(refs, dates, policy.thresholds, now, max_age)
    names = {c: v.first_name for c, v in (current.snapshot.children if current else {}).items()}
    backup = None
    if write and result.changes:
        backup = write_thresholds(policy.path, result.recommended, now)
    if as_json:
        doc = _calibration_json(result, names)
        doc["written"] = {"backup": str(backup)} if backup else None
        typer.echo(json.dumps(doc, indent=2, ensure_ascii=False))
        return
    _render_calibration(env, result, names)
    if write:
        if backup:
            env.out.print(_t(M.CALIBRATE_WROTE, path=policy.path, backup=backup), markup=False)
        else:
            env.out.print(_t(M.CALIBRATE_ALREADY, path=policy.path), markup=False)


def _calibration_json(result: Calibration, names: dict[str, str]) -> dict[str, Any]:
    return {
        "thresholds": result.thresholds.as_dict(),
        "recommended": result.recommended.as_dict(),
        "children": [
            {
                "child": c.child,
                "name": names.get(c.child, ""),
                "references": c.references,
                "spread": c.spread,
                "radius": c.radius,
                "self_identified": c.self_identified,
                "nearest_other": c.nearest_other,
                "nearest_other_distance": c.nearest_other_distance,
                "lookalike": c.lookalike,
                "named_when_absent": list(c.named_when_absent),
                "oldest_reference": c.oldest_reference,
                "old_references": c.old_references,
            }
            for c in result.children
        ],
        "lookalike_pairs": [
            {"child": a, "other": b, "distance": d} for a, b, d in result.lookalike_pairs
        ],
        "evidence": [
            {
                "spread_factor": e.spread_factor,
                "wrong_when_absent": e.wrong,
                "self_identified": e.self_identified,
                "references": e.references,
            }
            for e in result.evidence
        ],
        "max_reference_age_days": result.max_reference_age_days,
    }


def _num(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}"


def _render_calibration(env: Env, result: Calibration, names: dict[str, str]) -> None:
    def who(child: str | None) -> str:
        if child is None:
            return "-"
        return f"{names[child]} ({child})" if names.get(child) else child

    table = Table(title=_t(M.CAL_TITLE))
    for col in M.CAL_COLUMNS:
        table.add_column(_t(col))
    for c in result.children:
        wrong = ", ".join(who(w) for w in c.named_when_absent) or _t(M.CAL_NO)
        table.add_row(
            *(
                escape(v)
                for v in (
                    who(c.child),
                    str(c.references),
                    _num(c.spread),
                    _t(M.CAL_NEVER) if c.radius is None else _num(c.radius),
                    _t(M.CAL_NA)
                    if c.self_identified is None
                    else _t(M.CAL_OF, n=c.self_identified, total=c.references),
                    who(c.nearest_other) + (_t(M.CAL_LOOKALIKE) if c.lookalike else ""),
                    _num(c.nearest_other_distance),
                    wrong,
                    (c.oldest_reference or "-") + (_t(M.CAL_OLD) if c.old_references else ""),
                )
            )
        )
    env.out.print(table)
    out = env.out
    if result.lookalike_pairs:
        out.print(_t(M.CAL_PAIRS), markup=False)
        for a, b, d in result.lookalike_pairs:
            out.print(f"  {who(a)} - {who(b)}: {d:.2f}", markup=False)
    else:
        out.print(_t(M.CAL_NO_PAIRS), markup=False)
    short = [c for c in result.children if c.references < RECOMMENDED_REFERENCES]
    rec = RECOMMENDED_REFERENCES
    out.print(
        _t(M.CAL_FEW, recommended=rec, n=len(short), total=len(result.children))
        + (_t(M.CAL_FEW_ADVICE, recommended=rec) if short else ""),
        markup=False,
    )
    old = ", ".join(
        f"{who(c.child)} {c.old_references}" for c in result.children if c.old_references
    )
    out.print(
        _t(M.CAL_OLD_REFS, age=result.max_reference_age_days, children=old or _t(M.CAL_NONE)),
        markup=False,
    )
    out.print(_t(M.CAL_EVIDENCE), markup=False)
    for e in result.evidence:
        chosen = e.spread_factor == result.recommended.spread_factor
        line = _t(
            M.CAL_EVIDENCE_LINE,
            factor=e.spread_factor,
            wrong=e.wrong,
            recognised=e.self_identified,
            references=e.references,
            mark=_t(M.CAL_RECOMMENDED_MARK) if chosen else "",
        )
        out.print(line, markup=False)
    now_f, rec_f = result.thresholds.spread_factor, result.recommended.spread_factor
    if result.changes:
        out.print(_t(M.CAL_RECOMMEND, new=rec_f, now=now_f), markup=False)
    else:
        out.print(_t(M.CAL_KEEP, now=now_f), markup=False)


def main() -> None:
    # before typer builds anything, so that even a usage error is in the chosen language
    lang.set_language(_lang_in(sys.argv[1:]))
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover - outside a command
        sys.exit(int(ExitCode.INTERRUPTED))
