"""The example web service: a tiny HTTP server with a health endpoint (standard library only).

Endpoints:

- ``GET /health``: 200 ``{"status": "ok"}`` while the process serves requests; the load
  balancer's target group and Route 53 health checks call it.
- ``GET /``: 200 with the region, the role of the region's database (writer or read-only
  replica, from ``DATABASE_READ_ONLY``) and the database host, so a person can see which
  region answered after a failover.

Configuration (environment): ``PORT`` (default 8080), ``AWS_REGION`` (set by ECS),
``DATABASE_HOST``, ``DATABASE_PORT``, ``DATABASE_READ_ONLY`` (set by multiregion-tap).
The credentials in ``DATABASE_USERNAME`` and ``DATABASE_PASSWORD`` are never echoed.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def describe(environ: dict[str, str]) -> dict[str, Any]:
    """What ``GET /`` answers, from the environment ECS gives the container."""
    read_only = environ.get("DATABASE_READ_ONLY")
    return {
        "service": "shop",
        "region": environ.get("AWS_REGION", "unknown"),
        "database": {
            "host": environ.get("DATABASE_HOST"),
            "port": environ.get("DATABASE_PORT"),
            "role": None if read_only is None else ("replica" if read_only == "true" else "writer"),
        },
    }


class Handler(BaseHTTPRequestHandler):
    server_version = "shop/1.0"

    def do_GET(self) -> None:
        if self.path == "/health":
            self._send(200, {"status": "ok"})
        elif self.path == "/":
            self._send(200, describe(dict(os.environ)))
        else:
            self._send(404, {"error": "not found", "path": self.path})

    def _send(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        sys.stdout.write(f"{self.address_string()} {format % args}\n")


def serve(host: str = "0.0.0.0", port: int | None = None) -> ThreadingHTTPServer:
    """Build the server (listening on all interfaces in the container by default)."""
    chosen = int(os.environ.get("PORT", "8080")) if port is None else port
    return ThreadingHTTPServer((host, chosen), Handler)


def main() -> None:
    server = serve()
    # shutdown() waits for serve_forever() to return: call it from another thread.
    signal.signal(
        signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown, daemon=True).start()
    )
    print(f"shop listening on {server.server_address[0]}:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
