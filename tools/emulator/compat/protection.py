"""Stack termination protection, which moto stores at CreateStack but does not enforce.

- ``UpdateTerminationProtection`` turns it on or off (the CDK CLI calls it after a deploy
  whose stack's ``terminationProtection`` differs from the deployed one); ``DescribeStacks``
  reports it as ``EnableTerminationProtection`` (moto already does).
- ``DeleteStack`` of a protected stack fails with a ``ValidationError`` and changes nothing:
  "If a user attempts to delete a stack with termination protection enabled, the deletion
  fails and the stack, including its status, remains unchanged" (Protect CloudFormation
  stacks from being deleted, see tools/emulator/README.md). The message is AWS's:
  ``Stack [<name>] cannot be deleted while TerminationProtection is enabled``.
"""

from __future__ import annotations

from typing import Any

_ORIGINAL: dict[str, Any] = {}


def _find(backend: Any, name_or_stack_id: str) -> Any:
    return backend.stacks.get(name_or_stack_id) or next(
        (s for s in backend.stacks.values() if s.name == name_or_stack_id), None
    )


def _delete_stack(self: Any, name_or_stack_id: str) -> None:
    from moto.cloudformation.exceptions import ValidationError

    stack = _find(self, name_or_stack_id)
    if stack is not None and stack.enable_termination_protection:
        raise ValidationError(
            message=f"Stack [{stack.name}] cannot be deleted while TerminationProtection is enabled"
        )
    _ORIGINAL["delete_stack"](self, name_or_stack_id)


def _update_termination_protection(self: Any) -> Any:
    from moto.cloudformation.exceptions import ValidationError
    from moto.core.responses import ActionResult

    name = self._get_param("StackName")
    enabled = str(self._get_param("EnableTerminationProtection")).lower() == "true"
    stack = _find(self.cloudformation_backend, name)
    if stack is None:
        raise ValidationError(name)
    stack.enable_termination_protection = enabled
    return ActionResult({"StackId": stack.stack_id})


def apply() -> None:
    """Patch moto (after :mod:`.lifecycle`, whose DeleteStack this one guards)."""
    from moto.cloudformation.models import CloudFormationBackend
    from moto.cloudformation.responses import CloudFormationResponse

    _ORIGINAL["delete_stack"] = CloudFormationBackend.delete_stack
    CloudFormationBackend.delete_stack = _delete_stack  # type: ignore[method-assign]
    CloudFormationResponse.update_termination_protection = _update_termination_protection  # type: ignore[attr-defined]
