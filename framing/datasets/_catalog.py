"""The catalogue of public datasets framing fetches: what each is, its size, licence, citation.

The numbers are those of the pinned releases (``tests/datasets/test_catalog.py`` checks every
row count against the fetcher), so the catalogue can be listed without downloading anything.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["list_datasets"]

_BALY = ("Baly, Da San Martino, Glass & Nakov 2020. We Can Detect Your Bias: Predicting the "
         "Political Ideology of News Articles. EMNLP 2020.")
_SPINDE = ("Spinde, Plank, Krieger, Ruas, Gipp & Aizawa 2021. Neural Media Bias Detection "
           "Using Distant Supervision With BABE. Findings of EMNLP 2021.")

#: name, fetcher call, rows, unit, licence, citation, description
_DATASETS = (
    ("allsides", "fetch_allsides", {}, 2027, "articles",
     "Apache-2.0 (repository); texts (c) publishers", _BALY,
     "AllSides-labelled news articles on immigration and sanctuary policy, 121 outlets"),
    ("babe", "fetch_babe", {"subset": "SG2"}, 3674, "sentences",
     "AGPL-3.0 (repository)", _SPINDE,
     "expert sentence-level bias labels with biased words (SG2)"),
    ("babe_sg1", "fetch_babe", {"subset": "SG1"}, 1700, "sentences",
     "AGPL-3.0 (repository)", _SPINDE, "expert sentence-level bias labels (SG1)"),
    ("mbic", "fetch_mbic", {}, 1700, "sentences", "AGPL-3.0 (repository)",
     "Spinde, Rudnitckaia, Sinha, Hamborg, Gipp & Donnay 2021. MBIC - A Media Bias "
     "Annotation Dataset Including Annotator Characteristics. iConference 2021.",
     "crowd sentence-level bias labels with full article texts"),
    ("basil", "fetch_basil", {}, 300, "articles", "none stated (research use)",
     "Fan, White, Sharma, Su, Choubey, Huang & Wang 2019. In Plain Sight: Media Bias "
     "Through the Lens of Factual Reporting. EMNLP-IJCNLP 2019.",
     "100 events told by NYT, Fox News and HuffPost; lexical and informational bias spans"),
    ("basil_spans", "fetch_basil", {"table": "spans"}, 1726, "spans",
     "none stated (research use)", "Fan et al. 2019 (see basil).",
     "BASIL's annotated bias spans with offsets into the article texts"),
    ("narrative_frames", "fetch_narrative_frames", {}, 428, "articles",
     "MIT (repository); texts (c) publishers",
     "Frermann, Li, Khanehzar & Mikolajczak 2023. Conflicts, Villains, Resolutions: Towards "
     "models of Narrative Media Framing. ACL 2023.",
     "climate-change articles with five gold generic frames"),
    ("gvfc", "fetch_gvfc", {}, 2990, "headlines", "none stated (third-party copy)",
     "Liu, Guo, Mays, Betke & Wijaya 2019. Detecting Frames in News Headlines and Its "
     "Application to Analyzing News Framing Trends Surrounding U.S. Gun Violence. CoNLL 2019.",
     "gun-violence headlines with gold frame labels"),
    ("gvfc_articles", "fetch_gvfc", {"table": "articles"}, 1300, "articles",
     "none stated (third-party copy)",
     "Tourni et al. 2021. Detecting Frames in News Headlines and Lead Images in U.S. Gun "
     "Violence Coverage. Findings of EMNLP 2021.",
     "GVFC extension: lead-3 sentences with frame labels"),
    ("newswcl50", "fetch_newswcl50", {}, 8694, "mentions", "CC BY-SA 4.0",
     "Hamborg, Zhukova & Gipp 2019. Automated Identification of Media Bias by Word Choice "
     "and Labeling in News Articles. JCDL 2019.",
     "word-choice and labelling mentions for 10 events x 5 outlets (no texts)"),
    ("mfc_codebook", "fetch_mfc_codebook", {}, 51, "codes", "GPL-3.0 (repository)",
     "Card, Boydstun, Gross, Resnik & Smith 2015. The Media Frames Corpus. ACL 2015; "
     "Boydstun, Card, Gross, Resnik & Smith 2014 (codebook).",
     "the 15 policy frames and tone codes of the Media Frames Corpus"),
    ("outlet_ratings", "fetch_outlet_ratings", {}, 4813, "outlets",
     "GPL-3 (AllSideR); CC BY-NC 4.0 (AllSides data); Apache-2.0 (idiap MBFC)",
     "AllSides Media Bias Ratings (2019-10-18, 2022-09-28); Sanchez-Cortes, Burdisso, "
     "Villatoro-Tello & Motlicek 2024 (MBFC labels), CLEF 2024.",
     "outlet ratings joined across AllSides 2019, AllSides 2022 and MBFC"),
    ("news_html_fixtures", "fetch_news_html_fixtures", {}, 25, "pages",
     "Apache-2.0 (trafilatura); pages (c) publishers",
     "Barbaresi 2021. Trafilatura: A Web Scraping Library and Command-Line Tool for Text "
     "Discovery and Extraction. ACL 2021 (demos).",
     "real news pages with gold main-text and boilerplate snippets"),
)


def list_datasets() -> pd.DataFrame:
    """The public datasets framing can fetch, without fetching anything.

    Returns
    -------
    pandas.DataFrame
        One row per dataset: ``name``, ``rows``, ``unit`` (what a row is), ``licence``,
        ``citation``, ``description``, ``fetcher`` (the function of
        :mod:`framing.datasets` that returns it) and ``kwargs`` (its arguments).
        Lexicons are listed by :func:`framing.lexicons.list_lexicons`.

    Examples
    --------
    >>> from framing.datasets import list_datasets
    >>> table = list_datasets()
    >>> int(table.set_index("name").loc["allsides", "rows"])
    2027
    """
    return pd.DataFrame(
        [{"name": name, "rows": rows, "unit": unit, "licence": licence, "citation": citation,
          "description": description, "fetcher": fetcher, "kwargs": kwargs}
         for name, fetcher, kwargs, rows, unit, licence, citation, description in _DATASETS])
