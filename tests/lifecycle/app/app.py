#!/usr/bin/env python3
"""The example app (examples/shop/app.py) as the lifecycle tests deploy it, with two more
context values: ``load_balancer_name``, whose change replaces every region's load balancer
(``Name`` is a replacing property of ``AWS::ElasticLoadBalancingV2::LoadBalancer``), and
``dns_region`` (default ``us-west-2``), pinned as docs/guides/deploying.md advises for an app
whose region list will change in front (by default the DNS stack is in the first secondary
region, which adding a region at the end does not move).
``monitoring`` (default ``false`` here, to keep the lifecycle tests within their time budget:
the monitoring stacks take no part in the behaviour under test) turns the example's
monitoring on with ``true``.

Context, as in the example: ``primary_region``, ``secondary_regions`` (space-separated),
``image_tag`` (default ``v1``), ``image`` (an image URI), ``throwaway`` (``true``).
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_ecs as ecs

from multiregion_tap import (
    FailoverDnsProps,
    MultiRegionApp,
    RegionalMonitoringProps,
    RegionalServiceProps,
    ReplicatedDatabaseProps,
)

app = cdk.App()
context = app.node.try_get_context
throwaway = str(context("throwaway")).lower() == "true"
removal = cdk.RemovalPolicy.DESTROY if throwaway else None
image = ecs.ContainerImage.from_registry(context("image")) if context("image") else None
load_balancer_name = context("load_balancer_name")

MultiRegionApp(
    app,
    "Shop",
    app_name="shop",
    primary_region=context("primary_region") or "us-east-1",
    secondary_regions=str(context("secondary_regions") or "us-east-2").split(),
    account="123456789012",
    # A throwaway environment must be destroyable by `cdk destroy --all` alone.
    termination_protection=not throwaway,
    dns_region=context("dns_region") or "us-west-2",
    service=RegionalServiceProps(
        image=image,
        image_tag=None if image else context("image_tag") or "v1",
        container_port=8080,
        health_check_path="/health",
        desired_count=2,
        removal_policy=removal,
        load_balancer_props={"load_balancer_name": load_balancer_name}
        if load_balancer_name
        else None,
    ),
    database=ReplicatedDatabaseProps(database_name="shop", removal_policy=removal),
    dns=FailoverDnsProps(
        zone_name="shop.mycompany.com",
        record_name="www.shop.mycompany.com",
        zone_removal_policy=removal,
    ),
    monitoring=RegionalMonitoringProps(key_removal_policy=removal)
    if str(context("monitoring")).lower() == "true"
    else False,
)
app.synth()
