"""The proxy as a Python Worker on this machine: its wheels, and Node serving it in Pyodide.

The wheels are local files: the proxy's own (`pip wheel --no-deps .`) and its dependencies'
pure-Python wheels, downloaded by pip from the configured indexes. `make test` prepares them
before any test runs (`python -m tools.worker wheels`, into dist/pyodide/wheels, again when the
lock, pyproject.toml or edge/ change), so the tests reach no network. The front,
tests/pyodide/worker_front.mjs, loads the npm `pyodide` package, unpacks the wheels and hands
each HTTP request to `edge.worker.on_fetch`. tests/pyodide and `python -m bench` both use it.

    python -m tools.worker wheels [FOLDER]     # FOLDER/wheels; default dist/pyodide
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import select
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

from tools.process import ROOT, StackError

PYODIDE = ROOT / "node_modules" / "pyodide"
FRONT = ROOT / "tests" / "pyodide" / "worker_front.mjs"
STARTUP_SECONDS = 120
PREPARED = ROOT / "dist" / "pyodide"


def prepared() -> Path | None:
    """The wheels `make test` prepared, if they are newer than everything they come from."""
    marker = PREPARED / "wheels" / ".built"
    if not marker.exists():
        return None
    # What they are made from, as the Makefile's rule names it: newer means stale.
    sources = [ROOT / "requirements.lock", ROOT / "pyproject.toml", *ROOT.glob("edge/*.py")]
    newest = max(path.stat().st_mtime for path in sources)
    return marker.parent if newest <= marker.stat().st_mtime else None


def build_wheels(folder: Path) -> Path:
    """The proxy's wheel and its dependencies' into `folder`/wheels, which is returned."""
    lock = json.loads((PYODIDE / "pyodide-lock.json").read_text())
    python = ".".join(lock["info"]["python"].split(".")[:2])
    source = folder / "source"  # a copy: the tree gets no build/
    source.mkdir(parents=True)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "edge", source / "edge", ignore=shutil.ignore_patterns("__pycache__"))
    wheels = folder / "wheels"
    _pip("wheel", "--no-deps", "-w", wheels, source)
    (proxy,) = wheels.glob("invoice_portal-*.whl")
    # Pure-Python wheels only, at the versions of requirements.lock: one with a C extension
    # could not load in Pyodide, and pip says which dependency has none.
    _pip("download", "-d", wheels, "--only-binary=:all:", "--platform", "any",
         "--python-version", python, "--implementation", "py", "--abi", "none",
         "-c", ROOT / "requirements.lock", proxy)  # fmt: skip
    return wheels


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] != "wheels" or len(args) > 2:
        print("usage: python -m tools.worker wheels [FOLDER]", file=sys.stderr)
        return 2
    folder = Path(args[1]) if len(args) == 2 else PREPARED
    shutil.rmtree(folder, ignore_errors=True)
    wheels = build_wheels(folder)
    (wheels / ".built").touch()
    print(f"wheels for the Worker in {wheels}")
    return 0


def _pip(*args: str | Path) -> None:
    command = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q", *map(str, args)]
    subprocess.run(command, check=True, cwd=ROOT)  # noqa: S603


@dataclasses.dataclass
class Worker:
    url: str
    log: Path  # what the Worker wrote to standard error: its log lines among them
    process: subprocess.Popen[str]


@contextlib.contextmanager
def serve(wheels: Path, env: Mapping[str, str], folder: Path) -> Iterator[Worker]:
    """Node serving the Worker with `env` as its bindings, from the moment it listens."""
    node = shutil.which("node")
    if node is None:
        raise StackError("Node is needed to run Pyodide")
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "config.json"
    config.write_text(json.dumps({"wheels": str(wheels), "env": dict(env)}))
    log = folder / "stderr.log"
    with log.open("w") as errors:
        process = subprocess.Popen(  # noqa: S603
            [node, FRONT, config], cwd=ROOT, stdout=subprocess.PIPE, stderr=errors, text=True
        )
        try:
            url = _listening(process, log).rsplit(" ", 1)[-1]
            yield Worker(url, log, process)
        finally:
            process.terminate()
            process.wait(10)


def _listening(process: subprocess.Popen[str], log: Path) -> str:
    assert process.stdout
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        ready, _, _ = select.select([process.stdout], [], [], 0.5)
        if ready:
            line = process.stdout.readline()
            if line.startswith("listening on "):
                return line.strip()
    raise StackError(f"the Worker did not start:\n{log.read_text()[-4000:]}")


if __name__ == "__main__":
    sys.exit(main())
