"""Stack outputs of :class:`~multiregion_tap.RegionalService` (private).

The last ``service_*`` builder (see :mod:`.service_network`): the well-known outputs of the
:class:`~multiregion_tap.OutputNames` contract that discovery reads.
"""

from __future__ import annotations

from aws_cdk import aws_ecs as ecs
from constructs import Construct

from ..outputs import OutputNames
from .outputs import add_well_known_output
from .service_compute import Tasks
from .service_load_balancer import LoadBalancing
from .service_network import Network
from .service_registry import Registry

__all__ = ["add_service_outputs"]


def add_service_outputs(
    scope: Construct,
    network: Network,
    registry: Registry,
    tasks: Tasks,
    service: ecs.FargateService,
    lb: LoadBalancing,
    *,
    service_url: str,
    suffix: str,
) -> None:
    """Add the outputs, each name followed by ``suffix``."""
    outputs: list[tuple[str, str, str]] = [
        (OutputNames.VPC_ID, network.vpc.vpc_id, "VPC of the regional service"),
        (OutputNames.VPC_CIDR, network.vpc_cidr, "IPv4 CIDR block of the VPC"),
        # No repository with ``image``: the service pulls that image.
        *(
            [(OutputNames.REPOSITORY_URI, registry.repository.repository_uri, "ECR repository URI")]
            if registry.repository is not None
            else []
        ),
        (OutputNames.CLUSTER_NAME, tasks.cluster.cluster_name, "ECS cluster name"),
        (OutputNames.SERVICE_NAME, service.service_name, "ECS service name"),
        (OutputNames.SERVICE_ARN, service.service_arn, "ECS service ARN"),
        (OutputNames.LOAD_BALANCER_ARN, lb.load_balancer.load_balancer_arn, "ALB ARN"),
        (
            OutputNames.LOAD_BALANCER_DNS_NAME,
            lb.load_balancer.load_balancer_dns_name,
            "ALB DNS name",
        ),
        (
            OutputNames.BLUE_TARGET_GROUP_ARN,
            lb.blue.target_group_arn,
            "Blue (initially production) target group ARN",
        ),
        (
            OutputNames.GREEN_TARGET_GROUP_ARN,
            lb.green.target_group_arn,
            "Green (initially alternate) target group ARN",
        ),
        (OutputNames.SERVICE_URL, service_url, "URL of the service in this region"),
    ]
    for name, value, description in outputs:
        add_well_known_output(scope, name, value, description=description, suffix=suffix)
