"""The Media Frames Corpus code book (Card et al. 2015): frame and tone codes as a table."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

from .._fetch import cached_dataset, select
from ._parsing import Report, check_table

__all__ = ["fetch_mfc_codebook"]

_VERSION = "mfc-codes-1"
_SOURCE = "annotations/codes.json"
_CODE = re.compile(r"^(\d+)\.(\d+)$")
KINDS = ("frame", "headline", "primary", "irrelevant", "tone")
_FRAME_KINDS = {"0": "frame", "1": "headline", "2": "primary"}
_TONES = {"17": "pro", "18": "neutral", "19": "anti"}
_NAME_SUFFIX = re.compile(r"\s+(headline|primary)$", re.IGNORECASE)


def _classify(code: str) -> tuple[str | None, int | None, str | None]:
    """(kind, frame number, tone) of a code, or (None, None, None) when it fits no kind."""
    match = _CODE.match(code)
    if not match:
        return None, None, None
    major, minor = int(match.group(1)), match.group(2)
    if 1 <= major <= 15 and minor in _FRAME_KINDS:
        return _FRAME_KINDS[minor], major, None
    if code == "16.2":
        return "irrelevant", None, None
    if match.group(1) in _TONES:
        return "tone", None, _TONES[match.group(1)]
    return None, None, None


def _parse(paths: list[Path]) -> pd.DataFrame:
    (path,) = paths
    codes = json.loads(path.read_bytes())
    if not isinstance(codes, dict):
        raise ValueError(f"{_SOURCE}: expected a JSON object, got {type(codes).__name__}")
    report, rows = Report(), []
    for code, name in codes.items():
        kind, frame, tone = _classify(code)
        if kind is None:
            report.reject(_SOURCE, None, code, "code is neither a frame (1-15 .0/.1/.2), "
                          "16.2 (irrelevant) nor a tone (17-19)")
        elif not isinstance(name, str) or not name.strip():
            report.reject(_SOURCE, None, code, f"name is not a non-empty string: {name!r}")
        else:
            rows.append({"code": code, "name": name, "kind": kind, "frame": frame,
                         "tone": tone, "value": float(code)})
    table = pd.DataFrame.from_records(
        rows, columns=["code", "name", "kind", "frame", "tone", "value"])
    table = table.sort_values("value").set_index("code")
    table["kind"] = pd.Categorical(table["kind"], categories=list(KINDS))
    table["frame"] = pd.array(table["frame"].to_numpy(dtype=object), dtype="Int64")
    # The frame's own name, from its ".0" code ("8.2" is spelled "Security and Defense").
    base = table.loc[table["kind"] == "frame"].set_index("frame")["name"]
    table.insert(3, "frame_name", table["frame"].map(base).astype(object))
    missing = table["frame"].notna() & table["frame_name"].isna()
    table.loc[missing, "frame_name"] = table.loc[missing, "name"].str.replace(
        _NAME_SUFFIX, "", regex=True)
    table = table.drop(columns="value")
    report.attach(table, len(codes))
    return check_table(table, index="code", non_empty=("name",),
                       strings=("frame_name", "tone"), integers=("frame",),
                       what="MFC code book")


def fetch_mfc_codebook(*, data_home=None, refresh: bool = False, progress: bool = True
                       ) -> pd.DataFrame:
    """Fetch the Media Frames Corpus code book: 15 policy frames and the tone codes.

    **Dataset card**

    Source
        ``dallascard/media_frames_corpus`` at commit ``8258fe35``: ``annotations/codes.json``
        (code -> name), pinned by sha256. The corpus's annotations are not fetched: their
        texts come from LexisNexis and are not redistributable.
    Licence
        GPL-3.0 (repository ``LICENSE``).
    Citation
        Dallas Card, Amber E. Boydstun, Justin H. Gross, Philip Resnik, Noah A. Smith.
        2015. *The Media Frames Corpus: Annotations of Frames Across Issues.* ACL 2015.
        Amber E. Boydstun, Dallas Card, Justin H. Gross, Philip Resnik, Noah A. Smith. 2014.
        *Tracking the Development of Media Frames within and across Policy Issues.*
    Fields
        51 rows, **not** an articles table, in numeric code order. Index ``code`` (str, as
        in the source: ``"1.0"``, ``"17.35"``); ``name`` (as in the source, e.g.
        ``Economic headline``); ``kind`` (categorical: ``frame`` for ``X.0``, ``headline``
        for ``X.1`` = frame in the headline, ``primary`` for ``X.2`` = primary frame of the
        article, ``irrelevant`` for ``16.2``, ``tone`` for ``17.4`` Explicit Pro,
        ``17.35`` Implicit Pro, ``18.3`` Neutral, ``19.35`` Implicit Anti, ``19.4``
        Explicit Anti); ``frame_name`` (the frame's name from its ``X.0`` code, so
        ``8.2`` "Security and Defense primary" maps to "Security and defense"; missing for
        irrelevant and tone); ``frame`` (Int64 frame number 1-15, missing for irrelevant
        and tone); ``tone`` (``pro``/``neutral``/``anti`` for tone codes, else missing).
    Known biases
        The frames were designed for US policy issues (immigration, same-sex marriage,
        smoking, ...) in newspaper text; ``15 Other`` collects the rest.

    Parameters
    ----------
    data_home : path-like, optional
        Cache folder; see :func:`framing._config.get_data_home`.
    refresh : bool, default False
        Parse the cached raw file again instead of using the parsed cache.
    progress : bool, default True
        Show a progress bar while downloading.

    Returns
    -------
    pandas.DataFrame
        The 51 codes, with ``attrs["rejected"]`` (codes that fit no kind; none in the pinned
        file), ``attrs["coerced"]`` and ``attrs["n_source_rows"]``.

    Examples
    --------
    >>> from framing.datasets import fetch_mfc_codebook
    >>> codes = fetch_mfc_codebook(progress=False)  # doctest: +SKIP
    >>> codes.loc[codes["kind"] == "frame", "name"].tolist()[:3]  # doctest: +SKIP
    ['Economic', 'Capacity and resources', 'Morality']
    """
    return cached_dataset("mfc-codebook", select("mfc_codes", _SOURCE), _parse,
                          version=_VERSION, data_home=data_home, refresh=refresh,
                          progress=progress)
