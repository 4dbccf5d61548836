"""Intrinsic functions and attributes moto's CloudFormation parser lacks.

moto resolves intrinsics in ``moto.cloudformation.parsing.clean_json``, which calls itself
through the module global: replacing that global puts :func:`_clean_json` in front of every
level of the recursion.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterator
from typing import Any

from moto.cloudformation import parsing
from moto.cloudformation.exceptions import ValidationError

logger = logging.getLogger("tools.emulator.compat")

_original_clean_json: Callable[[Any, Any], Any] = parsing.clean_json

_SUB_VARIABLE = re.compile(r"\$\{(?!!)([^}]+)\}")

_DYNAMIC_REF = re.compile(r"\{\{resolve:(secretsmanager|ssm|ssm-secure):([^}]*)\}\}")

#: Route 53 hosted zone ids of Elastic Load Balancing, per load balancer type and region: the
#: value of ``Fn::GetAtt [LB, CanonicalHostedZoneID]`` (the alias target's zone).
#: Source: "Elastic Load Balancing endpoints and quotas", Service endpoints table, columns
#: "Route 53 Hosted Zone ID (Application Load Balancers, Classic Load Balancers)" and
#: "Route 53 Hosted Zone ID (Network Load Balancers)",
#: https://docs.aws.amazon.com/general/latest/gr/elb.html
#: Only rows checked against that page are here; a region or type without a row is an error
#: (never a guess): add the row from the page.
ELB_HOSTED_ZONES: dict[str, dict[str, str]] = {
    "application": {
        "us-east-1": "Z35SXDOTRQ7X7K",
        "us-east-2": "Z3AADJGX6KTTL2",
        "us-west-1": "Z368ELLRRE2KJ0",
        "us-west-2": "Z1H1FL5HABSF5",
    },
    "network": {
        "us-east-1": "Z26RNL4JYFTOTI",
        "us-east-2": "ZLMOA37VPKANP",
        "us-west-1": "Z24FKFUX50B4VW",
        "us-west-2": "Z18D5FSROUN65G",
    },
}


def _unsupported(logical_id: str, attribute: str) -> ValidationError:
    """CloudFormation's template error for an attribute the resource type does not have."""
    return ValidationError(
        message=f"Template error: resource {logical_id} does not support attribute type "
        f"{attribute} in Fn::GetAtt"
    )


def canonical_hosted_zone_id(load_balancer: Any) -> str:
    """The ELB hosted zone of ``load_balancer`` (its type and region) from
    :data:`ELB_HOSTED_ZONES`; :class:`ValidationError` when the table has no row for it."""
    lb_type = str(getattr(load_balancer, "type", None) or "application")
    region = load_balancer.arn.split(":")[3]
    zone = ELB_HOSTED_ZONES.get(lb_type, {}).get(region)
    if zone is None:
        raise ValidationError(
            message=f"CanonicalHostedZoneID: the emulator has no Route 53 hosted zone id for "
            f"{lb_type} load balancers in {region}; add the value from "
            "https://docs.aws.amazon.com/general/latest/gr/elb.html to ELB_HOSTED_ZONES in "
            "tools/emulator/compat/intrinsics.py"
        )
    return zone


def _arn_tail(arn: str) -> str:
    """``arn:...:loadbalancer/app/name/id`` -> ``app/name/id`` (CloudWatch dimension form)."""
    return arn.split(":", 5)[-1].split("/", 1)[-1]


#: (CloudFormation type, attribute) -> value, for attributes moto does not implement.
GETATT: dict[tuple[str, str], Callable[[Any], Any]] = {
    ("AWS::Route53::HealthCheck", "HealthCheckId"): lambda r: r.id,
    ("AWS::ElasticLoadBalancingV2::TargetGroup", "TargetGroupName"): lambda r: r.name,
    ("AWS::ElasticLoadBalancingV2::TargetGroup", "TargetGroupArn"): lambda r: r.arn,
    ("AWS::ElasticLoadBalancingV2::TargetGroup", "TargetGroupFullName"): lambda r: r.arn.split(
        ":", 5
    )[-1],
    ("AWS::ElasticLoadBalancingV2::TargetGroup", "LoadBalancerArns"): lambda r: list(
        r.load_balancer_arns
    ),
    ("AWS::ElasticLoadBalancingV2::LoadBalancer", "LoadBalancerArn"): lambda r: r.arn,
    ("AWS::ElasticLoadBalancingV2::LoadBalancer", "LoadBalancerFullName"): lambda r: _arn_tail(
        r.arn
    ),
    ("AWS::ElasticLoadBalancingV2::LoadBalancer", "CanonicalHostedZoneID"): (
        canonical_hosted_zone_id
    ),
    ("AWS::ElasticLoadBalancingV2::LoadBalancer", "SecurityGroups"): lambda r: list(
        r.security_groups
    ),
    ("AWS::ElasticLoadBalancingV2::Listener", "ListenerArn"): lambda r: r.arn,
    ("AWS::ElasticLoadBalancingV2::ListenerRule", "RuleArn"): lambda r: r.arn,
    ("AWS::RDS::DBInstance", "DBInstanceArn"): lambda r: r.arn,
    ("AWS::RDS::DBInstance", "DbiResourceId"): lambda r: r.dbi_resource_id,
    ("AWS::ECS::Service", "Name"): lambda r: r.name,
    ("AWS::ECS::Service", "ServiceArn"): lambda r: r.arn,
    ("AWS::SNS::Topic", "TopicName"): lambda r: r.name,
    ("AWS::SNS::Topic", "TopicArn"): lambda r: r.arn,
}


def _getatt(node: dict[str, Any], resources_map: Any) -> tuple[bool, Any]:
    """Resolve ``Fn::GetAtt`` from :data:`GETATT` or the model's own ``get_cfn_attribute``.

    An attribute neither knows is CloudFormation's template error naming the resource and the
    attribute, never a value made up from the model's fields.
    """
    spec = node["Fn::GetAtt"]
    if isinstance(spec, str):
        spec = spec.split(".", 1)
    logical_id, attribute = spec[0], _original_clean_json(spec[1], resources_map)
    try:
        resource = resources_map.get(logical_id)
    except AttributeError:  # a plain dict (conditions) has .get too; anything else: moto's path
        return False, None
    if resource is None or isinstance(resource, (str, int, float, list, dict)):
        return False, None
    cfn_type = getattr(resource, "cf_resource_type", None) or type(resource).cloudformation_type()
    handler = GETATT.get((cfn_type, attribute))
    if handler is not None:
        return True, handler(resource)
    getter = getattr(resource, "get_cfn_attribute", None)
    if getter is None:
        raise _unsupported(logical_id, attribute)
    try:
        return True, getter(attribute)
    except Exception as error:  # NotImplementedError, UnformattedGetAttTemplateException, ...
        logger.info("GetAtt %s.%s (%s): %r", logical_id, attribute, cfn_type, error)
        raise _unsupported(logical_id, attribute) from error


def get_stack_output(node: dict[str, Any], resources_map: Any) -> Any:
    """Resolve ``{"Fn::GetStackOutput": {StackName, Region, OutputName[, RoleArn]}}``.

    The named stack is read from the CloudFormation backend of the named region (same
    account); CloudFormation fails the deployment when the stack or output is missing.
    """
    from moto.cloudformation.models import cloudformation_backends

    spec = _clean_json(node["Fn::GetStackOutput"], resources_map)
    stack_name = spec["StackName"]
    region = spec.get("Region") or resources_map["AWS::Region"]
    output_name = spec["OutputName"]
    account_id = resources_map["AWS::AccountId"]
    backend = cloudformation_backends[account_id][region]
    for stack in backend.stacks.values():
        if stack.name != stack_name and stack.stack_id != stack_name:
            continue
        if stack.status.startswith("DELETE") or stack.status == "REVIEW_IN_PROGRESS":
            continue
        for output in stack.outputs or []:
            if output["OutputKey"] == output_name:
                return output["OutputValue"]
        raise ValidationError(
            message=f"Fn::GetStackOutput: stack {stack_name} in {region} has no output "
            f"{output_name}"
        )
    raise ValidationError(
        message=f"Fn::GetStackOutput: stack {stack_name} does not exist in {region}"
    )


def resolve_dynamic_references(text: str, resources_map: Any) -> str:
    """Replace ``{{resolve:secretsmanager:...}}`` and ``{{resolve:ssm:...}}`` in ``text``."""
    account_id = resources_map["AWS::AccountId"]
    region = resources_map["AWS::Region"]

    def _one(match: re.Match[str]) -> str:
        kind, rest = match.group(1), match.group(2)
        if kind == "secretsmanager":
            return _resolve_secret(rest, account_id, region)
        return _resolve_parameter(rest, account_id, region)

    return _DYNAMIC_REF.sub(_one, text)


def _resolve_secret(reference: str, account_id: str, region: str) -> str:
    from moto.secretsmanager.models import secretsmanager_backends

    # secret-id may be an ARN (contains ':'): split the fixed trailer off the right.
    # secret-id:SecretString:json-key:version-stage:version-id
    parts = reference.split(":SecretString:", 1)
    secret_id = parts[0]
    json_key = stage = version = ""
    if len(parts) == 2:
        trailer = ([*parts[1].split(":"), "", "", ""])[:3]
        json_key, stage, version = trailer
    target_region = region
    if secret_id.startswith("arn:"):
        target_region = secret_id.split(":")[3]
    backend = secretsmanager_backends[account_id][target_region]
    value = backend.get_secret_value(secret_id, version or None, stage or None)
    secret_string = (
        value.get("SecretString")
        if isinstance(value, dict)
        else getattr(value, "secret_string", None)
    )
    if secret_string is None and hasattr(value, "__getitem__"):
        secret_string = value["SecretString"]
    if json_key:
        return str(json.loads(secret_string)[json_key])
    return str(secret_string)


def _resolve_parameter(reference: str, account_id: str, region: str) -> str:
    from moto.ssm.models import ssm_backends

    name, _, version = reference.partition(":")
    backend = ssm_backends[account_id][region]
    parameter = backend.get_parameter(f"{name}:{version}" if version else name)
    return str(parameter.value)


def _clean_json(resource_json: Any, resources_map: Any) -> Any:
    if isinstance(resource_json, dict):
        if "Fn::GetStackOutput" in resource_json:
            return get_stack_output(resource_json, resources_map)
        if "Fn::GetAtt" in resource_json:
            handled, value = _getatt(resource_json, resources_map)
            if handled:
                return value
    result = _original_clean_json(resource_json, resources_map)
    if isinstance(result, str) and "{{resolve:" in result:
        result = resolve_dynamic_references(result, resources_map)
    return result


def _getatt_references(node: Any) -> Iterator[tuple[str, Any]]:
    """Every (logical id, attribute) a template fragment reads with ``Fn::GetAtt`` or with
    ``${Resource.Attribute}`` in ``Fn::Sub``."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "Fn::GetAtt":
                spec = value.split(".", 1) if isinstance(value, str) else value
                if isinstance(spec, list) and len(spec) == 2 and isinstance(spec[0], str):
                    yield spec[0], spec[1]
            elif key == "Fn::Sub":
                text = value[0] if isinstance(value, list) and value else value
                local = value[1] if isinstance(value, list) and len(value) > 1 else {}
                if isinstance(text, str):
                    for name in _SUB_VARIABLE.findall(text):
                        if "." in name and name.split(".", 1)[0] not in (local or {}):
                            logical_id, attribute = name.split(".", 1)
                            yield logical_id, attribute
            yield from _getatt_references(value)
    elif isinstance(node, list):
        for item in node:
            yield from _getatt_references(item)


def _supports(cfn_type: str, attribute: str) -> bool:
    """Whether the emulator can resolve ``attribute`` of ``cfn_type``: a :data:`GETATT`
    entry, or a moto model that declares it (``has_cfn_attr``)."""
    if (cfn_type, attribute) in GETATT:
        return True
    model = parsing.get_model_map().get(cfn_type)
    if model is None:
        return False
    return bool(model.has_cfn_attr(attribute))


def _validate_outputs(self: Any) -> None:
    """Check every ``Fn::GetAtt`` of the template before any resource is created, as
    CloudFormation validates a template: an undefined resource or an attribute the resource
    type does not support fails CreateStack/CreateChangeSet with a template error.

    Replaces moto's check of ``Outputs`` only (unaware of :data:`GETATT` and new models).
    """
    resources = self._resource_json_map or {}
    outputs = self._template.get("Outputs") or {}
    for value in outputs.values():
        if "Condition" in value and not self.lazy_condition_map[value["Condition"]]:
            continue
        getatt = (
            (value.get("Value") or {}).get("Fn::GetAtt")
            if isinstance(value.get("Value"), dict)
            else None
        )
        if not getatt:
            continue
        if isinstance(getatt, str):
            getatt = getatt.split(".", 1)
        resource = resources.get(getatt[0])
        if (
            resource is not None
            and "Condition" in resource
            and not self.lazy_condition_map[resource["Condition"]]
        ):
            raise ValidationError(
                message=f"Unresolved resource dependencies [{getatt[0]}] in the Outputs "
                "block of the template"
            )
    check_getatts(self._template)


def check_getatts(template: dict[str, Any]) -> None:
    """Raise CloudFormation's template error for the first ``Fn::GetAtt`` (or ``${X.Y}`` in
    ``Fn::Sub``) of ``template`` that names an undefined resource or an attribute the
    emulator cannot resolve for that resource type (see :func:`_supports`)."""
    resources = template.get("Resources") or {}
    fragments = list(resources.values()) + list((template.get("Outputs") or {}).values())
    for fragment in fragments:
        for logical_id, attribute in _getatt_references(fragment):
            resource = resources.get(logical_id)
            if resource is None:
                raise ValidationError(
                    message="Template error: instance of Fn::GetAtt references undefined "
                    f"resource {logical_id}"
                )
            if isinstance(attribute, str) and not _supports(resource.get("Type", ""), attribute):
                raise _unsupported(logical_id, attribute)


def _create_change_set(self: Any, *args: Any, **kwargs: Any) -> Any:
    """CreateChangeSet validates the template's ``Fn::GetAtt`` as CreateStack does."""
    template = kwargs.get("template", args[2] if len(args) > 2 else None)
    if template:
        from moto.cloudformation.models import Stack

        check_getatts(Stack.parse_template(template) or {})
    return _ORIGINAL_CREATE_CHANGE_SET(self, *args, **kwargs)


_ORIGINAL_CREATE_CHANGE_SET: Any = None


def apply() -> None:
    global _ORIGINAL_CREATE_CHANGE_SET
    from moto.cloudformation.models import CloudFormationBackend

    _ORIGINAL_CREATE_CHANGE_SET = CloudFormationBackend.create_change_set
    CloudFormationBackend.create_change_set = _create_change_set  # type: ignore[method-assign]
    parsing.clean_json = _clean_json
    parsing.ResourceMap.validate_outputs = _validate_outputs
