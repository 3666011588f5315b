"""What every command shares: the console that escapes data, the environment, the interface
language of help and messages, the root app and its global options, the store and progress."""

from __future__ import annotations

import getpass
import inspect
import os
import re
import sys
import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, _GeneratorContextManager, contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console, ConsoleRenderable, RenderableType, RenderHook
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
from rich.progress import Progress as RichProgress
from rich.table import Table
from rich.text import Text
from typer._click.core import Command as ClickCommand
from typer._click.exceptions import ClickException
from typer._click.formatting import HelpFormatter
from typer.core import TyperCommand, TyperGroup

from fotopoort import __version__, lang
from fotopoort.cli import usage
from fotopoort.config import Policy, load_policy, resolve_config_path
from fotopoort.engines.faces import DlibEngine
from fotopoort.errors import ExitCode, FotopoortError, UsageError, environment_problem
from fotopoort.lang import Lang
from fotopoort.messages import Text as Message
from fotopoort.messages import cli as M
from fotopoort.messages import errors as E
from fotopoort.messages import render
from fotopoort.messages import usage as U
from fotopoort.pool import Position, Progress
from fotopoort.scan import EngineFactory
from fotopoort.store import Store, exclusive_run
from fotopoort.text import clean


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

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        """click's standalone mode, except that a usage error is shown in the run's language."""

        def run() -> Any:
            return super(_Group, self).main(
                args,
                prog_name,
                complete_var,
                standalone_mode=False,
                windows_expand_args=windows_expand_args,
                **extra,
            )

        if not standalone_mode:
            return run()
        try:
            rv = run()
        except ClickException as exc:
            usage.show(exc)
            sys.exit(exc.exit_code)
        except typer.Abort:
            typer.echo(_t(U.ABORTED), err=True)
            sys.exit(1)
        sys.exit(rv if isinstance(rv, int) and not isinstance(rv, bool) else 0)

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
def _progress(env: Env, doing: str) -> Iterator[Progress | None]:
    """A progress bar on a terminal; plain lines in a log (every tenth of the work, at most
    every 100 photos, with an ETA); nothing with --quiet. `doing` is a key of M.PROGRESS.
    A video analysed in segments shows where it is ("kamp/musical.mp4 03:10/10:00") beside
    the bar, and in a log as one line per segment."""
    what = _t(M.PROGRESS[doing])
    if env.quiet:
        yield None
        return
    if not env.err.is_terminal:
        yield _plain_progress(env, what)
        return
    columns = (
        TextColumn(what),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        TextColumn("{task.fields[video]}", markup=False),
    )
    with RichProgress(*columns, console=env.err, transient=True) as bar:
        task = bar.add_task(what, total=None, video="")

        def update(done: int, total: int, name: str, position: Position | None = None, /) -> None:
            shown = video_position(name, position) if position is not None else ""
            bar.update(task, completed=done, total=total, video=shown)

        yield update


def video_position(name: str, position: Position) -> str:
    """'kamp/musical.mp4 03:10/10:00', in the interface language, the name made safe."""
    at = _clock_time(position.at)
    if position.duration is None:
        return _t(M.PROGRESS_VIDEO_AT, name=clean(name), at=at)
    return _t(M.PROGRESS_VIDEO, name=clean(name), at=at, duration=_clock_time(position.duration))


def _clock_time(seconds: float) -> str:
    """mm:ss, or h:mm:ss from an hour on."""
    whole = max(0, int(seconds))
    hours, rest = divmod(whole, 3600)
    if hours:
        return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"
    return f"{rest // 60:02d}:{rest % 60:02d}"


def _plain_progress(env: Env, what: str) -> Progress:
    start = env.clock()

    def update(done: int, total: int, name: str, position: Position | None = None, /) -> None:
        if position is not None:  # a segment of a long video: one line each
            elapsed = env.clock() - start
            line = _t(
                M.PROGRESS_LINE_VIDEO,
                what=what,
                done=done,
                total=total,
                video=video_position(name, position),
                elapsed=_duration(elapsed),
            )
            env.err.print(line, markup=False, soft_wrap=True)
            return
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


def _jobs(value: int | None) -> int:
    if value is None:
        return os.cpu_count() or 1
    if value < 1:
        raise UsageError(_t(M.JOBS_AT_LEAST_ONE))
    return value
