"""What is wrong with a file: a photo or video that cannot be read, a copy whose metadata
cannot be removed. Raised as `ImageError(P.X, ...)` / `MetadataError(P.X, ...)`.

Such a problem is also stored (the cached analysis keeps it, a decision's reason quotes it), and
what is stored is its English text: the cache stays the same whatever language a run speaks.
`show` gives a stored English text in the run's language again, by reading it back against
these templates; a text none of them matches (stored by an older version) is shown as it is.
"""

from __future__ import annotations

from fotopoort.lang import Lang
from fotopoort.messages import Reader, Text

# a photo (media/photos.py)
EMPTY_FILE = Text(nl="leeg bestand", en="empty file")
A_VIDEO = Text(
    nl="een video: fotopoort controleert hier alleen foto's, dus een persoon moet hem bekijken",
    en="a video: fotopoort checks photos only, so a person must check it",
)
NOT_AN_IMAGE = Text(
    nl="geen afbeelding (onbekende inhoud)", en="not an image (unrecognised content)"
)
BOMB = Text(
    nl="geweigerd: te veel pixels (decompressiebom?)",
    en="refused: too many pixels (decompression bomb?)",
)
CANNOT_BE_READ = Text(nl="kan niet gelezen worden: {why}", en="cannot be read: {why}")
UNSUPPORTED_FORMAT = Text(
    nl="afbeeldingsformaat {fmt} wordt niet ondersteund: een persoon moet het bekijken",
    en="unsupported image format {fmt}: a person must check it",
)
NO_PIXELS = Text(nl="afbeelding zonder pixels", en="image has no pixels")
TOO_MANY_PIXELS = Text(
    nl="geweigerd: {width}x{height} heeft meer pixels dan de grens van {limit}",
    en="refused: {width}x{height} has more pixels than the limit of {limit}",
)
NOT_READ_WHOLE = Text(
    nl="kan niet helemaal gelezen worden: {why}", en="cannot be read whole: {why}"
)

# a video (media/video.py)
NOT_DECODED_WHOLE = Text(
    nl="kan niet helemaal gedecodeerd worden: {why}", en="cannot be decoded whole: {why}"
)
NO_PICTURE_STREAM = Text(
    nl="een videobestand zonder beeldstroom die fotopoort kan decoderen",
    en="a video file without a picture stream fotopoort can decode",
)
STREAMS = Text(
    nl="een video met {n} beeldstromen: een persoon moet hem bekijken",
    en="a video with {n} picture streams: a person must check it",
)
CORRUPT_AFTER = Text(
    nl="kan niet helemaal gedecodeerd worden: een beschadigd pakket na het geanalyseerde deel",
    en="cannot be decoded whole: a corrupt packet after the analysed part",
)
NO_FRAME = Text(
    nl="kan niet gedecodeerd worden: geen beeld in de video",
    en="cannot be decoded: no frame in the video",
)
FRAMES_END = Text(
    nl="kan niet helemaal gedecodeerd worden: de beelden houden op bij {end} van {duration} "
    "(afgebroken?)",
    en="cannot be decoded whole: frames end at {end} of {duration} (truncated?)",
)

# a copy without metadata, or redacted (publish/)
NOTHING_TO_REDACT = Text(
    nl="niets af te schermen: geen gezicht gegeven", en="nothing to redact: no face given"
)
COPY_TOO_MANY_PIXELS = Text(nl="geweigerd: te veel pixels", en="refused: too many pixels")
NOT_SAFELY = Text(
    nl="metadata kan niet veilig uit {fmt} verwijderd worden: zet het om naar JPEG of PNG",
    en="metadata cannot be removed from {fmt} safely: convert it to JPEG or PNG",
)
COPY_OVER_LIMIT = Text(
    nl="geweigerd: meer pixels dan de grens van {limit}",
    en="refused: more pixels than the limit of {limit}",
)
METADATA_LEFT = Text(
    nl="metadata achtergebleven in de kopie ({what})", en="metadata left in the copy ({what})"
)
METADATA_LEFT_LIST = Text(
    nl="metadata achtergebleven in de kopie: {what}", en="metadata left in the copy: {what}"
)
NOT_AN_OUTPUT_FORMAT = Text(
    nl="de kopie is geen JPEG, PNG, WebP of BMP", en="the copy is not a JPEG, PNG, WebP or BMP"
)
MORE_THAN_ONE = Text(
    nl="de kopie bevat meer dan één afbeelding", en="the copy holds more than one picture"
)
NOT_READ_BACK = Text(
    nl="de kopie kan niet teruggelezen worden: {why}", en="the copy cannot be read back: {why}"
)
BAD_JPEG = Text(nl="de kopie is geen goedgevormde JPEG", en="the copy is not a well-formed JPEG")
DATA_AFTER_END = Text(
    nl="de kopie bevat gegevens na het einde van de afbeelding",
    en="the copy holds data after the end of the image",
)
NOT_COVERED = Text(
    nl="een afgeschermd gebied is niet bedekt in de kopie",
    en="a redacted area is not covered in the copy",
)
VIDEO_METADATA = Text(
    nl="een video kan nog niet zonder zijn metadata opnieuw opgebouwd worden",
    en="a video cannot be rebuilt without its metadata yet",
)

# why a copy was not put in place (publish/copies.py)
CHANGED_NOT_COPIED = Text(
    nl="gewijzigd terwijl het gecontroleerd werd (niet gekopieerd; draai opnieuw)",
    en="changed while it was checked (not copied; run again)",
)
LINK_OUT = Text(
    nl="een koppeling die nu buiten PATH wijst (niet gekopieerd)",
    en="a link that now points outside PATH (not copied)",
)
VIDEO_NOT_REBUILT = Text(
    nl="een video kan nog niet zonder zijn metadata opnieuw opgebouwd worden; "
    "strip_metadata in consents.yaml (niet gekopieerd)",
    en="a video cannot be rebuilt without its metadata yet; strip_metadata in consents.yaml "
    "(not copied)",
)
NOT_COPIED = Text(nl="{why} (niet gekopieerd)", en="{why} (not copied)")

# a file found in a folder that cannot be checked (scan.py)
NOT_A_REGULAR_FILE = Text(nl="geen gewoon bestand", en="not a regular file")
LINK_TO_FOLDER_OUTSIDE = Text(
    nl="een koppeling naar een map buiten PATH", en="a link to a folder outside PATH"
)
LINK_TO_FILE_OUTSIDE = Text(
    nl="een koppeling naar een bestand buiten PATH", en="a link to a file outside PATH"
)
BROKEN_LINK = Text(nl="een gebroken koppeling", en="a broken link")
UNREADABLE_ENTRY = Text(nl="kan niet gelezen worden", en="cannot be read")
SPECIAL_FILE = Text(
    nl="geen gewoon bestand (een FIFO, socket of apparaat)",
    en="not a regular file (a FIFO, socket or device)",
)
CANNOT_BE_OPENED_WHY = Text(nl="kan niet geopend worden: {why}", en="cannot be opened: {why}")
CANNOT_BE_OPENED = Text(nl="kan niet geopend worden", en="cannot be opened")
CHANGED_WHILE_CHECKED = Text(
    nl="gewijzigd terwijl het gecontroleerd werd", en="changed while it was checked"
)
WORKER_STOPPED = Text(
    nl="het werkproces dat dit analyseerde stopte (afgebroken, of geheugen vol?)",
    en="the worker process analysing it stopped (killed, or out of memory?)",
)

# a video beyond consents.yaml's video: limits (media/video.py)
VIDEO_TOO_LARGE = Text(
    nl="{width}x{height} is groter dan video.max_pixels {limit}",
    en="{width}x{height} is larger than video.max_pixels {limit}",
)
VIDEO_TOO_LONG = Text(
    nl="langer dan video.max_minutes {minutes}: geanalyseerd tot {until}",
    en="longer than video.max_minutes {minutes}: analysed up to {until}",
)


# a copy that is not what was written (publish/derived.py)
READ_BACK_DIFFERS = Text(
    nl="{path}: de teruggelezen kopie verschilt van wat geschreven is",
    en="{path}: the copy read back differs from what was written",
)

# a photo checked before whose analysis is gone (commands/recheck.py)
ANALYSIS_GONE = Text(
    nl="de foto is gewijzigd of weg, en zijn analyse is verwijderd",
    en="the photo changed or is gone, and its analysis was deleted",
)

# a reference folder or photo that enrol skips (enrol.py, commands/enrolment.py)
NOT_A_FOLDER = Text(nl="geen map", en="not a folder")
NO_BIOMETRIC_CONSENT = Text(
    nl="geen toestemming voor gezichtsherkenning", en="no consent for face recognition"
)
NO_REFERENCE_PHOTOS = Text(
    nl="geen referentiefoto's in de map", en="no reference photos in its folder"
)
FOLDER_NOT_A_NUMBER = Text(
    nl="map {name!r} is geen leerlingnummer uit de toestemmingsexport",
    en="folder {name!r} is not a leerlingnummer in the consent export",
)
NOT_IN_EXPORT = Text(nl="staat niet in de toestemmingsexport", en="not in the consent export")
LOST_ZERO = Text(
    nl="staat niet in de toestemmingsexport; {name} lijkt {child} zonder de voorloopnul "
    "(hernoem de map)",
    en="not in the consent export; {name} looks like {child} without its leading zero "
    "(rename the folder)",
)
NOT_A_PHOTO = Text(nl="geen foto", en="not a photo")
NO_FACE_FOUND = Text(nl="geen gezicht gevonden", en="no face found")
FACES_IN_REFERENCE = Text(
    nl="{n} gezichten gevonden; op een referentiefoto staat er precies één",
    en="{n} faces found; a reference photo must show exactly one",
)
REFERENCE_TOO_SMALL = Text(
    nl="gezicht te klein ({size} px; minstens {needed} nodig)",
    en="face too small ({size} px; at least {needed} needed)",
)
FORGOTTEN_FOLDER_RUN = Text(
    nl="vergeten op {day}: niet opnieuw ingeschreven door een run over de map; zodra een nieuwere "
    "export weer toestemming voor gezichtsherkenning geeft, schrijft een persoon het kind in met "
    "`fotopoort enroll {refdir} --child {child}`",
    en="forgotten on {day}: not enrolled again by a folder run; once a newer export gives "
    "face-recognition consent again, a person enrols the child with "
    "`fotopoort enroll {refdir} --child {child}`",
)
FORGOTTEN_NEEDS_EXPORT = Text(
    nl="vergeten op {day}: importeer eerst een toestemmingsexport van na die dag die weer "
    "toestemming voor gezichtsherkenning geeft",
    en="forgotten on {day}: import a consent export made after that day that gives "
    "face-recognition consent again first",
)


_READER = Reader((v for v in list(globals().values()) if isinstance(v, Text)), nested=True)


def show(stored: str, lang: Lang | None = None) -> str:
    """A stored (English) problem in `lang` (default: the run's language); a value in it that is
    itself a problem ("{why} (not copied)") is shown in `lang` too."""
    return _READER.show(stored, lang)
