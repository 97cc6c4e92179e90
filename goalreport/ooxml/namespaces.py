"""The namespaces, relationship types and content types of SpreadsheetML that both the
reader and the writer name (ECMA-376 Part 1; the writer's drawing and chart ones stay
beside the code that writes those parts)."""

from __future__ import annotations

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#: The same vocabulary saved as "Strict Open XML", which goalreport refuses to write.
STRICT_MAIN_NS = "http://purl.oclc.org/ooxml/spreadsheetml/main"
#: Relationship ids on elements (``r:id``) and the relationship types built on it.
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#: The ``.rels`` parts themselves.
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
WORKSHEET_REL = REL_NS + "/worksheet"
STYLES_REL = REL_NS + "/styles"
WORKSHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
STYLES_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"
