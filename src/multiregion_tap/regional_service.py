"""RegionalService: ECR + ECS Fargate + ALB with blue/green and automatic rollback, in a VPC."""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_codedeploy as codedeploy
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from ._private import naming
from ._private.app_context import app_of
from ._private.checkov import skip_checkov
from ._private.outputs import add_well_known_output
from ._private.service_checks import (
    ISOLATED_SUBNET_EXTRA_BITS,
    PRIVATE_SUBNET_EXTRA_BITS,
    PUBLIC_SUBNET_EXTRA_BITS,
    VPC_MAX_PREFIX,
    VPC_MIN_PREFIX,
    require_fargate_size,
    require_health_check,
    require_seconds,
)
from ._private.service_dependencies import drop_depends_on
from ._private.validation import (
    fail,
    is_token,
    names_construct_path,
    require_cidr,
    require_distinct,
    require_exclusive,
    require_int_range,
    require_output_suffix,
    require_pattern,
    require_region,
)
from .outputs import OutputNames

__all__ = [
    "CONTAINER_NAME",
    "DeploymentMode",
    "RegionalService",
    "RegionalServiceProps",
    "default_vpc_cidr",
]

#: Name of the application container in the task definition (CodeDeploy AppSpec files and
#: ECS load balancer settings refer to it).
CONTAINER_NAME = "app"

#: Priority of the production (and test) listener rule. Constant on purpose: see
#: "Blue/green and aws-cdk#36649" in :class:`RegionalService`.
_RULE_PRIORITY = 1

_REPOSITORY_NAME_RE = re.compile(r"(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*")
_DEFAULT_IMAGE_TAG = "v1"


class DeploymentMode(enum.Enum):
    """How :class:`RegionalService` rolls out a new task definition."""

    #: ECS-native blue/green: all traffic moves to the green tasks at once, then a bake time;
    #: ECS rolls back when a deployment alarm fires. Deploy with ``cdk deploy``.
    BLUE_GREEN = "BLUE_GREEN"
    #: ECS-native canary: ``traffic_shift_percent`` of production traffic first, the rest
    #: after ``traffic_shift_interval``. Deploy with ``cdk deploy``.
    CANARY = "CANARY"
    #: ECS-native linear: traffic moves in steps of ``traffic_shift_percent`` every
    #: ``traffic_shift_interval``. Deploy with ``cdk deploy``.
    LINEAR = "LINEAR"
    #: AWS CodeDeploy blue/green (the service uses the ``CODE_DEPLOY`` deployment
    #: controller). New images are deployed with CodeDeploy, not CloudFormation.
    CODE_DEPLOY = "CODE_DEPLOY"


def default_vpc_cidr(index: int) -> str:
    """The default VPC CIDR of the ``index``-th region of an app: ``10.<index>.0.0/16``.

    Distinct indexes give non-overlapping blocks, so the regional VPCs of one app can be
    peered without choosing CIDRs by hand.

    :param index: 0 for the primary region, 1.. for the secondary regions (at most 255).
    :raises ValidationError: for an index outside 0..255.
    """
    if isinstance(index, bool) or not isinstance(index, int):
        raise fail("index", index, "be an integer between 0 and 255")
    require_int_range("index", index, 0, 255)
    return f"10.{index}.0.0/16"


@dataclass(frozen=True, kw_only=True)
class RegionalServiceProps:
    """The props of :class:`RegionalService` that :class:`~multiregion_tap.MultiRegionApp`
    passes to the service of every region.

    It holds every keyword parameter of :class:`RegionalService` except the per-region ones
    that the app supplies itself: ``existing_vpc``, ``vpc_cidr``, ``certificate`` (ACM
    certificates are regional), ``image_replication_regions`` and ``output_suffix``.
    Defaults and meaning are those of the constructor.
    """

    max_azs: int = 2
    nat_gateways: int | None = None
    image: ecs.ContainerImage | None = None
    image_tag: str | None = None
    container_port: int = 80
    cpu: int = 256
    memory_limit_mib: int = 512
    environment: Mapping[str, str] | None = None
    secrets: Mapping[str, ecs.Secret] | None = None
    desired_count: int = 2
    min_capacity: int | None = None
    max_capacity: int | None = None
    cpu_target_utilization: int = 60
    requests_per_target: int | None = None
    health_check_path: str = "/"
    health_check_interval: cdk.Duration | None = None
    health_check_timeout: cdk.Duration | None = None
    health_check_healthy_threshold: int = 2
    health_check_unhealthy_threshold: int = 3
    health_check_healthy_http_codes: str = "200-399"
    health_check_grace_period: cdk.Duration | None = None
    internet_facing: bool = True
    web_acl_arn: str | None = None
    deployment_mode: DeploymentMode = DeploymentMode.BLUE_GREEN
    bake_time: cdk.Duration | None = None
    traffic_shift_percent: float | None = None
    traffic_shift_interval: cdk.Duration | None = None
    test_listener_port: int | None = None
    code_deploy_config: codedeploy.IEcsDeploymentConfig | None = None
    target_5xx_threshold: int = 10
    latency_threshold: cdk.Duration | None = None
    repository_name: str | None = None
    max_image_count: int = 30
    untagged_image_expiry_days: int = 7
    log_retention: logs.RetentionDays | None = None
    log_encryption_key: kms.IKey | None = None
    removal_policy: cdk.RemovalPolicy | None = None


#: Constructor keyword parameters that are deliberately not in :class:`RegionalServiceProps`.
PER_REGION_PARAMETERS = frozenset(
    {"existing_vpc", "vpc_cidr", "certificate", "image_replication_regions", "output_suffix"}
)


class RegionalService(Construct):
    """A containerized web service in one region: VPC, ECR, ECS Fargate, ALB, blue/green.

    What it creates (each one a read-only attribute):

    * **Network** (unless ``existing_vpc``): a VPC over ``max_azs`` availability zones with
      public, private-with-egress and isolated subnets, ``nat_gateways`` NAT gateways and
      VPC flow logs (all traffic) to a CloudWatch log group.
    * **Image registry**: an ECR repository with scan on push, immutable tags, lifecycle rules
      (untagged images expire, only the newest ``max_image_count`` images are kept) and
      ``RETAIN`` removal policy.
    * **Compute**: an ECS cluster with Container Insights and a Fargate service (private
      subnets, no public IP) running one container (``CONTAINER_NAME``) whose logs go to a
      log group with a retention; the execution role may only pull this repository's image
      and write this log group, the task role starts with no permissions.
    * **Load balancer**: an ALB (drops invalid header fields, access logs to an SSE-S3,
      SSL-only, versioned bucket) with an HTTPS listener and an HTTP → HTTPS redirect when a
      ``certificate`` is given, HTTP otherwise; blue and green target groups with the
      configured health check.
    * **Autoscaling** on CPU and optionally on requests per target.
    * **Deployment alarms** with fixed names: 5xx responses of the targets and unhealthy
      targets, each over both target groups, and optionally target response time.

    Deploying a new image
    ---------------------
    * ``BLUE_GREEN`` / ``CANARY`` / ``LINEAR`` (default ``BLUE_GREEN``, ECS-native): push the
      image with a new tag, change ``image_tag`` (or ``image``) and run ``cdk deploy``. The
      new task definition revision makes ECS start green tasks in the alternate target
      group, shift production traffic by rewriting the production listener rule's weights,
      wait ``bake_time`` and stop the old tasks. If a deployment alarm fires before the bake
      time ends, ECS moves traffic back and the CloudFormation update fails and rolls back.
    * ``CODE_DEPLOY``: the service uses the ``CODE_DEPLOY`` controller, which ECS does not
      let CloudFormation update: the task definition in the template is only the *initial*
      one, and you must not change the image or container settings through CDK afterwards.
      Register a new task definition revision and start a deployment of the CodeDeploy
      deployment group (``aws deploy create-deployment`` with the AppSpec from
      :meth:`appspec`, or a CodePipeline ``CodeDeployEcsDeployAction``). CodeDeploy rolls
      back on a failed or stopped deployment and when a deployment alarm fires (ECS's own
      alarm rollback does not apply to this controller).

    Blue/green and aws-cdk#36649
    ----------------------------
    ECS (and CodeDeploy) move traffic by rewriting the production listener rule (listener
    for CodeDeploy) outside CloudFormation. CloudFormation writes a resource again only when
    its properties in the template change, and then it writes the template's weights back,
    which can send traffic to the target group that no longer has tasks (aws-cdk#36649). In
    the ECS-native modes this construct therefore keeps the production rule invariant:

    * the rule is a separate ``AWS::ElasticLoadBalancingV2::ListenerRule`` (priority 1, path
      ``/*``) whose action is a weighted forward to *both* target groups (blue 100, green 0).
      ECS only changes weights, and a deploy never adds or removes a target group from it;
    * its properties reference only the listener and the two target groups, none of which a
      routine change replaces: image, container port, cpu/memory, environment, health
      check, scaling and alarm settings do not touch it. The target groups' port is fixed
      (80; ECS registers the tasks with ``container_port``), so changing the container port
      does not replace them;
    * adding a ``certificate`` later changes the production listener in place (port 80 →
      443, same logical id and ARN) and creates the redirect listener after it, so the rule
      survives the switch to HTTPS.

    What still rewrites the rule (and is called out by ``cdk diff`` as a change to
    ``ProductionRule``): changing ``internet_facing`` (a new load balancer) or the VPC. Make
    such changes in a maintenance window, and run a no-op image deployment after them so
    ECS re-establishes its weights. In ``CODE_DEPLOY`` mode CodeDeploy rewrites the
    listener's default action, so any change to the production listener (certificate, SSL
    policy) resets it: after such a change, run a CodeDeploy deployment.

    ECR replication ("push once")
    -----------------------------
    ECR replication is configured per registry (account and region), not per repository: an
    ``AWS::ECR::ReplicationConfiguration`` replaces the registry's whole replication
    configuration, so a stack that owns one overwrites (and, when deleted, removes) rules
    other applications in the account rely on. The construct therefore creates it only when
    asked (``image_replication_regions``), with one rule limited to this repository's name.
    Every region keeps its own repository of the same name (retained, scanned, immutable,
    with lifecycle rules): replicated images land in it, and each region's tasks pull from
    their own region, which keeps running when the primary region is down. Only images
    pushed after the configuration exists are replicated. When the registry already has a
    replication configuration, leave ``image_replication_regions`` unset and add a rule for
    this repository to the existing configuration instead.

    :param scope: The parent construct: a regional stack.
    :param id: The construct id. Part of every logical id below it: never rename it.
    :param existing_vpc: A VPC to run in instead of creating one. It needs public subnets
        (for an internet-facing load balancer) and private subnets with egress (for the
        tasks). Default: - a new VPC.
    :param vpc_cidr: IPv4 CIDR of the created VPC: RFC 1918, prefix /16 to /20 (three subnet
        tiers in up to three zones must fit). Not with ``existing_vpc``.
        Default: - ``default_vpc_cidr(0)``, ``"10.0.0.0/16"``.
    :param max_azs: Availability zones of the created VPC, 2 or 3. Not with
        ``existing_vpc``. Default: ``2``
    :param nat_gateways: NAT gateways of the created VPC, 1 to ``max_azs``. One per zone keeps
        tasks in the surviving zones able to pull images and write logs when a zone fails;
        one in total saves about USD 32 per month per gateway plus cross-zone data, at the
        cost of losing egress for every zone when its zone fails. Not with
        ``existing_vpc``. Default: - one per availability zone (``max_azs``).
    :param image: The container image. Not with ``image_tag``.
        Default: - this construct's ECR repository at ``image_tag``.
    :param image_tag: Tag of the image in this construct's ECR repository. Tags are immutable:
        push every build under a new tag (for example the commit id) and deploy by changing
        this value. Default: ``"v1"``
    :param container_port: Port the container listens on, 1 to 65535. Default: ``80``
    :param cpu: Fargate task cpu units (256, 512, 1024, 2048, 4096, 8192, 16384).
        Default: ``256``
    :param memory_limit_mib: Fargate task memory in MiB, valid for ``cpu``. Default: ``512``
    :param environment: Plain environment variables of the container (no secrets).
        Default: - none.
    :param secrets: Secret environment variables (Secrets Manager or SSM), read by the
        execution role at task start. Default: - none.
    :param desired_count: Tasks when the service is created, within the scaling range.
        Default: ``2`` (one per zone of a two-zone VPC)
    :param min_capacity: Autoscaling minimum, at least 1. Default: - ``desired_count``.
    :param max_capacity: Autoscaling maximum, at least ``min_capacity``, at most 1000.
        Default: - twice ``min_capacity``.
    :param cpu_target_utilization: Target average CPU utilization in percent (10 to 90).
        Default: ``60``
    :param requests_per_target: Target ALB requests per task per minute for request-count
        scaling. It follows the blue target group; ECS-native deployments move production
        traffic between the groups, so prefer CPU scaling alone unless your load is request
        bound. Default: - no request-count scaling.
    :param health_check_path: Path of the target group health check; starts with ``/``.
        Default: ``"/"``
    :param health_check_interval: Seconds between health checks, 5 to 300.
        Default: - 30 seconds.
    :param health_check_timeout: Health check timeout, 2 to 120 seconds, shorter than the
        interval. Default: - 5 seconds.
    :param health_check_healthy_threshold: Consecutive successes before a target is healthy,
        2 to 10. Default: ``2``
    :param health_check_unhealthy_threshold: Consecutive failures before a target is
        unhealthy, 2 to 10. Default: ``3``
    :param health_check_healthy_http_codes: Success codes, 200 to 499, such as ``"200"``,
        ``"200,204"`` or ``"200-299"``. Default: ``"200-399"``
    :param health_check_grace_period: Time ECS ignores failing load balancer health checks of
        a new task. Default: - 60 seconds.
    :param certificate: ACM certificate of this region for the HTTPS listener (port 443,
        TLS policy ``RECOMMENDED_TLS``); port 80 then redirects to HTTPS.
        Default: - an HTTP listener on port 80 only.
    :param internet_facing: Whether the load balancer is public (in the public subnets) or
        internal (in the private subnets). Default: ``True``
    :param web_acl_arn: ARN of a regional AWS WAF web ACL to associate with the load
        balancer. Default: - no web ACL.
    :param deployment_mode: How new task definitions roll out. Default:
        ``DeploymentMode.BLUE_GREEN``
    :param bake_time: ECS-native modes: how long old and new tasks run side by side after
        all traffic moved, while the alarms can still roll back (0 to 1440 minutes).
        ``CODE_DEPLOY``: how long CodeDeploy keeps the old tasks (0 to 2880 minutes).
        Default: - 5 minutes.
    :param traffic_shift_percent: ``CANARY``: percent of traffic sent to the canary (0.1 to
        100); ``LINEAR``: percent moved per step (3 to 100). Only with those modes.
        Default: - 10.
    :param traffic_shift_interval: ``CANARY`` and ``LINEAR``: wait between traffic steps
        (0 to 1440 minutes). Only with those modes. Default: - 5 minutes.
    :param test_listener_port: Port of a test listener that reaches the green tasks during a
        deployment, reachable from inside the VPC only (1 to 65535, not 80 or 443).
        Default: - no test listener.
    :param code_deploy_config: ``CODE_DEPLOY`` only: how CodeDeploy shifts traffic.
        Default: - ``EcsDeploymentConfig.CANARY_10_PERCENT_5_MINUTES``.
    :param target_5xx_threshold: 5xx responses of the targets (both target groups) per
        minute that, two minutes in a row, put the 5xx deployment alarm in ALARM.
        Default: ``10``
    :param latency_threshold: p95 target response time that, three minutes in a row, puts a
        latency deployment alarm in ALARM. Default: - no latency alarm.
    :param repository_name: Name of the ECR repository (lowercase). Replicated images land
        in the repository of the same name in each destination region.
        Default: - ``<app_name>/<id in lowercase>`` inside a
        :class:`~multiregion_tap.MultiRegionApp` (the same in every region), otherwise a name
        generated by CloudFormation.
    :param image_replication_regions: Regions this registry replicates the repository's
        images to. Creates the registry-wide ``AWS::ECR::ReplicationConfiguration`` (see
        above). Needs a literal ``repository_name`` (or a MultiRegionApp).
        Default: - no replication configuration.
    :param max_image_count: Images the lifecycle policy keeps (the newest), 1 to 1000.
        Default: ``30``
    :param untagged_image_expiry_days: Days after which untagged images expire, 1 to 365.
        Default: ``7``
    :param log_retention: Retention of the container and flow log groups.
        Default: - ``RetentionDays.ONE_YEAR``.
    :param log_encryption_key: KMS key for the log groups; its key policy must allow the
        CloudWatch Logs service of this region. Default: - CloudWatch Logs' own encryption.
    :param removal_policy: What happens to the repository, log groups and access log bucket
        when they leave the stack. ``RETAIN`` also turns on the load balancer's deletion
        protection. Use ``DESTROY`` only for throwaway environments: the repository is then
        deleted with its images, but an access log bucket that still holds objects cannot be
        deleted (empty it before ``cdk destroy``). Default: - ``RemovalPolicy.RETAIN``.
    :param output_suffix: Appended to the well-known output names, for several services in
        one stack (letters and digits). Default: - no suffix.
    """

    @names_construct_path
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        existing_vpc: ec2.IVpc | None = None,
        vpc_cidr: str | None = None,
        max_azs: int = 2,
        nat_gateways: int | None = None,
        image: ecs.ContainerImage | None = None,
        image_tag: str | None = None,
        container_port: int = 80,
        cpu: int = 256,
        memory_limit_mib: int = 512,
        environment: Mapping[str, str] | None = None,
        secrets: Mapping[str, ecs.Secret] | None = None,
        desired_count: int = 2,
        min_capacity: int | None = None,
        max_capacity: int | None = None,
        cpu_target_utilization: int = 60,
        requests_per_target: int | None = None,
        health_check_path: str = "/",
        health_check_interval: cdk.Duration | None = None,
        health_check_timeout: cdk.Duration | None = None,
        health_check_healthy_threshold: int = 2,
        health_check_unhealthy_threshold: int = 3,
        health_check_healthy_http_codes: str = "200-399",
        health_check_grace_period: cdk.Duration | None = None,
        certificate: acm.ICertificate | None = None,
        internet_facing: bool = True,
        web_acl_arn: str | None = None,
        deployment_mode: DeploymentMode = DeploymentMode.BLUE_GREEN,
        bake_time: cdk.Duration | None = None,
        traffic_shift_percent: float | None = None,
        traffic_shift_interval: cdk.Duration | None = None,
        test_listener_port: int | None = None,
        code_deploy_config: codedeploy.IEcsDeploymentConfig | None = None,
        target_5xx_threshold: int = 10,
        latency_threshold: cdk.Duration | None = None,
        repository_name: str | None = None,
        image_replication_regions: Sequence[str] | None = None,
        max_image_count: int = 30,
        untagged_image_expiry_days: int = 7,
        log_retention: logs.RetentionDays | None = None,
        log_encryption_key: kms.IKey | None = None,
        removal_policy: cdk.RemovalPolicy | None = None,
        output_suffix: str | None = None,
    ) -> None:
        # ------------------------------------------------------------ validation
        require_exclusive(existing_vpc=existing_vpc, vpc_cidr=vpc_cidr)
        if existing_vpc is not None:
            if max_azs != 2:
                require_exclusive(existing_vpc=existing_vpc, max_azs=max_azs)
            require_exclusive(existing_vpc=existing_vpc, nat_gateways=nat_gateways)
        require_exclusive(image=image, image_tag=image_tag)
        cidr = default_vpc_cidr(0) if vpc_cidr is None else vpc_cidr
        if existing_vpc is None:
            require_cidr("vpc_cidr", cidr, min_prefix=VPC_MIN_PREFIX, max_prefix=VPC_MAX_PREFIX)
            if is_token(cidr):
                raise fail("vpc_cidr", cidr, "be a literal CIDR block, not a token")
        require_int_range("max_azs", max_azs, 2, 3)
        nat_count = max_azs if nat_gateways is None else nat_gateways
        if existing_vpc is None:
            require_int_range("nat_gateways", nat_count, 1, max_azs)
        tag = _DEFAULT_IMAGE_TAG if image_tag is None else image_tag
        require_pattern(
            "image_tag",
            tag,
            re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}"),
            "be a Docker tag: up to 128 letters, digits, '_', '.', '-', "
            "not starting with '.' or '-'",
        )
        require_int_range("container_port", container_port, 1, 65535)
        require_fargate_size(cpu, memory_limit_mib)
        require_int_range("desired_count", desired_count, 1, 1000)
        min_tasks = desired_count if min_capacity is None else min_capacity
        require_int_range("min_capacity", min_tasks, 1, 1000)
        max_tasks = max(2 * min_tasks, 1) if max_capacity is None else max_capacity
        require_int_range("max_capacity", max_tasks, 1, 1000)
        if min_tasks > max_tasks:
            raise fail("min_capacity", min_tasks, f"not exceed max_capacity ({max_tasks})")
        if not min_tasks <= desired_count <= max_tasks:
            raise fail(
                "desired_count",
                desired_count,
                f"be within min_capacity..max_capacity ({min_tasks}..{max_tasks})",
            )
        require_int_range("cpu_target_utilization", cpu_target_utilization, 10, 90)
        require_int_range("requests_per_target", requests_per_target, 1, 1_000_000)
        interval = health_check_interval or cdk.Duration.seconds(30)
        timeout = health_check_timeout or cdk.Duration.seconds(5)
        require_health_check(
            path=health_check_path,
            interval=interval,
            timeout=timeout,
            healthy_threshold=health_check_healthy_threshold,
            unhealthy_threshold=health_check_unhealthy_threshold,
            healthy_http_codes=health_check_healthy_http_codes,
        )
        grace = health_check_grace_period or cdk.Duration.seconds(60)
        require_seconds("health_check_grace_period", grace, 0, 2_147_483_647)
        if not isinstance(deployment_mode, DeploymentMode):
            raise fail(
                "deployment_mode",
                deployment_mode,
                "be a DeploymentMode (" + ", ".join(m.name for m in DeploymentMode) + ")",
            )
        native = deployment_mode is not DeploymentMode.CODE_DEPLOY
        bake = bake_time if bake_time is not None else cdk.Duration.minutes(5)
        require_seconds("bake_time", bake, 0, (1440 if native else 2880) * 60)
        shifting = deployment_mode in (DeploymentMode.CANARY, DeploymentMode.LINEAR)
        if not shifting:
            for prop, value in (
                ("traffic_shift_percent", traffic_shift_percent),
                ("traffic_shift_interval", traffic_shift_interval),
            ):
                if value is not None:
                    raise fail(prop, value, "be given only with DeploymentMode.CANARY or LINEAR")
        shift_percent = 10.0 if traffic_shift_percent is None else traffic_shift_percent
        if shifting:
            low = 0.1 if deployment_mode is DeploymentMode.CANARY else 3.0
            require_int_range("traffic_shift_percent", shift_percent, low, 100)
        shift_interval = traffic_shift_interval or cdk.Duration.minutes(5)
        require_seconds("traffic_shift_interval", shift_interval, 0, 1440 * 60)
        if code_deploy_config is not None and native:
            raise fail(
                "code_deploy_config",
                code_deploy_config,
                "be given only with deployment_mode=DeploymentMode.CODE_DEPLOY",
            )
        listener_port = 443 if certificate is not None else 80
        if test_listener_port is not None:
            require_int_range("test_listener_port", test_listener_port, 1, 65535)
            if test_listener_port in (80, 443):
                raise fail(
                    "test_listener_port", test_listener_port, "not be 80 or 443 (production ports)"
                )
        require_int_range("target_5xx_threshold", target_5xx_threshold, 1, 1_000_000)
        if latency_threshold is not None:
            require_seconds_float("latency_threshold", latency_threshold)
        app = app_of(scope)
        repo_name = repository_name
        if repo_name is None and app is not None:
            repo_name = (
                f"{app.app_name}/{re.sub(r'[^a-z0-9]+', '-', id.lower()).strip('-') or 'service'}"
            )
        if repository_name is not None:
            require_pattern(
                "repository_name",
                repository_name,
                _REPOSITORY_NAME_RE,
                "be 2 to 256 lowercase letters, digits and . _ - / (an ECR repository name)",
            )
            if not is_token(repository_name) and not 2 <= len(repository_name) <= 256:
                raise fail("repository_name", repository_name, "be 2 to 256 characters long")
        replication = tuple(image_replication_regions or ())
        if isinstance(image_replication_regions, str):
            raise fail(
                "image_replication_regions", image_replication_regions, "be a list of region names"
            )
        for index, region in enumerate(replication):
            require_region(f"image_replication_regions[{index}]", region)
        require_distinct("image_replication_regions", replication)
        if replication and (repo_name is None or is_token(repo_name)):
            raise fail(
                "repository_name",
                repository_name,
                "be a literal name when image_replication_regions is given (the replication "
                "rule filters on it)",
            )
        require_int_range("max_image_count", max_image_count, 1, 1000)
        require_int_range("untagged_image_expiry_days", untagged_image_expiry_days, 1, 365)
        suffix = output_suffix or ""
        require_output_suffix(suffix)
        removal = removal_policy or cdk.RemovalPolicy.RETAIN
        retention = log_retention or logs.RetentionDays.ONE_YEAR

        super().__init__(scope, id)
        stack = cdk.Stack.of(self)
        if replication and (not stack.region or is_token(stack.region)):
            raise fail(
                "image_replication_regions",
                list(replication),
                "be used in a stack with a literal region (env=cdk.Environment(region=...))",
            )
        if stack.region in replication:
            raise fail(
                "image_replication_regions",
                list(replication),
                f"not contain the stack's own region {stack.region!r}",
            )
        self._deployment_mode = deployment_mode
        self._container_port = container_port

        # ------------------------------------------------------------ network
        self._flow_log: ec2.FlowLog | None = None
        self._flow_log_group: logs.LogGroup | None = None
        if existing_vpc is None:
            prefix = int(cidr.split("/")[1])
            vpc = ec2.Vpc(
                self,
                "Vpc",
                ip_addresses=ec2.IpAddresses.cidr(cidr),
                max_azs=max_azs,
                nat_gateways=nat_count,
                restrict_default_security_group=False,
                subnet_configuration=[
                    ec2.SubnetConfiguration(
                        name="Public",
                        subnet_type=ec2.SubnetType.PUBLIC,
                        cidr_mask=prefix + PUBLIC_SUBNET_EXTRA_BITS,
                        map_public_ip_on_launch=False,
                    ),
                    ec2.SubnetConfiguration(
                        name="Private",
                        subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS,
                        cidr_mask=prefix + PRIVATE_SUBNET_EXTRA_BITS,
                    ),
                    ec2.SubnetConfiguration(
                        name="Isolated",
                        subnet_type=ec2.SubnetType.PRIVATE_ISOLATED,
                        cidr_mask=prefix + ISOLATED_SUBNET_EXTRA_BITS,
                    ),
                ],
            )
            self._flow_log_group = logs.LogGroup(
                self,
                "FlowLogGroup",
                retention=retention,
                encryption_key=log_encryption_key,
                removal_policy=removal,
            )
            self._flow_log = vpc.add_flow_log(
                "FlowLog",
                destination=ec2.FlowLogDestination.to_cloud_watch_logs(self._flow_log_group),
                traffic_type=ec2.FlowLogTrafficType.ALL,
            )
            self._vpc: ec2.IVpc = vpc
            self._vpc_cidr = cidr
        else:
            self._vpc = existing_vpc
            self._vpc_cidr = existing_vpc.vpc_cidr_block

        # ------------------------------------------------------------ image registry
        self._repository = ecr.Repository(
            self,
            "Repository",
            repository_name=repo_name,
            image_scan_on_push=True,
            image_tag_mutability=ecr.TagMutability.IMMUTABLE,
            encryption=ecr.RepositoryEncryption.AES_256,
            removal_policy=removal,
            # CloudFormation's own EmptyOnDelete (no custom resource): a throwaway stack's
            # repository is deleted with its images instead of failing the stack deletion.
            empty_on_delete=True if removal == cdk.RemovalPolicy.DESTROY else None,
            lifecycle_rules=[
                ecr.LifecycleRule(
                    rule_priority=1,
                    description=f"Expire untagged images after {untagged_image_expiry_days} days",
                    tag_status=ecr.TagStatus.UNTAGGED,
                    max_image_age=cdk.Duration.days(untagged_image_expiry_days),
                ),
                ecr.LifecycleRule(
                    rule_priority=2,
                    description=f"Keep the newest {max_image_count} images",
                    tag_status=ecr.TagStatus.ANY,
                    max_image_count=max_image_count,
                ),
            ],
        )
        self._replication: ecr.CfnReplicationConfiguration | None = None
        if replication:
            assert repo_name is not None
            self._replication = ecr.CfnReplicationConfiguration(
                self,
                "ReplicationConfiguration",
                replication_configuration=ecr.CfnReplicationConfiguration.ReplicationConfigurationProperty(
                    rules=[
                        ecr.CfnReplicationConfiguration.ReplicationRuleProperty(
                            destinations=[
                                ecr.CfnReplicationConfiguration.ReplicationDestinationProperty(
                                    region=region, registry_id=stack.account
                                )
                                for region in replication
                            ],
                            repository_filters=[
                                ecr.CfnReplicationConfiguration.RepositoryFilterProperty(
                                    filter=repo_name, filter_type="PREFIX_MATCH"
                                )
                            ],
                        )
                    ]
                ),
            )

        # ------------------------------------------------------------ cluster, task
        self._cluster = ecs.Cluster(
            self,
            "Cluster",
            vpc=self._vpc,
            container_insights_v2=ecs.ContainerInsights.ENABLED,
        )
        self._log_group = logs.LogGroup(
            self,
            "LogGroup",
            retention=retention,
            encryption_key=log_encryption_key,
            removal_policy=removal,
        )
        self._task_definition = ecs.FargateTaskDefinition(
            self,
            "TaskDefinition",
            cpu=cpu,
            memory_limit_mib=memory_limit_mib,
            runtime_platform=ecs.RuntimePlatform(
                cpu_architecture=ecs.CpuArchitecture.X86_64,
                operating_system_family=ecs.OperatingSystemFamily.LINUX,
            ),
        )
        container_image = (
            image
            if image is not None
            else ecs.ContainerImage.from_ecr_repository(self._repository, tag)
        )
        self._container = self._task_definition.add_container(
            "Container",
            container_name=CONTAINER_NAME,
            image=container_image,
            essential=True,
            port_mappings=[
                ecs.PortMapping(container_port=container_port, protocol=ecs.Protocol.TCP)
            ],
            environment=dict(environment) if environment else None,
            secrets=dict(secrets) if secrets else None,
            logging=ecs.LogDrivers.aws_logs(
                stream_prefix=CONTAINER_NAME, log_group=self._log_group
            ),
        )

        # ------------------------------------------------------------ load balancer
        self._lb_security_group = ec2.SecurityGroup(
            self,
            "LoadBalancerSecurityGroup",
            vpc=self._vpc,
            allow_all_outbound=False,
            description="Load balancer of the regional service: listeners in, targets out",
        )
        self._service_security_group = ec2.SecurityGroup(
            self,
            "ServiceSecurityGroup",
            vpc=self._vpc,
            allow_all_outbound=False,
            description="Fargate tasks of the regional service: load balancer in, HTTPS out",
        )
        self._service_security_group.add_egress_rule(
            ec2.Peer.any_ipv4(),
            ec2.Port.tcp(443),
            "HTTPS to AWS APIs (ECR, CloudWatch Logs, Secrets Manager) through the NAT gateways",
        )
        self._access_logs_bucket = s3.Bucket(
            self,
            "AccessLogsBucket",
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            versioned=True,
            removal_policy=removal,
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="ExpireAccessLogs",
                    expiration=cdk.Duration.days(365),
                    noncurrent_version_expiration=cdk.Duration.days(30),
                    abort_incomplete_multipart_upload_after=cdk.Duration.days(7),
                )
            ],
        )
        self._load_balancer = elbv2.ApplicationLoadBalancer(
            self,
            "LoadBalancer",
            vpc=self._vpc,
            internet_facing=internet_facing,
            security_group=self._lb_security_group,
            drop_invalid_header_fields=True,
            deletion_protection=removal == cdk.RemovalPolicy.RETAIN,
            vpc_subnets=ec2.SubnetSelection(
                subnet_type=ec2.SubnetType.PUBLIC
                if internet_facing
                else ec2.SubnetType.PRIVATE_WITH_EGRESS
            ),
        )
        self._load_balancer.log_access_logs(self._access_logs_bucket, "alb")

        health_check = elbv2.HealthCheck(
            enabled=True,
            path=health_check_path,
            interval=interval,
            timeout=timeout,
            healthy_threshold_count=health_check_healthy_threshold,
            unhealthy_threshold_count=health_check_unhealthy_threshold,
            healthy_http_codes=health_check_healthy_http_codes,
            protocol=elbv2.Protocol.HTTP,
        )
        self._blue = self._target_group("BlueTargetGroup", health_check)
        self._green = self._target_group("GreenTargetGroup", health_check)

        def both(blue_weight: int) -> elbv2.ListenerAction:
            return elbv2.ListenerAction.weighted_forward(
                [
                    elbv2.WeightedTargetGroup(target_group=self._blue, weight=blue_weight),
                    elbv2.WeightedTargetGroup(target_group=self._green, weight=100 - blue_weight),
                ]
            )

        default_action = both(100) if native else elbv2.ListenerAction.forward([self._blue])
        self._production_listener = self._load_balancer.add_listener(
            "ProductionListener",
            port=listener_port,
            protocol=elbv2.ApplicationProtocol.HTTPS
            if certificate
            else elbv2.ApplicationProtocol.HTTP,
            certificates=[elbv2.ListenerCertificate.from_certificate_manager(certificate)]
            if certificate
            else None,
            ssl_policy=elbv2.SslPolicy.RECOMMENDED_TLS if certificate else None,
            open=internet_facing,
            default_action=default_action,
        )
        self._redirect_listener: elbv2.ApplicationListener | None = None
        if certificate is not None:
            self._redirect_listener = self._load_balancer.add_listener(
                "RedirectListener",
                port=80,
                protocol=elbv2.ApplicationProtocol.HTTP,
                open=internet_facing,
                default_action=elbv2.ListenerAction.redirect(
                    protocol="HTTPS", port="443", permanent=True
                ),
            )
            # Switching an HTTP service to HTTPS moves ProductionListener from port 80 to 443
            # in place; the redirect listener may only take port 80 after that.
            self._redirect_listener.node.add_dependency(self._production_listener)
            cdk.Validations.of(self._redirect_listener).acknowledge(
                cdk.Acknowledgment(
                    id="NIST.800.53.R5::NIST.800.53.R5-ELBv2ACMCertificateRequired",
                    reason="This port 80 listener serves no content: it only answers a permanent "
                    "redirect to the HTTPS listener, which uses the ACM certificate.",
                )
            )

        if not internet_facing:
            for port in (listener_port, 80) if certificate is not None else (listener_port,):
                self._lb_security_group.add_ingress_rule(
                    ec2.Peer.ipv4(self._vpc_cidr),
                    ec2.Port.tcp(port),
                    "Internal load balancer: from the VPC",
                )

        self._test_listener: elbv2.ApplicationListener | None = None
        if test_listener_port is not None:
            self._test_listener = self._load_balancer.add_listener(
                "TestListener",
                port=test_listener_port,
                protocol=elbv2.ApplicationProtocol.HTTPS
                if certificate
                else elbv2.ApplicationProtocol.HTTP,
                certificates=[elbv2.ListenerCertificate.from_certificate_manager(certificate)]
                if certificate
                else None,
                ssl_policy=elbv2.SslPolicy.RECOMMENDED_TLS if certificate else None,
                open=False,
                default_action=both(100) if native else elbv2.ListenerAction.forward([self._green]),
            )
            self._lb_security_group.add_ingress_rule(
                ec2.Peer.ipv4(self._vpc_cidr),
                ec2.Port.tcp(test_listener_port),
                "Test listener: green tasks during a deployment, from inside the VPC only",
            )

        self._production_rule: elbv2.ApplicationListenerRule | None = None
        self._test_rule: elbv2.ApplicationListenerRule | None = None
        if native:
            self._production_rule = elbv2.ApplicationListenerRule(
                self,
                "ProductionRule",
                listener=self._production_listener,
                priority=_RULE_PRIORITY,
                conditions=[elbv2.ListenerCondition.path_patterns(["/*"])],
                action=both(100),
            )
            if self._test_listener is not None:
                self._test_rule = elbv2.ApplicationListenerRule(
                    self,
                    "TestRule",
                    listener=self._test_listener,
                    priority=_RULE_PRIORITY,
                    conditions=[elbv2.ListenerCondition.path_patterns(["/*"])],
                    action=both(100),
                )

        # ------------------------------------------------------------ deployment alarms
        self._target_5xx_alarm = self._alarm(
            "Target5xxAlarm",
            "target-5xx",
            cloudwatch.MathExpression(
                expression="FILL(blue, 0) + FILL(green, 0)",
                using_metrics={
                    "blue": self._blue.metrics.http_code_target(
                        elbv2.HttpCodeTarget.TARGET_5XX_COUNT, period=cdk.Duration.minutes(1)
                    ),
                    "green": self._green.metrics.http_code_target(
                        elbv2.HttpCodeTarget.TARGET_5XX_COUNT, period=cdk.Duration.minutes(1)
                    ),
                },
                label="Target 5xx responses (blue + green)",
                period=cdk.Duration.minutes(1),
            ),
            threshold=target_5xx_threshold,
            evaluation_periods=2,
            description=(
                f"Targets answered {target_5xx_threshold} or more 5xx per minute, 2 minutes in a "
                "row. Rolls back an ECS/CodeDeploy blue/green deployment."
            ),
        )
        self._unhealthy_hosts_alarm = self._alarm(
            "UnhealthyHostsAlarm",
            "unhealthy-hosts",
            cloudwatch.MathExpression(
                expression="MAX([FILL(blue, 0), FILL(green, 0)])",
                using_metrics={
                    "blue": self._blue.metrics.unhealthy_host_count(period=cdk.Duration.minutes(1)),
                    "green": self._green.metrics.unhealthy_host_count(
                        period=cdk.Duration.minutes(1)
                    ),
                },
                label="Unhealthy targets (either target group)",
                period=cdk.Duration.minutes(1),
            ),
            threshold=1,
            evaluation_periods=2,
            description=(
                "A target group has unhealthy targets 2 minutes in a row. Rolls back an "
                "ECS/CodeDeploy blue/green deployment."
            ),
        )
        self._latency_alarm: cloudwatch.Alarm | None = None
        if latency_threshold is not None:
            latency_s = latency_threshold.to_seconds(integral=False)
            self._latency_alarm = self._alarm(
                "LatencyAlarm",
                "latency",
                cloudwatch.MathExpression(
                    expression="MAX([FILL(blue, 0), FILL(green, 0)])",
                    using_metrics={
                        "blue": self._blue.metrics.target_response_time(
                            period=cdk.Duration.minutes(1), statistic="p95"
                        ),
                        "green": self._green.metrics.target_response_time(
                            period=cdk.Duration.minutes(1), statistic="p95"
                        ),
                    },
                    label="p95 target response time (slower target group)",
                    period=cdk.Duration.minutes(1),
                ),
                threshold=latency_s,
                evaluation_periods=3,
                description=(
                    f"p95 target response time above {latency_s:g} s, 3 minutes in a row. "
                    "Rolls back an ECS/CodeDeploy blue/green deployment."
                ),
            )

        # ------------------------------------------------------------ service
        strategy = {
            DeploymentMode.BLUE_GREEN: ecs.DeploymentStrategy.BLUE_GREEN,
            DeploymentMode.CANARY: ecs.DeploymentStrategy.CANARY,
            DeploymentMode.LINEAR: ecs.DeploymentStrategy.LINEAR,
        }.get(deployment_mode)
        shift = ecs.TrafficShiftConfig(step_percent=shift_percent, step_bake_time=shift_interval)
        service_kwargs: dict[str, Any] = {}
        if native:
            service_kwargs.update(
                deployment_strategy=strategy,
                bake_time=bake,
                deployment_alarms=ecs.DeploymentAlarmConfig(
                    alarm_names=list(self.deployment_alarm_names),
                    behavior=ecs.AlarmBehavior.ROLLBACK_ON_ALARM,
                ),
            )
            if deployment_mode is DeploymentMode.CANARY:
                service_kwargs["canary_configuration"] = shift
            elif deployment_mode is DeploymentMode.LINEAR:
                service_kwargs["linear_configuration"] = shift
        else:
            service_kwargs["deployment_controller"] = ecs.DeploymentController(
                type=ecs.DeploymentControllerType.CODE_DEPLOY
            )
        self._service = ecs.FargateService(
            self,
            "Service",
            cluster=self._cluster,
            task_definition=self._task_definition,
            desired_count=desired_count,
            min_healthy_percent=100,
            max_healthy_percent=200,
            assign_public_ip=False,
            security_groups=[self._service_security_group],
            vpc_subnets=ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS),
            health_check_grace_period=grace,
            enable_ecs_managed_tags=True,
            propagate_tags=ecs.PropagatedTagSource.SERVICE,
            platform_version=ecs.FargatePlatformVersion.LATEST,
            **service_kwargs,
        )
        for alarm in self.deployment_alarms:
            # Names are fixed, so this adds ordering without a dependency cycle.
            self._service.node.add_dependency(alarm)
        cdk.Annotations.of(self._service).acknowledge_warning(
            "@aws-cdk/aws-ecs:shouldUseCircuitBreaker",
            "The deployment circuit breaker applies only to ROLLING deployments; blue/green, "
            "canary and linear deployments roll back on the deployment alarms (target 5xx, "
            "unhealthy hosts), and CODE_DEPLOY on CodeDeploy's own failure detection.",
        )

        self._blue_green_role: iam.Role | None = None
        self._deployment_group: codedeploy.EcsDeploymentGroup | None = None
        if native:
            assert self._production_rule is not None
            self._blue_green_role = iam.Role(
                self,
                "BlueGreenRole",
                assumed_by=iam.ServicePrincipal("ecs.amazonaws.com"),
                description="Lets ECS move traffic between the blue and green target groups",
                managed_policies=[
                    iam.ManagedPolicy.from_aws_managed_policy_name(
                        "AmazonECSInfrastructureRolePolicyForLoadBalancers"
                    )
                ],
            )
            target = self._service.load_balancer_target(
                container_name=CONTAINER_NAME,
                container_port=container_port,
                protocol=ecs.Protocol.TCP,
                alternate_target=ecs.AlternateTarget(
                    "AlternateTarget",
                    alternate_target_group=self._green,
                    production_listener=ecs.ListenerRuleConfiguration.application_listener_rule(
                        self._production_rule
                    ),
                    test_listener=ecs.ListenerRuleConfiguration.application_listener_rule(
                        self._test_rule
                    )
                    if self._test_rule is not None
                    else None,
                    role=self._blue_green_role,
                ),
            )
            target.attach_to_application_target_group(self._blue)
            # The service Refs the listener rules (AdvancedConfiguration); CDK also lists them in
            # DependsOn, which cfn-lint reports as redundant (W3005).
            rules = [r for r in (self._production_rule, self._test_rule) if r is not None]
            drop_depends_on(
                _cfn(self._service),
                [r.node.default_child for r in rules],
            )
            # ECS registers green tasks itself; the load balancer must reach them too.
            self._service.connections.allow_from(
                self._lb_security_group, ec2.Port.tcp(container_port), "Load balancer to tasks"
            )
        else:
            self._service.load_balancer_target(
                container_name=CONTAINER_NAME, container_port=container_port
            ).attach_to_application_target_group(self._blue)
            self._service.connections.allow_from(
                self._lb_security_group, ec2.Port.tcp(container_port), "Load balancer to tasks"
            )
            self._deployment_group = codedeploy.EcsDeploymentGroup(
                self,
                "DeploymentGroup",
                service=self._service,
                blue_green_deployment_config=codedeploy.EcsBlueGreenDeploymentConfig(
                    blue_target_group=self._blue,
                    green_target_group=self._green,
                    listener=self._production_listener,
                    test_listener=self._test_listener,
                    termination_wait_time=bake,
                ),
                deployment_config=code_deploy_config
                or codedeploy.EcsDeploymentConfig.CANARY_10_PERCENT_5_MINUTES,
                alarms=list(self.deployment_alarms),
                auto_rollback=codedeploy.AutoRollbackConfig(
                    failed_deployment=True, stopped_deployment=True, deployment_in_alarm=True
                ),
            )

        # ------------------------------------------------------------ autoscaling
        self._scaling = self._service.auto_scale_task_count(
            min_capacity=min_tasks, max_capacity=max_tasks
        )
        self._scaling.scale_on_cpu_utilization(
            "CpuScaling", target_utilization_percent=cpu_target_utilization
        )
        if requests_per_target is not None:
            self._scaling.scale_on_request_count(
                "RequestCountScaling",
                requests_per_target=requests_per_target,
                target_group=self._blue,
            )

        self._service_url = (
            f"{'https' if certificate else 'http'}://{self._load_balancer.load_balancer_dns_name}"
        )
        self._web_acl_association: wafv2.CfnWebACLAssociation | None = None
        if web_acl_arn is not None:
            self._web_acl_association = wafv2.CfnWebACLAssociation(
                self,
                "WebAclAssociation",
                resource_arn=self._load_balancer.load_balancer_arn,
                web_acl_arn=web_acl_arn,
            )
        self._acknowledge(
            native=native,
            certificate=certificate,
            internet_facing=internet_facing,
            log_key=log_encryption_key is not None,
            web_acl=web_acl_arn is not None,
            deletion_protection=removal == cdk.RemovalPolicy.RETAIN,
            token_cidr_ingress=is_token(self._vpc_cidr)
            and (not internet_facing or test_listener_port is not None),
        )
        self._skip_checkov(
            https=certificate is not None,
            internet_facing=internet_facing,
            log_key=log_encryption_key is not None,
        )
        self._add_outputs(suffix)

    # ------------------------------------------------------------------ helpers
    def _target_group(
        self, construct_id: str, health_check: elbv2.HealthCheck
    ) -> elbv2.ApplicationTargetGroup:
        # Port 80 is only the group's default; ECS registers each task with container_port.
        # Keeping it constant means a container_port change never replaces the groups.
        return elbv2.ApplicationTargetGroup(
            self,
            construct_id,
            vpc=self._vpc,
            port=80,
            protocol=elbv2.ApplicationProtocol.HTTP,
            target_type=elbv2.TargetType.IP,
            health_check=health_check,
            deregistration_delay=cdk.Duration.seconds(30),
        )

    def _alarm(
        self,
        construct_id: str,
        name: str,
        metric: cloudwatch.IMetric,
        *,
        threshold: float,
        evaluation_periods: int,
        description: str,
    ) -> cloudwatch.Alarm:
        stack = cdk.Stack.of(self)
        relative = self.node.path[len(stack.node.path) + 1 :] if stack.node.path else self.node.path
        return cloudwatch.Alarm(
            self,
            construct_id,
            # A fixed name: the service lists its deployment alarms by name, and a name that
            # referenced the alarm (or the service's metrics) would make a dependency cycle.
            alarm_name=naming.physical_name(naming.ALARM_NAME, stack.stack_name, relative, name),
            alarm_description=description,
            metric=metric,
            threshold=threshold,
            evaluation_periods=evaluation_periods,
            datapoints_to_alarm=evaluation_periods,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )

    def _skip_checkov(self, *, https: bool, internet_facing: bool, log_key: bool) -> None:
        """checkov checks these resources fail by design, skipped on them with the reason."""
        skip_checkov(
            self._repository,
            "CKV_AWS_136",
            "ECR encrypts every image at rest with AES-256; a KMS key per region would add key "
            "management to every replication destination without keeping out any principal "
            "that IAM does not already keep out.",
        )
        skip_checkov(
            self._access_logs_bucket,
            "CKV_AWS_18",
            "This bucket receives the load balancer's access logs; logging it would need "
            "another bucket, recursively (same as the acknowledged AwsSolutions-S1).",
        )
        if not log_key:
            groups = [g for g in (self._log_group, self._flow_log_group) if g is not None]
            for group in groups:
                skip_checkov(
                    group,
                    "CKV_AWS_158",
                    "CloudWatch Logs encrypts every log group at rest with service keys; a "
                    "customer key is opt-in (log_encryption_key).",
                )
        if internet_facing:
            skip_checkov(
                self._lb_security_group,
                "CKV_AWS_260",
                "The internet-facing load balancer's own group: it must accept its listener "
                "ports from anywhere (same as the acknowledged AwsSolutions-EC23); the tasks "
                "accept traffic from the load balancer only.",
            )
        if not https:
            for check in ("CKV_AWS_2", "CKV_AWS_103"):
                skip_checkov(
                    self._production_listener,
                    check,
                    "No ACM certificate was given, so the listener serves HTTP; with a "
                    "certificate it is HTTPS with a TLS 1.2+ policy and port 80 redirects.",
                )

    def _acknowledge(
        self,
        *,
        native: bool,
        certificate: acm.ICertificate | None,
        internet_facing: bool,
        log_key: bool,
        web_acl: bool,
        deletion_protection: bool,
        token_cidr_ingress: bool,
    ) -> None:
        validations = cdk.Validations.of(self)
        for rule, reason in _acknowledgments(
            native=native,
            https=certificate is not None,
            internet_facing=internet_facing,
            created_vpc=self._flow_log is not None,
            log_key=log_key,
            web_acl=web_acl,
            deletion_protection=deletion_protection,
            token_cidr_ingress=token_cidr_ingress,
        ):
            validations.acknowledge(cdk.Acknowledgment(id=rule, reason=reason))

    def _add_outputs(self, suffix: str) -> None:
        outputs: list[tuple[str, str, str]] = [
            (OutputNames.VPC_ID, self._vpc.vpc_id, "VPC of the regional service"),
            (OutputNames.VPC_CIDR, self._vpc_cidr, "IPv4 CIDR block of the VPC"),
            (OutputNames.REPOSITORY_URI, self._repository.repository_uri, "ECR repository URI"),
            (OutputNames.CLUSTER_NAME, self._cluster.cluster_name, "ECS cluster name"),
            (OutputNames.SERVICE_NAME, self._service.service_name, "ECS service name"),
            (OutputNames.SERVICE_ARN, self._service.service_arn, "ECS service ARN"),
            (OutputNames.LOAD_BALANCER_ARN, self._load_balancer.load_balancer_arn, "ALB ARN"),
            (
                OutputNames.LOAD_BALANCER_DNS_NAME,
                self._load_balancer.load_balancer_dns_name,
                "ALB DNS name",
            ),
            (
                OutputNames.BLUE_TARGET_GROUP_ARN,
                self._blue.target_group_arn,
                "Blue (initially production) target group ARN",
            ),
            (
                OutputNames.GREEN_TARGET_GROUP_ARN,
                self._green.target_group_arn,
                "Green (initially alternate) target group ARN",
            ),
            (OutputNames.SERVICE_URL, self._service_url, "URL of the service in this region"),
        ]
        for name, value, description in outputs:
            add_well_known_output(self, name, value, description=description, suffix=suffix)

    # ------------------------------------------------------------------ public API
    def appspec(self, task_definition_arn: str) -> dict[str, Any]:
        """The CodeDeploy AppSpec (as a dict, dump it as JSON or YAML) that deploys
        ``task_definition_arn`` to this service in ``CODE_DEPLOY`` mode.

        :param task_definition_arn: The new task definition revision to deploy.
        :raises ValidationError: when the service is not in ``CODE_DEPLOY`` mode.
        """
        if self._deployment_mode is not DeploymentMode.CODE_DEPLOY:
            raise fail(
                "deployment_mode",
                self._deployment_mode,
                "be DeploymentMode.CODE_DEPLOY to deploy through CodeDeploy (ECS-native modes "
                "deploy with `cdk deploy`)",
            )
        return {
            "version": 0.0,
            "Resources": [
                {
                    "TargetService": {
                        "Type": "AWS::ECS::Service",
                        "Properties": {
                            "TaskDefinition": task_definition_arn,
                            "LoadBalancerInfo": {
                                "ContainerName": CONTAINER_NAME,
                                "ContainerPort": self._container_port,
                            },
                        },
                    }
                }
            ],
        }

    @property
    def deployment_mode(self) -> DeploymentMode:
        """How new task definitions roll out."""
        return self._deployment_mode

    @property
    def vpc(self) -> ec2.IVpc:
        """The VPC (created, or ``existing_vpc``)."""
        return self._vpc

    @property
    def vpc_cidr(self) -> str:
        """The VPC's IPv4 CIDR (a literal for a created VPC)."""
        return self._vpc_cidr

    @property
    def flow_log(self) -> ec2.FlowLog | None:
        """The VPC flow log, or ``None`` with ``existing_vpc``."""
        return self._flow_log

    @property
    def flow_log_group(self) -> logs.LogGroup | None:
        """The flow log's log group, or ``None`` with ``existing_vpc``."""
        return self._flow_log_group

    @property
    def repository(self) -> ecr.Repository:
        """The ECR repository."""
        return self._repository

    @property
    def replication_configuration(self) -> ecr.CfnReplicationConfiguration | None:
        """The registry's replication configuration (with ``image_replication_regions``)."""
        return self._replication

    @property
    def cluster(self) -> ecs.Cluster:
        """The ECS cluster."""
        return self._cluster

    @property
    def log_group(self) -> logs.LogGroup:
        """The container's log group."""
        return self._log_group

    @property
    def task_definition(self) -> ecs.FargateTaskDefinition:
        """The Fargate task definition (its ``task_role`` starts without permissions)."""
        return self._task_definition

    @property
    def container(self) -> ecs.ContainerDefinition:
        """The application container: add environment variables and secrets to it."""
        return self._container

    @property
    def service(self) -> ecs.FargateService:
        """The ECS Fargate service."""
        return self._service

    @property
    def connections(self) -> ec2.Connections:
        """The tasks' connections: ``db.connections.allow_default_port_from(svc)``."""
        return self._service.connections

    @property
    def service_security_group(self) -> ec2.SecurityGroup:
        """The tasks' security group."""
        return self._service_security_group

    @property
    def load_balancer(self) -> elbv2.ApplicationLoadBalancer:
        """The Application Load Balancer."""
        return self._load_balancer

    @property
    def load_balancer_security_group(self) -> ec2.SecurityGroup:
        """The load balancer's security group."""
        return self._lb_security_group

    @property
    def access_logs_bucket(self) -> s3.Bucket:
        """The bucket of the load balancer's access logs."""
        return self._access_logs_bucket

    @property
    def production_listener(self) -> elbv2.ApplicationListener:
        """The listener of production traffic (HTTPS 443 with a certificate, else HTTP 80)."""
        return self._production_listener

    @property
    def redirect_listener(self) -> elbv2.ApplicationListener | None:
        """The HTTP → HTTPS redirect listener on port 80, when a certificate was given."""
        return self._redirect_listener

    @property
    def test_listener(self) -> elbv2.ApplicationListener | None:
        """The test listener, when ``test_listener_port`` was given."""
        return self._test_listener

    @property
    def production_rule(self) -> elbv2.ApplicationListenerRule | None:
        """The production listener rule ECS rewrites (ECS-native modes), else ``None``."""
        return self._production_rule

    @property
    def test_rule(self) -> elbv2.ApplicationListenerRule | None:
        """The test listener rule (ECS-native modes with a test listener), else ``None``."""
        return self._test_rule

    @property
    def blue_target_group(self) -> elbv2.ApplicationTargetGroup:
        """The target group of the first deployment (production until the first blue/green)."""
        return self._blue

    @property
    def green_target_group(self) -> elbv2.ApplicationTargetGroup:
        """The alternate target group. Blue and green swap roles at every deployment."""
        return self._green

    @property
    def target_groups(self) -> tuple[elbv2.ApplicationTargetGroup, elbv2.ApplicationTargetGroup]:
        """Both target groups (blue, green): monitor both, either can be production."""
        return (self._blue, self._green)

    @property
    def target_5xx_alarm(self) -> cloudwatch.Alarm:
        """Deployment alarm: 5xx responses of the targets (both groups)."""
        return self._target_5xx_alarm

    @property
    def unhealthy_hosts_alarm(self) -> cloudwatch.Alarm:
        """Deployment alarm: unhealthy targets in either group."""
        return self._unhealthy_hosts_alarm

    @property
    def latency_alarm(self) -> cloudwatch.Alarm | None:
        """Deployment alarm on p95 response time, when ``latency_threshold`` was given."""
        return self._latency_alarm

    @property
    def deployment_alarms(self) -> tuple[cloudwatch.Alarm, ...]:
        """Every deployment alarm (monitoring should reuse these rather than duplicate them)."""
        alarms = [self._target_5xx_alarm, self._unhealthy_hosts_alarm]
        if self._latency_alarm is not None:
            alarms.append(self._latency_alarm)
        return tuple(alarms)

    @property
    def deployment_alarm_names(self) -> tuple[str, ...]:
        """The deployment alarms' fixed names (literal strings)."""
        names = []
        for alarm in self.deployment_alarms:
            name = alarm.node.default_child
            assert isinstance(name, cloudwatch.CfnAlarm) and isinstance(name.alarm_name, str)
            names.append(name.alarm_name)
        return tuple(names)

    @property
    def deployment_group(self) -> codedeploy.EcsDeploymentGroup | None:
        """The CodeDeploy deployment group in ``CODE_DEPLOY`` mode, else ``None``."""
        return self._deployment_group

    @property
    def blue_green_role(self) -> iam.Role | None:
        """The role ECS uses to rewrite the listener rules (ECS-native modes), else ``None``."""
        return self._blue_green_role

    @property
    def web_acl_association(self) -> wafv2.CfnWebACLAssociation | None:
        """The WAF association, when ``web_acl_arn`` was given."""
        return self._web_acl_association

    @property
    def scaling(self) -> ecs.ScalableTaskCount:
        """The service's scalable task count (add scaling policies to it)."""
        return self._scaling

    @property
    def container_port(self) -> int:
        """The port the container listens on."""
        return self._container_port

    @property
    def service_url(self) -> str:
        """``http(s)://<load balancer DNS name>``."""
        return self._service_url


def _cfn(construct: Construct) -> cdk.CfnResource:
    child = construct.node.default_child
    assert isinstance(child, cdk.CfnResource)
    return child


def require_seconds_float(prop: str, value: cdk.Duration) -> None:
    """Reject a non-positive or absurd duration (tokens pass)."""
    seconds = value.to_seconds(integral=False)
    if is_token(seconds):
        return
    if not 0 < seconds <= 3600:
        raise fail(prop, f"{seconds:g} seconds", "be more than 0 and at most 3600 seconds")


def _acknowledgments(
    *,
    native: bool,
    https: bool,
    internet_facing: bool,
    created_vpc: bool,
    log_key: bool,
    web_acl: bool,
    deletion_protection: bool = True,
    token_cidr_ingress: bool = False,
) -> list[tuple[str, str]]:
    """cdk-nag 3 findings (AwsSolutions, NIST 800-53 rev5) accepted by design, with the reason."""
    result = [
        (
            "AwsSolutions::AwsSolutions-IAM5[Resource::*]",
            "The task execution role needs ecr:GetAuthorizationToken, which supports no "
            "resource-level permissions; every other statement names this repository and "
            "log group.",
        ),
        (
            "NIST.800.53.R5::NIST.800.53.R5-IAMNoInlinePolicy",
            "Inline policies are generated by CDK grants and scoped to this construct's own "
            "resources (repository, log groups); a managed policy would be shared and broader.",
        ),
        (
            "AwsSolutions::AwsSolutions-S1",
            "The bucket receives the load balancer's access logs; logging the log bucket itself "
            "would need another bucket, recursively. Versioning and SSL-only access protect it.",
        ),
        (
            "NIST.800.53.R5::NIST.800.53.R5-S3BucketLoggingEnabled",
            "The bucket receives the load balancer's access logs; logging the log bucket itself "
            "would need another bucket, recursively.",
        ),
        (
            "NIST.800.53.R5::NIST.800.53.R5-S3DefaultEncryptionKMS",
            "ALB access logs can only be delivered to buckets encrypted with SSE-S3 "
            "(Amazon S3 managed keys); a KMS default key makes log delivery fail.",
        ),
        (
            "NIST.800.53.R5::NIST.800.53.R5-S3BucketReplicationEnabled",
            "Access logs describe this region's load balancer; copying them to another region "
            "adds cost without a recovery use. The bucket is versioned and retained.",
        ),
        (
            "AwsSolutions::AwsSolutions-ECS2",
            "Container environment variables hold only non-secret configuration (such as a "
            "database host name); secrets are passed through `secrets` (Secrets Manager or SSM "
            "references resolved by ECS at task start).",
        ),
        (
            "NIST.800.53.R5::NIST.800.53.R5-CloudWatchAlarmAction",
            "These are ECS/CodeDeploy deployment alarms: their action is the automatic rollback, "
            "which ECS or CodeDeploy take by alarm name. Notifications are added by monitoring.",
        ),
    ]
    if native:
        result.append(
            (
                "AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/"
                "AmazonECSInfrastructureRolePolicyForLoadBalancers]",
                "AWS's managed policy for the ECS blue/green infrastructure role: ECS needs "
                "exactly these load balancer permissions to move traffic, and AWS keeps it "
                "current.",
            )
        )
    else:
        result.append(
            (
                "AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/"
                "AWSCodeDeployRoleForECS]",
                "AWS's managed policy for the CodeDeploy ECS service role: CodeDeploy needs these "
                "ECS, load balancer and alarm permissions, and AWS keeps it current.",
            )
        )
    if internet_facing:
        result.append(
            (
                "AwsSolutions::AwsSolutions-EC23",
                "An internet-facing web load balancer must accept its listener ports from any "
                "address; the tasks accept traffic from the load balancer only.",
            )
        )
    if created_vpc:
        result.extend(
            [
                (
                    "NIST.800.53.R5::NIST.800.53.R5-VPCNoUnrestrictedRouteToIGW",
                    "Only the public subnets route to the internet gateway: they hold the "
                    "load balancer and the NAT gateways. Tasks run in private subnets.",
                ),
                (
                    "NIST.800.53.R5::NIST.800.53.R5-VPCDefaultSecurityGroupClosed",
                    "No resource uses the default security group. Closing it needs a "
                    "Lambda-backed custom resource, which this library avoids.",
                ),
            ]
        )
    if not log_key:
        result.append(
            (
                "NIST.800.53.R5::NIST.800.53.R5-CloudWatchLogGroupEncrypted",
                "CloudWatch Logs encrypts every log group at rest with service keys; pass "
                "log_encryption_key to use a customer managed key.",
            )
        )
    if not web_acl:
        result.append(
            (
                "NIST.800.53.R5::NIST.800.53.R5-ALBWAFEnabled",
                "No web ACL was given (web_acl_arn); WAF rules are application specific and "
                "billed per rule, so attaching one is the user's decision.",
            )
        )
    if not deletion_protection:
        result.append(
            (
                "NIST.800.53.R5::NIST.800.53.R5-ELBDeletionProtectionEnabled",
                "removal_policy is not RETAIN: the user declared a throwaway environment, whose "
                "load balancer must be deletable with the stack.",
            )
        )
    if token_cidr_ingress:
        reason = (
            "The only CIDR ingress rules allow the listener ports from the existing VPC's own "
            "CIDR block, which is known only at deploy time, so the checks cannot read it."
        )
        result.extend(
            [
                ("AwsSolutions::AwsSolutions-EC23", reason),
                ("NIST.800.53.R5::NIST.800.53.R5-EC2RestrictedCommonPorts", reason),
                ("NIST.800.53.R5::NIST.800.53.R5-EC2RestrictedSSH", reason),
            ]
        )
    if not https:
        result.extend(
            [
                (
                    "NIST.800.53.R5::NIST.800.53.R5-ALBHttpToHttpsRedirection",
                    "No certificate was given, so the service is served over HTTP only; passing "
                    "`certificate` adds HTTPS and redirects HTTP to it.",
                ),
                (
                    "NIST.800.53.R5::NIST.800.53.R5-ELBv2ACMCertificateRequired",
                    "No certificate was given, so the listeners are HTTP; passing `certificate` "
                    "(ACM) makes them HTTPS.",
                ),
            ]
        )
    return result
