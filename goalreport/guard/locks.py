"""Lock files in folders others may write: one batch at a time per inbox
(``INBOX/.goalreport.lock``), one ``send`` at a time per month of reports
(``<YYYY-MM>/.goalreport-sent.lock``).

A POSIX record lock (``lockf``) rather than ``flock``: an ``flock`` is shared with every
forked child (the bounded reader, the render workers, a batch's job processes), so after a
SIGKILL of its holder a still-running child would keep the lock; a ``lockf`` lock belongs
to the process that took it, and the kernel drops it when that process ends, even by
SIGKILL. Two consequences shape ``hold_lock``:

- ``lockf`` does not exclude the process that holds it, and closing *any* descriptor of
  the file drops it. So a second ``hold_lock`` on the same file in this process is refused
  before the file is even opened (``_HELD``), and the descriptor is never closed elsewhere.
- The lock file is written (the holder's pid, for the message of the one refused), so it
  is opened only as a plain file of one name: never through a symbolic link
  (``Folder.open_regular``) and never when it is a second name of another file (a hard
  link someone planted to make goalreport write into their target).

The file is left in place after use: removing it would let a second process lock a new
file of the same name while the first still holds the old one.
"""

from __future__ import annotations

import errno
import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from goalreport.errors import GoalreportError, UnsafePath
from goalreport.guard.safefs import Folder

#: Lock files this process holds, by (device, inode).
_HELD: set[tuple[int, int]] = set()


@contextmanager
def hold_lock(folder: Folder, name: str, *, busy: Callable[[str], GoalreportError],
              cannot_create: Callable[[OSError], GoalreportError] | None = None,
              mode: int = 0o600) -> Iterator[None]:
    """Hold the lock file ``name`` in ``folder`` (made with ``mode`` if missing) while the
    block runs. Raises ``busy(holder)`` at once when another process holds it (``holder``:
    the pid its file records, or "unknown") or this process does (its own pid);
    ``UnsafePath`` when the name is a link, not a regular file, or a hard link; and
    ``cannot_create(error)`` when the file cannot be opened (the ``OSError`` itself when
    no ``cannot_create`` is given)."""
    st = folder.lstat(name)
    if st is not None and (st.st_dev, st.st_ino) in _HELD:  # before opening: see above
        raise busy(str(os.getpid()))
    try:
        fd = folder.open_regular(name, os.O_RDWR | os.O_CREAT | os.O_NONBLOCK | os.O_CLOEXEC,
                                 mode)
    except OSError as error:
        if cannot_create is None:
            raise
        raise cannot_create(error) from None
    try:
        if os.fstat(fd).st_nlink != 1:
            raise UnsafePath(f"{str(folder.path / name)!r} is a second name (a hard link) of "
                             "another file; goalreport does not write into it. Remove it and "
                             "run again.")
        try:
            fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            if error.errno not in (errno.EWOULDBLOCK, errno.EACCES):
                raise
            raise busy(_holder(fd)) from None
        st = os.fstat(fd)
        key = (st.st_dev, st.st_ino)
        _HELD.add(key)
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
            yield
        finally:
            _HELD.discard(key)
    finally:
        os.close(fd)


def _holder(fd: int) -> str:
    """The pid the lock file records (digits only: it may hold anything), or "unknown"."""
    return "".join(c for c in os.pread(fd, 32, 0).decode("ascii", "replace")
                   if c.isdigit()) or "unknown"
