"""framing: media-bias and framing analysis for news corpora.

Articles in, evidence out: validated corpora (:mod:`framing.datasets`), explainable scorers
(:mod:`framing.features`), classifiers and outlet comparisons with honest uncertainty
(:mod:`framing.models`, :mod:`framing.compare`), and experiments that regenerate every
figure from one command.

Importing framing is cheap: heavy dependencies (torch, transformers, trafilatura, dask) are
imported only inside the functions that need them.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
