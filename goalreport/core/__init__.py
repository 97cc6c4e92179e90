"""The pure calculations (SPEC §2–§4): the input model, the calendar, exact money,
planning, progress, insights, team totals, and the computed sheets as neutral tables.
Nothing here reads files, prints or looks at the clock."""
