"""Test configuration: offline, hermetic, and served from the project's verified mirror.

* Hugging Face libraries are told to stay offline.
* ``FRAMING_MIRROR`` points at ``../shared/data/mirror`` (or ``FRAMING_TEST_MIRROR``) when it
  exists; tests that need it are skipped with a reason otherwise.
* ``FRAMING_DATA_HOME`` is a fresh folder for the session, so the user's cache is untouched.
* Any connection beyond 127.0.0.1 raises: no test reaches the network.
"""

from __future__ import annotations

import functools
import http.server
import ipaddress
import os
import socket
import threading
from pathlib import Path

import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("MPLBACKEND", "Agg")

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("FRAMING_TEST_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))
MIRROR = Path(os.environ.get("FRAMING_TEST_MIRROR", SHARED_DATA / "mirror"))
HAS_MIRROR = (MIRROR / "MANIFEST.csv").is_file()

if HAS_MIRROR:
    os.environ["FRAMING_MIRROR"] = str(MIRROR)
else:
    os.environ.pop("FRAMING_MIRROR", None)

needs_mirror = pytest.mark.skipif(not HAS_MIRROR, reason=f"no data mirror at {MIRROR}")
needs_shared_data = pytest.mark.skipif(not SHARED_DATA.is_dir(),
                                       reason=f"no shared data at {SHARED_DATA}")


def _is_loopback(address) -> bool:
    if not isinstance(address, tuple) or not address:
        return True  # unix sockets and the like
    host = address[0]
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _guarded_connect(self, address):
    if not _is_loopback(address):
        raise ConnectionRefusedError(f"tests may not reach the network (tried {address!r})")
    return _real_connect(self, address)


def _guarded_connect_ex(self, address):
    if not _is_loopback(address):
        raise ConnectionRefusedError(f"tests may not reach the network (tried {address!r})")
    return _real_connect_ex(self, address)


@pytest.fixture(autouse=True, scope="session")
def _no_network():
    socket.socket.connect = _guarded_connect
    socket.socket.connect_ex = _guarded_connect_ex
    yield
    socket.socket.connect = _real_connect
    socket.socket.connect_ex = _real_connect_ex


@pytest.fixture(autouse=True, scope="session")
def _session_data_home(tmp_path_factory):
    """One data home for the whole session: fetched datasets are cached across tests."""
    home = tmp_path_factory.mktemp("framing_data_home")
    previous = os.environ.get("FRAMING_DATA_HOME")
    os.environ["FRAMING_DATA_HOME"] = str(home)
    yield home
    if previous is None:
        os.environ.pop("FRAMING_DATA_HOME", None)
    else:
        os.environ["FRAMING_DATA_HOME"] = previous


@pytest.fixture(scope="session")
def mirror_dir() -> Path:
    """The verified mirror folder (skips the test when it is absent)."""
    if not HAS_MIRROR:
        pytest.skip(f"no data mirror at {MIRROR}")
    return MIRROR


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` (skips the test when it is absent)."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"no shared data at {SHARED_DATA}")
    return SHARED_DATA


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output clean
        pass


@pytest.fixture
def serve_folder():
    """Start an HTTP server on 127.0.0.1 serving a folder; returns its base URL (ends in /)."""
    servers = []

    def start(folder: Path, handler=_QuietHandler) -> str:
        server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(handler, directory=str(folder)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def fresh_data_home(tmp_path, monkeypatch) -> Path:
    """An empty data home for one test (nothing cached)."""
    home = tmp_path / "data_home"
    monkeypatch.setenv("FRAMING_DATA_HOME", str(home))
    return home
