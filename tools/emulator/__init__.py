"""The local AWS emulator for CI: moto server on 127.0.0.1 plus the project's compat layer.

- :mod:`tools.emulator.server`: start/reset/stop a moto server child process.
- :mod:`tools.emulator.compat`: patches moto 5.2.5's CloudFormation (imported by the server).
- :mod:`tools.emulator.deploy`: bootstrap and deploy a CDK app with the real CDK CLI.

Nothing here imports moto until the server process starts.
"""

from .server import ACCOUNT, EmulatorError, EmulatorServer, free_port, running_emulator

__all__ = ["ACCOUNT", "EmulatorError", "EmulatorServer", "free_port", "running_emulator"]
