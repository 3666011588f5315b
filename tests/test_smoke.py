from importlib.metadata import version
from pathlib import Path

import typer.main

from fotopoort import __version__
from fotopoort.cli import app

from .conftest import Cli


def _command_names() -> set[str]:
    """Every command path of the CLI ('consents import', ...), from click's own tree, so a
    missing command fails here even when its name appears in some help text."""
    root = typer.main.get_command(app)
    names: set[str] = set()

    def walk(cmd: object, prefix: str) -> None:
        for name, sub in getattr(cmd, "commands", {}).items():
            path = f"{prefix}{name}"
            names.add(path)
            walk(sub, f"{path} ")

    walk(root, "")
    return names


def test_version_and_help(cli: Cli) -> None:
    assert cli("--version").output.strip() == f"fotopoort {__version__}"
    assert version("fotopoort") == __version__  # one version source: the package
    result = cli("--help")
    assert result.exit_code == 0


def test_every_documented_command_exists() -> None:
    expected = {
        "init",
        "consents",
        "consents import",
        "consents show",
        "consents diff",
        "enroll",
        "enrolled",
        "forget",
        "check",
        "sort",
        "report",
        "recheck",
        "review",
        "review list",
        "review assign",
        "review approve",
        "review serve",
        "audit",
        "calibrate",
        "purge",
        "verify",
    }
    assert expected <= _command_names()


def test_demo_import_and_show(cli: Cli, shared: Path) -> None:
    result = cli("consents", "import", shared / "demo" / "privacyvoorkeuren.csv")
    assert result.exit_code == 0, result.output
    shown = cli("consents", "show", "--child", "0100231")
    assert "Daan" in shown.output
