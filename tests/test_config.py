"""config.py and the policy file on the command line: init, --config, $FOTOPOORT_CONFIG, errors."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from fotopoort.channels import Channel
from fotopoort.cli import app
from fotopoort.config import (
    CONFIG_ENV,
    DEFAULT_THRESHOLDS,
    Policy,
    load_policy,
    resolve_config_path,
    template_text,
    write_template,
)
from fotopoort.errors import ConfigError, UsageError
from fotopoort.text import did_you_mean

from .conftest import Cli
from .test_consents import BIOMETRIC, CHANNEL_COLUMN, CHILD, DATE, DEMO_CSV, GROUP, NAME

TEMPLATE = template_text()
MARGIN_LINE = f"  margin: {DEFAULT_THRESHOLDS.margin:.2f}"
MINIMAL = f"""\
export:
  child_column: {CHILD}
  name_column: {NAME}
  group_column: {GROUP}
biometric_column: {BIOMETRIC}
channels:
  portfolio: {CHANNEL_COLUMN[Channel.PORTFOLIO]}
"""


def edit(old: str, new: str, text: str = TEMPLATE) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def write(directory: Path, text: str, name: str = "consents.yaml") -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, needle: str) -> int:
    """The 1-based number of the last line holding `needle`."""
    return max(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


def config_error(path: Path) -> str:
    with pytest.raises(ConfigError) as caught:
        load_policy(path)
    message = str(caught.value)
    assert "\n" not in message, message
    return message


# --- the template -----------------------------------------------------------------------------


def test_template_is_the_demo_schools_policy(tmp_path: Path) -> None:
    policy = load_policy(write(tmp_path, TEMPLATE))
    assert (policy.export.child, policy.export.name, policy.export.group) == (CHILD, NAME, GROUP)
    assert policy.export.date == DATE
    assert policy.biometric_column == BIOMETRIC
    assert dict(policy.channels) == {ch: (label,) for ch, label in CHANNEL_COLUMN.items()}
    assert list(policy.channels) == list(Channel)
    assert policy.database == tmp_path.resolve() / "fotopoort.db"
    assert policy.thresholds == DEFAULT_THRESHOLDS
    detection = policy.detection
    assert (detection.max_side, detection.upsample, detection.min_face_px) == (2000, 1, 60)
    assert policy.max_pixels == 80_000_000
    assert policy.path == tmp_path / "consents.yaml"


def test_template_explains_every_section_in_comments() -> None:
    for key in ("export", "biometric_column", "channels", "database", "matching", "detection"):
        before = TEMPLATE.split(f"\n{key}:", 1)[0].rstrip().splitlines()[-1]
        assert before.startswith("#"), f"no comment above {key}"


def test_write_template_writes_a_loadable_file(tmp_path: Path) -> None:
    target = write_template(tmp_path / "new" / "school")
    assert target == tmp_path / "new" / "school" / "consents.yaml"
    assert target.read_text(encoding="utf-8") == TEMPLATE
    assert isinstance(load_policy(target), Policy)


def test_write_template_never_overwrites(tmp_path: Path) -> None:
    existing = write(tmp_path, "# the school's own policy\n")
    with pytest.raises(UsageError, match="already exists; not overwriting"):
        write_template(tmp_path)
    assert existing.read_text(encoding="utf-8") == "# the school's own policy\n"


# --- values and defaults ----------------------------------------------------------------------


def test_minimal_policy_gets_the_defaults(tmp_path: Path) -> None:
    policy = load_policy(write(tmp_path, MINIMAL))
    assert policy.export.date is None
    assert dict(policy.channels) == {Channel.PORTFOLIO: (CHANNEL_COLUMN[Channel.PORTFOLIO],)}
    assert policy.database == tmp_path.resolve() / "fotopoort.db"
    assert policy.thresholds == DEFAULT_THRESHOLDS
    assert (policy.detection.max_side, policy.detection.upsample) == (2000, 1)
    assert policy.detection.min_face_px == 60
    assert policy.max_pixels == 80_000_000


@pytest.mark.parametrize(
    ("setting", "expected"),
    [("data/register.db", "school/data/register.db"), ("../gedeeld/f.db", "gedeeld/f.db")],
    ids=["subfolder", "parent"],
)
def test_database_path_is_relative_to_the_policy_file_not_the_cwd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, setting: str, expected: str
) -> None:
    (tmp_path / "school").mkdir()
    (tmp_path / "elsewhere").mkdir()
    write(tmp_path / "school", edit("database: fotopoort.db", f"database: {setting}"))
    monkeypatch.chdir(tmp_path / "elsewhere")
    policy = load_policy(Path("..") / "school" / "consents.yaml")
    assert policy.database == tmp_path.resolve() / expected


def test_absolute_database_path_is_kept(tmp_path: Path) -> None:
    target = tmp_path / "elders" / "register.db"
    policy = load_policy(write(tmp_path, edit("database: fotopoort.db", f"database: {target}")))
    assert policy.database == target.resolve()


def test_a_channel_may_need_several_columns(tmp_path: Path) -> None:
    text = edit(
        f"  website: {CHANNEL_COLUMN[Channel.WEBSITE]}",
        f"  website:\n    - {CHANNEL_COLUMN[Channel.WEBSITE]}\n    - Toestemming pers",
    )
    policy = load_policy(write(tmp_path, text))
    assert policy.channels[Channel.WEBSITE] == (CHANNEL_COLUMN[Channel.WEBSITE], "Toestemming pers")


def test_labels_are_stripped_and_numbers_kept(tmp_path: Path) -> None:
    text = edit(f"  tolerance: {DEFAULT_THRESHOLDS.tolerance}", "  tolerance: 0.4")
    text = edit("  upsample: 1 ", "  upsample: 0 ", text)
    text = edit(
        f"  portfolio: {CHANNEL_COLUMN[Channel.PORTFOLIO]}", "  portfolio: '  Portfolio '", text
    )
    policy = load_policy(write(tmp_path, text))
    assert policy.thresholds.tolerance == 0.4
    assert policy.detection.upsample == 0
    assert policy.channels[Channel.PORTFOLIO] == ("Portfolio",)


# --- invalid policies: one line naming file, line and key --------------------------------------


@dataclass(frozen=True)
class Bad:
    id: str
    old: str
    new: str
    key: str
    fragment: str

    def text(self) -> str:
        return edit(self.old, self.new)

    def line(self) -> int:
        """The line the error must name: the last line of the new text."""
        return line_of(self.text(), self.new.strip().splitlines()[-1])


def values(old: str, key: str, cases: list[tuple[str, str, str]]) -> list[Bad]:
    """Cases (id, value, fragment) that give the one-line setting `old` another value."""
    name = old.split(":", 1)[0]
    return [Bad(id_, old, f"{name}:{value}", key, fragment) for id_, value, fragment in cases]


def typo(old: str, new: str, key: str, suggestion: str) -> Bad:
    fragment = f"unknown key (did you mean {suggestion!r}?)" if suggestion else "unknown key"
    return Bad(f"typo-{key}", old, new, key, fragment)


def block(name: str) -> str:
    """A top-level section of the template: its key line and its indented lines."""
    found = re.search(rf"^{name}:\n(?:  .*\n)+", TEMPLATE, re.MULTILINE)
    assert found is not None, name
    return found.group(0)


PORTFOLIO = f"  portfolio: {CHANNEL_COLUMN[Channel.PORTFOLIO]}"
WEBSITE = f"  website: {CHANNEL_COLUMN[Channel.WEBSITE]}"
BAD = [
    typo("\nchannels:", "\nchanels:", "chanels", "channels"),
    typo("  name_column:", "  naam_column:", "export.naam_column", "name_column"),
    typo(WEBSITE, WEBSITE.replace("website", "websit"), "channels.websit", "website"),
    typo(WEBSITE, WEBSITE.replace("website", "facebook"), "channels.facebook", ""),
    typo(MARGIN_LINE, MARGIN_LINE.replace("margin", "marge"), "matching.marge", "margin"),
    typo("\nimages:", "\nimage:", "image", "images"),
    typo("\nimages:", "\nvideos:", "videos", "video"),
    *values(
        "  beyond_limits: review",
        "video.beyond_limits",
        [
            (
                "beyond-typo",
                " decde",
                "must be review or decide, not 'decde' (did you mean 'decide'?)",
            ),
            ("beyond-yes", " yes", "must be a non-empty text, not True"),
        ],
    ),
    *values(
        "  sample_fps: 2",
        "video.sample_fps",
        [
            ("fps-zero", " 0", "must be between 0.5 and 30.0, not 0"),
            ("fps-text", " two", "must be a number"),
        ],
    ),
    *values(
        "  max_minutes: 60",
        "video.max_minutes",
        [("minutes-negative", " -5", "must be between 0.1 and 1440, not -5")],
    ),
    *values(
        "  segment_seconds: 30",
        "video.segment_seconds",
        [
            ("segment-short", " 1", "must be between 2.0 and 3600.0, not 1"),
            ("segment-text", " dertig", "must be a number"),
        ],
    ),
    Bad(
        "duplicate",
        PORTFOLIO,
        f"{PORTFOLIO}\n  portfolio: P",
        "channels.portfolio",
        "appears twice",
    ),
    Bad("no-channels", block("channels"), "channels: {}\n", "channels", "declares no channel"),
    Bad(
        "channels-text", block("channels"), "channels: portfolio\n", "channels", "must be a mapping"
    ),
    Bad("export-text", block("export"), "export: Leerlingnummer\n", "export", "must be a mapping"),
    Bad("matching-list", block("matching"), "matching: [0.45]\n", "matching", "must be a mapping"),
    *values(
        PORTFOLIO,
        "channels.portfolio",
        [
            ("channel-empty", "", "names no column"),
            ("channel-null", " ~", "names no column"),
            ("channel-empty-list", " []", "names no column"),
            ("channel-empty-text", " ''", "must be a non-empty text, not ''"),
            ("channel-blank-in-list", " [Portfolio, ' ']", "must be a non-empty text"),
            ("channel-mapping", " {kolom: Portfolio}", "must be a single value"),
            ("channel-nested-list", " [[Portfolio]]", "must be a single value"),
            ("channel-number", " 4", "must be a non-empty text, not 4"),
        ],
    ),
    *values(
        f"biometric_column: {BIOMETRIC}",
        "biometric_column",
        [
            ("biometric-empty", "", "must be a non-empty text"),
            ("biometric-list", " [Ja, Nee]", "must be a single value"),
        ],
    ),
    *values(
        "database: fotopoort.db",
        "database",
        [
            ("database-empty", "", "must be a non-empty text"),
            ("database-number", " 5", "must be a non-empty text, not 5"),
        ],
    ),
    *values(
        f"  tolerance: {DEFAULT_THRESHOLDS.tolerance}",
        "matching.tolerance",
        [
            ("tolerance-empty", "", "must be a number"),
            ("tolerance-text", " streng", "must be a number, not 'streng'"),
            ("tolerance-bool", " yes", "must be a number, not True"),
            ("tolerance-range", " 1.5", "must be between 0.0 and 1.0, not 1.5"),
            ("tolerance-nan", " .nan", "must be between 0.0 and 1.0, not nan"),
            ("tolerance-bad-float-tag", " !!float streng", ""),
        ],
    ),
    *values(MARGIN_LINE, "matching.margin", [("margin-unknown-tag", " !procent 5", "")]),
    *values(
        "  upsample: 1 ",
        "detection.upsample",
        [("upsample-float", " 1.5 ", "must be a whole number, not 1.5")],
    ),
    *values(
        "  max_side: 2000",
        "detection.max_side",
        [
            ("max-side-range", " 0", "must be between 400 and 20000, not 0"),
            ("max-side-bad-int-tag", " !!int groot", ""),
        ],
    ),
    *values(
        "  min_face_px: 60",
        "detection.min_face_px",
        [("min-face-text", " groot", "must be a whole number, not 'groot'")],
    ),
    *values(
        "  max_pixels: 80000000",
        "images.max_pixels",
        [("max-pixels-bool", " true", "must be a whole number, not True")],
    ),
]


@pytest.mark.parametrize("bad", BAD, ids=[bad.id for bad in BAD])
def test_invalid_policy_is_one_line_naming_file_line_and_key(tmp_path: Path, bad: Bad) -> None:
    path = write(tmp_path, bad.text())
    message = config_error(path)
    assert message.startswith(f"{path}:{bad.line()}: {bad.key}: "), message
    assert bad.fragment in message


MISSING = [
    ("export", block("export"), "export"),
    ("child_column", "  child_column: Leerlingnummer", "export.child_column"),
    ("group_column", "  group_column: Stamgroep", "export.group_column"),
    ("channels", block("channels"), "channels"),
]


@pytest.mark.parametrize(
    ("removed", "key"), [case[1:] for case in MISSING], ids=[case[0] for case in MISSING]
)
def test_a_missing_required_key_is_named(tmp_path: Path, removed: str, key: str) -> None:
    path = write(tmp_path, edit(removed, ""))
    assert re.fullmatch(
        rf"{re.escape(str(path))}:\d+: {re.escape(key)}: is missing", config_error(path)
    )


def test_without_biometric_column_the_policy_asks_no_face_recognition_consent(
    tmp_path: Path,
) -> None:
    """A school that asks no consent for face recognition leaves the column out."""
    path = write(tmp_path, edit("biometric_column: Gezichtsherkenning fotoselectie", ""))
    policy = load_policy(path)
    assert policy.biometric_column is None
    assert "Gezichtsherkenning fotoselectie" not in policy.column_sources


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("export:\n  child_column: [Leerlingnummer\nchannels: {}\n", None),
        ("export:\n\tchild_column: Leerlingnummer\n", "\tchild_column"),
        ("export: child_column: Leerlingnummer\n", "export:"),
        ("export: {}\n---\nchannels: {}\n", "---"),
        ("biometric_column: 'Gezichtsherkenning\n", None),
    ],
    ids=[
        "unclosed-bracket",
        "tab",
        "nested-mapping-on-one-line",
        "two-documents",
        "unclosed-quote",
    ],
)
def test_invalid_yaml_is_one_line_with_its_line(
    tmp_path: Path, text: str, needle: str | None
) -> None:
    path = write(tmp_path, text)
    message = config_error(path)
    line = rf"{line_of(text, needle)}" if needle else r"\d+"
    assert re.match(rf"{re.escape(str(path))}:{line}: not valid YAML: \S", message), message


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"", "the file is empty"),
        (b"# only comments\n\n", "the file is empty"),
        (b"- export\n- channels\n", ":1: (top level): must be a mapping of keys to values"),
        ("database: caf\u00e9.db\n".encode("cp1252"), "cannot be read"),
    ],
    ids=["empty", "comments-only", "a-list", "not-utf8"],
)
def test_unusable_policy_files(tmp_path: Path, content: bytes, fragment: str) -> None:
    path = tmp_path / "consents.yaml"
    path.write_bytes(content)
    message = config_error(path)
    assert message.startswith(str(path))
    assert fragment in message


def test_missing_policy_file_points_to_init(tmp_path: Path) -> None:
    message = config_error(tmp_path / "consents.yaml")
    assert message == (
        f"{tmp_path / 'consents.yaml'}: no such file (create one with `fotopoort init`, "
        "or pass --config)"
    )


def test_policy_path_that_is_a_folder(tmp_path: Path) -> None:
    assert "cannot be read" in config_error(tmp_path)


# --- small pieces -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("chanels", " (did you mean 'channels'?)"),
        ("Channels", " (did you mean 'channels'?)"),
        ("facebook", ""),
    ],
)
def test_did_you_mean(word: str, expected: str) -> None:
    assert did_you_mean(word, ["export", "channels", "database"]) == expected


def test_require_channel(tmp_path: Path) -> None:
    policy = load_policy(write(tmp_path, MINIMAL))
    assert policy.require_channel("portfolio") is Channel.PORTFOLIO
    with pytest.raises(UsageError, match=r"unknown channel 'webiste' \(did you mean 'website'\?\)"):
        policy.require_channel("webiste")
    with pytest.raises(UsageError, match="channel 'website' is not configured in"):
        policy.require_channel("website")


def test_resolve_config_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(CONFIG_ENV, raising=False)
    assert resolve_config_path(None) == Path("consents.yaml")
    monkeypatch.setenv(CONFIG_ENV, str(tmp_path / "env.yaml"))
    assert resolve_config_path(None) == tmp_path / "env.yaml"
    assert resolve_config_path(tmp_path / "option.yaml") == tmp_path / "option.yaml"


# --- on the command line ----------------------------------------------------------------------


def run(*args: str | Path, env: dict[str, str | None] | None = None) -> Result:
    """fotopoort with its production defaults: no --config unless given, the real consoles."""
    return CliRunner().invoke(
        app, [str(a) for a in args], env={CONFIG_ENV: None, **(env or {})}, catch_exceptions=False
    )


def test_init_writes_the_template_into_a_new_folder(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "nieuwe school"
    result = cli("init", target)
    assert result.exit_code == 0, result.output
    assert (target / "consents.yaml").read_text(encoding="utf-8") == TEMPLATE
    assert f"wrote {target / 'consents.yaml'}" in result.stdout


def test_init_defaults_to_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run("init").exit_code == 0
    assert (tmp_path / "consents.yaml").read_text(encoding="utf-8") == TEMPLATE


def test_init_never_overwrites(cli: Cli) -> None:
    cli.config.write_text(MINIMAL, encoding="utf-8")
    result = cli("init", cli.workdir)
    assert result.exit_code == 2
    assert "already exists; not overwriting it" in result.stderr
    assert cli.config.read_text(encoding="utf-8") == MINIMAL


def test_default_policy_is_consents_yaml_in_the_current_folder(
    cli: Cli, shared: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(cli.workdir)
    result = run("consents", "import", DEMO_CSV)
    assert result.exit_code == 0, result.output
    assert (cli.workdir / "fotopoort.db").is_file()


def test_policy_from_the_environment(
    cli: Cli, shared: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = run("consents", "import", DEMO_CSV, env={CONFIG_ENV: str(cli.config)})
    assert result.exit_code == 0, result.output
    assert (cli.workdir / "fotopoort.db").is_file()
    assert list(elsewhere.iterdir()) == []


def test_config_option_wins_over_the_environment(cli: Cli, shared: Path, tmp_path: Path) -> None:
    env: dict[str, str | None] = {CONFIG_ENV: str(tmp_path / "missing.yaml")}
    assert run("consents", "import", DEMO_CSV, env=env).exit_code == 2
    result = run("--config", cli.config, "consents", "import", DEMO_CSV, env=env)
    assert result.exit_code == 0, result.output


def test_missing_policy_on_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("consents", "show")
    assert result.exit_code == 2
    assert "consents.yaml: no such file (create one with `fotopoort init`" in result.stderr
    assert result.stdout == ""


CLI_BAD = [bad for bad in BAD if bad.id in {"typo-channel", "channel-empty", "tolerance-range"}]


@pytest.mark.parametrize("debug", [False, True], ids=["plain", "debug"])
@pytest.mark.parametrize("bad", CLI_BAD, ids=[bad.id for bad in CLI_BAD])
def test_invalid_policy_on_the_command_line_exits_2_with_one_line(
    cli: Cli, bad: Bad, debug: bool
) -> None:
    cli.config.write_text(bad.text(), encoding="utf-8")
    result = cli(*(["--debug"] if debug else []), "consents", "show")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert ("Traceback" in result.stderr) is debug
    last = result.stderr.splitlines()[-1]
    assert last.startswith(f"fotopoort: error: {cli.config}:{bad.line()}: {bad.key}: "), last
    if not debug:
        assert result.stderr == last + "\n"


def test_invalid_yaml_on_the_command_line_exits_2(cli: Cli) -> None:
    cli.config.write_text("export: [\n", encoding="utf-8")
    result = cli("consents", "show")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"fotopoort: error: {cli.config}:2: not valid YAML: ")
    assert len(result.stderr.splitlines()) == 1


def test_errors_stay_on_one_line_when_output_is_not_a_wide_terminal(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the production consoles (no injected width): an error must not be wrapped at 80 columns
    monkeypatch.setenv("COLUMNS", "80")
    cli.config.write_text(edit(WEBSITE, WEBSITE.replace("website", "websit")), encoding="utf-8")
    result = run("--config", cli.config, "consents", "show")
    assert result.exit_code == 2
    expected = (
        f"fotopoort: error: {cli.config}:{line_of(cli.config.read_text(), 'websit:')}: "
        "channels.websit: unknown key (did you mean 'website'?)"
    )
    assert len(expected) > 80
    assert result.stderr == expected + "\n"


@pytest.mark.parametrize("bad", BAD, ids=[bad.id for bad in BAD])
def test_what_is_wrong_with_a_key_is_said_in_dutch_too(
    tmp_path: Path, bad: Bad, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FOTOPOORT_LANG", "nl")
    path = write(tmp_path, bad.text())
    message = config_error(path)
    assert message.startswith(f"{path}:{bad.line()}: {bad.key}: "), message
    english = (
        "must be",
        "unknown key",
        "appears twice",
        "is missing",
        "cannot be read",
        "names no",
        "declares no",
    )
    assert not any(word in message for word in english), message


def test_a_threshold_looser_than_measured_is_said_in_dutch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FOTOPOORT_LANG", "nl")
    text = edit("  margin: 0.2", "  margin: 0.1")
    warnings = load_policy(write(tmp_path, text)).looser_than_measured()
    assert len(warnings) == 1
    assert "matching.margin 0.1 is ruimer dan de gemeten veilige grens 0.2" in warnings[0]
