"""Lossless write-back of the computed sheets (SPEC §4, §7).

``write_computed_sheets`` splices goalreport's sheets into a workbook without re-saving
it, on the ``WriteBasis`` (structure, fingerprint, old Run Log) the job read inside the
bounds; ``structure.structure_problems`` checks a workbook's structure before any
computation; ``input_fingerprint`` says whether a workbook's input changed since the
last run.
"""

from goalreport.writeback.basis import WriteBasis
from goalreport.writeback.fingerprint import input_fingerprint
from goalreport.writeback.runlog import RunLogEntry
from goalreport.writeback.structure import COMPUTED_SHEETS
from goalreport.writeback.writer import WriteOutcome, write_computed_sheets

__all__ = ["COMPUTED_SHEETS", "RunLogEntry", "WriteBasis", "WriteOutcome", "input_fingerprint",
           "write_computed_sheets"]
