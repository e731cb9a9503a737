"""Zero-shot ``FrameScorer`` against public gold, and the calibration of its thresholds.

Run from the repository root::

    FRAMING_MIRROR=/work/shared/data/mirror HF_HUB_OFFLINE=1 \\
        python experiments/validation/frames_zero_shot.py [--calibrate] [--baseline-rev REV]
        [--methods lexicon,embedding,both]

Nothing is trained: the scorer's seeds and prototypes are authored. Two public corpora with
gold frames test it, on different issues and text lengths:

**Narrative Frames** (Frermann et al. 2023, ``fetch_narrative_frames()``; 427 climate
articles with five binary gold frames, mapped to the generic frames as in
``narrative_frames.py``). Per frame: is it present? ``FrameScorer.frames_present`` decides
with one threshold per frame on the frame's raw signal (weighted seed matches per 1,000
words; share of sentences assigned). The thresholds the package ships are fitted on all
427 articles (``--calibrate``), so the F1 reported as the method's score is **out of
fold**: 5-fold stratified cross-fitting repeated 5 times (seeds 0-4), each fold scored with
thresholds chosen (F1-maximising) on the other four, pooled per repeat; mean over repeats,
with the range. Beside it: prevalence, the "always present" rule (F1 = 2p / (1 + p)), the
F1 of the shipped thresholds on the articles they were fitted on (in-sample, an upper
bound), and macro-F1 over the five frames.

**GVFC** (Liu et al. 2019, ``fetch_gvfc()``): the 1,301 relevant headlines with a primary
frame code. Gold codes are mapped to policy frames by
``framing.datasets.GVFC_TO_POLICY_FRAMES`` (8 frames: mental health and school safety both
map to health and safety). Prediction: ``FrameScorer.primary_frames`` over all 14 policy
frames; a headline without evidence (``None``) or with a frame GVFC has no code for (crime,
security...) counts as wrong. Accuracy and macro-F1 over the 8 mapped frames, beside the
majority class (always "political"), and F1 per frame.

Methods: ``lexicon`` (the default), ``embedding`` and ``both``. On Narrative Frames the
embedding signals come from one pass of the encoder over the articles' sentences, assigned
to frames as ``FrameScorer`` does; the script checks on 10 articles that this reproduces
``FrameScorer(method="embedding")`` exactly.

``--calibrate`` first chooses the embedding method's ``similarity_threshold`` on a grid
(0 to 0.45 by 0.05): the value maximising the mean of (a) Narrative Frames macro-F1 of the
embedding method's presence (out of fold, one repeat) and (b) GVFC macro-F1 of its primary
frame; ties go to the smaller threshold. It then fits the presence thresholds of the
generic frames on all 427 articles, for the lexicon method and for the embedding method at
the chosen similarity threshold, and writes them to
``framing/lexicons/data/generic_frames.json`` (``"presence"``). The chosen similarity
threshold is recorded in the results; ``framing.features._frames.SIMILARITY_THRESHOLD``
must equal it (a test checks). Policy and immigration frames have no article-level
presence gold here: they keep "any evidence" as presence.

``--baseline-rev REV`` also scores the scorer as it was at git revision ``REV`` (read with
``git archive``, run in a subprocess), with the rules it had: a frame present when its
share is at least 1/5, primary frame ties to the frame listed first. Its numbers are
stored under ``"previous"``.

Output: ``experiments/results/frames_zero_shot.json`` and a table on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

SEED = 0
N_SPLITS, N_REPEATS = 5, 5
RESULTS = Path("experiments/results/frames_zero_shot.json")
GENERIC_JSON = Path("framing/lexicons/data/generic_frames.json")
#: Narrative Frames gold column suffix -> generic frame of FrameScorer.
NF_MAPPING = {"conflict": "conflict", "human_interest": "human_interest",
              "economic": "economic", "moral": "morality", "resolution": "responsibility"}
#: The rule "present when the share is at least a uniform split's", of the previous scorer.
PRIOR_SHARE = 1 / 5
SIMILARITY_GRID = tuple(round(0.05 * i, 2) for i in range(10))
METHODS = ("lexicon", "embedding", "both")
COMMAND = "python experiments/validation/frames_zero_shot.py --calibrate"


def _environment() -> None:
    # run as a file (python experiments/validation/frames_zero_shot.py) or as a module
    root = str(Path(__file__).resolve().parents[2])
    if root not in sys.path:
        sys.path.insert(0, root)
    from experiments.validation._cv import use_local_mirror

    use_local_mirror()


# -- data --------------------------------------------------------------------------------------
def load_narrative_frames() -> tuple[pd.Series, pd.DataFrame]:
    """Texts and boolean gold (columns: the generic frame keys) of the labelled articles."""
    from framing.datasets import fetch_narrative_frames

    articles = fetch_narrative_frames(progress=False)
    labels = articles[[f"label_frame_{g}" for g in NF_MAPPING]]
    keep = labels.notna().all(axis=1)
    labels = labels[keep].astype(bool)
    labels.columns = list(NF_MAPPING.values())
    return articles.loc[keep, "text"], labels


def gvfc_mapping() -> dict[int, str]:
    try:
        from framing.datasets import GVFC_TO_POLICY_FRAMES
    except ImportError:  # a revision from before the mapping was published
        return {1: "legality", 2: "policy_prescription", 3: "political", 4: "health_safety",
                5: "health_safety", 6: "fairness_equality", 7: "public_opinion",
                8: "cultural_identity", 9: "economic"}
    return dict(GVFC_TO_POLICY_FRAMES)


def load_gvfc() -> tuple[pd.Series, pd.Series]:
    """Headlines and gold policy frame of the relevant headlines with a frame code."""
    from framing.datasets import fetch_gvfc

    headlines = fetch_gvfc(progress=False)
    mapping = gvfc_mapping()
    coded = (headlines["label_relevant"] == 1) & headlines["label_theme1"].isin(list(mapping))
    coded = coded.fillna(False).astype(bool)
    gold = headlines.loc[coded, "label_theme1"].astype(int).map(mapping)
    return headlines.loc[coded, "text"], gold


# -- metrics -----------------------------------------------------------------------------------
def _f1(y, pred) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(y, pred, zero_division=0))


def best_threshold(signal: np.ndarray, y: np.ndarray) -> float:
    """The threshold on ``signal`` (present iff signal > 0 and signal >= threshold) with the
    best F1 on (signal, y); ties go to the lower threshold."""
    positive = signal > 0
    candidates = np.unique(signal[positive])
    if not len(candidates):
        return 0.0
    # Texts predicted present at each candidate: those with a signal at or above it.
    ranked = np.sort(signal[positive])
    gold = y[positive][np.argsort(signal[positive], kind="stable")]
    below = np.searchsorted(ranked, candidates, side="left")
    predicted = len(ranked) - below
    hits = np.cumsum(gold[::-1])[::-1][below]
    # F1 = 2 TP / (2 TP + FP + FN) = 2 TP / (predicted + actual), as sklearn computes it
    scores = 2 * hits / (predicted + int(y.sum()))
    return float(candidates[int(np.argmax(scores))])


def present(signal: np.ndarray, threshold: float) -> np.ndarray:
    return (signal > 0) & (signal >= threshold)


def cross_fitted_f1(signal: np.ndarray, y: np.ndarray, repeats=range(N_REPEATS)) -> dict:
    """F1 of out-of-fold presence: thresholds fitted on the other folds, pooled per repeat."""
    from sklearn.model_selection import StratifiedKFold

    scores = []
    for repeat in repeats:
        pred = np.zeros(len(y), dtype=bool)
        folds = StratifiedKFold(N_SPLITS, shuffle=True, random_state=SEED + repeat)
        for train, test in folds.split(signal, y):
            pred[test] = present(signal[test], best_threshold(signal[train], y[train]))
        scores.append(_f1(y, pred))
    return {"f1": float(np.mean(scores)), "f1_min": float(np.min(scores)),
            "f1_max": float(np.max(scores))}


def primary_metrics(pred: pd.Series, gold: pd.Series) -> dict:
    from sklearn.metrics import f1_score

    labels = sorted(set(gold))
    pred = pred.reindex(gold.index).fillna("none").astype(str)
    majority = gold.value_counts().index[0]
    always = pd.Series(majority, index=gold.index)
    per_frame = f1_score(gold, pred, labels=labels, average=None, zero_division=0)
    return {
        "n": int(len(gold)),
        "accuracy": float((pred == gold).mean()),
        "macro_f1": float(f1_score(gold, pred, labels=labels, average="macro",
                                   zero_division=0)),
        "majority_frame": majority,
        "majority_accuracy": float((always == gold).mean()),
        "majority_macro_f1": float(f1_score(gold, always, labels=labels, average="macro",
                                            zero_division=0)),
        "no_evidence": float((pred == "none").mean()),
        "outside_mapping": float((~pred.isin(labels + ["none"])).mean()),
        "per_frame_f1": {label: float(v) for label, v in zip(labels, per_frame, strict=True)},
        "predicted": {k: int(v) for k, v in pred.value_counts().items()},
    }


# -- Narrative Frames signals ------------------------------------------------------------------
def _has_presence_api() -> bool:
    from framing.features import FrameScorer

    return hasattr(FrameScorer, "frames_present")


class SentenceTable:
    """The sentences of some texts, embedded once, assigned to frames at any threshold."""

    def __init__(self, texts: pd.Series):
        from framing.features._embeddings import get_encoder
        from framing.features._sentences import sentence_spans

        spans = [sentence_spans(text) for text in texts]
        self.index = texts.index
        self.owner = np.repeat(np.arange(len(texts)), [len(s) for s in spans])
        self.n_sentences = np.bincount(self.owner, minlength=len(texts)).astype(float)
        start = time.perf_counter()
        self.embeddings = get_encoder().encode(
            [text[a:b] for text, pieces in zip(texts, spans, strict=True) for a, b in pieces])
        print(f"encoded {len(self.owner)} sentences of {len(texts)} texts in "
              f"{time.perf_counter() - start:.0f} s", flush=True)

    def counts(self, prototypes: np.ndarray, threshold: float) -> np.ndarray:
        """Sentences per text and frame, as ``FrameScorer`` assigns them."""
        similarity = self.embeddings @ prototypes.T
        best = similarity.argmax(axis=1)
        assigned = similarity[np.arange(len(best)), best] >= np.float32(threshold)
        n_frames = len(prototypes)
        counts = np.bincount(self.owner[assigned] * n_frames + best[assigned],
                             minlength=len(self.n_sentences) * n_frames)
        return counts.reshape(len(self.n_sentences), n_frames).astype(float)


def _shares(counts: np.ndarray) -> np.ndarray:
    total = counts.sum(axis=1, keepdims=True)
    return np.where(total > 0, counts / np.where(total > 0, total, 1), 0.0)


def nf_signals(texts: pd.Series, methods, table: SentenceTable | None,
               similarity_threshold: float | None = None) -> dict[str, dict]:
    """Per method: ``raw`` (signal per article and frame) and ``share`` (distribution)."""
    from framing.features import FrameScorer

    frames = list(NF_MAPPING.values())
    out = {}
    lexicon = (FrameScorer(typologies="generic", details=True).set_output(transform="pandas")
               .fit().transform(texts))
    out["lexicon"] = {"raw": lexicon[[f"frames__lexicon_generic_{f}" for f in frames]]
                      .to_numpy(),
                      "share": lexicon[[f"frames__generic_{f}" for f in frames]].to_numpy()}
    if {"embedding", "both"} & set(methods):
        params = {} if similarity_threshold is None else {
            "similarity_threshold": similarity_threshold}
        scorer = FrameScorer(typologies="generic", method="embedding", **params).fit()
        counts = table.counts(scorer.prototypes_["generic"], scorer.similarity_threshold)
        out["embedding"] = {"raw": counts / np.maximum(table.n_sentences, 1)[:, None],
                            "share": _shares(counts)}
        _check_embedding(texts, scorer, out["embedding"]["raw"])
        lex, emb = out["lexicon"]["share"], out["embedding"]["share"]
        has_lex, has_emb = lex.sum(1, keepdims=True) > 0, emb.sum(1, keepdims=True) > 0
        out["both"] = {"share": np.where(has_lex & has_emb, (lex + emb) / 2,
                                         np.where(has_lex, lex, emb))}
    return out


def _check_embedding(texts: pd.Series, scorer, raw: np.ndarray) -> None:
    """The assignment above equals FrameScorer's own, on the first 10 texts."""
    from sklearn.base import clone

    direct = (clone(scorer).set_params(details=True).fit().transform(texts.iloc[:10])
              [:, -raw.shape[1]:])
    gap = float(np.abs(direct - raw[:10]).max())
    if gap > 1e-9:
        raise AssertionError(f"embedding signals differ from FrameScorer's by {gap}")


# -- evaluations -------------------------------------------------------------------------------
def evaluate_narrative_frames(labels: pd.DataFrame, signals: dict, methods, *,
                              presence: bool, thresholds: dict | None = None) -> dict:
    """Per method, per frame: F1 next to prevalence and the always-present rule.

    ``presence``: the thresholded raw-signal rule (out of fold); otherwise the previous
    scorer's rule, share >= 1/5.
    """
    results = {}
    for method in methods:
        signal, rows = signals[method], {}
        for j, frame in enumerate(labels.columns):
            y = labels[frame].to_numpy()
            p = float(y.mean())
            row = {"prevalence": p, "always_present_f1": 2 * p / (1 + p)}
            if not presence:
                row["rule"] = "share >= 1/5"
                row["f1"] = _f1(y, signal["share"][:, j] >= PRIOR_SHARE)
            elif method == "both":
                row["rule"] = "lexicon or embedding present (each out of fold)"
                row.update(_both_cross_fitted(signals, j, y))
                if thresholds is not None:
                    row["f1_shipped_in_sample"] = _f1(y, np.logical_or.reduce(
                        [present(signals[m]["raw"][:, j], thresholds[m][frame])
                         for m in ("lexicon", "embedding")]))
            else:
                row["rule"] = "raw signal >= threshold (out of fold)"
                row.update(cross_fitted_f1(signal["raw"][:, j], y))
                if thresholds is not None:
                    shipped = thresholds[method][frame]
                    row["threshold_shipped"] = shipped
                    row["f1_shipped_in_sample"] = _f1(y, present(signal["raw"][:, j], shipped))
            row["beats_always_present"] = row["f1"] > row["always_present_f1"]
            rows[frame] = row
        results[method] = {
            "per_frame": rows,
            "macro_f1": float(np.mean([r["f1"] for r in rows.values()])),
            "always_present_macro_f1": float(np.mean([r["always_present_f1"]
                                                      for r in rows.values()])),
        }
    return results


def _both_cross_fitted(signals: dict, j: int, y: np.ndarray) -> dict:
    from sklearn.model_selection import StratifiedKFold

    lexicon, embedding = signals["lexicon"]["raw"][:, j], signals["embedding"]["raw"][:, j]
    scores = []
    for repeat in range(N_REPEATS):
        pred = np.zeros(len(y), dtype=bool)
        folds = StratifiedKFold(N_SPLITS, shuffle=True, random_state=SEED + repeat)
        for train, test in folds.split(lexicon, y):
            pred[test] = (present(lexicon[test], best_threshold(lexicon[train], y[train]))
                          | present(embedding[test],
                                    best_threshold(embedding[train], y[train])))
        scores.append(_f1(y, pred))
    return {"f1": float(np.mean(scores)), "f1_min": float(np.min(scores)),
            "f1_max": float(np.max(scores))}


def evaluate_gvfc(texts: pd.Series, gold: pd.Series, methods) -> dict:
    from framing.features import FrameScorer

    out = {}
    for method in methods:
        start = time.perf_counter()
        scorer = FrameScorer(typologies="policy", method=method).fit()
        pred = scorer.primary_frames(texts)["policy"]
        out[method] = primary_metrics(pred, gold)
        print(f"GVFC {method}: {len(texts)} headlines in {time.perf_counter() - start:.0f} s",
              flush=True)
    return out


# -- calibration -------------------------------------------------------------------------------
def choose_similarity_threshold(nf_texts, nf_labels, nf_table, gvfc_texts, gvfc_gold) -> dict:
    """Grid search of the embedding method's similarity threshold (see the module doc)."""
    from framing.features import FrameScorer

    generic = FrameScorer(typologies="generic", method="embedding").fit().prototypes_["generic"]
    policy_scorer = FrameScorer(typologies="policy", method="embedding").fit()
    gvfc_table = SentenceTable(gvfc_texts)
    grid = []
    for threshold in SIMILARITY_GRID:
        raw = nf_table.counts(generic, threshold) / np.maximum(nf_table.n_sentences, 1)[:, None]
        nf = np.mean([cross_fitted_f1(raw[:, j], nf_labels[f].to_numpy(), repeats=[0])["f1"]
                      for j, f in enumerate(nf_labels.columns)])
        counts = gvfc_table.counts(policy_scorer.prototypes_["policy"], threshold)
        pred = _primary_from_counts(counts, policy_scorer.frames_["policy"], gvfc_texts.index)
        gv = primary_metrics(pred, gvfc_gold)["macro_f1"]
        grid.append({"similarity_threshold": threshold, "narrative_frames_macro_f1": float(nf),
                     "gvfc_macro_f1": gv, "objective": float((nf + gv) / 2)})
        print(f"similarity threshold {threshold:.2f}: NF {nf:.3f}  GVFC {gv:.3f}", flush=True)
    best = max(grid, key=lambda row: (round(row["objective"], 12), -row["similarity_threshold"]))
    return {"command": COMMAND, "grid": grid, "chosen": best["similarity_threshold"],
            "objective": "mean of Narrative Frames out-of-fold presence macro-F1 (embedding, "
                         "one 5-fold repeat) and GVFC primary-frame macro-F1 (embedding)"}


def _primary_from_counts(counts: np.ndarray, frames, index) -> pd.Series:
    """Most-assigned frame of each text (ties to the frame listed first: rare, as most
    headlines are one sentence). Only the grid uses this; the GVFC numbers reported per
    method come from ``FrameScorer.primary_frames`` itself."""
    best = counts.argmax(axis=1)
    labels = np.where(counts.sum(axis=1) > 0, np.asarray(frames, dtype=object)[best], None)
    return pd.Series(labels, index=index)


def fit_presence_thresholds(labels: pd.DataFrame, signals: dict) -> dict:
    """Per method and frame, the F1-maximising threshold on all articles."""
    return {method: {frame: best_threshold(signals[method]["raw"][:, j],
                                           labels[frame].to_numpy())
                     for j, frame in enumerate(labels.columns)}
            for method in ("lexicon", "embedding") if method in signals}


def write_presence(thresholds: dict, n_articles: int) -> None:
    meta = json.loads(GENERIC_JSON.read_text("utf-8"))
    meta["presence"] = {
        # Exact values (JSON keeps a float's every digit): a threshold is some article's
        # signal, and a rounded one could leave that article out.
        **thresholds,
        "calibrated_by": COMMAND,
        "data": f"Narrative Frames corpus (Frermann et al. 2023): {n_articles} climate-change "
                "articles with gold frames (conflict, human interest, economic, moral, "
                "resolution mapped to responsibility)",
        "rule": "per frame, the threshold with the best F1 on all the articles (ties to the "
                "lower one); its out-of-fold F1 is in experiments/results/frames_zero_shot.json",
    }
    GENERIC_JSON.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", "utf-8")
    print(f"wrote presence thresholds to {GENERIC_JSON}")


# -- the previous scorer -----------------------------------------------------------------------
def run_baseline(revision: str, methods) -> dict:
    """Score the scorer of ``revision`` in a subprocess that imports that revision's code."""
    with tempfile.TemporaryDirectory() as folder:
        archive = subprocess.run(["git", "archive", revision, "framing"], check=True,
                                 capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", folder], input=archive, check=True)
        out = Path(folder) / "baseline.json"
        env = {**os.environ, "PYTHONPATH": folder}
        subprocess.run([sys.executable, str(Path(__file__).resolve()), "--as-baseline",
                        str(out), "--methods", ",".join(methods)],
                       check=True, cwd=folder, env=env)
        record = json.loads(out.read_text("utf-8"))
    commit = subprocess.run(["git", "rev-parse", revision], check=True, capture_output=True,
                            text=True).stdout.strip()
    record["revision"] = commit
    record["command"] = ("python experiments/validation/frames_zero_shot.py "
                         f"--baseline-rev {revision}")
    return record


def evaluate(methods, *, calibrate: bool, thresholds: dict | None) -> dict:
    """Score the ``framing`` importable here (the working tree, or a previous revision)."""
    nf_texts, nf_labels = load_narrative_frames()
    gvfc_texts, gvfc_gold = load_gvfc()
    print(f"Narrative Frames: {len(nf_labels)} articles; GVFC: {len(gvfc_gold)} coded "
          "relevant headlines", flush=True)
    table = SentenceTable(nf_texts) if {"embedding", "both"} & set(methods) or calibrate \
        else None
    record: dict = {}
    if calibrate:
        record["similarity_threshold"] = choose_similarity_threshold(
            nf_texts, nf_labels, table, gvfc_texts, gvfc_gold)
    current = _has_presence_api()
    chosen = record.get("similarity_threshold", {}).get("chosen")
    signals = nf_signals(nf_texts, methods, table, chosen)
    if calibrate:
        thresholds = fit_presence_thresholds(nf_labels, signals)
        write_presence(thresholds, len(nf_labels))
        record["presence_thresholds"] = thresholds
    elif current:
        from framing.features._frames import presence_thresholds

        thresholds = {m: presence_thresholds("generic", m).to_dict()
                      for m in ("lexicon", "embedding")}
    record["narrative_frames"] = evaluate_narrative_frames(
        nf_labels, signals, methods, presence=current, thresholds=thresholds if current else None)
    record["gvfc"] = evaluate_gvfc(gvfc_texts, gvfc_gold, methods)
    return record


def _print(record: dict, title: str) -> None:
    print(f"\n== {title}")
    for method, result in record["narrative_frames"].items():
        rows = pd.DataFrame(result["per_frame"]).T[["prevalence", "always_present_f1", "f1"]]
        print(f"Narrative Frames, {method}: macro-F1 {result['macro_f1']:.3f} "
              f"(always present {result['always_present_macro_f1']:.3f})")
        print(rows.astype(float).round(3).to_string())
    for method, result in record["gvfc"].items():
        print(f"GVFC, {method}: accuracy {result['accuracy']:.3f} (majority "
              f"{result['majority_accuracy']:.3f}), macro-F1 {result['macro_f1']:.3f} "
              f"(majority {result['majority_macro_f1']:.3f}); per frame "
              + ", ".join(f"{k} {v:.2f}" for k, v in result["per_frame_f1"].items()))


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calibrate", action="store_true",
                        help="choose the similarity threshold and fit presence thresholds")
    parser.add_argument("--methods", default=",".join(METHODS))
    parser.add_argument("--baseline-rev", help="also score the scorer of this git revision")
    parser.add_argument("--as-baseline", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    _environment()
    methods = [m for m in args.methods.split(",") if m]
    if set(methods) - set(METHODS):
        parser.error(f"methods must be among {METHODS}")
    if args.as_baseline:
        record = evaluate(methods, calibrate=False, thresholds=None)
        Path(args.as_baseline).write_text(json.dumps(record), "utf-8")
        return record

    previous = (json.loads(RESULTS.read_text("utf-8")) if RESULTS.exists() else {})
    record = evaluate(methods, calibrate=args.calibrate, thresholds=None)
    calibration = {k: record.pop(k) for k in ("similarity_threshold", "presence_thresholds")
                   if k in record}
    results = {
        "script": "experiments/validation/frames_zero_shot.py",
        "command": "python experiments/validation/frames_zero_shot.py"
                   + (" --calibrate" if args.calibrate else "")
                   + (f" --baseline-rev {args.baseline_rev}" if args.baseline_rev else ""),
        "default_method": "lexicon",
        "gvfc_mapping": {str(k): v for k, v in gvfc_mapping().items()},
        "calibration": calibration or previous.get("calibration", {}),
        "current": record,
    }
    if args.baseline_rev:
        results["previous"] = run_baseline(args.baseline_rev, methods)
    elif "previous" in previous:
        results["previous"] = previous["previous"]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", "utf-8")
    _print(record, "current scorer")
    if "previous" in results:
        _print(results["previous"], f"previous scorer ({results['previous']['revision'][:8]})")
    print(f"\nwrote {RESULTS}")
    return results


if __name__ == "__main__":
    sys.exit(0 if main() is not None else 1)
