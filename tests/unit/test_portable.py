"""The application and its Stripe gateway must run where there are no threads or sockets."""

from __future__ import annotations

import ast
from pathlib import Path

EDGE = Path(__file__).resolve().parents[2] / "edge"
# Every module of the proxy but the command line, which starts a server (uvicorn) on purpose.
PORTABLE = sorted(path.name for path in EDGE.glob("*.py") if path.name != "cli.py")
MISSING_ON_PYODIDE = {"uvicorn", "threading", "socket", "subprocess", "multiprocessing", "ssl",
                      "concurrent", "signal", "select", "selectors"}  # fmt: skip


def imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def test_the_portable_core_imports_nothing_pyodide_lacks():
    for name in PORTABLE:
        assert not imported(EDGE / name) & MISSING_ON_PYODIDE, name


def test_only_the_gateway_its_call_runner_and_its_transport_import_stripe():
    for path in EDGE.glob("*.py"):
        if path.name not in ("gateway.py", "calls.py", "transport.py"):
            assert "stripe" not in imported(path), path.name
