"""One offline HTML page for a corpus and a grouping column: what a first look should show.

:func:`report` scores the articles with framing's default lexicon scorers and writes a
single self-contained HTML file: figures inline as PNG, styles inline, no script, nothing
fetched from the network, so it opens anywhere and can be archived or mailed. In order:

1. **Corpus**: articles, outlets and words per group, dates, and every row the loader
   rejected (``attrs["rejected"]`` of :func:`framing.datasets.load_articles`).
2. **Outlet comparisons**: per-outlet means of a few headline features with bootstrap
   intervals (:func:`framing.compare.outlet_scores`), coloured by group, and per-group
   means with a two-stage cluster bootstrap.
3. **Fightin' words** of each group against the rest (:func:`framing.compare.fightin_words`),
   each distinctive term with its contexts one click away (:func:`framing.explore.kwic`).
4. **Frames** (policy frames, lexicon method) by group, and the sentences carrying the frame
   whose share differs most between groups (:func:`framing.explore.sentences_behind`).
5. **Term choice** by group and over time.
6. **Example articles**, one per group, with the scorers' highlights.
7. **Method and validity notes**: what each measure is and where it has been checked.

The command ``framing report ARTICLES --by COLUMN --out report.html`` does the same from
corpus files.
"""

from __future__ import annotations

import base64
import html
import io
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["HEADLINE_FEATURES", "outlet_groups", "report"]

#: Features compared across outlets by default: one per scorer family, each readable alone.
HEADLINE_FEATURES = ("loaded__loaded_index", "term_choice__restrictionist_index",
                     "sentiment__compound_mean", "sourcing__quoted_share")
#: What each headline feature measures, for the captions and the notes.
FEATURE_NOTES = {
    "loaded__loaded_index": "loaded language: the log-odds that a sentence is biased, from "
                            "the rates of subjective, hedging, boosting and moral words "
                            "(weights fitted on the BABE sentence-bias corpus); higher is more "
                            "loaded",
    "term_choice__restrictionist_index": "immigration term choice: (restrictionist - "
                                         "pro-immigrant labels) / (both + 1); +1 only "
                                         "'illegal alien(s)'-type labels, -1 only "
                                         "'undocumented'-type labels, 0 none or balanced",
    "sentiment__compound_mean": "sentiment: mean VADER compound score of the article's "
                                "sentences (-1 negative .. +1 positive)",
    "sourcing__quoted_share": "sourcing: share of the article's words inside quotation marks",
}
#: Loaded-language categories marked in the example articles: a few that read at a glance
#: (every category at once marks most words of an article).
EXAMPLE_LOADED_CATEGORIES = ("strong_subjective", "booster", "hedge", "intensifier")
#: Groups a report compares at most: every figure and table has one row or panel per group.
MAX_GROUPS = 10
_STAGES = ("scoring", "outlet comparisons", "fightin' words", "frames", "term choice",
           "examples", "writing")
_RC = {"font.size": 9, "axes.titlesize": 10, "axes.labelsize": 9, "legend.fontsize": 8,
       "axes.spines.top": False, "axes.spines.right": False, "figure.dpi": 100}

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:1100px;
margin:0 auto;padding:16px 24px;color:#222;line-height:1.45;background:#fff}
h1{font-size:1.6em;margin-bottom:0}h2{border-bottom:2px solid #0072B2;padding-bottom:2px;
margin-top:2em}h3{margin-top:1.4em}
table.data{border-collapse:collapse;font-size:90%;margin:8px 0}
table.data th,table.data td{border-bottom:1px solid #ddd;padding:3px 8px;text-align:left;
vertical-align:top}
table.data td.num{text-align:right;font-variant-numeric:tabular-nums}
details{margin:4px 0}summary{cursor:pointer}
img{max-width:100%;height:auto;display:block;margin:8px 0}
.note{color:#555;font-size:90%}.warn{color:#D55E00}
nav a{margin-right:12px}code{background:#f3f3f3;padding:0 3px}
"""


# -- small HTML helpers ---------------------------------------------------------------------

def _e(value) -> str:
    return html.escape(str(value), quote=True)


def _table(frame: pd.DataFrame, numeric: Sequence[str] = ()) -> str:
    """A DataFrame as an escaped HTML table (``numeric`` columns right-aligned)."""
    head = "".join(f"<th>{_e(c)}</th>" for c in frame.columns)
    body = []
    for row in frame.itertuples(index=False):
        cells = "".join(
            f'<td class="num">{_e(v)}</td>' if c in numeric else f"<td>{_e(v)}</td>"
            for c, v in zip(frame.columns, row, strict=True))
        body.append(f"<tr>{cells}</tr>")
    return f'<table class="data"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}' \
           "</tbody></table>"


def _interval(estimate, low, high, digits: int = 3) -> str:
    if not np.isfinite(estimate):
        return "no estimate"
    text = f"{estimate:.{digits}f}"
    if np.isfinite(low) and np.isfinite(high):
        text += f" [{low:.{digits}f}, {high:.{digits}f}]"
    return text


def _figure(draw: Callable, width: float, height: float, alt: str) -> str:
    """Draw on a new (pyplot-free) figure and return it as an inline PNG ``<img>``."""
    import matplotlib as mpl
    from matplotlib.figure import Figure

    with mpl.rc_context(_RC):
        figure = Figure(figsize=(width, height), layout="constrained")
        draw(figure.subplots())
        buffer = io.BytesIO()
        # The constrained layout already fits labels and captions: no second "tight" pass.
        figure.savefig(buffer, format="png", dpi=100, metadata={"Software": None})
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img alt="{_e(alt)}" src="data:image/png;base64,{data}">'


# -- checking the input ---------------------------------------------------------------------

def _load(articles) -> pd.DataFrame:
    """A DataFrame as it is; a path (or paths) read with ``load_articles(errors="report")``."""
    if isinstance(articles, pd.DataFrame):
        return articles
    from .datasets import load_articles

    return load_articles(articles, errors="report")


def _check(articles: pd.DataFrame, by: str, features: Sequence[str]) -> list:
    """The groups of ``by`` in display order; a ValueError for anything a report cannot use."""
    from .plot import _levels

    missing = [c for c in ("text", "outlet", by) if c not in articles.columns]
    if missing:
        labels = [c for c in articles.columns if str(c).startswith("label_")]
        hint = f"; label columns: {labels}" if labels else ""
        raise ValueError(f"the articles have no column(s) {missing} (columns: "
                         f"{list(map(str, articles.columns))}{hint})")
    if articles.empty:
        rejected = articles.attrs.get("rejected")
        detail = ""
        if rejected is not None and len(rejected):
            reasons = pd.Series(rejected["reason"]).value_counts().head(3)
            detail = (f": all {len(rejected)} rows were rejected, e.g. "
                      + "; ".join(f"{n} x {r}" for r, n in reasons.items()))
        raise ValueError(f"no articles to report on{detail}")
    groups = _levels(articles[by])
    if len(groups) < 2:
        raise ValueError(f"by={by!r} needs at least two groups to compare; it has {groups}")
    if len(groups) > MAX_GROUPS:
        raise ValueError(f"by={by!r} has {len(groups)} groups; a report compares at most "
                         f"{MAX_GROUPS} (choose a coarser column, e.g. a label_ column)")
    unknown = [f for f in features if f not in FEATURE_NOTES]
    if unknown:
        raise ValueError(f"features {unknown} are not among the report's headline features "
                         f"{list(FEATURE_NOTES)}")
    return groups


# -- sections -------------------------------------------------------------------------------

def _corpus_section(articles: pd.DataFrame, by: str, groups: list) -> str:
    words = articles["text"].fillna("").str.split().str.len()
    grouped = articles.assign(_words=words).groupby(by, observed=True, sort=False)
    summary = pd.DataFrame({
        by: groups,
        "articles": [int(grouped.size().get(g, 0)) for g in groups],
        "outlets": [int(grouped["outlet"].nunique().get(g, 0)) for g in groups],
        "median words": [int(grouped["_words"].median().get(g, 0)) for g in groups],
    })
    parts = [f"<p>{len(articles):,} articles from {articles['outlet'].nunique():,} outlets; "
             f"median length {int(words.median()):,} words.</p>"]
    no_group = int(articles[by].isna().sum())
    if no_group:
        parts.append(f'<p class="warn">{no_group:,} articles have no {_e(by)} value: they '
                     "are counted here and left out of every comparison below.</p>")
    parts.append(_table(summary, numeric=("articles", "outlets", "median words")))
    if "date" in articles.columns:
        dates = pd.to_datetime(articles["date"], utc=True, errors="coerce")
        dated = dates.dropna()
        if len(dated):
            parts.append(f"<p>Published {dated.min():%Y-%m-%d} to {dated.max():%Y-%m-%d}; "
                         f"{int(dates.isna().sum()):,} articles without a date.</p>")
        else:
            parts.append("<p>No article has a date.</p>")
    parts.append(_rejections(articles))
    return "".join(parts)


def _rejections(articles: pd.DataFrame) -> str:
    """The loader's account of rows and files left out, or a note that there is none."""
    rejected = articles.attrs.get("rejected")
    skipped = articles.attrs.get("skipped_files")
    if rejected is None and skipped is None:
        return ('<p class="note">No loading report: these articles were not read by '
                "<code>framing.datasets.load_articles</code> (which lists every rejected "
                "row).</p>")
    parts = []
    n_rows = articles.attrs.get("n_source_rows")
    rejected = pd.DataFrame(rejected if rejected is not None else [])
    if len(rejected):
        reasons = rejected["reason"].value_counts().rename_axis("reason").reset_index(
            name="rows")
        shown = rejected.head(200)
        parts.append(
            f'<p class="warn">{len(rejected):,} of {n_rows or "?"} source rows were rejected '
            "and are not in this report:</p>" + _table(reasons, numeric=("rows",))
            + f"<details><summary>the rejected rows ({len(shown):,} of {len(rejected):,} "
            f"shown)</summary>{_table(shown)}</details>")
    else:
        parts.append(f"<p>Every source row was loaded ({n_rows or len(articles):,} rows; "
                     "none rejected).</p>")
    if n_rows is not None and n_rows != len(articles) + len(rejected):
        # attrs travel with a DataFrame through filters: say that this is a selection.
        parts.append(f'<p class="note">These {len(articles):,} articles are a selection of '
                     f"the {n_rows - len(rejected):,} the loader returned.</p>")
    skipped = pd.DataFrame(skipped if skipped is not None else [])
    if len(skipped):
        parts.append(f"<details><summary>{len(skipped):,} files not read</summary>"
                     f"{_table(skipped)}</details>")
    return "".join(parts)


def outlet_groups(articles: pd.DataFrame, by: str) -> pd.Series:
    """Each outlet's group: the one value of ``by`` its articles share.

    An outlet whose articles fall in several groups (an outlet rated differently over the
    years, say) gets ``"several groups"``, and one with no value, None: colouring it by
    one of its groups would misstate the data.

    Examples
    --------
    >>> articles = pd.DataFrame({"outlet": ["a", "a", "b", "b", "c"],
    ...                          "lean": pd.Categorical(["left", "left", "left", "center",
    ...                                                  None])})
    >>> outlet_groups(articles, "lean").to_dict()
    {'a': 'left', 'b': 'several groups', 'c': None}
    """
    groups = {}
    for outlet, values in articles[by].astype(object).groupby(
            articles["outlet"].astype(object), sort=True):
        distinct = values.dropna().unique()
        groups[outlet] = (distinct[0] if len(distinct) == 1
                          else "several groups" if len(distinct) else None)
    return pd.Series(groups, dtype=object, name=by)


def _outlet_section(features, articles, by, groups, headline, *, n_boot, min_articles,
                    random_state) -> str:
    from .compare import outlet_scores
    from .plot import plot_outlet_scores

    counts = articles["outlet"].value_counts()
    shown = counts.index[counts >= min_articles]
    outlet_group = outlet_groups(articles, by)
    grouped = articles[articles[by].notna()]
    by_group = outlet_scores(features.loc[grouped.index, list(headline)], grouped, by=by,
                             n_boot=n_boot, random_state=random_state)
    parts = [f"<p>Each outlet's mean per article, with a {by_group.attrs['ci']:.0%} "
             f"bootstrap interval from resampling its articles ({n_boot:,} draws); outlets "
             f"with at least {min_articles} articles ({len(shown)} of {len(counts)}). "
             f"Colours: the outlet's {_e(by)}.</p>"]
    for feature in headline:
        table = outlet_scores(features.loc[articles["outlet"].isin(shown), [feature]],
                              articles[articles["outlet"].isin(shown)], by="outlet",
                              n_boot=n_boot, random_state=random_state)
        ratings = None if by == "outlet" else outlet_group
        parts.append(f"<h3>{_e(feature)}</h3><p class=\"note\">{_e(FEATURE_NOTES[feature])}"
                     "</p>")
        parts.append(_figure(lambda ax, t=table, r=ratings: plot_outlet_scores(t, ratings=r,
                                                                               ax=ax),
                             7.5, 0.22 * len(table) + 1.8, f"{feature} by outlet"))
        rows = by_group[by_group["feature"] == feature].set_index("group")
        cells = pd.DataFrame({
            by: groups,
            "mean [95% CI]": [_interval(*rows.loc[g, ["estimate", "ci_low", "ci_high"]])
                              if g in rows.index else "no articles" for g in groups],
            "articles": [int(rows.loc[g, "n"]) if g in rows.index else 0 for g in groups],
            "outlets": [int(rows.loc[g, "n_clusters"]) if g in rows.index else 0
                        for g in groups]})
        parts.append(f"<p>By {_e(by)} (two-stage cluster bootstrap: outlets, then their "
                     "articles):</p>" + _table(cells, numeric=("articles", "outlets")))
    return "".join(parts)


def _fightin_section(articles, by, groups, *, n_terms, n_perm, random_state) -> str:
    from .compare import OutletSignatureWarning, fightin_words, top_terms
    from .explore import kwic
    from .plot import plot_fightin_words

    grouped = articles[articles[by].notna()]
    # The page states how many outlet-signature terms were dropped, so the warning that says
    # the same on the console would only repeat it.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OutletSignatureWarning)
        table = fightin_words(grouped, by, groups=groups, comparisons="vs_rest",
                              n_perm=n_perm, random_state=random_state)
    attrs = table.attrs
    excluded = attrs.get("n_excluded") or 0
    kept = len(attrs.get("lexicon_terms_kept") or ())
    parts = [f"<p>Which words each {_e(by)} uses more than the others: log-odds ratios with "
             "an informative Dirichlet prior (Monroe, Colaresi &amp; Quinn 2008), "
             f"{attrs['n_documents']:,} articles. <b>robust</b>: still significant whichever "
             "single outlet is left out; <b>p_perm</b>: share of whole-outlet permutations "
             "that separate the groups as well. "
             f"{excluded:,} outlet-signature terms (more than half of their uses in one "
             "outlet: mastheads, bylines) were removed before scoring"
             + (f"; {kept:,} terms of framing's own lexicons that met the same rule were kept"
                if kept else "")
             + ". Click a term for its contexts.</p>"]
    top = top_terms(table, n=n_terms)
    for group in groups:
        group = str(group)
        own = table[table["group"] == group]
        if own.empty:
            continue
        comparison = own["comparison"].iloc[0]
        parts.append(f"<h3>{_e(group)}</h3>")
        parts.append(_figure(lambda ax, g=group, c=comparison: plot_fightin_words(
            table, g, comparison=c, ax=ax), 7.5, 5.0, f"fightin' words, {group}"))
        members = grouped[grouped[by].astype(str) == group]
        terms = top[(top["group"] == group) & (top["comparison"] == comparison)
                    & (top["z"] > 0)]
        for row in terms.itertuples():
            flags = ("significant" if row.significant else "not significant") + (
                ", robust" if getattr(row, "robust", False) else "")
            if hasattr(row, "p_perm"):
                flags += f", p_perm {row.p_perm:.2f}"
            contexts = kwic(members, row.term, by="outlet", window=70, limit=8)
            body = contexts.html() if len(contexts) else (
                '<p class="note">No verbatim match: the term is counted after '
                "normalisation (lower case, U.S. spellings).</p>")
            parts.append(f"<details><summary><b>{_e(row.term)}</b>: z {row.z:.1f}, "
                         f"{row.count_group:,} uses here vs {row.count_other:,} elsewhere "
                         f"({flags})</summary>{body}</details>")
    return "".join(parts)


def _frame_section(features, articles, by, groups, frame_scorer, *, n_boot,
                   random_state) -> str:
    from .compare import outlet_scores
    from .explore import sentences_behind
    from .features import frame_definitions
    from .plot import plot_frames

    definitions = frame_definitions("policy")
    frames = definitions["frame"].tolist()
    labels = dict(zip(definitions["frame"], definitions["label"], strict=True))
    grouped = articles[articles[by].notna()]
    none = features.loc[grouped.index, "frames__policy_none"] >= 0.5
    shares = features.loc[grouped.index, [f"frames__policy_{f}" for f in frames]].mask(none)
    shares.columns = frames
    table = outlet_scores(shares, grouped, by=by, n_boot=n_boot, random_state=random_state)
    table["label"] = table["feature"].map(labels)
    none_rate = none.groupby(grouped[by], observed=True).mean()
    parts = ["<p>The 14 policy frames of the Media Frames Corpus (Boydstun et al. 2014), "
             "measured by framing's seed lexicon: a frame's share of an article's frame "
             "words. Articles without any frame word are left out of the shares: "
             + ", ".join(f"{_e(g)} {none_rate.get(g, np.nan):.0%}" for g in groups)
             + ".</p>"]
    # The legend and title name the grouping column rather than "group".
    named, column = ((table.rename(columns={"group": by}), by) if by not in table.columns
                     else (table, "group"))
    parts.append(_figure(lambda ax: plot_frames(named, group=column, labels=labels, ax=ax),
                         7.5, 0.42 * len(frames) + 2.0, "policy frames by group"))
    wide = table.pivot(index="feature", columns="group", values="estimate")
    spread = (wide.max(axis=1) - wide.min(axis=1)).dropna()
    if len(spread):
        frame = spread.idxmax()
        column = f"frames__policy_{frame}"
        # The articles leaning most on the frame, per group: the sentences worth reading.
        ranked = shares[frame].dropna().sort_values(ascending=False, kind="stable")
        picked = [ranked[grouped.loc[ranked.index, by] == g].index[:15] for g in groups]
        subset = grouped.loc[[i for index in picked for i in index]]
        sentences = sentences_behind(subset, frame_scorer, column, by=by, top=3)
        parts.append(f"<details><summary>Sentences carrying <b>{_e(labels[frame])}</b>, the "
                     "frame whose share differs most between groups (the 3 with most frame "
                     "words per group, among each group's 15 articles leaning most on it)"
                     f"</summary>{_table(sentences[[by, 'article_id', 'terms', 'sentence']])}"
                     "</details>")
    return "".join(parts)


def _term_section(features, articles, by, groups, *, n_boot, min_articles,
                  random_state) -> str:
    from .compare import outlet_scores
    from .plot import plot_term_choice_over_time

    grouped = articles[articles[by].notna()]
    columns = ["term_choice__restrictionist_label", "term_choice__pro_immigrant_label",
               "term_choice__restrictionist_index"]
    table = outlet_scores(features.loc[grouped.index, columns], grouped, by=by,
                          n_boot=n_boot, random_state=random_state)
    rows = []
    for feature in columns:
        part = table[table["feature"] == feature].set_index("group")
        rows.append([feature] + [_interval(*part.loc[g, ["estimate", "ci_low", "ci_high"]])
                                 if g in part.index else "no articles" for g in groups])
    parts = ["<p>Labels for immigrants from framing's <code>immigration_terms</code> "
             "lexicon: restrictionist (<i>illegal alien(s)</i>, <i>illegals</i>, "
             "<i>criminal alien(s)</i>...) and pro-immigrant (<i>undocumented</i>, "
             "<i>unauthorized immigrant(s)</i>...), as rates per 1,000 words, and the index "
             "between them. Means per article with a two-stage cluster bootstrap interval:"
             "</p>", _table(pd.DataFrame(rows, columns=["feature", *map(str, groups)]))]
    if "date" not in grouped.columns:
        return "".join(parts)
    dates = pd.to_datetime(grouped["date"], utc=True, errors="coerce")
    dated = grouped[dates.notna()]
    years = dates[dates.notna()].dt.year
    if years.nunique() < 2:
        parts.append('<p class="note">Fewer than two publication years: no time trend.</p>')
        return "".join(parts)
    cell = years.astype(str) + "|" + dated[by].astype(str)
    over_time = outlet_scores(features.loc[dated.index, ["term_choice__restrictionist_index"]],
                              dated, by=cell, n_boot=n_boot, random_state=random_state)
    split = over_time["group"].str.split("|", n=1, expand=True)
    over_time["year"] = split[0].astype(int)
    over_time["group"] = pd.Categorical(split[1], categories=[str(g) for g in groups])
    over_time["shown"] = over_time["n"] >= min_articles
    if not over_time["shown"].any():
        parts.append(f'<p class="note">No year and group has {min_articles} articles: no '
                     "time trend.</p>")
        return "".join(parts)
    parts.append(f"<p>Over time (cells with fewer than {min_articles} articles left out; "
                 f"{len(grouped) - len(dated):,} undated articles not shown):</p>")
    named, column = ((over_time.rename(columns={"group": by}), by)
                     if by not in over_time.columns else (over_time, "group"))
    parts.append(_figure(lambda ax: plot_term_choice_over_time(named, group=column, ax=ax),
                         7.5, 4.2,
                         "restrictionist index over time by group"))
    return "".join(parts)


def _example_section(features, articles, by, groups, term_choice, loaded) -> str:
    evidence = (features["term_choice__restrictionist_label"]
                + features["term_choice__pro_immigrant_label"])
    length = articles["text"].fillna("").str.len()
    readable = (length >= 500) & (length <= 12_000)
    parts = ["<p>Per group, the article of readable length (500 to 12,000 characters) with "
             "the most immigration labels per word, marked by two scorers. Hover a mark for "
             "its category and term. Loaded language shows only "
             + ", ".join(EXAMPLE_LOADED_CATEGORIES) + ".</p>"]
    for group in groups:
        members = articles.index[(articles[by] == group) & readable]
        if not len(members):
            continue
        article_id = evidence.loc[members].sort_values(ascending=False, kind="stable").index[0]
        article = articles.loc[article_id]
        text = article["text"]
        title = str(article.get("title", "") or "(no title)")
        marks = [term_choice.highlight(text, title="term choice").html,
                 loaded.highlight(text, title="loaded language",
                                  categories=list(EXAMPLE_LOADED_CATEGORIES)).html]
        parts.append(f"<details><summary><b>{_e(group)}</b>: {_e(title)} "
                     f"({_e(article['outlet'])}, {_e(article_id)})</summary>"
                     + "<hr>".join(marks) + "</details>")
    return "".join(parts)


def _notes_section(by: str, n_boot: int) -> str:
    measures = "".join(f"<li><code>{_e(f)}</code>: {_e(note)}.</li>"
                       for f, note in FEATURE_NOTES.items())
    return f"""
<ul>{measures}</ul>
<p><b>Intervals.</b> Per outlet: the articles of the outlet resampled with replacement
({n_boot:,} draws, percentile interval). Per {_e(by)}: a two-stage cluster bootstrap, which
draws the group's outlets and then each drawn outlet's articles, because a group is a
handful of outlets, not thousands of independent articles. The intervals cover sampling
variation only, not the measures' own error.</p>
<p><b>Fightin' words.</b> z-scores treat tokens as independent draws, but words cluster in
articles and outlets, so a term a few outlets repeat can pass as significant; read
<i>robust</i> and <i>p_perm</i> beside it. Terms are counted lower-cased, with U.S.
spellings normalised.</p>
<p><b>Frames.</b> The lexicon measures vocabulary (which frame words an article uses), not a
coder's judgement of its frame, and it was written without training data (zero-shot). How
well such zero-shot frame scores agree with human-coded frames is reported on the results
page, <code>docs/results.md</code> in framing's repository (section
"Validations"); read the frame shares as indicators to check against the sentences above.</p>
<p><b>Groups and outlets.</b> An outlet-level label such as an AllSides rating describes the
outlet, not each article; differences between groups are differences between the outlets in
them.</p>
<p><b>Lexicons.</b> Loaded language, term choice and sentiment count words from published
lexicons; a word counts whatever its sense in context (negation is handled for loaded
language only). Check a surprising number against its contexts above.</p>
"""


# -- the report -----------------------------------------------------------------------------

def report(articles, by: str = "label_allsides", out="report.html", *,
           title: str | None = None, features: Sequence[str] = HEADLINE_FEATURES,
           n_boot: int = 1000, n_perm: int = 100, n_terms: int = 12, min_articles: int = 5,
           random_state: int = 0, progress: bool = True):
    """Write one self-contained, offline HTML report on a corpus, compared by ``by``.

    Parameters
    ----------
    articles : DataFrame or path-like or list of path-like
        Articles (:mod:`framing.schema`) with ``text``, ``outlet`` and the ``by`` column,
        or corpus files, read with ``load_articles(..., errors="report")`` (to rename
        columns, load them yourself and pass the DataFrame). The loader's rejected rows
        are listed in the report.
    by : str, default "label_allsides"
        The grouping column (2 to 10 groups), e.g. an outlet-rating label. Articles
        without a value are counted and left out of the comparisons.
    out : path-like or None, default "report.html"
        The file to write (atomically: a reader never sees half of it). None returns the
        HTML instead.
    title : str, optional
        The page title; default "framing report: <n> articles by <by>".
    features : sequence of str, default :data:`HEADLINE_FEATURES`
        Features compared across outlets, from :data:`HEADLINE_FEATURES`.
    n_boot : int, default 1000
        Bootstrap draws for every interval (fewer is faster and rougher).
    n_perm : int, default 100
        Outlet permutations for the fightin' words ``p_perm`` (0 leaves it out).
    n_terms : int, default 12
        Distinctive terms listed per group, each with its contexts.
    min_articles : int, default 5
        Outlets (in the outlet figures) and year-group cells (over time) with fewer
        articles are left out of the figures.
    random_state : int, default 0
        Seed of every bootstrap and permutation: the same call writes the same file.
    progress : bool, default True
        Show progress bars (stages, and the scoring of the articles).

    Returns
    -------
    pathlib.Path or str
        The path written, or the HTML when ``out`` is None.

    Raises
    ------
    ValueError
        A missing column (the message lists the columns, and the ``label_`` columns to
        group by), fewer than two or more than ten groups, an unknown feature, or no
        article at all (every row rejected: the message gives the commonest reasons).
    FileNotFoundError
        A corpus path that does not exist.

    Notes
    -----
    The time goes into scoring: about half a minute per thousand articles on a laptop core
    (the intervals and fightin' words take seconds).

    Examples
    --------
    Scoring takes a while, so the example is not run with the test suite (the report's
    tests build one from 60 articles):

    >>> from framing.datasets import fetch_allsides
    >>> from framing.report import report
    >>> articles = fetch_allsides(progress=False)
    >>> report(articles, by="label_allsides", out="allsides.html")  # doctest: +SKIP
    PosixPath('allsides.html')
    """
    from . import __version__
    from ._progress import progress_bar
    from .features import default_scorers, extract_features

    articles = _load(articles)
    features = list(features)
    groups = _check(articles, by, features)
    if not isinstance(n_boot, int | np.integer) or n_boot < 1:
        raise ValueError(f"n_boot must be a positive integer, got {n_boot!r}")
    bar = progress_bar(total=len(_STAGES), enabled=progress, desc="report", unit="stage")
    sections = {}

    def stage(name: str):
        bar.set_description(f"report: {name}")

    try:
        stage("scoring")
        # Fitted once (loading lexicons is most of the cost on a small corpus) and reused
        # for the explanations below.
        scorers = {type(s).__name__: s.fit() for s in default_scorers()}
        scores = extract_features(articles, list(scorers.values()), progress=progress)
        bar.update()
        stage("outlet comparisons")
        sections["Outlet comparisons"] = _outlet_section(
            scores, articles, by, groups, features, n_boot=n_boot,
            min_articles=min_articles, random_state=random_state)
        bar.update()
        stage("fightin' words")
        sections["Fightin' words"] = _fightin_section(
            articles, by, groups, n_terms=n_terms, n_perm=n_perm, random_state=random_state)
        bar.update()
        stage("frames")
        sections["Frames"] = _frame_section(scores, articles, by, groups,
                                            scorers["FrameScorer"], n_boot=n_boot,
                                            random_state=random_state)
        bar.update()
        stage("term choice")
        sections["Term choice"] = _term_section(scores, articles, by, groups, n_boot=n_boot,
                                                min_articles=min_articles,
                                                random_state=random_state)
        bar.update()
        stage("examples")
        sections["Example articles"] = _example_section(
            scores, articles, by, groups, scorers["TermChoiceScorer"],
            scorers["LoadedLanguageScorer"])
        bar.update()
        stage("writing")
        sections = {"Corpus": _corpus_section(articles, by, groups), **sections,
                    "Method and validity notes": _notes_section(by, n_boot)}
        title = title or f"framing report: {len(articles):,} articles by {by}"
        page = _page(title, sections, __version__)
        if out is None:
            bar.update()
            return page
        from .io import atomic_write

        path = Path(out)
        with atomic_write(path) as temporary:
            temporary.write_text(page, encoding="utf-8")
        bar.update()
        return path
    finally:
        bar.close()


def _anchor(name: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in name.lower())


def _page(title: str, sections: dict, version: str) -> str:
    nav = "".join(f'<a href="#{_anchor(n)}">{_e(n)}</a>' for n in sections)
    body = "".join(f'<section id="{_anchor(n)}"><h2>{_e(n)}</h2>{content}</section>'
                   for n, content in sections.items())
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            # No resource may come from anywhere but this file.
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
            "img-src data:; style-src 'unsafe-inline'\">"
            f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>"
            f"<h1>{_e(title)}</h1><p class=\"note\">Written by framing {_e(version)}; "
            "self-contained: it loads nothing from the network.</p>"
            f"<nav>{nav}</nav>{body}</body></html>\n")
