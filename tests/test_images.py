"""media.photos.load_image: orientation, whole files only, size limits, formats, draft mode."""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from PIL import Image, ImageFile, JpegImagePlugin

from fotopoort.engines.faces import DlibEngine
from fotopoort.errors import ImageError
from fotopoort.media.photos import LoadedImage, load_image

MAX_PIXELS = 80_000_000  # the template policy's images.max_pixels
Colour = tuple[int, int, int]
RGBArray = npt.NDArray[np.uint8]


def encode(img: Image.Image, fmt: str, **params: Any) -> bytes:
    buf = io.BytesIO()
    img.save(buf, fmt, **params)
    return buf.getvalue()


def load(data: bytes, max_side: int | None = None, max_pixels: int = MAX_PIXELS) -> LoadedImage:
    return load_image(data, max_pixels=max_pixels, max_side=max_side)


def noise(width: int = 320, height: int = 240) -> Image.Image:
    """Busy content, so that every part of a file holds image data."""
    rng = np.random.default_rng(7)
    return Image.fromarray(rng.integers(0, 256, (height, width, 3), dtype=np.uint8))


def half(data: bytes) -> bytes:
    return data[: len(data) // 2]


# --- EXIF orientation -------------------------------------------------------------------------

BLOCK = 32
BLOCK_COLOURS: list[Colour] = [
    (255, 0, 0),
    (0, 255, 0),
    (0, 0, 255),
    (255, 255, 0),
    (0, 255, 255),
    (255, 0, 255),
]


def asymmetric() -> RGBArray:
    """3x2 blocks of six colours: every rotation and mirror of it looks different."""
    arr = np.zeros((2 * BLOCK, 3 * BLOCK, 3), dtype=np.uint8)
    for i, colour in enumerate(BLOCK_COLOURS):
        row, col = divmod(i, 3)
        arr[row * BLOCK : (row + 1) * BLOCK, col * BLOCK : (col + 1) * BLOCK] = colour
    return arr


# What a viewer shows for each EXIF orientation of the stored pixels.
UPRIGHT: dict[int, Callable[[RGBArray], RGBArray]] = {
    1: lambda a: a,
    3: lambda a: np.rot90(a, 2),
    6: lambda a: np.rot90(a, -1),  # stored sideways: turn 90 degrees clockwise
    8: lambda a: np.rot90(a, 1),
}


def with_orientation(img: Image.Image, fmt: str, orientation: int) -> bytes:
    if fmt == "TIFF":
        return encode(img, fmt, tiffinfo={0x0112: orientation})
    exif = Image.Exif()
    exif[0x0112] = orientation
    faithful: dict[str, dict[str, Any]] = {  # (nearly) lossless, to compare pixels
        "JPEG": {"quality": 95, "subsampling": 0},
        "WEBP": {"lossless": True},
        "HEIF": {"quality": -1},
    }
    return encode(img, fmt, exif=exif.tobytes(), **faithful.get(fmt, {}))


@pytest.mark.parametrize(
    ("fmt", "orientation"),
    [
        ("JPEG", 1),
        ("JPEG", 3),
        ("JPEG", 6),
        ("JPEG", 8),
        ("PNG", 6),
        ("WEBP", 8),
        ("HEIF", 6),
        ("TIFF", 3),
        ("TIFF", 6),
        ("TIFF", 8),
    ],
)
def test_exif_orientation_is_applied(fmt: str, orientation: int) -> None:
    stored = asymmetric()
    loaded = load(with_orientation(Image.fromarray(stored), fmt, orientation))
    expected = UPRIGHT[orientation](stored)
    assert loaded.pixels.shape == expected.shape
    assert np.abs(loaded.pixels.astype(int) - expected).max() <= 8
    height, width = expected.shape[:2]
    assert loaded.original_size == (width, height)
    assert loaded.scale == 1.0


@pytest.mark.engine
def test_demo_photo_stored_sideways_shows_one_upright_face(shared: Path) -> None:
    import face_recognition

    data = (shared / "demo" / "kamp" / "k09_fatima_telefoon.jpg").read_bytes()
    with Image.open(io.BytesIO(data)) as raw:
        assert raw.getexif().get(0x0112) == 6
        sideways = np.asarray(raw.convert("RGB"))
    engine = DlibEngine()
    assert engine.find_faces(sideways, 1) == []  # as stored, no face is upright

    pixels = load(data).pixels
    faces = engine.find_faces(pixels, 1)
    assert len(faces) == 1
    marks = face_recognition.face_landmarks(pixels, faces)[0]

    def mean_y(feature: str) -> float:
        return float(np.mean([y for _x, y in marks[feature]]))

    assert mean_y("left_eye") < mean_y("nose_tip") < mean_y("bottom_lip")
    assert mean_y("right_eye") < mean_y("nose_tip")


# --- a file that cannot be read whole ---------------------------------------------------------


UNREADABLE: dict[str, Callable[[], bytes]] = {
    "truncated-jpeg": lambda: half(encode(noise(), "JPEG")),
    "truncated-progressive-jpeg": lambda: half(encode(noise(), "JPEG", progressive=True)),
    "jpeg-without-its-last-bytes": lambda: encode(noise(), "JPEG")[:-2],
    "jpeg-header-only": lambda: encode(noise(), "JPEG")[:300],
    "truncated-png": lambda: half(encode(noise(), "PNG")),
    "truncated-webp": lambda: half(encode(noise(), "WEBP")),
    "truncated-heif": lambda: half(encode(noise(), "HEIF")),
    "truncated-tiff": lambda: half(encode(noise(), "TIFF")),
    "truncated-lzw-tiff": lambda: half(encode(noise(), "TIFF", compression="tiff_lzw")),
    "text-file": lambda: b"Kamp 2026: foto's van dag 2 volgen morgen.\n",
    "empty-file": lambda: b"",
    "random-bytes": lambda: np.random.default_rng(1).bytes(5000),
}


@pytest.mark.parametrize("max_side", [None, 100], ids=["full", "reduced"])
@pytest.mark.parametrize("make", UNREADABLE.values(), ids=UNREADABLE.keys())
def test_unreadable_data_is_an_error(make: Callable[[], bytes], max_side: int | None) -> None:
    with pytest.raises(ImageError):
        load(make(), max_side=max_side)


@pytest.mark.parametrize("name", ["k10_afgebroken.jpg", "k11_notities.jpg"])
def test_unreadable_demo_files_are_errors(shared: Path, name: str) -> None:
    with pytest.raises(ImageError):
        load((shared / "demo" / "kamp" / name).read_bytes(), max_side=2000)


@pytest.mark.engine
def test_truncated_jpeg_is_an_error_after_the_face_engine_is_used(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import face_recognition  # noqa: F401  (switches LOAD_TRUNCATED_IMAGES on when first imported)

    # whatever the import order was in this process, face_recognition's setting is in force
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    engine = DlibEngine()
    engine.find_faces(load(encode(noise(), "JPEG")).pixels, 0)
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    with pytest.raises(ImageError, match="truncated"):
        load(half(encode(noise(), "JPEG")))


_FRESH_PROCESS = """
import io, sys
import face_recognition
from PIL import Image, ImageFile
assert ImageFile.LOAD_TRUNCATED_IMAGES, "face_recognition no longer sets the flag"
from fotopoort.errors import ImageError
from fotopoort.engines.faces import DlibEngine
from fotopoort.media.photos import load_image
buf = io.BytesIO()
Image.effect_noise((320, 240), 64).convert("RGB").save(buf, "JPEG")
whole, half = buf.getvalue(), buf.getvalue()[: len(buf.getvalue()) // 2]

def refused(when):
    try:
        load_image(half, max_pixels=10**6)
    except ImageError:
        return
    sys.exit("a truncated JPEG was loaded " + when)

refused("before the engine was used")
DlibEngine().find_faces(load_image(whole, max_pixels=10**6).pixels, 0)
refused("after the engine was used")
"""


@pytest.mark.engine
def test_truncated_jpeg_is_an_error_in_a_process_that_imported_face_recognition_first() -> None:
    run = subprocess.run(
        [sys.executable, "-c", _FRESH_PROCESS], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr


# --- decompression bombs ------------------------------------------------------------------------


def png_of_zeros(width: int, height: int, bit_depth: int, colour_type: int) -> bytes:
    """A valid PNG of all-zero pixels, compressed to almost nothing, without a pixel buffer."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    row = bytes(1 + (width * bit_depth + 7) // 8)  # filter byte + the packed row
    packer = zlib.compressobj(9)
    rows_per_block = max(1, 1_000_000 // len(row))
    idat = b"".join(
        packer.compress(row * min(rows_per_block, height - y))
        for y in range(0, height, rows_per_block)
    )
    idat += packer.flush()
    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("width", "height", "bit_depth", "colour_type", "max_pixels"),
    [
        (20_000, 20_000, 1, 0, MAX_PIXELS),  # 400 Mpx of 1-bit grey: Pillow's own limit too
        (10_000, 9_000, 8, 0, MAX_PIXELS),  # 90 Mpx grey: above the policy, below Pillow's limit
        (2_000, 2_000, 8, 2, 1_000_000),  # a stricter policy
    ],
    ids=["400Mpx-1bit", "90Mpx-grey", "4Mpx-rgb-policy-1Mpx"],
)
def test_decompression_bomb_is_refused_without_decoding(
    monkeypatch: pytest.MonkeyPatch,
    width: int,
    height: int,
    bit_depth: int,
    colour_type: int,
    max_pixels: int,
) -> None:
    bomb = png_of_zeros(width, height, bit_depth, colour_type)
    assert len(bomb) < 200_000
    with monkeypatch.context() as unguarded:
        unguarded.setattr(Image, "MAX_IMAGE_PIXELS", None)
        with Image.open(io.BytesIO(bomb)) as probe:  # a well-formed PNG of that size
            assert probe.size == (width, height)

    def no_decoding(self: ImageFile.ImageFile) -> None:
        raise AssertionError("the bomb was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    start = time.perf_counter()
    with pytest.raises(ImageError, match="pixels"):
        load(bomb, max_side=2000, max_pixels=max_pixels)
    assert time.perf_counter() - start < 1.0


def test_image_at_the_pixel_limit_is_accepted() -> None:
    loaded = load(png_of_zeros(1000, 1000, 8, 0), max_pixels=1_000_000)
    assert loaded.original_size == (1000, 1000)


# --- formats -----------------------------------------------------------------------------------

W, H = 48, 32


def solid(mode: str, value: Any) -> Image.Image:
    return Image.new(mode, (W, H), value)


def palette(transparency: Any = None) -> bytes:
    img = solid("P", 1)
    img.putpalette([0, 0, 0, 10, 200, 10, 255, 255, 255])
    extra = {} if transparency is None else {"transparency": transparency}
    return encode(img, "PNG", **extra)


# name -> (file bytes, format load_image reports, expected RGB, tolerance)
FORMATS: dict[str, tuple[Callable[[], bytes], str, Colour, int]] = {
    "jpeg": (lambda: encode(solid("RGB", (200, 30, 30)), "JPEG"), "JPEG", (200, 30, 30), 6),
    "png": (lambda: encode(solid("RGB", (200, 30, 30)), "PNG"), "PNG", (200, 30, 30), 0),
    "webp": (lambda: encode(solid("RGB", (200, 30, 30)), "WEBP"), "WEBP", (200, 30, 30), 6),
    "webp-lossless": (
        lambda: encode(solid("RGB", (200, 30, 30)), "WEBP", lossless=True),
        "WEBP",
        (200, 30, 30),
        0,
    ),
    "tiff": (lambda: encode(solid("RGB", (200, 30, 30)), "TIFF"), "TIFF", (200, 30, 30), 0),
    "tiff-lzw": (
        lambda: encode(solid("RGB", (200, 30, 30)), "TIFF", compression="tiff_lzw"),
        "TIFF",
        (200, 30, 30),
        0,
    ),
    "heif": (lambda: encode(solid("RGB", (200, 30, 30)), "HEIF"), "HEIF", (200, 30, 30), 6),
    "grayscale-jpeg": (lambda: encode(solid("L", 77), "JPEG"), "JPEG", (77, 77, 77), 2),
    "cmyk-jpeg": (
        lambda: encode(solid("CMYK", (0, 255, 255, 0)), "JPEG"),
        "JPEG",
        (255, 0, 0),
        6,
    ),
    "bilevel-png": (lambda: encode(solid("1", 1), "PNG"), "PNG", (255, 255, 255), 0),
    "bmp": (lambda: encode(solid("RGB", (10, 20, 30)), "BMP"), "BMP", (10, 20, 30), 0),
    # alpha is dropped: what is under a transparent pixel is still looked at
    "rgba-png-transparent": (
        lambda: encode(solid("RGBA", (10, 20, 30, 0)), "PNG"),
        "PNG",
        (10, 20, 30),
        0,
    ),
    "rgba-png-half": (
        lambda: encode(solid("RGBA", (10, 20, 30, 128)), "PNG"),
        "PNG",
        (10, 20, 30),
        0,
    ),
    "la-png": (lambda: encode(solid("LA", (99, 0)), "PNG"), "PNG", (99, 99, 99), 0),
    "rgba-webp": (
        lambda: encode(solid("RGBA", (10, 200, 10, 0)), "WEBP", lossless=True, exact=True),
        "WEBP",
        (10, 200, 10),
        0,
    ),
    "palette-png": (palette, "PNG", (10, 200, 10), 0),
    "palette-png-one-transparent-index": (lambda: palette(1), "PNG", (10, 200, 10), 0),
    # tRNS with an alpha value per palette entry, as most editors write it
    "palette-png-alpha-table": (
        lambda: palette(bytes([255, 0, 128])),
        "PNG",
        (10, 200, 10),
        0,
    ),
}


@pytest.mark.parametrize(("make", "fmt", "colour", "tolerance"), FORMATS.values(), ids=FORMATS)
def test_supported_formats_load_as_rgb(
    make: Callable[[], bytes], fmt: str, colour: Colour, tolerance: int
) -> None:
    loaded = load(make())
    assert loaded.format == fmt
    assert loaded.pixels.dtype == np.uint8
    assert loaded.pixels.shape == (H, W, 3)
    assert loaded.original_size == (W, H)
    centre = loaded.pixels[H // 2, W // 2].astype(int)
    assert np.abs(centre - np.array(colour)).max() <= tolerance


def sixteen_bit(fmt: str, mode: str) -> bytes:
    """Black, mid-grey and white columns at 16 bits per pixel."""
    levels = np.repeat(np.array([[0, 32768, 65535]]), 4, axis=0)
    dtype = ">u2" if mode == "I;16B" else "<u2"
    return encode(Image.frombytes(mode, (3, 4), levels.astype(dtype).tobytes()), fmt)


@pytest.mark.parametrize(
    ("fmt", "mode"), [("PNG", "I;16"), ("TIFF", "I;16"), ("TIFF", "I;16B")], ids=str
)
def test_16_bit_grey_is_scaled_not_clipped(fmt: str, mode: str) -> None:
    loaded = load(sixteen_bit(fmt, mode))
    black, mid, white = (int(v) for v in loaded.pixels[1, :, 0])
    assert black == 0
    assert abs(mid - 128) <= 1
    assert white == 255
    assert (loaded.pixels[..., 0] == loaded.pixels[..., 2]).all()


@pytest.mark.parametrize(
    ("fmt", "params"),
    [("WEBP", {"lossless": True}), ("PNG", {}), ("HEIF", {"quality": -1})],
    ids=["webp", "png", "heif"],
)
def test_file_named_jpg_is_read_by_its_content(
    tmp_path: Path, fmt: str, params: dict[str, Any]
) -> None:
    photo = tmp_path / "IMG_0001.jpg"
    photo.write_bytes(encode(Image.fromarray(asymmetric()), fmt, **params))
    loaded = load(photo.read_bytes())
    assert loaded.format == fmt
    assert np.abs(loaded.pixels.astype(int) - asymmetric()).max() <= 8


# --- reduced decoding ("draft mode") -----------------------------------------------------------

MARK = (250, 0, 0)


@pytest.fixture(scope="module")
def camera_jpeg() -> Image.Image:
    """A 4000x3000 camera-sized photo with a red mark in its stored top-left 400x300 corner."""
    img = Image.new("RGB", (4000, 3000), (90, 90, 90))
    img.paste(MARK, (0, 0, 400, 300))
    return img


def test_large_jpeg_is_decoded_at_reduced_size(
    camera_jpeg: Image.Image, monkeypatch: pytest.MonkeyPatch
) -> None:
    requested: list[tuple[int, int] | None] = []
    original_draft = JpegImagePlugin.JpegImageFile.draft

    def spy(self: JpegImagePlugin.JpegImageFile, mode: str | None, size: Any) -> Any:
        requested.append(size)
        return original_draft(self, mode, size)

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "draft", spy)
    loaded = load(encode(camera_jpeg, "JPEG"), max_side=1000)
    assert requested, "the JPEG was decoded at full size"
    assert max(loaded.pixels.shape[:2]) <= 1000
    assert loaded.pixels.shape == (750, 1000, 3)
    assert loaded.original_size == (4000, 3000)
    assert loaded.scale == 4.0
    assert np.abs(loaded.pixels[37, 50].astype(int) - MARK).max() <= 6  # inside the mark
    assert np.abs(loaded.pixels[80, 110].astype(int) - 90).max() <= 6


@pytest.mark.parametrize(
    ("orientation", "max_side", "shape", "original_size"),
    [
        (1, None, (3000, 4000, 3), (4000, 3000)),
        (1, 1500, (1125, 1500, 3), (4000, 3000)),
        (6, 1000, (1000, 750, 3), (3000, 4000)),
        (8, 2000, (2000, 1500, 3), (3000, 4000)),
    ],
)
def test_reduced_size_and_scale_agree_with_the_upright_photo(
    camera_jpeg: Image.Image,
    orientation: int,
    max_side: int | None,
    shape: tuple[int, int, int],
    original_size: tuple[int, int],
) -> None:
    exif = Image.Exif()
    exif[0x0112] = orientation
    loaded = load(encode(camera_jpeg, "JPEG", exif=exif.tobytes()), max_side=max_side)
    assert loaded.pixels.shape == shape
    assert loaded.original_size == original_size
    assert loaded.scale == pytest.approx(original_size[0] / shape[1])
