"""The downloader: verified, atomic, parallel, retried, and clear when it cannot work.

Each test gets an empty data home (``fresh_data_home``) and a mirror it controls: a folder,
or that folder served on 127.0.0.1.
"""

from __future__ import annotations

import csv
import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest

from framing._fetch import (
    ChecksumError,
    DownloadError,
    _download,
    fetch_files,
    raw_cache_dir,
    registry,
    select,
)


@pytest.fixture(autouse=True)
def _fast_retries(monkeypatch):
    monkeypatch.setattr(_download, "BACKOFF", 0.01)


def copy_group(mirror_dir: Path, dest: Path, group: str) -> list:
    """Copy the pinned files of ``group`` from the real mirror into ``dest``."""
    files = select(group)
    for entry in files:
        target = dest / entry.relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(mirror_dir / entry.relpath, target)
    return files


def cached_files(home: Path) -> list[Path]:
    root = home / "raw"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_registry_matches_the_mirror_manifest(mirror_dir):
    with open(mirror_dir / "MANIFEST.csv", newline="", encoding="utf-8") as handle:
        manifest = {f"{r['owner']}/{r['repo']}/{r['commit']}/{r['path']}": r["sha256"]
                    for r in csv.DictReader(handle)}
    pinned = {f.relpath: f.sha256 for f in registry()}
    assert pinned == manifest
    assert len(pinned) == 2699


@pytest.mark.parametrize("served", [False, True], ids=["folder", "http"])
def test_fetch_verifies_and_caches(mirror_dir, tmp_path, fresh_data_home, monkeypatch,
                                   serve_folder, served):
    mirror = tmp_path / "mirror"
    files = copy_group(mirror_dir, mirror, "babe")
    monkeypatch.setenv("FRAMING_MIRROR", serve_folder(mirror) if served else str(mirror))
    paths = fetch_files(files, progress=False)
    assert [p.read_bytes() for p in paths] == [(mirror / f.relpath).read_bytes() for f in files]
    assert all(p.is_relative_to(raw_cache_dir()) for p in paths)
    # A second call finds everything cached and needs no mirror at all.
    monkeypatch.setenv("FRAMING_MIRROR", str(tmp_path / "empty"))
    (tmp_path / "empty").mkdir()
    assert fetch_files(files, progress=False) == paths


@pytest.mark.parametrize("served", [False, True], ids=["folder", "http"])
def test_tampered_file_is_refused_and_nothing_is_cached(mirror_dir, tmp_path, fresh_data_home,
                                                       monkeypatch, serve_folder, served):
    mirror = tmp_path / "mirror"
    files = copy_group(mirror_dir, mirror, "mfc_codes")
    tampered = mirror / files[0].relpath
    tampered.write_bytes(tampered.read_bytes().replace(b"Economic", b"Ec0nomic"))
    monkeypatch.setenv("FRAMING_MIRROR", serve_folder(mirror) if served else str(mirror))
    with pytest.raises(ChecksumError) as err:
        fetch_files(files, progress=False)
    message = str(err.value)
    assert "sha256 mismatch" in message and files[0].relpath in message
    assert files[0].sha256 in message
    assert cached_files(fresh_data_home) == []  # neither the file nor a temporary file


def test_tampered_file_fails_the_public_fetcher(mirror_dir, tmp_path, fresh_data_home,
                                                monkeypatch, serve_folder):
    """A copy of the mirror with one altered article: fetch_allsides refuses it."""
    mirror = tmp_path / "mirror"
    for entry in select("allsides"):  # links keep this cheap; the server follows them
        target = mirror / entry.relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(mirror_dir / entry.relpath)
    victim = select("allsides", "data/jsons/*.json")[100]
    link = mirror / victim.relpath
    data = link.read_bytes()
    link.unlink()
    link.write_bytes(data.replace(b'"bias_text": "', b'"bias_text": "x', 1))
    monkeypatch.setenv("FRAMING_MIRROR", serve_folder(mirror))
    from framing.datasets import fetch_allsides

    with pytest.raises(ChecksumError, match=victim.path):
        fetch_allsides(progress=False)
    assert not (fresh_data_home / "raw" / victim.relpath).exists()
    assert not list((fresh_data_home / "parsed").glob("*.parquet"))


class _TruncatingHandler(http.server.BaseHTTPRequestHandler):
    """Announces the full length, sends half the bytes, then drops the connection."""

    payload = b""
    requests_seen = 0

    def do_GET(self):  # noqa: N802 (http.server API)
        type(self).requests_seen += 1
        self.send_response(200)
        self.send_header("Content-Length", str(len(self.payload)))
        self.end_headers()
        self.wfile.write(self.payload[: len(self.payload) // 2])
        self.wfile.flush()
        self.close_connection = True

    def log_message(self, *args):
        pass


def test_interrupted_download_leaves_nothing_half_written(mirror_dir, fresh_data_home,
                                                          monkeypatch):
    entry = select("mfc_codes")[0]
    handler = type("Handler", (_TruncatingHandler,),
                   {"payload": (mirror_dir / entry.relpath).read_bytes(), "requests_seen": 0})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv("FRAMING_MIRROR", f"http://127.0.0.1:{server.server_address[1]}/")
        with pytest.raises(DownloadError) as err:
            fetch_files([entry], progress=False, retries=2)
    finally:
        server.shutdown()
        server.server_close()
    assert handler.requests_seen == 3  # one try and two retries
    assert "FRAMING_MIRROR" in str(err.value) and entry.relpath in str(err.value)
    assert cached_files(fresh_data_home) == []


def test_interruption_mid_copy_leaves_nothing(mirror_dir, fresh_data_home, monkeypatch):
    """Even a KeyboardInterrupt half-way through a file leaves no partial file behind."""
    monkeypatch.setenv("FRAMING_MIRROR", str(mirror_dir))
    entry = select("mfc_codes")[0]

    def half_copy_then_interrupt(source, output_file, _pooch=None):
        Path(output_file).write_bytes(Path(source).read_bytes()[:100])
        raise KeyboardInterrupt

    monkeypatch.setattr(_download, "_copy_from_folder", half_copy_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        fetch_files([entry], progress=False)
    assert cached_files(fresh_data_home) == []


def test_transient_server_errors_are_retried(mirror_dir, tmp_path, fresh_data_home, monkeypatch,
                                             serve_folder):
    entry = select("mfc_codes")[0]
    calls = []

    class FlakyHandler(http.server.SimpleHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            calls.append(self.path)
            if len(calls) < 3:
                self.send_error(503, "busy")
                return
            super().do_GET()

        def log_message(self, *args):
            pass

    monkeypatch.setenv("FRAMING_MIRROR", serve_folder(mirror_dir, handler=FlakyHandler))
    (path,) = fetch_files([entry], progress=False, retries=3)
    assert len(calls) == 3
    assert path.read_bytes() == (mirror_dir / entry.relpath).read_bytes()


def test_missing_upstream_file_is_not_retried(tmp_path, fresh_data_home, monkeypatch,
                                              serve_folder):
    calls = []

    class CountingHandler(http.server.SimpleHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            calls.append(self.path)
            super().do_GET()

        def log_message(self, *args):
            pass

    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("FRAMING_MIRROR", serve_folder(tmp_path / "empty", handler=CountingHandler))
    entry = select("mfc_codes")[0]
    with pytest.raises(DownloadError, match="HTTP 404") as err:
        fetch_files([entry], progress=False, retries=3)
    assert len(calls) == 1
    assert entry.relpath in str(err.value)


@pytest.mark.parametrize("served", [False, True], ids=["folder", "http"])
def test_mirror_fallback_fetches_what_the_mirror_lacks(mirror_dir, tmp_path, fresh_data_home,
                                                       monkeypatch, serve_folder, served):
    upstream = tmp_path / "upstream"
    files = copy_group(mirror_dir, upstream, "mfc_codes")
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("FRAMING_MIRROR",
                       serve_folder(tmp_path / "empty") if served else str(tmp_path / "empty"))
    with pytest.raises(DownloadError, match="not in the mirror|HTTP 404"):  # the default
        fetch_files(files, progress=False, upstream=serve_folder(upstream))
    paths = fetch_files(files, progress=False, upstream=serve_folder(upstream),
                        mirror_fallback=True)
    assert [p.read_bytes() for p in paths] == [(upstream / f.relpath).read_bytes()
                                               for f in files]
    shutil.rmtree(raw_cache_dir())
    monkeypatch.setenv("FRAMING_OFFLINE", "1")  # never the network when told offline
    with pytest.raises(DownloadError):
        fetch_files(files, progress=False, upstream=serve_folder(upstream), mirror_fallback=True)


def test_no_cache_no_mirror_offline_names_url_and_mirror(fresh_data_home, monkeypatch):
    """With no mirror, the upstream host is tried; the test network guard refuses it."""
    monkeypatch.delenv("FRAMING_MIRROR", raising=False)
    entry = select("mfc_codes")[0]
    with pytest.raises(DownloadError) as err:
        fetch_files([entry], progress=False, retries=1)
    message = str(err.value)
    assert f"https://raw.githubusercontent.com/{entry.relpath}" in message
    assert "FRAMING_MIRROR" in message
    assert cached_files(fresh_data_home) == []


def test_offline_flag_fails_fast_with_guidance(fresh_data_home, monkeypatch):
    monkeypatch.delenv("FRAMING_MIRROR", raising=False)
    monkeypatch.setenv("FRAMING_OFFLINE", "1")
    with pytest.raises(DownloadError, match="FRAMING_OFFLINE.*FRAMING_MIRROR"):
        fetch_files(select("mfc_codes"), progress=False)


def test_public_fetcher_offline_error(fresh_data_home, monkeypatch):
    monkeypatch.delenv("FRAMING_MIRROR", raising=False)
    monkeypatch.setattr(_download, "RETRIES", 0)
    from framing.datasets import fetch_allsides

    with pytest.raises(DownloadError, match="raw.githubusercontent.com.*FRAMING_MIRROR"):
        fetch_allsides(progress=False)


def test_corrupted_cache_is_repaired(mirror_dir, fresh_data_home, monkeypatch):
    monkeypatch.setenv("FRAMING_MIRROR", str(mirror_dir))
    files = select("mfc_codes")
    (path,) = fetch_files(files, progress=False)
    path.write_bytes(b"garbage")
    (again,) = fetch_files(files, progress=False)
    assert again == path and again.read_bytes() == (mirror_dir / files[0].relpath).read_bytes()


def test_parallel_failures_are_counted(tmp_path, fresh_data_home, monkeypatch):
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("FRAMING_MIRROR", str(tmp_path / "empty"))
    with pytest.raises(DownloadError, match="not in the mirror folder"):
        fetch_files(select("recasens"), progress=False, n_jobs=4)
    assert cached_files(fresh_data_home) == []


def test_no_temporary_files_survive_a_successful_fetch(mirror_dir, fresh_data_home,
                                                       monkeypatch):
    monkeypatch.setenv("FRAMING_MIRROR", str(mirror_dir))
    files = select("recasens")
    fetch_files(files, progress=False)
    assert sorted(os.path.relpath(p, fresh_data_home / "raw") for p in
                  cached_files(fresh_data_home)) == sorted(f.relpath for f in files)


def test_parsed_cache_keeps_lists_and_report_tables(tmp_path, fresh_data_home):
    """List cells and the attrs tables come back from the parquet cache as they went in."""
    import pandas as pd

    from framing._fetch import cached_dataset
    from framing.io import attach_report

    def parse(paths):
        frame = pd.DataFrame({"words": [["a", "b"], None, []]},
                             index=pd.Index(["x", "y", "z"], name="article_id"))
        return attach_report(frame, rejected=[{"source": "f", "line": 3, "row_id": "w",
                                               "reason": "bad"}],
                             coerced=[{"source": "f", "line": None, "row_id": "y",
                                       "column": "words", "value": "[", "reason": "x"}],
                             n_source_rows=4)

    files = select("mfc_codes")
    first = cached_dataset("demo", files, parse, version="1", progress=False)
    again = cached_dataset("demo", files, lambda paths: 1 / 0, version="1", progress=False)
    for frame in (first, again):
        assert frame["words"].tolist() == [["a", "b"], None, []]
        assert frame.attrs["n_source_rows"] == 4
        assert list(frame.attrs["rejected"].columns) == ["source", "line", "row_id", "reason"]
        assert frame.attrs["rejected"]["line"].tolist() == [3]
        assert frame.attrs["coerced"]["row_id"].tolist() == ["y"]

    def parse_clean(paths):
        frame = pd.DataFrame({"a": [1]}, index=pd.Index(["x"], name="article_id"))
        return attach_report(frame, n_source_rows=1)

    clean = cached_dataset("demo-clean", files, parse_clean, version="1", progress=False)
    again = cached_dataset("demo-clean", files, parse_clean, version="1", progress=False)
    assert again.attrs["rejected"].empty
    assert list(again.attrs["rejected"].columns) == list(clean.attrs["rejected"].columns)


def test_fetched_frames_concat_and_save_with_their_reports(mirror_dir, tmp_path):
    """Reports in attrs must not break pd.concat, merge or to_parquet (regression)."""
    import pandas as pd

    from framing.datasets import fetch_allsides, fetch_outlet_ratings

    articles = fetch_allsides(progress=False)
    outlets = fetch_outlet_ratings(progress=False)
    assert len(pd.concat([articles, articles.head(3)])) == 2030
    assert len(pd.concat([articles["text"], articles["title"]])) == 4054
    assert len(articles.merge(outlets, left_on="outlet", right_index=True, how="left")) == 2027
    articles.to_parquet(tmp_path / "corpus.parquet")
    back = pd.read_parquet(tmp_path / "corpus.parquet")
    assert back.attrs["coerced"][0]["row_id"] == "KUm13kckEAaCniv4"


def test_public_download_errors_are_those_of_the_shared_fetch_layer():
    """The fetch machinery lives in framing._fetch; framing.datasets' public errors are its
    objects."""
    import framing._fetch as fetch
    import framing.datasets as datasets

    assert datasets.ChecksumError is fetch.ChecksumError
    assert datasets.DownloadError is fetch.DownloadError
    assert issubclass(fetch.ChecksumError, fetch.DownloadError)
