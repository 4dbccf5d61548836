"""_private/service_routes.py's ``Routes`` called directly on a stand-in of the load balancing it
reads (an imported production listener, blue and green target groups, the library's ``/*``
rule or none for ``CODE_DEPLOY``): the priorities' bounds at their edges (1 and 49999 accepted,
0 and 50000 refused), the catch-all moved to 50000 by the first route only, each condition's
value limits (1 to 5 values of 1 to 128 characters), the exclusive ``target_groups`` and
``action``, the refusal of the service's own blue and green groups, and each refusal's exact
message with the service's path. Kills the mutants of ``tools/mutate.py`` in a couple of
seconds each (docs/guides/testing.md)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk.assertions import Template
from constructs import Construct

from multiregion_tap import ValidationError
from multiregion_tap._private import service_routes as module
from multiregion_tap._private.service_routes import CATCH_ALL_PRIORITY, MAX_ROUTE_PRIORITY, Routes

ENV = cdk.Environment(account="111111111111", region="us-east-1")
ARN = "arn:aws:elasticloadbalancing:us-east-1:111111111111"
LISTENER_ARN = f"{ARN}:listener/app/shop/0123456789abcdef/fedcba9876543210"
RULE = "AWS::ElasticLoadBalancingV2::ListenerRule"


def _group_arn(name: str) -> str:
    return f"{ARN}:targetgroup/{name}/0123456789abcdef"


def _group(scope: Construct, name: str) -> elbv2.IApplicationTargetGroup:
    return elbv2.ApplicationTargetGroup.from_target_group_attributes(
        scope, name, target_group_arn=_group_arn(name)
    )


def _routes(*, native: bool = True) -> SimpleNamespace:
    """A stack ``Shop`` with a construct ``Service`` and the load balancing Routes reads."""
    stack = cdk.Stack(cdk.App(), "Shop", env=ENV)
    service = Construct(stack, "Service")
    listener = elbv2.ApplicationListener.from_application_listener_attributes(
        service,
        "ProductionListener",
        listener_arn=LISTENER_ARN,
        security_group=ec2.SecurityGroup.from_security_group_id(service, "Sg", "sg-12345678"),
    )
    blue, green = _group(service, "Blue"), _group(service, "Green")
    production_rule = None
    if native:
        production_rule = elbv2.ApplicationListenerRule(
            service,
            "ProductionRule",
            listener=listener,
            priority=1,
            conditions=[elbv2.ListenerCondition.path_patterns(["/*"])],
            action=elbv2.ListenerAction.weighted_forward(
                [
                    elbv2.WeightedTargetGroup(target_group=blue, weight=100),
                    elbv2.WeightedTargetGroup(target_group=green, weight=0),
                ]
            ),
        )
    lb = SimpleNamespace(
        production_listener=listener, production_rule=production_rule, blue=blue, green=green
    )
    routes = Routes(service, lb)  # type: ignore[arg-type]
    return SimpleNamespace(
        stack=stack, service=service, lb=lb, routes=routes, mine=_group(service, "Mine")
    )


def _priority(stack: cdk.Stack, rule: elbv2.ApplicationListenerRule) -> Any:
    cfn = rule.node.default_child
    assert isinstance(cfn, elbv2.CfnListenerRule)
    return stack.resolve(cfn.priority)


_FIXED = elbv2.ListenerAction.fixed_response(404)


def _add(built: SimpleNamespace, id: str = "Api", **kwargs: Any) -> elbv2.ApplicationListenerRule:
    """``Routes.add`` with the arguments left out given as ``None`` (a path pattern and a
    fixed response unless given)."""
    args: dict[str, Any] = {
        "priority": 10,
        "path_patterns": None,
        "host_headers": None,
        "conditions": None,
        "target_groups": None,
        "action": None,
    }
    if not {"path_patterns", "host_headers", "conditions"} & kwargs.keys():
        kwargs["path_patterns"] = ["/api/*"]
    if not {"target_groups", "action"} & kwargs.keys():
        kwargs["action"] = _FIXED
    rule: elbv2.ApplicationListenerRule = built.routes.add(id, **{**args, **kwargs})
    return rule


def _refused(built: SimpleNamespace, id: Any = "Api", **kwargs: Any) -> str:
    """The message of the refusal (without the path, which is checked to be the service's),
    and nothing added."""
    before = dict(built.routes.rules)
    with pytest.raises(ValidationError) as error:
        _add(built, id, **kwargs)
    assert error.value.construct_path == "Shop/Service"
    assert str(error.value) == f"{error.value.message} (at Shop/Service)"
    assert built.routes.rules == before
    return str(error.value.message)


# ---------------------------------------------------------------------------- the constants
def test_the_module_exports_its_priorities_and_routes() -> None:
    assert module.__all__ == ["CATCH_ALL_PRIORITY", "MAX_ROUTE_PRIORITY", "Routes"]
    assert (CATCH_ALL_PRIORITY, MAX_ROUTE_PRIORITY) == (50000, 49999)


# ---------------------------------------------------------------------------- the rules
@pytest.fixture(scope="module")
def native() -> dict[str, Any]:
    """ECS-native: a route forwarding to a group of its own (priority 49999, path, host and a
    condition of its own), then a fixed response at priority 1."""
    built = _routes()
    catch_all_before = _priority(built.stack, built.lb.production_rule)
    last = _add(
        built,
        "Last",
        priority=MAX_ROUTE_PRIORITY,
        path_patterns=["/a", "/b", "/c", "/d", "/" + "e" * 127],
        host_headers=["x" * 128],
        conditions=[elbv2.ListenerCondition.http_request_methods(["GET"])],
        target_groups=[built.mine],
    )
    catch_all_after_one = _priority(built.stack, built.lb.production_rule)
    first = _add(built, "First", priority=1, host_headers=["a.example.com"])
    return {
        "built": built,
        "last": last,
        "first": first,
        "catch_all": (catch_all_before, catch_all_after_one),
        "resources": Template.from_stack(built.stack).to_json()["Resources"],
    }


def _props(native: dict[str, Any], rule: elbv2.ApplicationListenerRule) -> Any:
    stack: cdk.Stack = native["built"].stack
    cfn = rule.node.default_child
    assert isinstance(cfn, elbv2.CfnListenerRule)
    return native["resources"][stack.get_logical_id(cfn)]["Properties"]


def test_each_route_is_a_rule_on_the_production_listener_with_its_conditions_and_action(
    native: dict[str, Any],
) -> None:
    built = native["built"]
    assert built.routes.rules == {"Last": native["last"], "First": native["first"]}
    assert native["last"].node.path == "Shop/Service/RouteLast"
    assert native["first"].node.path == "Shop/Service/RouteFirst"
    assert _props(native, native["last"]) == {
        "ListenerArn": LISTENER_ARN,
        "Priority": 49999,
        "Conditions": [
            {
                "Field": "path-pattern",
                "PathPatternConfig": {"Values": ["/a", "/b", "/c", "/d", "/" + "e" * 127]},
            },
            {"Field": "host-header", "HostHeaderConfig": {"Values": ["x" * 128]}},
            {"Field": "http-request-method", "HttpRequestMethodConfig": {"Values": ["GET"]}},
        ],
        "Actions": [{"Type": "forward", "TargetGroupArn": _group_arn("Mine")}],
    }
    assert _props(native, native["first"]) == {
        "ListenerArn": LISTENER_ARN,
        "Priority": 1,
        "Conditions": [{"Field": "host-header", "HostHeaderConfig": {"Values": ["a.example.com"]}}],
        "Actions": [{"Type": "fixed-response", "FixedResponseConfig": {"StatusCode": "404"}}],
    }


def test_the_first_route_moves_the_librarys_rule_from_priority_1_to_50000(
    native: dict[str, Any],
) -> None:
    assert native["catch_all"] == (1, 50000)
    built = native["built"]
    assert _props(native, built.lb.production_rule)["Priority"] == 50000
    priorities = sorted(r["Properties"]["Priority"] for r in native["resources"].values())
    assert priorities == [1, 49999, 50000]


def test_the_rules_property_is_a_copy_in_the_order_routes_were_added(
    native: dict[str, Any],
) -> None:
    rules = native["built"].routes.rules
    assert list(rules) == ["Last", "First"]
    rules.clear()
    assert list(native["built"].routes.rules) == ["Last", "First"]


def test_code_deploy_routes_leave_the_listeners_default_action_alone() -> None:
    built = _routes(native=False)
    rule = _add(built, "Only", priority=MAX_ROUTE_PRIORITY, target_groups=[built.mine])
    assert built.routes.rules == {"Only": rule}
    resources = Template.from_stack(built.stack).to_json()["Resources"]
    assert [(r["Type"], r["Properties"]["Priority"]) for r in resources.values()] == [(RULE, 49999)]


# ---------------------------------------------------------------------------- refusals
@pytest.fixture(scope="module")
def scratch() -> SimpleNamespace:
    """A service with one route, First at priority 1, to refuse others against."""
    built = _routes()
    _add(built, "First", priority=1)
    return built


@pytest.mark.parametrize(
    ("id", "kwargs", "message"),
    [
        ("", {}, "id must be a non-empty string without '/', got ''"),
        ("a/b", {}, "id must be a non-empty string without '/', got 'a/b'"),
        ("/", {}, "id must be a non-empty string without '/', got '/'"),
        (5, {}, "id must be a non-empty string without '/', got 5"),
        (None, {}, "id must be a non-empty string without '/', got None"),
        (
            "First",
            {"priority": 2},
            "id must be unique among the service's routes (priority 1), got 'First'",
        ),
        ("Api", {"priority": True}, "priority must be a literal integer from 1 to 49999, got True"),
        ("Api", {"priority": "5"}, "priority must be a literal integer from 1 to 49999, got '5'"),
        ("Api", {"priority": 5.0}, "priority must be a literal integer from 1 to 49999, got 5.0"),
        *[
            (
                "Api",
                {"priority": p},
                "priority must be from 1 to 49999 (50000 is the library's catch-all rule, "
                f"evaluated after every route), got {p}",
            )
            for p in (0, -1, 50000)
        ],
        (
            "Api",
            {"priority": 1},
            "priority must be unique on the production listener: route 'First' has it (the "
            "load balancer evaluates one rule per priority), got 1",
        ),
        (
            "Api",
            {"path_patterns": None},
            "conditions must name at least one condition (path_patterns, host_headers or "
            "conditions): a route without one would take every request from the service, "
            "got None",
        ),
        (
            "Api",
            {"conditions": []},
            "conditions must name at least one condition (path_patterns, host_headers or "
            "conditions): a route without one would take every request from the service, "
            "got []",
        ),
        ("Api", {"conditions": "x"}, "conditions must be a list, got 'x'"),
        (
            "Api",
            {"conditions": [_FIXED]},
            f"conditions[0] must be a ListenerCondition, got {_FIXED!r}",
        ),
        ("Api", {"path_patterns": "/x"}, "path_patterns must be a list, got '/x'"),
        ("Api", {"path_patterns": b"/x"}, "path_patterns must be a list, got b'/x'"),
        ("Api", {"path_patterns": {"/x"}}, "path_patterns must be a list, got {'/x'}"),
        ("Api", {"path_patterns": ["/x", 5]}, "path_patterns[1] must be a str, got 5"),
        (
            "Api",
            {"path_patterns": []},
            "path_patterns must have 1 to 5 values (the load balancer's limit), got []",
        ),
        (
            "Api",
            {"path_patterns": list("/abcde")},
            "path_patterns must have 1 to 5 values (the load balancer's limit), "
            "got ['/', 'a', 'b', 'c', 'd', 'e']",
        ),
        (
            "Api",
            {"path_patterns": ["/x", ""]},
            "path_patterns[1] must be 1 to 128 characters, got ''",
        ),
        (
            "Api",
            {"host_headers": ["h" * 129]},
            f"host_headers[0] must be 1 to 128 characters, got '{'h' * 129}'",
        ),
        (
            "Api",
            {"host_headers": "a.example.com"},
            "host_headers must be a list, got 'a.example.com'",
        ),
        (
            "Api",
            {"host_headers": ["a", "b", "c", "d", "e", "f"]},
            "host_headers must have 1 to 5 values (the load balancer's limit), "
            "got ['a', 'b', 'c', 'd', 'e', 'f']",
        ),
        (
            "Api",
            {"target_groups": None, "action": None},
            "action must be given, or target_groups (one of them is required), got None",
        ),
        ("Api", {"target_groups": []}, "target_groups must name at least one target group, got []"),
        ("Api", {"target_groups": "tg"}, "target_groups must be a list, got 'tg'"),
        (
            "Api",
            {"target_groups": [5]},
            "target_groups[0] must be an application target group, got 5",
        ),
        ("Api", {"action": "forward"}, "action must be an elbv2.ListenerAction, got 'forward'"),
    ],
)
def test_a_bad_route_is_refused_with_the_prop_and_the_value(
    scratch: SimpleNamespace, id: Any, kwargs: dict[str, Any], message: str
) -> None:
    assert _refused(scratch, id, **kwargs) == message
    assert list(scratch.routes.rules) == ["First"]


def test_target_groups_and_action_are_exclusive(scratch: SimpleNamespace) -> None:
    message = _refused(scratch, target_groups=[scratch.mine], action=_FIXED)
    assert message.startswith(
        "target_groups and action are mutually exclusive: give at most one, got target_groups=["
    )


@pytest.mark.parametrize("color", ["blue", "green"])
def test_a_route_to_the_services_own_groups_is_refused(
    scratch: SimpleNamespace, color: str
) -> None:
    own = getattr(scratch.lb, color)
    assert _refused(scratch, target_groups=[scratch.mine, own]) == (
        f"target_groups[1] must not be the service's {color} target group: blue/green moves the "
        "tasks between blue and green and does not update routes (forward to your own target "
        f"group), got 'Shop/Service/{color.capitalize()}'"
    )
    weighted = elbv2.ListenerAction.weighted_forward(
        [
            elbv2.WeightedTargetGroup(target_group=scratch.mine, weight=1),
            elbv2.WeightedTargetGroup(target_group=own, weight=1),
        ]
    )
    rendered = (
        '[{"type": "forward", "forwardConfig": {"targetGroups": ['
        f'{{"targetGroupArn": "{_group_arn("Mine")}", "weight": 1}}, '
        f'{{"targetGroupArn": "{_group_arn(color.capitalize())}", "weight": 1}}]}}}}]'
    )
    assert _refused(scratch, action=weighted) == (
        f"action must not forward to the service's {color} target group: blue/green moves the "
        f"tasks between blue and green and does not update routes, got {rendered!r}"
    )


def test_a_forward_action_to_a_group_of_its_own_is_accepted() -> None:
    built = _routes()
    rule = _add(built, "Mine", action=elbv2.ListenerAction.forward([built.mine]))
    assert built.routes.rules == {"Mine": rule}
    cfn = rule.node.default_child
    assert isinstance(cfn, elbv2.CfnListenerRule)
    assert built.stack.resolve(cfn.actions) == [
        {"type": "forward", "targetGroupArn": _group_arn("Mine")}
    ]
