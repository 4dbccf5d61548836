"""_private/arns.py called directly, with bare stacks (no synth): which ARNs and ECR image URIs
a stack of one region, partition and account refuses, and which it lets through (tokens, token
fields, an environment-agnostic stack). Kills the mutants of ``tools/mutate.py`` in about two
seconds each (docs/guides/testing.md)."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace
from typing import Any

import aws_cdk as cdk
import pytest

from multiregion_tap import ValidationError
from multiregion_tap._private.arns import (
    ArnParts,
    parse_arn,
    require_ecr_image_in_region,
    require_regional_arn,
    require_regional_resource,
)

ACCOUNT = "111122223333"
KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
KEY_EAST_2 = f"arn:aws:kms:us-east-2:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"


@pytest.fixture(scope="module")
def stacks() -> SimpleNamespace:
    app = cdk.App()
    return SimpleNamespace(
        east1=cdk.Stack(
            app,
            "Shop",
            stack_name="shop-us-east-1",
            env=cdk.Environment(account=ACCOUNT, region="us-east-1"),
        ),
        agnostic=cdk.Stack(app, "Agnostic"),
        # a literal region, the account a token
        region_only=cdk.Stack(app, "RegionOnly", env=cdk.Environment(region="us-east-1")),
    )


def _token() -> str:
    return cdk.Fn.import_value("shared")


def _check(stack: cdk.Stack, arn: Any, **kw: Any) -> None:
    args: dict[str, Any] = {"service": "kms", "what": "a KMS key", "same_account": True}
    args.update(kw)
    require_regional_arn("log_encryption_key", arn, stack, **args)


def _refused(message: str) -> pytest.RaisesContext[ValidationError]:
    return pytest.raises(ValidationError, match=f"^{message}")


def test_star_import_gives_the_public_names() -> None:
    namespace: dict[str, object] = {}
    exec("from multiregion_tap._private.arns import *", namespace)
    assert {k for k in namespace if not k.startswith("__")} == {
        "ArnParts",
        "parse_arn",
        "require_ecr_image_in_region",
        "require_regional_arn",
        "require_regional_resource",
    }


def test_parse_arn_takes_the_six_fields_and_keeps_colons_in_the_resource() -> None:
    assert parse_arn(KEY) == ArnParts(
        "aws", "kms", "us-east-1", ACCOUNT, "key/1234abcd-12ab-34cd-56ef-1234567890ab"
    )
    assert parse_arn("arn:aws:logs:us-east-1:1:log-group:/ecs/shop:*") == ArnParts(
        "aws", "logs", "us-east-1", "1", "log-group:/ecs/shop:*"
    )
    # empty fields stay empty strings (an S3 bucket's ARN has no region nor account)
    assert parse_arn("arn:aws:s3:::bucket") == ArnParts("aws", "s3", "", "", "bucket")
    with pytest.raises(dataclasses.FrozenInstanceError):
        parse_arn(KEY).region = "us-east-2"  # type: ignore[misc,union-attr]


@pytest.mark.parametrize(
    "value",
    ["arn:aws:kms:us-east-1:1", "arn", "xrn:aws:kms:us-east-1:1:key/1", "a:b:c:d:e:f", ""],
)
def test_parse_arn_refuses_what_is_not_shaped_like_an_arn(value: str) -> None:
    assert parse_arn(value) is None


def test_parse_arn_makes_token_fields_none() -> None:
    token = _token()
    assert parse_arn(f"arn:aws:kms:{token}:{ACCOUNT}:key/1") == ArnParts(
        "aws", "kms", None, ACCOUNT, "key/1"
    )
    assert parse_arn(token) is None  # a whole ARN as a token is not shaped like one


def test_a_literal_arn_of_the_stack_s_region_partition_and_account_passes(
    stacks: SimpleNamespace,
) -> None:
    _check(stacks.east1, KEY)
    _check(stacks.east1, KEY, resource_prefix="key/", resource_requirement="be a key")


def test_a_non_string_and_a_malformed_arn_are_refused(stacks: SimpleNamespace) -> None:
    with _refused(r"log_encryption_key must be the ARN of a KMS key \(a string\), got 3$"):
        _check(stacks.east1, 3)
    with _refused(
        "log_encryption_key must be the ARN of a KMS key: arn:<partition>:kms:<region>:..., "
        "got 'key/1'$"
    ):
        _check(stacks.east1, "key/1")
    _check(stacks.east1, _token())  # a whole ARN known only at deploy time


def test_another_service_is_refused_and_a_token_service_passes(stacks: SimpleNamespace) -> None:
    other = f"arn:aws:sns:us-east-1:{ACCOUNT}:key/1"
    with _refused(r"log_encryption_key must be the ARN of a KMS key \(service 'kms'\), got "):
        _check(stacks.east1, other)
    _check(stacks.east1, f"arn:aws:{_token()}:us-east-1:{ACCOUNT}:key/1")


def test_another_region_is_refused_and_a_token_region_passes(stacks: SimpleNamespace) -> None:
    with _refused(
        "log_encryption_key must name the stack's region 'us-east-1': a KMS key is regional, "
        "and shop-us-east-1 deploys to us-east-1 "
        r"\(use one created in, or imported for, us-east-1\), got 'arn:aws:kms:us-east-2:"
    ):
        _check(stacks.east1, KEY_EAST_2)
    _check(stacks.east1, f"arn:aws:kms:{_token()}:{ACCOUNT}:key/1")


def test_an_environment_agnostic_stack_takes_any_region_and_partition(
    stacks: SimpleNamespace,
) -> None:
    _check(stacks.agnostic, KEY_EAST_2)
    _check(stacks.agnostic, f"arn:aws-cn:kms:cn-north-1:{ACCOUNT}:key/1")


def test_another_partition_is_refused_and_a_token_partition_passes(
    stacks: SimpleNamespace,
) -> None:
    with _refused(
        "log_encryption_key must be in the partition 'aws' of the stack's region 'us-east-1', "
        "got 'arn:aws-us-gov:kms:us-east-1:"
    ):
        _check(stacks.east1, f"arn:aws-us-gov:kms:us-east-1:{ACCOUNT}:key/1")
    _check(stacks.east1, f"arn:{_token()}:kms:us-east-1:{ACCOUNT}:key/1")


def test_another_account_is_refused_only_with_same_account(stacks: SimpleNamespace) -> None:
    other = "arn:aws:kms:us-east-1:444455556666:key/1"
    with _refused(
        "log_encryption_key must name the stack's account '111122223333': a KMS key must be "
        "in that account, got 'arn:aws:kms:us-east-1:444455556666:key/1'$"
    ):
        _check(stacks.east1, other)
    _check(stacks.east1, other, same_account=False)
    _check(stacks.east1, f"arn:aws:kms:us-east-1:{_token()}:key/1")
    # the stack's account a token: any account
    _check(stacks.region_only, other)


def test_the_resource_prefix(stacks: SimpleNamespace) -> None:
    web_acl = f"arn:aws:wafv2:us-east-1:{ACCOUNT}:regional/webacl/shop/1"
    wafv2: dict[str, Any] = {"service": "wafv2", "what": "a WAF web ACL", "same_account": False}
    with _refused("web_acl_arn must be a regional web ACL, got 'arn:aws:wafv2:"):
        require_regional_arn(
            "web_acl_arn",
            f"arn:aws:wafv2:us-east-1:{ACCOUNT}:global/webacl/shop/1",
            stacks.east1,
            resource_prefix="regional/webacl/",
            resource_requirement="be a regional web ACL",
            **wafv2,
        )
    require_regional_arn(
        "web_acl_arn",
        web_acl,
        stacks.east1,
        resource_prefix="regional/webacl/",
        resource_requirement="be a regional web ACL",
        **wafv2,
    )
    require_regional_arn(
        "web_acl_arn",
        f"arn:aws:wafv2:us-east-1:{ACCOUNT}:{_token()}",
        stacks.east1,
        resource_prefix="regional/webacl/",
        **wafv2,
    )


def _resource(region: str | None, path: str = "Shop/Other/Key") -> Any:
    return SimpleNamespace(env=SimpleNamespace(region=region), node=SimpleNamespace(path=path))


def test_a_resource_of_another_region_s_stack_is_refused(stacks: SimpleNamespace) -> None:
    args: dict[str, Any] = {"service": "kms", "what": "a KMS key", "same_account": True}
    with _refused(
        "log_encryption_key must be in the stack's region 'us-east-1', not 'us-east-2': a KMS "
        r"key is regional \(use one created in, or imported for, us-east-1\), "
        "got 'arn:aws:kms:us-east-2:"
    ):
        require_regional_resource(
            "log_encryption_key", _resource("us-east-2"), KEY_EAST_2, stacks.east1, **args
        )
    # its ARN a token: the construct's path is shown
    with _refused(
        "log_encryption_key must be in the stack's region 'us-east-1', not 'us-east-2'.*"
        "got 'Shop/Other/Key'$"
    ):
        require_regional_resource(
            "log_encryption_key", _resource("us-east-2"), _token(), stacks.east1, **args
        )
    require_regional_resource(
        "log_encryption_key", _resource("us-east-1"), KEY, stacks.east1, **args
    )
    # an environment-agnostic resource or stack: only the ARN is checked
    require_regional_resource("log_encryption_key", _resource(_token()), KEY, stacks.east1, **args)
    require_regional_resource("log_encryption_key", _resource(None), KEY, stacks.east1, **args)
    require_regional_resource(
        "log_encryption_key", _resource("us-east-2"), KEY_EAST_2, stacks.agnostic, **args
    )
    # the ARN is still checked
    with _refused("log_encryption_key must name the stack's region 'us-east-1'"):
        require_regional_resource(
            "log_encryption_key", _resource("us-east-1"), KEY_EAST_2, stacks.east1, **args
        )


ECR_EAST_2 = f"{ACCOUNT}.dkr.ecr.us-east-2.amazonaws.com/shop:1"


def test_an_ecr_image_of_another_region_is_refused(stacks: SimpleNamespace) -> None:
    with _refused(
        "image must be an ECR image of the stack's region 'us-east-1' "
        r"\(a region must not pull its image from 'us-east-2': replicate the repository to "
        r"us-east-1 and use 111122223333.dkr.ecr.us-east-1.amazonaws.com/...\), "
        f"got '{ECR_EAST_2}'$"
    ):
        require_ecr_image_in_region("image", ECR_EAST_2, stacks.east1)
    with _refused("image must be an ECR image of the stack's region 'us-east-1'"):
        require_ecr_image_in_region(
            "image", f"{ACCOUNT}.dkr.ecr-fips.us-east-2.amazonaws.com/shop@sha256:ab", stacks.east1
        )


@pytest.mark.parametrize(
    "image",
    [
        f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/shop:1",
        "public.ecr.aws/nginx/nginx:latest",
        "nginx:latest",
        None,
    ],
)
def test_other_images_pass(stacks: SimpleNamespace, image: str | None) -> None:
    require_ecr_image_in_region("image", image, stacks.east1)


def test_a_token_image_or_an_environment_agnostic_stack_passes(stacks: SimpleNamespace) -> None:
    require_ecr_image_in_region("image", _token(), stacks.east1)
    require_ecr_image_in_region("image", ECR_EAST_2, stacks.agnostic)
