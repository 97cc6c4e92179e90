"""The command line (click): ``goalreport.cli:cli`` is the entry point.

Only this package imports click (tests/test_layout.py checks). ``commands`` holds the
group and its monthly commands, ``weekly`` the digest, ``options`` the parameter types
and the options several commands share, ``output`` what is printed and the exit codes.
"""

from goalreport.cli.commands import cli

__all__ = ["cli"]
