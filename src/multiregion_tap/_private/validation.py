"""Synth-time validation helpers shared by every construct.

Every check raises :class:`~multiregion_tap.errors.ValidationError` (a ``ValueError``) whose
message names the prop and shows the value received. Values that are unresolved CDK tokens
are skipped: they are only known at deploy time, and CloudFormation checks them then.
"""

from __future__ import annotations

import contextlib
import functools
import ipaddress
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

import aws_cdk as cdk
from constructs import Construct

from ..errors import ValidationError
from ..outputs import OUTPUT_SUFFIX_PATTERN

# Region names: two to four letter area (us, eu, ap, cn, il, mx, eusc, ...), an optional
# partition qualifier (gov, iso, isob, de, ...), a direction and a number.
_REGION_RE = re.compile(
    r"^[a-z]{2,4}(-[a-z]{2,4})?-"
    r"(north|south|east|west|central|northeast|northwest|southeast|southwest)-[1-9][0-9]?$"
)


_TOKEN_MARKER = "Token["
#: Every number token is a double of magnitude ~1.8e289; anything smaller is a literal.
_NO_NUMBER_TOKEN_BELOW = 1e280


def is_token(value: Any) -> bool:
    """True when ``value`` holds an unresolved CDK token (string, number or list)."""
    if value is None or isinstance(value, bool):
        return False
    # Answer the common literal cases in Python, without a jsii round trip. The same rules
    # as aws-cdk-lib's Token.isUnresolved: a string token contains "Token[" (as in
    # "${Token[...]}" or "#{Token[...]}"), and a number token is a NaN-free double near
    # -1.8e289 (its top 16 bits are 0xFBFF).
    if isinstance(value, str):
        return _TOKEN_MARKER in value and cdk.Token.is_unresolved(value)
    if isinstance(value, (int, float)):
        return not abs(value) < _NO_NUMBER_TOKEN_BELOW and cdk.Token.is_unresolved(value)
    if isinstance(value, (list, tuple)):
        return any(is_token(v) for v in value)
    return bool(cdk.Token.is_unresolved(value))


def fail(prop: str, value: Any, requirement: str) -> ValidationError:
    """Build the error for ``prop``: '<prop> must <requirement>, got <value!r>'."""
    return ValidationError(f"{prop} must {requirement}, got {value!r}")


def require_int_range(prop: str, value: int | float | None, low: float, high: float) -> None:
    """Reject a number outside ``[low, high]`` (tokens and ``None`` pass)."""
    if value is None or is_token(value):
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise fail(prop, value, f"be a number between {low} and {high}")
    if not low <= value <= high:
        raise fail(prop, value, f"be between {low} and {high}")


def require_one_of(prop: str, value: Any, allowed: Iterable[Any]) -> None:
    """Reject a value not in ``allowed`` (tokens and ``None`` pass)."""
    if value is None or is_token(value):
        return
    choices = list(allowed)
    if value not in choices:
        raise fail(prop, value, "be one of " + ", ".join(repr(c) for c in choices))


def require_pattern(
    prop: str, value: str | None, pattern: re.Pattern[str], requirement: str
) -> None:
    """Reject a string that does not match ``pattern`` (tokens and ``None`` pass)."""
    if value is None or is_token(value):
        return
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise fail(prop, value, requirement)


def require_exclusive(**props: Any) -> None:
    """Reject giving more than one of the named props (the 'existing_x' vs 'x_props' pairs)."""
    given = [name for name, value in props.items() if value is not None]
    if len(given) > 1:
        shown = ", ".join(f"{name}={props[name]!r}" for name in given)
        raise ValidationError(
            f"{' and '.join(given)} are mutually exclusive: give at most one, got {shown}"
        )


def require_region(prop: str, value: Any) -> str:
    """Return ``value`` when it is a literal AWS region name such as 'us-east-1'.

    Regions decide which stack a resource lands in, so they must be known at synth time:
    a token is rejected here rather than skipped.
    """
    if isinstance(value, str) and cdk.Token.is_unresolved(value):
        raise fail(prop, value, "be a literal AWS region name such as 'us-east-1', not a token")
    if not isinstance(value, str) or not _REGION_RE.fullmatch(value):
        raise fail(prop, value, "be an AWS region name such as 'us-east-1'")
    return value


def partition_of(region: str) -> str:
    """The AWS partition a region belongs to ('aws', 'aws-cn', 'aws-us-gov', ...)."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    if region.startswith("us-isob-"):
        return "aws-iso-b"
    if region.startswith("us-iso-"):
        return "aws-iso"
    if region.startswith("eu-isoe-"):
        return "aws-iso-e"
    if region.startswith("us-isof-"):
        return "aws-iso-f"
    if region.startswith("eusc-"):
        return "aws-eusc"
    return "aws"


def require_distinct(prop: str, values: Sequence[str]) -> None:
    """Reject a sequence that names the same value twice."""
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise fail(prop, list(values), f"not name {value!r} twice")
        seen.add(value)


def require_cidr(prop: str, value: str | None, *, min_prefix: int, max_prefix: int) -> None:
    """Reject a CIDR that is not an RFC 1918 IPv4 network with a prefix in range."""
    if value is None or is_token(value):
        return
    try:
        network = ipaddress.IPv4Network(value, strict=True)
    except (ValueError, TypeError) as exc:
        raise fail(prop, value, f"be an IPv4 CIDR block such as '10.0.0.0/16' ({exc})") from None
    if not network.is_private or not any(
        network.subnet_of(ipaddress.IPv4Network(block))
        for block in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")
    ):
        raise fail(prop, value, "be inside an RFC 1918 private range (10/8, 172.16/12, 192.168/16)")
    if not min_prefix <= network.prefixlen <= max_prefix:
        raise fail(prop, value, f"have a prefix length between /{min_prefix} and /{max_prefix}")


def require_no_overlap(prop: str, cidrs: dict[str, str]) -> None:
    """Reject two named CIDRs that overlap (tokens are skipped)."""
    literal = {k: ipaddress.IPv4Network(v) for k, v in cidrs.items() if not is_token(v)}
    names = sorted(literal)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            if literal[a].overlaps(literal[b]):
                raise ValidationError(
                    f"{prop} must not overlap: {a} has {cidrs[a]!r} and {b} has {cidrs[b]!r}"
                )


def require_output_suffix(value: Any, prop: str = "output_suffix") -> str:
    """The one rule for every construct's ``output_suffix``: it ends CloudFormation logical ids
    (the well-known outputs), which are ASCII letters and digits only."""
    if not isinstance(value, str) or not OUTPUT_SUFFIX_PATTERN.fullmatch(value):
        raise fail(prop, value, "be up to 32 ASCII letters and digits (or empty)")
    return value


#: Where Route 53 health-check metrics live, per partition: Route 53 publishes them only in
#: the partition's Route 53 home region (us-east-1 in the commercial partition).
_ROUTE53_METRICS_REGION = {"aws": "us-east-1"}


def route53_metrics_region(region: str) -> str | None:
    """Where Route 53 health-check metrics live for the partition of ``region`` (``None``
    when the library does not know the partition's region)."""
    return _ROUTE53_METRICS_REGION.get(partition_of(region))


_Init = TypeVar("_Init", bound=Callable[..., None])


@contextlib.contextmanager
def at_construct_path(path: str | Callable[[], str]) -> Iterator[None]:
    """Make a :class:`ValidationError` raised inside the block name the construct ``path``
    (or what ``path()`` returns: computed only when an error is raised, since reading a
    construct's path is a jsii round trip).

    An error that already names a path (from a construct built inside this one) is passed on
    unchanged, so the innermost construct is the one named.
    """
    try:
        yield
    except ValidationError as error:
        if error.construct_path is not None:
            raise
        where = path() if callable(path) else path
        raise ValidationError(error.message, construct_path=where) from None


def names_construct_path(init: _Init) -> _Init:
    """Decorate a construct's ``__init__(self, scope, id, ...)`` so that a
    :class:`ValidationError` it raises names the construct path (``scope``'s path plus ``id``)
    (see :func:`at_construct_path`)."""

    @functools.wraps(init)
    def wrapper(self: Any, scope: Construct, id: str, *args: Any, **kwargs: Any) -> None:
        def path() -> str:
            parent = scope.node.path if isinstance(scope, Construct) else ""
            return f"{parent}/{id}" if parent else str(id)

        with at_construct_path(path):
            init(self, scope, id, *args, **kwargs)

    return wrapper  # type: ignore[return-value]
