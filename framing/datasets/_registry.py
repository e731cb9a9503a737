"""The registry of pinned files, for the dataset modules that still import it from here.

It lives in :mod:`framing._fetch`, shared with :mod:`framing.lexicons` and the pretrained
models; import it from there.
"""

from .._fetch import RemoteFile, registry, select

__all__ = ["RemoteFile", "registry", "select"]
