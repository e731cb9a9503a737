"""The public face of the matcher's text normalisation, for code outside ``framing.lexicons``
that must split texts into words exactly as lexicon terms are matched."""

from __future__ import annotations

from ._normalize import normalize

__all__ = ["normalize_text"]


def normalize_text(text: str, *, lower: bool = True) -> str:
    """The copy of ``text`` that lexicon terms are matched against.

    Every character that is not part of a word (punctuation, whitespace, symbols, a
    possessive ``'s``, quotation marks) becomes a space and letters are case-folded one
    character to one character, so the copy has exactly the length of ``text`` and a
    match's offsets are offsets into ``text``. Apostrophes inside a word stay (``don't``).
    Punctuation becomes a space next to the space that usually follows it, so a run of two
    spaces marks a clause break that a phrase never crosses.

    Parameters
    ----------
    text : str
    lower : bool, default True
        Case-fold letters (as for case-insensitive lexicon terms).

    Returns
    -------
    str
        Of the same length as ``text``.

    Raises
    ------
    TypeError
        If ``text`` is not a string.

    Examples
    --------
    >>> from framing.lexicons import normalize_text
    >>> normalize_text("ICE’s raid, in L.A. 'Don't' aliens' rights")
    "ice   raid  in l a   don't  aliens  rights"
    >>> normalize_text("Sanctuary cities. Illegal aliens").split("  ")
    ['sanctuary cities', 'illegal aliens']
    >>> normalize_text("ICE", lower=False)
    'ICE'
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    return normalize(text, lower=lower)
