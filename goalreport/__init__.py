"""goalreport: sales goals broken into monthly, weekly and daily plans, with progress reports."""

__version__ = "0.1.0"
