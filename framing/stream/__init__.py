"""Score a corpus larger than memory: read, check and score it in chunks, resumably.

:func:`score_corpus` (and the ``framing score`` command built on it) reads JSONL, CSV, TSV
(also gzipped) or parquet files a chunk of rows at a time, checks every row against the
articles contract exactly as :func:`framing.datasets.load_articles` does (both read and
check through :mod:`framing.io`), scores the good rows with
:func:`framing.features.extract_features`, and writes one parquet row group per chunk.
Memory holds one chunk (plus 28 bytes per article for finding duplicate ids across chunks),
whatever the size of the corpus.

Nothing is dropped silently: every source row is either in the output or in the rejected
file (``OUTPUT.rejected.jsonl``: ``source, line, row_id, reason`` per line), and the
summary says ``rows read = scored + rejected``.

Resume: while it runs, finished chunks are kept in ``OUTPUT.parts/`` and its progress in
``OUTPUT.state.json``. Run the same command again after an interruption and it continues
after the last complete chunk; it refuses if the input files (size, modification time, or
their first and last MiB) or the options changed, unless told to start over
(``overwrite=True``, ``--overwrite``). When all chunks are done they are joined into
``OUTPUT`` and the parts and state are removed.

The output may sit in an input folder: the run leaves the output and the files beside it
out of the input. It refuses (:class:`OutputConflict`) an input it would overwrite or
delete, and a second run on the same output (:class:`OutputLocked`): a run holds
``OUTPUT.lock`` until it ends, and a lock that a killed run left behind is taken over.

Examples
--------
>>> import json, tempfile
>>> from pathlib import Path
>>> import pandas as pd
>>> from framing.features import LexiconScorer
>>> from framing.lexicons import Lexicon
>>> from framing.stream import score_corpus
>>> lexicon = Lexicon.from_dict({"enforcement": ["ice", "deport"]}, name="toy")
>>> rows = [{"article_id": "a1", "outlet": "Fox News", "text": "ICE will deport them."},
...         {"article_id": "a2", "outlet": "CNN", "text": ""},
...         {"article_id": "a3", "outlet": "CNN", "text": "A council vote."}]
>>> with tempfile.TemporaryDirectory() as folder:
...     source = Path(folder) / "corpus.jsonl"
...     _ = source.write_text("\\n".join(json.dumps(r) for r in rows), encoding="utf-8")
...     summary = score_corpus(source, Path(folder) / "scores.parquet",
...                            scorers=[LexiconScorer(lexicon)], chunk_size=2)
...     scores = pd.read_parquet(Path(folder) / "scores.parquet")
>>> summary["rows_read"], summary["rows_scored"], summary["rows_rejected"]
(3, 2, 1)
>>> scores["lexicon__enforcement"].round(1).tolist()
[500.0, 0.0]
"""

from __future__ import annotations

from ._lock import OutputLocked
from ._resume import OutputConflict, StateMismatch
from ._score import SCORER_NAMES, score_corpus

__all__ = ["SCORER_NAMES", "OutputConflict", "OutputLocked", "StateMismatch", "score_corpus"]
