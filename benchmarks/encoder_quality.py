"""Does the encoder's fast path keep the numbers? float32 against ``precision="auto"``.

Two checks, each computed at ``precision="float32"`` (the exact path) and at the fast
path (``--fast``, default ``"bfloat16"``, what ``precision="auto"`` chooses on a CPU with
AMX), on the CPU:

1. **Vectors.** The cosine between each sentence's two vectors, mean and minimum, on
   ``--allsides`` distinct AllSides sentences drawn with a fixed seed (the sentences of
   Figure 5's embedding kinds), for each encoder in ``--models``.
2. **Downstream.** BABE SG2 sentence bias (rows labelled ``No agreement`` left out) with
   the library's embeddings classifier, ``make_bias_classifier("embeddings")``: mean
   MiniLM sentence vectors (as :class:`framing.models.TextEmbedder` computes them),
   standardised, logistic regression. 5-fold stratified cross-validation with a fixed
   seed; the same folds for both precisions; macro-F1 per fold and its mean, and the
   per-fold differences. The fast path may be the default only if the mean macro-F1
   moves by less than 0.01.

The vectors are computed once per precision (the embedder learns nothing, so this equals
refitting the pipeline per fold) and then go through the classifier's own scaler and
logistic regression. Vectors go to the disk cache under their precision, so a second
run is quick.

``--candidates N`` first measures the CPU inference paths the fast path was chosen from,
on N AllSides sentences per model, with plain transformers code (not the library):
float32; bfloat16 weights (what the library does); bfloat16 autocast (float32 weights);
int8 dynamic quantisation of the linear layers (``torch.ao.quantization.quantize_dynamic``,
per-tensor and per-channel weights). For each: sentences per wall second and per CPU
second (best of 2 passes, after one untimed pass of 64 sentences), and the cosine to the
float32 vectors. Run it again with ``ONEDNN_MAX_CPU_ISA=AVX512_CORE_BF16`` to see a CPU
with AVX512-BF16 but without AMX (oneDNN then leaves the AMX units unused).

Writes ``benchmarks/out/encoder_quality.json`` (and, with ``--candidates``,
``encoder_candidates.json``, or ``encoder_candidates_<isa>.json`` under
``ONEDNN_MAX_CPU_ISA``)::

    python -m benchmarks.encoder_quality        # --allsides 3000 --models minilm
    python -m benchmarks.encoder_quality --candidates 1000 --allsides 0 --skip-babe
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import numpy as np

from .encoder import allsides_sentences

SEED = 0
FOLDS = 5


def text_vectors(texts, precision: str, model=None) -> np.ndarray:
    """Mean sentence vectors of each text, L2-normalised, as ``TextEmbedder`` makes them."""
    from framing.features import get_encoder, split_sentences

    per_text = [[s for s in split_sentences(text) if s.strip()] for text in texts]
    encoder = get_encoder(model, device="cpu", precision=precision)
    distinct = sorted({s for sentences in per_text for s in sentences})
    table = dict(zip(distinct, encoder.encode(distinct), strict=True))
    out = np.zeros((len(texts), encoder.dimension))
    for row, sentences in enumerate(per_text):
        if sentences:
            mean = np.mean([table[s] for s in sentences], axis=0, dtype=np.float64)
            out[row] = mean / max(np.linalg.norm(mean), 1e-12)
    return out


def babe_macro_f1(fast: str) -> dict:
    """Per-fold macro-F1 of the embeddings bias classifier at float32 and at ``fast``."""
    from sklearn.base import clone
    from sklearn.metrics import f1_score
    from sklearn.model_selection import StratifiedKFold

    from framing.datasets import fetch_babe
    from framing.models import make_bias_classifier

    babe = fetch_babe("SG2", progress=False)
    babe = babe[babe["label_bias"] != "No agreement"]
    texts, labels = babe["text"].tolist(), babe["label_bias"].astype(str).to_numpy()
    classifier = make_bias_classifier("embeddings", random_state=SEED)
    classifier.set_params(embed="passthrough")  # the vectors are computed below
    folds = list(StratifiedKFold(FOLDS, shuffle=True, random_state=SEED).split(texts, labels))
    scores, seconds = {}, {}
    for precision in ("float32", fast):
        started = time.perf_counter()
        vectors = text_vectors(texts, precision)
        seconds[precision] = time.perf_counter() - started
        scores[precision] = []
        for train, test in folds:
            fitted = clone(classifier).fit(vectors[train], labels[train])
            scores[precision].append(float(f1_score(labels[test], fitted.predict(vectors[test]),
                                                    average="macro")))
        print(f"BABE SG2 embeddings + LR, {precision:8s}: macro-F1 "
              f"{np.mean(scores[precision]):.4f} (folds "
              f"{', '.join(f'{s:.4f}' for s in scores[precision])})", flush=True)
    difference = np.subtract(scores[fast], scores["float32"])
    return {"sentences": len(texts), "folds": FOLDS, "seed": SEED,
            "classifier": "make_bias_classifier('embeddings'): TextEmbedder (MiniLM), "
                          "StandardScaler, LogisticRegression",
            "macro_f1": {p: {"folds": s, "mean": float(np.mean(s))} for p, s in scores.items()},
            "difference_fast_minus_float32": {"folds": difference.tolist(),
                                              "mean": float(difference.mean())},
            "within_0.01": bool(abs(difference.mean()) < 0.01),
            "encode_seconds_uncached": seconds}


def allsides_cosines(n: int, models: list[str], fast: str) -> dict:
    """Cosine between float32 and ``fast`` vectors of ``n`` AllSides sentences, per model."""
    from framing.features import get_encoder

    sentences = allsides_sentences(n, seed=SEED)
    out = {}
    for model in models:
        name = None if model == "minilm" else model
        exact = get_encoder(name, device="cpu", precision="float32").encode(sentences)
        quick = get_encoder(name, device="cpu", precision=fast).encode(sentences)
        cosine = (exact.astype(np.float64) * quick).sum(axis=1)
        out[model] = {"sentences": n, "cosine_mean": float(cosine.mean()),
                      "cosine_min": float(cosine.min()),
                      "cosine_p01": float(np.quantile(cosine, 0.01))}
        print(f"AllSides, {model}: cosine float32 vs {fast} over {n} sentences: mean "
              f"{cosine.mean():.5f}, min {cosine.min():.5f}", flush=True)
    return out


def candidates(n: int, models: list[str]) -> dict:
    """Speed and cosine to float32 of each CPU inference path, per model (plain code)."""
    import contextlib
    import warnings

    import torch
    from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic
    from transformers import AutoModel, AutoTokenizer

    from framing._pretrained import resolve_encoder

    sentences = allsides_sentences(n, seed=SEED)
    order = sorted(range(n), key=lambda i: -len(sentences[i]))
    out = {}
    for name in models:
        source, _ = resolve_encoder(None if name == "minilm" else name, None)
        tokenizer = AutoTokenizer.from_pretrained(source)

        def load(source=source, **kwargs):
            return AutoModel.from_pretrained(source, use_safetensors=True, **kwargs).eval()

        def encode(model, autocast, rows, tokenizer=tokenizer):
            vectors = np.zeros((n, model.config.hidden_size), dtype=np.float32)
            context = (torch.autocast("cpu", dtype=torch.bfloat16) if autocast
                       else contextlib.nullcontext())
            with torch.inference_mode(), context:
                for begin in range(0, len(rows), 64):
                    batch_rows = rows[begin:begin + 64]
                    batch = tokenizer([sentences[i] for i in batch_rows], padding=True,
                                      truncation=True, max_length=128, return_tensors="pt")
                    hidden = model(**batch).last_hidden_state.float()
                    mask = batch["attention_mask"].unsqueeze(-1).float()
                    pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                    vectors[batch_rows] = torch.nn.functional.normalize(pooled, dim=1).numpy()
            return vectors

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # quantize_dynamic's deprecation notice
            paths = {
                "float32": (load(), False),
                "bfloat16 weights": (load(dtype=torch.bfloat16), False),
                "bfloat16 autocast": (load(), True),
                "int8 dynamic, per tensor": (
                    quantize_dynamic(load(), {torch.nn.Linear}, dtype=torch.qint8), False),
                "int8 dynamic, per channel": (
                    quantize_dynamic(load(), {torch.nn.Linear: per_channel_dynamic_qconfig}),
                    False),
            }
        reference, rows = None, {}
        for path, (model, autocast) in paths.items():
            encode(model, autocast, order[:64])
            best = None
            for _ in range(2):
                wall, cpu = time.perf_counter(), time.process_time()
                vectors = encode(model, autocast, order)
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                best = min(best or (wall, cpu), (wall, cpu))
            reference = vectors if reference is None else reference
            cosine = (vectors.astype(np.float64) * reference).sum(axis=1)
            rows[path] = {"sentences_per_second": n / best[0],
                          "sentences_per_cpu_second": n / best[1],
                          "cosine_mean": float(cosine.mean()),
                          "cosine_min": float(cosine.min())}
            print(f"{name:7s} {path:27s} {n / best[0]:7.1f} sentences/s "
                  f"{n / best[1]:7.1f} per CPU s  cosine to float32: mean "
                  f"{cosine.mean():.5f} min {cosine.min():.5f}", flush=True)
        out[name] = rows
    return {"sentences": n, "onednn_max_cpu_isa": os.environ.get("ONEDNN_MAX_CPU_ISA"),
            "paths": out}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--allsides", type=int, default=3000,
                        help="AllSides sentences for the cosine check (default 3000; 0: skip)")
    parser.add_argument("--models", default="minilm",
                        help="comma-separated encoders for the cosine check (minilm, mpnet)")
    parser.add_argument("--fast", default="bfloat16", choices=["bfloat16"],
                        help="the fast path measured against float32")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--skip-babe", action="store_true")
    parser.add_argument("--candidates", type=int, default=0, metavar="N",
                        help="also measure the candidate CPU paths on N sentences")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/out"))
    args = parser.parse_args(argv)
    import torch

    from framing._device import compute_precision

    torch.set_num_threads(args.threads)
    models = args.models.split(",")
    about = {"torch": torch.__version__, "python": platform.python_version(),
             "threads": args.threads, "auto_on_this_cpu": compute_precision("cpu", "auto")}
    args.out.mkdir(parents=True, exist_ok=True)
    if args.candidates:
        result = {**about, **candidates(args.candidates, models),
                  "load_average_end": os.getloadavg()}
        isa = os.environ.get("ONEDNN_MAX_CPU_ISA")
        name = f"encoder_candidates_{isa.lower()}.json" if isa else "encoder_candidates.json"
        (args.out / name).write_text(json.dumps(result, indent=1), encoding="utf-8")
    if not args.allsides and args.skip_babe:
        return 0
    result = {**about, "fast": args.fast}
    if args.allsides:
        result["allsides"] = allsides_cosines(args.allsides, models, args.fast)
    if not args.skip_babe:
        result["babe"] = babe_macro_f1(args.fast)
        difference = result["babe"]["difference_fast_minus_float32"]["mean"]
        print(f"mean macro-F1 difference ({args.fast} - float32): {difference:+.4f}")
    result["figure_5"] = "not rerun (see benchmarks/README.md)"
    result["load_average_end"] = os.getloadavg()
    (args.out / "encoder_quality.json").write_text(json.dumps(result, indent=1),
                                                   encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
