"""Image registry builder of :class:`~multiregion_tap.RegionalService` (private).

A ``service_*`` builder (see :mod:`.service_network`): creates the ECR repository and, with
``image_replication_regions``, the registry's replication configuration, on the construct
under its usual ids; with ``existing_repository`` or ``image`` it creates neither.
"""

from __future__ import annotations

from dataclasses import dataclass

import aws_cdk as cdk
from aws_cdk import aws_ecr as ecr
from constructs import Construct

from .service_props import ServiceSettings

__all__ = ["Registry", "build_registry"]


@dataclass(frozen=True)
class Registry:
    """The repository (``None`` with ``image``); the replication configuration with
    ``image_replication_regions``."""

    repository: ecr.IRepository | None
    replication: ecr.CfnReplicationConfiguration | None

    @property
    def created(self) -> ecr.Repository | None:
        """The repository when this construct created it (not ``existing_repository``)."""
        return self.repository if isinstance(self.repository, ecr.Repository) else None


def build_registry(scope: Construct, settings: ServiceSettings) -> Registry:
    """``Repository`` and, with replication regions, ``ReplicationConfiguration``; nothing
    with ``existing_repository`` (its lifecycle and replication are the owner's) or with
    ``image`` (the service pulls that image, not one of the app's repository)."""
    if settings.existing_repository is not None:
        return Registry(settings.existing_repository, None)
    if settings.image is not None:
        return Registry(None, None)
    removal = settings.removal
    expiry_days = settings.untagged_image_expiry_days
    repository = ecr.Repository(
        scope,
        "Repository",
        repository_name=settings.repo_name,
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
                description=f"Expire untagged images after {expiry_days} days",
                tag_status=ecr.TagStatus.UNTAGGED,
                max_image_age=cdk.Duration.days(expiry_days),
            ),
            ecr.LifecycleRule(
                rule_priority=2,
                description=f"Keep the newest {settings.max_image_count} images",
                tag_status=ecr.TagStatus.ANY,
                max_image_count=settings.max_image_count,
            ),
        ],
    )
    if not settings.replication:
        return Registry(repository, None)
    assert settings.repo_name is not None
    config = ecr.CfnReplicationConfiguration
    replication = config(
        scope,
        "ReplicationConfiguration",
        replication_configuration=config.ReplicationConfigurationProperty(
            rules=[
                config.ReplicationRuleProperty(
                    destinations=[
                        config.ReplicationDestinationProperty(
                            region=region, registry_id=cdk.Stack.of(scope).account
                        )
                        for region in settings.replication
                    ],
                    repository_filters=[
                        config.RepositoryFilterProperty(
                            filter=settings.repo_name, filter_type="PREFIX_MATCH"
                        )
                    ],
                )
            ]
        ),
    )
    return Registry(repository, replication)
