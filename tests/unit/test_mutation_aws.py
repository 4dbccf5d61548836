"""discovery/aws.py: botocore's own exceptions (built here, no network, no moto) sorted into
"not found", "unreachable" and the one-line reasons, with AWS's literal error codes. Kills the
mutants of ``tools/mutate.py`` in about a second each (docs/guides/testing.md)."""

from __future__ import annotations

import sys
from types import SimpleNamespace
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import (
    ClientError,
    EndpointConnectionError,
    InvalidRegionError,
    NoCredentialsError,
    ReadTimeoutError,
)

from multiregion_tap.discovery import aws
from multiregion_tap.discovery.model import RegionUnreachableError


def client_error(code: str, message: str = "m", operation: str = "DescribeStacks") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, operation)


class FakeClient:
    """A client whose operation ``op`` returns ``result`` or raises ``error``; paginates when
    ``pages`` is given."""

    def __init__(
        self,
        result: Any = None,
        error: BaseException | None = None,
        pages: list[dict[str, Any]] | None = None,
    ) -> None:
        self.result, self.error, self._pages = result, error, pages
        self.meta = SimpleNamespace(
            region_name="us-east-2",
            service_model=SimpleNamespace(service_name="cloudformation"),
            endpoint_url="https://cloudformation.us-east-2.amazonaws.com",
        )
        self.calls: list[dict[str, Any]] = []

    def op(self, **kwargs: Any) -> Any:
        self.calls.append(kwargs)
        if self.error is not None:
            raise self.error
        return self.result

    def can_paginate(self, operation: str) -> bool:
        return self._pages is not None

    def get_paginator(self, operation: str) -> Any:
        client = self

        class Paginator:
            def paginate(self, **kwargs: Any) -> Any:
                client.calls.append(kwargs)
                if client.error is not None:
                    raise client.error
                return iter(client._pages or [])

        return Paginator()


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("DBInstanceNotFound", "x"),
        ("NoSuchHostedZone", "x"),
        ("ResourceNotFound", "x"),
        ("ValidationError", "Stack with id shop-us-east-1 does not exist"),
    ],
)
def test_not_found_answers_are_none_and_no_pages(code: str, message: str) -> None:
    client = FakeClient(error=client_error(code, message))
    assert aws.call(client, "op", StackName="s") is None
    assert client.calls == [{"StackName": "s"}]
    assert aws.pages(client, "op") == []
    assert aws.pages(FakeClient(error=client_error(code, message), pages=[]), "op") == []


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("ValidationError", "Template format error"),
        ("AccessDenied", "does not exist"),
        ("Throttling", "x"),
    ],
)
def test_other_aws_errors_are_raised(code: str, message: str) -> None:
    with pytest.raises(ClientError):
        aws.call(FakeClient(error=client_error(code, message)), "op")
    with pytest.raises(ClientError):
        aws.pages(FakeClient(error=client_error(code, message)), "op")
    with pytest.raises(ClientError):
        aws.pages(FakeClient(error=client_error(code, message), pages=[]), "op")


def test_an_error_without_a_response_is_not_not_found() -> None:
    error = ClientError({}, "DescribeStacks")
    with pytest.raises(ClientError):
        aws.call(FakeClient(error=error), "op")


@pytest.mark.parametrize(
    "error",
    [
        EndpointConnectionError(endpoint_url="https://cloudformation.us-east-2.amazonaws.com"),
        ReadTimeoutError(endpoint_url="https://cloudformation.us-east-2.amazonaws.com"),
    ],
)
def test_connection_errors_are_region_unreachable(error: BaseException) -> None:
    for run in (
        lambda c: aws.call(c, "op"),
        lambda c: aws.pages(c, "op"),
        lambda c: aws.pages(c, "op"),
    ):
        with pytest.raises(RegionUnreachableError) as caught:
            run(FakeClient(error=error))
        assert caught.value.region == "us-east-2"
        assert caught.value.service == "cloudformation"
        assert caught.value.endpoint_url == "https://cloudformation.us-east-2.amazonaws.com"
        assert caught.value.__cause__ is error
        assert f"(op: {error})" in str(caught.value)
    with pytest.raises(RegionUnreachableError):
        aws.pages(FakeClient(error=error, pages=[]), "op")


def test_unreachable_without_client_metadata_says_question_mark() -> None:
    class Bare:
        def op(self) -> None:
            raise EndpointConnectionError(endpoint_url="https://x.example")

    with pytest.raises(RegionUnreachableError) as caught:
        aws.call(Bare(), "op")
    assert (caught.value.region, caught.value.service) == ("?", "?")
    assert caught.value.endpoint_url == "https://x.example"
    assert str(caught.value).startswith("cannot reach ? in region ? at https://x.example (op: ")


def test_pages_and_paginate() -> None:
    paged = FakeClient(pages=[{"Items": [1, 2]}, {"Other": 0}, {"Items": [3]}])
    assert aws.pages(paged, "op", A=1) == [{"Items": [1, 2]}, {"Other": 0}, {"Items": [3]}]
    assert paged.calls == [{"A": 1}]
    assert aws.paginate(paged, "op", "Items") == [1, 2, 3]
    single = FakeClient(result={"Items": ["a"]})
    assert aws.pages(single, "op", B=2) == [{"Items": ["a"]}]
    assert single.calls == [{"B": 2}]
    assert aws.call(single, "op") == {"Items": ["a"]}

    class NoPaginator:
        def op(self) -> dict[str, Any]:
            return {"Items": ["z"]}

    assert aws.paginate(NoPaginator(), "op", "Items") == ["z"]


def test_client_config_bounds_each_call() -> None:
    config = aws.client_config(timeout=3)
    assert isinstance(config, Config)
    assert (config.connect_timeout, config.read_timeout) == (3, 3)
    assert config.retries == {"mode": "standard", "total_max_attempts": 2}
    assert aws.client_config(timeout=1, max_attempts=1).retries == {
        "mode": "standard",
        "total_max_attempts": 1,
    }


def test_session_clients_pass_the_config_only_when_given_and_cache_per_service_region() -> None:
    created: list[tuple[str, str | None, dict[str, Any]]] = []

    class Session:
        def client(self, service_name: str, region_name: str | None = None, **kw: Any) -> object:
            created.append((service_name, region_name, kw))
            return object()

    factory = aws.session_factory(Session())
    factory("ec2", "us-east-1")
    config = aws.client_config(timeout=2)
    factory.with_config(config)("rds", "us-east-2")
    assert created == [("ec2", "us-east-1", {}), ("rds", "us-east-2", {"config": config})]
    clients = aws.Clients(factory)
    assert clients("ec2", "us-east-1") is clients("ec2", "us-east-1")
    assert clients("ec2", "us-east-1") is not clients("ec2", "us-east-2")
    assert len(created) == 4


def test_describe_aws_error() -> None:
    unreachable = RegionUnreachableError(
        region="us-east-2", service="ec2", endpoint_url=None, reason="timeout"
    )
    assert aws.describe_aws_error(unreachable) == str(unreachable)
    assert aws.describe_aws_error(NoCredentialsError()) == (
        "no usable AWS credentials (Unable to locate credentials): set AWS_PROFILE, or "
        "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or sign in with 'aws sso login'"
    )
    for code in (
        "ExpiredToken",
        "ExpiredTokenException",
        "InvalidClientTokenId",
        "UnrecognizedClientException",
        "SignatureDoesNotMatch",
        "InvalidSignatureException",
        "AuthFailure",
    ):
        error = client_error(code)
        assert aws.describe_aws_error(error) == (
            f"AWS refused the credentials ({error}): refresh or replace them"
        )
    for code in ("AccessDenied", "AccessDeniedException", "UnauthorizedOperation"):
        error = client_error(code)
        assert aws.describe_aws_error(error) == (
            f"access denied ({error}): the credentials need read access to the app"
        )
    other = client_error("Throttling")
    assert aws.describe_aws_error(other) == f"AWS error: {other}"
    assert aws.describe_aws_error(ClientError({}, "X")) == f"AWS error: {ClientError({}, 'X')}"
    assert aws.describe_aws_error(ValueError("x")) is None


def test_bad_region_and_client_error_classification() -> None:
    assert aws.is_bad_region(InvalidRegionError(region_name="us-east"))
    assert not aws.is_bad_region(ValueError("us-east"))
    assert aws.is_client_error(client_error("X"))
    assert not aws.is_client_error(EndpointConnectionError(endpoint_url="u"))


def test_without_boto3_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    import boto3

    assert aws.import_boto3() is boto3
    assert isinstance(aws.session_factory(None).session, boto3.Session)
    monkeypatch.setitem(sys.modules, "boto3", None)  # what a missing package looks like
    with pytest.raises(ImportError) as caught:
        aws.import_boto3()
    assert str(caught.value) == (
        "multiregion_tap.discovery needs boto3, which is not installed: "
        "pip install 'multiregion-tap[discovery]'"
    )


def test_the_endpoint_is_the_error_s_else_the_client_s() -> None:
    from botocore.exceptions import ConnectionError as BotocoreConnectionError

    with pytest.raises(RegionUnreachableError) as caught:
        aws.call(FakeClient(error=EndpointConnectionError(endpoint_url="https://err")), "op")
    assert caught.value.endpoint_url == "https://err"
    with pytest.raises(RegionUnreachableError) as caught:
        aws.call(FakeClient(error=BotocoreConnectionError(error="reset")), "op")
    assert caught.value.endpoint_url == "https://cloudformation.us-east-2.amazonaws.com"
