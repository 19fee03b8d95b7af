"""Run one framework sample against the local stack until Ctrl-C: `make sample-react`.

    .venv/bin/python -m samples.run react|vue|jinja [--port PORT]

Starts the Stripe sandbox with its demo customers, the edge proxy (allowing exactly the
sample's origin) and a CDN serving `dist/cdn`, then the sample itself with the settings its
README lists: Vite's dev server for React and Vue, the Starlette app for Jinja. The
end-to-end test (tests/e2e/test_samples.py) uses the same settings.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import httpx

from tools.process import HOST, ROOT, StackError
from tools.stack import Stack, ensure_build

SAMPLES = ROOT / "samples"
VITE_SAMPLES = ("react", "vue")
NAMES = (*VITE_SAMPLES, "jinja")
PORTS = {"react": 5173, "vue": 5174, "jinja": 5000}
# The demo's ports, so a sample and `make demo` never run at once by accident.
STACK_PORTS = {"sandbox": 12111, "proxy": 8787, "cdn": 8080}
# Who the sample's stand-in session says is signed in: a customer of the demo seed.
EMAIL = "jane@example.com"


def origins(port: int) -> str:
    """The sample's origin as a browser may name it: what the proxy must allow."""
    return f"http://{HOST}:{port},http://localhost:{port}"


def npm_ci(folder: Path) -> None:
    """`npm ci` unless `node_modules` was installed from this very lock file already.

    The stamp is the one `make samples` writes, so either may install and the other skips.
    """
    stamp = folder / "node_modules" / ".installed"
    inputs = [folder / "package.json", folder / "package-lock.json"]
    if stamp.is_file() and all(p.stat().st_mtime <= stamp.stat().st_mtime for p in inputs):
        return
    command = ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"]
    subprocess.run(command, cwd=folder, check=True)  # noqa: S603, S607
    stamp.touch()


def environment(name: str, stack: Stack, email: str = EMAIL) -> dict[str, str]:
    """The sample's settings: public ones (script, integrity, proxy) and the server's secret.

    Vite puts `VITE_*` variables into the bundle, so only public values get that prefix;
    PORTAL_HASH_SECRETS is read by the server alone.
    """
    manifest = httpx.get(f"{stack.cdn_url}/manifest.json", timeout=10).json()
    public = {
        "SCRIPT": f"{stack.cdn_url}/invoice-portal.js",
        "INTEGRITY": manifest["files"]["invoice-portal.js"]["integrity"],
        "EDGE": stack.edge_url,
    }
    prefix = "VITE_PORTAL_" if name in VITE_SAMPLES else "PORTAL_"
    inherited = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PORTAL_", "VITE_", "STRIPE_"))
    }
    return {
        **inherited,
        **{prefix + key: value for key, value in public.items()},
        "PORTAL_HASH_SECRETS": stack.hash_secrets,
        "SAMPLE_EMAIL": email,
    }


def vite(name: str) -> str:
    return str(SAMPLES / name / "node_modules" / ".bin" / "vite")


def dev_server(name: str, port: int) -> list[str]:
    """The command that serves the sample from its sources, as a developer runs it."""
    listen = ["--host", HOST, "--port", str(port)]
    if name in VITE_SAMPLES:
        return [vite(name), str(SAMPLES / name), *listen, "--strictPort"]
    return [sys.executable, str(SAMPLES / "jinja" / "app.py"), *listen]


def run(name: str, port: int, stack: Stack, env: Mapping[str, str]) -> None:
    print(
        f"\n  {name} sample   http://{HOST}:{port}/   (signed in as {env['SAMPLE_EMAIL']})\n"
        f"  proxy          {stack.edge_url}   (PORTAL_ALLOWED_ORIGINS={origins(port)})\n"
        f"  CDN            {stack.cdn_url}/invoice-portal.js\n"
        f"  sandbox        {stack.sandbox_url}\n"
        f"  hash secret    {stack.hash_secrets}\n\n"
        "Press Ctrl-C to stop everything.\n",
        flush=True,
    )
    subprocess.run(dev_server(name, port), cwd=ROOT, env=env, check=True)  # noqa: S603


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m samples.run",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("name", choices=NAMES)
    parser.add_argument("--port", type=int, help=f"the sample's port (default: {PORTS})")
    parser.add_argument("--email", default=EMAIL, help="who the sample's session says is signed in")
    args = parser.parse_args(argv)
    port = args.port or PORTS[args.name]

    if args.name in VITE_SAMPLES:
        npm_ci(SAMPLES / args.name)
    ensure_build()
    stack = Stack(ports=STACK_PORTS, proxy_env={"PORTAL_ALLOWED_ORIGINS": origins(port)})
    try:
        with stack:
            run(args.name, port, stack, environment(args.name, stack, args.email))
    except KeyboardInterrupt:
        print("\nStopped.", file=sys.stderr)
    except (StackError, subprocess.CalledProcessError) as error:
        print(f"samples.run: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
