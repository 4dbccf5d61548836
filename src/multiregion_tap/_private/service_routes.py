"""User routes of :class:`~multiregion_tap.RegionalService` (private).

A route is a listener rule on the production listener that the user adds with
``RegionalService.add_route``. The ALB evaluates rules by priority, lowest first, and the
library's own rule must come last:

* ECS-native modes: ``ProductionRule`` (``/*``, weighted forward to blue and green, the rule
  ECS rewrites) sits at priority 1 while the service has no route, so the template of a
  service without routes never changes; the first route moves it to
  :data:`CATCH_ALL_PRIORITY`, the last priority the ALB allows (an in-place update of the
  rule, see "Blue/green and aws-cdk#36649" in ``RegionalService``).
* ``CODE_DEPLOY``: production traffic is the listener's default action, evaluated after every
  rule; :data:`CATCH_ALL_PRIORITY` stays reserved for the library (its green rule).

Routes therefore take priorities 1 to :data:`MAX_ROUTE_PRIORITY`, each at most once, and
forward to their own target groups (or answer with their own action): blue/green never
touches them, and a route may not send traffic to the blue or green target group, whose
tasks move between them at every deployment.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from constructs import Construct

from .service_load_balancer import LoadBalancing
from .validation import at_construct_path, fail, is_token, require_exclusive

__all__ = ["CATCH_ALL_PRIORITY", "MAX_ROUTE_PRIORITY", "Routes"]

#: The last listener rule priority an ALB accepts, reserved for the library's catch-all.
CATCH_ALL_PRIORITY = 50000
#: The highest priority a user route may take.
MAX_ROUTE_PRIORITY = CATCH_ALL_PRIORITY - 1
#: An ALB rule accepts at most five values in one condition.
_MAX_VALUES = 5


class Routes:
    """The routes of one service, by priority; adds them to the production listener."""

    def __init__(self, scope: Construct, lb: LoadBalancing) -> None:
        self._scope = scope
        self._lb = lb
        self._ids: dict[str, int] = {}
        self._by_priority: dict[int, str] = {}
        self._rules: dict[str, elbv2.ApplicationListenerRule] = {}

    @property
    def rules(self) -> dict[str, elbv2.ApplicationListenerRule]:
        """The route rules by route id, in the order they were added."""
        return dict(self._rules)

    def add(
        self,
        id: str,
        *,
        priority: int,
        path_patterns: Sequence[str] | None,
        host_headers: Sequence[str] | None,
        conditions: Sequence[elbv2.ListenerCondition] | None,
        target_groups: Sequence[elbv2.IApplicationTargetGroup] | None,
        action: elbv2.ListenerAction | None,
    ) -> elbv2.ApplicationListenerRule:
        """Check one route and add its rule (``Route<id>``); see ``RegionalService.add_route``.
        An error names the service's path, like the constructor's."""
        with at_construct_path(self._scope.node.path):
            return self._add(
                id,
                priority=priority,
                path_patterns=path_patterns,
                host_headers=host_headers,
                conditions=conditions,
                target_groups=target_groups,
                action=action,
            )

    def _add(
        self,
        id: str,
        *,
        priority: int,
        path_patterns: Sequence[str] | None,
        host_headers: Sequence[str] | None,
        conditions: Sequence[elbv2.ListenerCondition] | None,
        target_groups: Sequence[elbv2.IApplicationTargetGroup] | None,
        action: elbv2.ListenerAction | None,
    ) -> elbv2.ApplicationListenerRule:
        if not isinstance(id, str) or not id or "/" in id:
            raise fail("id", id, "be a non-empty string without '/'")
        if id in self._ids:
            raise fail("id", id, f"be unique among the service's routes (priority {self._ids[id]})")
        if isinstance(priority, bool) or not isinstance(priority, int) or is_token(priority):
            raise fail("priority", priority, f"be a literal integer from 1 to {MAX_ROUTE_PRIORITY}")
        if not 1 <= priority <= MAX_ROUTE_PRIORITY:
            raise fail(
                "priority",
                priority,
                f"be from 1 to {MAX_ROUTE_PRIORITY} ({CATCH_ALL_PRIORITY} is the library's "
                "catch-all rule, evaluated after every route)",
            )
        if priority in self._by_priority:
            raise fail(
                "priority",
                priority,
                f"be unique on the production listener: route {self._by_priority[priority]!r} "
                "has it (the load balancer evaluates one rule per priority)",
            )
        all_conditions = [
            *_values_condition(
                "path_patterns", path_patterns, elbv2.ListenerCondition.path_patterns
            ),
            *_values_condition("host_headers", host_headers, elbv2.ListenerCondition.host_headers),
            *_listed("conditions", conditions, elbv2.ListenerCondition),
        ]
        if not all_conditions:
            raise fail(
                "conditions",
                conditions,
                "name at least one condition (path_patterns, host_headers or conditions): a "
                "route without one would take every request from the service",
            )
        require_exclusive(target_groups=target_groups, action=action)
        groups = _listed("target_groups", target_groups, object)
        if target_groups is not None and not groups:
            raise fail("target_groups", target_groups, "name at least one target group")
        if action is None and not groups:
            raise fail("action", action, "be given, or target_groups (one of them is required)")
        if action is not None and not isinstance(action, elbv2.ListenerAction):
            raise fail("action", action, "be an elbv2.ListenerAction")
        self._refuse_service_groups(groups, action)

        rule = elbv2.ApplicationListenerRule(
            self._scope,
            f"Route{id}",
            listener=self._lb.production_listener,
            priority=priority,
            conditions=all_conditions,
            target_groups=groups or None,
            action=action,
        )
        if not self._rules:
            self._move_catch_all_last()
        self._ids[id] = priority
        self._by_priority[priority] = id
        self._rules[id] = rule
        return rule

    def _move_catch_all_last(self) -> None:
        """ECS-native modes: the library's ``/*`` rule goes to the last priority."""
        rule = self._lb.production_rule
        if rule is None:
            return
        cfn = rule.node.default_child
        assert isinstance(cfn, elbv2.CfnListenerRule)
        cfn.priority = CATCH_ALL_PRIORITY

    def _refuse_service_groups(
        self, groups: list[Any], action: elbv2.ListenerAction | None
    ) -> None:
        """Blue/green moves the tasks between the service's two target groups and rewrites
        only the library's rule: a route to either group would lose its tasks."""
        stack = cdk.Stack.of(self._scope)
        own = {
            json.dumps(stack.resolve(tg.target_group_arn)): name
            for name, tg in (("blue", self._lb.blue), ("green", self._lb.green))
        }
        for index, group in enumerate(groups):
            if not hasattr(group, "target_group_arn"):
                raise fail(f"target_groups[{index}]", group, "be an application target group")
            arn = json.dumps(stack.resolve(group.target_group_arn))
            if arn in own:
                raise fail(
                    f"target_groups[{index}]",
                    group.node.path,
                    f"not be the service's {own[arn]} target group: blue/green moves the tasks "
                    "between blue and green and does not update routes (forward to your own "
                    "target group)",
                )
        if action is not None:
            rendered = json.dumps(stack.resolve(action.render_rule_actions()))
            for arn, name in own.items():
                if arn in rendered:
                    raise fail(
                        "action",
                        rendered,
                        f"not forward to the service's {name} target group: blue/green moves "
                        "the tasks between blue and green and does not update routes",
                    )


def _listed(prop: str, value: Any, kind: type) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise fail(prop, value, "be a list")
    for index, item in enumerate(value):
        if not isinstance(item, kind):
            raise fail(f"{prop}[{index}]", item, f"be a {kind.__name__}")
    return list(value)


def _values_condition(prop: str, value: Sequence[str] | None, make: Any) -> list[Any]:
    values = _listed(prop, value, str)
    if value is None:
        return []
    if not 1 <= len(values) <= _MAX_VALUES:
        raise fail(prop, values, f"have 1 to {_MAX_VALUES} values (the load balancer's limit)")
    for index, item in enumerate(values):
        if not item or len(item) > 128:
            raise fail(f"{prop}[{index}]", item, "be 1 to 128 characters")
    return [make(values)]
