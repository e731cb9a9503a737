"""Keyword flags for US immigration sanctuary policy, as used to select the AllSides subset.

These reproduce the selection heuristics documented with the curated Article-Bias-Prediction
subset (the ``sanctuary_related`` and ``mentions_*`` fields), so that the flags a user gets
from :func:`framing.datasets.fetch_allsides` are recomputed from the upstream text rather
than copied. They are keyword heuristics, not gold labels; the relevance classifier of
:mod:`framing.collect` is the tool for deciding what a new article is about.

All patterns are compiled once and run over the whole text (``title + "\\n" + body``).
"""

from __future__ import annotations

import re

import pandas as pd

__all__ = ["FLAG_COLUMNS", "sanctuary_flags"]

# "Second Amendment sanctuary", "gun sanctuary county" ... are removed before matching.
_GUN_SANCTUARY = re.compile(
    r"\b(?:second[ -]amendment|2nd[ -]amendment|2a|gun(?:[ -]rights?)?|firearms?)"
    r"[ -]+sanctuar(?:y|ies)(?:[ -]+(?:cit(?:y|ies)|count(?:y|ies)|states?|towns?|"
    r"jurisdictions?|movement|resolutions?|ordinances?|laws?))?",
    re.IGNORECASE,
)
_SANCTUARY_WORD = re.compile(r"\bsanctuar(?:y|ies)\b", re.IGNORECASE)
# "sanctuary" followed by a policy noun, as in "sanctuary city" or "sanctuary-state law".
_SANCTUARY_POLICY_NOUN = re.compile(
    r"\bsanctuar(?:y|ies)[ -]+(?:cit(?:y|ies)|states?|count(?:y|ies)|jurisdictions?|laws?|"
    r"polic(?:y|ies)|status|bills?|movement|campus(?:es)?|churche?s?|communit(?:y|ies)|"
    r"towns?|ordinances?|designations?|protections?|measures?|legislation|rules?|"
    r"provisions?|declarations?|resolutions?|areas?|places?|municipalit(?:y|ies)|"
    r"regions?|cities)\b",
    re.IGNORECASE,
)
_IMMIGRATION_CONTEXT = re.compile(
    r"immigra|deport|undocumented|\bICE\b|illegal aliens?|migrant|detainer", re.IGNORECASE
)
_CONTEXT_WINDOW = 250

_PATTERNS = {
    "mentions_ice": re.compile(r"\bICE\b|Immigration and Customs Enforcement"),
    "mentions_detainer": re.compile(r"\bdetainers?\b", re.IGNORECASE),
    "mentions_ca_values_act": re.compile(
        r"California Values Act|\bS\.?\s?B\.?\s?54\b|Senate Bill 54\b", re.IGNORECASE
    ),
    "mentions_287g": re.compile(r"\b287\s?\(g\)", re.IGNORECASE),
    "mentions_secure_communities": re.compile(r"Secure Communities"),
}

#: Columns returned by :func:`sanctuary_flags`, in order.
FLAG_COLUMNS = (
    "mentions_sanctuary_policy",
    "n_sanctuary_mentions",
    *_PATTERNS,
    "sanctuary_related",
)


def _sanctuary_policy(text: str) -> tuple[bool, int]:
    cleaned = _GUN_SANCTUARY.sub(" ", text)
    mentions = list(_SANCTUARY_WORD.finditer(cleaned))
    if not mentions:
        return False, 0
    if _SANCTUARY_POLICY_NOUN.search(cleaned):
        return True, len(mentions)
    for match in mentions:
        window = cleaned[max(0, match.start() - _CONTEXT_WINDOW): match.end() + _CONTEXT_WINDOW]
        if _IMMIGRATION_CONTEXT.search(window):
            return True, len(mentions)
    return False, 0


def sanctuary_flags(texts: pd.Series) -> pd.DataFrame:
    """Return the sanctuary-policy keyword flags for each text.

    Parameters
    ----------
    texts : pandas.Series of str
        ``title + "\\n" + body`` per article.

    Returns
    -------
    pandas.DataFrame
        Same index; boolean flags and ``n_sanctuary_mentions`` (int), see ``FLAG_COLUMNS``.

    Examples
    --------
    >>> import pandas as pd
    >>> flags = sanctuary_flags(pd.Series([
    ...     "The sanctuary city refused an ICE detainer.",
    ...     "The county declared itself a Second Amendment sanctuary.",
    ...     "A wildlife sanctuary opened.",
    ... ]))
    >>> flags["sanctuary_related"].tolist()
    [True, False, False]
    """
    texts = texts.fillna("").astype(str)
    policy = [_sanctuary_policy(t) for t in texts]
    out = pd.DataFrame(
        {
            "mentions_sanctuary_policy": [p for p, _ in policy],
            "n_sanctuary_mentions": [n for _, n in policy],
        },
        index=texts.index,
    )
    for name, pattern in _PATTERNS.items():
        out[name] = texts.str.contains(pattern, regex=True)
    out["sanctuary_related"] = out[
        ["mentions_sanctuary_policy", "mentions_detainer", "mentions_ca_values_act",
         "mentions_287g", "mentions_secure_communities"]
    ].any(axis=1)
    return out[list(FLAG_COLUMNS)]
