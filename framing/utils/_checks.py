"""The common checks every framing scorer must pass (scikit-learn's rules plus text's)."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

__all__ = ["check_scorer", "CHECK_TEXTS"]

#: Texts every scorer is run on: plain, loaded, empty, whitespace, non-ASCII, long.
CHECK_TEXTS = (
    "Officials said the city will not cooperate with federal immigration detainers.",
    "Illegal aliens are flooding across the open border, a disastrous invasion, critics claimed.",
    "",
    "   \n\t ",
    "Los inmigrantes indocumentados — «¿por qué?» — 移民 ICE’s naïve café 🙂",
    "Undocumented immigrants and their families fear deportation. " * 400,
)


def _fail(scorer, message: str) -> AssertionError:
    return AssertionError(f"{type(scorer).__name__}: {message}")


def check_scorer(scorer, texts=CHECK_TEXTS) -> None:
    """Run framing's common checks on a scorer; raise ``AssertionError`` on the first failure.

    Checks: ``get_params`` and ``clone`` work and ``__init__`` only stores parameters;
    ``transform`` before ``fit`` raises ``NotFittedError``; output is float64 of shape
    (n_texts, n_features), all finite; feature names are unique, prefixed
    ``<scorer>__`` and stable across refits; ``set_output(transform="pandas")`` keeps the
    input index; a pickle round trip and a clone give identical output; empty, whitespace
    and non-ASCII texts are handled; reruns are identical (determinism); ``explain`` gives
    valid spans and ``highlight`` renders HTML.

    Parameters
    ----------
    scorer : BaseScorer
        An unfitted scorer.
    texts : sequence of str, optional
        Texts to score; the defaults include empty, non-ASCII and long texts.

    Examples
    --------
    >>> from framing.utils import check_scorer
    >>> from framing.features import TermChoiceScorer  # doctest: +SKIP
    >>> check_scorer(TermChoiceScorer())  # doctest: +SKIP
    """
    texts = list(texts)
    params = scorer.get_params(deep=False)
    fresh = clone(scorer)
    if fresh.get_params(deep=False).keys() != params.keys():
        raise _fail(scorer, "clone changed the parameters")
    fitted_attrs = [a for a in vars(scorer) if a.endswith("_") and not a.startswith("_")]
    if fitted_attrs:
        raise _fail(scorer, f"__init__ set fitted attributes {fitted_attrs}")
    try:
        clone(scorer).transform(texts[:1])
    except NotFittedError:
        pass
    else:
        raise _fail(scorer, "transform before fit did not raise NotFittedError")

    fitted = clone(scorer).fit(texts)
    out = fitted.transform(texts)
    names = list(fitted.get_feature_names_out())
    if not (isinstance(out, np.ndarray) and out.dtype == np.float64):
        raise _fail(scorer, f"transform must return float64 ndarray, got {type(out)}")
    if out.shape != (len(texts), len(names)):
        raise _fail(scorer, f"shape {out.shape} != ({len(texts)}, {len(names)})")
    if not np.isfinite(out).all():
        raise _fail(scorer, "non-finite output")
    if len(set(names)) != len(names):
        raise _fail(scorer, "duplicate feature names")
    prefix = f"{getattr(fitted, 'name', '')}__"
    if not all(isinstance(n, str) and n.startswith(prefix) for n in names):
        raise _fail(scorer, f"feature names must start with {prefix!r}")
    if list(clone(scorer).fit(texts).get_feature_names_out()) != names:
        raise _fail(scorer, "feature names differ between fits")

    index = pd.Index([f"doc{i}" for i in range(len(texts))], name="article_id")
    series = pd.Series(texts, index=index)
    frame = clone(scorer).set_output(transform="pandas").fit(series).transform(series)
    if not isinstance(frame, pd.DataFrame) or not frame.index.equals(index):
        raise _fail(scorer, "pandas output must keep the input index")
    if list(frame.columns) != names:
        raise _fail(scorer, "pandas output columns differ from get_feature_names_out")

    restored = pickle.loads(pickle.dumps(fitted))
    if not np.array_equal(restored.transform(texts), out):
        raise _fail(scorer, "pickle round trip changed the output")
    if not np.array_equal(fitted.transform(texts), out):
        raise _fail(scorer, "rerun changed the output (not deterministic)")
    if not np.array_equal(clone(scorer).fit(texts).transform(texts), out):
        raise _fail(scorer, "a refitted clone gives different output")
    empty = fitted.transform(["", "   "])
    if not np.isfinite(empty).all():
        raise _fail(scorer, "empty texts give non-finite values")

    for text in texts:
        spans = fitted.explain(text)
        for column in ("start", "end", "text", "term", "category", "weight", "feature"):
            if column not in spans.columns:
                raise _fail(scorer, f"explain lacks column {column!r}")
        for row in spans.itertuples(index=False):
            if not (0 <= row.start <= row.end <= len(text)) or text[row.start:row.end] != row.text:
                raise _fail(scorer, f"explain span {row.start}:{row.end} does not match the "
                                    f"text {row.text!r}")
        if not set(spans["feature"]) <= set(names) | {""}:
            raise _fail(scorer, f"explain names unknown features "
                                f"{sorted(set(spans['feature']) - set(names))}")
    html = fitted.highlight(texts[1])._repr_html_()
    if "<script" in html or "http" in html:
        raise _fail(scorer, "highlight HTML must be self-contained")
