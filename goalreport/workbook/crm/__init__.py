"""Deal exports from CRMs (Salesforce, HubSpot, Pipedrive, Zoho, Odoo) read as Activity.

A sub-reader of the workbook reader: ``reader`` calls ``sources`` once Activity is read,
and the exports' deals are added to Activity's sums. It reads cells with the workbook's
own parsers (values, dates, currencies: one rule for each, whichever sheet or file a cell
is in) and shares the row-to-deal step with Activity (``workbook/deals.py``); nothing
below ``reader`` imports it. From the bottom up: ``formats`` (header signatures, each a
mapping of roles to header names), ``owners`` (owner → Rep ID), ``rows`` (a row's cells
by role), then the row steps ``outcome`` (won, lost or open), ``terms`` (a won deal's
type and amount) and ``meetings``; ``exports`` runs them over an export's rows and
``fastpath`` over many plain rows at once (``summary`` says what was read, ``rates``
converts other currencies); ``merge`` joins
the deals with Activity (typed and pasted, new/repeat inferred); ``csvfile`` and
``sources`` are the edge that finds pasted sheets and reads ``--deals`` files (and
``batch.dealsdir`` a workbook's deals folder in the inbox). All but
the edge are pure. See docs/crm-exports.md.
"""
