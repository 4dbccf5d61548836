"""RegionalService.add_route: user listener rules evaluated before the library's catch-all."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_elasticloadbalancingv2 as elbv2

from multiregion_tap import ValidationError
from multiregion_tap.regional_service import DeploymentMode, RegionalService
from tests.support.templates import of_type, raw_templates

RULE = "AWS::ElasticLoadBalancingV2::ListenerRule"
LISTENER = "AWS::ElasticLoadBalancingV2::Listener"
CERT_ARN = "arn:aws:acm:us-east-1:123456789012:certificate/0123abcd-0123-0123-0123-0123456789ab"


def _stack(name: str) -> tuple[cdk.App, cdk.Stack]:
    app = cdk.App()
    return app, cdk.Stack(
        app, name, env=cdk.Environment(account="123456789012", region="us-east-1")
    )


def _group(service: RegionalService, id: str) -> elbv2.ApplicationTargetGroup:
    return elbv2.ApplicationTargetGroup(
        service, id, vpc=service.vpc, port=8080, target_type=elbv2.TargetType.IP
    )


def _synth(app: cdk.App, stack: cdk.Stack, service: RegionalService) -> dict[str, Any]:
    template = raw_templates(app)[stack.stack_name]
    return {"template": template, "service": service, "stack": stack}


@pytest.fixture(scope="module")
def native() -> dict[str, Any]:
    """ECS-native blue/green over HTTPS, with two routes added in reverse priority order."""
    app, stack = _stack("Native")
    cert = acm.Certificate.from_certificate_arn(stack, "Cert", CERT_ARN)
    service = RegionalService(stack, "Service", certificate=cert)
    api = _group(service, "Api")
    service.add_route(
        "Maintenance",
        priority=20,
        host_headers=["admin.example.com"],
        path_patterns=["/admin/*"],
        action=elbv2.ListenerAction.fixed_response(503, message_body="maintenance"),
    )
    service.add_route("Api", priority=10, path_patterns=["/api/*", "/v2/*"], target_groups=[api])
    return {**_synth(app, stack, service), "api": api}


@pytest.fixture(scope="module")
def codedeploy() -> dict[str, Any]:
    app, stack = _stack("CodeDeploy")
    service = RegionalService(stack, "Service", deployment_mode=DeploymentMode.CODE_DEPLOY)
    service.add_route(
        "Last", priority=49999, path_patterns=["/old/*"], target_groups=[_group(service, "Old")]
    )
    return _synth(app, stack, service)


def _rules(fixture: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every listener rule's properties by logical id."""
    return {k: v["Properties"] for k, v in of_type(fixture["template"], RULE).items()}


def _logical_id(fixture: dict[str, Any], construct: Any) -> str:
    return str(fixture["stack"].get_logical_id(construct.node.default_child))


# ---------------------------------------------------------------------------- native
def test_routes_are_rules_on_the_production_listener_with_their_conditions_and_actions(
    native: dict[str, Any],
) -> None:
    service: RegionalService = native["service"]
    stack: cdk.Stack = native["stack"]
    rules = _rules(native)
    routes = {rid: rules[_logical_id(native, rule)] for rid, rule in service.routes.items()}
    assert list(routes) == ["Maintenance", "Api"]
    production = stack.resolve(service.production_listener.listener_arn)
    assert routes["Api"] == {
        "ListenerArn": production,
        "Priority": 10,
        "Conditions": [
            {"Field": "path-pattern", "PathPatternConfig": {"Values": ["/api/*", "/v2/*"]}}
        ],
        "Actions": [
            {"Type": "forward", "TargetGroupArn": stack.resolve(native["api"].target_group_arn)}
        ],
    }
    assert routes["Maintenance"] == {
        "ListenerArn": production,
        "Priority": 20,
        "Conditions": [
            {"Field": "path-pattern", "PathPatternConfig": {"Values": ["/admin/*"]}},
            {"Field": "host-header", "HostHeaderConfig": {"Values": ["admin.example.com"]}},
        ],
        "Actions": [
            {
                "Type": "fixed-response",
                "FixedResponseConfig": {"StatusCode": "503", "MessageBody": "maintenance"},
            }
        ],
    }
    # On the HTTPS listener only: port 80 keeps redirecting every request to HTTPS.
    listeners = {
        stack.resolve(k): v["Properties"] for k, v in of_type(native["template"], LISTENER).items()
    }
    https = [k for k, v in listeners.items() if v["Port"] == 443]
    assert len(https) == 1 and production == {"Ref": https[0]}


def test_the_librarys_catch_all_moves_last_and_routes_come_before_it(
    native: dict[str, Any],
) -> None:
    service: RegionalService = native["service"]
    rules = _rules(native)
    assert service.production_rule is not None
    catch_all = rules[_logical_id(native, service.production_rule)]
    assert catch_all["Priority"] == 50000
    assert catch_all["Conditions"] == [
        {"Field": "path-pattern", "PathPatternConfig": {"Values": ["/*"]}}
    ]
    route_priorities = sorted(
        rules[_logical_id(native, r)]["Priority"] for r in service.routes.values()
    )
    assert route_priorities == [10, 20]
    assert max(route_priorities) < catch_all["Priority"]
    # Every rule on the production listener has its own priority.
    production = native["stack"].resolve(service.production_listener.listener_arn)
    on_production = [r["Priority"] for r in rules.values() if r["ListenerArn"] == production]
    assert sorted(on_production) == [10, 20, 50000]


def test_blue_green_still_rewrites_only_the_librarys_rule(native: dict[str, Any]) -> None:
    service: RegionalService = native["service"]
    stack: cdk.Stack = native["stack"]
    (ecs_service,) = of_type(native["template"], "AWS::ECS::Service").values()
    (lb_config,) = ecs_service["Properties"]["LoadBalancers"]
    assert service.production_rule is not None
    assert lb_config["AdvancedConfiguration"]["ProductionListenerRule"] == stack.resolve(
        service.production_rule.listener_rule_arn
    )
    # The catch-all's action is untouched: both service groups, blue 100, green 0.
    catch_all = _rules(native)[_logical_id(native, service.production_rule)]
    assert [
        (g["TargetGroupArn"], g["Weight"])
        for g in catch_all["Actions"][0]["ForwardConfig"]["TargetGroups"]
    ] == [
        (stack.resolve(service.blue_target_group.target_group_arn), 100),
        (stack.resolve(service.green_target_group.target_group_arn), 0),
    ]


# ---------------------------------------------------------------------------- CODE_DEPLOY
def test_code_deploy_routes_come_before_the_default_action_and_leave_50000_to_the_library(
    codedeploy: dict[str, Any],
) -> None:
    service: RegionalService = codedeploy["service"]
    assert service.production_rule is None
    rules = _rules(codedeploy)
    (route,) = service.routes.values()
    assert rules[_logical_id(codedeploy, route)]["Priority"] == 49999
    assert sorted(r["Priority"] for r in rules.values()) == [49999, 50000]
    with pytest.raises(ValidationError, match=r"^priority must be from 1 to 49999 .*got 50000"):
        service.add_route("Too", priority=50000, path_patterns=["/x"], target_groups=[])


# ---------------------------------------------------------------------------- bad input
@pytest.fixture(scope="module")
def scratch() -> RegionalService:
    _, stack = _stack("Scratch")
    service = RegionalService(stack, "Service")
    service.add_route(
        "First", priority=1, path_patterns=["/first/*"], target_groups=[_group(service, "First")]
    )
    return service


_FIXED = elbv2.ListenerAction.fixed_response(404)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"id": "Again", "priority": 1, "path_patterns": ["/again/*"], "action": _FIXED},
            r"^priority must be unique on the production listener: route 'First' has it "
            r"\(the load balancer evaluates one rule per priority\), got 1 "
            r"\(at Scratch/Service\)$",
        ),
        (
            {"id": "First", "priority": 2, "path_patterns": ["/x"], "action": _FIXED},
            r"^id must be unique among the service's routes \(priority 1\), got 'First'",
        ),
        (
            {"id": "Last", "priority": 50000, "path_patterns": ["/x"], "action": _FIXED},
            r"^priority must be from 1 to 49999 \(50000 is the library's catch-all rule, "
            r"evaluated after every route\), got 50000",
        ),
        (
            {"id": "Zero", "priority": 0, "path_patterns": ["/x"], "action": _FIXED},
            r"^priority must be from 1 to 49999 .*got 0",
        ),
        (
            {"id": "Bool", "priority": True, "path_patterns": ["/x"], "action": _FIXED},
            r"^priority must be a literal integer from 1 to 49999, got True",
        ),
        (
            {"id": "Everything", "priority": 5, "action": _FIXED},
            r"^conditions must name at least one condition \(path_patterns, host_headers or "
            r"conditions\): a route without one would take every request from the service, "
            r"got None",
        ),
        (
            {"id": "Empty", "priority": 5, "path_patterns": [], "action": _FIXED},
            r"^path_patterns must have 1 to 5 values .*got \[\]",
        ),
        (
            {"id": "Str", "priority": 5, "host_headers": "a.example.com", "action": _FIXED},
            r"^host_headers must be a list, got 'a.example.com'",
        ),
        (
            {"id": "Neither", "priority": 5, "path_patterns": ["/x"]},
            r"^action must be given, or target_groups \(one of them is required\), got None",
        ),
        (
            {
                "id": "Both",
                "priority": 5,
                "path_patterns": ["/x"],
                "action": _FIXED,
                "target_groups": [],
            },
            r"^target_groups and action are mutually exclusive",
        ),
    ],
)
def test_bad_routes_are_refused(
    scratch: RegionalService, kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        scratch.add_route(**kwargs)
    assert list(scratch.routes) == ["First"]


@pytest.mark.parametrize("color", ["blue", "green"])
def test_routes_to_the_services_own_target_groups_are_refused(
    scratch: RegionalService, color: str
) -> None:
    group = getattr(scratch, f"{color}_target_group")
    with pytest.raises(
        ValidationError,
        match=rf"^target_groups\[0\] must not be the service's {color} target group: blue/green",
    ):
        scratch.add_route("Own", priority=7, path_patterns=["/x"], target_groups=[group])
    weighted = elbv2.ListenerAction.weighted_forward(
        [elbv2.WeightedTargetGroup(target_group=group, weight=1)]
    )
    with pytest.raises(
        ValidationError, match=rf"^action must not forward to the service's {color} target group"
    ):
        scratch.add_route("Own", priority=7, path_patterns=["/x"], action=weighted)
    assert list(scratch.routes) == ["First"]
