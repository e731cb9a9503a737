"""Vectorised word keys and the static key table behind the matcher."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from framing.lexicons import Lexicon, LexiconMatcher
from framing.lexicons._hashing import KeyTable, fold, fold_array, word_key, word_keys

words = st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=255), min_size=1,
                max_size=20)


@settings(max_examples=200, deadline=None)
@given(st.lists(words, min_size=1, max_size=30))
def test_numpy_keys_equal_python_keys(tokens):
    data = " ".join(tokens).encode("latin-1")
    codes = np.frombuffer(data, dtype=np.uint8)
    starts, position = [], 0
    for token in tokens:
        starts.append(position)
        position += len(token) + 1
    start = np.asarray(starts)
    end = start + np.asarray([len(t) for t in tokens])
    keys = word_keys(codes, start, end)
    assert [int(k) for k in keys] == [word_key(t.encode("latin-1")) for t in tokens]
    if len(tokens) > 1:
        pair = fold_array(keys[:-1], keys[1:])
        assert int(pair[0]) == fold(word_key(tokens[0].encode("latin-1")),
                                    word_key(tokens[1].encode("latin-1")))


def test_key_table_finds_every_key_and_nothing_else():
    rng = np.random.default_rng(0)
    keys = np.unique(rng.integers(0, 2**63, size=20_000, dtype=np.uint64))
    table = KeyTable(keys, np.arange(len(keys)))
    assert np.array_equal(table.get(keys), np.arange(len(keys)))
    others = rng.integers(0, 2**63, size=20_000, dtype=np.uint64)
    others = others[~np.isin(others, keys)]
    assert (table.get(others) == -1).all()
    assert (table.get(np.zeros(3, dtype=np.uint64)) == -1).all()  # empty slots hold 0


def test_different_words_of_equal_length_get_different_keys():
    vocabulary = [f"{a}{b}{c}".encode() for a in "abcdefghij" for b in "klmnopqrst"
                  for c in "uvwxyz0123"]
    assert len({word_key(w) for w in vocabulary}) == len(vocabulary)


def test_wildcard_longer_than_the_last_word_of_a_batch():
    """Regression: a wildcard prefix read past the end of the batch (IndexError)."""
    lex = Lexicon.from_dict({"harm": ["abusive*"]}, name="mfd")
    counts, _ = LexiconMatcher(lex).count(["so abus", "ab", "abusiveness"])
    assert counts.ravel().tolist() == [0.0, 0.0, 1.0]
