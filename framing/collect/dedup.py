"""Near-duplicate articles: word shingles, MinHash and LSH (datasketch), confirmed exactly.

Method
    1. Each body is lower-cased and split into word tokens (``\\w+``); its *shingles* are
       the runs of ``shingle_size`` consecutive tokens (5 by default).
    2. Bodies with the same token sequence are exact duplicates, whatever their length.
    3. Bodies with at least ``min_shingles`` shingles get a datasketch ``MinHash``
       (``num_perm`` permutations, fixed ``seed``) and go into a ``MinHashLSH`` index tuned
       to a threshold somewhat below ``threshold``, which proposes candidate pairs.
    4. Every candidate pair is confirmed with the exact Jaccard similarity of the two
       shingle sets (each shingle stored as a fixed 64-bit hash, so a false match needs a
       64-bit collision); pairs at or above ``threshold`` are near-duplicates. Because the
       decision is exact, the result does not depend on LSH bucketing or insertion order:
       the same articles always give the same flags.
    5. Duplicates are grouped transitively (connected components); the *original* of a
       group is its earliest article (by ``date``, missing dates last, then by
       ``article_id``) and every other member points to it.

Threshold
    0.7 by default. A wire story republished by several outlets keeps its body but gains a
    different byline, dateline, credit line, "related" links and footer at each: with
    30-60 words of such furniture around a 400-word story the Jaccard similarity of 5-word
    shingles falls to about 0.7-0.85. On the AllSides immigration subset the pairs above
    0.8 are the known identical body and two wire stories (AP via CBN, 0.94; Reuters via
    Newsmax, 0.86), the next pair is at 0.53 (two different edits of one AP story), so
    any threshold from 0.55 to 0.85 flags the same pairs there.

Empty bodies are never duplicates of anything (stubs without text stay unflagged), and
bodies shorter than ``min_shingles`` shingles are matched only exactly, because a few
shared sentences would make two short texts look alike.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np
import pandas as pd

from .._tables import ReportTable

__all__ = ["duplicate_pairs", "find_duplicates"]

_TOKEN = re.compile(r"\w+")


_PRIME = np.uint64(1099511628211)  # FNV prime: mixes token hashes into a shingle hash


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(str(text or "").lower())


def _token_hash(token: str) -> int:
    # A fixed hash (Python's hash() is salted per process and would break determinism).
    return int.from_bytes(hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest(),
                          "little")


def _shingle_hashes(tokens: list[str], size: int, cache: dict[str, int]) -> np.ndarray:
    """Sorted unique 64-bit hashes of the ``size``-token shingles (one if fewer tokens)."""
    if not tokens:
        return np.empty(0, dtype=np.uint64)
    ids = np.fromiter((cache[t] if t in cache else cache.setdefault(t, _token_hash(t))
                       for t in tokens), dtype=np.uint64, count=len(tokens))
    width = min(size, len(ids))
    count = len(ids) - width + 1
    hashes = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):  # wrap-around multiplication is the point
        for k in range(width):
            hashes = hashes * _PRIME + ids[k:k + count]
    return np.unique(hashes)


def duplicate_pairs(articles: pd.DataFrame, *, threshold: float = 0.7, shingle_size: int = 5,
                    num_perm: int = 128, seed: int = 1, min_shingles: int = 10,
                    column: str = "text") -> pd.DataFrame:
    """Return every pair of articles whose bodies are exact or near duplicates.

    Parameters are those of :func:`find_duplicates`.

    Returns
    -------
    pandas.DataFrame
        Columns ``a``, ``b`` (``article_id``, ``a < b``), ``jaccard`` (of the shingle
        sets; 1.0 for exact duplicates) and ``kind`` (``"exact"`` or ``"near"``), sorted
        by ``a`` then ``b``.

    Examples
    --------
    >>> import pandas as pd
    >>> body = " ".join(f"word{i}" for i in range(60))
    >>> docs = pd.DataFrame({"text": [body, "By AP staff. " + body, "something else"]},
    ...                     index=pd.Index(["x", "y", "z"], name="article_id"))
    >>> duplicate_pairs(docs).round(3).to_dict("records")
    [{'a': 'x', 'b': 'y', 'jaccard': 0.949, 'kind': 'near'}]
    """
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    ids = [str(i) for i in articles.index]
    texts = articles[column].fillna("").astype(str).tolist()
    tokens = [_tokens(t) for t in texts]
    pairs: dict[tuple[str, str], tuple[float, str]] = {}

    # Exact duplicates: identical token sequences (so spacing and case do not matter).
    groups: dict[str, list[str]] = {}
    for article_id, toks in zip(ids, tokens, strict=True):
        if toks:
            key = hashlib.sha1(" ".join(toks).encode("utf-8")).hexdigest()
            groups.setdefault(key, []).append(article_id)
    for members in groups.values():
        members = sorted(members)
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                pairs[(a, b)] = (1.0, "exact")

    cache: dict[str, int] = {}
    shingles = [_shingle_hashes(t, shingle_size, cache) for t in tokens]
    eligible = [i for i, s in enumerate(shingles) if len(s) >= min_shingles]
    if len(eligible) > 1:
        from datasketch import MinHash, MinHashLSH

        # MinHash sees each shingle as its 64-bit hash folded to the 32 bits datasketch's
        # permutations expect; hashing the text once here is much faster than per sketch.
        folded = [(shingles[i] ^ (shingles[i] >> np.uint64(32))) & np.uint64(0xFFFFFFFF)
                  for i in eligible]
        sketches = MinHash.bulk(folded, num_perm=num_perm, seed=seed, hashfunc=_identity)
        # The index only proposes candidates; a lower threshold trades a little work for
        # not missing pairs near the cut-off, which the exact check then decides.
        lsh = MinHashLSH(threshold=max(0.05, threshold - 0.2), num_perm=num_perm)
        for position, sketch in zip(eligible, sketches, strict=True):
            lsh.insert(position, sketch, check_duplication=False)
        for position, sketch in zip(eligible, sketches, strict=True):
            for other in sorted(lsh.query(sketch)):
                if other <= position:
                    continue
                a, b = sorted((ids[position], ids[other]))
                if (a, b) in pairs:
                    continue
                left, right = shingles[position], shingles[other]
                shared = np.intersect1d(left, right, assume_unique=True).size
                jaccard = shared / (left.size + right.size - shared)
                if jaccard >= threshold:
                    pairs[(a, b)] = (float(jaccard), "near")
    rows = [{"a": a, "b": b, "jaccard": j, "kind": k} for (a, b), (j, k) in sorted(pairs.items())]
    return pd.DataFrame(rows, columns=["a", "b", "jaccard", "kind"])


def _identity(value):
    return value


def find_duplicates(articles: pd.DataFrame, *, threshold: float = 0.7, shingle_size: int = 5,
                    num_perm: int = 128, seed: int = 1, min_shingles: int = 10,
                    column: str = "text") -> pd.Series:
    """Flag exact and near-duplicate articles; never removes any.

    Parameters
    ----------
    articles : pandas.DataFrame
        Articles (:mod:`framing.schema`); ``date`` decides which copy is the original.
    threshold : float, default 0.7
        Jaccard similarity of shingle sets at or above which two bodies are near
        duplicates (see the module docstring for why 0.7).
    shingle_size : int, default 5
        Words per shingle.
    num_perm : int, default 128
        MinHash permutations.
    seed : int, default 1
        MinHash seed (fixed, so signatures are the same on every run).
    min_shingles : int, default 10
        Bodies with fewer shingles are only matched exactly.
    column : str, default "text"
        The column holding the bodies.

    Returns
    -------
    pandas.Series
        Named ``duplicate_of``, on ``articles.index``: the ``article_id`` of the original
        each row duplicates (the earliest of its group by date, then ``article_id``), or
        missing for originals and unique articles. ``attrs["pairs"]`` holds the pairs found
        (:func:`duplicate_pairs`).

    Examples
    --------
    >>> import pandas as pd
    >>> wire = " ".join(f"w{i}" for i in range(80))
    >>> docs = pd.DataFrame(
    ...     {"date": pd.to_datetime(["2019-01-02", "2019-01-01", "2019-01-03"], utc=True),
    ...      "text": ["Outlet A. " + wire, "Outlet B. " + wire + " Copyright B.", "other"]},
    ...     index=pd.Index(["a", "b", "c"], name="article_id"))
    >>> find_duplicates(docs).tolist()
    ['b', None, None]
    """
    pairs = duplicate_pairs(articles, threshold=threshold, shingle_size=shingle_size,
                            num_perm=num_perm, seed=seed, min_shingles=min_shingles,
                            column=column)
    ids = [str(i) for i in articles.index]
    parent = {i: i for i in ids}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in zip(pairs["a"], pairs["b"], strict=True):
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    last = np.iinfo(np.int64).max  # a missing date sorts last: a dated copy is a better original
    if "date" in articles:
        dates = pd.to_datetime(articles["date"], utc=True)
        order_key = [last if pd.isna(d) else int(d.value) for d in dates]
    else:
        order_key = [0] * len(ids)
    first: dict[str, tuple[int, str]] = {}
    for article_id, key in zip(ids, order_key, strict=True):
        group = root(article_id)
        candidate = (int(key), article_id)
        if group not in first or candidate < first[group]:
            first[group] = candidate
    values = []
    for article_id in ids:
        original = first[root(article_id)][1]
        values.append(None if original == article_id else original)
    result = pd.Series(values, index=articles.index, dtype=object, name="duplicate_of")
    result.attrs["pairs"] = ReportTable.from_frame(pairs)
    return result
