"""docs/guides/security.md lists every cdk-nag acknowledgment with its reason, as synthesized.

The table between the GENERATED markers is rendered from the validation reports of the
example app and of the per-construct defaults (tests/security/conftest.py), so it cannot drift
from the code. After changing an acknowledgment, regenerate it with::

    MRTAP_UPDATE_DOCS=1 python -m pytest tests/security/test_security_docs.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tools.synth import Finding

from .conftest import ROOT, Scan
from .test_scanners import NAG_PACKS

DOC = ROOT / "docs" / "guides" / "security.md"
BEGIN = "<!-- BEGIN GENERATED: acknowledgments (tests/security/test_security_docs.py) -->"
END = "<!-- END GENERATED: acknowledgments -->"


def _relative(path: str) -> str:
    """``shop-us-east-1/Service/TaskDefinition`` -> ``Service/TaskDefinition`` (drop the
    stack, which differs per app and region)."""
    return "/".join(path.split("/")[1:])


def render(acknowledged: list[Finding]) -> str:
    rows: dict[tuple[str, str, str], set[str]] = {}
    for ack in acknowledged:
        if ack.plugin not in NAG_PACKS:
            continue
        at = _relative(ack.acknowledged_at or "")
        key = (ack.acknowledged_id or ack.rule, at, ack.reason or "")
        resources = rows.setdefault(key, set())
        for path in ack.paths:
            rest = path[len(ack.acknowledged_at or "") :].strip("/")
            rest = "" if rest == "Resource" else rest.removesuffix("/Resource")
            resources.add(rest or "(itself)")
    lines = [
        BEGIN,
        "",
        "| Finding id | Acknowledged on | Resources | Reason |",
        "| --- | --- | --- | --- |",
    ]
    for (finding, at, reason), resources in sorted(rows.items(), key=lambda i: (i[0][1], i[0][0])):
        listed = ", ".join(f"`{r}`" for r in sorted(resources))
        text = reason.replace("|", "\\|").replace("\n", " ")
        lines.append(f"| `{finding}` | `{at}` | {listed} | {text} |")
    lines += ["", END]
    return "\n".join(lines)


@pytest.mark.slow
def test_security_doc_lists_every_acknowledgment(shop_scan: Scan, defaults_scan: Scan) -> None:
    acknowledged = [*shop_scan.report.acknowledged, *defaults_scan.report.acknowledged]
    table = render(acknowledged)
    text = DOC.read_text()
    start, end = text.index(BEGIN), text.index(END) + len(END)
    if os.environ.get("MRTAP_UPDATE_DOCS") == "1":
        DOC.write_text(text[:start] + table + text[end:])
        text = DOC.read_text()
        start, end = text.index(BEGIN), text.index(END) + len(END)
    assert text[start:end] == table, (
        f"{DOC.relative_to(ROOT)} is out of date with the acknowledgments in the code; "
        "regenerate it: MRTAP_UPDATE_DOCS=1 python -m pytest tests/security/test_security_docs.py"
    )
    # Every acknowledgment the code makes appears (sanity check on the renderer).
    for ack in acknowledged:
        if ack.plugin in NAG_PACKS:
            assert f"`{ack.acknowledged_id}`" in table


def test_security_doc_has_the_generated_section() -> None:
    text = Path(DOC).read_text()
    assert text.count(BEGIN) == 1 and text.count(END) == 1
