"""Sourcing: how much a text quotes, whom it quotes, and with which attribution verbs."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..lexicons import Lexicon, LexiconMatcher, load_lexicon
from ..lexicons.matcher import BATCH_SIZE
from ._base import BaseScorer
from ._lexicon_scorer import RATE_SCALE
from ._spans import (
    GAP,
    breaks_between,
    inside,
    layout,
    nearest_anchor,
    positions,
    quote_spans,
    sentence_breaks,
)

__all__ = ["SourcingScorer"]

_VERB_CATEGORIES = ("neutral_verb", "loaded_verb")
#: Quotations shorter than this many words are scare quotes, titles or quoted terms.
SHORT_QUOTE_WORDS = 4
#: A verb at most this many characters after a quotation's end is inverted (``," said X``).
_INVERTED_GAP = 3
#: A speaker after a verb that follows a comma must start within this many characters
#: (', said his attorney'; not ', said Tuesday that the president...').
_COMMA_AFTER = 15
_COMMA = re.compile(",")
_BEFORE, _AFTER, _NONE = 0, 1, 2
#: Role matches at most this many characters apart form one phrase (``ICE agents``,
#: ``ACLU’s lawyers``).
_PHRASE_GAP = 3


def _just_after(marks: np.ndarray, at: np.ndarray, gap: int) -> np.ndarray:
    """Whether a mark (sorted global positions) lies at most ``gap`` characters before
    each position in ``at``."""
    if not len(marks):
        return np.zeros(len(at), dtype=bool)
    last = np.searchsorted(marks, at, side="right") - 1
    return (last >= 0) & (at - marks[np.maximum(last, 0)] <= gap)


def _flag(values, accepted) -> np.ndarray:
    return pd.Series(values).astype(str).str.strip().str.lower().isin(accepted).to_numpy()


@dataclass
class _Sourced:
    """Quotations, counted attribution verbs and their speakers' roles, for one batch."""

    n_words: np.ndarray
    quote_doc: np.ndarray
    quote_start: np.ndarray  # local offsets
    quote_end: np.ndarray
    quote_short: np.ndarray
    quote_chars: np.ndarray  # non-whitespace characters of each quotation
    verb_doc: np.ndarray
    verb_start: np.ndarray
    verb_end: np.ndarray
    verb_term: np.ndarray
    verb_category: np.ndarray  # matcher category
    verb_role: np.ndarray  # matcher category of the speaker's role, -1 if none found
    role_start: np.ndarray  # local span of the role that decided it, -1 if none
    role_end: np.ndarray
    role_term: np.ndarray


class SourcingScorer(BaseScorer):
    """Quotations, attribution verbs and the roles of the people quoted.

    What is found
        *Quotations*: double quotation marks, straight or typographic, including
        quotations running over several paragraphs (see :mod:`framing.features._spans`).
        *Attribution verbs* from the authored ``sourcing`` lexicon: neutral (``said``,
        ``told``, ``according to``...) or loaded (``claimed``, ``admitted``, ``insisted``,
        ``conceded``, ``boasted``...). Verbs inside a quotation are the source's words, not
        the outlet's, and are not counted; verbs marked ``context = quote`` (``claimed``,
        ``admitted``, ``alleged`` with no ``that``) count only within ``quote_window``
        characters of a quotation in the same sentence, since they are usually not speech
        (``claimed asylum``, ``admitted 50,000 refugees``, ``the alleged crime``).
        *Speakers*: for each counted verb, the nearest *role phrase* (role terms at most
        three characters apart in one sentence, like ``ICE agents`` or ``ACLU’s lawyers``)
        within ``speaker_window`` characters in the same sentence: before the verb (``the
        sheriff said``); after it when the verb follows a quotation directly (``," said
        Sheriff Joe Doe``) or says so (``according to the ACLU``); right after it (within 15
        characters, else before it) when the verb follows a comma (``, said his
        attorney``). Participles (``..., saying``) get no speaker: theirs is the sentence's
        subject. A phrase's role is the first in lexicon order among its terms:
        federal_agency, police, advocate, expert, official, immigrant (so ``police
        officials`` is police and ``ICE official`` a federal agency). Names alone (``Trump
        said``) give no role; shadow rows (``official statistics``) hide other senses.

    Features (all ``sourcing__`` + name):

    ``quotes_per_1k``, ``short_quotes_per_1k``
        Quotations of at least / fewer than four words (scare quotes, titles, terms), per
        1,000 words.
    ``quoted_share``
        Share of the text's characters inside quotations, marks included, white space
        left out (0 to 1).
    ``attributions_per_1k``, ``neutral_verb_per_1k``, ``loaded_verb_per_1k``
        Counted attribution verbs per 1,000 words, all and by kind.
    ``loaded_verb_share``
        Loaded verbs among attribution verbs (0 when there are none).
    ``role_identified_share``
        Attributions whose speaker role was found.
    ``<role>_per_1k``
        Attributions to each role (``federal_agency``, ``police``, ``advocate``,
        ``expert``, ``official``, ``immigrant``) per 1,000 words.
    ``<role>_share``
        Each role's share of the attributions with a role found (0 when there are none).

    Parameters
    ----------
    lexicon : str or Lexicon, default "sourcing"
        The authored lexicon, or your own with its extra columns: ``kind`` (verb or role;
        verb categories are ``neutral_verb`` and ``loaded_verb``), ``context`` ("quote")
        and ``speaker`` ("after").
    speaker_window : int, default 80
        Characters between a role phrase and its verb.
    quote_window : int, default 40
        Characters between a ``context = quote`` verb and a quotation.

    Attributes
    ----------
    matcher_ : LexiconMatcher
    lexicon_ : Lexicon
    roles_ : list of str
        Role categories in priority order.

    Examples
    --------
    >>> scorer = SourcingScorer().fit()
    >>> text = ('"We will not honor detainers," Sheriff Ana Ruiz said. ICE officials claimed '
    ...         'that crime rose, according to the ACLU.')
    >>> row = scorer.set_output(transform="pandas").transform([text]).iloc[0]
    >>> row[["sourcing__quotes_per_1k", "sourcing__loaded_verb_share",
    ...      "sourcing__police_per_1k"]].round(2).tolist()
    [52.63, 0.33, 52.63]
    >>> spans = scorer.explain(text)
    >>> spans[spans["category"].isin(["police", "federal_agency", "advocate"])][
    ...     ["text", "category", "verb"]].values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [['Sheriff', 'police', 'said'], ['ICE', 'federal_agency', 'claimed that'],
     ['ACLU', 'advocate', 'according to']]
    """

    name = "sourcing"

    def __init__(self, lexicon="sourcing", *, speaker_window: int = 80, quote_window: int = 40):
        self.lexicon = lexicon
        self.speaker_window = speaker_window
        self.quote_window = quote_window

    # -- fitting ---------------------------------------------------------------------------
    def _fit_resources(self):
        for name in ("speaker_window", "quote_window"):
            value = getattr(self, name)
            if not 0 <= int(value) < GAP:
                raise ValueError(f"{name} must be in [0, {GAP}), got {value!r}")
        lexicon = (self.lexicon if isinstance(self.lexicon, Lexicon)
                   else load_lexicon(self.lexicon))
        entries = lexicon.entries
        if "kind" not in entries.columns:
            raise ValueError(f"lexicon {lexicon.name!r} needs a 'kind' column (verb/role)")
        kinds = entries.groupby("category", sort=False)["kind"].unique()
        for category, values in kinds.items():
            if len(values) != 1 or values[0] not in ("verb", "role", "shadow"):
                raise ValueError(f"lexicon {lexicon.name!r}: category {category!r} has kind(s)"
                                 f" {list(values)}; expected exactly one of verb, role, shadow")
        verbs = [c for c in lexicon.categories if kinds[c] == "verb"]
        if sorted(verbs) != sorted(_VERB_CATEGORIES):
            raise ValueError(f"verb categories must be {list(_VERB_CATEGORIES)}, got {verbs}")
        self.lexicon_ = lexicon
        self.roles_ = [c for c in lexicon.categories if kinds[c] == "role"]
        # One lexicon, one scan: shadows hide their shorter terms by longest match.
        self.matcher_ = LexiconMatcher(lexicon, negation=False)
        categories = list(self.matcher_.categories_)
        self._is_verb = np.asarray([c in _VERB_CATEGORIES for c in categories])
        self._is_role = np.asarray([c in self.roles_ for c in categories])
        self._loaded = np.asarray([c == "loaded_verb" for c in categories])
        # Priority of each role category (lower wins); other categories rank past every role.
        self._rank = np.asarray([self.roles_.index(c) if c in self.roles_ else len(categories)
                                 for c in categories], dtype=np.int64)
        # Per (term, category): needs a quotation nearby; where its speaker is looked for.
        shape = (len(self.matcher_.terms_), len(categories))
        self._needs_quote = np.zeros(shape, dtype=bool)
        self._speaker_rule = np.full(shape, _BEFORE, dtype=np.int64)
        term_ids: dict[str, list[int]] = {}
        for index, term in enumerate(self.matcher_.terms_):
            term_ids.setdefault(term, []).append(index)

        def mark(column, accepted, table, value):
            if column not in entries.columns:
                return
            flagged = entries[_flag(entries[column], accepted)]
            for term, category in zip(flagged["term"], flagged["category"], strict=True):
                for index in term_ids.get(term, []):
                    table[index, categories.index(category)] = value

        mark("context", ("quote",), self._needs_quote, True)
        mark("speaker", ("after",), self._speaker_rule, _AFTER)
        mark("speaker", ("none",), self._speaker_rule, _NONE)
        return (["quotes_per_1k", "short_quotes_per_1k", "quoted_share", "attributions_per_1k",
                 "neutral_verb_per_1k", "loaded_verb_per_1k", "loaded_verb_share",
                 "role_identified_share"]
                + [f"{role}_per_1k" for role in self.roles_]
                + [f"{role}_share" for role in self.roles_])

    # -- finding ---------------------------------------------------------------------------
    def _source(self, texts: list[str]) -> _Sourced:
        found = self.matcher_.find(texts)
        category, term = found.category, found.term
        offsets = layout(texts)
        start = offsets[found.doc] + found.start
        end = offsets[found.doc] + found.end
        q_start, q_end = quote_spans(texts, offsets)
        breaks = sentence_breaks(texts, offsets)
        outside = ~inside(start, end, q_start, q_end)

        # Attribution verbs: outside quotations; some only beside one.
        verb = self._is_verb[category] & outside
        needs = verb & self._needs_quote[term, category]
        if needs.any():
            near = nearest_anchor(start[needs], end[needs], q_start, q_end,
                                  int(self.quote_window), breaks)
            verb[np.flatnonzero(needs)[near < 0]] = False
        v = np.flatnonzero(verb)
        v_start, v_end = start[v], end[v]
        rule = self._speaker_rule[term[v], category[v]]
        # Inverted attribution puts the speaker after the verb: right after a quotation
        # ('," said Sheriff Doe') or a comma (', said his attorney').
        quote_inverted = _just_after(q_end, v_start, _INVERTED_GAP)
        comma_inverted = _just_after(positions(_COMMA, texts, offsets) + 1, v_start, 1)
        window = int(self.speaker_window)
        after_limit = np.where((rule == _AFTER) | ((rule == _BEFORE) & quote_inverted), window,
                               np.where((rule == _BEFORE) & comma_inverted, _COMMA_AFTER, -1))
        before_allowed = (rule == _BEFORE) & ~quote_inverted

        # Role phrases: role matches outside quotations, at most _PHRASE_GAP apart, in one
        # sentence. A phrase's role is its highest-priority term's.
        r = np.flatnonzero(self._is_role[category] & outside)
        verb_role = np.full(len(v), -1, dtype=np.int64)
        decider = np.full(len(v), -1, dtype=np.int64)  # index into found
        if len(v) and len(r):
            r_start, r_end = start[r], end[r]
            reach = np.maximum.accumulate(r_end)
            new = np.ones(len(r), dtype=bool)
            new[1:] = ((r_start[1:] - reach[:-1] > _PHRASE_GAP)
                       | (breaks_between(breaks, reach[:-1], r_start[1:]) > 0))
            phrase = np.cumsum(new) - 1
            heads = np.flatnonzero(new)
            p_start = r_start[heads]
            p_end = np.maximum.reduceat(r_end, heads)
            order = np.lexsort((r_start, self._rank[category[r]], phrase))
            first = np.ones(len(order), dtype=bool)
            first[1:] = phrase[order[1:]] != phrase[order[:-1]]
            p_decider = r[order[first]]
            # The nearest phrase on the speaker's side, in the same sentence.
            n_phrases = len(heads)
            following = np.searchsorted(p_start, v_end, side="left")
            has = following < n_phrases
            following = np.minimum(following, n_phrases - 1)
            ok_after = has & (p_start[following] - v_end <= after_limit) & (
                breaks_between(breaks, v_end, p_start[following]) == 0)
            preceding = np.searchsorted(p_end, v_start, side="right") - 1
            has = preceding >= 0
            preceding = np.maximum(preceding, 0)
            ok_before = has & before_allowed & (v_start - p_end[preceding] <= window) & (
                breaks_between(breaks, p_end[preceding], v_start) == 0)
            chosen = np.where(ok_after, following, np.where(ok_before, preceding, -1))
            linked = chosen >= 0
            decider[linked] = p_decider[chosen[linked]]
            verb_role[linked] = category[decider[linked]]

        # Quotations and their lengths (a loop over quotations, a handful per text).
        q_doc = np.searchsorted(offsets, q_start, side="right") - 1
        local_start, local_end = q_start - offsets[q_doc], q_end - offsets[q_doc]
        pieces = [texts[d][s:e].split() for d, s, e in
                  zip(q_doc.tolist(), local_start.tolist(), local_end.tolist(), strict=True)]
        n_quote_words = np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces))
        n_quote_chars = np.fromiter((sum(map(len, words)) for words in pieces),
                                    dtype=np.int64, count=len(pieces))
        has_role = decider >= 0
        safe = np.maximum(decider, 0)
        return _Sourced(
            n_words=found.n_words, quote_doc=q_doc, quote_start=local_start,
            quote_end=local_end, quote_short=n_quote_words < SHORT_QUOTE_WORDS,
            quote_chars=n_quote_chars,
            verb_doc=found.doc[v], verb_start=found.start[v], verb_end=found.end[v],
            verb_term=term[v], verb_category=category[v], verb_role=verb_role,
            role_start=np.where(has_role, found.start[safe], -1),
            role_end=np.where(has_role, found.end[safe], -1),
            role_term=np.where(has_role, term[safe], -1))

    # -- scoring ---------------------------------------------------------------------------
    def _transform_batch(self, texts: list[str]) -> np.ndarray:
        s = self._source(texts)
        n = len(texts)
        per_1k = RATE_SCALE / np.maximum(s.n_words, 1)

        def count(doc, weights=None):
            return np.bincount(doc, weights=weights, minlength=n).astype(np.float64)

        def share(part, whole):
            out = np.zeros(np.broadcast_shapes(np.shape(part), np.shape(whole)))
            return np.divide(part, whole, out=out, where=whole > 0)

        # Non-whitespace characters, so line breaks and spacing do not move the share
        # (str.split cuts at exactly the characters str.isspace accepts).
        lengths = np.fromiter((sum(map(len, t.split())) for t in texts),
                              dtype=np.float64, count=n)
        quoted = count(s.quote_doc, s.quote_chars.astype(np.float64))
        loaded = self._loaded[s.verb_category]
        n_verbs, n_loaded = count(s.verb_doc), count(s.verb_doc[loaded])
        with_role = s.verb_role >= 0
        n_roles = count(s.verb_doc[with_role])
        role_columns = len(self.roles_)
        by_role = np.bincount(
            s.verb_doc[with_role] * role_columns + self._rank[s.verb_role[with_role]],
            minlength=n * role_columns).reshape(n, role_columns).astype(np.float64)
        columns = [
            count(s.quote_doc[~s.quote_short]) * per_1k,
            count(s.quote_doc[s.quote_short]) * per_1k,
            share(quoted, lengths),
            n_verbs * per_1k,
            (n_verbs - n_loaded) * per_1k,
            n_loaded * per_1k,
            share(n_loaded, n_verbs),
            share(n_roles, n_verbs),
        ]
        return np.column_stack(columns + [by_role * per_1k[:, None],
                                          share(by_role, n_roles[:, None])])

    def _transform_texts(self, texts):
        return self._transform_in_batches(texts, BATCH_SIZE)

    def _span_categories(self):
        return [*super()._span_categories(), "quote", "short_quote"]

    def _explain_text(self, text: str) -> pd.DataFrame:
        s = self._source([text])
        categories = self.matcher_.categories_
        terms = self.matcher_.terms_
        rows = []
        for start, end, short in zip(s.quote_start.tolist(), s.quote_end.tolist(),
                                     s.quote_short.tolist(), strict=True):
            rows.append((start, end, "short quotation" if short else "quotation",
                         "short_quote" if short else "quote",
                         "short_quotes_per_1k" if short else "quotes_per_1k", "", ""))
        for i in range(len(s.verb_start)):
            category = categories[s.verb_category[i]]
            role = categories[s.verb_role[i]] if s.verb_role[i] >= 0 else ""
            speaker = text[s.role_start[i]:s.role_end[i]] if role else ""
            verb_text = text[s.verb_start[i]:s.verb_end[i]]
            rows.append((int(s.verb_start[i]), int(s.verb_end[i]), terms[s.verb_term[i]],
                         category, f"{category}_per_1k", role, speaker))
            if role:
                rows.append((int(s.role_start[i]), int(s.role_end[i]), terms[s.role_term[i]],
                             role, f"{role}_per_1k", role, verb_text))
        table = pd.DataFrame(rows, columns=["start", "end", "term", "category", "feature",
                                            "role", "linked"])
        table.insert(2, "text", [text[a:b] for a, b in zip(table["start"], table["end"],
                                                            strict=True)])
        table.insert(5, "weight", 1.0)
        table["feature"] = self.name + "__" + table["feature"]
        # For a verb: the speaker's words; for a role: the verb it is the speaker of.
        is_role = table["category"].isin(self.roles_)
        table["speaker"] = np.where(is_role, table["text"], table["linked"])
        table["verb"] = np.where(is_role, table["linked"], "")
        table = table.drop(columns=["linked"])
        return table.sort_values(["start", "end"], kind="stable").reset_index(drop=True)
