"""The Office Open XML package beneath reading and writing: the zip and XML helpers both
``workbook/`` (the reader) and ``writeback/`` (the writer) stand on.

``package`` reads a workbook's structure (the root and workbook relationships,
workbook.xml, ``[Content_Types].xml``, styles.xml) size-capped and once; ``xmledit``
tokenizes a part with expat and edits it at byte offsets; ``zipcopy`` writes a zip that
copies entries byte for byte; ``calamine`` opens the cells with python-calamine (stripping
the sheets it cannot open); ``cellrefs`` is A1 notation; ``namespaces`` the URIs and
content types. Nothing here knows what a rep, a goal or a computed sheet is, beyond the
hidden name that marks goalreport's own sheets; nothing imports the reader or the writer.
"""
