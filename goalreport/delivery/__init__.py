"""Delivery: the month's reports by email, with the rep's focus blocks as a calendar.

``compose`` builds the messages from templates, ``ics`` the calendar, ``smtp`` talks to
the mail server, ``sendlog`` remembers what was accepted, and ``deliver`` ties them
together for ``goalreport send`` and ``--send``.
"""
