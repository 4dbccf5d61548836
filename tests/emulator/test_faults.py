"""The emulator's region-outage switches and call counter (tools/emulator/faults.py).

A region that is down refuses every request signed for it the way an outage looks to a client
(connection dropped, or a bounded 503), quickly; other regions keep serving; Route 53's control
plane has its own switch; every call is counted per (region, service), refused ones included.
"""

from __future__ import annotations

import functools
import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, ConnectionClosedError, EndpointConnectionError

from tools.emulator import EmulatorServer
from tools.emulator.faults import FaultConfigError, FaultState, fault_domain, signed_scope

from .conftest import ROOT

pytestmark = pytest.mark.emulator

#: The bound a refused call must stay under, retries included.
BOUND_SECONDS = 5.0
OUTAGE_ERRORS = (ConnectionClosedError, EndpointConnectionError)


@pytest.fixture
def server(fresh_emulator: EmulatorServer) -> Iterator[EmulatorServer]:
    """The session emulator, reset; faults always off again afterwards (also on failure)."""
    try:
        yield fresh_emulator
    finally:
        fresh_emulator.clear_faults()


def client(server: EmulatorServer, service: str, region: str) -> Any:
    """A boto3 client with retries set low and short timeouts, as a drill's client would have."""
    return boto3.client(
        service,
        region_name=region,
        endpoint_url=server.endpoint_url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(
            connect_timeout=2, read_timeout=2, retries={"max_attempts": 2, "mode": "standard"}
        ),
    )


def timed(call: Callable[[], Any]) -> tuple[float, BaseException | None]:
    started = time.monotonic()
    try:
        call()
    except Exception as error:
        return time.monotonic() - started, error
    return time.monotonic() - started, None


def assert_outage(call: Callable[[], Any], *, mode: str = "drop") -> None:
    seconds, error = timed(call)
    assert seconds < BOUND_SECONDS, f"a refused call took {seconds:.1f}s"
    if mode == "drop":
        assert isinstance(error, OUTAGE_ERRORS), repr(error)
    else:
        assert isinstance(error, ClientError), repr(error)
        assert error.response["ResponseMetadata"]["HTTPStatusCode"] == 503
        assert error.response["Error"]["Code"] == "ServiceUnavailable"


def control(server: EmulatorServer, method: str, route: str, body: Any = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        f"{server.internal_url}/_mrtap/{route}", data=data, method=method
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())


# ---------------------------------------------------------------------- region switch
def test_a_down_region_drops_its_calls_quickly_and_other_regions_serve(
    server: EmulatorServer,
) -> None:
    east2 = client(server, "ec2", "us-east-2")
    vpc = east2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    server.region_down("us-east-1")
    assert server.faults()["regions_down"] == ["us-east-1"]
    for service, call in [
        ("ec2", lambda c: c.describe_vpcs()),
        ("cloudformation", lambda c: c.describe_stacks()),
        ("ssm", lambda c: c.describe_parameters()),  # JSON protocol
        ("s3", lambda c: c.list_buckets()),  # REST-XML
        # a 2 MB body (Expect: 100-continue): refused before the body is read, still bounded
        ("s3", lambda c: c.put_object(Bucket="b", Key="k", Body=b"x" * 2_000_000)),
    ]:
        assert_outage(functools.partial(call, client(server, service, "us-east-1")))
    vpcs = east2.describe_vpcs()["Vpcs"]
    assert vpc in {v["VpcId"] for v in vpcs}
    client(server, "cloudformation", "us-east-2").describe_stacks()


def test_unavailable_mode_answers_503_after_the_bounded_delay(server: EmulatorServer) -> None:
    # Every protocol's answer first, with a short delay (each call is retried once, after
    # botocore's backoff); then the delay itself, with a longer one.
    server.set_faults(regions_down=["us-east-2"], mode="unavailable", delay_seconds=0.05)
    for service, call in [
        ("ec2", lambda c: c.describe_vpcs()),  # EC2 XML
        ("sts", lambda c: c.get_caller_identity()),  # query XML
        ("ecs", lambda c: c.list_clusters()),  # JSON
        ("s3", lambda c: c.list_buckets()),  # REST-XML
        ("lambda", lambda c: c.list_functions()),  # REST-JSON
    ]:
        target = client(server, service, "us-east-2")
        assert_outage(functools.partial(call, target), mode="unavailable")
    # The down region answers after the delay, the region that is up without it. The up
    # region's first EC2 call builds moto's backend for the region (the default VPC and
    # more), slow on a busy machine and not the fault's doing: time its second call.
    delay = 0.5
    server.set_faults(regions_down=["us-east-2"], mode="unavailable", delay_seconds=delay)
    seconds, error = timed(client(server, "ec2", "us-east-2").describe_vpcs)
    assert isinstance(error, ClientError) and seconds >= delay
    healthy = client(server, "ec2", "us-east-1")
    healthy.describe_vpcs()
    seconds, error = timed(healthy.describe_vpcs)
    assert error is None and seconds < delay


def test_a_presigned_url_of_a_down_region_is_refused(server: EmulatorServer) -> None:
    s3 = client(server, "s3", "us-east-2")
    s3.create_bucket(Bucket="drill", CreateBucketConfiguration={"LocationConstraint": "us-east-2"})
    s3.put_object(Bucket="drill", Key="k", Body=b"v")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": "drill", "Key": "k"})
    assert "X-Amz-Credential" in url
    with urllib.request.urlopen(url, timeout=5) as response:
        assert response.read() == b"v"
    server.region_down("us-east-2")
    with pytest.raises((urllib.error.URLError, ConnectionError, OSError)):
        urllib.request.urlopen(url, timeout=5)
    assert server.calls()[("us-east-2", "s3")]["refused"] == 1


def test_region_up_restores_service_and_state_survived(server: EmulatorServer) -> None:
    ssm = client(server, "ssm", "us-east-1")
    ssm.put_parameter(Name="/drill/p", Value="kept", Type="String")
    server.region_down("us-east-1")
    server.region_down("us-west-2")
    assert server.faults()["regions_down"] == ["us-east-1", "us-west-2"]
    assert_outage(lambda: ssm.get_parameter(Name="/drill/p"))
    server.region_up("us-east-1")
    assert server.faults()["regions_down"] == ["us-west-2"]
    assert ssm.get_parameter(Name="/drill/p")["Parameter"]["Value"] == "kept"


# ---------------------------------------------------------------------- global services
def test_route53_follows_its_own_switch_not_us_east_1(server: EmulatorServer) -> None:
    route53 = client(server, "route53", "us-east-1")
    zone = route53.create_hosted_zone(Name="example.test", CallerReference="drill")
    zone_id = zone["HostedZone"]["Id"]
    server.region_down("us-east-1")
    assert route53.get_hosted_zone(Id=zone_id)["HostedZone"]["Name"] == "example.test."
    server.route53_down()
    assert server.faults()["route53_control_plane_down"] is True
    assert_outage(lambda: route53.get_hosted_zone(Id=zone_id))
    server.region_up("us-east-1")
    assert_outage(lambda: route53.list_hosted_zones())
    client(server, "ec2", "us-east-1").describe_vpcs()  # us-east-1 itself serves
    server.route53_up()
    assert route53.get_hosted_zone(Id=zone_id)["HostedZone"]["Id"] == zone_id


def test_iam_follows_us_east_1_and_sts_its_signed_region(server: EmulatorServer) -> None:
    server.region_down("us-east-1")
    # IAM's control plane is in us-east-1, whatever region the client signs for.
    assert_outage(lambda: client(server, "iam", "us-east-2").list_roles())
    # STS is regional: the us-east-2 endpoint serves while us-east-1 is down.
    identity = client(server, "sts", "us-east-2").get_caller_identity()
    assert identity["Account"]
    assert_outage(lambda: client(server, "sts", "us-east-1").get_caller_identity())
    server.region_up("us-east-1")
    server.region_down("us-east-2")
    client(server, "iam", "us-east-1").list_roles()
    client(server, "iam", "us-east-2").list_roles()


# ---------------------------------------------------------------------- counting
def test_calls_are_counted_per_region_and_service_refused_included(
    server: EmulatorServer,
) -> None:
    assert server.calls() == {}
    client(server, "ec2", "us-east-2").describe_vpcs()
    client(server, "ec2", "us-east-2").describe_subnets()
    client(server, "sqs", "us-east-1").list_queues()
    server.region_down("us-east-1")
    ec2 = boto3.client(  # one attempt: exactly one refused call
        "ec2",
        region_name="us-east-1",
        endpoint_url=server.endpoint_url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"total_max_attempts": 1, "mode": "standard"}),
    )
    assert_outage(ec2.describe_vpcs)
    assert server.calls() == {
        ("us-east-2", "ec2"): {"calls": 2, "refused": 0},
        ("us-east-1", "sqs"): {"calls": 1, "refused": 0},
        ("us-east-1", "ec2"): {"calls": 1, "refused": 1},
    }
    raw = control(server, "GET", "calls")
    assert raw["total"] == 4 and raw["refused"] == 1
    assert {"region": "us-east-1", "service": "ec2", "calls": 1, "refused": 1} in raw["calls"]
    server.reset_calls()
    assert server.calls() == {}
    assert server.faults()["regions_down"] == ["us-east-1"]  # counts only


def test_reset_clears_faults_and_counts(server: EmulatorServer) -> None:
    client(server, "ec2", "us-east-2").describe_vpcs()
    server.set_faults(
        regions_down=["us-east-1", "us-east-2"],
        route53_control_plane_down=True,
        mode="unavailable",
        delay_seconds=1,
    )
    server.reset()
    assert server.faults() == {
        "regions_down": [],
        "route53_control_plane_down": False,
        "mode": "drop",
        "delay_seconds": 0.0,
    }
    assert server.calls() == {}
    client(server, "ec2", "us-east-1").describe_vpcs()
    client(server, "route53", "us-east-1").list_hosted_zones()


# ---------------------------------------------------------------------- control API
def test_the_control_api_and_moto_api_work_while_everything_is_down(
    server: EmulatorServer,
) -> None:
    answer = control(
        server,
        "POST",
        "faults",
        {"regions_down": ["us-east-1", "us-east-2"], "route53_control_plane_down": True},
    )
    assert answer["regions_down"] == ["us-east-1", "us-east-2"]
    assert control(server, "GET", "faults") == answer
    with urllib.request.urlopen(f"{server.internal_url}/moto-api/data.json", timeout=5) as r:
        assert r.status == 200
    assert control(server, "GET", "calls")["total"] == 0  # control calls are not counted
    assert control(server, "POST", "calls/reset")["total"] == 0
    assert control(server, "POST", "reset")["regions_down"] == []


@pytest.mark.parametrize(
    "body",
    [
        {"regions_down": "us-east-1"},
        {"regions_down": ["us-east1"]},
        {"route53_control_plane_down": "yes"},
        {"mode": "blackhole"},
        {"delay_seconds": 60},
        {"region_down": ["us-east-1"]},
    ],
)
def test_bad_fault_settings_are_refused_and_change_nothing(
    server: EmulatorServer, body: dict[str, Any]
) -> None:
    # A valid change beside the bad one: validation comes first, nothing is applied.
    with pytest.raises(urllib.error.HTTPError) as raised:
        control(server, "POST", "faults", {"route53_control_plane_down": True, **body})
    assert raised.value.code == 400
    assert server.faults()["route53_control_plane_down"] is False
    assert server.faults()["regions_down"] == []


def test_an_unknown_control_route_is_404(server: EmulatorServer) -> None:
    with pytest.raises(urllib.error.HTTPError) as raised:
        control(server, "GET", "nothing")
    assert raised.value.code == 404


# ---------------------------------------------------------------------- unit level
@pytest.mark.parametrize(
    ("environ", "scope"),
    [
        (
            {
                "HTTP_AUTHORIZATION": "AWS4-HMAC-SHA256 Credential=AKID/20250101/eu-west-1/ec2/"
                "aws4_request, SignedHeaders=host, Signature=abc"
            },
            ("eu-west-1", "ec2"),
        ),
        (
            {
                "QUERY_STRING": "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential="
                "AKID%2F20250101%2Fus-east-2%2Fs3%2Faws4_request&X-Amz-Signature=abc"
            },
            ("us-east-2", "s3"),
        ),
        (
            {
                "HTTP_AUTHORIZATION": "AWS4-ECDSA-P256-SHA256 Credential=AKID/20250101/s3/"
                "aws4_request, SignedHeaders=host, Signature=abc",
                "HTTP_X_AMZ_REGION_SET": "us-west-2",
            },
            ("us-west-2", "s3"),
        ),
        ({"HTTP_AUTHORIZATION": "AWS AKID:signature"}, None),
        ({}, None),
    ],
)
def test_signed_scope(environ: dict[str, str], scope: tuple[str, str] | None) -> None:
    assert signed_scope(environ) == scope


def test_fault_domains() -> None:
    assert fault_domain("us-east-1", "route53") == "route53_control_plane"
    assert fault_domain("us-east-2", "iam") == "us-east-1"
    assert fault_domain("us-east-2", "sts") == "us-east-2"
    assert fault_domain("eu-west-1", "ec2") == "eu-west-1"
    state = FaultState()
    state.update({"regions_down": ["us-east-1"]})
    assert state.is_down("us-east-1", "iam") and state.is_down("us-west-2", "iam")
    assert not state.is_down("us-east-1", "route53")
    with pytest.raises(FaultConfigError):
        state.update({"delay_seconds": True})


def test_the_faults_command_switches_a_running_emulator(server: EmulatorServer) -> None:
    def run(*args: str) -> Any:
        result = subprocess.run(
            [sys.executable, "-m", "tools.emulator", "faults", "--port", str(server.port), *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        return json.loads(result.stdout)

    answer = run("--down", "us-east-1", "us-west-2", "--route53", "down")
    assert answer["faults"]["regions_down"] == ["us-east-1", "us-west-2"]
    assert answer["faults"]["route53_control_plane_down"] is True
    assert_outage(lambda: client(server, "ec2", "us-east-1").describe_vpcs())
    answer = run("--up", "us-west-2", "--route53", "up", "--mode", "unavailable")
    assert answer["faults"]["regions_down"] == ["us-east-1"]
    assert answer["faults"]["mode"] == "unavailable"
    (ec2,) = [row for row in answer["calls"] if row["service"] == "ec2"]
    assert ec2["region"] == "us-east-1" and ec2["refused"] == ec2["calls"] >= 1
    assert run("--clear")["faults"]["regions_down"] == []
