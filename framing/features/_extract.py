"""Score a whole corpus with several scorers: one features table, indexed like the articles."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

__all__ = ["default_scorers", "extract_features", "fitted_scorer", "score_texts"]

#: With a progress bar, texts are scored at most this many at a time, so the bar moves
#: every few seconds (the scorers' own matching works in batches of this size anyway).
PROGRESS_CHUNK = 256


def default_scorers() -> list:
    """framing's lexicon scorers with their default settings (no model download needed).

    Loaded language, sentiment, immigration term choice, frames (lexicon method) and
    sourcing. The embedding frame method is left out: it needs torch and is slow on a CPU.
    """
    from ._frames import FrameScorer
    from ._loaded import LoadedLanguageScorer
    from ._sentiment import SentimentScorer
    from ._sourcing import SourcingScorer
    from ._term_choice import TermChoiceScorer

    return [LoadedLanguageScorer(), SentimentScorer(), TermChoiceScorer(),
            FrameScorer(method="lexicon"), SourcingScorer()]


def fitted_scorer(scorer):
    """``scorer`` itself when it is fitted, else a fitted clone (the original is untouched).

    Scorers learn nothing from data (``fit`` resolves their lexicons and models), so a
    batch of texts can be scored by any fitted copy.

    Examples
    --------
    >>> from framing.features import SourcingScorer
    >>> fitted_scorer(SourcingScorer()).get_feature_names_out()[:1].tolist()
    ['sourcing__quotes_per_1k']
    """
    try:
        check_is_fitted(scorer, "feature_names_")
        return scorer
    except NotFittedError:
        return clone(scorer).fit()


def extract_features(articles, scorers: Sequence | None = None, *, text_column: str = "text",
                     batch_size: int = 2000, progress: bool = False,
                     n_jobs: int | None = None) -> pd.DataFrame:
    """Score every article with every scorer; return one float64 table.

    Parameters
    ----------
    articles : pandas.DataFrame, pandas.Series, dask DataFrame or Series, or path
        An articles table (its ``text_column`` is scored) or a Series of texts. A
        :class:`dask.dataframe.DataFrame` (or the path of a parquet file or folder, read
        with :func:`dask.dataframe.read_parquet`) is scored partition by partition, on
        whatever scheduler is active (a ``dask.distributed.Client`` for a cluster).
    scorers : sequence of scorers, optional
        Fitted or unfitted framing scorers (unfitted ones are fitted on a copy, as lexicon
        scorers need no training data). Default: :func:`default_scorers`.
    text_column : str, default "text"
    batch_size : int, default 2000
        Articles scored at a time: memory stays bounded on large corpora.
    progress : bool, default False
        Show a progress bar of the articles scored, ticking per chunk of at most 256
        articles (pandas input; for dask, use
        ``dask.diagnostics.ProgressBar`` or the distributed dashboard).
    n_jobs : int, optional
        Worker processes for pandas input (joblib's convention: ``None`` or 1 scores in
        this process, -1 uses every core). Batches are spread over the workers, at most
        ``batch_size`` articles each and never fewer batches than workers; the table is
        the same as with one process. Starting workers costs a second or two, so it pays
        from a few thousand articles. Dask input is parallel through dask's scheduler
        instead and refuses ``n_jobs``.

    Returns
    -------
    pandas.DataFrame or dask.dataframe.DataFrame
        Same index as ``articles``; float64 columns ``<scorer>__<feature>``. For dask input,
        a lazy dask DataFrame with the same partitions: computed, it equals (bit for bit) the
        table the pandas path gives for the same rows. The scorers are fitted once, here,
        and sent to the workers once.

    Examples
    --------
    >>> import pandas as pd
    >>> from framing.features import LexiconScorer, extract_features
    >>> from framing.lexicons import Lexicon
    >>> lex = Lexicon.from_dict({"water": ["flood", "wave"]}, name="metaphor")
    >>> texts = pd.Series(["A flood of arrivals.", "Nothing here."],
    ...                   index=pd.Index(["a1", "a2"], name="article_id"))
    >>> features = extract_features(texts, [LexiconScorer(lex)])
    >>> features.columns.tolist(), features["lexicon__water"].tolist()
    (['lexicon__water'], [250.0, 0.0])
    >>> features.index.equals(texts.index)
    True
    """
    from .._dask import as_dask, is_path, read_parquet

    # A parquet path: read only the text (and the index the file was saved with).
    distributed = (read_parquet(articles, columns=[text_column]) if is_path(articles)
                   else as_dask(articles))
    fitted = [fitted_scorer(s) for s in (default_scorers() if scorers is None else scorers)]
    names = [name for s in fitted for name in s.get_feature_names_out()]
    if len(set(names)) != len(names):
        raise ValueError("two scorers produce the same feature name; give them distinct names")
    workers = _workers(n_jobs)
    if distributed is not None:
        if workers != 1:
            raise ValueError("n_jobs applies to pandas input; dask input runs on dask's "
                             "scheduler (use a dask.distributed.Client for processes)")
        return _extract_dask(distributed, fitted, names, text_column, batch_size)
    if isinstance(articles, pd.DataFrame) and text_column not in articles:
        raise KeyError(_no_text_column(text_column, articles.columns))
    texts = articles[text_column] if isinstance(articles, pd.DataFrame) else articles
    if not isinstance(texts, pd.Series):
        texts = pd.Series(list(texts))
    return _score(texts, fitted, names, batch_size, progress, workers)


def score_texts(texts, scorers: Sequence | None = None, *, batch_size: int = 2000,
                progress: bool = False, n_jobs: int | None = None) -> pd.DataFrame:
    """Score one chunk of texts with every scorer: the step :func:`extract_features` and
    :func:`framing.stream.score_corpus` repeat over a corpus.

    Parameters
    ----------
    texts : pandas.Series or sequence of str
        The texts (a Series keeps its index; other sequences get 0, 1, ...).
    scorers : sequence of scorers, optional
        Fitted or unfitted (fitted on a copy) framing scorers. Default:
        :func:`default_scorers`. Pass fitted ones when scoring many chunks, so that their
        lexicons are loaded once.
    batch_size : int, default 2000
        Texts scored at a time: memory stays bounded on a large chunk.
    progress : bool, default False
        Show a progress bar of the texts scored, ticking per chunk of at most 256 texts.
    n_jobs : int, optional
        Worker processes, as in :func:`extract_features`.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``texts``; float64 columns ``<scorer>__<feature>``. Each row depends on
        its own text only, so scoring a corpus chunk by chunk gives the rows scoring it at
        once gives.

    Raises
    ------
    TypeError
        ``texts`` is a DataFrame (pass its text column) or holds something not text.
    ValueError
        Two scorers produce the same feature name.

    Examples
    --------
    >>> import pandas as pd
    >>> from framing.features import LexiconScorer, fitted_scorer, score_texts
    >>> from framing.lexicons import Lexicon
    >>> scorer = fitted_scorer(LexiconScorer(Lexicon.from_dict({"water": ["flood"]},
    ...                                                        name="metaphor")))
    >>> score_texts(pd.Series(["A flood.", "Calm."], index=["a1", "a2"]), [scorer])
        lexicon__water
    a1           500.0
    a2             0.0
    """
    if isinstance(texts, pd.DataFrame):
        raise TypeError("score_texts takes a Series or sequence of texts, not a DataFrame; "
                        "pass its text column (or use extract_features(articles, "
                        "text_column=...))")
    if not isinstance(texts, pd.Series):
        texts = pd.Series(list(texts), dtype=object)
    fitted = [fitted_scorer(s) for s in (default_scorers() if scorers is None else scorers)]
    names = [name for s in fitted for name in s.get_feature_names_out()]
    if len(set(names)) != len(names):
        raise ValueError("two scorers produce the same feature name; give them distinct names")
    return _score(texts, fitted, names, batch_size, progress, _workers(n_jobs))


def _no_text_column(text_column: str, columns) -> str:
    """The message for a missing text column: the name asked for and the columns there are."""
    return (f"no column {text_column!r} in the articles; the columns are {list(columns)!r} "
            "(name the text column with text_column=...)")


def _workers(n_jobs) -> int:
    """The number of processes ``n_jobs`` asks for (joblib's convention)."""
    if n_jobs is None:
        return 1
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, int | np.integer) or n_jobs == 0:
        raise ValueError(f"n_jobs must be a non-zero integer or None, got {n_jobs!r}")
    if n_jobs > 0:
        return int(n_jobs)
    import os

    # -1 is every core, -2 all but one, ... (joblib's convention), and at least one.
    return max(1, (os.cpu_count() or 1) + 1 + int(n_jobs))


def _score_block(texts, fitted: list) -> np.ndarray:
    """Every fitted scorer over one batch of texts, side by side.

    The scorers run inside :func:`~framing.features._spans.shared_batches`, so the
    quotations and sentence breaks they share are found once per batch.
    """
    from ._spans import shared_batches

    with shared_batches():
        return np.hstack([s.transform(texts) for s in fitted])


def _score(texts: pd.Series, fitted: list, names: list, batch_size: int,
           progress: bool = False, workers: int = 1) -> pd.DataFrame:
    """The pandas path: fitted scorers over ``texts`` in batches of ``batch_size``.

    With several workers the batches are scored in joblib's worker processes, the fitted
    scorers sent along with each batch; every row depends on its own text only, so the
    table does not depend on how the rows were batched.
    """
    from .._progress import progress_bar

    step = max(1, int(batch_size))
    if workers > 1:
        # Enough batches to keep every worker busy, even on a corpus under batch_size.
        step = max(1, min(step, -(-len(texts) // workers)))
    if progress:
        step = min(step, PROGRESS_CHUNK)
    chunks = [texts.iloc[start: start + step] for start in range(0, len(texts), step)]
    if workers > 1 and len(chunks) > 1:
        from joblib import Parallel, delayed

        blocks = Parallel(n_jobs=min(workers, len(chunks)), return_as="generator")(
            delayed(_score_block)(chunk, fitted) for chunk in chunks)
    else:
        blocks = (_score_block(chunk, fitted) for chunk in chunks)
    values = []
    with progress_bar(total=len(texts), enabled=progress, desc="scoring",
                      unit="article") as bar:
        for block in blocks:
            values.append(block)
            bar.update(len(block))
    values = np.vstack(values) if values else np.zeros((0, len(names)))
    return pd.DataFrame(values, index=texts.index, columns=names, dtype=np.float64)


def _extract_dask(articles, fitted: list, names: list, text_column: str, batch_size: int):
    """The dask path: :func:`_score` on every partition, lazily.

    The fitted scorers travel as one delayed value (one key in the graph), so each worker
    receives them once instead of once per partition. ``meta`` is given explicitly, so dask
    never runs the scorers on an empty sample to guess the output.
    """
    import dask

    if hasattr(articles, "columns"):
        if text_column not in articles.columns:
            raise KeyError(_no_text_column(text_column, articles.columns))
        texts = articles[text_column]
    else:
        texts = articles
    meta = pd.DataFrame({name: pd.Series(dtype=np.float64) for name in names},
                        index=texts._meta.index[:0])
    scorers = dask.delayed(fitted, pure=True, traverse=False)
    return texts.map_partitions(_score, scorers, names, int(batch_size), meta=meta,
                                align_dataframes=False)
