"""A workbook's identity: a random name goalreport writes into the workbook once, so that
what was sent of it is found again whatever the file is called and wherever it is.

It is a hidden, workbook-wide defined name (``_goalreport_id``, its value a text constant
of 32 hex digits), like the hidden names that mark goalreport's sheets: it travels with
the file through renames, copies and saves in Excel or LibreOffice, and the Name Manager
does not show it. It is not a secret and not proof of anything: whoever can edit the
workbook can copy another workbook's identity into it, as they could replace that
workbook itself. A value that is not 32 hex digits is not goalreport's and is replaced.
"""

from __future__ import annotations

import re
import secrets

from goalreport.ooxml.package import PackageInfo

IDENTITY_NAME = "_goalreport_id"
_VALUE = re.compile(r'"([0-9a-f]{32})"')


def workbook_identity(info: PackageInfo) -> str | None:
    """The identity ``info``'s workbook carries, or None (none yet, or not one
    goalreport wrote: then it gets a new one when next written)."""
    values = [n.text.strip() for n in info.defined_names
              if n.name == IDENTITY_NAME and n.local_sheet_id is None]
    found = _VALUE.fullmatch(values[0]) if len(values) == 1 else None
    return found.group(1) if found else None


def new_identity() -> str:
    """A fresh identity: 128 random bits."""
    return secrets.token_hex(16)


def is_identity(text: str) -> bool:
    return re.fullmatch(r"[0-9a-f]{32}", text) is not None
