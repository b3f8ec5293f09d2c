"""Reading a YAML file a user gave (a header mapping, a slang lexicon) with errors that name it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from graph.core.errors import UserError


def read_yaml(path: Path, what: str) -> Any:
    """The parsed document of ``path``; a UserError naming ``what`` and the file when it cannot
    be read or is not YAML. A UTF-8 byte-order mark, as Windows editors write, is accepted."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise UserError(f"{path}: cannot read the {what} ({error.strerror})") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise UserError(f"{path.name}: not valid YAML for a {what} ({error})") from None
