"""The errors a person reads: the one-line prefix, the machine's problems, configuration."""

from __future__ import annotations

from . import Text

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
