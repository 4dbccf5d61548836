"""Errors raised by multiregion-tap at synth time."""

from __future__ import annotations

__all__ = ["ValidationError"]


class ValidationError(ValueError):
    """A prop has a value that would fail at deploy time (or makes no sense).

    The message names the prop and shows the value received and, when a construct raised it,
    ends with the construct path it was raised for, for example
    ``desired_count must be between 1 and 100, got 0 (at shop-us-east-2/Service)``: a
    multi-region app builds N copies of each construct, and the path says which one.
    It is a :class:`ValueError`, so existing ``except ValueError`` handlers keep working.
    """

    def __init__(self, message: str, *, construct_path: str | None = None) -> None:
        super().__init__(f"{message} (at {construct_path})" if construct_path else message)
        #: The message without the construct path.
        self.message = message
        #: Path of the construct whose props were refused, or ``None`` outside a construct.
        self.construct_path = construct_path
