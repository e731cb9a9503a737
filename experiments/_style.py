"""One figure style for every experiment: readable at a glance, colour-blind safe, matplotlib only.

Use :func:`figure` to create a figure inside the style and :func:`caption` to put the data
source under it; :class:`experiments._context.Context.save_figure` writes PNG and PDF with
their metadata stripped so reruns give the same bytes.
"""

from __future__ import annotations

from contextlib import contextmanager

#: Okabe & Ito (2008) colour-blind-safe palette.
OKABE_ITO = {
    "orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73", "yellow": "#F0E442",
    "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7", "grey": "#999999",
    "black": "#000000",
}
#: Colours of the AllSides leanings, used in every figure.
LEAN_COLOURS = {"left": OKABE_ITO["blue"], "center": OKABE_ITO["grey"],
                "right": OKABE_ITO["vermillion"]}
LEAN_ORDER = ("left", "center", "right")
CYCLE = [OKABE_ITO[k] for k in ("blue", "vermillion", "green", "orange", "purple", "sky",
                                "yellow", "grey", "black")]

RC = {
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    "axes.labelsize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "legend.frameon": False,
    "legend.fontsize": 8,
    "axes.prop_cycle": None,  # set in style()
    "svg.hashsalt": "framing",
    "pdf.fonttype": 42,
}


@contextmanager
def style():
    """Apply the shared style for the duration of a block (no global mutation)."""
    import matplotlib as mpl
    from cycler import cycler

    rc = dict(RC, **{"axes.prop_cycle": cycler(color=CYCLE)})
    with mpl.rc_context(rc):
        yield


def figure(width: float = 7.0, height: float = 4.0, **kwargs):
    """A new figure and axes in the shared style (call inside :func:`style`)."""
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=(width, height), layout="constrained", **kwargs)


def caption(fig, text: str) -> None:
    """Put the data source (and method) in small print under the figure."""
    fig.text(0.0, -0.01, text, ha="left", va="top", fontsize=7, color="#444444", wrap=True,
             transform=fig.transFigure)
