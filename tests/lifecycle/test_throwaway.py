"""A throwaway app (the example's ``-c throwaway=true``): ``cdk destroy --all`` removes it
completely, and the next deploy of the same app name works at once.

The sequence (its own emulator): deploy, push the image into the repository the stack made,
destroy, deploy the same cloud assembly again.
"""

from __future__ import annotations

import pytest

from .conftest import REPOSITORY, Operator, Sequence, Teardown, image_tags, repositories, teardown

pytestmark = pytest.mark.lifecycle

REGIONS = ("us-east-1", "us-east-2")
ZONE = "shop.mycompany.com."


def _zones(operator: Operator) -> list[str]:
    zones = operator.client("route53", "us-east-1").list_hosted_zones()["HostedZones"]
    return [z["Id"] for z in zones if z["Name"] == ZONE]


def _task_image(operator: Operator, region: str) -> str:
    ecs = operator.client("ecs", region)
    families = ecs.list_task_definitions()["taskDefinitionArns"]
    images = {
        c["image"]
        for arn in families
        for c in ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"][
            "containerDefinitions"
        ]
    }
    (image,) = images
    return str(image)


@pytest.fixture(scope="module")
def sequence(operator: Operator) -> Sequence:
    def deployed() -> tuple[list[str], dict[str, tuple[str, set[str]]]]:
        operator.deploy(throwaway="true", secondary_regions="us-east-2", dns_region="us-east-2")
        before_push = {
            region: (_task_image(operator, region), image_tags(operator, region))
            for region in REGIONS
        }
        operator.later_deploy_push("v1")  # the guide's push, once the repositories exist
        return _zones(operator), before_push

    def destroyed() -> Teardown:
        return teardown(operator, REGIONS, operator.destroy())

    def again() -> list[str]:
        operator.deploy(again=True)
        return _zones(operator)

    return Sequence([("deployed", deployed), ("destroyed", destroyed), ("again", again)])


def test_destroy_removes_a_throwaway_app_completely(sequence: Sequence, operator: Operator) -> None:
    zones, _ = sequence.reach("deployed")
    assert len(zones) == 1
    gone: Teardown = sequence.reach("destroyed")
    assert gone.stacks == {}
    for region in REGIONS:
        assert gone.databases[region] == [], region
        assert gone.snapshots[region] == [], "no final snapshot of a throwaway database"
        assert gone.load_balancers[region] == [], region
        assert REPOSITORY not in gone.repositories[region], "emptied and deleted"
    assert _zones(operator) == []


def test_a_throwaway_app_deploys_again_under_the_same_name(
    sequence: Sequence, operator: Operator
) -> None:
    sequence.reach("destroyed")
    zones: list[str] = sequence.reach("again")
    assert len(zones) == 1
    for region in REGIONS:
        assert REPOSITORY in repositories(operator, region)
        assert image_tags(operator, region) == set(), "a new, empty repository"
        rds = operator.client("rds", region)
        assert len(rds.describe_db_instances()["DBInstances"]) == 1, region


def test_without_the_push_step_the_task_points_at_an_image_that_is_not_there(
    sequence: Sequence,
) -> None:
    """Why the deploying guide pushes before (or, for a throwaway app, right after) the first
    deploy: with the default image settings the task runs ``shop/service:v1`` from the
    repository its own stack created, which is empty until someone pushes."""
    _, before_push = sequence.reach("deployed")
    for region, (image, tags) in before_push.items():
        assert image.endswith(f".dkr.ecr.{region}.amazonaws.com/{REPOSITORY}:v1"), image
        assert tags == set(), region
