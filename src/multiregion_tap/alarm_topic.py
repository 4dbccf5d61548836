"""AlarmTopic: an SSL-only, KMS-encrypted SNS topic that CloudWatch alarms can publish to.

Part of the monitoring constructs (see :mod:`multiregion_tap.monitoring`).
"""

from __future__ import annotations

from collections.abc import Sequence

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from constructs import Construct

from ._private.monitoring_checks import require_emails, require_https_urls
from ._private.validation import names_construct_path

__all__ = ["AlarmTopic"]


class AlarmTopic(Construct):
    """An SNS topic for alarms: SSL-only, KMS-encrypted, publishable by CloudWatch alarms.

    The topic policy denies every request not made over TLS (``enforce_ssl``) and allows the
    CloudWatch service to publish for alarms of this account. The topic is encrypted with a
    customer-managed KMS key (rotation on, retained) whose key policy lets
    ``cloudwatch.amazonaws.com`` use it (``kms:Decrypt``, ``kms:GenerateDataKey*``): an alarm
    cannot publish to a topic encrypted with the AWS-managed SNS key.

    :param scope: The parent construct.
    :param id: The construct id.
    :param email_addresses: E-mail addresses to subscribe (each must confirm the subscription).
        Default: - none.
    :param https_endpoints: ``https://`` URLs to subscribe (the endpoint must confirm).
        Default: - none.
    :param encryption_key: A KMS key for the topic. The CloudWatch statement is added to its
        key policy when the key is defined in this app; for an imported key, add it yourself.
        Default: - a new key with rotation enabled.
    :param key_removal_policy: Removal policy of a key this construct creates.
        Default: - ``RemovalPolicy.RETAIN``
    """

    @names_construct_path
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        email_addresses: Sequence[str] = (),
        https_endpoints: Sequence[str] = (),
        encryption_key: kms.IKey | None = None,
        key_removal_policy: cdk.RemovalPolicy | None = None,
    ) -> None:
        emails = require_emails("email_addresses", email_addresses)
        urls = require_https_urls("https_endpoints", https_endpoints)
        super().__init__(scope, id)
        stack = cdk.Stack.of(self)
        if encryption_key is None:
            key: kms.IKey = kms.Key(
                self,
                "Key",
                description=f"Encrypts the alarm topic {self.node.path}",
                enable_key_rotation=True,
                removal_policy=key_removal_policy or cdk.RemovalPolicy.RETAIN,
            )
        else:
            key = encryption_key
        key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AllowCloudWatchAlarmsToUseTheKey",
                principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                actions=["kms:Decrypt", "kms:GenerateDataKey*"],
                resources=["*"],
            )
        )
        self._key = key
        self._topic = sns.Topic(self, "Topic", master_key=key, enforce_ssl=True)
        self._topic.add_to_resource_policy(
            iam.PolicyStatement(
                sid="AllowCloudWatchAlarmsToPublish",
                principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                actions=["sns:Publish"],
                resources=[self._topic.topic_arn],
                conditions={
                    "StringEquals": {"aws:SourceAccount": stack.account},
                    "ArnLike": {
                        "aws:SourceArn": stack.format_arn(
                            service="cloudwatch",
                            resource="alarm",
                            resource_name="*",
                            arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
                        )
                    },
                },
            )
        )
        if emails or urls:
            # Imported here: only a topic with subscribers needs the module.
            from aws_cdk import aws_sns_subscriptions as subscriptions
        for email in emails:
            self._topic.add_subscription(subscriptions.EmailSubscription(email))
        for url in urls:
            self._topic.add_subscription(
                subscriptions.UrlSubscription(url, protocol=sns.SubscriptionProtocol.HTTPS)
            )

    @property
    def topic(self) -> sns.Topic:
        """The SNS topic."""
        return self._topic

    @property
    def key(self) -> kms.IKey:
        """The KMS key that encrypts the topic (given or created)."""
        return self._key
