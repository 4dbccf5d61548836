"""RegionalService: ECR + ECS Fargate + ALB with blue/green and automatic rollback, in a VPC.

Why this module is long: it is the public face of the service, and its docstrings document
every prop, the deployment modes, blue/green, ECR replication and routes; the logic lives in
the ``_private/service_*`` builders.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from constructs import Construct

if TYPE_CHECKING:  # annotations only; imported where a construct creates one
    from aws_cdk import aws_certificatemanager as acm
    from aws_cdk import aws_codedeploy as codedeploy
    from aws_cdk import aws_wafv2 as wafv2

from ._private.service_checks import region_vpc_cidr_block, vpc_cidr_block
from ._private.service_compliance import acknowledge_findings, skip_checkov_checks
from ._private.service_compute import add_autoscaling, build_service, build_tasks, scale_to_zero
from ._private.service_deployment import (
    attach_deployment,
    build_deployment_alarms,
    code_deploy_appspec,
    deployment_options,
)
from ._private.service_load_balancer import associate_web_acl, build_load_balancer
from ._private.service_network import build_network
from ._private.service_outputs import add_service_outputs
from ._private.service_props import require_replication_regions, resolve_service_props
from ._private.service_registry import build_registry
from ._private.service_routes import Routes
from ._private.validation import fail, names_construct_path, require_int_range, require_region
from .per_region import PerRegion

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


def default_vpc_cidr(region_or_index: str | int) -> str:
    """The default VPC CIDR of a region: ``10.<n>.0.0/16`` with ``n`` fixed per region.

    :class:`~multiregion_tap.MultiRegionApp` gives each region this block, so a region keeps
    its VPC (and everything in it) when regions are added, removed or reordered: us-east-1
    ``10.0.0.0/16``, us-east-2 ``10.1.0.0/16``, us-west-1 ``10.2.0.0/16``, us-west-2
    ``10.3.0.0/16``, then the other regions of a fixed, append-only table; a region the table
    does not know gets a block from ``10.128.0.0/16`` up by a hash of its name (two such
    regions can collide: the app then refuses the overlap and asks for ``vpc_cidrs``).
    Distinct regions of the table give non-overlapping blocks, so the regional VPCs of one
    app can be peered without choosing CIDRs by hand.

    :param region_or_index: A region name; or, as before 0.2, an index 0..255 (the
        ``index``-th region's ``10.<index>.0.0/16``, to pin the block an app was deployed
        with through ``vpc_cidrs``).
    :raises ValidationError: for a bad region name or an index outside 0..255.
    """
    if isinstance(region_or_index, str):
        return region_vpc_cidr_block(require_region("region_or_index", region_or_index))
    if isinstance(region_or_index, bool) or not isinstance(region_or_index, int):
        raise fail("index", region_or_index, "be an integer between 0 and 255 or a region name")
    require_int_range("index", region_or_index, 0, 255)
    return vpc_cidr_block(region_or_index)


@dataclass(frozen=True, kw_only=True)
class RegionalServiceProps:
    """The props of :class:`RegionalService` that :class:`~multiregion_tap.MultiRegionApp`
    passes to the service of every region.

    It holds every keyword parameter of :class:`RegionalService` except the per-region ones
    that the app supplies itself: ``existing_vpc``, ``vpc_cidr``, ``certificate`` (ACM
    certificates are regional), ``existing_repository`` (so are repositories),
    ``image_replication_regions`` and ``output_suffix``.
    Defaults and meaning are those of the constructor. Any field may be a
    :class:`~multiregion_tap.PerRegion` (a value per region, or a function that creates it in
    each region's stack); the region-scoped ones (keys, web ACLs, images, secrets) usually are.
    """

    max_azs: int = 2
    nat_gateways: int | None = None
    image: ecs.ContainerImage | PerRegion[ecs.ContainerImage] | None = None
    image_tag: str | None = None
    container_port: int = 80
    cpu: int = 256
    memory_limit_mib: int = 512
    cpu_architecture: ecs.CpuArchitecture | None = None
    ephemeral_storage_gib: int | None = None
    environment: Mapping[str, str] | PerRegion[Mapping[str, str]] | None = None
    secrets: Mapping[str, ecs.Secret] | PerRegion[Mapping[str, ecs.Secret]] | None = None
    command: Sequence[str] | None = None
    entry_point: Sequence[str] | None = None
    container_health_check: ecs.HealthCheck | None = None
    desired_count: int = 2
    spot: bool = False
    capacity_provider_strategies: Sequence[ecs.CapacityProviderStrategy] | None = None
    enable_execute_command: bool = False
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
    health_check_grpc_codes: str | None = None
    health_check_grace_period: cdk.Duration | None = None
    internet_facing: bool = True
    idle_timeout: cdk.Duration | None = None
    ssl_policy: elbv2.SslPolicy | None = None
    dual_stack: bool = False
    web_acl_arn: str | PerRegion[str] | None = None
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
    log_encryption_key: kms.IKey | PerRegion[kms.IKey] | None = None
    removal_policy: cdk.RemovalPolicy | None = None
    task_definition_props: Mapping[str, Any] | None = None
    container_props: Mapping[str, Any] | None = None
    fargate_service_props: Mapping[str, Any] | None = None
    load_balancer_props: Mapping[str, Any] | None = None
    target_group_props: Mapping[str, Any] | None = None


#: Constructor keyword parameters that are deliberately not in :class:`RegionalServiceProps`.
PER_REGION_PARAMETERS = frozenset(
    {
        "existing_vpc",
        "vpc_cidr",
        "certificate",
        "existing_repository",
        "image_replication_regions",
        "output_suffix",
    }
)


class RegionalService(Construct):
    """A containerized web service in one region: VPC, ECR, ECS Fargate, ALB, blue/green.

    What it creates (each one a read-only attribute):

    * **Network** (unless ``existing_vpc``): a VPC over ``max_azs`` availability zones with
      public, private-with-egress and isolated subnets, ``nat_gateways`` NAT gateways and
      VPC flow logs (all traffic) to a CloudWatch log group.
    * **Image registry** (unless ``existing_repository``): an ECR repository with scan on
      push, immutable tags, lifecycle rules (untagged images expire, only the newest
      ``max_image_count`` images are kept) and ``RETAIN`` removal policy.
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

    * the rule is a separate ``AWS::ElasticLoadBalancingV2::ListenerRule`` (path ``/*``;
      priority 1, or 50000 once the service has routes, see below) whose action is a
      weighted forward to *both* target groups (blue 100, green 0).
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
    ``ProductionRule``): changing ``internet_facing`` (a new load balancer) or the VPC, and
    adding the first route (the rule moves from priority 1 to 50000 in place). Make
    such changes in a maintenance window, and run a no-op image deployment after them so
    ECS re-establishes its weights. In ``CODE_DEPLOY`` mode CodeDeploy rewrites the
    listener's default action, so any change to the production listener (certificate, SSL
    policy) resets it: after such a change, run a CodeDeploy deployment.

    Routes
    ------
    :meth:`add_route` adds a listener rule to the production listener (HTTPS with a
    ``certificate``, whose port 80 listener keeps redirecting every request to HTTPS; else
    HTTP) that forwards matching requests to your own target groups, or answers them with
    your own action. The load balancer evaluates rules by priority, lowest first, and the
    library's rule comes last: priority 50000 is reserved for it (the ECS-native
    ``ProductionRule`` moves there with the first route; ``CODE_DEPLOY`` serves production
    with the listener's default action, evaluated after every rule), so a route takes 1 to
    49999, each priority once. Blue/green rewrites only the library's rule, never a route.
    Add listener rules only through :meth:`add_route`: a rule added to
    :attr:`production_listener` directly is not checked and, in an ECS-native service
    without routes, comes after the library's rule at priority 1 and never matches.

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
    :param image: The container image. Not with ``image_tag``. A literal private ECR image
        URI must name this stack's region (refused otherwise: the region would pull from
        another one). With an image the construct creates no ECR repository and no
        replication configuration (``repository`` is ``None``; not with ``repository_name``
        or ``image_replication_regions``). Default: - this construct's ECR repository at
        ``image_tag``.
    :param image_tag: Tag of the image in this construct's ECR repository. Tags are immutable:
        push every build under a new tag (for example the commit id) and deploy by changing
        this value. Default: ``"v1"``
    :param existing_repository: An ECR repository of this region to pull ``image_tag`` from
        instead of creating one: the construct then creates no repository and no replication
        configuration (its lifecycle rules and replication are the owner's), and
        ``repository_name``, ``max_image_count`` and ``untagged_image_expiry_days`` do not
        apply. Not with ``image``, ``repository_name`` or ``image_replication_regions``; a
        repository of another region is refused. Default: - a new repository.
    :param container_port: Port the container listens on, 1 to 65535. Default: ``80``
    :param cpu: Fargate task cpu units (256, 512, 1024, 2048, 4096, 8192, 16384).
        Default: ``256``
    :param memory_limit_mib: Fargate task memory in MiB, valid for ``cpu``. Default: ``512``
    :param cpu_architecture: CPU architecture of the tasks: ``ecs.CpuArchitecture.ARM64``
        (Graviton; the image must be built for arm64) or ``X86_64``.
        Default: - ``ecs.CpuArchitecture.X86_64``.
    :param ephemeral_storage_gib: Task ephemeral storage in GiB, 21 to 200.
        Default: - Fargate's 20 GiB.
    :param environment: Plain environment variables of the container (no secrets).
        Default: - none.
    :param secrets: Secret environment variables (Secrets Manager or SSM), read by the
        execution role at task start. Default: - none.
    :param command: The container's command (Docker ``CMD``), a list of strings.
        Default: - the image's ``CMD``.
    :param entry_point: The container's entry point (Docker ``ENTRYPOINT``), a list of
        strings. Default: - the image's ``ENTRYPOINT``.
    :param container_health_check: The container's own health check (``ecs.HealthCheck``:
        interval 5 to 300 s, timeout 2 to 120 s and shorter than the interval, retries 1 to
        10, start period 0 to 300 s); ECS replaces a task whose container is unhealthy. The
        load balancer's health check (``health_check_*``) applies either way.
        Default: - none (the image's ``HEALTHCHECK`` is ignored by ECS).
    :param desired_count: Tasks when the service is created, within the scaling range.
        Default: ``2`` (one per zone of a two-zone VPC)
    :param spot: Run on Fargate Spot: the first task on Fargate (on demand), every further task
        on Fargate Spot (strategies ``FARGATE`` base 1 weight 0, ``FARGATE_SPOT`` weight 1),
        and the cluster gets the Fargate capacity providers. Spot tasks can be stopped with
        two minutes' notice. Not with ``capacity_provider_strategies``. Default: ``False``
    :param capacity_provider_strategies: Your own mix of the ``FARGATE`` and ``FARGATE_SPOT``
        capacity providers (each once, weight 0 to 1000 with one above 0, a base on one of
        them at most); the cluster gets the Fargate capacity providers. Not with ``spot``.
        Default: - the Fargate launch type (on demand).
    :param enable_execute_command: Turn on ECS Exec (``aws ecs execute-command``) for the
        tasks. CDK grants the task role the ``ssmmessages`` actions it needs.
        Default: ``False``
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
        ``"200,204"`` or ``"200-299"``; with a gRPC target group leave it unset (the check
        matches ``health_check_grpc_codes``). Default: ``"200-399"``
    :param health_check_grpc_codes: gRPC status codes (0 to 99: ``"0"``, ``"0,12"``,
        ``"0-99"``) that mark a target healthy, only with
        ``target_group_props={"protocol_version": elbv2.ApplicationProtocolVersion.GRPC}``.
        A gRPC target group (like an ``HTTP2`` one) needs a ``certificate`` (an ALB takes
        HTTP/2 and gRPC on HTTPS listeners only), and its ``health_check_path`` must be a gRPC
        method, ``"/package.service/method"`` (``"/AWS.ALB/healthcheck"`` is ALB's own,
        which a live gRPC server answers with ``12``, UNIMPLEMENTED). Default: - ``"12"``
        with the path ``"/AWS.ALB/healthcheck"``, else ``"0"`` (OK).
    :param health_check_grace_period: Time ECS ignores failing load balancer health checks of
        a new task. Default: - 60 seconds.
    :param certificate: ACM certificate of this region for the HTTPS listener (port 443,
        TLS policy ``RECOMMENDED_TLS``); port 80 then redirects to HTTPS. A literal ARN of
        another region, partition or account is refused (``ValidationError``).
        Default: - an HTTP listener on port 80 only.
    :param internet_facing: Whether the load balancer is public (in the public subnets) or
        internal (in the private subnets). Default: ``True``
    :param idle_timeout: The load balancer's connection idle timeout, 1 to 4000 seconds.
        Default: - the ALB's 60 seconds.
    :param ssl_policy: TLS policy of the HTTPS listeners (production and test), for example
        ``elbv2.SslPolicy.TLS13_RES`` (TLS 1.3 only). Only with ``certificate``.
        Default: - ``elbv2.SslPolicy.RECOMMENDED_TLS``.
    :param dual_stack: Serve IPv4 and IPv6: the load balancer is ``DUAL_STACK`` (its open
        listeners also accept ``::/0``) and the created VPC gets an Amazon-provided IPv6
        block, a /64 per subnet and an egress-only internet gateway; an ``existing_vpc`` must
        have IPv6 subnets already. ``FailoverDns`` then adds ``AAAA`` records when every
        region is dual stack. The targets stay IPv4. Default: ``False``
    :param web_acl_arn: ARN of a regional AWS WAF web ACL (scope ``REGIONAL``) of this
        stack's region and account to associate with the load balancer; a literal ARN of
        another region, partition or account is refused. Default: - no web ACL.
    :param deployment_mode: How new task definitions roll out. ``CODE_DEPLOY`` needs the green
        target group on the load balancer: without ``test_listener_port`` the construct adds
        ``GreenRule``, a production listener rule no request matches (source
        255.255.255.255/32, priority 50000), so the load balancer health-checks green tasks
        and the deployment alarms read both groups. Default: ``DeploymentMode.BLUE_GREEN``
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
        deployment, reachable from inside the VPC only (1 to 65535, not 80 or 443). With
        ``CODE_DEPLOY`` it is CodeDeploy's test traffic route and replaces ``GreenRule``.
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
    :param log_encryption_key: KMS key of this region for the log groups; its key policy must
        allow the CloudWatch Logs service of this region. A key of another region (a literal
        ARN, or a key of another region's stack) is refused.
        Default: - CloudWatch Logs' own encryption.
    :param removal_policy: What happens to the repository, log groups and access log bucket
        when they leave the stack. ``RETAIN`` also turns on the load balancer's deletion
        protection: ``cdk destroy`` of the stack then ends ``DELETE_FAILED`` until it is
        turned off (the deploying guide's tear-down steps), and a change that replaces the
        load balancer leaves the old one in the account to delete by hand. Use ``DESTROY``
        only for throwaway environments: the repository is then
        deleted with its images, but an access log bucket that still holds objects cannot be
        deleted (empty it before ``cdk destroy``). Default: - ``RemovalPolicy.RETAIN``.
    :param task_definition_props: Keyword arguments of ``ecs.FargateTaskDefinition`` merged
        over the library's (``family``, ``task_role``, ``execution_role``, ``volumes``, ...).
        Keys the library sets from its own props (``cpu``, ``memory_limit_mib``,
        ``runtime_platform``, ``ephemeral_storage_gib``) and unknown keys are refused.
        Default: - none.
    :param container_props: Keyword arguments of the application container
        (``ecs.ContainerDefinition``: ``user``, ``readonly_root_filesystem``,
        ``linux_parameters``, ``stop_timeout``, ...) merged over the library's; ``image``,
        ``container_name``, ``port_mappings``, ``environment``, ``secrets``, ``logging``,
        ``essential``, ``command``, ``entry_point`` and ``health_check`` are refused (use the
        props). Default: - none.
    :param fargate_service_props: Keyword arguments of ``ecs.FargateService`` merged over
        the library's (``service_name``, ``availability_zone_rebalancing``,
        ``service_connect_configuration``, ...); the cluster, task definition, network,
        scaling and deployment keys are refused. Default: - none.
    :param load_balancer_props: Keyword arguments of ``elbv2.ApplicationLoadBalancer``
        merged over the library's (``http2_enabled``, ``ip_address_type``,
        ``client_keep_alive``, ``drop_invalid_header_fields``, ...); ``vpc``,
        ``internet_facing``, ``vpc_subnets``, ``security_group``, ``deletion_protection``
        and ``idle_timeout`` are refused. Default: - none.
    :param target_group_props: Keyword arguments of ``elbv2.ApplicationTargetGroup`` merged
        over the library's for both the blue and the green group (``slow_start``,
        ``deregistration_delay``, ``load_balancing_algorithm_type``, ``protocol_version``,
        stickiness, ...); ``vpc``, ``port``, ``protocol``, ``target_type``, ``targets``,
        ``health_check`` and ``target_group_name`` are refused. ``protocol_version``
        ``HTTP2`` or ``GRPC`` needs a ``certificate`` (and ``load_balancer_props`` must not
        turn ``http2_enabled`` off); see ``health_check_grpc_codes``. Default: - none.
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
        existing_repository: ecr.IRepository | None = None,
        container_port: int = 80,
        cpu: int = 256,
        memory_limit_mib: int = 512,
        cpu_architecture: ecs.CpuArchitecture | None = None,
        ephemeral_storage_gib: int | None = None,
        environment: Mapping[str, str] | None = None,
        secrets: Mapping[str, ecs.Secret] | None = None,
        command: Sequence[str] | None = None,
        entry_point: Sequence[str] | None = None,
        container_health_check: ecs.HealthCheck | None = None,
        desired_count: int = 2,
        spot: bool = False,
        capacity_provider_strategies: Sequence[ecs.CapacityProviderStrategy] | None = None,
        enable_execute_command: bool = False,
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
        health_check_grpc_codes: str | None = None,
        health_check_grace_period: cdk.Duration | None = None,
        certificate: acm.ICertificate | None = None,
        internet_facing: bool = True,
        idle_timeout: cdk.Duration | None = None,
        ssl_policy: elbv2.SslPolicy | None = None,
        dual_stack: bool = False,
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
        task_definition_props: Mapping[str, Any] | None = None,
        container_props: Mapping[str, Any] | None = None,
        fargate_service_props: Mapping[str, Any] | None = None,
        load_balancer_props: Mapping[str, Any] | None = None,
        target_group_props: Mapping[str, Any] | None = None,
        output_suffix: str | None = None,
    ) -> None:
        # Every argument is checked before anything is created.
        settings = resolve_service_props(
            scope,
            id,
            DeploymentMode,
            existing_vpc=existing_vpc,
            vpc_cidr=vpc_cidr,
            max_azs=max_azs,
            nat_gateways=nat_gateways,
            image=image,
            image_tag=image_tag,
            container_port=container_port,
            cpu=cpu,
            memory_limit_mib=memory_limit_mib,
            environment=environment,
            secrets=secrets,
            desired_count=desired_count,
            min_capacity=min_capacity,
            max_capacity=max_capacity,
            cpu_target_utilization=cpu_target_utilization,
            requests_per_target=requests_per_target,
            health_check_path=health_check_path,
            health_check_interval=health_check_interval,
            health_check_timeout=health_check_timeout,
            health_check_healthy_threshold=health_check_healthy_threshold,
            health_check_unhealthy_threshold=health_check_unhealthy_threshold,
            health_check_healthy_http_codes=health_check_healthy_http_codes,
            health_check_grace_period=health_check_grace_period,
            certificate=certificate,
            internet_facing=internet_facing,
            web_acl_arn=web_acl_arn,
            deployment_mode=deployment_mode,
            bake_time=bake_time,
            traffic_shift_percent=traffic_shift_percent,
            traffic_shift_interval=traffic_shift_interval,
            test_listener_port=test_listener_port,
            code_deploy_config=code_deploy_config,
            target_5xx_threshold=target_5xx_threshold,
            latency_threshold=latency_threshold,
            repository_name=repository_name,
            image_replication_regions=image_replication_regions,
            max_image_count=max_image_count,
            untagged_image_expiry_days=untagged_image_expiry_days,
            log_retention=log_retention,
            log_encryption_key=log_encryption_key,
            removal_policy=removal_policy,
            output_suffix=output_suffix,
            cpu_architecture=cpu_architecture,
            ephemeral_storage_gib=ephemeral_storage_gib,
            command=command,
            entry_point=entry_point,
            container_health_check=container_health_check,
            spot=spot,
            capacity_provider_strategies=capacity_provider_strategies,
            enable_execute_command=enable_execute_command,
            idle_timeout=idle_timeout,
            task_definition_props=task_definition_props,
            container_props=container_props,
            fargate_service_props=fargate_service_props,
            load_balancer_props=load_balancer_props,
            target_group_props=target_group_props,
            existing_repository=existing_repository,
            ssl_policy=ssl_policy,
            dual_stack=dual_stack,
            health_check_grpc_codes=health_check_grpc_codes,
        )
        super().__init__(scope, id)
        require_replication_regions(cdk.Stack.of(self), settings.replication)
        self._deployment_mode = deployment_mode
        self._container_port = container_port

        # The builders add their children to this construct in this order (the template's).
        self._network = build_network(self, settings)
        vpc = self._network.vpc
        self._registry = build_registry(self, settings)
        self._tasks = build_tasks(self, settings, vpc, self._registry.repository, CONTAINER_NAME)
        self._lb = build_load_balancer(self, settings, self._network)
        self._routes = Routes(self, self._lb)
        self._alarms = build_deployment_alarms(self, settings, self._lb)
        self._service = build_service(
            self,
            settings,
            self._tasks,
            security_group=self._lb.service_security_group,
            deployment_options=deployment_options(settings, self._alarms.names),
            deployment_alarms=self._alarms.all,
        )
        self._rollout = attach_deployment(
            self, settings, self._service, self._lb, self._alarms, container_name=CONTAINER_NAME
        )
        self._scaling = add_autoscaling(self._service, settings, self._lb.blue)
        self._stood_down = False
        dns_name = self._lb.load_balancer.load_balancer_dns_name
        self._service_url = f"{'https' if certificate else 'http'}://{dns_name}"
        self._web_acl_association = associate_web_acl(self, settings, self._lb.load_balancer)
        acknowledge_findings(self, settings, self._network)
        skip_checkov_checks(settings, self._network, self._registry, self._tasks, self._lb)
        add_service_outputs(
            self,
            self._network,
            self._registry,
            self._tasks,
            self._service,
            self._lb,
            service_url=self._service_url,
            suffix=settings.suffix,
        )

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
        return code_deploy_appspec(
            task_definition_arn, container_name=CONTAINER_NAME, container_port=self._container_port
        )

    def add_route(
        self,
        id: str,
        *,
        priority: int,
        path_patterns: Sequence[str] | None = None,
        host_headers: Sequence[str] | None = None,
        conditions: Sequence[elbv2.ListenerCondition] | None = None,
        target_groups: Sequence[elbv2.IApplicationTargetGroup] | None = None,
        action: elbv2.ListenerAction | None = None,
    ) -> elbv2.ApplicationListenerRule:
        """Send the requests that match every condition to your own target groups (or
        answer them with ``action``), before the library's catch-all rule (see "Routes")::

            api = elbv2.ApplicationTargetGroup(stack, "Api", vpc=service.vpc, port=8080,
                                               target_type=elbv2.TargetType.IP)
            service.add_route("Api", priority=10, path_patterns=["/api/*"],
                              target_groups=[api])

        :param id: The route's id, unique in the service; the rule is ``Route<id>``.
            Changing it replaces the rule.
        :param priority: 1 to 49999, unique among the routes; lower is evaluated first.
        :param path_patterns: Up to five path patterns (``*`` and ``?`` wildcards).
            Default: - no path condition.
        :param host_headers: Up to five host names (``*`` and ``?`` wildcards).
            Default: - no host condition.
        :param conditions: Further conditions (HTTP headers, methods, query strings, source
            IPs). A route needs at least one condition in all. Default: - none.
        :param target_groups: Forward to these target groups, not blue or green. Exclusive
            with ``action``. Default: - ``action``.
        :param action: Any listener action (fixed response, redirect, weighted forward).
            Default: - forward to ``target_groups``.
        :raises ValidationError: for a taken id or priority, no condition, both or neither of
            ``target_groups`` and ``action``, or a forward to the blue or green target group.
        """
        return self._routes.add(
            id,
            priority=priority,
            path_patterns=path_patterns,
            host_headers=host_headers,
            conditions=conditions,
            target_groups=target_groups,
            action=action,
        )

    @property
    def routes(self) -> Mapping[str, elbv2.ApplicationListenerRule]:
        """The listener rules of :meth:`add_route`, by route id."""
        return self._routes.rules

    @property
    def deployment_mode(self) -> DeploymentMode:
        """How new task definitions roll out."""
        return self._deployment_mode

    @property
    def vpc(self) -> ec2.IVpc:
        """The VPC (created, or ``existing_vpc``)."""
        return self._network.vpc

    @property
    def vpc_cidr(self) -> str:
        """The VPC's IPv4 CIDR (a literal for a created VPC)."""
        return self._network.vpc_cidr

    @property
    def flow_log(self) -> ec2.FlowLog | None:
        """The VPC flow log, or ``None`` with ``existing_vpc``."""
        return self._network.flow_log

    @property
    def flow_log_group(self) -> logs.LogGroup | None:
        """The flow log's log group, or ``None`` with ``existing_vpc``."""
        return self._network.flow_log_group

    @property
    def repository(self) -> ecr.IRepository | None:
        """The ECR repository: the one created (an ``ecr.Repository``) or
        ``existing_repository``; ``None`` with ``image`` (the service pulls that image, so no
        repository is created)."""
        return self._registry.repository

    @property
    def replication_configuration(self) -> ecr.CfnReplicationConfiguration | None:
        """The registry's replication configuration (with ``image_replication_regions``)."""
        return self._registry.replication

    @property
    def cluster(self) -> ecs.Cluster:
        """The ECS cluster."""
        return self._tasks.cluster

    @property
    def log_group(self) -> logs.LogGroup:
        """The container's log group."""
        return self._tasks.log_group

    @property
    def task_definition(self) -> ecs.FargateTaskDefinition:
        """The Fargate task definition (its ``task_role`` starts without permissions)."""
        return self._tasks.task_definition

    @property
    def container(self) -> ecs.ContainerDefinition:
        """The application container: add environment variables and secrets to it."""
        return self._tasks.container

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
        return self._lb.service_security_group

    @property
    def load_balancer(self) -> elbv2.ApplicationLoadBalancer:
        """The Application Load Balancer."""
        return self._lb.load_balancer

    @property
    def load_balancer_security_group(self) -> ec2.SecurityGroup:
        """The load balancer's security group."""
        return self._lb.lb_security_group

    @property
    def access_logs_bucket(self) -> s3.Bucket:
        """The bucket of the load balancer's access logs."""
        return self._lb.access_logs_bucket

    @property
    def production_listener(self) -> elbv2.ApplicationListener:
        """The listener of production traffic (HTTPS 443 with a certificate, else HTTP 80)."""
        return self._lb.production_listener

    @property
    def redirect_listener(self) -> elbv2.ApplicationListener | None:
        """The HTTP → HTTPS redirect listener on port 80, when a certificate was given."""
        return self._lb.redirect_listener

    @property
    def test_listener(self) -> elbv2.ApplicationListener | None:
        """The test listener, when ``test_listener_port`` was given."""
        return self._lb.test_listener

    @property
    def production_rule(self) -> elbv2.ApplicationListenerRule | None:
        """The production listener rule ECS rewrites (ECS-native modes), else ``None``."""
        return self._lb.production_rule

    @property
    def test_rule(self) -> elbv2.ApplicationListenerRule | None:
        """The test listener rule (ECS-native modes with a test listener), else ``None``."""
        return self._lb.test_rule

    @property
    def blue_target_group(self) -> elbv2.ApplicationTargetGroup:
        """The target group of the first deployment (production until the first blue/green)."""
        return self._lb.blue

    @property
    def green_target_group(self) -> elbv2.ApplicationTargetGroup:
        """The alternate target group. Blue and green swap roles at every deployment."""
        return self._lb.green

    @property
    def target_groups(self) -> tuple[elbv2.ApplicationTargetGroup, elbv2.ApplicationTargetGroup]:
        """Both target groups (blue, green): monitor both, either can be production."""
        return (self._lb.blue, self._lb.green)

    @property
    def target_5xx_alarm(self) -> cloudwatch.Alarm:
        """Deployment alarm: 5xx responses of the targets (both groups)."""
        return self._alarms.target_5xx

    @property
    def unhealthy_hosts_alarm(self) -> cloudwatch.Alarm:
        """Deployment alarm: unhealthy targets in either group."""
        return self._alarms.unhealthy_hosts

    @property
    def latency_alarm(self) -> cloudwatch.Alarm | None:
        """Deployment alarm on p95 response time, when ``latency_threshold`` was given."""
        return self._alarms.latency

    @property
    def deployment_alarms(self) -> tuple[cloudwatch.Alarm, ...]:
        """Every deployment alarm (monitoring should reuse these rather than duplicate them)."""
        return self._alarms.all

    @property
    def deployment_alarm_names(self) -> tuple[str, ...]:
        """The deployment alarms' fixed names (literal strings)."""
        return self._alarms.names

    @property
    def deployment_group(self) -> codedeploy.EcsDeploymentGroup | None:
        """The CodeDeploy deployment group in ``CODE_DEPLOY`` mode, else ``None``."""
        return self._rollout.deployment_group

    @property
    def blue_green_role(self) -> iam.Role | None:
        """The role ECS uses to rewrite the listener rules (ECS-native modes), else ``None``."""
        return self._rollout.blue_green_role

    @property
    def web_acl_association(self) -> wafv2.CfnWebACLAssociation | None:
        """The WAF association, when ``web_acl_arn`` was given."""
        return self._web_acl_association

    @property
    def scaling(self) -> ecs.ScalableTaskCount:
        """The service's scalable task count (add scaling policies to it)."""
        return self._scaling

    @property
    def stood_down(self) -> bool:
        """Whether :meth:`stand_down` scaled this service to zero tasks."""
        return self._stood_down

    def stand_down(self) -> None:
        """Scale the service to zero tasks and keep it there (desired count 0, autoscaling
        between 0 and 0), so this region serves nothing while everything else stays in place.

        :class:`~multiregion_tap.MultiRegionApp` stands a region down whose writer a
        failover superseded (``ReplicatedDatabaseProps.history``): when that region comes
        back, its service must not write to the old, diverged database. Undo it by building
        the service without calling this method; its next deploy scales it back up.
        """
        scale_to_zero(self._service, self._scaling)
        self._stood_down = True

    @property
    def container_port(self) -> int:
        """The port the container listens on."""
        return self._container_port

    @property
    def service_url(self) -> str:
        """``http(s)://<load balancer DNS name>``."""
        return self._service_url
