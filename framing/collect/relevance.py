"""Is an article about the recipe's topic? A transparent rule classifier driven by the recipe.

The rules live in the recipe's ``[relevance]`` table (see ``corpora/sanctuary/recipe.toml``,
whose comments explain each key); this module only applies them:

1. The text is ``title``, a blank line, ``text`` (and the feed summary ``meta_summary`` when
   the row has one; a stub without a body is judged on its title and summary).
2. *Exclusion* phrases ("Second Amendment sanctuary", "wildlife sanctuary", "sanctuary
   city for the unborn"...) are blanked out, so they cannot be mentions.
3. Each *signal* (``California Values Act``, ``SB 54``, ``287(g)``, "sanctuary" + a policy
   noun, "ICE detainer", "detainer", "sanctuary" near a church word, "sanctuary") is
   matched in priority order; text matched by an earlier signal is not matched again. A
   signal with ``requires_nearby`` patterns only matches where one of them occurs within
   ``window`` characters (a match without one is left to the later signals).
4. Around each mention (``window`` characters either side, the mention itself excluded)
   the *topic context* (for sanctuary: immigration words) and the *other-sense context*
   (guns, animals, abortion, gender, church furniture) are counted. Whether the mention
   counts depends on the signal's ``context``: ``none`` always; ``local`` when topic
   context outnumbers other-sense context nearby; ``policy`` likewise, a tie (none of
   either included) being settled by the whole text.
5. A counted mention weighs ``title_weight`` in the title and 1 in the body. The article is
   relevant when the weights add up to ``min_score`` and the whole text does not carry more
   other-sense than topic context (a gun-rights story that explains where the
   "sanctuary county" idea came from stays out).
6. A *short item* (title and body together at most ``short_item_chars`` characters: a
   headline, a headline and lead, a feed summary) cannot hold the two body mentions that
   step 5 asks of an article, which is there to pass over passing mentions in long stories.
   So in a short item a counted mention of a signal marked ``short_item = true`` weighs
   ``title_weight`` wherever it is: one policy phrase beside its context is enough, while a
   bare word whose sense is often another (a refugee "seeking sanctuary") still needs a
   second mention. ``short_item_chars = 0`` (the default) turns this off.

:func:`relevance_report` gives, per article, the score, the counted mentions by signal,
the excluded phrases, the context counts and a one-line reason; :func:`explain_relevance`
gives every mention of one text with the context around it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from .recipes import Recipe, RecipeError, load_recipe

__all__ = ["explain_relevance", "is_relevant", "relevance_report"]

REPORT_COLUMNS = ("relevant", "score", "n_title", "n_body", "signals", "excluded",
                  "topic_context", "other_context", "reason")


@dataclass(frozen=True)
class _Signal:
    name: str
    pattern: re.Pattern
    context: str  # "none", "local" or "policy" (see the module docstring)
    extra: re.Pattern | None  # more topic context, for this signal only
    requires: re.Pattern | None  # a match counts as a mention only with this nearby
    short_item: bool  # one counted mention decides a short item


@dataclass(frozen=True)
class _Rules:
    exclusions: re.Pattern | None
    topic: re.Pattern
    other: re.Pattern | None
    signals: tuple[_Signal, ...]
    any_signal: re.Pattern  # all signal patterns in one, to skip texts with no mention fast
    window: int
    min_score: int
    title_weight: int
    short_item_chars: int


def _union(patterns) -> re.Pattern | None:
    patterns = list(patterns)
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


def _compile(recipe: Recipe) -> _Rules:
    rules = recipe.relevance

    def fail(reason):
        raise RecipeError(f"{recipe.path}: {reason}")

    short_item_chars = rules.get("short_item_chars", 0)
    if not (isinstance(short_item_chars, int) and not isinstance(short_item_chars, bool)
            and short_item_chars >= 0):
        fail("relevance.short_item_chars must be a non-negative integer")
    signals = []
    for number, signal in enumerate(rules["signals"]):
        short_item = signal.get("short_item", False)
        if not isinstance(short_item, bool):
            fail(f"relevance.signals[{number}].short_item must be true or false")
        requires = signal.get("requires_nearby", ())
        try:
            requires = _union(requires)
        except re.error as err:
            fail(f"relevance.signals[{number}].requires_nearby is not a valid regular "
                 f"expression ({err})")
        signals.append(_Signal(
            name=signal["name"], pattern=re.compile(signal["pattern"], re.IGNORECASE),
            context=signal["context"], extra=_union(signal.get("extra_context", ())),
            requires=requires, short_item=short_item))
    topic = _union(rules.get("topic_context", ())) or re.compile(r"(?!x)x")
    return _Rules(exclusions=_union(rules.get("exclusions", ())), topic=topic,
                  other=_union(rules.get("other_sense_context", ())), signals=tuple(signals),
                  any_signal=_union(s["pattern"] for s in rules["signals"]),
                  window=int(rules.get("window", 200)), min_score=int(rules.get("min_score", 2)),
                  title_weight=int(rules.get("title_weight", 2)),
                  short_item_chars=short_item_chars)


_COMPILED: dict[str, _Rules] = {}  # by recipe sha256: compile each recipe's rules once


def _rules(recipe) -> tuple[Recipe, _Rules]:
    recipe = load_recipe(recipe)
    if recipe.sha256 not in _COMPILED:
        _COMPILED[recipe.sha256] = _compile(recipe)
    return recipe, _COMPILED[recipe.sha256]


def _count(pattern: re.Pattern | None, text: str) -> int:
    return 0 if pattern is None or not text else sum(1 for _ in pattern.finditer(text))


def _analyse(title: str, body: str, rules: _Rules) -> tuple[dict, list[dict]]:
    title = title or ""
    text = f"{title}\n\n{body or ''}"
    if not rules.any_signal.search(text):
        # Nothing to judge: skip the (slower) exclusion and context scans. Blanking
        # exclusions can only remove mentions, never add one.
        return {"relevant": False, "score": 0, "n_title": 0, "n_body": 0, "signals": "",
                "excluded": "", "topic_context": None, "other_context": None,
                "reason": "no topic mention"}, []
    excluded = []
    blanked = text
    if rules.exclusions is not None:
        excluded = [m.group(0) for m in rules.exclusions.finditer(text)]
        # Same length, so positions in the blanked text are positions in the text.
        blanked = rules.exclusions.sub(lambda m: " " * len(m.group(0)), text)
    doc_topic = _count(rules.topic, text)
    doc_oth = _count(rules.other, text)
    short = 0 < len(title.strip()) + len((body or "").strip()) <= rules.short_item_chars
    taken = bytearray(len(text))
    mentions = []
    promoted = False  # whether a body mention weighed like a title mention (short item)
    for signal in rules.signals:
        for match in signal.pattern.finditer(blanked):
            start, end = match.span()
            if any(taken[start:end]):
                continue
            left, right = text[max(0, start - rules.window):start], text[end:end + rules.window]
            if signal.requires is not None and not (signal.requires.search(left)
                                                    or signal.requires.search(right)):
                continue
            taken[start:end] = b"\x01" * (end - start)
            near = _count(rules.topic, left) + _count(rules.topic, right)
            near += _count(signal.extra, left) + _count(signal.extra, right)
            oth = _count(rules.other, left) + _count(rules.other, right)
            if signal.context == "none":
                counted, why = True, "counts wherever it appears"
            elif near > oth:
                counted, why = True, f"topic context nearby ({near} vs {oth} other-sense)"
            elif signal.context == "policy" and near == oth and doc_topic >= doc_oth:
                counted, why = True, (f"no deciding context nearby; the text leans to the topic "
                                      f"({doc_topic} vs {doc_oth})")
            else:
                counted, why = False, (f"not enough topic context nearby ({near} vs "
                                       f"{oth} other-sense)")
            in_title = start < len(title)
            weight = 0
            if counted:
                weight = rules.title_weight if in_title else 1
                if short and signal.short_item and not in_title:
                    weight, promoted = rules.title_weight, True
                    why += "; a short item, so it weighs like a title mention"
            mentions.append({"start": start, "end": end, "term": match.group(0),
                             "signal": signal.name, "in_title": in_title,
                             "topic_context": near, "other_context": oth,
                             "counted": counted, "weight": weight, "why": why})
    mentions.sort(key=lambda m: m["start"])
    score = sum(m["weight"] for m in mentions)
    counted = [m for m in mentions if m["counted"]]
    by_signal: dict[str, int] = {}
    for m in counted:
        by_signal[m["signal"]] = by_signal.get(m["signal"], 0) + 1
    dominated = doc_oth > doc_topic
    relevant = score >= rules.min_score and not dominated
    if relevant:
        reason = f"score {score} >= {rules.min_score}"
        if promoted:
            reason += " (a short item: one mention weighs like a title mention)"
    elif not mentions:
        reason = "no topic mention"
    elif score < rules.min_score:
        reason = (f"score {score} < {rules.min_score} ({len(counted)} of {len(mentions)} "
                  "mention(s) counted)")
    else:
        reason = (f"score {score} but the text carries more other-sense than topic "
                  f"context ({doc_oth} vs {doc_topic})")
    summary = {
        "relevant": relevant,
        "score": score,
        "n_title": sum(1 for m in counted if m["in_title"]),
        "n_body": sum(1 for m in counted if not m["in_title"]),
        "signals": "; ".join(f"{k}:{v}" for k, v in sorted(by_signal.items())),
        "excluded": "; ".join(dict.fromkeys(" ".join(e.lower().split()) for e in excluded)),
        "topic_context": doc_topic,
        "other_context": doc_oth,
        "reason": reason,
    }
    return summary, mentions


def _texts(articles) -> tuple[pd.Index, list[str], list[str]]:
    if isinstance(articles, pd.Series):
        return articles.index, [""] * len(articles), articles.fillna("").astype(str).tolist()
    if not isinstance(articles, pd.DataFrame):
        raise TypeError(f"expected an articles DataFrame or a Series of texts, "
                        f"got {type(articles).__name__}")
    n = len(articles)
    titles = (articles["title"].fillna("").astype(str).tolist() if "title" in articles
              else [""] * n)
    bodies = (articles["text"].fillna("").astype(str).tolist() if "text" in articles
              else [""] * n)
    if "meta_summary" in articles:
        summaries = articles["meta_summary"].fillna("").astype(str).tolist()
        bodies = [f"{b}\n\n{s}" if s.strip() else b
                  for b, s in zip(bodies, summaries, strict=True)]
    return articles.index, titles, bodies


def relevance_report(articles, recipe: str | Recipe = "sanctuary") -> pd.DataFrame:
    """Explain the relevance decision for every article.

    Parameters
    ----------
    articles : pandas.DataFrame or pandas.Series
        Articles (``title``, ``text``, optional ``meta_summary``), or a Series of texts.
    recipe : str or Recipe, default "sanctuary"
        The topic recipe whose ``[relevance]`` rules apply (:func:`load_recipe`).

    Returns
    -------
    pandas.DataFrame
        On ``articles.index``: ``relevant`` (bool), ``score``, ``n_title`` and ``n_body``
        (counted mentions), ``signals`` (counted mentions per signal, ``"name:count; ..."``),
        ``excluded`` (exclusion phrases found), ``topic_context`` and
        ``other_context`` (counts over the whole text; missing when the text has no
        mention at all, as they are not needed then) and ``reason``.

    Examples
    --------
    >>> import pandas as pd
    >>> docs = pd.DataFrame({
    ...     "title": ["Judge blocks cuts to sanctuary cities", "County joins gun movement"],
    ...     "text": ["The order withheld grants from cities that limit cooperation with "
    ...              "immigration agents.",
    ...              "Supervisors declared a Second Amendment sanctuary on Tuesday."]},
    ...     index=pd.Index(["a", "b"], name="article_id"))
    >>> report = relevance_report(docs)
    >>> report[["relevant", "score", "signals", "excluded"]].to_dict("records")
    ... # doctest: +NORMALIZE_WHITESPACE
    [{'relevant': True, 'score': 2, 'signals': 'sanctuary_policy:1', 'excluded': ''},
     {'relevant': False, 'score': 0, 'signals': '',
      'excluded': 'second amendment sanctuary'}]
    """
    _, rules = _rules(recipe)
    index, titles, bodies = _texts(articles)
    rows = [_analyse(t, b, rules)[0] for t, b in zip(titles, bodies, strict=True)]
    report = pd.DataFrame(rows, columns=list(REPORT_COLUMNS), index=index)
    report["relevant"] = report["relevant"].astype(bool)
    for column in ("score", "n_title", "n_body"):
        report[column] = report[column].astype("int64")
    for column in ("topic_context", "other_context"):
        report[column] = pd.array(report[column].tolist(), dtype="Int64")
    return report


def is_relevant(articles, recipe: str | Recipe = "sanctuary") -> pd.Series:
    """Whether each article is about the recipe's topic (see the module docstring).

    Parameters
    ----------
    articles : pandas.DataFrame or pandas.Series
        Articles (``title``, ``text``, optional ``meta_summary``), or a Series of texts.
    recipe : str or Recipe, default "sanctuary"
        A recipe name or path, or a loaded :class:`framing.collect.Recipe`.

    Returns
    -------
    pandas.Series of bool
        Named ``relevant``, on ``articles.index``. :func:`relevance_report` says why.

    Examples
    --------
    >>> import pandas as pd
    >>> texts = pd.Series([
    ...     "The sheriff stopped honoring ICE detainers. Advocates praised the sanctuary "
    ...     "policy; federal immigration officials objected.",
    ...     "The wildlife sanctuary reopened. Visitors can see the sanctuary's birds again.",
    ...     "After a long week, her garden was a sanctuary. The sanctuary of quiet helped.",
    ... ])
    >>> is_relevant(texts).tolist()
    [True, False, False]
    """
    return relevance_report(articles, recipe)["relevant"].rename("relevant")


def explain_relevance(text: str, recipe: str | Recipe = "sanctuary", *, title: str = ""
                      ) -> pd.DataFrame:
    """Every mention the rules found in one text, with its context counts and verdict.

    Positions are in ``title + "\\n\\n" + text``.

    Returns
    -------
    pandas.DataFrame
        ``start``, ``end``, ``term``, ``signal``, ``in_title``, ``topic_context``,
        ``other_context``, ``counted``, ``weight``, ``why``; ``attrs["summary"]`` is the
        article's row of :func:`relevance_report`.

    Examples
    --------
    >>> spans = explain_relevance("Deputies may no longer hold people on ICE detainers.",
    ...                           title="County limits immigration holds")
    >>> spans[["term", "signal", "counted"]].values.tolist()
    [['immigration holds', 'immigration_detainer', True], ['ICE detainers', 'immigration_detainer', True]]
    """  # noqa: E501
    _, rules = _rules(recipe)
    summary, mentions = _analyse(title, text, rules)
    frame = pd.DataFrame(mentions, columns=["start", "end", "term", "signal", "in_title",
                                            "topic_context", "other_context",
                                            "counted", "weight", "why"])
    frame.attrs["summary"] = summary
    return frame
