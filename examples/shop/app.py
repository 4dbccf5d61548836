#!/usr/bin/env python3
"""The example app: the 'shop' web service in us-east-1 (primary) and us-east-2 (secondary).

Synthesize with ``cdk synth`` (or ``python3 tools/dev.py demo`` from the repository root).
It uses only the public API of multiregion-tap.
"""

from __future__ import annotations

import os

import aws_cdk as cdk

from multiregion_tap import MultiRegionApp

#: The placeholder account the committed cdk.context.json holds availability zones for.
#: On real AWS, the CDK CLI sets CDK_DEFAULT_ACCOUNT from your credentials.
PLACEHOLDER_ACCOUNT = "123456789012"

app = cdk.App()
MultiRegionApp(
    app,
    "Shop",
    app_name="shop",
    primary_region="us-east-1",
    secondary_regions=["us-east-2"],
    account=os.environ.get("CDK_DEFAULT_ACCOUNT", PLACEHOLDER_ACCOUNT),
    tags={"project": "multiregion-tap-example"},
)
app.synth()
