"""MultiRegionApp: the spine. One top-level stack per region, weak references, tags, outputs."""

from __future__ import annotations

import json
import re

import aws_cdk as cdk
import pytest
from aws_cdk import aws_sns as sns
from aws_cdk import aws_ssm as ssm
from constructs import Construct

from multiregion_tap import MultiRegionApp, RegionRole, ValidationError
from tests.support.templates import normalize, raw_templates, stack_artifacts


def _app(**kwargs: object) -> MultiRegionApp:
    """A bare spine (service=False): these tests are about stacks, not what fills them."""
    props: dict[str, object] = {"app_name": "shop", "service": False}
    props.update(kwargs)
    return MultiRegionApp(cdk.App(), "Shop", **props)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def shop() -> MultiRegionApp:
    """The default app with a cross-region value, a helper stack and user tags."""
    app = _app(tags={"team": "payments"})
    topic = sns.Topic(app.primary_stack, "Topic")
    ssm.StringParameter(app.stack_for("us-east-2"), "TopicArn", string_value=topic.topic_arn)
    app.add_helper_stack("dns")
    return app


@pytest.fixture(scope="module")
def shop_templates(shop: MultiRegionApp) -> dict[str, dict]:  # type: ignore[type-arg]
    return raw_templates(shop)


def test_default_app_has_one_stack_per_region(shop: MultiRegionApp) -> None:
    regions = {s.stack_name: s.environment.region for s in stack_artifacts(shop)}
    assert regions == {
        "shop-us-east-1": "us-east-1",
        "shop-us-east-2": "us-east-2",
        "shop-dns": "us-east-1",
    }
    assert shop.primary_stack.stack_name == "shop-us-east-1"
    assert [s.stack_name for s in shop.secondary_stacks] == ["shop-us-east-2"]
    assert shop.regions == ("us-east-1", "us-east-2")


def test_stacks_are_top_level_never_nested(shop: MultiRegionApp) -> None:
    """Each stack is a child of the App itself, its construct id its stack name: the CDK CLI
    lists and selects it by that name (``cdk deploy shop-us-east-2``)."""
    app = shop.node.root
    for stack in shop.all_stacks:
        assert not stack.nested
        assert stack.node.scope is app
        assert stack.node.id == stack.stack_name
        assert stack.node.path == stack.stack_name


def test_is_a_construct_not_a_stage(shop: MultiRegionApp) -> None:
    """Not a Stage: a Stage puts its stacks in a nested assembly, which `cdk deploy --all`
    and `cdk deploy <stack name>` do not see."""
    assert isinstance(shop, Construct)
    assert not cdk.Stage.is_stage(shop)
    assert shop.node.path == "Shop"
    assert cdk.Stage.of(shop.primary_stack) is shop.node.root
    assert MultiRegionApp.find(shop.primary_stack) is shop
    assert MultiRegionApp.find(cdk.Stack(cdk.App(), "Alone")) is None


def test_scope_inside_a_stack_is_refused() -> None:
    stack = cdk.Stack(cdk.App(), "Mine")
    with pytest.raises(
        ValidationError,
        match=r"scope must not be inside a Stack.*got 'Mine/Inner' \(at Mine/Inner/Shop\)",
    ):
        MultiRegionApp(Construct(stack, "Inner"), "Shop", app_name="shop", service=False)


def test_inside_a_stage_the_cli_names_stacks_by_path() -> None:
    app = cdk.App()
    prod = cdk.Stage(app, "Prod")
    shop = MultiRegionApp(prod, "Shop", app_name="shop", service=False)
    assert [s.node.path for s in shop.all_stacks] == ["Prod/shop-us-east-1", "Prod/shop-us-east-2"]
    assert shop.deploy_waves() == [("Prod/shop-us-east-1", "Prod/shop-us-east-2")]
    assert shop.cli_selector(shop.primary_stack) == "Prod/shop-us-east-1"


def test_three_regions() -> None:
    app = _app(secondary_regions=["us-east-2", "us-west-2"])
    assert {s.stack_name: s.environment.region for s in stack_artifacts(app)} == {
        "shop-us-east-1": "us-east-1",
        "shop-us-east-2": "us-east-2",
        "shop-us-west-2": "us-west-2",
    }
    assert app.region_role("us-west-2") == RegionRole.SECONDARY


def test_account_is_set_when_given() -> None:
    app = _app(account="123456789012")
    accounts = {s.stack_name: s.environment.account for s in stack_artifacts(app)}
    assert accounts == {"shop-us-east-1": "123456789012", "shop-us-east-2": "123456789012"}


def test_cross_region_values_are_weak_references(shop_templates: dict) -> None:  # type: ignore[type-arg]
    secondary = shop_templates["shop-us-east-2"]
    (parameter,) = (
        r for r in secondary["Resources"].values() if r["Type"] == "AWS::SSM::Parameter"
    )
    value = parameter["Properties"]["Value"]
    assert value == {
        "Fn::GetStackOutput": {
            "StackName": "shop-us-east-1",
            "Region": "us-east-1",
            "OutputName": value["Fn::GetStackOutput"]["OutputName"],
        }
    }


def test_no_lambda_backed_cross_region_machinery(shop_templates: dict) -> None:  # type: ignore[type-arg]
    text = json.dumps(shop_templates)
    assert "Custom::CrossRegion" not in text
    assert "/cdk/exports/" not in text
    for template in shop_templates.values():
        for resource in template.get("Resources", {}).values():
            assert resource["Type"] not in {"AWS::Lambda::Function", "AWS::SSM::Parameter"} or (
                resource["Type"] == "AWS::SSM::Parameter"  # the test's own parameter
                and "Fn::GetStackOutput" in json.dumps(resource)
            )


def test_every_taggable_resource_is_tagged(shop_templates: dict) -> None:  # type: ignore[type-arg]
    expected_role = {
        "shop-us-east-1": "primary",
        "shop-us-east-2": "secondary",
        "shop-dns": "primary",
    }
    tagged = 0
    for stack_name, template in shop_templates.items():
        for resource in template.get("Resources", {}).values():
            tags = resource.get("Properties", {}).get("Tags")
            if tags is None:
                continue
            as_dict = {t["Key"]: t["Value"] for t in tags} if isinstance(tags, list) else dict(tags)
            # The literal keys users filter on (not the TagKeys constants, which could drift).
            assert as_dict["multiregion-tap:app"] == "shop"
            assert as_dict["multiregion-tap:region-role"] == expected_role[stack_name]
            assert as_dict["team"] == "payments"
            tagged += 1
    assert tagged >= 2  # the topic and the parameter


def test_well_known_outputs_on_every_stack(shop_templates: dict) -> None:  # type: ignore[type-arg]
    for stack_name, template in shop_templates.items():
        outputs = template["Outputs"]
        # The literal output names discovery and scripts read (not the OutputNames constants).
        assert outputs["MultiRegionTapAppName"]["Value"] == "shop"
        region = "us-east-2" if stack_name == "shop-us-east-2" else "us-east-1"
        assert outputs["MultiRegionTapRegion"]["Value"] == region
        role = "secondary" if stack_name == "shop-us-east-2" else "primary"
        assert outputs["MultiRegionTapRegionRole"]["Value"] == role


def test_dependency_graph_is_acyclic_and_shallow(shop: MultiRegionApp) -> None:
    assert shop.stack_dependencies() == {
        "shop-us-east-1": (),
        "shop-us-east-2": ("shop-us-east-1",),
        "shop-dns": (),
    }
    assert shop.deploy_waves() == [("shop-dns", "shop-us-east-1"), ("shop-us-east-2",)]


def test_cycle_is_reported() -> None:
    app = _app()
    a, b = app.primary_stack, app.stack_for("us-east-2")
    b.add_dependency(a)
    # A cycle cannot be built through add_dependency (CDK refuses), so check the detector
    # directly on a graph with one.
    graph = {"x": ("y",), "y": ("x",)}
    app.stack_dependencies = lambda: graph  # type: ignore[method-assign]
    with pytest.raises(ValidationError, match="cycle"):
        app.deploy_waves()


def test_accessors() -> None:
    app = _app(secondary_regions=["us-east-2", "eu-west-1"])
    assert app.stack_for("eu-west-1").region == "eu-west-1"
    assert list(app.regional_stacks) == ["us-east-1", "us-east-2", "eu-west-1"]
    dns = app.add_helper_stack("dns")
    routes = app.add_helper_stack("peering-routes-eu-west-1", region="eu-west-1")
    assert dns.stack_name == "shop-dns" and dns.region == "us-east-1"
    assert routes.region == "eu-west-1"
    assert dict(app.helper_stacks) == {"dns": dns, "peering-routes-eu-west-1": routes}
    metrics = app.add_helper_stack("health-metrics", region="us-west-2")
    assert app.region_role("us-west-2") == RegionRole.GLOBAL
    assert metrics.region == "us-west-2"
    with pytest.raises(
        ValidationError, match=r"region must be one of the app's regions.*'ap-south-1'"
    ):
        app.stack_for("ap-south-1")
    with pytest.raises(ValidationError, match=r"suffix must not name a stack.*'dns'"):
        app.add_helper_stack("dns")
    with pytest.raises(ValidationError, match=r"suffix must be lowercase.*'Bad_Suffix'"):
        app.add_helper_stack("Bad_Suffix")
    with pytest.raises(
        ValidationError, match=r"region must be in the partition 'aws'.*'cn-north-1'"
    ):
        app.add_helper_stack("china", region="cn-north-1")


def test_two_instances_in_one_app_need_distinct_names() -> None:
    app = cdk.App()
    MultiRegionApp(app, "Dev", app_name="shop-dev", service=False)
    prod = MultiRegionApp(
        app, "Prod", app_name="shop-prod", secondary_regions=["us-west-2"], service=False
    )
    assert prod.primary_stack.stack_name == "shop-prod-us-east-1"
    with pytest.raises(ValidationError, match=r"app_name must be unique.*'Dev'.*'shop-dev'"):
        MultiRegionApp(app, "Again", app_name="shop-dev", service=False)


def test_same_name_in_different_accounts_needs_a_stage_each() -> None:
    app = cdk.App()
    dev = MultiRegionApp(
        cdk.Stage(app, "Dev"), "Shop", app_name="shop", account="111111111111", service=False
    )
    prod = MultiRegionApp(
        cdk.Stage(app, "Prod"), "Shop", app_name="shop", account="222222222222", service=False
    )
    assert {(s.node.path, s.account) for s in (*dev.all_stacks, *prod.all_stacks)} == {
        ("Dev/shop-us-east-1", "111111111111"),
        ("Dev/shop-us-east-2", "111111111111"),
        ("Prod/shop-us-east-1", "222222222222"),
        ("Prod/shop-us-east-2", "222222222222"),
    }
    # Side by side in one App the stacks would share construct ids (their stack names).
    app = cdk.App()
    MultiRegionApp(app, "Dev", app_name="shop", account="111111111111", service=False)
    with pytest.raises(
        ValidationError,
        match=r"app_name must name stacks that do not exist yet in 'the App': "
        r"'shop-us-east-1' is there already.*own cdk.Stage.*got 'shop' \(at Prod\)",
    ):
        MultiRegionApp(app, "Prod", app_name="shop", account="222222222222", service=False)


def test_snapshot(shop_templates: dict, snapshot_json) -> None:  # type: ignore[no-untyped-def, type-arg]
    assert {name: normalize(t) for name, t in sorted(shop_templates.items())} == snapshot_json


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"app_name": ""}, r"app_name must be a non-empty string.*''"),
        ({"app_name": "Shop"}, r"app_name must be lowercase.*'Shop'"),
        ({"app_name": "shop_app"}, r"app_name must be lowercase.*'shop_app'"),
        ({"app_name": "shop--app"}, r"app_name must be lowercase.*'shop--app'"),
        ({"app_name": "shop-"}, r"app_name must be lowercase.*'shop-'"),
        ({"app_name": "1shop"}, r"app_name must be lowercase.*'1shop'"),
        ({"app_name": "a" * 65}, r"app_name must be at most 64 characters.*it has 65"),
        ({"app_name": "shop app"}, r"app_name must be lowercase.*'shop app'"),
        ({"primary_region": "us-east"}, r"primary_region must be an AWS region name.*'us-east'"),
        (
            {"primary_region": "US-EAST-1"},
            r"primary_region must be an AWS region name.*'US-EAST-1'",
        ),
        ({"secondary_regions": []}, r"secondary_regions must name at least one region, got \[\]"),
        ({"secondary_regions": "us-east-2"}, r"secondary_regions must be a list.*'us-east-2'"),
        (
            {"secondary_regions": ["us-east-2", "us-east-2"]},
            r"secondary_regions must not name 'us-east-2' twice",
        ),
        (
            {"secondary_regions": ["us-east-1"]},
            r"secondary_regions must not contain the primary_region 'us-east-1'",
        ),
        (
            {"secondary_regions": ["us-east-2", "moon-1"]},
            r"secondary_regions\[1\] must be an AWS region name.*'moon-1'",
        ),
        (
            {"secondary_regions": ["cn-north-1"]},
            r"secondary_regions\[0\] must be in the primary region's partition 'aws'.*'cn-north-1'",
        ),
        ({"account": "12345"}, r"account must be a 12-digit AWS account id, got '12345'"),
        ({"tags": {"aws:owner": "x"}}, r"tags must not use the reserved prefixes.*'aws:owner'"),
        ({"tags": {"multiregion-tap:app": "x"}}, r"tags must not use the reserved prefixes"),
        ({"tags": {"team": "a" * 257}}, r"tags\['team'\] must be at most 256"),
        ({"tags": {"bad{key}": "x"}}, r"tags must have keys of 1 to 128.*'bad\{key\}'"),
    ],
)
def test_bad_input(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        _app(**kwargs)


def test_token_region_is_refused() -> None:
    token = cdk.Fn.ref("AWS::Region")
    with pytest.raises(ValidationError, match=r"primary_region must be a literal AWS region name"):
        _app(primary_region=token)


def test_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match=re.escape("got 'x y'")):
        _app(app_name="x y")


def test_plugs_into_cdk_pipelines() -> None:
    """Inside a Stage, a MultiRegionApp is a pipeline stage: each regional stack deploys in
    its own region."""
    from aws_cdk import pipelines

    app = cdk.App()
    env = cdk.Environment(account="123456789012", region="us-east-1")
    pipeline_stack = cdk.Stack(app, "Pipeline", env=env)
    source = pipelines.CodePipelineSource.connection(
        "org/repo",
        "main",
        connection_arn="arn:aws:codeconnections:us-east-1:123456789012:connection/example",
    )
    pipeline = pipelines.CodePipeline(
        pipeline_stack,
        "Pipeline",
        cross_account_keys=True,
        synth=pipelines.ShellStep("Synth", input=source, commands=["npx cdk synth"]),
    )
    prod = cdk.Stage(app, "Prod")
    MultiRegionApp(prod, "Shop", app_name="shop", account="123456789012", service=False)
    pipeline.add_stage(prod)
    template = app.synth().get_stack_by_name("Pipeline").template
    deploys = {
        action["Name"]: action.get("Region", "us-east-1")
        for resource in template["Resources"].values()
        if resource["Type"] == "AWS::CodePipeline::Pipeline"
        for stage in resource["Properties"]["Stages"]
        for action in stage["Actions"]
        if action["Name"].endswith(".Deploy")
    }
    assert deploys == {"shop-us-east-1.Deploy": "us-east-1", "shop-us-east-2.Deploy": "us-east-2"}


def test_deploy_waves_through_policy_validation_findings() -> None:
    """cdk-nag findings make the App's synth fail; the graph is still read from the assembly
    CDK wrote before validating (and the app's own synth still reports the findings)."""
    import tempfile

    import cdk_nag
    from aws_cdk import aws_sqs as sqs

    app = cdk.App(outdir=tempfile.mkdtemp(prefix="mrtap-waves-nag-"))
    cdk.Validations.of(app).add_plugins(cdk_nag.AwsSolutionsChecks(app))
    shop = MultiRegionApp(app, "Shop", app_name="shop", service=False)
    queue = sqs.Queue(shop.primary_stack, "Queue")  # no DLQ, no SSL policy: findings
    ssm.StringParameter(shop.stack_for("us-east-2"), "QueueArn", string_value=queue.queue_arn)
    with pytest.raises(RuntimeError, match="ValidationFailed"):
        app.synth()
    assert shop.deploy_waves() == [("shop-us-east-1",), ("shop-us-east-2",)]
