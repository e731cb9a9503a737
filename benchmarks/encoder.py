"""The sentence encoder against a plain transformers loop, float32 against the fast path,
and a cold process against a second one that finds every sentence in the disk cache.

All contestants encode the same sentences (``--n`` distinct AllSides sentences, drawn with a
fixed seed, in that drawn order) with the packaged all-MiniLM-L6-v2 (``--model``), with
torch's intra-op threads set to ``--threads``:

1. **plain loop**: what a user would write with transformers: ``AutoTokenizer`` and
   ``AutoModel`` from the same local folder, batches of 64 in input order,
   ``padding=True``, ``truncation=True, max_length=128``, mean pooling over the attention
   mask, L2 normalisation, ``torch.inference_mode``, float32;
2. **framing float32**: ``SentenceEncoder(precision="float32", cache=False)``;
3. **framing fast path**: ``SentenceEncoder(precision="auto", cache=False)`` (the default;
   on a CPU without bfloat16 instructions it is float32 again, and the row says so);
4. **cold process** and **cached process**: two fresh Python processes, one after the
   other, each running ``get_encoder().encode(sentences)`` with the default settings and a
   data home (so an embedding cache) of their own in a temporary folder: the first finds
   an empty cache and encodes; the second must find every sentence and never import
   torch. Their wall time is measured from outside, start to exit, so it includes
   Python's start-up and the imports.

Contestants 1-3 are timed ``--repeats`` times, interleaved (1, 2, 3, 1, 2, 3, ...) so that a
change in the machine's load touches all of them, after one untimed warm-up batch each;
the best (shortest) wall time counts, and the CPU time of that run is recorded with it.
Models are loaded before the clock starts. Vectors are compared with the plain loop's by
the cosine of each sentence's two vectors (mean and minimum).

Writes ``benchmarks/out/encoder.json`` and prints a table. Run from the repository root::

    python -m benchmarks.encoder            # --n 3000 --threads 2 --repeats 2
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

PLAIN_BATCH = 64
PLAIN_MAX_LENGTH = 128


def allsides_sentences(n: int, seed: int = 0) -> list[str]:
    """``n`` distinct, non-blank AllSides sentences, drawn at random with ``seed``."""
    from framing.datasets import fetch_allsides

    try:  # the public splitter; its home may move
        from framing.tokenize import split_sentences
    except ImportError:
        from framing.features import split_sentences

    articles = fetch_allsides(progress=False)
    distinct = sorted({s for text in articles["text"] for s in split_sentences(text)
                       if s.strip()})
    if n > len(distinct):
        raise ValueError(f"--n {n}: the corpus has only {len(distinct)} distinct sentences")
    rng = np.random.default_rng(seed)
    return [distinct[i] for i in rng.choice(len(distinct), size=n, replace=False)]


class PlainLoop:
    """The transformers loop a user would write (model loaded once, outside the timing)."""

    def __init__(self, source: str):
        from transformers import AutoModel, AutoTokenizer

        self.tokenizer = AutoTokenizer.from_pretrained(source)
        self.model = AutoModel.from_pretrained(source).eval()

    def encode(self, sentences: list[str]) -> np.ndarray:
        import torch

        out = []
        with torch.inference_mode():
            for begin in range(0, len(sentences), PLAIN_BATCH):
                batch = self.tokenizer(sentences[begin:begin + PLAIN_BATCH], padding=True,
                                       truncation=True, max_length=PLAIN_MAX_LENGTH,
                                       return_tensors="pt")
                hidden = self.model(**batch).last_hidden_state
                mask = batch["attention_mask"].unsqueeze(-1).float()
                pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
                out.append(torch.nn.functional.normalize(pooled, p=2, dim=1).numpy())
        return np.concatenate(out)


def _timed(function):
    wall, cpu = time.perf_counter(), time.process_time()
    result = function()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def _cosines(vectors: np.ndarray, reference: np.ndarray) -> dict:
    cosine = (vectors.astype(np.float64) * reference).sum(axis=1)
    return {"cosine_mean": float(cosine.mean()), "cosine_min": float(cosine.min())}


#: What each of the two fresh processes runs: the default encoder, the sentences from a file.
_CHILD = """
import json, sys, time
started = time.perf_counter()
import numpy as np
from framing.features import get_encoder
sentences = json.load(open(sys.argv[1], encoding="utf-8"))
encoder = get_encoder(sys.argv[4], num_threads=int(sys.argv[3]))
imported = time.perf_counter()
vectors = encoder.encode(sentences)
done = time.perf_counter()
np.save(sys.argv[2], vectors)
print(json.dumps({"import_seconds": imported - started, "encode_seconds": done - imported,
                  "torch_imported": "torch" in sys.modules,
                  "model_loaded": encoder._model is not None,
                  "device": encoder.device_, "precision": encoder.precision_}))
"""


def _child(folder: Path, name: str, threads: int, source: str) -> tuple[dict, np.ndarray]:
    """Run :data:`_CHILD` in a fresh process with the data home in ``folder``."""
    environment = {**os.environ, "FRAMING_DATA_HOME": str(folder / "home")}
    environment.pop("FRAMING_EMBEDDING_CACHE", None)
    started = time.perf_counter()
    # the model's folder, not its name: a fetched encoder lives in the usual data home
    done = subprocess.run([sys.executable, "-c", _CHILD, str(folder / "sentences.json"),
                           str(folder / f"{name}.npy"), str(threads), source],
                          env=environment, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"the {name} process failed:\n{done.stderr}")
    record = json.loads(done.stdout.strip().splitlines()[-1])
    return {**record, "wall_seconds": wall}, np.load(folder / f"{name}.npy")


def run(n: int, threads: int, repeats: int, model: str | None) -> dict:
    import torch

    from framing._pretrained import resolve_encoder
    from framing.features import SentenceEncoder

    torch.set_num_threads(threads)
    sentences = allsides_sentences(n)
    source, _ = resolve_encoder(model, None)
    source = str(source)
    plain = PlainLoop(source)
    exact = SentenceEncoder(source, precision="float32", cache=False, device="cpu",
                            num_threads=threads)
    fast = SentenceEncoder(source, precision="auto", cache=False, device="cpu",
                           num_threads=threads)
    contestants = {
        "plain transformers loop (float32)": plain.encode,
        "framing, precision='float32', cache off": exact.encode,
        "framing, precision='auto', cache off": fast.encode,
    }
    for encode in contestants.values():  # load, and warm up, untimed
        encode(sentences[:PLAIN_BATCH])
    best: dict[str, tuple] = {}
    for repeat in range(repeats):
        for name, encode in contestants.items():
            wall, cpu, vectors = _timed(lambda e=encode: e(sentences))
            print(f"repeat {repeat + 1}: {name:42s} {wall:7.2f} s wall {cpu:7.2f} s CPU "
                  f"{n / wall:7.1f} sentences/s", flush=True)
            if name not in best or wall < best[name][0]:
                best[name] = (wall, cpu, vectors)
    reference = best["plain transformers loop (float32)"][2]
    rows = []
    for name, (wall, cpu, vectors) in best.items():
        rows.append({"contestant": name, "wall_seconds": wall, "cpu_seconds": cpu,
                     "sentences_per_second": n / wall, **_cosines(vectors, reference)})
    rows[2]["precision"] = fast.precision_
    rows[1]["precision"] = exact.precision_

    with tempfile.TemporaryDirectory(prefix="framing-encoder-bench-") as tmp:
        folder = Path(tmp)
        (folder / "sentences.json").write_text(json.dumps(sentences), encoding="utf-8")
        cold, cold_vectors = _child(folder, "cold", threads, source)
        cached, cached_vectors = _child(folder, "cached", threads, source)
    if cached["torch_imported"] or cached["model_loaded"]:
        raise RuntimeError(f"the cached process loaded torch or the model: {cached}")
    if not np.array_equal(cold_vectors, cached_vectors):
        raise RuntimeError("the cached process returned other vectors than the cold one")
    for name, record, vectors in (("cold process (empty cache)", cold, cold_vectors),
                                  ("cached process (every sentence cached)", cached,
                                   cached_vectors)):
        rows.append({"contestant": name, "wall_seconds": record["wall_seconds"],
                     "cpu_seconds": None,
                     "sentences_per_second": n / record["wall_seconds"],
                     **_cosines(vectors, reference),
                     **{k: record[k] for k in ("import_seconds", "encode_seconds",
                                               "torch_imported", "precision")}})
    plain_wall = rows[0]["wall_seconds"]
    for row in rows:
        row["speedup_vs_plain"] = plain_wall / row["wall_seconds"]
    ratios = {
        "framing_auto_vs_plain": plain_wall / rows[2]["wall_seconds"],
        "framing_float32_vs_plain": plain_wall / rows[1]["wall_seconds"],
        "auto_vs_float32": rows[1]["wall_seconds"] / rows[2]["wall_seconds"],
        "cached_vs_cold_process": cold["wall_seconds"] / cached["wall_seconds"],
    }
    return {"sentences": n, "model": source, "threads": threads, "repeats": repeats,
            "torch": torch.__version__, "python": platform.python_version(),
            "cpus": os.cpu_count(), "load_average_end": os.getloadavg(),
            "rows": rows, "ratios": ratios}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=3000, help="sentences (default 3000)")
    parser.add_argument("--threads", type=int, default=2, help="torch threads (default 2)")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--model", default=None, help="encoder (default: packaged MiniLM)")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/out"))
    args = parser.parse_args(argv)
    if args.n < 1 or args.threads < 1 or args.repeats < 1:
        parser.error("--n, --threads and --repeats must be at least 1")
    result = run(args.n, args.threads, args.repeats, args.model)
    print(f"\n{result['sentences']} AllSides sentences, {result['threads']} torch threads, "
          f"best of {result['repeats']}; load average at the end "
          f"{', '.join(f'{x:.2f}' for x in result['load_average_end'])}")
    print(f"{'contestant':44s} {'wall s':>8s} {'sent/s':>8s} {'x plain':>8s} "
          f"{'cos mean':>9s} {'cos min':>9s}")
    for row in result["rows"]:
        print(f"{row['contestant']:44s} {row['wall_seconds']:8.2f} "
              f"{row['sentences_per_second']:8.1f} {row['speedup_vs_plain']:8.2f} "
              f"{row['cosine_mean']:9.5f} {row['cosine_min']:9.5f}")
    for name, value in result["ratios"].items():
        print(f"{name}: {value:.2f}")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "encoder.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
