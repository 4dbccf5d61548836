"""Errors raised by multiregion-tap at synth time."""

from __future__ import annotations

__all__ = ["ValidationError"]


class ValidationError(ValueError):
    """A prop has a value that would fail at deploy time (or makes no sense).

    The message names the prop and shows the value received, for example
    ``secondary_regions must not name 'us-east-1' twice, got ['us-east-1', 'us-east-1']``.
    It is a :class:`ValueError`, so existing ``except ValueError`` handlers keep working.
    """
