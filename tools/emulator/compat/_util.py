"""Small helpers shared by the compat modules."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from moto.core.common_models import CloudFormationModel

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def camel(value: Any) -> Any:
    """CloudFormation's PascalCase keys to the API's camelCase keys, recursively."""
    if isinstance(value, dict):
        return {
            (k[:1].lower() + k[1:]) if isinstance(k, str) else k: camel(v) for k, v in value.items()
        }
    if isinstance(value, list):
        return [camel(v) for v in value]
    return value


def snake(name: str) -> str:
    """``TargetGroupName`` -> ``target_group_name``; ``DBInstanceArn`` -> ``db_instance_arn``."""
    return _CAMEL_BOUNDARY.sub("_", name).lower()


def physical_id(value: Any) -> Any:
    """A resolved property value that may still be a model object (moto returns some Refs so)."""
    if isinstance(value, CloudFormationModel) or hasattr(value, "physical_resource_id"):
        return getattr(value, "physical_resource_id", value)
    return value


def as_bool(value: Any, default: bool = False) -> bool:
    if value is None:
        return default
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


def tag_list(tags: Any) -> list[dict[str, str]]:
    """CloudFormation ``Tags`` ([{Key, Value}]) as a clean list."""
    return [
        {"Key": str(t["Key"]), "Value": str(t.get("Value", ""))} for t in tags or [] if "Key" in t
    ]


def register_models(*models: type[CloudFormationModel]) -> None:
    """Make moto's parser see new ``CloudFormationModel`` subclasses (its maps are cached)."""
    from moto.cloudformation import parsing

    for model in models:
        assert CloudFormationModel in model.__bases__, model  # __subclasses__ sees direct ones only
    parsing.get_model_list.cache_clear()
    parsing.get_model_map.cache_clear()
    parsing.get_name_type_map.cache_clear()


def after_create(
    original: Any, then: Callable[[Any, dict[str, Any], str, str], None]
) -> classmethod:  # type: ignore[type-arg]
    """moto's ``create_from_cloudformation_json`` (the classmethod ``original``), followed by
    ``then(resource, properties, account_id, region_name)`` for what moto left out."""

    def create(
        cls: Any,
        resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Any:
        resource = original.__func__(
            cls, resource_name, cloudformation_json, account_id, region_name, **kwargs
        )
        if resource is not None:
            then(resource, cloudformation_json.get("Properties") or {}, account_id, region_name)
        return resource

    return classmethod(create)
