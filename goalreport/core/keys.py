"""How names are compared: the forms text is brought to before two spellings are matched.

Each kind of name has its own key, because each is typed by different people and a false
match costs differently:

- ``normalize`` — sheet, column and setting names, and the words people write for a type
  (``'Rep_ID '`` → ``'rep id'``, ``'Amount ($)'`` → ``'amount'``, ``'Rep ID*'`` →
  ``'rep id'``). The loosest about punctuation: a header is written once by whoever built
  the sheet or the CRM report, its bracketed remark (a unit, a currency) and a required
  mark are decoration, and ``_``/``-`` are how exports spell spaces (``Deal - Owner``,
  ``stage_name``). Spaces still separate words.
- ``rep_key`` — Rep IDs, on every sheet, in the engine and for ``--rep``: case ignored,
  surrounding spaces trimmed and inner runs collapsed (``' ana  LIMA '`` is ``'ana lima'``).
  Nothing else is dropped: ``AB1`` and ``AB 1`` may be two reps, and a Rep ID that matches
  the wrong rep moves one person's numbers onto another's report.
- ``client_key`` — clients (Activity's Client, an export's Account or Organization), for
  the typed-and-pasted match and the new/repeat inference: the ``rep_key`` rule, as
  clients are names typed by people just as IDs are.
- ``owner_key`` — CRM deal owners against a rep's Rep ID, Name or Email: case ignored and
  every space dropped (``'Ana  Lima'`` is ``'analima'``). Looser than ``rep_key``, because
  the CRM and the Reps sheet are typed by different people, and safe, because an owner
  whose key two reps share matches neither (``crm.owners``).
- ``stage_key`` — CRM stage names against the known won and lost stages and Settings'
  Won/Lost Stages: case, spaces and punctuation all dropped (``'Closed - Won'``,
  ``'Closed Won'`` and HubSpot's internal ``'closedwon'`` are one), since each CRM, and
  each admin who renames a stage, punctuates it differently.

Pure: no I/O. Cell values are turned into text first (``workbook.values.parse_text``).
"""

from __future__ import annotations

import re

_BRACKETED = re.compile(r"\([^)]*\)")
_NOT_WORD = re.compile(r"[\W_]+")


def normalize(name: object) -> str:
    """The form names are compared in: 'Rep_ID ' → 'rep id', 'Amount ($)' → 'amount'."""
    text = str(name or "")
    text = _BRACKETED.sub(" ", text)
    text = text.replace("_", " ").replace("-", " ").replace("\u2013", " ")
    text = text.strip().rstrip("*:").strip()
    return " ".join(text.casefold().split())


def rep_key(rep_id: str) -> str:
    """The one rule for matching Rep IDs (across sheets, and ``--rep``): case ignored,
    surrounding spaces trimmed and inner runs of spaces collapsed, so ``" ana  LIMA "``
    is ``"ana lima"``."""
    return " ".join(rep_id.split()).casefold()


def client_key(text: str) -> str:
    """How clients are compared across Activity and exports: as Rep IDs are (case and
    runs of spaces ignored); ``""`` for no client."""
    return rep_key(text)


def owner_key(text: str) -> str:
    """How CRM owners are compared: case-folded, without any spaces."""
    return "".join(text.split()).casefold()


def stage_key(text: str) -> str:
    """How stage names are compared: 'Closed - Won' and 'closedwon' are 'closedwon'."""
    return _NOT_WORD.sub("", text.casefold())
