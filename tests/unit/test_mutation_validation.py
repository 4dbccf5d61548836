"""_private/validation.py: exact messages, both bounds of every range, tokens in and out, the
literal region and partition names AWS uses. Kills the mutants of ``tools/mutate.py`` (see
docs/guides/testing.md). No synth: the only jsii calls are token checks."""

from __future__ import annotations

import re

import aws_cdk as cdk
import pytest
from constructs import Construct

from multiregion_tap import ValidationError
from multiregion_tap._private import validation


def _raises(message: str) -> pytest.RaisesContext[ValidationError]:
    return pytest.raises(ValidationError, match="^" + re.escape(message) + "$")


def test_string_list_and_number_tokens_are_tokens_literals_are_not() -> None:
    string_token = cdk.Fn.import_value("x")
    number_token = cdk.Token.as_number(cdk.Fn.import_value("y"))
    assert validation.is_token(string_token) is True
    assert validation.is_token(number_token) is True
    assert validation.is_token(["a", string_token]) is True
    assert validation.is_token(("a", "b")) is False
    assert validation.is_token(None) is False
    assert validation.is_token(True) is False
    assert validation.is_token("Token[but not one]") is False
    assert validation.is_token("shop") is False
    assert validation.is_token(3) is False
    # a literal as large as a double gets, still not a token
    assert validation.is_token(1e300) is False
    assert validation.is_token(-1e285) is False


def test_int_range_accepts_both_bounds_and_skips_none_and_tokens() -> None:
    for value in (1, 10, 5.5):
        assert validation.require_int_range("desired_count", value, 1, 10) is None
    assert validation.require_int_range("desired_count", None, 1, 10) is None
    token = cdk.Token.as_number(cdk.Fn.import_value("n"))
    assert validation.require_int_range("desired_count", token, 1, 10) is None
    with _raises("desired_count must be between 1 and 10, got 11"):
        validation.require_int_range("desired_count", 11, 1, 10)
    with _raises("desired_count must be between 1 and 10, got 0.5"):
        validation.require_int_range("desired_count", 0.5, 1, 10)
    with _raises("desired_count must be a number between 1 and 10, got False"):
        validation.require_int_range("desired_count", False, 1, 10)
    with _raises("desired_count must be a number between 1 and 10, got [1]"):
        validation.require_int_range("desired_count", [1], 1, 10)  # type: ignore[arg-type]


def test_one_of_names_every_choice_and_skips_none_and_tokens() -> None:
    assert validation.require_one_of("interval", 30, [10, 30]) is None
    assert validation.require_one_of("interval", None, [10, 30]) is None
    assert validation.require_one_of("mode", cdk.Fn.import_value("m"), ["A", "B"]) is None
    with _raises("mode must be one of 'A', 'B', got 'C'"):
        validation.require_one_of("mode", "C", iter(["A", "B"]))


def test_pattern_skips_none_and_tokens_refuses_a_non_string_or_a_partial_match() -> None:
    pattern = re.compile(r"[a-z]+")
    assert validation.require_pattern("name", "shop", pattern, "be lowercase") is None
    assert validation.require_pattern("name", None, pattern, "be lowercase") is None
    token = cdk.Fn.import_value("n")
    assert validation.require_pattern("name", token, pattern, "be lowercase") is None
    with _raises("name must be lowercase, got 'shop1'"):
        validation.require_pattern("name", "shop1", pattern, "be lowercase")
    with _raises("name must be lowercase, got 3"):
        validation.require_pattern("name", 3, pattern, "be lowercase")  # type: ignore[arg-type]


def test_exclusive_counts_given_props_and_names_them_with_their_values() -> None:
    assert validation.require_exclusive(a=None, b=None) is None
    assert validation.require_exclusive(a=1, b=None) is None
    assert validation.require_exclusive(a=None, b=0) is None
    with _raises("a and c are mutually exclusive: give at most one, got a=1, c='x'"):
        validation.require_exclusive(a=1, b=None, c="x")


@pytest.mark.parametrize(
    "region",
    [
        "us-east-1",
        "ap-southeast-2",
        "eu-central-2",
        "us-gov-west-1",
        "us-isob-east-1",
        "eusc-de-east-1",
        "ap-northeast-3",
        "us-northwest-12",
        "af-southwest-1",
        "il-central-1",
        "ca-north-1",
        "sa-south-9",
    ],
)
def test_region_names_aws_uses_are_accepted(region: str) -> None:
    assert validation.require_region("region", region) == region


@pytest.mark.parametrize(
    "region", ["us-east", "us-east-0", "us-east-100", "US-EAST-1", "u-east-1", "us-up-1", 1]
)
def test_region_names_that_are_not_are_refused(region: object) -> None:
    with _raises(f"region must be an AWS region name such as 'us-east-1', got {region!r}"):
        validation.require_region("region", region)


def test_a_region_token_is_refused_not_skipped() -> None:
    token = cdk.Aws.REGION
    with pytest.raises(
        ValidationError,
        match=r"^region must be a literal AWS region name such as 'us-east-1', not a token, got",
    ):
        validation.require_region("region", token)


@pytest.mark.parametrize(
    ("region", "partition", "metrics_region"),
    [
        ("us-east-1", "aws", "us-east-1"),
        ("eu-west-1", "aws", "us-east-1"),
        ("cn-north-1", "aws-cn", None),
        ("us-gov-east-1", "aws-us-gov", None),
        ("us-isob-east-1", "aws-iso-b", None),
        ("us-iso-west-1", "aws-iso", None),
        ("eu-isoe-west-1", "aws-iso-e", None),
        ("us-isof-south-1", "aws-iso-f", None),
        ("eusc-de-east-1", "aws-eusc", None),
    ],
)
def test_partitions_and_where_route53_metrics_live(
    region: str, partition: str, metrics_region: str | None
) -> None:
    assert validation.partition_of(region) == partition
    assert validation.route53_metrics_region(region) == metrics_region


def test_distinct_names_the_repeated_value() -> None:
    assert validation.require_distinct("regions", ["us-east-1", "us-east-2"]) is None
    with _raises(
        "regions must not name 'us-east-1' twice, got ['us-east-1', 'us-west-2', 'us-east-1']"
    ):
        validation.require_distinct("regions", ("us-east-1", "us-west-2", "us-east-1"))


@pytest.mark.parametrize("cidr", ["169.254.0.0/16", "127.0.0.0/16", "100.64.0.0/16"])
def test_a_private_cidr_outside_rfc1918_is_refused(cidr: str) -> None:
    with _raises(
        "vpc_cidr must be inside an RFC 1918 private range (10/8, 172.16/12, 192.168/16), "
        f"got {cidr!r}"
    ):
        validation.require_cidr("vpc_cidr", cidr, min_prefix=16, max_prefix=24)


def test_cidr_prefix_bounds_are_named_exactly() -> None:
    for cidr in ("10.0.0.0/16", "10.0.0.0/24", "172.16.0.0/20", "192.168.0.0/16"):
        assert validation.require_cidr("vpc_cidr", cidr, min_prefix=16, max_prefix=24) is None
    with pytest.raises(ValidationError, match=r"^vpc_cidr must be an IPv4 CIDR block .*/16'$"):
        # host bits set: a network address is required, not an address in it
        validation.require_cidr("vpc_cidr", "10.0.0.1/16", min_prefix=16, max_prefix=24)
    with _raises("vpc_cidr must have a prefix length between /16 and /24, got '10.0.0.0/25'"):
        validation.require_cidr("vpc_cidr", "10.0.0.0/25", min_prefix=16, max_prefix=24)
    with _raises("vpc_cidr must have a prefix length between /16 and /24, got '10.0.0.0/15'"):
        validation.require_cidr("vpc_cidr", "10.0.0.0/15", min_prefix=16, max_prefix=24)
    with pytest.raises(
        ValidationError,
        match=r"^vpc_cidr must be an IPv4 CIDR block such as '10\.0\.0\.0/16' \(.+\), "
        r"got '10\.0\.0\.0/33'$",
    ):
        validation.require_cidr("vpc_cidr", "10.0.0.0/33", min_prefix=16, max_prefix=24)


def test_no_overlap_compares_every_pair_once_and_skips_tokens() -> None:
    cidrs = {"c": "10.2.0.0/16", "a": "10.0.0.0/16", "b": "10.1.0.0/16"}
    assert validation.require_no_overlap("vpc_cidr", cidrs) is None
    token = cdk.Fn.import_value("cidr")
    assert validation.require_no_overlap("vpc_cidr", {"a": "10.0.0.0/16", "t": token}) is None
    with _raises("vpc_cidr must not overlap: a has '10.0.0.0/16' and b has '10.0.1.0/24'"):
        validation.require_no_overlap("vpc_cidr", {"b": "10.0.1.0/24", "a": "10.0.0.0/16"})
    with _raises("vpc_cidr must not overlap: a has '10.0.0.0/16' and c has '10.0.1.0/24'"):
        validation.require_no_overlap(
            "vpc_cidr", {"c": "10.0.1.0/24", "b": "10.1.0.0/16", "a": "10.0.0.0/16"}
        )


def test_output_suffix_is_letters_and_digits_up_to_32() -> None:
    assert validation.require_output_suffix("") == ""
    assert validation.require_output_suffix("Blue2") == "Blue2"
    with _raises("output_suffix must be up to 32 ASCII letters and digits (or empty), got 'a-b'"):
        validation.require_output_suffix("a-b")
    with _raises("suffix must be up to 32 ASCII letters and digits (or empty), got None"):
        validation.require_output_suffix(None, "suffix")


def test_the_innermost_construct_path_is_the_one_named() -> None:
    with pytest.raises(ValidationError) as caught, validation.at_construct_path("shop/Outer"):
        raise ValidationError("x must be y, got 1")
    assert (caught.value.message, caught.value.construct_path) == (
        "x must be y, got 1",
        "shop/Outer",
    )
    with pytest.raises(ValidationError) as caught, validation.at_construct_path("shop/Outer"):
        raise ValidationError("x must be y, got 1", construct_path="shop/Outer/Inner")
    assert caught.value.construct_path == "shop/Outer/Inner"
    assert str(caught.value) == "x must be y, got 1 (at shop/Outer/Inner)"


def test_names_construct_path_joins_the_scope_path_and_the_id() -> None:
    class Thing(Construct):
        @validation.names_construct_path
        def __init__(self, scope: Construct, id: str, count: int) -> None:
            super().__init__(scope, id)
            validation.require_int_range("count", count, 1, 2)

    stack = cdk.Stack(cdk.App(), "shop-us-east-1")
    assert Thing(stack, "Ok", 1).node.path == "shop-us-east-1/Ok"
    with _raises("count must be between 1 and 2, got 3 (at shop-us-east-1/Bad)"):
        Thing(stack, "Bad", 3)
