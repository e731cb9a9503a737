"""Sentence-averaged VADER sentiment, with the words behind every sentence's score.

VADER (Hutto & Gilbert 2014) scores one sentence at a time: its compound score sums word
valences and squashes the sum into (-1, 1), so a whole article scored at once saturates
near -1 or +1 as soon as it is long. :class:`SentimentScorer` splits each text into
sentences (:mod:`framing.features._sentences`), scores each with vaderSentiment's
``SentimentIntensityAnalyzer`` and reports means and shares over sentences, which do not
grow with length.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._base import BaseScorer
from ._sentences import sentence_spans

__all__ = ["SentimentScorer", "vader_token_valences"]

_FEATURES = ("compound_mean", "compound_sd", "positive_mean", "negative_mean", "neutral_mean",
             "share_positive_sentences", "share_negative_sentences")
_EXPLAIN_COLUMNS = ["start", "end", "text", "term", "category", "weight", "feature",
                    "lexicon_valence", "sentence", "sentence_compound"]


def _analyzer():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def vader_token_valences(analyzer, sentence: str):
    """VADER's valence of every token of one sentence, with character spans.

    Runs the steps of ``SentimentIntensityAnalyzer.polarity_scores`` (emoji to words,
    tokens, per-token valence with VADER's booster, capitals, negation and idiom rules,
    the "but" rule), keeping where each token sits in ``sentence``. Feeding the valences to
    ``analyzer.score_valence(valences, text)`` gives ``polarity_scores(sentence)``.

    Parameters
    ----------
    analyzer : vaderSentiment.vaderSentiment.SentimentIntensityAnalyzer
    sentence : str

    Returns
    -------
    tokens : list of (start, end, token)
        Token spans in ``sentence`` (an emoji's description words span the emoji).
    valences : list of float
        VADER's final valence of each token (0 for words outside its lexicon).
    text : str
        The text VADER scores (emoji replaced by their descriptions, stripped).

    Examples
    --------
    >>> from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    >>> analyzer = SentimentIntensityAnalyzer()
    >>> tokens, valences, text = vader_token_valences(analyzer, "Not a good plan.")
    >>> [(t, round(v, 2)) for (_, _, t), v in zip(tokens, valences) if v]
    [('good', -1.41)]
    """
    from vaderSentiment.vaderSentiment import BOOSTER_DICT, SentiText

    # Emoji become their descriptions, as VADER does, with each character's origin kept.
    chars, origin, prev_space = [], [], True
    for position, char in enumerate(sentence):
        if char in analyzer.emojis:
            description = analyzer.emojis[char]
            if not prev_space:
                chars.append(" ")
                origin.append(position)
            chars.extend(description)
            origin.extend([position] * len(description))
            prev_space = False
        else:
            chars.append(char)
            origin.append(position)
            prev_space = char == " "
    converted = "".join(chars)
    lead = len(converted) - len(converted.lstrip())
    text = converted.strip()
    origin = origin[lead:lead + len(text)]

    sentitext = SentiText(text)
    words = sentitext.words_and_emoticons
    tokens, cursor = [], 0
    for raw, word in zip(text.split(), words, strict=True):
        begin = text.index(raw, cursor)
        cursor = begin + len(raw)
        offset = begin + (raw.index(word) if word != raw else 0)
        start, end = origin[offset], origin[offset + len(word) - 1] + 1
        tokens.append((start, end, word))

    # The per-token loop of polarity_scores, verbatim in its decisions.
    valences: list[float] = []
    for i, item in enumerate(words):
        if item.lower() in BOOSTER_DICT or (
                i < len(words) - 1 and item.lower() == "kind" and words[i + 1].lower() == "of"):
            valences.append(0)
            continue
        valences = analyzer.sentiment_valence(0, sentitext, item, i, valences)
    valences = analyzer._but_check(words, valences)
    return tokens, [float(v) for v in valences], text


def _scorable(sentence: str, emojis) -> bool:
    """A sentence with a word or an emoji (not only punctuation, such as "...")."""
    return any(ch.isalnum() or ch in emojis for ch in sentence)


class SentimentScorer(BaseScorer):
    """VADER sentiment averaged over sentences, so long articles never saturate.

    Each text is split into sentences (line breaks, then Punkt with news abbreviations);
    each sentence is scored with vaderSentiment's ``SentimentIntensityAnalyzer``; features
    (prefix ``sentiment__``) summarise the sentences, each counting equally:

    ============================  ====================================================
    ``compound_mean``             mean compound score (-1 to 1)
    ``compound_sd``               standard deviation of compound scores (0 with fewer
                                  than two sentences): how uneven the tone is
    ``positive_mean``             mean share of positive valence (VADER's ``pos``)
    ``negative_mean``             mean share of negative valence (``neg``)
    ``neutral_mean``              mean share of neutral words (``neu``)
    ``share_positive_sentences``  share of sentences with compound >= ``threshold``
    ``share_negative_sentences``  share of sentences with compound <= -``threshold``
    ============================  ====================================================

    Sentences with no word and no emoji (a lone "...") are skipped; a text with none
    scores 0 everywhere. Extremes over sentences (the most negative sentence) are left out
    on purpose: they grow with the number of sentences.

    Parameters
    ----------
    threshold : float, default 0.05
        Compound score from which a sentence counts as positive (or, negated, negative):
        the cut-off recommended by VADER's authors.

    Attributes
    ----------
    analyzer_ : vaderSentiment.vaderSentiment.SentimentIntensityAnalyzer

    Examples
    --------
    >>> scorer = SentimentScorer().fit()
    >>> text = "The plan is a disaster. Officials met on Tuesday. Families were relieved."
    >>> out = scorer.set_output(transform="pandas").transform([text])
    >>> out[["sentiment__compound_mean", "sentiment__share_negative_sentences"]].round(3)
       sentiment__compound_mean  sentiment__share_negative_sentences
    0                    -0.081                                0.333
    >>> scorer.explain(text)[["text", "category", "weight", "sentence_compound"]]
           text  category  weight  sentence_compound
    0  disaster  negative    -3.1            -0.6249
    1  relieved  positive     1.6             0.3818
    """

    name = "sentiment"

    def __init__(self, *, threshold: float = 0.05):
        self.threshold = threshold

    def _fit_resources(self):
        if not 0 <= float(self.threshold) < 1:
            raise ValueError(f"threshold must be in [0, 1), got {self.threshold!r}")
        self.analyzer_ = _analyzer()
        return list(_FEATURES)

    def _sentence_scores(self, text: str) -> list[tuple[int, int, dict]]:
        emojis = self.analyzer_.emojis
        return [(start, end, self.analyzer_.polarity_scores(text[start:end]))
                for start, end in sentence_spans(text)
                if _scorable(text[start:end], emojis)]

    def _transform_texts(self, texts):
        out = np.zeros((len(texts), len(_FEATURES)))
        threshold = float(self.threshold)
        for row, text in enumerate(texts):
            scores = self._sentence_scores(text)
            if not scores:
                continue
            table = np.asarray([[s["compound"], s["pos"], s["neg"], s["neu"]]
                                for _, _, s in scores])
            compound = table[:, 0]
            out[row] = (compound.mean(), compound.std(), table[:, 1].mean(),
                        table[:, 2].mean(), table[:, 3].mean(),
                        (compound >= threshold).mean(), (compound <= -threshold).mean())
        return out

    def sentences(self, text: str) -> pd.DataFrame:
        """VADER's scores of each sentence of one text.

        Returns
        -------
        pandas.DataFrame
            ``start``, ``end``, ``text``, ``compound``, ``positive``, ``negative``,
            ``neutral``; one row per scored sentence, in order.

        Examples
        --------
        >>> SentimentScorer().fit().sentences("A fine day. A cruel law.")[["text", "compound"]]
                   text  compound
        0   A fine day.    0.2023
        1  A cruel law.   -0.5859
        """
        from sklearn.utils.validation import check_is_fitted

        check_is_fitted(self, "feature_names_")
        rows = [{"start": start, "end": end, "text": text[start:end],
                 "compound": s["compound"], "positive": s["pos"], "negative": s["neg"],
                 "neutral": s["neu"]}
                for start, end, s in self._sentence_scores(text)]
        return pd.DataFrame(rows, columns=["start", "end", "text", "compound", "positive",
                                           "negative", "neutral"])

    def _span_categories(self):
        return ["positive", "negative"]

    def _explain_text(self, text):
        rows = []
        emojis = self.analyzer_.emojis
        number = 0
        for start, end in sentence_spans(text):
            sentence = text[start:end]
            if not _scorable(sentence, emojis):
                continue
            tokens, valences, vader_text = vader_token_valences(self.analyzer_, sentence)
            compound = self.analyzer_.score_valence(valences, vader_text)["compound"]
            for (token_start, token_end, token), valence in zip(tokens, valences, strict=True):
                if valence == 0:
                    continue
                category = "positive" if valence > 0 else "negative"
                rows.append({
                    "start": start + token_start, "end": start + token_end,
                    "text": text[start + token_start:start + token_end],
                    "term": token.lower(), "category": category,
                    "weight": round(valence, 4), "feature": f"{self.name}__{category}_mean",
                    "lexicon_valence": self.analyzer_.lexicon.get(token.lower(), np.nan),
                    "sentence": number, "sentence_compound": compound,
                })
            number += 1
        return pd.DataFrame(rows, columns=_EXPLAIN_COLUMNS)
