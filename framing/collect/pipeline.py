"""Build a corpus from a topic recipe: search, fetch, judge relevance, flag duplicates; resumably.

:func:`collect_corpus` is what ``framing collect RECIPE --out corpus.parquet`` runs. Its
outputs, side by side:

``corpus.parquet``
    The kept articles (validated articles contract), with ``meta_source``,
    ``meta_relevance_score``, ``meta_relevance_signals`` and ``meta_duplicate_of``
    (:func:`framing.collect.find_duplicates` over the whole corpus, recomputed on every
    run; duplicates are flagged, never removed). ``attrs["collect"]`` (kept in the parquet
    file by pandas) records the recipe (path, sha256), sources, dates and library version.
``corpus.dropped.parquet``
    Every article found and not kept, with ``meta_drop_stage`` (``fetch`` or
    ``relevance``) and ``meta_drop_reason``: nothing found disappears.
``corpus.state.json``
    What is done: the GDELT windows and Media Cloud ranges already searched, for this
    recipe's sha256.

Resuming: a rerun skips the search windows already done and every article already in the
corpus or dropped as irrelevant. With ``fetch_text``, articles whose page could not be
fetched are tried again, and articles judged on their title alone by an earlier run without
text fetching are fetched and judged again (the latest decision about an article wins).
Results are written every ``flush_every`` new articles and at the end (also on an error or
Ctrl-C), so an interrupted run loses little.

Offline (``FRAMING_OFFLINE=1``), a run that would need the network (a GDELT or Media Cloud
search, a feed URL, text fetching) raises :class:`framing._config.OfflineError` before it
searches or writes anything; RSS feed files alone can be collected offline.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import __version__
from .._config import OfflineError, ensure_online
from .._progress import progress_bar
from .._warnings import warn_at_caller
from ..io import atomic_write
from ..schema import validate_articles
from .recipes import Recipe, load_recipe

__all__ = ["collect_corpus", "output_paths"]

SOURCES = ("gdelt", "mediacloud", "rss")


def output_paths(out: str | os.PathLike) -> dict[str, Path]:
    """The files of a collected corpus: ``corpus``, ``dropped`` and ``state``.

    Examples
    --------
    >>> {k: p.name for k, p in output_paths("data/sanctuary.parquet").items()}
    {'corpus': 'sanctuary.parquet', 'dropped': 'sanctuary.dropped.parquet', 'state': 'sanctuary.state.json'}
    """  # noqa: E501
    out = Path(out)
    stem = out.name[: -len(".parquet")] if out.name.endswith(".parquet") else out.name
    return {"corpus": out, "dropped": out.with_name(f"{stem}.dropped.parquet"),
            "state": out.with_name(f"{stem}.state.json")}


@dataclass
class _Tally:
    found: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)
    fetched: Counter = field(default_factory=Counter)
    fetch_failed: Counter = field(default_factory=Counter)
    kept: Counter = field(default_factory=Counter)
    irrelevant: Counter = field(default_factory=Counter)
    drop_reasons: Counter = field(default_factory=Counter)
    notes: list = field(default_factory=list)
    incomplete: list = field(default_factory=list)
    failed_sources: list = field(default_factory=list)


def _read(path: Path) -> pd.DataFrame | None:
    return pd.read_parquet(path) if path.is_file() else None


def _write(frame: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(path) as tmp:  # a crash never leaves half a file
        frame.to_parquet(tmp)


def _window_starts(start: dt.datetime, stop: dt.datetime, step: dt.timedelta):
    cursor = start
    while cursor < stop:
        yield cursor, min(cursor + step, stop)
        cursor += step


class _Store:
    """The corpus, dropped and state files, and the rows waiting to be written."""

    def __init__(self, out, recipe: Recipe, *, fetch_text: bool = False):
        self.paths = output_paths(out)
        self.fetch_text = fetch_text
        self.recipe = recipe
        self.corpus = _read(self.paths["corpus"])
        self.dropped = _read(self.paths["dropped"])
        state = {}
        if self.paths["state"].is_file() and (self.corpus is not None
                                              or self.dropped is not None):
            # (a state file without its corpus is stale: search everything again)
            state = json.loads(self.paths["state"].read_text())
        if state and state.get("recipe_sha256") != recipe.sha256:
            warn_at_caller("the recipe changed since the last run: searches are done again "
                           "(articles already collected are still skipped)")
            state = {}
        self.state = {"recipe_sha256": recipe.sha256, "gdelt_windows": [],
                      "mediacloud_ranges": [], **state}
        self.pending_kept: list[pd.DataFrame] = []
        self.pending_dropped: list[pd.DataFrame] = []
        self.n_pending = 0
        # IDs not to process again: kept, or dropped for a reason a retry cannot change
        # (an unfetchable page is tried again on the next run, and with text fetching on,
        # an article dropped on its title alone is judged again on its text).
        self.known: set[str] = set()
        if self.corpus is not None:
            self.known.update(self.corpus.index)
        if self.dropped is not None:
            self._remember_dropped(self.dropped)

    def retryable(self, dropped: pd.DataFrame) -> pd.Series:
        """Rows of a dropped table worth another try in this run."""
        retry = dropped["meta_drop_stage"] == "fetch"
        if self.fetch_text:
            retry |= dropped["text"].fillna("").str.strip() == ""
        return retry

    def _remember_dropped(self, dropped: pd.DataFrame) -> None:
        self.known.update(dropped.index[~self.retryable(dropped).to_numpy()])

    def add(self, kept: pd.DataFrame, dropped: pd.DataFrame) -> None:
        if len(kept):
            self.pending_kept.append(kept)
            self.known.update(kept.index)
        if len(dropped):
            self.pending_dropped.append(dropped)
            self._remember_dropped(dropped)
        self.n_pending += len(kept) + len(dropped)

    @staticmethod
    def _merge(old: pd.DataFrame | None, new: list[pd.DataFrame]) -> pd.DataFrame | None:
        frames = [f for f in ([old] if old is not None else []) + new if len(f)]
        if not frames:
            return old
        merged = pd.concat(frames)
        # a later row for the same article (a retried fetch) replaces the earlier one
        return merged[~merged.index.duplicated(keep="last")]

    def flush(self, *, dedupe: bool = False, attrs: dict | None = None) -> None:
        # The latest decision about an article wins: a page fetched at last and kept leaves
        # the dropped file; a stub kept on its title and dropped on its full text leaves
        # the corpus.
        newly_dropped = {i for f in self.pending_dropped for i in f.index}
        newly_kept = {i for f in self.pending_kept for i in f.index}
        corpus = self._merge(self.corpus, self.pending_kept)
        dropped = self._merge(self.dropped, self.pending_dropped)
        if corpus is not None:
            corpus = corpus[~corpus.index.isin(list(newly_dropped - newly_kept))]
        if dropped is not None and corpus is not None:
            dropped = dropped[~dropped.index.isin(corpus.index)]
        if corpus is not None:
            if dedupe:
                from .dedup import find_duplicates

                corpus["meta_duplicate_of"] = find_duplicates(corpus).to_numpy()
            corpus.attrs = {"collect": attrs or {}}
            _write(validate_articles(corpus), self.paths["corpus"])
        if dropped is not None:
            dropped.attrs = {}
            _write(dropped, self.paths["dropped"])
        self.paths["state"].parent.mkdir(parents=True, exist_ok=True)
        # The state names what the corpus holds: half a state file would lose a resume.
        with atomic_write(self.paths["state"]) as tmp:
            tmp.write_text(json.dumps(self.state, indent=1, sort_keys=True))
        self.corpus, self.dropped = corpus, dropped
        self.pending_kept, self.pending_dropped, self.n_pending = [], [], 0


def _process(stubs: pd.DataFrame, source: str, store: _Store, tally: _Tally, recipe: Recipe,
             fetch_text: bool, fetch_options: dict, *, in_corpus: bool = False) -> None:
    """Fetch (optionally), judge and file a batch of stubs.

    ``in_corpus``: the stubs are corpus rows kept on their title alone, now filled in and
    judged again (so they are not skipped as already known).
    """
    from .relevance import relevance_report

    tally.found[source] += len(stubs)
    new = stubs if in_corpus else stubs[~stubs.index.isin(store.known)]
    new = new.copy()
    tally.skipped[source] += len(stubs) - len(new)
    if not len(new):
        return
    failed = pd.Series(False, index=new.index)
    reasons = pd.Series("", index=new.index, dtype=object)
    if fetch_text:
        from .fetch import fetch_text as _fetch_text

        needs = new["text"].fillna("").str.strip() == ""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # counted in the summary instead
            new = _fetch_text(new, **fetch_options)
        failures = new.attrs.get("failures")
        failed = needs & (new["text"].fillna("").str.strip() == "")
        why_failed = {}
        if failures is not None and len(failures):
            why_failed = {u: f"{stage}: {reason}" for u, stage, reason in
                          zip(failures["url"], failures["stage"], failures["reason"],
                              strict=True)}
        reasons[failed] = [why_failed.get(u, "fetch: no text extracted")
                           for u in new.loc[failed, "url"]]
        tally.fetched[source] += int((needs & ~failed).sum())
        tally.fetch_failed[source] += int(failed.sum())
    report = relevance_report(new, recipe)
    relevant = report["relevant"] & ~failed
    kept = new[relevant].copy()
    kept["meta_relevance_score"] = report.loc[relevant, "score"].astype("int64")
    kept["meta_relevance_signals"] = report.loc[relevant, "signals"].astype(object)
    dropped = new[~relevant].copy()
    dropped = dropped.drop(columns=[c for c in ("meta_relevance_signals", "meta_duplicate_of")
                                    if c in dropped])
    unfetched = failed[~relevant]
    dropped["meta_drop_stage"] = pd.Series(
        ["fetch" if f else "relevance" for f in unfetched], index=dropped.index, dtype=object)
    dropped["meta_drop_reason"] = pd.Series(
        [reasons[i] if f else f"not relevant: {report.at[i, 'reason']}"
         for i, f in unfetched.items()], index=dropped.index, dtype=object)
    dropped["meta_relevance_score"] = report.loc[~relevant, "score"].astype("int64")
    tally.kept[source] += len(kept)
    tally.irrelevant[source] += int((~unfetched).sum())
    tally.drop_reasons.update(r.split(" (")[0] for r in dropped["meta_drop_reason"])
    kept.attrs, dropped.attrs = {}, {}
    store.add(kept, dropped)


def collect_corpus(recipe: str | os.PathLike | Recipe, out: str | os.PathLike, *,
                   sources=None, fetch_text: bool = False, start=None, end=None,
                   mediacloud_api_key: str | None = None, source_options: dict | None = None,
                   fetch_options: dict | None = None, flush_every: int = 500,
                   progress: bool = True, echo=print) -> dict:
    """Collect a corpus for a recipe into ``out`` (resumable); return a summary.

    Parameters
    ----------
    recipe : str, path or Recipe
        See :func:`framing.collect.load_recipe`.
    out : path
        The corpus parquet file; the dropped and state files go beside it
        (:func:`output_paths`).
    sources : list of str, optional
        Among ``gdelt``, ``mediacloud``, ``rss``; default: those the recipe configures
        (Media Cloud is skipped, with a note, when no API key is available; RSS when the
        recipe lists no feeds).
    fetch_text : bool, default False
        Fetch each new article's page for its full text. Without it the corpus holds stubs
        (titles, dates, URLs) judged on their titles.
    start, end : str or date, optional
        Override the recipe's date range (both days included).
    mediacloud_api_key : str, optional
        Default from ``MEDIACLOUD_API_KEY``.
    source_options : dict, optional
        Per-source keyword overrides, e.g. ``{"gdelt": {"base_url": ..., "min_interval":
        0}}``, passed to :func:`search_gdelt`, :func:`search_mediacloud`, :func:`from_rss`.
    fetch_options : dict, optional
        For page fetching (:func:`framing.collect.fetch_pages`).
    flush_every : int, default 500
        Write the files after this many new articles.
    progress : bool, default True
        Show a progress bar over search windows and batches.
    echo : callable, default print
        Where the summary lines go (``None`` for silence).

    Returns
    -------
    dict
        ``{"sources": {source: {"found", "already_had", "fetched", "fetch_failed", "kept",
        "irrelevant"}}, "corpus": n, "dropped": n, "duplicates_flagged": n,
        "drop_reasons": {...}, "notes": [...], "incomplete": [...] (search batches with
        failed requests, retried on the next run), "failed_sources": [...] (sources that
        raised, e.g. a rejected query), "paths": {...}}``. A feed entry whose date
        could not be read is kept without it and counted in ``notes``.

    Raises
    ------
    framing._config.OfflineError
        ``FRAMING_OFFLINE`` is set and the run needs the network; raised before anything
        is searched or written.
    """
    recipe = load_recipe(recipe)
    source_options = {k: dict(v) for k, v in (source_options or {}).items()}
    fetch_options = dict(fetch_options or {})
    start = str(start or recipe.start or "")
    end = str(end or recipe.end or "")
    if not start or not end:
        raise ValueError("no date range: give start and end, or set them in the recipe")
    store = _Store(out, recipe, fetch_text=fetch_text)
    tally = _Tally()
    chosen = list(sources) if sources else [s for s in SOURCES if s in recipe.sources]
    unknown = [s for s in chosen if s not in SOURCES]
    if unknown:
        raise ValueError(f"unknown source(s) {unknown}; choose from {list(SOURCES)}")
    attrs = {**recipe.provenance(), "sources": chosen, "start": start, "end": end,
             "fetch_text": bool(fetch_text), "framing_version": __version__}

    def maybe_flush():
        if store.n_pending >= flush_every:
            store.flush(attrs=attrs)

    # (source, label, callable returning stubs, on-success callback, what in it needs the
    # network or None)
    batches = []
    if fetch_text:
        batches += _retry_batches(store)
    if "gdelt" in chosen:
        batches += _gdelt_batches(recipe, start, end, store, source_options.get("gdelt", {}))
    if "mediacloud" in chosen:
        batches += _mediacloud_batches(recipe, start, end, store, tally,
                                       source_options.get("mediacloud", {}),
                                       mediacloud_api_key, explicit=bool(sources))
    if "rss" in chosen:
        batches += _rss_batches(recipe, tally, source_options.get("rss", {}),
                                explicit=bool(sources))
    online = [need for *_, need in batches if need]
    if fetch_text and batches:
        online.append("fetching article pages (fetch_text)")
    if online:
        # refused here, whole, rather than source by source half way through the run
        ensure_online(f"collecting {recipe.name!r} ({'; '.join(dict.fromkeys(online))})")

    with progress_bar(total=len(batches), desc=f"collect {recipe.name}", unit="batch",
                      enabled=progress) as bar:
        try:
            broken: set[str] = set()
            for source, label, search, done, _ in batches:
                bar.set_postfix_str(f"{source} {label}", refresh=False)
                if source in broken:
                    bar.update(1)
                    continue
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore", UserWarning)
                        stubs = search()
                except OfflineError:  # the user's setting, not a broken source: stop
                    raise
                except Exception as err:  # one failing source must not lose the others
                    # Searches record transient trouble themselves; an exception means the
                    # source cannot work (rejected query, bad key): skip its other batches.
                    tally.failed_sources.append(f"{source} {label}: {type(err).__name__}: "
                                                f"{err} (its remaining batches skipped)")
                    broken.add(source)
                    bar.update(1)
                    continue
                if stubs.attrs.get("incomplete"):
                    failures = stubs.attrs.get("failures")
                    first = (f": {failures['reason'].iloc[0]}" if failures is not None
                             and len(failures) else "")
                    tally.incomplete.append(f"{source} {label}{first} (searched again on the "
                                            "next run)")
                else:
                    done()
                undated = stubs.attrs.get("date_problems")
                if undated is not None and len(undated):
                    tally.notes.append(f"{source} {label}: {len(undated)} entry date(s) could "
                                       f"not be read, e.g. {undated[0]['text']!r}: "
                                       f"{undated[0]['reason']}; kept with their other date "
                                       "or none")
                _process(stubs, source, store, tally, recipe, fetch_text, fetch_options,
                         in_corpus=source == "stubs")
                maybe_flush()
                bar.update(1)
        finally:
            store.flush(dedupe=True, attrs=attrs)

    corpus = store.corpus if store.corpus is not None else pd.DataFrame()
    summary = {
        "sources": {s: {"found": tally.found[s], "already_had": tally.skipped[s],
                        "fetched": tally.fetched[s], "fetch_failed": tally.fetch_failed[s],
                        "kept": tally.kept[s], "irrelevant": tally.irrelevant[s]}
                    for s in [x for x in ("retry", "stubs") if tally.found[x]] + chosen},
        "corpus": len(corpus),
        "dropped": 0 if store.dropped is None else len(store.dropped),
        "duplicates_flagged": int(corpus["meta_duplicate_of"].notna().sum())
        if "meta_duplicate_of" in corpus else 0,
        "drop_reasons": dict(tally.drop_reasons.most_common()),
        "notes": tally.notes,
        "incomplete": tally.incomplete,
        "failed_sources": tally.failed_sources,
        "paths": {k: str(v) for k, v in store.paths.items()},
    }
    if echo is not None:
        for line in format_summary(summary):
            echo(line)
    return summary


def format_summary(summary: dict) -> list[str]:
    """The summary of :func:`collect_corpus` as printable lines."""
    lines = [f"{'source':<11} {'found':>7} {'had':>7} {'fetched':>8} {'failed':>7} "
             f"{'kept':>7} {'irrelevant':>10}"]
    for source, n in summary["sources"].items():
        lines.append(f"{source:<11} {n['found']:>7} {n['already_had']:>7} {n['fetched']:>8} "
                     f"{n['fetch_failed']:>7} {n['kept']:>7} {n['irrelevant']:>10}")
    lines.append(f"corpus: {summary['corpus']} articles ({summary['duplicates_flagged']} "
                 f"flagged as duplicates, kept) -> {summary['paths']['corpus']}")
    lines.append(f"dropped: {summary['dropped']} articles with the reason -> "
                 f"{summary['paths']['dropped']}")
    for reason, count in list(summary["drop_reasons"].items())[:8]:
        lines.append(f"  {count:>6}  {reason}")
    lines += [f"note: {n}" for n in summary["notes"]]
    lines += [f"INCOMPLETE: {n}" for n in summary["incomplete"]]
    lines += [f"FAILED: {f}" for f in summary["failed_sources"]]
    return lines


def _retry_batches(store):
    """With text fetching on: articles dropped without their text (the page could not be
    fetched, or a run without text fetching judged the title alone), and corpus rows kept on
    their title alone (which leave the corpus if their text is not relevant, or cannot be
    fetched: the corpus of a text-fetching run holds texts)."""
    batches = []
    if store.dropped is not None:
        again = store.dropped[store.retryable(store.dropped).to_numpy()]
        if len(again):
            stubs = again.drop(columns=[c for c in again.columns
                                        if c.startswith(("meta_drop_", "meta_relevance_"))])
            stubs = stubs.assign(text="")
            batches.append(("retry", f"{len(stubs)} dropped without text", lambda: stubs,
                            lambda: None, None))
    if store.corpus is not None:
        empty = (store.corpus["text"].fillna("").str.strip() == "") & store.corpus["url"].notna()
        bare = store.corpus[empty.to_numpy()]
        if len(bare):
            bare = bare.drop(columns=[c for c in bare.columns
                                      if c.startswith(("meta_relevance_", "meta_duplicate_of"))])
            batches.append(("stubs", f"{len(bare)} corpus stub(s)", lambda: bare,
                            lambda: None, None))
    return batches


def _gdelt_batches(recipe, start, end, store, options):
    from .gdelt import _as_delta, _as_range, search_gdelt

    config = dict(recipe.sources.get("gdelt", {}))
    keywords = list(config.get("keywords", []))
    if not keywords:
        return []
    first, stop = _as_range(start, end)
    step = _as_delta(options.pop("window", config.get("window", "1D")))
    done = {tuple(w) for w in store.state["gdelt_windows"]}
    kwargs = {"exclude": list(config.get("exclude", [])), "country": config.get("country"),
              "language": config.get("language"),
              "min_window": config.get("min_window", "1h"), **options}
    batches = []
    for a, b in _window_starts(first, stop, step):
        key = (a.isoformat(), b.isoformat())
        if key in done:
            continue

        def search(a=a, b=b):
            return search_gdelt(keywords, a, b, window=b - a, **kwargs)

        def mark(key=key):
            store.state["gdelt_windows"].append(list(key))

        batches.append(("gdelt", f"{a:%Y-%m-%d %H:%M}", search, mark, "searching GDELT"))
    return batches


def _mediacloud_batches(recipe, start, end, store, tally, options, api_key, explicit):
    from .mediacloud import _KEY_VARIABLES, search_mediacloud

    config = dict(recipe.sources.get("mediacloud", {}))
    query = " ".join(str(config.get("query", "")).split())
    if not query:
        return []
    api_key = api_key or options.pop("api_key", None) or next(
        (os.environ[v] for v in _KEY_VARIABLES if os.environ.get(v)), None)
    if not api_key:
        message = ("mediacloud skipped: no API key (pass --mediacloud-api-key or set "
                   "MEDIACLOUD_API_KEY)")
        if explicit:
            raise ValueError(message)
        tally.notes.append(message)
        return []
    key = [start, end]
    if key in store.state["mediacloud_ranges"]:
        tally.notes.append(f"mediacloud {start}..{end} already searched (see the state file)")
        return []

    def search():
        return search_mediacloud(query, start, end, list(config.get("collections", [])),
                                 api_key, **options)

    def mark():
        store.state["mediacloud_ranges"].append(key)

    return [("mediacloud", f"{start}..{end}", search, mark, "searching Media Cloud")]


def _rss_batches(recipe, tally, options, explicit):
    from .rss import from_rss

    feeds = list(options.pop("feeds", None) or recipe.sources.get("rss", {}).get("feeds", []))
    if not feeds:
        message = "rss skipped: the recipe lists no feeds"
        if explicit:
            raise ValueError(message)
        tally.notes.append(message)
        return []
    # Base relative feed paths on the recipe's folder, so a recipe can ship sample feeds.
    base = recipe.path.parent
    feeds = [f if str(f).startswith(("http://", "https://")) or Path(f).is_absolute()
             else str(base / f) for f in feeds]

    def search():
        return from_rss(feeds, **options)

    urls = [f for f in feeds if str(f).startswith(("http://", "https://"))]
    need = f"reading {len(urls)} feed URL(s)" if urls else None
    return [("rss", f"{len(feeds)} feed(s)", search, lambda: None, need)]
