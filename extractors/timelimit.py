"""A time limit for one page's extraction, in whatever thread extracts it.

Extraction is CPU-bound Python that cannot be asked to stop: a page can make the claim rules (or trafilatura) run
for minutes, and a batch would wait for it. :func:`time_limit` arms a timer that, when it runs out, raises an
exception inside the extracting thread (CPython's ``PyThreadState_SetAsyncExc``, delivered between two bytecodes),
which becomes :class:`~core.errors.ExtractTimeout` at the limit's boundary: the page is recorded as failed and the
batch goes on. Signals would not do: ``SIGALRM`` reaches only a process's main thread, and the flows extract in
task threads as well as in worker processes.

A long call into C (one numpy product, one lxml parse) is not interrupted: the exception arrives when it returns.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from core.errors import ExtractTimeout


class _Expired(BaseException):
    """Raised asynchronously in the extracting thread. A ``BaseException``, so that no ``except Exception`` on the
    way (trafilatura wraps parser errors so) takes it for an error of the page's own."""


def _raise_in(thread_id: int, exception: type[BaseException] | None) -> None:
    """Schedule ``exception`` in the thread (None: withdraw one that was scheduled and not raised yet)."""
    scheduled = ctypes.py_object(exception) if exception is not None else None  # None is passed as NULL
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), scheduled)


@contextmanager
def time_limit(seconds: float | None, *, message: str = "the extraction ran past its time limit") -> Iterator[None]:
    """Raise :class:`ExtractTimeout` (with ``message``) in this thread if the block runs longer than ``seconds``
    (None: no limit)."""
    if seconds is None:
        yield
        return
    thread_id = threading.get_ident()
    lock = threading.Lock()
    state = {"done": False, "fired": False}

    def expire() -> None:
        with lock:
            if not state["done"]:
                state["fired"] = True
                _raise_in(thread_id, _Expired)

    timer = threading.Timer(max(seconds, 0.0), expire)
    timer.daemon = True
    try:
        timer.start()
        try:
            yield
        finally:
            with lock:
                state["done"] = True
                fired = state["fired"]
            timer.cancel()
            if fired:  # scheduled as the block ended: withdraw it, so it cannot surface in the caller's code
                _raise_in(thread_id, None)
    except _Expired:
        raise ExtractTimeout(message) from None
