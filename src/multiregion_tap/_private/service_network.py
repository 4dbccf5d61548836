"""Network builder of :class:`~multiregion_tap.RegionalService` (private).

Layout of the ``RegionalService`` builders, one flat ``_private/service_<concern>.py`` module
per concern: ``service_props`` (validation, resolved :class:`~.service_props.ServiceSettings`),
``service_network``, ``service_registry``, ``service_compute``, ``service_load_balancer``,
``service_deployment``, ``service_compliance`` and ``service_outputs``. Each builder is a plain
function that takes the ``RegionalService`` construct (or the resource it extends) and the
settings, creates its children directly on the construct under the construct ids the class
always used (construct ids are part of the logical ids: never rename them) and returns what it
created, as a small frozen dataclass. The constructor calls them in a fixed order, which is
the order of the resources in the template."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_logs as logs
from constructs import Construct

from .service_checks import (
    ISOLATED_SUBNET_EXTRA_BITS,
    PRIVATE_SUBNET_EXTRA_BITS,
    PUBLIC_SUBNET_EXTRA_BITS,
)
from .service_props import ServiceSettings

__all__ = ["Network", "build_network"]


@dataclass(frozen=True)
class Network:
    """The service's VPC; the flow log and its group only when the VPC was created."""

    vpc: ec2.IVpc
    vpc_cidr: str
    flow_log: ec2.FlowLog | None = None
    flow_log_group: logs.LogGroup | None = None


def build_network(scope: Construct, settings: ServiceSettings) -> Network:
    """``Vpc`` and ``FlowLogGroup`` (with the flow log ``Vpc/FlowLog``), unless
    ``existing_vpc`` was given: then nothing is created."""
    if settings.existing_vpc is not None:
        return Network(settings.existing_vpc, settings.existing_vpc.vpc_cidr_block)
    cidr = settings.cidr
    prefix = int(cidr.split("/")[1])
    dual_stack: dict[str, Any] = {}
    subnet_ipv6: dict[str, Any] = {}
    if settings.options.dual_stack:
        # An Amazon-provided IPv6 block, a /64 per subnet, and an egress-only internet
        # gateway for the private subnets (CDK's DUAL_STACK layout). Nothing in the subnets
        # gets an IPv6 address unasked: the load balancer takes its own, the tasks stay IPv4.
        dual_stack["ip_protocol"] = ec2.IpProtocol.DUAL_STACK
        subnet_ipv6["ipv6_assign_address_on_creation"] = False
    vpc = ec2.Vpc(
        scope,
        "Vpc",
        ip_addresses=ec2.IpAddresses.cidr(cidr),
        **dual_stack,
        max_azs=settings.max_azs,
        nat_gateways=settings.nat_count,
        restrict_default_security_group=False,
        subnet_configuration=[
            ec2.SubnetConfiguration(
                name="Public",
                subnet_type=ec2.SubnetType.PUBLIC,
                cidr_mask=prefix + PUBLIC_SUBNET_EXTRA_BITS,
                map_public_ip_on_launch=False,
                **subnet_ipv6,
            ),
            ec2.SubnetConfiguration(
                name="Private",
                subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS,
                cidr_mask=prefix + PRIVATE_SUBNET_EXTRA_BITS,
                **subnet_ipv6,
            ),
            ec2.SubnetConfiguration(
                name="Isolated",
                subnet_type=ec2.SubnetType.PRIVATE_ISOLATED,
                cidr_mask=prefix + ISOLATED_SUBNET_EXTRA_BITS,
                **subnet_ipv6,
            ),
        ],
    )
    flow_log_group = logs.LogGroup(
        scope,
        "FlowLogGroup",
        retention=settings.retention,
        encryption_key=settings.log_encryption_key,
        removal_policy=settings.removal,
    )
    flow_log = vpc.add_flow_log(
        "FlowLog",
        destination=ec2.FlowLogDestination.to_cloud_watch_logs(flow_log_group),
        traffic_type=ec2.FlowLogTrafficType.ALL,
    )
    return Network(vpc, cidr, flow_log, flow_log_group)
