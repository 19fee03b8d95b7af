"""docs/configuration.md lists every variable exactly as the proxy checks it."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[2])
# `tools` is not part of the installed package.
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from tools.configuration import BEGIN, DOC, END, table  # noqa: E402


def test_the_variables_table_of_the_docs_is_the_one_the_proxy_checks() -> None:
    text = DOC.read_text("utf-8")
    written = text[text.index(BEGIN) + len(BEGIN) : text.index(END)]
    assert written == "\n" + table(), "run: python -m tools.configuration"
