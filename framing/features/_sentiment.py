"""Sentence-averaged VADER sentiment, with the words behind every sentence's score.

VADER (Hutto & Gilbert 2014) scores one sentence at a time: its compound score sums word
valences and squashes the sum into (-1, 1), so a whole article scored at once saturates
near -1 or +1 as soon as it is long. :class:`SentimentScorer` splits each text into
sentences (:mod:`framing.features._sentences`), scores each with vaderSentiment's
``SentimentIntensityAnalyzer`` and reports means and shares over sentences, which do not
grow with length.

Speed. VADER's ``polarity_scores`` walks every character and token in Python, and for each
sentiment word re-lowercases the whole sentence several times; on news text it is most of
the cost of :func:`framing.features.extract_features`. :class:`_Polarity` returns the same
numbers (every float equal) with less work: a sentence none of whose tokens VADER would
look up in its lexicon scores exactly VADER's neutral result without being parsed, token
normalisation is remembered per distinct token, and the rules VADER applies around each
sentiment word (negation, boosters, capitals, idioms, "least") and the final scoring are
VADER's steps in VADER's order, evaluated on a lower-cased token list computed once per
sentence. VADER's own functions still scale boosters, apply the "but" rule and weigh "!"
and "?", and any sentence holding an emoji goes to ``polarity_scores`` whole. The tests
compare the two on every sentence of a news sample and on generated rule-heavy sentences.
"""

from __future__ import annotations

import math
import re
import string
from itertools import compress

import numpy as np
import pandas as pd

from ._base import BaseScorer
from ._sentences import sentence_spans, split_sentences

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


#: Distinct tokens remembered by :class:`_Polarity` before it starts afresh (a few hundred
#: bytes each), so memory stays bounded on an endless stream of new words.
TOKEN_MEMO_SIZE = 500_000


class _TokenTable(dict):
    """Raw token -> VADER's view of it, computed on first sight.

    The value is ``(word, lower, scored)``: the token with punctuation stripped as VADER's
    ``SentiText`` strips it (kept whole when two characters or fewer remain, so that
    emoticons survive), its lower case, and whether VADER computes a valence for it (a
    lexicon word that is not a booster).
    """

    def __init__(self, lexicon: dict, boosters: dict):
        super().__init__()
        self.lexicon, self.boosters = lexicon, boosters

    def __missing__(self, raw: str) -> tuple[str, str, bool]:
        stripped = raw.strip(string.punctuation)
        word = raw if len(stripped) <= 2 else stripped
        lower = word.lower()
        value = (word, lower, lower in self.lexicon and lower not in self.boosters)
        if len(self) >= TOKEN_MEMO_SIZE:
            self.clear()
        self[raw] = value
        return value


def _emoji_prefilter(chars) -> re.Pattern:
    """A quick regex matching every character of ``chars`` (and some others).

    A character class listing VADER's 1,212 emoji is scanned linearly by ``re`` at every
    character; this one lists the few below U+2000 and spans the rest with one range,
    which typographic quotes and dashes (U+2010 to U+201F) stay outside of.
    """
    low = sorted(c for c in chars if ord(c) < 0x2000)
    high = sorted(c for c in chars if ord(c) >= 0x2000)
    parts = [re.escape(c) for c in low]
    if high:
        parts.append(f"{re.escape(high[0])}-{re.escape(high[-1])}")
    return re.compile(f"[{''.join(parts)}]" if parts else "(?!)")


class _Polarity:
    """``SentimentIntensityAnalyzer.polarity_scores``: the same numbers, faster.

    See the module docstring. ``shortcut=False`` calls ``polarity_scores`` on every
    sentence instead (the reference the fast path is checked and benchmarked against).

    Parameters
    ----------
    analyzer : vaderSentiment.vaderSentiment.SentimentIntensityAnalyzer
    shortcut : bool, default True
    """

    def __init__(self, analyzer, *, shortcut: bool = True):
        from vaderSentiment import vaderSentiment as vader

        self.analyzer = analyzer
        self.shortcut = shortcut
        self._vader = vader
        self._lexicon = analyzer.lexicon
        self._boosters = vader.BOOSTER_DICT
        self._negations = frozenset(vader.NEGATE)
        # Words of the multi-word idioms and boosters VADER checks around a sentiment word:
        # a sequence of tokens can match one only if every token is among them.
        self._idiom_words = frozenset(
            word for phrase in (*vader.SPECIAL_CASES, *vader.BOOSTER_DICT) if " " in phrase
            for word in phrase.split(" "))
        # polarity_scores replaces a character found in the emoji table; keys longer than
        # one character can never match one.
        self._emoji_chars = frozenset(k for k in analyzer.emojis if len(k) == 1)
        self._maybe_emoji = _emoji_prefilter(self._emoji_chars)
        self._tokens = _TokenTable(self._lexicon, self._boosters)

    def __getstate__(self):
        # The token memo is a cache, not worth pickling with a fitted scorer.
        state = self.__dict__.copy()
        state["_tokens"] = None
        state["_vader"] = None
        return state

    def __setstate__(self, state):
        from vaderSentiment import vaderSentiment as vader

        self.__dict__.update(state)
        self._vader = vader
        self._tokens = _TokenTable(self._lexicon, self._boosters)

    def scores(self, sentence: str) -> dict:
        """VADER's ``{"neg", "neu", "pos", "compound"}`` for one sentence."""
        if not self.shortcut or (self._maybe_emoji.search(sentence)
                                 and not self._emoji_chars.isdisjoint(sentence)):
            return self.analyzer.polarity_scores(sentence)
        text = sentence.strip()
        infos = list(map(self._tokens.__getitem__, text.split()))
        if not infos:
            return self.analyzer.score_valence([], text)
        words, lowers, scored = zip(*infos, strict=True)
        if not any(scored):
            # score_valence of zero valences only: a sum of 0 (so no amplification by
            # "!" or "?"), no positive or negative share, every token neutral.
            return {"neg": 0.0, "neu": 1.0, "pos": 0.0, "compound": 0.0}
        n = len(words)
        # allcap_differential: some but not all tokens in capitals.
        is_cap_diff = 0 < n - sum(map(str.isupper, words)) < n
        # VADER appends the integer 0 for every token it does not score; keep the same list.
        sentiments: list = [0] * n
        valence = self._valence
        for i in compress(range(n), scored):
            if lowers[i] == "kind" and i < n - 1 and lowers[i + 1] == "of":
                continue
            sentiments[i] = valence(words, lowers, i, is_cap_diff)
        if "but" in lowers:
            sentiments = self.analyzer._but_check(list(words), sentiments)
        return self._score_valence(sentiments, text)

    def table(self, sentences) -> np.ndarray:
        """Compound, pos, neg and neu of each sentence: float64, shape (n_sentences, 4)."""
        rows = [(s["compound"], s["pos"], s["neg"], s["neu"])
                for s in map(self.scores, sentences)]
        return np.asarray(rows, dtype=np.float64).reshape(len(rows), 4)

    def _score_valence(self, sentiments: list, text: str) -> dict:
        """``SentimentIntensityAnalyzer.score_valence``: the same operations in order."""
        fabs = math.fabs
        sum_s = float(sum(sentiments))
        punct_emph_amplifier = self.analyzer._punctuation_emphasis(text)
        if sum_s > 0:
            sum_s += punct_emph_amplifier
        elif sum_s < 0:
            sum_s -= punct_emph_amplifier
        compound = self._vader.normalize(sum_s)
        # _sift_sentiment_scores over the non-zero valences only: zeros add to neither sum.
        pos_sum, neg_sum, neu_count = 0.0, 0.0, len(sentiments)
        for score in sentiments:
            if score:
                neu_count -= 1
                if score > 0:
                    pos_sum += (float(score) + 1)
                else:
                    neg_sum += (float(score) - 1)
        if pos_sum > fabs(neg_sum):
            pos_sum += punct_emph_amplifier
        elif pos_sum < fabs(neg_sum):
            neg_sum -= punct_emph_amplifier
        total = pos_sum + fabs(neg_sum) + neu_count
        return {"neg": round(fabs(neg_sum / total), 3), "neu": round(fabs(neu_count / total), 3),
                "pos": round(fabs(pos_sum / total), 3), "compound": round(compound, 4)}

    def _valence(self, words, lowers, i: int, is_cap_diff: bool) -> float:
        """``SentimentIntensityAnalyzer.sentiment_valence`` of lexicon word ``i``.

        The same decisions in the same order, so the same floating-point operations, with
        VADER's loop over the three preceding words unrolled and ``lowers`` read instead
        of lower-casing the sentence again at every rule.
        """
        vader, lexicon, boosters = self._vader, self._lexicon, self._boosters
        negations, n_scalar = self._negations, vader.N_SCALAR
        lower = lowers[i]
        valence = lexicon[lower]
        if lower == "no" and i != len(lowers) - 1 and lowers[i + 1] in lexicon:
            valence = 0.0
        if ((i > 0 and lowers[i - 1] == "no") or (i > 1 and lowers[i - 2] == "no")
                or (i > 2 and lowers[i - 3] == "no" and lowers[i - 1] in ["or", "nor"])):
            valence = lexicon[lower] * n_scalar
        if words[i].isupper() and is_cap_diff:
            if valence > 0:
                valence += vader.C_INCR
            else:
                valence -= vader.C_INCR
        if i > 0:
            one = lowers[i - 1]
            if one not in lexicon:
                # scalar_inc_dec is 0.0 for any word but a booster
                s = (vader.scalar_inc_dec(words[i - 1], valence, is_cap_diff)
                     if one in boosters else 0.0)
                valence = valence + s
                if (one.lower() in negations or "n't" in one.lower()):
                    valence = valence * n_scalar
            if i > 1:
                two = lowers[i - 2]
                if two not in lexicon:
                    s = (vader.scalar_inc_dec(words[i - 2], valence, is_cap_diff)
                         if two in boosters else 0.0)
                    if s != 0:
                        s = s * 0.95
                    valence = valence + s
                    if two == "never" and (one == "so" or one == "this"):
                        valence = valence * 1.25
                    elif two == "without" and one == "doubt":
                        pass
                    elif (two.lower() in negations or "n't" in two.lower()):
                        valence = valence * n_scalar
                if i > 2:
                    three = lowers[i - 3]
                    if three not in lexicon:
                        s = (vader.scalar_inc_dec(words[i - 3], valence, is_cap_diff)
                             if three in boosters else 0.0)
                        if s != 0:
                            s = s * 0.9
                        valence = valence + s
                        if ((three == "never" and (two == "so" or two == "this"))
                                or (one == "so" or one == "this")):
                            valence = valence * 1.25
                        elif three == "without" and (two == "doubt" or one == "doubt"):
                            pass
                        elif (three.lower() in negations or "n't" in three.lower()):
                            valence = valence * n_scalar
                        # Every sequence the idiom check reads holds token i-1 or i-2, or
                        # tokens i and i+1; with a token outside the idioms' words, none
                        # can match.
                        idiom_words = self._idiom_words
                        if (one in idiom_words or two in idiom_words
                                or (len(lowers) - 1 > i and lower in idiom_words
                                    and lowers[i + 1] in idiom_words)):
                            valence = self._special_idioms_check(valence, lowers, i)
        # _least_check
        if i > 1 and lowers[i - 1] not in lexicon and lowers[i - 1] == "least":
            if lowers[i - 2] != "at" and lowers[i - 2] != "very":
                valence = valence * n_scalar
        elif i > 0 and lowers[i - 1] not in lexicon and lowers[i - 1] == "least":
            valence = valence * n_scalar
        return valence

    def _special_idioms_check(self, valence, lowers, i):
        """``SentimentIntensityAnalyzer._special_idioms_check`` (``i`` >= 3)."""
        special, boosters = self._vader.SPECIAL_CASES, self._boosters
        onezero = f"{lowers[i - 1]} {lowers[i]}"
        twoonezero = f"{lowers[i - 2]} {lowers[i - 1]} {lowers[i]}"
        twoone = f"{lowers[i - 2]} {lowers[i - 1]}"
        threetwoone = f"{lowers[i - 3]} {lowers[i - 2]} {lowers[i - 1]}"
        threetwo = f"{lowers[i - 3]} {lowers[i - 2]}"
        for sequence in (onezero, twoonezero, twoone, threetwoone, threetwo):
            if sequence in special:
                valence = special[sequence]
                break
        if len(lowers) - 1 > i:
            zeroone = f"{lowers[i]} {lowers[i + 1]}"
            if zeroone in special:
                valence = special[zeroone]
        if len(lowers) - 1 > i + 1:
            zeroonetwo = f"{lowers[i]} {lowers[i + 1]} {lowers[i + 2]}"
            if zeroonetwo in special:
                valence = special[zeroonetwo]
        for n_gram in (threetwoone, threetwo, twoone):
            if n_gram in boosters:
                valence = valence + boosters[n_gram]
        return valence


def _scorable(sentence: str, emojis) -> bool:
    """A sentence with a word or an emoji (not only punctuation, such as "...")."""
    # Most sentences start with a letter: decided without walking the characters.
    return sentence[:1].isalnum() or any(ch.isalnum() or ch in emojis for ch in sentence)


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

    def _polarity_scores(self) -> _Polarity:
        """The fast ``polarity_scores`` of ``analyzer_``, built on first use.

        Not part of the fitted state (see ``__getstate__``): it is a cache derived from
        ``analyzer_``, so saved models hold the same types as before and workers rebuild it.
        """
        polarity = self.__dict__.get("_polarity")
        if polarity is None or polarity.analyzer is not self.analyzer_:
            polarity = self._polarity = _Polarity(self.analyzer_)
        return polarity

    def __getstate__(self):
        state = super().__getstate__()
        state.pop("_polarity", None)
        return state

    def _sentence_scores(self, text: str) -> list[tuple[int, int, dict]]:
        emojis = self.analyzer_.emojis
        scores = self._polarity_scores().scores
        return [(start, end, scores(text[start:end]))
                for start, end in sentence_spans(text)
                if _scorable(text[start:end], emojis)]

    def _transform_texts(self, texts):
        out = np.zeros((len(texts), len(_FEATURES)))
        threshold = float(self.threshold)
        emojis = self.analyzer_.emojis
        polarity = self._polarity_scores()
        for row, text in enumerate(texts):
            sentences = [sentence for sentence in split_sentences(text)
                         if _scorable(sentence, emojis)]
            if not sentences:
                continue
            table = polarity.table(sentences)  # compound, pos, neg, neu
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
