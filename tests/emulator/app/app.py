#!/usr/bin/env python3
"""A tiny two-region app for the emulator deploy test (public API of multiregion-tap only).

us-east-1: an SNS topic. us-east-2: a VPC (two AZs, one NAT gateway) and an SSM parameter
holding the topic's ARN, read across regions through a weak reference (Fn::GetStackOutput).
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_sns as sns
from aws_cdk import aws_ssm as ssm

from multiregion_tap import MultiRegionApp

app = cdk.App()
shop = MultiRegionApp(
    app,
    "Shop",
    app_name="emu",
    service=False,
    primary_region="us-east-1",
    secondary_regions=["us-east-2"],
    account="123456789012",
)
topic = sns.Topic(shop.primary_stack, "Alerts")
secondary = shop.stack_for("us-east-2")
vpc = ec2.Vpc(
    secondary,
    "Vpc",
    ip_addresses=ec2.IpAddresses.cidr("10.1.0.0/16"),
    max_azs=2,
    nat_gateways=1,
    restrict_default_security_group=False,
)
ssm.StringParameter(
    secondary, "TopicArn", parameter_name="/emu/alerts-topic-arn", string_value=topic.topic_arn
)
cdk.CfnOutput(secondary, "VpcId", value=vpc.vpc_id)
cdk.CfnOutput(secondary, "PrimaryTopicArn", value=topic.topic_arn)
app.synth()
