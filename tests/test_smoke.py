from pathlib import Path

from .conftest import Cli


def test_version_and_help(cli: Cli) -> None:
    assert cli("--version").output.startswith("fotopoort ")
    result = cli("--help")
    assert result.exit_code == 0
    for command in ("init", "consents", "enroll", "check", "sort", "forget", "enrolled"):
        assert command in result.output


def test_demo_import_and_show(cli: Cli, shared: Path) -> None:
    result = cli("consents", "import", shared / "demo" / "privacyvoorkeuren.csv")
    assert result.exit_code == 0, result.output
    shown = cli("consents", "show", "--child", "0100231")
    assert "Daan" in shown.output
