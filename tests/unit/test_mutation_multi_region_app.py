"""multi_region_app.py on bare apps (``service=False``: stacks without constructs, built in a
tenth of a second) and one default app built once: every default of ``MultiRegionApp``, each
refusal with its exact message (the prop, the value, the construct path), every bound
accepted at its edge and refused one past it (app name, tag keys and values, stack names),
the stacks' context, outputs, tags and termination protection, the helper stacks, the claims
of stack names between apps, the dependency graph and its waves (through cdk-nag's findings
too), and the module's star-import. Kills the mutants of ``tools/mutate.py`` in a few seconds
each (docs/guides/testing.md)."""

from __future__ import annotations

import tempfile
from typing import Any

import aws_cdk as cdk
import jsii
import pytest
from aws_cdk import aws_ssm as ssm
from constructs import Construct, IValidation, RootConstruct

from multiregion_tap import MultiRegionApp, ValidationError
from multiregion_tap import multi_region_app as module

E1, E2, W2 = "us-east-1", "us-east-2", "us-west-2"
ACCOUNT = "123456789012"


def _bare(app: cdk.App | cdk.Stage | None = None, **kwargs: Any) -> MultiRegionApp:
    kwargs.setdefault("app_name", "shop")
    return MultiRegionApp(app or cdk.App(), "Shop", service=False, **kwargs)


def _refused(message: str, **kwargs: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        _bare(**kwargs)
    assert str(caught.value) == message


@pytest.fixture(scope="module")
def default() -> MultiRegionApp:
    """Every prop at its default but the name."""
    return MultiRegionApp(cdk.App(), "Shop", app_name="shop")


# ---------------------------------------------------------------- defaults
def test_the_defaults(default: MultiRegionApp) -> None:
    assert default.primary_region == E1
    assert default.secondary_regions == (E2,)
    assert [s.stack_name for s in default.all_stacks][:2] == ["shop-us-east-1", "shop-us-east-2"]
    assert default.account is None
    # service=True: a service per region; database=False; peering=True; monitoring=True.
    assert sorted(default.services) == [E1, E2]
    assert default.database is None and default.database_for(E2) is None
    assert default.peering is not None
    assert sorted(default.monitoring) == [E1, E2]
    assert default.overview_dashboard is not None
    assert default.dns is None and default.health_check_alarms is None
    # replicate_images=True: the primary's registry replicates to the secondary region.
    assert default.service_for(E1).replication_configuration is not None
    assert default.service_for(E2).replication_configuration is None
    # termination_protection=True, on the helper stacks too.
    assert all(s.termination_protection is True for s in default.all_stacks)
    assert {s.stack_name for s in default.all_stacks} == {
        "shop-us-east-1",
        "shop-us-east-2",
        "shop-peering",
        "shop-peering-routes-us-east-2",
        "shop-monitoring",
    }


def test_termination_protection_can_be_turned_off() -> None:
    shop = _bare(termination_protection=False)
    assert [s.termination_protection for s in shop.all_stacks] == [False, False]


def test_the_star_import() -> None:
    namespace: dict[str, Any] = {}
    exec("from multiregion_tap.multi_region_app import *", namespace)
    assert {k for k in namespace if not k.startswith("__")} == {"MultiRegionApp", "RegionRole"}


# ---------------------------------------------------------------- app_name
def test_app_name_bounds() -> None:
    module._validate_app_name("a" * 64)
    module._validate_app_name("a")
    with pytest.raises(ValidationError) as caught:
        module._validate_app_name("a" * 65)
    assert str(caught.value) == (
        "app_name must be at most 64 characters (it prefixes every stack name); it has 65, "
        f"got {'a' * 65!r}"
    )


@pytest.mark.parametrize(
    ("app_name", "message"),
    [
        ("", "app_name must be a non-empty string such as 'shop', got ''"),
        (5, "app_name must be a non-empty string such as 'shop', got 5"),
        (None, "app_name must be a non-empty string such as 'shop', got None"),
        (
            "Shop",
            "app_name must be lowercase letters, digits and single hyphens, start with a letter "
            "and not end with a hyphen (it is used in stack names, tags and DNS-style names), "
            "got 'Shop'",
        ),
    ],
)
def test_app_name_refused(app_name: Any, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        module._validate_app_name(app_name)
    assert str(caught.value) == message


def test_a_token_app_name_is_refused() -> None:
    token = cdk.Token.as_string(cdk.Aws.STACK_NAME)
    with pytest.raises(ValidationError) as caught:
        module._validate_app_name(token)
    assert str(caught.value) == (
        f"app_name must be a literal string, not a token (it names the stacks), got {token!r}"
    )


# ---------------------------------------------------------------- regions, account, tags
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"termination_protection": "yes"},
            "termination_protection must be True or False, got 'yes'",
        ),
        (
            {"primary_region": "nowhere"},
            "primary_region must be an AWS region name such as 'us-east-1', got 'nowhere'",
        ),
        (
            {"secondary_regions": "us-east-2"},
            "secondary_regions must be a list of region names such as ['us-east-2'], not a "
            "single string, got 'us-east-2'",
        ),
        ({"secondary_regions": []}, "secondary_regions must name at least one region, got []"),
        (
            {"secondary_regions": [E2, "nowhere"]},
            "secondary_regions[1] must be an AWS region name such as 'us-east-1', got 'nowhere'",
        ),
        (
            {"secondary_regions": [E2, E2]},
            "secondary_regions must not name 'us-east-2' twice, got ['us-east-2', 'us-east-2']",
        ),
        (
            {"secondary_regions": [E2, E1]},
            "secondary_regions must not contain the primary_region 'us-east-1', got "
            "['us-east-2', 'us-east-1']",
        ),
        (
            {"secondary_regions": [E2, "cn-north-1"]},
            "secondary_regions[1] must be in the primary region's partition 'aws', got "
            "'cn-north-1'",
        ),
        ({"account": "1234"}, "account must be a 12-digit AWS account id, got '1234'"),
        (
            {"account": "1234567890123"},
            "account must be a 12-digit AWS account id, got '1234567890123'",
        ),
        (
            {"dns_region": "nowhere"},
            "dns_region must be an AWS region name such as 'us-east-1', got 'nowhere'",
        ),
        (
            {"dns_region": "cn-north-1"},
            "dns_region must be in the partition 'aws', got 'cn-north-1'",
        ),
    ],
)
def test_refused(kwargs: dict[str, Any], message: str) -> None:
    _refused(f"{message} (at Shop)", **kwargs)


def test_accounts() -> None:
    assert {s.account for s in _bare(account=ACCOUNT).all_stacks} == {ACCOUNT}
    token = cdk.Aws.ACCOUNT_ID
    assert _bare(account=token).account == token


def test_dns_region() -> None:
    shop = _bare()
    assert shop._dns_region(None) is None
    assert shop._dns_region(W2) == W2
    assert shop._dns_region("eu-west-1") == "eu-west-1"


def test_region_roles() -> None:
    shop = _bare(secondary_regions=[E2, W2])
    assert [shop.region_role(r) for r in (E1, E2, W2, "eu-west-1")] == [
        "primary",
        "secondary",
        "secondary",
        "global",
    ]
    with pytest.raises(ValidationError) as caught:
        shop.stack_for("eu-west-1")
    assert str(caught.value) == (
        "region must be one of the app's regions ['us-east-1', 'us-east-2', 'us-west-2'], "
        "got 'eu-west-1'"
    )
    with pytest.raises(ValidationError) as caught:
        shop.service_for(E1)
    assert str(caught.value) == "region must be a region with a service: [], got 'us-east-1'"


def test_tags_at_their_bounds_are_applied() -> None:
    tags = {"k": "v", "K" * 128: "V" * 256, "team name_.:/=+-@": "", "équipe": "ünïcode"}
    app = cdk.App()
    shop = _bare(app, tags=tags)
    app.synth()
    assert shop.primary_stack.tags.tag_values() == {
        "multiregion-tap:app": "shop",
        "multiregion-tap:region-role": "primary",
        **tags,
    }
    assert shop.stack_for(E2).tags.tag_values()["multiregion-tap:region-role"] == "secondary"


_KEY_RULE = "have keys of 1 to 128 letters, digits, spaces and _ . : / = + - @"
_VALUE_RULE = "be at most 256 letters, digits, spaces and _ . : / = + - @"
_RESERVED = "not use the reserved prefixes 'aws:' or 'multiregion-tap:'"


@pytest.mark.parametrize(
    ("tags", "message"),
    [
        ({"": "v"}, f"tags must {_KEY_RULE}, got ''"),
        ({"K" * 129: "v"}, f"tags must {_KEY_RULE}, got {'K' * 129!r}"),
        ({5: "v"}, f"tags must {_KEY_RULE}, got 5"),
        ({"bad!key": "v"}, f"tags must {_KEY_RULE}, got 'bad!key'"),
        ({"aws:team": "v"}, f"tags must {_RESERVED}, got 'aws:team'"),
        ({"AWS:team": "v"}, f"tags must {_RESERVED}, got 'AWS:team'"),
        ({"multiregion-tap:x": "v"}, f"tags must {_RESERVED}, got 'multiregion-tap:x'"),
        ({"MultiRegion-Tap:x": "v"}, f"tags must {_RESERVED}, got 'MultiRegion-Tap:x'"),
        ({"k": "V" * 257}, f"tags['k'] must {_VALUE_RULE}, got {'V' * 257!r}"),
        ({"k": 5}, f"tags['k'] must {_VALUE_RULE}, got 5"),
        ({"k": "bad!value"}, f"tags['k'] must {_VALUE_RULE}, got 'bad!value'"),
    ],
)
def test_tags_refused(tags: dict[Any, Any], message: str) -> None:
    _refused(f"{message} (at Shop)", tags=tags)


# ---------------------------------------------------------------- scope
def test_the_stack_root() -> None:
    app = cdk.App()
    stage = cdk.Stage(app, "Prod")
    assert module._stack_root(app) is app
    assert module._stack_root(stage) is stage
    assert module._stack_root(Construct(stage, "Group")) is stage
    assert module._stack_root(Construct(app, "Group")) is app


@pytest.mark.parametrize(
    ("scope", "message"),
    [
        (
            lambda: "app",
            "scope must be a construct: the cdk.App, a cdk.Stage or a construct in one, got 'app'",
        ),
        (
            lambda: Construct(cdk.Stack(cdk.App(), "Mine"), "Group"),
            "scope must not be inside a Stack: MultiRegionApp creates top-level stacks; pass the "
            "cdk.App or a cdk.Stage, got 'Mine/Group'",
        ),
        (
            lambda: Construct(RootConstruct(""), "Loose"),
            "scope must be inside a cdk.App or a cdk.Stage, got 'Loose'",
        ),
    ],
)
def test_the_stack_root_refused(scope: Any, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        module._stack_root(scope())
    assert str(caught.value) == message


# ---------------------------------------------------------------- stacks
def test_each_stack_makes_references_weak_and_says_what_it_is() -> None:
    app = cdk.App()
    shop = _bare(app)
    for stack in shop.all_stacks:
        assert stack.node.try_get_context("@aws-cdk/core:defaultCrossStackReferences") == "weak"
    produced = ssm.StringParameter(shop.primary_stack, "Produced", string_value="x")
    ssm.StringParameter(shop.stack_for(E2), "Reads", string_value=produced.parameter_name)
    assembly = app.synth()
    two = assembly.get_stack_by_name("shop-us-east-2").template
    (reads,) = two["Resources"].values()
    # A weak reference (no export, no custom resource): the producer's output by name.
    (read,) = reads["Properties"]["Value"].values()
    assert list(reads["Properties"]["Value"]) == ["Fn::GetStackOutput"]
    assert (read["StackName"], read["Region"]) == ("shop-us-east-1", "us-east-1")
    assert read["OutputName"].startswith("PublishOutputRefProduced")
    assert two["Description"] == "multiregion-tap app 'shop': secondary region us-east-2"
    assert two["Outputs"] == {
        "MultiRegionTapAppName": {"Description": "App name", "Value": "shop"},
        "MultiRegionTapRegion": {"Description": "Region of this stack", "Value": "us-east-2"},
        "MultiRegionTapRegionRole": {
            "Description": "primary, secondary or global",
            "Value": "secondary",
        },
    }


def test_helper_stacks() -> None:
    shop = _bare()
    extra = shop.add_helper_stack("extra")
    assert (extra.stack_name, extra.region) == ("shop-extra", E1)
    assert extra.template_options.description == "multiregion-tap app 'shop': extra"
    away = shop.add_helper_stack("away", region="eu-west-1", description="Mine")
    assert (away.stack_name, away.region, away.template_options.description) == (
        "shop-away",
        "eu-west-1",
        "Mine",
    )
    assert shop.region_role("eu-west-1") == "global"
    assert dict(shop.helper_stacks) == {"extra": extra, "away": away}
    # A stack name of 128 characters is the longest CloudFormation takes.
    longest = shop.add_helper_stack("x" * 123)
    assert len(longest.stack_name) == 128


_TAKEN = "not name a stack that already exists in this app"


@pytest.mark.parametrize(
    ("suffix", "region", "message"),
    [
        ("extra", None, f"suffix must {_TAKEN}, got 'extra'"),
        (E2, None, f"suffix must {_TAKEN}, got 'us-east-2'"),
        (
            "Bad_Suffix",
            None,
            "suffix must be lowercase letters, digits and single hyphens, starting with a letter, "
            "got 'Bad_Suffix'",
        ),
        ("x", "nowhere", "region must be an AWS region name such as 'us-east-1', got 'nowhere'"),
        ("x", "us-east", "region must be an AWS region name such as 'us-east-1', got 'us-east'"),
        ("x", "cn-north-1", "region must be in the partition 'aws', got 'cn-north-1'"),
        (
            "x" * 124,
            None,
            "app_name must be short enough for the stack name "
            f"{'shop-' + 'x' * 124!r} to fit in 128 characters, got 'shop'",
        ),
    ],
)
def test_helper_stacks_refused(suffix: str, region: str | None, message: str) -> None:
    shop = _bare()
    shop.add_helper_stack("extra")
    with pytest.raises(ValidationError) as caught:
        shop.add_helper_stack(suffix, region=region)
    assert str(caught.value) == message


# ---------------------------------------------------------------- stack names claimed
def test_one_name_in_two_accounts_each_in_its_stage() -> None:
    app = cdk.App()
    one = _bare(cdk.Stage(app, "Dev"), account="111111111111")
    two = _bare(cdk.Stage(app, "Prod"), account="222222222222")
    agnostic = _bare(cdk.Stage(app, "Any"))
    assert [s.node.path for s in (*one.all_stacks, *two.all_stacks, *agnostic.all_stacks)] == [
        "Dev/shop-us-east-1",
        "Dev/shop-us-east-2",
        "Prod/shop-us-east-1",
        "Prod/shop-us-east-2",
        "Any/shop-us-east-1",
        "Any/shop-us-east-2",
    ]


def test_one_name_in_one_account_twice_is_refused() -> None:
    app = cdk.App()
    _bare(cdk.Stage(app, "Dev"), account=ACCOUNT)
    with pytest.raises(ValidationError) as caught:
        MultiRegionApp(cdk.Stage(app, "Prod"), "Again", app_name="shop", account=ACCOUNT)
    assert str(caught.value) == (
        "app_name must be unique per account in one CDK app: MultiRegionApp 'Dev/Shop' already "
        "creates the stack 'shop-us-east-1' in us-east-1, got 'shop' (at Prod/Again)"
    )
    app = cdk.App()
    _bare(cdk.Stage(app, "Dev"))
    with pytest.raises(ValidationError) as caught:
        MultiRegionApp(cdk.Stage(app, "Prod"), "Again", app_name="shop", service=False)
    assert "MultiRegionApp 'Dev/Shop' already creates" in str(caught.value)


def test_a_stack_already_there_is_refused() -> None:
    app = cdk.App()
    cdk.Stack(app, "shop-us-east-2")
    with pytest.raises(ValidationError) as caught:
        _bare(app)
    assert str(caught.value) == (
        "app_name must name stacks that do not exist yet in 'the App': 'shop-us-east-2' is "
        "there already. Two apps of one app_name (one per account, say) each need their own "
        "cdk.Stage: MultiRegionApp(cdk.Stage(app, 'Prod', ...), ...), got 'shop' (at Shop)"
    )
    stage = cdk.Stage(cdk.App(), "Prod")
    cdk.Stack(stage, "shop-us-east-1")
    with pytest.raises(ValidationError) as caught:
        _bare(stage)
    assert str(caught.value).startswith(
        "app_name must name stacks that do not exist yet in 'Prod': 'Prod/shop-us-east-1' is "
    )


# ---------------------------------------------------------------- dependency graph
def test_the_dependencies_and_waves_of_the_apps_stacks_only() -> None:
    app = cdk.App()
    shop = _bare(app, secondary_regions=[E2, W2])
    foreign = cdk.Stack(app, "Foreign")
    shop.stack_for(E2).add_dependency(shop.primary_stack)
    shop.stack_for(W2).add_dependency(shop.stack_for(E2))
    shop.stack_for(W2).add_dependency(foreign)
    helper = shop.add_helper_stack("extra")
    assert shop.stack_dependencies() == {
        "shop-us-east-1": (),
        "shop-us-east-2": ("shop-us-east-1",),
        "shop-us-west-2": ("shop-us-east-2",),
        "shop-extra": (),
    }
    assert helper.stack_name == "shop-extra"
    assert shop.deploy_waves() == [
        ("shop-extra", "shop-us-east-1"),
        ("shop-us-east-2",),
        ("shop-us-west-2",),
    ]


def test_a_cycle_is_reported() -> None:
    shop = _bare()
    shop.stack_dependencies = lambda: {  # type: ignore[method-assign]
        "shop-us-east-1": ("shop-us-east-2",),
        "shop-us-east-2": ("shop-us-east-1",),
        "shop-extra": (),
    }
    with pytest.raises(ValidationError) as caught:
        shop.deploy_waves()
    assert str(caught.value) == (
        "the stacks of app 'shop' depend on each other in a cycle: "
        "{'shop-us-east-1': ['shop-us-east-2'], 'shop-us-east-2': ['shop-us-east-1']}"
    )


def test_the_graph_through_policy_validation_findings() -> None:
    import cdk_nag
    from aws_cdk import aws_sqs as sqs

    app = cdk.App(outdir=tempfile.mkdtemp(prefix="mrtap-mutation-nag-"))
    cdk.Validations.of(app).add_plugins(cdk_nag.AwsSolutionsChecks(app))
    shop = _bare(app)
    queue = sqs.Queue(shop.primary_stack, "Queue")  # no DLQ, no SSL policy: findings
    ssm.StringParameter(shop.stack_for(E2), "QueueArn", string_value=queue.queue_arn)
    cdk.Stack(app, "Foreign")
    with pytest.raises(RuntimeError, match="ValidationFailed"):
        app.synth()
    assert shop.stack_dependencies() == {
        "shop-us-east-1": (),
        "shop-us-east-2": ("shop-us-east-1",),
    }
    assert shop.deploy_waves() == [("shop-us-east-1",), ("shop-us-east-2",)]


@jsii.implements(IValidation)
class _Broken:
    def validate(self) -> list[str]:
        return ["broken on purpose"]


def test_a_constructs_own_error_is_raised_not_read_from_a_manifest() -> None:
    """A construct's validation error ("ValidationFailedWithErrors: ...") stops the synth
    before CDK writes the assembly: it is raised as it is (a plugin's findings come after)."""
    app = cdk.App(outdir=tempfile.mkdtemp(prefix="mrtap-mutation-err-"))
    shop = _bare(app)
    shop.primary_stack.node.add_validation(_Broken())
    with pytest.raises(RuntimeError) as caught:
        shop.stack_dependencies()
    assert str(caught.value) == (
        "ValidationFailedWithErrors: Validation failed with the following errors:\n"
        "  [shop-us-east-1] broken on purpose"
    )
