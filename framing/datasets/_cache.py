"""The parsed cache, for the dataset modules that still import it from here.

It lives in :mod:`framing._fetch`, shared with :mod:`framing.lexicons`; import it from there.
"""

from .._fetch import cache_key, cached_dataset, sources_sha256

__all__ = ["cache_key", "cached_dataset", "sources_sha256"]
