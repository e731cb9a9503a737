"""Strip what identifies an outlet rather than how it frames a story.

A classifier trained to predict an outlet's AllSides rating from article text learns the
outlet's *signature* first: its name in datelines ("WASHINGTON (Reuters) -"), bylines,
photo credits ("REUTERS/Mike Blake"), newsletter promos ("Sign up for Daily Opinion
Newsletter"), copyright lines, link widgets ("... MORE" in The Hill). Those features
separate outlets seen in training perfectly and say nothing about an outlet never seen,
which is why the random split flatters a model (Baly et al. 2020). The
:class:`OutletSignatureStripper` removes them, learned on the training fold only:

1. **Generic rules** (fixed, no fitting): URLs and e-mail addresses; datelines at the start
   of a line (``PLACE (Agency) -``, ``(AP) —``); bylines ("By Jane Doe" lines) and
   credit sentences ("... contributed to this report"); photo credits (capitalised words
   joined by ``/``, ``(AP Photo/...)``); boilerplate lines (``Advertisement``,
   ``Related:``, ``Sign up for ...``, ``Copyright ...``, ``Click here ...``, ``Watch:``);
   short bracketed asides (``[Read more]``); runs of blank lines and spaces (formatting
   differs by outlet).
2. **Outlet names** of the training outlets and their variants (the name without ``The``,
   without a desk suffix such as ``- News`` or ``(Web News)``, an all-capitals first word
   such as ``NPR``, the possessive), matched case-sensitively on word boundaries.
3. **Outlet-specific shingles**: word ``ngram``-grams (5 by default) present in at least
   ``min_docs`` training articles *and* ``min_share`` of one outlet's training articles,
   but in at most ``max_other_share`` of the other outlets' articles. Every text span
   covered by such a shingle is removed, so longer boilerplate (promos of any length) goes
   in one piece. A phrase many outlets share, even a loaded one, is kept: it is framing,
   not a signature.

Without ``groups`` at fit time, only the generic rules apply (there is nothing to learn
outlet signatures from). :meth:`OutletSignatureStripper.report` counts what was removed,
per rule and outlet, and :meth:`OutletSignatureStripper.explain` shows the spans in one
text.

Learning signatures reads every training text; cross-validating several classifiers on the
same folds learns the same signatures again and again. ``memory=`` caches that work on
disk, as :class:`sklearn.pipeline.Pipeline` caches its transformers.
"""

from __future__ import annotations

import os
import re
from collections import Counter, defaultdict

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .._validation import as_texts
from .._warnings import warn_at_caller

__all__ = ["GENERIC_RULES", "OutletSignatureStripper", "strip_outlet_signatures"]

_CAP = r"[A-Z][\w.'’&-]*"
#: The fixed rules: (name, compiled pattern, cue strings). Each match is removed; a rule
#: runs on a text only when one of its cues occurs in it (most texts have no URL, no
#: e-mail, no photo credit: the cue test is much cheaper than the regular expression).
#: Authored for English-language US news as scraped by newspaper3k/trafilatura.
GENERIC_RULES: tuple[tuple[str, re.Pattern, tuple[str, ...]], ...] = (
    ("url", re.compile(r"(?:https?://|www\.)\S+|\bpic\.twitter\.com/\S+"
                       r"|(?<![\w-])[\w-]+\.(?:com|org|net|co\.uk)(?:/\S*)?\b", re.I),
     ("http", "www.", "WWW.", ".com", ".org", ".net", ".co.uk", ".COM")),
    ("email", re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"), ("@",)),
    # "WASHINGTON (Reuters) -", "Washington (CNN)", "(AP) —" at the start of a line; a party
    # tag such as "(R-Texas)" is not a dateline.
    ("dateline", re.compile(
        rf"^[ \t]*(?:{_CAP}(?:[ ,]+{_CAP}){{0,4}}[ ,]*)?"
        r"\((?![RDI]-)[A-Z][\w.&'’ ]{0,30}\)[ \t]*(?:[-—–:]+[ \t]*)?", re.M), ("(",)),
    ("byline", re.compile(
        rf"^[ \t]*By {_CAP}(?: {_CAP}){{0,3}}(?:,? (?:and|&) {_CAP}(?: {_CAP}){{0,3}})*"
        r"[^\n]{0,60}$", re.M), ("By ",)),
    # "The Associated Press contributed to this report." (the sentence, from its start)
    ("credit", re.compile(r"(?:^|(?<=[.!?]))[^.\n]{0,120}\bcontributed (?:to )?(?:this )?"
                          r"(?:report|article|story)(?:ing)?\b[^.\n]*\.?", re.I | re.M),
     ("contributed", "Contributed", "CONTRIBUTED")),
    ("photo_credit", re.compile(
        r"\((?:[^()\n]{0,80}/[^()\n]{0,80}|(?:AP|AFP|Getty|Reuters)[^()\n]{0,60})\)"
        r"|(?:\|\s*)?(?<![\w.'’-])[A-Z][\w.'’-]*(?:/[A-Z][\w.'’-]*)+(?:[ \t]+[A-Z][\w.'’-]*){0,2}"),
     ("/", "(AP", "(AFP", "(Getty", "(Reuters")),
    ("photo_label", re.compile(r"\b(?:FILE PHOTO|Getty Images|AP Photo)\b:?"),
     ("FILE PHOTO", "Getty Images", "AP Photo")),
    ("boilerplate_line", re.compile(
        r"^[ \t]*(?:Advertisement|ADVERTISEMENT|Related|RELATED|Read more|READ MORE"
        r"|Sign up|SIGN UP|Subscribe|Click here|CLICK HERE|Copyright|©|Follow (?:us|\w+ \w+ on)"
        r"|Watch|WATCH|Continue reading|Share this|This (?:story|article) (?:has been|was) "
        r"updated|ANALYSIS/OPINION|OPINION)\b[^\n]{0,200}$", re.M), ()),
    ("bracketed", re.compile(r"\[[^\]\n]{0,60}\]"), ("[",)),
)
_BLANK_RUNS = re.compile(r"[ \t]*\n[ \t\n]*")
_SPACE_RUNS = re.compile(r"[ \t\u00a0]{2,}")
_WORD = re.compile(r"\w+(?:['’]\w+)*", re.UNICODE)
#: Desk or edition suffixes AllSides appends to outlet names, removed one after another.
_SUFFIXES = (re.compile(r"\s*\([^)]*\)\s*$"), re.compile(r"\s+-\s+.*$"),
             re.compile(r"\s+(?:Online News|Online|Web News|News)\s*$", re.I))


def _name_variants(name: str) -> set[str]:
    """Surface forms of an outlet name: the name, without desk suffixes, without "The".

    A normalised key ("fox-news") is turned back into words ("Fox News").

    Examples
    --------
    >>> sorted(_name_variants("CNN (Web News)"))
    ['CNN', 'CNN (Web News)']
    """
    name = " ".join(str(name).split())
    if name and name == name.lower():
        name = name.replace("-", " ").title()
    variants = {name}
    base = name
    for suffix in _SUFFIXES:
        shorter = suffix.sub("", base).strip(" -")
        if shorter:
            base = shorter
            variants.add(base)
    for value in list(variants):
        if value.lower().startswith("the ") and len(value) > 4:
            variants.add(value[4:])
    return {v for v in variants if len(v) >= 2}


def _tokens(text: str) -> tuple[list[str], list[tuple[int, int]]]:
    words, spans = [], []
    for match in _WORD.finditer(text):
        words.append(match.group().lower())
        spans.append(match.span())
    return words, spans


def _merge(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Merge overlapping spans; the first rule (by start) names a merged span."""
    merged: list[list] = []
    for start, end, rule in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end, rule])
    return [tuple(m) for m in merged]


def _check_memory(memory):
    """``memory`` as an object with joblib.Memory's ``cache``; a path-like becomes its folder."""
    from sklearn.utils.validation import check_memory

    if isinstance(memory, os.PathLike):
        memory = os.fspath(memory)
    return check_memory(memory)


def _learn_signatures(params: dict, texts: list[str], groups: list[str] | None
                      ) -> tuple[dict, dict, list]:
    """Learn the outlet signatures of training texts: ``(names_, shingles_, signature_rows_)``.

    A module-level function of the parameters and the data only, so that
    :class:`OutletSignatureStripper`'s ``memory`` can cache it (joblib keys its cache on the
    arguments and on this function's code).

    Parameters
    ----------
    params : dict
        The stripper's parameters other than ``memory``.
    texts : list of str
    groups : list of str, optional
        The outlet of each text, as long as ``texts``.
    """
    learner = OutletSignatureStripper(**params)
    learner.names_, learner.shingles_ = {}, {}
    rows = []
    if groups is not None:
        outlets = np.asarray(groups, dtype=object)
        if learner.names:
            rows += learner._learn_names(texts, outlets)
        if learner.shingles:
            cleaned = learner._apply(texts, use_learned=False) if learner.generic else texts
            rows += learner._learn_shingles(cleaned, outlets)
    return learner.names_, learner.shingles_, [tuple(r) for r in rows]


class OutletSignatureStripper(TransformerMixin, BaseEstimator):
    """Remove outlet signatures (names, bylines, boilerplate) from article texts.

    Parameters
    ----------
    generic : bool, default True
        Apply the fixed rules in :data:`GENERIC_RULES`.
    names : bool, default True
        Remove the names of the training outlets (needs ``groups`` at fit).
    shingles : bool, default True
        Remove word n-grams specific to one training outlet (needs ``groups`` at fit).
    ngram : int, default 5
        Words per shingle.
    min_docs : int, default 3
        A shingle must occur in at least this many articles of its outlet...
    min_share : float, default 0.05
        ... and in at least this share of them...
    max_other_share : float, default 0.002
        ... and in at most this share of the other outlets' articles.
    outlet_names : mapping, optional
        Extra names per group value (for example ``{"cnn-web-news": "CNN (Web News)"}``);
        the group values themselves are always used.
    memory : None, str, path or joblib.Memory, default None
        Where to cache the learning of signatures, the costly part of ``fit`` (a folder, or
        an object with joblib.Memory's interface), as in :class:`sklearn.pipeline.Pipeline`:
        a later fit on the same texts, outlets and parameters loads the signatures instead
        of learning them again (cross-validating several classifiers on the same folds
        learns each fold's signatures once). None caches nothing. The cache is keyed on the
        inputs and the learning function's code, not on the rest of this module: clear it
        (``joblib.Memory(location).clear()``) after upgrading framing.

    Attributes
    ----------
    names_ : dict
        Outlet -> sorted name variants removed.
    shingles_ : dict
        Shingle (lower-case words joined by single spaces) -> the outlet it signs.
    signature_rows_ : list of tuple
        The learned signatures as plain tuples (kept in this form so that skops can save
        the stripper); :attr:`signatures_` shows them as a table.

    Examples
    --------
    >>> texts = ["WASHINGTON (Reuters) - The bill passed.\\nSign up for our newsletter",
    ...          "By Jane Doe\\nThe Acme Times reported the vote."]
    >>> s = OutletSignatureStripper().fit(texts, groups=["reuters", "The Acme Times"])
    >>> s.transform(texts)
    ['The bill passed.', 'reported the vote.']
    """

    def __init__(self, generic=True, names=True, shingles=True, ngram=5, min_docs=3,
                 min_share=0.05, max_other_share=0.002, outlet_names=None, memory=None):
        self.generic = generic
        self.names = names
        self.shingles = shingles
        self.ngram = ngram
        self.min_docs = min_docs
        self.min_share = min_share
        self.max_other_share = max_other_share
        self.outlet_names = outlet_names
        self.memory = memory

    def fit(self, X, y=None, groups=None):
        """Learn outlet names and outlet-specific shingles from the training texts.

        Parameters
        ----------
        X : sequence of str
        y : ignored
        groups : sequence, optional
            The outlet of each text (a name or key). Without it only the generic rules
            are used.

        Returns
        -------
        self
        """
        texts = as_texts(X)
        if groups is None and (self.names or self.shingles):
            # a pipeline fitted as fit(texts, y) lands here: say so rather than quietly
            # keep the outlets' names and boilerplate that let a model recognise them
            warn_at_caller("OutletSignatureStripper fitted without groups: only the generic "
                           "rules apply, no outlet names or outlet-specific phrases are "
                           "learned; pass the training outlets (in a pipeline: "
                           "fit(texts, y, strip__groups=outlets))")
        if groups is not None:
            groups = [str(g) for g in groups]
            if len(groups) != len(texts):
                raise ValueError(f"groups has {len(groups)} values for {len(texts)} texts")
        params = {k: v for k, v in self.get_params(deep=False).items() if k != "memory"}
        learn = _check_memory(self.memory).cache(_learn_signatures)
        self.names_, self.shingles_, self.signature_rows_ = learn(params, texts, groups)
        self._compile()
        return self

    @property
    def signatures_(self) -> pd.DataFrame:
        """The learned signatures: pattern, kind (name or shingle), outlet, n_docs
        (training articles of that outlet containing it), share (of that outlet's)."""
        check_is_fitted(self, "signature_rows_")
        return pd.DataFrame(self.signature_rows_,
                            columns=["pattern", "kind", "outlet", "n_docs", "share"])

    def _learn_names(self, texts, groups):
        extra = dict(self.outlet_names or {})
        candidates: dict[str, set[str]] = {}
        for outlet in sorted(set(groups)):
            names = {outlet} | ({str(extra[outlet])} if outlet in extra else set())
            candidates[outlet] = set().union(*(_name_variants(n) for n in names))
        every = sorted(set().union(*candidates.values()), key=len, reverse=True)
        if not every:
            return []
        # one pass per text: which variants (and their lower-case forms) occur where
        pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, every)) + r")(?!\w)",
                             re.I)
        docs_with: dict[str, set[int]] = defaultdict(set)
        for position, text in enumerate(texts):
            for match in pattern.finditer(text):
                docs_with[match.group()].add(position)
        sizes = Counter(groups)
        rows = []
        for outlet, variants in candidates.items():
            own = set(np.flatnonzero(groups == outlet).tolist())
            others = max(len(texts) - len(own), 1)
            kept = []
            for variant in sorted(variants):
                where = docs_with.get(variant, set())
                if " " not in variant and not variant.isupper() and docs_with.get(
                        variant.lower()):
                    continue  # also an ordinary word ("Time", "Hill", "Reason")
                own_rate = len(where & own) / max(len(own), 1)
                other_rate = len(where - own) / others
                # a name other outlets write about at least as often as this outlet does
                # ("Paul Ryan", a columnist source) is news content, not a signature
                # (a one-article source mentioning itself is no evidence either way)
                if other_rate > 0.02 and (len(where & own) < 3 or own_rate < 2 * other_rate):
                    continue
                kept.append(variant)
                rows.append((variant, "name", outlet, len(where & own),
                             len(where & own) / sizes[outlet]))
            self.names_[outlet] = kept
        return rows

    def _learn_shingles(self, texts, groups):
        n = int(self.ngram)
        per_outlet: dict[str, Counter] = defaultdict(Counter)
        total: Counter = Counter()
        sizes = Counter(groups)
        for text, outlet in zip(texts, groups, strict=True):
            words = _WORD.findall(text.lower())
            grams = {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}
            per_outlet[outlet].update(grams)
            total.update(grams)
        rows, n_all = [], len(texts)
        for outlet, counts in per_outlet.items():
            size = sizes[outlet]
            others = max(n_all - size, 1)
            floor = max(int(self.min_docs), float(self.min_share) * size)
            for gram, count in counts.items():
                if count < floor:
                    continue
                if (total[gram] - count) / others > float(self.max_other_share):
                    continue
                self.shingles_[" ".join(gram)] = outlet
                rows.append((" ".join(gram), "shingle", outlet, int(count), count / size))
        rows.sort(key=lambda r: (r[2], -r[3], r[0]))
        return rows

    def _compile(self):
        variants = sorted({v for vs in self.names_.values() for v in vs}, key=len, reverse=True)
        self._name_re = (re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, variants))
                                    + r")(?:['’]s)?(?!\w)") if variants else None)
        self._name_owner = {v: o for o, vs in self.names_.items() for v in vs}
        self._gram_set = {tuple(k.split(" ")) for k in self.shingles_}

    def __setstate__(self, state):
        # a stripper saved before ``memory`` existed loads with no cache, so that
        # get_params and clone keep working on it
        self.__dict__.update({"memory": None, **state})
        if "signature_rows_" in state:
            self._compile()

    def __getstate__(self):
        state = self.__dict__.copy()
        for key in ("_name_re", "_name_owner", "_gram_set"):
            state.pop(key, None)
        return state

    # -- applying ------------------------------------------------------------------------

    def _spans(self, text: str, use_learned: bool = True) -> list[tuple[int, int, str]]:
        spans = []
        if self.generic:
            for rule, pattern, cues in GENERIC_RULES:
                if cues and not any(cue in text for cue in cues):
                    continue
                spans += [(m.start(), m.end(), rule) for m in pattern.finditer(text)
                          if m.end() > m.start()]
        if use_learned and getattr(self, "_name_re", None) is not None:
            spans += [(m.start(), m.end(), "name:" + self._name_owner.get(
                re.sub(r"['’]s$", "", m.group()), "")) for m in self._name_re.finditer(text)]
        if use_learned and self._gram_set:
            n = int(self.ngram)
            words = _WORD.findall(text.lower())
            hits = [i for i in range(len(words) - n + 1)
                    if tuple(words[i:i + n]) in self._gram_set]
            if hits:  # character offsets only for texts with a hit
                words, offsets = _tokens(text)
                for i in range(len(words) - n + 1):
                    gram = tuple(words[i:i + n])
                    if gram in self._gram_set:
                        spans.append((offsets[i][0], offsets[i + n - 1][1],
                                      "shingle:" + self.shingles_[" ".join(gram)]))
        return _merge(spans)

    def _apply(self, texts, use_learned=True):
        out = []
        for text in texts:
            spans = self._spans(text, use_learned)
            if spans:
                pieces, last = [], 0
                for start, end, _ in spans:
                    pieces.append(text[last:start])
                    last = end
                pieces.append(text[last:])
                text = " ".join(pieces)
            text = _SPACE_RUNS.sub(" ", _BLANK_RUNS.sub("\n", text))
            out.append("\n".join(line.strip() for line in text.split("\n")).strip())
        return out

    def transform(self, X):
        """Return the texts with every signature span removed (a list of str)."""
        check_is_fitted(self, "signature_rows_")
        return self._apply(as_texts(X))

    def explain(self, text: str) -> pd.DataFrame:
        """The spans removed from one text: start, end, text, rule.

        ``rule`` is a generic rule name, ``name:<outlet>`` or ``shingle:<outlet>``.
        """
        check_is_fitted(self, "signature_rows_")
        rows = [(s, e, text[s:e], r) for s, e, r in self._spans(str(text))]
        return pd.DataFrame(rows, columns=["start", "end", "text", "rule"])

    def report(self, X, groups=None) -> pd.DataFrame:
        """Count removals per rule and pattern over texts (tidy; most frequent first).

        Parameters
        ----------
        X : sequence of str
        groups : sequence, optional
            The outlet of each text, reported in the ``outlet`` column (otherwise the
            outlet the rule belongs to, empty for generic rules).

        Returns
        -------
        DataFrame
            Columns pattern (the removed text, whitespace-normalised), rule, outlet,
            count (spans), n_chars (characters removed).
        """
        check_is_fitted(self, "signature_rows_")
        texts = as_texts(X)
        if groups is not None:
            groups = [str(g) for g in groups]
            if len(groups) != len(texts):
                raise ValueError(f"groups has {len(groups)} values for {len(texts)} texts")
        counts: Counter = Counter()
        chars: Counter = Counter()
        for position, text in enumerate(texts):
            for start, end, rule in self._spans(text):
                outlet = (groups[position] if groups is not None
                          else rule.partition(":")[2])
                key = (" ".join(text[start:end].split())[:120], rule.partition(":")[0], outlet)
                counts[key] += 1
                chars[key] += end - start
        rows = [(*key, n, chars[key]) for key, n in counts.items()]
        table = pd.DataFrame(rows, columns=["pattern", "rule", "outlet", "count", "n_chars"])
        return table.sort_values(["count", "n_chars", "pattern"],
                                 ascending=[False, False, True]).reset_index(drop=True)


def strip_outlet_signatures(texts, outlets=None, **params) -> list[str]:
    """Fit an :class:`OutletSignatureStripper` on ``texts`` and return them stripped.

    For exploration only: in an evaluation, fit the stripper on the training fold (the
    classifiers of :func:`~framing.models.make_ideology_classifier` do so).

    Examples
    --------
    >>> strip_outlet_signatures(["Washington (CNN) The vote failed."])
    ['The vote failed.']
    """
    if outlets is None:  # nothing outlet-specific can be learned: the generic rules only
        params = {"names": False, "shingles": False, **params}
    return OutletSignatureStripper(**params).fit(texts, groups=outlets).transform(texts)
