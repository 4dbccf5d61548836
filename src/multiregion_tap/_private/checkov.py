"""checkov skips scoped to one resource (CloudFormation ``Metadata.checkov.skip``).

A check that a construct fails by design is skipped on the resource that fails it, with the
reason, instead of for every resource of every template in a global configuration. checkov
reads ``Metadata: {checkov: {skip: [{id, comment}]}}`` on each resource.
"""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
from constructs import IConstruct


def skip_checkov(construct: IConstruct, check_id: str, reason: str) -> None:
    """Skip checkov's ``check_id`` on ``construct``'s CloudFormation resource, saying why."""
    resource = construct if isinstance(construct, cdk.CfnResource) else construct.node.default_child
    if not isinstance(resource, cdk.CfnResource):
        raise TypeError(f"{construct.node.path} has no CloudFormation resource to annotate")
    existing: Any = resource.get_metadata("checkov") or {}
    skips = [dict(s) for s in existing.get("skip", []) if s.get("id") != check_id]
    skips.append({"id": check_id, "comment": reason})
    resource.add_metadata("checkov", {"skip": skips})
