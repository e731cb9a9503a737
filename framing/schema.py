"""The data contracts every stage of framing relies on.

Articles
    A DataFrame indexed by a unique, non-empty string ``article_id``, with the columns

    ========  ==============================================================
    outlet    normalised outlet key (see :func:`normalize_outlet`), required
    date      publication time, ``datetime64[*, UTC]``; ``NaT`` allowed
    title     headline as published (``""`` when there is none)
    text      body as published, never tokenised (``""`` allowed, never missing)
    url       optional, string or missing
    topic     optional, string or missing
    authors   optional, string or missing (comma-separated as published)
    lang      optional, string or missing (ISO 639-1)
    label_*   labels, for example ``label_allsides`` (outlet-derived: say so)
    meta_*    free metadata
    ========  ==============================================================

Outlets
    A separate DataFrame indexed by the same normalised ``outlet`` key, holding outlet-level
    ratings (AllSides, MBFC, ...), so that an outlet-level rating never passes for an
    article-level label.

Features
    Same index as the articles, float64 columns named ``<scorer>__<feature>``.

Outlet identity
    This module is the one place that says which outlet a name or an address is:
    :func:`normalize_outlet` (a name as a source spells it -> the key),
    :func:`normalize_domain` and :func:`registrable_domain` (a URL -> its host, its
    registrable domain), :func:`outlet_from_url` (a collected article's URL -> its key) and
    :func:`outlet_crosswalk` / :func:`outlet_name` (the hand-checked crosswalk of rated
    outlets: key, display name, site, and the outlet's name in each rating table).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from os import PathLike

import numpy as np
import pandas as pd

__all__ = [
    "ARTICLE_COLUMNS",
    "OPTIONAL_ARTICLE_COLUMNS",
    "OUTLET_COLUMNS",
    "OUTLET_CROSSWALK_COLUMNS",
    "SchemaError",
    "empty_articles",
    "normalize_domain",
    "normalize_outlet",
    "outlet_crosswalk",
    "outlet_from_url",
    "outlet_name",
    "registrable_domain",
    "validate_articles",
    "validate_outlets",
]

#: Columns every articles DataFrame has, in this order.
ARTICLE_COLUMNS = ("outlet", "date", "title", "text")
#: Columns an articles DataFrame may have besides ``label_*`` and ``meta_*``.
OPTIONAL_ARTICLE_COLUMNS = ("url", "topic", "authors", "lang")
#: Columns of the outlets table (all but ``name`` may be missing per outlet).
OUTLET_COLUMNS = (
    "name",
    "domain",
    "allsides_2019",
    "allsides_2019_type",
    "allsides_2022",
    "allsides_2022_type",
    "mbfc_bias",
    "mbfc_factual",
    "lean",
)
#: Columns of the outlet crosswalk file, in file order.
OUTLET_CROSSWALK_COLUMNS = ("outlet", "name", "domain", "allsides_2019_name",
                            "allsides_2022_name", "mbfc_domain", "note")
_OUTLET_LEANS = {"left", "center", "right"}
#: The crosswalk framing ships, as a path inside the installed package: beside this module,
#: which owns outlet identity.
_CROSSWALK = "data/outlet_crosswalk.csv"
_PREFIXES = ("label_", "meta_")


class SchemaError(ValueError):
    """A DataFrame breaks a framing data contract.

    Attributes
    ----------
    column : str or None
        The offending column (``"index"`` for the index), or ``None`` for the whole table.
    row : object or None
        The index label of the first offending row, or ``None``.
    position : int or None
        The 0-based position of that row.
    reason : str
        What is wrong.
    """

    def __init__(self, reason: str, *, column=None, row=None, position=None):
        self.column = column
        self.row = row
        self.position = position
        self.reason = reason
        where = []
        if column is not None:
            where.append(f"column {column!r}")
        if row is not None or position is not None:
            where.append(f"row {row!r} (position {position})")
        super().__init__(f"{', '.join(where)}: {reason}" if where else reason)


def normalize_outlet(name: str) -> str:
    """Return the normalised outlet key for an outlet name.

    Accents are stripped, ``&`` becomes ``and``, case is folded, and runs of anything but
    letters and digits become one ``-``. The key is stable across releases: it is what the
    articles' ``outlet`` column and the outlets table's index hold.

    Parameters
    ----------
    name : str
        An outlet name as a source spells it.

    Returns
    -------
    str
        The key; empty only when ``name`` has no letters or digits.

    Examples
    --------
    >>> normalize_outlet("New York Times - News")
    'new-york-times-news'
    >>> normalize_outlet("CNN (Web News)")
    'cnn-web-news'
    >>> normalize_outlet("  Politico ")
    'politico'
    """
    text = unicodedata.normalize("NFKD", str(name))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("&", " and ").casefold()
    return re.sub(r"[^0-9a-z]+", "-", text).strip("-")


def normalize_domain(url_or_domain: str) -> str:
    """Return the host of a URL or domain without scheme, ``www.``/``m.``, port or path.

    Subdomains other than ``www``, ``m`` and ``amp`` are kept (``edition.cnn.com``).

    Examples
    --------
    >>> normalize_domain("https://www.Breitbart.com/politics/2017/x")
    'breitbart.com'
    >>> normalize_domain("www.foxnews.com")
    'foxnews.com'
    >>> normalize_domain("")
    ''
    """
    text = str(url_or_domain).strip().lower()
    text = re.sub(r"^[a-z][a-z0-9+.-]*://", "", text)
    text = re.split(r"[/?#]", text, maxsplit=1)[0]
    text = text.rsplit("@", 1)[-1].split(":", 1)[0]
    return re.sub(r"^(www\d?|m|amp)\.", "", text).strip(".")


def registrable_domain(url_or_host: str) -> str:
    """Return the registrable domain (``edition.cnn.com`` -> ``cnn.com``) of a URL or host.

    Uses the public-suffix list that ships with ``courlan`` (a trafilatura dependency) when it
    is installed, and :func:`normalize_domain` otherwise (which only drops ``www.``, ``m.``
    and ``amp.``). IP addresses and ``localhost`` are returned as they are.

    Examples
    --------
    >>> registrable_domain("https://edition.cnn.com/2021/03/08/uk/story")
    'cnn.com'
    >>> registrable_domain("https://www.bbc.co.uk/news/x")
    'bbc.co.uk'
    >>> registrable_domain("http://127.0.0.1:8000/page.html")
    '127.0.0.1'
    """
    host = normalize_domain(url_or_host)
    if not host or re.fullmatch(r"[\d.]+|localhost|\[[0-9a-f:]+\]", host):
        return host
    try:
        from courlan import extract_domain
    except ImportError:  # pragma: no cover - courlan comes with trafilatura
        return host
    domain = extract_domain("https://" + host + "/")
    return (domain or host).lower()


def outlet_from_url(url_or_host: str) -> str:
    """Return the outlet key of a collected article: ``normalize_outlet`` of its registrable domain.

    The domain, not the site's display name, because every source gives it (GDELT
    ``domain``, Media Cloud ``media_name``, the URL of a page or feed entry) and it does not
    change with a redesign. ``""`` when there is no host. Also available as
    :func:`framing.collect.outlet_from_url`.

    Examples
    --------
    >>> outlet_from_url("https://www.latimes.com/politics/story/2020-02-19/x")
    'latimes-com'
    >>> outlet_from_url("edition.cnn.com")
    'cnn-com'
    """
    return normalize_outlet(registrable_domain(url_or_host))


def outlet_crosswalk(path: str | PathLike | io.TextIOBase | None = None) -> pd.DataFrame:
    """Return the outlet crosswalk: each rated outlet's key, name, site and rating-table names.

    The crosswalk framing ships is hand-checked: for the outlets of the AllSides article
    corpus (and AllSides outlets renamed between rating snapshots) it gives the display
    name, the site, the outlet's name in the AllSides 2019 and 2022 tables and its Media
    Bias/Fact Check domain; a missing cell means "no honest match" (a person has no site and
    no MBFC rating). :func:`framing.datasets.fetch_outlet_ratings` joins the rating tables
    through it.

    Parameters
    ----------
    path : path-like or text file object, optional
        A crosswalk of your own with the same columns; the packaged one by default.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``outlet`` (the key, which must equal ``normalize_outlet(name)``), with
        columns ``name``, ``domain``, ``allsides_2019_name``, ``allsides_2022_name``,
        ``mbfc_domain`` and ``note``; an empty cell is ``None``.

    Raises
    ------
    ValueError
        Naming the file and line: the columns are not :data:`OUTLET_CROSSWALK_COLUMNS`, or
        a key is repeated or is not ``normalize_outlet(name)``.

    Examples
    --------
    >>> crosswalk = outlet_crosswalk()
    >>> crosswalk.loc["abc-news", ["name", "domain", "allsides_2022_name", "mbfc_domain"]
    ...               ].tolist()
    ['ABC News', 'abcnews.go.com', 'ABC News (Online)', 'go.com']
    """
    if path is None:
        rows = _packaged_crosswalk()
    elif isinstance(path, io.TextIOBase):
        rows = _crosswalk_rows(path.read(), getattr(path, "name", "crosswalk"))
    else:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            rows = _crosswalk_rows(handle.read(), str(path))
    # object columns, so that an empty cell stays None (string columns would make it NaN)
    frame = pd.DataFrame([{column: row[column] or None for column in OUTLET_CROSSWALK_COLUMNS}
                          for row in rows], columns=list(OUTLET_CROSSWALK_COLUMNS), dtype=object)
    return frame.set_index("outlet")


def outlet_name(key: str) -> str | None:
    """Return the display name the crosswalk gives an outlet key, or ``None`` if it has none.

    Examples
    --------
    >>> outlet_name("cnn-web-news")
    'CNN (Web News)'
    >>> outlet_name("latimes-com") is None
    True
    """
    for row in _packaged_crosswalk():
        if row["outlet"] == key:
            return row["name"]
    return None


@lru_cache(maxsize=1)
def _packaged_crosswalk() -> tuple[dict, ...]:
    text = resources.files("framing").joinpath(_CROSSWALK).read_text(encoding="utf-8")
    return tuple(_crosswalk_rows(text, f"framing/{_CROSSWALK}"))


def _crosswalk_rows(text: str, source: str) -> list[dict]:
    """Parse and check a crosswalk: columns, normalised unique keys (blank cells are "")."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if tuple(reader.fieldnames or ()) != OUTLET_CROSSWALK_COLUMNS:
        raise ValueError(f"{source}: expected columns {OUTLET_CROSSWALK_COLUMNS}, got "
                         f"{reader.fieldnames}")
    rows = []
    seen = set()
    for row in reader:
        number = reader.line_num  # where the record ends: its only line, unless a quoted
        # note spans several
        key = row["outlet"]
        if None in row or any(value is None for value in row.values()):
            raise ValueError(f"{source} line {number}: expected "
                             f"{len(OUTLET_CROSSWALK_COLUMNS)} fields")
        if key != normalize_outlet(row["name"]) or key in seen:
            raise ValueError(f"{source} line {number}: outlet {key!r} must be unique and "
                             f"equal normalize_outlet(name) = {normalize_outlet(row['name'])!r}")
        seen.add(key)
        rows.append(dict(row))
    return rows


def empty_articles() -> pd.DataFrame:
    """Return an empty DataFrame that satisfies the articles contract.

    Examples
    --------
    >>> validate_articles(empty_articles()).shape
    (0, 4)
    """
    return pd.DataFrame(
        {
            "outlet": pd.Series([], dtype=object),
            "date": pd.Series([], dtype="datetime64[ns, UTC]"),
            "title": pd.Series([], dtype=object),
            "text": pd.Series([], dtype=object),
        },
        index=pd.Index([], dtype=object, name="article_id"),
    )


def _first_bad(mask: np.ndarray | pd.Series, index: pd.Index) -> tuple[object, int]:
    position = int(np.flatnonzero(np.asarray(mask))[0])
    return index[position], position


def _is_string_column(series: pd.Series) -> bool:
    return pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series)


def _not_str(series: pd.Series, *, allow_missing: bool) -> np.ndarray:
    values = series.to_numpy(dtype=object, na_value=None)
    missing = pd.isna(series).to_numpy()
    is_str = np.fromiter((isinstance(v, str) for v in values), dtype=bool, count=len(values))
    return ~(is_str | (missing & allow_missing))


def _check_string(df: pd.DataFrame, column: str, *, allow_missing: bool, allow_empty=True):
    series = df[column]
    if not _is_string_column(series):
        raise SchemaError(f"expected strings, got dtype {series.dtype}", column=column)
    bad = _not_str(series, allow_missing=allow_missing)
    if bad.any():
        row, pos = _first_bad(bad, df.index)
        value = series.iloc[pos]
        reason = "missing value" if pd.isna(value) else f"not a string: {value!r}"
        raise SchemaError(reason, column=column, row=row, position=pos)
    if not allow_empty:
        stripped = series.fillna("").astype(str).str.strip()
        empty = (stripped == "").to_numpy()
        if empty.any():
            row, pos = _first_bad(empty, df.index)
            raise SchemaError("empty string", column=column, row=row, position=pos)


def _check_outlet_keys(df: pd.DataFrame) -> None:
    """Refuse outlet names that are not normalised keys ("Fox News" for "fox-news").

    Grouping, joins with the outlets table and outlet splits all compare keys: "Fox News"
    and "fox-news" would count as two outlets.
    """
    values = df["outlet"].to_numpy(dtype=object)
    keys = {value: normalize_outlet(value) for value in pd.unique(values)}
    if all(key == value for value, key in keys.items()):
        return
    not_normal = np.fromiter((keys[v] != v for v in values), dtype=bool, count=len(values))
    row, pos = _first_bad(not_normal, df.index)
    value = values[pos]
    hint = (f"normalize_outlet gives {keys[value]!r}" if keys[value]
            else "it has no letters or digits")
    raise SchemaError(f"outlet {value!r} is not a normalised key ({hint}); map the column with "
                      "framing.schema.normalize_outlet", column="outlet", row=row, position=pos)


def _check_index(index: pd.Index, name: str) -> None:
    if index.name != name:
        raise SchemaError(f"the index must be named {name!r}, not {index.name!r}", column="index")
    if isinstance(index, pd.MultiIndex):
        raise SchemaError("the index must be a single level", column="index")
    values = index.to_numpy(dtype=object)
    is_str = np.fromiter((isinstance(v, str) and v.strip() != "" for v in values), bool,
                         count=len(values))
    if not is_str.all():
        row, pos = _first_bad(~is_str, index)
        raise SchemaError(f"{name} must be a non-empty string", column="index", row=row,
                          position=pos)
    duplicated = index.duplicated()
    if duplicated.any():
        row, pos = _first_bad(duplicated, index)
        raise SchemaError(f"duplicate {name} {row!r}", column="index", row=row, position=pos)


def validate_articles(df: pd.DataFrame, *, allow_extra: bool = False) -> pd.DataFrame:
    """Check that ``df`` satisfies the articles contract; return it unchanged.

    ``outlet`` must hold normalised keys, as :func:`normalize_outlet` makes them
    (``"fox-news"``, not ``"Fox News"``): loaders normalise outlets before they validate.

    Parameters
    ----------
    df : pandas.DataFrame
        Candidate articles table.
    allow_extra : bool, default False
        Accept columns that are neither contract columns nor prefixed ``label_``/``meta_``.

    Returns
    -------
    pandas.DataFrame
        ``df`` itself, so calls can be chained.

    Raises
    ------
    SchemaError
        Naming the column, the row (index label and position) and the reason of the first
        violation found.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame(
    ...     {"outlet": ["reuters"], "date": pd.to_datetime(["2019-01-02"], utc=True),
    ...      "title": ["A title"], "text": ["Body text."]},
    ...     index=pd.Index(["a1"], name="article_id"))
    >>> validate_articles(df).shape
    (1, 4)
    >>> bad = df.assign(text=[None])
    >>> try:
    ...     validate_articles(bad)
    ... except SchemaError as err:
    ...     print(err)
    column 'text', row 'a1' (position 0): missing value
    >>> try:
    ...     validate_articles(df.assign(outlet=["Fox News"]))
    ... except SchemaError as err:
    ...     print(err)  # doctest: +NORMALIZE_WHITESPACE
    column 'outlet', row 'a1' (position 0): outlet 'Fox News' is not a normalised key
    (normalize_outlet gives 'fox-news'); map the column with framing.schema.normalize_outlet
    """
    if not isinstance(df, pd.DataFrame):
        raise SchemaError(f"expected a pandas DataFrame, got {type(df).__name__}")
    missing = [c for c in ARTICLE_COLUMNS if c not in df.columns]
    if missing:
        raise SchemaError(f"required column missing (have {list(df.columns)})", column=missing[0])
    if df.columns.duplicated().any():
        raise SchemaError("duplicate column", column=df.columns[df.columns.duplicated()][0])
    _check_index(df.index, "article_id")
    _check_string(df, "outlet", allow_missing=False, allow_empty=False)
    _check_outlet_keys(df)
    date = df["date"]
    if not isinstance(date.dtype, pd.DatetimeTZDtype) or str(date.dtype.tz) != "UTC":
        raise SchemaError(
            f"expected datetime64 in UTC (NaT allowed), got dtype {date.dtype}; "
            "convert with pandas.to_datetime(..., utc=True)",
            column="date",
        )
    _check_string(df, "title", allow_missing=False)
    _check_string(df, "text", allow_missing=False)
    for column in OPTIONAL_ARTICLE_COLUMNS:
        if column in df.columns:
            _check_string(df, column, allow_missing=True)
    if not allow_extra:
        known = set(ARTICLE_COLUMNS) | set(OPTIONAL_ARTICLE_COLUMNS)
        for column in df.columns:
            if column not in known and not str(column).startswith(_PREFIXES):
                raise SchemaError(
                    "unknown column: name labels 'label_*' and metadata 'meta_*'",
                    column=column,
                )
    return df


def validate_outlets(df: pd.DataFrame) -> pd.DataFrame:
    """Check that ``df`` satisfies the outlets contract; return it unchanged.

    The index is the normalised ``outlet`` key; ``name`` is required; ``lean`` (when present)
    is ``left``, ``center``, ``right`` or missing.

    Raises
    ------
    SchemaError
        Naming the column, the row and the reason of the first violation.

    Examples
    --------
    >>> import pandas as pd
    >>> outlets = pd.DataFrame({"name": ["Reuters"], "lean": ["center"]},
    ...                        index=pd.Index(["reuters"], name="outlet"))
    >>> validate_outlets(outlets).shape
    (1, 2)
    """
    if not isinstance(df, pd.DataFrame):
        raise SchemaError(f"expected a pandas DataFrame, got {type(df).__name__}")
    _check_index(df.index, "outlet")
    not_normal = np.fromiter((normalize_outlet(v) != v for v in df.index), bool, count=len(df))
    if not_normal.any():
        row, pos = _first_bad(not_normal, df.index)
        raise SchemaError(f"outlet key is not normalised (expected {normalize_outlet(row)!r})",
                          column="index", row=row, position=pos)
    if "name" not in df.columns:
        raise SchemaError("required column missing", column="name")
    _check_string(df, "name", allow_missing=False, allow_empty=False)
    if "lean" in df.columns:
        bad = ~(df["lean"].isna() | df["lean"].isin(_OUTLET_LEANS)).to_numpy()
        if bad.any():
            row, pos = _first_bad(bad, df.index)
            raise SchemaError(f"lean must be one of {sorted(_OUTLET_LEANS)} or missing, got "
                              f"{df['lean'].iloc[pos]!r}", column="lean", row=row, position=pos)
    return df


def check_columns(df: pd.DataFrame, columns: Iterable[str], *, what: str = "table") -> None:
    """Raise :class:`SchemaError` if any of ``columns`` is missing from ``df``."""
    for column in columns:
        if column not in df.columns:
            raise SchemaError(f"the {what} needs this column (have {list(df.columns)})",
                              column=column)
