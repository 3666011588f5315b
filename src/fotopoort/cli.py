"""The command line: parse, call one function in actions.py, render. The only UI module."""

from __future__ import annotations

import csv
import getpass
import io
import json
import os
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console, ConsoleRenderable, RenderableType, RenderHook
from rich.markup import escape
from rich.measure import Measurement
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text
from typer.core import TyperGroup

from . import __version__, actions
from .calibrate import (
    RECOMMENDED_REFERENCES,
    Calibration,
    calibrate,
    enrolment_notes,
    write_thresholds,
)
from .channels import CHANNEL_NAMES, Channel
from .config import Policy, load_policy, resolve_config_path, write_template
from .decide import ReasonCode, Verdict
from .errors import ExitCode, FotopoortError, UsageError, environment_problem
from .faces import DlibEngine
from .output import check_document, reasons_json, summary
from .scan import EngineFactory, readable
from .store import Store, exclusive_run
from .text import clean, csv_cell
from .verify import verify as verify_out


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


class _Group(TyperGroup):
    """The one place where errors become exit codes."""

    def invoke(self, ctx: Any) -> Any:  # typer's own (vendored) click Context
        try:
            return super().invoke(ctx)
        except FotopoortError as exc:
            env = ctx.obj if isinstance(ctx.obj, Env) else Env()
            if env.debug:
                traceback.print_exc()
            env.err.print(f"fotopoort: error: {exc}", markup=False, soft_wrap=True)
            raise typer.Exit(int(exc.exit_code)) from None
        except KeyboardInterrupt:
            typer.echo("fotopoort: interrupted; nothing is lost, run again to resume", err=True)
            raise typer.Exit(int(ExitCode.INTERRUPTED)) from None
        except (typer.Exit, typer.Abort, typer.TyperException):  # usage errors: exit 2
            raise
        except Exception as exc:  # a bug: one line, never locals (they may hold encodings)
            env = ctx.obj if isinstance(ctx.obj, Env) else Env()
            if env.debug:
                traceback.print_exc()
            problem = environment_problem(exc)
            if problem is not None:  # the machine, not fotopoort: full disk, read-only, ...
                env.err.print(f"fotopoort: error: {problem}", markup=False, soft_wrap=True)
                raise typer.Exit(int(ExitCode.USAGE)) from None
            env.err.print(
                f"fotopoort: internal error: {type(exc).__name__}: {exc} "
                "(please report it; --debug shows the traceback)",
                markup=False,
                soft_wrap=True,
            )
            raise typer.Exit(int(ExitCode.INTERNAL)) from None


app = typer.Typer(
    cls=_Group,
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    help="Checks school photos against parents' consent before anything is published.\n\n"
    "Exit codes: 0 success (check/sort: every photo allowed), 1 some photo blocked or in "
    "review (enroll: no child enrolled), 2 usage, configuration or input error, 3 internal "
    "error, 75 another run is busy with the database (try again later), 130 interrupted.",
)
consents_app = typer.Typer(cls=_Group, no_args_is_help=True, help="The consent register.")
app.add_typer(consents_app, name="consents")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"fotopoort {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    ctx: typer.Context,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            help="Policy file (default: $FOTOPOORT_CONFIG, else ./consents.yaml).",
            show_default=False,
        ),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks of errors.")] = False,
    wait: Annotated[
        float,
        typer.Option(
            "--wait",
            metavar="SECONDS",
            min=0,
            help="How long to wait while another run uses the same database.",
        ),
    ] = 600.0,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
    quiet: Annotated[
        bool,
        typer.Option(
            "--quiet",
            "-q",
            help="Print only warnings, errors and --json documents (for jobs); the exit code "
            "says the rest.",
        ),
    ] = False,
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
        raise UsageError("--by may not be empty: say who does this (it goes in the audit trail)")
    return value.strip()


_BY_DEFAULT = typer.Option(
    "--by", help="Who does this, for the audit trail (default: your login name)."
)


def _policy(env: Env, *, matching: bool = False) -> Policy:
    """The policy; for a command that matches faces, a warning per threshold that is looser
    than the measured safe range."""
    policy = load_policy(resolve_config_path(env.config))
    for warning in policy.looser_than_measured() if matching else []:
        env.err.print(f"warning: {warning}", markup=False, soft_wrap=True)
    return policy


@contextmanager
def _store(env: Env, policy: Policy, *, write: bool = True) -> Iterator[Store]:
    """The database; commands that write hold the run lock for their whole run. Commands
    that only read never create it (nor its folder)."""
    if write:
        policy.database.parent.mkdir(parents=True, exist_ok=True)

    def waiting() -> None:
        env.err.print(
            f"waiting for another fotopoort run on {policy.database} to finish "
            f"(at most {env.wait:.0f} s) ...",
            markup=False,
        )

    with ExitStack() as stack:
        if write:
            stack.enter_context(exclusive_run(policy.database, env.wait, waiting))
        store = Store(policy.database, read_only=not write)
        stack.callback(store.close)
        if policy.database.stat().st_mode & 0o077:
            env.err.print(
                f"warning: {policy.database} can be read by other users, and it holds "
                "children's face encodings: `chmod 600` it (a writing command does so)",
                markup=False,
                soft_wrap=True,
            )
        yield store


@contextmanager
def _progress(env: Env, what: str) -> Iterator[Callable[[int, int, str], None] | None]:
    """A progress bar on a terminal; plain lines in a log (every tenth of the work, at most
    every 100 photos, with an ETA); nothing with --quiet."""
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
        line = f"{what}: {done}/{total}, {_duration(elapsed)} elapsed"
        if done < total:
            left = elapsed / done * (total - done)
            line += f", about {_duration(left)} left"
        env.err.print(line, markup=False, soft_wrap=True)

    return update


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.0f} min"


# --- init ---------------------------------------------------------------------------------


@app.command()
def init(
    ctx: typer.Context,
    directory: Annotated[Path, typer.Argument(help="Where to write consents.yaml.")] = Path(),
) -> None:
    """Write a commented consents.yaml template (never overwrites an existing one)."""
    target = write_template(directory)
    _env(ctx).out.print(
        f"wrote {target}: map your export's column labels in it, then run "
        "`fotopoort consents import EXPORT`",
        markup=False,
    )


# --- consents -------------------------------------------------------------------------------


_SHOWN = 40  # change lines and warnings printed by an import; past that, a count


@consents_app.command("import")
def consents_import(
    ctx: typer.Context,
    export: Annotated[Path, typer.Argument(help="The consent export (CSV or XLSX).")],
    older_ok: Annotated[
        bool,
        typer.Option(
            "--older-ok",
            help="Import an export older than the current snapshot (it may bring back "
            "consent withdrawn since).",
        ),
    ] = False,
    yes: Annotated[
        bool,
        typer.Option(
            "--yes",
            help="Import although it gives consent back to, or removes, many children at once.",
        ),
    ] = False,
    by: Annotated[str | None, _BY_DEFAULT] = None,
) -> None:
    """Import a consent export as the new current snapshot (all or nothing).

    Children whose face-recognition consent is withdrawn, or who left, have their encodings
    deleted in the same step. An export older than the current snapshot is refused (unless
    --older-ok), and so is one that gives consent back to, or removes, more than a few
    children at once (over 20% of the school, or over 10 children; unless --yes).
    """
    env = _env(ctx)
    policy = _policy(env)
    with _store(env, policy) as store:
        result = actions.import_consents(
            policy, store, export, older_ok=older_ok, yes=yes, by=_by(by)
        )
    notes = result.snapshot.notes
    for note in notes[:_SHOWN]:
        env.err.print(f"warning: {note}", markup=False, soft_wrap=True)
    if len(notes) > _SHOWN:
        env.err.print(f"warning: ... and {len(notes) - _SHOWN} more warnings", markup=False)
    outcome = result.outcome
    snap = outcome.stored.snapshot
    if outcome.already_current:
        env.out.print(
            f"{export.name}: already the current snapshot (sha256 {snap.sha256[:12]}); nothing "
            "changed",
            markup=False,
        )
        return
    env.out.print(
        f"imported {export.name}: {len(snap.children)} children, snapshot "
        f"{outcome.stored.id} (sha256 {snap.sha256[:12]}"
        + (f", export dated {snap.export_date.isoformat()}" if snap.export_date else "")
        + ")",
        markup=False,
    )
    for change in result.changes[:_SHOWN]:
        env.out.print(f"changed  {change.describe()}", markup=False)
    if len(result.changes) > _SHOWN:
        env.out.print(
            f"changed  ... and {len(result.changes) - _SHOWN} more: "
            "`fotopoort consents diff` lists every change",
            markup=False,
        )
    for child, why in outcome.forgotten:
        env.out.print(f"deleted the face encodings of {child}: {why}", markup=False)
    if result.changes:
        env.out.print("run `fotopoort recheck` for the photos this affects", markup=False)


_SHORT_COLUMN = {
    "portfolio": "port",
    "stamgroep": "stam",
    "school": "schl",
    "website": "web",
    "training": "trng",
    "research": "rsch",
    "biometric": "bio",
}


@consents_app.command("show")
def consents_show(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    child: Annotated[
        str | None, typer.Option("--child", metavar="NR", help="Only this leerlingnummer.")
    ] = None,
) -> None:
    """Show the current consent snapshot: one row per child, one column per channel."""
    env = _env(ctx)
    policy = _policy(env)
    with _store(env, policy, write=False) as store:
        stored = store.require_snapshot()
    snap = stored.snapshot
    children = list(snap.children.values())
    if child is not None:
        children = [c for c in children if c.child == child]
        if not children:
            raise UsageError(f"no child {child!r} in the current snapshot")
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
        table = Table(title=f"{snap.source} (imported {stored.imported_at})", pad_edge=False)
        # identifiers are never cut: the number column is as wide as its longest number
        widest = max((len(c.child) for c in children), default=5)
        table.add_column("child", no_wrap=True, min_width=max(5, widest))
        for col, values in (
            ("name", [c.first_name for c in children]),
            ("group", [c.group for c in children]),
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

    columns = [*[ch.value for ch in channels], "biometric"]
    # measured as printed (cells escaped by the render hook), on a copy: escaped once only
    trial = _Sanitiser().process_renderables([table_with(columns)])[0]
    natural = Measurement.get(env.out, env.out.options.update_width(10_000), trial).maximum
    short = None
    table = table_with(columns)
    if natural > env.out.width:
        # a narrow terminal: short column names and a legend, rather than a table cut off
        short = [_SHORT_COLUMN[col] for col in columns]
        table = table_with(short)
    env.out.print(table)
    if short is not None:
        env.out.print(
            "; ".join(f"{s} = {col}" for s, col in zip(short, columns, strict=True)),
            markup=False,
        )
    never = [c for c in children if c.unanswered or c.biometric_unanswered]
    if never:
        env.out.print(
            f"? = never answered (empty or 'Niet ingevuld'; counts as no): {len(never)} "
            "children whose parents could be asked again: "
            + ", ".join(f"{c.first_name} ({c.child})" if c.first_name else c.child for c in never),
            markup=False,
        )


@consents_app.command("diff")
def consents_diff(
    ctx: typer.Context,
    old: Annotated[
        int | None, typer.Argument(help="Snapshot number (default: the previous).")
    ] = None,
    new: Annotated[
        int | None, typer.Argument(help="Snapshot number (default: the current).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of lines.")] = False,
) -> None:
    """What changed between two imported exports: per child and channel, given or withdrawn."""
    env = _env(ctx)
    policy = _policy(env)
    with _store(env, policy, write=False) as store:
        a, b, changes = actions.consents_diff(policy, store, old, new)
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
    env.out.print(
        f"snapshot {a.id} ({a.snapshot.source}, imported {a.imported_at}) -> snapshot {b.id} "
        f"({b.snapshot.source}, imported {b.imported_at})",
        markup=False,
    )
    for change in changes:
        env.out.print(f"  {change.describe()}", markup=False)
    env.out.print(f"{len(changes)} changes", markup=False)


_JOBS_HELP = "Worker processes (default: all cores)."


def _jobs(value: int | None) -> int:
    if value is None:
        return os.cpu_count() or 1
    if value < 1:
        raise UsageError("--jobs must be at least 1")
    return value


# --- enrolment ------------------------------------------------------------------------------


@app.command()
def enroll(
    ctx: typer.Context,
    refdir: Annotated[
        Path, typer.Argument(help="A folder with one folder per leerlingnummer of photos.")
    ],
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", help=_JOBS_HELP)] = None,
    child: Annotated[
        list[str] | None,
        typer.Option(
            "--child",
            metavar="NR",
            help="Only this child's folder; repeat for several. A forgotten child is enrolled "
            "again only this way, after a newer export gives consent again.",
        ),
    ] = None,
    by: Annotated[str | None, _BY_DEFAULT] = None,
) -> None:
    """Enrol children from reference photos: only those with face-recognition consent (Ja).

    Each reference photo must show exactly one face, large enough to identify. Re-running is
    safe: photos already enrolled are recognised by their content. A child `forget` was run
    for stays forgotten: only `--child NR`, after a newer export gives consent again, enrols
    it again.
    """
    env = _env(ctx)
    policy = _policy(env)
    with _store(env, policy) as store, _progress(env, "enrolling") as progress:
        report = actions.enroll(
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
        env.err.print(f"ignored {entry}: {why}", markup=False)
    enrolled = skipped = 0
    for o in report.children:
        who = f"{o.name} ({o.child})" if o.name else o.child
        if o.skipped_why:
            skipped += 1
            env.out.print(f"skipped  {who}: {o.skipped_why}", markup=False)
            continue
        for name, why in o.skipped_photos:
            env.out.print(f"         {who}: photo {name} not used: {why}", markup=False)
        if o.enrolled or o.already:
            enrolled += 1
            env.out.print(
                f"enrolled {who}: {o.enrolled} new, {o.already} already enrolled", markup=False
            )
        else:
            skipped += 1
            env.out.print(f"skipped  {who}: no usable reference photo", markup=False)
    env.out.print(f"{enrolled} children enrolled, {skipped} skipped", markup=False)
    _render_enrolment_notes(env, policy, {o.child for o in report.children if not o.skipped_why})
    if not enrolled:  # a job that did nothing is not a success
        env.err.print(
            f"fotopoort: no child enrolled from {refdir}: "
            + (
                f"none of its {skipped} folders gave an enrolled child (see why above)"
                if skipped
                else "it holds no folder per leerlingnummer"
            ),
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
            env.out.print(
                f"note     {who(note.child)}: {note.references} reference photo(s), too few to "
                "be recognised automatically (its photos go to review): add reference photos",
                markup=False,
            )
        elif note.references < RECOMMENDED_REFERENCES:
            short.append(note.child)
        if note.lookalike_of is not None:
            env.out.print(
                f"note     {who(note.child)} and {who(note.lookalike_of)} look alike to the "
                "model: faces like theirs go to review (see `fotopoort calibrate`)",
                markup=False,
            )
    if short:
        named = ", ".join(who(c) for c in short[:5]) + (", ..." if len(short) > 5 else "")
        env.out.print(
            f"note     {len(short)} of the children enrolled have fewer than "
            f"{RECOMMENDED_REFERENCES} reference photos ({named}): "
            f"with {RECOMMENDED_REFERENCES}, from different days, many more of their photos are "
            "recognised instead of going to review (docs/accuracy.md)",
            markup=False,
        )


@app.command()
def enrolled(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """List enrolled children: number of reference photos and enrolment date."""
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
    for col in ("child", "name", "references", "enrolled"):
        table.add_column(col)
    for r in rows:
        name = names[r.child].first_name if r.child in names else ""
        table.add_row(r.child, name, str(r.references), r.first_enrolled)
    env.out.print(table)
    env.out.print(f"{len(rows)} children enrolled", markup=False)


@app.command()
def forget(
    ctx: typer.Context,
    child: Annotated[str, typer.Argument(metavar="NR", help="The child's leerlingnummer.")],
    by: Annotated[str | None, _BY_DEFAULT] = None,
) -> None:
    """Delete every face encoding and cached result of one child.

    In the audit trail and in human reviews the child's number is replaced by a pseudonym."""
    env = _env(ctx)
    policy = _policy(env)
    with _store(env, policy) as store:
        result = actions.forget(store, child, _by(by))
    env.out.print(
        f"forgot {child}: {result.deleted} reference encodings deleted; the child is not "
        "enrolled again until a newer consent export gives face-recognition consent and a "
        f"person runs `fotopoort enroll FOLDER --child {child}`",
        markup=False,
    )
    if result.photos_left:
        env.out.print(
            f"{len(result.photos_left)} reference photos are still on disk; fotopoort never "
            "deletes photos, they are the school's to delete:",
            markup=False,
        )
        for path in result.photos_left:
            env.out.print(f"  {path}", markup=False, soft_wrap=True)
    if result.photos_unknown:
        env.out.print(
            "reference photos enrolled before fotopoort kept their folder (the school's to "
            f"delete, if still there): {', '.join(result.photos_unknown)}",
            markup=False,
            soft_wrap=True,
        )


# --- check and sort -------------------------------------------------------------------------


@app.command()
def check(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help="Photos or folders (recursive).")],
    channel: Annotated[
        str, typer.Option("--channel", "-c", help=f"One of: {', '.join(CHANNEL_NAMES)}.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document only.")] = False,
    group: Annotated[
        str | None,
        typer.Option(
            "--group",
            metavar="STAMGROEP",
            help="For the stamgroep channel: the group whose parents see the photo. Children "
            "of other groups then need their school consent.",
        ),
    ] = None,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", help=_JOBS_HELP)] = None,
) -> None:
    """Decide for each photo whether it may go out on CHANNEL: allowed, blocked or review.

    Exit code 0 only when every photo is allowed, so `fotopoort check DIR -c website && upload
    DIR` is safe.
    """
    env = _env(ctx)
    policy = _policy(env, matching=True)
    ch = policy.require_channel(channel)
    with _store(env, policy) as store, _progress(env, "checking") as progress:
        run = actions.check(
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
        _render_problems(env, ch, items)
    if run.any_not_allowed():
        raise typer.Exit(int(ExitCode.NOT_ALLOWED))


def _render_problems(env: Env, channel: Channel, items: list[Any]) -> None:
    problems = [i for i in items if i.decision.verdict is not Verdict.ALLOWED]
    if problems:
        table = Table(title=f"not allowed for {channel}")
        table.add_column("photo", overflow="fold")
        table.add_column("decision")
        table.add_column("why", overflow="fold")
        for item in problems:
            why = "; ".join(
                r.message for r in item.decision.reasons if r.code is not ReasonCode.CONSENT
            )
            table.add_row(item.photo.photo.shown, item.decision.verdict.value, why)
        env.out.print(table)
    counts = summary(items)
    env.out.print(
        f"{channel}: {len(items)} photos: {counts['allowed']} allowed, {counts['blocked']} "
        f"blocked, {counts['review']} review",
        markup=False,
    )


# options of sort and report: several channels, and --group as check has it
_Channels = Annotated[
    list[str] | None,
    typer.Option("--channel", "-c", help="A channel; repeat for several (default: all)."),
]
_GroupAsForCheck = Annotated[
    str | None,
    typer.Option("--group", metavar="STAMGROEP", help="As for check, for stamgroep."),
]


@app.command("sort")
def sort_cmd(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="The folder to check (recursive).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the sorted copies.")],
    channel: _Channels = None,
    group: _GroupAsForCheck = None,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", help=_JOBS_HELP)] = None,
    ok_if_review: Annotated[
        bool,
        typer.Option(
            "--ok-if-review",
            help="Exit 0 when photos are in review but none is blocked (for a nightly job: "
            "review copies wait in OUT/<channel>/review/ for a person).",
        ),
    ] = False,
    redact: Annotated[
        bool,
        typer.Option(
            "--redact",
            help="Also write OUT/<channel>/redacted/ copies of photos not allowed only because "
            "of faces: those faces covered by a solid fill, metadata stripped. Never allowed by "
            "themselves: a person confirms one with `review approve COPY -c CHANNEL`.",
        ),
    ] = False,
) -> None:
    """Copy every photo to OUT/<channel>/<allowed|blocked|review>/; write OUT/report.json
    and OUT/report.html (thumbnails with every face boxed; readable by you only).

    Originals are never changed. Re-running into the same OUT moves copies whose decision
    changed. Exit codes as for check; with --ok-if-review, photos in review alone exit 0.
    """
    env = _env(ctx)
    policy = _policy(env, matching=True)
    channels = [policy.require_channel(c) for c in channel] if channel else list(policy.channels)
    with _store(env, policy) as store, _progress(env, "sorting") as progress:
        run = actions.sort(
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
        )
    for ch, items in run.results.items():
        counts = summary(items)
        env.out.print(
            f"{ch.value:<10} {counts['allowed']:>4} allowed {counts['blocked']:>4} blocked "
            f"{counts['review']:>4} review",
            markup=False,
        )
    if run.stale_copies_removed:
        env.out.print(
            f"removed {run.stale_copies_removed} copies of photos no longer in {path}",
            markup=False,
        )
    for ch, n in run.redacted.items():
        env.out.print(
            f"{ch.value:<10} {n:>4} redacted in {out / ch.value / 'redacted'} "
            "(not allowed: a person must confirm)",
            markup=False,
        )
    env.out.print(f"copies and report.json in {out}", markup=False)
    env.out.print(f"report: {out / actions.REPORT_HTML}", markup=False)
    blocked = any(
        item.decision.verdict is Verdict.BLOCKED for items in run.results.values() for item in items
    )
    if blocked or (run.any_not_allowed() and not ok_if_review):
        raise typer.Exit(int(ExitCode.NOT_ALLOWED))


@app.command("report")
def report_cmd(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help="Photos or folders (recursive).")],
    output: Annotated[
        Path, typer.Option("--output", "-o", metavar="FILE", help="The HTML file to write.")
    ],
    channel: _Channels = None,
    group: _GroupAsForCheck = None,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", help=_JOBS_HELP)] = None,
) -> None:
    """Check photos without copying them and write one HTML file to look at.

    Per photo a thumbnail with every face boxed and labelled, and the decision and its reasons
    per channel. The file is self-contained (no network) and readable by you only: it shows
    children. Exit codes as for check.
    """
    env = _env(ctx)
    policy = _policy(env)
    channels = [policy.require_channel(c) for c in channel] if channel else list(policy.channels)
    with _store(env, policy) as store, _progress(env, "checking") as progress:
        run = actions.report(
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
    for ch, items in run.results.items():
        counts = summary(items)
        env.out.print(
            f"{ch.value:<10} {counts['allowed']:>4} allowed {counts['blocked']:>4} blocked "
            f"{counts['review']:>4} review",
            markup=False,
        )
    env.out.print(f"report: {output}", markup=False)
    if run.any_not_allowed():
        raise typer.Exit(int(ExitCode.NOT_ALLOWED))


# --- recheck, review, audit -----------------------------------------------------------------


@app.command()
def recheck(
    ctx: typer.Context,
    channel: Annotated[
        str | None, typer.Option("--channel", "-c", help="Only this channel (default: all).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document only.")] = False,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", help=_JOBS_HELP)] = None,
    done: Annotated[
        list[Path] | None,
        typer.Option(
            "--done",
            metavar="PHOTO",
            help="PHOTO on the take-down list was taken down (or deleted) everywhere; repeat "
            "for several.",
        ),
    ] = None,
    all_gone: Annotated[
        bool,
        typer.Option(
            "--all-gone",
            help="Every photo on the take-down list whose original is deleted was taken down "
            "everywhere (you confirm its copies are gone too).",
        ),
    ] = False,
    by: Annotated[str | None, _BY_DEFAULT] = None,
) -> None:
    """Decide every photo checked before again, against the current consent export.

    Lists the take-down list: photos that were allowed for a channel and no longer are. Exit
    code 1 when that list is not empty. Photos whose faces are known are not decoded again.
    --done PHOTO and --all-gone record (in the audit trail) that photos were taken down, so
    they leave the list.
    """
    env = _env(ctx)
    policy = _policy(env, matching=True)
    ch = policy.require_channel(channel) if channel else None
    actor = _by(by) if done or all_gone else ""
    with _store(env, policy) as store, _progress(env, "rechecking") as progress:
        if done or all_gone:
            for p in actions.taken_down(store, done or [], all_gone, actor):
                env.err.print(
                    f"recorded as taken down: {p.path} ({p.channel})", markup=False, soft_wrap=True
                )
        run = actions.recheck(
            policy, store, env.engine_factory, ch, jobs=_jobs(jobs), progress=progress
        )
    take_down, newly = run.take_down(), run.newly_allowed()
    if as_json:
        doc = {
            "snapshot": {
                "sha256": run.snapshot.snapshot.sha256,
                "imported_at": run.snapshot.imported_at,
            },
            "take_down": [_recheck_entry(r) for r in take_down],
            "newly_allowed": [_recheck_entry(r) for r in newly],
            "rechecked": len(run.items),
        }
        typer.echo(json.dumps(doc, indent=2, ensure_ascii=False))
    else:
        _render_recheck(env, take_down, "take down: no longer allowed")
        _render_recheck(env, newly, "newly allowed")
        env.out.print(
            f"{len(run.items)} decisions rechecked: {len(take_down)} to take down, "
            f"{len(newly)} newly allowed",
            markup=False,
        )
    if take_down:
        raise typer.Exit(int(ExitCode.NOT_ALLOWED))


def _recheck_entry(r: actions.Rechecked) -> dict[str, Any]:
    return {
        "path": r.previous.path,
        "channel": r.previous.channel,
        "group": r.previous.group,
        "was": r.previous.basis,
        "decision": r.item.decision.verdict.value,
        "reasons": reasons_json(
            x for x in r.item.decision.reasons if x.code is not ReasonCode.CONSENT
        ),
    }


def _render_recheck(env: Env, rows: list[actions.Rechecked], title: str) -> None:
    if not rows:
        return
    table = Table(title=title)
    for col in ("channel", "photo", "now", "why"):
        table.add_column(col, overflow="fold")
    for r in rows:
        why = "; ".join(
            x.message for x in r.item.decision.reasons if x.code is not ReasonCode.CONSENT
        )
        table.add_row(r.previous.channel, r.previous.path, r.item.decision.verdict.value, why)
    env.out.print(table)


@app.command("verify")
def verify_cmd(
    ctx: typer.Context,
    out: Annotated[Path, typer.Argument(help="The folder `fotopoort sort` wrote.")],
    channel: Annotated[
        str | None, typer.Option("--channel", "-c", help="Only this channel (default: all).")
    ] = None,
) -> None:
    """Re-hash every file under OUT/<channel>/allowed/: exit 0 only when each one is content
    fotopoort decided allowed for that channel under the current consent export.

    The last check before an upload script runs: `fotopoort verify OUT -c website && upload`.
    """
    env = _env(ctx)
    policy = _policy(env)
    channels = [policy.require_channel(channel)] if channel else list(policy.channels)
    if not out.is_dir():
        raise UsageError(f"{out}: not a folder")
    with _store(env, policy, write=False) as store:
        run = verify_out(store, out, channels)
    for finding in run.findings:
        env.out.print(f"not allowed: {finding.path}: {finding.why}", markup=False)
    env.out.print(
        f"{run.checked} files in allowed/ verified: {len(run.findings)} not allowed",
        markup=False,
    )
    if run.findings:
        raise typer.Exit(int(ExitCode.NOT_ALLOWED))


review_app = typer.Typer(cls=_Group, no_args_is_help=True, help="Human review of photos.")
app.add_typer(review_app, name="review")

_BY = typer.Option("--by", help="Who decides (recorded in the audit trail).")
_NOTE = typer.Option("--note", help="Why (recorded in the audit trail).")


@review_app.command("list")
def review_list(
    ctx: typer.Context,
    channel: Annotated[
        str | None, typer.Option("--channel", "-c", help="Only this channel.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Photos whose latest decision is review, with the faces that need a person."""
    env = _env(ctx)
    policy = _policy(env)
    ch = policy.require_channel(channel) if channel else None
    with _store(env, policy, write=False) as store:
        rows = actions.review_list(store, ch)
    if as_json:
        doc = [
            {
                "path": prev.path,  # absolute: unambiguous whichever folder it was found in
                "rel": prev.rel,
                "channel": prev.channel,
                "group": prev.group,
                "sha256": prev.sha256,
                "reasons": [
                    r for r in (entry["reasons"] if entry else []) if r["code"] != "consent"
                ],
                "faces": entry["faces"] if entry else [],
            }
            for prev, entry in rows
        ]
        typer.echo(json.dumps(doc, indent=2, ensure_ascii=False))
        return
    table = Table(title="in review")
    for col in ("photo", "channel", "why"):
        table.add_column(col, overflow="fold")
    for prev, entry in rows:
        why = "; ".join(
            r["message"] for r in (entry["reasons"] if entry else []) if r["code"] != "consent"
        )
        table.add_row(prev.path, prev.channel + (f" ({prev.group})" if prev.group else ""), why)
    env.out.print(table)
    env.out.print(f"{len(rows)} decisions in review", markup=False)


@review_app.command("assign")
def review_assign(
    ctx: typer.Context,
    photo: Annotated[Path, typer.Argument(help="The photo (as checked before).")],
    face: Annotated[int, typer.Option("--face", help="The face number, as in 'face K: ...'.")],
    child: Annotated[str, typer.Option("--child", metavar="NR", help="Who it is.")],
    by: Annotated[str, _BY],
    note: Annotated[str, _NOTE] = "",
) -> None:
    """Say who an unidentified face is; the consent rules then apply as for an identified child."""
    env = _env(ctx)
    policy = _policy(env)
    with _store(env, policy) as store:
        items = actions.review_assign(policy, store, photo, face, child, _by(by), note)
    _render_redecided(env, items)


@review_app.command("approve")
def review_approve(
    ctx: typer.Context,
    photo: Annotated[Path, typer.Argument(help="The photo (as checked before).")],
    channel: Annotated[str, typer.Option("--channel", "-c", help="The channel it may go out on.")],
    by: Annotated[str, _BY],
    note: Annotated[str, _NOTE] = "",
    group: Annotated[
        str | None, typer.Option("--group", metavar="STAMGROEP", help="As it was checked.")
    ] = None,
) -> None:
    """Confirm that a photo in review may go out on CHANNEL although a face is not identified
    (an adult, say, or a face nobody could recognise). Void when the photo changes, or when a
    consent of a child identified in it changes. A blocked photo cannot be approved.

    PHOTO may also be a redacted copy (OUT/<channel>/redacted/..., from sort --redact): you
    confirm that nobody without consent can be recognised in it (clothes, hair, context). The
    audit trail records the copy's own sha256."""
    env = _env(ctx)
    policy = _policy(env)
    ch = policy.require_channel(channel)
    with _store(env, policy) as store:
        copy = actions.redacted_copy(store, photo, ch)
        if copy is not None:
            actions.approve_redacted(store, photo, copy, ch, _by(by), note)
            env.out.print(
                f"{readable(str(photo))}: redacted copy approved for {ch.value} "
                f"(sha256 {copy.copy_sha256})",
                markup=False,
            )
            return
        items = actions.review_approve(policy, store, photo, ch, group, _by(by), note)
    _render_redecided(env, items)


@review_app.command("serve")
def review_serve(
    ctx: typer.Context,
    port: Annotated[
        int, typer.Option("--port", min=0, max=65535, help="The port (default: any free one).")
    ] = 0,
    channel: Annotated[
        str | None, typer.Option("--channel", "-c", help="Only photos waiting for this channel.")
    ] = None,
    host: Annotated[
        str,
        typer.Option(
            "--host",
            help="The address to listen on; anything but 127.0.0.1 lets "
            "other machines try to reach the page.",
        ),
    ] = "127.0.0.1",
    no_browser: Annotated[
        bool, typer.Option("--no-browser", help="Print the address, do not open a browser.")
    ] = False,
    idle: Annotated[
        float,
        typer.Option("--idle", metavar="MINUTES", min=0.1, help="Stop after this long unused."),
    ] = 30.0,
) -> None:
    """The review page in the browser: see the photos in review with their faces numbered, name
    children, approve per channel. Every action is audited as `review assign`/`approve`."""
    from .web.server import LOOPBACK, ServeOptions, serve  # Flask only when the page is asked for

    env = _env(ctx)
    policy = _policy(env)
    ch = policy.require_channel(channel) if channel else None
    if host != LOOPBACK:
        env.err.print(
            f"warning: listening on {host}: other machines on that network can reach the page "
            "(the one-time token still guards it); use this only when you must",
            markup=False,
            soft_wrap=True,
        )
    options = ServeOptions(host, port, ch, idle, not no_browser, min(env.wait, 10.0))
    why = serve(policy, options, lambda line: env.out.print(line, markup=False, soft_wrap=True))
    env.err.print(f"review page {why}", markup=False)


def _render_redecided(env: Env, items: list[Any]) -> None:
    for item in items:
        env.out.print(
            f"{item.photo.photo.shown}: {item.decision.verdict.value}", markup=False, end=""
        )
        env.out.print(f" ({'; '.join(r.message for r in item.decision.reasons)})", markup=False)


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


@app.command("audit")
def audit_cmd(
    ctx: typer.Context,
    since: Annotated[
        str | None, typer.Option("--since", metavar="DATE", help="From this date (YYYY-MM-DD).")
    ] = None,
    photo: Annotated[Path | None, typer.Option("--photo", help="Only this photo.")] = None,
    child: Annotated[
        str | None, typer.Option("--child", metavar="NR", help="Only this child.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV.")] = False,
) -> None:
    """The audit trail: every decision, automatic or human, with its reasons and consent export."""
    env = _env(ctx)
    if as_json and as_csv:
        raise UsageError("choose one of --json and --csv")
    if since is not None:
        try:
            since = date.fromisoformat(since).isoformat()  # the form the audit stores
        except ValueError:
            raise UsageError(f"--since {since!r}: expected a date as YYYY-MM-DD") from None
    policy = _policy(env)
    with _store(env, policy, write=False) as store:
        entries = actions.audit(store, since, photo, child)
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
        for col in ("at", "action", "by", "photo", "channel", "decision", "why"):
            table.add_column(col, overflow="fold")
        for e in entries:
            why = "; ".join(r["message"] for r in e["reasons"] if r["code"] != "consent")
            table.add_row(
                e["at"][:16].replace("T", " "),
                e["action"],
                e["actor"],
                _short_path(e["path"]),
                e["channel"] + (f" ({e['grp']})" if e["grp"] else ""),
                e["decision"],
                why,
            )
        env.out.print(table)
        env.out.print(f"{len(entries)} entries", markup=False)


@app.command()
def purge(
    ctx: typer.Context,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Say what would be deleted; delete nothing.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    by: Annotated[str | None, _BY_DEFAULT] = None,
) -> None:
    """Delete old data that `retention` in consents.yaml no longer keeps.

    Consent snapshots replaced more than retention.snapshots_months ago (default 12) lose their
    children's names and answers; the snapshot's number, file name and hash stay, so an old
    export imported again is still recognised. Audit entries older than retention.audit_years
    (default 5) are deleted, except those a current decision rests on. The purge itself is
    recorded in the audit trail. Run it from the nightly job; --dry-run first to see."""
    env = _env(ctx)
    policy = _policy(env)
    with _store(env, policy) as store:
        outcome = actions.purge(policy, store, dry_run=dry_run, by=_by(by))
    if as_json:
        doc = {
            "dry_run": dry_run,
            "snapshots": [
                {"snapshot": sid, "source": source, "replaced_at": replaced}
                for sid, source, replaced in outcome.snapshots
            ],
            "snapshot_children": outcome.snapshot_children,
            "audit_entries": outcome.audit_entries,
            "snapshots_replaced_before": outcome.snapshots_before,
            "audit_before": outcome.audit_before,
        }
        typer.echo(json.dumps(doc, indent=2, ensure_ascii=False))
        return
    verb = "would delete" if dry_run else "deleted"
    env.out.print(f"{verb}: {outcome.summary()}", markup=False, soft_wrap=True)
    for sid, source, replaced in outcome.snapshots:
        env.out.print(
            f"  snapshot {sid} ({source}), replaced on {replaced[:10]}",
            markup=False,
            soft_wrap=True,
        )
    if dry_run:
        env.out.print("nothing was deleted (--dry-run)", markup=False)


def _short_path(path: str) -> str:
    """Relative to the working folder when inside it, else as stored."""
    try:
        return Path(path).relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path


# --- calibrate ----------------------------------------------------------------------------


@app.command("calibrate")
def calibrate_cmd(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
    write: Annotated[
        bool,
        typer.Option(
            "--write",
            help="Write the recommended thresholds into consents.yaml (the old file is kept "
            "as a backup beside it).",
        ),
    ] = False,
    max_age: Annotated[
        int,
        typer.Option(
            "--max-age",
            metavar="DAYS",
            min=1,
            help="References enrolled longer ago than this count as old.",
        ),
    ] = 365,
) -> None:
    """What the matching rule means for this school's own enrolments.

    Per child: how many of its references are recognised with each one left out, its range,
    the nearest other enrolled child, and whether it is named as another child when it is
    taken out of the gallery (the "unenrolled sibling" test). Then the look-alike pairs, old
    references and the thresholds it recommends, with the evidence. Changes nothing unless
    --write is given.
    """
    env = _env(ctx)
    policy = _policy(env)
    with _store(env, policy, write=False) as store:
        refs = store.reference_encodings()
        dates = store.reference_dates()
        current = store.current_snapshot()
        now = datetime.fromisoformat(store.now())
    if not refs:
        raise UsageError("nobody is enrolled yet: run `fotopoort enroll` first")
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
            env.out.print(f"wrote {policy.path} (backup: {backup})", markup=False)
        else:
            env.out.print(f"{policy.path} already holds the recommended thresholds", markup=False)


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

    table = Table(title="Enrolled children")
    heads = ("child", "refs", "spread", "range", "recognised (one left out)")
    for col in (*heads, "nearest other child", "distance", "named when absent", "oldest"):
        table.add_column(col)
    for c in result.children:
        wrong = ", ".join(who(w) for w in c.named_when_absent) or "no"
        table.add_row(
            *(
                escape(v)
                for v in (
                    who(c.child),
                    str(c.references),
                    _num(c.spread),
                    "never (too few refs)" if c.radius is None else _num(c.radius),
                    "n/a (too few refs)"
                    if c.self_identified is None
                    else f"{c.self_identified} of {c.references}",
                    who(c.nearest_other) + (" LOOK-ALIKE" if c.lookalike else ""),
                    _num(c.nearest_other_distance),
                    wrong,
                    (c.oldest_reference or "-") + (" (old)" if c.old_references else ""),
                )
            )
        )
    env.out.print(table)
    out = env.out
    if result.lookalike_pairs:
        out.print("Look-alike pairs (faces like theirs always go to review):", markup=False)
        for a, b, d in result.lookalike_pairs:
            out.print(f"  {who(a)} - {who(b)}: {d:.2f}", markup=False)
    else:
        out.print("Look-alike pairs: none", markup=False)
    short = [c for c in result.children if c.references < RECOMMENDED_REFERENCES]
    out.print(
        f"Children with fewer than {RECOMMENDED_REFERENCES} reference photos: {len(short)} of "
        f"{len(result.children)}"
        + (
            f"; give each {RECOMMENDED_REFERENCES}, from different days: more of their photos are"
            " recognised, none is named more loosely (docs/accuracy.md)"
            if short
            else ""
        ),
        markup=False,
    )
    old = [c for c in result.children if c.old_references]
    age = result.max_reference_age_days
    out.print(
        f"References enrolled more than {age} days ago: "
        + (", ".join(f"{who(c.child)} {c.old_references}" for c in old) or "none"),
        markup=False,
    )
    out.print(
        "Evidence (each child taken out of the gallery in turn; every identification of its "
        "references is wrong):",
        markup=False,
    )
    for e in result.evidence:
        mark = "  <- recommended" if e.spread_factor == result.recommended.spread_factor else ""
        out.print(
            f"  spread_factor {e.spread_factor:.2f}: {e.wrong} wrong, "
            f"{e.self_identified} of {e.references} left-out references recognised{mark}",
            markup=False,
        )
    now_f, rec_f = result.thresholds.spread_factor, result.recommended.spread_factor
    if result.changes:
        out.print(
            f"Recommended: matching.spread_factor {rec_f} (now {now_f}); "
            "`fotopoort calibrate --write` sets it",
            markup=False,
        )
    else:
        out.print(f"Recommended: keep matching.spread_factor {now_f}", markup=False)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover - outside a command
        sys.exit(int(ExitCode.INTERRUPTED))
