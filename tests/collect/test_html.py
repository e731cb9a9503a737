"""from_html on the 25 annotated real news pages: main text kept, boilerplate dropped."""

from __future__ import annotations

import pytest

from framing.collect import from_html, url_article_id
from framing.schema import validate_articles


def _normalise(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def extracted(fixture_pages):
    htmls = [html for _, html in fixture_pages]
    urls = [annotation["url"] for annotation, _ in fixture_pages]
    return from_html(htmls, urls=urls)


def test_fixture_pages_extraction_rates(fixture_pages, extracted):
    kept = total_with = dropped = total_without = 0
    missed, leaked = [], []
    for annotation, _ in fixture_pages:
        text = _normalise(extracted.loc[url_article_id(annotation["url"]), "text"])
        for snippet in annotation["with"]:
            total_with += 1
            if _normalise(snippet) in text:
                kept += 1
            else:
                missed.append((annotation["file"], snippet))
        for snippet in annotation["without"]:
            total_without += 1
            if _normalise(snippet) not in text:
                dropped += 1
            else:
                leaked.append((annotation["file"], snippet))
    kept_rate, dropped_rate = kept / total_with, dropped / total_without
    print(f"\nmain-text snippets kept: {kept}/{total_with} = {kept_rate:.3f}")
    print(f"boilerplate snippets dropped: {dropped}/{total_without} = {dropped_rate:.3f}")
    for file, snippet in missed:
        print(f"  missed  {file}: {snippet!r}")
    for file, snippet in leaked:
        print(f"  leaked  {file}: {snippet!r}")
    assert kept_rate >= 0.9
    assert dropped_rate >= 0.9


def test_fixture_pages_give_valid_articles_with_metadata(fixture_pages, extracted):
    validate_articles(extracted)
    assert len(extracted) == 25
    assert len(extracted.attrs["failures"]) == 0
    assert list(extracted.index) == [url_article_id(a["url"]) for a, _ in fixture_pages]
    by_id = {url_article_id(a["url"]): a for a, _ in fixture_pages}
    latimes = extracted.loc[url_article_id(fixture_pages[0][0]["url"])]
    # outlet from the registrable domain of the URL, whatever the site calls itself
    assert latimes["outlet"] == "latimes-com"
    assert latimes["meta_sitename"] == "Los Angeles Times"
    assert "cnn-com" in set(extracted["outlet"])  # edition.cnn.com
    same_date = sum(str(extracted.loc[i, "date"].date()) == a["date"] for i, a in by_id.items())
    same_title = sum(bool(extracted.loc[i, "title"]) for i in by_id)
    print(f"\ndates equal to the annotation: {same_date}/25; titles found: {same_title}/25")
    assert same_date >= 22
    assert same_title == 25
    assert str(extracted["date"].dtype).endswith("UTC]")
    assert latimes["authors"] == "Evan Halper"
    assert extracted.attrs["extractor"]["name"] == "trafilatura"


def test_pages_without_text_are_reported_not_dropped_silently():
    page = ("<html><body><article><p>" + "A full paragraph of reporting. " * 10 +
            "</p></article></body></html>")
    with pytest.warns(UserWarning, match="did not become articles"):
        articles = from_html(["<html><body></body></html>", page, page],
                             urls=["https://a.example.com/empty", None, None])
    failures = articles.attrs["failures"]
    assert len(articles) == 1
    assert failures["stage"].tolist() == ["extract", "input"]
    assert "no main text" in failures["reason"].iloc[0]
    assert "same article" in failures["reason"].iloc[1]
    # keyed on content when there is no URL, and the same page gives the same key
    again = from_html([page])
    assert list(again.index) == list(articles.index)
    assert articles["outlet"].iloc[0] == "unknown"


def test_from_html_rejects_a_bare_string_and_mismatched_urls():
    with pytest.raises(TypeError):
        from_html("<html></html>")
    with pytest.raises(ValueError, match="URLs"):
        from_html(["<html></html>"], urls=[])
