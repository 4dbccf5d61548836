"""Intrinsic functions and attributes moto's CloudFormation parser lacks.

moto resolves intrinsics in ``moto.cloudformation.parsing.clean_json``, which calls itself
through the module global: replacing that global puts :func:`_clean_json` in front of every
level of the recursion.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from typing import Any

from moto.cloudformation import parsing
from moto.cloudformation.exceptions import ValidationError

from ._util import snake

logger = logging.getLogger("tools.emulator.compat")

_original_clean_json: Callable[[Any, Any], Any] = parsing.clean_json

_DYNAMIC_REF = re.compile(r"\{\{resolve:(secretsmanager|ssm|ssm-secure):([^}]*)\}\}")

# ALB canonical hosted zone ids per region (public AWS values; Route 53 alias targets).
_ALB_HOSTED_ZONES = {
    "us-east-1": "Z35SXDOTRQ7X7K",
    "us-east-2": "Z3AADJGX6KTTL2",
    "us-west-1": "Z368ELLRRE2KJ0",
    "us-west-2": "Z1H1FL5HABSF5",
    "eu-west-1": "Z32O12XQLNTSW2",
    "eu-central-1": "Z215JYRZR1TBD5",
}


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
        lambda r: _ALB_HOSTED_ZONES.get(r.arn.split(":")[3], "Z35SXDOTRQ7X7K")
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
    if getter is not None:
        try:
            return True, getter(attribute)
        except NotImplementedError:
            pass
        except Exception as error:
            value = _generic(resource, attribute)
            if value is None:
                raise ValidationError(
                    message=f"Template error: {logical_id} ({cfn_type}) attribute {attribute}: "
                    f"{error!r}"
                ) from error
            return True, value
    value = _generic(resource, attribute)
    if value is None:
        raise ValidationError(
            message=f"Template error: resource {logical_id} ({cfn_type}) has no attribute "
            f"{attribute} "
            "in the emulator (add it to tools/emulator/compat/intrinsics.py GETATT)"
        )
    logger.info("GetAtt %s.%s resolved generically", logical_id, attribute)
    return True, value


def _generic(resource: Any, attribute: str) -> Any:
    """Best effort: ``FooBarArn`` -> ``.foo_bar_arn`` or ``.arn``; ``Name`` -> ``.name``."""
    candidates = [snake(attribute.replace(".", ""))]
    if attribute.endswith("Arn"):
        candidates.append("arn")
    if attribute.endswith("Name"):
        candidates.append("name")
    if attribute.endswith("Id"):
        candidates.extend(["id", "physical_resource_id"])
    for name in candidates:
        value = getattr(resource, name, None)
        if value is not None and not callable(value):
            return value
    return None


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


def _validate_outputs(self: Any) -> None:
    """moto's check of ``Outputs`` GetAtt attributes, aware of :data:`GETATT` and new models."""
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
        resource = self._resource_json_map.get(getatt[0])
        if resource is None:
            raise ValidationError(
                message="Template error: instance of Fn::GetAtt references undefined resource "
                f"{getatt[0]}"
            )
        if "Condition" in resource and not self.lazy_condition_map[resource["Condition"]]:
            raise ValidationError(
                message=f"Unresolved resource dependencies [{getatt[0]}] in the Outputs block "
                "of the template"
            )


def apply() -> None:
    parsing.clean_json = _clean_json
    parsing.ResourceMap.validate_outputs = _validate_outputs
