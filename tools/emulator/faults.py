"""Region-outage faults and a call counter for the emulator: WSGI middleware around moto's app.

Every request is attributed to the region and service of its SigV4 credential scope (the
``Authorization`` header's ``Credential=AKID/DATE/REGION/SERVICE/aws4_request``, or a presigned
URL's ``X-Amz-Credential``) and counted. A request whose *fault domain* is down is refused the
way an outage looks to a client, without reaching moto:

- ``mode="drop"`` (default): the connection is shut down with no HTTP response (and closed
  with ``SO_LINGER`` 0), so boto3 raises ``ConnectionClosedError`` and the AWS SDK for
  JavaScript v3 a socket hang-up, at once; their retries are the only time spent.
- ``mode="unavailable"``: HTTP 503 with the error code ``ServiceUnavailable`` in the service's
  protocol (query XML, EC2 XML, S3 XML, JSON).

``delay_seconds`` (0 to :data:`MAX_DELAY_SECONDS`) waits before either, so a refusal is always
bounded in time: the emulator never black-holes a request.

Fault domains (see tools/emulator/README.md, "Region outages", for the AWS sources):

- ``route53`` -> the Route 53 control-plane switch only, never a region switch;
- ``iam`` -> ``us-east-1`` whatever region the request was signed for;
- everything else, ``sts`` included -> the region the request was signed for.

The control API lives under ``/_mrtap/`` (moto serves nothing there) and is never refused or
counted, nor is moto's ``/moto-api/``; ``POST /moto-api/reset`` also clears faults and counts.
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import struct
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

CONTROL_PREFIX = "/_mrtap/"
MOTO_API_PREFIX = "/moto-api/"
MODES = ("drop", "unavailable")
MAX_DELAY_SECONDS = 5.0
#: The fault domain of Route 53's control plane (the API moto serves), and its JSON switch.
ROUTE53_CONTROL_PLANE = "route53_control_plane"
#: Services whose control plane is in us-east-1 whatever region a client signs for.
US_EAST_1_CONTROL_PLANE = frozenset({"iam"})
#: Services of the REST-XML protocol (their GET requests carry no content type to tell).
REST_XML_SERVICES = frozenset({"s3", "route53", "cloudfront"})
#: Region and service recorded for a request without a SigV4 credential scope.
UNSIGNED = "unsigned"

_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")
_CREDENTIAL = re.compile(r"Credential=([^,\s]+)")

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class FaultConfigError(ValueError):
    """A fault configuration the emulator refuses (unknown key, bad region, mode or delay)."""


def _scope_of_credential(credential: str) -> tuple[str, str] | None:
    # AKID/DATE/REGION/SERVICE/aws4_request (SigV4); AKID/DATE/SERVICE/aws4_request (SigV4a).
    parts = credential.split("/")
    if len(parts) >= 5 and parts[-1] == "aws4_request":
        return parts[-3], parts[-2]
    if len(parts) == 4 and parts[-1] == "aws4_request":
        return "", parts[-2]
    return None


def signed_scope(environ: dict[str, Any]) -> tuple[str, str] | None:
    """(region, service) of a request's SigV4 credential scope, or None if it has none.

    SigV4a scopes carry no region: the ``X-Amz-Region-Set`` header names it (one region only;
    a set or ``*`` gives region ``""``, which no region switch matches).
    """
    scope: tuple[str, str] | None = None
    authorization = environ.get("HTTP_AUTHORIZATION", "")
    match = _CREDENTIAL.search(authorization)
    if match:
        scope = _scope_of_credential(match.group(1))
    if scope is None and "X-Amz-Credential" in environ.get("QUERY_STRING", ""):
        values = parse_qs(environ["QUERY_STRING"]).get("X-Amz-Credential")
        if values:
            scope = _scope_of_credential(values[0])
    if scope is not None and not scope[0]:
        region_set = environ.get("HTTP_X_AMZ_REGION_SET", "").strip()
        if region_set and "," not in region_set and "*" not in region_set:
            scope = (region_set, scope[1])
    return scope


def fault_domain(region: str, service: str) -> str:
    """The switch that governs a request signed for ``region`` and ``service``."""
    if service == "route53":
        return ROUTE53_CONTROL_PLANE
    if service in US_EAST_1_CONTROL_PLANE:
        return "us-east-1"
    return region


class FaultState:
    """Switches and counters, shared by the server's request threads (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._regions_down: set[str] = set()
        self._route53_down = False
        self._mode = "drop"
        self._delay = 0.0
        self._counts: dict[tuple[str, str], list[int]] = {}

    # ------------------------------------------------------------------ switches
    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "regions_down": sorted(self._regions_down),
                "route53_control_plane_down": self._route53_down,
                "mode": self._mode,
                "delay_seconds": self._delay,
            }

    def update(self, changes: dict[str, Any]) -> dict[str, Any]:
        """Apply a partial configuration (keys of :meth:`snapshot`, plus ``regions_up``:
        regions to take out of ``regions_down``). Validates everything before changing anything.
        """
        if not isinstance(changes, dict):
            raise FaultConfigError("the body must be a JSON object")
        known = {
            "regions_down",
            "regions_up",
            "route53_control_plane_down",
            "mode",
            "delay_seconds",
        }
        unknown = sorted(set(changes) - known)
        if unknown:
            raise FaultConfigError(f"unknown key(s) {unknown}; known: {sorted(known)}")
        down = self._regions(changes, "regions_down")
        up = self._regions(changes, "regions_up")
        route53 = changes.get("route53_control_plane_down")
        if route53 is not None and not isinstance(route53, bool):
            raise FaultConfigError("route53_control_plane_down must be true or false")
        mode = changes.get("mode")
        if mode is not None and mode not in MODES:
            raise FaultConfigError(f"mode must be one of {list(MODES)}, not {mode!r}")
        delay = changes.get("delay_seconds")
        if delay is not None and (
            isinstance(delay, bool)
            or not isinstance(delay, (int, float))
            or not 0 <= delay <= MAX_DELAY_SECONDS
        ):
            raise FaultConfigError(
                f"delay_seconds must be a number from 0 to {MAX_DELAY_SECONDS}, not {delay!r}"
            )
        with self._lock:
            if down is not None:
                self._regions_down = set(down)
            if up:
                self._regions_down -= set(up)
            if route53 is not None:
                self._route53_down = route53
            if mode is not None:
                self._mode = mode
            if delay is not None:
                self._delay = float(delay)
        return self.snapshot()

    @staticmethod
    def _regions(changes: dict[str, Any], key: str) -> list[str] | None:
        value = changes.get(key)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(r, str) for r in value):
            raise FaultConfigError(f"{key} must be a list of region names")
        bad = [r for r in value if not _REGION.match(r)]
        if bad:
            raise FaultConfigError(f"{key}: not a region name: {bad} (e.g. 'us-east-1')")
        return value

    def clear_faults(self) -> None:
        with self._lock:
            self._regions_down.clear()
            self._route53_down = False
            self._mode = "drop"
            self._delay = 0.0

    def clear(self) -> None:
        """Faults off and counts zero: the state of a new server."""
        self.clear_faults()
        self.reset_calls()

    def is_down(self, region: str, service: str) -> bool:
        domain = fault_domain(region, service)
        with self._lock:
            if domain == ROUTE53_CONTROL_PLANE:
                return self._route53_down
            return domain in self._regions_down

    def refusal(self) -> tuple[str, float]:
        with self._lock:
            return self._mode, self._delay

    # ------------------------------------------------------------------ counts
    def count(self, region: str, service: str, *, refused: bool) -> None:
        with self._lock:
            entry = self._counts.setdefault((region, service), [0, 0])
            entry[0] += 1
            if refused:
                entry[1] += 1

    def calls(self) -> dict[str, Any]:
        with self._lock:
            rows = [
                {"region": region, "service": service, "calls": calls, "refused": refused}
                for (region, service), (calls, refused) in sorted(self._counts.items())
            ]
        return {
            "calls": rows,
            "total": sum(row["calls"] for row in rows),
            "refused": sum(row["refused"] for row in rows),
        }

    def reset_calls(self) -> None:
        with self._lock:
            self._counts.clear()


def _json_response(start_response: StartResponse, status: str, body: Any) -> list[bytes]:
    data = json.dumps(body, indent=1).encode()
    start_response(
        status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
    )
    return [data]


def unavailable_response(
    environ: dict[str, Any], service: str
) -> tuple[list[tuple[str, str]], bytes]:
    """Headers and body of a 503 ``ServiceUnavailable`` in the request's protocol."""
    request_id = str(uuid.uuid4())
    message = "Service Unavailable (emulated region outage)"
    content_type = environ.get("CONTENT_TYPE", "")
    headers = [("x-amzn-RequestId", request_id), ("x-amz-request-id", request_id)]
    if environ.get("HTTP_SMITHY_PROTOCOL", "").startswith("rpc-v2-cbor"):
        # No JSON/XML parser applies: an empty 5xx body is every SDK's generic error.
        return [*headers, ("Content-Type", "application/cbor")], b""
    xml_protocol = (
        service in REST_XML_SERVICES
        or "x-www-form-urlencoded" in content_type  # query protocol (and EC2's)
        or "xml" in content_type
    )
    if not xml_protocol or "HTTP_X_AMZ_TARGET" in environ or "json" in content_type:
        body = json.dumps({"__type": "ServiceUnavailable", "message": message}).encode()
        return [
            *headers,
            ("Content-Type", "application/x-amz-json-1.0"),
            ("x-amzn-ErrorType", "ServiceUnavailable"),
        ], body
    error = f"<Code>ServiceUnavailable</Code><Message>{message}</Message>"
    if service == "ec2":
        xml = (
            f"<Response><Errors><Error>{error}</Error></Errors>"
            f"<RequestID>{request_id}</RequestID></Response>"
        )
    elif service == "s3":
        xml = f"<Error>{error}<RequestId>{request_id}</RequestId></Error>"
    else:
        xml = (
            f"<ErrorResponse><Error><Type>Receiver</Type>{error}</Error>"
            f"<RequestId>{request_id}</RequestId></ErrorResponse>"
        )
    body = ('<?xml version="1.0" encoding="UTF-8"?>\n' + xml).encode()
    return [*headers, ("Content-Type", "text/xml")], body


def drop_connection(environ: dict[str, Any]) -> bool:
    """Close the request's connection without a response; False if the server gives no socket.

    ``SO_LINGER`` 0 makes the final close a reset; ``shutdown`` ends both directions now, so
    the client sees the connection end before any response byte.
    """
    sock = environ.get("werkzeug.socket")
    if not isinstance(sock, socket.socket):
        return False
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        return True  # already gone
    # Discard what the server had already buffered of the request: read after the shutdown it
    # ends at once, and the server's next "request line" is then the end of the stream, not
    # the rest of this body (which it would log as a malformed request).
    stream = environ.get("wsgi.input")
    with contextlib.suppress(Exception):
        for _ in range(1024):
            if stream is None or not stream.read(65536):
                break
    return True


class FaultMiddleware:
    """WSGI middleware: the ``/_mrtap/`` control API, counting, and refusals of down regions."""

    def __init__(self, app: WSGIApp, state: FaultState | None = None) -> None:
        self.app = app
        self.state = state or FaultState()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path.startswith(CONTROL_PREFIX):
            return self._control(environ, start_response, path[len(CONTROL_PREFIX) :])
        if path.startswith(MOTO_API_PREFIX):
            if path == MOTO_API_PREFIX + "reset" and environ.get("REQUEST_METHOD") == "POST":
                self.state.clear()
            return self.app(environ, start_response)
        scope = signed_scope(environ)
        region, service = scope if scope is not None else (UNSIGNED, UNSIGNED)
        down = scope is not None and self.state.is_down(region, service)
        self.state.count(region, service, refused=down)
        if not down:
            return self.app(environ, start_response)
        mode, delay = self.state.refusal()
        domain = fault_domain(region, service)
        with contextlib.suppress(Exception):  # the server's error stream: its request log
            environ["wsgi.errors"].write(
                f"fault: {mode} {environ.get('REQUEST_METHOD')} {environ.get('PATH_INFO')}"
                f" signed {region}/{service} ({domain} is down)\n"
            )
        if delay:
            time.sleep(delay)
        if mode == "drop" and drop_connection(environ):
            # werkzeug treats a ConnectionError from the app as a dropped client: no response,
            # no traceback in the log.
            raise ConnectionAbortedError(f"emulated outage of {domain}")
        headers, body = unavailable_response(environ, service)
        start_response("503 Service Unavailable", [*headers, ("Content-Length", str(len(body)))])
        return [body]

    def _control(
        self, environ: dict[str, Any], start_response: StartResponse, route: str
    ) -> list[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        state = self.state

        def reset_calls() -> dict[str, Any]:
            state.reset_calls()
            return state.calls()

        def reset() -> dict[str, Any]:
            state.clear()
            return state.snapshot()

        routes: dict[tuple[str, str], Callable[[], Any]] = {
            ("GET", "faults"): state.snapshot,
            ("POST", "faults"): lambda: state.update(self._body(environ)),
            ("GET", "calls"): state.calls,
            ("POST", "calls/reset"): reset_calls,
            ("POST", "reset"): reset,
        }
        handler = routes.get((method, route.rstrip("/")))
        if handler is None:
            allowed = sorted(f"{m} {CONTROL_PREFIX}{r}" for m, r in routes)
            return _json_response(
                start_response,
                "404 Not Found",
                {"error": f"no route {method} {CONTROL_PREFIX}{route}", "routes": allowed},
            )
        try:
            result = handler()
        except FaultConfigError as error:
            return _json_response(start_response, "400 Bad Request", {"error": str(error)})
        return _json_response(start_response, "200 OK", result)

    @staticmethod
    def _body(environ: dict[str, Any]) -> Any:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        raw = environ["wsgi.input"].read(length) if length > 0 else b""
        if not raw.strip():
            return {}
        try:
            return json.loads(raw)
        except ValueError as error:
            raise FaultConfigError(f"the body is not JSON: {error}") from error
