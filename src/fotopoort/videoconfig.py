"""The settings of video analysis (consents.yaml's `video:` section). No imports: config.py,
tracks.py and video.py all need them."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TrackSettings:
    max_gap: float = 1.5  # seconds a track may go unseen and still be continued
    link_distance: float = 0.45  # encoding distance up to which a face continues a track
    max_shift: float = 3.0  # ... and how far it may have moved, in face sizes
    min_overlap: float = 0.3  # box overlap (IoU) that links a face without an encoding

    def cache_key(self) -> str:
        return (
            f"gap={self.max_gap};link={self.link_distance};shift={self.max_shift};"
            f"iou={self.min_overlap}"
        )


@dataclass(frozen=True)
class FollowSettings:
    """When a face's encoding from an earlier sample may stand for it (no new dlib encoding,
    ~0.15 s a face): the same place, the same size and the same look as a face encoded less
    than `reencode_after` seconds before, with no scene cut between."""

    reencode_after: float = 2.0  # seconds: a followed face is encoded afresh at least this often
    max_shift: float = 1.0  # centre moved at most this many face sizes since the last sample
    max_scale: float = 1.2  # ... and its box grew or shrank by at most this factor
    max_change: float = 0.25  # ... and its 16x16 grey view changed at most this much (0-2)

    def cache_key(self) -> str:
        return (
            f"reencode={self.reencode_after};fshift={self.max_shift};fscale={self.max_scale};"
            f"fchange={self.max_change}"
        )


@dataclass(frozen=True)
class VideoSettings:
    sample_fps: float = 2.0  # frames analysed per second of video
    scene_cut: float = 30.0  # mean luma change (0-255) of a tiny view that counts as a cut
    max_seconds: int = 3600  # analysed at most this long ...
    max_pixels: int = 3840 * 2160  # ... and only frames up to this size
    beyond_limits_decides: bool = False  # beyond: decide on what was analysed (else review)
    tracking: TrackSettings = field(default_factory=TrackSettings)
    # the detector looks at a view of at most this long side (a 1080p frame halved): faces from
    # about 45 px in 1080p are found, every face large enough to identify (60 px) with margin
    detect_side: int = 960
    follow: FollowSettings = field(default_factory=FollowSettings)
    # a video is analysed in parts of this many seconds, each decoded from the keyframe before
    # its start: a finished part is kept until the video is done (an interrupted run goes on
    # from there), and two workers can analyse two parts of one video at once
    segment_seconds: float = 30.0

    def cache_key(self) -> str:
        return (
            f"fps={self.sample_fps};cut={self.scene_cut};max_s={self.max_seconds};"
            f"max_px={self.max_pixels};decides={self.beyond_limits_decides};"
            f"detect={self.detect_side};{self.follow.cache_key()};{self.tracking.cache_key()};"
            f"segment={self.segment_seconds:g}"
        )


DEFAULT_VIDEO = VideoSettings()
