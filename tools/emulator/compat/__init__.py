"""The project's compatibility layer over moto's CloudFormation (moto 5.2.5 exactly).

Importing this package checks the moto version (fails loudly on any other version) and then
patches moto in the current process, once:

- :mod:`.intrinsics`: ``Fn::GetStackOutput`` across regions, dynamic references
  (``{{resolve:secretsmanager:...}}``, ``{{resolve:ssm:...}}``), and ``Fn::GetAtt``
  attributes moto lacks (``HealthCheckId``, ``TargetGroupName``, ``CanonicalHostedZoneID``...);
  an attribute it cannot resolve is a template error, never a guessed value.
- :mod:`.resources`: resource types moto skips (Secrets Manager Secret and
  SecretTargetAttachment, CloudWatch Alarm, CodeDeploy Application and DeploymentGroup,
  SecurityGroupEgress, ECR ReplicationConfiguration, Application Auto Scaling).
- :mod:`.patches`: resource types moto creates incompletely or wrongly (ECS Service, Route 53
  RecordSet by HostedZoneName, RDS cross-region read replica, VPC peering accepted only when
  AWS would accept it).
- :mod:`.failures`: a resource that fails to create fails its stack (CREATE_FAILED event,
  ROLLBACK_COMPLETE), as CloudFormation reports it.
- :mod:`.lifecycle`: stack deletion (retain, snapshot, deletion protection, DELETE_FAILED),
  named resources that outlive their stack (AlreadyExists, ``ImportExistingResources``), ECR
  replication of images pushed after the configuration exists.
- :mod:`.protection`: stack termination protection (UpdateTerminationProtection; DeleteStack
  of a protected stack refused).
- :mod:`.ecr`: PutImage's refusals as ECR answers them (a missing repository, a tag already in
  an immutable repository).

Only the emulator server process imports it (``python -m tools.emulator serve``).
"""

from __future__ import annotations

from ._guard import PINNED_MOTO_VERSION, MotoVersionError, require_pinned_moto

require_pinned_moto()

from . import ecr, failures, intrinsics, lifecycle, patches, protection, resources  # noqa: E402

__all__ = ["PINNED_MOTO_VERSION", "MotoVersionError", "apply", "require_pinned_moto"]

_APPLIED = False


def apply() -> None:
    """Patch moto (idempotent)."""
    global _APPLIED
    if _APPLIED:
        return
    resources.register()
    failures.apply()
    patches.apply()
    intrinsics.apply()
    lifecycle.apply()
    ecr.apply()  # after lifecycle: its checks run before replication
    protection.apply()  # after lifecycle: it guards lifecycle's DeleteStack
    _APPLIED = True


apply()
