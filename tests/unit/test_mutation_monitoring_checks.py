"""_private/monitoring_checks.py: exact messages, every bound, tokens skipped. No synth: kills the
mutants of ``tools/mutate.py`` in a few seconds each (docs/guides/testing.md)."""

from __future__ import annotations

import re

import aws_cdk as cdk
import pytest

from multiregion_tap import ValidationError
from multiregion_tap._private import monitoring_checks as mc


def _raises(message: str) -> pytest.RaisesContext[ValidationError]:
    return pytest.raises(ValidationError, match="^" + re.escape(message) + "$")


def test_string_list() -> None:
    assert mc.string_list("p", ("a", "b")) == ["a", "b"]
    with _raises("p must be a list of strings, got 'ops@example.com'"):
        mc.string_list("p", "ops@example.com")
    with _raises("p must be a list of strings, got 3"):
        mc.string_list("p", 3)


@pytest.mark.parametrize(
    "email",
    [
        "ops@example.com",
        "a.b+c@mail.example.co.uk",
        "x" * 64 + "@example.com",
        "o@a-b.io",
        "o@" + "a" * 63 + ".com",
        "o@example." + "a" * 63,
    ],
)
def test_emails_accepted(email: str) -> None:
    assert mc.require_emails("email_addresses", [email]) == [email]


@pytest.mark.parametrize(
    "email",
    [
        "ops",
        "ops@example",
        "ops@@example.com",
        "o ps@example.com",
        "x" * 65 + "@example.com",
        "o@-a.com",
        "o@a-.com",
        "o@" + "a" * 64 + ".com",
        "o@example.c",
        "o@example.c0m",
        "o@example." + "a" * 64,
        "@example.com",
    ],
)
def test_emails_refused(email: str) -> None:
    with _raises(
        f"email_addresses[1] must be an e-mail address such as 'ops@example.com', got {email!r}"
    ):
        mc.require_emails("email_addresses", ["ok@example.com", email])


def test_email_tokens_are_skipped_and_non_strings_refused() -> None:
    token = cdk.Fn.import_value("email")
    assert mc.require_emails("e", [token]) == [token]
    with _raises("e[0] must be an e-mail address such as 'ops@example.com', got 3"):
        mc.require_emails("e", [3])


@pytest.mark.parametrize(
    "url", ["https://hooks.example.com/x", "https://h", "https://h:8443/p?q=1"]
)
def test_https_urls_accepted(url: str) -> None:
    assert mc.require_https_urls("https_endpoints", [url]) == [url]


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example.com/x",
        "https://",
        "https:///path",
        "https://h/a b",
        "hooks.example.com",
        7,
    ],
)
def test_https_urls_refused(url: object) -> None:
    with _raises(
        "https_endpoints[1] must be an https:// URL such as 'https://hooks.example.com/x', "
        f"got {url!r}"
    ):
        mc.require_https_urls("https_endpoints", ["https://ok.example.com", url])


def test_https_url_tokens_are_skipped() -> None:
    token = cdk.Fn.import_value("url")
    assert mc.require_https_urls("u", [token]) == [token]


@pytest.mark.parametrize("name", ["a", "Shop-us_east-1", "x" * 255, None])
def test_dashboard_names_accepted(name: str | None) -> None:
    assert mc.require_dashboard_name("dashboard_name", name) is None


def test_a_dashboard_name_token_is_skipped() -> None:
    assert mc.require_dashboard_name("dashboard_name", cdk.Fn.import_value("d")) is None


@pytest.mark.parametrize("name", ["", "x" * 256, "a.b", "a b", 3])
def test_dashboard_names_refused(name: object) -> None:
    with _raises(f"dashboard_name must be 1 to 255 letters, digits, '-' and '_', got {name!r}"):
        mc.require_dashboard_name("dashboard_name", name)  # type: ignore[arg-type]


def test_duration_range() -> None:
    assert mc.require_duration_range("d", cdk.Duration.seconds(60), 60, 3600) == 60
    assert mc.require_duration_range("d", cdk.Duration.hours(1), 60, 3600) == 3600
    assert mc.require_duration_range("d", cdk.Duration.millis(1500), 1, 2) == 1.5
    token = cdk.Duration.millis(cdk.Token.as_number(cdk.Fn.import_value("s")))
    assert mc.require_duration_range("d", token, 60, 3600) == 60
    with _raises("d must be between 60 and 3600 seconds, got '59 seconds'"):
        mc.require_duration_range("d", cdk.Duration.seconds(59), 60, 3600)
    with _raises("d must be between 60 and 3600 seconds, got '1 hour 1 second'"):
        mc.require_duration_range("d", cdk.Duration.seconds(3601), 60, 3600)
    with _raises("d must be between 0.5 and 2 seconds, got '3 seconds'"):
        mc.require_duration_range("d", cdk.Duration.seconds(3), 0.5, 2)
    with _raises("d must be an aws_cdk.Duration, got 60"):
        mc.require_duration_range("d", 60, 60, 3600)  # type: ignore[arg-type]
