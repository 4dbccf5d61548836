"""MultiRegionApp puts CloudFormation termination protection on every stack it makes, so a
``cdk destroy`` of a production app fails before it deletes anything; a throwaway app turns
it off."""

from __future__ import annotations

from typing import Any

import aws_cdk as cdk
import pytest

from multiregion_tap import FailoverDnsProps, MultiRegionApp, ValidationError


def _protection(**kwargs: Any) -> dict[str, bool]:
    """terminationProtection of each stack in the cloud assembly, as the CDK CLI reads it."""
    app = cdk.App()
    MultiRegionApp(
        app,
        "Shop",
        app_name="shop",
        account="123456789012",
        dns=FailoverDnsProps(zone_name="mycompany.com", record_name="shop.mycompany.com"),
        **kwargs,
    )
    assembly = app.synth()
    return {s.stack_name: bool(s.termination_protection) for s in assembly.stacks}


def test_every_stack_is_protected_by_default() -> None:
    protected = _protection()
    assert set(protected) == {
        "shop-us-east-1",
        "shop-us-east-2",
        "shop-peering",
        "shop-peering-routes-us-east-2",
        "shop-dns",
        "shop-dns-alarms",
        "shop-monitoring",
    }
    assert all(protected.values()), protected


def test_a_throwaway_app_turns_it_off() -> None:
    protected = _protection(termination_protection=False)
    assert protected and not any(protected.values()), protected


@pytest.mark.parametrize("value", ["yes", 1, None])
def test_a_value_that_is_not_a_bool_is_refused(value: Any) -> None:
    with pytest.raises(ValidationError) as raised:
        _protection(termination_protection=value)
    assert str(raised.value).startswith(
        f"termination_protection must be True or False, got {value!r}"
    )
