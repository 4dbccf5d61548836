"""A deployed multiregion-tap app, faked with boto3 on moto (in-process or a moto server), for
the tests of discovery's command line and of the commands the docs show."""

from __future__ import annotations

import json
from typing import Any

from multiregion_tap.outputs import OutputNames, RegionRole, StackNames, TagKeys

EAST1, EAST2 = "us-east-1", "us-east-2"


def deploy_bare_app(session: Any, app: str = "shop") -> None:
    """The regional stacks of ``app`` in us-east-1 (primary) and us-east-2 (secondary), with
    the outputs and tags every MultiRegionApp stack carries and nothing else."""
    for region, role in ((EAST1, RegionRole.PRIMARY), (EAST2, RegionRole.SECONDARY)):
        outputs = {OutputNames.APP_NAME: app, OutputNames.REGION: region}
        outputs[OutputNames.REGION_ROLE] = role
        body = {
            "Resources": {
                "Marker": {
                    "Type": "AWS::SSM::Parameter",
                    "Properties": {"Name": f"/{app}/{region}", "Type": "String", "Value": app},
                }
            },
            "Outputs": {key: {"Value": value} for key, value in outputs.items()},
        }
        session.client("cloudformation", region_name=region).create_stack(
            StackName=StackNames.regional(app, region),
            TemplateBody=json.dumps(body),
            Tags=[
                {"Key": TagKeys.APP, "Value": app},
                {"Key": TagKeys.REGION_ROLE, "Value": role},
            ],
        )
