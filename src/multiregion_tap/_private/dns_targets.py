"""Route 53 alias targets that always evaluate target health (helpers of FailoverDns).

Failover alias records need ``EvaluateTargetHealth: true``. In Python,
``route53_targets.LoadBalancerTarget(alb, {"evaluate_target_health": True})`` fails with a jsii
SerializationError (a dict is not an ``IAliasRecordTargetProps``), so the props are passed as an
object of a class that implements the interface.
"""

from __future__ import annotations

import jsii
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_route53 as route53
from aws_cdk import aws_route53_targets as route53_targets


@jsii.implements(route53_targets.IAliasRecordTargetProps)
class _EvaluateTargetHealth:
    """``IAliasRecordTargetProps`` with ``evaluate_target_health=True``."""

    @property
    def evaluate_target_health(self) -> bool | None:
        return True

    @property
    def hosted_zone_id(self) -> str | None:
        return None


def load_balancer_target(load_balancer: elbv2.ILoadBalancerV2) -> route53.RecordTarget:
    """An alias target to ``load_balancer`` (``dualstack.`` name) that evaluates target health."""
    return route53.RecordTarget.from_alias(
        route53_targets.LoadBalancerTarget(load_balancer, _EvaluateTargetHealth())
    )


@jsii.implements(route53.IAliasRecordTarget)
class _RecordAlias:
    """An alias to another record of the same zone, evaluating its health.

    ``route53_targets.Route53RecordTarget`` does not set ``EvaluateTargetHealth``, which a
    failover alias record requires.
    """

    def __init__(self, record: route53.IRecordSet, zone: route53.IHostedZone) -> None:
        self._record = record
        self._zone = zone

    def bind(
        self, _record: route53.IRecordSet, _zone: route53.IHostedZone | None = None
    ) -> route53.AliasRecordTargetConfig:
        return route53.AliasRecordTargetConfig(
            dns_name=self._record.domain_name,
            hosted_zone_id=self._zone.hosted_zone_id,
            evaluate_target_health=True,
        )


def record_target(record: route53.IRecordSet, zone: route53.IHostedZone) -> route53.RecordTarget:
    """An alias target to ``record`` in ``zone`` that evaluates the health of its records."""
    return route53.RecordTarget.from_alias(_RecordAlias(record, zone))
