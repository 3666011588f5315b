"""Usage errors in the run's language: the command-line parser (typer's click) raises them with
English sentences; this module shows them the way click does, but translated through
`fotopoort.messages.usage`. Anything it does not know is shown as the parser wrote it."""

from __future__ import annotations

import sys
from typing import Any

from typer._click.exceptions import (
    BadParameter,
    ClickException,
    MissingParameter,
    NoArgsIsHelpError,
    NoSuchOption,
    UsageError,
    _join_param_hints,
)

from fotopoort.messages import render
from fotopoort.messages import usage as U


def translate(sentence: str, patterns: tuple[U.Pattern, ...] = U.PATTERNS) -> str:
    """One of the parser's English sentences in the run's language (itself if unknown)."""
    for pattern in patterns:
        found = pattern.regex.match(sentence)
        if found is not None:
            params = found.groupdict()
            if "label" in params and params["label"] in U.LABELS:
                params["label"] = render(U.LABELS[params["label"]])
            return render(pattern.text, **params)
    return sentence


def _hint(exc: BadParameter) -> str | None:
    if exc.param_hint is not None:
        return _join_param_hints(exc.param_hint)
    if exc.param is not None:
        return _join_param_hints(exc.param.get_error_hint())
    return None


def message(exc: ClickException) -> str:
    """What click's `format_message` says, in the run's language."""
    if isinstance(exc, MissingParameter):
        hint = _hint(exc)
        kind_name = exc.param_type or (exc.param.param_type_name if exc.param else "parameter")
        kind = render(U.KINDS[kind_name]) if kind_name in U.KINDS else kind_name
        text = (
            render(U.MISSING, kind=kind, hint=hint) if hint else render(U.MISSING_BARE, kind=kind)
        )
        extra = exc.param.get_missing_message(ctx=exc.ctx) if exc.param is not None else None
        if extra and extra.startswith(U.CHOOSE_FROM.en):
            extra = render(U.CHOOSE_FROM) + extra[len(U.CHOOSE_FROM.en) :]
        details = ". ".join(part for part in (exc.message, extra) if part)
        return f"{text} {details}" if details else text
    if isinstance(exc, BadParameter):
        hint = _hint(exc)
        inner = translate(exc.message, U.VALUE_PATTERNS)
        if hint is None:
            return render(U.INVALID_VALUE, message=inner)
        return render(U.INVALID_VALUE_FOR, hint=hint, message=inner)
    text = translate(exc.message)
    if isinstance(exc, NoSuchOption) and exc.possibilities:
        options = ", ".join(sorted(exc.possibilities))
        text = f"{text} {render(U.POSSIBLE_OPTIONS, options=options)}"
    return text


def show(exc: ClickException, file: Any = None) -> None:
    """Write `exc` as click would (usage line, where to find help, the error), translated."""
    out = file or sys.stderr
    if isinstance(exc, NoArgsIsHelpError):  # the help itself, already in the run's language
        exc.show(out)
        return
    if isinstance(exc, UsageError) and exc.ctx is not None:
        lines = [exc.ctx.get_usage()]
        if exc.ctx.command.get_help_option(exc.ctx) is not None:
            command, option = exc.ctx.command_path, exc.ctx.help_option_names[0]
            lines.append(render(U.TRY_HELP, command=command, option=option))
        print("\n".join(lines) + "\n", file=out)
    print(render(U.ERROR_LINE, message=message(exc)), file=out)
