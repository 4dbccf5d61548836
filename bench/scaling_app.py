#!/usr/bin/env python3
"""(d) The one-statement app with database and DNS in N regions: the scaling table's app.

The example's topology (``examples/shop``: ``database`` and ``dns`` on, everything else the
library's defaults) in the regions ``BENCH_REGIONS`` names (space-separated, the first one
primary; default ``us-east-1 us-east-2``); ``BENCH_PEERING=hub`` peers each secondary
region with the primary only (``CrossRegionPeeringProps(mesh=False)``; default ``mesh``).
``bench/run.py --scaling`` synthesizes it at 2, 4, 8 and 12 regions of a fixed list, as
``cdk synth`` would (``CDK_OUTDIR``, ``CDK_CONTEXT_JSON`` with the availability zones of
every region), and reads ``MultiRegionApp.deploy_waves()`` from the JSON file named by
``BENCH_WAVES_FILE`` (when set).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import aws_cdk as cdk

from multiregion_tap import CrossRegionPeeringProps, FailoverDnsProps, MultiRegionApp

ACCOUNT = "123456789012"

#: ``bench/run.py`` passes the first N regions of its fixed list (``SCALING_REGIONS``).
regions = os.environ.get("BENCH_REGIONS", "us-east-1 us-east-2").split()
if len(regions) < 2:
    raise SystemExit(f"BENCH_REGIONS must name at least two regions, got {regions}")
peering = os.environ.get("BENCH_PEERING", "mesh")
if peering not in ("mesh", "hub"):
    raise SystemExit(f"BENCH_PEERING must be mesh or hub, got {peering!r}")

app = cdk.App()
shop = MultiRegionApp(
    app,
    "Scale",
    app_name="scale",
    primary_region=regions[0],
    secondary_regions=regions[1:],
    account=ACCOUNT,
    database=True,
    peering=CrossRegionPeeringProps(mesh=peering == "mesh"),
    dns=FailoverDnsProps(zone_name="shop.mycompany.com", record_name="www.shop.mycompany.com"),
)
app.synth()

waves_file = os.environ.get("BENCH_WAVES_FILE")
if waves_file:
    Path(waves_file).write_text(json.dumps([list(wave) for wave in shop.deploy_waves()]))
