r"""The HTML report: one self-contained file, rendered with jinja2 (autoescape on).

Article text is untrusted. The template escapes everything it prints; the data the
page's script renders travels as JSON in a ``<script type="application/json">`` block
with every ``<``, ``>`` and ``&`` written as a ``\u`` escape, so no text can close the
block or open a comment; the script puts text on the page with ``textContent`` only.
A Content-Security-Policy allows no network fetch and runs only the one inline script
(by its hash), so even markup that slipped through could not run or load anything.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from importlib import resources
from importlib.metadata import version
from typing import Any, TextIO

import jinja2
from markupsafe import Markup

from dedup.index.check import CheckResult
from dedup.model import Document, ScanResult
from dedup.report.html_view import ReportView, check_view, scan_view

_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


def embed_json(data: Any) -> str:
    r"""JSON that is safe inside a ``<script>`` element: no ``<``, ``>`` or ``&`` is left raw.

    Outside strings JSON has none of these characters, and inside strings ``\u003c``
    means ``<``, so ``JSON.parse`` gives back exactly ``data``.

    >>> embed_json({"text": "</script><!--"})
    '{"text":"\\u003c/script\\u003e\\u003c!--"}'
    """
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).translate(_ESCAPES)


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("dedup.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


@cache
def _asset(name: str) -> str:
    return resources.files("dedup.report").joinpath("templates", name).read_text(encoding="utf-8")


def render_view(view: ReportView, out: TextIO) -> None:
    """Write the page for ``view`` to ``out``."""
    script = _asset("report.js")
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    page = (
        _environment()
        .get_template("report.html.j2")
        .render(
            view=view,
            css=Markup(_asset("report.css")),  # noqa: S704 - our own file, not user data
            script=Markup(script),  # noqa: S704 - our own file, hashed into the policy
            script_hash=f"sha256-{digest}",
            data_json=Markup(embed_json(view.data)),  # noqa: S704 - escaped by embed_json
            version=version("dedup"),
        )
    )
    out.write(page)


def _texts(documents: Iterable[Document] | Mapping[str, str]) -> Mapping[str, str]:
    if isinstance(documents, Mapping):
        return documents
    return {d.id: d.text for d in documents}


def write_scan_report(
    result: ScanResult,
    documents: Iterable[Document] | Mapping[str, str],
    out: TextIO,
    *,
    title: str = "dedup report",
) -> None:
    """Write the HTML report of a scan; ``documents`` are the scanned documents (or their texts by id).

    The result holds spans, not texts, so the documents are needed for the side-by-side view.
    """
    render_view(scan_view(result, _texts(documents), title=title), out)


def write_check_report(
    results: Sequence[CheckResult],
    drafts: Iterable[Document] | Mapping[str, str],
    archive: Iterable[Document] | Mapping[str, str],
    out: TextIO,
    *,
    title: str = "dedup check report",
) -> None:
    """Write the HTML report of ``dedup check``: drafts, their borrowed passages and the archive documents."""
    render_view(check_view(results, _texts(drafts), _texts(archive), title=title), out)
