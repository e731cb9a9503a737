"""The sentence splitter of the sentence scorers: :mod:`framing.tokenize`'s, re-exported.

One splitter serves every module (sentiment, frames, embeddings, ``explore``), so a
sentence is the same sentence everywhere; its rules are documented in
:func:`framing.tokenize.sentence_spans`.

Examples
--------
>>> split_sentences("Sen. Warren spoke in the U.S. Capitol on Jan. 5. Critics were not "
...                 "convinced.\\nAdvertisement")  # doctest: +NORMALIZE_WHITESPACE
['Sen. Warren spoke in the U.S. Capitol on Jan. 5.', 'Critics were not convinced.',
 'Advertisement']
>>> sentence_spans("One. Two.")
[(0, 4), (5, 9)]
"""

from __future__ import annotations

from ..tokenize import ABBREVIATIONS, NUMBER_ABBREVIATIONS, sentence_spans, split_sentences

__all__ = ["ABBREVIATIONS", "NUMBER_ABBREVIATIONS", "sentence_spans", "split_sentences"]
