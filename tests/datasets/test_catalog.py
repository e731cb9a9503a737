"""The catalogue's row counts are the fetchers' row counts."""

import pytest

import framing.datasets as datasets
from framing.datasets import list_datasets

CATALOG = list_datasets()


@pytest.mark.parametrize("name", CATALOG["name"].tolist())
def test_catalog_rows_match_the_fetcher(name, mirror_dir):
    row = CATALOG.set_index("name").loc[name]
    fetched = getattr(datasets, row["fetcher"])(progress=False, **row["kwargs"])
    assert len(fetched) == row["rows"]


def test_catalog_is_complete_and_described():
    assert CATALOG["name"].is_unique
    assert CATALOG[["licence", "citation", "description"]].map(bool).all().all()
