"""What every scorer shares: the scikit-learn contract for texts, names, explanations.

A scorer is a scikit-learn transformer over a 1-D sequence of texts:

* ``__init__`` stores parameters only; :meth:`BaseScorer.fit` resolves resources
  (lexicons, models) into attributes ending in ``_``;
* :meth:`~BaseScorer.transform` returns dense float64 features named by
  :meth:`~BaseScorer.get_feature_names_out` as ``<scorer>__<feature>`` (inside a
  ``ColumnTransformer``, which adds its own prefix, as ``<transformer>__<feature>``); with
  ``set_output(transform="pandas")`` the input's index is kept;
* :meth:`~BaseScorer.explain` returns the spans behind the scores and
  :meth:`~BaseScorer.highlight` renders them as HTML.

Subclasses implement ``_fit_resources(self)`` (set fitted attributes, return the feature
names without prefix), ``_transform_texts(self, texts) -> ndarray`` and
``_explain_text(self, text) -> DataFrame``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

# Re-exported: scorer modules and user code have imported the text check from here.
from .._validation import as_texts

__all__ = ["BaseScorer", "SPAN_COLUMNS", "as_texts"]

#: Columns of every ``explain`` table.
SPAN_COLUMNS = ("start", "end", "text", "term", "category", "weight", "feature")


class BaseScorer(TransformerMixin, BaseEstimator):
    """Base class of framing's scorers (see the module docstring for the contract)."""

    #: Prefix of feature names; subclasses set it.
    name = "scorer"

    def fit(self, X=None, y=None):
        """Resolve the scorer's resources. ``X`` and ``y`` are ignored (lexicon scorers
        are not trained); they are accepted so the scorer fits in a Pipeline."""
        if X is not None:
            as_texts(X)  # same validation as transform
        names = list(self._fit_resources())
        if len(set(names)) != len(names):
            raise ValueError(f"{type(self).__name__}: duplicate feature names {names}")
        self.feature_names_ = np.asarray(names, dtype=object)
        self.n_features_out_ = len(names)
        return self

    def transform(self, X) -> np.ndarray:
        """Score each text. Returns a float64 array of shape (n_texts, n_features)."""
        check_is_fitted(self, "feature_names_")
        texts = as_texts(X)
        values = np.asarray(self._transform_texts(texts), dtype=np.float64)
        values = values.reshape(len(texts), self.n_features_out_)
        if not np.isfinite(values).all():
            raise FloatingPointError(f"{type(self).__name__} produced non-finite values")
        return values

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Feature names ``<scorer>__<feature>``, stable across releases and runs.

        Parameters
        ----------
        input_features : array-like of str, optional
            The input column's name. scikit-learn's ``ColumnTransformer`` passes it, and
            prefixes what comes back with its own name for the transformer (as
            ``verbose_feature_names_out=True``, its default, says): so when it is given,
            the names come back without the scorer's prefix, and
            ``ColumnTransformer([("loaded", LoadedLanguageScorer(), "text")])`` names its
            columns ``loaded__bias_lexicon``, not ``loaded__loaded__bias_lexicon``. (With
            ``verbose_feature_names_out=False`` the columns are then the bare names.)

        Examples
        --------
        >>> from framing.features import SourcingScorer
        >>> scorer = SourcingScorer().fit()
        >>> scorer.get_feature_names_out()[:1].tolist()
        ['sourcing__quotes_per_1k']
        >>> scorer.get_feature_names_out(["text"])[:1].tolist()
        ['quotes_per_1k']
        """
        check_is_fitted(self, "feature_names_")
        if input_features is not None:
            return np.asarray(list(self.feature_names_), dtype=object)
        return np.asarray([f"{self.name}__{n}" for n in self.feature_names_], dtype=object)

    def explain(self, text: str) -> pd.DataFrame:
        """The spans behind the scores of one text.

        Returns
        -------
        pandas.DataFrame
            One row per span and category: ``start``, ``end`` (character offsets into
            ``text``), ``text`` (the words as written), ``term`` (the entry that matched),
            ``category``, ``weight``, ``feature`` (the output feature it feeds), plus
            scorer-specific columns (``negated``...). Ordered by position.
        """
        check_is_fitted(self, "feature_names_")
        if not isinstance(text, str):
            raise TypeError(f"explain takes one text (str), got {type(text).__name__}")
        spans = self._explain_text(text)
        missing = [c for c in SPAN_COLUMNS if c not in spans.columns]
        if missing:
            raise AssertionError(f"{type(self).__name__}._explain_text lacks {missing}")
        return spans.reset_index(drop=True)

    def highlight(self, text: str, *, title: str | None = None,
                  categories: Sequence[str] | None = None, families=None):
        """HTML rendering of :meth:`explain`, with a legend; displays inline in Jupyter.

        By default the spans are coloured by family (a few kinds of category, at most six
        colour-blind-safe colours; see :class:`~framing.features.Highlight`), so that a long
        article stays readable; ``families=False`` or ``categories=`` gives the detailed
        view, one colour per category.

        Parameters
        ----------
        text : str
        title : str, optional
            Heading of the rendering (default: the scorer's class name).
        categories : sequence of str, optional
            Mark only spans of these categories (a long article can carry hundreds of
            spans). An unknown category raises ``ValueError`` listing the known ones.
        families : bool or mapping, optional
            Colour by family (True), by category (False) or by a mapping of category to
            family. Default: by family, unless ``categories`` is given.

        Returns
        -------
        framing.features.Highlight
            Has ``.html`` (a self-contained HTML fragment: no scripts, no network) and
            ``_repr_html_``.

        Examples
        --------
        >>> from framing.features import TermChoiceScorer
        >>> scorer = TermChoiceScorer().fit()
        >>> text = "Illegal aliens, or undocumented immigrants?"
        >>> h = scorer.highlight(text, categories=["pro_immigrant_label"])
        >>> h.spans["text"].tolist()
        ['undocumented']
        >>> scorer.highlight(text).legend
        {'restrictionist terms': 1, 'pro-immigrant terms': 1}
        """
        from ._highlight import Highlight

        spans = self.explain(text)
        if categories is not None:
            wanted = [categories] if isinstance(categories, str) else list(categories)
            known = set(self._span_categories())
            unknown = sorted(set(wanted) - known)
            if unknown:
                raise ValueError(f"unknown categories {unknown} for {type(self).__name__}; "
                                 f"known: {sorted(known)}")
            spans = spans[spans["category"].isin(wanted)].reset_index(drop=True)
        if families is None:
            families = categories is None
        return Highlight(text, spans, title=title or type(self).__name__, families=families)

    def _span_categories(self) -> Sequence[str]:
        """Every category :meth:`explain` can report (to check ``highlight(categories=)``).

        Why not the categories of this text's spans: a category absent from one text is
        still a valid filter. The default is the fitted matcher's; scorers without one
        override it.
        """
        # Matcher categories read "<lexicon>.<category>"; explain reports the category.
        return [category.split(".", 1)[-1] for category in self.matcher_.categories_]

    # -- for subclasses --------------------------------------------------------------------
    def _fit_resources(self) -> Sequence[str]:
        raise NotImplementedError

    def _transform_texts(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError

    def _transform_in_batches(self, texts: list[str], batch_size: int) -> np.ndarray:
        """``self._transform_batch`` over consecutive slices of ``texts``, stacked.

        Why: scorers whose work per batch holds every match in memory bound that memory by
        slicing; the slices do not change the scores (each row depends on its text only).
        """
        if not texts:
            return np.zeros((0, self.n_features_out_))
        return np.vstack([self._transform_batch(texts[i:i + batch_size])
                          for i in range(0, len(texts), batch_size)])

    def _explain_text(self, text: str) -> pd.DataFrame:
        raise NotImplementedError

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.one_d_array = True
        tags.input_tags.two_d_array = False
        tags.requires_fit = True
        return tags
