"""The README's first example is a real app: it synthesizes as written, into exactly the
stacks and regions the README's table lists."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tools.synth import read_assembly

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"


def _first_python_block(text: str) -> str:
    match = re.search(r"^```python\n(.*?)^```", text, re.S | re.M)
    assert match, "the README shows no python example"
    return match.group(1)


def _table(text: str) -> dict[str, str]:
    """The README's stack table: `stack` -> region."""
    rows = re.findall(r"^\| `([a-z0-9-]+)` \| ([a-z0-9-]+) \|", text, re.M)
    assert rows, "the README shows no stack table"
    return dict(rows)


@pytest.mark.slow
def test_the_quick_start_app_synthesizes_into_the_stacks_the_readme_lists(
    tmp_path: Path,
) -> None:
    text = README.read_text()
    (tmp_path / "app.py").write_text(_first_python_block(text))
    out = tmp_path / "cdk.out"
    result = subprocess.run(
        [sys.executable, "app.py"],
        cwd=tmp_path,
        env={**os.environ, "CDK_OUTDIR": str(out), "CDK_VALIDATION": "false"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assembly = read_assembly(out)
    assert {s.stack_name: s.region for s in assembly.stacks} == _table(text)
    count = re.search(r"That synthesizes (\w+) stacks", text)
    assert count and count.group(1) == "eight" and len(assembly.stacks) == 8
    zones = [
        r["Properties"]["Name"]
        for s in assembly.stacks
        for r in s.resources.values()
        if r["Type"] == "AWS::Route53::HostedZone"
    ]
    # Not a name Route 53 refuses (RFC 2606 reserves example.com, .net and .org).
    assert zones == ["shop.mycompany.com."]
