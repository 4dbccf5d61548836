"""Region-scoped values: refuse an ARN (or image) of another region at synth time (private).

KMS keys, WAF web ACLs and ACM certificates are regional: a load balancer or log group can
only use one of its own region, and CloudFormation finds out only on deploy, after the other
regions' stacks may already have changed. A value is checked where it is literal (an ARN
written in the app, a key or certificate imported from one) and against the stack it is
used in; an unresolved token passes (CloudFormation checks it), and so does everything in a
stack whose region is itself a token (an environment-agnostic stack).

Every check raises :class:`~multiregion_tap.errors.ValidationError` naming the prop and
showing the value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import aws_cdk as cdk

from .validation import fail, is_token, partition_of

__all__ = [
    "ArnParts",
    "parse_arn",
    "require_ecr_image_in_region",
    "require_regional_arn",
    "require_regional_resource",
]


@dataclass(frozen=True)
class ArnParts:
    """The fields of ``arn:<partition>:<service>:<region>:<account>:<resource>``; a field that
    holds a token is ``None`` (unknown at synth time)."""

    partition: str | None
    service: str | None
    region: str | None
    account: str | None
    resource: str | None


def parse_arn(value: str) -> ArnParts | None:
    """The fields of an ARN, or ``None`` when ``value`` is not shaped like one (a token that
    stands for a whole ARN is not)."""
    parts = value.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn":
        return None
    fields = [None if is_token(p) else p for p in parts[1:]]
    return ArnParts(*fields)


def _literal(value: Any) -> str | None:
    return value if isinstance(value, str) and value and not is_token(value) else None


def require_regional_arn(
    prop: str,
    arn: Any,
    stack: cdk.Stack,
    *,
    service: str,
    what: str,
    same_account: bool,
    resource_prefix: str | None = None,
    resource_requirement: str = "",
) -> None:
    """Refuse an ARN of ``service`` that names another region, partition or (with
    ``same_account``) account than ``stack``; tokens and token fields pass.

    :param what: What the value is, for the message (``"a WAF web ACL"``).
    :param resource_prefix: The resource part must start with it (a literal resource part).
    :param resource_requirement: The requirement shown when it does not.
    """
    if not isinstance(arn, str):
        raise fail(prop, arn, f"be the ARN of {what} (a string)")
    parts = parse_arn(arn)
    if parts is None:
        if is_token(arn):
            return  # a whole ARN known only at deploy time
        raise fail(prop, arn, f"be the ARN of {what}: arn:<partition>:{service}:<region>:...")
    if parts.service is not None and parts.service != service:
        raise fail(prop, arn, f"be the ARN of {what} (service {service!r})")
    region = _literal(stack.region)
    if region is not None and parts.region is not None and parts.region != region:
        raise fail(
            prop,
            arn,
            f"name the stack's region {region!r}: {what} is regional, and "
            f"{stack.stack_name if not is_token(stack.stack_name) else 'this stack'} "
            f"deploys to {region} (use one created in, or imported for, {region})",
        )
    if region is not None and parts.partition is not None:
        expected = partition_of(region)
        if parts.partition != expected:
            raise fail(
                prop, arn, f"be in the partition {expected!r} of the stack's region {region!r}"
            )
    account = _literal(stack.account)
    if same_account and account is not None and parts.account not in (None, account):
        raise fail(
            prop, arn, f"name the stack's account {account!r}: {what} must be in that account"
        )
    if (
        resource_prefix is not None
        and parts.resource is not None
        and not parts.resource.startswith(resource_prefix)
    ):
        raise fail(prop, arn, resource_requirement)


def require_regional_resource(
    prop: str,
    resource: Any,
    arn: Any,
    stack: cdk.Stack,
    *,
    service: str,
    what: str,
    same_account: bool,
) -> None:
    """:func:`require_regional_arn` for a construct (a key, a certificate): also refuse one
    that belongs to a stack of another region (its ARN is then a token)."""
    env = getattr(resource, "env", None)
    home = _literal(getattr(env, "region", None))
    region = _literal(stack.region)
    if home is not None and region is not None and home != region:
        shown = arn if _literal(arn) is not None else resource.node.path
        raise fail(
            prop,
            shown,
            f"be in the stack's region {region!r}, not {home!r}: {what} is regional "
            f"(use one created in, or imported for, {region})",
        )
    require_regional_arn(prop, arn, stack, service=service, what=what, same_account=same_account)


#: ``<account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]/<repository>[:tag|@digest]``
_ECR_IMAGE_RE = re.compile(
    r"^(?P<account>[0-9]{12})\.dkr\.ecr(?:-fips)?\.(?P<region>[a-z0-9-]+)\."
    r"(?:amazonaws\.com(?:\.cn)?|[a-z0-9.-]+)/"
)


def require_ecr_image_in_region(prop: str, image_name: Any, stack: cdk.Stack) -> None:
    """Refuse a literal private ECR image URI of another region: the tasks would pull from
    that region, so this region would stop scaling and replacing tasks when it is down.
    Pull from this region's repository (ECR replication copies the image there)."""
    name = _literal(image_name)
    region = _literal(stack.region)
    if name is None or region is None:
        return
    match = _ECR_IMAGE_RE.match(name)
    if match is not None and match["region"] != region:
        raise fail(
            prop,
            name,
            f"be an ECR image of the stack's region {region!r} (a region must not pull its "
            f"image from {match['region']!r}: replicate the repository to {region} and use "
            f"{match['account']}.dkr.ecr.{region}.amazonaws.com/...)",
        )
