"""The command line's usage errors (an unknown option, a missing argument, a value that is not a
number, ...), which the command-line parser writes in English: their Dutch and English texts.

Each `PATTERNS` entry is one of the parser's English sentences as a regular expression whose
named groups are the Text's placeholders; `en` gives that sentence back unchanged
(tests/test_usage_errors.py holds that), `nl` says it in Dutch. A sentence no pattern knows is
shown as the parser wrote it, inside the translated frame.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fotopoort.messages import Text

ERROR_LINE = Text(nl="Fout: {message}", en="Error: {message}")
TRY_HELP = Text(nl="Typ '{command} {option}' voor hulp.", en="Try '{command} {option}' for help.")
ABORTED = Text(nl="Afgebroken!", en="Aborted!")
POSSIBLE_OPTIONS = Text(nl="(mogelijke opties: {options})", en="(Possible options: {options})")
INVALID_VALUE_FOR = Text(
    nl="Ongeldige waarde voor {hint}: {message}", en="Invalid value for {hint}: {message}"
)
INVALID_VALUE = Text(nl="Ongeldige waarde: {message}", en="Invalid value: {message}")
MISSING = Text(nl="{kind} {hint} ontbreekt.", en="Missing {kind} {hint}.")
CHOOSE_FROM = Text(nl="Kies uit:", en="Choose from:")
MISSING_BARE = Text(nl="{kind} ontbreekt.", en="Missing {kind}.")
LABELS = {  # typer's names for what a path parameter must be
    "Path": Text(nl="Pad", en="Path"),
    "File": Text(nl="Bestand", en="File"),
    "Directory": Text(nl="Map", en="Directory"),
}
KINDS = {
    "argument": Text(nl="Argument", en="argument"),
    "option": Text(nl="Optie", en="option"),
    "parameter": Text(nl="Parameter", en="parameter"),
}


@dataclass(frozen=True)
class Pattern:
    regex: re.Pattern[str]
    text: Text


def _p(regex: str, nl: str, en: str) -> Pattern:
    return Pattern(re.compile(regex + r"\Z", re.DOTALL), Text(nl=nl, en=en))


# whole messages of the parser (the part after "Error: ")
PATTERNS: tuple[Pattern, ...] = (
    _p(
        r"No such option: (?P<name>.+)",
        nl="Onbekende optie: {name}",
        en="No such option: {name}",
    ),
    _p(
        r"No such command (?P<name>'.*')\. Did you mean (?P<matches>.+)\?",
        nl="Onbekend commando {name}. Bedoelt u {matches}?",
        en="No such command {name}. Did you mean {matches}?",
    ),
    _p(
        r"No such command (?P<name>'.*')\.",
        nl="Onbekend commando {name}.",
        en="No such command {name}.",
    ),
    _p(r"Missing command\.", nl="Er ontbreekt een commando.", en="Missing command."),
    _p(
        r"Option (?P<name>'.+') requires an argument\.",
        nl="Optie {name} heeft een waarde nodig.",
        en="Option {name} requires an argument.",
    ),
    _p(
        r"Option (?P<name>'.+') requires (?P<n>\d+) arguments\.",
        nl="Optie {name} heeft {n} waarden nodig.",
        en="Option {name} requires {n} arguments.",
    ),
    _p(
        r"Option (?P<name>'.+') does not take a value\.",
        nl="Optie {name} neemt geen waarde.",
        en="Option {name} does not take a value.",
    ),
    _p(
        r"Argument (?P<name>'.+') takes (?P<n>\d+) values\.",
        nl="Argument {name} neemt {n} waarden.",
        en="Argument {name} takes {n} values.",
    ),
    _p(
        r"Got unexpected extra argument\(s\) \((?P<args>.*)\)",
        nl="Onverwachte extra argumenten ({args})",
        en="Got unexpected extra argument(s) ({args})",
    ),
)

# what a value was wrong about (the part after "Invalid value for '--jobs': ")
VALUE_PATTERNS: tuple[Pattern, ...] = (
    _p(
        r"Input should be a valid integer, unable to parse string as an integer",
        nl="dit moet een geheel getal zijn",
        en="Input should be a valid integer, unable to parse string as an integer",
    ),
    _p(
        r"Input should be a valid integer(?P<rest>.*)",
        nl="dit moet een geheel getal zijn{rest}",
        en="Input should be a valid integer{rest}",
    ),
    _p(
        r"Input should be a valid number, unable to parse string as a number",
        nl="dit moet een getal zijn",
        en="Input should be a valid number, unable to parse string as a number",
    ),
    _p(
        r"Input should be a valid number(?P<rest>.*)",
        nl="dit moet een getal zijn{rest}",
        en="Input should be a valid number{rest}",
    ),
    _p(
        r"Input should be greater than or equal to (?P<n>\S+)",
        nl="dit moet minstens {n} zijn",
        en="Input should be greater than or equal to {n}",
    ),
    _p(
        r"Input should be greater than (?P<n>\S+)",
        nl="dit moet groter zijn dan {n}",
        en="Input should be greater than {n}",
    ),
    _p(
        r"Input should be less than or equal to (?P<n>\S+)",
        nl="dit mag hoogstens {n} zijn",
        en="Input should be less than or equal to {n}",
    ),
    _p(
        r"Input should be less than (?P<n>\S+)",
        nl="dit moet kleiner zijn dan {n}",
        en="Input should be less than {n}",
    ),
    _p(
        r"Value error, (?P<value>.+) is not one of (?P<choices>.+)\.",
        nl="{value} is geen van {choices}.",
        en="Value error, {value} is not one of {choices}.",
    ),
    _p(
        r"(?P<value>.+) is not one of (?P<choices>.+)\.",
        nl="{value} is geen van {choices}.",
        en="{value} is not one of {choices}.",
    ),
    _p(
        r"(?P<label>\w+) (?P<value>'.*') does not exist\.",
        nl="{label} {value} bestaat niet.",
        en="{label} {value} does not exist.",
    ),
    _p(
        r"(?P<label>\w+) (?P<value>'.*') is a directory\.",
        nl="{label} {value} is een map.",
        en="{label} {value} is a directory.",
    ),
    _p(
        r"(?P<label>\w+) (?P<value>'.*') is a file\.",
        nl="{label} {value} is een bestand.",
        en="{label} {value} is a file.",
    ),
    _p(
        r"(?P<label>\w+) (?P<value>'.*') is not readable\.",
        nl="{label} {value} kan niet gelezen worden.",
        en="{label} {value} is not readable.",
    ),
    _p(
        r"(?P<label>\w+) (?P<value>'.*') is not writable\.",
        nl="{label} {value} kan niet beschreven worden.",
        en="{label} {value} is not writable.",
    ),
)
