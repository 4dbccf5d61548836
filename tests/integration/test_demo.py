"""tools/demo.py (the README's main job): a failing step exits non-zero and stops the emulator.

The successful path is the deploy the other integration tests check (same ``deployed_app``);
``python3 tools/dev.py demo`` runs it end to end.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tools.emulator import EmulatorServer
from tools.emulator import deploy as deploy_module
from tools.emulator.deploy import DeployError

pytestmark = [pytest.mark.integration, pytest.mark.emulator]

DEMO = Path(__file__).resolve().parents[2] / "tools" / "demo.py"


def _demo() -> ModuleType:
    spec = importlib.util.spec_from_file_location("demo_under_test", DEMO)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_failing_step_exits_non_zero_and_stops_the_emulator(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    started: list[EmulatorServer] = []

    class Recording(EmulatorServer):
        def start(self, *, timeout: float = 60.0) -> EmulatorServer:
            started.append(self)
            return super().start(timeout=timeout)

    def failing_synth(*args: Any, **kwargs: Any) -> Path:
        raise DeployError("synth failed on purpose")

    monkeypatch.setattr(deploy_module, "EmulatorServer", Recording)
    monkeypatch.setattr(deploy_module, "synth", failing_synth)
    assert _demo().main(["--workdir", str(tmp_path)]) == 1
    (server,) = started
    assert not server.running
    out, err = capsys.readouterr()
    assert "FAILED: synth failed on purpose" in err
    assert f"logs in {tmp_path}" in err
    assert "tear down" in out and "cdk bootstrap" in out
