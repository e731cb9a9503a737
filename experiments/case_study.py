"""Figure 8: one sanctuary-policy article, its loaded words, term choice and frames highlighted.

The article is chosen by a fixed rule (or named in the config by ``article_id``): among the
sanctuary-related AllSides articles with at least ``min_words`` words and a positive
``restrictionist_index``, the one with the highest ``loaded_index`` (ties: smallest
article id). It is explained by :class:`framing.features.LoadedLanguageScorer`,
:class:`framing.features.TermChoiceScorer` and :class:`framing.features.FrameScorer`
(``method="lexicon"``, policy frames).

Outputs:

* ``case_study_article.csv``: which article, from which outlet, and why it was chosen;
* ``case_study.csv``: each of its features beside the mean and the article's percentile (the
  share of articles at or below it) among all sanctuary-related articles, and, for the
  loaded-language rates, their contribution to the gap between its ``loaded_index`` and the mean's
  (``INDEX_WEIGHTS[f] * (rate - mean rate)``; the contributions sum to that gap exactly,
  because the index is linear in the rates);
* ``case_study_spans.csv``: every span behind every score (``explain`` of each scorer);
* ``case_study.html``: the three scorers' highlights on one page;
* ``case_study.png`` / ``.pdf``: a passage with the words behind the scores marked, the
  loaded-index decomposition and the frame distribution, drawn from the tables above.

The article's text stays out of the repository: it is read from the dataset at run time
and written only under the (git-ignored) output folder.
"""

from __future__ import annotations

import html
import re

import numpy as np
import pandas as pd

from ._context import Context
from ._data import ALLSIDES_CAPTION, allsides, outlet_names, score_articles
from ._style import OKABE_ITO, caption, style

#: Marks in the figure: (legend label prefix, border colour, background).
MARKS = {
    "restrictionist term": (OKABE_ITO["vermillion"], "#f6cdb0"),
    "pro-immigrant term": (OKABE_ITO["blue"], "#b8d8ee"),
    "loaded word": (OKABE_ITO["orange"], "#fbe3b3"),
    "frame word": (OKABE_ITO["green"], "#c2eadf"),
}
_WORD = re.compile(r"\w+")
_SENTENCE_START = re.compile(r"(?:(?<=[.!?][\"'\u201d\u2019 ])|\n)\s*(?=\S)")


def _scorers(ctx: Context):
    from framing.features import FrameScorer, LoadedLanguageScorer, TermChoiceScorer

    return {"loaded": LoadedLanguageScorer().fit(), "term_choice": TermChoiceScorer().fit(),
            "frames": FrameScorer(typologies=tuple(ctx.config["frame_typologies"]),
                                  method="lexicon").fit()}


def choose(articles: pd.DataFrame, features: pd.DataFrame, config: dict) -> tuple[str, str]:
    """The article id and the rule that chose it."""
    named = config.get("article_id") or ""
    if named:
        if named not in articles.index:
            raise KeyError(f"article_id {named!r} is not among the articles used")
        return named, "named in the config"
    words = articles["text"].str.count(_WORD.pattern)
    eligible = features[(features["term_choice__restrictionist_index"] > 0)
                        & (words >= config["min_words"])]
    if eligible.empty:
        raise ValueError("no article meets the selection rule; lower min_words")
    order = pd.DataFrame({"loaded": eligible["loaded__loaded_index"],
                          "id": eligible.index}).sort_values(["loaded", "id"],
                                                             ascending=[False, True])
    rule = (f"highest loaded_index among {len(eligible)} sanctuary-related articles with "
            f"restrictionist_index > 0 and >= {config['min_words']} words")
    return str(order["id"].iloc[0]), rule


def feature_table(features: pd.DataFrame, article_id: str) -> pd.DataFrame:
    """The article's features beside the corpus mean, its percentile and index contributions."""
    from framing.features import INDEX_WEIGHTS

    value = features.loc[article_id]
    mean = features.mean()
    percentile = (features.le(value, axis=1).mean() * 100).round(1)
    table = pd.DataFrame({"feature": features.columns, "article": value.to_numpy(),
                          "corpus_mean": mean.to_numpy(),
                          "percentile": percentile.to_numpy()})
    short = table["feature"].str.split("__").str[-1]
    weight = short.map(INDEX_WEIGHTS).where(table["feature"].str.startswith("loaded__"))
    table["index_weight"] = weight
    table["contribution"] = weight * (table["article"] - table["corpus_mean"])
    return table


def span_table(scorers: dict, text: str) -> pd.DataFrame:
    frames = []
    for name, scorer in scorers.items():
        spans = scorer.explain(text)
        spans.insert(0, "scorer", name)
        frames.append(spans)
    spans = pd.concat(frames, ignore_index=True)
    return spans.sort_values(["start", "end", "scorer", "category"], kind="stable") \
        .reset_index(drop=True)


def run(ctx: Context) -> None:
    config = ctx.config
    articles = allsides(ctx)
    scorers = _scorers(ctx)
    features = score_articles(ctx, articles, list(scorers.values()))
    article_id, rule = choose(articles, features, config)
    article = articles.loc[article_id]
    text = article["text"]
    names = outlet_names(articles)
    meta = pd.DataFrame([{
        "article_id": article_id, "outlet": article["outlet"],
        "outlet_name": names.loc[article["outlet"], "name"],
        "allsides_lean": str(article["label_allsides"]),
        "date": "" if pd.isna(article["date"]) else article["date"].strftime("%Y-%m-%d"),
        "title": article["title"], "url": article.get("url", ""),
        "n_words": len(_WORD.findall(text)), "n_characters": len(text),
        "selection": rule, "corpus_articles": len(articles)}])
    table = feature_table(features, article_id)
    with ctx.phase("explain"):
        spans = span_table(scorers, text)
    ctx.table(meta, "case_study_article")
    ctx.table(table, "case_study")
    ctx.table(spans, "case_study_spans")
    ctx.save_text(_page(meta.iloc[0], table, scorers, text), "case_study.html")
    with ctx.phase("figure"):
        _draw(ctx, pd.read_csv(ctx.out / "case_study_article.csv",
                               keep_default_na=False).iloc[0],
              pd.read_csv(ctx.out / "case_study.csv"), _read_spans(ctx), text)

    value = table.set_index("feature")
    ctx.report(article_id=article_id, outlet=meta.at[0, "outlet_name"],
               allsides_lean=meta.at[0, "allsides_lean"], words=int(meta.at[0, "n_words"]),
               loaded_index=round(float(value.at["loaded__loaded_index", "article"]), 3),
               loaded_index_mean=round(float(value.at["loaded__loaded_index",
                                                      "corpus_mean"]), 3),
               restrictionist_index=round(float(
                   value.at["term_choice__restrictionist_index", "article"]), 3),
               spans=int(len(spans)),
               spans_by_scorer=", ".join(f"{k} {v}" for k, v in
                                         spans["scorer"].value_counts(sort=False).items()))


def _read_spans(ctx: Context) -> pd.DataFrame:
    """The spans table as written; words such as "null" stay words, numbers become numbers."""
    spans = pd.read_csv(ctx.out / "case_study_spans.csv", keep_default_na=False)
    for column in ("start", "end", "weight", "index_weight", "side", "similarity"):
        if column in spans:
            spans[column] = pd.to_numeric(spans[column], errors="coerce")
    return spans


# -- HTML -----------------------------------------------------------------------------------
def _page(meta: pd.Series, table: pd.DataFrame, scorers: dict, text: str) -> str:
    rows = table[table["feature"].isin([
        "loaded__loaded_index", "term_choice__restrictionist_index",
        "term_choice__restrictionist_per_1k", "term_choice__pro_immigrant_per_1k"])
        | (table["feature"].str.startswith("frames__") & (table["article"] > 0))]
    cells = "".join(
        f"<tr><td>{html.escape(r.feature)}</td><td>{r.article:.3f}</td>"
        f"<td>{r.corpus_mean:.3f}</td><td>{r.percentile:.0f}</td></tr>"
        for r in rows.itertuples())
    sections = "".join(
        f"<h2>{html.escape(title)}</h2>{scorers[name].highlight(text, title=title).html}"
        for name, title in (("term_choice", "Term choice (TermChoiceScorer)"),
                            ("loaded", "Loaded language (LoadedLanguageScorer)"),
                            ("frames", "Policy frames (FrameScorer, lexicon)")))
    head = (f"{html.escape(meta['outlet_name'])} (AllSides: {html.escape(meta['allsides_lean'])})"
            f", {html.escape(meta['date'])}, article {html.escape(meta['article_id'])}")
    return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
            f"<title>Case study: {html.escape(meta['title'])}</title>"
            "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;"
            "line-height:1.5}table{border-collapse:collapse}td,th{padding:2px 8px;"
            "border-bottom:1px solid #ddd;text-align:right}td:first-child{text-align:left}"
            "</style></head><body>"
            f"<h1>{html.escape(meta['title'])}</h1><p>{head}<br>Chosen as the "
            f"{html.escape(meta['selection'])}. {html.escape(ALLSIDES_CAPTION)}</p>"
            "<table><tr><th>feature</th><th>article</th><th>mean of sanctuary articles</th>"
            "<th>percentile (share at or below)</th></tr>"
            f"{cells}</table>{sections}</body></html>\n")


# -- figure ---------------------------------------------------------------------------------
def _marks(spans: pd.DataFrame, contributions: pd.DataFrame, frames: pd.DataFrame,
           n_loaded: int, n_frames: int) -> tuple[pd.DataFrame, dict]:
    """The spans to mark in the passage, one kind each, and the legend's detail per kind."""
    # Term choice: both sides' labels and metaphors (side +1 / -1), not the neutral ones.
    term = spans[(spans["scorer"] == "term_choice") & (spans["side"].abs() == 1)]
    term = term.assign(kind=np.where(term["side"] > 0, "restrictionist term",
                                     "pro-immigrant term"))
    # Loaded words: the categories that raise this article's loaded_index most above the mean.
    top = contributions[contributions["contribution"] > 0].head(n_loaded)
    categories = top["feature"].str.split("__").str[-1].tolist()
    loaded = spans[(spans["scorer"] == "loaded") & spans["category"].isin(categories)]
    loaded = loaded.assign(kind="loaded word")
    top_frames = frames.head(n_frames)["feature"].str.replace("frames__", "").tolist()
    frame = spans[(spans["scorer"] == "frames")
                  & spans["category"].str.replace(".", "_", n=1).isin(top_frames)]
    frame = frame.assign(kind="frame word")
    # Marks never overlap: term choice wins over loaded words, loaded words over frame words.
    marks = pd.concat([term, loaded, frame], ignore_index=True)
    taken = np.zeros(int(spans["end"].max()) + 1 if len(spans) else 1, dtype=bool)
    keep = []
    for start, end in zip(marks["start"].astype(int), marks["end"].astype(int), strict=True):
        keep.append(not taken[start:end].any())
        if keep[-1]:
            taken[start:end] = True
    marks = marks[keep]
    detail = {"loaded word": ", ".join(categories),
              "frame word": ", ".join(f.split("_", 1)[1] for f in top_frames)}
    return marks[["start", "end", "kind"]].sort_values("start").reset_index(drop=True), detail


def _passage(text: str, marks: pd.DataFrame, max_chars: int) -> tuple[int, int]:
    """The sentence-aligned window of at most ``max_chars`` with the most marks."""
    starts = [0] + [m.end() for m in _SENTENCE_START.finditer(text)]
    weight = np.where(marks["kind"].str.endswith("term"), 3.0, 1.0)
    best = (-1.0, 0, min(len(text), max_chars))
    for start in sorted(set(starts)):
        end = min(len(text), start + max_chars)
        if end < len(text):  # end on a sentence end inside the window
            cut = max(text.rfind(p, start, end) for p in (". ", ".\n", "? ", "! "))
            end = cut + 1 if cut > start else end
        inside = (marks["start"] >= start) & (marks["end"] <= end)
        score = float(weight[inside.to_numpy()].sum())
        if score > best[0]:
            best = (score, start, end)
    return best[1], best[2]


def _wrap(text: str, start: int, end: int, width: int) -> list[tuple[int, int]]:
    """Lines of ``text[start:end]`` as (begin, end) offsets, breaking at spaces."""
    lines = []
    for paragraph in re.finditer(r"[^\n]+", text[start:end]):
        begin, stop = start + paragraph.start(), start + paragraph.end()
        while stop - begin > width:
            cut = text.rfind(" ", begin, begin + width + 1)
            cut = begin + width if cut <= begin else cut
            lines.append((begin, cut))
            begin = cut + 1 if text[cut:cut + 1] == " " else cut
        lines.append((begin, stop))
    return lines


def _draw(ctx: Context, meta: pd.Series, table: pd.DataFrame, spans: pd.DataFrame,
          text: str) -> None:
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch, Rectangle

    from framing.features import frame_definitions

    config = ctx.config
    loaded = table[table["feature"].str.startswith("loaded__") & table["index_weight"].notna()]
    contributions = loaded.sort_values(["contribution", "feature"], ascending=[False, True])
    frames = table[table["feature"].str.startswith("frames__")
                   & ~table["feature"].str.endswith("_none")]
    frames = frames.sort_values(["article", "feature"], ascending=[False, True])
    marks, detail = _marks(spans, contributions, frames, config["n_loaded_categories"],
                           config["n_frames_marked"])
    begin, end = _passage(text, marks, config["passage_chars"])
    width = config["line_chars"]
    lines = _wrap(text, begin, end, width)

    font = 8.0
    line_h = 1.75 * font / 72  # inches per line
    text_h = line_h * (len(lines) + 0.6)
    chart_h = 2.7
    fig_w, top_h, legend_h, gap = 10.0, 0.75, 0.35, 0.45
    fig_h = top_h + text_h + legend_h + gap + chart_h
    with style():
        fig = plt.figure(figsize=(fig_w, fig_h))
        y0 = 1 - (top_h + text_h) / fig_h
        ax = fig.add_axes([0.02, y0, 0.96, text_h / fig_h])
        ax.set_axis_off()
        # Character grid: measure the monospace advance, then lay the passage out on it.
        probe = ax.text(0, 0, "M" * 100, family="DejaVu Sans Mono", size=font)
        renderer = fig.canvas.get_renderer()
        char_px = probe.get_window_extent(renderer).width / 100
        probe.remove()
        columns = ax.get_window_extent(renderer).width / char_px
        ax.set_xlim(0, columns)
        ax.set_ylim(len(lines) + 0.3, -0.3)
        for number, (lo, hi) in enumerate(lines):
            # One text per word at its own column: the marks line up with the words in
            # every backend, whatever the font's exact advance. No mathtext: "$5" is money.
            for word in re.finditer(r"\S+", text[lo:hi]):
                ax.text(word.start(), number, word.group(), family="DejaVu Sans Mono",
                        size=font, va="center", ha="left", zorder=3, parse_math=False)
            inside = marks[(marks["end"] > lo) & (marks["start"] < hi)]
            for mark in inside.itertuples():
                border, background = MARKS[mark.kind]
                left, right = max(mark.start, lo) - lo, min(mark.end, hi) - lo
                ax.add_patch(Rectangle((left - 0.1, number - 0.45), right - left + 0.2, 0.9,
                                       facecolor=background, edgecolor=border, linewidth=0.8,
                                       zorder=2))
        counts = marks.assign(inside=(marks["start"] >= begin) & (marks["end"] <= end))
        handles = []
        for kind, (border, background) in MARKS.items():
            n = int(counts.loc[counts["inside"] & (counts["kind"] == kind), "start"].count())
            label = f"{kind} ({n})" + (f": {detail[kind]}" if kind in detail else "")
            handles.append(Patch(facecolor=background, edgecolor=border, label=label))
        fig.legend(handles=handles, loc="upper left", ncols=2, fontsize=7,
                   bbox_to_anchor=(0.02, y0 - 0.005))
        title = meta["title"] if len(meta["title"]) <= 95 else meta["title"][:92] + "..."
        fig.text(0.02, 1 - 0.12 / fig_h, f"Case study: \u201c{title}\u201d", fontsize=10,
                 fontweight="bold", va="top", parse_math=False)
        where = "" if begin == 0 and end >= len(text) else \
            f"; passage: characters {begin:,}-{end:,} of {len(text):,}"
        fig.text(0.02, 1 - 0.42 / fig_h,
                 f"{meta['outlet_name']} (outlet's AllSides rating: {meta['allsides_lean']}), "
                 f"{meta['date'] or 'undated'}, {int(meta['n_words']):,} words{where}",
                 fontsize=8, va="top", color="#333333", parse_math=False)

        chart_y = 0.55 / fig_h
        chart_frac = (chart_h - 0.55) / fig_h
        ax_loaded = fig.add_axes([0.27, chart_y, 0.25, chart_frac])
        shown = pd.concat([contributions.head(config["n_bars"]),
                           contributions.tail(2)]).drop_duplicates("feature")
        shown = shown.sort_values("contribution", ascending=True)
        names = shown["feature"].str.split("__").str[-1]
        ax_loaded.barh(names, shown["contribution"],
                       color=np.where(shown["contribution"] > 0, OKABE_ITO["orange"],
                                      OKABE_ITO["sky"]))
        ax_loaded.axvline(0, color="#333333", linewidth=0.7)
        index = table.set_index("feature").loc["loaded__loaded_index"]
        ax_loaded.set_title(f"loaded_index {index['article']:.2f} vs mean "
                            f"{index['corpus_mean']:.2f}\n(percentile {index['percentile']:.0f})"
                            ": contributions to the gap", fontsize=8.5)
        ax_loaded.set_xlabel("contribution to loaded_index - mean\n(weight x (rate - mean "
                             "rate), rates per 1,000 words)", fontsize=7.5)
        ax_loaded.tick_params(labelsize=7)
        ax_loaded.grid(axis="y", visible=False)

        ax_frames = fig.add_axes([0.72, chart_y, 0.26, chart_frac])
        top = frames.head(config["n_bars"]).iloc[::-1]
        labels = top["feature"].str.replace("frames__policy_", "").map(
            frame_definitions("policy").set_index("frame")["label"]).fillna(top["feature"])
        y = np.arange(len(top))
        ax_frames.barh(y + 0.2, top["article"], height=0.4, color=OKABE_ITO["green"],
                       label="this article")
        ax_frames.barh(y - 0.2, top["corpus_mean"], height=0.4, color=OKABE_ITO["grey"],
                       label="mean, sanctuary articles")
        ax_frames.set_yticks(y, labels, fontsize=7)
        ax_frames.xaxis.set_major_formatter("{x:.0%}")
        ax_frames.set_xlabel("share of the article's frame evidence", fontsize=7.5)
        ax_frames.set_title("Policy frames (keyword lexicon)", fontsize=8.5)
        ax_frames.legend(loc="lower right", fontsize=6.5)
        ax_frames.tick_params(labelsize=7)
        ax_frames.grid(axis="y", visible=False)
        caption(fig, f"{ALLSIDES_CAPTION} Article {meta['article_id']}, chosen as the "
                     f"{meta['selection']}; comparisons with the mean of all "
                     f"{int(meta['corpus_articles'])} sanctuary-related articles. Marked: "
                     "term choice (TermChoiceScorer labels and metaphors), words of the "
                     f"{config['n_loaded_categories']} loaded-language categories that raise "
                     "its loaded_index most, and seed words of its top "
                     f"{config['n_frames_marked']} policy frames (where a word is several, "
                     "term choice, then loaded, then frame). Every span is in "
                     "case_study_spans.csv and case_study.html.")
        ctx.save_figure(fig, "case_study")
