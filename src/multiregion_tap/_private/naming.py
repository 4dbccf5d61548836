"""Deterministic physical names that fit AWS limits.

The library sets no physical names unless a name is required (a stack name, a fixed alarm
name that breaks a dependency cycle, an RDS identifier users want to see). Where one is
required it comes from here: the readable name when it fits, otherwise a truncated prefix
plus a short hash of the full name, so two different inputs never produce the same name and
the same input always produces the same name.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

HASH_LENGTH = 8


@dataclass(frozen=True)
class NameRule:
    """What AWS accepts for one kind of name."""

    kind: str
    max_length: int
    #: characters that are replaced by ``-`` (a regex character class of what is *allowed*)
    allowed: str = "a-zA-Z0-9-"
    lowercase: bool = False
    must_start_with_letter: bool = False
    no_double_hyphen: bool = False
    no_edge_hyphen: bool = False


STACK_NAME = NameRule("stack name", 128, must_start_with_letter=True)
RDS_IDENTIFIER = NameRule(
    "RDS identifier",
    63,
    lowercase=True,
    must_start_with_letter=True,
    no_double_hyphen=True,
    no_edge_hyphen=True,
)
LOAD_BALANCER_NAME = NameRule("load balancer name", 32, no_edge_hyphen=True, no_double_hyphen=True)
TARGET_GROUP_NAME = NameRule("target group name", 32, no_edge_hyphen=True, no_double_hyphen=True)
ALARM_NAME = NameRule("alarm name", 255, allowed="a-zA-Z0-9._/-")
DASHBOARD_NAME = NameRule("dashboard name", 255, allowed="a-zA-Z0-9_-")
LOG_GROUP_NAME = NameRule("log group name", 512, allowed="a-zA-Z0-9._/#-")
SECRET_NAME = NameRule("secret name", 512, allowed="a-zA-Z0-9/_+=.@-")


def short_hash(text: str, length: int = HASH_LENGTH) -> str:
    """A stable lowercase hex digest of ``text`` (not for security)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


def physical_name(rule: NameRule, *parts: str) -> str:
    """Join ``parts`` with ``-`` into a name that satisfies ``rule``.

    The readable name is returned unchanged when it already fits. Otherwise the name is
    cleaned (disallowed characters become ``-``), cut to fit, and ends with ``-`` plus an
    8-character hash of the *original* joined parts, so distinct inputs stay distinct.
    """
    if not parts or not all(parts):
        raise ValueError(f"{rule.kind}: every part must be a non-empty string, got {parts!r}")
    raw = "-".join(parts)
    name = _clean(rule, raw)
    if name == raw and len(name) <= rule.max_length and _valid(rule, name):
        return name
    suffix = short_hash(raw)
    room = rule.max_length - len(suffix) - 1
    head = _clean(rule, name[:room]).rstrip("-")
    if not head:
        head = "n" if rule.must_start_with_letter else ""
    result = f"{head}-{suffix}" if head else suffix
    if rule.must_start_with_letter and not result[0].isalpha():
        result = ("n" + result)[: rule.max_length]
    assert _valid(rule, result) and len(result) <= rule.max_length, (rule, raw, result)
    return result


def _clean(rule: NameRule, text: str) -> str:
    if rule.lowercase:
        text = text.lower()
    text = re.sub(f"[^{rule.allowed}]", "-", text)
    if rule.no_double_hyphen:
        text = re.sub("-{2,}", "-", text)
    if rule.no_edge_hyphen:
        text = text.strip("-")
    if rule.must_start_with_letter:
        text = text.lstrip("-0123456789")
    return text


def _valid(rule: NameRule, name: str) -> bool:
    if not name or len(name) > rule.max_length:
        return False
    if not re.fullmatch(f"[{rule.allowed}]+", name):
        return False
    if rule.lowercase and name != name.lower():
        return False
    if rule.must_start_with_letter and not name[0].isalpha():
        return False
    if rule.no_double_hyphen and "--" in name:
        return False
    return not (rule.no_edge_hyphen and (name.startswith("-") or name.endswith("-")))


def region_code(region: str) -> str:
    """A compact, unique code for a region: 'us-east-1' -> 'use1', 'ap-southeast-2' -> 'apse2'."""
    words = {
        "north": "n",
        "south": "s",
        "east": "e",
        "west": "w",
        "central": "c",
        "northeast": "ne",
        "northwest": "nw",
        "southeast": "se",
        "southwest": "sw",
    }
    return "".join(words.get(part, part) for part in region.split("-"))
