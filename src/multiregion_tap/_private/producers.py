"""Consumers that follow their producers.

The app's stacks read each other's resources through weak references, ``Fn::GetStackOutput``,
which CloudFormation resolves when the reading stack is created or updated, never later: "If
the referenced stack or output is later deleted or modified, the consuming stack is not
automatically updated" (``Fn::GetStackOutput`` in the CloudFormation template reference). The
CDK CLI skips a stack whose template did not change. A replaced producer (a new load balancer,
VPC, health check or database identifier) would leave its readers naming the deleted one: the
DNS health checks and records, the health-check alarms, the overview dashboard, the peering
connections and routes.

So every resource of a following construct (:func:`follow_producers`) that reads a resource of
another stack carries a digest of what those producers are (:func:`producer_key`): each
producer's stack, region, logical id and type, and the values of its *create-only* properties
(``createOnlyProperties`` of CloudFormation's resource provider schema: a change of one of them
replaces the resource), with every resource those values refer to digested the same way (a
route table's ``VpcId`` follows the VPC). A change that replaces a producer changes the digest,
hence the reader's template, so the same ``cdk deploy --all`` updates the reader and
CloudFormation resolves the new values. An in-place update of a producer changes nothing.

The digest is carried where an update of the reader is certain: a tag
(``multiregion-tap:follows``) where the resource type has tags, a record's ``Comment``, else
the resource's ``Metadata`` (a route or a dashboard has no tags and no free-form property).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import aws_cdk as cdk
import jsii
from constructs import IConstruct

__all__ = [
    "CREATE_ONLY",
    "FOLLOWS_KEY",
    "follow_producers",
    "producer_key",
    "producers_of",
    "reader_key",
]

#: The tag key (or metadata key, or ``Comment`` prefix) of the producers' digest.
FOLLOWS_KEY = "multiregion-tap:follows"

#: ``createOnlyProperties`` of CloudFormation's resource provider schemas, for the types the
#: library's readers read (a test compares this table with the schemas cfn-lint ships). A path
#: with ``/`` names a property of a property.
CREATE_ONLY: dict[str, tuple[str, ...]] = {
    "AWS::EC2::RouteTable": ("VpcId",),
    "AWS::EC2::VPC": ("CidrBlock", "Ipv4IpamPoolId", "Ipv4NetmaskLength", "VpcEncryptionControl"),
    "AWS::EC2::VPCPeeringConnection": ("PeerOwnerId", "PeerRegion", "PeerVpcId", "VpcId"),
    "AWS::ECS::Cluster": ("ClusterName",),
    "AWS::ECS::Service": ("Cluster", "Role", "SchedulingStrategy", "ServiceName"),
    "AWS::ElasticLoadBalancingV2::LoadBalancer": ("Name", "Scheme", "Type"),
    "AWS::ElasticLoadBalancingV2::TargetGroup": (
        "IpAddressType",
        "Name",
        "Port",
        "Protocol",
        "ProtocolVersion",
        "TargetType",
        "VpcId",
    ),
    "AWS::RDS::DBInstance": (
        "BackupTarget",
        "CharacterSetName",
        "CustomIAMInstanceProfile",
        "DBClusterIdentifier",
        "DBInstanceIdentifier",
        "DBName",
        "DBSubnetGroupName",
        "DBSystemId",
        "KmsKeyId",
        "MasterUsername",
        "NcharCharacterSetName",
        "SourceRegion",
        "StorageEncrypted",
        "Timezone",
    ),
    "AWS::Route53::HealthCheck": (
        "HealthCheckConfig/MeasureLatency",
        "HealthCheckConfig/RequestInterval",
        "HealthCheckConfig/Type",
    ),
}

#: CloudFormation's value of a create-only property left out, where it has one: stating the
#: default does not replace the resource, so it must not change the digest.
_DEFAULTS: dict[tuple[str, str], Any] = {
    ("AWS::ElasticLoadBalancingV2::LoadBalancer", "Scheme"): "internet-facing",
    ("AWS::ElasticLoadBalancingV2::LoadBalancer", "Type"): "application",
}

#: Resource types without tags whose digest goes into a free-form property.
_PROPERTY_CARRIERS = {"AWS::Route53::RecordSet": "Comment"}


class _Recorder(cdk.DefaultTokenResolver):
    """Resolves like CDK and notes the target of every reference it meets."""

    def __init__(self) -> None:
        super().__init__(cdk.StringConcat())
        self.targets: list[IConstruct] = []

    def resolve_token(
        self, t: cdk.IResolvable, context: cdk.IResolveContext, post_processor: cdk.IPostProcessor
    ) -> Any:
        if isinstance(t, cdk.Reference):
            self.targets.append(t.target)
        return super().resolve_token(t, context, post_processor)


def _resolve(value: Any, scope: IConstruct) -> tuple[Any, list[IConstruct]]:
    recorder = _Recorder()
    resolved = cdk.Tokenization.resolve(value, scope=scope, resolver=recorder)
    return resolved, recorder.targets


def _pick(properties: Any, path: str) -> Any:
    """The value at ``path`` (CloudFormation's names) of an L1's properties (CDK's names, the
    same but for the case of the first letters: ``dbInstanceIdentifier``)."""
    for part in path.split("/"):
        if not isinstance(properties, dict):
            return None
        wanted = part.lower()
        properties = next((v for k, v in properties.items() if k.lower() == wanted), None)
    return properties


def producer_key(producer: IConstruct, _seen: dict[str, str] | None = None) -> str:
    """The digest of what ``producer`` (an L1 resource, or the construct whose default child it
    is) is: it changes when a change replaces the producer or anything its create-only
    properties refer to, and only then."""
    seen = {} if _seen is None else _seen
    resource = _cfn_resource(producer)
    if resource is None:
        return _digest({"path": producer.node.path})
    path = resource.node.path
    if path in seen:
        return seen[path]
    stack = cdk.Stack.of(resource)
    kind = resource.cfn_resource_type
    identity: dict[str, Any] = {
        "stack": stack.stack_name,
        "region": stack.resolve(stack.region),
        "logicalId": stack.resolve(resource.logical_id),
        "type": kind,
    }
    properties = resource._cfn_properties
    picked = {}
    for name in CREATE_ONLY.get(kind, ()):
        value = _pick(properties, name)
        picked[name] = _DEFAULTS.get((kind, name)) if value is None else value
    values, targets = _resolve(picked, resource)
    identity["createOnly"] = {k: v for k, v in values.items() if v is not None}
    identity["refersTo"] = sorted(producer_key(t, seen) for t in targets)
    seen[path] = _digest(identity)
    return seen[path]


def producers_of(reader: cdk.CfnResource) -> list[cdk.CfnResource]:
    """The resources of other stacks that ``reader``'s properties refer to."""
    stack = cdk.Stack.of(reader)
    _, targets = _resolve(reader._cfn_properties, reader)
    found: dict[str, cdk.CfnResource] = {}
    for target in targets:
        resource = _cfn_resource(target)
        if resource is not None and cdk.Stack.of(resource) is not stack:
            found.setdefault(resource.node.path, resource)
    return [found[path] for path in sorted(found)]


def follow_producers(scope: IConstruct) -> None:
    """Make every resource under ``scope`` that reads a resource of another stack carry the
    digest of those producers, when the app is synthesized (an aspect: the producers are
    complete by then)."""
    cdk.Aspects.of(scope).add(_Follow())


@jsii.implements(cdk.IAspect)
class _Follow:
    def visit(self, node: IConstruct) -> None:
        if isinstance(node, cdk.CfnResource):
            _carry(node, reader_key(node))


def reader_key(reader: cdk.CfnResource) -> str | None:
    """The digest of :func:`producers_of` ``reader``, or ``None`` when it reads no other
    stack."""
    seen: dict[str, str] = {}
    keys = sorted(producer_key(p, seen) for p in producers_of(reader))
    return _digest(keys) if keys else None


def _carry(resource: cdk.CfnResource, key: str | None) -> None:
    if key is None:
        return
    prop = _PROPERTY_CARRIERS.get(resource.cfn_resource_type)
    if cdk.TagManager.is_taggable(resource):
        resource.tags.set_tag(FOLLOWS_KEY, key)  # type: ignore[attr-defined]
    elif cdk.TagManager.is_taggable_v2(resource):
        resource.cdk_tag_manager.set_tag(FOLLOWS_KEY, key)  # type: ignore[attr-defined]
    elif prop is not None:
        resource.add_property_override(prop, f"{FOLLOWS_KEY} {key}")
    else:
        resource.add_metadata(FOLLOWS_KEY, key)


def _cfn_resource(construct: IConstruct) -> cdk.CfnResource | None:
    if isinstance(construct, cdk.CfnResource):
        return construct
    child = construct.node.default_child
    return child if isinstance(child, cdk.CfnResource) else None


def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]
