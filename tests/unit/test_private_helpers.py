"""The naming and validation helpers every construct relies on."""

from __future__ import annotations

import re

import aws_cdk as cdk
import pytest
from aws_cdk import aws_s3 as s3
from aws_cdk.assertions import Template

from multiregion_tap import MultiRegionApp, ValidationError
from multiregion_tap._private import naming, validation
from multiregion_tap._private.checkov import skip_checkov

ODD_NAMES = [
    "shop",
    "a",
    "x" * 200,
    "Shop_With.Odd/Chars@and spaces",
    "123-starts-with-digits",
    "double--hyphen--name-",
    "-edge-",
    "ünïcödé-näme",
]


@pytest.mark.parametrize(
    "rule",
    [
        naming.STACK_NAME,
        naming.RDS_IDENTIFIER,
        naming.LOAD_BALANCER_NAME,
        naming.TARGET_GROUP_NAME,
        naming.ALARM_NAME,
        naming.DASHBOARD_NAME,
        naming.LOG_GROUP_NAME,
        naming.SECRET_NAME,
    ],
    ids=lambda r: r.kind,
)
@pytest.mark.parametrize("app_name", ODD_NAMES)
def test_names_fit_every_rule(rule: naming.NameRule, app_name: str) -> None:
    name = naming.physical_name(rule, app_name, "us-east-1", "primary")
    assert 1 <= len(name) <= rule.max_length
    assert re.fullmatch(f"[{rule.allowed}]+", name)
    if rule.lowercase:
        assert name == name.lower()
    if rule.must_start_with_letter:
        assert name[0].isalpha()
    if rule.no_double_hyphen:
        assert "--" not in name
    if rule.no_edge_hyphen:
        assert not name.startswith("-") and not name.endswith("-")
    # deterministic
    assert name == naming.physical_name(rule, app_name, "us-east-1", "primary")


def test_readable_name_kept_when_it_fits() -> None:
    assert naming.physical_name(naming.RDS_IDENTIFIER, "shop", "us-east-1") == "shop-us-east-1"
    assert naming.physical_name(naming.STACK_NAME, "shop", "dns") == "shop-dns"


def test_long_names_are_hash_truncated_and_never_collide() -> None:
    a = naming.physical_name(naming.RDS_IDENTIFIER, "a" * 70, "us-east-1")
    b = naming.physical_name(naming.RDS_IDENTIFIER, "a" * 70, "us-east-2")
    c = naming.physical_name(naming.RDS_IDENTIFIER, "a" * 71, "us-east-1")
    assert len({a, b, c}) == 3
    assert all(len(n) == 63 for n in (a, b, c))
    assert re.fullmatch(r"a+-[0-9a-f]{8}", a)


def test_cleaned_names_keep_distinct_inputs_distinct() -> None:
    # Both clean to 'shop-app' for an RDS identifier, so both get a hash suffix.
    a = naming.physical_name(naming.RDS_IDENTIFIER, "Shop_App")
    b = naming.physical_name(naming.RDS_IDENTIFIER, "shop.app")
    assert a != b


def test_empty_parts_are_refused() -> None:
    with pytest.raises(ValueError, match="non-empty"):
        naming.physical_name(naming.STACK_NAME, "shop", "")


def test_region_code() -> None:
    assert naming.region_code("us-east-1") == "use1"
    assert naming.region_code("ap-southeast-2") == "apse2"
    assert naming.region_code("eu-central-1") == "euc1"


def test_int_range_and_tokens() -> None:
    validation.require_int_range("desired_count", 3, 1, 10)
    validation.require_int_range("desired_count", cdk.Token.as_number(cdk.Aws.NO_VALUE), 1, 2)
    with pytest.raises(ValidationError, match=r"desired_count must be between 1 and 10, got 0"):
        validation.require_int_range("desired_count", 0, 1, 10)
    with pytest.raises(ValidationError, match=r"desired_count must be a number.*'3'"):
        validation.require_int_range("desired_count", "3", 1, 10)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"enabled must be a number.*True"):
        validation.require_int_range("enabled", True, 0, 1)


def test_one_of_and_exclusive() -> None:
    validation.require_one_of("interval", 10, (10, 30))
    with pytest.raises(ValidationError, match=r"interval must be one of 10, 30, got 15"):
        validation.require_one_of("interval", 15, (10, 30))
    validation.require_exclusive(existing_vpc=None, vpc_props={"a": 1})
    with pytest.raises(ValidationError, match=r"existing_vpc and vpc_cidr are mutually exclusive"):
        validation.require_exclusive(existing_vpc="vpc", vpc_cidr="10.0.0.0/16")


@pytest.mark.parametrize(
    ("cidr", "message"),
    [
        ("8.8.8.0/24", "RFC 1918"),
        ("10.0.0.0/8", "prefix length between /16 and /24"),
        ("10.0.0.0/28", "prefix length between /16 and /24"),
        ("10.0.0.1/16", "IPv4 CIDR block"),
        ("not-a-cidr", "IPv4 CIDR block"),
    ],
)
def test_cidr(cidr: str, message: str) -> None:
    with pytest.raises(
        ValidationError, match=rf"vpc_cidr must .*{re.escape(message)}.*{re.escape(repr(cidr))}"
    ):
        validation.require_cidr("vpc_cidr", cidr, min_prefix=16, max_prefix=24)


@pytest.mark.parametrize(
    "cidr",
    [
        "10.0.0.0/16",  # each RFC 1918 range, at the lower prefix bound ...
        "172.16.0.0/16",
        "192.168.0.0/16",
        "10.255.255.0/24",  # ... and at the upper one
        "172.31.255.0/24",
        "192.168.255.0/24",
        None,  # not given
    ],
)
def test_cidr_accepted_inside_rfc1918_at_the_prefix_bounds(cidr: str | None) -> None:
    # The contract is "raises ValidationError or returns None": a wrongly rejected CIDR fails here.
    assert validation.require_cidr("vpc_cidr", cidr, min_prefix=16, max_prefix=24) is None


def test_cidr_token_is_not_parsed() -> None:
    token = cdk.Fn.import_value("x")
    assert cdk.Token.is_unresolved(token)
    assert validation.require_cidr("vpc_cidr", token, min_prefix=16, max_prefix=24) is None
    # The same check on a literal outside the bounds does raise: the token was skipped, not
    # judged valid by accident.
    with pytest.raises(ValidationError):
        validation.require_cidr("vpc_cidr", "10.0.0.0/8", min_prefix=16, max_prefix=24)


def test_helper_stack_region_must_be_a_region_name() -> None:
    shop = MultiRegionApp(cdk.App(), "Shop", app_name="shop", service=False)
    with pytest.raises(
        ValidationError, match=r"region must be an AWS region name such as 'us-east-1'.*'us-east'"
    ):
        shop.add_helper_stack("dns", region="us-east")
    stack = shop.add_helper_stack("dns", region="us-west-2")
    assert (stack.region, stack.stack_name) == ("us-west-2", "shop-dns")


def test_no_overlap() -> None:
    validation.require_no_overlap(
        "vpc_cidr", {"us-east-1": "10.0.0.0/16", "us-east-2": "10.1.0.0/16"}
    )
    with pytest.raises(
        ValidationError,
        match=r"vpc_cidr must not overlap: us-east-1 has '10.0.0.0/16' and us-east-2 has "
        r"'10.0.128.0/17'",
    ):
        validation.require_no_overlap(
            "vpc_cidr", {"us-east-1": "10.0.0.0/16", "us-east-2": "10.0.128.0/17"}
        )


@pytest.mark.parametrize(
    ("region", "partition"),
    [
        ("us-east-1", "aws"),
        ("cn-northwest-1", "aws-cn"),
        ("us-gov-west-1", "aws-us-gov"),
        ("us-iso-east-1", "aws-iso"),
        ("us-isob-east-1", "aws-iso-b"),
        ("eusc-de-east-1", "aws-eusc"),
    ],
)
def test_regions_and_partitions(region: str, partition: str) -> None:
    assert validation.require_region("region", region) == region
    assert validation.partition_of(region) == partition


def test_skip_checkov_writes_one_entry_per_check_where_checkov_reads_it() -> None:
    """checkov reads ``Metadata: {checkov: {skip: [{id, comment}]}}`` on the resource; skipping
    the same check again replaces its reason instead of adding a second entry."""
    stack = cdk.Stack(cdk.App(), "S")
    bucket = s3.Bucket(stack, "Logs")
    skip_checkov(bucket, "CKV_AWS_18", "first reason")
    skip_checkov(bucket.node.default_child, "CKV_AWS_21", "versioning reason")
    skip_checkov(bucket, "CKV_AWS_18", "second reason")
    resources = Template.from_stack(stack).find_resources("AWS::S3::Bucket")
    [resource] = resources.values()
    assert resource["Metadata"]["checkov"] == {
        "skip": [
            {"id": "CKV_AWS_21", "comment": "versioning reason"},
            {"id": "CKV_AWS_18", "comment": "second reason"},
        ]
    }
    with pytest.raises(TypeError, match=r"^S has no CloudFormation resource to annotate$"):
        skip_checkov(stack, "CKV_AWS_18", "a stack has no resource of its own")
