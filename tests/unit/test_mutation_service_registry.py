"""_private/service_registry.py's ``build_registry`` called directly with the settings it reads:
the ECR repository (scan on push, immutable tags, AES-256, the two lifecycle rules in their
order, EmptyOnDelete only when the stack may delete it), the registry's replication of the
repository's prefix to each region, and nothing with an existing repository or an image of
one's own. Kills the mutants of ``tools/mutate.py`` in a couple of seconds each
(docs/guides/testing.md)."""

from __future__ import annotations

import dataclasses
import json
from types import SimpleNamespace
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_ecs as ecs
from aws_cdk.assertions import Template

from multiregion_tap._private import service_registry as module
from multiregion_tap._private.service_registry import Registry, build_registry

ENV = cdk.Environment(account="123456789012", region="us-east-1")


def _settings(**changes: Any) -> Any:
    """What build_registry reads of ServiceSettings."""
    values: dict[str, Any] = {
        "existing_repository": None,
        "image": None,
        "removal": cdk.RemovalPolicy.RETAIN,
        "untagged_image_expiry_days": 14,
        "max_image_count": 30,
        "repo_name": "shop/web",
        "replication": (),
    }
    return SimpleNamespace(**{**values, **changes})


def _built(**changes: Any) -> tuple[cdk.Stack, Registry, dict[str, Any]]:
    stack = cdk.Stack(cdk.App(), "Shop", env=ENV)
    registry = build_registry(stack, _settings(**changes))
    return stack, registry, Template.from_stack(stack).to_json().get("Resources", {})


def _of(resources: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [r for r in resources.values() if r["Type"] == kind]


@pytest.fixture(scope="module")
def kept() -> tuple[cdk.Stack, Registry, dict[str, Any]]:
    return _built()


def test_the_repository(kept: tuple[cdk.Stack, Registry, dict[str, Any]]) -> None:
    _stack, registry, resources = kept
    (repository,) = _of(resources, "AWS::ECR::Repository")
    props = repository["Properties"]
    assert props["RepositoryName"] == "shop/web"
    assert props["ImageScanningConfiguration"] == {"ScanOnPush": True}
    assert props["ImageTagMutability"] == "IMMUTABLE"
    # AES256 is ECR's default encryption (CDK leaves the property out for it)
    assert props.get("EncryptionConfiguration", {"EncryptionType": "AES256"}) == {
        "EncryptionType": "AES256"
    }
    assert "EmptyOnDelete" not in props  # kept with the stack: its images too
    assert repository["DeletionPolicy"] == "Retain"
    rules = json.loads(props["LifecyclePolicy"]["LifecyclePolicyText"])["rules"]
    assert rules == [
        {
            "rulePriority": 1,
            "description": "Expire untagged images after 14 days",
            "selection": {
                "tagStatus": "untagged",
                "countType": "sinceImagePushed",
                "countNumber": 14,
                "countUnit": "days",
            },
            "action": {"type": "expire"},
        },
        {
            "rulePriority": 2,
            "description": "Keep the newest 30 images",
            "selection": {
                "tagStatus": "any",
                "countType": "imageCountMoreThan",
                "countNumber": 30,
            },
            "action": {"type": "expire"},
        },
    ]
    assert registry.replication is None and not _of(resources, "AWS::ECR::ReplicationConfiguration")
    assert registry.created is registry.repository
    assert registry.repository is not None and registry.repository.node.path == "Shop/Repository"


def test_a_throwaway_repository_is_emptied_on_delete() -> None:
    _stack, _registry, resources = _built(removal=cdk.RemovalPolicy.DESTROY)
    (repository,) = _of(resources, "AWS::ECR::Repository")
    assert repository["Properties"]["EmptyOnDelete"] is True
    assert repository["DeletionPolicy"] == "Delete"


def test_replication_of_the_repositorys_prefix_to_each_region() -> None:
    _stack, registry, resources = _built(replication=("us-east-2", "eu-west-1"))
    (config,) = _of(resources, "AWS::ECR::ReplicationConfiguration")
    assert config["Properties"] == {
        "ReplicationConfiguration": {
            "Rules": [
                {
                    "Destinations": [
                        {"Region": "us-east-2", "RegistryId": "123456789012"},
                        {"Region": "eu-west-1", "RegistryId": "123456789012"},
                    ],
                    "RepositoryFilters": [{"Filter": "shop/web", "FilterType": "PREFIX_MATCH"}],
                }
            ]
        }
    }
    assert registry.replication is not None
    assert registry.replication.node.path == "Shop/ReplicationConfiguration"


def test_an_existing_repository_or_an_image_creates_nothing() -> None:
    stack = cdk.Stack(cdk.App(), "Shop", env=ENV)
    given = ecr.Repository.from_repository_name(stack, "Given", "team/web")
    registry = build_registry(stack, _settings(existing_repository=given, replication=("x",)))
    assert registry == Registry(given, None) and registry.created is None
    image = ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx:1")
    assert build_registry(stack, _settings(image=image, replication=("x",))) == Registry(None, None)
    assert Template.from_stack(stack).to_json().get("Resources", {}) == {}


def test_registry_is_frozen_and_the_public_names() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        Registry(None, None).repository = None  # type: ignore[misc]
    namespace: dict[str, object] = {}
    exec("from multiregion_tap._private.service_registry import *", namespace)
    assert {k: v for k, v in namespace.items() if not k.startswith("__")} == {
        "Registry": module.Registry,
        "build_registry": module.build_registry,
    }
