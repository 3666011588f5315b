"""consents.yaml -> a typed Policy. Every problem is one line naming file, line and key."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path

import yaml

from fotopoort.channels import CHANNEL_NAMES, Channel
from fotopoort.engines.faces import DetectionSettings, Detector
from fotopoort.errors import ConfigError, UsageError
from fotopoort.matching import THRESHOLD_KEYS, Thresholds
from fotopoort.messages import Text, render
from fotopoort.messages import errors as messages
from fotopoort.text import did_you_mean
from fotopoort.videoconfig import DEFAULT_VIDEO, VideoSettings

DEFAULT_CONFIG = "consents.yaml"
# Defaults for keys a policy may leave out; template.yaml states the same values.
# Measured in docs/accuracy.md: the rule with no wrong identification in any test of
# `make bench-matching`, including the nearest look-alike test.
DEFAULT_THRESHOLDS = Thresholds(
    tolerance=0.48,
    margin=0.20,
    spread_factor=0.95,
    min_references=1,
    lookalike_factor=1.0,
    single_reference_range=0.25,
)
# The measured safe range: each of these moved past its limit named a child wrongly in the
# benchmark. Looser settings are allowed, but every run that matches says so.
SAFE_TOLERANCE_MAX = 0.48
SAFE_MARGIN_MIN = 0.20
SAFE_SPREAD_FACTOR_MAX = 0.95
SAFE_LOOKALIKE_FACTOR_MIN = 1.0
SAFE_SINGLE_REFERENCE_RANGE_MAX = DEFAULT_THRESHOLDS.single_reference_range
DEFAULT_DETECTION = DetectionSettings(
    max_side=2000,
    detect_side=1600,
    upsample=1,
    min_face_px=60,
    detector=Detector.YUNET,
    score_threshold=0.7,
)
DEFAULT_MAX_PIXELS = 80_000_000
CONFIG_ENV = "FOTOPOORT_CONFIG"


@dataclass(frozen=True)
class ExportColumns:
    child: str
    name: str
    group: str
    date: str | None


@dataclass(frozen=True)
class Retention:
    """How long old data is kept; `fotopoort purge` applies it."""

    snapshots_months: int = 12  # a replaced consent snapshot, counted from its replacement
    audit_years: int = 5  # an audit entry no current decision rests on


DEFAULT_YES = ("Ja",)
# channels whose copies leave the school: built from pixels, without metadata, unless
# consents.yaml says otherwise (strip_metadata:)
DEFAULT_STRIP = frozenset({Channel.WEBSITE, Channel.SCHOOL})


@dataclass(frozen=True)
class Policy:
    path: Path
    export: ExportColumns
    # None: the school asks no consent for face recognition; nobody is enrolled, every photo
    # with a face goes to review and people name the faces (`review serve`)
    biometric_column: str | None
    channels: Mapping[Channel, tuple[str, ...]]
    database: Path
    thresholds: Thresholds
    detection: DetectionSettings
    max_pixels: int
    yes_values: frozenset[str] = frozenset(v.casefold() for v in DEFAULT_YES)  # casefolded
    retention: Retention = Retention()
    video: VideoSettings = DEFAULT_VIDEO
    strip_metadata: frozenset[Channel] = DEFAULT_STRIP
    # column label -> (consents.yaml key, line) that asked for it, for error messages
    column_sources: Mapping[str, tuple[str, int]] = field(default_factory=dict)

    def looser_than_measured(self) -> list[str]:
        """One line per threshold outside the measured safe range."""
        t = self.thresholds
        out = []
        if t.tolerance > SAFE_TOLERANCE_MAX:
            out.append(
                render(
                    messages.LOOSER_TOLERANCE,
                    path=self.path,
                    value=t.tolerance,
                    limit=SAFE_TOLERANCE_MAX,
                )
            )
        for key, value, limit, looser in (
            ("margin", t.margin, SAFE_MARGIN_MIN, t.margin < SAFE_MARGIN_MIN),
            (
                "spread_factor",
                t.spread_factor,
                SAFE_SPREAD_FACTOR_MAX,
                t.spread_factor > SAFE_SPREAD_FACTOR_MAX,
            ),
            (
                "single_reference_range",
                t.single_reference_range,
                SAFE_SINGLE_REFERENCE_RANGE_MAX,
                t.single_reference_range > SAFE_SINGLE_REFERENCE_RANGE_MAX,
            ),
            (
                "lookalike_factor",
                t.lookalike_factor,
                SAFE_LOOKALIKE_FACTOR_MIN,
                t.lookalike_factor < SAFE_LOOKALIKE_FACTOR_MIN,
            ),
        ):
            if looser:
                out.append(
                    render(messages.LOOSER, path=self.path, key=key, value=value, limit=limit)
                )
        return out

    def require_channel(self, name: str) -> Channel:
        """The channel called `name`, or a usage error with a suggestion."""
        try:
            channel = Channel(name.strip().casefold())  # `--channel Website` means website
        except ValueError:
            hint = did_you_mean(name, CHANNEL_NAMES)
            raise UsageError(render(messages.UNKNOWN_CHANNEL, name=name, hint=hint)) from None
        if channel not in self.channels:
            raise UsageError(render(messages.CHANNEL_NOT_CONFIGURED, name=name, path=self.path))
        return channel


def template_text() -> str:
    return resources.files("fotopoort").joinpath("template.yaml").read_text(encoding="utf-8")


def resolve_config_path(option: Path | None) -> Path:
    if option is not None:
        return option
    env = os.environ.get(CONFIG_ENV)
    return Path(env) if env else Path(DEFAULT_CONFIG)


def write_template(directory: Path) -> Path:
    """Write a commented consents.yaml into `directory`; never overwrite an existing one."""
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / DEFAULT_CONFIG
    try:
        with target.open("x", encoding="utf-8") as fh:
            fh.write(template_text())
    except FileExistsError:
        raise UsageError(render(messages.TEMPLATE_EXISTS, path=target)) from None
    return target


def load_policy(path: Path) -> Policy:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(render(messages.CONFIG_MISSING, path=path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(render(messages.CONFIG_UNREADABLE, path=path, why=exc)) from None
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except RecursionError:
        raise ConfigError(render(messages.CONFIG_TOO_DEEP, path=path)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(
            render(messages.CONFIG_NOT_YAML, path=path, where=where, problem=problem)
        ) from None
    if root is None:
        raise ConfigError(render(messages.CONFIG_EMPTY, path=path))
    return _PolicyReader(path).read(root)


_TOP_KEYS = (
    "export",
    "biometric_column",
    "channels",
    "database",
    "matching",
    "detection",
    "images",
    "yes_values",
    "retention",
    "video",
    "strip_metadata",
)
_VIDEO_KEYS = ("sample_fps", "max_minutes", "max_pixels", "beyond_limits", "segment_seconds")
_BEYOND = ("review", "decide")
_RETENTION_KEYS = ("snapshots_months", "audit_years")
_EXPORT_KEYS = ("child_column", "name_column", "group_column", "date_column")
_MATCHING_KEYS = THRESHOLD_KEYS
_DETECTION_KEYS = (
    "detector",
    "max_side",
    "detect_side",
    "upsample",
    "min_face_px",
    "score_threshold",
)
_DETECTORS = tuple(d.value for d in Detector)
_IMAGES_KEYS = ("max_pixels",)


class _PolicyReader:
    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, node: yaml.Node, key: str, what: Text, **params: object) -> ConfigError:
        line = node.start_mark.line + 1
        return ConfigError(
            messages.CONFIG_KEY, path=self.path, line=line, key=key, what=render(what, **params)
        )

    def mapping(self, node: yaml.Node, key: str, allowed: tuple[str, ...]) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, key or "(top level)", messages.KEY_NOT_A_MAPPING)
        out: dict[str, yaml.Node] = {}
        for k_node, v_node in node.value:
            name = str(k_node.value)
            full = f"{key}.{name}" if key else name
            if name not in allowed:
                raise self.fail(
                    k_node, full, messages.KEY_UNKNOWN, hint=did_you_mean(name, allowed)
                )
            if name in out:
                raise self.fail(k_node, full, messages.KEY_TWICE)
            out[name] = v_node
        return out

    def scalar(self, node: yaml.Node, key: str) -> object:
        if not isinstance(node, yaml.ScalarNode):
            raise self.fail(node, key, messages.KEY_NOT_SINGLE)
        try:
            return yaml.SafeLoader("").construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError) as exc:
            problem = getattr(exc, "problem", None) or str(exc)
            raise self.fail(node, key, messages.KEY_UNREADABLE, why=problem) from None

    def text(self, node: yaml.Node, key: str) -> str:
        value = self.scalar(node, key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(node, key, messages.KEY_NOT_TEXT, value=value)
        return value.strip()

    def number(self, node: yaml.Node, key: str, lo: float, hi: float) -> float:
        value = self.scalar(node, key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(node, key, messages.KEY_NOT_NUMBER, value=value)
        if not lo <= value <= hi:
            raise self.fail(node, key, messages.KEY_OUT_OF_RANGE, lo=lo, hi=hi, value=value)
        return float(value)

    def integer(self, node: yaml.Node, key: str, lo: int, hi: int) -> int:
        value = self.scalar(node, key)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(node, key, messages.KEY_NOT_WHOLE, value=value)
        if not lo <= value <= hi:
            raise self.fail(node, key, messages.KEY_OUT_OF_RANGE, lo=lo, hi=hi, value=value)
        return value

    def required(self, table: dict[str, yaml.Node], parent: yaml.Node, key: str) -> yaml.Node:
        name = key.rsplit(".", 1)[-1]
        if name not in table:
            raise self.fail(parent, key, messages.KEY_MISSING)
        return table[name]

    def read(self, root: yaml.Node) -> Policy:
        top = self.mapping(root, "", _TOP_KEYS)
        export_node = self.required(top, root, "export")
        export = self.mapping(export_node, "export", _EXPORT_KEYS)
        columns = ExportColumns(
            child=self.text(
                self.required(export, export_node, "export.child_column"), "export.child_column"
            ),
            name=self.text(
                self.required(export, export_node, "export.name_column"), "export.name_column"
            ),
            group=self.text(
                self.required(export, export_node, "export.group_column"), "export.group_column"
            ),
            date=self.text(export["date_column"], "export.date_column")
            if "date_column" in export
            else None,
        )
        biometric = (
            self.text(top["biometric_column"], "biometric_column")
            if "biometric_column" in top
            else None
        )
        channels = self.channels(self.required(top, root, "channels"))
        database = Path(self.text(top["database"], "database")) if "database" in top else None
        db_path = (self.path.parent / (database or Path("fotopoort.db"))).resolve()
        sources: dict[str, tuple[str, int]] = {}
        for key, node in [
            *((f"export.{k}", export[k]) for k in _EXPORT_KEYS if k in export),
            *([("biometric_column", top["biometric_column"])] if "biometric_column" in top else []),
        ]:
            sources.setdefault(self.text(node, key), (key, node.start_mark.line + 1))
        channels_table = top["channels"]
        assert isinstance(channels_table, yaml.MappingNode)
        for k_node, v_node in channels_table.value:
            items = v_node.value if isinstance(v_node, yaml.SequenceNode) else [v_node]
            for item in items:
                key = f"channels.{k_node.value}"
                sources.setdefault(self.text(item, key), (key, item.start_mark.line + 1))
        return Policy(
            path=self.path,
            export=columns,
            biometric_column=biometric,
            channels=channels,
            database=db_path,
            thresholds=self.thresholds(top.get("matching")),
            detection=self.detection(top.get("detection")),
            max_pixels=self.max_pixels(top.get("images")),
            yes_values=self.yes_values(top.get("yes_values")),
            retention=self.retention(top.get("retention")),
            video=self.video(top.get("video")),
            strip_metadata=self.strip_metadata(top.get("strip_metadata")),
            column_sources=sources,
        )

    def yes_values(self, node: yaml.Node | None) -> frozenset[str]:
        if node is None:
            return frozenset(v.casefold() for v in DEFAULT_YES)
        items = node.value if isinstance(node, yaml.SequenceNode) else [node]
        values = [self.text(item, "yes_values") for item in items]
        if not values:
            raise self.fail(node, "yes_values", messages.KEY_NO_YES_VALUE)
        return frozenset(" ".join(v.split()).casefold() for v in values)

    def strip_metadata(self, node: yaml.Node | None) -> frozenset[Channel]:
        """`strip_metadata: {website: true, portfolio: false}`: channels not named keep the
        default (on for website and school)."""
        if node is None:
            return DEFAULT_STRIP
        out = set(DEFAULT_STRIP)
        for name, value in self.mapping(node, "strip_metadata", CHANNEL_NAMES).items():
            key = f"strip_metadata.{name}"
            flag = self.scalar(value, key)
            if not isinstance(flag, bool):
                raise self.fail(value, key, messages.KEY_NOT_BOOLEAN)
            (out.add if flag else out.discard)(Channel(name))
        return frozenset(out)

    def retention(self, node: yaml.Node | None) -> Retention:
        table = self.mapping(node, "retention", _RETENTION_KEYS) if node is not None else {}
        d = Retention()
        return Retention(
            snapshots_months=self.optional_int(
                table, "retention.snapshots_months", 1, 1200, d.snapshots_months
            ),
            audit_years=self.optional_int(table, "retention.audit_years", 1, 100, d.audit_years),
        )

    def video(self, node: yaml.Node | None) -> VideoSettings:
        table = self.mapping(node, "video", _VIDEO_KEYS) if node is not None else {}
        d = DEFAULT_VIDEO
        beyond = "decide" if d.beyond_limits_decides else "review"
        if "beyond_limits" in table:
            beyond = self.text(table["beyond_limits"], "video.beyond_limits")
            if beyond not in _BEYOND:
                raise self.fail(
                    table["beyond_limits"],
                    "video.beyond_limits",
                    messages.KEY_REVIEW_OR_DECIDE,
                    value=beyond,
                    hint=did_you_mean(beyond, _BEYOND),
                )
        minutes = self.optional_number(table, "video.max_minutes", 0.1, 24 * 60, d.max_seconds / 60)
        return replace(
            d,
            sample_fps=self.optional_number(table, "video.sample_fps", 0.5, 30.0, d.sample_fps),
            max_seconds=round(minutes * 60),
            max_pixels=self.optional_int(
                table, "video.max_pixels", 100_000, 200_000_000, d.max_pixels
            ),
            beyond_limits_decides=beyond == "decide",
            segment_seconds=self.optional_number(
                table, "video.segment_seconds", 2.0, 3600.0, d.segment_seconds
            ),
        )

    def channels(self, node: yaml.Node) -> dict[Channel, tuple[str, ...]]:
        table = self.mapping(node, "channels", CHANNEL_NAMES)
        if not table:
            raise self.fail(node, "channels", messages.KEY_NO_CHANNEL)
        out: dict[Channel, tuple[str, ...]] = {}
        for name, value in table.items():
            key = f"channels.{name}"
            if isinstance(value, yaml.SequenceNode):
                cols = tuple(self.text(item, key) for item in value.value)
            else:
                value_obj = self.scalar(value, key)
                if value_obj is None:
                    raise self.fail(value, key, messages.KEY_NO_COLUMN)
                cols = (self.text(value, key),)
            if not cols:
                raise self.fail(value, key, messages.KEY_NO_COLUMN)
            out[Channel(name)] = cols
        return out

    def optional_int(
        self, table: dict[str, yaml.Node], key: str, lo: int, hi: int, default: int
    ) -> int:
        name = key.split(".")[1]
        return self.integer(table[name], key, lo, hi) if name in table else default

    def optional_number(
        self, table: dict[str, yaml.Node], key: str, lo: float, hi: float, default: float
    ) -> float:
        name = key.split(".")[1]
        return self.number(table[name], key, lo, hi) if name in table else default

    def thresholds(self, node: yaml.Node | None) -> Thresholds:
        table = self.mapping(node, "matching", _MATCHING_KEYS) if node is not None else {}
        d = DEFAULT_THRESHOLDS
        return Thresholds(
            tolerance=self.optional_number(table, "matching.tolerance", 0.0, 1.0, d.tolerance),
            margin=self.optional_number(table, "matching.margin", 0.0, 1.0, d.margin),
            spread_factor=self.optional_number(
                table, "matching.spread_factor", 0.0, 3.0, d.spread_factor
            ),
            min_references=self.optional_int(
                table, "matching.min_references", 1, 20, d.min_references
            ),
            single_reference_range=self.optional_number(
                table, "matching.single_reference_range", 0.0, 1.0, d.single_reference_range
            ),
            lookalike_factor=self.optional_number(
                table, "matching.lookalike_factor", 0.0, 5.0, d.lookalike_factor
            ),
        )

    def detection(self, node: yaml.Node | None) -> DetectionSettings:
        table = self.mapping(node, "detection", _DETECTION_KEYS) if node is not None else {}
        d = DEFAULT_DETECTION
        return DetectionSettings(
            max_side=self.optional_int(table, "detection.max_side", 400, 20000, d.max_side),
            detect_side=self.optional_int(
                table, "detection.detect_side", 400, 20000, d.detect_side
            ),
            upsample=self.optional_int(table, "detection.upsample", 0, 2, d.upsample),
            min_face_px=self.optional_int(table, "detection.min_face_px", 20, 1000, d.min_face_px),
            detector=self.detector(table["detector"]) if "detector" in table else d.detector,
            score_threshold=self.optional_number(
                table, "detection.score_threshold", 0.3, 0.99, d.score_threshold
            ),
        )

    def detector(self, node: yaml.Node) -> Detector:
        value = self.text(node, "detection.detector")
        try:
            return Detector(value.lower())
        except ValueError:
            raise self.fail(
                node,
                "detection.detector",
                messages.KEY_ONE_OF,
                options=", ".join(_DETECTORS),
                value=value,
                hint=did_you_mean(value.lower(), _DETECTORS),
            ) from None

    def max_pixels(self, node: yaml.Node | None) -> int:
        table = self.mapping(node, "images", _IMAGES_KEYS) if node is not None else {}
        return self.optional_int(
            table, "images.max_pixels", 1_000_000, 1_000_000_000, DEFAULT_MAX_PIXELS
        )
