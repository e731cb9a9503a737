"""framing.datasets.fetch_lexicon and list_lexicons: moved to framing.lexicons, still working."""

from __future__ import annotations

import importlib

import pandas as pd
import pytest

import framing.datasets
import framing.lexicons


def test_old_fetch_lexicon_import_warns_and_is_the_new_function():
    with pytest.warns(DeprecationWarning, match="use framing.lexicons.fetch_lexicon") as caught:
        from framing.datasets import fetch_lexicon
    assert fetch_lexicon is framing.lexicons.fetch_lexicon
    assert caught[0].filename == __file__  # the warning points at the user's import


def test_old_list_lexicons_warns_and_still_lists_the_public_lexicons_with_their_files():
    with pytest.warns(DeprecationWarning, match="use framing.lexicons.list_lexicons"):
        old = framing.datasets.list_lexicons()
    assert list(old.columns) == ["name", "description", "citation", "licence", "case",
                                 "source"]
    new = framing.lexicons.list_lexicons()
    public = new[new["kind"] == "public"]
    assert old["name"].tolist() == sorted(public["name"]) and len(old) == 15
    assert old["source"].str.match(r"^[\w.-]+/[\w.-]+@[0-9a-f]{40}/\S+").all()
    pd.testing.assert_frame_equal(old, public.drop(columns="kind").reset_index(drop=True))


def test_moved_names_are_not_advertised_but_every_use_warns():
    assert "fetch_lexicon" not in framing.datasets.__all__
    assert "list_lexicons" not in framing.datasets.__all__
    for _ in range(2):  # not cached after the first use
        with pytest.warns(DeprecationWarning):
            framing.datasets.fetch_lexicon  # noqa: B018
    with pytest.raises(AttributeError, match="no attribute 'fetch_lexicons'"):
        framing.datasets.fetch_lexicons  # noqa: B018


def test_datasets_no_longer_hosts_lexicon_parsers():
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("framing.datasets._lexicon_formats")
