"""``python -m goalreport`` is the same as the ``goalreport`` command."""

from .cli import cli

cli()
