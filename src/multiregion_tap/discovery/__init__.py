"""Find a deployed multiregion-tap app in every region, from stack outputs and tags.

:func:`discover` takes an app name, its regions and AWS credentials (a ``boto3.Session`` or a
factory of boto3 clients, so tests and local emulators can point clients at their own
endpoints) and returns a :class:`Topology`: for every region, the app's stack and the VPC,
subnets, ECS cluster and service, load balancer, target groups, database, alarm topic, alarms
and dashboards it holds; across regions, the Route 53 failover records and health checks and
the VPC peering connections with their routes.

How resources are found, in this order:

1. The stacks, by their deterministic names (``StackNames`` in :mod:`multiregion_tap.outputs`):
   ``<app_name>-<region>`` for the regional stacks and ``<app_name>-dns``,
   ``<app_name>-peering``, ``<app_name>-peering-routes-<region>`` for the helper stacks (any
   other stack whose ``MultiRegionTapAppName`` output or ``multiregion-tap:app`` tag names the
   app is kept as a helper stack). A stack whose ``MultiRegionTapAppName`` output names another
   app is never taken.
2. Each resource, from the stack's well-known outputs (:class:`~multiregion_tap.OutputNames`,
   the contract), then from the stack's own resource list (by CloudFormation resource type),
   then, where AWS links them, from resources already found (the service's target groups, the
   VPCs' peering connections, the alarms that notify the alarm topic).

The region of every resource is the region in its ARN or the region of the client that
returned it (the stack's region): it is never parsed out of a logical id or a physical name.
A piece that is not deployed is reported as absent (``None`` or an empty tuple); only an app
without a single stack in any of the regions raises :class:`AppNotFoundError`, and a region
whose AWS endpoint does not answer raises :class:`RegionUnreachableError`, unless
``discover(..., tolerate_unreachable=True)``: then each region is first probed with one bounded
call (all regions at once), and an unreachable region is returned marked
(``RegionTopology.reachable`` is ``False``, with the ``error``) while the others are discovered.

This package imports neither aws-cdk-lib nor jsii (no Node.js needed), and boto3 only when
:func:`discover` creates clients itself; install boto3 with the ``discovery`` extra
(``pip install "multiregion-tap[discovery]"``), which also gives the ``multiregion-tap``
command (:mod:`multiregion_tap.discovery.cli`)::

    multiregion-tap discover shop --regions us-east-1,us-east-2
    multiregion-tap status shop --regions us-east-1,us-east-2   # during an outage too

Example::

    from multiregion_tap.discovery import discover

    topology = discover("shop", ["us-east-1", "us-east-2"])
    print(topology.format_table())
    topology.region("us-east-2").database.source_arn   # the primary's ARN in us-east-1

The public API is this package's ``__all__``. Its modules hold the result model (``model``,
``topology``), the rendering (``render``), AWS access (``aws``), the region probe (``reach``),
the parsing of AWS responses (``parse``), Route 53 (``dns``), the walk (``walk``), the operator's
status and its next step (``status``, ``advice``) and the command line (``cli``).
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping  # noqa: F401  (annotations of the classes, see below)
from typing import Any, ClassVar  # noqa: F401  (annotations of the classes, see below)

from .advice import RegionState, next_step
from .aws import ClientFactory, SessionLike
from .model import (
    AlarmInfo,
    AppNotFoundError,
    ClusterInfo,
    DashboardInfo,
    DatabaseInfo,
    DnsInfo,
    FailoverRecordInfo,
    HealthCheckInfo,
    LoadBalancerInfo,
    PeeringConnectionInfo,
    PeeringRouteInfo,
    RegionTopology,
    RegionUnreachableError,
    ServiceInfo,
    ServiceLoadBalancer,
    StackInfo,
    StackKind,
    SubnetInfo,
    TargetGroupInfo,
    TopicInfo,
    VpcInfo,
)
from .render import TableRow
from .status import AppStatus, DnsStatus, HealthCheckStatus, RegionStatus, app_status
from .topology import Topology
from .walk import discover

__all__ = [
    "AlarmInfo",
    "AppNotFoundError",
    "AppStatus",
    "ClientFactory",
    "ClusterInfo",
    "DashboardInfo",
    "DatabaseInfo",
    "DnsInfo",
    "DnsStatus",
    "FailoverRecordInfo",
    "HealthCheckInfo",
    "HealthCheckStatus",
    "LoadBalancerInfo",
    "PeeringConnectionInfo",
    "PeeringRouteInfo",
    "RegionState",
    "RegionStatus",
    "RegionTopology",
    "RegionUnreachableError",
    "ServiceInfo",
    "ServiceLoadBalancer",
    "SessionLike",
    "StackInfo",
    "StackKind",
    "SubnetInfo",
    "TableRow",
    "TargetGroupInfo",
    "TopicInfo",
    "Topology",
    "VpcInfo",
    "app_status",
    "discover",
    "next_step",
]

# The public names are documented (and cross-referenced) as ``multiregion_tap.discovery.<Name>``,
# where users import them from, not under the module that defines them (numpy's
# ``set_module`` does the same). ``typing.get_type_hints`` then evaluates a class's string
# annotations in this namespace, so the names those use are imported here too (a unit test
# checks every public class).
for _value in [globals()[_name] for _name in __all__]:
    if isinstance(_value, type) or inspect.isfunction(_value):
        _value.__module__ = __name__
del _value
