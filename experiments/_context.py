"""What an experiment script gets: its config, its output folder, and recorders for the manifest.

Every output goes through the context (:meth:`Context.table`, :meth:`Context.save_figure`,
:meth:`Context.save_text`), which writes it deterministically and records its sha256; every
dataset and model goes through :meth:`Context.use_dataset` / :meth:`Context.use_model`, so
the manifest says exactly what the results were computed from. :meth:`Context.phase` times a
named step (wall-clock and CPU seconds) for ``timing.json``, which the runner writes beside
the manifest and never into it: times differ between runs, manifests must not.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import resource
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

__all__ = ["Context", "Timing", "cpu_seconds", "sha256_file", "usable_cores"]

#: Float format of every results table: enough digits to be exact in practice, and stable.
FLOAT_FORMAT = "%.6g"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def usable_cores() -> int:
    """CPU cores this process may run on (its affinity where the system tells it)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, cores or 1)


def cpu_seconds() -> float:
    """CPU seconds used so far by this process and its finished child processes.

    Children count (joblib workers of ``extract_features(n_jobs=...)``, for example) once
    they have been waited for; a process still running is not counted.
    """
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


@dataclass
class Timing:
    """Named phases of a run, each with its wall-clock and CPU seconds and its calls.

    A phase entered again adds to its totals; phases may nest (an inner phase's time is
    counted in the outer one too), so the phases need not sum to the run's total.
    ``notes`` holds what else explains the time, such as the state of a cache.
    """

    phases: dict[str, dict] = field(default_factory=dict)
    notes: dict[str, object] = field(default_factory=dict)

    @contextlib.contextmanager
    def phase(self, name: str):
        wall, cpu = time.perf_counter(), cpu_seconds()
        try:
            yield
        finally:
            entry = self.phases.setdefault(name, {"wall_s": 0.0, "cpu_s": 0.0, "calls": 0})
            entry["wall_s"] += time.perf_counter() - wall
            entry["cpu_s"] += cpu_seconds() - cpu
            entry["calls"] += 1

    def as_dict(self) -> dict:
        return {"phases": {name: {"wall_s": round(p["wall_s"], 2),
                                  "cpu_s": round(p["cpu_s"], 2), "calls": p["calls"]}
                           for name, p in self.phases.items()},
                "notes": self.notes}


@dataclass
class Context:
    """The run of one experiment.

    Attributes
    ----------
    name : str
        Experiment name (also its module and config name).
    out : pathlib.Path
        Its output folder, ``<out>/<name>/``.
    config : dict
        The config, with the ``[smoke]`` overrides applied when ``smoke`` is true.
    smoke : bool
        Run on a small sample (for tests).
    seed : int
        The seed every random choice derives from.
    """

    name: str
    out: Path
    config: dict
    smoke: bool = False
    seed: int = 0
    outputs: dict[str, str] = field(default_factory=dict)
    datasets: list[dict] = field(default_factory=list)
    models: list[dict] = field(default_factory=list)
    key_numbers: dict = field(default_factory=dict)
    timing: Timing = field(default_factory=Timing)

    def phase(self, name: str):
        """Time a step of the run under ``name`` (a context manager), for ``timing.json``.

        Examples
        --------
        >>> ctx = Context(name="demo", out=Path("."), config={})
        >>> with ctx.phase("bootstrap"):
        ...     total = sum(range(1000))
        >>> ctx.timing.phases["bootstrap"]["calls"]
        1
        """
        return self.timing.phase(name)

    def path(self, name: str) -> Path:
        path = self.out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def _record(self, path: Path) -> Path:
        self.outputs[path.relative_to(self.out).as_posix()] = sha256_file(path)
        return path

    def table(self, frame: pd.DataFrame, name: str, *, index: bool = False) -> Path:
        """Write a results table as CSV (stable float format, LF line ends) and record it."""
        path = self.path(f"{name}.csv")
        frame.to_csv(path, index=index, float_format=FLOAT_FORMAT, lineterminator="\n")
        return self._record(path)

    def save_figure(self, fig, name: str) -> list[Path]:
        """Write a figure as PNG and PDF with no timestamps in their metadata."""
        import matplotlib.pyplot as plt

        paths = []
        for suffix, metadata in ((".png", {"Software": None}),
                                 (".pdf", {"Creator": None, "Producer": None,
                                           "CreationDate": None})):
            path = self.path(f"{name}{suffix}")
            fig.savefig(path, metadata=metadata, bbox_inches="tight")
            paths.append(self._record(path))
        plt.close(fig)
        return paths

    def save_text(self, text: str, name: str) -> Path:
        """Write a text output (HTML, Markdown...) and record it."""
        path = self.path(name)
        path.write_text(text, encoding="utf-8", newline="\n")
        return self._record(path)

    def use_dataset(self, name: str, frame: pd.DataFrame, *, rows_used: int | None = None
                    ) -> pd.DataFrame:
        """Record a dataset the results depend on (its pinned sources' sha256); return it."""
        self.datasets.append({
            "name": name,
            "rows": int(len(frame)) if rows_used is None else int(rows_used),
            "version": frame.attrs.get("version"),
            "sources_sha256": frame.attrs.get("sources_sha256"),
            "n_source_files": frame.attrs.get("n_source_files"),
        })
        return frame

    def use_model(self, name: str, *, revision: str, sha256: str | None = None, **extra
                  ) -> None:
        """Record a model (pretrained weights or a trained artefact) the results depend on."""
        self.models.append({"name": name, "revision": revision, "sha256": sha256, **extra})

    def report(self, **numbers) -> None:
        """Key numbers for the experiments README (also in the manifest)."""
        self.key_numbers.update(numbers)
