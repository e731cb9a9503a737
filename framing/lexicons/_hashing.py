"""Vectorised word keys: a polynomial hash of every word of a batch, in a few NumPy passes.

A word's key is ``h + len * L`` (mod 2**64), where ``h = sum(c_j * B**(n-1-j))`` over its
bytes ``c_0 .. c_{n-1}`` (the normalised text, one byte per character). For a whole batch,
prefix sums ``Q[k] = sum_{j<=k} c_j * B**-j`` give every word's hash at once:
``h(s, e) = (Q[e-1] - Q[s-1]) * B**(e-1)``. ``B`` is odd, so ``B**-1`` exists modulo
2**64, and unsigned NumPy arithmetic wraps modulo 2**64, which is exactly what is wanted.

A phrase's key folds its words' keys: ``k = k_prev * M + key(next word)``. A lexicon
pattern is keyed the same way in Python integers, so looking a phrase up is one
:func:`numpy.searchsorted` per phrase length. Keys are 64 bits wide and carry the word
length: two different words share a key with probability about 2**-64, far below any
effect on a rate per 1,000 words.
"""

from __future__ import annotations

import numpy as np

__all__ = ["MASK", "fold", "prefix_keys", "word_key", "word_keys"]

MASK = (1 << 64) - 1
_B = 0x100000001B3  # FNV prime: odd, well mixed
_B_INV = pow(_B, -1, 1 << 64)
_L = 0x9E3779B97F4A7C15  # golden-ratio constant, odd
_M = 0xBF58476D1CE4E5B9  # splitmix64 multiplier, odd


class _Powers:
    """``B**k`` and ``B**-k`` (mod 2**64) for k < capacity, grown on demand."""

    def __init__(self):
        self.forward = np.ones(1, dtype=np.uint64)
        self.inverse = np.ones(1, dtype=np.uint64)

    def ensure(self, size: int) -> None:
        if size <= len(self.forward):
            return
        capacity = 1 << max(16, (size - 1).bit_length())
        with np.errstate(over="ignore"):
            self.forward = np.cumprod(np.full(capacity, _B, dtype=np.uint64), dtype=np.uint64)
            self.inverse = np.cumprod(np.full(capacity, _B_INV, dtype=np.uint64),
                                      dtype=np.uint64)
        # cumprod gives B**(k+1); shift so index k holds B**k.
        self.forward = np.concatenate([[np.uint64(1)], self.forward[:-1]])
        self.inverse = np.concatenate([[np.uint64(1)], self.inverse[:-1]])


_POWERS = _Powers()


def word_key(data: bytes) -> int:
    """The key of one word (bytes as the matcher sees them), in Python integers.

    Examples
    --------
    >>> codes = np.frombuffer(b" ice  alien", dtype=np.uint8)
    >>> keys = word_keys(codes, np.array([1, 6]), np.array([4, 11]))
    >>> [int(k) for k in keys] == [word_key(b"ice"), word_key(b"alien")]
    True
    """
    value = 0
    for byte in data:
        value = (value * _B + byte) & MASK
    return (value + len(data) * _L) & MASK


def fold(previous: int, key: int) -> int:
    """The key of a phrase extended by one word (Python integers)."""
    return (previous * _M + key) & MASK


def _prefix_sums(codes: np.ndarray) -> np.ndarray:
    _POWERS.ensure(len(codes) + 1)
    with np.errstate(over="ignore"):
        terms = codes.astype(np.uint64) * _POWERS.inverse[: len(codes)]
        return np.concatenate([[np.uint64(0)], np.cumsum(terms, dtype=np.uint64)])


def _hash(prefix: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        return (prefix[end] - prefix[start]) * _POWERS.forward[end - 1]


def word_keys(codes: np.ndarray, start: np.ndarray, end: np.ndarray,
              prefix: np.ndarray | None = None) -> np.ndarray:
    """Keys (uint64) of the words ``codes[start[i]:end[i]]``, all at once.

    ``prefix`` (from a previous call on the same ``codes``) saves recomputing the prefix
    sums; pass ``None`` to compute them.
    """
    if prefix is None:
        prefix = _prefix_sums(codes)
    with np.errstate(over="ignore"):
        return _hash(prefix, start, end) + (end - start).astype(np.uint64) * np.uint64(_L)


def prefix_keys(codes: np.ndarray, start: np.ndarray, length: int,
                prefix: np.ndarray) -> np.ndarray:
    """Keys of the first ``length`` bytes of words starting at ``start`` (for wildcards)."""
    return word_keys(codes, start, start + length, prefix)


def prefix_sums(codes: np.ndarray) -> np.ndarray:
    """The prefix sums :func:`word_keys` needs, to share between several calls."""
    return _prefix_sums(codes)


def fold_array(previous: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Vectorised :func:`fold`."""
    with np.errstate(over="ignore"):
        return previous * np.uint64(_M) + keys


_MIX = np.uint64(0x94D049BB133111EB)


def _bucket(keys: np.ndarray, bits: int) -> np.ndarray:
    """Bucket of each key: top ``bits`` bits after a splitmix64-style mix."""
    with np.errstate(over="ignore"):
        mixed = (keys ^ (keys >> np.uint64(31))) * _MIX
    return (mixed >> np.uint64(64 - bits)).astype(np.int64)


class KeyTable:
    """A static hash table from uint64 keys to int64 values, looked up in bulk.

    Buckets of ``width`` slots each; a lookup gathers each probe's bucket (one contiguous
    row) and compares: one memory access per probe instead of a binary search's ~14.
    Built once per lexicon; the bucket count doubles until no bucket overflows. Most probes
    (most words are in no lexicon) stop earlier, at a one-byte membership filter 64 times
    larger than the key count (about 1.5% false positives, which the table then rejects).

    Examples
    --------
    >>> table = KeyTable(np.array([5, 17, 2**63 + 3], dtype=np.uint64), np.array([0, 1, 2]))
    >>> table.get(np.array([17, 4, 2**63 + 3], dtype=np.uint64)).tolist()
    [1, -1, 2]
    """

    def __init__(self, keys: np.ndarray, values: np.ndarray, width: int = 4):
        keys = np.asarray(keys, dtype=np.uint64)
        values = np.asarray(values, dtype=np.int64)
        if len(np.unique(keys)) != len(keys):
            raise ValueError("duplicate keys")
        bits = max(4, int(np.ceil(np.log2(max(len(keys), 1) * 2))))
        while True:
            bucket = _bucket(keys, bits)
            order = np.argsort(bucket, kind="stable")
            counts = np.bincount(bucket, minlength=1 << bits)
            if counts.max(initial=0) <= width:
                break
            bits += 1
        rank = np.arange(len(keys)) - np.repeat(np.cumsum(counts) - counts, counts)
        self.bits, self.width = bits, width
        self.keys = np.zeros((1 << bits, width), dtype=np.uint64)
        self.values = np.full((1 << bits, width), -1, dtype=np.int64)
        self.keys[bucket[order], rank] = keys[order]
        self.values[bucket[order], rank] = values[order]
        self.filter_bits = bits + 5
        self.filter = np.zeros(1 << self.filter_bits, dtype=bool)
        self.filter[_bucket(keys, self.filter_bits)] = True

    def get(self, probes: np.ndarray) -> np.ndarray:
        """The value of each probe key, or -1 where it is not in the table."""
        result = np.full(len(probes), -1, dtype=np.int64)
        maybe = np.flatnonzero(self.filter[_bucket(probes, self.filter_bits)])
        result[maybe] = self._get(probes[maybe])
        return result

    def _get(self, probes: np.ndarray) -> np.ndarray:
        bucket = _bucket(probes, self.bits)
        hit = self.keys[bucket] == probes[:, None]
        hit &= self.values[bucket] >= 0  # empty slots hold key 0 and value -1
        slot = hit.argmax(axis=1)
        found = hit[np.arange(len(probes)), slot]
        return np.where(found, self.values[bucket, slot], -1)
