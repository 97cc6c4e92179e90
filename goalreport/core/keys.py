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
- ``header_key`` — an export's column headers against the names each CRM writes: the
  ``normalize`` form with its spaces dropped too, so an API name (``StageName``), its
  warehouse copy (``stage_name``) and its label (``Stage Name``) are one; a bracketed
  ``(converted)`` is kept, since ``Amount (converted)`` is another column than ``Amount``.
- ``crm_id_key`` — CRM user IDs against a rep's CRM ID: Salesforce's 18-character form
  is its 15-character one (what its URLs show) plus a checksum, so both are one; Zoho's
  export prefixes ``zcrm_`` to the ID its URLs show. Otherwise as ``owner_key``.
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
_CONVERTED = re.compile(r"\(\s*converted\s*\)", re.IGNORECASE)
_SALESFORCE_SUFFIX_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"


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


def header_key(name: object) -> str:
    """How export headers are compared: 'Stage Name', 'stage_name', 'StageName' →
    'stagename'; 'Amount (converted)' → 'amountconverted', 'Amount ($)' → 'amount'."""
    text = str(name or "")
    text = _CONVERTED.sub(" converted ", text)
    return normalize(text).replace(" ", "")


def crm_id_key(text: str) -> str:
    """How CRM user IDs are compared: a Salesforce 18-character ID is its first 15 (the
    last 3 are a checksum of their case); Zoho's ``zcrm_`` prefix is dropped; then as
    ``owner_key``."""
    text = "".join(text.split())
    if text[:5].casefold() == "zcrm_":
        text = text[5:]
    if len(text) == 18 and text.isalnum() and _salesforce_suffix(text[:15]) == text[15:]:
        text = text[:15]
    return text.casefold()


def _salesforce_suffix(text: str) -> str:
    """The 3 characters Salesforce adds to a 15-character ID to make it case-safe: for
    each 5 characters, the bits of which are capitals (first character lowest) pick one
    of A-Z0-5."""
    suffix = ""
    for start in (0, 5, 10):
        bits = sum(1 << i for i, char in enumerate(text[start:start + 5]) if "A" <= char <= "Z")
        suffix += _SALESFORCE_SUFFIX_CHARS[bits]
    return suffix


def stage_key(text: str) -> str:
    """How stage names are compared: 'Closed - Won' and 'closedwon' are 'closedwon'."""
    return _NOT_WORD.sub("", text.casefold())


_DIGITS = re.compile(r"(\d+)")


def natural_key(name: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that reads numbers as numbers, case-insensitively: "Team 2" before
    "Team 10" (a manager's list of teams, territories or reps, not a dictionary)."""
    return tuple((1, int(part)) if part.isdigit() else (0, part)
                 for part in _DIGITS.split(name.casefold()) if part) + ((0, name),)
