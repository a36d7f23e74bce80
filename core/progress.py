"""Progress of long work (backfills), for whoever listens: the terminal bar of ``claimtrack backfill``.

Flows call :func:`report`; a caller running the flow in its own process (the CLI, in Prefect's ephemeral mode)
listens with :func:`listening`. On a server nobody listens here; the flow's progress artifact shows it instead.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

Listener = Callable[[int, int, str], None]
_listeners: list[Listener] = []


def report(done: int, total: int, note: str = "") -> None:
    for listener in list(_listeners):
        listener(done, total, note)


@contextmanager
def listening(listener: Listener) -> Iterator[None]:
    _listeners.append(listener)
    try:
        yield
    finally:
        _listeners.remove(listener)


class TerminalBar:
    """``[#######.............]  7/20 batches  35%  note``; redrawn in place on a terminal, one line per update
    (at most every ``min_interval_s``) when the output is a file or a pipe."""

    def __init__(self, unit: str = "batches", stream: TextIO | None = None, width: int = 30) -> None:
        self.unit = unit
        self.stream = stream or sys.stderr
        self.width = width
        self.tty = self.stream.isatty()
        self.min_interval_s = 0.0 if self.tty else 5.0
        self._last = 0.0

    def __call__(self, done: int, total: int, note: str = "") -> None:
        now = time.monotonic()
        if done < total and now - self._last < self.min_interval_s:
            return
        self._last = now
        line = self.render(done, total, note)
        if self.tty:
            self.stream.write("\r\x1b[K" + line + ("\n" if done >= total else ""))
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def render(self, done: int, total: int, note: str = "") -> str:
        share = done / total if total else 1.0
        filled = round(self.width * share)
        bar = "#" * filled + "." * (self.width - filled)
        return f"[{bar}] {done}/{total} {self.unit} {share:4.0%}  {note}".rstrip()
