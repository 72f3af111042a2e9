"""`community-sim-app`: serve the trainer's app (sim/viz/app.py) on this computer.

Starts Solara's server on 127.0.0.1 (unless `--host` says otherwise) in production mode, serving
the front-end assets from the local cache that scripts/fetch_solara_assets.py fills (Solara's own
default, `<venv>/share/solara/cdn`), with Solara's telemetry off: a classroom or company network
that blocks CDNs still gets the page. Kept apart from the app so the command starts without
importing Solara and Mesa twice.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sim.failures import CommandParser

DEFAULT_PORT = 8765
ASSET_CHECK = "requirejs@2.3.6"  # one of the assets the page asks for first
COOKIE_WARNING = "Cookies with samesite=none require https"


def server_command(host: str, port: int) -> list[str]:
    """The `solara run` command line for the app."""
    return [
        sys.executable,
        "-m",
        "solara",
        "run",
        "sim.viz.app:Page",
        "--host",
        host,
        "--port",
        str(port),
        "--production",
        "--no-open",
    ]


def server_env() -> dict[str, str]:
    """The environment: local asset cache, no telemetry (values already set are kept)."""
    env = dict(os.environ)
    env.setdefault(
        "SOLARA_ASSETS_PROXY_CACHE_DIR", str(Path(sys.prefix) / "share" / "solara" / "cdn")
    )
    env.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
    # Solara warns on every page load that a samesite=none cookie needs https and falls back to
    # samesite=lax, which is right for a page served over plain http on this computer.
    quiet = f"ignore:{COOKIE_WARNING}:UserWarning"
    env["PYTHONWARNINGS"] = ",".join(w for w in (env.get("PYTHONWARNINGS"), quiet) if w)
    return env


def main(argv: list[str] | None = None) -> int:
    """Serve the app until interrupted; returns the server's exit status."""
    parser = CommandParser(prog="community-sim-app", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})"
    )
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="interface to listen on (default 127.0.0.1: this computer only)",
    )
    args = parser.parse_args(argv)
    env = server_env()
    cache = Path(env["SOLARA_ASSETS_PROXY_CACHE_DIR"])
    if not (cache / ASSET_CHECK).is_dir():
        print(
            f"warning: no front-end assets in {cache}; run `python scripts/fetch_solara_assets.py {cache}` "
            "or the page will need internet access",
            file=sys.stderr,
        )
    print(f"community-sim-app: http://{args.host}:{args.port}/  (Ctrl+C stops it)", flush=True)
    try:
        return subprocess.call(server_command(args.host, args.port), env=env)
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
