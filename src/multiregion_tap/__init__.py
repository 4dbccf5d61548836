"""multiregion-tap: AWS CDK constructs for a web service that survives losing a region.

The public API is what ``__all__`` lists; everything under ``multiregion_tap._private`` may
change in any release.

Names are imported on first use (PEP 562): ``import multiregion_tap`` alone loads neither
aws-cdk-lib nor jsii, ``multiregion_tap.OutputNames`` loads only the pure-Python
:mod:`multiregion_tap.outputs`, and the first construct used starts jsii (and Node.js).
:mod:`multiregion_tap.discovery` never needs aws-cdk-lib.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what type checkers and IDEs see; at run time, __getattr__ below
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
    from .multi_region_app import MultiRegionApp
    from .outputs import OutputNames, RegionRole, StackNames, TagKeys
    from .per_region import PerRegion
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

    __version__: str

#: Public name -> the module (relative to this package) that defines it. ``RegionRole`` is
#: defined in the pure-Python ``outputs`` (``multi_region_app`` re-exports the same class).
_LAZY: dict[str, str] = {
    "AlarmTopic": ".monitoring",
    "CrossRegionPeering": ".cross_region_peering",
    "CrossRegionPeeringProps": ".cross_region_peering",
    "DatabaseReplica": ".replicated_database",
    "DeploymentMode": ".regional_service",
    "FailoverDns": ".failover_dns",
    "PerRegion": ".per_region",
    "FailoverDnsProps": ".failover_dns",
    "HealthCheckAlarms": ".monitoring",
    "HealthCheckAlarmsProps": ".monitoring",
    "MultiRegionApp": ".multi_region_app",
    "OutputNames": ".outputs",
    "OverviewDashboard": ".monitoring",
    "PeeredVpc": ".cross_region_peering",
    "RegionRole": ".outputs",
    "RegionalDatabase": ".replicated_database",
    "RegionalMetrics": ".monitoring",
    "RegionalMonitoring": ".monitoring",
    "RegionalMonitoringProps": ".monitoring",
    "RegionalService": ".regional_service",
    "RegionalServiceProps": ".regional_service",
    "ReplicatedDatabase": ".replicated_database",
    "ReplicatedDatabaseProps": ".replicated_database",
    "StackNames": ".outputs",
    "TagKeys": ".outputs",
    "ValidationError": ".errors",
    "allow_peer_cidr": ".cross_region_peering",
    "default_vpc_cidr": ".regional_service",
}

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
    "PerRegion",
    "RegionRole",
    "RegionalDatabase",
    "RegionalMetrics",
    "RegionalMonitoring",
    "RegionalMonitoringProps",
    "RegionalService",
    "RegionalServiceProps",
    "ReplicatedDatabase",
    "ReplicatedDatabaseProps",
    "StackNames",
    "TagKeys",
    "ValidationError",
    "__version__",
    "allow_peer_cidr",
    "default_vpc_cidr",
]


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version("multiregion-tap")
    except metadata.PackageNotFoundError:  # pragma: no cover - only when not installed
        return "0+unknown"


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use (PEP 562), then keep it here."""
    if name == "__version__":
        value: Any = _version()
    elif name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
