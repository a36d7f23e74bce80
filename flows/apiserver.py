"""Prefect's local API server, tied to the command that started it.

Without ``PREFECT_API_URL``, ``claimtrack ingest`` and ``claimtrack backfill`` run in Prefect's local ephemeral mode:
Prefect starts its API server as a child process (uvicorn, about 200 MB) and stops it at exit. A parent killed
outright (SIGKILL, the OOM killer) cannot stop it, and it stayed, listening, for good. :func:`tie_local_api_server`
hands Prefect a server object (its own ``SubprocessASGIServer``, registered where Prefect looks for it) that starts
the same uvicorn command through this module, which first starts a thread that ends the server once its parent
is gone (``core.lifetime``).

Run as ``python -m flows.apiserver PARENT_PID <uvicorn arguments>``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from core.lifetime import watch_parent

#: How often the server checks that the command that started it is still there.
PARENT_CHECK_S = 0.5


def tie_local_api_server() -> None:
    """Make the local API server Prefect starts in this process (if it starts one) leave with this process. Does
    nothing with a real server (``PREFECT_API_URL``) or once a local server exists."""
    import prefect
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import get_current_settings

    if get_current_settings().api.url is not None or None in SubprocessASGIServer._instances:
        return

    class TiedASGIServer(SubprocessASGIServer):
        def _run_uvicorn_command(self) -> subprocess.Popen[Any]:
            # Prefect 3.9's command and environment (SubprocessASGIServer._run_uvicorn_command), started through
            # this module instead of ``-m uvicorn``.
            env = {
                **os.environ,
                "PREFECT_UI_ENABLED": "0",
                "PREFECT__SERVER_EPHEMERAL": "1",
                "PREFECT__SERVER_FINAL": "1",
                **get_current_settings().to_environment_variables(exclude_unset=True),
            }
            uvicorn = ["--app-dir", str(prefect.__module_path__.parent), "--factory",
                       "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(self.port),
                       "--log-level", "error", "--lifespan", "on"]  # fmt: skip
            return subprocess.Popen([sys.executable, "-m", "flows.apiserver", str(os.getpid()), *uvicorn], env=env)

    # SubprocessASGIServer() returns the instance registered for its port (None: any free port): this one.
    TiedASGIServer()


def main() -> None:
    parent, *uvicorn = sys.argv[1:]
    watch_parent(int(parent), PARENT_CHECK_S)
    from uvicorn.main import main as run_uvicorn

    sys.argv = ["uvicorn", *uvicorn]
    run_uvicorn()


if __name__ == "__main__":
    main()
