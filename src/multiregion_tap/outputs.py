"""The deployed app's contract: stack names, output names, tag keys and region roles.

Every regional stack of a :class:`~multiregion_tap.MultiRegionApp` carries CloudFormation
outputs under these exact names (the output's logical id), so a deployed app can be
discovered from the stack name ``<app_name>-<region>`` plus an output name, in any region,
without parsing logical ids or physical names. Constructs fill the outputs that concern
them; an output a feature does not create is simply absent.

This module is pure Python (no aws-cdk-lib, no jsii): :mod:`multiregion_tap.discovery` reads
deployed apps with it on machines without Node.js.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = [
    "APP_NAME_MAX_LENGTH",
    "APP_NAME_PATTERN",
    "OUTPUT_SUFFIX_PATTERN",
    "OutputNames",
    "RegionRole",
    "StackNames",
    "TagKeys",
]

#: Longest ``app_name`` accepted. It prefixes every stack name
#: (``<app_name>-peering-routes-<region>`` must stay under CloudFormation's 128 characters)
#: and every hash-truncated physical name.
APP_NAME_MAX_LENGTH: Final = 64
#: What an ``app_name`` looks like: lowercase letters, digits and single hyphens, starting
#: with a letter and not ending with a hyphen (it is used in stack names, tags and DNS-style
#: names).
APP_NAME_PATTERN: Final = re.compile(r"[a-z](?:[a-z0-9]|-(?=[a-z0-9]))*")
#: What an ``output_suffix`` looks like: up to 32 ASCII letters and digits, because it ends a
#: CloudFormation logical id (ASCII alphanumeric only).
OUTPUT_SUFFIX_PATTERN: Final = re.compile(r"[A-Za-z0-9]{0,32}")


class RegionRole:
    """The role of a region in a :class:`~multiregion_tap.MultiRegionApp` (the value of the
    region-role tag and of the ``MultiRegionTapRegionRole`` output)."""

    PRIMARY: Final = "primary"
    SECONDARY: Final = "secondary"
    #: A helper stack in a region the app does not serve from (for example Route 53
    #: health-check alarms, whose metrics exist only in us-east-1).
    GLOBAL: Final = "global"


class StackNames:
    """The stack names of a :class:`~multiregion_tap.MultiRegionApp`.

    Every stack name is ``<app_name>-<suffix>``; the suffix of a regional stack is its region,
    the helper stacks use the suffixes below. The CDK CLI selects each stack by this name
    (``cdk deploy shop-us-east-2``), and discovery finds a deployed app by it.
    """

    #: Route 53 health checks and failover records: ``<app_name>-dns``.
    DNS: Final = "dns"
    #: VPC peering connections and the primary region's routes: ``<app_name>-peering``.
    PEERING: Final = "peering"
    #: A secondary region's routes to the peering connection:
    #: ``<app_name>-peering-routes-<region>``.
    PEERING_ROUTES_PREFIX: Final = "peering-routes-"
    #: The overview dashboard of every region: ``<app_name>-monitoring``.
    MONITORING: Final = "monitoring"
    #: Alarms on the Route 53 health checks, in the region where Route 53 publishes their
    #: metrics (us-east-1): ``<app_name>-dns-alarms``.
    DNS_ALARMS: Final = "dns-alarms"
    #: What a secondary region keeps of the primary's database credentials (the name of its
    #: replica of the secret), so a promotion never reads the primary region:
    #: ``<app_name>-credentials-<region>``.
    CREDENTIALS_PREFIX: Final = "credentials-"

    @staticmethod
    def regional(app_name: str, region: str) -> str:
        """``<app_name>-<region>``, e.g. ``shop-us-east-1``."""
        return f"{app_name}-{region}"

    @staticmethod
    def helper(app_name: str, suffix: str) -> str:
        """``<app_name>-<suffix>``, e.g. ``shop-dns``."""
        return f"{app_name}-{suffix}"

    @classmethod
    def dns(cls, app_name: str) -> str:
        """``<app_name>-dns``."""
        return cls.helper(app_name, cls.DNS)

    @classmethod
    def peering(cls, app_name: str) -> str:
        """``<app_name>-peering``."""
        return cls.helper(app_name, cls.PEERING)

    @classmethod
    def peering_routes_suffix(cls, region: str) -> str:
        """``peering-routes-<region>``: the suffix of a secondary region's routes stack."""
        return f"{cls.PEERING_ROUTES_PREFIX}{region}"

    @classmethod
    def peering_routes(cls, app_name: str, region: str) -> str:
        """``<app_name>-peering-routes-<region>``."""
        return cls.helper(app_name, cls.peering_routes_suffix(region))

    @classmethod
    def peering_mesh_suffix(cls, region: str) -> str:
        """``peering-<region>``: the suffix of the stack of a secondary region (three regions
        or more) that peers it with the secondary regions after it."""
        return f"{cls.PEERING}-{region}"

    @classmethod
    def peering_mesh(cls, app_name: str, region: str) -> str:
        """``<app_name>-peering-<region>``."""
        return cls.helper(app_name, cls.peering_mesh_suffix(region))

    @classmethod
    def monitoring(cls, app_name: str) -> str:
        """``<app_name>-monitoring``."""
        return cls.helper(app_name, cls.MONITORING)

    @classmethod
    def dns_alarms(cls, app_name: str) -> str:
        """``<app_name>-dns-alarms``."""
        return cls.helper(app_name, cls.DNS_ALARMS)

    @classmethod
    def credentials_suffix(cls, region: str) -> str:
        """``credentials-<region>``: the suffix of a secondary region's credentials stack."""
        return f"{cls.CREDENTIALS_PREFIX}{region}"

    @classmethod
    def credentials(cls, app_name: str, region: str) -> str:
        """``<app_name>-credentials-<region>``."""
        return cls.helper(app_name, cls.credentials_suffix(region))


class TagKeys:
    """Tag keys that :class:`~multiregion_tap.MultiRegionApp` puts on every taggable resource."""

    #: The app's ``app_name``. Find everything of one app with this tag.
    APP: Final = "multiregion-tap:app"
    #: ``primary``, ``secondary`` or ``global``: the role of the region the resource is in.
    REGION_ROLE: Final = "multiregion-tap:region-role"


class OutputNames:
    """Names of the outputs on the stacks of a :class:`~multiregion_tap.MultiRegionApp`.

    On every stack the app creates (regional and helper stacks):
    """

    #: The app's ``app_name``.
    APP_NAME: Final = "MultiRegionTapAppName"
    #: The region the stack deploys to.
    REGION: Final = "MultiRegionTapRegion"
    #: ``primary``, ``secondary`` or ``global`` (a helper stack outside the app's regions).
    REGION_ROLE: Final = "MultiRegionTapRegionRole"

    # Regional stacks, filled by RegionalService.
    #: VPC id.
    VPC_ID: Final = "VpcId"
    #: VPC IPv4 CIDR block.
    VPC_CIDR: Final = "VpcCidr"
    #: ECR repository URI (the primary's repository; secondaries hold a replica).
    REPOSITORY_URI: Final = "RepositoryUri"
    #: ECS cluster name.
    CLUSTER_NAME: Final = "ClusterName"
    #: ECS service name.
    SERVICE_NAME: Final = "ServiceName"
    #: ECS service ARN.
    SERVICE_ARN: Final = "ServiceArn"
    #: Application Load Balancer ARN.
    LOAD_BALANCER_ARN: Final = "LoadBalancerArn"
    #: Application Load Balancer DNS name.
    LOAD_BALANCER_DNS_NAME: Final = "LoadBalancerDnsName"
    #: Production (blue) target group ARN.
    BLUE_TARGET_GROUP_ARN: Final = "BlueTargetGroupArn"
    #: Alternate (green) target group ARN.
    GREEN_TARGET_GROUP_ARN: Final = "GreenTargetGroupArn"
    #: The URL the service answers on in this region (through its load balancer).
    SERVICE_URL: Final = "ServiceUrl"

    # Regional stacks, filled by ReplicatedDatabase.
    #: DB instance identifier (the primary in the primary region, the replica elsewhere).
    DATABASE_IDENTIFIER: Final = "DatabaseIdentifier"
    #: DB instance ARN.
    DATABASE_ARN: Final = "DatabaseArn"
    #: DB endpoint address.
    DATABASE_ENDPOINT: Final = "DatabaseEndpoint"
    #: DB port.
    DATABASE_PORT: Final = "DatabasePort"
    #: ARN of the credentials secret (its replica in secondary regions).
    DATABASE_SECRET_ARN: Final = "DatabaseSecretArn"
    #: Name of the credentials secret, on ``<app_name>-credentials-<region>``: what a secondary
    #: region keeps of it, so a promotion there reads nothing from the primary region.
    DATABASE_SECRET_NAME: Final = "DatabaseSecretName"
    #: The database's history after a failover (``ReplicatedDatabaseProps.history``, comma
    #: separated), on every regional stack; absent before the first failover.
    DATABASE_HISTORY: Final = "DatabaseHistory"

    # Regional stacks, filled by monitoring.
    #: SNS topic ARN that alarms notify.
    ALARM_TOPIC_ARN: Final = "AlarmTopicArn"
    #: CloudWatch dashboard name of the region.
    DASHBOARD_NAME: Final = "DashboardName"

    # The DNS stack, filled by FailoverDns.
    #: Hosted zone id.
    HOSTED_ZONE_ID: Final = "HostedZoneId"
    #: The failover record name (fully qualified).
    RECORD_NAME: Final = "FailoverRecordName"

    # Peering stacks, filled by CrossRegionPeering.
    #: Peering connection id (one per secondary region; suffixed with the region code).
    PEERING_CONNECTION_ID: Final = "PeeringConnectionId"

    @classmethod
    def all(cls) -> tuple[str, ...]:
        """Every well-known output name, in declaration order."""
        return tuple(
            value for name, value in vars(cls).items() if name.isupper() and isinstance(value, str)
        )
