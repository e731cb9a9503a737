"""Render a scorer's explanation as HTML: marked spans and a legend, with no network."""

from __future__ import annotations

import html
from collections.abc import Mapping

import pandas as pd

__all__ = ["FAMILY_PALETTE", "Highlight", "MAX_FAMILIES", "PALETTE", "category_family"]

#: Okabe-Ito colours (colour-blind safe), as light backgrounds with dark borders.
PALETTE = (
    ("#E69F00", "#fbe3b3"), ("#56B4E9", "#d4ecfa"), ("#009E73", "#b3e2d5"),
    ("#F0E442", "#faf6c6"), ("#0072B2", "#b3d4e8"), ("#D55E00", "#f2cfb3"),
    ("#CC79A7", "#f0d7e5"), ("#999999", "#e0e0e0"),
)
#: At most this many colours in the default (family) view: more cannot be told apart at a
#: glance in running text.
MAX_FAMILIES = 6
#: The family view's colours: Okabe-Ito without the yellow (too pale on white); the
#: families merged into "other" (only when there are too many) are grey, in the last slot.
FAMILY_PALETTE = (PALETTE[0], PALETTE[1], PALETTE[2], PALETTE[4], PALETTE[5], PALETTE[6])
_OTHER = "other"
_OTHER_COLOUR = PALETTE[7]

#: Families of framing's own scorers' categories, by scorer name (the feature prefix).
_FAMILIES = {
    "loaded": {
        "bias_lexicon": "biased words", "babe_biased": "biased words",
        "weak_subjective": "subjective words", "strong_subjective": "subjective words",
        "hedge": "hedges and intensifiers", "booster": "hedges and intensifiers",
        "intensifier": "hedges and intensifiers",
        "factive": "epistemic verbs", "assertive": "epistemic verbs",
        "implicative": "epistemic verbs", "report_verb": "epistemic verbs",
        "positive": "sentiment words", "negative": "sentiment words",
    },
    "term_choice": {
        "restrictionist_label": "restrictionist terms", "amnesty": "restrictionist terms",
        "chain_migration": "restrictionist terms", "catch_and_release": "restrictionist terms",
        "open_borders": "restrictionist terms", "invasion": "metaphors",
        "water_metaphor": "metaphors", "pro_immigrant_label": "pro-immigrant terms",
        "path_to_citizenship": "pro-immigrant terms",
        "family_reunification": "pro-immigrant terms",
        "illegal_immigration": "neutral terms", "other_sense": "other senses",
        "immigration_context": "context words",
    },
    "sourcing": {
        "neutral_verb": "attribution verbs", "loaded_verb": "attribution verbs",
        "quote": "quotations", "short_quote": "quotations", "other_sense": "other senses",
        "federal_agency": "sources quoted", "police": "sources quoted",
        "advocate": "sources quoted", "expert": "sources quoted", "official": "sources quoted",
        "immigrant": "sources quoted",
    },
}
#: Category prefixes that name a family (moral-foundation categories of loaded language).
_PREFIXES = {"loaded": {"mfd_": "moral foundations"}}


def category_family(category: str, scorer: str | None = None) -> str:
    """The family a span category is shown under by default in :class:`Highlight`.

    Families group a scorer's categories into a few kinds (biased words, subjective words,
    epistemic verbs... for loaded language; restrictionist and pro-immigrant terms for term
    choice; the typology of a frame, ``policy`` for ``policy.economic``). A category of
    another scorer is its own family.

    Parameters
    ----------
    category : str
        As ``explain`` reports it.
    scorer : str, optional
        The scorer's name (the prefix of its features, e.g. ``"loaded"``).

    Examples
    --------
    >>> category_family("weak_subjective", "loaded")
    'subjective words'
    >>> category_family("mfd_care_vice", "loaded"), category_family("policy.economic")
    ('moral foundations', 'policy frames')
    >>> category_family("water")
    'water'
    """
    category = str(category)
    family = _FAMILIES.get(scorer, {}).get(category)
    if family is not None:
        return family
    for prefix, name in _PREFIXES.get(scorer, {}).items():
        if category.startswith(prefix):
            return name
    if "." in category:  # a frame typology: "policy.economic" -> "policy frames"
        return f"{category.split('.', 1)[0]} frames"
    return category


def _colours(categories: list[str]) -> dict[str, tuple[str, str]]:
    return {c: PALETTE[i % len(PALETTE)] for i, c in enumerate(categories)}


def _family_keys(spans: pd.DataFrame, families) -> pd.Series:
    """Each span's family, at most :data:`MAX_FAMILIES` of them (the rarest merged)."""
    if isinstance(families, Mapping):
        keys = spans["category"].map(lambda c: families.get(c, c))
    else:
        scorers = (spans["feature"].astype(str).str.split("__", n=1).str[0]
                   if "feature" in spans else pd.Series(None, index=spans.index))
        keys = pd.Series([category_family(c, s) for c, s in zip(spans["category"], scorers,
                                                                  strict=True)],
                         index=spans.index, dtype=object)
    counts = keys.value_counts(sort=False)
    if len(counts) > MAX_FAMILIES:
        # The most frequent keep a colour; order by count, then first appearance, so the
        # choice is the same on every run.
        first = {k: i for i, k in reversed(list(enumerate(keys)))}
        ranked = sorted(counts.index, key=lambda k: (-counts[k], first[k]))
        kept = set(ranked[:MAX_FAMILIES - 1])
        keys = keys.where(keys.isin(kept), _OTHER)
    return keys


class Highlight:
    """A text with the spans behind its scores marked, and a legend.

    ``html`` is a self-contained fragment (inline styles, no scripts, no external
    resources), so it renders in Jupyter offline and can be saved in a report. Where spans
    overlap, the earliest (then longest) is marked and every category of the words it covers
    is listed in its tooltip, so marks never overlap.

    By default spans are coloured by family (:func:`category_family`): at most
    :data:`MAX_FAMILIES` colour-blind-safe colours, the rarest families merged into
    "other", and a legend giving each family's spans and, on hover, its categories. A long
    article's hundreds of spans in two dozen categories stay readable; ``families=False``
    gives every category its own colour instead.

    Parameters
    ----------
    text : str
    spans : pandas.DataFrame
        An ``explain`` table (``start``, ``end``, ``category``, ``term``, ``weight``...);
        several scorers' tables concatenated are fine (the ``feature`` column names the
        scorer).
    title : str, optional
    families : bool or mapping, default True
        Colour by family (True), by category (False), or by the family a mapping gives
        each category (categories it lacks are their own family).

    Examples
    --------
    >>> import pandas as pd
    >>> spans = pd.DataFrame({"start": [4], "end": [10], "term": ["alien"],
    ...                       "category": ["restrictionist"], "weight": [1.0]})
    >>> h = Highlight("Two aliens met.", spans)
    >>> "<mark" in h.html and "restrictionist" in h.html
    True
    >>> h.legend
    {'restrictionist': 1}
    """

    def __init__(self, text: str, spans: pd.DataFrame, *, title: str | None = None,
                 families=True):
        if not (isinstance(families, bool) or isinstance(families, Mapping)):
            raise TypeError(f"families must be True, False or a mapping of category to "
                            f"family, got {type(families).__name__}")
        self.text = text
        self.spans = spans
        self.title = title
        self.families = families
        self.html = self._render()

    def _render(self) -> str:
        spans = self.spans.sort_values(["start", "end"], ascending=[True, False],
                                       kind="stable")
        if self.families is False:
            keys = spans["category"].astype(str)
            order = list(dict.fromkeys(keys))
            colours = _colours(order)
        else:
            keys = _family_keys(spans, self.families).astype(str)
            order = [k for k in dict.fromkeys(keys) if k != _OTHER]
            order += [_OTHER] if (keys == _OTHER).any() else []
            colours = dict(zip(order, FAMILY_PALETTE, strict=False))
            if _OTHER in order:
                colours[_OTHER] = _OTHER_COLOUR
        spans = spans.assign(highlight_key_=keys.to_numpy())
        pieces, cursor, index, n_marks = [], 0, 0, 0
        rows = list(spans.itertuples(index=False))
        while index < len(rows):
            row = rows[index]
            start, end = int(row.start), int(row.end)
            stop = index + 1
            while stop < len(rows) and int(rows[stop].start) < end:
                stop += 1
            group, index = rows[index:stop], stop
            if start < cursor:  # inside an earlier mark: already listed in its tooltip
                continue
            pieces.append(html.escape(self.text[cursor:start]))
            border, background = colours[row.highlight_key_]
            tip = "; ".join(dict.fromkeys(
                f"{r.category}: {r.term}" + (f" (weight {r.weight:g})" if r.weight != 1 else "")
                + (" [negated]" if getattr(r, "negated", False) else "") for r in group))
            pieces.append(
                f'<mark title="{html.escape(tip, quote=True)}" style="background:{background};'
                f'border-bottom:2px solid {border};padding:0 1px;border-radius:2px">'
                f"{html.escape(self.text[start:end])}</mark>")
            n_marks += 1
            cursor = end
        pieces.append(html.escape(self.text[cursor:]))
        self.legend = {k: int((keys == k).sum()) for k in order}
        members = {k: sorted(set(spans.loc[keys.to_numpy() == k, "category"].astype(str)))
                   for k in order}
        legend = " ".join(
            f'<span title="{html.escape(", ".join(members[k]), quote=True)}" '
            f'style="background:{colours[k][1]};border-bottom:2px solid {colours[k][0]};'
            f'padding:0 4px;margin-right:6px">{html.escape(str(k))} ({self.legend[k]})</span>'
            for k in order)
        if order:
            legend += (f' <span style="color:#555">{len(spans)} spans in {n_marks} marks; '
                       "hover a mark for its categories</span>")
        self.n_marks = n_marks
        title = f"<div style=\"font-weight:bold\">{html.escape(self.title)}</div>" \
            if self.title else ""
        body = "".join(pieces).replace("\n", "<br>")
        return (f'<div class="framing-highlight" style="font-family:sans-serif;'
                f'line-height:1.6">{title}<div class="framing-legend" '
                f'style="margin:4px 0 8px 0;font-size:90%">'
                f"{legend or 'no matches'}</div><div>{body}</div></div>")

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return f"Highlight({len(self.spans)} spans, {len(self.text)} characters)"

    def save(self, path) -> None:
        """Write a standalone HTML page."""
        from pathlib import Path

        page = (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>"
                f"{html.escape(self.title or 'framing highlight')}</title></head><body>"
                f"{self.html}</body></html>")
        Path(path).write_text(page, encoding="utf-8")
