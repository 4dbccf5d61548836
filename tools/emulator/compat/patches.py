"""Resource types moto creates incompletely or fails on."""

from __future__ import annotations

import contextlib
import json
from typing import Any

from moto.codedeploy import responses as codedeploy_responses
from moto.ec2.models import vpc_peering_connections as pcx_models
from moto.ecs import models as ecs_models
from moto.elbv2 import models as elbv2_models
from moto.kms import models as kms_models
from moto.rds import models as rds_models
from moto.route53 import models as route53_models

from ._util import after_create, as_bool, camel, physical_id, tag_list

_ORIGINAL: dict[str, Any] = {}

# --------------------------------------------------------------------------- ECS Service
#: CloudFormation properties of AWS::ECS::Service kept on the service beyond what moto keeps,
#: as (property, attribute on moto's Service) pairs; values are converted to the API's camelCase.
_ECS_SERVICE_EXTRAS = (
    ("DeploymentConfiguration", "deployment_configuration"),
    ("HealthCheckGracePeriodSeconds", "health_check_grace_period_seconds"),
    ("EnableExecuteCommand", "enable_execute_command"),
    ("EnableECSManagedTags", "enable_ecs_managed_tags"),
    ("CapacityProviderStrategy", "capacity_provider_strategy"),
    ("PlacementConstraints", "placement_constraints"),
    ("PlacementStrategies", "placement_strategy"),
    ("AvailabilityZoneRebalancing", "availability_zone_rebalancing"),
)


def _ecs_name(value: Any, attribute: str) -> str:
    value = (
        physical_id(value)
        if not isinstance(value, (ecs_models.Cluster, ecs_models.TaskDefinition))
        else value
    )
    if isinstance(value, ecs_models.Cluster):
        return str(value.name)
    if isinstance(value, ecs_models.TaskDefinition):
        return str(value.arn)
    return str(value)


def _apply_service_extras(service: Any, props: dict[str, Any]) -> None:
    for prop, attribute in _ECS_SERVICE_EXTRAS:
        if prop in props:
            value = props[prop]
            if prop == "DeploymentConfiguration" and isinstance(value, dict):
                value = camel(value)
                for key in ("bakeTimeInMinutes", "maximumPercent", "minimumHealthyPercent"):
                    if key in value:
                        value[key] = int(value[key])
                alarms = value.get("alarms")
                if isinstance(alarms, dict):
                    for key in ("enable", "rollback"):
                        if key in alarms:
                            alarms[key] = as_bool(alarms[key])
            elif prop in ("HealthCheckGracePeriodSeconds",):
                value = int(value)
            elif prop in ("EnableExecuteCommand", "EnableECSManagedTags"):
                value = as_bool(value)
            else:
                value = camel(value)
            setattr(service, attribute, value)


def _load_balancers(props: dict[str, Any]) -> list[dict[str, Any]]:
    result = []
    for entry in camel(props.get("LoadBalancers") or []):
        if "containerPort" in entry:
            entry["containerPort"] = int(entry["containerPort"])
        result.append(entry)
    return result


def _network_configuration(props: dict[str, Any]) -> dict[str, Any] | None:
    config = props.get("NetworkConfiguration")
    if not config:
        return None
    return camel(config)  # type: ignore[no-any-return]


def _create_ecs_service(
    cls: Any,
    resource_name: str,
    cloudformation_json: Any,
    account_id: str,
    region_name: str,
    **kwargs: Any,
) -> Any:
    props = cloudformation_json["Properties"]
    backend = ecs_models.ecs_backends[account_id][region_name]
    cluster = _ecs_name(props.get("Cluster", "default"), "Cluster")
    task_definition = props.get("TaskDefinition")
    desired = props.get("DesiredCount")
    service = backend.create_service(
        cluster,
        resource_name,
        int(desired) if desired is not None else 1,
        task_definition_str=_ecs_name(task_definition, "TaskDefinition")
        if task_definition
        else None,
        load_balancers=_load_balancers(props),
        scheduling_strategy=props.get("SchedulingStrategy"),
        tags=camel(props.get("Tags")) or None,
        deployment_controller=camel(props.get("DeploymentController")) or None,
        launch_type=props.get("LaunchType")
        or ("FARGATE" if props.get("CapacityProviderStrategy") else None),
        service_registries=camel(props.get("ServiceRegistries")) or None,
        platform_version=props.get("PlatformVersion"),
        propagate_tags=props.get("PropagateTags") or "NONE",
        network_configuration=_network_configuration(props),
        role_arn=physical_id(props.get("Role")),
    )
    _apply_service_extras(service, props)
    return service


def _update_ecs_service(
    cls: Any,
    original_resource: Any,
    new_resource_name: str,
    cloudformation_json: Any,
    account_id: str,
    region_name: str,
) -> Any:
    service = _ORIGINAL["ecs_update"].__func__(
        cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name
    )
    props = cloudformation_json["Properties"]
    if "LoadBalancers" in props:
        service.load_balancers = _load_balancers(props)
    network = _network_configuration(props)
    if network is not None:
        service.network_configuration = network
    _apply_service_extras(service, props)
    return service


# --------------------------------------------------------------------------- Route 53 RecordSet
def _zone_by_name(backend: Any, name: str) -> Any:
    """The hosted zone named ``name`` (with or without the trailing dot), or ``None``."""
    wanted = name.rstrip(".").lower()
    for zone in backend.zones.values():
        if zone.name.rstrip(".").lower() == wanted:
            return zone
    return None


def _record_set_zone(properties: dict[str, Any], account_id: str, region_name: str) -> Any:
    from moto.utilities.utils import get_partition

    backend = route53_models.route53_backends[account_id][get_partition(region_name)]
    zone_id = physical_id(properties.get("HostedZoneId"))
    if zone_id:
        return backend.get_hosted_zone(str(zone_id).split("/")[-1])
    zone = _zone_by_name(backend, str(properties["HostedZoneName"]))
    if zone is None:
        from moto.cloudformation.exceptions import ValidationError

        raise ValidationError(
            message=f"No hosted zone found with name {properties['HostedZoneName']}"
        )
    return zone


def _create_record_set(
    cls: Any,
    resource_name: str,
    cloudformation_json: Any,
    account_id: str,
    region_name: str,
    **kwargs: Any,
) -> Any:
    properties = dict(cloudformation_json["Properties"])
    zone = _record_set_zone(properties, account_id, region_name)
    properties.pop("HostedZoneName", None)
    properties["HostedZoneId"] = zone.id
    if "TTL" in properties and properties["TTL"] is not None:
        properties["TTL"] = int(properties["TTL"])
    record = zone.add_rrset(properties)
    record.hosted_zone_id = zone.id
    record.hosted_zone_name = None
    return record


def _delete_record_set(
    cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str
) -> None:
    properties = cloudformation_json["Properties"]
    try:
        zone = _record_set_zone(properties, account_id, region_name)
    except Exception:
        return
    _remove_record(zone, resource_name, properties.get("Type"), properties.get("SetIdentifier"))


def _remove_record(zone: Any, name: str, kind: str | None, set_identifier: str | None) -> None:
    """Remove the one record of ``zone`` with this name, type and set identifier. moto's
    ``delete_rrset`` ignores the set identifier: deleting one failover record of a name
    deleted its PRIMARY and SECONDARY records both (Route 53 tells records of one name and type
    apart by ``SetIdentifier``,
    https://docs.aws.amazon.com/Route53/latest/APIReference/API_ResourceRecordSet.html)."""
    wanted = name.rstrip(".").lower()
    zone.rrsets = [
        record
        for record in zone.rrsets
        if record.name.rstrip(".").lower() != wanted
        or (kind is not None and record.type != kind)
        or (set_identifier is not None and record.set_identifier != set_identifier)
    ]


def _update_record_set(
    cls: Any,
    original_resource: Any,
    new_resource_name: str,
    cloudformation_json: Any,
    account_id: str,
    region_name: str,
) -> Any:
    """Update a record in place: the original record (its own name, type and set identifier)
    is replaced by the new properties, the other records of the name stay. moto deleted by
    the new properties' name only, which took every failover record of the name with it.
    CloudFormation updates ``AliasTarget``, ``HealthCheckId`` and ``Failover`` without
    interruption (AWS::Route53::RecordSet, "Update requires: No interruption",
    https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-route53-recordset.html)."""
    properties = cloudformation_json["Properties"]
    with contextlib.suppress(Exception):
        zone = _record_set_zone(properties, account_id, region_name)
        _remove_record(
            zone, original_resource.name, original_resource.type, original_resource.set_identifier
        )
    return _create_record_set(cls, new_resource_name, cloudformation_json, account_id, region_name)


def _health_check_delete(self: Any, account_id: str, region: str) -> None:
    """A health check removed from the template is deleted (moto kept it: the model had no
    delete, and stack updates skip what they cannot delete)."""
    from moto.utilities.utils import get_partition

    backend = route53_models.route53_backends[account_id][get_partition(region)]
    backend.delete_health_check(self.id)


def _record_set_delete(self: Any, account_id: str, region: str) -> None:
    _delete_record_set(
        type(self),
        self.name,
        {
            "Properties": {
                "HostedZoneId": self.hosted_zone_id,
                "HostedZoneName": self.hosted_zone_name,
                "Type": self.type,
                "SetIdentifier": self.set_identifier,
            }
        },
        account_id,
        region,
    )


# --------------------------------------------------------------------------- RDS
def _create_db_instance(
    cls: Any,
    resource_name: str,
    cloudformation_json: Any,
    account_id: str,
    region_name: str,
    **kwargs: Any,
) -> Any:
    """moto reads ``DBSubnetGroupName`` as a model object (``.name``), but a Ref resolves to the
    subnet group's name string; a cross-region replica then looked the group up in the source
    region. Normalize the properties and create the replica in its own region's backend."""
    properties = dict(cloudformation_json["Properties"])
    subnet_group = properties.get("DBSubnetGroupName")
    subnet_group_name = None
    if subnet_group is not None:
        subnet_group_name = subnet_group if isinstance(subnet_group, str) else subnet_group.name
        properties.pop("DBSubnetGroupName")
    for key in ("AllocatedStorage", "BackupRetentionPeriod", "Port", "Iops"):
        if properties.get(key) is not None:
            properties[key] = int(properties[key])
    if properties.get("Engine") and properties.get("Port") is None:
        properties["Port"] = rds_models.DBInstance.default_port(properties["Engine"])
    db = _ORIGINAL["rds_create"].__func__(
        cls,
        resource_name,
        {**cloudformation_json, "Properties": properties},
        account_id,
        region_name,
        **kwargs,
    )
    # moto dropped DeletionProtection (every instance could be deleted).
    db.deletion_protection = as_bool(properties.get("DeletionProtection"))
    if subnet_group_name:
        backend = rds_models.rds_backends[account_id][region_name]
        db._db_subnet_group_name = subnet_group_name
        db.db_subnet_group = backend.describe_db_subnet_groups(subnet_group_name)[0]
    return db


def _promote(db: Any, account_id: str, properties: dict[str, Any]) -> None:
    """What RDS PromoteReadReplica leaves: a standalone instance (no
    ``ReadReplicaSourceDBInstanceIdentifier``), no longer listed by its source, same identifier
    and endpoint, backups as the template says. moto's own promotion kept the source."""
    source_id = db.source_db_instance_identifier
    if source_id:
        source_region = source_id.split(":")[3] if source_id.startswith("arn:") else db.region
        source_backend = rds_models.rds_backends[account_id][source_region]
        source = source_backend.databases.get(source_id.split(":")[-1])
        if source is not None:
            for entry in (db.db_instance_arn, db.db_instance_identifier):
                if entry in source.replicas:
                    source.replicas.remove(entry)
    db.is_replica = False
    db.source_db_instance_identifier = None
    if properties.get("BackupRetentionPeriod") is not None:
        db.backup_retention_period = int(properties["BackupRetentionPeriod"])


def _update_db_instance(
    cls: Any,
    original_resource: Any,
    new_resource_name: str,
    cloudformation_json: Any,
    account_id: str,
    region_name: str,
) -> Any:
    """An update of ``AWS::RDS::DBInstance`` (moto had none: the stack lost the resource).

    CloudFormation's RDS resource provider lists ``SourceDBInstanceIdentifier`` among the
    conditional create-only properties and ``rds:PromoteReadReplica`` among its update
    permissions (aws-cloudformation-resource-providers-rds, ``aws-rds-dbinstance.json``):
    removing the property from a replica promotes it in place; naming another source replaces
    the replica (a new instance; the old one is deleted unless deletion protection keeps it).
    Any other change keeps the instance as it is (the drill needs no other update), except
    ``DeletionProtection``, which is modified in place."""
    properties = cloudformation_json.get("Properties", {})
    source = properties.get("SourceDBInstanceIdentifier")
    if original_resource.is_replica and not source:
        _promote(original_resource, account_id, properties)
        return original_resource
    if source and source != original_resource.source_db_instance_identifier:
        replacement = _create_db_instance(
            cls, new_resource_name, cloudformation_json, account_id, region_name
        )
        if not original_resource.deletion_protection:
            backend = rds_models.rds_backends[account_id][original_resource.region]
            with contextlib.suppress(Exception):
                backend.delete_db_instance(original_resource.db_instance_identifier)
        return replacement
    original_resource.deletion_protection = as_bool(properties.get("DeletionProtection"))
    return original_resource


def _db_subnet_group_physical_id(self: Any) -> str:
    return str(self.name)


def _db_parameter_group_physical_id(self: Any) -> str:
    """moto's DBParameterGroup had no physical id: a ``Ref`` to it gave the model object and
    a DB instance naming it failed (``'DBParameterGroup' object has no attribute
    'startswith'``). CloudFormation's Ref is the group's name."""
    return str(self.name)


# --------------------------------------------------------------------------- VPC peering
#: The status message AWS gives a peering connection that failed (code ``failed``): one
#: wording for a wrong peer VPC id, a wrong account and overlapping CIDR blocks. The code and
#: the rule are documented (VpcPeeringConnectionStateReason,
#: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_VpcPeeringConnectionStateReason.html;
#: "VPC peering limitations", https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html;
#: "If they overlap, the status of the VPC peering connection immediately goes to failed",
#: https://docs.aws.amazon.com/vpc/latest/peering/create-vpc-peering-connection.html); the
#: message is the one the EC2 API returns (no documentation page spells it out).
PEERING_FAILED_MESSAGE = "Failed due to incorrect VPC-ID, Account ID, or overlapping CIDR range"


class _UnknownVpc:
    """The accepter side of a failed peering connection whose peer VPC does not exist."""

    def __init__(self, vpc_id: str, owner_id: str, region: str) -> None:
        self.id = vpc_id
        self.owner_id = owner_id
        self.region = region
        self.cidr_block = None


def _vpc_cidrs(vpc: Any) -> list[Any]:
    """The IPv4 CIDR blocks associated with ``vpc`` (primary and secondary)."""
    import ipaddress

    blocks = [
        a["cidr_block"]
        for a in vpc.get_cidr_block_association_set(ipv6=False)
        if a.get("cidr_block_state", {}).get("state") == "associated"
    ] or [vpc.cidr_block]
    return [ipaddress.ip_network(b) for b in blocks]


def peering_failure(
    account_id: str, vpc: Any, peer_account: str, peer_region: str, peer_vpc_id: str
) -> tuple[Any, str | None]:
    """(peer VPC or stand-in, reason it fails or ``None``) for a peering request: the one
    account the emulator has, a region the emulator serves, an existing peer VPC there, and
    IPv4 CIDR blocks that do not overlap (matching blocks overlap too)."""
    from moto.ec2.models import ec2_backends

    stand_in = _UnknownVpc(peer_vpc_id, peer_account, peer_region)
    if peer_account != account_id:
        return stand_in, f"peer account {peer_account} is not the emulator's account"
    if peer_region not in ec2_backends[account_id].regions:
        return stand_in, f"peer region {peer_region} is not a region the emulator serves"
    peer_vpc = ec2_backends[account_id][peer_region].vpcs.get(peer_vpc_id)
    if peer_vpc is None:
        return stand_in, f"peer VPC {peer_vpc_id} does not exist in {peer_region}"
    for mine in _vpc_cidrs(vpc):
        for theirs in _vpc_cidrs(peer_vpc):
            if mine.overlaps(theirs):
                return peer_vpc, f"CIDR blocks {mine} and {theirs} overlap"
    return peer_vpc, None


def _create_peering(
    cls: Any,
    resource_name: str,
    cloudformation_json: Any,
    account_id: str,
    region_name: str,
    **kwargs: Any,
) -> Any:
    """moto looked the peer VPC up in the requester's region and left the connection pending.

    Within one account and across regions (``PeerRegion``) CloudFormation's connection becomes
    active without an accepter, but only when AWS accepts the request
    (:func:`peering_failure`); otherwise the connection is ``failed`` with AWS's message
    (:data:`PEERING_FAILED_MESSAGE`) and the resource fails to create."""
    from moto.ec2.models import ec2_backends
    from moto.ec2.utils import random_vpc_peering_connection_id

    props = cloudformation_json["Properties"]
    backend = ec2_backends[account_id][region_name]
    peer_account = str(props.get("PeerOwnerId") or account_id)
    peer_region = str(props.get("PeerRegion") or region_name)
    vpc = backend.get_vpc(str(physical_id(props["VpcId"])))
    peer_vpc_id = str(physical_id(props["PeerVpcId"]))
    tags = {t["Key"]: t["Value"] for t in props.get("Tags") or []}
    peer_vpc, failure = peering_failure(account_id, vpc, peer_account, peer_region, peer_vpc_id)
    if failure is None:
        pcx = backend.create_vpc_peering_connection(vpc, peer_vpc, tags or None)
        pcx._status.accept()
        return pcx
    pcx = pcx_models.VPCPeeringConnection(
        backend, random_vpc_peering_connection_id(), vpc, peer_vpc, tags or None
    )
    pcx._status.code = "failed"
    pcx._status.message = PEERING_FAILED_MESSAGE
    backend.vpc_pcxs[pcx.id] = pcx  # the requester sees the failed connection, as in AWS
    from moto.cloudformation.exceptions import ValidationError

    raise ValidationError(
        message=f"VPC peering connection {pcx.id} is failed ({PEERING_FAILED_MESSAGE}): {failure}"
    )


# --------------------------------------------------------------------------- ELBv2 Listener
def _listener_default_actions(self: Any, properties: dict[str, Any]) -> list[dict[str, Any]]:
    """moto kept only ``TargetGroupArn`` of a listener's ``forward`` default action (KeyError
    for a weighted ``ForwardConfig``, as ECS blue/green listeners have): keep the action."""
    actions = []
    for index, action in enumerate(properties["DefaultActions"]):
        action_type = action["Type"]
        if action_type == "forward" and "ForwardConfig" in action:
            config = dict(action["ForwardConfig"])
            config["TargetGroups"] = [
                {**group, "TargetGroupArn": physical_id(group["TargetGroupArn"])}
                | ({"Weight": int(group["Weight"])} if "Weight" in group else {})
                for group in config.get("TargetGroups", [])
            ]
            kept = {"Type": "forward", "ForwardConfig": config}
            if action.get("TargetGroupArn"):
                kept["TargetGroupArn"] = physical_id(action["TargetGroupArn"])
            actions.append(kept)
        elif action_type == "forward":
            actions.append({"Type": "forward", "TargetGroupArn": action["TargetGroupArn"]})
        elif action_type in elbv2_models.ALLOWED_ACTIONS:
            actions.append(action)
        else:
            from moto.elbv2.exceptions import InvalidActionTypeError

            raise InvalidActionTypeError(action_type, index + 1)
    return actions


# --------------------------------------------------------------------------- KMS Key
def _create_kms_key(
    cls: Any,
    resource_name: str,
    cloudformation_json: Any,
    account_id: str,
    region_name: str,
    **kwargs: Any,
) -> Any:
    """moto passed CloudFormation's ``Tags`` ([{Key, Value}]) to ``create_key``, which wants
    the API's [{TagKey, TagValue}] (KeyError: 'TagKey': every tagged key failed), kept the key
    policy as a dict, and ignored KeySpec/KeyUsage/MultiRegion."""
    props = cloudformation_json["Properties"]
    policy = props.get("KeyPolicy")
    backend = kms_models.kms_backends[account_id][region_name]
    key = backend.create_key(
        policy=json.dumps(policy) if isinstance(policy, dict) else policy,
        key_usage=props.get("KeyUsage") or "ENCRYPT_DECRYPT",
        key_spec=props.get("KeySpec") or "SYMMETRIC_DEFAULT",
        description=props.get("Description"),
        tags=[{"TagKey": t["Key"], "TagValue": t["Value"]} for t in tag_list(props.get("Tags"))],
        multi_region=as_bool(props.get("MultiRegion")),
    )
    key.key_rotation_status = as_bool(props.get("EnableKeyRotation"))
    key.enabled = as_bool(props.get("Enabled"), True)
    return key


# --------------------------------------------------------------------------- resource tags
def _tag_elbv2(resource: Any, tags: list[dict[str, str]], account_id: str, region: str) -> None:
    elbv2_models.elbv2_backends[account_id][region].add_tags([resource.arn], tags)


def _load_balancer_type(original: Any) -> Any:
    """moto created every CloudFormation load balancer as ``application`` whatever its
    ``Type``; the type decides its ``CanonicalHostedZoneID`` (see intrinsics.ELB_HOSTED_ZONES)."""

    def set_type(resource: Any, props: dict[str, Any], *_: str) -> None:
        if props.get("Type"):
            resource.type = str(props["Type"])

    return after_create(original, set_type)


def _tag_ecs(resource: Any, tags: list[dict[str, str]], account_id: str, region: str) -> None:
    ecs_models.ecs_backends[account_id][region].tag_resource(
        resource.arn, {t["Key"]: t["Value"] for t in tags}
    )


def _tag_sns(resource: Any, tags: list[dict[str, str]], account_id: str, region: str) -> None:
    from moto.sns.models import sns_backends

    sns_backends[account_id][region].tag_resource(
        resource.arn, {t["Key"]: t["Value"] for t in tags}
    )


def _route53_tagger(resource_type: str, id_attribute: str) -> Any:
    def tag(resource: Any, tags: list[dict[str, str]], account_id: str, region: str) -> None:
        from moto.utilities.utils import get_partition

        backend = route53_models.route53_backends[account_id][get_partition(region)]
        resource_id = str(getattr(resource, id_attribute))
        backend.change_tags_for_resource(resource_type, resource_id, tags, [])

    return tag


def _tagged_create(original: Any, prop: str, tagger: Any) -> Any:
    def tag(resource: Any, props: dict[str, Any], account_id: str, region_name: str) -> None:
        tags = tag_list(props.get(prop))
        if tags:
            tagger(resource, tags, account_id, region_name)

    return after_create(original, tag)


def _resource_taggers() -> list[tuple[type, str, Any]]:
    """(moto model, CloudFormation tags property, tagger): models whose CloudFormation create
    dropped the resource's tags (real CloudFormation applies them)."""
    from moto.sns.models import Topic

    return [
        (elbv2_models.FakeLoadBalancer, "Tags", _tag_elbv2),
        (elbv2_models.FakeTargetGroup, "Tags", _tag_elbv2),
        (ecs_models.Cluster, "Tags", _tag_ecs),
        (Topic, "Tags", _tag_sns),
        (route53_models.HealthCheck, "HealthCheckTags", _route53_tagger("healthcheck", "id")),
        (route53_models.FakeZone, "HostedZoneTags", _route53_tagger("hostedzone", "resource_id")),
    ]


# --------------------------------------------------------------------------- ECR Repository
def _create_ecr_repository(
    cls: Any,
    resource_name: str,
    cloudformation_json: Any,
    account_id: str,
    region_name: str,
    **kwargs: Any,
) -> Any:
    """moto stored ``ImageScanningConfiguration`` and ``EncryptionConfiguration`` with
    CloudFormation's keys (the API answered ``{"ScanOnPush": true}``, no ``scanOnPush``) and
    ignored ``LifecyclePolicy``."""
    from moto.ecr.models import ecr_backends

    props = dict(cloudformation_json["Properties"])
    for key in ("ImageScanningConfiguration", "EncryptionConfiguration"):
        if props.get(key):
            props[key] = camel(props[key])
    scan = props.get("ImageScanningConfiguration")
    if scan and "scanOnPush" in scan:
        scan["scanOnPush"] = as_bool(scan["scanOnPush"])
    repository = _ORIGINAL["ecr_create"].__func__(
        cls,
        resource_name,
        {**cloudformation_json, "Properties": props},
        account_id,
        region_name,
        **kwargs,
    )
    policy = (props.get("LifecyclePolicy") or {}).get("LifecyclePolicyText")
    if policy:
        ecr_backends[account_id][region_name].put_lifecycle_policy(
            repository.registry_id, repository.name, policy
        )
    return repository


# --------------------------------------------------------------------------- SSM Parameter
def _ssm_parameter_create(original: Any) -> Any:
    """moto passed CloudFormation's ``Tags`` of ``AWS::SSM::Parameter`` (a key-value map) to
    ``put_parameter``, which wants [{Key, Value}] (TypeError: every tagged parameter failed),
    and gave a parameter without ``Name`` no name; CloudFormation generates one."""

    def create(
        cls: Any,
        resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Any:
        props = dict(cloudformation_json.get("Properties") or {})
        if isinstance(props.get("Tags"), dict):
            props["Tags"] = [{"Key": str(k), "Value": str(v)} for k, v in props["Tags"].items()]
        props.setdefault("Name", resource_name)
        return original.__func__(
            cls,
            resource_name,
            {**cloudformation_json, "Properties": props},
            account_id,
            region_name,
            **kwargs,
        )

    return classmethod(create)


# --------------------------------------------------------------------------- CloudWatch Dashboard
def _create_dashboard(
    cls: Any,
    resource_name: str,
    cloudformation_json: Any,
    account_id: str,
    region_name: str,
    **kwargs: Any,
) -> Any:
    """moto named a dashboard without ``DashboardName`` with a random UUID; CloudFormation
    generates ``<stack>-<logical id>-<suffix>`` names, as for every other resource."""
    from moto.cloudwatch.models import cloudwatch_backends

    props = cloudformation_json["Properties"]
    name = props.get("DashboardName") or resource_name
    return cloudwatch_backends[account_id][region_name].put_dashboard(
        name=name, body=props["DashboardBody"]
    )


# --------------------------------------------------------------------------- CodeDeploy API
_original_dg_info = codedeploy_responses._deployment_group_info


def _deployment_group_info(deployment_group: Any) -> dict[str, Any]:
    """moto answers ``alarmConfiguration: {}`` whatever was stored (a TODO in moto)."""
    info = _original_dg_info(deployment_group)
    alarms = getattr(deployment_group, "alarm_configuration", None)
    if isinstance(alarms, dict):
        info["alarmConfiguration"] = alarms
    elif alarms is not None:
        info["alarmConfiguration"] = {
            "alarms": alarms.alarms,
            "enabled": alarms.enabled,
            "ignorePollAlarmFailure": alarms.ignore_poll_alarm_failure,
        }
    return info  # type: ignore[no-any-return]


# --------------------------------------------------------------------------- change sets
def _find_change_set(backend: Any, change_set_name: str, stack_name: str | None) -> Any:
    """The change set ``change_set_name`` (a name or an id) of the stack ``stack_name``.

    moto looks change sets up by name alone, in the whole region; the CDK CLI names every
    change set ``cdk-deploy-change-set`` and deploys stacks of one region concurrently, so a
    describe, delete or execute hit another stack's change set (a stack then got another
    stack's outputs, or was never created). The newest one of the stack wins."""
    if change_set_name in backend.change_sets:  # an id (ARN)
        return backend.change_sets[change_set_name]
    candidates = [
        c
        for c in backend.change_sets.values()
        if c.change_set_name == change_set_name
        and (
            not stack_name
            or c.stack_id == stack_name
            or getattr(backend.stacks.get(c.stack_id), "name", None) == stack_name
        )
    ]
    pending = [c for c in candidates if c.execution_status != "EXECUTE_COMPLETE"]
    if pending or candidates:
        return (pending or candidates)[-1]
    raise ChangeSetNotFoundError(
        f"ChangeSet [{change_set_name}] does not exist"
        + (f" for stack [{stack_name}]" if stack_name else "")
    )


class ChangeSetNotFoundError(Exception):
    """No change set of that name (or id) on that stack: CloudFormation's
    ``ChangeSetNotFound`` (HTTP 404) for DescribeChangeSet and ExecuteChangeSet; DeleteChangeSet
    succeeds instead (:func:`_delete_change_set_response`)."""


def _change_set_not_found(error: ChangeSetNotFoundError) -> Exception:
    from moto.cloudformation.exceptions import CloudFormationError

    class ChangeSetNotFoundResponseError(CloudFormationError):
        # The shape id of the AWS model: moto serializes it as the query error code
        # ``ChangeSetNotFound`` with HTTP 404, as CloudFormation answers.
        code = "ChangeSetNotFoundException"

    return ChangeSetNotFoundResponseError(str(error))


def _execute_change_set(self: Any, change_set_name: str, stack_name: str | None = None) -> None:
    """Execute the named stack's change set (see :func:`_find_change_set`), then rebuild the
    stack's outputs and description: moto kept those of the template the stack had before,
    empty for a CREATE change set, which is how the CDK CLI creates every stack. A resource
    that fails to create leaves the stack ROLLBACK_COMPLETE (:mod:`.failures`)."""
    from .failures import ResourceCreateFailedError, mark_create_failed

    try:
        change_set = _find_change_set(self, change_set_name, stack_name)
    except ChangeSetNotFoundError as missing:
        raise _change_set_not_found(missing) from None
    stack = self.stacks[change_set.stack_id]
    try:
        _ORIGINAL["execute_change_set"](self, change_set.change_set_id, stack_name)
    except ResourceCreateFailedError as failure:
        change_set.execution_status = "EXECUTE_FAILED"
        if change_set.change_set_type != "CREATE":
            raise  # update rollbacks are not modelled: the request fails
        stack.template = change_set.template
        stack._parse_template()
        mark_create_failed(stack, failure)
        return
    stack._parse_template()
    stack.description = stack.template_dict.get("Description")
    stack.output_map = stack._create_output_map()


def _describe_change_set_response(self: Any) -> Any:
    from moto.core.responses import ActionResult

    try:
        change_set = _find_change_set(
            self.cloudformation_backend,
            self._get_param("ChangeSetName"),
            self._get_param("StackName"),
        )
    except ChangeSetNotFoundError as missing:
        raise _change_set_not_found(missing) from None
    return ActionResult(change_set)


def _delete_change_set_response(self: Any) -> Any:
    """Delete the stack's change set; a change set that does not exist is no error.

    The DeleteChangeSet API reference lists one error, ``InvalidChangeSetStatus``
    (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DeleteChangeSet.html),
    and the CDK CLI deletes ``cdk-deploy-change-set`` before every update of an existing stack
    without handling an error (``cleanupOldChangeset``), then waits until DescribeChangeSet
    answers ``ChangeSetNotFound``. moto answered ``ValidationError``: every ``cdk deploy`` of a
    stack that exists failed."""
    from moto.core.responses import EmptyResult

    backend = self.cloudformation_backend
    try:
        change_set = _find_change_set(
            backend, self._get_param("ChangeSetName"), self._get_param("StackName")
        )
    except ChangeSetNotFoundError:
        return EmptyResult()
    backend.change_sets.pop(change_set.change_set_id, None)
    return EmptyResult()


# --------------------------------------------------------------------------- stack parameters
def _stack_parameters(self: Any) -> dict[str, Any]:
    """The stack's parameter values as given, for ``UsePreviousValue``.

    A Systems Manager parameter type's value is the parameter's name; CloudFormation resolves
    it on every create and update and reports the result apart, as ``ResolvedValue``
    (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_Parameter.html:
    ParameterValue "The input value associated with the parameter", ResolvedValue "The value
    that corresponds to a Systems Manager parameter key"). moto handed the resolved value back
    as the previous value and then looked it up as a name: every update of a CDK stack (its
    ``BootstrapVersion`` parameter, ``/cdk-bootstrap/<qualifier>/version``, sent with
    ``UsePreviousValue``) failed with an internal error."""
    resource_map = self.resource_map
    values = dict(resource_map.resolved_parameters)
    slots = (resource_map._template or {}).get("Parameters", {})
    for key, slot in slots.items():
        if str(slot.get("Type", "")).startswith("AWS::SSM::Parameter::") and key in values:
            given = resource_map.input_parameters.get(key, slot.get("Default"))
            if given is not None:
                values[key] = given
    return values


# --------------------------------------------------------------------------- resource names
_original_generate_resource_name = None


def _generate_resource_name(resource_type: str, stack_name: str, logical_id: str) -> str:
    assert _original_generate_resource_name is not None
    name: str = _original_generate_resource_name(resource_type, stack_name, logical_id)
    if resource_type == "AWS::ECR::Repository":
        return name.lower()  # CloudFormation generates lowercase repository names
    return name


def apply() -> None:
    global _original_generate_resource_name
    from moto.cloudformation import parsing
    from moto.cloudformation.models import CloudFormationBackend
    from moto.cloudformation.responses import CloudFormationResponse

    _ORIGINAL["execute_change_set"] = CloudFormationBackend.execute_change_set
    CloudFormationBackend.execute_change_set = _execute_change_set  # type: ignore[method-assign]
    CloudFormationResponse.describe_change_set = _describe_change_set_response  # type: ignore[method-assign]
    CloudFormationResponse.delete_change_set = _delete_change_set_response  # type: ignore[method-assign]
    from moto.cloudformation.models import Stack

    Stack.stack_parameters = property(_stack_parameters)  # type: ignore[assignment,method-assign]
    _original_generate_resource_name = parsing.generate_resource_name
    parsing.generate_resource_name = _generate_resource_name
    codedeploy_responses._deployment_group_info = _deployment_group_info
    pcx_models.VPCPeeringConnection.create_from_cloudformation_json = classmethod(_create_peering)  # type: ignore[assignment]
    rds_models.DBSubnetGroup.physical_resource_id = property(_db_subnet_group_physical_id)  # type: ignore[assignment]
    rds_models.DBParameterGroup.physical_resource_id = property(  # type: ignore[attr-defined]
        _db_parameter_group_physical_id
    )

    service = ecs_models.Service
    _ORIGINAL["ecs_update"] = service.__dict__["update_from_cloudformation_json"]
    service.create_from_cloudformation_json = classmethod(_create_ecs_service)  # type: ignore[assignment]
    service.update_from_cloudformation_json = classmethod(_update_ecs_service)  # type: ignore[assignment]

    record_set = route53_models.RecordSet
    record_set.create_from_cloudformation_json = classmethod(_create_record_set)  # type: ignore[assignment]
    record_set.delete_from_cloudformation_json = classmethod(_delete_record_set)  # type: ignore[assignment]
    record_set.delete = _record_set_delete  # type: ignore[method-assign]
    record_set.update_from_cloudformation_json = classmethod(_update_record_set)  # type: ignore[assignment]
    route53_models.HealthCheck.delete = _health_check_delete  # type: ignore[attr-defined]

    elbv2_models.ELBv2Backend.convert_and_validate_properties = _listener_default_actions  # type: ignore[method-assign]
    from moto.ssm.models import Parameter

    Parameter.create_from_cloudformation_json = _ssm_parameter_create(  # type: ignore[method-assign]
        Parameter.__dict__["create_from_cloudformation_json"]
    )
    load_balancer = elbv2_models.FakeLoadBalancer
    load_balancer.create_from_cloudformation_json = _load_balancer_type(  # type: ignore[method-assign]
        load_balancer.__dict__["create_from_cloudformation_json"]
    )
    for model, prop, tagger in _resource_taggers():
        original = model.__dict__["create_from_cloudformation_json"]
        model.create_from_cloudformation_json = _tagged_create(original, prop, tagger)  # type: ignore[attr-defined]
    from moto.cloudwatch.models import Dashboard

    Dashboard.create_from_cloudformation_json = classmethod(_create_dashboard)  # type: ignore[assignment]
    from moto.ecr.models import Repository

    _ORIGINAL["ecr_create"] = Repository.__dict__["create_from_cloudformation_json"]
    Repository.create_from_cloudformation_json = classmethod(_create_ecr_repository)  # type: ignore[assignment]
    kms_models.Key.create_from_cloudformation_json = classmethod(_create_kms_key)  # type: ignore[assignment]

    db = rds_models.DBInstance
    _ORIGINAL["rds_create"] = db.__dict__["create_from_cloudformation_json"]
    db.create_from_cloudformation_json = classmethod(_create_db_instance)  # type: ignore[assignment]
    db.update_from_cloudformation_json = classmethod(_update_db_instance)  # type: ignore[assignment]
