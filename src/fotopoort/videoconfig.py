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
class VideoSettings:
    sample_fps: float = 2.0  # frames analysed per second of video
    scene_cut: float = 30.0  # mean luma change (0-255) of a tiny view that counts as a cut
    max_seconds: int = 3600  # analysed at most this long ...
    max_pixels: int = 3840 * 2160  # ... and only frames up to this size
    beyond_limits_decides: bool = False  # beyond: decide on what was analysed (else review)
    tracking: TrackSettings = field(default_factory=TrackSettings)

    def cache_key(self) -> str:
        return (
            f"fps={self.sample_fps};cut={self.scene_cut};max_s={self.max_seconds};"
            f"max_px={self.max_pixels};decides={self.beyond_limits_decides};"
            f"{self.tracking.cache_key()}"
        )


DEFAULT_VIDEO = VideoSettings()
