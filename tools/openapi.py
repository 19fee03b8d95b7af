"""docs/openapi.json: the OpenAPI document the proxy serves at GET /v1/openapi.json, committed
so that it can be read, linked and diffed without a running proxy.

    python -m tools.openapi    # rewrites docs/openapi.json from edge.openapi
"""

from __future__ import annotations

import json
import sys

from edge.openapi import document
from tools.process import ROOT

DOC = ROOT / "docs" / "openapi.json"


def text() -> str:
    """The document, pretty-printed in its own order: the same bytes for the same code."""
    return json.dumps(document(), indent=2, ensure_ascii=False) + "\n"


def main() -> int:
    DOC.write_text(text(), "utf-8")
    print(f"wrote {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
