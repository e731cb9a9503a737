"""Fetching pinned public files: the registry, the verified download and the verified caches.

A shared internal of framing, below :mod:`framing.datasets`, :mod:`framing.lexicons` and the
pretrained-model loader, which all fetch upstream files the same way.

The registry
    :class:`RemoteFile` is one file of a public repository pinned to a commit and a sha256;
    :func:`registry` lists them all (from ``framing/_fetch/registry.csv``) and
    :func:`select` those of one group.
Downloading
    :func:`fetch_files` downloads pinned files into ``<data_home>/raw``
    (:func:`raw_cache_dir`) in parallel, verified and atomically, or copies them from a
    mirror; failures raise :class:`DownloadError` (:class:`ChecksumError` for a file whose
    sha256 differs, :class:`MissingFileError` for one the source does not have).
    :func:`file_sha256` is the digest it checks.
The parsed cache
    :func:`cached_dataset` returns a parsed dataset from its verified parquet cache, parsing
    the verified raw files when there is none (:func:`cache_key`, :func:`sources_sha256`);
    :func:`write_frame` and :func:`read_frame` store a frame with its ``attrs``.

These names are internal to framing: stable within the package, not part of its public API.
Names are imported lazily, so ``import framing._fetch`` stays cheap.
"""

from __future__ import annotations

from .._lazy import lazy_exports

_EXPORTS = {
    "RemoteFile": "._registry",
    "registry": "._registry",
    "select": "._registry",
    "ChecksumError": "._download",
    "DownloadError": "._download",
    "MissingFileError": "._download",
    "fetch_files": "._download",
    "file_sha256": "._download",
    "raw_cache_dir": "._download",
    "cache_key": "._cache",
    "cached_dataset": "._cache",
    "sources_sha256": "._cache",
    "read_frame": "._frames",
    "write_frame": "._frames",
}

__all__ = sorted(_EXPORTS)

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
