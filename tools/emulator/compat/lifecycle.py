"""What happens after the first create: stack deletion, named resources that outlive their
stack, and image replication (see the README's "Lifecycle" section for the AWS pages).

- DeleteStack deletes the resources in reverse dependency order, as CloudFormation does.
  ``DeletionPolicy: Retain`` (and ``RetainExceptOnCreate``) keeps a resource
  (``DELETE_SKIPPED``); ``Snapshot`` on a DB instance takes a final snapshot first. A resource
  AWS refuses to delete fails (``DELETE_FAILED`` with AWS's message): a DB instance or a load
  balancer with deletion protection on, an ECR repository with images and no
  ``EmptyOnDelete``, a bucket with objects. Then nothing it depends on is deleted, the stack
  ends ``DELETE_FAILED`` (``The following resource(s) failed to delete: [...]``) and stays
  listed; a later DeleteStack retries what is left. moto's own gaps when deleting (routes,
  dependency checks it gets wrong) are not failures here: moto keeps some leftovers.
- A named resource that already exists makes the create fail (``Resource of type 'T' with
  identifier 'N' already exists.``), unless the change set was created with
  ``ImportExistingResources`` and the template's resource has ``DeletionPolicy: Retain`` (or
  ``RetainExceptOnCreate``): then the stack adopts it, images and all. Modelled for ECR
  repositories, the only named retained resource of the library's templates.
- ECR replication (``AWS::ECR::ReplicationConfiguration``, or ``PutReplicationConfiguration``)
  copies an image when it is pushed to a repository the rules match, to the repository of the
  same name in each destination region of this account (created when missing). Images pushed
  before the configuration existed are never copied. AWS copies asynchronously; here the copy
  is done before PutImage answers.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator
from typing import Any

_ORIGINAL: dict[str, Any] = {}
_LOG = logging.getLogger("tools.emulator.lifecycle")
_STATE = threading.local()

RETAINED = ("Retain", "RetainExceptOnCreate")


class DeleteRefusedError(Exception):
    """AWS refuses to delete this resource (the message is AWS's)."""


#: Error classes of moto that are AWS's own refusals, not moto's gaps.
_REFUSALS = {
    "InvalidParameterCombination",  # RDS: deletion protection
    "RepositoryNotEmptyException",
    "BucketNotEmpty",
    "HostedZoneNotEmpty",
    "DeleteRefusedError",
}


# --------------------------------------------------------------------------- delete
def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "Ref" and isinstance(value, str):
                yield value
            elif key == "Fn::GetAtt":
                target = value[0] if isinstance(value, list) else str(value).split(".")[0]
                yield str(target)
            elif key == "Fn::Sub":
                text = value[0] if isinstance(value, list) else value
                if isinstance(text, str):
                    yield from (m.split(".")[0] for m in re.findall(r"\$\{([^}!]+)\}", text))
                yield from _refs(value)
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def dependencies(template: dict[str, Any]) -> dict[str, set[str]]:
    """Logical id -> the resources of the template it references or depends on."""
    resources = template.get("Resources", {})
    found: dict[str, set[str]] = {}
    for logical_id, resource in resources.items():
        depends = resource.get("DependsOn", [])
        depends = [depends] if isinstance(depends, str) else list(depends)
        found[logical_id] = {
            r for r in (*_refs(resource.get("Properties", {})), *depends) if r in resources
        } - {logical_id}
    return found


def _check_deletable(model: Any, resource_json: dict[str, Any]) -> None:
    kind = resource_json.get("Type")
    if kind == "AWS::ElasticLoadBalancingV2::LoadBalancer":
        attrs = getattr(model, "attrs", {})
        if str(attrs.get("deletion_protection.enabled", "false")).lower() == "true":
            raise DeleteRefusedError(
                f"Load balancer '{model.arn}' cannot be deleted because deletion protection "
                "is enabled"
            )


def _delete_one(stack: Any, logical_id: str, resource_json: dict[str, Any]) -> None:
    resource_map = stack.resource_map
    model = resource_map._parsed_resources.get(logical_id)
    if model is None or isinstance(model, str):
        return
    _check_deletable(model, resource_json)
    kind = resource_json.get("Type")
    policy = resource_json.get("DeletionPolicy")
    if (
        kind == "AWS::RDS::DBInstance"
        and policy == "Snapshot"
        and not getattr(model, "is_replica", False)
    ):
        from moto.rds.models import rds_backends

        backend = rds_backends[stack.account_id][stack.region_name]
        identifier = model.db_instance_identifier
        if backend.databases.get(identifier) is not None:
            backend.delete_db_instance(
                identifier, final_db_snapshot_identifier=f"{stack.name}-{logical_id}-final"[:255]
            )
        return
    if kind == "AWS::ECR::Repository":
        from moto.ecr.models import ecr_backends

        backend = ecr_backends[stack.account_id][stack.region_name]
        empty = str(resource_json.get("Properties", {}).get("EmptyOnDelete", "false")).lower()
        if model.name in backend.repositories:
            backend.delete_repository(model.name, force=empty == "true")
        return
    resource_map._delete_resource(model, resource_json)


def delete_stack_resources(stack: Any) -> list[tuple[str, str]]:
    """Delete ``stack``'s resources; return the ``(logical id, reason)`` that failed."""
    from moto.cloudformation.models import Event

    template = stack.template_dict or {}
    resources = template.get("Resources", {})
    resource_map = stack.resource_map
    remaining = {lid for lid in resources if lid in resource_map._parsed_resources}
    needs = dependencies(template)
    failed: dict[str, str] = {}
    blocked: set[str] = set()

    def event(lid: str, status: str, reason: str | None = None) -> None:
        model = resource_map._parsed_resources.get(lid)
        stack.events.append(
            Event(
                stack_id=stack.stack_id,
                stack_name=stack.name,
                logical_resource_id=lid,
                physical_resource_id=str(getattr(model, "physical_resource_id", "") or ""),
                resource_type=str(resources[lid].get("Type")),
                resource_status=status,
                resource_status_reason=reason,
                resource_properties=None,
            )
        )

    progress = True
    while remaining and progress:
        progress = False
        for lid in sorted(remaining):
            # Whatever still references this resource goes first.
            if any(lid in needs.get(other, ()) for other in remaining if other != lid):
                continue
            remaining.discard(lid)
            progress = True
            if lid in blocked:
                continue
            resource_json = resources[lid]
            if resource_json.get("DeletionPolicy") in RETAINED:
                event(lid, "DELETE_SKIPPED")
                resource_map._parsed_resources.pop(lid, None)
                continue
            try:
                _delete_one(stack, lid, resource_json)
            except Exception as error:
                if type(error).__name__ in _REFUSALS:
                    reason = str(getattr(error, "message", "") or error)
                    failed[lid] = reason
                    event(lid, "DELETE_FAILED", reason)
                    blocked.update(_closure(lid, needs))
                    continue
                _LOG.info("moto could not delete %s (%s): %s", lid, stack.name, error)
            event(lid, "DELETE_COMPLETE")
            resource_map._parsed_resources.pop(lid, None)
    return sorted(failed.items())


def _closure(lid: str, needs: dict[str, set[str]]) -> set[str]:
    seen: set[str] = set()
    todo = list(needs.get(lid, ()))
    while todo:
        item = todo.pop()
        if item not in seen:
            seen.add(item)
            todo.extend(needs.get(item, ()))
    return seen


def _delete_stack(self: Any, name_or_stack_id: str) -> None:
    """DeleteStack: see the module docstring."""
    stack = self.stacks.get(name_or_stack_id) or next(
        (s for s in self.stacks.values() if s.name == name_or_stack_id), None
    )
    if stack is None:
        return  # DeleteStack of a stack that does not exist succeeds
    stack._add_stack_event("DELETE_IN_PROGRESS", resource_status_reason="User Initiated")
    failed = delete_stack_resources(stack)
    if failed:
        reason = (
            "The following resource(s) failed to delete: ["
            + ", ".join(lid for lid, _ in failed)
            + "]. "
        )
        stack.status = "DELETE_FAILED"
        stack.stack_status_reason = reason
        stack._add_stack_event("DELETE_FAILED", resource_status_reason=reason)
        return
    stack._add_stack_event("DELETE_COMPLETE")
    stack.status = "DELETE_COMPLETE"
    self.stacks.pop(stack.stack_id, None)
    self.deleted_stacks[stack.stack_id] = stack
    for export in stack.exports:
        self.exports.pop(export.name, None)


def _load_balancer_create(original: Any) -> Any:
    """moto dropped ``LoadBalancerAttributes`` (deletion protection among them)."""
    from ._util import after_create

    def attributes(load_balancer: Any, props: dict[str, Any], *_: str) -> None:
        for attribute in props.get("LoadBalancerAttributes", []):
            load_balancer.attrs[str(attribute["Key"])] = str(attribute["Value"]).lower()

    return after_create(original, attributes)


# --------------------------------------------------------------------------- replacements
#: Properties whose change replaces the resource ("Update requires: Replacement" in each
#: type's CloudFormation reference), for the types whose replacement the library's templates
#: go through: a load balancer (``Name``, ``Scheme``, ``Type``), then its listeners
#: (``LoadBalancerArn``) and their rules (``ListenerArn``).
REPLACING = {
    "AWS::ElasticLoadBalancingV2::LoadBalancer": ("Name", "Scheme", "Type"),
    "AWS::ElasticLoadBalancingV2::Listener": ("LoadBalancerArn",),
    "AWS::ElasticLoadBalancingV2::ListenerRule": ("ListenerArn",),
}


def _build_resource_diff(
    self: Any, other_template: dict[str, Any], parameters: dict[str, Any] | None = None
) -> dict[str, Any]:
    """moto's diff compares template text only. CloudFormation also updates every resource
    that reads a replaced one (its Ref or GetAtt value changed), and updates in dependency
    order: both are added here."""
    diff = _ORIGINAL["build_resource_diff"](self, other_template, parameters)
    old = self._resource_json_map
    new = other_template.get("Resources", {})
    needs = dependencies(other_template)
    replaced = {
        name
        for name in diff["Modify"]
        if any(
            (old[name].get("Properties") or {}).get(key)
            != (new[name].get("Properties") or {}).get(key)
            for key in REPLACING.get(str(new[name].get("Type")), ())
        )
    }
    modify = list(diff["Modify"])
    todo = list(replaced)
    while todo:
        target = todo.pop()
        for name, wants in needs.items():
            if target in wants and name in old and name not in modify:
                modify.append(name)
                todo.append(name)
    ordered: list[str] = []
    pending = set(modify)
    while pending:
        ready = sorted(n for n in pending if not (needs.get(n, set()) & pending)) or sorted(pending)
        ordered.append(ready[0])
        pending.discard(ready[0])
    diff["Modify"] = ordered
    _STATE.replacing = replaced
    return diff


def _differs(original: Any, kind: str, properties: dict[str, Any]) -> bool:
    from ._util import physical_id

    if kind == "AWS::ElasticLoadBalancingV2::Listener":
        return str(physical_id(properties.get("LoadBalancerArn"))) != str(
            original.load_balancer_arn
        )
    if kind == "AWS::ElasticLoadBalancingV2::ListenerRule":
        return str(physical_id(properties.get("ListenerArn"))) != str(original.listener_arn)
    return False


def _cleanup(original: Any, kind: str, account_id: str, region_name: str) -> None:
    """Delete the replaced resource, as CloudFormation does once the update succeeded; a
    delete AWS refuses (deletion protection) leaves it in the account and the update
    complete (CloudFormation reports the failure during UPDATE_COMPLETE_CLEANUP_IN_PROGRESS)."""
    from moto.elbv2.models import elbv2_backends

    backend = elbv2_backends[account_id][region_name]
    try:
        if kind == "AWS::ElasticLoadBalancingV2::LoadBalancer":
            _check_deletable(original, {"Type": kind})
            backend.delete_load_balancer(original.arn)
        elif kind == "AWS::ElasticLoadBalancingV2::Listener":
            backend.delete_listener(original.arn)
        elif kind == "AWS::ElasticLoadBalancingV2::ListenerRule":
            backend.delete_rule(original.arn)
    except Exception as error:
        _LOG.info("cleanup of the replaced %s %s: %s", kind, original.arn, error)


def _parse_and_update_resource(
    logical_id: str,
    resource_json: dict[str, Any],
    resources_map: Any,
    account_id: str,
    region_name: str,
) -> Any:
    from moto.cloudformation import parsing

    kind = str(resource_json.get("Type"))
    parsed = parsing.parse_resource_and_generate_name(logical_id, resource_json, resources_map)
    if not parsed:
        return None
    resource_class, cleaned, name = parsed
    original = resources_map[logical_id]
    if kind not in REPLACING:
        if not hasattr(resource_class.update_from_cloudformation_json, "__isabstractmethod__"):
            return _ORIGINAL["parse_and_update_resource"](
                logical_id, resource_json, resources_map, account_id, region_name
            )
        # moto has no update for this type (it dropped the resource from the stack): delete
        # and create it again, which is what an update amounts to for the emulator's models.
        if original is not None and not isinstance(original, str):
            try:
                original.delete(account_id, region_name)
            except Exception as error:
                _LOG.info("update of %s by delete and create: %s", logical_id, error)
        resource = resource_class.create_from_cloudformation_json(
            name, cleaned, account_id, region_name
        )
        if resource is not None:
            resource.cf_resource_type = kind
            resource.logical_resource_id = logical_id
        return resource
    properties = cleaned.get("Properties") or {}
    if logical_id in getattr(_STATE, "replacing", set()) or _differs(original, kind, properties):
        resource = resource_class.create_from_cloudformation_json(
            name, cleaned, account_id, region_name
        )
        resource.cf_resource_type = kind
        resource.logical_resource_id = logical_id
        _cleanup(original, kind, account_id, region_name)
        return resource
    if kind == "AWS::ElasticLoadBalancingV2::LoadBalancer":
        for attribute in properties.get("LoadBalancerAttributes", []):
            original.attrs[str(attribute["Key"])] = str(attribute["Value"]).lower()
        return original
    return _ORIGINAL["parse_and_update_resource"](
        logical_id, resource_json, resources_map, account_id, region_name
    )


def _delete_resource(self: Any, parsed_resource: Any, resource_json: dict[str, Any]) -> None:
    """moto deleted a resource removed from the template but kept it in the stack's map: added
    again later (a region removed, then added back), it was never created again."""
    _ORIGINAL["delete_resource"](self, parsed_resource, resource_json)
    for logical_id, model in list(self._parsed_resources.items()):
        if model is parsed_resource:
            del self._parsed_resources[logical_id]


def _route_delete(self: Any, account_id: str, region_name: str) -> None:
    """A route removed from a template (or deleted with its stack) is deleted: moto's delete
    was a no-op, so a route added back later (a region removed, then added again) failed with
    ``The route identified by <cidr> already exists``."""
    from moto.ec2.models import ec2_backends

    ec2_backends[account_id][region_name].delete_route(
        self.route_table.id,
        self.destination_cidr_block,
        getattr(self, "destination_ipv6_cidr_block", None),
        getattr(self, "destination_prefix_list_id", None),
    )


def _zone_delete(self: Any, account_id: str, region_name: str) -> None:
    """A hosted zone is deleted with its stack (moto kept it); Route 53 refuses while records
    other than its NS and SOA are in it (``HostedZoneNotEmpty``)."""
    _route53_backend(account_id, region_name).delete_hosted_zone(str(self.id))


# --------------------------------------------------------------------------- Route 53 updates
def _route53_backend(account_id: str, region_name: str) -> Any:
    from moto.route53.models import route53_backends
    from moto.utilities.utils import get_partition

    return route53_backends[account_id][get_partition(region_name)]


def _update_hosted_zone(
    cls: Any,
    original_resource: Any,
    new_resource_name: str,
    cloudformation_json: Any,
    account_id: str,
    region_name: str,
) -> Any:
    """``HostedZoneTags`` and ``HostedZoneConfig`` update without interruption (same zone).
    moto had no update: the stack lost the zone and every record naming it failed."""
    tags = cloudformation_json.get("Properties", {}).get("HostedZoneTags") or []
    backend = _route53_backend(account_id, region_name)
    zone_id = str(original_resource.id).split("/")[-1]
    old = backend.list_tags_for_resource(zone_id) or {}
    keep = {t["Key"] for t in tags}
    backend.change_tags_for_resource("hostedzone", zone_id, tags, [k for k in old if k not in keep])
    return original_resource


#: AWS::Route53::HealthCheck ``HealthCheckConfig`` keys and the model's attributes.
_HEALTH_CHECK_FIELDS = {
    "IPAddress": "ip_address",
    "Port": "port",
    "ResourcePath": "resource_path",
    "FullyQualifiedDomainName": "fqdn",
    "SearchString": "search_string",
    "FailureThreshold": "failure_threshold",
    "Inverted": "inverted",
    "Disabled": "disabled",
    "EnableSNI": "enable_sni",
}


def _update_health_check(
    cls: Any,
    original_resource: Any,
    new_resource_name: str,
    cloudformation_json: Any,
    account_id: str,
    region_name: str,
) -> Any:
    """A health check is updated in place, same id (``UpdateHealthCheck``); moto had no
    update: the stack lost the health check. ``Type`` and ``RequestInterval`` cannot change
    (Route 53's UpdateHealthCheck has neither)."""
    config = cloudformation_json["Properties"]["HealthCheckConfig"]
    for key, attribute in _HEALTH_CHECK_FIELDS.items():
        if key in config:
            setattr(original_resource, attribute, config[key])
    original_resource.health_check_version += 1
    tags = cloudformation_json["Properties"].get("HealthCheckTags") or []
    if tags:
        _route53_backend(account_id, region_name).change_tags_for_resource(
            "healthcheck", str(original_resource.id), tags, []
        )
    return original_resource


# --------------------------------------------------------------------------- import existing
def _create_change_set_response(self: Any) -> Any:
    result = _ORIGINAL["create_change_set_response"](self)
    if self._get_bool_param("ImportExistingResources", False):
        backend = self.cloudformation_backend
        change_set_id = result.result["Id"] if hasattr(result, "result") else None
        change_set = backend.change_sets.get(change_set_id) if change_set_id else None
        if change_set is not None:
            change_set.import_existing_resources = True
    return result


def importing() -> bool:
    """Whether the change set being executed imports existing named resources."""
    return bool(getattr(_STATE, "importing", False))


def _execute_change_set(self: Any, change_set_name: str, stack_name: str | None = None) -> None:
    from .patches import ChangeSetNotFoundError, _find_change_set

    try:
        change_set = _find_change_set(self, change_set_name, stack_name)
        _STATE.importing = bool(getattr(change_set, "import_existing_resources", False))
    except ChangeSetNotFoundError:
        _STATE.importing = False
    try:
        _ORIGINAL["execute_change_set"](self, change_set_name, stack_name)
    finally:
        _STATE.importing = False


def _owned_by_a_stack(account_id: str, region_name: str, kind: str, physical_id: str) -> bool:
    from moto.cloudformation.models import cloudformation_backends

    backend = cloudformation_backends[account_id][region_name]
    for stack in backend.stacks.values():
        if stack.status == "DELETE_COMPLETE":
            continue
        for lid, model in stack.resource_map._parsed_resources.items():
            if isinstance(model, str) or model is None:
                continue
            resource = (stack.template_dict or {}).get("Resources", {}).get(lid, {})
            if resource.get("Type") == kind and str(
                getattr(model, "physical_resource_id", "")
            ) == str(physical_id):
                return True
    return False


def _create_ecr_repository(original: Any) -> Any:
    def create(
        cls: Any,
        resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Any:
        from moto.ecr.models import ecr_backends

        backend = ecr_backends[account_id][region_name]
        name = cloudformation_json.get("Properties", {}).get("RepositoryName")
        if isinstance(name, str) and name in backend.repositories:
            kind = "AWS::ECR::Repository"
            if (
                importing()
                and cloudformation_json.get("DeletionPolicy") in RETAINED
                and not _owned_by_a_stack(account_id, region_name, kind, name)
            ):
                return backend.repositories[name]
            raise AlreadyExistsError(
                f"Resource of type '{kind}' with identifier '{name}' already exists."
            )
        return original.__func__(
            cls, resource_name, cloudformation_json, account_id, region_name, **kwargs
        )

    return classmethod(create)


class AlreadyExistsError(Exception):
    """A named resource of the template exists already (CloudFormation's AlreadyExists)."""


# --------------------------------------------------------------------------- ECR replication
def _matches(rule: dict[str, Any], repository: str) -> bool:
    filters = rule.get("repositoryFilters") or []
    if not filters:
        return True
    return any(
        f.get("filterType", "PREFIX_MATCH") == "PREFIX_MATCH"
        and repository.startswith(str(f.get("filter", "")))
        for f in filters
    )


def replication_destinations(backend: Any, repository: str) -> list[str]:
    """Regions of this account an image pushed to ``repository`` is copied to."""
    regions: list[str] = []
    for rule in (backend.replication_config or {}).get("rules", []):
        if not _matches(rule, repository):
            continue
        for destination in rule.get("destinations", []):
            region = destination.get("region")
            if (
                destination.get("registryId", backend.account_id) == backend.account_id
                and region
                and region != backend.region_name
                and region not in regions
            ):
                regions.append(region)
    return regions


def _put_image(
    self: Any,
    repository_name: str,
    image_manifest: str,
    image_tag: str,
    image_manifest_mediatype: str | None = None,
    digest: str | None = None,
) -> Any:
    image = _ORIGINAL["put_image"](
        self, repository_name, image_manifest, image_tag, image_manifest_mediatype, digest
    )
    if getattr(_STATE, "replicating", False):
        return image
    from moto.ecr.models import ecr_backends

    for region in replication_destinations(self, repository_name):
        destination = ecr_backends[self.account_id][region]
        if repository_name not in destination.repositories:
            destination.create_repository(
                repository_name=repository_name,
                registry_id=None,
                encryption_config=None,
                image_scan_config=None,
                image_tag_mutability=None,
                tags=[],
            )
        _STATE.replicating = True
        try:
            destination.put_image(
                repository_name, image_manifest, image_tag, image_manifest_mediatype, digest
            )
        except Exception as error:
            _LOG.info("replication of %s:%s to %s: %s", repository_name, image_tag, region, error)
        finally:
            _STATE.replicating = False
    return image


def apply() -> None:
    from moto.cloudformation import parsing
    from moto.cloudformation.models import CloudFormationBackend
    from moto.cloudformation.responses import CloudFormationResponse
    from moto.ecr.models import ECRBackend, Repository

    _ORIGINAL["build_resource_diff"] = parsing.ResourceMap.build_resource_diff
    parsing.ResourceMap.build_resource_diff = _build_resource_diff  # type: ignore[method-assign]
    from moto.ec2.models.route_tables import Route

    Route.delete = _route_delete  # type: ignore[attr-defined]
    _ORIGINAL["delete_resource"] = parsing.ResourceMap._delete_resource
    parsing.ResourceMap._delete_resource = _delete_resource  # type: ignore[method-assign]
    _ORIGINAL["parse_and_update_resource"] = parsing.parse_and_update_resource
    parsing.parse_and_update_resource = _parse_and_update_resource

    CloudFormationBackend.delete_stack = _delete_stack  # type: ignore[method-assign]
    _ORIGINAL["create_change_set_response"] = CloudFormationResponse.create_change_set
    CloudFormationResponse.create_change_set = _create_change_set_response  # type: ignore[method-assign]
    _ORIGINAL["execute_change_set"] = CloudFormationBackend.execute_change_set
    CloudFormationBackend.execute_change_set = _execute_change_set  # type: ignore[method-assign]
    Repository.create_from_cloudformation_json = _create_ecr_repository(  # type: ignore[method-assign]
        Repository.__dict__["create_from_cloudformation_json"]
    )
    from moto.elbv2.models import FakeLoadBalancer
    from moto.route53.models import FakeZone, HealthCheck

    FakeZone.delete = _zone_delete  # type: ignore[attr-defined]
    FakeZone.update_from_cloudformation_json = classmethod(_update_hosted_zone)  # type: ignore[method-assign,assignment]
    HealthCheck.update_from_cloudformation_json = classmethod(_update_health_check)  # type: ignore[method-assign,assignment]

    FakeLoadBalancer.create_from_cloudformation_json = _load_balancer_create(  # type: ignore[method-assign]
        FakeLoadBalancer.__dict__["create_from_cloudformation_json"]
    )
    _ORIGINAL["put_image"] = ECRBackend.put_image
    ECRBackend.put_image = _put_image  # type: ignore[method-assign]
