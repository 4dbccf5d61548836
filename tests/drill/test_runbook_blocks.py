"""The drill's reading of the failover runbook (fast): the captioned code blocks it runs, and
how the script reports its steps."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from tools import drill as drill_module
from tools.drill import DrillError, RunbookError, prose_command, read_runbook, runbook_blocks

PAGE = """\
# Runbook

```{code-block} bash
:caption: drill: look

multiregion-tap status shop --regions us-east-1,us-east-2
```

Some prose, and a block the drill does not run:

```bash
cdk deploy --all
```

````{code-block} bash
:caption: drill: failover
:linenos:

# a comment is not a command
cdk deploy shop-us-east-2 --exclusively -c database_history=promote:us-east-2

cdk deploy shop-dns --exclusively -c database_history=promote:us-east-2
````

```{code-block} bash
:caption: drill: recover

cdk deploy shop-us-east-1 --exclusively -c database_history=promote:us-east-2
```
"""


def test_the_runbook_page_has_exactly_the_six_blocks_with_their_lines() -> None:
    h2 = "promote:us-east-2,rebuild:us-east-1"
    h3 = f"{h2},promote:us-east-1"
    h4 = f"{h3},rebuild:us-east-2"
    assert read_runbook() == {
        "look": ("multiregion-tap status shop --regions us-east-1,us-east-2",),
        "failover": (
            "cdk deploy shop-us-east-2 --exclusively -c database_history=promote:us-east-2",
            "cdk deploy shop-dns --exclusively -c database_history=promote:us-east-2",
        ),
        "recover": (
            "cdk deploy shop-us-east-1 --exclusively -c database_history=promote:us-east-2",
        ),
        "rebuild": (
            f"cdk deploy shop-us-east-1 --exclusively -c database_history={h2}",
            f"cdk deploy shop-dns --exclusively -c database_history={h2}",
        ),
        "switch": (
            f"cdk deploy shop-us-east-2 --exclusively -c database_history={h3}",
            f"cdk deploy shop-us-east-1 --exclusively -c database_history={h3}",
            f"cdk deploy shop-dns --exclusively -c database_history={h3}",
        ),
        "rebuild other": (
            f"cdk deploy shop-us-east-2 --exclusively -c database_history={h4}",
            f"cdk deploy shop-dns --exclusively -c database_history={h4}",
        ),
    }


REQUIRED = ("look", "failover", "recover")


def test_blocks_are_read_with_their_options_longer_fences_and_comments() -> None:
    blocks = runbook_blocks(PAGE, REQUIRED)
    assert blocks == {
        "look": ("multiregion-tap status shop --regions us-east-1,us-east-2",),
        "failover": (
            "cdk deploy shop-us-east-2 --exclusively -c database_history=promote:us-east-2",
            "cdk deploy shop-dns --exclusively -c database_history=promote:us-east-2",
        ),
        "recover": (
            "cdk deploy shop-us-east-1 --exclusively -c database_history=promote:us-east-2",
        ),
    }


def test_a_missing_caption_fails() -> None:
    page = PAGE.replace(":caption: drill: recover", ":caption: recover")
    with pytest.raises(RunbookError, match=r"^no code block captioned 'drill: recover'$"):
        runbook_blocks(page, REQUIRED)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda page: page.replace("drill: recover", "drill: look"),
            r"^two code blocks are captioned 'drill: look'$",
        ),
        (
            lambda page: page.replace(
                "cdk deploy shop-us-east-1 --exclusively -c database_history=promote:us-east-2\n",
                "",
            ),
            r"^the code block captioned 'drill: recover' has no command$",
        ),
        (lambda page: page.rstrip().removesuffix("```"), r"is not closed$"),
    ],
)
def test_a_malformed_block_fails(change: object, message: str) -> None:
    with pytest.raises(RunbookError, match=message):
        runbook_blocks(change(PAGE), REQUIRED)  # type: ignore[operator]


class _FakeDrill:
    failover_calls = {("us-east-2", "cloudformation"): {"calls": 3, "refused": 0}}

    def __init__(self, fail: bool) -> None:
        self.fail = fail

    def steps(self) -> list[tuple[str, object]]:
        def broken() -> None:
            raise DrillError("second", "the check did not hold")

        return [("first", lambda: None), ("second", broken if self.fail else lambda: None)]


@pytest.mark.parametrize("fail", [False, True])
def test_the_script_prints_each_step_and_one_last_line(
    fail: bool,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    @contextlib.contextmanager
    def deployed(workdir: Path, progress: object) -> Iterator[_FakeDrill]:
        progress("deploy", None)  # type: ignore[operator]
        progress("deploy", 1.0)  # type: ignore[operator]
        yield _FakeDrill(fail)

    monkeypatch.setattr(drill_module, "deployed_drill", deployed)
    code = drill_module.run(tmp_path, three_regions=False)
    out, err = capsys.readouterr()
    if fail:
        assert code == 1
        assert err.splitlines()[0] == (
            "drill: FAILED at step 'second': second: the check did not hold"
        )
        assert "drill: ok" not in out
    else:
        assert code == 0
        lines = out.splitlines()
        assert lines[:2] == ["[  1.0 s] emulator: deploy", lines[1]]
        assert lines[1].endswith("] first") and lines[2].endswith("] second")
        assert lines[-1].startswith("drill: ok, 3 steps, ") and lines[-1].endswith(" s")
        assert [line for line in lines if line.startswith("drill:")] == [lines[-1]]


def test_a_prose_command_is_found_once() -> None:
    page = "Also deploy `cdk deploy shop-us-west-2 --exclusively -c x=y`, then wait."
    assert prose_command(page, "shop-us-west-2") == "cdk deploy shop-us-west-2 --exclusively -c x=y"
    with pytest.raises(
        RunbookError, match=r"^0 inline commands `cdk deploy shop-eu-west-1 \.\.\.`"
    ):
        prose_command(page, "shop-eu-west-1")
