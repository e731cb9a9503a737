"""``framing report`` and framing.report: one offline HTML page, rendered in headless Chromium.

One report is built for the module (60 AllSides articles written to a JSONL file with two
bad rows, ``n_boot=50``) through the command line, then read as text and rendered by
Chromium (Debian's ``chromium`` package; the rendering tests are skipped without it).
"""

from __future__ import annotations

import base64
import http.server
import json
import re
import shutil
import subprocess
import threading

import numpy as np
import pandas as pd
import pytest

from framing.cli import main
from framing.report import report

N_ARTICLES = 60
BAD_ROWS = [{"article_id": "bad-1", "outlet": "x", "text": ""},
            {"article_id": "bad-2", "outlet": "", "text": "No outlet here."}]


@pytest.fixture(scope="module")
def sample():
    from framing.datasets import fetch_allsides

    articles = fetch_allsides(progress=False)
    return articles.sample(n=N_ARTICLES, random_state=0).sort_index()


@pytest.fixture(scope="module")
def corpus(sample, tmp_path_factory):
    """The sample as a JSONL file, followed by two rows the loader rejects."""
    path = tmp_path_factory.mktemp("corpus") / "articles.jsonl"
    lines = sample.reset_index().to_json(orient="records", lines=True, date_format="iso")
    lines = lines.rstrip("\n") + "\n" + "\n".join(json.dumps(row) for row in BAD_ROWS) + "\n"
    path.write_text(lines, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def built(corpus, tmp_path_factory):
    """Run ``framing report`` once; return its exit status, output, and the page."""
    out = tmp_path_factory.mktemp("report") / "report.html"
    capture = {}
    import contextlib
    import io

    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        capture["status"] = main(["report", str(corpus), "--by", "label_allsides", "--out",
                                  str(out), "--n-boot", "50", "--n-perm", "0",
                                  "--min-articles", "2", "--no-progress"])
    capture.update(stdout=stdout.getvalue(), stderr=stderr.getvalue(), path=out,
                   page=out.read_text(encoding="utf-8") if out.exists() else "")
    return capture


# -- the page as text --------------------------------------------------------------------------

def test_report_command_writes_the_page_and_counts_rejected_rows(built):
    assert built["status"] == 0, built["stderr"]
    assert f"wrote {built['path']} ({N_ARTICLES} articles by label_allsides)" in built["stdout"]
    assert "2 rows rejected (listed in the report)" in built["stderr"]
    page = built["page"]
    assert page.startswith("<!DOCTYPE html>")
    for section in ("Corpus", "Outlet comparisons", "Fightin&#x27; words", "Frames",
                    "Term choice", "Example articles", "Method and validity notes"):
        assert f"<h2>{section}</h2>" in page
    assert f"2 of {N_ARTICLES + 2} source rows were rejected" in page
    assert "missing or empty text" in page and "bad-2" in page


def test_report_is_self_contained(built):
    page = built["page"]
    # Nothing that a browser would fetch: no script, no link to a style sheet or font, no
    # source or address outside the page (links inside it are "#anchors").
    assert "<script" not in page.lower()
    assert "<link" not in page.lower() and "@import" not in page
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", page, re.I)
    assert not re.search(r"url\(\s*['\"]?(?!data:)", page)
    sources = re.findall(r'<img [^>]*src="([^"]+)"', page)
    assert len(sources) >= 8  # 4 outlet figures, 3 fightin' words, frames, term choice
    for source in sources:
        assert source.startswith("data:image/png;base64,")
        assert base64.b64decode(source.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
    assert re.findall(r'href="([^"]*)"', page) == [
        "#corpus", "#outlet-comparisons", "#fightin--words", "#frames", "#term-choice",
        "#example-articles", "#method-and-validity-notes"]


def test_report_puts_each_distinctive_word_in_context_one_click_away(built):
    page = built["page"]
    terms = re.findall(r"<details><summary><b>([^<]+)</b>: z ", page)
    assert len(terms) >= 3 * 5  # three groups, at least five terms each
    # A term's contexts open from its summary: a concordance inside the same <details>.
    first = page.index(f"<details><summary><b>{terms[0]}</b>: z ")
    block = page[first:page.index("</details>", first)]
    assert 'class="framing-kwic"' in block
    assert f'font-weight:bold;text-align:center">{terms[0]}' in block.lower() or \
        "No verbatim match" in block


def test_report_shows_highlighted_examples_and_the_validity_notes(built):
    page = built["page"]
    assert page.count('class="framing-highlight"') == 2 * 3  # two scorers, three groups
    assert "docs/results.md" in page
    assert "two-stage cluster bootstrap" in page


# -- rendering in Chromium ---------------------------------------------------------------------

CHROMIUM = shutil.which("chromium")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install chromium; "
                             ".ci/run installs it)")
#: Hosts Chromium itself calls whatever the page (component updates, sign-in, network time):
#: not requests of the page.
BROWSER_SERVICE_HOSTS = ("update.googleapis.com", "accounts.google.com", "clients2.google.com")


class _RecordingProxy:
    """An HTTP proxy on 127.0.0.1 that answers nothing and records every request sent to it."""

    def __init__(self):
        seen = self.requests = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def _record(self):
                seen.append((self.command, self.path))
                self.send_response(502)
                self.end_headers()

            do_GET = do_POST = do_HEAD = do_CONNECT = _record

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def address(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def page_requests(self) -> list[tuple[str, str]]:
        return [(method, path) for method, path in self.requests
                if not any(host in path for host in BROWSER_SERVICE_HOSTS)]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def render(page_path, screenshot, profile) -> list[tuple[str, str]]:
    """Screenshot ``page_path`` in headless Chromium; return the requests the page made.

    Every request goes to a recording proxy (loopback included), so a page that fetches
    anything, from any host, shows up here.
    """
    proxy = _RecordingProxy()
    try:
        subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             f"--user-data-dir={profile}", "--no-first-run", "--disable-extensions",
             "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--disable-default-apps",
             f"--proxy-server={proxy.address}", "--proxy-bypass-list=<-loopback>",
             "--window-size=1200,2400", "--virtual-time-budget=5000",
             f"--screenshot={screenshot}", page_path.as_uri()],
            capture_output=True, timeout=180, check=True)
        return proxy.page_requests()
    finally:
        proxy.close()


def pixels(path) -> np.ndarray:
    from PIL import Image

    with Image.open(path) as image:
        return np.asarray(image.convert("L"), dtype=float)


@needs_chromium
def test_report_renders_in_chromium_without_any_network_request(built, tmp_path):
    shot = tmp_path / "report.png"
    requests = render(built["path"], shot, tmp_path / "profile")
    assert requests == []
    grey = pixels(shot)
    assert grey.shape == (2400, 1200)
    # Not a blank page: text and figures give contrast, and a good share of non-white pixels.
    assert grey.std() > 20
    assert (grey < 200).mean() > 0.02


@needs_chromium
def test_the_network_probe_sees_a_page_that_fetches(tmp_path):
    # The check above can fail: a page with a remote image and style sheet is caught.
    page = tmp_path / "remote.html"
    page.write_text('<!DOCTYPE html><p>x</p><img src="http://example.com/a.png">'
                    '<link rel="stylesheet" href="https://cdn.example.org/a.css">',
                    encoding="utf-8")
    requests = render(page, tmp_path / "remote.png", tmp_path / "profile")
    assert ("GET", "http://example.com/a.png") in requests
    assert ("CONNECT", "cdn.example.org:443") in requests


# -- bad input ---------------------------------------------------------------------------------

def run_cli(argv, capsys) -> tuple[int, str]:
    status = main(argv)
    return status, capsys.readouterr().err


def test_report_command_names_an_unknown_file(tmp_path, capsys):
    status, err = run_cli(["report", str(tmp_path / "no-such-file.jsonl"), "--by",
                           "label_allsides", "--out", str(tmp_path / "r.html")], capsys)
    assert status == 2
    assert err.startswith("framing: error: no such file or folder: ")
    assert "no-such-file.jsonl" in err
    assert not (tmp_path / "r.html").exists()


def test_report_command_names_a_missing_group_column_and_the_label_columns(corpus, tmp_path,
                                                                           capsys):
    status, err = run_cli(["report", str(corpus), "--by", "label_nope", "--out",
                           str(tmp_path / "r.html"), "--no-progress"], capsys)
    assert status == 2
    assert "--by 'label_nope' is not a column of the articles; label columns: " \
           "['label_allsides']" in err
    assert err.count("\n") == 1


def test_report_command_with_every_row_rejected_exits_non_zero_with_a_columns_hint(
        tmp_path, capsys):
    path = tmp_path / "export.csv"
    path.write_text("id,source,body\n1,Fox News,Some text.\n2,CNN,More text.\n",
                    encoding="utf-8")
    status, err = run_cli(["report", str(path), "--by", "label_x", "--out",
                           str(tmp_path / "r.html"), "--no-progress"], capsys)
    assert status == 2
    assert "no article to report on: 2 rows rejected" in err
    assert "--columns body=text,source=outlet" in err
    assert not (tmp_path / "r.html").exists()


def test_report_command_refuses_more_groups_than_a_page_can_compare(corpus, tmp_path, capsys):
    status, err = run_cli(["report", str(corpus), "--by", "outlet", "--out",
                           str(tmp_path / "r.html"), "--no-progress"], capsys)
    assert status == 2
    assert "a report compares 2 to 10" in err


def test_report_function_names_missing_columns(sample):
    with pytest.raises(ValueError, match=r"no column\(s\) \['label_nope'\].*label columns: "
                                         r"\['label_allsides'\]"):
        report(sample, by="label_nope", out=None, progress=False)
    with pytest.raises(ValueError, match=r"no column\(s\) \['text'\]"):
        report(sample.drop(columns="text"), out=None, progress=False)


def test_report_function_refuses_one_group_and_no_articles(sample):
    one = sample.assign(label_allsides="left")
    with pytest.raises(ValueError, match="needs at least two groups"):
        report(one, out=None, progress=False)
    with pytest.raises(ValueError, match="no articles to report on"):
        report(sample.iloc[:0], out=None, progress=False)
    with pytest.raises(ValueError, match="not among the report's headline features"):
        report(sample, features=["loaded__hedge"], out=None, progress=False)


def test_report_function_says_when_the_articles_are_a_selection(sample):
    from framing.report import _rejections

    # fetch_allsides' load report travels with the 60-article sample through pandas.
    assert sample.attrs["n_source_rows"] > N_ARTICLES
    assert f"These {N_ARTICLES} articles are a selection" in _rejections(sample)
    plain = pd.DataFrame(sample).copy()
    plain.attrs = {}
    assert "No loading report" in _rejections(plain)


def test_outlet_comparisons_with_a_categorical_group_and_an_outlet_in_two_groups():
    # AllSides rates ProPublica left in one article and center in three: colouring outlets by
    # a categorical label_allsides once failed on the "several groups" value.
    from framing.report import HEADLINE_FEATURES, _outlet_section, outlet_groups

    outlets = ["a"] * 3 + ["b"] * 3 + ["pro"] * 4
    lean = pd.Categorical(["left"] * 3 + ["right"] * 3 + ["left", "center", "center",
                                                          "center"],
                          categories=["left", "center", "right"])
    articles = pd.DataFrame({"outlet": outlets, "label_allsides": lean,
                             "text": ["Some words here."] * 10},
                            index=pd.Index([f"id{i}" for i in range(10)], name="article_id"))
    assert outlet_groups(articles, "label_allsides").to_dict() == {
        "a": "left", "b": "right", "pro": "several groups"}
    rng = np.random.default_rng(0)
    features = pd.DataFrame(rng.normal(size=(10, len(HEADLINE_FEATURES))),
                            columns=list(HEADLINE_FEATURES), index=articles.index)
    section = _outlet_section(features, articles, "label_allsides", ["left", "center", "right"],
                              HEADLINE_FEATURES[:1], n_boot=20, min_articles=2, random_state=0)
    assert section.count("<img ") == 1
    assert "<td>center</td><td>" in section
