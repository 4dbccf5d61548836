"""The README's main job: synthesize the example app and show its stacks and regions."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.synth import Assembly, synth_app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "shop"


def table(assembly: Assembly) -> str:
    rows = [("stack", "region", "account", "resources", "outputs", "depends on")]
    for stack in sorted(assembly.stacks, key=lambda s: s.stack_name):
        rows.append(
            (
                stack.stack_name,
                stack.region,
                stack.account,
                str(len(stack.resources)),
                str(len(stack.template.get("Outputs", {}))),
                ", ".join(assembly.dependency_names(stack)) or "-",
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main() -> None:
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="shop-cdk-out-") as out:
        assembly = synth_app(EXAMPLE, Path(out))
        print(
            f"\nSynthesized {EXAMPLE.relative_to(ROOT)} "
            f"in {time.monotonic() - started:.1f}s (CDK template validation on, as errors):\n"
        )
        print(table(assembly))


if __name__ == "__main__":
    main()
