"""The HTML report in a real headless browser: Debian's chromium driven by selenium.

Skipped with a reason when chromium, chromedriver or selenium is missing, except under
``CI=true``, where a missing browser is a failure (``.ci/run`` installs it).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dedup import Document, scan
from dedup.index import Index, MemoryStore
from dedup.readers import read_documents
from dedup.report.html_page import write_check_report, write_scan_report
from tests.conftest import EXAMPLES
from tests.test_html_report import ALONE, HOSTILE, PAPER, WIRE, hostile_corpus
from tests.test_scan import MA_QUOTE, MONDAY

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


def _missing() -> str | None:
    for path in (CHROMIUM, CHROMEDRIVER):
        if shutil.which(path) is None:
            return f"{path} not installed (apt-get install chromium chromium-driver)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium not installed (pip install -e '.[dev]')"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    reason = _missing()
    if reason is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests must run in CI: {reason}")
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1300,1000"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(5)  # views render on hashchange, a moment after a click
    try:
        yield driver
    finally:
        driver.quit()


def open_page(browser: Any, page: Path, route: str = "") -> None:
    browser.get(page.as_uri() + route)
    browser.execute_script("return 1")  # wait for the page's script, which runs before load ends
    assert browser.execute_script("return document.documentElement.dataset.ready") is not None
    browser.get_log("browser")  # start each test with an empty console log


def go(browser: Any, route: str) -> None:
    browser.execute_script("location.hash = arguments[0]", route)


def marks(browser: Any, pane: str) -> list[str]:
    texts: list[str] = browser.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0] + ' mark.shared')).map(m => m.textContent)",
        f"#pane-{pane}-text",
    )
    return [" ".join(t.split()) for t in texts]


def assert_no_errors(browser: Any) -> None:
    severe = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert severe == []
    assert browser.execute_script("return document.documentElement.dataset.errors") is None


def scan_page(documents: list[Document], path: Path) -> Path:
    with path.open("w", encoding="utf-8") as out:
        write_scan_report(scan(documents), documents, out)
    return path


@pytest.fixture
def seeds_page(seeds_dir: Path, tmp_path: Path) -> Path:
    return scan_page(list(read_documents([str(seeds_dir)])), tmp_path / "seeds.html")


def test_seed_pair_shared_paragraphs_are_highlighted_in_both_panes(
    browser: Any, seeds_page: Path, tmp_path: Path
) -> None:
    open_page(browser, seeds_page, "#pair/0")
    for pane in ("a", "b"):
        highlighted = marks(browser, pane)
        assert any(MONDAY in text for text in highlighted), pane
        assert any(MA_QUOTE in text for text in highlighted), pane
    browser.save_screenshot(str(tmp_path / "seeds-pair.png"))
    assert (tmp_path / "seeds-pair.png").stat().st_size > 10_000
    assert_no_errors(browser)


def test_clicking_a_passage_in_one_pane_brings_its_twin_into_view_in_the_other(
    browser: Any, seeds_page: Path
) -> None:
    open_page(browser, seeds_page, "#pair/0")
    last = len(marks(browser, "a")) - 1
    browser.find_element("id", f"a-m{last}").click()
    twin = browser.find_element("id", f"b-m{last}")
    assert "current" in (twin.get_attribute("class") or "")
    visible = browser.execute_script(
        "const m = arguments[0], p = m.closest('.text');"
        "const a = m.getBoundingClientRect(), b = p.getBoundingClientRect();"
        "return a.top >= b.top && a.bottom <= b.bottom;",
        twin,
    )
    assert visible
    assert browser.execute_script("return location.hash") == f"#pair/0/{last}"
    assert_no_errors(browser)


def test_example_corpus_click_through_from_overview_to_a_cluster_and_its_pair(
    browser: Any, tmp_path: Path
) -> None:
    page = scan_page(list(read_documents([str(EXAMPLES)])), tmp_path / "news.html")
    open_page(browser, page)
    assert browser.find_element("id", "overview").is_displayed()
    browser.find_element("id", "nav-clusters").click()
    browser.find_element("css selector", "#list a[href='#cluster/1']").click()
    heading = browser.find_element("css selector", "#detail h2").text
    assert heading == "Cluster 1: 5 documents"
    origin_row = browser.find_element("xpath", "//tr[.//span[@class='origin']]").text
    assert "coastal-wire-tidal-barrier.md" in origin_row
    browser.find_elements("link text", "side by side")[0].click()
    browser.find_element("id", "pane-a-text")
    assert browser.execute_script("return location.hash").startswith("#pair/")
    assert marks(browser, "a")
    assert marks(browser, "b")
    browser.save_screenshot(str(tmp_path / "news-pair.png"))
    go(browser, "#boilerplate")
    boilerplate = browser.find_element("css selector", "#list .boilerplate blockquote").text
    assert boilerplate.startswith("Sign up for the Harbour Ledger morning briefing")
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0
    assert_no_errors(browser)


def test_word_edits_are_marked_in_both_panes(browser: Any, tmp_path: Path) -> None:
    page = scan_page([WIRE, PAPER, ALONE], tmp_path / "edits.html")
    open_page(browser, page, "#pair/0")
    edited = browser.execute_script(
        "return ['a', 'b'].map(s => Array.from(document.querySelectorAll('#pane-' + s + '-text .edit'))"
        ".map(e => e.textContent))"
    )
    assert sorted(edited) == [["Russia"], ["the Russian Federation"]]
    assert_no_errors(browser)


def test_hostile_text_shows_as_text_and_runs_nothing(browser: Any, tmp_path: Path) -> None:
    page = scan_page(hostile_corpus(), tmp_path / "hostile.html")
    for route in ("", "#pairs", "#pair/0", "#doc/0", "#cluster/1", "#clusters"):
        open_page(browser, page, route)
        count = "return document.querySelectorAll(arguments[0]).length"  # no implicit wait for absence
        assert browser.execute_script(count, "img, textarea, iframe, b") == 0
        assert browser.execute_script(count, "a[href^='javascript']") == 0
        assert browser.execute_script("return document.scripts.length") == 2
        assert_no_errors(browser)
    open_page(browser, page, "#doc/0")
    text = browser.find_element("id", "doc-text").text
    for payload in HOSTILE:
        assert payload in text


def test_check_report_highlights_the_borrowed_passages_of_the_draft(browser: Any, tmp_path: Path) -> None:
    with Index(MemoryStore()) as index:
        index.add([WIRE, ALONE])
        result = index.check(PAPER)
    page = tmp_path / "check.html"
    with page.open("w", encoding="utf-8") as out:
        write_check_report([result], [PAPER], [WIRE, ALONE], out)
    open_page(browser, page)
    browser.find_element("css selector", "#overview-more a[href='#doc/0']").click()
    browser.find_element("id", "doc-text")
    highlighted = browser.execute_script(
        "return Array.from(document.querySelectorAll('#doc-text mark.shared')).map(m => m.textContent)"
    )
    assert any("the Russian Federation on the grain corridor" in text for text in highlighted)
    assert "borrowed" in browser.find_element("css selector", "#detail p").text
    assert_no_errors(browser)


def test_a_missing_browser_is_named_so_ci_can_fail_on_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import tests.test_html_report_browser as this

    monkeypatch.setattr(this, "CHROMIUM", "/nonexistent/chromium")
    assert _missing() == "/nonexistent/chromium not installed (apt-get install chromium chromium-driver)"


def _syndicated(prefix: str, count: int, passage: str) -> list[Document]:
    """``count`` documents that each reprint ``passage`` between lines of their own."""
    documents = []
    for i in range(count):
        own = " ".join(f"{prefix}{i}word{j}" for j in range(40))
        documents.append(
            Document(
                f"{prefix}-{i:02d}",
                f"{own}.\n\n{passage}\n\nClosing line {prefix}{i}.",
                source=f"{prefix} {i}",
            )
        )
    return documents


def test_the_pairs_filter_is_kept_when_paging_and_in_the_address(browser: Any, tmp_path: Path) -> None:
    wire = _syndicated("wire", 12, MONDAY)  # 66 pairs: two pages of 50
    city = _syndicated("city", 4, MA_QUOTE)  # 6 pairs the filter must hide
    page = scan_page(wire + city, tmp_path / "many.html")
    open_page(browser, page, "#pairs")
    box = browser.find_element("css selector", "#list input.filter")
    box.send_keys("wire")
    assert "page 1 of 2 (66)" in browser.find_element("css selector", "#list .pager").text
    browser.find_element("link text", "next »").click()
    assert "page 2 of 2 (66)" in browser.find_element("css selector", "#list .pager").text
    assert browser.find_element("css selector", "#list input.filter").get_attribute("value") == "wire"
    rows = browser.find_elements("css selector", "#list tbody tr")
    assert len(rows) == 16
    assert all(row.text.count("wire-") == 2 for row in rows)
    browser.refresh()  # the filter is in the address, so a reload or a shared link keeps it
    assert "page 2 of 2 (66)" in browser.find_element("css selector", "#list .pager").text
    browser.find_element("link text", "« previous").click()
    assert "page 1 of 2 (66)" in browser.find_element("css selector", "#list .pager").text
    assert_no_errors(browser)
