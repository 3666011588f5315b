"""Everything that writes a copy meant to go out: the decided bytes (copies.py), copies derived
from them (derived.py), metadata stripping and redaction (sanitize.py, redaction.py)."""
