"""Limits on what framing downloads, caches and unpacks, against hostile or broken sources.

* The parsed dataset cache is checked against the sha256 recorded when it was written.
* ``fetch_pages``: ``total_timeout`` holds while a body trickles in; robots.txt is read
  within the same limits and up to a size cap; redirects are checked hop by hop against
  robots.txt, the per-host clock and private addresses; an unreachable robots.txt (5xx)
  closes its host.
* ``FRAMING_OFFLINE`` means no network at all.
* ``safe_extract`` caps the members and bytes an archive may write.

Servers run on 127.0.0.1 in threads; no test reaches the network.
"""

from __future__ import annotations

import http.server
import io
import tarfile
import threading
import time
import warnings
import zipfile

import pandas as pd
import pytest
from werkzeug import Response

from framing._config import OfflineError
from framing._fetch import DownloadError, cached_dataset, fetch_files, select
from framing._safety import ArchiveTooLargeError, safe_extract
from framing.collect import fetch as fetch_module
from framing.collect import fetch_pages, from_urls

FAST = {"backoff": 0.01, "max_backoff": 0.1, "min_interval": 0.0, "retries": 0,
        "timeout": (2.0, 5.0), "allow_private": True}


@pytest.fixture
def stop():
    """Set at teardown, so that trickling handlers end with the test."""
    event = threading.Event()
    yield event
    event.set()


@pytest.fixture
def server():
    """A threaded pytest-httpserver on 127.0.0.1; unknown paths answer 404."""
    from pytest_httpserver import HTTPServer

    srv = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    srv.no_handler_status_code = 404
    srv.start()
    yield srv
    srv.clear()
    srv.stop()


@pytest.fixture
def other_server():
    """A second server, reached as ``localhost``: another host for robots and the clock."""
    from pytest_httpserver import HTTPServer

    srv = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    srv.no_handler_status_code = 404
    srv.start()
    yield srv
    srv.clear()
    srv.stop()


def other_url(srv, path: str) -> str:
    return f"http://localhost:{srv.port}{path}"


def paths_requested(srv) -> list[str]:
    return [request.path for request, _response in srv.log]


def trickle(stop, *, length: int, every: float, first: bytes = b""):
    """A handler sending ``first`` at once, then one byte per ``every`` seconds."""

    def body():
        yield first
        for _ in range(length - len(first)):
            if stop.wait(every):
                return
            yield b"x"

    def handler(_request):
        return Response(body(), content_type="text/html",
                        headers={"Content-Length": str(length)})

    return handler


# -- 1. the parsed cache is verified -------------------------------------------------------


def parse_codes(paths):
    text = paths[0].read_text(encoding="utf-8")
    return pd.DataFrame({"text": ["The council voted to keep the sanctuary policy. " + text]})


def parsed_cache(home):
    (path,) = (home / "parsed").glob("codes-*.parquet")
    return path


@pytest.mark.parametrize("damage", ["flip_text_byte", "truncate", "drop_checksum"])
def test_damaged_parsed_cache_is_rebuilt_with_a_warning(mirror_dir, fresh_data_home, damage):
    files = select("mfc_codes")
    calls = []

    def parse(paths):
        calls.append(1)
        return parse_codes(paths)

    first = cached_dataset("codes", files, parse, version="1", progress=False)
    path = parsed_cache(fresh_data_home)
    assert path.with_name(path.name + ".sha256").is_file()
    data = bytearray(path.read_bytes())
    if damage == "flip_text_byte":
        where = data.find(b"council")
        assert where > 0  # the text is stored as is: a flip changes it, still readable
        data[where] ^= 0x20  # "council" -> "Council"
        path.write_bytes(bytes(data))
    elif damage == "truncate":
        path.write_bytes(bytes(data[: len(data) // 2]))
    else:
        path.with_name(path.name + ".sha256").unlink()
    with pytest.warns(UserWarning, match=r"parsed cache .*codes-.*\.parquet .*parsing the dataset "
                                         r"again"):
        again = cached_dataset("codes", files, parse, version="1", progress=False)
    pd.testing.assert_frame_equal(again, first)
    assert len(calls) == 2
    # repaired: the next call reads the cache, silently
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        third = cached_dataset("codes", files, parse, version="1", progress=False)
    pd.testing.assert_frame_equal(third, first)
    assert len(calls) == 2


# -- 2. fetch limits ------------------------------------------------------------------------


def test_total_timeout_holds_while_a_body_trickles_in(server, stop):
    server.expect_request("/slow").respond_with_handler(trickle(stop, length=60, every=0.2))
    started = time.monotonic()
    (result,) = fetch_pages([server.url_for("/slow")], total_timeout=1.5, **FAST)
    elapsed = time.monotonic() - started
    assert not result.ok
    assert result.reason.startswith("timeout") and "total_timeout=1.5" in result.reason
    assert elapsed < 3.5  # not the 12 s the body takes


def test_total_timeout_holds_when_a_body_stalls(server, stop):
    # one byte, then nothing: each read waits for the socket, whose timeout is the time left
    server.expect_request("/stall").respond_with_handler(
        trickle(stop, length=10, every=60, first=b"<"))
    started = time.monotonic()
    (result,) = fetch_pages([server.url_for("/stall")], total_timeout=1.0,
                            **{**FAST, "timeout": (2.0, 30.0)})
    assert not result.ok and "total_timeout=1.0" in result.reason
    assert time.monotonic() - started < 3.0  # not the 30 s read timeout


def test_trickling_robots_txt_is_cut_off_and_closes_the_host(server, stop):
    server.expect_request("/robots.txt").respond_with_handler(
        trickle(stop, length=200, every=0.2))
    server.expect_request("/page").respond_with_data("<p>page</p>", content_type="text/html")
    started = time.monotonic()
    (result,) = fetch_pages([server.url_for("/page")], total_timeout=1.0, **FAST)
    assert time.monotonic() - started < 3.5
    assert not result.ok and "robots.txt" in result.reason and "unreachable" in result.reason
    assert "/page" not in paths_requested(server)


def test_robots_txt_is_read_up_to_a_size_cap(server):
    padding = "# " + "x" * 97 + "\n"
    robots = ("User-agent: *\nDisallow: /early\n" + padding * 6000  # 600 kB, past the cap
              + "Disallow: /late\n")
    served = []

    def robots_handler(_request):
        def body():
            for start in range(0, len(robots), 65536):
                served.append(start)
                yield robots[start:start + 65536].encode()
            # then 50 MB more comment lines: a client that reads it all holds it all
            block = (padding * 650).encode()
            for _ in range(50_000_000 // len(block)):
                served.append(len(block))
                yield block

        return Response(body(), content_type="text/plain")

    server.expect_request("/robots.txt").respond_with_handler(robots_handler)
    server.expect_request("/early").respond_with_data("<p>a</p>", content_type="text/html")
    server.expect_request("/late").respond_with_data("<p>b</p>", content_type="text/html")
    early, late = fetch_pages([server.url_for("/early"), server.url_for("/late")], **FAST)
    assert (early.stage, early.reason) == ("robots", "disallowed by robots.txt")
    assert late.ok  # its rule lies past the 512 KiB read
    assert len(served) < 400  # the 50 MB were never sent in full


# -- 3. robots, redirects and addresses -----------------------------------------------------


def test_redirect_into_a_disallowed_path_is_refused(server):
    server.expect_request("/robots.txt").respond_with_data("User-agent: *\nDisallow: /private/\n")
    server.expect_request("/moved").respond_with_data(
        "", status=302, headers={"Location": "/private/secret"})
    server.expect_request("/private/secret").respond_with_data("<p>s</p>",
                                                               content_type="text/html")
    (result,) = fetch_pages([server.url_for("/moved")], **FAST)
    assert result.stage == "robots" and not result.ok
    assert result.reason == (f"redirected to {server.url_for('/private/secret')}: "
                             "disallowed by robots.txt")
    assert "/private/secret" not in paths_requested(server)


def test_redirect_to_another_host_asks_that_hosts_robots(server, other_server):
    other_server.expect_request("/robots.txt").respond_with_data("User-agent: *\nDisallow: /\n")
    other_server.expect_request("/there").respond_with_data("<p>t</p>",
                                                            content_type="text/html")
    server.expect_request("/go").respond_with_data(
        "", status=301, headers={"Location": other_url(other_server, "/there")})
    (result,) = fetch_pages([server.url_for("/go")], **FAST)
    assert result.stage == "robots" and "disallowed by robots.txt" in result.reason
    assert paths_requested(other_server) == ["/robots.txt"]


def test_redirect_hop_waits_for_the_other_hosts_clock(server, other_server):
    import requests

    sent, lock = [], threading.Lock()

    class RecordingSession(requests.Session):
        def send(self, request, **kwargs):
            with lock:
                sent.append((request.url, time.monotonic()))
            return super().send(request, **kwargs)

    other_server.expect_request("/a").respond_with_data("<p>a</p>", content_type="text/html")
    other_server.expect_request("/b").respond_with_data("<p>b</p>", content_type="text/html")
    server.expect_request("/go").respond_with_data(
        "", status=302, headers={"Location": other_url(other_server, "/b")})
    results = fetch_pages([other_url(other_server, "/a"), server.url_for("/go")],
                          max_workers=2, session_factory=RecordingSession, respect_robots=False,
                          **{**FAST, "min_interval": 0.6})
    assert all(r.ok for r in results)
    assert results[1].final_url == other_url(other_server, "/b")
    on_other = sorted(t for url, t in sent if url.startswith("http://localhost:"))
    assert len(on_other) == 2 and on_other[1] - on_other[0] >= 0.55


@pytest.mark.parametrize(("status", "allowed"), [(503, False), (500, False), (429, False),
                                                 (404, True), (403, True)])
def test_robots_txt_status_per_rfc_9309(server, status, allowed):
    server.expect_request("/robots.txt").respond_with_data("down", status=status)
    server.expect_request("/page").respond_with_data("<p>p</p>", content_type="text/html")
    (result,) = fetch_pages([server.url_for("/page")], **FAST)
    assert result.ok is allowed
    assert ("/page" in paths_requested(server)) is allowed
    if not allowed:
        assert f"robots.txt of http://127.0.0.1:{server.port} unreachable (HTTP {status}" in \
            result.reason


@pytest.mark.parametrize(("url", "served"), [
    ("http://169.254.169.254/latest/meta-data/", False), ("http://10.1.2.3/", False),
    ("http://0.0.0.0/", False), ("http://[::1]:{port}/page", False),
    ("http://[::ffff:127.0.0.1]:{port}/page", False),
    ("http://127.0.0.1:{port}/page", True), ("http://localhost:{port}/page", True)])
def test_private_addresses_are_refused_without_opt_in(server, monkeypatch, url, served):
    monkeypatch.delenv("FRAMING_ALLOW_PRIVATE", raising=False)
    server.expect_request("/page").respond_with_data("<p>p</p>", content_type="text/html")
    url = url.format(port=server.port)
    (result,) = fetch_pages([url], **{**FAST, "allow_private": None})
    assert not result.ok
    assert "private, loopback, link-local or reserved" in result.reason
    assert "allow_private=True" in result.reason
    assert paths_requested(server) == []
    if served:  # the opt-in, by argument or by FRAMING_ALLOW_PRIVATE
        (result,) = fetch_pages([url], **{**FAST, "allow_private": True})
        assert result.ok
        monkeypatch.setenv("FRAMING_ALLOW_PRIVATE", "1")
        (result,) = fetch_pages([url], **{**FAST, "allow_private": None})
        assert result.ok


def test_redirect_to_a_private_address_is_refused(server, monkeypatch):
    # 127.0.0.1 plays a public host here; 169.254.169.254 (cloud metadata) stays private
    real = fetch_module._non_public_address
    monkeypatch.setattr(fetch_module, "_non_public_address",
                        lambda host: None if host == "127.0.0.1" else real(host))
    server.expect_request("/go").respond_with_data(
        "", status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})
    (result,) = fetch_pages([server.url_for("/go")], **{**FAST, "allow_private": False})
    assert not result.ok and result.status == 302
    assert result.reason.startswith("redirected to http://169.254.169.254/latest/meta-data/: "
                                    "169.254.169.254 resolves to 169.254.169.254")


def test_redirect_loops_are_cut(server):
    server.expect_request("/loop").respond_with_data("", status=302,
                                                     headers={"Location": "/loop"})
    (result,) = fetch_pages([server.url_for("/loop")], max_redirects=3, **FAST)
    assert not result.ok and result.reason.startswith("more than 3 redirects")
    assert paths_requested(server).count("/loop") == 4


# -- 4. offline means no network ------------------------------------------------------------


class _CountingHandler(http.server.SimpleHTTPRequestHandler):
    requests: list = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        _CountingHandler.requests.append(self.path)
        super().do_GET()


def test_offline_refuses_an_http_mirror(mirror_dir, fresh_data_home, monkeypatch, serve_folder):
    _CountingHandler.requests = []
    monkeypatch.setenv("FRAMING_MIRROR", serve_folder(mirror_dir, handler=_CountingHandler))
    monkeypatch.setenv("FRAMING_OFFLINE", "1")
    with pytest.raises(DownloadError, match="FRAMING_OFFLINE is set: the mirror FRAMING_MIRROR="
                                            "http://127.0.0.1"):
        fetch_files(select("mfc_codes"), progress=False)
    assert _CountingHandler.requests == []
    monkeypatch.setenv("FRAMING_MIRROR", str(mirror_dir))  # a mirror folder is fine offline
    (path,) = fetch_files(select("mfc_codes"), progress=False)
    assert path.is_file()


def test_offline_from_urls_raises_naming_framing_offline(server, monkeypatch):
    server.expect_request("/page").respond_with_data("<p>p</p>", content_type="text/html")
    monkeypatch.setenv("FRAMING_OFFLINE", "1")
    with pytest.raises(OfflineError, match="FRAMING_OFFLINE is set"):
        from_urls([server.url_for("/page")], **FAST)
    with pytest.raises(OfflineError, match=r"fetching 1 URL\(s\)"):
        fetch_pages([server.url_for("/page")], **FAST)
    assert paths_requested(server) == []
    assert fetch_pages([]) == []  # nothing to fetch: nothing to refuse


# -- 5. archive caps ------------------------------------------------------------------------


def zip_of(files: dict[str, bytes], path):
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as handle:
        for name, data in files.items():
            handle.writestr(name, data)
    return path


def test_zip_bomb_is_refused_before_writing(tmp_path):
    archive = zip_of({f"part{i}.bin": bytes(20_000_000) for i in range(3)}, tmp_path / "b.zip")
    assert archive.stat().st_size < 200_000  # 60 MB of zeros in a small file
    with pytest.raises(ArchiveTooLargeError, match=r"b\.zip: its members declare 60000000 "
                                                   r"bytes in all, more than max_bytes=10000000"):
        safe_extract(archive, tmp_path / "out", max_bytes=10_000_000)
    assert list((tmp_path / "out").iterdir()) == []


def test_too_many_members_are_refused(tmp_path):
    archive = zip_of({f"f{i}.txt": b"" for i in range(30)}, tmp_path / "many.zip")
    with pytest.raises(ArchiveTooLargeError, match="30 members, more than max_members=20"):
        safe_extract(archive, tmp_path / "out", max_members=20)
    tar_path = tmp_path / "many.tar"
    with tarfile.open(tar_path, "w") as tar:
        for i in range(30):
            tar.addfile(tarfile.TarInfo(f"f{i}.txt"), io.BytesIO(b""))
    with pytest.raises(ArchiveTooLargeError, match="more than max_members=20"):
        safe_extract(tar_path, tmp_path / "out2", max_members=20)
    assert safe_extract(archive, tmp_path / "out3", max_members=30)  # at the cap: fine


def test_hard_links_count_as_the_bytes_they_copy(tmp_path):
    tar_path = tmp_path / "links.tar"
    with tarfile.open(tar_path, "w") as tar:
        info = tarfile.TarInfo("big.bin")
        info.size = 400_000
        tar.addfile(info, io.BytesIO(bytes(info.size)))
        for i in range(5):  # each header declares 0 bytes, each writes 400 kB
            link = tarfile.TarInfo(f"copy{i}.bin")
            link.type, link.linkname = tarfile.LNKTYPE, "big.bin"
            tar.addfile(link)
    with pytest.raises(ArchiveTooLargeError, match="declare 2400000 bytes"):
        safe_extract(tar_path, tmp_path / "out", max_bytes=1_000_000)
    assert len(safe_extract(tar_path, tmp_path / "ok", max_bytes=2_400_000)) == 6


def test_bytes_written_are_counted_when_headers_lie(tmp_path, monkeypatch):
    from framing import _safety

    archive = zip_of({f"f{i}.bin": bytes(400_000) for i in range(3)}, tmp_path / "lie.zip")
    # as if every header declared nothing: only counting while writing can stop it
    monkeypatch.setattr(_safety, "_check_totals", lambda *args, **kwargs: None)
    with pytest.raises(ArchiveTooLargeError, match="expands to more than max_bytes=1000000"):
        safe_extract(archive, tmp_path / "out", max_bytes=1_000_000)
    assert [p for p in (tmp_path / "out").rglob("*") if p.is_file()] == []  # cleaned up


def test_default_caps_fit_the_pinned_encoder():
    from framing._pretrained import ENCODERS
    from framing._safety import MAX_MEMBERS, MAX_TOTAL_BYTES

    archive = sum(url.bytes for url, _member in ENCODERS["mpnet"].parts)
    assert MAX_TOTAL_BYTES >= 4 * archive  # weights hardly compress: room to spare
    assert MAX_MEMBERS >= 1000
