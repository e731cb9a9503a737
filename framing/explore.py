"""Read the corpus behind the numbers: words in context, and the sentences behind a score.

A fightin' word, a frame share or an outlet's high score is a claim about texts; checking it
means reading them. Two tools, both returning tidy tables indexed like any DataFrame:

* :func:`kwic` (keyword in context): every occurrence of a term, phrase or pattern, with the
  words on either side, the article and its group (outlet, leaning). In Jupyter the result
  shows as an aligned concordance.
* :func:`sentences_behind`: the sentences that carry a scorer's evidence for one feature
  (a frame, a term-choice label, a lexicon category), ranked by the evidence they hold,
  per group. It reads the scorer's public :meth:`explain` spans, so a sentence is listed
  exactly when the scorer counted something in it.

Examples
--------
>>> import pandas as pd
>>> articles = pd.DataFrame(
...     {"outlet": ["a", "b"],
...      "text": ["Illegal aliens crossed. The mayor spoke.",
...               "The undocumented immigrants waited. Officials met illegal aliens."]},
...     index=pd.Index(["a1", "b1"], name="article_id"))
>>> table = kwic(articles, "illegal aliens", window=12)
>>> table[["article_id", "keyword", "right"]].values.tolist()
[['a1', 'Illegal aliens', ' crossed. '], ['b1', 'illegal aliens', '.']]
"""

from __future__ import annotations

import html
import re
import warnings
from bisect import bisect_right
from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["Concordance", "kwic", "sentences_behind"]

#: Columns of a :func:`kwic` table, before and after the group column.
KWIC_COLUMNS = ("article_id", "left", "keyword", "right", "start", "end")
#: Rows an HTML view of a concordance shows before it says how many more there are.
HTML_ROWS = 100
_SPACE = re.compile(r"\s+")


def _check_columns(articles, needed: Sequence[str], function: str) -> None:
    """Raise ValueError naming the columns of ``needed`` that ``articles`` lacks."""
    if not isinstance(articles, pd.DataFrame):
        raise TypeError(f"{function} takes an articles DataFrame, got "
                        f"{type(articles).__name__}")
    missing = [c for c in needed if c not in articles.columns]
    if missing:
        raise ValueError(f"{function}: articles have no column(s) {missing}; the columns are "
                         f"{list(map(str, articles.columns))}")


def _texts(articles: pd.DataFrame, column: str, function: str) -> list[str]:
    """The text column as strings (a missing text is empty; anything else is an error)."""
    texts = []
    for article_id, value in articles[column].items():
        if isinstance(value, str):
            texts.append(value)
        elif value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
            texts.append("")
        else:
            raise TypeError(f"{function}: the {column!r} of article {article_id!r} is "
                            f"{type(value).__name__}, not a string")
    return texts


def _compile(term_or_pattern, regex: bool, case_sensitive: bool) -> re.Pattern:
    """The pattern :func:`kwic` searches for (see its ``term_or_pattern``)."""
    flags = 0 if case_sensitive else re.IGNORECASE
    if isinstance(term_or_pattern, re.Pattern):
        return term_or_pattern
    if regex:
        if not isinstance(term_or_pattern, str):
            raise TypeError("with regex=True, term_or_pattern must be one pattern (a str)")
        try:
            return re.compile(term_or_pattern, flags)
        except re.error as err:
            raise ValueError(f"invalid regular expression {term_or_pattern!r}: {err}") from None
    terms = [term_or_pattern] if isinstance(term_or_pattern, str) else list(term_or_pattern)
    words = [t.split() for t in terms if isinstance(t, str)]
    if len(words) != len(terms) or not terms or not all(words):
        raise ValueError(f"term_or_pattern must be a non-empty term or a sequence of them, "
                         f"got {term_or_pattern!r}")
    # A phrase matches across any run of white space (a line break included); the longest
    # alternative is tried first, so "illegal aliens" wins over "illegal".
    alternatives = sorted((r"\s+".join(map(re.escape, w)) for w in words), key=len,
                          reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", flags)


def _display(text: str) -> str:
    """Runs of white space (line breaks too) as one space, so contexts line up."""
    return _SPACE.sub(" ", text)


def _contexts(text: str, start: int, end: int, window: int) -> tuple[str, str]:
    """Up to ``window`` characters on each side of ``text[start:end]``, without a word cut
    in half at the outer edge (a partial word there reads as a different word)."""
    low, high = max(0, start - window), min(len(text), end + window)
    left, right = text[low:start], text[end:high]
    if low > 0 and not text[low - 1].isspace() and not text[low].isspace():
        cut = re.search(r"\s", left)
        left = left[cut.start():] if cut else ""
    if high < len(text) and not text[high - 1].isspace() and not text[high].isspace():
        cut = re.search(r"\s\S*$", right)
        right = right[:cut.start() + 1] if cut else ""
    return _display(left), _display(right)


class Concordance(pd.DataFrame):
    """A :func:`kwic` table: a DataFrame that shows as an aligned concordance in Jupyter.

    It is a plain DataFrame in every other respect (filter, sort, group, save it); slices
    stay concordances. ``attrs`` holds ``query`` (the terms or pattern as given),
    ``pattern`` (the regular expression searched), ``window``, ``n_articles`` (articles
    searched), ``by`` and ``limited`` (whether ``limit`` stopped the search).
    """

    @property
    def _constructor(self):
        return Concordance

    def html(self, max_rows: int = HTML_ROWS) -> str:
        """The concordance as an HTML table: left context right-aligned, keyword bold.

        Parameters
        ----------
        max_rows : int, default 100
            Rows shown; a note says how many were left out.

        Returns
        -------
        str
            A self-contained HTML fragment (inline styles, no scripts).
        """
        if not {"left", "keyword", "right"} <= set(self.columns):
            return pd.DataFrame(self).to_html(max_rows=max_rows)
        by = self.attrs.get("by")
        heads = ["article_id"] + ([by] if by in self.columns else [])
        cell = "padding:1px 6px;white-space:nowrap"
        rows = []
        for row in self.head(max_rows).itertuples(index=False):
            values = row._asdict()
            first = "".join(f'<td style="{cell};color:#555">{html.escape(str(values[h]))}</td>'
                            for h in heads if h in values)
            rows.append(
                f"<tr>{first}"
                f'<td style="{cell};text-align:right">{html.escape(str(values["left"]))}</td>'
                f'<td style="{cell};font-weight:bold;text-align:center">'
                f"{html.escape(str(values['keyword']))}</td>"
                f'<td style="{cell};text-align:left">{html.escape(str(values["right"]))}</td>'
                "</tr>")
        n_articles = self["article_id"].nunique() if "article_id" in self.columns else 0
        note = f"{len(self):,} matches in {n_articles:,} articles"
        if "query" in self.attrs:
            note += f" for <code>{html.escape(str(self.attrs['query']))}</code>"
        if self.attrs.get("limited"):
            note += " (search stopped at this limit)"
        if len(self) > max_rows:
            note += f" (first {max_rows:,} shown)"
        header = "".join(f'<th style="{cell}">{html.escape(str(h))}</th>' for h in heads)
        header += (f'<th style="{cell};text-align:right">left</th><th style="{cell}">keyword'
                   f'</th><th style="{cell};text-align:left">right</th>')
        return (f'<div class="framing-kwic"><div style="font-size:90%;margin:2px 0">{note}'
                f'</div><table style="border-collapse:collapse;font-family:monospace;'
                f'font-size:85%"><thead><tr>{header}</tr></thead><tbody>{"".join(rows)}'
                "</tbody></table></div>")

    def _repr_html_(self) -> str:
        return self.html()


def kwic(articles: pd.DataFrame, term_or_pattern, by: str | None = "outlet", window: int = 60,
         *, regex: bool = False, case_sensitive: bool = False, text_column: str = "text",
         limit: int | None = None) -> Concordance:
    """Keyword in context: every occurrence of a term, with the text on either side.

    Parameters
    ----------
    articles : DataFrame
        Articles (:mod:`framing.schema`), indexed by ``article_id``, with ``text_column``
        and the ``by`` column.
    term_or_pattern : str, sequence of str, or compiled pattern
        A term (``"amnesty"``), a phrase (``"illegal aliens"``: its words match across any
        white space) or several of them (each occurrence matches the longest). Terms match
        whole words, ignoring case: ``"alien"`` does not match *aliens* (list both, or use
        a pattern). With ``regex=True``, a regular expression searched as written (add
        ``\\b`` yourself); a compiled pattern is always used as it is. Empty matches are
        skipped.
    by : str or None, default "outlet"
        The group column copied beside each match (``"label_allsides"``...); None for none.
    window : int, default 60
        Characters of context on each side, at most; a word the window would cut in half
        at its outer edge is left out. Line breaks and runs of white space in the
        contexts and keyword are shown as single spaces; ``start`` and ``end`` index the
        text as it is.
    regex : bool, default False
        Read ``term_or_pattern`` as a regular expression.
    case_sensitive : bool, default False
    text_column : str, default "text"
    limit : int, optional
        Stop after this many matches (the first ones in corpus order); ``attrs["limited"]``
        says whether matches were left out.

    Returns
    -------
    Concordance
        A DataFrame with one row per match, in corpus order then by position:
        ``article_id``, the ``by`` column, ``left``, ``keyword``, ``right``, ``start``,
        ``end`` (character offsets of the keyword in the article's text). In Jupyter it
        shows as an aligned concordance; :meth:`Concordance.html` gives that HTML.

    Raises
    ------
    ValueError
        ``articles`` lacks ``text_column`` or ``by`` (the message lists the columns it
        has), the term is empty, the regular expression is invalid, or ``window`` is
        negative, or ``limit`` is below 1.
    TypeError
        A text that is neither a string nor missing.

    Examples
    --------
    >>> import pandas as pd
    >>> articles = pd.DataFrame(
    ...     {"outlet": ["a", "b"], "text": ["An amnesty bill.", "No AMNESTY, ever: amnesty!"]},
    ...     index=pd.Index(["a1", "b1"], name="article_id"))
    >>> table = kwic(articles, "amnesty", window=6)
    >>> table[["article_id", "left", "keyword", "right", "start"]].values.tolist()
    ... # doctest: +NORMALIZE_WHITESPACE
    [['a1', 'An ', 'amnesty', ' bill.', 3], ['b1', 'No ', 'AMNESTY', ', ', 3],
     ['b1', 'ever: ', 'amnesty', '!', 18]]
    >>> len(kwic(articles, r"amnest\\w+", regex=True))
    3
    """
    function = "kwic"
    _check_columns(articles, [text_column] + ([by] if by is not None else []), function)
    if not isinstance(window, int | np.integer) or window < 0:
        raise ValueError(f"window must be a non-negative number of characters, got {window!r}")
    if limit is not None and (not isinstance(limit, int | np.integer) or limit < 1):
        raise ValueError(f"limit must be a positive number of matches, got {limit!r}")
    pattern = _compile(term_or_pattern, regex, case_sensitive)
    texts = _texts(articles, text_column, function)
    groups = articles[by].tolist() if by is not None else [None] * len(texts)
    rows, limited = [], False
    for article_id, group, text in zip(articles.index, groups, texts, strict=True):
        if limited:
            break
        for match in pattern.finditer(text):
            start, end = match.span()
            if start == end:
                continue
            if limit is not None and len(rows) == limit:
                limited = True
                break
            left, right = _contexts(text, start, end, window)
            rows.append((article_id, group, left, _display(text[start:end]), right, start,
                         end))
    columns = ["article_id", "group", "left", "keyword", "right", "start", "end"]
    table = pd.DataFrame(rows, columns=columns)
    if by is None:
        table = table.drop(columns="group")
    else:
        table = table.rename(columns={"group": by})
        if isinstance(articles[by].dtype, pd.CategoricalDtype):
            table[by] = pd.Categorical(table[by], dtype=articles[by].dtype)
    table["start"] = table["start"].astype(np.int64)
    table["end"] = table["end"].astype(np.int64)
    result = Concordance(table)
    query = term_or_pattern if isinstance(term_or_pattern, str) else (
        pattern.pattern if isinstance(term_or_pattern, re.Pattern)
        else " | ".join(term_or_pattern))
    result.attrs.update({"query": query, "pattern": pattern.pattern, "window": int(window),
                         "n_articles": len(articles), "by": by, "limited": limited})
    return result


# -- the sentences behind a score -----------------------------------------------------------

def _sentence_bounds(text: str) -> tuple[list[int], list[int]]:
    """Starts and ends of the sentences of ``text`` (framing's sentence splitter)."""
    from .features import split_sentences

    starts, ends, cursor = [], [], 0
    for sentence in split_sentences(text):
        # The splitter returns exact slices of the text, in order: find recovers the spans.
        start = text.find(sentence, cursor)
        starts.append(start)
        ends.append(start + len(sentence))
        cursor = start + len(sentence)
    return starts, ends


def _features(scorer, feature) -> list[str] | None:
    """The full feature names asked for (``"legality"`` may stand for
    ``"frames__policy_legality"`` when only one feature ends so), or None for all."""
    if feature is None:
        return None
    known = [str(n) for n in scorer.get_feature_names_out()]
    wanted = [feature] if isinstance(feature, str) else list(feature)
    resolved = []
    for name in wanted:
        if name in known:
            resolved.append(name)
            continue
        candidates = [k for k in known if k.endswith(f"__{name}") or k.endswith(f"_{name}")]
        if len(candidates) != 1:
            reason = "is ambiguous" if candidates else "is not a feature"
            raise ValueError(f"{name!r} {reason} of {type(scorer).__name__}; its features "
                             f"are {known}")
        resolved.append(candidates[0])
    return resolved


def sentences_behind(articles: pd.DataFrame, scorer, feature=None, *,
                     by: str | None = "outlet", top: int = 10, weight: str = "weight",
                     text_column: str = "text", progress: bool = False) -> pd.DataFrame:
    """The sentences that carry a scorer's evidence for a feature, strongest first.

    Each article is explained with ``scorer.explain``; the spans that feed ``feature``
    are assigned to the sentence they start in (framing's sentence splitter), and each
    sentence is scored by the sum of its spans' ``weight``. The ``top`` sentences of
    each group are returned: what an analyst reads to check that a frame or a score means
    what its name says.

    Parameters
    ----------
    articles : DataFrame
        Articles with ``text_column`` and the ``by`` column. Every article is explained,
        so pass a subset (for example the articles with the highest share of a frame) to
        be quick on a large corpus.
    scorer : framing scorer
        Any scorer with :meth:`explain`, fitted or not (an unfitted one is fitted on a
        copy), e.g. ``FrameScorer(typologies="policy")`` or ``TermChoiceScorer()``.
    feature : str or sequence of str, optional
        The output feature(s) whose spans count, by full name
        (``"frames__policy_legality"``) or by an unambiguous end (``"policy_legality"``).
        Default: every span. A composite score that no span feeds directly (such as
        ``loaded__loaded_index``) is explained by its parts: pass ``feature=None`` and
        the span column that carries each part's contribution as ``weight``
        (``"index_weight"`` for :class:`~framing.features.LoadedLanguageScorer`).
    by : str or None, default "outlet"
        Group column: ``top`` sentences per group; None ranks the whole corpus.
    top : int, default 10
        Sentences per group (or in all, with ``by=None``).
    weight : str, default "weight"
        The span column summed into a sentence's ``score``.
    text_column : str, default "text"
    progress : bool, default False
        Show a progress bar over the articles.

    Returns
    -------
    DataFrame
        One row per sentence: ``article_id``, the ``by`` column, ``rank`` (1 = most
        evidence in its group), ``score`` (summed ``weight``), ``n_spans``, ``terms``
        (the words matched, as written, in order, ``"; "``-separated), ``sentence``,
        ``start``, ``end`` (its character offsets in the article's text). Groups in
        their order in ``articles`` (categorical order for a categorical column); within
        a group by descending score, then corpus order. ``attrs`` holds ``features``
        (the full names), ``n_articles`` (explained) and ``n_articles_with_evidence``.

    Raises
    ------
    ValueError
        A missing column (the message lists those present), a feature the scorer does
        not output, a ``weight`` column its spans lack, or ``top`` below 1.

    Warns
    -----
    UserWarning
        When no span of any article feeds ``feature`` although the scorer found other
        evidence (the message lists the features its spans feed).

    Examples
    --------
    >>> import pandas as pd
    >>> from framing.features import TermChoiceScorer
    >>> articles = pd.DataFrame(
    ...     {"outlet": ["a", "b"],
    ...      "text": ["The bill passed. Critics called it amnesty for illegal aliens.",
    ...               "Undocumented immigrants wait. Nothing else."]},
    ...     index=pd.Index(["a1", "b1"], name="article_id"))
    >>> table = sentences_behind(articles, TermChoiceScorer(), "restrictionist_label")
    >>> table[["article_id", "outlet", "score", "terms", "sentence"]].values.tolist()
    [['a1', 'a', 1.0, 'illegal aliens', 'Critics called it amnesty for illegal aliens.']]
    """
    from ._progress import progress_bar

    function = "sentences_behind"
    _check_columns(articles, [text_column] + ([by] if by is not None else []), function)
    if not isinstance(top, int | np.integer) or top < 1:
        raise ValueError(f"top must be a positive number of sentences, got {top!r}")
    from .features import fitted_scorer

    scorer = fitted_scorer(scorer)
    features = _features(scorer, feature)
    texts = _texts(articles, text_column, function)
    groups = articles[by].tolist() if by is not None else [None] * len(texts)
    rows, seen_features, n_with_spans = [], set(), 0
    bar = progress_bar(zip(articles.index, groups, texts, strict=True), enabled=progress,
                       total=len(texts), desc="explaining", unit="article")
    for order, (article_id, group, text) in enumerate(bar):
        spans = scorer.explain(text)
        if spans.empty:
            continue
        seen_features.update(spans["feature"].astype(str))
        if weight not in spans.columns:
            raise ValueError(f"{function}: weight={weight!r} is not a column of "
                             f"{type(scorer).__name__}.explain(); its columns are "
                             f"{list(map(str, spans.columns))}")
        if features is not None:
            spans = spans[spans["feature"].isin(features)]
        if spans.empty:
            continue
        n_with_spans += 1
        starts, ends = _sentence_bounds(text)
        sentence_of = [max(0, bisect_right(starts, int(s)) - 1) for s in spans["start"]]
        spans = spans.assign(_sentence=sentence_of).sort_values("start", kind="stable")
        for index, part in spans.groupby("_sentence", sort=True):
            if not starts:  # nothing but white space around the spans: keep the spans' text
                start, end = int(part["start"].min()), int(part["end"].max())
            else:
                start, end = starts[index], ends[index]
            rows.append({"article_id": article_id, "group": group, "_order": order,
                         "score": float(part[weight].astype(float).sum()),
                         "n_spans": len(part),
                         "terms": "; ".join(dict.fromkeys(part["text"].astype(str))),
                         "sentence": text[start:end], "start": start, "end": end})
    if features is not None and n_with_spans == 0 and seen_features:
        warnings.warn(f"no span of {type(scorer).__name__} feeds {features} in these "
                      f"{len(texts)} articles; its spans feed {sorted(seen_features)}. A "
                      "composite score is explained by its parts: pass feature=None and, as "
                      "weight, the span column holding each part's contribution",
                      UserWarning, stacklevel=2)
    columns = ["article_id", "group", "rank", "score", "n_spans", "terms", "sentence",
               "start", "end"]
    table = pd.DataFrame(rows, columns=[*columns[:2], "_order", *columns[3:]])
    if by is not None:
        levels = (list(articles[by].cat.categories)
                  if isinstance(articles[by].dtype, pd.CategoricalDtype)
                  else list(dict.fromkeys(groups)))
        table["_group"] = table["group"].map({g: i for i, g in enumerate(levels)})
    else:
        table["_group"] = 0
    table = table.sort_values(["_group", "score", "_order", "start"],
                              ascending=[True, False, True, True], kind="stable")
    table["rank"] = table.groupby("_group", sort=False).cumcount() + 1
    table = table[table["rank"] <= top][columns].reset_index(drop=True)
    table["rank"] = table["rank"].astype(np.int64)
    table = table.rename(columns={"group": by}) if by is not None \
        else table.drop(columns="group")
    table.attrs.update({"features": features, "n_articles": len(texts),
                        "n_articles_with_evidence": n_with_spans})
    return table
