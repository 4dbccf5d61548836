#!/usr/bin/env python3
"""The example app: the 'shop' web service in us-east-1 (primary) and us-east-2 (secondary).

One statement builds, in each region, a multi-AZ VPC, an ECR repository, an ECS Fargate
service behind an Application Load Balancer with native blue/green deployments that roll back
on alarms, an encrypted PostgreSQL primary (us-east-1) with an encrypted cross-region read
replica (us-east-2), VPC peering between the regions, Route 53 failover records, and
CloudWatch alarms and dashboards. It uses only the public API of multiregion-tap.

Synthesize with ``cdk synth`` (or ``python3 tools/dev.py demo`` from the repository root).
Context values (``cdk synth -c key=value``):

- ``image_tag``: the tag of the image in the app's ECR repository (``shop/service``, pushed
  once to the primary region and replicated) to deploy (default ``v1``). Synth and deploy
  need no Docker.
- ``image``: instead of a tag, ``asset`` builds ``service/`` with Docker during ``cdk deploy``
  (CDK pushes it to each region's bootstrap repository: handy for the very first deploy, when
  the app's repositories do not exist yet), or any image URI to pull.
- ``primary_region`` / ``secondary_regions`` (space-separated): where to deploy (default
  ``us-east-1`` / ``us-east-2``).
- ``throwaway``: ``true`` for a test environment that ``cdk destroy`` removes completely
  (no stack termination protection; database without deletion protection and without a
  final snapshot; repositories, keys, secret and zone deleted). Default: every stack has
  termination protection and everything that holds data is kept.
- ``database_history``: failovers and fail-backs so far (see the failover runbook), comma
  separated, e.g. ``promote:us-east-2`` (the failover: that region's read replica becomes the
  writer, its service the only writable one; the primary region's service is scaled to zero
  and leaves the DNS records), then ``rebuild:us-east-1``, ``promote:us-east-1`` and
  ``rebuild:us-east-2`` (the fail-back). Only ever append; keep the value in ``cdk.json``'s
  ``context`` once used, so that every later deploy has it. Default: none.
- ``zone_name`` / ``record_name``: the hosted zone created for the failover record and the
  record's name (default ``shop.mycompany.com`` / ``www.shop.mycompany.com``). On real AWS
  use a zone you own, or pass an existing zone to ``FailoverDnsProps(existing_zone=...)``.
"""

from __future__ import annotations

import os
from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_ecs as ecs

from multiregion_tap import (
    FailoverDnsProps,
    MultiRegionApp,
    RegionalMonitoringProps,
    RegionalServiceProps,
    ReplicatedDatabaseProps,
)

#: The placeholder account the committed cdk.context.json holds availability zones for.
#: On real AWS, the CDK CLI sets CDK_DEFAULT_ACCOUNT from your credentials.
PLACEHOLDER_ACCOUNT = "123456789012"

app = cdk.App()
zone_name = app.node.try_get_context("zone_name") or "shop.mycompany.com"
primary_region = app.node.try_get_context("primary_region") or "us-east-1"
secondary_regions = str(app.node.try_get_context("secondary_regions") or "us-east-2").split()
throwaway = str(app.node.try_get_context("throwaway")).lower() == "true"
removal = cdk.RemovalPolicy.DESTROY if throwaway else None
image_context = app.node.try_get_context("image")
image: ecs.ContainerImage | None = None
if image_context == "asset":
    image = ecs.ContainerImage.from_asset(str(Path(__file__).resolve().parent / "service"))
elif image_context:
    image = ecs.ContainerImage.from_registry(image_context)

MultiRegionApp(
    app,
    "Shop",
    app_name="shop",
    primary_region=primary_region,
    secondary_regions=secondary_regions,
    account=os.environ.get("CDK_DEFAULT_ACCOUNT", PLACEHOLDER_ACCOUNT),
    # A throwaway environment must be destroyable by `cdk destroy --all` alone.
    termination_protection=not throwaway,
    tags={"project": "multiregion-tap-example"},
    service=RegionalServiceProps(
        image=image,
        image_tag=None if image else app.node.try_get_context("image_tag") or "v1",
        container_port=8080,
        health_check_path="/health",
        desired_count=2,
        removal_policy=removal,
    ),
    database=ReplicatedDatabaseProps(
        database_name="shop",
        removal_policy=removal,
        history=app.node.try_get_context("database_history") or None,
    ),
    dns=FailoverDnsProps(
        zone_name=zone_name,
        record_name=app.node.try_get_context("record_name") or f"www.{zone_name}",
        zone_removal_policy=removal,
    ),
    monitoring=RegionalMonitoringProps(key_removal_policy=removal),
)
app.synth()
