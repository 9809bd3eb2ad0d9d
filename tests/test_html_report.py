"""HTML report: untrusted text stays text, the embedded data is exact, the view model is right.

What a browser does with the page (highlighting, clicks, console errors) is tested in
``test_html_report_browser.py``; here the page is parsed with the standard library.
"""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dedup import Document, scan
from dedup.index import Index, MemoryStore
from dedup.model import ScanResult
from dedup.readers import read_documents
from dedup.report.edits import word_edits
from dedup.report.html_page import embed_json, write_check_report, write_scan_report
from dedup.report.html_view import check_view, histogram, scan_view
from tests.conftest import EXAMPLES

SHARED = (
    "The envoy said talks with Russia on the grain corridor would resume in Geneva on Thursday, "
    "after three weeks in which neither side moved on the question of inspections at the ports."
)
EDITED = SHARED.replace("Russia", "the Russian Federation")
WIRE = Document(
    "wire",
    "Grain talks. " + SHARED + " More to follow on the other matters of the day.",
    source="Wire",
    published=datetime(2024, 1, 1, tzinfo=UTC),
)
PAPER = Document(
    "paper",
    "The harbour council voted on the budget for the new lifeboat station and the repairs to the old jetty. "
    + EDITED
    + " Local reaction was muted.",
    source="Paper",
    published=datetime(2024, 1, 2, tzinfo=UTC),
)
ALONE = Document("alone", "A story about the weather that nobody else printed today.", source="Paper")

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    "</textarea><textarea>",
    "</script><script>alert(3)</script>",
    "<!--<script>",
    "&lt;b&gt; & <b>bold</b>",
]


class Page(HTMLParser):
    """Collects start tags, attributes and the text of each script element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self.text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data
        else:
            self.text.append(data)


def render_scan(documents: list[Document], result: ScanResult | None = None) -> str:
    out = io.StringIO()
    write_scan_report(result if result is not None else scan(documents), documents, out)
    return out.getvalue()


def parse(page: str) -> Page:
    parser = Page()
    parser.feed(page)
    parser.close()
    return parser


def data_of(page: Page) -> dict[str, Any]:
    (block,) = [s for s, (_, attrs) in zip(page.scripts, _script_tags(page), strict=True) if attrs.get("id")]
    loaded: dict[str, Any] = json.loads(block)
    return loaded


def _script_tags(page: Page) -> list[tuple[str, dict[str, str | None]]]:
    return [t for t in page.tags if t[0] == "script"]


def hostile_corpus() -> list[Document]:
    payload = " ".join(HOSTILE)
    return [
        Document(
            f"doc-{n}{HOSTILE[n]}",
            payload + " " + SHARED + " " + HOSTILE[n],
            source=HOSTILE[n],
            title=HOSTILE[-1 - n],
            url="javascript:alert(4)",
        )
        for n in range(3)
    ]


# --- untrusted text ---------------------------------------------------------------------


def test_hostile_text_in_ids_sources_titles_and_bodies_adds_no_element() -> None:
    page = parse(render_scan(hostile_corpus()))
    tags = [tag for tag, _ in page.tags]
    assert "img" not in tags
    assert "textarea" not in tags
    assert "b" not in tags
    assert len(_script_tags(page)) == 2  # the data block and the report's own script
    assert not any(name.startswith("on") for _, attrs in page.tags for name in attrs)


def test_hostile_text_survives_exactly_in_the_embedded_data() -> None:
    documents = hostile_corpus()
    data = data_of(parse(render_scan(documents)))
    assert [d["id"] for d in data["docs"]] == [d.id for d in documents]
    assert [d["text"] for d in data["docs"]] == [d.text for d in documents]  # all three share SHARED
    assert [d["source"] for d in data["docs"]] == [d.source for d in documents]
    assert [d["title"] for d in data["docs"]] == [d.title for d in documents]


def test_sources_in_the_overview_are_escaped_text() -> None:
    page = render_scan(hostile_corpus())
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # the source's bar label
    assert "<script>alert(1)</script>" in "".join(parse(page).text)


def test_no_raw_lt_gt_or_amp_inside_the_data_block() -> None:
    page = render_scan(hostile_corpus())
    block = page.split('<script type="application/json" id="dedup-data">', 1)[1].split("</script>", 1)[0]
    assert not set("<>&") & set(block)


@given(st.recursive(st.text(), lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner)))
def test_embedded_json_parses_back_to_the_same_data_and_has_no_markup_characters(data: Any) -> None:
    text = embed_json(data)
    assert json.loads(text) == data
    assert not set("<>&") & set(text)


def test_page_loads_nothing_from_the_network_and_runs_only_its_own_script() -> None:
    page = parse(render_scan([WIRE, PAPER, ALONE]))
    policy = next(a["content"] for t, a in page.tags if t == "meta" and a.get("http-equiv"))
    assert policy is not None
    assert "default-src 'none'" in policy
    assert "'unsafe-inline'" not in policy.split("script-src", 1)[1]
    assert not any(t in ("link", "img", "iframe") for t, _ in page.tags)
    assert not any(a.get("src") for t, a in page.tags if t == "script")


def test_policy_hash_is_the_hash_of_the_inline_script() -> None:
    import base64
    import hashlib

    page = parse(render_scan([WIRE, PAPER, ALONE]))
    script = next(s for s, (_, a) in zip(page.scripts, _script_tags(page), strict=True) if not a.get("type"))
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    policy = next(a["content"] for t, a in page.tags if t == "meta" and a.get("http-equiv"))
    assert f"'sha256-{digest}'" in str(policy)


# --- view model -------------------------------------------------------------------------


def test_scan_view_pairs_hold_the_match_spans_and_the_word_edit() -> None:
    result = scan([WIRE, PAPER, ALONE])
    view = scan_view(result, {d.id: d.text for d in (WIRE, PAPER, ALONE)})
    docs = view.data["docs"]
    (pair,) = view.data["pairs"]
    assert {docs[pair["a"]]["id"], docs[pair["b"]]["id"]} == {"wire", "paper"}
    (match,) = pair["matches"]
    texts = {docs[pair["a"]]["id"]: docs[pair["a"]]["text"], docs[pair["b"]]["id"]: docs[pair["b"]]["text"]}
    a_text, b_text = texts[docs[pair["a"]]["id"]], texts[docs[pair["b"]]["id"]]
    assert a_text[match["a"][0] : match["a"][1]].strip(" .") in (SHARED.rstrip("."), EDITED.rstrip("."))
    ((a0, a1, b0, b1),) = match["edits"]
    assert {a_text[a0:a1], b_text[b0:b1]} == {"Russia", "the Russian Federation"}
    assert match["boilerplate"] is False
    assert pair["chars"] == match["a"][1] - match["a"][0]


def test_scan_view_leaves_out_the_text_of_documents_nothing_is_shared_with() -> None:
    view = scan_view(scan([WIRE, PAPER, ALONE]), {d.id: d.text for d in (WIRE, PAPER, ALONE)})
    texts = {d["id"]: d["text"] for d in view.data["docs"]}
    assert texts == {"wire": WIRE.text, "paper": PAPER.text, "alone": None}


def test_scan_view_overview_counts_and_borrowed_share_per_source() -> None:
    result = scan([WIRE, PAPER, ALONE])
    view = scan_view(result, {d.id: d.text for d in (WIRE, PAPER, ALONE)})
    (cluster,) = result.clusters
    shares = {s.label: s.share for s in view.overview.shares}
    assert shares["Wire"] == pytest.approx(cluster.coverage["wire"])
    paper_chars = cluster.coverage["paper"] * len(PAPER.text)
    assert shares["Paper"] == pytest.approx(paper_chars / (len(PAPER.text) + len(ALONE.text)))
    assert [s.label for s in view.overview.shares] == ["Wire", "Paper"]  # highest share first
    overview = view.overview
    assert (overview.documents, overview.sources, overview.clusters, overview.pairs) == (3, 2, 1, 1)
    assert sum(b.count for b in overview.similarity) == 1


def test_scan_view_clusters_point_at_documents_and_the_origin() -> None:
    result = scan([WIRE, PAPER, ALONE])
    view = scan_view(result, {d.id: d.text for d in (WIRE, PAPER, ALONE)})
    docs = view.data["docs"]
    (cluster,) = view.data["clusters"]
    assert docs[cluster["origin"]]["id"] == "wire"
    assert {docs[i]["id"]: share for i, share in cluster["docs"]} == pytest.approx(
        result.clusters[0].coverage, abs=1e-4
    )
    (passage,) = view.data["passages"]
    origin = passage["spans"][passage["origin"]]
    assert docs[origin[0]]["id"] == "wire"


def test_example_corpus_view_lists_boilerplate_apart_and_finds_the_near_duplicate() -> None:
    documents = list(read_documents([str(EXAMPLES)]))
    result = scan(documents)
    view = scan_view(result, {d.id: d.text for d in documents})
    docs = view.data["docs"]
    (footer,) = view.data["boilerplate"]
    assert footer["text"].startswith("Sign up for the Harbour Ledger morning briefing")
    assert {docs[i]["source"] for i, _, _ in footer["spans"]} == {"Harbour Ledger"}
    assert len(footer["spans"]) == 4
    assert not any(m["boilerplate"] for p in view.data["pairs"] for m in p["matches"])
    duplicates = [p for p in view.data["pairs"] if p["jaccard"] is not None]
    assert [(docs[p["a"]]["id"], docs[p["b"]]["id"]) for p in duplicates] == [
        (d.a, d.b) for d in result.duplicates
    ]
    chars = [p["chars"] for p in view.data["pairs"]]
    assert chars == sorted(chars, reverse=True)


def test_a_match_inside_boilerplate_is_flagged_and_not_counted_as_reuse() -> None:
    from tests.test_report import RESULT

    texts = {d.id: "x" * d.chars for d in RESULT.documents}
    view = scan_view(RESULT, texts)
    docs = view.data["docs"]
    flagged = {
        (docs[p["a"]]["id"], docs[p["b"]]["id"]): [m["boilerplate"] for m in p["matches"]]
        for p in view.data["pairs"]
    }
    assert flagged == {("paper-2", "wire-1"): [False], ("paper-2", "paper-3"): [True]}
    assert [p["chars"] for p in view.data["pairs"]] == [50, 0]
    assert sum(b.count for b in view.overview.similarity) == 1  # the footer is not in the histogram


def test_check_view_has_each_draft_with_its_share_and_archive_documents() -> None:
    with Index(MemoryStore()) as index:
        index.add([WIRE, ALONE])
        result = index.check(PAPER)
    view = check_view([result], {PAPER.id: PAPER.text}, {WIRE.id: WIRE.text, ALONE.id: ALONE.text})
    docs = view.data["docs"]
    (draft,) = view.data["drafts"]
    assert docs[draft["doc"]]["id"] == "paper"
    assert draft["share"] == pytest.approx(result.borrowed_share, abs=1e-4)
    (pair,) = [view.data["pairs"][n] for n in draft["pairs"]]
    assert (docs[pair["a"]]["id"], docs[pair["b"]]["id"]) == ("paper", "wire")
    ((a0, a1, b0, b1),) = pair["matches"][0]["edits"]
    assert (PAPER.text[a0:a1], WIRE.text[b0:b1]) == ("the Russian Federation", "Russia")
    assert view.overview.shares[0].target == f"#doc/{draft['doc']}"


def test_check_report_page_renders_with_the_draft_data(tmp_path: Any) -> None:
    with Index(MemoryStore()) as index:
        index.add([WIRE])
        result = index.check(PAPER)
    out = io.StringIO()
    write_check_report([result], [PAPER], [WIRE], out)
    data = data_of(parse(out.getvalue()))
    assert data["kind"] == "check"
    assert [d["id"] for d in data["docs"]] == ["paper", "wire"]


def test_histogram_counts_every_value_once_with_extremes_in_the_end_bins() -> None:
    bins = histogram([0.0, 0.5, 0.74, 0.75, 0.99, 1.0], low=0.5, bins=2)
    assert [(b.low, b.high, b.count) for b in bins] == [(0.5, 0.75, 3), (0.75, 1.0, 3)]


# --- word edits -------------------------------------------------------------------------


def lcs(a: list[str], b: list[str]) -> int:
    """Longest common subsequence by the textbook table: the slow reference."""
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            table[i + 1][j + 1] = table[i][j] + 1 if x == y else max(table[i][j + 1], table[i + 1][j])
    return table[-1][-1]


def words(text: str) -> list[str]:
    from dedup.normalize import tokenize

    return tokenize(text).forms


def outside(text: str, ranges: list[tuple[int, int]]) -> list[str]:
    kept = list(text)
    for start, end in ranges:
        kept[start:end] = [" "] * (end - start)
    return words("".join(kept))


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        pytest.param(
            "talks with Russia resumed",
            "talks with the Russian Federation resumed",
            [("Russia", "the Russian Federation")],
            id="country-name-expansion-is-one-edit",
        ),
        pytest.param("He said “no,” twice.", "he said 'No' twice", [], id="case-and-quotes-are-not-edits"),
        pytest.param(
            "the vote was on Monday",
            "the vote was on Monday night",
            [("", "night")],
            id="words-added-at-the-end-leave-an-empty-side",
        ),
        pytest.param("one two three four", "one three four", [("two", "")], id="a-dropped-word"),
    ],
)
def test_word_edits_mark_the_differing_words(a: str, b: str, expected: list[tuple[str, str]]) -> None:
    edits = word_edits(a, (0, len(a)), b, (0, len(b)))
    assert [(a[e.a_start : e.a_end], b[e.b_start : e.b_end]) for e in edits] == expected


_WORD = st.sampled_from(["vote", "council", "russia", "federation", "the", "of", "port", "barrier"])


@given(st.lists(_WORD, max_size=14), st.lists(_WORD, max_size=14), st.integers(0, 5), st.integers(0, 5))
def test_word_edits_leave_equal_word_sequences_outside_and_cover_exactly_the_non_lcs_words(
    a_words: list[str], b_words: list[str], pad_a: int, pad_b: int
) -> None:
    a = "x " * pad_a + " ".join(a_words) + " y"
    b = "z " * pad_b + " ".join(b_words)
    span_a = (2 * pad_a, 2 * pad_a + len(" ".join(a_words)))
    span_b = (2 * pad_b, len(b))
    edits = word_edits(a, span_a, b, span_b)
    in_a = [(e.a_start, e.a_end) for e in edits]
    in_b = [(e.b_start, e.b_end) for e in edits]
    assert outside(a[: span_a[1]], in_a)[pad_a:] == outside(b, in_b)[pad_b:]
    edited = sum(len(words(a[s:e])) for s, e in in_a) + sum(len(words(b[s:e])) for s, e in in_b)
    assert edited == len(a_words) + len(b_words) - 2 * lcs(a_words, b_words)
    assert all(span_a[0] <= s <= e <= span_a[1] for s, e in in_a)
    assert all(span_b[0] <= s <= e <= span_b[1] for s, e in in_b)
    assert edits == tuple(sorted(edits))


# --- command line -----------------------------------------------------------------------


def report_data(path: Any) -> dict[str, Any]:
    from pathlib import Path

    return data_of(parse(Path(path).read_text(encoding="utf-8")))


def test_scan_report_option_writes_the_page_and_keeps_the_normal_output(
    tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from dedup.cli import main

    page = tmp_path / "report.html"
    assert main(["scan", str(EXAMPLES), "-q", "--report", str(page)]) == 0
    assert "syndication cluster" in capsys.readouterr().out  # the table still goes to stdout
    data = report_data(page)
    assert len(data["docs"]) == 10
    assert len(data["clusters"]) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]  # no temporary file left


def test_scan_with_index_report_carries_the_archive_documents_texts(
    tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from dedup.cli import main

    archive = tmp_path / "archive.db"
    wire = EXAMPLES / "coastal-wire-tidal-barrier.md"
    assert main(["index", "add", str(archive), str(wire)]) == 0
    page = tmp_path / "report.html"
    draft = EXAMPLES / "estuary-times-barrier-vote.md"
    assert main(["scan", str(draft), "-q", "--index", str(archive), "--report", str(page)]) == 0
    capsys.readouterr()
    data = report_data(page)
    texts = {d["id"]: d["text"] for d in data["docs"]}
    assert texts[str(wire)] is not None
    assert "PORT AVERLEY (Coastal Wire)" in texts[str(wire)]
    assert data["pairs"], "the Estuary Times story reprints the Coastal Wire one"


def test_check_report_option_writes_the_drafts_with_their_archive_documents(
    tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from dedup.cli import main

    archive = tmp_path / "archive.db"
    assert main(["index", "add", str(archive), str(EXAMPLES / "coastal-wire-tidal-barrier.md")]) == 0
    page = tmp_path / "check.html"
    draft = EXAMPLES / "estuary-times-barrier-vote.md"
    assert main(["check", str(archive), str(draft), "--report", str(page)]) == 0
    assert "borrowed" in capsys.readouterr().out
    data = report_data(page)
    assert data["kind"] == "check"
    (row,) = data["drafts"]
    assert data["docs"][row["doc"]]["id"] == str(draft)
    assert 0.5 < row["share"] < 1.0
    (pair,) = [data["pairs"][n] for n in row["pairs"]]
    assert "PORT AVERLEY" in data["docs"][pair["b"]]["text"]


def test_interrupted_report_leaves_no_file(
    tmp_path: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import dedup.cli.scan
    from dedup.cli import main

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(dedup.cli.scan, "write_scan_report", interrupted)
    assert main(["scan", str(EXAMPLES), "-q", "--report", str(tmp_path / "r.html")]) == 130
    assert "no half-written output file was left; run it again" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
