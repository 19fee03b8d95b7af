"""`make demo`: the whole product on this machine, until Ctrl-C.

Starts the Stripe sandbox with its demo customers, the edge proxy, a CDN serving the demo's
own build in `dist/demo/cdn` (your `dist/cdn` stays as you built it), and a sample site at
http://127.0.0.1:8000 that embeds the portal, with a selector for the customer and the
language. A port already taken is swapped for a free one.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from tools.process import ROOT
from tools.stack import DEFAULT_SECRET, Stack, StackError, ensure_build

CDN_ROOT = ROOT / "dist" / "demo" / "cdn"
PORTS = {"sandbox": 12111, "proxy": 8787, "cdn": 8080, "pages": 8000}


def banner(stack: Stack, personas: list[str]) -> str:
    lines = [
        "",
        "Invoice Portal demo is running.",
        "",
        f"  Open     {stack.pages_url}/",
        "",
        f"  proxy    {stack.edge_url}   (docs: {stack.edge_url}/v1/openapi.json)",
        f"  CDN      {stack.cdn_url}/invoice-portal.js   (serving {shown(CDN_ROOT)})",
        f"  sandbox  {stack.sandbox_url}   (Stripe-compatible, demo data)",
        f"  logs     {stack.log_dir}",
        "",
        "  Other host pages: plain.html, strict-csp.html, aggressive-css.html,",
        "  two-portals.html, module-mount.html (add ?email=big@example.com&locale=de-DE).",
        f"  Demo customers: {', '.join(personas)}",
        "",
        "Press Ctrl-C to stop everything.",
        "",
    ]
    return "\n".join(lines)


# Off by default for site owners; on in the demo, so that every flow can be tried: plan
# changes, cancellation, billing details, and an offer to the customers on a monthly plan.
DEMO_OFFER = {
    "id": "demo-yearly",
    "title": {"en": "Save 20% with yearly billing", "de": "20 % sparen mit jährlicher Abrechnung",
              "fr": "Économisez 20 % avec la facturation annuelle"},
    "text": {"en": "Two months free, same plan.", "de": "Zwei Monate gratis, gleicher Tarif.",
             "fr": "Deux mois offerts, même formule."},
    "button": {"en": "See yearly plans", "de": "Jahrestarife ansehen",
               "fr": "Voir les formules annuelles"},
    "when": {"interval": "month"},
}  # fmt: skip
DEMO_ENV = {
    "PORTAL_ALLOW_PLAN_CHANGE": "true",
    "PORTAL_ALLOW_CANCEL": "true",
    "PORTAL_ALLOW_BILLING_DETAILS": "true",
    "PORTAL_OFFER": json.dumps(DEMO_OFFER, ensure_ascii=False),
}


def shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.demo", description=__doc__)
    parser.add_argument("--port", type=int, default=PORTS["pages"], help="the sample site's port")
    parser.add_argument("--secret", default=DEFAULT_SECRET, help="PORTAL_HASH_SECRETS")
    parser.add_argument(
        "--free-ports", action="store_true", help="let the system pick every port (for tests)"
    )
    args = parser.parse_args(argv)

    ensure_build(CDN_ROOT)
    ports = {} if args.free_ports else {**PORTS, "pages": args.port}
    stack = Stack(ports=ports, hash_secrets=args.secret, cdn_root=CDN_ROOT, proxy_env=DEMO_ENV)
    try:
        with stack:
            personas = sorted(stack.sandbox.seed().get("customers", {}))
            print(banner(stack, personas))
            for name, service in stack.services.items():
                if name in ports and service.port != ports[name]:
                    print(f"  (port {ports[name]} was taken: the {name} runs on {service.url})")
            sys.stdout.flush()
            _watch(stack)
    except KeyboardInterrupt:
        print("\nStopped.", file=sys.stderr)
    except StackError as error:
        print(f"demo: {error}", file=sys.stderr)
        return 1
    return 0


def _watch(stack: Stack) -> None:
    """Wait for Ctrl-C; a piece that dies ends the demo with its log."""
    while True:
        time.sleep(0.5)
        for service in stack.services.values():
            if service.process is None or service.process.poll() is not None:
                raise StackError(f"{service.name} stopped:\n{service.log_tail()}")


if __name__ == "__main__":
    sys.exit(main())
