"""DNS name checks for FailoverDns."""

from __future__ import annotations

import re

from .validation import fail, is_token

#: A DNS label as Route 53 accepts it for these records: letters, digits, hyphens and
#: underscores, 1 to 63 characters, no hyphen at either end.
_LABEL_RE = re.compile(r"(?!-)[a-z0-9_-]{1,63}(?<!-)")
#: Longest name without the trailing dot.
MAX_NAME_LENGTH = 253
#: Names Route 53 refuses for a hosted zone (``InvalidDomainName``, "reserved by AWS"): the
#: second-level names RFC 2606 reserves for documentation, and every name below them.
RESERVED_ZONE_NAMES = ("example.com", "example.net", "example.org")


def normalize_name(prop: str, value: object) -> str:
    """Return ``value`` lowercased without a trailing dot, after checking it is a DNS name."""
    if not isinstance(value, str) or not value:
        raise fail(prop, value, "be a fully qualified DNS name such as 'app.example.com'")
    if is_token(value):
        return value
    name = value.lower().removesuffix(".")
    if len(name) > MAX_NAME_LENGTH:
        raise fail(prop, value, f"be at most {MAX_NAME_LENGTH} characters")
    labels = name.split(".")
    if not all(_LABEL_RE.fullmatch(label) for label in labels):
        raise fail(
            prop,
            value,
            "be a DNS name of dot-separated labels (letters, digits, '-', '_'; "
            "1 to 63 characters each, no '-' at either end)",
        )
    return name


def require_inside_zone(prop: str, value: str, name: str, zone_name: str) -> None:
    """Reject ``name`` when it is neither ``zone_name`` nor a name below it (tokens pass)."""
    if is_token(name) or is_token(zone_name):
        return
    zone = zone_name.lower().removesuffix(".")
    if name != zone and not name.endswith("." + zone):
        raise fail(
            prop,
            value,
            f"be inside the hosted zone {zone!r}: the zone name itself or a name ending in "
            f"'.{zone}' (give the fully qualified name, e.g. 'app.{zone}')",
        )


def require_hostable_zone(prop: str, value: object, name: str) -> None:
    """Reject a zone name Route 53 cannot host (tokens pass): a top-level domain such as
    ``com`` (the Route 53 API reference, ``CreateHostedZone``), and ``example.com``,
    ``example.net``, ``example.org`` and the names below them, which Route 53 reserves."""
    if is_token(name):
        return
    if "." not in name:
        raise fail(
            prop,
            value,
            "be a domain below a top-level domain, such as 'mycompany.com' (Route 53 cannot "
            "host a zone for a top-level domain)",
        )
    for reserved in RESERVED_ZONE_NAMES:
        if name == reserved or name.endswith("." + reserved):
            raise fail(
                prop,
                value,
                f"not be {reserved!r} or a name below it: Route 53 reserves "
                f"{', '.join(RESERVED_ZONE_NAMES)} and refuses their hosted zones "
                "(InvalidDomainName); use a domain you own",
            )
