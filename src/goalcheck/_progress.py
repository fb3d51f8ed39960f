"""A progress line on stderr for long runs, only when stderr is a terminal.

It appears after a delay (short runs print nothing), rewrites one line with the elapsed
time, and erases itself when the work is done, so piped or logged output never sees it.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

__all__ = ["progress"]

_FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"


@contextmanager
def progress(
    message: str, *, stream: TextIO | None = None, delay: float = 0.8, force: bool = False
) -> Iterator[None]:
    """Show ``message`` with a spinner on *stream* (stderr) while the block runs."""
    out = sys.stderr if stream is None else stream
    if not (force or (hasattr(out, "isatty") and out.isatty())):
        yield
        return
    done = threading.Event()
    shown = False
    started = time.monotonic()
    if delay <= 0:  # show at once (and deterministically) when asked to
        out.write(f"\r{_FRAMES[0]} {message}")
        out.flush()
        shown = True

    def spin() -> None:
        nonlocal shown
        if done.wait(delay):
            return
        frame = 1
        while not done.is_set():
            elapsed = time.monotonic() - started
            out.write(f"\r{_FRAMES[frame % len(_FRAMES)]} {message} {elapsed:4.0f} s")
            out.flush()
            shown = True
            frame += 1
            done.wait(0.1)

    worker = threading.Thread(target=spin, name="goalcheck-progress", daemon=True)
    worker.start()
    try:
        yield
    finally:
        done.set()
        worker.join()
        if shown:
            out.write("\r\x1b[2K")
            out.flush()
