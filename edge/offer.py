"""The owner's offer (PORTAL_OFFER): a card shown to the customers who match its rule.

Placeholder: read as JSON, inline or from a file; validated and matched by the accounts work.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from edge.readers import Invalid

Obj = dict[str, Any]


def read_offer(value: str) -> Obj | None:
    if not value:
        return None
    text = value
    if not value.lstrip().startswith("{"):
        try:
            text = Path(value).read_text(encoding="utf-8")
        except OSError as error:
            raise Invalid(
                f"names {value!r}, which cannot be read ({error.strerror})",
                "give the path of a readable JSON file, or the JSON itself",
            ) from None
    try:
        found = json.loads(text)
    except ValueError as error:
        raise Invalid(f"is not JSON ({error})", "write a JSON object") from None
    if not isinstance(found, dict):
        raise Invalid("is not a JSON object", "write a JSON object")
    return found
