"""The articles and outlets contracts, and outlet identity: what passes, what each violation
says."""

import io

import numpy as np
import pandas as pd
import pytest

from framing.schema import (
    OUTLET_CROSSWALK_COLUMNS,
    SchemaError,
    empty_articles,
    normalize_domain,
    normalize_outlet,
    outlet_crosswalk,
    outlet_from_url,
    outlet_name,
    registrable_domain,
    validate_articles,
    validate_outlets,
)


def make_articles(n=3, **overrides):
    data = {
        "outlet": [f"outlet-{i}" for i in range(n)],
        "date": pd.to_datetime([f"2019-01-0{i + 1}" for i in range(n)], utc=True),
        "title": [f"Title {i}" for i in range(n)],
        "text": [f"Body {i}." for i in range(n)],
    }
    data.update(overrides)
    return pd.DataFrame(data, index=pd.Index([f"a{i}" for i in range(n)], name="article_id"))


def test_valid_articles_pass_and_are_returned_unchanged():
    df = make_articles()
    assert validate_articles(df) is df


def test_empty_articles_is_valid():
    assert len(validate_articles(empty_articles())) == 0


def test_labels_and_meta_columns_are_allowed_other_columns_are_not():
    df = make_articles(label_allsides=["left", "center", "right"], meta_x=[1, 2, 3])
    validate_articles(df)
    with pytest.raises(SchemaError) as err:
        validate_articles(df.assign(score=[1.0, 2.0, 3.0]))
    assert err.value.column == "score"
    validate_articles(df.assign(score=[1.0, 2.0, 3.0]), allow_extra=True)


@pytest.mark.parametrize("column", ["outlet", "date", "title", "text"])
def test_missing_required_column_is_named(column):
    with pytest.raises(SchemaError) as err:
        validate_articles(make_articles().drop(columns=column))
    assert err.value.column == column


def test_missing_text_names_column_row_and_position():
    df = make_articles()
    df.loc["a1", "text"] = None
    with pytest.raises(SchemaError) as err:
        validate_articles(df)
    assert (err.value.column, err.value.row, err.value.position) == ("text", "a1", 1)
    assert "column 'text', row 'a1' (position 1): missing value" == str(err.value)


def test_non_string_text_is_refused():
    df = make_articles().astype({"text": object})
    df.loc["a2", "text"] = 42
    with pytest.raises(SchemaError, match="not a string: 42") as err:
        validate_articles(df)
    assert err.value.row == "a2"


def test_empty_outlet_is_refused_but_empty_text_is_allowed():
    validate_articles(make_articles(text=["", "x", "y"]))
    with pytest.raises(SchemaError, match="empty string") as err:
        validate_articles(make_articles(outlet=["a", " ", "b"]))
    assert err.value.row == "a1"


def test_naive_or_non_utc_dates_are_refused():
    naive = make_articles(date=pd.to_datetime(["2019-01-01"] * 3))
    with pytest.raises(SchemaError, match="UTC") as err:
        validate_articles(naive)
    assert err.value.column == "date"
    other_tz = make_articles(date=pd.to_datetime(["2019-01-01"] * 3).tz_localize("US/Eastern"))
    with pytest.raises(SchemaError, match="UTC"):
        validate_articles(other_tz)
    validate_articles(make_articles(date=pd.to_datetime([None, "2019-01-01", None], utc=True)))


def test_index_must_be_named_unique_non_empty_strings():
    df = make_articles()
    with pytest.raises(SchemaError, match="named 'article_id'"):
        validate_articles(df.rename_axis("id"))
    dup = df.rename(index={"a2": "a0"})
    with pytest.raises(SchemaError, match="duplicate article_id 'a0'") as err:
        validate_articles(dup)
    assert err.value.position == 2
    numeric = df.set_axis(pd.Index([1, 2, 3], name="article_id"))
    with pytest.raises(SchemaError, match="non-empty string"):
        validate_articles(numeric)


def test_optional_columns_accept_missing_values_but_not_numbers():
    validate_articles(make_articles(url=["http://a", None, np.nan]))
    with pytest.raises(SchemaError) as err:
        validate_articles(make_articles(url=["http://a", 3, None]))
    assert err.value.column == "url"


def test_non_dataframe_is_refused():
    with pytest.raises(SchemaError, match="DataFrame"):
        validate_articles([{"text": "x"}])


def test_outlets_contract():
    outlets = pd.DataFrame({"name": ["Fox News", "Reuters"], "lean": ["right", None]},
                           index=pd.Index(["fox-news", "reuters"], name="outlet"))
    validate_outlets(outlets)
    with pytest.raises(SchemaError, match="not normalised"):
        validate_outlets(outlets.rename(index={"reuters": "Reuters"}))
    with pytest.raises(SchemaError, match="lean must be") as err:
        validate_outlets(outlets.assign(lean=["right", "far-left"]))
    assert err.value.row == "reuters"


@pytest.mark.parametrize("name, key", [
    ("New York Times - News", "new-york-times-news"),
    ("CNN (Web News)", "cnn-web-news"),
    ("Fox News", "fox-news"),
    ("Le Monde diplomatique", "le-monde-diplomatique"),
    ("Télérama", "telerama"),
    ("AT&T News", "at-and-t-news"),
    ("", ""),
])
def test_normalize_outlet(name, key):
    assert normalize_outlet(name) == key
    assert normalize_outlet(key) == key  # idempotent


@pytest.mark.parametrize("url, domain", [
    ("https://www.breitbart.com/politics/x?y=1", "breitbart.com"),
    ("http://edition.cnn.com/2021/03/08/", "edition.cnn.com"),
    ("www.foxnews.com", "foxnews.com"),
    ("https://user@m.example.org:8080/a", "example.org"),
])
def test_normalize_domain(url, domain):
    assert normalize_domain(url) == domain


@pytest.mark.parametrize("url, domain, key", [
    ("https://edition.cnn.com/2021/03/08/uk/story", "cnn.com", "cnn-com"),
    ("https://www.bbc.co.uk/news/x", "bbc.co.uk", "bbc-co-uk"),
    ("latimes.com", "latimes.com", "latimes-com"),
    ("http://127.0.0.1:8000/page.html", "127.0.0.1", "127-0-0-1"),
    ("", "", ""),
])
def test_outlet_from_url(url, domain, key):
    assert registrable_domain(url) == domain
    assert outlet_from_url(url) == key


def test_outlet_crosswalk_is_keyed_by_normalised_names():
    crosswalk = outlet_crosswalk()
    assert crosswalk.index.name == "outlet" and crosswalk.index.is_unique
    assert tuple(["outlet", *crosswalk.columns]) == OUTLET_CROSSWALK_COLUMNS
    assert (crosswalk.index == crosswalk["name"].map(normalize_outlet)).all()
    assert len(crosswalk) >= 121
    person = crosswalk.loc["ben-shapiro"]
    assert person["domain"] is None and person["mbfc_domain"] is None  # blank is None, not ""
    assert crosswalk.loc["business-insider", "allsides_2022_name"] == "Insider"
    assert outlet_name("cnn-web-news") == "CNN (Web News)"
    assert outlet_name("not-an-outlet") is None
    crosswalk.loc["abc-news", "name"] = "changed"  # a copy: the packaged table is untouched
    assert outlet_crosswalk().loc["abc-news", "name"] == "ABC News"


HEADER = ",".join(OUTLET_CROSSWALK_COLUMNS)


def test_outlet_crosswalk_of_your_own(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text(HEADER + "\nthe-local,The Local,thelocal.example,,,,\n", encoding="utf-8")
    table = outlet_crosswalk(path)
    assert table.index.tolist() == ["the-local"]
    assert table.loc["the-local", "domain"] == "thelocal.example"
    assert table.loc["the-local", "mbfc_domain"] is None


@pytest.mark.parametrize("text, message", [
    ("outlet,name\nfox-news,Fox News\n", "mine.csv: expected columns"),
    (HEADER + "\nFox-News,Fox News,,,,,\n", "mine.csv line 2: outlet 'Fox-News' must be unique"),
    (HEADER + "\nfox-news,Fox News,,,,,\nfox-news,Fox News,,,,,\n",
     "mine.csv line 3: outlet 'fox-news' must be unique"),
    (HEADER + "\nfox-news,Fox News,foxnews.com\n", "mine.csv line 2: expected 7 fields"),
])
def test_outlet_crosswalk_errors_name_the_file_and_line(tmp_path, text, message):
    path = tmp_path / "mine.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        outlet_crosswalk(path)
    buffer = io.StringIO(text)
    buffer.name = "mine.csv"
    with pytest.raises(ValueError, match=message.split(": ", 1)[1]):
        outlet_crosswalk(buffer)
