"""CRM deal owners → Rep IDs, through the Reps sheet.

An owner name matches a rep's Rep ID, Name or Email; an owner ID column (Salesforce
``OwnerId``, Zoho ``Deal Owner.id``) matches the Reps sheet's ``CRM ID``. Case and spaces
do not matter (``ana  LIMA`` is ``Ana Lima``: ``keys.owner_key``); a Salesforce ID matches
in its 15- or 18-character form and a Zoho ID with or without its ``zcrm_`` prefix
(``keys.crm_id_key``). A name two reps share matches nobody, so a deal is never given to
the wrong one.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from goalreport.core.keys import crm_id_key, owner_key
from goalreport.core.model import Rep


class OwnerIndex:
    """Look-ups from owner names and CRM IDs to Rep IDs."""

    def __init__(self, reps: Iterable[Rep]):
        self.reps = tuple(reps)
        by_name: dict[str, set[str]] = {}
        by_id: dict[str, set[str]] = {}
        for rep in self.reps:
            for text in (rep.rep_id, rep.name, rep.email):
                if text:
                    by_name.setdefault(owner_key(text), set()).add(rep.rep_id)
            if rep.crm_id:
                by_id.setdefault(crm_id_key(rep.crm_id), set()).add(rep.rep_id)
        self._by_name = by_name
        self._by_id = by_id

    @property
    def has_crm_ids(self) -> bool:
        return bool(self._by_id)

    def by_name(self, owner: str) -> str | None:
        """The Rep ID whose ID, Name or Email is ``owner``; None for none or several."""
        found = self._by_name.get(owner_key(owner), set())
        return next(iter(found)) if len(found) == 1 else None

    def by_crm_id(self, owner_id: str) -> str | None:
        found = self._by_id.get(crm_id_key(owner_id), set())
        return next(iter(found)) if len(found) == 1 else None

    def ambiguous(self, owner: str) -> list[str]:
        """Rep IDs sharing the name ``owner`` when there are several."""
        found = self._by_name.get(owner_key(owner), set())
        return sorted(found) if len(found) > 1 else []

    def describe(self, rep_id: str | None) -> str:
        """'Ana Lima (R1)', or 'no rep' for None."""
        rep = next((rep for rep in self.reps if rep.rep_id == rep_id), None)
        return f"{rep.name} ({rep.rep_id})" if rep else "no rep"

    def names(self) -> str:
        """'Ana Lima (R1), Ben Ode (R2), …' for messages."""
        shown = [f"{rep.name} ({rep.rep_id})" for rep in self.reps[:8]]
        return ", ".join(shown) + (", …" if len(self.reps) > 8 else "") or "none"

    def near(self, owner: str, likely_typo: bool = False) -> str | None:
        """The rep name most like ``owner`` (difflib), for "did you mean"; with
        ``likely_typo``, only one so close that ``owner`` is most likely it mistyped
        (``Ana Lina`` for ``Ana Lima``), not another person."""
        names = {rep.name.casefold(): rep.name for rep in self.reps if rep.name}
        names.update({rep.email.casefold(): rep.email for rep in self.reps if rep.email})
        match = difflib.get_close_matches(owner.casefold(), list(names), n=1,
                                          cutoff=0.8 if likely_typo else 0.6)
        return names[match[0]] if match else None
