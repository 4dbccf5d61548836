#!/usr/bin/env python3
"""Print the CHANGELOG.md section of one version: the notes of its GitHub release.

    python3 tools/release_notes.py v0.2.0     (or 0.2.0)

Exits with status 1 when CHANGELOG.md has no ``## [<version>]`` section, so a tag cannot be
released without its changelog entry (the release workflow runs this before building).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

CHANGELOG = Path(__file__).resolve().parent.parent / "CHANGELOG.md"


def section(changelog: str, version: str) -> str:
    """The body of the ``## [version]`` section (without its heading), stripped.

    :raises LookupError: when there is no such section or it is empty.
    """
    version = version.removeprefix("v")
    heading = re.compile(rf"^## \[{re.escape(version)}\][^\n]*\n", re.MULTILINE)
    match = heading.search(changelog)
    if match is None:
        raise LookupError(f"CHANGELOG.md has no section '## [{version}]'")
    following = re.compile(r"^## |^\[[^\]]+\]: ", re.MULTILINE).search(changelog, match.end())
    body = changelog[match.end() : following.start() if following else len(changelog)].strip()
    if not body:
        raise LookupError(f"the CHANGELOG.md section '## [{version}]' is empty")
    return body


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        print(section(CHANGELOG.read_text(encoding="utf-8"), argv[0]))
    except LookupError as error:
        print(f"release_notes: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
