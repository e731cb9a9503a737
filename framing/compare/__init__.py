"""Outlet comparisons with honest uncertainty: distinctive words, outlet means, partisanship.

* :func:`fightin_words` — which words distinguish groups of articles: log-odds ratios with
  an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008), z-scores, p-values and
  Benjamini-Hochberg q-values, with outlet signatures (mastheads, boilerplate) removed (never
  the terms of framing's own lexicons; an :class:`OutletSignatureWarning` gives the count) and
  a leave-one-outlet-out check of every term.
* :func:`outlet_scores` — per-outlet or per-leaning feature means with (two-stage)
  cluster-bootstrap confidence intervals.
* :func:`leave_out_partisanship` — the leave-out estimator of Gentzkow, Shapiro & Taddy
  (2019) with a permutation null and a bootstrap interval, per group and per outlet.
* :func:`rating_agreement` — Spearman agreement of per-outlet scores with AllSides and
  MBFC ratings, with bootstrap intervals.
* :func:`same_event` — within-event outlet differences (BASIL's triplets), with event
  bootstrap intervals and sign-flip p-values.

Results are tidy tables (``feature, group, estimate, ci_low, ci_high, n, method``, plus
extra columns). Everything random takes a ``random_state``; the same call gives the same
table. The articles' columns are named as across framing: ``by`` (the grouping column),
``text_column``, ``outlet_column``; ``progress=True`` shows a bar on the slow calls. Names
are imported lazily, so ``import framing.compare`` stays cheap.
"""

from __future__ import annotations

from .._lazy import lazy_exports

_EXPORTS = {
    "fightin_words": "._fightin",
    "log_odds_dirichlet": "._fightin",
    "outlet_signature_terms": "._fightin",
    "OutletSignatureWarning": "._fightin",
    "top_terms": "._fightin",
    "outlet_scores": "._bootstrap",
    "leave_out_partisanship": "._partisanship",
    "partisanship_from_counts": "._partisanship",
    "rating_agreement": "._agreement",
    "RATINGS": "._agreement",
    "same_event": "._same_event",
    "bh_qvalues": "._multiple_testing",
    "count_terms": "._tokens",
    "article_texts": "._tokens",
    "normalize_us": "._tokens",
    "TOKEN_PATTERN": "._tokens",
}

__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
