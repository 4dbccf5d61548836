"""Start, reset and stop the local AWS emulator (moto server + the compat layer).

The server runs in a child process (``python -m tools.emulator serve``) so that the compat
layer patches only that process, the CDK CLI and boto3 talk to it over HTTP like to AWS, and a
hung server can always be killed. It binds ``127.0.0.1`` only; clients use
``http://localhost:<port>`` (the CDK CLI's asset upload fails with ``127.0.0.1`` in the URL).
Region outages and call counts for drills: :mod:`tools.emulator.faults` and the methods
``region_down``/``region_up``/``route53_down``/``route53_up``/``calls``/``reset_calls`` below.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
#: The placeholder account every emulator deploy uses (cdk.context.json holds its AZs).
ACCOUNT = "123456789012"
DUMMY_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}


class EmulatorError(RuntimeError):
    """The emulator did not start, answer or stop in time."""


def free_port(host: str = HOST) -> int:
    """A TCP port that is free on ``host`` right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class EmulatorServer:
    """A moto server with the compat layer, in a child process bound to 127.0.0.1.

    Use it as a context manager (``with EmulatorServer() as server: ...``): the process is
    always stopped on exit, also after an error.

    :param port: TCP port. Default: - a free port.
    :param log_path: File receiving the server's request log. Default: - discarded.
    """

    def __init__(self, *, port: int | None = None, log_path: Path | None = None) -> None:
        self.port = port or free_port()
        self.log_path = log_path
        self._process: subprocess.Popen[bytes] | None = None
        self._log: object = None
        self.startup_seconds: float | None = None

    # ------------------------------------------------------------------ addresses
    @property
    def endpoint_url(self) -> str:
        """The URL for clients (``AWS_ENDPOINT_URL``): ``http://localhost:<port>``."""
        return f"http://localhost:{self.port}"

    @property
    def internal_url(self) -> str:
        """The URL of the bound address, for the server's own control calls."""
        return f"http://{HOST}:{self.port}"

    def client_env(self, base: dict[str, str] | None = None) -> dict[str, str]:
        """An environment for AWS SDKs and the CDK CLI that talks only to this emulator."""
        env = dict(os.environ if base is None else base)
        for key in list(env):
            if key.startswith("AWS_") and key not in {"AWS_EC2_METADATA_DISABLED"}:
                env.pop(key)
        env.update(DUMMY_CREDENTIALS)
        env["AWS_ENDPOINT_URL"] = self.endpoint_url
        env["AWS_DEFAULT_REGION"] = "us-east-1"
        env["AWS_REGION"] = "us-east-1"
        env["AWS_EC2_METADATA_DISABLED"] = "true"
        env["CDK_DEFAULT_ACCOUNT"] = ACCOUNT
        env["CDK_DEFAULT_REGION"] = "us-east-1"
        return env

    def boto3_client(self, service: str, region: str = "us-east-1") -> object:
        """A boto3 client bound to this emulator with dummy credentials."""
        import boto3
        from botocore.config import Config

        return boto3.client(
            service,
            region_name=region,
            endpoint_url=self.endpoint_url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            aws_session_token="testing",
            config=Config(connect_timeout=5, read_timeout=60, retries={"max_attempts": 2}),
        )

    # ------------------------------------------------------------------ lifecycle
    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self, *, timeout: float = 60.0) -> EmulatorServer:
        """Start the server and wait until it answers, at most ``timeout`` seconds."""
        if self.running:
            return self
        started = time.monotonic()
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        # The server must never try a real AWS endpoint for anything.
        env.pop("AWS_ENDPOINT_URL", None)
        env.update(DUMMY_CREDENTIALS)
        if self.log_path is not None:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            self._log = self.log_path.open("ab")
        out = self._log if self._log is not None else subprocess.DEVNULL
        self._process = subprocess.Popen(
            [sys.executable, "-m", "tools.emulator", "serve", "--port", str(self.port)],
            cwd=ROOT,
            env=env,
            stdout=out,  # type: ignore[arg-type]
            stderr=out,  # type: ignore[arg-type]
            start_new_session=True,
        )
        try:
            self._wait_ready(started + timeout)
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - started
        return self

    def _wait_ready(self, deadline: float) -> None:
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            assert self._process is not None
            if self._process.poll() is not None:
                raise EmulatorError(
                    f"the emulator exited with {self._process.returncode} while starting"
                    + (f"; see {self.log_path}" if self.log_path else "")
                )
            try:
                with urllib.request.urlopen(f"{self.internal_url}/moto-api/data.json", timeout=2):
                    return
            except (urllib.error.URLError, OSError) as error:
                last_error = error
                time.sleep(0.1)
        raise EmulatorError(f"the emulator did not answer on {self.internal_url}: {last_error}")

    def reset(self, *, timeout: float = 30.0) -> None:
        """Forget every resource in every region (``POST /moto-api/reset``); this also turns
        every fault off and zeroes the call counts."""
        request = urllib.request.Request(f"{self.internal_url}/moto-api/reset", method="POST")
        with urllib.request.urlopen(request, timeout=timeout) as response:
            if response.status != 200:
                raise EmulatorError(f"reset answered {response.status}")

    # ------------------------------------------------------------------ faults (faults.py)
    def _control(self, method: str, route: str, body: dict[str, Any] | None = None) -> Any:
        """Call the fault control API ``/_mrtap/<route>``; its JSON answer."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            f"{self.internal_url}/_mrtap/{route}",
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            detail = error.read().decode(errors="replace")
            raise EmulatorError(
                f"{method} /_mrtap/{route} answered {error.code}: {detail}"
            ) from None

    def faults(self) -> dict[str, Any]:
        """The fault switches: ``regions_down``, ``route53_control_plane_down``, ``mode``,
        ``delay_seconds``."""
        return dict(self._control("GET", "faults"))

    def set_faults(self, **changes: Any) -> dict[str, Any]:
        """Change some fault switches (keys as :meth:`faults` returns, plus ``regions_up``);
        the switches after the change."""
        return dict(self._control("POST", "faults", changes))

    def region_down(self, region: str) -> None:
        """Every request signed for ``region`` (and IAM's, for us-east-1) fails as in an outage."""
        current = self.faults()["regions_down"]
        self.set_faults(regions_down=sorted({*current, region}))

    def region_up(self, region: str) -> None:
        """``region`` serves again."""
        self.set_faults(regions_up=[region])

    def route53_down(self) -> None:
        """Route 53's control plane (every ``route53`` request) fails as in an outage."""
        self.set_faults(route53_control_plane_down=True)

    def route53_up(self) -> None:
        self.set_faults(route53_control_plane_down=False)

    def clear_faults(self) -> None:
        """Every fault off and counts zeroed, resources kept (``POST /_mrtap/reset``)."""
        self._control("POST", "reset")

    def calls(self) -> dict[tuple[str, str], dict[str, int]]:
        """Requests per (region, service) since the last reset, refused ones included:
        ``{("us-east-1", "ec2"): {"calls": 3, "refused": 1}, ...}``. Requests without a SigV4
        scope count under ``("unsigned", "unsigned")``; control and ``/moto-api/`` calls not at
        all."""
        rows = self._control("GET", "calls")["calls"]
        return {
            (row["region"], row["service"]): {"calls": row["calls"], "refused": row["refused"]}
            for row in rows
        }

    def reset_calls(self) -> None:
        """Zero the call counts."""
        self._control("POST", "calls/reset")

    def stop(self, *, timeout: float = 10.0) -> None:
        """Stop the server: SIGTERM, then SIGKILL after ``timeout`` seconds."""
        process, self._process = self._process, None
        try:
            if process is not None and process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=timeout)
                except subprocess.TimeoutExpired:
                    with contextlib.suppress(ProcessLookupError):
                        process.kill()
                    process.wait(timeout=timeout)
        finally:
            if self._log is not None:
                self._log.close()  # type: ignore[attr-defined]
                self._log = None

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


@contextlib.contextmanager
def running_emulator(
    *, log_path: Path | None = None, timeout: float = 60.0
) -> Iterator[EmulatorServer]:
    """Start an emulator for the duration of a ``with`` block; always stopped."""
    server = EmulatorServer(log_path=log_path)
    try:
        server.start(timeout=timeout)
        yield server
    finally:
        server.stop()


def serve(port: int, host: str = HOST) -> None:
    """Run the emulator in this process until SIGTERM/SIGINT (the child's entry point).

    The server is moto's own (``ThreadedMotoServer`` builds the same one): werkzeug's threaded
    server with moto's request handler, serving moto's app wrapped in
    :class:`~tools.emulator.faults.FaultMiddleware` (region-outage switches, call counts).
    """
    import threading

    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    from . import compat  # noqa: F401 - applies the layer, checks the moto pin
    from .faults import FaultMiddleware

    app = FaultMiddleware(DomainDispatcherApplication(create_backend_app))
    server = make_server(host, port, app, threaded=True, request_handler=MotoRequestHandler)
    stopping = False

    def _stop(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    print(f"emulator listening on {host}:{port}", flush=True)
    try:
        while not stopping:
            time.sleep(0.2)
    finally:
        server.shutdown()
        thread.join(timeout=10)
