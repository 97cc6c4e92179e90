"""Files in folders other people can write: the one place goalreport opens, creates,
replaces and deletes files in the inbox, the backups and the reports folders.

The cron job often runs as a user with more rights than the managers who drop workbooks
into a shared folder, so a name in such a folder may be a planted link. The rules here:

- A folder the operator named (the inbox, ``--out DIR``, the workbook's folder) is opened
  as given, links included. Every name goalreport reaches below it is reached through a
  directory file descriptor (``dir_fd=``) and never followed when it is a link
  (``O_NOFOLLOW``); a folder goalreport makes there (``reports``, ``runs``,
  ``.goalreport-backups``, ``<YYYY-MM>``) that turns out to be a link, or to belong to
  someone else, is refused with one line (``UnsafePath``); one of its own is made, and
  kept, closed to writes by anyone else (``guard/access.py``).
- New files are created ``O_CREAT | O_EXCL | O_NOFOLLOW`` under unpredictable temporary
  names (``secrets``), fsynced, and renamed over the final name within the same folder
  descriptor; then the folder is fsynced. A reader sees the old file or the new one.
- A workbook is opened once with ``O_NOFOLLOW``, checked to be a regular file (and the
  file the inbox scan saw), and every later read goes through that descriptor: see
  ``OpenedWorkbook``.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import pwd
import re
import secrets
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Self

from goalreport.errors import UnsafePath, WorkbookBusy, WorkbookChanged
from goalreport.guard.access import OPEN, Access, tighten, umask
from goalreport.guard.snapshot import Snapshot

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC
#: O_NONBLOCK: a FIFO planted under a workbook's name must not hang the open.
_READ_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
_CREATE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
TEMP_PREFIX = ".goalreport-"
TEMP_SUFFIX = ".tmp"
_TEMP_NAME = re.compile(re.escape(TEMP_PREFIX) + r"(?P<name>.+)\.(?P<pid>\d+)\.[0-9a-f]{16}"
                        + re.escape(TEMP_SUFFIX))
_CHUNK = 1 << 20


def shown(name: str) -> str:
    """A file name as logs and messages show it: quoted and escaped like ``repr``, so a
    newline or a terminal escape in a name can never start a line of its own."""
    return repr(name)


def temp_name(name: str) -> str:
    """``.goalreport-<name>.<pid>.<16 random hex>.tmp``: unpredictable, and recognisable
    by ``sweep_temps`` once its process is gone."""
    return f"{TEMP_PREFIX}{name}.{os.getpid()}.{secrets.token_hex(8)}{TEMP_SUFFIX}"


def owner_name(uid: int) -> str:
    """The login name of ``uid``, or ``uid N`` when it has none."""
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def _is_shared(st: os.stat_result) -> bool:
    """Someone besides this user can add or rename entries in the folder."""
    return st.st_uid != os.geteuid() or bool(st.st_mode & (stat.S_IWGRP | stat.S_IWOTH))


@dataclass
class Replacement:
    """The file being written by ``Folder.atomic_file``; ``written`` is its ``stat`` once
    it has replaced the final name (so a batch can later recognise its own write)."""

    file: BinaryIO
    written: os.stat_result | None = None


@dataclass
class Folder:
    """An open folder: every name inside is reached through its descriptor."""

    fd: int
    path: Path
    #: Someone else may write here: folders found inside must belong to this user.
    shared: bool = field(default=False)

    @classmethod
    def open(cls, path: Path, *, create: bool = False) -> Folder:
        """A folder the operator named, followed as given; made with its parents when
        ``create``. Raises ``OSError``."""
        if create:
            os.makedirs(path, exist_ok=True)
        fd = os.open(path, _DIR_FLAGS)
        return cls(fd, Path(path), _is_shared(os.fstat(fd)))

    @classmethod
    def open_below(cls, root: Path, path: Path, access: Access = OPEN) -> Folder:
        """``path``, where ``root`` (made if missing) is the operator's and every folder
        between them is goalreport's own (made if missing, never a link, never writable by
        others); ``path`` itself is as open to read as ``access`` allows."""
        relative = Path(os.path.relpath(path, root)) if _is_below(path, root) else None
        if relative is None:
            return cls.open(path, create=True)
        folder = cls.open(root, create=True)
        parts = [part for part in relative.parts if part != "."]
        for number, part in enumerate(parts, 1):
            with folder:
                folder = folder.sub(part, access=access if number == len(parts) else OPEN)
        return folder

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def sub(self, name: str, *, create: bool = True, access: Access = OPEN) -> Folder:
        """The folder ``name`` in this one, made if missing (``access.folder_mode``); one
        of this user's is closed to writes by others and to reads ``access`` does not
        allow (``access.tighten``). Raises ``UnsafePath`` when it is a link or not a
        folder, or belongs to someone else;
        ``FileNotFoundError`` when it is missing and not ``create``."""
        path = self.path / name
        try:
            fd = os.open(name, _DIR_FLAGS | os.O_NOFOLLOW, dir_fd=self.fd)
        except FileNotFoundError:
            if not create:
                raise
            with contextlib.suppress(FileExistsError):
                os.mkdir(name, 0o700, dir_fd=self.fd)
                made = os.open(name, _DIR_FLAGS | os.O_NOFOLLOW, dir_fd=self.fd)
                try:
                    access.settle(made, folder=True)
                finally:
                    os.close(made)
            return self.sub(name, create=False, access=access)
        except OSError as error:
            if error.errno in (errno.ELOOP, errno.ENOTDIR):
                raise UnsafePath(_not_a_plain_folder(path, self.lstat(name))) from None
            raise
        st = os.fstat(fd)
        if st.st_uid != os.geteuid():  # whoever owns it could plant files in it
            os.close(fd)
            shared = f", and {str(self.path)!r} is writable by others" if self.shared else ""
            raise UnsafePath(
                f"{str(path)!r} belongs to {owner_name(st.st_uid)}, not to "
                f"{owner_name(os.geteuid())} who runs goalreport{shared}: goalreport only uses "
                "folders it made itself there. Remove it (goalreport makes a new one) and run "
                "again.")
        tighten(fd, access)
        return Folder(fd, path, _is_shared(os.fstat(fd)))

    def lstat(self, name: str) -> os.stat_result | None:
        """The entry ``name`` itself (a link is not followed), or None when missing."""
        try:
            return os.stat(name, dir_fd=self.fd, follow_symlinks=False)
        except FileNotFoundError:
            return None

    def names(self) -> list[str]:
        return os.listdir(self.fd)

    def unlink(self, name: str) -> None:
        """Remove the entry ``name`` (a link is removed, never its target)."""
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name, dir_fd=self.fd)

    def open_regular(self, name: str, flags: int = _READ_FLAGS, mode: int = 0o644) -> int:
        """A descriptor of the regular file ``name``, never through a link. Raises
        ``UnsafePath`` for a link or anything but a regular file, ``OSError`` else."""
        try:
            fd = os.open(name, flags | os.O_NOFOLLOW, mode, dir_fd=self.fd)
        except OSError as error:
            if error.errno == errno.ELOOP:
                raise UnsafePath(_not_a_plain_file(self.path / name, "a symbolic link")) \
                    from None
            raise
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            os.close(fd)
            raise UnsafePath(_not_a_plain_file(self.path / name, "not a regular file"))
        return fd

    def read_small(self, name: str, limit: int) -> bytes | None:
        """The bytes of the regular file ``name`` (None when missing). Raises
        ``UnsafePath`` as ``open_regular`` and ``ValueError`` when over ``limit`` bytes."""
        try:
            fd = self.open_regular(name)
        except FileNotFoundError:
            return None
        with os.fdopen(fd, "rb") as handle:
            data = handle.read(limit + 1)
        if len(data) > limit:
            raise ValueError(f"larger than {limit // (1 << 20)} MiB")
        return data

    def fsync(self) -> None:
        with contextlib.suppress(OSError):  # some file systems cannot fsync a folder
            os.fsync(self.fd)

    def default_mode(self, name: str) -> int:
        """The permission bits of the file ``name`` it replaces, or what a new file gets
        under the umask."""
        st = self.lstat(name)
        if st is not None and stat.S_ISREG(st.st_mode):
            return stat.S_IMODE(st.st_mode)
        return 0o666 & ~umask()

    @contextlib.contextmanager
    def atomic_file(self, name: str, *, mode: int | None = None, access: Access | None = None,
                    before_replace: Callable[[], object] | None = None
                    ) -> Iterator[Replacement]:
        """A new file that replaces ``name`` on a clean exit (after ``before_replace``,
        which may raise to stop it), or is removed on an exception; its permissions are
        ``access``'s, else ``mode``, else those of the file it replaces. Raises
        ``OSError``."""
        temp = temp_name(name)
        fd = os.open(temp, _CREATE_FLAGS, 0o600, dir_fd=self.fd)
        try:
            with os.fdopen(fd, "wb", closefd=False) as handle:
                replacement = Replacement(handle)
                yield replacement
                handle.flush()
                os.fsync(fd)
            if access is not None:
                access.settle(fd)
            else:
                os.fchmod(fd, self.default_mode(name) if mode is None else mode)
            if before_replace is not None:
                before_replace()
            os.replace(temp, name, src_dir_fd=self.fd, dst_dir_fd=self.fd)
            replacement.written = os.fstat(fd)
        except BaseException:
            self.unlink(temp)
            raise
        finally:
            os.close(fd)
        self.fsync()

    def write_atomic(self, name: str, data: bytes, mode: int | None = None,
                     access: Access | None = None) -> None:
        with self.atomic_file(name, mode=mode, access=access) as new:
            new.file.write(data)

    def sweep_temps(self, name: str | None = None) -> list[str]:
        """Remove goalreport's temporary files (``temp_name``) whose process is gone,
        links included; only those for ``name`` when given."""
        removed = []
        for entry in self.names():
            match = _TEMP_NAME.fullmatch(entry)
            if not match or (name is not None and match.group("name") != name):
                continue
            if not _process_alive(int(match.group("pid"))):
                self.unlink(entry)
                removed.append(entry)
        return removed


def _is_below(path: Path, root: Path) -> bool:
    path, root = Path(os.path.abspath(path)), Path(os.path.abspath(root))
    return path == root or root in path.parents


def _not_a_plain_folder(path: Path, st: os.stat_result | None) -> str:
    what = "a symbolic link" if st is not None and stat.S_ISLNK(st.st_mode) else \
        "not a folder"
    return (f"{str(path)!r} is {what}: goalreport makes this folder itself and does not "
            "follow links there (someone who can write to its folder may have planted it). "
            "Remove it and run again.")


def _not_a_plain_file(path: Path, what: str) -> str:
    return (f"{str(path)!r} is {what}: goalreport opens only plain files there, never "
            "through a link. Replace it with the file itself, or remove it, and run again.")


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# --- a workbook opened once ------------------------------------------------------------


@dataclass
class OpenedWorkbook:
    """A workbook opened once, read only through that descriptor, and checked again just
    before it is replaced.

    ``view`` is a path every existing reader can open (python-calamine, ``zipfile``, the
    bounded child that inherits the descriptor): a link in a private folder, named like
    the workbook so that messages name it, to ``/proc/self/fd/N``. Opening that re-opens
    the very file goalreport opened, whatever has been renamed over its name since. (On
    a system without ``/proc`` the view is the path itself, checked as above.)
    """

    path: Path
    folder: Folder
    fd: int
    stat: os.stat_result
    digest: str
    view: Path

    def close(self) -> None:
        if self.view != self.path:
            shutil.rmtree(self.view.parent, ignore_errors=True)
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1
        self.folder.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def ensure_unchanged(self, handle: BinaryIO) -> None:
        """Raise ``WorkbookChanged`` unless the workbook's name still holds the file that
        was read, with the same size, mtime and content; ``handle`` is the open file the
        new version was copied from."""
        now = os.fstat(handle.fileno())
        entry = self.folder.lstat(self.path.name)
        same = (entry is not None
                and (entry.st_dev, entry.st_ino) == (self.stat.st_dev, self.stat.st_ino)
                and (now.st_dev, now.st_ino) == (self.stat.st_dev, self.stat.st_ino)
                and (now.st_size, now.st_mtime_ns) == (self.stat.st_size, self.stat.st_mtime_ns)
                and content_digest(handle.fileno()) == self.digest)
        if not same:
            raise WorkbookChanged(changed_message(self.path.name))


def changed_message(name: str) -> str:
    return f"{name} changed while goalreport was working; nothing written — run again"


def content_digest(fd: int) -> str:
    """SHA-256 of the whole file behind ``fd``, read with ``pread`` (no shared offset)."""
    digest = hashlib.sha256()
    offset = 0
    while block := os.pread(fd, _CHUNK, offset):
        digest.update(block)
        offset += len(block)
    return digest.hexdigest()


def open_workbook(path: Path, expect: Snapshot | None = None) -> OpenedWorkbook:
    """Open the workbook ``path`` once: never through a link, a regular file, and when
    ``expect`` is given the very file the inbox scan saw. Raises ``UnsafePath`` (a link, a
    special file), ``WorkbookBusy`` (not the scanned file), ``UnreadableWorkbook`` (no
    such file, a folder, no permission) and ``OSError``."""
    path = Path(path)
    try:
        folder = Folder.open(path.parent if str(path.parent) else Path("."))
    except OSError:
        _explain(path)
        raise
    try:
        fd = folder.open_regular(path.name)
    except (OSError, UnsafePath) as error:
        st = folder.lstat(path.name)
        folder.close()
        if st is None or stat.S_ISDIR(st.st_mode) or isinstance(error, PermissionError):
            _explain(path)
        raise
    except BaseException:
        folder.close()
        raise
    try:
        st = os.fstat(fd)
        if expect is not None and not Snapshot.from_stat(st).same_file(expect):
            raise WorkbookBusy(f"{path.name} changed while it was being checked")
        return OpenedWorkbook(path, folder, fd, st, content_digest(fd), _view(path, fd))
    except BaseException:
        os.close(fd)
        folder.close()
        raise


def _explain(path: Path) -> None:
    """Raise the reader's own one-line ``UnreadableWorkbook`` for a path that cannot be
    opened as a file (missing, a folder, no permission)."""
    from goalreport.guard.container import check_container

    check_container(path)


_VIEW_PREFIX = "goalreport-view-"
_VIEW_NAME = re.compile(re.escape(_VIEW_PREFIX) + r"(\d+)-\w+")


def _view(path: Path, fd: int) -> Path:
    """A link named like the workbook, in a private folder, to ``/proc/self/fd/<fd>``."""
    magic = Path(f"/proc/self/fd/{fd}")
    if not magic.exists():
        return path
    _sweep_views()
    private = Path(tempfile.mkdtemp(prefix=f"{_VIEW_PREFIX}{os.getpid()}-"))
    view = private / path.name
    os.symlink(magic, view)
    return view


def _sweep_views() -> None:
    """Remove the private view folders of killed runs (``kill -9`` skips ``close``): only
    this user's own folders, of processes that are gone."""
    temp = tempfile.gettempdir()
    with contextlib.suppress(OSError), os.scandir(temp) as entries:
        for entry in entries:
            match = _VIEW_NAME.fullmatch(entry.name)
            if not match or _process_alive(int(match.group(1))):
                continue
            st = entry.stat(follow_symlinks=False)
            if stat.S_ISDIR(st.st_mode) and st.st_uid == os.geteuid():
                shutil.rmtree(entry.path, ignore_errors=True)
