"""Front matter: ``key: value`` lines between two ``---`` lines at the top of a text file.

The rules, kept small on purpose (no YAML library, no nesting, no lists):

* The file's first line is ``---`` (trailing spaces or tabs allowed) and a later
  line is ``---`` too. Without a closing line there is no front matter and the whole
  file is the text.
* Every line in between is blank, a ``#`` comment, or ``key: value``: a key made
  of letters, digits, ``_``, ``-`` and ``.`` (starting with a letter or ``_``), a
  colon, and a value. Anything else (a markdown rule above a paragraph, say) means
  the file has no front matter and is read whole.
* Keys and values are stripped of surrounding whitespace; a value quoted with
  ``"..."`` or ``'...'`` loses the quotes (nothing inside is unescaped). A repeated
  key keeps its last value.
* The document text is everything after the closing ``---`` line, exactly as it
  is in the file, and match offsets index that text.
* Keys equal to the ``FieldMap`` names (``id``, ``source``, ``published``,
  ``title``, ``url`` by default) fill those fields; every other key goes to
  ``Document.meta``.
"""

from __future__ import annotations

import re

_OPENING = re.compile(r"---[ \t]*(?:\r\n|\r|\n)")
_LINE = re.compile(r"([^\r\n]*)(\r\n|\r|\n|\Z)")
_PAIR = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_.\-]*)\s*:(.*)\Z")


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    r"""Split a text file into its front matter pairs and the text after them.

    >>> split_front_matter('---\ntitle: "Storm warning"\n---\nThe coast...')
    ({'title': 'Storm warning'}, 'The coast...')
    >>> split_front_matter("---\nno closing line")
    ({}, '---\nno closing line')
    """
    opening = _OPENING.match(text)
    if opening is None:
        return {}, text
    pairs: dict[str, str] = {}
    pos = opening.end()
    while pos < len(text):
        line = _LINE.match(text, pos)
        if line is None:  # pragma: no cover - _LINE matches at every position
            break
        content, ending = line.group(1), line.group(2)
        if content.rstrip(" \t") == "---":
            return pairs, text[line.end() :]
        if not ending:
            break
        pos = line.end()
        stripped = content.strip()
        if not stripped or stripped.startswith("#"):
            continue
        pair = _PAIR.match(content)
        if pair is None:
            return {}, text
        pairs[pair.group(1)] = _unquote(pair.group(2).strip())
    return {}, text


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value
