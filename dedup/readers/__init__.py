"""Input: files, folders, JSONL, CSV/TSV and stdin to ``Document`` objects.

``read_documents`` is the one entry point; bad records become ``InputProblem``
values (or an ``InputError`` under ``strict=True``) rather than stopping the run.
Each module has one job: ``sources`` picks the reader, ``files`` reads text and HTML
files and walks folders, ``front_matter`` and ``html_text`` turn a file into text
and metadata, ``jsonl`` and ``tabular`` read records, ``records`` maps a record's
fields through the ``FieldMap``, ``dates`` parses dates, ``decoding`` turns bytes
into text, and ``problems`` holds the lenient/strict policy.
"""

from dedup.readers.fields import FieldMap
from dedup.readers.problems import InputProblem
from dedup.readers.sources import read_documents

__all__ = ["FieldMap", "InputProblem", "read_documents"]
