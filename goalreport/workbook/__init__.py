"""Reading and validating a goalreport workbook: the input schema, cell parsers, the
sheet readers, and the ``init`` template (SPEC §1)."""
