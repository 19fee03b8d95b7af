"""The whole product on loopback: the Stripe sandbox, the edge proxy, a CDN and a host site.

    with Stack() as stack:
        print(stack.page_url("plain.html", email="big@example.com"))

Each piece runs as its own process, in its own process group, on a free port (or the
port asked for, when free), and each is stopped, group and all, when the block ends,
also on Ctrl-C or SIGTERM. The site is a different origin from the proxy and the CDN,
as on the web, so CORS and Content-Security-Policy are exercised for real.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import signal
import subprocess
import sys
import tempfile
import threading
import urllib.parse
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any

from sandbox.testing import SandboxControl
from tools.process import HOST, ROOT, Service, free_port
from tools.process import StackError as StackError

CDN_ROOT = ROOT / "dist" / "cdn"
PAGES = ROOT / "tests" / "e2e" / "pages"
# The demo's, printed in the docs; the proxy refuses secrets under 16 characters.
DEFAULT_SECRET = "demo-secret-not-for-production"  # noqa: S105
WEBHOOK_SECRET = "whsec_invoice_portal_local_stack"  # noqa: S105
BUILD_INPUTS = ("embed", "translations", "build.py")


def ensure_build(out: Path = CDN_ROOT) -> None:
    """Run build.py into `out` when it is missing or older than the embed's sources."""
    bundle = out / "invoice-portal.js"
    sources = [
        path
        for name in BUILD_INPUTS
        for path in ([ROOT / name] if (ROOT / name).is_file() else (ROOT / name).rglob("*"))
        if path.is_file()
    ]
    if bundle.is_file() and all(p.stat().st_mtime <= bundle.stat().st_mtime for p in sources):
        return
    command = [sys.executable, "build.py", "--out", str(out)]
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)  # noqa: S603


class Stack:
    def __init__(
        self,
        *,
        ports: Mapping[str, int] | None = None,
        hash_secrets: str = DEFAULT_SECRET,
        proxy_env: Mapping[str, str] | None = None,
        cdn_root: Path = CDN_ROOT,
        pages: Path = PAGES,
        log_dir: Path | None = None,
    ) -> None:
        """`ports` may ask for `sandbox`, `proxy`, `cdn`, `pages` ports; taken ones are swapped."""
        wanted = dict(ports or {})
        self.log_dir = log_dir or Path(tempfile.mkdtemp(prefix="invoice-portal-stack-"))
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.hash_secrets = hash_secrets
        port = {name: free_port(wanted.get(name)) for name in ("sandbox", "proxy", "cdn", "pages")}
        self.sandbox_url = f"http://{HOST}:{port['sandbox']}"
        self.edge_url = f"http://{HOST}:{port['proxy']}"
        self.cdn_url = f"http://{HOST}:{port['cdn']}"
        self.pages_url = f"http://{HOST}:{port['pages']}"

        base_env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("STRIPE_", "PORTAL_", "PAGES_"))
        }
        base_env["PYTHONUNBUFFERED"] = "1"
        origins = f"{self.pages_url},http://localhost:{port['pages']}"
        edge_env = {
            **base_env,
            "STRIPE_SECRET_KEY": "rk_test_sandbox",
            "STRIPE_API_BASE": self.sandbox_url,
            "PORTAL_HASH_SECRETS": hash_secrets,
            "PORTAL_ALLOWED_ORIGINS": origins,
            "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
            **(proxy_env or {}),
        }
        pages_env = {**base_env, "PAGES_HASH_SECRET": self.secret}
        python = sys.executable
        host = ["--host", HOST]
        self.services = {
            "sandbox": Service(
                "sandbox",
                [python, "-m", "sandbox", *host, "--port", str(port["sandbox"]), "--seed", "demo"],
                port["sandbox"],
                "/_sandbox/seed",
                self.log_dir,
                base_env,
            ),
            "proxy": Service(
                "proxy",
                [python, "-m", "edge.cli", "serve", *host, "--port", str(port["proxy"])],
                port["proxy"],
                "/healthz",
                self.log_dir,
                edge_env,
            ),
            "cdn": Service(
                "cdn",
                [python, "-m", "tools.cdn", *host, "--port", str(port["cdn"])]
                + ["--root", str(cdn_root)],
                port["cdn"],
                "/manifest.json",
                self.log_dir,
                base_env,
            ),
            "pages": Service(
                "pages",
                [python, "-m", "tools.pages", *host, "--port", str(port["pages"])]
                + ["--pages", str(pages), "--cdn", self.cdn_url, "--edge", self.edge_url]
                + ["--sandbox", self.sandbox_url],
                port["pages"],
                "/favicon.ico",
                self.log_dir,
                pages_env,
            ),
        }
        self.sandbox = SandboxControl(self.sandbox_url)
        self._previous_sigterm: Any = None

    @property
    def secret(self) -> str:
        return self.hash_secrets.split(",")[0].strip()

    def hash(self, identifier: str, expires: int | None = None) -> str:
        """The hash a site's server makes for `identifier` (contract section 3)."""
        message = identifier if expires is None else f"{identifier}:{expires}"
        return hmac.new(self.secret.encode(), message.encode(), hashlib.sha256).hexdigest()

    def page_url(self, path: str = "", **query: str | int | bool | None) -> str:
        """A host page's address; `show_all_invoices=True` becomes `show-all-invoices=1`."""
        pairs = {
            key.replace("_", "-"): ("1" if value is True else str(value))
            for key, value in query.items()
            if value is not None and value is not False
        }
        suffix = f"?{urllib.parse.urlencode(pairs)}" if pairs else ""
        return f"{self.pages_url}/{path.lstrip('/')}{suffix}"

    def start(self) -> None:
        # Stripe first: the proxy tries its key once at start, and logs an error when it cannot.
        sandbox, *others = self.services.values()
        sandbox.start()
        sandbox.wait_ready()
        for service in others:
            service.start()
        for service in others:
            service.wait_ready()
        # As in production: Stripe tells the proxy what changed, so its cache never lies.
        self.sandbox.set_webhook(f"{self.edge_url}/v1/stripe/webhook", WEBHOOK_SECRET)

    def stop(self) -> None:
        for name in ("pages", "cdn", "proxy", "sandbox"):
            self.services[name].stop()

    def stop_proxy(self) -> None:
        self.services["proxy"].stop()

    def start_proxy(self) -> None:
        """Start the proxy again, on the same port."""
        proxy = self.services["proxy"]
        proxy.start()
        proxy.wait_ready()

    def reset(self) -> None:
        """The sandbox as seeded, and a proxy whose cache has not seen the old state."""
        self.sandbox.reset()
        self.sandbox.clear_faults()
        self.sandbox.reset_calls()
        self.stop_proxy()
        self.start_proxy()

    @contextlib.contextmanager
    def proxy_down(self) -> Iterator[None]:
        self.stop_proxy()
        try:
            yield
        finally:
            self.start_proxy()

    def logs(self) -> str:
        return "\n".join(
            f"--- {name} ({service.log_path})\n{service.log_tail()}"
            for name, service in self.services.items()
        )

    def __enter__(self) -> Stack:
        if threading.current_thread() is threading.main_thread():
            self._previous_sigterm = signal.signal(signal.SIGTERM, _exit_on_sigterm)
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
        if self._previous_sigterm is not None:
            signal.signal(signal.SIGTERM, self._previous_sigterm)


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    # Turned into an exception so that `with Stack()` blocks stop their processes.
    raise SystemExit(128 + signum)
