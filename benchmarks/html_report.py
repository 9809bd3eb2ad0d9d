"""HTML report at scale: file size and load time in headless chromium for a generated corpus.

    python -m benchmarks.html_report            # 10,000 articles (about 1.5 minutes)
    python -m benchmarks.html_report --docs 2000

Baselines, measured in the same run on the same data:
* size: the corpus texts (UTF-8) and ``--format json`` of the same result;
* load: a bare page holding the same JSON block whose script only runs ``JSON.parse``,
  the floor any page carrying this data pays. The report's load time is reported as
  a ratio to it. Times are the median of ``--repeats`` loads (after one warm-up load of
  each page), from navigation start to the moment the report's script has rendered the
  overview (``data-ready``); the report also says how much of that was ``JSON.parse``.
Also timed: opening the largest pair side by side, and a page of the clusters list.
Writes ``benchmarks/results/html_report.json``.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.corpus import generate
from dedup import scan
from dedup.report.html_page import embed_json, write_scan_report
from dedup.report.serialize import dump_json

RESULTS = Path(__file__).resolve().parent / "results"
SEED = 7

_BARE = """<!doctype html><meta charset="utf-8"><title>bare</title>
<script type="application/json" id="dedup-data">{data}</script>
<script>JSON.parse(document.getElementById("dedup-data").textContent);
document.documentElement.setAttribute("data-ready", String(Math.round(performance.now())));</script>"""


def _browser() -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1300,1000"):
        options.add_argument(argument)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def _load_ms(driver: Any, page: Path, repeats: int) -> tuple[float, float]:
    """Median milliseconds from navigation start to ``data-ready``, and of them in ``JSON.parse``."""
    times, parses = [], []
    for _ in range(repeats):
        driver.get("about:blank")
        driver.get(page.as_uri())
        times.append(float(driver.execute_script("return document.documentElement.dataset.ready")))
        parses.append(float(driver.execute_script("return document.documentElement.dataset.parseMs || 0")))
    return statistics.median(times), statistics.median(parses)


def _route_ms(driver: Any, route: str, repeats: int) -> float:
    """Median milliseconds the report's script takes to render one route."""
    times = []
    for _ in range(repeats):
        times.append(
            driver.execute_script(
                "location.hash = '#overview'; const t = performance.now();"
                "location.hash = arguments[0]; window.dispatchEvent(new HashChangeEvent('hashchange'));"
                "return performance.now() - t;",
                route,
            )
        )
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=9)
    args = parser.parse_args()

    documents = generate(args.docs, seed=SEED)
    start = time.perf_counter()
    result = scan(documents)
    scan_seconds = time.perf_counter() - start
    texts_bytes = sum(len(d.text.encode("utf-8")) for d in documents)
    json_out = io.StringIO()
    dump_json(result, json_out)

    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.html"
        start = time.perf_counter()
        with report.open("w", encoding="utf-8") as out:
            write_scan_report(result, documents, out)
        render_seconds = time.perf_counter() - start
        page = report.read_text(encoding="utf-8")
        data = page.split('<script type="application/json" id="dedup-data">', 1)[1].split("</script>", 1)[0]
        bare = Path(folder) / "bare.html"
        bare.write_text(_BARE.format(data=data), encoding="utf-8")
        if embed_json(json.loads(data)) != data:
            raise SystemExit("the data block does not read back as the embedded JSON")

        driver = _browser()
        try:
            _load_ms(driver, report, 1)  # warm the browser's caches and code before timing either page
            _load_ms(driver, bare, 1)
            bare_ms, _ = _load_ms(driver, bare, args.repeats)
            report_ms, parse_ms = _load_ms(driver, report, args.repeats)
            pair_ms = _route_ms(driver, "#pair/0", args.repeats)
            clusters_ms = _route_ms(driver, "#clusters/1", args.repeats)
            errors = driver.execute_script("return document.documentElement.dataset.errors")
        finally:
            driver.quit()

    figures = {
        "documents": len(documents),
        "pairs": len({(m.a.doc_id, m.b.doc_id) for m in result.matches}),
        "matches": len(result.matches),
        "clusters": len(result.clusters),
        "scan_seconds": round(scan_seconds, 1),
        "render_seconds": round(render_seconds, 2),
        "report_bytes": len(page.encode("utf-8")),
        "texts_bytes": texts_bytes,
        "json_bytes": len(json_out.getvalue().encode("utf-8")),
        "load_ms_report": report_ms,
        "of_which_json_parse_ms": parse_ms,
        "load_ms_bare_json_parse": bare_ms,
        "load_ratio_to_bare": round(report_ms / bare_ms, 2),
        "open_largest_pair_ms": round(pair_ms, 1),
        "open_clusters_page_ms": round(clusters_ms, 1),
        "js_errors": errors,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "html_report.json").write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
