"""fotopoort calibrate (and enroll's notes) through the CLI, with the fake engine."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from fotopoort.calibrate import calibrate, write_thresholds
from fotopoort.config import DEFAULT_THRESHOLDS, load_policy, template_text

from .conftest import Cli
from .fakes import encoding_of, make_photo

DAAN, FATIMA, NOAH, ZOE = "0100231", "0100487", "0100733", "0100901"
# Daan's three references lie 14.1/255 apart: his range at spread_factor 0.95 is 13.4.
# Fatima's face is 10/255 from every one of them: when she is not enrolled (a sibling without
# biometric consent), she is named as Daan. Only a range below 10 (factor 0.7) prevents that.
REFS = {
    DAAN: [(220, 20, 0), (210, 30, 0), (210, 20, 10)],
    FATIMA: [(210, 20, 0), (210, 20, 2)],
    NOAH: [(0, 0, 200), (0, 0, 210), (0, 10, 205)],
    ZOE: [(0, 200, 200)],  # one reference: only the small fixed single-reference range
}


@pytest.fixture
def school(cli: Cli, shared: Path, tmp_path: Path) -> Cli:
    assert cli("consents", "import", shared / "demo" / "privacyvoorkeuren.csv").exit_code == 0
    for child, colours in REFS.items():
        for i, colour in enumerate(colours):
            path = tmp_path / "refs" / child / f"ref{i}.png"
            make_photo(path, [(colour, 10)], face_px=100, size=(200, 200))
    return cli


def enrol(school: Cli, tmp_path: Path) -> str:
    result = school("enroll", tmp_path / "refs")
    assert result.exit_code == 0, result.output
    return result.output


def test_enroll_names_children_that_will_not_be_recognised(school: Cli, tmp_path: Path) -> None:
    output = enrol(school, tmp_path)
    assert (
        "note     4 of the children enrolled have fewer than 5 reference photos (Daan (0100231),"
        in output
    )
    assert "too few to be recognised" not in output  # one reference: the fixed small range
    assert "note     Daan (0100231) and Fatima (0100487) look alike to the model" in output
    assert "Noah (0100733) and" not in output


def test_enroll_says_which_children_a_stricter_school_rule_never_recognises(
    make_cli: Callable[..., Cli], shared: Path, tmp_path: Path
) -> None:
    text = template_text().replace("single_reference_range: 0.25", "single_reference_range: 0")
    cli = make_cli(config_text=text)
    assert cli("consents", "import", shared / "demo" / "privacyvoorkeuren.csv").exit_code == 0
    ref = tmp_path / "refs" / ZOE / "ref0.png"
    make_photo(ref, [((0, 200, 200), 10)], face_px=100, size=(200, 200))
    result = cli("enroll", tmp_path / "refs")
    assert result.exit_code == 0, result.output
    assert (
        "note     Zoë (0100901): 1 reference photo(s), too few to be recognised automatically"
        in result.output
    )


def test_calibrate_shows_the_schools_own_lookalike_test_and_changes_nothing(
    school: Cli, tmp_path: Path
) -> None:
    enrol(school, tmp_path)
    before = school.config.read_text(encoding="utf-8")
    result = school("calibrate")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Daan (0100231) - Fatima (0100487)" in out  # the look-alike pair
    assert "spread_factor 0.95: 2 wrong" in out  # Fatima, taken out, is named as Daan twice
    assert "spread_factor 0.70: 0 wrong" in out
    assert "Recommended: matching.spread_factor 0.7 (now 0.95)" in out
    assert school.config.read_text(encoding="utf-8") == before
    assert not list(school.workdir.glob("*.bak"))


def test_calibrate_json_names_who_would_be_taken_for_whom(school: Cli, tmp_path: Path) -> None:
    enrol(school, tmp_path)
    doc = json.loads(school("calibrate", "--json").stdout)
    by_child = {c["child"]: c for c in doc["children"]}
    assert by_child[FATIMA]["named_when_absent"] == [DAAN, DAAN]
    assert by_child[DAAN]["lookalike"] is True
    assert by_child[ZOE]["radius"] == DEFAULT_THRESHOLDS.single_reference_range
    assert by_child[ZOE]["self_identified"] is None
    assert by_child[NOAH]["nearest_other_distance"] == pytest.approx(
        float(np.linalg.norm(encoding_of((0, 10, 205)) - encoding_of((0, 200, 200)))), abs=1e-6
    )
    assert doc["recommended"]["spread_factor"] == 0.7
    assert doc["thresholds"] == DEFAULT_THRESHOLDS.as_dict()
    assert doc["written"] is None


def test_calibrate_write_sets_the_recommendation_and_keeps_a_backup(
    school: Cli, tmp_path: Path
) -> None:
    enrol(school, tmp_path)
    before = school.config.read_text(encoding="utf-8")
    result = school("calibrate", "--write")
    assert result.exit_code == 0, result.output
    backups = list(school.workdir.glob("consents.yaml.*.bak"))
    assert len(backups) == 1 and backups[0].read_text(encoding="utf-8") == before
    assert f"wrote {school.config}" in result.output
    assert load_policy(school.config).thresholds.spread_factor == 0.7
    again = school("calibrate", "--write")
    assert "already holds the recommended thresholds" in again.output
    assert len(list(school.workdir.glob("consents.yaml.*.bak"))) == 1


def test_calibrate_without_enrolments_is_a_one_line_error(cli: Cli, shared: Path) -> None:
    assert cli("consents", "import", shared / "demo" / "privacyvoorkeuren.csv").exit_code == 0
    result = cli("calibrate")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "fotopoort: error: nobody is enrolled yet: run `fotopoort enroll` first"
    ]


def test_write_thresholds_keeps_comments_and_other_keys(tmp_path: Path) -> None:
    path = tmp_path / "consents.yaml"
    path.write_text(template_text(), encoding="utf-8")
    now = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
    rule = DEFAULT_THRESHOLDS.__class__(0.4, 0.25, 0.8, 3, 1.5, 0.2)
    backup = write_thresholds(path, rule, now)
    assert backup.name == "consents.yaml.20261203-100000.bak"
    text = path.read_text(encoding="utf-8")
    assert "  spread_factor: 0.8    # a child's range" in text
    assert load_policy(path).thresholds == rule
    old, new = backup.read_text(encoding="utf-8").splitlines(), text.splitlines()
    assert len(old) == len(new)
    assert sum(a != b for a, b in zip(old, new, strict=True)) == 6  # the six matching lines


def test_old_references_are_counted() -> None:
    refs = {"a": [encoding_of((0, 0, 0)), encoding_of((0, 0, 9))]}
    dates = {"a": ["2025-08-01T10:00:00+00:00", "2026-11-01T10:00:00+00:00"]}
    now = datetime(2026, 12, 3, tzinfo=UTC)
    (child,) = calibrate(refs, dates, DEFAULT_THRESHOLDS, now, 365).children
    assert (child.old_references, child.oldest_reference) == (1, "2025-08-01")
