"""The variables table of docs/configuration.md, made from `edge.variables` (the table the
proxy itself checks and `invoice-portal serve --help` prints).

    python -m tools.configuration    # rewrites the table in docs/configuration.md
"""

from __future__ import annotations

import sys

from edge.variables import VARIABLES
from tools.process import ROOT

DOC = ROOT / "docs" / "configuration.md"
BEGIN = "<!-- variables: written by python -m tools.configuration from edge/variables.py -->"
END = "<!-- end of variables -->"


def table() -> str:
    rows = ["| variable | default | example | meaning |", "|---|---|---|---|"]
    for variable in VARIABLES:
        default = f"`{variable.default}`" if variable.default else variable.shown_default
        cells = [f"`{variable.name}`", default, f"`{variable.example}`", variable.meaning]
        rows.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(rows) + "\n"


def rewritten(text: str) -> str:
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    return text[:start] + "\n" + table() + text[end:]


def main() -> int:
    DOC.write_text(rewritten(DOC.read_text("utf-8")), "utf-8")
    print(f"wrote the variables table of {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
