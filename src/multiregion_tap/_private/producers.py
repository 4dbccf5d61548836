"""Consumers that follow their producers.

The app's stacks read each other's resources through weak references, ``Fn::GetStackOutput``,
which CloudFormation resolves when the reading stack is created or updated, never later: "If
the referenced stack or output is later deleted or modified, the consuming stack is not
automatically updated" (``Fn::GetStackOutput`` in the CloudFormation template reference). The
CDK CLI skips a stack whose template did not change. A replaced producer (a new load balancer,
VPC, health check or database identifier) would leave its readers naming the deleted one: the
DNS health checks and records, the health-check alarms, the overview dashboard, the peering
connections and routes, the database replicas.

So each of those readers carries a digest of what it reads (:func:`follow`): each producer's
stack, region, logical id and type, and the values of its *create-only* properties
(``createOnlyProperties`` of CloudFormation's resource provider schema: a change of one of them
replaces the resource), with every resource those values refer to digested the same way (a
route table's ``VpcId`` follows the VPC). A producer with a name of its own is its name:
CloudFormation replaces a custom-named resource only under a new name ("If you must replace the
resource, specify a new name", the Name type in the CloudFormation user guide). A change that
replaces a producer changes the digest, hence the reader's template, so the same
``cdk deploy --all`` updates the reader and CloudFormation resolves the new values. An in-place
update of a producer changes nothing.

The digest is carried where an update of the reader is certain: a tag
(``multiregion-tap:follows``) where the resource type has tags, a record's ``Comment``, else
the resource's ``Metadata`` (a route or a dashboard has no tags and no free-form property).

The readers name their producers (the construct knows what it reads); finding them from the
properties instead costs a jsii round trip per token. A test finds them that way in the
composed apps and checks that every reader names at least what it reads. The digest is taken
when the reader is built, after its producers: a create-only property set later on a
producer's L1 (an escape hatch) is not seen.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

import aws_cdk as cdk
from constructs import IConstruct

__all__ = [
    "CREATE_ONLY",
    "FOLLOWS_KEY",
    "NAMES",
    "follow",
    "followed",
    "object_id",
    "producer_key",
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

#: The create-only name of a type: when it is set, it alone says which resource this is.
NAMES: dict[str, str] = {
    "AWS::ECS::Cluster": "ClusterName",
    "AWS::ECS::Service": "ServiceName",
    "AWS::ElasticLoadBalancingV2::LoadBalancer": "Name",
    "AWS::ElasticLoadBalancingV2::TargetGroup": "Name",
    "AWS::RDS::DBInstance": "DBInstanceIdentifier",
}

#: CloudFormation's value of a create-only property left out, where it has one: stating the
#: default does not replace the resource, so it must not change the digest.
_DEFAULTS: dict[tuple[str, str], Any] = {
    ("AWS::ElasticLoadBalancingV2::LoadBalancer", "Scheme"): "internet-facing",
    ("AWS::ElasticLoadBalancingV2::LoadBalancer", "Type"): "application",
}

#: Resource types without tags whose digest goes into a free-form property.
_PROPERTY_CARRIERS = {"AWS::Route53::RecordSet": "Comment"}

_TOKEN_MARKER = "${Token["


def object_id(construct: Any) -> str:
    """jsii's id of the object behind a proxy: a new proxy may stand for the same object, and
    asking the object its path is a round trip (two proxies of one construct have the same
    id, unique in the jsii kernel's process)."""
    return str(construct.__jsii_ref__.ref)


#: Digests by producer, stack names and regions by stack, followed producers by reader (each
#: keyed by :func:`object_id`, unique in the jsii kernel's process).
_KEYS: dict[str, str] = {}
_STACKS: dict[str, tuple[str, str]] = {}
_FOLLOWED: dict[str, list[cdk.CfnResource]] = {}
_CHILDREN: dict[str, cdk.CfnResource | None] = {}
_STACK_OF: dict[str, cdk.Stack] = {}
_TYPES: dict[type, str] = {}
#: The targets of the references a string encodes, by string: a token's string is unique in
#: the jsii kernel's process and stands for the same token for its life (a route table's id
#: is read once per peer of its region).
_TARGETS: dict[str, tuple[IConstruct, ...]] = {}


def follow(
    reader: IConstruct,
    producers: Iterable[IConstruct | str | None],
    *,
    stack: cdk.Stack | None = None,
) -> str | None:
    """Make ``reader`` (an L1 resource, or the construct whose default child it is) carry the
    digest of the ``producers`` it reads that live in another stack: constructs, or values
    read from them (``route_table_id``: the resources they reference). ``None`` entries,
    literals, imported constructs and producers of the reader's own stack are skipped (a
    ``Ref`` in one stack is kept current by CloudFormation). ``stack`` is the reader's stack
    when the caller has it at hand (one round trip less per reader). Returns the digest, or
    ``None`` when nothing is carried."""
    resource = _cfn_resource(reader)
    if resource is None:
        return None
    stack_ref = object_id(stack if stack is not None else _stack_of(resource))
    constructs: list[IConstruct] = []
    for producer in producers:
        if isinstance(producer, str):
            _references(producer, constructs)
        elif producer is not None:
            constructs.append(producer)
    foreign: dict[str, cdk.CfnResource] = {}
    for producer in constructs:
        cfn = _cfn_resource(producer)
        if cfn is not None and object_id(_stack_of(cfn)) != stack_ref:
            foreign.setdefault(object_id(cfn), cfn)
    _FOLLOWED[object_id(resource)] = list(foreign.values())
    if not foreign:
        return None
    key = _digest(sorted({producer_key(p) for p in foreign.values()}))
    _carry(resource, key)
    return key


def followed(reader: IConstruct) -> list[cdk.CfnResource]:
    """The producers of other stacks whose digest ``reader`` carries (for tests)."""
    resource = _cfn_resource(reader)
    if resource is None:
        return []
    return list(_FOLLOWED.get(object_id(resource), []))


def producer_key(producer: IConstruct) -> str:
    """The digest of what ``producer`` (an L1 resource, or the construct whose default child it
    is) is: it changes when a change replaces the producer or anything its create-only
    properties refer to, and only then."""
    resource = _cfn_resource(producer)
    if resource is None:
        return _digest({"path": producer.node.path})
    ref = object_id(resource)
    found = _KEYS.get(ref)
    if found is not None:
        return found
    stack = _stack_of(resource)
    where = _STACKS.get(object_id(stack))
    if where is None:
        where = _STACKS[object_id(stack)] = (stack.stack_name, str(stack.resolve(stack.region)))
    kind = _type_of(resource)
    properties = resource._cfn_properties
    name = NAMES.get(kind, "")
    named = _pick(properties, name) if name else None
    picked: dict[str, Any] = (
        {name: named}
        if isinstance(named, str) and _TOKEN_MARKER not in named
        else {n: _pick(properties, n) for n in CREATE_ONLY.get(kind, ())}
    )
    for prop in list(picked):
        if picked[prop] is None:
            picked[prop] = _DEFAULTS.get((kind, prop))
    targets: list[IConstruct] = []
    _references(picked, targets)
    resolved = stack.resolve(
        {
            "logicalId": resource.logical_id,
            "values": {k: v for k, v in picked.items() if v is not None},
        }
    )
    identity = {
        "stack": where[0],
        "region": where[1],
        "logicalId": resolved["logicalId"],
        "type": kind,
        "createOnly": resolved.get("values", {}),
        "refersTo": sorted({producer_key(t) for t in targets}),
    }
    _KEYS[ref] = _digest(identity)
    return _KEYS[ref]


def _pick(properties: Any, path: str) -> Any:
    """The value at ``path`` (CloudFormation's names, ``HealthCheckConfig/Type``) of an L1's
    properties (CDK's names: the same but for the case of the first letters,
    ``dbInstanceIdentifier``)."""
    for part in path.split("/"):
        if not isinstance(properties, dict):
            return None
        wanted = part.lower()
        properties = next((v for k, v in properties.items() if k.lower() == wanted), None)
    return properties


def _references(value: Any, found: list[IConstruct]) -> None:
    """Add the target of every reference encoded in ``value``'s strings to ``found``."""
    if isinstance(value, dict):
        for item in value.values():
            _references(item, found)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _references(item, found)
    elif isinstance(value, str) and _TOKEN_MARKER in value:
        targets = _TARGETS.get(value)
        if targets is None:
            targets = _TARGETS[value] = tuple(
                token.target
                for token in cdk.Tokenization.reverse_string(value).tokens
                if isinstance(token, cdk.Reference)
            )
        found.extend(targets)


def _carry(resource: cdk.CfnResource, key: str) -> None:
    # An L1 with tags has ``cdk_tag_manager`` (ITaggableV2) or a TagManager ``tags``
    # (ITaggable): read from the Python class, not asked of the object.
    kind = type(resource)
    prop = _PROPERTY_CARRIERS.get(_type_of(resource))
    if hasattr(kind, "cdk_tag_manager"):
        resource.cdk_tag_manager.set_tag(FOLLOWS_KEY, key)  # type: ignore[attr-defined]
    elif hasattr(kind, "tags"):
        resource.tags.set_tag(FOLLOWS_KEY, key)  # type: ignore[attr-defined]
    elif prop is not None:
        resource.add_property_override(prop, f"{FOLLOWS_KEY} {key}")
    else:
        resource.add_metadata(FOLLOWS_KEY, key)


def _cfn_resource(construct: IConstruct) -> cdk.CfnResource | None:
    if isinstance(construct, cdk.CfnResource):
        return construct
    ref = object_id(construct)
    if ref not in _CHILDREN:
        child = construct.node.default_child
        _CHILDREN[ref] = child if isinstance(child, cdk.CfnResource) else None
    return _CHILDREN[ref]


def _type_of(resource: cdk.CfnResource) -> str:
    """The CloudFormation type of an L1 (asked once per generated L1 class; a plain
    ``CfnResource`` can be of any type, so it is asked each time)."""
    kind = type(resource)
    if kind is cdk.CfnResource:
        return resource.cfn_resource_type
    found = _TYPES.get(kind)
    if found is None:
        found = _TYPES[kind] = resource.cfn_resource_type
    return found


def _stack_of(construct: IConstruct) -> cdk.Stack:
    ref = object_id(construct)
    found = _STACK_OF.get(ref)
    if found is None:
        found = _STACK_OF[ref] = cdk.Stack.of(construct)
    return found


def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]
