"""Duplicate article ids across chunks: every id written so far, in little memory.

:func:`framing.datasets.load_articles` finds duplicates within what it reads; a chunk must
also be checked against every chunk before it, including those of an interrupted run.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from ..io import duplicate_id_reason, rejected_row


class _SeenIds:
    """Every article id written so far, as sorted 128-bit hashes with where each was seen.

    16 bytes of hash and 12 of position per article: a million ids take 28 MB. A 128-bit
    hash makes a false duplicate practically impossible (about 1e-21 for 1e9 ids).
    """

    def __init__(self):
        self.keys = np.zeros(0, dtype="S16")
        self.files = np.zeros(0, dtype=np.int32)
        self.lines = np.zeros(0, dtype=np.int64)

    @staticmethod
    def hashes(ids) -> np.ndarray:
        return np.array([hashlib.blake2b(str(i).encode("utf-8", "surrogatepass"),
                                         digest_size=16).digest() for i in ids], dtype="S16")

    def find(self, keys: np.ndarray) -> np.ndarray:
        """Position of each key among the seen ones, or -1."""
        if not self.keys.size or not keys.size:
            return np.full(keys.size, -1)
        where = np.minimum(np.searchsorted(self.keys, keys), self.keys.size - 1)
        return np.where(self.keys[where] == keys, where, -1)

    def add(self, keys: np.ndarray, file_index: int, lines: np.ndarray) -> None:
        order = np.argsort(keys, kind="stable")
        keys, lines = keys[order], np.asarray(lines, np.int64)[order]
        at = np.searchsorted(self.keys, keys)
        self.keys = np.insert(self.keys, at, keys)
        self.files = np.insert(self.files, at, np.int32(file_index))
        self.lines = np.insert(self.lines, at, lines)

    @classmethod
    def from_parts(cls, parts_dir: Path, chunks: list[dict]) -> _SeenIds:
        """The ids of the parts finished chunks wrote (see ``_output._write_part``)."""
        seen = cls()
        for chunk in chunks:
            if chunk["part"]:
                ids = np.load(parts_dir / f"{chunk['part']}.ids.npz")
                seen.add(ids["keys"], int(ids["file_index"]), ids["lines"])
        return seen


def _drop_seen(articles, lines, rejected, seen: _SeenIds, files, file):
    """Move articles whose id an earlier chunk already wrote to ``rejected``."""
    hits = seen.find(seen.hashes(articles.index))
    if not (hits >= 0).any():
        return articles, lines, rejected
    for position in np.flatnonzero(hits >= 0):
        first = hits[position]
        reason = duplicate_id_reason(articles.index[position], files[int(seen.files[first])][0],
                                     int(seen.lines[first]))
        rejected.append(rejected_row(file.source, int(lines[position]), reason,
                                     articles.index[position]))
    fresh = np.flatnonzero(hits < 0)
    return articles.iloc[fresh], lines[fresh], rejected
