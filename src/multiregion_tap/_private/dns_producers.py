"""Consumers that follow their producers (helper of FailoverDns).

The DNS stack reads each region's load balancer (DNS name, canonical hosted zone id) from
another stack. Across regions that is a weak reference, ``Fn::GetStackOutput``, which
CloudFormation resolves when the consumer is created or updated, never later: "If the
referenced stack or output is later deleted or modified, the consuming stack is not
automatically updated" (``Fn::GetStackOutput`` in the CloudFormation template reference),
and the CDK CLI skips a stack whose template did not change. A replaced load balancer would
leave the health checks probing, and the records aliasing, the deleted one.

So every resource that reads a load balancer of another stack also carries
:func:`replacement_key` of it: a digest of what replacing the load balancer changes (its stack,
region and logical id, and the properties whose change replaces an
``AWS::ElasticLoadBalancingV2::LoadBalancer``: ``Name``, ``Scheme``, ``Type``). A change that
replaces the load balancer changes the digest, hence the consumer's template, so the same
``cdk deploy --all`` updates the consumer and CloudFormation resolves the new values.
"""

from __future__ import annotations

import hashlib
import json

import aws_cdk as cdk
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from constructs import IConstruct

#: The tag key of a health check that probes a load balancer of another stack.
TARGET_TAG = "multiregion-tap:target"

#: ``AWS::ElasticLoadBalancingV2::LoadBalancer`` properties whose change means replacement.
REPLACING_PROPERTIES = ("Name", "Scheme", "Type")


def replacement_key(load_balancer: elbv2.ILoadBalancerV2, consumer: IConstruct) -> str | None:
    """The digest that changes whenever ``load_balancer`` is replaced, or ``None`` when there is
    nothing to follow: the load balancer is imported (its attributes are the consumer's own
    values) or lives in the consumer's stack (a ``Ref`` there is updated by CloudFormation)."""
    cfn = load_balancer.node.default_child
    if not isinstance(cfn, elbv2.CfnLoadBalancer):
        return None
    stack = cdk.Stack.of(load_balancer)
    if stack is cdk.Stack.of(consumer):
        return None
    resolved = {
        "stack": stack.stack_name,
        "region": stack.resolve(stack.region),
        "logicalId": stack.resolve(cfn.logical_id),
        "Name": stack.resolve(cfn.name),
        "Scheme": stack.resolve(cfn.scheme) or "internet-facing",
        "Type": stack.resolve(cfn.type) or "application",
    }
    text = json.dumps(resolved, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]
