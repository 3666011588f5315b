"""An approved redacted copy goes out: the next sort places it in allowed/ (the very bytes the
person approved), verify trusts it while every face it leaves visible has consent, and when a
new export withdraws the consent of a visible child, recheck puts it on the take-down list.

Through the CLI with the fake engine. The photo: Daan (consent everywhere in September, website
withdrawn in December) and Noah (no consent anywhere), so Noah is covered and Daan stays
visible in the website copy.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .conftest import Cli
from .fakes import make_photo
from .test_cli_check import COLOURS, DAAN, FATIMA, NOAH
from .test_recheck import edited_export
from .test_sort_derived import entries, school, sha, tagged_png
from .test_sort_redact import SIZE

__all__ = ["school"]  # the fixture, used by name

DECEMBER = "privacyvoorkeuren-december.csv"  # Daan withdrew website


def approved(school: Cli, tmp_path: Path) -> tuple[Path, Path, str]:
    """kamp/daan_noah.png sorted with --redact, its website copy approved: (kamp, out, sha)."""
    kamp = tmp_path / "kamp"
    make_photo(kamp / "daan_noah.png", [(COLOURS[DAAN], 10), (COLOURS[NOAH], 300)], size=SIZE)
    out = tmp_path / "out"
    assert school("sort", kamp, "--out", out, "--redact", "-c", "website").exit_code == 1
    copy = out / "website" / "redacted" / "daan_noah.png"
    digest = sha(copy)
    ok = school("review", "approve", copy, "-c", "website", "--by", "juf Annemieke")
    assert ok.exit_code == 0, ok.output
    return kamp, out, digest


def recheck_json(school: Cli) -> tuple[int, Any]:
    result = school("recheck", "--json")
    return result.exit_code, json.loads(result.stdout)


def test_the_next_sort_places_the_approved_redacted_copy_in_allowed(
    school: Cli, tmp_path: Path
) -> None:
    kamp, out, digest = approved(school, tmp_path)
    assert not (out / "website" / "allowed" / "daan_noah.png").exists()  # not before a sort
    result = school("sort", kamp, "--out", out, "-c", "website")  # no --redact needed
    assert "website       1 approved redacted copies in allowed/" in result.output
    published = out / "website" / "allowed" / "daan_noah.png"
    assert sha(published) == digest  # the bytes the person approved
    assert sha(published) != sha(kamp / "daan_noah.png")
    # the photo itself is still not allowed: it sits in blocked/ as it is
    assert sha(out / "website" / "blocked" / "daan_noah.png") == sha(kamp / "daan_noah.png")
    entry = entries(out, "website")["daan_noah.png"]
    assert entry["decision"] == "blocked"
    assert entry["allowed_copy"] == {
        "kind": "redacted",
        "path": "website/allowed/daan_noah.png",
        "sha256": digest,
        "original_sha256": sha(kamp / "daan_noah.png"),
        "faces": [2],
        "approved_by": "juf Annemieke",
    }
    verified = school("verify", out)
    assert verified.exit_code == 0, verified.output
    assert "1 files in allowed/ verified: 0 not allowed" in verified.output
    # sorting again keeps it, and nothing is on the take-down list
    school("sort", kamp, "--out", out, "-c", "website")
    assert sha(published) == digest
    code, doc = recheck_json(school)
    assert code == 0 and doc["take_down"] == []


def test_an_approved_copy_changed_in_out_is_caught_by_verify_and_recheck(
    school: Cli, tmp_path: Path
) -> None:
    kamp, out, _ = approved(school, tmp_path)
    school("sort", kamp, "--out", out, "-c", "website")
    assert recheck_json(school)[0] == 0  # nothing changed yet
    published = out / "website" / "allowed" / "daan_noah.png"
    published.write_bytes(published.read_bytes() + b"\x00")
    result = school("verify", out)
    assert result.exit_code == 1
    assert "not allowed: website/allowed/daan_noah.png: content fotopoort never decided" in (
        result.output
    )
    code, doc = recheck_json(school)
    assert code == 1
    assert [(c["path"], c["kind"]) for c in doc["changed_copies"]] == [
        (str(published.absolute()), "redacted")
    ]


def test_a_stripped_copy_changed_in_out_is_reported_by_recheck(school: Cli, tmp_path: Path) -> None:
    kamp = tmp_path / "kamp"
    tagged_png(kamp / "daan.png")  # allowed for website, copied without its metadata
    out = tmp_path / "out"
    assert school("sort", kamp, "--out", out, "-c", "website").exit_code == 0
    code, doc = recheck_json(school)
    assert code == 0 and doc["changed_copies"] == []
    copy = out / "website" / "allowed" / "daan.png"
    copy.write_bytes((kamp / "daan.png").read_bytes() + b"edited")
    code, doc = recheck_json(school)
    assert code == 1
    assert doc["changed_copies"] == [
        {
            "path": str(copy.absolute()),
            "channel": "website",
            "kind": "stripped",
            "sha256": entries(out, "website")["daan.png"]["copy"]["sha256"],
        }
    ]
    assert "copy changed since it was decided" in school("recheck").output
    # sorting again puts the decided copy back
    school("sort", kamp, "--out", out, "-c", "website")
    assert recheck_json(school)[0] == 0


def test_a_visible_child_withdrawing_consent_puts_the_copy_on_the_take_down_list(
    school: Cli, shared: Path, tmp_path: Path
) -> None:
    kamp, out, digest = approved(school, tmp_path)
    school("sort", kamp, "--out", out, "-c", "website")
    assert school("consents", "import", shared / "demo" / DECEMBER).exit_code == 0
    # verify does not trust a copy nobody looked at under the new export
    stale = school("verify", out)
    assert stale.exit_code == 1 and "older consent export" in stale.output
    code, doc = recheck_json(school)
    assert code == 1
    (entry,) = doc["take_down"]
    assert entry["path"] == str((kamp / "daan_noah.png").resolve())
    assert entry["channel"] == "website" and entry["was"] == "allowed"
    assert entry["copy"]["sha256"] == digest
    assert entry["copy"]["path"] == str((out / "website" / "allowed" / "daan_noah.png").absolute())
    assert "face 1 is visible in the approved redacted copy" in entry["reasons"][0]["message"]
    void = school("verify", out)
    assert void.exit_code == 1 and "may no longer go out" in void.output
    # the next sort takes it out of allowed/ and does not place it again ...
    school("sort", kamp, "--out", out, "-c", "website")
    assert not (out / "website" / "allowed" / "daan_noah.png").exists()
    assert school("verify", out).exit_code == 0
    # ... but it may be on the website: it stays on the list until a person says it is down
    code, doc = recheck_json(school)
    assert code == 1 and [e["copy"]["sha256"] for e in doc["take_down"]] == [digest]
    text = school("recheck")
    assert "(redacted copy)" in text.output and "1 to take down" in text.output
    done = school("recheck", "--done", kamp / "daan_noah.png", "--by", "juf Annemieke")
    assert done.exit_code == 0, done.output
    assert "recorded as taken down" in done.output
    trail = json.loads(school("audit", "--json").stdout)
    assert any(e["action"] == "taken-down" and digest in e["note"] for e in trail)
    # and consent coming back does not revive the approval: a person approves a new copy
    back = school(
        "consents", "import", shared / "demo" / "privacyvoorkeuren.csv", "--older-ok", "--yes"
    )
    assert back.exit_code == 0, back.output
    school("sort", kamp, "--out", out, "-c", "website")
    assert not (out / "website" / "allowed" / "daan_noah.png").exists()


def test_a_consent_change_of_no_visible_child_keeps_the_copy(
    school: Cli, shared: Path, tmp_path: Path
) -> None:
    kamp, out, digest = approved(school, tmp_path)
    school("sort", kamp, "--out", out, "-c", "website")
    # Fatima is not in the photo; Noah is covered: neither change matters to the copy
    other = edited_export(
        shared, tmp_path / "export.csv", {FATIMA: {"website": "Ja"}, NOAH: {"school": "Ja"}}
    )
    assert school("consents", "import", other).exit_code == 0
    code, doc = recheck_json(school)
    assert code == 0 and doc["take_down"] == [], doc
    assert school("verify", out).exit_code == 0  # recheck looked at it under this export
    school("sort", kamp, "--out", out, "-c", "website")
    assert sha(out / "website" / "allowed" / "daan_noah.png") == digest
