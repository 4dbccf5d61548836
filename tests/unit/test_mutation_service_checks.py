"""_private/service_checks.py against the AWS documentation's literal values: the Fargate
cpu/memory table, the ALB health-check ranges and formats, and the default VPC block of every
region (append-only: a region's block must never move). No synth: kills the mutants of
``tools/mutate.py`` in a few seconds each (docs/guides/testing.md)."""

from __future__ import annotations

import re

import aws_cdk as cdk
import pytest

from multiregion_tap import ValidationError
from multiregion_tap._private import service_checks as sc

# AWS Fargate task sizes (Amazon ECS Developer Guide, "Task CPU and memory"): cpu -> memory MiB
FARGATE = {
    256: [512, 1024, 2048],
    512: [1024, 2048, 3072, 4096],
    1024: [2048 + 1024 * i for i in range(7)],  # 2 GiB to 8 GiB in 1 GiB steps
    2048: [4096 + 1024 * i for i in range(13)],  # 4 GiB to 16 GiB in 1 GiB steps
    4096: [8192 + 1024 * i for i in range(23)],  # 8 GiB to 30 GiB in 1 GiB steps
    8192: [16384 + 4096 * i for i in range(12)],  # 16 GiB to 60 GiB in 4 GiB steps
    16384: [32768 + 8192 * i for i in range(12)],  # 32 GiB to 120 GiB in 8 GiB steps
}


def _raises(message: str) -> pytest.RaisesContext[ValidationError]:
    return pytest.raises(ValidationError, match="^" + re.escape(message) + "$")


def test_the_fargate_table_is_aws_s() -> None:
    assert {cpu: list(memory) for cpu, memory in sc.FARGATE_SIZES.items()} == FARGATE
    assert FARGATE[1024][-1] == 8192 and FARGATE[4096][-1] == 30720
    assert FARGATE[8192][-1] == 61440 and FARGATE[16384][-1] == 122880


def test_every_fargate_pair_is_accepted_and_a_neighbour_is_refused() -> None:
    for cpu, memory in FARGATE.items():
        for mib in memory:
            assert sc.require_fargate_size(cpu, mib) is None
        with pytest.raises(ValidationError, match=rf"^memory_limit_mib must be .*cpu={cpu}"):
            sc.require_fargate_size(cpu, memory[-1] + 1024)


def test_fargate_messages() -> None:
    with _raises(
        "cpu must be one of the Fargate cpu sizes [256, 512, 1024, 2048, 4096, 8192, 16384], "
        "got 300"
    ):
        sc.require_fargate_size(300, 512)
    with _raises(
        "memory_limit_mib must be a Fargate memory size for cpu=256: 512 to 2048 MiB in steps "
        "of 512 (512, 1024, 2048, ...), got 4096"
    ):
        sc.require_fargate_size(256, 4096)
    with _raises(
        "memory_limit_mib must be a Fargate memory size for cpu=8192: 16384 to 61440 MiB in "
        "steps of 4096 (16384, 20480, 24576, ...), got 1024"
    ):
        sc.require_fargate_size(8192, 1024)


def test_fargate_tokens_are_not_checked() -> None:
    token = cdk.Token.as_number(cdk.Fn.import_value("cpu"))
    assert sc.require_fargate_size(token, 3) is None
    assert sc.require_fargate_size(256, token) is None


# The block of each region in REGION_OCTETS, written out: a changed block replaces the VPC.
REGION_BLOCKS = {
    "us-east-1": 0, "us-east-2": 1, "us-west-1": 2, "us-west-2": 3, "ca-central-1": 4,
    "ca-west-1": 5, "mx-central-1": 6, "sa-east-1": 7, "eu-west-1": 8, "eu-west-2": 9,
    "eu-west-3": 10, "eu-central-1": 11, "eu-central-2": 12, "eu-north-1": 13, "eu-south-1": 14,
    "eu-south-2": 15, "il-central-1": 16, "me-south-1": 17, "me-central-1": 18,
    "af-south-1": 19, "ap-south-1": 20, "ap-south-2": 21, "ap-east-1": 22, "ap-east-2": 23,
    "ap-northeast-1": 24, "ap-northeast-2": 25, "ap-northeast-3": 26, "ap-southeast-1": 27,
    "ap-southeast-2": 28, "ap-southeast-3": 29, "ap-southeast-4": 30, "ap-southeast-5": 31,
    "ap-southeast-6": 32, "ap-southeast-7": 33, "us-gov-west-1": 34, "us-gov-east-1": 35,
    "cn-north-1": 36, "cn-northwest-1": 37, "eusc-de-east-1": 38,
}  # fmt: skip


def test_every_listed_region_keeps_its_vpc_block() -> None:
    for region, octet in REGION_BLOCKS.items():
        assert sc.region_vpc_cidr_block(region) == f"10.{octet}.0.0/16", region
    assert dict(sc.REGION_OCTETS) == REGION_BLOCKS


def test_an_unlisted_region_gets_a_hashed_block_from_10_128_up() -> None:
    # 128 + sha256(name)[0] % 128, computed outside the library
    assert sc.region_vpc_cidr_block("xx-east-1") == "10.147.0.0/16"
    assert sc.region_vpc_cidr_block("zz-west-9") == "10.247.0.0/16"
    assert sc.vpc_cidr_block(3) == "10.3.0.0/16"


def _check(**overrides: object) -> None:
    args: dict[str, object] = {
        "path": "/health",
        "interval": cdk.Duration.seconds(30),
        "timeout": cdk.Duration.seconds(5),
        "healthy_threshold": 2,
        "unhealthy_threshold": 3,
        "healthy_http_codes": "200",
    }
    args.update(overrides)
    sc.require_health_check(**args)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"interval": cdk.Duration.seconds(5), "timeout": cdk.Duration.seconds(2)},
        {"interval": cdk.Duration.seconds(300), "timeout": cdk.Duration.seconds(120)},
        {"interval": cdk.Duration.minutes(2), "timeout": cdk.Duration.seconds(119)},
        {"healthy_threshold": 10, "unhealthy_threshold": 2},
        {"healthy_http_codes": "200,302"},
        {"healthy_http_codes": "200-399"},
        {"healthy_http_codes": "200-299,404,499"},
        {"path": "/"},
        {"path": "/a-b_c.d~e!f$g&h'(i)*j+k,l;m=n:o@p/q%20?r=s"},
        {"path": "/" + "a" * 1023},
        {"path": cdk.Fn.import_value("path")},
        {"healthy_http_codes": cdk.Fn.import_value("codes")},
        {"interval": cdk.Duration.seconds(cdk.Token.as_number(cdk.Fn.import_value("i")))},
    ],
)
def test_health_checks_aws_accepts(overrides: dict[str, object]) -> None:
    assert _check(**overrides) is None


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"path": "health"},
            "health_check_path must start with '/' and be at most 1024 URL characters, such as "
            "'/health', got 'health'",
        ),
        (
            {"path": "/" + "a" * 1024},
            "health_check_path must start with '/' and be at most 1024 URL characters",
        ),
        ({"path": "/a b"}, "health_check_path must start with '/'"),
        ({"path": 7}, "health_check_path must start with '/'"),
        (
            {"interval": cdk.Duration.seconds(4)},
            "health_check_interval must be a whole number of seconds between 5 and 300, "
            "got '4 seconds'",
        ),
        (
            {"interval": cdk.Duration.seconds(301)},
            "health_check_interval must be a whole number of seconds between 5 and 300, "
            "got '301 seconds'",
        ),
        (
            {"interval": cdk.Duration.millis(10500)},
            "health_check_interval must be a whole number of seconds between 5 and 300, "
            "got '10.5 seconds'",
        ),
        (
            {"timeout": cdk.Duration.seconds(1)},
            "health_check_timeout must be a whole number of seconds between 2 and 120, "
            "got '1 seconds'",
        ),
        (
            {"interval": cdk.Duration.seconds(300), "timeout": cdk.Duration.seconds(121)},
            "health_check_timeout must be a whole number of seconds between 2 and 120, "
            "got '121 seconds'",
        ),
        (
            {"interval": cdk.Duration.seconds(10), "timeout": cdk.Duration.seconds(10)},
            "health_check_timeout must be shorter than health_check_interval (10 seconds), "
            "got '10 seconds'",
        ),
        ({"healthy_threshold": 1}, "health_check_healthy_threshold must be between 2 and 10"),
        ({"healthy_threshold": 11}, "health_check_healthy_threshold must be between 2 and 10"),
        ({"unhealthy_threshold": 1}, "health_check_unhealthy_threshold must be between 2 and 10"),
        (
            {"unhealthy_threshold": 11},
            "health_check_unhealthy_threshold must be between 2 and 10",
        ),
        (
            {"healthy_http_codes": "199"},
            "health_check_healthy_http_codes must be HTTP codes from 200 to 499 as a list or "
            "range, such as '200' or '200,302' or '200-399', got '199'",
        ),
        ({"healthy_http_codes": "500"}, "health_check_healthy_http_codes must be HTTP codes"),
        ({"healthy_http_codes": "200,"}, "health_check_healthy_http_codes must be HTTP codes"),
        ({"healthy_http_codes": "200-"}, "health_check_healthy_http_codes must be HTTP codes"),
        ({"healthy_http_codes": 200}, "health_check_healthy_http_codes must be HTTP codes"),
    ],
)
def test_health_checks_aws_refuses(overrides: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match="^" + re.escape(message)):
        _check(**overrides)


def test_require_seconds_returns_whole_seconds_and_none_for_a_token() -> None:
    assert sc.require_seconds("x", cdk.Duration.minutes(2), 5, 300) == 120
    token = cdk.Duration.seconds(cdk.Token.as_number(cdk.Fn.import_value("s")))
    assert sc.require_seconds("x", token, 5, 300) is None


def test_require_seconds_float_more_than_0_and_at_most_an_hour() -> None:
    assert sc.require_seconds_float("drain", cdk.Duration.millis(1)) is None
    assert sc.require_seconds_float("drain", cdk.Duration.hours(1)) is None
    token = cdk.Duration.seconds(cdk.Token.as_number(cdk.Fn.import_value("d")))
    assert sc.require_seconds_float("drain", token) is None
    with _raises("drain must be more than 0 and at most 3600 seconds, got '0 seconds'"):
        sc.require_seconds_float("drain", cdk.Duration.seconds(0))
    with _raises("drain must be more than 0 and at most 3600 seconds, got '3601 seconds'"):
        sc.require_seconds_float("drain", cdk.Duration.seconds(3601))
