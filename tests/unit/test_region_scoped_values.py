"""Region-scoped values of RegionalService: a key, web ACL, certificate or ECR image of another
region (or partition, or account) is refused at synth time, naming the prop and the value;
tokens and values of the stack's own region pass."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_kms as kms
from aws_cdk.assertions import Template

from multiregion_tap import ValidationError
from multiregion_tap._private.arns import parse_arn, require_regional_arn
from multiregion_tap.regional_service import RegionalService

ACCOUNT = "123456789012"
OTHER_ACCOUNT = "210987654321"
WEB_ACL_EAST_1 = f"arn:aws:wafv2:us-east-1:{ACCOUNT}:regional/webacl/shop/1111-2222"
WEB_ACL_EAST_2 = f"arn:aws:wafv2:us-east-2:{ACCOUNT}:regional/webacl/shop/3333-4444"
CERT_EAST_1 = f"arn:aws:acm:us-east-1:{ACCOUNT}:certificate/aaaa-bbbb"
CERT_EAST_2 = f"arn:aws:acm:us-east-2:{ACCOUNT}:certificate/cccc-dddd"
KEY_EAST_1 = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
KEY_EAST_2 = f"arn:aws:kms:us-east-2:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"

_counter = iter(range(100_000))


def _stack(region: str | None = "us-east-2", account: str | None = ACCOUNT) -> cdk.Stack:
    env = cdk.Environment(region=region, account=account) if region else None
    return cdk.Stack(cdk.App(), f"S{next(_counter)}", env=env)


def _service(stack: cdk.Stack, **kwargs: Any) -> RegionalService:
    return RegionalService(stack, "Service", **kwargs)


def _cert(stack: cdk.Stack, arn: str) -> acm.ICertificate:
    return acm.Certificate.from_certificate_arn(stack, f"Cert{next(_counter)}", arn)


def _key(stack: cdk.Stack, arn: str) -> kms.IKey:
    return kms.Key.from_key_arn(stack, f"Key{next(_counter)}", arn)


# ------------------------------------------------------------------ refused, exact messages
def test_web_acl_of_another_region_is_refused() -> None:
    stack = _stack()
    with pytest.raises(ValidationError) as caught:
        _service(stack, web_acl_arn=WEB_ACL_EAST_1)
    assert caught.value.message == (
        "web_acl_arn must name the stack's region 'us-east-2': a WAF web ACL is regional, "
        f"and {stack.stack_name} deploys to us-east-2 (use one created in, or imported for, "
        f"us-east-2), got {WEB_ACL_EAST_1!r}"
    )
    assert caught.value.construct_path == f"{stack.stack_name}/Service"


def test_certificate_of_another_region_is_refused() -> None:
    stack = _stack()
    with pytest.raises(ValidationError) as caught:
        _service(stack, certificate=_cert(stack, CERT_EAST_1))
    assert caught.value.message == (
        "certificate must name the stack's region 'us-east-2': an ACM certificate is "
        f"regional, and {stack.stack_name} deploys to us-east-2 (use one created in, or "
        f"imported for, us-east-2), got {CERT_EAST_1!r}"
    )


def test_imported_log_key_of_another_region_is_refused() -> None:
    stack = _stack()
    with pytest.raises(ValidationError) as caught:
        _service(stack, log_encryption_key=_key(stack, KEY_EAST_1))
    # kms.Key.from_key_arn takes its region from the ARN.
    assert caught.value.message == (
        "log_encryption_key must be in the stack's region 'us-east-2', not 'us-east-1': a KMS "
        f"key is regional (use one created in, or imported for, us-east-2), got {KEY_EAST_1!r}"
    )


def test_key_created_in_another_regions_stack_is_refused_by_its_path() -> None:
    """A key owned by another region's stack has a token ARN: its stack's region decides."""
    app = cdk.App()
    east1 = cdk.Stack(app, "East1", env=cdk.Environment(region="us-east-1", account=ACCOUNT))
    east2 = cdk.Stack(app, "East2", env=cdk.Environment(region="us-east-2", account=ACCOUNT))
    key = kms.Key(east1, "LogKey")
    with pytest.raises(ValidationError) as caught:
        _service(east2, log_encryption_key=key)
    assert caught.value.message == (
        "log_encryption_key must be in the stack's region 'us-east-2', not 'us-east-1': a KMS "
        "key is regional (use one created in, or imported for, us-east-2), got 'East1/LogKey'"
    )


@pytest.mark.parametrize(
    ("prop", "value", "message"),
    [
        (
            "web_acl_arn",
            f"arn:aws-cn:wafv2:us-east-2:{ACCOUNT}:regional/webacl/shop/1",
            "web_acl_arn must be in the partition 'aws' of the stack's region 'us-east-2'",
        ),
        (
            "web_acl_arn",
            f"arn:aws:wafv2:us-east-2:{OTHER_ACCOUNT}:regional/webacl/shop/1",
            f"web_acl_arn must name the stack's account '{ACCOUNT}': a WAF web ACL must be in "
            "that account",
        ),
        (
            "web_acl_arn",
            f"arn:aws:wafv2:us-east-2:{ACCOUNT}:global/webacl/shop/1",
            "web_acl_arn must be a web ACL of scope REGIONAL ('regional/webacl/...'): a "
            "CLOUDFRONT web ACL cannot protect a load balancer",
        ),
        (
            "web_acl_arn",
            f"arn:aws:waf-regional:us-east-2:{ACCOUNT}:webacl/1",
            "web_acl_arn must be the ARN of a WAF web ACL (service 'wafv2')",
        ),
        (
            "web_acl_arn",
            "shop-web-acl",
            "web_acl_arn must be the ARN of a WAF web ACL: arn:<partition>:wafv2:<region>:...",
        ),
        (
            "certificate",
            f"arn:aws:acm:us-east-2:{OTHER_ACCOUNT}:certificate/x",
            f"certificate must name the stack's account '{ACCOUNT}': an ACM certificate must "
            "be in that account",
        ),
        (
            "certificate",
            f"arn:aws-us-gov:acm:us-east-2:{ACCOUNT}:certificate/x",
            "certificate must be in the partition 'aws' of the stack's region 'us-east-2'",
        ),
        (
            "log_encryption_key",
            f"arn:aws:s3:us-east-2:{ACCOUNT}:key/x",
            "log_encryption_key must be the ARN of a KMS key (service 'kms')",
        ),
    ],
)
def test_partition_account_scope_and_service_are_checked(
    prop: str, value: str, message: str
) -> None:
    stack = _stack()
    kwargs: dict[str, Any] = {
        "web_acl_arn": lambda: value,
        "certificate": lambda: _cert(stack, value),
        "log_encryption_key": lambda: kms.Key.from_key_arn(stack, "K", value),
    }
    with pytest.raises(ValidationError) as caught:
        _service(stack, **{prop: kwargs[prop]()})
    assert caught.value.message == f"{message}, got {value!r}"


def test_ecr_image_of_another_region_is_refused() -> None:
    stack = _stack()
    uri = f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/shop/service:v7"
    with pytest.raises(ValidationError) as caught:
        _service(stack, image=ecs.ContainerImage.from_registry(uri))
    assert caught.value.message == (
        "image must be an ECR image of the stack's region 'us-east-2' (a region must not pull "
        "its image from 'us-east-1': replicate the repository to us-east-2 and use "
        f"{ACCOUNT}.dkr.ecr.us-east-2.amazonaws.com/...), got {uri!r}"
    )


# ------------------------------------------------------------------ accepted
def test_values_of_the_stacks_region_are_used_as_given() -> None:
    stack = _stack()
    image = f"{OTHER_ACCOUNT}.dkr.ecr.us-east-2.amazonaws.com/shop/service:v7"
    _service(
        stack,
        web_acl_arn=WEB_ACL_EAST_2,
        certificate=_cert(stack, CERT_EAST_2),
        log_encryption_key=_key(stack, KEY_EAST_2),
        image=ecs.ContainerImage.from_registry(image),
    )
    template = Template.from_stack(stack)
    template.has_resource_properties("AWS::WAFv2::WebACLAssociation", {"WebACLArn": WEB_ACL_EAST_2})
    template.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::Listener",
        {"Port": 443, "Certificates": [{"CertificateArn": CERT_EAST_2}]},
    )
    template.has_resource_properties("AWS::Logs::LogGroup", {"KmsKeyId": KEY_EAST_2})
    definitions = template.find_resources("AWS::ECS::TaskDefinition")
    (task,) = definitions.values()
    assert task["Properties"]["ContainerDefinitions"][0]["Image"] == image


def test_tokens_and_public_images_pass() -> None:
    app = cdk.App()
    stack = cdk.Stack(app, "East2", env=cdk.Environment(region="us-east-2", account=ACCOUNT))
    parameter = cdk.CfnParameter(stack, "WebAclArn")
    key = kms.Key(stack, "LogKey")  # a token ARN, in this stack
    # An ARN whose region is a token (the stack's own ``Aws.REGION``) is not checked.
    cert = _cert(stack, f"arn:aws:acm:{cdk.Aws.REGION}:{ACCOUNT}:certificate/x")
    _service(
        stack,
        web_acl_arn=parameter.value_as_string,
        certificate=cert,
        log_encryption_key=key,
        image=ecs.ContainerImage.from_registry("public.ecr.aws/nginx/nginx:stable"),
    )
    Template.from_stack(stack).resource_count_is("AWS::WAFv2::WebACLAssociation", 1)


def test_environment_agnostic_stack_checks_nothing_regional() -> None:
    """A stack without a literal region or account cannot know which one is right (a
    RegionalService needs a region anyway: the helper is checked alone)."""
    stack = _stack(region=None)
    for arn in (WEB_ACL_EAST_1, WEB_ACL_EAST_2.replace(ACCOUNT, OTHER_ACCOUNT)):
        require_regional_arn(
            "web_acl_arn", arn, stack, service="wafv2", what="a WAF web ACL", same_account=True
        )


# ------------------------------------------------------------------ the helpers alone
def test_parse_arn_fields_and_tokens() -> None:
    parts = parse_arn(WEB_ACL_EAST_1)
    assert parts is not None
    assert (parts.partition, parts.service, parts.region, parts.account, parts.resource) == (
        "aws",
        "wafv2",
        "us-east-1",
        ACCOUNT,
        "regional/webacl/shop/1111-2222",
    )
    tokened = parse_arn(f"arn:{cdk.Aws.PARTITION}:kms:{cdk.Aws.REGION}:{ACCOUNT}:key/x")
    assert tokened is not None
    assert (tokened.partition, tokened.region, tokened.account) == (None, None, ACCOUNT)
    assert parse_arn("not-an-arn") is None
    assert parse_arn("arn:aws:kms:us-east-1") is None


def test_require_regional_arn_accepts_a_whole_token_and_refuses_a_non_string() -> None:
    stack = _stack()
    token = cdk.Token.as_string(cdk.Aws.STACK_ID)
    require_regional_arn(
        "web_acl_arn", token, stack, service="wafv2", what="a WAF web ACL", same_account=True
    )
    with pytest.raises(ValidationError) as caught:
        require_regional_arn(
            "web_acl_arn", 5, stack, service="wafv2", what="a WAF web ACL", same_account=True
        )
    assert caught.value.message == "web_acl_arn must be the ARN of a WAF web ACL (a string), got 5"
