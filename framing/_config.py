"""Where framing keeps its data, and where it downloads from.

Nothing here runs at import time beyond defining constants: the data home is created only
when a fetcher needs it, and environment variables are read on every call, so a notebook
can change them between calls.

Environment variables
---------------------
FRAMING_DATA_HOME
    Folder for downloaded files and parsed caches. Default: the per-user cache folder
    given by :mod:`platformdirs` (for example ``~/.cache/framing`` on Linux).
FRAMING_MIRROR
    A base that replaces ``https://raw.githubusercontent.com/`` for every pinned file:
    either a local folder laid out as ``OWNER/REPO/COMMIT/PATH`` or an ``http(s)://`` URL
    serving that layout. With it, the same fetchers run offline.
FRAMING_OFFLINE
    When set to ``1``, framing makes no network connection at all: pinned files come from
    the cache or a mirror *folder* (an ``http(s)://`` mirror is refused), and fetching web
    pages or feeds raises :class:`OfflineError`.
FRAMING_ALLOW_PRIVATE
    When set to ``1``, :func:`framing.collect.fetch_pages` (and what calls it) may fetch from
    private, loopback and link-local addresses, such as a server on your own machine; by
    default such URLs, and redirects to them, are refused.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "UPSTREAM_BASE",
    "OfflineError",
    "allow_private_addresses",
    "ensure_online",
    "get_data_home",
    "get_mirror",
    "is_offline",
    "set_transformers_offline",
]

#: The upstream every pinned file comes from.
UPSTREAM_BASE = "https://raw.githubusercontent.com/"

_TRUE = {"1", "true", "yes", "on"}


def get_data_home(data_home: str | os.PathLike | None = None) -> Path:
    """Return the folder where framing caches data, creating it if needed.

    The folder is chosen, in order, from the ``data_home`` argument, the
    ``FRAMING_DATA_HOME`` environment variable, and the per-user cache folder of
    :func:`platformdirs.user_cache_dir`.

    Parameters
    ----------
    data_home : str or path-like, optional
        Explicit folder. ``~`` is expanded.

    Returns
    -------
    pathlib.Path
        The absolute folder, which exists on return.

    Examples
    --------
    >>> import tempfile
    >>> from framing._config import get_data_home
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     get_data_home(tmp).is_dir()
    True
    """
    if data_home is None:
        data_home = os.environ.get("FRAMING_DATA_HOME") or None
    if data_home is None:
        import platformdirs

        data_home = platformdirs.user_cache_dir("framing", appauthor=False)
    path = Path(data_home).expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def get_mirror() -> str | None:
    """Return the mirror base from ``FRAMING_MIRROR``, normalised, or ``None``.

    A folder path is returned as an absolute path string ending in the path separator; a
    URL is returned ending in ``/``. ``file://`` URLs are turned into folder paths.

    Raises
    ------
    ValueError
        If ``FRAMING_MIRROR`` names a folder that does not exist, or a scheme other than
        ``http``, ``https`` or ``file``.

    Examples
    --------
    >>> import os
    >>> from unittest import mock
    >>> from framing._config import get_mirror
    >>> with mock.patch.dict(os.environ, {"FRAMING_MIRROR": "http://127.0.0.1:8000"}):
    ...     get_mirror()
    'http://127.0.0.1:8000/'
    """
    value = os.environ.get("FRAMING_MIRROR", "").strip()
    if not value:
        return None
    if value.startswith(("http://", "https://")):
        return value.rstrip("/") + "/"
    if value.startswith("file://"):
        from urllib.parse import unquote, urlparse

        value = unquote(urlparse(value).path)
    elif "://" in value:
        raise ValueError(
            f"FRAMING_MIRROR={value!r}: expected a folder, or an http://, https:// or "
            "file:// URL"
        )
    folder = Path(value).expanduser().resolve()
    if not folder.is_dir():
        raise ValueError(f"FRAMING_MIRROR={value!r} is not an existing folder")
    return str(folder) + os.sep


class OfflineError(OSError):
    """Something needed the network while ``FRAMING_OFFLINE`` forbids it."""


def is_offline() -> bool:
    """Whether ``FRAMING_OFFLINE`` forbids every network connection."""
    return os.environ.get("FRAMING_OFFLINE", "").strip().lower() in _TRUE


def ensure_online(what: str) -> None:
    """Raise :class:`OfflineError` naming ``what`` when ``FRAMING_OFFLINE`` is set.

    Examples
    --------
    >>> import os
    >>> from unittest import mock
    >>> with mock.patch.dict(os.environ, {"FRAMING_OFFLINE": "1"}):
    ...     ensure_online("fetching 'https://example.org/'")
    Traceback (most recent call last):
    ...
    framing._config.OfflineError: fetching 'https://example.org/' needs the network, but \
FRAMING_OFFLINE is set: offline, framing uses only its cache and a mirror folder. Unset \
FRAMING_OFFLINE (or set it to 0) to go online.
    """
    if is_offline():
        raise OfflineError(f"{what} needs the network, but FRAMING_OFFLINE is set: offline, "
                           "framing uses only its cache and a mirror folder. Unset "
                           "FRAMING_OFFLINE (or set it to 0) to go online.")


def allow_private_addresses() -> bool:
    """Whether ``FRAMING_ALLOW_PRIVATE`` lets fetches reach private and loopback addresses."""
    return os.environ.get("FRAMING_ALLOW_PRIVATE", "").strip().lower() in _TRUE


def set_transformers_offline() -> None:
    """Tell Hugging Face libraries not to reach the hub.

    Called by the code paths that load a local model (never at import time), so a user who
    loads a model from a local folder is not surprised by a network call. A value the user
    has already set is kept.
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
