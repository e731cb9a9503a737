"""Dask and pandas give the same results on the same articles (issue 7, part 1).

A two-worker ``dask.distributed.LocalCluster`` (processes on 127.0.0.1) runs every dask
path on the AllSides sanctuary subset split into several partitions; each result must equal
the pandas result exactly: same columns, dtypes, index and float values bit for bit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

dask = pytest.importorskip("dask")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

from framing.compare import (  # noqa: E402
    fightin_words,
    leave_out_partisanship,
    outlet_scores,
    rating_agreement,
)
from framing.features import (  # noqa: E402
    FrameScorer,
    LexiconScorer,
    default_scorers,
    extract_features,
)
from framing.lexicons import Lexicon  # noqa: E402

from .conftest import needs_mirror  # noqa: E402

pytestmark = [needs_mirror, pytest.mark.timeout(600),
              # The fitted scorers (about 11 MB pickled) travel once, inside the graph.
              pytest.mark.filterwarnings("ignore:Sending large graph:UserWarning")]

N_PARTITIONS = 5


@pytest.fixture(scope="module")
def client():
    """Two single-threaded worker processes on 127.0.0.1, no dashboard."""
    cluster = distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1,
                                       host="127.0.0.1", dashboard_address=None,
                                       silence_logs=40)
    with distributed.Client(cluster, timeout="60s") as c:
        yield c
    cluster.close(timeout=30)


@pytest.fixture(scope="module")
def articles():
    from framing.datasets import fetch_allsides

    corpus = fetch_allsides(progress=False)
    return corpus[corpus["meta_sanctuary_related"]].copy()


@pytest.fixture(scope="module")
def dask_articles(articles):
    # Keep pandas' string dtypes, so the computed index is typed as the pandas one is.
    with dask.config.set({"dataframe.convert-string": False}):
        return dd.from_pandas(articles, npartitions=N_PARTITIONS, sort=False)


@pytest.fixture(scope="module")
def scorers():
    return [s.fit() for s in default_scorers()]


@pytest.fixture(scope="module")
def features(articles, scorers):
    return extract_features(articles, scorers)


@pytest.mark.slow
def test_extract_features_on_dask_equals_pandas(client, dask_articles, features, scorers):
    lazy = extract_features(dask_articles, scorers)
    assert isinstance(lazy, dd.DataFrame)
    assert lazy.npartitions == N_PARTITIONS
    assert list(lazy.columns) == list(features.columns)
    result = lazy.compute()
    pd.testing.assert_frame_equal(result, features, check_exact=True)
    assert np.array_equal(result.to_numpy(), features.to_numpy(), equal_nan=True)


@pytest.mark.slow  # a local cluster of worker processes
def test_extract_features_reads_a_parquet_folder(client, articles, tmp_path):
    lexicon = Lexicon.from_dict({"enforcement": ["ice", "detainer", "deport"]}, name="toy")
    folder = tmp_path / "corpus"
    folder.mkdir()
    # Three files, as a collection job would write them.
    for i, part in enumerate(np.array_split(np.arange(len(articles)), 3)):
        articles.iloc[part][["outlet", "text"]].to_parquet(folder / f"part-{i}.parquet")
    lazy = extract_features(str(folder), [LexiconScorer(lexicon)])
    expected = extract_features(articles, [LexiconScorer(lexicon)])
    result = lazy.compute()
    assert result.index.tolist() == expected.index.tolist()
    np.testing.assert_array_equal(result.to_numpy(), expected.to_numpy())


def test_missing_text_column_is_named(dask_articles):
    with pytest.raises(KeyError, match="body"):
        extract_features(dask_articles, [FrameScorer(method="lexicon")], text_column="body")


@pytest.mark.slow  # a local cluster of worker processes
def test_fightin_words_on_dask_equals_pandas(client, articles, dask_articles):
    options = {"n_perm": 20, "min_df": 2, "return_excluded": True}
    expected, excluded = fightin_words(articles, "label_allsides", **options)
    result, result_excluded = fightin_words(dask_articles, "label_allsides", **options)
    pd.testing.assert_frame_equal(result, expected, check_exact=True)
    pd.testing.assert_frame_equal(result_excluded, excluded, check_exact=True)
    assert result.attrs == expected.attrs
    assert result.attrs["n_excluded"] > 0  # the outlet-signature exclusion did run


@pytest.mark.slow  # a local cluster of worker processes
def test_fightin_words_pairs_and_background_on_dask(client, articles, dask_articles):
    background = articles.iloc[::3]
    with dask.config.set({"dataframe.convert-string": False}):
        dask_background = dd.from_pandas(background, npartitions=2, sort=False)
    options = {"groups": ["left", "right"], "n_perm": 0, "outlet_robustness": False,
               "title": True, "ngram_range": (1, 2), "min_df": 0.01}
    expected = fightin_words(articles, "label_allsides", background=background, **options)
    result = fightin_words(dask_articles, "label_allsides", background=dask_background,
                           **options)
    pd.testing.assert_frame_equal(result, expected, check_exact=True)


@pytest.mark.slow  # a local cluster of worker processes
@pytest.mark.parametrize("unit", ["outlet", None])
def test_leave_out_partisanship_on_dask_equals_pandas(client, articles, dask_articles, unit):
    options = {"groups": ("left", "right"), "unit": unit, "n_perm": 30, "n_boot": 30,
               "return_units": True}
    expected, expected_units = leave_out_partisanship(articles, "label_allsides", **options)
    result, units = leave_out_partisanship(dask_articles, "label_allsides", **options)
    pd.testing.assert_frame_equal(result, expected, check_exact=True)
    pd.testing.assert_frame_equal(units, expected_units, check_exact=True)
    assert result.attrs == expected.attrs


@pytest.mark.slow  # a local cluster of worker processes
def test_outlet_scores_on_dask_equals_pandas(client, articles, dask_articles, features):
    columns = [c for c in features.columns if c.startswith(("loaded__", "sentiment__"))][:4]
    lazy = dd.from_pandas(features[columns], npartitions=N_PARTITIONS, sort=False)
    for by in ("outlet", "label_allsides"):
        expected = outlet_scores(features[columns], articles, by=by, n_boot=200)
        result = outlet_scores(lazy, dask_articles, by=by, n_boot=200)
        pd.testing.assert_frame_equal(result, expected, check_exact=True)


@pytest.mark.slow  # a local cluster of worker processes
def test_rating_agreement_accepts_dask(client, articles, features):
    from framing.datasets import fetch_outlet_ratings

    outlets = fetch_outlet_ratings(progress=False)
    scores = features.groupby(articles["outlet"]).mean().iloc[:, :3]
    expected = rating_agreement(scores, outlets, n_boot=100)
    result = rating_agreement(dd.from_pandas(scores, npartitions=2), outlets, n_boot=100)
    pd.testing.assert_frame_equal(result, expected, check_exact=True)


def test_is_dask_does_not_import_dask():
    import subprocess
    import sys

    code = ("import sys, pandas as pd; from framing._dask import is_dask; "
            "import framing.features, framing.compare; "
            "assert not is_dask(pd.DataFrame()); assert 'dask' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
