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
