#!/usr/bin/env python3
"""A small mutation-testing runner for src/multiregion_tap: ``python3 tools/dev.py mutate MODULE``.

Each mutant is one behaviour-changing edit of one module (an operator, a comparison, a boolean
operator, a ``not``, a constant), made with :mod:`ast` in a temporary copy of the package. The
copy is put first on ``PYTHONPATH`` and the fast tests mapped to the module (:data:`TESTS`) run
in a fresh ``pytest -x -q -p no:cacheprovider -n 0`` process. A failing run kills the mutant; a
passing run means no test noticed the edit: a *survivor*, to be killed by a new test or
explained as equivalent in docs/guides/testing.md. The working tree is never modified.

Why not mutmut: mutmut 3.8.1 runs here, but it forks each mutant's test run from a process
that already ran the tests once, so the test helpers' ``functools.cache`` of synthesized apps
(tests/support/failover_app.py) and module-scoped fixtures are inherited: a mutant of code
that runs at synth time is never exercised, and mutmut reports it as surviving (for example
``lst.protocol != HTTPS`` in failover_dns, which test_failover_dns kills in a fresh process).
A fresh process per mutant is slower and honest.

Usage::

    python3 tools/mutate.py _private/naming.py            # every mutant of that module
    python3 tools/mutate.py failover_dns.py --max 40      # 40 mutants spread over the module
    python3 tools/mutate.py naming --list                 # print the mutants, run nothing

Exit status: 0 when the score is at least ``--min-score`` (default 0: report only).
"""

from __future__ import annotations

import argparse
import ast
import copy
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "multiregion_tap"

#: The tests of every discovery module (moto-backed: several seconds each)...
_DISCOVERY_TESTS = [
    "tests/unit/test_discovery.py",
    "tests/unit/test_status.py",
    "tests/unit/test_cli.py",
]
#: ... after the pure-Python ones that exercise each module directly (about a second).
_DISCOVERY_FAST_TESTS: dict[str, list[str]] = {
    "model": [
        "tests/unit/test_mutation_model.py",
        "tests/unit/test_mutation_topology.py",
        "tests/unit/test_mutation_render.py",
    ],
    "topology": ["tests/unit/test_mutation_topology.py", "tests/unit/test_mutation_model.py"],
    "render": ["tests/unit/test_mutation_render.py", "tests/unit/test_mutation_topology.py"],
    "parse": ["tests/unit/test_mutation_parse.py", "tests/unit/test_mutation_dns.py"],
    "reach": ["tests/unit/test_mutation_reach.py"],
    "dns": ["tests/unit/test_mutation_dns.py"],
    "status": ["tests/unit/test_mutation_status.py"],
    "advice": ["tests/unit/test_mutation_advice.py"],
    "walk": ["tests/unit/test_mutation_walk.py"],
    "aws": ["tests/unit/test_mutation_aws.py", "tests/unit/test_mutation_reach.py"],
    "cli": ["tests/unit/test_mutation_cli.py"],
}

#: Module (relative to src/multiregion_tap) -> the fast tests that cover it.
TESTS: dict[str, list[str]] = {
    "_private/naming.py": [
        "tests/unit/test_mutation_naming.py",
        "tests/unit/test_private_helpers.py",
    ],
    "_private/validation.py": [
        "tests/unit/test_mutation_validation.py",
        "tests/unit/test_private_helpers.py",
    ],
    "_private/dns_names.py": ["tests/unit/test_failover_dns.py"],
    "_private/dns_targets.py": [
        "tests/unit/test_mutation_dns_targets.py",
        "tests/unit/test_failover_dns.py",
    ],
    "_private/database_engine.py": [
        "tests/unit/test_mutation_database_engine.py",
        "tests/unit/test_replicated_database.py",
    ],
    "_private/monitoring_checks.py": [
        "tests/unit/test_mutation_monitoring_checks.py",
        "tests/unit/test_mutation_alarm_topic.py",
        "tests/unit/test_monitoring.py",
    ],
    "_private/service_checks.py": [
        "tests/unit/test_mutation_service_checks.py",
        "tests/unit/test_regional_service.py",
    ],
    "_private/service_dependencies.py": [
        "tests/unit/test_mutation_service_dependencies.py",
        "tests/unit/test_regional_service.py",
    ],
    "_private/outputs.py": [
        "tests/unit/test_mutation_outputs.py",
        "tests/unit/test_regional_service.py",
        "tests/unit/test_failover_dns.py",
    ],
    "_private/app_context.py": [
        "tests/unit/test_multi_region_app.py",
        "tests/unit/test_contracts.py",
    ],
    "_private/compose.py": [
        "tests/unit/test_mutation_compose.py",
        "tests/unit/test_composition.py",
    ],
    "_private/checkov.py": [
        "tests/unit/test_private_helpers.py",
        "tests/unit/test_regional_service.py",
    ],
    "failover_dns.py": [
        "tests/unit/test_mutation_failover_dns.py",
        "tests/unit/test_failover_dns.py",
    ],
    "cross_region_peering.py": [
        "tests/unit/test_mutation_cross_region_peering.py",
        "tests/unit/test_cross_region_peering.py",
    ],
    "_private/monitoring_shared.py": [
        "tests/unit/test_mutation_monitoring_shared.py",
        "tests/unit/test_mutation_health_check_alarms.py",
        "tests/unit/test_monitoring.py",
    ],
    "_private/service_props.py": [
        "tests/unit/test_mutation_service_props.py",
        "tests/unit/test_regional_service.py",
    ],
    "_private/service_network.py": [
        "tests/unit/test_mutation_service_network.py",
        "tests/unit/test_regional_service.py",
    ],
    "_private/service_registry.py": [
        "tests/unit/test_mutation_service_registry.py",
        "tests/unit/test_regional_service.py",
    ],
    "_private/service_compute.py": [
        "tests/unit/test_mutation_service_compute.py",
        "tests/unit/test_regional_service.py",
    ],
    "_private/service_load_balancer.py": [
        "tests/unit/test_mutation_service_load_balancer.py",
        "tests/unit/test_regional_service.py",
    ],
    "_private/service_deployment.py": [
        "tests/unit/test_mutation_service_deployment.py",
        "tests/unit/test_regional_service.py",
    ],
    "_private/service_routes.py": [
        "tests/unit/test_mutation_service_routes.py",
        "tests/unit/test_service_routes.py",
    ],
    "_private/service_compliance.py": [
        "tests/unit/test_mutation_service_compliance.py",
        "tests/unit/test_regional_service.py",
    ],
    "_private/service_outputs.py": [
        "tests/unit/test_mutation_outputs.py",
        "tests/unit/test_regional_service.py",
    ],
    "replicated_database.py": [
        "tests/unit/test_mutation_replicated_database.py",
        "tests/unit/test_replicated_database.py",
        "tests/unit/test_fail_back.py",
        "tests/unit/test_database_options.py",
    ],
    "regional_database.py": [
        "tests/unit/test_mutation_regional_database.py",
        "tests/unit/test_replicated_database.py",
        "tests/unit/test_fail_back.py",
    ],
    "database_replica.py": [
        "tests/unit/test_mutation_database_replica.py",
        "tests/unit/test_replicated_database.py",
        "tests/unit/test_fail_back.py",
        "tests/unit/test_database_options.py",
    ],
    "_private/database_plan.py": [
        "tests/unit/test_database_plan.py",
        "tests/unit/test_fail_back.py",
    ],
    "_private/database_instances.py": [
        "tests/unit/test_mutation_database_instances.py",
        "tests/unit/test_existing_primary.py",
        "tests/unit/test_fail_back.py",
        "tests/unit/test_database_options.py",
    ],
    "_private/database_options.py": [
        "tests/unit/test_mutation_database_options.py",
        "tests/unit/test_database_options.py",
    ],
    "per_region.py": ["tests/unit/test_mutation_per_region.py", "tests/unit/test_per_region.py"],
    "_private/arns.py": [
        "tests/unit/test_mutation_arns.py",
        "tests/unit/test_region_scoped_values.py",
    ],
    "_private/service_options.py": [
        "tests/unit/test_mutation_service_options.py",
        "tests/unit/test_service_options.py",
    ],
    "_private/producers.py": [
        "tests/unit/test_mutation_producers.py",
        "tests/unit/test_follow_producers.py",
        "tests/unit/test_composition.py",
    ],
    "monitoring.py": ["tests/unit/test_mutation_monitoring.py", "tests/unit/test_monitoring.py"],
    "alarm_topic.py": [
        "tests/unit/test_mutation_alarm_topic.py",
        "tests/unit/test_mutation_health_check_alarms.py",
        "tests/unit/test_monitoring.py",
    ],
    "regional_monitoring.py": [
        "tests/unit/test_mutation_regional_monitoring.py",
        "tests/unit/test_monitoring.py",
    ],
    "health_check_alarms.py": [
        "tests/unit/test_mutation_health_check_alarms.py",
        "tests/unit/test_monitoring.py",
    ],
    "overview_dashboard.py": [
        "tests/unit/test_mutation_overview_dashboard.py",
        "tests/unit/test_monitoring.py",
    ],
    "regional_service.py": [
        "tests/unit/test_mutation_regional_service.py",
        "tests/unit/test_regional_service.py",
    ],
    "multi_region_app.py": [
        "tests/unit/test_mutation_multi_region_app.py",
        "tests/unit/test_multi_region_app.py",
        "tests/unit/test_composition.py",
    ],
    **{
        f"discovery/{name}.py": [*fast, *_DISCOVERY_TESTS]
        for name, fast in _DISCOVERY_FAST_TESTS.items()
    },
    "__init__.py": ["tests/unit/test_lazy_imports.py", "tests/unit/test_contracts.py"],
    "discovery/__init__.py": [
        "tests/unit/test_lazy_imports.py",
        "tests/unit/test_contracts.py",
        "tests/unit/test_discovery.py",
    ],
    "outputs.py": ["tests/unit/test_contracts.py", "tests/unit/test_multi_region_app.py"],
    "errors.py": ["tests/unit/test_contracts.py", "tests/unit/test_private_helpers.py"],
}

#: Surviving mutants that change no observable behaviour, with the reason:
#: module -> {(the mutated line's source, stripped; the mutant's description): reason}.
#: Keyed by the line's text, not its number, so that an edit elsewhere in the module keeps
#: the entry; an edit of the line itself drops it (the mutant is then reported again).
_XX_IN_CLASS = "'XX' + a character class that allows A-Z already allows X: same class"
_NO_DIGIT_FIRST = (
    "never runs: a letter-first rule's cut starts with a letter (_clean strips leading digits "
    "and hyphens; an empty cut becomes 'n'), so the line is kept only as a safety net"
)
_TYPEVAR_NAME = "a TypeVar's name: read by type checkers, nothing at run time"
_RANGE_END = (
    "a range's end one or two past its last value, the step being 1024 or more: the same sizes"
)
_WHOLE_SECONDS = (
    "integral=True differs only for a fraction of a second, which require_seconds refused just "
    "above (the defaults are whole; a token converts alike or raises alike either way)"
)
_GREEN_RANK = (
    "a target group without a role never sits with a blue or green one (roles come from the "
    "groups asked for by ARN; the load balancer's groups are listed only when there are none), "
    "so only blue's rank below the others' matters"
)
_PLACED_FIRST = (
    "an assertion of what ReplicatedDatabase guarantees (it makes the key, security group, "
    "subnet group and parameter group before the instance): weaker, it still never fails"
)
EQUIVALENT: dict[str, dict[tuple[str, str], str]] = {
    "_private/compose.py": {
        ("moved = False", "constant False -> True"): (
            "never read as it is: it is read only under `if database_props is not None:`, which "
            "sets it from the database's history first"
        ),
    },
    "multi_region_app.py": {
        ("if account is not None and not is_token(account):", "boolean And -> Or"): (
            "require_pattern itself lets None and tokens pass: calling it for them as well "
            "refuses nothing more"
        ),
        (
            'key = (self._account or "(any account)", f"{region}/{stack_name}")',
            "string '(any account)' -> 'XX' + it",
        ): (
            "the placeholder account of an account-agnostic app in the claims' key, never shown: "
            "any string that no account can be (12 digits, or a token) keeps agnostic apps apart "
            "from bound ones alike"
        ),
        ('artifact.get("displayName", artifact_id),', "string 'displayName' -> 'XX' + it"): (
            "read only when the App's synth failed on a policy plugin's findings (a Stage's synth "
            "runs none); a stack at the App's root has its stack name as artifact id, and as "
            "display name"
        ),
    },
    "_private/naming.py": {
        ('allowed: str = "a-zA-Z0-9-"', "string 'a-zA-Z0-9-' -> 'XX' + it"): _XX_IN_CLASS,
        (
            'ALARM_NAME = NameRule("alarm name", 255, allowed="a-zA-Z0-9._/-")',
            "string 'a-zA-Z0-9._/-' -> 'XX' + it",
        ): _XX_IN_CLASS,
        (
            'DASHBOARD_NAME = NameRule("dashboard name", 255, allowed="a-zA-Z0-9_-")',
            "string 'a-zA-Z0-9_-' -> 'XX' + it",
        ): _XX_IN_CLASS,
        (
            'LOG_GROUP_NAME = NameRule("log group name", 512, allowed="a-zA-Z0-9._/#-")',
            "string 'a-zA-Z0-9._/#-' -> 'XX' + it",
        ): _XX_IN_CLASS,
        (
            'SECRET_NAME = NameRule("secret name", 512, allowed="a-zA-Z0-9/_+=.@-")',
            "string 'a-zA-Z0-9/_+=.@-' -> 'XX' + it",
        ): _XX_IN_CLASS,
        (
            "assert _valid(rule, result) and len(result) <= rule.max_length, (rule, raw, result)",
            "boolean And -> Or",
        ): "an assertion of what the code above guarantees: weaker, it still never fails",
        ('result = ("n" + result)[: rule.max_length]', "operator Add -> Sub"): _NO_DIGIT_FIRST,
        ('result = ("n" + result)[: rule.max_length]', "string 'n' -> 'XX' + it"): _NO_DIGIT_FIRST,
    },
    "_private/service_checks.py": {
        ("512: tuple(range(1024, 4096 + 1, 1024)),", "constant 4096 -> 4097"): _RANGE_END,
        ("512: tuple(range(1024, 4096 + 1, 1024)),", "constant 1 -> 2"): _RANGE_END,
        ("1024: tuple(range(2048, 8192 + 1, 1024)),", "constant 8192 -> 8193"): _RANGE_END,
        ("1024: tuple(range(2048, 8192 + 1, 1024)),", "constant 1 -> 2"): _RANGE_END,
        ("2048: tuple(range(4096, 16384 + 1, 1024)),", "constant 16384 -> 16385"): _RANGE_END,
        ("2048: tuple(range(4096, 16384 + 1, 1024)),", "constant 1 -> 2"): _RANGE_END,
        ("4096: tuple(range(8192, 30720 + 1, 1024)),", "constant 30720 -> 30721"): _RANGE_END,
        ("4096: tuple(range(8192, 30720 + 1, 1024)),", "constant 1 -> 2"): _RANGE_END,
        ("8192: tuple(range(16384, 61440 + 1, 4096)),", "constant 61440 -> 61441"): _RANGE_END,
        ("8192: tuple(range(16384, 61440 + 1, 4096)),", "constant 1 -> 2"): _RANGE_END,
        ("16384: tuple(range(32768, 122880 + 1, 8192)),", "constant 122880 -> 122881"): _RANGE_END,
        ("16384: tuple(range(32768, 122880 + 1, 8192)),", "constant 1 -> 2"): _RANGE_END,
    },
    "_private/service_compute.py": {
        (
            '"The deployment circuit breaker applies only to ROLLING deployments; blue/green, "',
            "string 'The deployment circuit breaker applies o' -> 'XX' + it",
        ): (
            "the reason of an acknowledged warning: CDK drops the warning by its id and keeps "
            "the reason nowhere (not in the construct's metadata nor the cloud assembly)"
        ),
    },
    "_private/service_deployment.py": {
        (
            'service.connections.allow_from(lb.lb_security_group, port, "Load balancer to tasks")',
            "string 'Load balancer to tasks' -> 'XX' + it",
        ): (
            "attaching the service to the blue target group just before already opened the same "
            "port from the load balancer's group ('Load balancer to target'): CDK keeps one rule "
            "per peer and port, so this one and its description are dropped"
        ),
        ('"AlternateTarget",', "string 'AlternateTarget' -> 'XX' + it"): (
            "ecs.AlternateTarget uses its id only to name the role it creates when given none, "
            "and the builder always gives BlueGreenRole"
        ),
    },
    "_private/database_instances.py": {
        ("assert key is not None and group is not None", "boolean And -> Or"): _PLACED_FIRST,
        ("assert subnets is not None and parameters is not None", "boolean And -> Or"): (
            _PLACED_FIRST
        ),
        (
            'source = writer_import(db, db, "RebuildSource", state.source_region or db.region)',
            "string 'RebuildSource' -> 'XX' + it",
        ): (
            "the construct id of an import, which makes no resource: nothing looks it up, and "
            "no sibling under the database has either name"
        ),
        ("storage_encrypted=True,", "constant True -> False"): (
            "CDK sets StorageEncrypted whenever storage_encryption_key is given, and a key is "
            "always given here (_placement asserts the region's key, the library's or the "
            "user's): the flag only says so"
        ),
    },
    "regional_database.py": {
        (
            'require_cidr("cidr", cidr, min_prefix=8, max_prefix=32)',
            "constant 32 -> 33",
        ): "an IPv4 prefix is at most /32: the parser refuses a /33 before the bound is read",
    },
    "replicated_database.py": {
        (
            'require_cidr(f"allowed_cidrs[{index}]", cidr, min_prefix=8, max_prefix=32)',
            "constant 32 -> 33",
        ): (
            "an IPv4 prefix is at most /32: the parser refuses a /33 before the bound is read "
            "(the constructor's allowed_cidrs and add_replica's alike)"
        ),
    },
    "cross_region_peering.py": {
        (
            'require_cidr("cidr", cidr, min_prefix=8, max_prefix=32)',
            "constant 32 -> 33",
        ): "an IPv4 prefix is at most /32: the parser refuses a /33 before the bound is read",
    },
    "failover_dns.py": {
        ('protocol = "HTTPS" if https else "HTTP"', "string 'HTTP' -> 'XX' + it"): (
            "the protocol is then compared with 'HTTPS' only (the listeners' port, the default "
            "port, the check's type): any other value is HTTP"
        ),
        (
            "for region, lb in zip(regions, load_balancers, strict=True):",
            "constant True -> False",
        ): (
            "regions holds one region per load balancer (built from the same list, in order): "
            "the lengths are always equal"
        ),
        (
            "ipv4_only = [r for r, d in zip(regions, dualstack, strict=True) if not d]",
            "constant True -> False",
        ): (
            "regions and dualstack both hold one entry per load balancer: the lengths are "
            "always equal"
        ),
        ("load_balancers = load_balancers * 2", "constant 2 -> 3"): (
            "one region left makes one pair, which reads the load balancers at indexes 0 and 1 "
            "only (the number of pairs comes from the regions): a third copy is never read"
        ),
    },
    "per_region.py": {('T = TypeVar("T")', "string 'T' -> 'XX' + it"): _TYPEVAR_NAME},
    "discovery/walk.py": {
        ('_T = TypeVar("_T")', "string '_T' -> 'XX' + it"): _TYPEVAR_NAME,
        ('name=str(found.get("DashboardName", name)),', "string 'DashboardName' -> 'XX' + it"): (
            "GetDashboard answers with the name it was asked for: the fallback is the same name"
        ),
        ("kind_order.get(s.kind, 1),", "constant 1 -> 2"): (
            "only REGIONAL is in kind_order: every other kind gets the same rank, and 1 or 2 "
            "both sort after REGIONAL's 0"
        ),
        ('order = {"blue": 0, "green": 1}', "string 'green' -> 'XX' + it"): _GREEN_RANK,
        ('order = {"blue": 0, "green": 1}', "constant 1 -> 2"): _GREEN_RANK,
        (
            'groups.sort(key=lambda g: (order.get(g.role or "", 2), g.name))',
            "constant 2 -> 3",
        ): _GREEN_RANK,
        (
            'resource = wanted.split(":", 5)[-1] if wanted.startswith("arn:") else ""',
            "string ':' -> 'XX' + it",
        ): (
            "the ARN unsplit: its first five fields hold no '/', so split('/') gives the same "
            "cluster and service pieces after the first"
        ),
        (
            'resource = wanted.split(":", 5)[-1] if wanted.startswith("arn:") else ""',
            "constant 5 -> 6",
        ): (
            "a sixth split needs a ':' in the resource part, and ECS cluster and service names "
            "hold letters, digits, '-' and '_' only"
        ),
    },
    "_private/service_options.py": {
        ("interval_s = interval.to_seconds(integral=False)", "constant False -> True"): (
            _WHOLE_SECONDS
        ),
        ("timeout_s = timeout.to_seconds(integral=False)", "constant False -> True"): (
            _WHOLE_SECONDS
        ),
    },
    "discovery/aws.py": {
        ('or code == "ResourceNotFound"', "string 'ResourceNotFound' -> 'XX' + it"): (
            "the line before, '\"NotFound\" in code', already takes ResourceNotFound"
        ),
    },
    "discovery/dns.py": {
        (
            "records.sort(key=lambda r: (order.get(r.failover, 2), r.name, "
            'r.set_identifier or ""))',
            "constant 2 -> 3",
        ): "any rank above SECONDARY's 1 sorts the other records last alike",
    },
    "discovery/parse.py": {
        ('return arn.rsplit(":", 1)[-1].rsplit("/", 1)[-1]', "constant 1 -> 2"): (
            "the last piece of an rsplit is the same whatever the number of splits"
        ),
        ('name=str(raw.get("serviceName", arn_tail(arn))),', "string 'serviceName' -> 'XX' + it"): (
            "an ECS service ARN ends with the service name (short and long format): the "
            "fallback gives the same name"
        ),
        ('key = (name or "").lower().rstrip(".")', "string '.' -> 'XX' + it"): (
            "after lower() the name holds no 'X' to strip"
        ),
    },
    "discovery/status.py": {
        (
            'info = health_check_info((found or {}).get("HealthCheck", {"Id": check_id}), '
            "lb_regions)",
            "string 'Id' -> 'XX' + it",
        ): "the status takes health_check_id from check_id itself, never from this Id",
    },
    "discovery/render.py": {
        (
            '_TABLE_COLUMNS = ("region", "role", "kind", "name", "details")',
            "string 'details' -> 'XX' + it",
        ): (
            "never read: format_table pads the columns before the last ([:-1]) and prints "
            "row.details as it is"
        ),
        (
            "for col, width in zip(_TABLE_COLUMNS[:-1], widths, strict=True)",
            "constant True -> False",
        ): "widths is built from _TABLE_COLUMNS[:-1] itself: the lengths are always equal",
    },
    "_private/validation.py": {
        ("if value is None or isinstance(value, bool):", "boolean Or -> And"): (
            "a shortcut: None and booleans get the same False below (neither is a string, "
            "abs(True) is below 1e280, Token.is_unresolved(None) is False)"
        ),
        (
            "return not abs(value) < _NO_NUMBER_TOKEN_BELOW and cdk.Token.is_unresolved(value)",
            "comparison Lt -> LtE",
        ): (
            "differs only for abs(value) == 1e280 exactly, which Token.is_unresolved answers "
            "False for too (number tokens are near 1.8e289)"
        ),
        ('_Init = TypeVar("_Init", bound=Callable[..., None])', "string '_Init' -> 'XX' + it"): (
            _TYPEVAR_NAME
        ),
    },
}

_CMP_SWAP: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}
_BIN_SWAP: dict[type[ast.operator], type[ast.operator]] = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.FloorDiv,
    ast.Div: ast.Mult,
    ast.FloorDiv: ast.Mult,
    ast.Mod: ast.Mult,
}


@dataclass(frozen=True)
class Mutant:
    index: int
    line: int
    description: str


def _docstring_ids(tree: ast.AST) -> set[int]:
    """ids of the docstring constants (never mutated: they change no behaviour)."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if (
                body
                and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)
            ):
                found.add(id(body[0].value))
    return found


def _skipped_ids(tree: ast.AST) -> set[int]:
    """ids of nodes inside annotations, f-strings and docstrings: not behaviour."""
    skipped = _docstring_ids(tree)
    for node in ast.walk(tree):
        roots: list[ast.AST] = []
        if isinstance(node, ast.arg | ast.AnnAssign) and node.annotation is not None:
            roots.append(node.annotation)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.returns is not None:
            roots.append(node.returns)
        if isinstance(node, ast.JoinedStr):
            roots.append(node)
        for root in roots:
            skipped.update(id(n) for n in ast.walk(root))
    return skipped


def _sites(tree: ast.AST) -> Iterator[tuple[ast.AST, str, int]]:
    """Every mutation site, in a fixed order: (node, description, variant)."""
    skipped = _skipped_ids(tree)
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Compare):
            for i, op in enumerate(node.ops):
                if type(op) in _CMP_SWAP:
                    new = _CMP_SWAP[type(op)].__name__
                    yield node, f"comparison {type(op).__name__} -> {new}", i
        elif isinstance(node, ast.BinOp) and type(node.op) in _BIN_SWAP:
            new = _BIN_SWAP[type(node.op)].__name__
            yield node, f"operator {type(node.op).__name__} -> {new}", 0
        elif isinstance(node, ast.BoolOp):
            new = "Or" if isinstance(node.op, ast.And) else "And"
            yield node, f"boolean {type(node.op).__name__} -> {new}", 0
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            yield node, "drop 'not'", 0
        elif isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, bool):
                yield node, f"constant {value} -> {not value}", 0
            elif isinstance(value, int):
                yield node, f"constant {value} -> {value + 1}", 0
            elif isinstance(value, str) and value:
                yield node, f"string {value[:40]!r} -> 'XX' + it", 0


def _apply(node: ast.AST, variant: int) -> ast.AST:
    """The mutated replacement of ``node`` (a new node; the tree's node is left alone)."""
    if isinstance(node, ast.Compare):
        new = copy.copy(node)
        new.ops = list(node.ops)
        new.ops[variant] = _CMP_SWAP[type(node.ops[variant])]()
        return new
    if isinstance(node, ast.BinOp):
        return ast.BinOp(left=node.left, op=_BIN_SWAP[type(node.op)](), right=node.right)
    if isinstance(node, ast.BoolOp):
        op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        return ast.BoolOp(op=op, values=node.values)
    if isinstance(node, ast.UnaryOp):
        return node.operand
    assert isinstance(node, ast.Constant)
    value = node.value
    if isinstance(value, bool):
        return ast.Constant(not value)
    if isinstance(value, int):
        return ast.Constant(value + 1)
    return ast.Constant("XX" + value)


class _Replace(ast.NodeTransformer):
    def __init__(self, target: ast.AST, replacement: ast.AST) -> None:
        self.target, self.replacement = target, replacement

    def visit(self, node: ast.AST) -> ast.AST:
        if node is self.target:
            return ast.copy_location(self.replacement, node)
        return super().visit(node)


def mutants(source: str) -> list[Mutant]:
    tree = ast.parse(source)
    return [
        Mutant(i, getattr(node, "lineno", 0), description)
        for i, (node, description, _variant) in enumerate(_sites(tree))
    ]


def _source_line(source: str, mutant: Mutant) -> str:
    lines = source.splitlines()
    return lines[mutant.line - 1].strip() if 0 < mutant.line <= len(lines) else ""


def equivalent_reason(module: str, source: str, mutant: Mutant) -> str | None:
    """Why ``mutant`` changes no behaviour, if :data:`EQUIVALENT` says so."""
    return EQUIVALENT.get(module, {}).get((_source_line(source, mutant), mutant.description))


def mutated_source(source: str, index: int) -> str:
    tree = ast.parse(source)
    node, _description, variant = list(_sites(tree))[index]
    new_tree = _Replace(node, _apply(node, variant)).visit(tree)
    ast.fix_missing_locations(new_tree)
    return ast.unparse(new_tree)


def resolve_module(name: str) -> str:
    """'naming', '_private/naming.py', 'src/multiregion_tap/failover_dns.py' -> a TESTS key."""
    cleaned = name.replace("\\", "/").removeprefix("src/").removeprefix("multiregion_tap/")
    if not cleaned.endswith(".py"):
        cleaned = cleaned.replace(".", "/") + ".py"
    if cleaned in TESTS:
        return cleaned
    matches = [key for key in TESTS if key.endswith("/" + cleaned) or key == cleaned]
    if len(matches) == 1:
        return matches[0]
    known = ", ".join(sorted(TESTS))
    raise SystemExit(f"unknown module {name!r}; known: {known}")


def _pick(all_mutants: list[Mutant], limit: int | None) -> list[Mutant]:
    """At most ``limit`` mutants spread evenly over the module (deterministic)."""
    if limit is None or limit >= len(all_mutants):
        return all_mutants
    step = len(all_mutants) / limit
    return [all_mutants[int(i * step)] for i in range(limit)]


def _run_tests(package_parent: Path, tests: list[str], timeout: float) -> tuple[bool, float]:
    """Run the tests with ``package_parent`` first on PYTHONPATH: (passed, seconds)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(package_parent), *filter(None, [env.get("PYTHONPATH")])]
    )
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "-n", "0"]
    # The verdict is the session's exit status; ``tools.mutate`` (this module, as a plugin)
    # then ends the process at once instead of waiting for threads a test left blocked.
    command += ["-p", "tools.mutate"]
    start = time.monotonic()
    try:
        result = subprocess.run(
            [*command, *tests],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return False, time.monotonic() - start
    return result.returncode == 0, time.monotonic() - start


def _run_staged(
    package_parent: Path, stages: list[tuple[str, float]]
) -> tuple[bool, float, str | None]:
    """Run each test file in its own fresh process, fastest first, and stop at the first
    that fails: (passed, seconds, the file that failed). ``stages`` holds each file with its
    timeout. A survivor has passed every file, as in one run of them all; a kill costs only
    the files up to the one that noticed."""
    total = 0.0
    for test_file, timeout in stages:
        passed, seconds = _run_tests(package_parent, [test_file], timeout)
        total += seconds
        if not passed:
            return False, total, test_file
    return True, total, None


_EXIT_STATUS: list[int] = []


def pytest_sessionfinish(session: object, exitstatus: int) -> None:
    """Plugin hook (``-p tools.mutate``, in the mutants' test runs only): note the verdict."""
    _EXIT_STATUS.append(int(exitstatus))


def pytest_unconfigure(config: object) -> None:
    """Plugin hook: exit with the session's status now. A test that leaves a thread blocked
    on a socket (the deadline tests of discovery.reach do, by design) would otherwise hold
    the interpreter's exit for the socket's timeout: 16 s of the 32 s of test_status.py."""
    if _EXIT_STATUS:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(_EXIT_STATUS[-1])


def _check_shadowing(package_parent: Path) -> None:
    """The temporary copy, not the working tree, must be what the tests import."""
    env = dict(os.environ, PYTHONPATH=str(package_parent))
    out = subprocess.run(
        [sys.executable, "-c", "import multiregion_tap; print(multiregion_tap.__file__)"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not Path(out).resolve().is_relative_to(package_parent.resolve()):
        raise SystemExit(f"the mutated copy is not imported first (got {out})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("module", help="a module of src/multiregion_tap, e.g. _private/naming.py")
    parser.add_argument("--max", type=int, default=None, help="run at most N mutants")
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    parser.add_argument("--min-score", type=float, default=0.0, help="fail below this percent")
    parser.add_argument(
        "--index",
        type=int,
        nargs="+",
        default=None,
        metavar="N",
        help="run only these mutants (their # in --list): to check that a new test kills them",
    )
    parser.add_argument(
        "--run-equivalent",
        action="store_true",
        help="also run the mutants EQUIVALENT explains (by default they are counted as "
        "survivors without a test run)",
    )
    parser.add_argument(
        "--tests",
        nargs="+",
        default=None,
        metavar="FILE",
        help="run these test files instead of the module's mapped ones (a score against fewer "
        "tests can only be lower: say so when you record it)",
    )
    args = parser.parse_args(argv)

    module = resolve_module(args.module)
    path = PACKAGE / module
    source = path.read_text(encoding="utf-8")
    chosen = _pick(mutants(source), args.max)
    if args.index is not None:
        chosen = [m for m in chosen if m.index in set(args.index)]
    if args.list:
        for m in chosen:
            reason = equivalent_reason(module, source, m)
            note = f"  [equivalent: {reason}]" if reason else ""
            print(f"#{m.index} line {m.line}: {m.description}: {_source_line(source, m)}{note}")
        return 0
    tests = args.tests or TESTS[module]
    print(f"mutating src/multiregion_tap/{module}: {len(chosen)} mutants; tests: {' '.join(tests)}")

    with tempfile.TemporaryDirectory(prefix="mutate-") as tmp:
        parent = Path(tmp)
        copy_root = parent / "multiregion_tap"
        shutil.copytree(PACKAGE, copy_root, ignore=shutil.ignore_patterns("__pycache__"))
        _check_shadowing(parent)
        target = copy_root / module

        stages: list[tuple[str, float]] = []
        baseline = 0.0
        for test_file in tests:
            ok, seconds = _run_tests(parent, [test_file], timeout=1800)
            if not ok:
                print(
                    f"{test_file} fails without any mutant: fix it first (no score)",
                    file=sys.stderr,
                )
                return 2
            baseline += seconds
            stages.append((test_file, seconds * 3 + 30))
        stages.sort(key=lambda stage: stage[1])
        order = ", ".join(f"{name} ({(limit - 30) / 3:.1f}s)" for name, limit in stages)
        print(f"baseline: tests pass in {baseline:.1f}s; each mutant runs {order}, in turn")

        survivors: list[Mutant] = []
        killed = 0
        start = time.monotonic()
        for n, mutant in enumerate(chosen, 1):
            known = equivalent_reason(module, source, mutant)
            if known and not args.run_equivalent:
                print(
                    f"[{n}/{len(chosen)}] #{mutant.index} line {mutant.line}: "
                    f"{mutant.description}: equivalent, not run: {known}",
                    flush=True,
                )
                survivors.append(mutant)
                continue
            target.write_text(mutated_source(source, mutant.index), encoding="utf-8")
            passed, seconds, killer = _run_staged(parent, stages)
            reason = equivalent_reason(module, source, mutant) if passed else None
            if passed:
                verdict = f"SURVIVED, equivalent: {reason}" if reason else "SURVIVED"
            else:
                verdict = f"killed by {Path(killer or '').name}"
            print(
                f"[{n}/{len(chosen)}] #{mutant.index} line {mutant.line}: "
                f"{mutant.description}: {verdict} ({seconds:.1f}s)",
                flush=True,
            )
            if passed:
                survivors.append(mutant)
            else:
                killed += 1
        target.write_text(source, encoding="utf-8")
        elapsed = time.monotonic() - start

    explained = [m for m in survivors if equivalent_reason(module, source, m)]
    unexplained = [m for m in survivors if m not in explained]
    if explained:
        print(
            f"\nsurvivors explained as equivalent (EQUIVALENT in tools/mutate.py): {len(explained)}"
        )
        for m in explained:
            reason = equivalent_reason(module, source, m)
            print(f"  #{m.index} line {m.line}: {m.description}: {reason}")
    if unexplained:
        print("\nsurvivors (kill with a test, or explain as equivalent in EQUIVALENT):")
        for m in unexplained:
            print(f"  #{m.index} line {m.line}: {m.description}: {_source_line(source, m)}")
    score = 100.0 * killed / len(chosen) if chosen else 100.0
    per_mutant = elapsed / len(chosen) if chosen else 0.0
    print(
        f"\nscore: {killed}/{len(chosen)} killed = {score:.1f}% (src/multiregion_tap/{module}); "
        f"{len(explained)} equivalent, {len(unexplained)} unexplained; "
        f"{elapsed:.0f}s for the mutants, {per_mutant:.1f}s each"
    )
    return 0 if score >= args.min_score else 1


if __name__ == "__main__":
    sys.exit(main())
