"""`reader serve`: the app in a web browser, one app process per tab, behind a secret token."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from reader.cli.common import EXIT_OK, UsageError, resolve_roots
from reader.sanitize import safe_line

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765

REMOTE_WARNING = (
    "reader: warning: listening on {host}, beyond this machine: the token and your articles "
    "cross the network unencrypted. Put a TLS proxy in front of it, or keep the default host "
    "and reach it through an SSH tunnel (ssh -L {port}:127.0.0.1:{port} THIS-MACHINE)."
)


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    """Add `serve` to the command parser."""
    serve = commands.add_parser(
        "serve",
        parents=[common],
        help="serve the app to a web browser (one app per tab, with a secret token)",
    )
    serve.add_argument(
        "--host", default=DEFAULT_HOST, help=f"address to listen on (default {DEFAULT_HOST})"
    )
    serve.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0: any)"
    )
    serve.set_defaults(handler=command_serve)


def app_command(chosen: list[Path]) -> list[str]:
    """The command each browser tab's app runs: this reader on the same library."""
    roots = resolve_roots(chosen) if chosen else []
    library = [arg for root in roots for arg in ("-l", str(root))]
    return [sys.executable, "-m", "reader", *library]


def address(host: str, port: int) -> str:
    """How to write the host in a URL (brackets for IPv6)."""
    return f"[{host.strip('[]')}]:{port}" if ":" in host else f"{host}:{port}"


def command_serve(args: argparse.Namespace) -> int:
    """Serve until Ctrl+C; the address with its token is printed once listening."""
    from reader.serve.guard import is_loopback, new_token
    from reader.serve.server import listen, serve

    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port must be between 0 and 65535, not {args.port}")
    argv = app_command(args.library)
    try:
        sock = listen(args.host, args.port)
    except (OSError, ValueError) as error:
        raise UsageError(
            f"cannot listen on {address(args.host, args.port)}: {safe_line(error)}"
        ) from None
    port, token = sock.getsockname()[1], new_token()
    if not is_loopback(args.host):
        print(REMOTE_WARNING.format(host=safe_line(args.host), port=port), file=sys.stderr)

    def ready() -> None:
        url = f"http://{address(safe_line(args.host), port)}/?token={token}"
        print(f"reader is served at {url}", flush=True)
        print("Open it in a browser; each tab runs its own reader. Ctrl+C stops.", flush=True)

    asyncio.run(serve(argv, sock, token, args.host, ready))
    print("reader: stopped serving", file=sys.stderr)
    return EXIT_OK
