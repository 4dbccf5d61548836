"""The example app's web service answers its health check (on 127.0.0.1, bounded in time)."""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

SERVICE = Path(__file__).resolve().parent.parent / "examples" / "shop" / "service"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("shop_server", SERVICE / "server.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


server_module = _load()


@pytest.fixture
def running() -> Iterator[str]:
    server = server_module.serve("127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _get(url: str) -> tuple[int, dict[str, Any]]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_health(running: str) -> None:
    assert _get(f"{running}/health") == (200, {"status": "ok"})


def test_unknown_path_is_404(running: str) -> None:
    status, body = _get(f"{running}/nope")
    assert status == 404 and body["path"] == "/nope"


def test_root_describes_the_region_and_database_role() -> None:
    env = {
        "AWS_REGION": "us-east-2",
        "DATABASE_HOST": "db.example",
        "DATABASE_PORT": "5432",
        "DATABASE_READ_ONLY": "true",
        "DATABASE_USERNAME": "shop_admin",
        "DATABASE_PASSWORD": "hunter2",
    }
    described = server_module.describe(env)
    assert described["region"] == "us-east-2"
    assert described["database"] == {"host": "db.example", "port": "5432", "role": "replica"}
    assert "hunter2" not in json.dumps(described)
    assert "shop_admin" not in json.dumps(described)
    assert server_module.describe({})["database"]["role"] is None


def test_process_serves_and_stops_on_sigterm() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, str(SERVICE / "server.py")],
        env={**os.environ, "PORT": str(port)},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                assert _get(f"http://127.0.0.1:{port}/health")[0] == 200
                break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=5)
