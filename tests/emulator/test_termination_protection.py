"""Stack termination protection in the emulator, as AWS has it (tools/emulator/README.md,
"Termination protection", cites the page): UpdateTerminationProtection turns it on and off,
DescribeStacks reports it, and DeleteStack of a protected stack fails and changes nothing."""

from __future__ import annotations

import botocore.exceptions
import pytest

from .conftest import Deployer

pytestmark = pytest.mark.emulator

TEMPLATE = {"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}}


def test_a_protected_stack_is_not_deleted(cfn: Deployer) -> None:
    cfn.deploy("protected", TEMPLATE)
    client = cfn.client("cloudformation")
    sns = cfn.client("sns")
    answer = client.update_termination_protection(
        StackName="protected", EnableTerminationProtection=True
    )
    (stack,) = client.describe_stacks(StackName="protected")["Stacks"]
    assert answer["StackId"] == stack["StackId"]
    assert stack["EnableTerminationProtection"] is True

    with pytest.raises(botocore.exceptions.ClientError) as refused:
        client.delete_stack(StackName="protected")
    error = refused.value.response["Error"]
    assert error["Code"] == "ValidationError"
    assert error["Message"] == (
        "Stack [protected] cannot be deleted while TerminationProtection is enabled"
    )
    # "the stack, including its status, remains unchanged"
    (after,) = client.describe_stacks(StackName="protected")["Stacks"]
    assert after["StackStatus"] == stack["StackStatus"]
    assert len(sns.list_topics()["Topics"]) == 1

    client.update_termination_protection(StackName="protected", EnableTerminationProtection=False)
    (off,) = client.describe_stacks(StackName="protected")["Stacks"]
    assert off["EnableTerminationProtection"] is False
    client.delete_stack(StackName="protected")
    assert not [s for s in client.describe_stacks()["Stacks"] if s["StackName"] == "protected"]
    assert sns.list_topics()["Topics"] == []


def test_a_stack_that_does_not_exist_is_named_in_the_error(cfn: Deployer) -> None:
    client = cfn.client("cloudformation")
    with pytest.raises(botocore.exceptions.ClientError) as missing:
        client.update_termination_protection(StackName="nowhere", EnableTerminationProtection=True)
    assert missing.value.response["Error"]["Message"] == "Stack with id nowhere does not exist"
