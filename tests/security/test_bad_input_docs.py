"""docs/guides/bad-input.md: one table of what every construct checks, with real errors.

Each case below builds the example's shape through the public API (``MultiRegionApp`` and the
``*Props`` dataclasses) with one bad prop. The test checks that synth-time validation refuses
it with a :class:`~multiregion_tap.ValidationError` naming the prop (and the bad value), and
that the table in the docs shows exactly the error users get. The per-construct unit tests
(tests/unit/test_*.py ``test_bad_input*``) hold many more cases; this table shows one example
per rule. Regenerate after changing a message::

    MRTAP_UPDATE_DOCS=1 python -m pytest tests/security/test_bad_input_docs.py
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

import aws_cdk as cdk
import pytest

from multiregion_tap import (
    CrossRegionPeeringProps,
    FailoverDnsProps,
    MultiRegionApp,
    PerRegion,
    RegionalMonitoringProps,
    RegionalServiceProps,
    ReplicatedDatabaseProps,
    ValidationError,
)

from .conftest import ROOT

DOC = ROOT / "docs" / "guides" / "bad-input.md"
BEGIN = "<!-- BEGIN GENERATED: bad input (tests/security/test_bad_input_docs.py) -->"
END = "<!-- END GENERATED: bad input -->"
_SHOWN = object()  # marker: the bad value is not a plain value the message can show


@dataclass(frozen=True)
class Case:
    construct: str
    prop: str
    rule: str
    kwargs: dict[str, Any]
    value: Any = _SHOWN  # the bad value the message must show (repr), when simple


def _service(**kw: Any) -> dict[str, Any]:
    return {"service": RegionalServiceProps(**kw)}


def _database(**kw: Any) -> dict[str, Any]:
    return {"database": ReplicatedDatabaseProps(**kw)}


def _dns(**kw: Any) -> dict[str, Any]:
    props = {"zone_name": "mycompany.com", "record_name": "www.mycompany.com", **kw}
    return {"dns": FailoverDnsProps(**props)}


def _monitoring(**kw: Any) -> dict[str, Any]:
    return {"monitoring": RegionalMonitoringProps(**kw)}


APP, SVC, DB = "MultiRegionApp", "RegionalService", "ReplicatedDatabase"
ACCOUNT = "123456789012"
DNS, MON = "FailoverDns", "RegionalMonitoring"

CASES = [
    Case(APP, "app_name", "lowercase letters, digits, single hyphens; starts with a letter",
         {"app_name": "Shop"}, "Shop"),
    Case(APP, "app_name", "at most 64 characters", {"app_name": "a" * 65}),
    Case(APP, "primary_region", "an AWS region name", {"primary_region": "us-east"}, "us-east"),
    Case(APP, "secondary_regions", "at least one region", {"secondary_regions": []}, []),
    Case(APP, "secondary_regions", "distinct from the primary",
         {"secondary_regions": ["us-east-1"]}, "us-east-1"),
    Case(APP, "secondary_regions", "same partition as the primary",
         {"secondary_regions": ["cn-north-1"]}, "cn-north-1"),
    Case(APP, "account", "a 12-digit account id", {"account": "12345"}, "12345"),
    Case(APP, "tags", "no reserved prefix (aws:, multiregion-tap:)", {"tags": {"aws:owner": "x"}},
         "aws:owner"),
    Case(APP, "vpc_cidrs", "no overlap between regions",
         {"vpc_cidrs": {"us-east-1": "10.0.0.0/16", "us-east-2": "10.0.0.0/17"}}),
    Case(APP, "certificates", "only the app's regions",
         {"certificates": {"eu-west-1": None}}, "eu-west-1"),
    Case(APP, "service", "True, False or a RegionalServiceProps", {"service": "yes"}, "yes"),
    Case(SVC, "cpu", "a Fargate cpu size", _service(cpu=300), 300),
    Case(SVC, "memory_limit_mib", "a Fargate memory size for the cpu",
         _service(cpu=256, memory_limit_mib=4096), 4096),
    Case(SVC, "desired_count", "1 to 1000", _service(desired_count=0), 0),
    Case(SVC, "min_capacity", "not above max_capacity",
         _service(min_capacity=5, max_capacity=3), 5),
    Case(SVC, "container_port", "1 to 65535", _service(container_port=70000), 70000),
    Case(SVC, "health_check_path", "starts with '/'", _service(health_check_path="health"),
         "health"),
    Case(SVC, "health_check_timeout", "shorter than health_check_interval",
         _service(health_check_interval=cdk.Duration.seconds(10),
                  health_check_timeout=cdk.Duration.seconds(10))),
    Case(SVC, "image_tag", "a Docker tag", _service(image_tag="-bad"), "-bad"),
    Case(SVC, "test_listener_port", "not a production port (80, 443)",
         _service(test_listener_port=443), 443),
    Case(SVC, "max_image_count", "1 to 1000", _service(max_image_count=0), 0),
    Case(SVC, "web_acl_arn", "a web ACL of the stack's region (per region: PerRegion)",
         _service(web_acl_arn=f"arn:aws:wafv2:us-east-1:{ACCOUNT}:regional/webacl/shop/1"),
         "us-east-1"),
    Case(SVC, "service.web_acl_arn", "PerRegion names every region of the app",
         _service(web_acl_arn=PerRegion({"us-east-1": None})), ["us-east-1"]),
    Case(SVC, "task_definition_props", "no key the library owns",
         _service(task_definition_props={"cpu": 512}), "cpu"),
    Case(APP, "certificates", "every region of the app (None for HTTP)",
         {"certificates": {"us-east-1": None}}, ["us-east-1"]),
    Case(DB, "backup_retention_days", "1 to 35 (replicas need backups)",
         _database(backup_retention_days=0), 0),
    Case(DB, "allocated_storage_gib", "20 to 65536", _database(allocated_storage_gib=10), 10),
    Case(DB, "instance_type", "a DB instance class", _database(instance_type="huge"), "huge"),
    Case(DB, "port", "1150 to 65535", _database(port=80), 80),
    Case(DB, "master_username", "not a reserved word", _database(master_username="postgres"),
         "postgres"),
    Case(DB, "database_name", "letters, digits, underscores; starts with a letter",
         _database(database_name="my-db"), "my-db"),
    Case(DB, "promote_replica_in", "a secondary region with a replica",
         _database(promote_replica_in="us-east-1"), "us-east-1"),
    Case(DB, "history", "no promotion of a superseded region before its rebuild",
         _database(history="promote:us-east-2,promote:us-east-1"), "promote:us-east-1"),
    Case(DB, "history", "'promote:<region>' or 'rebuild:<region>'",
         _database(history=["promote us-east-2"]), "promote us-east-2"),
    Case(DNS, "record_name", "inside the hosted zone", _dns(record_name="shop.example.org"),
         "shop.example.org"),
    Case(DNS, "failure_threshold", "1 to 10", _dns(failure_threshold=11), 11),
    Case(DNS, "zone_name", "not a name Route 53 reserves (example.com, .net, .org)",
         _dns(zone_name="example.com", record_name="www.example.com"), "example.com"),
    Case(DNS, "health_check_interval", "10 or 30 seconds (fixed after creation)",
         _dns(health_check_interval=cdk.Duration.seconds(15))),
    Case(DNS, "health_check_protocol", "HTTP or HTTPS", _dns(health_check_protocol="TCP"), "TCP"),
    Case(MON, "email_addresses", "e-mail addresses", _monitoring(email_addresses=["ops-at-x"]),
         "ops-at-x"),
    Case(MON, "https_endpoints", "https:// URLs",
         _monitoring(https_endpoints=["http://hooks.example.com"]), "http://hooks.example.com"),
    Case(MON, "cpu_threshold_percent", "1 to 100", _monitoring(cpu_threshold_percent=120), 120),
    Case(MON, "replica_lag_threshold", "300 s or more (PostgreSQL lag reports flap below)",
         {**_database(), **_monitoring(replica_lag_threshold=cdk.Duration.seconds(120))}),
    Case(APP, "vpc_cidrs", "RFC 1918 ranges",
         {"vpc_cidrs": {"us-east-1": "10.0.0.0/16", "us-east-2": "8.8.0.0/16"}}, "8.8.0.0/16"),
    Case(APP, "peering", "True, False or a CrossRegionPeeringProps", {"peering": "yes"}, "yes"),
    Case("CrossRegionPeering", "mesh", "True or False",
         {"peering": CrossRegionPeeringProps(mesh="no")}, "no"),  # type: ignore[arg-type]
]  # fmt: skip


def _error(case: Case) -> str:
    kwargs = {"app_name": "shop", **case.kwargs}
    with pytest.raises(ValidationError) as info:
        MultiRegionApp(cdk.App(), "Shop", **kwargs)
    return str(info.value)


@pytest.fixture(scope="module")
def errors() -> list[str]:
    return [_error(case) for case in CASES]


def test_every_case_names_the_prop_and_shows_the_value(errors: list[str]) -> None:
    for case, message in zip(CASES, errors, strict=True):
        assert case.prop in message, (case, message)
        if case.value is not _SHOWN:
            assert repr(case.value) in message or str(case.value) in message, (case, message)


def render(errors: list[str]) -> str:
    lines = [BEGIN, "", "| Construct | Prop | Rule | Example error |", "| --- | --- | --- | --- |"]
    for case, message in zip(CASES, errors, strict=True):
        text = message.replace("|", "\\|").replace("\n", " ")
        lines.append(f"| `{case.construct}` | `{case.prop}` | {case.rule} | `{text}` |")
    lines += ["", END]
    return "\n".join(lines)


def test_bad_input_doc_shows_the_real_errors(errors: list[str]) -> None:
    table = render(errors)
    text = DOC.read_text()
    start, end = text.index(BEGIN), text.index(END) + len(END)
    if os.environ.get("MRTAP_UPDATE_DOCS") == "1":
        DOC.write_text(text[:start] + table + text[end:])
        text = DOC.read_text()
        start, end = text.index(BEGIN), text.index(END) + len(END)
    assert text[start:end] == table, (
        f"{DOC.relative_to(ROOT)} does not show the errors the code raises; regenerate it: "
        "MRTAP_UPDATE_DOCS=1 python -m pytest tests/security/test_bad_input_docs.py"
    )
