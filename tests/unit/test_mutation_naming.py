"""_private/naming.py against AWS's own limits, written as literals (not the rules' fields):
the tests that kill the mutants of ``tools/mutate.py`` (see docs/guides/testing.md). Pure
Python: no aws-cdk-lib, so a mutant costs about a second."""

from __future__ import annotations

import dataclasses
import re

import pytest

from multiregion_tap._private import naming

# (rule, its name in error messages, AWS's maximum length, a name AWS accepts that uses
# every character the rule allows, a character AWS refuses in that name)
RULES = [
    (naming.STACK_NAME, "stack name", 128, "Shop-App-9", "_"),
    (naming.RDS_IDENTIFIER, "RDS identifier", 63, "shop-app-9", "_"),
    (naming.LOAD_BALANCER_NAME, "load balancer name", 32, "Shop-App-9", "_"),
    (naming.TARGET_GROUP_NAME, "target group name", 32, "Shop-App-9", "_"),
    (naming.ALARM_NAME, "alarm name", 255, "Shop-App_9.x/y", ":"),
    (naming.DASHBOARD_NAME, "dashboard name", 255, "Shop-App_9", "."),
    (naming.LOG_GROUP_NAME, "log group name", 512, "/aws/Shop-App_9.x#y", ":"),
    (naming.SECRET_NAME, "secret name", 512, "shop/App_9+x=y.z@w-v", ":"),
]
IDS = [r[1] for r in RULES]


@pytest.mark.parametrize(("rule", "kind", "limit", "allowed", "refused"), RULES, ids=IDS)
def test_the_aws_maximum_length_is_kept_and_one_more_is_hashed_to_fit(
    rule: naming.NameRule, kind: str, limit: int, allowed: str, refused: str
) -> None:
    assert naming.physical_name(rule, "a" * limit) == "a" * limit
    longer = naming.physical_name(rule, "a" * (limit + 1))
    assert len(longer) == limit
    assert longer == "a" * (limit - 9) + "-" + naming.short_hash("a" * (limit + 1))


@pytest.mark.parametrize(("rule", "kind", "limit", "allowed", "refused"), RULES, ids=IDS)
def test_allowed_characters_are_kept_and_a_refused_one_is_replaced(
    rule: naming.NameRule, kind: str, limit: int, allowed: str, refused: str
) -> None:
    assert naming.physical_name(rule, allowed) == allowed
    cleaned = naming.physical_name(rule, f"ab{refused}cd")
    assert cleaned == "ab-cd-" + naming.short_hash(f"ab{refused}cd")


@pytest.mark.parametrize(("rule", "kind", "limit", "allowed", "refused"), RULES, ids=IDS)
def test_errors_name_the_kind_of_name(
    rule: naming.NameRule, kind: str, limit: int, allowed: str, refused: str
) -> None:
    message = f"{kind}: every part must be a non-empty string"
    with pytest.raises(ValueError, match="^" + re.escape(message)):
        naming.physical_name(rule, "shop", "")
    with pytest.raises(ValueError, match="^" + re.escape(f"{message}, got ()")):
        naming.physical_name(rule)


def test_the_hash_is_the_first_8_hex_digits_of_sha256() -> None:
    # sha256("shop") = 8d9001d3..., as `printf shop | sha256sum` prints it
    assert naming.short_hash("shop") == "8d9001d3"
    assert naming.short_hash("shop", 4) == "8d90"


def test_stack_names_may_hold_double_and_trailing_hyphens_and_capitals() -> None:
    # CloudFormation: [a-zA-Z][-a-zA-Z0-9]*, nothing about hyphens in a row or at the end
    assert naming.physical_name(naming.STACK_NAME, "a--b") == "a--b"
    assert naming.physical_name(naming.STACK_NAME, "a-") == "a-"
    assert naming.physical_name(naming.STACK_NAME, "Shop") == "Shop"


def test_stack_names_start_with_a_letter() -> None:
    assert naming.physical_name(naming.STACK_NAME, "1shop") == "shop-f03ca494"
    assert naming.physical_name(naming.STACK_NAME, "-" * 200) == "n-32fa4cec"


def test_rds_identifiers_lowercase_letter_first_single_hyphens_no_hyphen_at_the_end() -> None:
    assert naming.physical_name(naming.RDS_IDENTIFIER, "Shop--App-") == "shop-app-c769cb47"
    assert naming.physical_name(naming.RDS_IDENTIFIER, "1abc") == "abc-57cb980e"
    assert naming.physical_name(naming.RDS_IDENTIFIER, "shop-") == "shop-" + naming.short_hash(
        "shop-"
    )
    assert naming.physical_name(naming.RDS_IDENTIFIER, "shop", "a--b") == "shop-a-b-0abfbeaa"


def test_load_balancer_names_single_hyphens_none_at_the_edges_digit_first_allowed() -> None:
    assert naming.physical_name(naming.LOAD_BALANCER_NAME, "a--b") == "a-b-90827a2e"
    assert naming.physical_name(naming.LOAD_BALANCER_NAME, "a-") == "a-9baf4407"
    assert naming.physical_name(naming.TARGET_GROUP_NAME, "-a") == "a-" + naming.short_hash("-a")
    assert naming.physical_name(naming.LOAD_BALANCER_NAME, "1abc") == "1abc"
    # nothing readable left: the hash alone, even when it starts with a digit
    assert naming.physical_name(naming.LOAD_BALANCER_NAME, "-" * 40) == "d064d859"
    assert naming.physical_name(naming.LOAD_BALANCER_NAME, "_" * 40) == "12abb1b3"


def test_parts_are_joined_with_a_hyphen() -> None:
    assert naming.physical_name(naming.STACK_NAME, "shop", "us-east-1", "dns") == (
        "shop-us-east-1-dns"
    )


@pytest.mark.parametrize(
    ("region", "code"),
    [
        ("us-east-1", "use1"),
        ("us-west-2", "usw2"),
        ("eu-north-1", "eun1"),
        ("eu-south-2", "eus2"),
        ("eu-central-1", "euc1"),
        ("ap-northeast-3", "apne3"),
        ("ca-west-1", "caw1"),
        ("ap-southeast-2", "apse2"),
        ("xx-northwest-1", "xxnw1"),
        ("xx-southwest-1", "xxsw1"),
        ("il-central-1", "ilc1"),
        ("me-south-1", "mes1"),
    ],
)
def test_region_code(region: str, code: str) -> None:
    assert naming.region_code(region) == code


def test_rules_are_frozen_and_hashable() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        naming.STACK_NAME.max_length = 1  # type: ignore[misc]
    assert len({naming.LOAD_BALANCER_NAME, naming.TARGET_GROUP_NAME, naming.STACK_NAME}) == 3


def test_target_group_names_single_hyphens() -> None:
    assert naming.physical_name(naming.TARGET_GROUP_NAME, "a--b") == "a-b-90827a2e"


def test_a_cut_name_keeps_its_trailing_capitals() -> None:
    # only hyphens are trimmed from the cut: "XX..." stays
    name = naming.physical_name(naming.STACK_NAME, "X" * 129)
    assert name == "X" * 119 + "-" + naming.short_hash("X" * 129)


@pytest.mark.parametrize(("rule", "kind", "limit", "allowed", "refused"), RULES, ids=IDS)
def test_valid_refuses_an_empty_or_too_long_name_by_itself(
    rule: naming.NameRule, kind: str, limit: int, allowed: str, refused: str
) -> None:
    # _valid is the rule's whole check, not only the part physical_name does not repeat
    assert naming._valid(rule, "a" * limit) is True
    assert naming._valid(rule, "a" * (limit + 1)) is False
    assert naming._valid(rule, "") is False


def test_valid_checks_each_part_of_a_rule() -> None:
    valid = naming._valid
    assert valid(naming.STACK_NAME, "Shop-1") is True
    assert valid(naming.STACK_NAME, "a_b") is False  # a character the rule does not allow
    assert valid(naming.RDS_IDENTIFIER, "Shop") is False  # not lowercase
    assert valid(naming.RDS_IDENTIFIER, "1shop") is False  # not a letter first
    assert valid(naming.LOAD_BALANCER_NAME, "1shop") is True
    assert valid(naming.LOAD_BALANCER_NAME, "a--b") is False  # a double hyphen
    assert valid(naming.STACK_NAME, "a--b") is True
    assert valid(naming.LOAD_BALANCER_NAME, "-a") is False  # a hyphen at either edge
    assert valid(naming.LOAD_BALANCER_NAME, "a-") is False
    assert valid(naming.LOAD_BALANCER_NAME, "a-b") is True
    assert valid(naming.STACK_NAME, "a-") is True


def test_only_hyphens_are_trimmed_from_the_edges() -> None:
    assert naming.physical_name(naming.LOAD_BALANCER_NAME, "XshopX") == "XshopX"
