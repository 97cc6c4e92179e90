"""The operator's own state folder: ``$XDG_STATE_HOME/goalreport`` (by default
``~/.local/state/goalreport``), where goalreport keeps what nobody else may write.

The send record lives here, not beside the reports: a reports folder may be one the
managers of a shared inbox can write to, and a send record they could plant, edit or
replace would let them stop every mail or have the month sent again. This folder is made
``0700`` and must belong to the user running goalreport and be closed to writes by group
and others; a folder that is not is refused with one line, before anything is sent.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from pathlib import Path

from goalreport.errors import UnsafePath, WriteRefused
from goalreport.guard.safefs import Folder, owner_name

STATE_VARIABLE = "XDG_STATE_HOME"
APP_FOLDER = "goalreport"


def state_path(env: Mapping[str, str] | None = None) -> Path:
    """``$XDG_STATE_HOME/goalreport``; a relative or empty XDG_STATE_HOME is ignored, as
    the XDG Base Directory specification asks."""
    env = os.environ if env is None else env
    base = env.get(STATE_VARIABLE, "")
    if not base or not os.path.isabs(base):
        base = str(Path(env.get("HOME") or os.path.expanduser("~")) / ".local" / "state")
    return Path(base) / APP_FOLDER


def open_state(env: Mapping[str, str] | None = None) -> Folder:
    """The state folder, made ``0700`` if missing and checked to be this user's alone to
    write. Raises ``UnsafePath`` when it belongs to someone else or others can write it,
    ``WriteRefused`` when it cannot be made."""
    path = state_path(env)
    try:
        os.makedirs(path.parent, exist_ok=True)
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:
            pass
        folder = Folder.open(path)
    except OSError as error:
        raise WriteRefused(f"cannot make goalreport's state folder {str(path)!r}: "
                           f"{error.strerror or error}. Set {STATE_VARIABLE} to a folder "
                           "of your own.") from None
    st = os.fstat(folder.fd)
    mode = stat.S_IMODE(st.st_mode)
    if st.st_uid != os.geteuid() or mode & 0o022:
        folder.close()
        who = owner_name(st.st_uid)
        problem = (f"belongs to {who}, not to {owner_name(os.geteuid())} who runs goalreport"
                   if st.st_uid != os.geteuid() else
                   f"can be changed by other users (mode {mode:04o})")
        raise UnsafePath(
            f"goalreport's state folder {str(path)!r} {problem}: what was sent is recorded "
            "there, and nobody else may change it. Run 'chmod 700' on it if it is yours, or "
            f"set {STATE_VARIABLE} to a folder of your own.")
    folder.shared = False
    return folder
