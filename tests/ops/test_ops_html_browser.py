"""The HTML report in a real browser: Debian's chromium, headless, renders the page and the test reads
what a person would see (``innerText``, which honours layout and CSS) and the colors of the matrix.

CI installs chromium (.ci/run), so under CI=true this test must run; elsewhere it is skipped only
when no chromium is installed.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tasks.report_page import render_html
from tests.helpers.ops import FAULTY, REGIONS, sample_report

CHROMIUM = shutil.which("chromium")
if CHROMIUM is None and not os.environ.get("CI"):
    pytest.skip(
        "chromium is not installed (CI installs it: .ci/run); the HTML report is checked in a browser there",
        allow_module_level=True,
    )

#: Added to a copy of the page only: after layout, write what is visible into the DOM chromium dumps.
PROBE = """<script>
window.addEventListener('load', () => {
  const cells = [...document.querySelectorAll('td.cell')].map(
    c => [c.closest('tr').querySelector('th').innerText, c.innerText, getComputedStyle(c).backgroundColor]);
  const probe = document.createElement('pre');
  probe.id = 'probe';
  probe.textContent = JSON.stringify({text: document.body.innerText, cells: cells, title: document.title});
  document.body.appendChild(probe);
});
</script>"""


def rendered(page: str, tmp_path: Path) -> dict[str, object]:
    """What chromium shows of ``page``: visible text, matrix cells (account, text, color), title."""
    assert CHROMIUM is not None, "CI is set but chromium is missing: .ci/run installs it"
    path = tmp_path / "report.html"
    path.write_text(page.replace("</body>", PROBE + "</body>"))
    dom = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--virtual-time-budget=5000",
            "--dump-dom",
            path.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    match = re.search(r'<pre id="probe">(.*?)</pre>', dom, re.DOTALL)
    assert match, dom[:2000]
    return dict(json.loads(html.unescape(match.group(1))))


def test_a_person_sees_the_counts_the_matrix_the_failures_and_what_to_do(tmp_path: Path) -> None:
    report = sample_report()
    report["results"][0]["detail"] = "<script>alert('x')</script>"  # report text is shown, never run
    page = render_html(report)
    assert "<script" not in page.replace("&lt;script", "") and "http" not in page  # self-contained, inert
    seen = rendered(page, tmp_path)
    text = str(seen["text"])
    assert seen["title"] == "Detective enable report - enable-0123456789ab"
    for expected in (
        "6 account-Regions",
        "ENABLED: 4",
        "FAILED: 2",
        "What to do",
        "Region x account",
        "Failed and skipped rows",
        "Deploy the member-role StackSet to the account",
        "AssumeRole failed: AccessDenied <role missing>",
        *REGIONS,
    ):
        assert expected in text, expected
    cells = seen["cells"]
    assert isinstance(cells, list) and len(cells) == 6
    colors = {(account, status): color for account, status, color in cells}
    assert colors[(FAULTY, "FAILED")] == "rgb(198, 40, 40)"  # red
    assert colors[("222222222222", "ENABLED")] == "rgb(46, 125, 50)"  # green
    assert text.index("What to do") < text.index("Summary") < text.index("Failed and skipped rows")  # actions first
    start = text.index("Failed and skipped rows")
    failures = text[start : text.index("\nRegions\n", start)]
    assert failures.count(FAULTY) == 2 and "222222222222" not in failures
