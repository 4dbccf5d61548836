"""_private/service_props.py's ``resolve_service_props`` called directly with the constructor's
defaults: each default it resolves and each value it keeps, each refusal with its exact
message (the first prop out of range, every bound at its edge: the edge is accepted, one past
it refused), the exclusive props, the capacity defaults, the deployment modes' bounds, the
repository name and its replication, the region-scoped resources of another region or account,
and ``require_replication_regions``. Kills the mutants of ``tools/mutate.py`` in a couple of
seconds each (docs/guides/testing.md)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_codedeploy as codedeploy
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs

from multiregion_tap import ValidationError
from multiregion_tap._private import service_props as module
from multiregion_tap._private.app_context import register_stack
from multiregion_tap._private.service_options import ServiceOptions
from multiregion_tap._private.service_props import (
    ServiceSettings,
    require_replication_regions,
    resolve_service_props,
)
from multiregion_tap.regional_service import DeploymentMode

ACCOUNT = "111111111111"
OTHER = "222222222222"
ENV = cdk.Environment(account=ACCOUNT, region="us-east-1")
MIN = cdk.Duration.minutes
SEC = cdk.Duration.seconds
IMAGE = ecs.ContainerImage.from_registry("nginx")
LONG = "a" * 256

#: The constructor's defaults (RegionalServiceProps), as the constructor passes them.
DEFAULTS: dict[str, Any] = {
    "existing_vpc": None,
    "vpc_cidr": None,
    "max_azs": 2,
    "nat_gateways": None,
    "image": None,
    "image_tag": None,
    "container_port": 80,
    "cpu": 256,
    "memory_limit_mib": 512,
    "environment": None,
    "secrets": None,
    "desired_count": 2,
    "min_capacity": None,
    "max_capacity": None,
    "cpu_target_utilization": 60,
    "requests_per_target": None,
    "health_check_path": "/",
    "health_check_interval": None,
    "health_check_timeout": None,
    "health_check_healthy_threshold": 2,
    "health_check_unhealthy_threshold": 3,
    "health_check_healthy_http_codes": "200-399",
    "health_check_grace_period": None,
    "certificate": None,
    "internet_facing": True,
    "web_acl_arn": None,
    "deployment_mode": DeploymentMode.BLUE_GREEN,
    "bake_time": None,
    "traffic_shift_percent": None,
    "traffic_shift_interval": None,
    "test_listener_port": None,
    "code_deploy_config": None,
    "target_5xx_threshold": 10,
    "latency_threshold": None,
    "repository_name": None,
    "image_replication_regions": None,
    "max_image_count": 30,
    "untagged_image_expiry_days": 7,
    "log_retention": None,
    "log_encryption_key": None,
    "removal_policy": None,
    "output_suffix": None,
}

Maker = Callable[[cdk.Stack], Any]


def cert(region: str = "us-east-1", account: str = ACCOUNT) -> Maker:
    arn = f"arn:aws:acm:{region}:{account}:certificate/abc"
    return lambda s: acm.Certificate.from_certificate_arn(s, "Cert", arn)


def repo(region: str = "us-east-1", account: str = ACCOUNT) -> Maker:
    arn = f"arn:aws:ecr:{region}:{account}:repository/shop/web"
    return lambda s: ecr.Repository.from_repository_arn(s, "Repo", arn)


def key(region: str = "us-east-1", account: str = ACCOUNT) -> Maker:
    arn = f"arn:aws:kms:{region}:{account}:key/1234"
    return lambda s: kms.Key.from_key_arn(s, "Key", arn)


def vpc() -> Maker:
    return lambda s: ec2.Vpc.from_vpc_attributes(
        s, "Vpc", vpc_id="vpc-1", availability_zones=["a", "b"], vpc_cidr_block="10.9.0.0/16"
    )


def acl(region: str = "us-east-1", account: str = ACCOUNT, kind: str = "regional") -> str:
    return f"arn:aws:wafv2:{region}:{account}:{kind}/webacl/shop/1"


def token_cidr() -> Maker:
    return lambda s: cdk.Fn.import_value("Cidr")


def _resolve(changes: dict[str, Any], *, app: bool = False, **stack: Any) -> ServiceSettings:
    """resolve_service_props in a stack of ENV (or ``stack``'s), registered with an app named
    ``shop`` when ``app``; a callable value is made in the stack."""
    scope = cdk.Stack(cdk.App(), "Shop", **({"env": ENV} | stack))
    if app:
        register_stack(scope, SimpleNamespace(app_name="shop"))  # type: ignore[arg-type]
    args = {k: (v(scope) if callable(v) else v) for k, v in changes.items()}
    return resolve_service_props(scope, "Web", DeploymentMode, **{**DEFAULTS, **args})


#: (changes, the message: exact, or its beginning before '...'), in the order of the checks.
REFUSED: list[tuple[dict[str, Any], str]] = [
    (
        {"existing_vpc": vpc(), "max_azs": 3},
        "existing_vpc and max_azs are mutually exclusive: give at most one, got existing_vpc=...",
    ),
    (
        {"existing_vpc": vpc(), "nat_gateways": 1},
        (
            "existing_vpc and nat_gateways are mutually exclusive: give at most one, got "
            "existing_vpc=..."
        ),
    ),
    (
        {"image": IMAGE, "repository_name": "shop/web"},
        "image and repository_name are mutually exclusive: give at most one, got image=...",
    ),
    (
        {"image": IMAGE, "image_replication_regions": ["us-west-2"]},
        (
            "image and image_replication_regions are mutually exclusive: give at most one, got "
            "image=..."
        ),
    ),
    (
        {"existing_repository": repo(), "repository_name": "shop/web"},
        (
            "existing_repository and repository_name are mutually exclusive: give at most one, "
            "got existing_repository=..."
        ),
    ),
    (
        {"existing_repository": repo(), "image_replication_regions": ["us-west-2"]},
        (
            "existing_repository and image_replication_regions are mutually exclusive: give at "
            "most one, got existing_repository=..."
        ),
    ),
    (
        {"vpc_cidr": "10.0.0.0/8"},
        "vpc_cidr must have a prefix length between /16 and /20, got '10.0.0.0/8'",
    ),
    (
        {"vpc_cidr": token_cidr()},
        "vpc_cidr must be a literal CIDR block, not a token, got ...",
    ),
    (
        {"max_azs": 4},
        "max_azs must be between 2 and 3, got 4",
    ),
    (
        {"nat_gateways": 3},
        "nat_gateways must be between 1 and 2, got 3",
    ),
    (
        {"image_tag": ".v1"},
        (
            "image_tag must be a Docker tag: up to 128 letters, digits, '_', '.', '-', not "
            "starting with '.' or '-', got '.v1'"
        ),
    ),
    (
        {"container_port": 65536},
        "container_port must be between 1 and 65535, got 65536",
    ),
    (
        {"desired_count": 1001},
        "desired_count must be between 1 and 1000, got 1001",
    ),
    (
        {"min_capacity": 1001, "desired_count": 1000},
        "min_capacity must be between 1 and 1000, got 1001",
    ),
    (
        {"max_capacity": 1001},
        "max_capacity must be between 1 and 1000, got 1001",
    ),
    (
        {"desired_count": 5, "max_capacity": 3},
        "desired_count must be at most max_capacity (3), got 5",
    ),
    (
        {"min_capacity": 4, "max_capacity": 3, "desired_count": 3},
        "min_capacity must not exceed max_capacity (3), got 4",
    ),
    (
        {"min_capacity": 3},
        "min_capacity must not exceed desired_count (2, its default), got 3",
    ),
    (
        {"min_capacity": 4, "desired_count": 3},
        "min_capacity must not exceed desired_count (3), got 4",
    ),
    (
        {"desired_count": 5, "min_capacity": 1},
        "desired_count must be at most max_capacity (2, by default twice min_capacity), got 5",
    ),
    (
        {"desired_count": 5, "min_capacity": 1, "max_capacity": 3},
        "desired_count must be at most max_capacity (3), got 5",
    ),
    (
        {"cpu_target_utilization": 91},
        "cpu_target_utilization must be between 10 and 90, got 91",
    ),
    (
        {"requests_per_target": 1_000_001},
        "requests_per_target must be between 1 and 1000000, got 1000001",
    ),
    (
        {"health_check_grace_period": SEC(2_147_483_648)},
        (
            "health_check_grace_period must be a whole number of seconds between 0 and "
            "2147483647, got '2.14748e+09 seconds'"
        ),
    ),
    (
        {"deployment_mode": "BLUE_GREEN"},
        (
            "deployment_mode must be a DeploymentMode (BLUE_GREEN, CANARY, LINEAR, CODE_DEPLOY), "
            "got 'BLUE_GREEN'"
        ),
    ),
    (
        {"bake_time": MIN(1441)},
        "bake_time must be a whole number of seconds between 0 and 86400, got '86460 seconds'",
    ),
    (
        {"bake_time": MIN(2881), "deployment_mode": DeploymentMode.CODE_DEPLOY},
        "bake_time must be a whole number of seconds between 0 and 172800, got '172860 seconds'",
    ),
    (
        {"traffic_shift_percent": 10.0},
        "traffic_shift_percent must be given only with DeploymentMode.CANARY or LINEAR, got 10.0",
    ),
    (
        {"traffic_shift_interval": MIN(5)},
        "traffic_shift_interval must be given only with DeploymentMode.CANARY or LINEAR, got ...",
    ),
    (
        {"traffic_shift_percent": 10.0, "deployment_mode": DeploymentMode.CODE_DEPLOY},
        "traffic_shift_percent must be given only with DeploymentMode.CANARY or LINEAR, got 10.0",
    ),
    (
        {"traffic_shift_percent": 2.9, "deployment_mode": DeploymentMode.LINEAR},
        "traffic_shift_percent must be between 3.0 and 100, got 2.9",
    ),
    (
        {"traffic_shift_percent": 0.09, "deployment_mode": DeploymentMode.CANARY},
        "traffic_shift_percent must be between 0.1 and 100, got 0.09",
    ),
    (
        {"traffic_shift_percent": 101, "deployment_mode": DeploymentMode.CANARY},
        "traffic_shift_percent must be between 0.1 and 100, got 101",
    ),
    (
        {"traffic_shift_interval": MIN(1441), "deployment_mode": DeploymentMode.CANARY},
        (
            "traffic_shift_interval must be a whole number of seconds between 0 and 86400, got "
            "'86460 seconds'"
        ),
    ),
    (
        {"code_deploy_config": codedeploy.EcsDeploymentConfig.ALL_AT_ONCE},
        (
            "code_deploy_config must be given only with "
            "deployment_mode=DeploymentMode.CODE_DEPLOY, got ..."
        ),
    ),
    (
        {"test_listener_port": 65536},
        "test_listener_port must be between 1 and 65535, got 65536",
    ),
    (
        {"test_listener_port": 80},
        "test_listener_port must not be 80 or 443 (production ports), got 80",
    ),
    (
        {"test_listener_port": 443},
        "test_listener_port must not be 80 or 443 (production ports), got 443",
    ),
    (
        {"target_5xx_threshold": 1_000_001},
        "target_5xx_threshold must be between 1 and 1000000, got 1000001",
    ),
    (
        {"latency_threshold": SEC(0)},
        "latency_threshold must be more than 0 and at most 3600 seconds, got '0 seconds'",
    ),
    (
        {"repository_name": "Shop"},
        (
            "repository_name must be 2 to 256 lowercase letters, digits and . _ - / (an ECR "
            "repository name), got 'Shop'"
        ),
    ),
    (
        {"repository_name": LONG + "a"},
        "repository_name must be 2 to 256 characters long, got ...",
    ),
    (
        {"image_replication_regions": "us-west-2", "repository_name": "shop/web"},
        "image_replication_regions must be a list of region names, got 'us-west-2'",
    ),
    (
        {"image_replication_regions": ["us-west-2", "us-west-2"], "repository_name": "shop/web"},
        "image_replication_regions must not name 'us-west-2' twice, got ['us-west-2', 'us-west-2']",
    ),
    (
        {"image_replication_regions": ["us-west-2"]},
        (
            "repository_name must be a literal name when image_replication_regions is given (the "
            "replication rule filters on it), got None"
        ),
    ),
    (
        {"max_image_count": 1001},
        "max_image_count must be between 1 and 1000, got 1001",
    ),
    (
        {"untagged_image_expiry_days": 366},
        "untagged_image_expiry_days must be between 1 and 365, got 366",
    ),
    (
        {"ssl_policy": elbv2.SslPolicy.TLS13_13},
        (
            "ssl_policy must be given only with a certificate (it applies to the HTTPS "
            "listeners), got 'TLS13_13'"
        ),
    ),
    (
        {
            "health_check_grpc_codes": "0",
            "target_group_props": {"protocol_version": elbv2.ApplicationProtocolVersion.GRPC},
        },
        (
            "target_group_props['protocol_version'] must be used with a certificate: an ALB "
            "accepts HTTP/2 and gRPC requests on HTTPS listeners only, and answers HTTP/1.1 "
            "requests to such a target group with 464, got 'GRPC'"
        ),
    ),
    (
        {"certificate": cert(region="eu-west-1")},
        (
            "certificate must name the stack's region 'us-east-1': an ACM certificate is "
            "regional, and Shop deploys to us-east-1 (use one created in, or imported for, "
            "us-east-1), got 'arn:aws:acm:eu-west-1:111111111111:certificate/abc'"
        ),
    ),
    (
        {"certificate": cert(account=OTHER)},
        (
            "certificate must name the stack's account '111111111111': an ACM certificate must be "
            "in that account, got 'arn:aws:acm:us-east-1:222222222222:certificate/abc'"
        ),
    ),
    (
        {"web_acl_arn": acl(region="eu-west-1")},
        (
            "web_acl_arn must name the stack's region 'us-east-1': a WAF web ACL is regional, and "
            "Shop deploys to us-east-1 (use one created in, or imported for, us-east-1), got "
            "'arn:aws:wafv2:eu-west-1:111111111111:regional/webacl/shop/1'"
        ),
    ),
    (
        {"web_acl_arn": acl(account=OTHER)},
        (
            "web_acl_arn must name the stack's account '111111111111': a WAF web ACL must be in "
            "that account, got 'arn:aws:wafv2:us-east-1:222222222222:regional/webacl/shop/1'"
        ),
    ),
    (
        {"web_acl_arn": acl(kind="global")},
        (
            "web_acl_arn must be a web ACL of scope REGIONAL ('regional/webacl/...'): a "
            "CLOUDFRONT web ACL cannot protect a load balancer, got "
            "'arn:aws:wafv2:us-east-1:111111111111:global/webacl/shop/1'"
        ),
    ),
    (
        {"existing_repository": repo(region="eu-west-1")},
        (
            "existing_repository must be in the stack's region 'us-east-1', not 'eu-west-1': an "
            "ECR repository the tasks pull from is regional (use one created in, or imported for, "
            "us-east-1), got 'arn:aws:ecr:eu-west-1:111111111111:repository/shop/web'"
        ),
    ),
    (
        {"log_encryption_key": key(region="eu-west-1")},
        (
            "log_encryption_key must be in the stack's region 'us-east-1', not 'eu-west-1': a KMS "
            "key is regional (use one created in, or imported for, us-east-1), got "
            "'arn:aws:kms:eu-west-1:111111111111:key/1234'"
        ),
    ),
]


@pytest.mark.parametrize(("changes", "message"), REFUSED)
def test_each_refusal_with_its_message(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError) as raised:
        _resolve(changes)
    if message.endswith("..."):
        assert str(raised.value).startswith(message[:-3])
    else:
        assert str(raised.value) == message


#: Each accepted at the edge of its bound, or beside an exclusive prop it does not exclude.
ACCEPTED: list[dict[str, Any]] = [
    {"existing_vpc": vpc(), "max_azs": 2},
    {"nat_gateways": 1},
    {"max_azs": 3, "nat_gateways": 3},
    {"vpc_cidr": "10.7.0.0/20"},
    {"image": IMAGE, "image_replication_regions": []},
    {"existing_repository": repo(), "image_replication_regions": []},
    {"existing_repository": repo(account=OTHER)},
    {"log_encryption_key": key(account=OTHER)},
    {"container_port": 1},
    {"container_port": 65535},
    {"desired_count": 1},
    {"desired_count": 1000},
    {"desired_count": 2, "min_capacity": 1},
    {"desired_count": 1000, "min_capacity": 1000},
    {"desired_count": 1, "max_capacity": 1},
    {"desired_count": 1000, "max_capacity": 1000},
    {"min_capacity": 2, "max_capacity": 2},
    {"cpu_target_utilization": 10},
    {"cpu_target_utilization": 90},
    {"requests_per_target": 1},
    {"requests_per_target": 1_000_000},
    {"health_check_grace_period": SEC(0)},
    {"health_check_grace_period": SEC(2_147_483_647)},
    {"bake_time": SEC(0)},
    {"bake_time": MIN(1440)},
    {"bake_time": MIN(2880), "deployment_mode": DeploymentMode.CODE_DEPLOY},
    {"deployment_mode": DeploymentMode.CANARY, "traffic_shift_percent": 0.1},
    {"deployment_mode": DeploymentMode.CANARY, "traffic_shift_percent": 100},
    {"deployment_mode": DeploymentMode.LINEAR, "traffic_shift_percent": 3.0},
    {"deployment_mode": DeploymentMode.LINEAR, "traffic_shift_interval": SEC(0)},
    {"deployment_mode": DeploymentMode.CANARY, "traffic_shift_interval": MIN(1440)},
    {
        "deployment_mode": DeploymentMode.CODE_DEPLOY,
        "code_deploy_config": codedeploy.EcsDeploymentConfig.ALL_AT_ONCE,
    },
    {"test_listener_port": 1},
    {"test_listener_port": 65535},
    {"test_listener_port": 8443},
    {"target_5xx_threshold": 1},
    {"target_5xx_threshold": 1_000_000},
    {"latency_threshold": cdk.Duration.millis(1500)},
    {"repository_name": "ab"},
    {"repository_name": LONG},
    {"repository_name": "shop.a/web_b-c"},
    {"repository_name": "shop/web", "image_replication_regions": ["us-west-2", "eu-west-1"]},
    {"max_image_count": 1},
    {"max_image_count": 1000},
    {"untagged_image_expiry_days": 1},
    {"untagged_image_expiry_days": 365},
    {"image_tag": "_v1.2-rc"},
    {"certificate": cert(), "ssl_policy": elbv2.SslPolicy.TLS13_13},
    {
        "certificate": cert(),
        "health_check_path": "/AWS.ALB/healthcheck",
        "health_check_grpc_codes": "0",
        "target_group_props": {"protocol_version": elbv2.ApplicationProtocolVersion.GRPC},
    },
    {"web_acl_arn": acl()},
]


@pytest.mark.parametrize("changes", ACCEPTED)
def test_each_bound_is_inclusive_and_each_exclusion_exact(changes: dict[str, Any]) -> None:
    _resolve(changes)


def test_the_defaults_resolved() -> None:
    settings = _resolve({})
    assert settings.existing_vpc is None and settings.existing_repository is None
    assert settings.cidr == "10.0.0.0/16"
    assert (settings.max_azs, settings.nat_count) == (2, 2)
    assert settings.repo_name is None and settings.replication == ()
    assert (settings.max_image_count, settings.untagged_image_expiry_days) == (30, 7)
    assert settings.image is None and settings.tag == "v1"
    assert (settings.container_port, settings.cpu, settings.memory_limit_mib) == (80, 256, 512)
    assert settings.environment is None and settings.secrets is None
    assert (settings.desired_count, settings.min_tasks, settings.max_tasks) == (2, 2, 4)
    assert settings.cpu_target_utilization == 60 and settings.requests_per_target is None
    assert settings.grace.to_seconds() == 60
    assert settings.health_check_path == "/"
    assert (settings.interval.to_seconds(), settings.timeout.to_seconds()) == (30, 5)
    assert (settings.healthy_threshold, settings.unhealthy_threshold) == (2, 3)
    assert settings.healthy_http_codes == "200-399" and settings.healthy_grpc_codes is None
    assert settings.certificate is None and settings.listener_port == 80
    assert settings.test_listener_port is None and settings.internet_facing is True
    assert settings.web_acl_arn is None
    assert (settings.mode, settings.native) == ("BLUE_GREEN", True)
    assert settings.bake.to_seconds() == 300
    assert settings.shift_percent == 10.0 and settings.shift_interval.to_seconds() == 300
    assert settings.code_deploy_config is None
    assert settings.target_5xx_threshold == 10 and settings.latency_threshold is None
    assert settings.retention == logs.RetentionDays.ONE_YEAR
    assert settings.log_encryption_key is None
    assert settings.removal == cdk.RemovalPolicy.RETAIN
    assert settings.suffix == ""
    # spot, ECS Exec and dual stack off: the options leave every library default
    assert settings.options == ServiceOptions()


def test_the_values_given_are_kept() -> None:
    settings = _resolve(
        {
            "vpc_cidr": "10.1.0.0/16",
            "max_azs": 3,
            "nat_gateways": 1,
            "image_tag": "v2",
            "desired_count": 3,
            "min_capacity": 2,
            "max_capacity": 5,
            "health_check_interval": SEC(10),
            "health_check_timeout": SEC(4),
            "health_check_grace_period": SEC(90),
            "certificate": cert(),
            "deployment_mode": DeploymentMode.CANARY,
            "bake_time": MIN(9),
            "traffic_shift_percent": 25.0,
            "traffic_shift_interval": MIN(2),
            "log_retention": logs.RetentionDays.ONE_WEEK,
            "removal_policy": cdk.RemovalPolicy.DESTROY,
            "output_suffix": "Blue",
        }
    )
    assert settings.cidr == "10.1.0.0/16"
    assert (settings.max_azs, settings.nat_count) == (3, 1)
    assert settings.tag == "v2"
    assert (settings.desired_count, settings.min_tasks, settings.max_tasks) == (3, 2, 5)
    assert (settings.interval.to_seconds(), settings.timeout.to_seconds()) == (10, 4)
    assert settings.grace.to_seconds() == 90
    assert settings.listener_port == 443
    assert (settings.mode, settings.native) == ("CANARY", True)
    assert settings.bake.to_seconds() == 540
    assert settings.shift_percent == 25.0 and settings.shift_interval.to_seconds() == 120
    assert settings.retention == logs.RetentionDays.ONE_WEEK
    assert settings.removal == cdk.RemovalPolicy.DESTROY
    assert settings.suffix == "Blue"


def test_code_deploy_is_not_native() -> None:
    settings = _resolve({"deployment_mode": DeploymentMode.CODE_DEPLOY})
    assert (settings.mode, settings.native) == ("CODE_DEPLOY", False)
    linear = _resolve({"deployment_mode": DeploymentMode.LINEAR})
    assert (linear.mode, linear.native) == ("LINEAR", True)


def test_the_default_maximum_is_twice_the_minimum_within_range() -> None:
    assert _resolve({"desired_count": 3}).max_tasks == 6
    assert _resolve({"desired_count": 1}).max_tasks == 2
    assert _resolve({"desired_count": 1000}).max_tasks == 1000
    # a token minimum: twice it is no number, and the default stays at the range's low end
    token = cdk.Token.as_number(cdk.Fn.import_value("Min"))
    assert _resolve({"desired_count": 1, "min_capacity": token}).max_tasks == 1


def test_the_repository_name_in_an_app() -> None:
    assert _resolve({}, app=True).repo_name == "shop/web"
    assert _resolve({"repository_name": "other/name"}, app=True).repo_name == "other/name"
    # the app's name is literal: replication filters on it
    settings = _resolve({"image_replication_regions": ["us-west-2"]}, app=True)
    assert settings.replication == ("us-west-2",)


def test_replication_needs_a_literal_region_other_than_the_stacks() -> None:
    bound = cdk.Stack(cdk.App(), "Shop", env=ENV)
    require_replication_regions(bound, ("us-west-2",))
    require_replication_regions(bound, ())
    agnostic = cdk.Stack(cdk.App(), "Shop")
    require_replication_regions(agnostic, ())
    with pytest.raises(ValidationError) as raised:
        require_replication_regions(agnostic, ("us-west-2",))
    assert str(raised.value) == (
        "image_replication_regions must be used in a stack with a literal region "
        "(env=cdk.Environment(region=...)), got ['us-west-2']"
    )
    with pytest.raises(ValidationError) as raised:
        require_replication_regions(bound, ("us-west-2", "us-east-1"))
    assert str(raised.value) == (
        "image_replication_regions must not contain the stack's own region 'us-east-1', "
        "got ['us-west-2', 'us-east-1']"
    )


def test_settings_are_frozen_keyword_only_and_the_public_names() -> None:
    settings = _resolve({})
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.cpu = 512  # type: ignore[misc]
    values = [getattr(settings, f.name) for f in dataclasses.fields(settings)]
    with pytest.raises(TypeError):
        ServiceSettings(*values)  # type: ignore[misc]
    namespace: dict[str, object] = {}
    exec("from multiregion_tap._private.service_props import *", namespace)
    assert {k: v for k, v in namespace.items() if not k.startswith("__")} == {
        "ServiceSettings": module.ServiceSettings,
        "require_replication_regions": module.require_replication_regions,
        "resolve_service_props": module.resolve_service_props,
    }
