"""alarm_topic.py on one small synthesized stack (shared by the module): the key, the topic and
both resource policies with AWS's literal principals, actions and condition keys; the
subscriptions. Kills the mutants of ``tools/mutate.py`` in a few seconds each (see
docs/guides/testing.md)."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_kms as kms
from aws_cdk.assertions import Template

from multiregion_tap import AlarmTopic, ValidationError


@pytest.fixture(scope="module")
def templates() -> dict[str, Template]:
    app = cdk.App()
    env = cdk.Environment(account="123456789012", region="us-east-2")
    created = cdk.Stack(app, "Created", env=env)
    topic = AlarmTopic(
        created,
        "Alarms",
        email_addresses=["ops@example.com"],
        https_endpoints=["https://hooks.example.com/x"],
    )
    assert topic.key is not None and topic.topic is not None
    AlarmTopic(created, "Destroyed", key_removal_policy=cdk.RemovalPolicy.DESTROY)
    given = cdk.Stack(app, "Given", env=env)
    key = kms.Key(given, "MyKey")
    mine = AlarmTopic(given, "Alarms", encryption_key=key)
    assert mine.key is key
    return {"created": Template.from_stack(created), "given": Template.from_stack(given)}


def _one(template: Template, kind: str, prefix: str) -> dict[str, Any]:
    found = {k: v for k, v in template.find_resources(kind).items() if k.startswith(prefix)}
    assert len(found) == 1, (kind, prefix, list(found))
    return next(iter(found.values()))


def test_a_created_key_rotates_is_retained_and_says_what_it_encrypts(
    templates: dict[str, Template],
) -> None:
    key = _one(templates["created"], "AWS::KMS::Key", "AlarmsKey")
    assert (key["DeletionPolicy"], key["UpdateReplacePolicy"]) == ("Retain", "Retain")
    assert key["Properties"]["EnableKeyRotation"] is True
    assert key["Properties"]["Description"] == "Encrypts the alarm topic Created/Alarms"
    destroyed = _one(templates["created"], "AWS::KMS::Key", "DestroyedKey")
    assert destroyed["DeletionPolicy"] == "Delete"


@pytest.mark.parametrize("which", ["created", "given"])
def test_cloudwatch_may_use_the_key(templates: dict[str, Template], which: str) -> None:
    prefix = "AlarmsKey" if which == "created" else "MyKey"
    statements = _one(templates[which], "AWS::KMS::Key", prefix)["Properties"]["KeyPolicy"][
        "Statement"
    ]
    cloudwatch = [s for s in statements if s.get("Sid") == "AllowCloudWatchAlarmsToUseTheKey"]
    assert cloudwatch == [
        {
            "Sid": "AllowCloudWatchAlarmsToUseTheKey",
            "Effect": "Allow",
            "Principal": {"Service": "cloudwatch.amazonaws.com"},
            "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
            "Resource": "*",
        }
    ]
    assert len(templates["given"].find_resources("AWS::KMS::Key")) == 1


def test_the_topic_policy_denies_plain_http_and_lets_this_account_s_alarms_publish(
    templates: dict[str, Template],
) -> None:
    policy = _one(templates["created"], "AWS::SNS::TopicPolicy", "AlarmsTopicPolicy")
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    topic_ref = {
        "Ref": next(
            k
            for k in templates["created"].find_resources("AWS::SNS::Topic")
            if k.startswith("AlarmsTopic")
        )
    }
    publish = [s for s in statements if s.get("Sid") == "AllowCloudWatchAlarmsToPublish"]
    assert publish == [
        {
            "Sid": "AllowCloudWatchAlarmsToPublish",
            "Effect": "Allow",
            "Principal": {"Service": "cloudwatch.amazonaws.com"},
            "Action": "sns:Publish",
            "Resource": topic_ref,
            "Condition": {
                "StringEquals": {"aws:SourceAccount": "123456789012"},
                "ArnLike": {
                    "aws:SourceArn": {
                        "Fn::Join": [
                            "",
                            [
                                "arn:",
                                {"Ref": "AWS::Partition"},
                                ":cloudwatch:us-east-2:123456789012:alarm:*",
                            ],
                        ]
                    }
                },
            },
        }
    ]
    deny = [s for s in statements if s.get("Effect") == "Deny"]
    assert len(deny) == 1
    assert deny[0]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_the_topic_is_encrypted_with_the_key(templates: dict[str, Template]) -> None:
    created = templates["created"]
    key_id = next(k for k in created.find_resources("AWS::KMS::Key") if k.startswith("AlarmsKey"))
    topic = _one(created, "AWS::SNS::Topic", "AlarmsTopic")
    assert topic["Properties"]["KmsMasterKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}


def test_subscriptions(templates: dict[str, Template]) -> None:
    subs = templates["created"].find_resources("AWS::SNS::Subscription")
    assert sorted(
        (s["Properties"]["Protocol"], s["Properties"]["Endpoint"]) for s in subs.values()
    ) == [
        ("email", "ops@example.com"),
        ("https", "https://hooks.example.com/x"),
    ]
    assert templates["given"].find_resources("AWS::SNS::Subscription") == {}


def test_bad_subscriptions_name_the_construct() -> None:
    stack = cdk.Stack(cdk.App(), "S")
    with pytest.raises(
        ValidationError, match=r"^email_addresses\[0\] must be an e-mail .* \(at S/T\)$"
    ):
        AlarmTopic(stack, "T", email_addresses=["nope"])
    with pytest.raises(ValidationError, match=r"^https_endpoints\[0\] must be an https:// URL"):
        AlarmTopic(stack, "U", https_endpoints=["http://x"])
