"""multiregion-tap: AWS CDK constructs for a web service that survives losing a region.

The public API is what ``__all__`` lists; everything under ``multiregion_tap._private`` may
change in any release.
"""

from __future__ import annotations

from importlib import metadata as _metadata

from .cross_region_peering import (
    CrossRegionPeering,
    CrossRegionPeeringProps,
    PeeredVpc,
    allow_peer_cidr,
)
from .errors import ValidationError
from .failover_dns import FailoverDns, FailoverDnsProps
from .monitoring import (
    AlarmTopic,
    HealthCheckAlarms,
    HealthCheckAlarmsProps,
    OverviewDashboard,
    RegionalMetrics,
    RegionalMonitoring,
    RegionalMonitoringProps,
)
from .multi_region_app import MultiRegionApp, RegionRole
from .outputs import OutputNames, TagKeys
from .regional_service import (
    DeploymentMode,
    RegionalService,
    RegionalServiceProps,
    default_vpc_cidr,
)
from .replicated_database import (
    DatabaseReplica,
    RegionalDatabase,
    ReplicatedDatabase,
    ReplicatedDatabaseProps,
)

try:
    __version__ = _metadata.version("multiregion-tap")
except _metadata.PackageNotFoundError:  # pragma: no cover - only when not installed
    __version__ = "0+unknown"

__all__ = [
    "AlarmTopic",
    "CrossRegionPeering",
    "CrossRegionPeeringProps",
    "DatabaseReplica",
    "DeploymentMode",
    "FailoverDns",
    "FailoverDnsProps",
    "HealthCheckAlarms",
    "HealthCheckAlarmsProps",
    "MultiRegionApp",
    "OutputNames",
    "OverviewDashboard",
    "PeeredVpc",
    "RegionRole",
    "RegionalDatabase",
    "RegionalMetrics",
    "RegionalMonitoring",
    "RegionalMonitoringProps",
    "RegionalService",
    "RegionalServiceProps",
    "ReplicatedDatabase",
    "ReplicatedDatabaseProps",
    "TagKeys",
    "ValidationError",
    "__version__",
    "allow_peer_cidr",
    "default_vpc_cidr",
]
