"""Deal exports from CRMs (Salesforce, HubSpot, Pipedrive, Zoho, Odoo) read as Activity.

``formats`` recognises an export by its header row; ``deals`` turns its rows into won and
lost deals (pure: plain values in, deals and problems out); ``owners`` maps CRM owners to
Rep IDs; ``csvfile`` and ``sources`` are the edge that reads sheets and ``--deals`` files.
See docs/crm-exports.md.
"""
