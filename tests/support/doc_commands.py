"""The CDK CLI commands the README and the guides show, extracted from their code blocks, so a
test can run every one of them (a page and its test cannot drift apart)."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: The pages whose commands users copy.
PAGES = (
    ROOT / "README.md",
    ROOT / "examples" / "shop" / "README.md",
    *sorted((ROOT / "docs" / "guides").glob("*.md")),
)
#: CDK CLI options that take a value (the next token is not a stack selector).
_VALUED = frozenset(
    {
        "-a", "--app", "-c", "--context", "-o", "--output", "--outputs-file", "-O",
        "--concurrency", "--require-approval", "--method", "--progress", "--profile",
        "--parameters", "--tags", "--toolkit-stack-name", "--role-arn", "-r",
    }
)  # fmt: skip
_FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.S | re.M)
_INLINE = re.compile(r"`(cdk [^`]+)`")


@dataclass(frozen=True)
class CdkCommand:
    """One ``cdk ...`` command as a page shows it."""

    page: str
    text: str
    subcommand: str
    selectors: tuple[str, ...]
    flags: tuple[str, ...]

    @property
    def selects_all(self) -> bool:
        return "--all" in self.flags


def parse(page: str, text: str) -> CdkCommand | None:
    """``cdk deploy shop-us-east-2 --exclusively -c a=b`` -> subcommand, selectors, flags;
    ``None`` for a line that is not a CDK CLI command."""
    line = text.split(" #", 1)[0].strip()
    try:
        tokens = shlex.split(line)
    except ValueError:
        return None
    if len(tokens) < 2 or tokens[0] != "cdk":
        return None
    selectors: list[str] = []
    flags: list[str] = []
    skip = False
    for token in tokens[2:]:
        if skip:
            skip = False
        elif token in _VALUED:
            skip = True
        elif token.startswith("-"):
            flags.append(token.split("=", 1)[0])
        else:
            selectors.append(token)
    return CdkCommand(page, line, tokens[1], tuple(selectors), tuple(flags))


def commands(pages: tuple[Path, ...] = PAGES) -> list[CdkCommand]:
    """Every CDK CLI command in the pages' code blocks and inline code, in page order."""
    found: list[CdkCommand] = []
    for path in pages:
        source = path.read_text()
        name = str(path.relative_to(ROOT))
        blocks = [line for block in _FENCE.findall(source) for line in block.splitlines()]
        for candidate in blocks:
            command = parse(name, candidate.strip())
            if command is not None:
                found.append(command)
        # Inline code is a command when it selects something (prose says "`cdk deploy` rolls
        # out a new image" without meaning a command line).
        for candidate in _INLINE.findall(_FENCE.sub("", source)):
            command = parse(name, candidate.strip())
            if command is not None and (command.selectors or command.flags):
                found.append(command)
    return found
