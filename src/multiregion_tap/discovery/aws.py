"""AWS access for discovery: boto3 clients, calls that treat "not found" as absent, and what
the errors that stop discovery mean.

boto3 and botocore are imported only when they are needed (creating clients, or classifying an
error), so :mod:`multiregion_tap.discovery` imports without them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from types import ModuleType
from typing import Any, Protocol

from .model import RegionUnreachableError

#: ``(service_name, region_name) -> boto3 client``, e.g.
#: ``lambda service, region: session.client(service, region_name=region, endpoint_url=url)``.
ClientFactory = Callable[[str, str], Any]

#: What to install when boto3 is missing.
INSTALL_HINT = "pip install 'multiregion-tap[discovery]'"


class SessionLike(Protocol):
    """What :func:`discover` needs of a ``boto3.Session``."""

    def client(self, service_name: str, region_name: str | None = None, **kwargs: Any) -> Any:
        """Create a low-level client."""
        ...


def import_boto3() -> ModuleType:
    """The ``boto3`` module.

    :raises ImportError: naming the ``discovery`` extra, when boto3 is not installed.
    """
    try:
        return importlib.import_module("boto3")
    except ImportError as error:
        raise ImportError(
            f"multiregion_tap.discovery needs boto3, which is not installed: {INSTALL_HINT}"
        ) from error


def client_config(*, timeout: float, max_attempts: int = 2) -> Any:
    """A ``botocore.config.Config`` that gives up on an unreachable endpoint in bounded time.

    :param timeout: Seconds to wait to connect, and then for each response.
    :param max_attempts: Attempts per call, the first included (botocore's ``standard`` retry
        mode, which retries throttling and connection errors with backoff).
    """
    config = importlib.import_module("botocore.config")
    return config.Config(
        connect_timeout=timeout,
        read_timeout=timeout,
        # total_max_attempts counts the first attempt; botocore's max_attempts would not.
        retries={"mode": "standard", "total_max_attempts": max_attempts},
    )


class SessionClients:
    """A :data:`ClientFactory` that creates clients from a session, with a botocore config.

    :meth:`with_config` gives the same factory with another config: the region probe of
    ``discover(..., tolerate_unreachable=True)`` uses it for its one short, unretried call.
    """

    def __init__(self, session: SessionLike, config: Any = None) -> None:
        self.session = session
        self.config = config

    def __call__(self, service: str, region: str) -> Any:
        extra = {} if self.config is None else {"config": self.config}
        return self.session.client(service, region_name=region, **extra)

    def with_config(self, config: Any) -> SessionClients:
        """The same session's clients, with ``config``."""
        return SessionClients(self.session, config)


def session_factory(session: SessionLike | None, *, config: Any = None) -> SessionClients:
    """Create clients from ``session`` (default: a new ``boto3.Session()``), with ``config``
    when given."""
    return SessionClients(session if session is not None else import_boto3().Session(), config)


class Clients:
    """One client per (service, region), created on first use."""

    def __init__(self, factory: ClientFactory) -> None:
        self._factory = factory
        self._cache: dict[tuple[str, str], Any] = {}

    def __call__(self, service: str, region: str) -> Any:
        key = (service, region)
        if key not in self._cache:
            self._cache[key] = self._factory(service, region)
        return self._cache[key]


# ---------------------------------------------------------------------- errors
def _botocore_errors(*names: str) -> tuple[type[BaseException], ...]:
    try:
        exceptions = importlib.import_module("botocore.exceptions")
    except ImportError:  # pragma: no cover - a fake client factory without botocore
        return ()
    return tuple(getattr(exceptions, name) for name in names)


def _client_error_types() -> tuple[type[BaseException], ...]:
    return _botocore_errors("ClientError")


def is_client_error(error: BaseException) -> bool:
    """True for an error AWS answered with (botocore's ``ClientError``)."""
    return isinstance(error, _client_error_types())


def _connection_error_types() -> tuple[type[BaseException], ...]:
    # ConnectionError covers EndpointConnectionError (DNS, refused) and ConnectTimeoutError;
    # HTTPClientError covers ReadTimeoutError and a connection closed mid-response.
    return _botocore_errors("ConnectionError", "HTTPClientError")


def _is_not_found(error: BaseException) -> bool:
    response = getattr(error, "response", None) or {}
    err = response.get("Error", {}) if isinstance(response, dict) else {}
    code = str(err.get("Code", ""))
    message = str(err.get("Message", ""))
    return (
        "NotFound" in code
        or code.startswith("NoSuch")
        or code == "ResourceNotFound"
        or (code == "ValidationError" and "does not exist" in message)
    )


def _unreachable(client: Any, operation: str, error: BaseException) -> RegionUnreachableError:
    meta = getattr(client, "meta", None)
    region = str(getattr(meta, "region_name", None) or "?")
    service_model = getattr(meta, "service_model", None)
    service = str(getattr(service_model, "service_name", None) or "?")
    kwargs = getattr(error, "kwargs", None) or {}
    endpoint = kwargs.get("endpoint_url") or getattr(meta, "endpoint_url", None)
    return RegionUnreachableError(
        region=region,
        service=service,
        endpoint_url=str(endpoint) if endpoint else None,
        reason=f"{operation}: {error}",
    )


def call(client: Any, operation: str, **kwargs: Any) -> dict[str, Any] | None:
    """Call ``operation``; ``None`` when AWS says the resource does not exist.

    :raises RegionUnreachableError: when the client's endpoint cannot be reached.
    """
    try:
        result: dict[str, Any] = getattr(client, operation)(**kwargs)
    except _client_error_types() as error:
        if _is_not_found(error):
            return None

        raise
    except _connection_error_types() as error:
        raise _unreachable(client, operation, error) from error
    return result


def pages(client: Any, operation: str, **kwargs: Any) -> list[dict[str, Any]]:
    """Every page of ``operation`` (``[]`` when AWS says the resource does not exist).

    :raises RegionUnreachableError: when the client's endpoint cannot be reached.
    """
    found: list[dict[str, Any]] = []
    try:
        if hasattr(client, "can_paginate") and client.can_paginate(operation):
            found.extend(client.get_paginator(operation).paginate(**kwargs))
        else:
            found.append(getattr(client, operation)(**kwargs))
    except _client_error_types() as error:
        if _is_not_found(error):
            return []
        raise
    except _connection_error_types() as error:
        raise _unreachable(client, operation, error) from error
    return found


def paginate(client: Any, operation: str, key: str, **kwargs: Any) -> list[Any]:
    """Every item under ``key`` across all pages of ``operation``."""
    return [item for page in pages(client, operation, **kwargs) for item in page.get(key, [])]


#: ClientError codes that mean the credentials were refused (not that a resource is missing).
_CREDENTIAL_CODES = frozenset(
    {
        "ExpiredToken",
        "ExpiredTokenException",
        "InvalidClientTokenId",
        "UnrecognizedClientException",
        "SignatureDoesNotMatch",
        "InvalidSignatureException",
        "AuthFailure",
    }
)
_CREDENTIAL_ERRORS = (
    "NoCredentialsError",
    "PartialCredentialsError",
    "ProfileNotFound",
    "CredentialRetrievalError",
    "TokenRetrievalError",
    "SSOError",
)


def describe_aws_error(error: BaseException) -> str | None:
    """One line saying why AWS could not be asked, or ``None`` for any other error.

    Covers missing or refused credentials, access denied and an unreachable region
    (:class:`RegionUnreachableError`).
    """
    if isinstance(error, RegionUnreachableError):
        return str(error)
    if isinstance(error, _botocore_errors(*_CREDENTIAL_ERRORS)):
        return (
            f"no usable AWS credentials ({error}): set AWS_PROFILE, or AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY, or sign in with 'aws sso login'"
        )
    if isinstance(error, _client_error_types()):
        response = getattr(error, "response", None) or {}
        code = str(response.get("Error", {}).get("Code", ""))
        if code in _CREDENTIAL_CODES:
            return f"AWS refused the credentials ({error}): refresh or replace them"
        if "AccessDenied" in code or code == "UnauthorizedOperation":
            return f"access denied ({error}): the credentials need read access to the app"
        return f"AWS error: {error}"
    return None


def is_bad_region(error: BaseException) -> bool:
    """True for botocore's refusal of a region name (``InvalidRegionError``)."""
    return isinstance(error, _botocore_errors("InvalidRegionError"))
