"""PerRegion: one way to give MultiRegionApp a value per region (keys, web ACLs, certificates,
images, secrets, existing VPCs and repositories), either a mapping of every region or a
function called in each region's stack."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_kms as kms
from constructs import Construct

from multiregion_tap import (
    MultiRegionApp,
    PerRegion,
    RegionalServiceProps,
    ValidationError,
)
from tests.support.templates import of_type, raw_templates

ACCOUNT = "123456789012"
E1, E2 = "us-east-1", "us-east-2"


def _acl(region: str) -> str:
    return f"arn:aws:wafv2:{region}:{ACCOUNT}:regional/webacl/shop/{region[-1]}"


def _shop(**kwargs: Any) -> MultiRegionApp:
    kwargs.setdefault("monitoring", False)
    return MultiRegionApp(cdk.App(), "Shop", app_name="shop", account=ACCOUNT, **kwargs)


def _existing_vpc(scope: Construct, region: str) -> ec2.IVpc:
    azs = [f"{region}a", f"{region}b"]
    return ec2.Vpc.from_vpc_attributes(
        scope,
        "Vpc",
        vpc_id="vpc-0123456789abcdef0",
        vpc_cidr_block="10.60.0.0/16",
        availability_zones=azs,
        public_subnet_ids=["subnet-pub1", "subnet-pub2"],
        private_subnet_ids=["subnet-prv1", "subnet-prv2"],
        private_subnet_route_table_ids=["rtb-prv1", "rtb-prv2"],
        isolated_subnet_ids=["subnet-iso1", "subnet-iso2"],
        isolated_subnet_route_table_ids=["rtb-iso1", "rtb-iso2"],
    )


@pytest.fixture(scope="module")
def per_region() -> tuple[dict[str, dict[str, Any]], list[tuple[str, str]]]:
    """Web ACLs from a mapping, log keys created by a function in each region's stack, an
    existing VPC in us-east-2 only, and an explicit "HTTP" certificate entry."""
    calls: list[tuple[str, str]] = []

    def log_key(scope: Construct, region: str) -> kms.IKey:
        calls.append((scope.node.path, region))
        return kms.Key(scope, "LogKey", enable_key_rotation=True)

    shop = _shop(
        service=RegionalServiceProps(
            web_acl_arn=PerRegion({E1: _acl(E1), E2: _acl(E2)}),
            log_encryption_key=PerRegion(log_key),
        ),
        vpcs=PerRegion(
            lambda scope, region: _existing_vpc(scope, region) if region == E2 else None
        ),
        certificates={E1: None, E2: None},
    )
    return raw_templates(shop), calls


def test_a_mapping_gives_each_region_its_own_value(per_region: Any) -> None:
    templates, _ = per_region
    for region in (E1, E2):
        (association,) = of_type(
            templates[f"shop-{region}"], "AWS::WAFv2::WebACLAssociation"
        ).values()
        assert association["Properties"]["WebACLArn"] == _acl(region)


def test_a_function_creates_the_value_in_each_regions_stack(per_region: Any) -> None:
    templates, calls = per_region
    assert calls == [
        ("shop-us-east-1/PerRegion-service.log_encryption_key", E1),
        ("shop-us-east-2/PerRegion-service.log_encryption_key", E2),
    ]
    for region in (E1, E2):
        template = templates[f"shop-{region}"]
        (key_id,) = [k for k in of_type(template, "AWS::KMS::Key") if k.startswith("PerRegion")]
        groups = of_type(template, "AWS::Logs::LogGroup").values()
        assert groups and all(
            g["Properties"]["KmsKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]} for g in groups
        )


def test_an_existing_vpc_in_one_region_is_used_and_peered_with_its_cidr(per_region: Any) -> None:
    templates, _ = per_region
    assert len(of_type(templates["shop-us-east-1"], "AWS::EC2::VPC")) == 1
    assert of_type(templates["shop-us-east-2"], "AWS::EC2::VPC") == {}
    routes = of_type(templates["shop-peering-routes-us-east-2"], "AWS::EC2::Route")
    assert {r["Properties"]["RouteTableId"] for r in routes.values()} == {
        "rtb-prv1",
        "rtb-prv2",
        "rtb-iso1",
        "rtb-iso2",
    }
    primary_routes = of_type(templates["shop-peering"], "AWS::EC2::Route").values()
    assert {r["Properties"]["DestinationCidrBlock"] for r in primary_routes} == {"10.60.0.0/16"}


def test_existing_repositories_mean_no_repository_and_no_replication() -> None:
    shop = _shop(
        repositories=PerRegion(
            lambda scope, region: ecr.Repository.from_repository_name(scope, "Repo", "team/web")
        ),
        peering=False,
    )
    templates = raw_templates(shop)
    for region in (E1, E2):
        template = templates[f"shop-{region}"]
        assert of_type(template, "AWS::ECR::Repository") == {}
        assert of_type(template, "AWS::ECR::ReplicationConfiguration") == {}
        (task,) = of_type(template, "AWS::ECS::TaskDefinition").values()
        image = str(task["Properties"]["ContainerDefinitions"][0]["Image"])
        assert f".dkr.ecr.{region}." in image and "team/web" in image


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"service": RegionalServiceProps(web_acl_arn=PerRegion({E1: _acl(E1)}))},
            r"^service\.web_acl_arn must name every region of the app \['us-east-1', "
            r"'us-east-2'\] \(missing \['us-east-2'\]; give None for a region without one\).*"
            r"got \['us-east-1'\]",
        ),
        (
            {
                "service": RegionalServiceProps(
                    web_acl_arn=PerRegion({E1: None, E2: None, "eu-west-1": None})
                )
            },
            r"^service\.web_acl_arn must only name the app's regions .*got 'eu-west-1'",
        ),
        (
            # A literal of one region given to every region: refused in the other one.
            {"service": RegionalServiceProps(web_acl_arn=_acl(E1))},
            r"web_acl_arn.*us-east-2.*arn:aws:wafv2:us-east-1",
        ),
        (
            # One region on HTTPS and the other on HTTP behind one name: say it explicitly.
            {
                "certificates": {
                    E1: acm.Certificate.from_certificate_arn(
                        cdk.Stack(cdk.App(), "Holder"),
                        "Cert",
                        f"arn:aws:acm:{E1}:{ACCOUNT}:certificate/1",
                    )
                }
            },
            r"^certificates must name every region of the app .*missing \['us-east-2'\]",
        ),
        ({"certificates": ["x"]}, r"^certificates must be a mapping of region to value"),
    ],
)
def test_bad_per_region_values_are_refused(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        _shop(**kwargs)


def test_none_for_a_region_means_the_created_vpc_with_its_cidr() -> None:
    templates = raw_templates(_shop(vpcs={E2: None}, vpc_cidrs={E2: "10.9.0.0/16"}, peering=False))
    (vpc,) = of_type(templates["shop-us-east-2"], "AWS::EC2::VPC").values()
    assert vpc["Properties"]["CidrBlock"] == "10.9.0.0/16"


def test_vpc_cidrs_and_an_existing_vpc_for_one_region_are_refused() -> None:
    with pytest.raises(
        ValidationError,
        match=r"^vpc_cidrs\['us-east-2'\] must be left unset for a region with an existing VPC "
        r"\(vpcs\['us-east-2'\]\), got '10.9.0.0/16'",
    ):
        _shop(
            vpcs=PerRegion(lambda scope, r: _existing_vpc(scope, r) if r == E2 else None),
            vpc_cidrs={E2: "10.9.0.0/16"},
        )


def test_an_existing_vpc_with_a_token_cidr_is_refused() -> None:
    def created(scope: Construct, region: str) -> ec2.IVpc | None:
        return ec2.Vpc(scope, "Vpc") if region == E2 else None

    with pytest.raises(
        ValidationError,
        match=r"^vpcs\['us-east-2'\] must have a literal CIDR block .*"
        r"got 'shop-us-east-2/PerRegion-vpcs/Vpc'",
    ):
        _shop(vpcs=PerRegion(created))


# ---------------------------------------------------------------------- the guide's snippet
GUIDE = Path(__file__).resolve().parents[2] / "docs" / "guides" / "customizing.md"


def test_the_guides_per_region_app_synthesizes_as_shown() -> None:
    (snippet,) = re.findall(
        r"^```\{code-block\} python\n:caption: per-region app\n\n(.*?)^```",
        GUIDE.read_text(),
        re.S | re.M,
    )
    namespace: dict[str, Any] = {}
    exec(compile(snippet, "customizing.md[per-region app]", "exec"), namespace)
    templates = raw_templates(namespace["shop"])
    assert of_type(templates["shop-us-east-2"], "AWS::EC2::VPC") == {}
    for region in (E1, E2):
        template = templates[f"shop-{region}"]
        (association,) = of_type(template, "AWS::WAFv2::WebACLAssociation").values()
        assert f":{region}:" in association["Properties"]["WebACLArn"]
        (task,) = of_type(template, "AWS::ECS::TaskDefinition").values()
        (secret,) = task["Properties"]["ContainerDefinitions"][0]["Secrets"]
        assert secret["Name"] == "API_KEY" and f":{region}:" in str(secret["ValueFrom"])


def test_a_per_region_database_variable_is_refused_like_a_plain_one() -> None:
    with pytest.raises(
        ValidationError,
        match=r"^service\.environment must not set DATABASE_HOST, .*got 'DATABASE_HOST'",
    ):
        _shop(
            database=True,
            service=RegionalServiceProps(
                environment=PerRegion({E1: {"MODE": "a"}, E2: {"DATABASE_HOST": "elsewhere"}})
            ),
        )


def test_an_image_per_region_means_no_repository_and_no_replication() -> None:
    shop = _shop(
        peering=False,
        service=RegionalServiceProps(
            image=PerRegion(
                {
                    region: ecs.ContainerImage.from_registry(f"public.ecr.aws/team/web:{region}")
                    for region in (E1, E2)
                }
            )
        ),
    )
    templates = raw_templates(shop)
    for region in (E1, E2):
        template = templates[f"shop-{region}"]
        assert of_type(template, "AWS::ECR::Repository") == {}
        assert of_type(template, "AWS::ECR::ReplicationConfiguration") == {}
        (task,) = of_type(template, "AWS::ECS::TaskDefinition").values()
        assert task["Properties"]["ContainerDefinitions"][0]["Image"] == (
            f"public.ecr.aws/team/web:{region}"
        )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"vpcs": {E2: "vpc-0123456789abcdef0"}}, r"^vpcs\['us-east-2'\] must be a VPC"),
        (
            {"repositories": PerRegion(lambda scope, region: "team/web")},
            r"^repositories\['us-east-1'\] must be an ECR repository .*got 'team/web'",
        ),
        (
            {"certificates": {E1: "arn:aws:acm:us-east-1:1:certificate/x", E2: None}},
            r"^certificates\['us-east-1'\] must be an ACM certificate",
        ),
    ],
)
def test_a_per_region_value_of_the_wrong_kind_is_refused(
    kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        _shop(peering=False, **kwargs)
