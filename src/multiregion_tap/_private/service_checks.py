"""Validation tables and helpers of :mod:`multiregion_tap.regional_service` (private)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping

import aws_cdk as cdk

from .validation import fail, is_token, require_int_range

#: Fargate task sizes: cpu units -> the memory sizes (MiB) Fargate accepts with it.
FARGATE_SIZES: Mapping[int, tuple[int, ...]] = {
    256: (512, 1024, 2048),
    512: tuple(range(1024, 4096 + 1, 1024)),
    1024: tuple(range(2048, 8192 + 1, 1024)),
    2048: tuple(range(4096, 16384 + 1, 1024)),
    4096: tuple(range(8192, 30720 + 1, 1024)),
    8192: tuple(range(16384, 61440 + 1, 4096)),
    16384: tuple(range(32768, 122880 + 1, 8192)),
}

#: A created VPC's prefix range: three subnet tiers in up to three AZs must fit, and the
#: smallest (public, isolated) subnets must stay at /25 or larger for load balancer nodes.
VPC_MIN_PREFIX = 16
VPC_MAX_PREFIX = 20
#: Subnet sizes relative to the VPC prefix (a /16 gives /19 private, /21 public and isolated).
PRIVATE_SUBNET_EXTRA_BITS = 3
PUBLIC_SUBNET_EXTRA_BITS = 5
ISOLATED_SUBNET_EXTRA_BITS = 5


def vpc_cidr_block(index: int) -> str:
    """The default VPC CIDR of the ``index``-th region (``default_vpc_cidr`` checks ``index``)."""
    return f"10.{index}.0.0/16"


#: A region's second octet in its default VPC CIDR ``10.<n>.0.0/16``. APPEND ONLY: a region
#: keeps its block for the life of every app (changing a VPC's CIDR replaces the VPC and
#: everything in it), whatever else is in the app's region list.
REGION_OCTETS: dict[str, int] = {
    region: octet
    for octet, region in enumerate(
        (
            "us-east-1",
            "us-east-2",
            "us-west-1",
            "us-west-2",
            "ca-central-1",
            "ca-west-1",
            "mx-central-1",
            "sa-east-1",
            "eu-west-1",
            "eu-west-2",
            "eu-west-3",
            "eu-central-1",
            "eu-central-2",
            "eu-north-1",
            "eu-south-1",
            "eu-south-2",
            "il-central-1",
            "me-south-1",
            "me-central-1",
            "af-south-1",
            "ap-south-1",
            "ap-south-2",
            "ap-east-1",
            "ap-east-2",
            "ap-northeast-1",
            "ap-northeast-2",
            "ap-northeast-3",
            "ap-southeast-1",
            "ap-southeast-2",
            "ap-southeast-3",
            "ap-southeast-4",
            "ap-southeast-5",
            "ap-southeast-6",
            "ap-southeast-7",
            "us-gov-west-1",
            "us-gov-east-1",
            "cn-north-1",
            "cn-northwest-1",
            "eusc-de-east-1",
        )
    )
}
#: Regions missing from the table get a block from 10.128.0.0/16 up, by a hash of the name.
_HASHED_FROM = 128


def region_vpc_cidr_block(region: str) -> str:
    """The default VPC CIDR of ``region``, the same in every app and region list."""
    octet = REGION_OCTETS.get(region)
    if octet is None:
        digest = hashlib.sha256(region.encode()).digest()
        octet = _HASHED_FROM + digest[0] % (256 - _HASHED_FROM)
    return f"10.{octet}.0.0/16"


# ALB target group health-check limits (ELBv2 API reference, CreateTargetGroup).
HEALTH_CHECK_INTERVAL_SECONDS = (5, 300)
HEALTH_CHECK_TIMEOUT_SECONDS = (2, 120)
HEALTH_CHECK_THRESHOLD = (2, 10)
# ALB health checks accept success codes from 200 to 499.
_HTTP_CODES_RE = re.compile(
    r"(?:[2-4][0-9]{2}(?:-[2-4][0-9]{2})?)(?:,[2-4][0-9]{2}(?:-[2-4][0-9]{2})?)*"
)
_HEALTH_PATH_RE = re.compile(r"/[A-Za-z0-9\-._~!$&'()*+,;=:@/%?]{0,1023}")


def require_fargate_size(cpu: int, memory_limit_mib: int) -> None:
    """Reject a cpu/memory pair that Fargate does not run."""
    if is_token(cpu) or is_token(memory_limit_mib):
        return
    if cpu not in FARGATE_SIZES:
        raise fail("cpu", cpu, f"be one of the Fargate cpu sizes {sorted(FARGATE_SIZES)}")
    allowed = FARGATE_SIZES[cpu]
    if memory_limit_mib not in allowed:
        raise fail(
            "memory_limit_mib",
            memory_limit_mib,
            f"be a Fargate memory size for cpu={cpu}: {allowed[0]} to {allowed[-1]} MiB "
            f"in steps of {allowed[1] - allowed[0] if len(allowed) > 1 else allowed[0]} "
            f"({', '.join(str(m) for m in allowed[:3])}, ...)",
        )


def require_seconds(prop: str, value: cdk.Duration, low: int, high: int) -> int | None:
    """Return the whole seconds of ``value`` after checking ``low <= seconds <= high``.

    ``None`` is returned for a token duration (it is checked at deploy time).
    """
    seconds = value.to_seconds(integral=False)
    if is_token(seconds):
        return None
    if not low <= seconds <= high or seconds != int(seconds):
        raise fail(
            prop, f"{seconds:g} seconds", f"be a whole number of seconds between {low} and {high}"
        )
    return int(seconds)


def require_health_check(
    *,
    path: str,
    interval: cdk.Duration,
    timeout: cdk.Duration,
    healthy_threshold: int,
    unhealthy_threshold: int,
    healthy_http_codes: str,
) -> None:
    """Check the target group health check against the ALB's documented ranges."""
    if not is_token(path) and (not isinstance(path, str) or not _HEALTH_PATH_RE.fullmatch(path)):
        raise fail(
            "health_check_path",
            path,
            "start with '/' and be at most 1024 URL characters, such as '/health'",
        )
    interval_s = require_seconds("health_check_interval", interval, *HEALTH_CHECK_INTERVAL_SECONDS)
    timeout_s = require_seconds("health_check_timeout", timeout, *HEALTH_CHECK_TIMEOUT_SECONDS)
    if interval_s is not None and timeout_s is not None and timeout_s >= interval_s:
        raise fail(
            "health_check_timeout",
            f"{timeout_s} seconds",
            f"be shorter than health_check_interval ({interval_s} seconds)",
        )
    require_int_range("health_check_healthy_threshold", healthy_threshold, *HEALTH_CHECK_THRESHOLD)
    require_int_range(
        "health_check_unhealthy_threshold", unhealthy_threshold, *HEALTH_CHECK_THRESHOLD
    )
    if not is_token(healthy_http_codes) and (
        not isinstance(healthy_http_codes, str) or not _HTTP_CODES_RE.fullmatch(healthy_http_codes)
    ):
        raise fail(
            "health_check_healthy_http_codes",
            healthy_http_codes,
            "be HTTP codes from 200 to 499 as a list or range, "
            "such as '200' or '200,302' or '200-399'",
        )


def require_seconds_float(prop: str, value: cdk.Duration) -> None:
    """Reject a non-positive or absurd duration (tokens pass)."""
    seconds = value.to_seconds(integral=False)
    if is_token(seconds):
        return
    if not 0 < seconds <= 3600:
        raise fail(prop, f"{seconds:g} seconds", "be more than 0 and at most 3600 seconds")
