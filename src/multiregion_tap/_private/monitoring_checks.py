"""Validation helpers of the monitoring module."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

import aws_cdk as cdk

from .validation import fail, is_token

# A pragmatic e-mail check: one '@', a non-empty local part, a dotted domain, no spaces.
_EMAIL_RE = re.compile(
    r"[^@\s]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)
_DASHBOARD_RE = re.compile(r"[A-Za-z0-9_-]{1,255}")


def string_list(prop: str, value: Any) -> list[str]:
    """``value`` as a list of strings (a single string is a mistake, not a list of chars)."""
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise fail(prop, value, "be a list of strings")
    return list(value)


def require_emails(prop: str, value: Any) -> list[str]:
    """Reject anything that is not a list of e-mail addresses."""
    emails = string_list(prop, value)
    for index, email in enumerate(emails):
        if is_token(email):
            continue
        if not isinstance(email, str) or not _EMAIL_RE.fullmatch(email):
            raise fail(f"{prop}[{index}]", email, "be an e-mail address such as 'ops@example.com'")
    return emails


def require_https_urls(prop: str, value: Any) -> list[str]:
    """Reject anything that is not a list of ``https://`` URLs with a host."""
    urls = string_list(prop, value)
    for index, url in enumerate(urls):
        if is_token(url):
            continue
        parts = urlsplit(url) if isinstance(url, str) else None
        if parts is None or parts.scheme != "https" or not parts.hostname or " " in url:
            raise fail(
                f"{prop}[{index}]", url, "be an https:// URL such as 'https://hooks.example.com/x'"
            )
    return urls


def require_dashboard_name(prop: str, value: str | None) -> None:
    if value is None or is_token(value):
        return
    if not isinstance(value, str) or not _DASHBOARD_RE.fullmatch(value):
        raise fail(prop, value, "be 1 to 255 letters, digits, '-' and '_'")


def require_duration_range(prop: str, value: cdk.Duration, low_s: float, high_s: float) -> float:
    """Seconds of ``value``, rejected outside ``[low_s, high_s]`` (tokens pass as ``low_s``)."""
    if not isinstance(value, cdk.Duration):
        raise fail(prop, value, "be an aws_cdk.Duration")
    millis = value.to_milliseconds()
    if is_token(millis):
        return low_s
    seconds = millis / 1000
    if not low_s <= seconds <= high_s:
        raise fail(prop, value.to_human_string(), f"be between {low_s:g} and {high_s:g} seconds")
    return seconds
