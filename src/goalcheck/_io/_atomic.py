"""Write a file atomically: the one writer behind ``write_plan`` and ``--output``.

The text goes to a temporary file in the same directory, is flushed to disk, and then
replaces the path in one step (``os.replace``), so a reader never sees half a file and a
failed write leaves the old file as it was.  An existing file keeps its permissions (a
0600 report stays private); a new one gets the usual ``0666`` less the umask.  A symbolic
link, FIFO, device, socket or directory at the path is refused rather than replaced by a
regular file (:class:`~goalcheck.errors.OptionError`).  Errors name the path the caller
gave, never the temporary file.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from goalcheck.errors import OptionError

__all__ = ["write_text"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _named(oops: OSError, shown: str) -> OSError:
    """The same error, naming the path the caller gave rather than the temporary file."""
    return OSError(oops.errno, oops.strerror or str(oops), shown)


def _existing_mode(target: Path, shown: str) -> int | None:
    """The permission bits of the regular file at *target*, ``None`` if nothing is there."""
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        return None
    except OSError as oops:
        raise _named(oops, shown) from None
    if stat.S_ISLNK(info.st_mode):
        raise OptionError(
            f"{shown}: is a symbolic link; goalcheck replaces only regular files "
            "(write to the file it points to, or remove the link)"
        )
    if stat.S_ISDIR(info.st_mode):
        raise OptionError(f"{shown}: is a directory; give a file name")
    if not stat.S_ISREG(info.st_mode):
        raise OptionError(
            f"{shown}: is not a regular file (a FIFO, device or socket); "
            "goalcheck writes regular files only (use '-' for standard output)"
        )
    return stat.S_IMODE(info.st_mode)


def write_text(
    path: str | os.PathLike[str], text: str | bytes, *, encoding: str = "utf-8"
) -> None:
    """Write *text* (``str`` encoded with *encoding*, or ``bytes`` as given) to *path*.

    Atomic, keeps an existing file's mode; a non-regular target raises
    :class:`~goalcheck.errors.OptionError`, a failed write ``OSError``, both naming *path*.
    ``"-"`` (standard output) is the caller's to handle.
    """
    shown = os.fspath(path)
    target = Path(path)
    data = text.encode(encoding) if isinstance(text, str) else text
    mode = _existing_mode(target, shown)
    if mode is None:
        mode = 0o666 & ~_umask()
    directory = target.parent
    try:
        fd, temporary = tempfile.mkstemp(prefix=".goalcheck-", suffix=".tmp", dir=directory)
    except OSError as oops:
        raise _named(oops, shown) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException as oops:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(oops, OSError):
            raise _named(oops, shown) from None
        raise
