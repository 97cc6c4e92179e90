"""``python -m goalreport`` is the same as the ``goalreport`` command."""

from goalreport.cli import cli

cli()
