"""`pip wheel .` is the proxy alone: `edge/` and the dependencies it imports, nothing of the
sandbox, the tools or the benchmarks; the sandbox is a distribution of its own."""

from __future__ import annotations

import ast
import email
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Import names of the proxy's declared runtime dependencies.
IMPORTED_AS = {
    "starlette": "starlette",
    "stripe": "stripe",
    "httpx": "httpx",
    "sniffio": "sniffio",
    "pyjwt": "jwt",
    "anyio": "anyio",
    "limits": "limits",
}
# Imported only where they are optional, each behind a one-line error naming its extra.
OPTIONAL = {"uvicorn": "serve", "redis": "redis"}
# The Pyodide runtime's own modules, imported only there (edge/fetch_transport.py, edge/worker.py).
RUNTIME = {"js", "pyodide"}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    """The wheel `pip wheel .` makes, built from a copy so that the tree gets no build/."""
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "edge", source / "edge", ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps"]
        + ["--wheel-dir", str(out), str(source)],
        check=True,
    )
    (built,) = out.glob("*.whl")
    return zipfile.ZipFile(built)


def metadata(wheel: zipfile.ZipFile) -> email.message.Message:
    (name,) = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
    return email.message_from_bytes(wheel.read(name))


def test_the_wheel_holds_the_proxy_and_nothing_else(wheel: zipfile.ZipFile) -> None:
    tops = {name.split("/")[0] for name in wheel.namelist()}
    assert tops == {"edge", "invoice_portal-0.1.0.dist-info"}
    shipped = {Path(n).name for n in wheel.namelist() if n.startswith("edge/")}
    assert shipped == {p.name for p in (ROOT / "edge").glob("*.py")}


def test_it_requires_what_the_proxy_imports_and_the_server_is_an_extra(
    wheel: zipfile.ZipFile,
) -> None:
    requires = metadata(wheel).get_all("Requires-Dist") or []
    always = {r.split("==")[0] for r in requires if "extra ==" not in r}
    assert always == set(IMPORTED_AS), "no PDF stack, no server, nothing the proxy does not use"
    assert 'uvicorn==0.54.0; extra == "serve"' in requires


def test_the_proxy_imports_only_the_standard_library_and_what_it_declares() -> None:
    allowed = set(IMPORTED_AS.values()) | set(OPTIONAL) | RUNTIME | {"edge", "__future__"}
    for path in sorted((ROOT / "edge").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module.split(".")[0]]
            for name in names:
                assert name in allowed or name in sys.stdlib_module_names, (path.name, name)


def test_the_sandbox_is_a_distribution_of_its_own_with_its_pdf_stack() -> None:
    project = tomllib.loads((ROOT / "sandbox" / "pyproject.toml").read_text())["project"]
    assert project["name"] == "invoice-portal-sandbox"
    assert any(d.startswith("fpdf2==") for d in project["dependencies"])
    assert project["entry-points"]["invoice_portal.commands"] == {"sandbox": "sandbox.cli:main"}
    top = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert top["tool"]["setuptools"]["packages"] == ["edge"]
    assert not any(d.startswith("fpdf2") for d in top["project"]["dependencies"])
