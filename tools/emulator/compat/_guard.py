"""The moto version the compat layer was written and tested against."""

from __future__ import annotations

#: The compat layer patches moto internals (parser, models): it is tied to this exact version.
PINNED_MOTO_VERSION = "5.2.5"


class MotoVersionError(RuntimeError):
    """The installed moto is not the version the compat layer was written for."""


def require_pinned_moto(version: str | None = None) -> str:
    """Raise :class:`MotoVersionError` unless moto is exactly :data:`PINNED_MOTO_VERSION`.

    :param version: the version to check. Default: - ``moto.__version__``.
    """
    if version is None:
        import moto

        version = str(getattr(moto, "__version__", "unknown"))
    if version != PINNED_MOTO_VERSION:
        raise MotoVersionError(
            f"tools/emulator/compat patches moto {PINNED_MOTO_VERSION} internals, but moto "
            f"{version} is installed. Pin moto[server,cloudformation]=={PINNED_MOTO_VERSION} "
            "again, "
            "or port the layer to the new version and run tests/emulator/test_compat.py."
        )
    return version
