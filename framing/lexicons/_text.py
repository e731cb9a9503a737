"""The words of a text as the lexicon matcher sees them, for code outside ``framing.lexicons``
that counts words or phrases and must agree with the matcher (learned lexicons)."""

from __future__ import annotations

from .. import tokenize
from ._normalize import codes_to_text, token_codes

__all__ = ["word_runs"]


def word_runs(text: str, *, lower: bool = True) -> list[list[str]]:
    """The words of ``text`` as lexicon terms are matched against them, in phrase runs.

    Words are :mod:`framing.tokenize`'s, normalised as the matcher normalises them
    (case-folded unless ``lower=False``, typographic apostrophes read as ``'``). A run ends
    where the matcher stops a phrase: at punctuation, or at a gap of more than one
    character (a paragraph break), so a phrase of a run's consecutive words is a phrase the
    matcher could match.

    Parameters
    ----------
    text : str
    lower : bool, default True
        Case-fold letters (as for case-insensitive lexicon terms).

    Returns
    -------
    list of list of str
        One list of words per run, in order.

    Raises
    ------
    TypeError
        If ``text`` is not a string.

    Examples
    --------
    >>> from framing.lexicons import word_runs
    >>> word_runs("ICE’s raid, in the U.S. Don't say 'illegal aliens'.")
    [['ice', "'s", 'raid'], ['in', 'the', 'u.s.', 'do', "n't", 'say'], ['illegal', 'aliens']]
    >>> word_runs("ICE", lower=False)
    [['ICE']]
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    start, end, is_word = tokenize.span_arrays(text)
    runs: list[list[str]] = []
    previous_end = None
    for begin, stop, word in zip(start.tolist(), end.tolist(), is_word.tolist(), strict=True):
        if not word:
            previous_end = None
            continue
        piece = codes_to_text(token_codes(text[begin:stop], lower=lower))
        if previous_end is not None and begin - previous_end <= 1:
            runs[-1].append(piece)
        else:
            runs.append([piece])
        previous_end = stop
    return runs
