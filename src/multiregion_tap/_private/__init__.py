"""Private helpers of multiregion-tap: not part of the public API, may change in any release."""
