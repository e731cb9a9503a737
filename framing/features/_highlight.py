"""Render a scorer's explanation as HTML: marked spans and a legend, with no network."""

from __future__ import annotations

import html

import pandas as pd

__all__ = ["Highlight", "PALETTE"]

#: Okabe-Ito colours (colour-blind safe), as light backgrounds with dark borders.
PALETTE = (
    ("#E69F00", "#fbe3b3"), ("#56B4E9", "#d4ecfa"), ("#009E73", "#b3e2d5"),
    ("#F0E442", "#faf6c6"), ("#0072B2", "#b3d4e8"), ("#D55E00", "#f2cfb3"),
    ("#CC79A7", "#f0d7e5"), ("#999999", "#e0e0e0"),
)


def _colours(categories: list[str]) -> dict[str, tuple[str, str]]:
    return {c: PALETTE[i % len(PALETTE)] for i, c in enumerate(categories)}


class Highlight:
    """A text with the spans behind its scores marked, and a legend.

    ``html`` is a self-contained fragment (inline styles, no scripts, no external
    resources), so it renders in Jupyter offline and can be saved in a report. Where spans
    overlap, the earliest (then longest) is marked and every category of the words it covers
    is listed in its tooltip.

    Parameters
    ----------
    text : str
    spans : pandas.DataFrame
        An ``explain`` table (``start``, ``end``, ``category``, ``term``, ``weight``...).
    title : str, optional

    Examples
    --------
    >>> import pandas as pd
    >>> spans = pd.DataFrame({"start": [4], "end": [10], "term": ["alien"],
    ...                       "category": ["restrictionist"], "weight": [1.0]})
    >>> h = Highlight("Two aliens met.", spans)
    >>> "<mark" in h.html and "restrictionist" in h.html
    True
    """

    def __init__(self, text: str, spans: pd.DataFrame, *, title: str | None = None):
        self.text = text
        self.spans = spans
        self.title = title
        self.html = self._render()

    def _render(self) -> str:
        spans = self.spans.sort_values(["start", "end"], ascending=[True, False])
        categories = list(dict.fromkeys(spans["category"]))
        colours = _colours(categories)
        pieces, cursor, index = [], 0, 0
        rows = list(spans.itertuples(index=False))
        while index < len(rows):
            row = rows[index]
            start, end = int(row.start), int(row.end)
            group = [r for r in rows[index:] if int(r.start) < end]
            index += len(group)
            if start < cursor:  # inside an earlier mark: already listed in its tooltip
                continue
            pieces.append(html.escape(self.text[cursor:start]))
            border, background = colours[row.category]
            tip = "; ".join(dict.fromkeys(
                f"{r.category}: {r.term}" + (f" (weight {r.weight:g})" if r.weight != 1 else "")
                + (" [negated]" if getattr(r, "negated", False) else "") for r in group))
            pieces.append(
                f'<mark title="{html.escape(tip, quote=True)}" style="background:{background};'
                f'border-bottom:2px solid {border};padding:0 1px;border-radius:2px">'
                f"{html.escape(self.text[start:end])}</mark>")
            cursor = end
        pieces.append(html.escape(self.text[cursor:]))
        legend = " ".join(
            f'<span style="background:{colours[c][1]};border-bottom:2px solid {colours[c][0]};'
            f'padding:0 4px;margin-right:6px">{html.escape(str(c))} '
            f"({int((spans['category'] == c).sum())})</span>" for c in categories)
        title = f"<div style=\"font-weight:bold\">{html.escape(self.title)}</div>" \
            if self.title else ""
        body = "".join(pieces).replace("\n", "<br>")
        return (f'<div class="framing-highlight" style="font-family:sans-serif;'
                f'line-height:1.6">{title}<div style="margin:4px 0 8px 0;font-size:90%">'
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
