"""Well-known stack output names and tag keys.

Every regional stack of a :class:`~multiregion_tap.MultiRegionApp` carries CloudFormation
outputs under these exact names (the output's logical id), so a deployed app can be
discovered from the stack name ``<app_name>-<region>`` plus an output name, in any region,
without parsing logical ids or physical names. Constructs fill the outputs that concern
them; an output a feature does not create is simply absent.
"""

from __future__ import annotations

from typing import Final

__all__ = ["OutputNames", "TagKeys"]


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
