"""Developer tooling for multiregion-tap (not shipped in the package)."""
