"""The options and arguments several commands share, with their localised help."""

from __future__ import annotations

import typer

from fotopoort.cli.base import _h
from fotopoort.messages import cli as M

_BY_DEFAULT = typer.Option("--by", help=_h(M.OPT_BY_DEFAULT))
_JSON_TABLE = typer.Option("--json", help=_h(M.OPT_JSON_TABLE))
_JOBS = typer.Option("--jobs", "-j", help=_h(M.OPT_JOBS))
_PATHS = typer.Argument(help=_h(M.ARG_PATHS))
_JSON_ONLY = typer.Option("--json", help=_h(M.OPT_JSON_ONLY))
_CHANNEL_ONLY = typer.Option("--channel", "-c", help=_h(M.OPT_CHANNEL_ONLY_DEFAULT_ALL))
_BY = typer.Option("--by", help=_h(M.OPT_BY))
_NOTE = typer.Option("--note", help=_h(M.OPT_NOTE))
_REVIEW_PHOTO = typer.Argument(metavar=_h(M.META_PHOTO), help=_h(M.REVIEW_PHOTO))
_JSON = typer.Option("--json", help=_h(M.OPT_JSON))
