"""Child processes that must not outlive the process that started them.

A parent killed outright (SIGKILL, the OOM killer, a cancelled run) cannot stop its children, and an idle child
(an extraction worker waiting for jobs, Prefect's local API server) would otherwise stay, holding its memory and
its port. Such a child watches its parent instead: :func:`watch_parent` in a daemon thread.
"""

from __future__ import annotations

import os
import threading
import time


def exit_with_parent(parent: int, interval_s: float = 1.0) -> None:
    """Return never: ``os._exit`` this process once its parent (``parent``, a pid the parent handed over) is gone.

    The pid comes from the parent: a child that starts after its parent was killed would read its new parent (init
    or a subreaper) from ``os.getppid()`` and wait for it forever."""
    while os.getppid() == parent:
        time.sleep(interval_s)
    os._exit(0)


def watch_parent(parent: int, interval_s: float = 1.0) -> None:
    """Leave with ``parent``: :func:`exit_with_parent` in a daemon thread."""
    threading.Thread(target=exit_with_parent, args=(parent, interval_s), daemon=True, name="parent-watch").start()
