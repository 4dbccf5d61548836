"""discovery/reach.py: which regions answer, with fake clients (no network, no moto): the
timeout bounds, the probe's config and call, the deadline, what counts as an answer. Kills the
mutants of ``tools/mutate.py`` in about a second each (docs/guides/testing.md)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, NoCredentialsError

from multiregion_tap import ValidationError
from multiregion_tap.discovery import reach


class Client:
    """A CloudFormation client whose ``describe_stacks`` raises ``error`` (or answers)."""

    def __init__(self, region: str, error: BaseException | None = None) -> None:
        self.region, self.error = region, error
        self.asked: list[dict[str, Any]] = []
        self.release = threading.Event()

    def describe_stacks(self, **kwargs: Any) -> dict[str, Any]:
        self.asked.append(kwargs)
        if self.error is not None:
            raise self.error
        return {"Stacks": []}


class Factory:
    def __init__(self, clients: dict[str, Client]) -> None:
        self.clients = clients
        self.made: list[tuple[str, str]] = []
        self.configs: list[Any] = []

    def __call__(self, service: str, region: str) -> Client:
        self.made.append((service, region))
        return self.clients[region]

    def with_config(self, config: Any) -> Factory:
        self.configs.append(config)
        return self


def test_one_line() -> None:
    assert reach.one_line("a\n  b\tc ") == "a b c"
    assert reach.one_line(ValueError("x\ny")) == "x y"


def test_the_deadline_is_one_and_a_half_timeouts_plus_a_second() -> None:
    assert reach.probe_deadline(2) == 4.0
    assert reach.probe_deadline(5) == 8.5
    assert reach.DEFAULT_PROBE_TIMEOUT == 5.0


@pytest.mark.parametrize("timeout", [0, -1, 300.5, True, "5", None])
def test_a_timeout_outside_0_to_300_seconds_is_refused(timeout: Any) -> None:
    with pytest.raises(
        ValidationError,
        match=r"^probe_timeout must be a number of seconds above 0 and at most 300, got "
        + repr(timeout).replace(".", r"\.")
        + "$",
    ):
        reach.probe_regions(Factory({}), "shop", ["us-east-1"], timeout)


@pytest.mark.parametrize("timeout", [300, 0.001, 1])
def test_timeouts_in_range_are_accepted(timeout: float) -> None:
    assert reach.probe_regions(Factory({}), "shop", [], timeout) == {}


def test_every_region_answers_with_its_own_stack_asked_for_once() -> None:
    clients = {
        "us-east-1": Client("us-east-1"),
        "us-east-2": Client("us-east-2", ClientError({"Error": {"Code": "ValidationError"}}, "X")),
    }
    factory = Factory(clients)
    assert reach.probe_regions(factory, "shop", ["us-east-1", "us-east-2"], 2) == {}
    assert clients["us-east-1"].asked == [{"StackName": "shop-us-east-1"}]
    assert clients["us-east-2"].asked == [{"StackName": "shop-us-east-2"}]
    assert factory.made == [("cloudformation", "us-east-1"), ("cloudformation", "us-east-2")]
    (config,) = factory.configs
    assert (config.connect_timeout, config.read_timeout) == (2, 2)
    assert config.retries == {"mode": "standard", "total_max_attempts": 1}


def test_unreachable_regions_in_the_order_given_each_with_its_reason() -> None:
    down = EndpointConnectionError(endpoint_url="https://cloudformation.xx-east-2.amazonaws.com")
    clients = {
        "us-west-2": Client("us-west-2", EndpointConnectionError(endpoint_url="https://w\n2")),
        "us-east-1": Client("us-east-1"),
        "xx-east-2": Client("xx-east-2", down),
    }
    result = reach.probe_regions(
        Factory(clients), "shop", ["xx-east-2", "us-east-1", "us-west-2"], 1
    )
    assert list(result) == ["xx-east-2", "us-west-2"]
    assert result["xx-east-2"].startswith("cannot reach ? in region ? at https://cloudformation")
    assert "\n" not in result["us-west-2"]


def test_an_error_that_is_neither_an_answer_nor_a_connection_error_is_raised() -> None:
    clients = {
        "us-east-1": Client("us-east-1"),
        "us-east-2": Client("us-east-2", NoCredentialsError()),
    }
    with pytest.raises(NoCredentialsError):
        reach.probe_regions(Factory(clients), "shop", ["us-east-1", "us-east-2"], 1)


def test_a_region_that_never_answers_is_given_up_at_the_deadline() -> None:
    release = threading.Event()
    threads: list[str] = []

    class Silent(Client):
        def describe_stacks(self, **kwargs: Any) -> dict[str, Any]:
            threads.append(threading.current_thread().name)
            release.wait(10)
            return {}

    def factory(service: str, region: str) -> Client:  # no with_config: the deadline bounds it
        return Silent(region) if region == "us-east-2" else Client(region)

    try:
        result = reach.probe_regions(factory, "shop", ["us-east-1", "us-east-2"], 0.1)
    finally:
        release.set()
    assert result == {
        "us-east-2": "cannot reach cloudformation in region us-east-2: no answer within 1.15 s"
    }
    # the probe threads are named for a thread dump
    assert [name.split("_")[0] for name in threads] == ["multiregion-tap-probe"]


def test_star_import_gives_the_public_names() -> None:
    namespace: dict[str, object] = {}
    exec("from multiregion_tap.discovery.reach import *", namespace)
    assert {k for k in namespace if not k.startswith("__")} == {
        "DEFAULT_PROBE_TIMEOUT",
        "one_line",
        "probe_deadline",
        "probe_regions",
    }
