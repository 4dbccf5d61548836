"""An app that lives: first deploy in an empty account with the default image settings, a
region added at the end, every load balancer replaced, a region removed, a region added in
front, each through the commands of docs/guides/deploying.md.

The sequence (one emulator; each step once, shared by the tests that read it):

1. ``first``: us-east-1 + us-east-2. The image is pushed to a repository created by hand in
   each region, then ``cdk deploy --all --import-existing-resources`` adopts the repositories.
2. ``end``: us-west-2 added at the end (its repository created and the tag pushed first).
3. ``replace``: ``load_balancer_name`` set, which replaces every region's load balancer.
4. ``remove``: us-east-2 removed from the list: ``cdk deploy --all``, then its stacks deleted.
5. ``front``: us-east-2 added again, in front of us-west-2.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest

from multiregion_tap import default_vpc_cidr
from multiregion_tap.discovery import Topology

from .conftest import (
    ACCOUNT,
    REPOSITORY,
    Operator,
    Sequence,
    Teardown,
    app_stacks,
    image_tags,
    repositories,
    teardown,
)

pytestmark = pytest.mark.lifecycle

PRIMARY = "us-east-1"


@dataclass(frozen=True)
class Region:
    """What must stay when other regions change."""

    vpc_id: str
    cidr: str
    database: str
    database_arn: str
    load_balancer_arn: str
    load_balancer_dns: str
    image: str


@dataclass(frozen=True)
class State:
    regions: tuple[str, ...]
    topology: Topology
    by_region: dict[str, Region]
    dns_stacks: list[str]
    records: list[dict[str, Any]]


def _image(operator: Operator, region: str, task_definition: str | None) -> str:
    assert task_definition, f"no task definition in {region}"
    ecs = operator.client("ecs", region)
    definition = ecs.describe_task_definition(taskDefinition=task_definition)["taskDefinition"]
    return str(definition["containerDefinitions"][0]["image"])


def _state(operator: Operator, regions: tuple[str, ...]) -> State:
    topology = operator.discover(regions)
    by_region: dict[str, Region] = {}
    for region in regions:
        found = topology.region(region)
        assert found.vpc and found.database and found.load_balancer and found.service, region
        by_region[region] = Region(
            vpc_id=found.vpc.vpc_id,
            cidr=found.vpc.cidr_block,
            database=found.database.identifier,
            database_arn=found.database.arn,
            load_balancer_arn=found.load_balancer.arn,
            load_balancer_dns=found.load_balancer.dns_name,
            image=_image(operator, region, found.service.task_definition),
        )
    dns = [name for name in app_stacks(operator) if name.startswith("shop-dns@")]
    records: list[dict[str, Any]] = []
    if topology.dns is not None and topology.dns.hosted_zone_id:
        route53 = operator.client("route53", PRIMARY)
        listed = route53.list_resource_record_sets(HostedZoneId=topology.dns.hosted_zone_id)
        records = listed["ResourceRecordSets"]
    return State(regions, topology, by_region, sorted(dns), records)


@pytest.fixture(scope="module")
def sequence(operator: Operator) -> Sequence:
    def first() -> State:
        operator.first_deploy_push("v1")
        operator.deploy(secondary_regions="us-east-2")
        return _state(operator, (PRIMARY, "us-east-2"))

    def end() -> State:
        operator.add_region_push("v1")
        # Monitoring from here on: the overview dashboard reads every load balancer.
        operator.deploy(secondary_regions="us-east-2 us-west-2", monitoring="true")
        state = _state(operator, (PRIMARY, "us-east-2", "us-west-2"))
        operator.push("v2", (PRIMARY,))  # replication now includes us-west-2
        return state

    def replace() -> State:
        operator.deploy(
            secondary_regions="us-east-2 us-west-2", load_balancer_name="shop-green", **WATCHED
        )
        return _state(operator, (PRIMARY, "us-east-2", "us-west-2"))

    def remove() -> State:
        operator.deploy(secondary_regions="us-west-2", load_balancer_name="shop-green", **WATCHED)
        operator.turn_off_deletion_protection(("us-east-2",))
        operator.delete_removed_region_stacks()
        return _state(operator, (PRIMARY, "us-west-2"))

    def front() -> State:
        operator.first_deploy_push("v1")  # the one sequence, for a region added again
        operator.deploy(
            secondary_regions="us-east-2 us-west-2", load_balancer_name="shop-green", **WATCHED
        )
        return _state(operator, (PRIMARY, "us-east-2", "us-west-2"))

    def refused() -> Teardown:
        before = app_stacks(operator)
        output = operator.destroy_fails()
        return teardown(operator, REGIONS, output, before)

    def decommissioned() -> Teardown:
        operator.turn_off_deletion_protection(REGIONS)
        return teardown(operator, REGIONS, operator.destroy())

    def redeployed() -> State:
        operator.deploy(again=True)
        return _state(operator, REGIONS)

    return Sequence(
        [
            ("first", first),
            ("end", end),
            ("replace", replace),
            ("remove", remove),
            ("front", front),
            ("refused", refused),
            ("decommissioned", decommissioned),
            ("redeployed", redeployed),
        ]
    )


REGIONS = (PRIMARY, "us-east-2", "us-west-2")
#: The context that turns the example's monitoring on (from the step "end" on).
WATCHED = {"monitoring": "true"}


def _dns_targets(state: State) -> tuple[set[str], set[str]]:
    """The load balancer DNS names the failover records alias (the chained records of a third
    region included) and the health checks probe."""
    dns = state.topology.dns
    assert dns is not None and dns.hosted_zone_id, state.topology.dns_error

    def clean(name: str | None) -> str:
        return (name or "").lower().rstrip(".").removeprefix("dualstack.")

    records = state.records
    aliases = {
        clean(r["AliasTarget"]["DNSName"])
        for r in records
        if "AliasTarget" in r and clean(r["AliasTarget"]["DNSName"]).endswith(".amazonaws.com")
    }
    probes = {clean(h.fqdn) for h in dns.health_checks}
    return aliases, probes


def _kept(before: State, after: State, regions: tuple[str, ...], *, same_lb: bool = True) -> None:
    for region in regions:
        old, new = before.by_region[region], after.by_region[region]
        assert (new.vpc_id, new.cidr) == (old.vpc_id, old.cidr), region
        assert (new.database, new.database_arn) == (old.database, old.database_arn), region
        if same_lb:
            assert new.load_balancer_arn == old.load_balancer_arn, region


# --------------------------------------------------------------------------- 1. first deploy
def test_first_deploy_with_the_default_image_runs_an_image_that_is_there(
    sequence: Sequence, operator: Operator
) -> None:
    """Default image settings (``image_tag`` v1 in the app's own repository): every region's
    task runs ``<account>.dkr.ecr.<region>.amazonaws.com/shop/service:v1``, that image is in
    that region's repository, and the stack adopted the repository pushed to beforehand."""
    state: State = sequence.reach("first")
    for region in state.regions:
        expected = f"{ACCOUNT}.dkr.ecr.{region}.amazonaws.com/{REPOSITORY}:v1"
        assert state.by_region[region].image == expected
        assert "v1" in image_tags(operator, region)
        cfn = operator.client("cloudformation", region)
        resources = cfn.describe_stack_resources(StackName=f"shop-{region}")["StackResources"]
        repository = [r for r in resources if r.get("ResourceType") == "AWS::ECR::Repository"]
        assert [r["PhysicalResourceId"] for r in repository] == [REPOSITORY]


def test_first_deploy_serves_through_dns(sequence: Sequence) -> None:
    state: State = sequence.reach("first")
    aliases, probes = _dns_targets(state)
    expected = {r.load_balancer_dns.lower() for r in state.by_region.values()}
    assert aliases == expected
    assert probes == expected


# --------------------------------------------------------------------------- 2. at the end
def test_a_region_added_at_the_end_leaves_the_others_in_place(sequence: Sequence) -> None:
    first: State = sequence.reach("first")
    end: State = sequence.reach("end")
    _kept(first, end, (PRIMARY, "us-east-2"))
    west = end.by_region["us-west-2"]
    assert west.cidr == default_vpc_cidr("us-west-2")
    database = end.topology.region("us-west-2").database
    assert database is not None and database.source_region == PRIMARY
    assert {p.status for p in end.topology.peering} == {"active"}
    assert len(end.topology.peering) == 3  # every pair of regions


def test_a_region_added_at_the_end_gets_traffic(sequence: Sequence) -> None:
    end: State = sequence.reach("end")
    aliases, probes = _dns_targets(end)
    expected = {r.load_balancer_dns.lower() for r in end.by_region.values()}
    assert aliases == expected
    assert probes == expected


def test_the_dns_stack_stays_where_it_was(sequence: Sequence) -> None:
    """With ``dns_region`` pinned (see the app), adding a region at the end leaves the one
    ``shop-dns`` stack where it was."""
    first: State = sequence.reach("first")
    end: State = sequence.reach("end")
    assert first.dns_stacks == end.dns_stacks == ["shop-dns@us-west-2"]


def test_by_default_the_dns_stack_stays_when_a_region_is_added_at_the_end() -> None:
    import aws_cdk as cdk

    from multiregion_tap import FailoverDnsProps, MultiRegionApp

    def dns_region(secondary_regions: list[str]) -> str:
        app = cdk.App()
        MultiRegionApp(
            app,
            "Shop",
            app_name="shop",
            primary_region=PRIMARY,
            secondary_regions=secondary_regions,
            account=ACCOUNT,
            peering=False,
            monitoring=False,
            dns=FailoverDnsProps(
                zone_name="shop.mycompany.com", record_name="www.shop.mycompany.com"
            ),
        )
        stacks = [c for c in app.node.find_all() if isinstance(c, cdk.Stack)]
        return next(s.region for s in stacks if s.stack_name == "shop-dns")

    assert dns_region(["us-east-2"]) == dns_region(["us-east-2", "us-west-2"]) == "us-east-2"


def test_images_pushed_later_reach_the_added_region(sequence: Sequence, operator: Operator) -> None:
    """After the deploy, the primary's replication configuration names us-west-2: a tag pushed
    to the primary only arrives in every secondary region."""
    sequence.reach("end")
    for region in ("us-east-2", "us-west-2"):
        assert "v2" in image_tags(operator, region), region


# --------------------------------------------------------------------------- 3. replacement
def test_replaced_load_balancers_are_named_by_dns(sequence: Sequence) -> None:
    """Every load balancer is replaced; the DNS stack (which reads them through
    Fn::GetStackOutput) then aliases and probes the new ones, not the deleted ones."""
    end: State = sequence.reach("end")
    replaced: State = sequence.reach("replace")
    _kept(end, replaced, replaced.regions, same_lb=False)
    for region in replaced.regions:
        assert (
            replaced.by_region[region].load_balancer_arn != end.by_region[region].load_balancer_arn
        )
    aliases, probes = _dns_targets(replaced)
    expected = {r.load_balancer_dns.lower() for r in replaced.by_region.values()}
    assert aliases == expected
    assert probes == expected


def test_replaced_load_balancers_are_named_by_the_overview_dashboard(
    sequence: Sequence, operator: Operator
) -> None:
    """The overview dashboard (stack shop-monitoring, us-east-1) reads every region's load
    balancer through Fn::GetStackOutput: after the replacement its graphs name the new load
    balancers (``app/<name>/<id>``, the end of the ARN), none of the old ones."""

    def named(state: State) -> set[str]:
        return {r.load_balancer_arn.split(":loadbalancer/", 1)[1] for r in state.by_region.values()}

    def on_dashboard() -> set[str]:
        cloudwatch = operator.client("cloudwatch", PRIMARY)
        bodies = [
            cloudwatch.get_dashboard(DashboardName=d["DashboardName"])["DashboardBody"]
            for d in cloudwatch.list_dashboards()["DashboardEntries"]
            if d["DashboardName"].startswith("shop-monitoring-")
        ]
        assert len(bodies) == 1, bodies
        return set(re.findall(r"app/[A-Za-z0-9-]+/[0-9a-f]+", bodies[0]))

    end: State = sequence.reach("end")
    replaced: State = sequence.reach("replace")
    assert not named(end) & named(replaced)
    assert on_dashboard() == named(replaced)


def test_a_replaced_load_balancer_stays_while_protected(
    sequence: Sequence, operator: Operator
) -> None:
    """CloudFormation cannot delete the replaced load balancer (deletion protection): it
    stays in the account, out of DNS, until the operator deletes it (deploying guide)."""
    end: State = sequence.reach("end")
    sequence.reach("replace")
    for region in ("us-east-2", "us-west-2"):
        elbv2 = operator.client("elbv2", region)
        arn = end.by_region[region].load_balancer_arn
        assert elbv2.describe_load_balancers(LoadBalancerArns=[arn])["LoadBalancers"], region


# --------------------------------------------------------------------------- 4. removal
def test_a_removed_region_leaves_the_others_and_dns_in_place(
    sequence: Sequence, operator: Operator
) -> None:
    replaced: State = sequence.reach("replace")
    removed: State = sequence.reach("remove")
    _kept(replaced, removed, (PRIMARY, "us-west-2"))
    aliases, probes = _dns_targets(removed)
    expected = {r.load_balancer_dns.lower() for r in removed.by_region.values()}
    assert aliases == expected
    assert probes == expected
    assert len(removed.topology.peering) == 1
    assert removed.dns_stacks == ["shop-dns@us-west-2"]
    assert not [name for name in app_stacks(operator) if name.endswith("@us-east-2")]


def test_a_removed_region_keeps_its_repository(sequence: Sequence, operator: Operator) -> None:
    """Its read replica is deleted (the writer holds the data); the repository is retained."""
    sequence.reach("remove")
    assert REPOSITORY in repositories(operator, "us-east-2")
    assert {"v1", "v2"} <= image_tags(operator, "us-east-2")
    assert operator.client("rds", "us-east-2").describe_db_instances()["DBInstances"] == []


# --------------------------------------------------------------------------- 5. in front
def test_a_region_added_in_front_leaves_the_others_in_place(sequence: Sequence) -> None:
    removed: State = sequence.reach("remove")
    front: State = sequence.reach("front")
    _kept(removed, front, (PRIMARY, "us-west-2"))
    assert front.by_region["us-east-2"].cidr == default_vpc_cidr("us-east-2")
    aliases, _ = _dns_targets(front)
    expected = {r.load_balancer_dns.lower() for r in front.by_region.values()}
    assert aliases == expected, front.records


def test_a_region_added_again_adopts_its_retained_repository(
    sequence: Sequence, operator: Operator
) -> None:
    front: State = sequence.reach("front")
    assert {"v1", "v2"} <= image_tags(operator, "us-east-2")
    assert front.by_region["us-east-2"].image.endswith(f"{REPOSITORY}:v1")


# --------------------------------------------------------------------------- 6. destroy
def test_destroy_is_refused_by_termination_protection(
    sequence: Sequence, operator: Operator
) -> None:
    """``cdk destroy --all`` of an app deployed with the defaults deletes nothing: every stack
    has termination protection, so CloudFormation refuses the delete and the stack "remains
    unchanged"; the app keeps serving (services, load balancers, databases, images)."""
    front: State = sequence.reach("front")
    refused: Teardown = sequence.reach("refused")
    assert "cannot be deleted while TerminationProtection is enabled" in refused.output
    assert refused.before and refused.stacks == refused.before
    assert not [s for s in refused.stacks.values() if not s[1].endswith("_COMPLETE")]
    for region in REGIONS:
        assert refused.databases[region] == [front.by_region[region].database], region
        assert refused.images[region] >= {"v1"}, region
        assert front.by_region[region].load_balancer_arn in refused.load_balancers[region]
        ecs = operator.client("ecs", region)
        services = [
            arn
            for cluster in ecs.list_clusters()["clusterArns"]
            for arn in ecs.list_services(cluster=cluster)["serviceArns"]
            if "/shop-" in arn
        ]
        assert services, region


def test_destroy_after_turning_protection_off_keeps_the_data(sequence: Sequence) -> None:
    """With termination and deletion protection turned off (the guide's loop per region) the same
    ``cdk destroy --all`` removes every stack; the writer leaves a final snapshot and the
    repositories stay with their images."""
    front: State = sequence.reach("front")
    gone: Teardown = sequence.reach("decommissioned")
    assert gone.stacks == {}
    assert gone.databases == {region: [] for region in REGIONS}
    # Only the load balancers the replacement left (see the replacement test) remain.
    end: State = sequence.reach("end")
    assert gone.load_balancers == {r: [end.by_region[r].load_balancer_arn] for r in REGIONS}
    assert front.by_region[PRIMARY].database in gone.snapshots[PRIMARY]
    for region in REGIONS:
        assert gone.images[region] >= {"v1"}, region


def test_deploy_again_with_the_same_app_name(sequence: Sequence, operator: Operator) -> None:
    """The guide's deploy (``--import-existing-resources``) after a destroy: the retained
    repositories are adopted with their images, every region serves again through DNS."""
    again: State = sequence.reach("redeployed")
    aliases, probes = _dns_targets(again)
    expected = {r.load_balancer_dns.lower() for r in again.by_region.values()}
    assert aliases == probes == expected
    for region in REGIONS:
        assert again.by_region[region].image.endswith(f"{REPOSITORY}:v1")
        assert again.by_region[region].cidr == default_vpc_cidr(region)
