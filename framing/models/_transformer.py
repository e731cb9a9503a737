"""Fine-tune a transformer encoder as a scikit-learn classifier, on a CPU or a GPU.

:class:`TransformerClassifier` wraps Hugging Face ``AutoModelForSequenceClassification``
in the scikit-learn estimator contract (``fit(texts, y)``, ``predict``, ``predict_proba``,
``clone``), with what makes CPU fine-tuning affordable and reproducible:

* **Deterministic.** ``random_state`` seeds Python, NumPy and torch before the
  classification head is initialised, the validation split is drawn and every batch is
  shuffled; :func:`torch.use_deterministic_algorithms` is switched on for the duration
  of ``fit`` and ``predict`` only (the previous setting is restored).
* **Dynamic padding, length-sorted batches.** Texts are tokenised once without padding;
  training batches are formed from buckets of similar length (shuffled within and
  between buckets with the seed), so a batch pads to its own longest text rather than to
  ``max_length``. On BABE sentences this is several times faster than padding to 128.
* **Early stopping.** A stratified ``validation_fraction`` of the training data is held
  out; macro-F1 on it is measured after every epoch, the best weights are kept and
  training stops after ``patience`` epochs without improvement.
* **Long texts.** A text longer than ``max_length`` tokens is cut into windows
  (``max_chunks`` at most, evenly spread over the text); each window is a training
  example carrying the text's label, and a text's probabilities are the mean over its
  windows. Sentences fit in one window.
* **Mixed precision.** ``precision="bfloat16"`` runs the forward passes under CPU
  autocast (weights and optimiser state stay float32). On a CPU with AVX512-BF16 or AMX
  a training step of all-mpnet-base-v2 takes about half the time (measured in
  ``docs/results.md``); elsewhere bfloat16 is emulated and slower. ``"auto"`` picks
  bfloat16 where the CPU computes it natively and float32 elsewhere; the choice made is
  ``precision_``, saved with the model.
* **Device.** ``device="auto"`` trains and predicts on CUDA where torch sees a GPU, and on
  the CPU elsewhere. On CUDA the forward passes run under float16 autocast and the
  gradients through a :class:`torch.amp.GradScaler` (mixed precision: weights and
  optimiser state stay float32); ``precision`` then does not apply, and ``precision_``
  is ``"float16"``. On the CPU, ``precision`` keeps the meaning above. The device used
  is ``device_``, written in every ``history_`` record and saved with the model.
* **Safe persistence.** :meth:`TransformerClassifier.save` writes safetensors weights,
  the tokenizer and a JSON config (no pickle) under ``get_data_home()/models/<name>``;
  :meth:`TransformerClassifier.load` reads them back. Weights are written from the CPU, so
  a model trained on a GPU loads on a machine without one.

Models: ``"minilm"`` (the packaged all-MiniLM-L6-v2, 22M parameters), ``"mpnet"``
(all-mpnet-base-v2, 110M parameters, fetched and verified on first use by
:func:`framing._pretrained.encoder_path`), a local folder, or a Hugging Face model id with
a pinned ``revision`` (a commit hash; refused without one).
torch and transformers are imported inside methods only.
"""

from __future__ import annotations

import json
import os
import random
import time
from pathlib import Path

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from .._config import get_data_home, set_transformers_offline
from .._device import CUDA_PRECISION, resolve_device
from .._pretrained import resolve_encoder as resolve_model
from .._validation import as_texts
from .._warnings import warn_at_caller
from ..io import atomic_write

__all__ = ["TransformerClassifier", "resolve_model"]

_PRECISIONS = ("float32", "bfloat16", "auto")

#: Config file written beside the weights by :meth:`TransformerClassifier.save`.
CONFIG_NAME = "framing_classifier.json"


class _Deterministic:
    """Seed everything and switch on deterministic torch kernels for a block."""

    def __init__(self, torch, seed, num_threads=None):
        self.torch, self.seed, self.num_threads = torch, seed, num_threads

    def __enter__(self):
        torch = self.torch
        self.previous = torch.are_deterministic_algorithms_enabled()
        self.previous_threads = torch.get_num_threads()
        if self.num_threads is not None:
            torch.set_num_threads(int(self.num_threads))
        torch.use_deterministic_algorithms(True, warn_only=True)
        if self.seed is not None:
            random.seed(self.seed)
            # code that draws from NumPy's global generator (tokenizers, user callbacks)
            np.random.seed(self.seed % 2**32)  # noqa: NPY002
            torch.manual_seed(self.seed)
        return self

    def __exit__(self, *exc):
        self.torch.use_deterministic_algorithms(self.previous)
        self.torch.set_num_threads(self.previous_threads)


class TransformerClassifier(ClassifierMixin, BaseEstimator):
    """A fine-tuned transformer encoder with a classification head.

    Parameters
    ----------
    model : str or path-like, default "minilm"
        ``"minilm"``, ``"mpnet"``, a local model folder, or a Hugging Face model id (with
        ``revision``).
    revision : str, optional
        Commit of a Hugging Face model id (required for ids, ignored for folders).
    max_length : int, default 128
        Tokens per window (texts longer than this are cut into windows).
    max_chunks : int, default 8
        Windows kept per text, spread evenly over it (1: the beginning only).
    epochs : int, default 4
        Upper bound on epochs; early stopping usually ends sooner.
    lr : float, default 5e-5
        Peak learning rate of AdamW (linear warm-up over ``warmup_ratio`` of the steps,
        then linear decay).
    batch_size : int, default 16
    weight_decay : float, default 0.01
    warmup_ratio : float, default 0.1
    patience : int, default 1
        Epochs without a better validation macro-F1 before stopping.
    validation_fraction : float, default 0.1
        Share of the training texts held out for early stopping (stratified). 0 trains
        for ``epochs`` epochs without validation.
    class_weight : {"balanced", None}, default None
        Weight the loss by inverse class frequency.
    max_steps : int, optional
        Stop after this many optimiser steps (for smoke tests).
    precision : {"float32", "bfloat16", "auto"}, default "float32"
        Compute type of the forward passes in ``fit`` and ``predict`` on the CPU;
        ``"bfloat16"`` uses CPU autocast (mixed precision: weights stay float32 and are
        saved as such); ``"auto"``: bfloat16 if this CPU has AVX512-BF16 or AMX, else
        float32. On CUDA the forward passes are always float16 mixed precision.
    device : {"auto", "cpu", "cuda", "cuda:N"}, default "auto"
        Where ``fit`` and ``predict`` compute: ``"auto"`` is CUDA when torch sees a GPU,
        else the CPU. A loaded model predicts on the device its own ``device`` resolves to
        on the machine at hand.
    num_threads : int, optional
        torch threads during ``fit``/``predict`` (restored afterwards); default leaves
        torch's setting alone.
    random_state : int, default 0
    verbose : bool, default False
        Print one line per epoch (loss, validation macro-F1, seconds).

    Attributes
    ----------
    classes_ : ndarray
    history_ : list of dict
        Per epoch: epoch, steps, train_loss, val_f1_macro, seconds.
    best_epoch_ : int
    precision_ : {"float32", "bfloat16", "float16"}
        The compute type ``fit`` used (``precision`` with ``"auto"`` resolved on the CPU;
        ``"float16"`` on CUDA).
    device_ : str
        The device ``fit`` trained on (``"cpu"``, ``"cuda"``, ``"cuda:N"``).
    fit_seconds_ : float
    model_source_ : str
        The folder or id the weights were loaded from.

    Examples
    --------
    >>> clf = TransformerClassifier(max_length=32, max_steps=2, batch_size=4)  # doctest: +SKIP
    >>> texts, labels = ["Bad idea.", "Good plan.", "Awful.", "Fine."], [1, 0, 1, 0]
    >>> clf.fit(texts, labels).predict_proba(["Bad."]).shape  # doctest: +SKIP
    (1, 2)
    """

    def __init__(self, model="minilm", *, revision=None, max_length=128, max_chunks=8,
                 epochs=4, lr=5e-5, batch_size=16, weight_decay=0.01, warmup_ratio=0.1,
                 patience=1, validation_fraction=0.1, class_weight=None, max_steps=None,
                 precision="float32", num_threads=None, random_state=0, verbose=False,
                 device="auto"):
        self.model = model
        self.revision = revision
        self.max_length = max_length
        self.max_chunks = max_chunks
        self.epochs = epochs
        self.lr = lr
        self.batch_size = batch_size
        self.weight_decay = weight_decay
        self.warmup_ratio = warmup_ratio
        self.patience = patience
        self.validation_fraction = validation_fraction
        self.class_weight = class_weight
        self.max_steps = max_steps
        self.precision = precision
        self.num_threads = num_threads
        self.random_state = random_state
        self.verbose = verbose
        self.device = device

    # -- tokenisation --------------------------------------------------------------------

    def _windows(self, texts):
        """Token-id windows per text: (list of id lists, owner index per window)."""
        encoded = self.tokenizer_([str(t) for t in texts], truncation=True,
                                  max_length=int(self.max_length),
                                  return_overflowing_tokens=True, verbose=False)
        ids_all = encoded["input_ids"]
        owners_all = np.asarray(encoded["overflow_to_sample_mapping"], dtype=np.int64)
        if not self.max_chunks:
            return ids_all, owners_all
        keep = []
        # the mapping is sorted by text: each text's windows are one contiguous run
        bounds = np.searchsorted(owners_all, np.arange(len(texts) + 1))
        for owner in range(len(texts)):
            rows = np.arange(bounds[owner], bounds[owner + 1])
            if len(rows) > int(self.max_chunks):
                # spread the kept windows over the whole text, first and last included
                rows = rows[np.linspace(0, len(rows) - 1, int(self.max_chunks)).round()
                            .astype(int)]
            keep.extend(rows.tolist())
        return [ids_all[i] for i in keep], owners_all[keep]

    def _collate(self, windows):
        """Pad a batch to its own longest window (dynamic padding)."""
        torch = self._torch
        pad = self.tokenizer_.pad_token_id or 0
        width = max(len(w) for w in windows)
        ids = torch.full((len(windows), width), pad, dtype=torch.long)
        mask = torch.zeros((len(windows), width), dtype=torch.long)
        for row, window in enumerate(windows):
            ids[row, :len(window)] = torch.tensor(window, dtype=torch.long)
            mask[row, :len(window)] = 1
        device = self._run_device
        return {"input_ids": ids.to(device), "attention_mask": mask.to(device)}

    def _batches(self, lengths, rng):
        """Length-bucketed batches: shuffle, sort within buckets of 50 batches, shuffle."""
        size = int(self.batch_size)
        order = rng.permutation(len(lengths))
        bucket = size * 50
        batches = []
        for begin in range(0, len(order), bucket):
            chunk = order[begin:begin + bucket]
            chunk = chunk[np.argsort(np.asarray(lengths)[chunk], kind="stable")]
            batches.extend(chunk[i:i + size] for i in range(0, len(chunk), size))
        rng.shuffle(batches)
        return batches

    def _autocast(self):
        """The forward passes' precision context (float32: a no-op context)."""
        torch = self._torch
        if self._run_device.startswith("cuda"):
            return torch.autocast("cuda", dtype=torch.float16)
        return torch.autocast("cpu", dtype=torch.bfloat16,
                              enabled=self._run_precision == "bfloat16")

    def _use_device(self, device: str, precision: str) -> None:
        """Compute on ``device`` (resolved) at ``precision`` from now on; move the model."""
        if device.startswith("cuda"):
            # cuBLAS is deterministic only with a fixed workspace, which must be chosen
            # before its first use in the process (an explicit setting is kept).
            os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
        self._run_device, self._run_precision = device, precision
        if hasattr(self, "model_"):
            self.model_.to(device)

    def _cpu_precision(self, torch, *, warn: bool) -> str:
        """``precision`` resolved for the CPU ("auto": bfloat16 only where native)."""
        native = _native_bfloat16(torch)
        if self.precision == "bfloat16" and not native and warn:
            warn_at_caller("precision='bfloat16': this CPU has neither AVX512-BF16 nor AMX, "
                           "so bfloat16 is emulated and fine-tuning is slower than float32")
        if self.precision == "auto":
            return "bfloat16" if native else "float32"
        return self.precision

    # -- fitting -------------------------------------------------------------------------

    def _load_pretrained(self, source, revision, num_labels):
        from transformers import AutoModelForSequenceClassification, AutoTokenizer
        from transformers.utils import logging as hf_logging

        if revision is None:
            set_transformers_offline()
        kwargs = {"revision": revision} if revision else {}
        verbosity = hf_logging.get_verbosity()
        hf_logging.set_verbosity_error()  # the "newly initialised head" warning is expected
        try:
            tokenizer = AutoTokenizer.from_pretrained(source, **kwargs)
            model = AutoModelForSequenceClassification.from_pretrained(
                source, num_labels=num_labels, **kwargs)
        finally:
            hf_logging.set_verbosity(verbosity)
        return tokenizer, model

    def fit(self, X, y):
        """Fine-tune on texts ``X`` with labels ``y``.

        Parameters
        ----------
        X : sequence of str
        y : array-like of labels (two or more classes)

        Returns
        -------
        self
        """
        import torch

        texts = as_texts(X)
        y = np.asarray(y)
        if len(texts) != len(y):
            raise ValueError(f"X has {len(texts)} texts but y has {len(y)} labels")
        if self.precision not in _PRECISIONS:
            raise ValueError(f"precision must be one of {_PRECISIONS}, got {self.precision!r}")
        self.classes_, codes = np.unique(y, return_inverse=True)
        if len(self.classes_) < 2:
            raise ValueError("need at least two classes to fit a classifier")
        self._torch = torch
        self.device_ = resolve_device(self.device)
        self.precision_ = (CUDA_PRECISION if self.device_.startswith("cuda")
                           else self._cpu_precision(torch, warn=True))
        self._use_device(self.device_, self.precision_)
        source, revision = resolve_model(self.model, self.revision)
        self.model_source_, self.model_revision_ = source, revision
        started = time.perf_counter()
        seed = None if self.random_state is None else int(self.random_state)
        with _Deterministic(torch, seed, self.num_threads):
            self.tokenizer_, self.model_ = self._load_pretrained(source, revision,
                                                                 len(self.classes_))
            self.model_.to(self.device_)
            self._train(texts, codes, np.random.default_rng(seed))
        self.fit_seconds_ = time.perf_counter() - started
        return self

    def _split_validation(self, codes, rng):
        n = len(codes)
        fraction = float(self.validation_fraction or 0)
        if fraction <= 0 or n < 10:
            return np.arange(n), np.arange(0)
        from sklearn.model_selection import train_test_split

        seed = int(rng.integers(2**31 - 1))
        counts = np.bincount(codes)
        stratify = codes if counts.min() >= 2 else None
        train, val = train_test_split(np.arange(n), test_size=fraction, random_state=seed,
                                      stratify=stratify)
        return np.sort(train), np.sort(val)

    def _train(self, texts, codes, rng):
        import torch
        from sklearn.metrics import f1_score

        model = self.model_
        train_idx, val_idx = self._split_validation(codes, rng)
        windows, owners = self._windows([texts[i] for i in train_idx])
        labels = codes[train_idx][owners]
        lengths = [len(w) for w in windows]
        steps_per_epoch = -(-len(windows) // int(self.batch_size))
        total = steps_per_epoch * int(self.epochs)
        if self.max_steps is not None:
            total = min(total, int(self.max_steps))
        optimizer = torch.optim.AdamW(model.parameters(), lr=float(self.lr),
                                      weight_decay=float(self.weight_decay))
        warmup = int(round(float(self.warmup_ratio) * total))

        def schedule(step):
            if step < warmup:
                return (step + 1) / max(warmup, 1)
            return max(0.0, (total - step) / max(total - warmup, 1))

        scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, schedule)
        weight = None
        if self.class_weight == "balanced":
            counts = np.bincount(labels, minlength=len(self.classes_)).astype(float)
            weight = torch.tensor(len(labels) / (len(counts) * np.maximum(counts, 1)),
                                  dtype=torch.float32, device=self.device_)
        elif self.class_weight is not None:
            raise ValueError("class_weight must be 'balanced' or None")
        loss_fn = torch.nn.CrossEntropyLoss(weight=weight)
        # float16 gradients underflow without loss scaling; disabled, the scaler is a
        # pass-through (CPU: float32 or bfloat16, which has float32's range).
        scaler = torch.amp.GradScaler("cuda", enabled=self.device_.startswith("cuda"))

        self.history_, best_f1, best_state, bad, step = [], -1.0, None, 0, 0
        self.best_epoch_ = 0
        for epoch in range(1, int(self.epochs) + 1):
            model.train()
            epoch_start, losses = time.perf_counter(), []
            for batch in self._batches(lengths, rng):
                inputs = self._collate([windows[i] for i in batch])
                with self._autocast():
                    logits = model(**inputs).logits
                targets = torch.as_tensor(labels[batch], dtype=torch.long, device=self.device_)
                loss = loss_fn(logits.float(), targets)
                scaler.scale(loss).backward()
                scaler.unscale_(optimizer)  # clip the true gradients, not the scaled ones
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                scaler.step(optimizer)
                scaler.update()
                scheduler.step()
                optimizer.zero_grad(set_to_none=True)
                losses.append(float(loss.detach()))
                step += 1
                if step >= total:
                    break
            record = {"epoch": epoch, "steps": step,
                      "train_loss": float(np.mean(losses)) if losses else float("nan"),
                      "val_f1_macro": float("nan"), "device": self.device_}
            if len(val_idx):
                proba = self._proba([texts[i] for i in val_idx])
                record["val_f1_macro"] = float(f1_score(codes[val_idx], proba.argmax(1),
                                                        average="macro"))
            record["seconds"] = time.perf_counter() - epoch_start
            self.history_.append(record)
            if self.verbose:
                print(f"epoch {epoch}: loss {record['train_loss']:.4f} "
                      f"val macro-F1 {record['val_f1_macro']:.4f} ({record['seconds']:.0f}s)",
                      flush=True)
            if len(val_idx):
                if record["val_f1_macro"] > best_f1:
                    best_f1, bad, self.best_epoch_ = record["val_f1_macro"], 0, epoch
                    best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
                else:
                    bad += 1
                    if bad > int(self.patience):
                        break
            else:
                self.best_epoch_ = epoch
            if step >= total:
                break
        if best_state is not None:
            model.load_state_dict(best_state)
        model.eval()

    # -- prediction ----------------------------------------------------------------------

    def _proba(self, texts):
        """Mean window probabilities per text (the model in eval mode, no grad)."""
        torch = self._torch
        model = self.model_
        model.eval()
        windows, owners = self._windows(texts)
        out = np.zeros((len(texts), len(self.classes_)), dtype=np.float64)
        if not windows:
            return out
        order = np.argsort([len(w) for w in windows], kind="stable")
        probs = np.zeros((len(windows), len(self.classes_)), dtype=np.float64)
        size = max(int(self.batch_size) * 2, 1)
        with torch.inference_mode(), self._autocast():
            for begin in range(0, len(order), size):
                rows = order[begin:begin + size]
                logits = model(**self._collate([windows[i] for i in rows])).logits
                probs[rows] = torch.softmax(logits.float(), dim=-1).cpu().numpy()
        np.add.at(out, owners, probs)
        out /= np.maximum(np.bincount(owners, minlength=len(texts)), 1)[:, None]
        return out

    def predict_proba(self, X):
        """Class probabilities, columns in ``classes_`` order (mean over windows)."""
        import torch

        check_is_fitted(self, "model_")
        self._torch = torch
        device = resolve_device(self.device)
        if device.startswith("cuda"):
            precision = CUDA_PRECISION
        elif self.precision_ in ("float32", "bfloat16"):
            precision = self.precision_
        else:  # trained on a GPU, predicting on the CPU: the CPU's own precision
            precision = self._cpu_precision(torch, warn=False)
        self._use_device(device, precision)
        with _Deterministic(torch, None, self.num_threads):
            return self._proba(as_texts(X))

    def predict(self, X):
        """The most probable class per text."""
        return self.classes_[self.predict_proba(X).argmax(axis=1)]

    # -- persistence ---------------------------------------------------------------------

    def save(self, path) -> Path:
        """Write safetensors weights, tokenizer and a JSON config to a folder.

        Parameters
        ----------
        path : str or path-like
            A folder; a bare name (no path separator) is placed under
            ``get_data_home()/models/``.

        Returns
        -------
        pathlib.Path
            The folder written.
        """
        check_is_fitted(self, "model_")
        folder = _model_folder(path)
        folder.mkdir(parents=True, exist_ok=True)
        device = next(self.model_.parameters()).device
        # Written from the CPU, so that the weights load where there is no GPU.
        self.model_.to("cpu")
        try:
            self.model_.save_pretrained(folder, safe_serialization=True)
        finally:
            self.model_.to(device)
        self.tokenizer_.save_pretrained(folder)
        params = self.get_params()
        params["model"] = str(params["model"])
        config = {
            "params": params,
            "classes": [c.item() if hasattr(c, "item") else c for c in self.classes_],
            "model_source": self.model_source_,
            "model_revision": self.model_revision_,
            "history": self.history_,
            "best_epoch": self.best_epoch_,
            "precision": self.precision_,
            "device": self.device_,
            "fit_seconds": self.fit_seconds_,
        }
        with atomic_write(folder / CONFIG_NAME) as tmp:
            tmp.write_text(json.dumps(config, indent=2), encoding="utf-8")
        return folder

    @classmethod
    def load(cls, path) -> TransformerClassifier:
        """Load a classifier written by :meth:`save` (safetensors and JSON only)."""
        import torch
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        folder, config = read_saved_config(path, CONFIG_NAME, "TransformerClassifier.save")
        set_transformers_offline()
        clf = cls(**config["params"])
        clf.classes_ = np.asarray(config["classes"])
        clf.tokenizer_ = AutoTokenizer.from_pretrained(folder)
        clf.model_ = AutoModelForSequenceClassification.from_pretrained(
            folder, use_safetensors=True).eval()
        clf.model_source_ = config["model_source"]
        clf.model_revision_ = config["model_revision"]
        clf.history_ = config["history"]
        clf.best_epoch_ = config["best_epoch"]
        # folders saved before precision existed were trained in float32
        clf.precision_ = config.get("precision", "float32")
        # the device it was trained on; it predicts where its ``device`` resolves here
        clf.device_ = config.get("device", "cpu")
        clf.fit_seconds_ = config["fit_seconds"]
        clf._torch = torch
        return clf

    def __getstate__(self):
        if hasattr(self, "model_"):
            raise TypeError("a fitted TransformerClassifier is not pickled (pickle is unsafe "
                            "to load): use clf.save(path) and TransformerClassifier.load(path)")
        state = self.__dict__.copy()
        state.pop("_torch", None)
        return state


def _native_bfloat16(torch) -> bool:
    """Whether this CPU computes bfloat16 in hardware (torch's own CPU probes)."""
    probes = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")
    return any(getattr(torch.cpu, name, lambda: False)() for name in probes)


def read_saved_config(path, name, writer) -> tuple[Path, dict]:
    """The model folder of ``path`` and its JSON file ``name``, written by ``writer``."""
    folder = _model_folder(path)
    config_path = folder / name
    if not config_path.is_file():
        raise FileNotFoundError(f"{config_path} not found: not a folder written by {writer}")
    return folder, json.loads(config_path.read_text(encoding="utf-8"))


def _model_folder(path) -> Path:
    text = os.fspath(path)
    if os.sep not in text and "/" not in text and not text.startswith("."):
        return get_data_home() / "models" / text
    return Path(text).expanduser().resolve()
