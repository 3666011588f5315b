"""Copies that leave the school: metadata written into a test photo must not survive; redaction
covers every targeted face with the fill and leaves the others as they were."""

from __future__ import annotations

import io
import struct

import numpy as np
import pytest
from PIL import Image, IptcImagePlugin, JpegImagePlugin

from fotopoort.model import Box
from fotopoort.publish.sanitize import (
    DEFAULT_MARGIN,
    FILL,
    JPEG_QUALITY,
    Margin,
    MetadataError,
    check_clean,
    enlarge,
    redact,
    strip_metadata,
)

LIMIT = 10**8
SERIAL, OWNER = "SN-4711-CAMERA", "Juf Annemieke de Boer"
XMP = (
    b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
    b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    b'xmlns:mwg-rs="http://www.metadataworkinggroup.com/schemas/regions/" '
    b'xmlns:MP="http://ns.microsoft.com/photo/1.2/"><mwg-rs:Regions><mwg-rs:Name>Daan de Vries'
    b"</mwg-rs:Name></mwg-rs:Regions><MP:RegionInfo>Fatima</MP:RegionInfo></rdf:Description>"
    b'</rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
)
COMMENT = b"kamp 2026, foto van Noah"


def icc_profile() -> bytes:
    from PIL import ImageCms

    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    return bytes(profile.tobytes())


def marked_image(size: tuple[int, int] = (120, 80)) -> Image.Image:
    """A photo whose top-left corner is red and top-right is blue: orientation shows."""
    im = Image.new("RGB", size, (240, 240, 240))
    im.paste((220, 0, 0), (0, 0, 20, 20))
    im.paste((0, 0, 220), (size[0] - 20, 0, size[0], 20))
    return im


def exif_bytes(orientation: int, *, thumbnail: bytes | None = None) -> bytes:
    """EXIF with GPS, serial number, owner, orientation and (optionally) an IFD1 thumbnail."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "Canon"
    exif[0xA431] = SERIAL  # BodySerialNumber
    exif[0xA430] = OWNER  # CameraOwnerName
    exif[0x013B] = OWNER  # Artist
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (52.0, 5.0, 31.0), "E", (4.0, 53.0, 12.0)
    data = exif.tobytes()
    if thumbnail is None:
        return data
    return _with_ifd1_thumbnail(data, thumbnail)


def _with_ifd1_thumbnail(exif: bytes, thumb: bytes) -> bytes:
    """Append an IFD1 (JPEGInterchangeFormat + Length) pointing at `thumb` to Pillow's EXIF."""
    assert exif.startswith(b"Exif\x00\x00")
    tiff = bytearray(exif[6:])
    order = "<" if tiff[:2] == b"II" else ">"
    (ifd0,) = struct.unpack(order + "I", tiff[4:8])
    (count,) = struct.unpack(order + "H", tiff[ifd0 : ifd0 + 2])
    next_at = ifd0 + 2 + 12 * count
    ifd1 = len(tiff) + (len(tiff) & 1)
    tiff += b"\x00" * (ifd1 - len(tiff))
    thumb_at = ifd1 + 2 + 2 * 12 + 4
    tiff[next_at : next_at + 4] = struct.pack(order + "I", ifd1)
    tiff += struct.pack(order + "H", 2)
    tiff += struct.pack(order + "HHII", 0x0201, 4, 1, thumb_at)
    tiff += struct.pack(order + "HHII", 0x0202, 4, 1, len(thumb))
    tiff += struct.pack(order + "I", 0) + thumb
    return b"Exif\x00\x00" + bytes(tiff)


def iptc_segment(text: bytes) -> bytes:
    """An APP13 Photoshop segment with one IPTC record (2:120, caption)."""
    record = b"\x1c\x02\x78" + struct.pack(">H", len(text)) + text
    block = b"8BIM" + struct.pack(">H", 0x0404) + b"\x00\x00" + struct.pack(">I", len(record))
    block += record + b"\x00" * (len(record) & 1)
    body = b"Photoshop 3.0\x00" + block
    return b"\xff\xed" + struct.pack(">H", len(body) + 2) + body


def tagged_jpeg(*, orientation: int = 1, subsampling: int = 0) -> bytes:
    """A JPEG carrying everything that must not leave the school."""
    thumb = io.BytesIO()
    Image.new("RGB", (16, 16), (0, 255, 0)).save(thumb, "JPEG")
    buf = io.BytesIO()
    marked_image().save(
        buf,
        "JPEG",
        quality=95,
        subsampling=subsampling,
        exif=exif_bytes(orientation, thumbnail=thumb.getvalue()),
        comment=COMMENT,
        xmp=XMP,
        icc_profile=icc_profile(),
    )
    data = buf.getvalue()
    data = data[:2] + iptc_segment(b"Daan de Vries op kamp") + data[2:]
    return data + b"\xff\xd8 trailing second picture \xff\xd9"  # like an MPO or a phone trailer


def test_the_test_photo_really_carries_the_metadata() -> None:
    data = tagged_jpeg()
    with Image.open(io.BytesIO(data)) as im:
        assert im.getexif()[0xA431] == SERIAL
        assert im.getexif().get_ifd(0x8825)[1] == "N"
        assert im.info["comment"] == COMMENT
        assert b"mwg-rs:Regions" in im.info["xmp"]
        assert IptcImagePlugin.getiptcinfo(im) is not None
    assert b"\xff\xd8\xff\xe0" in data[2:]  # the IFD1 thumbnail's own JPEG


def test_stripped_copy_holds_nothing_but_pixels_and_the_icc_profile() -> None:
    out = strip_metadata(tagged_jpeg(), max_pixels=LIMIT)
    data = out.data
    for secret in (SERIAL.encode(), OWNER.encode(), COMMENT, b"Daan", b"Fatima", b"Canon"):
        assert secret not in data
    for marker in (b"Exif\x00\x00", b"mwg-rs", b"MP:RegionInfo", b"8BIM", b"Photoshop"):
        assert marker not in data
    assert data.count(b"\xff\xd8") == 1  # no embedded thumbnail, no second picture
    assert data.endswith(b"\xff\xd9")
    with Image.open(io.BytesIO(data)) as im:
        assert im.format == "JPEG"
        assert len(im.getexif()) == 0
        assert "comment" not in im.info and "xmp" not in im.info and "exif" not in im.info
        assert IptcImagePlugin.getiptcinfo(im) is None
        assert im.info["icc_profile"] == icc_profile()
    assert out.format == "JPEG" and out.size == (120, 80)


@pytest.mark.parametrize("subsampling", [0, 1, 2])
def test_jpeg_quality_92_and_the_original_subsampling(subsampling: int) -> None:
    original = tagged_jpeg(subsampling=subsampling)
    data = strip_metadata(original, max_pixels=LIMIT).data
    with Image.open(io.BytesIO(data)) as im:
        assert JpegImagePlugin.get_sampling(im) == subsampling
        copy = np.asarray(im.convert("RGB"), dtype=np.float64)
    source = np.asarray(Image.open(io.BytesIO(original)).convert("RGB"), dtype=np.float64)
    psnr = 10 * np.log10(255**2 / np.mean((copy - source) ** 2))
    assert psnr > 35, psnr  # quality 92: visibly the same photo
    assert JPEG_QUALITY == 92


def test_orientation_is_applied_to_the_pixels() -> None:
    # orientation 6: the camera was turned; the upright photo is the stored one rotated 90° cw
    data = strip_metadata(tagged_jpeg(orientation=6), max_pixels=LIMIT).data
    with Image.open(io.BytesIO(data)) as im:
        assert im.size == (80, 120)
        assert len(im.getexif()) == 0  # no orientation tag left to depend on
        rgb = im.convert("RGB")
        top_right, bottom_right = rgb.getpixel((75, 5)), rgb.getpixel((75, 115))
        assert isinstance(top_right, tuple) and isinstance(bottom_right, tuple)
    assert top_right[0] > 150 and top_right[2] < 80  # the red corner is now top right
    assert bottom_right[2] > 150 and bottom_right[0] < 80  # the blue one bottom right


def test_png_text_xmp_and_exif_chunks_are_dropped() -> None:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", OWNER)
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    buf = io.BytesIO()
    marked_image().save(buf, "PNG", pnginfo=info, exif=exif_bytes(1), icc_profile=icc_profile())
    data = strip_metadata(buf.getvalue(), max_pixels=LIMIT).data
    assert OWNER.encode() not in data and b"mwg-rs" not in data and b"eXIf" not in data
    with Image.open(io.BytesIO(data)) as im:
        assert im.format == "PNG"
        assert set(im.info) <= {"icc_profile", "dpi", "gamma", "srgb"}
        assert np.array_equal(np.asarray(im.convert("RGB")), np.asarray(marked_image()))


def test_webp_exif_and_xmp_are_dropped() -> None:
    buf = io.BytesIO()
    marked_image().save(buf, "WEBP", exif=exif_bytes(1), xmp=XMP, quality=95)
    assert b"EXIF" in buf.getvalue()
    data = strip_metadata(buf.getvalue(), max_pixels=LIMIT).data
    assert SERIAL.encode() not in data and b"XMP " not in data and b"EXIF" not in data


def test_formats_that_cannot_be_checked_are_refused() -> None:
    buf = io.BytesIO()
    marked_image().save(buf, "TIFF")
    with pytest.raises(MetadataError, match="TIFF"):
        strip_metadata(buf.getvalue(), max_pixels=LIMIT)
    with pytest.raises(MetadataError, match="cannot be read"):
        strip_metadata(b"not a photo", max_pixels=LIMIT)


def test_the_read_back_check_refuses_a_copy_with_metadata() -> None:
    buf = io.BytesIO()
    marked_image().save(buf, "JPEG")
    clean = buf.getvalue()
    check_clean(clean)
    with_comment = clean[:2] + b"\xff\xfe\x00\x07hello" + clean[2:]
    with pytest.raises(MetadataError, match="0xFE"):
        check_clean(with_comment)
    with pytest.raises(MetadataError, match="after the end"):
        check_clean(clean + b"\xff\xd8\xff\xd9")
    with pytest.raises(MetadataError, match="Photoshop"):
        check_clean(clean[:2] + iptc_segment(b"x") + clean[2:])
    unknown_app1 = b"\xff\xe1\x00\x08vendor"  # a segment nobody told us about
    with pytest.raises(MetadataError, match="0xE1"):
        check_clean(clean[:2] + unknown_app1 + clean[2:])


# --- redaction ---------------------------------------------------------------------------------

LEFT, MIDDLE, RIGHT = (
    Box(top=100, right=180, bottom=180, left=100),
    Box(top=100, right=480, bottom=180, left=400),
    Box(top=100, right=780, bottom=180, left=700),
)
FACES = {  # box -> colour: three "faces" far enough apart for the margin
    LEFT: (200, 0, 0),
    MIDDLE: (0, 200, 0),
    RIGHT: (0, 0, 200),
}


def group_photo(fmt: str = "PNG") -> bytes:
    rng = np.random.default_rng(1)
    pixels = rng.integers(0, 256, size=(400, 900, 3), dtype=np.uint8)  # texture, not a fill
    im = Image.fromarray(pixels)
    for box, colour in FACES.items():
        im.paste(colour, (box.left, box.top, box.right, box.bottom))
    buf = io.BytesIO()
    im.save(buf, fmt, **({"quality": 95} if fmt == "JPEG" else {}))
    return buf.getvalue()


def pixels_of(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as im:
        return np.asarray(im.convert("RGB"), dtype=np.int32)


def test_redaction_fills_every_targeted_face_with_its_margin_and_nothing_else() -> None:
    source = group_photo("PNG")
    targets = [LEFT, MIDDLE]
    out = redact(source, targets, max_pixels=LIMIT)
    before, after = pixels_of(source), pixels_of(out.data)
    covered = np.zeros(before.shape[:2], dtype=bool)
    for box in targets:
        area = enlarge(box, DEFAULT_MARGIN, (900, 400))
        assert area.top < box.top and area.bottom > box.bottom  # hair and chin too
        assert area.left < box.left and area.right > box.right
        region = after[area.top : area.bottom, area.left : area.right]
        assert (region == FILL).all()  # solid: no blur, no mosaic, nothing of the face left
        covered[area.top : area.bottom, area.left : area.right] = True
    assert np.array_equal(after[~covered], before[~covered])  # the rest is untouched
    kept = RIGHT
    assert (after[kept.top : kept.bottom, kept.left : kept.right] == (0, 0, 200)).all()


def test_redaction_of_a_jpeg_leaves_the_consented_face_as_it_was() -> None:
    source = group_photo("JPEG")
    out = redact(source, [MIDDLE], max_pixels=LIMIT)
    after, before = pixels_of(out.data), pixels_of(source)
    area = enlarge(MIDDLE, DEFAULT_MARGIN, (900, 400))
    inner = after[area.top + 8 : area.bottom - 8, area.left + 8 : area.right - 8]
    assert np.abs(inner - FILL).max() <= 12  # JPEG at quality 92: still a flat fill
    for box in (LEFT, RIGHT):
        face_now = after[box.top + 4 : box.bottom - 4, box.left + 4 : box.right - 4]
        face_then = before[box.top + 4 : box.bottom - 4, box.left + 4 : box.right - 4]
        assert np.abs(face_now - face_then).mean() < 4  # only re-encoding noise
    check_clean(out.data)


def test_redaction_boxes_are_in_upright_coordinates() -> None:
    """A photo stored sideways: the detector's box is in the upright photo, so is the fill."""
    upright = Image.fromarray(pixels_of(group_photo("PNG")).astype(np.uint8))
    stored = upright.transpose(Image.Transpose.ROTATE_90)  # what a turned camera stores
    buf = io.BytesIO()
    stored.save(buf, "JPEG", quality=95, exif=exif_bytes(6))  # 6: rotate 90° cw to view
    box = LEFT
    out = redact(buf.getvalue(), [box], max_pixels=LIMIT, margin=Margin(0, 0, 0))
    after = pixels_of(out.data)
    assert after.shape[:2] == (400, 900)
    assert (
        np.abs(after[box.top + 8 : box.bottom - 8, box.left + 8 : box.right - 8] - FILL).max() <= 12
    )


def test_enlarge_stays_inside_the_photo() -> None:
    box = Box(top=5, right=95, bottom=60, left=10)
    assert enlarge(box, DEFAULT_MARGIN, (100, 70)) == Box(top=0, right=100, bottom=70, left=0)
    assert enlarge(box, Margin(0, 0, 0), (100, 70)) == box


def test_redact_needs_a_face() -> None:
    with pytest.raises(MetadataError):
        redact(group_photo(), [], max_pixels=LIMIT)
