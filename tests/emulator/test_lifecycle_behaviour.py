"""The AWS behaviour the lifecycle tests rely on, each shown on a tiny template
(tools/emulator/README.md, "Lifecycle", cites the AWS page of each):

- deletion protection (RDS, load balancers) makes a stack delete end DELETE_FAILED, and what
  the protected resource depends on stays; turned off, the delete completes (a DB instance
  with ``DeletionPolicy: Snapshot`` leaves its final snapshot);
- a retained resource with a fixed name outlives its stack, and the next create of that name
  fails with AlreadyExists, unless the change set imports existing resources;
- a stack that is not updated keeps the ``Fn::GetStackOutput`` value it was deployed with;
- ECR replication copies only images pushed after the replication configuration exists.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.support.images import tagged_manifest

from .conftest import Deployer
from .test_compat import _alb, _db_resources, _network, _primary_db, _template, _update

pytestmark = pytest.mark.emulator

ACCOUNT = "123456789012"


def _delete(cfn: Deployer, name: str, region: str = "us-east-1") -> dict[str, Any] | None:
    """DeleteStack; the stack as DescribeStacks then lists it (None once it is gone)."""
    client = cfn.client("cloudformation", region)
    stack_id = client.describe_stacks(StackName=name)["Stacks"][0]["StackId"]
    client.delete_stack(StackName=name)
    listed = [s for s in client.describe_stacks()["Stacks"] if s["StackName"] == name]
    if listed:
        return dict(listed[0])
    gone = client.describe_stacks(StackName=stack_id)["Stacks"][0]
    assert gone["StackStatus"] == "DELETE_COMPLETE", gone
    return None


def _events(cfn: Deployer, name: str, status: str, region: str = "us-east-1") -> dict[str, str]:
    """Reason by logical id of the resource events of ``status`` (``name``: a listed stack's
    name, or a stack id)."""
    client = cfn.client("cloudformation", region)
    stack_id = next(
        (s["StackId"] for s in client.describe_stacks()["Stacks"] if s["StackName"] == name),
        name,
    )
    return {
        e["LogicalResourceId"]: e.get("ResourceStatusReason", "")
        for e in client.describe_stack_events(StackName=stack_id)["StackEvents"]
        if e["ResourceStatus"] == status
    }


# --------------------------------------------------------------------------- deletion protection
def test_deletion_protection_of_a_db_instance_fails_the_stack_delete(cfn: Deployer) -> None:
    """RDS: delete only once "deletion protection is turned off" (Deleting a DB instance); the
    stack ends DELETE_FAILED and keeps the instance and its network; turned off, the delete
    completes and ``DeletionPolicy: Snapshot`` leaves a final snapshot."""
    resources = _db_resources("us-east-1", "10.0.0.0/16")
    resources["Db"] = {
        **_primary_db(),
        "DeletionPolicy": "Snapshot",
        "UpdateReplacePolicy": "Snapshot",
    }
    resources["Db"]["Properties"] = {
        **resources["Db"]["Properties"],
        "DBInstanceIdentifier": "keep-me",
        "DeletionProtection": True,
    }
    cfn.deploy("db", _template(resources))
    rds = cfn.client("rds")
    ec2 = cfn.client("ec2")
    vpc_id = cfn.physical_id("db", "Vpc")

    stack = _delete(cfn, "db")
    assert stack is not None
    assert stack["StackStatus"] == "DELETE_FAILED"
    assert stack["StackStatusReason"] == "The following resource(s) failed to delete: [Db]. "
    reason = _events(cfn, "db", "DELETE_FAILED")["Db"]
    assert "deletion protection" in reason
    assert rds.describe_db_instances(DBInstanceIdentifier="keep-me")["DBInstances"]
    assert ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"], "the instance's VPC must stay"
    assert "SubnetGroup" not in _events(cfn, "db", "DELETE_COMPLETE")

    rds.modify_db_instance(DBInstanceIdentifier="keep-me", DeletionProtection=False)
    assert _delete(cfn, "db") is None
    instances = rds.describe_db_instances()["DBInstances"]
    assert "keep-me" not in [d["DBInstanceIdentifier"] for d in instances]
    snapshots = rds.describe_db_snapshots(DBInstanceIdentifier="keep-me")["DBSnapshots"]
    final = [s for s in snapshots if s["DBSnapshotIdentifier"].endswith("-final")]
    assert [s["SnapshotType"] for s in final] == ["manual"]


def test_deletion_protection_of_a_load_balancer_fails_the_stack_delete(cfn: Deployer) -> None:
    """ELB: "you must disable delete protection before you can delete the load balancer"."""
    resources = _network()
    resources["Alb"] = _alb(
        LoadBalancerAttributes=[{"Key": "deletion_protection.enabled", "Value": "true"}]
    )
    cfn.deploy("alb", _template(resources))
    elbv2 = cfn.client("elbv2")
    arn = cfn.physical_id("alb", "Alb")

    stack = _delete(cfn, "alb")
    assert stack is not None and stack["StackStatus"] == "DELETE_FAILED"
    reason = _events(cfn, "alb", "DELETE_FAILED")["Alb"]
    assert reason == (
        f"Load balancer '{arn}' cannot be deleted because deletion protection is enabled"
    )
    assert elbv2.describe_load_balancers(LoadBalancerArns=[arn])["LoadBalancers"]

    elbv2.modify_load_balancer_attributes(
        LoadBalancerArn=arn,
        Attributes=[{"Key": "deletion_protection.enabled", "Value": "false"}],
    )
    assert _delete(cfn, "alb") is None
    assert arn not in [
        lb["LoadBalancerArn"] for lb in elbv2.describe_load_balancers()["LoadBalancers"]
    ]


def test_a_load_balancer_without_deletion_protection_is_deleted(cfn: Deployer) -> None:
    resources = _network()
    resources["Alb"] = _alb()
    cfn.deploy("alb", _template(resources))
    arn = cfn.physical_id("alb", "Alb")
    assert _delete(cfn, "alb") is None
    assert arn not in [
        lb["LoadBalancerArn"]
        for lb in cfn.client("elbv2").describe_load_balancers()["LoadBalancers"]
    ]


# --------------------------------------------------------------------------- retained names


def push(cfn: Deployer, repository: str, tag: str, region: str = "us-east-1") -> None:
    """PutImage of a small manifest unique to ``tag`` (what ``docker push`` ends with)."""
    cfn.client("ecr", region).put_image(
        repositoryName=repository, imageManifest=tagged_manifest(tag), imageTag=tag
    )


def tags(cfn: Deployer, repository: str, region: str = "us-east-1") -> set[str]:
    images = cfn.client("ecr", region).describe_images(repositoryName=repository)
    return {t for image in images["imageDetails"] for t in image.get("imageTags", [])}


def _repository(policy: str, **props: Any) -> dict[str, Any]:
    return {
        "Type": "AWS::ECR::Repository",
        "DeletionPolicy": policy,
        "UpdateReplacePolicy": policy,
        "Properties": {"RepositoryName": "shop/service", **props},
    }


def _create_through_change_set(
    cfn: Deployer, name: str, template: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    client = cfn.client("cloudformation")
    client.create_change_set(
        StackName=name,
        ChangeSetName="cdk-deploy-change-set",
        ChangeSetType="CREATE",
        TemplateBody=json.dumps(template),
        **extra,
    )
    client.execute_change_set(StackName=name, ChangeSetName="cdk-deploy-change-set")
    return dict(client.describe_stacks(StackName=name)["Stacks"][0])


def test_a_retained_named_repository_makes_the_next_create_fail(cfn: Deployer) -> None:
    """The repository outlives its stack with its images; creating the stack again fails with
    AlreadyExists; with ``ImportExistingResources`` the new stack adopts it."""
    template = _template({"Repo": _repository("Retain")})
    cfn.deploy("repo", template, change_set=True)
    push(cfn, "shop/service", "v1")
    client = cfn.client("cloudformation")
    stack_id = client.describe_stacks(StackName="repo")["Stacks"][0]["StackId"]
    assert _delete(cfn, "repo") is None
    assert "Repo" in _events(cfn, stack_id, "DELETE_SKIPPED")
    assert tags(cfn, "shop/service") == {"v1"}

    stack = _create_through_change_set(cfn, "repo", template)
    assert stack["StackStatus"] == "ROLLBACK_COMPLETE"
    failed = _events(cfn, "repo", "CREATE_FAILED")
    assert failed == {
        "Repo": "Resource of type 'AWS::ECR::Repository' with identifier 'shop/service' "
        "already exists."
    }
    cfn.client("cloudformation").delete_stack(StackName="repo")

    stack = _create_through_change_set(cfn, "repo", template, ImportExistingResources=True)
    assert stack["StackStatus"] == "CREATE_COMPLETE", stack
    assert cfn.physical_id("repo", "Repo") == "shop/service"
    assert tags(cfn, "shop/service") == {"v1"}, "the adopted repository keeps its images"


def test_importing_needs_a_retain_policy(cfn: Deployer) -> None:
    """Auto-import only takes resources whose template says Retain (or RetainExceptOnCreate)."""
    cfn.client("ecr").create_repository(repositoryName="shop/service")
    template = _template({"Repo": _repository("Delete")})
    stack = _create_through_change_set(cfn, "repo", template, ImportExistingResources=True)
    assert stack["StackStatus"] == "ROLLBACK_COMPLETE"
    assert "already exists" in _events(cfn, "repo", "CREATE_FAILED")["Repo"]


def test_a_repository_owned_by_another_stack_is_not_imported(cfn: Deployer) -> None:
    template = _template({"Repo": _repository("Retain")})
    cfn.deploy("owner", template, change_set=True)
    stack = _create_through_change_set(cfn, "thief", template, ImportExistingResources=True)
    assert stack["StackStatus"] == "ROLLBACK_COMPLETE"


def test_a_repository_with_images_is_deleted_only_with_empty_on_delete(cfn: Deployer) -> None:
    cfn.deploy("keep", _template({"Repo": _repository("Delete")}), change_set=True)
    push(cfn, "shop/service", "v1")
    stack = _delete(cfn, "keep")
    assert stack is not None and stack["StackStatus"] == "DELETE_FAILED"
    assert "Repo" in _events(cfn, "keep", "DELETE_FAILED")
    cfn.client("ecr").delete_repository(repositoryName="shop/service", force=True)
    cfn.client("cloudformation").delete_stack(StackName="keep")

    cfn.deploy("empty", _template({"Repo": _repository("Delete", EmptyOnDelete=True)}))
    push(cfn, "shop/service", "v1")
    assert _delete(cfn, "empty") is None
    assert "shop/service" not in [
        r["repositoryName"] for r in cfn.client("ecr").describe_repositories()["repositories"]
    ]


# --------------------------------------------------------------------------- weak references
def _consumer(description: str) -> dict[str, Any]:
    return _template(
        {
            "Param": {
                "Type": "AWS::SSM::Parameter",
                "Properties": {
                    "Type": "String",
                    "Name": "/test/seen",
                    "Description": description,
                    "Value": {
                        "Fn::GetStackOutput": {
                            "StackName": "producer",
                            "Region": "us-east-1",
                            "OutputName": "Value",
                        }
                    },
                },
            }
        }
    )


def _producer(value: str) -> dict[str, Any]:
    return _template(
        {"Topic": {"Type": "AWS::SNS::Topic"}},
        outputs={"Value": value},
    )


def test_a_stack_not_updated_keeps_its_old_get_stack_output_value(cfn: Deployer) -> None:
    """``Fn::GetStackOutput`` is resolved when the consumer is created or updated: a later
    change of the output leaves the consumer as it was (the CDK CLI skips a stack whose
    template did not change); updating a property of the reading resource resolves it anew."""
    cfn.deploy("producer", _producer("old"))
    cfn.deploy("consumer", _consumer("first"), region="us-east-2")
    ssm = cfn.client("ssm", "us-east-2")
    assert ssm.get_parameter(Name="/test/seen")["Parameter"]["Value"] == "old"

    _update(cfn, "producer", _producer("new"))
    assert ssm.get_parameter(Name="/test/seen")["Parameter"]["Value"] == "old"

    _update(cfn, "consumer", _consumer("second"), region="us-east-2")
    assert ssm.get_parameter(Name="/test/seen")["Parameter"]["Value"] == "new"


# --------------------------------------------------------------------------- ECR replication
def test_replication_copies_only_images_pushed_after_the_configuration(cfn: Deployer) -> None:
    ecr = cfn.client("ecr")
    ecr.create_repository(repositoryName="shop/service")
    push(cfn, "shop/service", "before")
    ecr.put_replication_configuration(
        replicationConfiguration={
            "rules": [{"destinations": [{"region": "us-east-2", "registryId": ACCOUNT}]}]
        }
    )
    assert "shop/service" not in [
        r["repositoryName"]
        for r in cfn.client("ecr", "us-east-2").describe_repositories()["repositories"]
    ], "configuring replication copies nothing"

    push(cfn, "shop/service", "after")
    assert tags(cfn, "shop/service", "us-east-2") == {"after"}, (
        "the destination repository is created and gets only the image pushed afterwards"
    )
    assert tags(cfn, "shop/service") == {"before", "after"}

    cfn.client("ecr", "us-east-2").create_repository(repositoryName="other")
    push(cfn, "other", "back", region="us-east-2")
    assert "other" not in [
        r["repositoryName"] for r in ecr.describe_repositories()["repositories"]
    ], "us-east-2 has no rule: nothing goes back"


def test_replication_follows_the_repository_filter(cfn: Deployer) -> None:
    ecr = cfn.client("ecr")
    for name in ("shop/service", "tools/other"):
        ecr.create_repository(repositoryName=name)
    ecr.put_replication_configuration(
        replicationConfiguration={
            "rules": [
                {
                    "destinations": [{"region": "us-west-2", "registryId": ACCOUNT}],
                    "repositoryFilters": [{"filter": "shop/", "filterType": "PREFIX_MATCH"}],
                }
            ]
        }
    )
    push(cfn, "shop/service", "v1")
    push(cfn, "tools/other", "v1")
    west = [
        r["repositoryName"]
        for r in cfn.client("ecr", "us-west-2").describe_repositories()["repositories"]
    ]
    assert west == ["shop/service"]


def test_replication_configured_by_a_stack_copies_later_pushes(cfn: Deployer) -> None:
    template = _template(
        {
            "Repo": _repository("Retain"),
            "Replication": {
                "Type": "AWS::ECR::ReplicationConfiguration",
                "Properties": {
                    "ReplicationConfiguration": {
                        "Rules": [
                            {"Destinations": [{"Region": "us-east-2", "RegistryId": ACCOUNT}]}
                        ]
                    }
                },
            },
        }
    )
    cfn.deploy("replicated", template, change_set=True)
    push(cfn, "shop/service", "v2")
    assert tags(cfn, "shop/service", "us-east-2") == {"v2"}


# --------------------------------------------------------------------------- Route 53 updates
def _dns(role: str, fqdn: str) -> dict[str, Any]:
    return _template(
        {
            "Zone": {
                "Type": "AWS::Route53::HostedZone",
                "Properties": {
                    "Name": "shop.example.org.",
                    "HostedZoneTags": [{"Key": "role", "Value": role}],
                },
            },
            "Check": {
                "Type": "AWS::Route53::HealthCheck",
                "Properties": {
                    "HealthCheckConfig": {
                        "Type": "HTTP",
                        "FullyQualifiedDomainName": fqdn,
                        "Port": 80,
                        "ResourcePath": "/health",
                    }
                },
            },
            "Record": {
                "Type": "AWS::Route53::RecordSet",
                "Properties": {
                    "HostedZoneId": {"Ref": "Zone"},
                    "Name": "www.shop.example.org.",
                    "Type": "CNAME",
                    "TTL": "60",
                    "ResourceRecords": [fqdn],
                    "HealthCheckId": {"Ref": "Check"},
                },
            },
        }
    )


def test_zone_tags_and_health_check_target_update_in_place(cfn: Deployer) -> None:
    """HostedZoneTags and HealthCheckConfig update without replacement (same zone, same health
    check id): the DNS stack of an app whose load balancers were replaced, or whose region
    list changed."""
    cfn.deploy("dns", _dns("global", "old.example.org"))
    zone_id = cfn.physical_id("dns", "Zone")
    check_id = cfn.physical_id("dns", "Check")
    _update(cfn, "dns", _dns("secondary", "new.example.org"))
    route53 = cfn.client("route53")
    assert cfn.physical_id("dns", "Zone") == zone_id
    assert cfn.physical_id("dns", "Check") == check_id
    check = route53.get_health_check(HealthCheckId=check_id)["HealthCheck"]
    assert check["HealthCheckConfig"]["FullyQualifiedDomainName"] == "new.example.org"
    tags = route53.list_tags_for_resource(
        ResourceType="hostedzone", ResourceId=zone_id.split("/")[-1]
    )
    assert tags["ResourceTagSet"]["Tags"] == [{"Key": "role", "Value": "secondary"}]
    records = route53.list_resource_record_sets(HostedZoneId=zone_id)["ResourceRecordSets"]
    (www,) = [r for r in records if r["Name"] == "www.shop.example.org."]
    assert www["ResourceRecords"] == [{"Value": "new.example.org"}]
    assert www["HealthCheckId"] == check_id


# --------------------------------------------------------------------------- replacement
def _served(name: str, *, protected: bool) -> dict[str, Any]:
    resources = _network()
    resources["Alb"] = _alb(
        Name=name,
        LoadBalancerAttributes=[
            {"Key": "deletion_protection.enabled", "Value": str(protected).lower()}
        ],
    )
    resources["Listener"] = {
        "Type": "AWS::ElasticLoadBalancingV2::Listener",
        "Properties": {
            "LoadBalancerArn": {"Ref": "Alb"},
            "Port": 80,
            "Protocol": "HTTP",
            "DefaultActions": [
                {
                    "Type": "fixed-response",
                    "FixedResponseConfig": {"StatusCode": "200"},
                }
            ],
        },
    }
    return _template(resources, outputs={"Dns": {"Fn::GetAtt": ["Alb", "DNSName"]}})


@pytest.mark.parametrize("protected", [False, True])
def test_a_new_load_balancer_name_replaces_it_and_its_listener(
    cfn: Deployer, protected: bool
) -> None:
    """``Name`` of a load balancer: "Update requires: Replacement". The listener (its
    ``LoadBalancerArn`` changed) is replaced too, the outputs name the new load balancer, and
    the old one is deleted, unless deletion protection keeps it in the account."""
    first = cfn.deploy("web", _served("web-blue", protected=protected))
    old_arn = cfn.physical_id("web", "Alb")
    outputs = _update(cfn, "web", _served("web-green", protected=protected))
    new_arn = cfn.physical_id("web", "Alb")
    elbv2 = cfn.client("elbv2")
    assert new_arn != old_arn
    (new,) = elbv2.describe_load_balancers(LoadBalancerArns=[new_arn])["LoadBalancers"]
    assert new["LoadBalancerName"] == "web-green"
    assert outputs["Dns"] == new["DNSName"] != first["Dns"]
    listeners = elbv2.describe_listeners(LoadBalancerArn=new_arn)["Listeners"]
    assert [x["ListenerArn"] for x in listeners] == [cfn.physical_id("web", "Listener")]
    remaining = [lb["LoadBalancerArn"] for lb in elbv2.describe_load_balancers()["LoadBalancers"]]
    assert (old_arn in remaining) is protected


def test_a_changed_load_balancer_attribute_keeps_the_load_balancer(cfn: Deployer) -> None:
    cfn.deploy("web", _served("web-blue", protected=True))
    arn = cfn.physical_id("web", "Alb")
    _update(cfn, "web", _served("web-blue", protected=False))
    assert cfn.physical_id("web", "Alb") == arn
    attributes = cfn.client("elbv2").describe_load_balancer_attributes(LoadBalancerArn=arn)
    values = {a["Key"]: a["Value"] for a in attributes["Attributes"]}
    assert values["deletion_protection.enabled"] == "false"


def test_a_resource_removed_then_added_again_is_created_again(cfn: Deployer) -> None:
    """A region removed from an app, then added back: its resources come back."""
    topic = {"Topic": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": "back"}}}
    cfn.deploy("again", _template({"Keep": {"Type": "AWS::SNS::Topic"}, **topic}))
    _update(cfn, "again", _template({"Keep": {"Type": "AWS::SNS::Topic"}}))
    sns = cfn.client("sns")
    assert not [t for t in sns.list_topics()["Topics"] if t["TopicArn"].endswith(":back")]
    _update(cfn, "again", _template({"Keep": {"Type": "AWS::SNS::Topic"}, **topic}))
    assert [t for t in sns.list_topics()["Topics"] if t["TopicArn"].endswith(":back")]


def test_a_route_removed_from_the_template_is_deleted(cfn: Deployer) -> None:
    """Routes to a removed region's VPC go with it, and come back when it is added again."""
    base = {
        "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}},
        "Igw": {"Type": "AWS::EC2::InternetGateway"},
        "Attach": {
            "Type": "AWS::EC2::VPCGatewayAttachment",
            "Properties": {"VpcId": {"Ref": "Vpc"}, "InternetGatewayId": {"Ref": "Igw"}},
        },
        "Table": {"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": {"Ref": "Vpc"}}},
    }
    route = {
        "Route": {
            "Type": "AWS::EC2::Route",
            "DependsOn": "Attach",
            "Properties": {
                "RouteTableId": {"Ref": "Table"},
                "DestinationCidrBlock": "10.1.0.0/16",
                "GatewayId": {"Ref": "Igw"},
            },
        }
    }
    cfn.deploy("routes", _template({**base, **route}))
    table_id = cfn.physical_id("routes", "Table")
    ec2 = cfn.client("ec2")

    def destinations() -> list[str]:
        (table,) = ec2.describe_route_tables(RouteTableIds=[table_id])["RouteTables"]
        return sorted(r.get("DestinationCidrBlock", "") for r in table["Routes"])

    assert "10.1.0.0/16" in destinations()
    _update(cfn, "routes", _template(base))
    assert "10.1.0.0/16" not in destinations()
    _update(cfn, "routes", _template({**base, **route}))
    assert "10.1.0.0/16" in destinations()


def test_a_hosted_zone_is_deleted_with_its_stack_unless_retained(cfn: Deployer) -> None:
    route53 = cfn.client("route53")
    template = _dns("global", "old.example.org")
    cfn.deploy("zone", template)
    assert _delete(cfn, "zone") is None, "the record and health check go first"
    assert route53.list_hosted_zones()["HostedZones"] == []

    template["Resources"]["Zone"]["DeletionPolicy"] = "Retain"
    cfn.deploy("kept", template)
    zone_id = cfn.physical_id("kept", "Zone")
    assert _delete(cfn, "kept") is None
    (zone,) = route53.list_hosted_zones()["HostedZones"]
    assert zone["Id"].split("/")[-1] == zone_id.split("/")[-1]
