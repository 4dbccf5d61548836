"""A resource that fails to create fails its stack, as CloudFormation reports it.

Stock moto let the exception of a failing resource escape ``CreateStack`` or
``ExecuteChangeSet`` (an HTTP error; the stack stayed ``CREATE_IN_PROGRESS``). CloudFormation
accepts the request, marks the resource ``CREATE_FAILED`` with a reason in the stack events,
rolls the stack back and leaves it in ``ROLLBACK_COMPLETE`` (stack status values:
https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_Stack.html; resource
events: https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackEvent.html).
This module does the same for the first resource that fails:

- the resource event ``CREATE_FAILED`` carries the error's message as its reason;
- the stack goes ``ROLLBACK_IN_PROGRESS`` (reason: the failed resource) then
  ``ROLLBACK_COMPLETE``, with no outputs.

Unlike CloudFormation it deletes nothing it already created (moto's deletes are partial):
reset the emulator after a failed deploy.
"""

from __future__ import annotations

from typing import Any

from moto.cloudformation import parsing

_ORIGINAL: dict[str, Any] = {}


class ResourceCreateFailedError(Exception):
    """The resource ``logical_id`` of type ``resource_type`` failed to create."""

    def __init__(self, logical_id: str, resource_type: str, reason: str) -> None:
        super().__init__(f"{logical_id} ({resource_type}): {reason}")
        self.logical_id = logical_id
        self.resource_type = resource_type
        self.reason = reason


def _reason(error: BaseException) -> str:
    message = getattr(error, "message", None)
    return str(message) if message else (str(error) or type(error).__name__)


def _parse_and_create_resource(
    logical_id: str,
    resource_json: dict[str, Any],
    resources_map: Any,
    account_id: str,
    region_name: str,
) -> Any:
    try:
        return _ORIGINAL["parse_and_create_resource"](
            logical_id, resource_json, resources_map, account_id, region_name
        )
    except ResourceCreateFailedError:
        raise  # a resource this one references failed first: keep its name
    except Exception as error:
        raise ResourceCreateFailedError(
            logical_id, str(resource_json.get("Type")), _reason(error)
        ) from error


def mark_create_failed(stack: Any, failure: ResourceCreateFailedError) -> None:
    """Record ``failure`` on ``stack`` as CloudFormation does and leave it ROLLBACK_COMPLETE."""
    from moto.cloudformation.models import Event

    stack.events.append(
        Event(
            stack_id=stack.stack_id,
            stack_name=stack.name,
            logical_resource_id=failure.logical_id,
            physical_resource_id="",
            resource_type=failure.resource_type,
            resource_status="CREATE_FAILED",
            resource_status_reason=failure.reason,
            resource_properties=None,
        )
    )
    reason = (
        f"The following resource(s) failed to create: [{failure.logical_id}]. "
        "Rollback requested by user."
    )
    stack._add_stack_event("ROLLBACK_IN_PROGRESS", resource_status_reason=reason)
    stack._add_stack_event("ROLLBACK_COMPLETE")
    stack.status = "ROLLBACK_COMPLETE"
    stack.stack_status_reason = reason
    # No outputs: evaluating them would create the resources that were never reached.
    stack.output_map = parsing.OutputMap(stack.resource_map, {}, stack.stack_id)


def _create_resources(self: Any) -> None:
    try:
        _ORIGINAL["create_resources"](self)
    except ResourceCreateFailedError as failure:
        mark_create_failed(self, failure)


def apply() -> None:
    from moto.cloudformation.models import Stack

    _ORIGINAL["parse_and_create_resource"] = parsing.parse_and_create_resource
    parsing.parse_and_create_resource = _parse_and_create_resource
    _ORIGINAL["create_resources"] = Stack.create_resources
    Stack.create_resources = _create_resources  # type: ignore[method-assign]
