"""multiregion-tap: AWS CDK constructs for a web service that survives losing a region.

The public API is what ``__all__`` lists; everything under ``multiregion_tap._private`` may
change in any release.
"""

from __future__ import annotations

from importlib import metadata as _metadata

from .errors import ValidationError
from .multi_region_app import MultiRegionApp, RegionRole
from .outputs import OutputNames, TagKeys

try:
    __version__ = _metadata.version("multiregion-tap")
except _metadata.PackageNotFoundError:  # pragma: no cover - only when not installed
    __version__ = "0+unknown"

__all__ = [
    "MultiRegionApp",
    "OutputNames",
    "RegionRole",
    "TagKeys",
    "ValidationError",
    "__version__",
]
