"""The CDK CLI commands the README and the guides show, extracted from their code blocks, so a
test can run every one of them (a page and its test cannot drift apart)."""

from __future__ import annotations

import os
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


# --------------------------------------------------------------------------- shell lines
#: A fenced block of shell commands (```bash and its synonyms).
_SHELL_FENCE = re.compile(r"^```(?:bash|sh|shell|console)[ \t]*\n(.*?)^```", re.S | re.M)
#: Lines that set the page's variables from the operator's machine (the tests set them).
_SETS_VARIABLE = re.compile(r"^\s*SHA=\$\(git rev-parse\b")


def shell_block(page: Path, after: str) -> str:
    """The first shell code block of ``page`` after the prose ``after``, which must occur
    exactly once in the page: a test names a block by the sentence that introduces it."""
    source = page.read_text()
    count = source.count(after)
    assert count == 1, f"{page.name}: {after!r} occurs {count} times, expected once"
    block = _SHELL_FENCE.search(source, source.index(after))
    assert block is not None, f"{page.name}: no shell block after {after!r}"
    return block.group(1)


def _logical_lines(block: str) -> list[list[str]]:
    """The block's lines grouped into commands (a line ending in ``\\`` continues)."""
    grouped: list[list[str]] = []
    current: list[str] = []
    for line in block.splitlines():
        current.append(line)
        if not line.rstrip().endswith("\\"):
            grouped.append(current)
            current = []
    if current:
        grouped.append(current)
    return grouped


def operator_lines(block: str) -> str:
    """The lines of a shell block that are not ``cdk ...`` commands (the tests run those
    through the CDK CLI themselves) nor ``SHA=$(git rev-parse ...)`` (the tests set ``SHA``),
    verbatim, in order."""
    kept: list[str] = []
    for command in _logical_lines(block):
        first = command[0].strip()
        if first.startswith("cdk ") or _SETS_VARIABLE.match(first):
            continue
        kept.extend(command)
    script = "\n".join(kept).strip("\n")
    assert script, "the block holds only cdk commands"
    return script + "\n"


def over(script: str, variable: str, words: tuple[str, ...] | list[str]) -> str:
    """``script`` with the word list of its loop ``for VARIABLE in ...; do`` (exactly one)
    replaced by ``words``: the page's loop body, run for the regions of the app under test."""
    loop = re.compile(rf"^(\s*for {re.escape(variable)} in )[^;\n]*(; do\s*)$", re.M)
    found = loop.findall(script)
    assert len(found) == 1, f"expected one loop over {variable!r}, found {len(found)}"
    return loop.sub(lambda m: m.group(1) + " ".join(words) + m.group(2), script)


#: The test double of the docker CLI (see its docstring).
TEST_BIN = ROOT / "tests" / "support" / "bin"
#: An awscli v1 plugin. awscli v1 pins the endpoints of rds, docdb and neptune in us-east-1
#: (and of sqs, emr and health) unless ``--endpoint-url`` is given, and so ignores
#: AWS_ENDPOINT_URL for them (awscli/customizations/overridesslcommonname.py, aws/aws-cli#7203;
#: AWS CLI v2 has no such override). The plugin gives those commands AWS_ENDPOINT_URL as
#: ``--endpoint-url`` would; without it ``aws rds ... --region us-east-1`` aims at AWS.
AWSCLI_PLUGIN = """\
import os


def _endpoint_from_environment(parsed_globals, **kwargs):
    url = os.environ.get("AWS_ENDPOINT_URL")
    if url and getattr(parsed_globals, "endpoint_url", None) is None:
        parsed_globals.endpoint_url = url


def awscli_initialize(cli):
    cli.register_first("before-building-argument-table-parser", _endpoint_from_environment)
"""


def shell_env(base: dict[str, str], work: Path) -> dict[str, str]:
    """An environment for a page's shell lines against the emulator: ``base`` (the emulator's
    ``client_env()``: ``AWS_ENDPOINT_URL`` and dummy credentials) with the pinned AWS CLI
    (``.tools/awscli``, installed here when missing) and the docker test double first on
    ``PATH``, the double's state in ``work/docker``, retries bounded, and every HTTP(S) request
    that would not go to localhost sent to a closed local port."""
    from tools.dev import ensure_awscli

    (work / "bin").mkdir(parents=True, exist_ok=True)
    aws = work / "bin" / "aws"
    if not aws.exists():
        aws.symlink_to(ensure_awscli())
    (work / "mrt_awscli_emulator.py").write_text(AWSCLI_PLUGIN)
    (work / "config").write_text("[plugins]\nemulator = mrt_awscli_emulator\n")
    env = dict(base)
    env.update(
        PATH=os.pathsep.join([str(TEST_BIN), str(work / "bin"), env.get("PATH", "")]),
        AWS_CONFIG_FILE=str(work / "config"),
        AWS_SHARED_CREDENTIALS_FILE=str(work / "credentials"),  # none
        AWS_RETRY_MODE="standard",
        AWS_MAX_ATTEMPTS="2",
        PYTHONPATH=str(work),  # the plugin, for the AWS CLI
        MRT_DOCKER_STATE=str(work / "docker"),
    )
    for name in ("HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy"):
        env[name] = "http://127.0.0.1:9"
    env["NO_PROXY"] = env["no_proxy"] = "localhost,127.0.0.1"
    return env
